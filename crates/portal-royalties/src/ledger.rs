//! Ledger entries that are not a work's royalty: the remuneration (thù lao) of board members
//! and providers of material, and incentives, per month, per person, by role, each within its
//! cap of the site's yearly fund (Điều 16); and the list of them.

use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::text::checked;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::royalty_ledger;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::{Category, LedgerRow};
use crate::works::month_bounds;
use crate::Dong;

/// Remuneration (thù lao) of a board member or provider, or an incentive, for a month: a ledger
/// entry within its cap of the site's fund.
#[derive(Debug, Clone)]
pub struct EntryInput {
    pub site: String,
    pub period: String,
    pub payee_id: i64,
    pub category: String,
    pub role: String,
    pub amount: i64,
    pub note: Option<String>,
}

pub fn add_entry(conn: &mut DbConn, who: &Acting, input: &EntryInput) -> Result<LedgerRow, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let mut errors = Vec::new();
    let role = checked(&mut errors, "role", &input.role, 200, false, true);
    let note = input
        .note
        .as_deref()
        .map(|n| checked(&mut errors, "note", n, 2_000, true, false));
    let category = match Category::parse(&input.category) {
        Some(c @ (Category::Remuneration | Category::Incentive)) => Some(c),
        _ => {
            errors.push(FieldError::new(
                "category",
                "unknown_category",
                "remuneration or incentive (royalties come from approved works)",
            ));
            None
        }
    };
    if month_bounds(&input.period).is_none() {
        errors.push(FieldError::new(
            "period",
            "not_a_month",
            "a month written 2026-07",
        ));
    }
    if !(1..=1_000_000_000).contains(&input.amount) {
        errors.push(FieldError::new(
            "amount",
            "out_of_range",
            "from 1 to 1,000,000,000 đ",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let category = category.ok_or_else(|| Error::Internal("category".into()))?;
    let site_id = crate::works::any_site(conn, &input.site)?.id;
    write_transaction(conn, |conn| {
        crate::payees::load(conn, input.payee_id).map_err(|_| {
            Error::field(
                "payee_id",
                "unknown_payee",
                format!("no payee {}", input.payee_id),
            )
        })?;
        crate::funds::check(
            conn,
            site_id,
            crate::funds::year_of(&input.period),
            category,
            Dong(input.amount),
        )?;
        let id: i64 = diesel::insert_into(royalty_ledger::table)
            .values((
                royalty_ledger::site_id.eq(site_id),
                royalty_ledger::payee_id.eq(input.payee_id),
                royalty_ledger::category.eq(category),
                royalty_ledger::amount.eq(input.amount),
                royalty_ledger::period.eq(&input.period),
                royalty_ledger::role.eq(Some(&role)),
                royalty_ledger::note.eq(note.as_ref()),
                royalty_ledger::created_by.eq(&who.actor.label),
                royalty_ledger::created_at.eq(now()),
            ))
            .returning(royalty_ledger::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.entry_added",
            Some(&format!("royalty_ledger:{id}")),
            None,
            Some(
                &json!({"category": category.as_str(), "amount": input.amount, "payee": input.payee_id, "period": input.period}),
            ),
        )?;
        Ok(royalty_ledger::table
            .find(id)
            .select(LedgerRow::as_select())
            .first(conn)?)
    })
}

/// A site's entries of a year, newest first: remuneration and incentives only, or one category.
pub fn list(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    year: i32,
    category: Option<Category>,
    page: &PageRequest,
) -> Result<Page<LedgerRow>, Error> {
    principal.require(Scope::RoyaltiesManage)?;
    let site_id = crate::works::any_site(conn, site)?.id;
    let mut query = royalty_ledger::table
        .filter(royalty_ledger::site_id.eq(site_id))
        .filter(royalty_ledger::period.like(format!("{year:04}-%")))
        .order(royalty_ledger::id.desc())
        .select(LedgerRow::as_select())
        .limit(page.fetch_limit())
        .into_boxed();
    query = match category {
        Some(c) => query.filter(royalty_ledger::category.eq(c.as_str())),
        None => query.filter(royalty_ledger::category.ne(Category::Royalty.as_str())),
    };
    if let Some(after) = page.after_id()? {
        query = query.filter(royalty_ledger::id.lt(after));
    }
    let rows: Vec<LedgerRow> = query.load(conn)?;
    Ok(Page::from_rows(rows, page, |r| r.id.to_string()))
}
