//! The yearly fund of a site (Điều 16; NĐ 18/2014): the royalty budget, plus at most the
//! schedule's 30 % of it for incentives and 50 % for the board's and providers' remuneration.
//! The caps are copied from the schedule in force on 1 January of the year when the fund is set.
//! Every ledger entry is checked against its cap in the transaction that writes it: one that
//! would exceed it is refused with 409 naming the cap and what remains.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::text::checked;
use portal_core::{Error, FieldError};
use portal_db::schema::{royalty_funds, royalty_ledger};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::model::{Category, FundRow};
use crate::{schedules, Dong};

#[derive(Debug, Clone)]
pub struct FundView {
    pub row: FundRow,
    pub site: String,
    /// (category, cap, used, remaining)
    pub lines: Vec<(Category, Dong, Dong, Dong)>,
}

pub(crate) fn cap(row: &FundRow, category: Category) -> Dong {
    let budget = Dong(row.royalty_budget);
    match category {
        Category::Royalty => budget,
        // Rounded down: a cap is never exceeded by rounding.
        Category::Incentive => Dong(row.royalty_budget * row.incentive_cap_percent as i64 / 100),
        Category::Remuneration => {
            Dong(row.royalty_budget * row.remuneration_cap_percent as i64 / 100)
        }
    }
}

pub(crate) fn used(
    conn: &mut DbConn,
    site_id: i64,
    year: i32,
    category: Category,
) -> Result<Dong, Error> {
    // SUM over BIGINT is NUMERIC on PostgreSQL: add in Rust instead, over the year's rows.
    let amounts: Vec<i64> = royalty_ledger::table
        .filter(royalty_ledger::site_id.eq(site_id))
        .filter(royalty_ledger::category.eq(category.as_str()))
        .filter(royalty_ledger::period.like(format!("{year:04}-%")))
        .select(royalty_ledger::amount)
        .load(conn)?;
    Ok(Dong(amounts.iter().sum()))
}

fn load(conn: &mut DbConn, site_id: i64, year: i32) -> Result<Option<FundRow>, Error> {
    Ok(royalty_funds::table
        .filter(royalty_funds::site_id.eq(site_id))
        .filter(royalty_funds::year.eq(year))
        .select(FundRow::as_select())
        .first(conn)
        .optional()?)
}

/// Refuses (409) an entry of `amount` in `category` on the site's fund for `year`. Runs inside
/// the writing transaction, serialised per site and year.
pub(crate) fn check(
    conn: &mut DbConn,
    site_id: i64,
    year: i32,
    category: Category,
    amount: Dong,
) -> Result<(), Error> {
    serialise_on(conn, &format!("royalty_fund:{site_id}:{year}"))?;
    let site = portal_sections::sites::key_of(conn, site_id)?;
    let Some(fund) = load(conn, site_id, year)? else {
        return Err(Error::Conflict(format!(
            "no fund is set for {site} in {year}: PUT /admin/royalties/funds/{site}/{year} first"
        )));
    };
    let cap = cap(&fund, category);
    let used = used(conn, site_id, year, category)?;
    if amount.0 > 0 && used + amount > cap {
        return Err(Error::Conflict(format!(
            "the {} cap of {site}'s {year} fund is {}: {} remain, this needs {}",
            category.as_str(),
            cap.dotted(),
            (cap - used).dotted(),
            amount.dotted()
        )));
    }
    Ok(())
}

fn view(conn: &mut DbConn, row: FundRow) -> Result<FundView, Error> {
    let site = portal_sections::sites::key_of(conn, row.site_id)?;
    let mut lines = Vec::new();
    for category in Category::ALL {
        let cap = cap(&row, *category);
        let used = used(conn, row.site_id, row.year, *category)?;
        lines.push((*category, cap, used, cap - used));
    }
    Ok(FundView { row, site, lines })
}

pub fn get(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    year: i32,
) -> Result<FundView, Error> {
    crate::works::require_site_reader(principal, site)?;
    let site_id = crate::works::any_site(conn, site)?.id;
    let row = load(conn, site_id, year)?
        .ok_or_else(|| Error::not_found("royalty fund", format!("{site}/{year}")))?;
    view(conn, row)
}

