//! What the site's chief editor and the IT centre read of published works: the works with their
//! claims, filtered by site, month of publication, status and author, and the calculation of a
//! claim with every number it used (reproducible from the stored inputs).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::Principal;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{royalty_claims, royalty_payees, royalty_works};
use portal_db::DbConn;

use crate::model::{Applied, ClaimRow, WorkRow, WorkStatus};
use crate::rules::{decimal, Grade};
use crate::{schedules, Dong};

#[derive(Debug, Clone)]
pub struct ClaimView {
    pub id: i64,
    pub position: i64,
    pub payee_id: i64,
    pub pen_name: String,
    pub share_bp: i64,
    pub amount: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct WorkView {
    pub row: WorkRow,
    pub site: String,
    pub claims: Vec<ClaimView>,
    /// Publication + the schedule's payment limit (60 days, NĐ 18/2014).
    pub pay_by: Option<NaiveDate>,
}

/// The IT centre reads every site's works; a chief editor those of the site they lead.
pub(crate) fn require_site_reader(principal: &Principal, site: &str) -> Result<(), Error> {
    if principal.may(&Scope::RoyaltiesManage) {
        return Ok(());
    }
    principal.require_publish_on(site)
}

/// A site by key, active or not: a merged or closed site's royalties are still stated and paid
/// (the 2025 reform merged sites; what they owe survives them).
pub(crate) fn any_site(
    conn: &mut DbConn,
    key: &str,
) -> Result<portal_sections::model::Site, Error> {
    portal_sections::sites::by_key(conn, key)?.ok_or_else(|| Error::not_found("site", key))
}

pub(crate) fn load(conn: &mut DbConn, id: i64) -> Result<WorkRow, Error> {
    royalty_works::table
        .find(id)
        .select(WorkRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("royalty work", id))
}

pub(crate) fn claims_of(conn: &mut DbConn, work_id: i64) -> Result<Vec<ClaimView>, Error> {
    let rows: Vec<(ClaimRow, String)> = royalty_claims::table
        .inner_join(royalty_payees::table)
        .filter(royalty_claims::work_id.eq(work_id))
        .order(royalty_claims::position)
        .select((ClaimRow::as_select(), royalty_payees::pen_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(c, pen_name)| ClaimView {
            id: c.id,
            position: c.position as i64,
            payee_id: c.payee_id,
            pen_name,
            share_bp: c.share_bp as i64,
            amount: c.amount,
        })
        .collect())
}

pub(crate) fn view(conn: &mut DbConn, row: WorkRow) -> Result<WorkView, Error> {
    let mut one = views_of(conn, vec![row])?;
    one.pop()
        .ok_or_else(|| Error::Internal("a view of one work".into()))
}

/// Views of a batch of works: each site's key and each schedule's payment limit read once.
pub(crate) fn views_of(conn: &mut DbConn, rows: Vec<WorkRow>) -> Result<Vec<WorkView>, Error> {
    let mut sites: HashMap<i64, String> = HashMap::new();
    let mut limits: HashMap<i64, i64> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = sites.entry(row.site_id) {
            slot.insert(portal_sections::sites::key_of(conn, row.site_id)?);
        }
        let pay_by = match row.schedule_id {
            Some(id) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = limits.entry(id) {
                    slot.insert(schedules::load(conn, id)?.payment_days as i64);
                }
                Some(row.published_on + Duration::days(limits[&id]))
            }
            None => None,
        };
        let claims = claims_of(conn, row.id)?;
        out.push(WorkView {
            site: sites[&row.site_id].clone(),
            row,
            claims,
            pay_by,
        });
    }
    Ok(out)
}

pub(crate) fn reload(conn: &mut DbConn, id: i64) -> Result<WorkView, Error> {
    let row = load(conn, id)?;
    view(conn, row)
}

/// Refuses, before any lookup, whoever is neither the IT centre, a chief editor nor a payee.
pub(crate) fn require_some_reader(conn: &mut DbConn, principal: &Principal) -> Result<(), Error> {
    if principal.may(&Scope::RoyaltiesManage) || principal.require_publish_somewhere().is_ok() {
        return Ok(());
    }
    match crate::payees::own(conn, principal)? {
        Some(_) => Ok(()),
        None => Err(Error::forbidden_scope("royalties:manage")),
    }
}

/// A work, read by who may read its site's.
pub fn get(conn: &mut DbConn, principal: &Principal, id: i64) -> Result<WorkView, Error> {
    // Refused before the lookup: only the IT centre and chief editors read works.
    if !principal.may(&Scope::RoyaltiesManage) {
        principal.require_publish_somewhere()?;
    }
    let row = load(conn, id)?;
    let site = portal_sections::sites::key_of(conn, row.site_id)?;
    require_site_reader(principal, &site)?;
    view(conn, row)
}

#[derive(Debug, Clone, Default)]
pub struct WorkFilter {
    pub status: Option<WorkStatus>,
    /// Works published in this month ("2026-07").
    pub month: Option<(NaiveDate, NaiveDate)>,
    pub payee_id: Option<i64>,
}

