//! The payment limit (NĐ 18/2014: royalties are paid within 60 days of publication, the number
//! being the schedule's `payment_days`): the claims of a site not yet paid in full whose limit
//! falls within the coming `within_days` or has passed.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use portal_auth::Principal;
use portal_core::Error;
use portal_db::schema::royalty_works;
use portal_db::DbConn;

use crate::model::{WorkRow, WorkStatus};
use crate::works::{self, ClaimView};

pub const MAX_DUE: i64 = 500;

#[derive(Debug, Clone)]
pub struct DueClaim {
    pub work_id: i64,
    pub item_id: i64,
    pub title: String,
    pub status: WorkStatus,
    pub published_on: NaiveDate,
    pub pay_by: NaiveDate,
    /// Negative once the limit has passed.
    pub days_left: i64,
    pub claim: ClaimView,
}

pub fn payment_due(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    within_days: i64,
    today: NaiveDate,
) -> Result<Vec<DueClaim>, Error> {
    works::require_site_reader(principal, site)?;
    let site_id = crate::works::any_site(conn, site)?.id;
    // The longest limit a schedule allows is 366 days: older works are read only if unpaid.
    let horizon = today + Duration::days(within_days);
    let rows: Vec<WorkRow> = royalty_works::table
        .filter(royalty_works::site_id.eq(site_id))
        .filter(royalty_works::status.ne(WorkStatus::Cancelled.as_str()))
        .filter(royalty_works::published_on.le(horizon))
        .order((royalty_works::published_on, royalty_works::id))
        .limit(MAX_DUE)
        .select(WorkRow::as_select())
        .load(conn)?;
    let mut out = Vec::new();
    for view in works::views_of(conn, rows)? {
        let Some(pay_by) = view.pay_by else { continue };
        if pay_by > horizon {
            continue;
        }
        for claim in &view.claims {
            if crate::statements::claim_paid(conn, claim.id)? {
                continue;
            }
            out.push(DueClaim {
                work_id: view.row.id,
                item_id: view.row.item_id,
                title: view.row.title.clone(),
                status: view.row.status,
                published_on: view.row.published_on,
                pay_by,
                days_left: (pay_by - today).num_days(),
                claim: claim.clone(),
            });
        }
    }
    Ok(out)
}