/// Sets (or changes) the royalty budget of a site's year; a budget below what is already
/// approved is refused.
pub fn set(
    conn: &mut DbConn,
    who: &Acting,
    site: &str,
    year: i32,
    budget: i64,
    legal_basis: &str,
) -> Result<FundView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let mut errors = Vec::new();
    let legal_basis = checked(&mut errors, "legal_basis", legal_basis, 1_000, true, true);
    if !(0..=1_000_000_000_000).contains(&budget) {
        errors.push(FieldError::new(
            "royalty_budget",
            "out_of_range",
            "from 0 to 1,000,000,000,000 đ",
        ));
    }
    if !(2000..=2100).contains(&year) {
        errors.push(FieldError::new("year", "out_of_range", "from 2000 to 2100"));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let site_id = crate::works::any_site(conn, site)?.id;
    let first_day = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Error::field("year", "out_of_range", "not a year"))?;
    let schedule = schedules::in_force(conn, first_day)?
        .or(schedules::in_force(
            conn,
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first_day),
        )?)
        .ok_or_else(|| {
            Error::Conflict(format!(
                "no royalty schedule is in force in {year}: its caps are the fund's"
            ))
        })?;
    write_transaction(conn, |conn| {
        serialise_on(conn, &format!("royalty_fund:{site_id}:{year}"))?;
        // Lowering the budget never leaves a category above its new cap.
        let caps = FundRow {
            id: 0,
            site_id,
            year,
            royalty_budget: budget,
            incentive_cap_percent: schedule.incentive_cap_percent,
            remuneration_cap_percent: schedule.remuneration_cap_percent,
            legal_basis: String::new(),
            created_by: String::new(),
            created_at: now(),
            updated_at: now(),
        };
        let caps = match load(conn, site_id, year)? {
            Some(existing) => FundRow {
                royalty_budget: budget,
                ..existing
            },
            None => caps,
        };
        for category in Category::ALL {
            let used = used(conn, site_id, year, *category)?;
            if used > cap(&caps, *category) {
                return Err(Error::Conflict(format!(
                    "{} of {} are already entered in {year}: above the cap this budget gives",
                    used.dotted(),
                    category.as_str()
                )));
            }
        }
        let at = now();
        let before = load(conn, site_id, year)?;
        match &before {
            Some(row) => {
                diesel::update(royalty_funds::table.find(row.id))
                    .set((
                        royalty_funds::royalty_budget.eq(budget),
                        royalty_funds::legal_basis.eq(&legal_basis),
                        royalty_funds::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(royalty_funds::table)
                    .values((
                        royalty_funds::site_id.eq(site_id),
                        royalty_funds::year.eq(year),
                        royalty_funds::royalty_budget.eq(budget),
                        royalty_funds::incentive_cap_percent.eq(schedule.incentive_cap_percent),
                        royalty_funds::remuneration_cap_percent
                            .eq(schedule.remuneration_cap_percent),
                        royalty_funds::legal_basis.eq(&legal_basis),
                        royalty_funds::created_by.eq(&who.actor.label),
                        royalty_funds::created_at.eq(at),
                        royalty_funds::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
        }
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.fund_set",
            Some(&format!("royalty_fund:{site}:{year}")),
            before
                .as_ref()
                .map(|b| json!({"royalty_budget": b.royalty_budget}))
                .as_ref(),
            Some(&json!({"royalty_budget": budget})),
        )?;
        let row = load(conn, site_id, year)?
            .ok_or_else(|| Error::Internal("the fund just written".into()))?;
        view(conn, row)
    })
}

/// The year of a ledger period ("2026-07").
pub(crate) fn year_of(period: &str) -> i32 {
    period.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// This month in Vietnam, as a ledger period.
pub(crate) fn current_period() -> String {
    let today = portal_feedback::workdays::today_in_vietnam();
    format!("{:04}-{:02}", today.year(), today.month())
}