/// "2026-07" as its first and last day.
pub fn month_bounds(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, m) = text.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let first = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    let next = if first.month0() == 11 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    Some((first, next - Duration::days(1)))
}

use chrono::Datelike;

/// A site's works, newest first.
pub fn list(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    filter: &WorkFilter,
    page: &PageRequest,
) -> Result<Page<WorkView>, Error> {
    require_site_reader(principal, site)?;
    let site_id = crate::works::any_site(conn, site)?.id;
    let mut query = royalty_works::table
        .filter(royalty_works::site_id.eq(site_id))
        .order(royalty_works::id.desc())
        .select(WorkRow::as_select())
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(royalty_works::id.lt(after));
    }
    if let Some(status) = filter.status {
        query = query.filter(royalty_works::status.eq(status.as_str()));
    }
    if let Some((first, last)) = filter.month {
        query = query
            .filter(royalty_works::published_on.ge(first))
            .filter(royalty_works::published_on.le(last));
    }
    if let Some(payee) = filter.payee_id {
        query = query.filter(
            royalty_works::id.eq_any(
                royalty_claims::table
                    .filter(royalty_claims::payee_id.eq(payee))
                    .select(royalty_claims::work_id),
            ),
        );
    }
    let rows: Vec<WorkRow> = query.load(conn)?;
    let rows = Page::from_rows(rows, page, |r| r.id.to_string());
    let items = views_of(conn, rows.items)?;
    Ok(Page {
        items,
        next_cursor: rows.next_cursor,
    })
}

/// Every number behind a claim's amount.
#[derive(Debug, Clone)]
pub struct Calculation {
    pub work: WorkView,
    pub claim_id: i64,
    pub schedule: Option<(i64, String, String)>,
    pub genre: Option<(String, String)>,
    pub coefficient: Option<String>,
    pub base_salary: Option<i64>,
    pub unit_percent: Option<i64>,
    pub unit_value: Option<i64>,
    pub adjustments: Vec<Applied>,
    pub site_percent: i64,
    pub work_amount: Option<i64>,
    pub formula: Option<String>,
    pub share: String,
    pub claim_amount: Option<i64>,
    pub split: String,
}

/// Its author, the site's chief editor or the IT centre.
pub fn calculation(
    conn: &mut DbConn,
    principal: &Principal,
    claim_id: i64,
) -> Result<Calculation, Error> {
    require_some_reader(conn, principal)?;
    let claim: ClaimRow = royalty_claims::table
        .find(claim_id)
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("royalty claim", claim_id))?;
    let row = load(conn, claim.work_id)?;
    let site = portal_sections::sites::key_of(conn, row.site_id)?;
    let own = crate::payees::own(conn, principal).ok().flatten() == Some(claim.payee_id);
    if !own {
        require_site_reader(principal, &site)?;
    }
    let schedule = match row.schedule_id {
        Some(id) => Some(schedules::load(conn, id)?),
        None => None,
    };
    let genre = match (&schedule, &row.genre) {
        (Some(s), Some(code)) => schedules::parse_genres(&s.genres)?
            .into_iter()
            .find(|g| &g.code == code)
            .map(|g| (g.code, g.label)),
        _ => None,
    };
    let applied = row.applied();
    let grade = match (row.coefficient, row.unit_value) {
        (Some(c), Some(u)) => Some(Grade {
            coefficient: c as i64,
            unit_value: Dong(u),
            share_percent: applied
                .iter()
                .find(|a| a.kind == crate::model::AdjustmentKind::Share)
                .map(|a| a.percent),
            bonus_percents: applied
                .iter()
                .filter(|a| a.kind == crate::model::AdjustmentKind::Bonus)
                .map(|a| a.percent)
                .collect(),
            site_percent: row.site_percent as i64,
        }),
        _ => None,
    };
    let work = view(conn, row)?;
    let split = work
        .claims
        .iter()
        .map(|c| {
            format!(
                "{} {} % = {}",
                c.pen_name,
                decimal(c.share_bp),
                c.amount
                    .map(|a| Dong(a).dotted())
                    .unwrap_or_else(|| "…".into())
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Calculation {
        claim_id,
        schedule: schedule
            .as_ref()
            .map(|s| (s.id, s.name.clone(), s.legal_basis.clone())),
        genre,
        coefficient: work.row.coefficient.map(|c| decimal(c as i64)),
        base_salary: work.row.base_salary,
        unit_percent: schedule.as_ref().map(|s| s.unit_percent as i64),
        unit_value: work.row.unit_value,
        adjustments: applied,
        site_percent: work.row.site_percent as i64,
        work_amount: work.row.amount,
        formula: grade.as_ref().map(Grade::formula),
        share: decimal(claim.share_bp as i64),
        claim_amount: claim.amount,
        split: format!("{split} (phần lẻ đồng tính cho tác giả đầu tiên)"),
        work,
    })
}
