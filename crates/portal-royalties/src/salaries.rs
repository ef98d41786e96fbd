//! The base salary (lương cơ sở) over time: the unit value of a royalty is a schedule's
//! percentage of the one in force on the work's publication day (234,000 đ until 30/06/2026,
//! 253,000 đ from 01/07/2026). The IT centre adds a new one when a decree changes it; amounts
//! already frozen into works keep their value.

use chrono::NaiveDate;
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::text::checked;
use portal_core::{Error, FieldError};
use portal_db::schema::{royalty_base_salaries, royalty_tax_rules};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::model::{BaseSalary, TaxRule};
use crate::schedules::require_reader;

/// Makes room in a dated table for a row starting on `$from`, inside the caller's transaction:
/// refuses (409) when a row already starts on or after that day, and ends the row in force then
/// on the day before. A macro because each diesel table is its own type; both tables have
/// `valid_from` and `valid_until`.
macro_rules! make_room {
    ($conn:expr, $table:ident, $from:expr, $what:expr) => {{
        serialise_on($conn, stringify!($table))?;
        let later: i64 = $table::table
            .filter($table::valid_from.ge($from))
            .count()
            .get_result($conn)?;
        if later > 0 {
            return Err(Error::Conflict(format!(
                "{} already starts on or after {}",
                $what,
                $from.format("%d/%m/%Y")
            )));
        }
        let Some(day_before) = $from.pred_opt() else {
            return Err(Error::field(
                "valid_from",
                "out_of_range",
                "not a day the calendar has",
            ));
        };
        diesel::update(
            $table::table.filter(
                $table::valid_until
                    .is_null()
                    .or($table::valid_until.ge($from)),
            ),
        )
        .set($table::valid_until.eq(Some(day_before)))
        .execute($conn)?;
    }};
}

/// The base salary in force on `day`.
pub fn base_salary_on(conn: &mut DbConn, day: NaiveDate) -> Result<Option<BaseSalary>, Error> {
    Ok(royalty_base_salaries::table
        .filter(royalty_base_salaries::valid_from.le(day))
        .filter(
            royalty_base_salaries::valid_until
                .is_null()
                .or(royalty_base_salaries::valid_until.ge(day)),
        )
        .order(royalty_base_salaries::valid_from.desc())
        .select(BaseSalary::as_select())
        .first(conn)
        .optional()?)
}

pub fn base_salaries(conn: &mut DbConn, principal: &Principal) -> Result<Vec<BaseSalary>, Error> {
    require_reader(principal)?;
    Ok(royalty_base_salaries::table
        .order(royalty_base_salaries::valid_from.desc())
        .select(BaseSalary::as_select())
        .load(conn)?)
}

/// A new base salary from `valid_from`: the one in force the day before ends then. Amounts
/// already frozen into works keep their value.
pub fn add_base_salary(
    conn: &mut DbConn,
    who: &Acting,
    valid_from: NaiveDate,
    amount: i64,
    legal_basis: &str,
) -> Result<BaseSalary, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let mut errors = Vec::new();
    let legal_basis = checked(&mut errors, "legal_basis", legal_basis, 1_000, true, true);
    if !(1..=1_000_000_000).contains(&amount) {
        errors.push(FieldError::new(
            "amount",
            "out_of_range",
            "from 1 to 1,000,000,000 đ",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        make_room!(conn, royalty_base_salaries, valid_from, "a base salary");
        let id: i64 = diesel::insert_into(royalty_base_salaries::table)
            .values((
                royalty_base_salaries::valid_from.eq(valid_from),
                royalty_base_salaries::amount.eq(amount),
                royalty_base_salaries::legal_basis.eq(&legal_basis),
                royalty_base_salaries::created_by.eq(&who.actor.label),
                royalty_base_salaries::created_at.eq(now()),
            ))
            .returning(royalty_base_salaries::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.base_salary_added",
            Some(&format!("royalty_base_salary:{id}")),
            None,
            Some(&json!({"valid_from": valid_from, "amount": amount, "legal_basis": legal_basis})),
        )?;
        Ok(royalty_base_salaries::table
            .find(id)
            .select(BaseSalary::as_select())
            .first(conn)?)
    })
}

pub fn tax_rules(conn: &mut DbConn, principal: &Principal) -> Result<Vec<TaxRule>, Error> {
    require_reader(principal)?;
    Ok(royalty_tax_rules::table
        .order(royalty_tax_rules::valid_from.desc())
        .select(TaxRule::as_select())
        .load(conn)?)
}

/// A new withholding rule from `valid_from` (a statement uses the one in force on its month's
/// last day); the rule before it ends the day before.
pub fn add_tax_rule(
    conn: &mut DbConn,
    who: &Acting,
    valid_from: NaiveDate,
    rate_percent: i64,
    threshold: i64,
    legal_basis: &str,
) -> Result<TaxRule, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let mut errors = Vec::new();
    let legal_basis = checked(&mut errors, "legal_basis", legal_basis, 1_000, true, true);
    if !(0..=100).contains(&rate_percent) {
        errors.push(FieldError::new(
            "rate_percent",
            "out_of_range",
            "from 0 to 100",
        ));
    }
    if !(0..=1_000_000_000).contains(&threshold) {
        errors.push(FieldError::new(
            "threshold",
            "out_of_range",
            "from 0 to 1,000,000,000 đ",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        make_room!(conn, royalty_tax_rules, valid_from, "a tax rule");
        let id: i64 = diesel::insert_into(royalty_tax_rules::table)
            .values((
                royalty_tax_rules::valid_from.eq(valid_from),
                royalty_tax_rules::rate_percent.eq(rate_percent as i32),
                royalty_tax_rules::threshold.eq(threshold),
                royalty_tax_rules::legal_basis.eq(&legal_basis),
            ))
            .returning(royalty_tax_rules::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.tax_rule_added",
            Some(&format!("royalty_tax_rule:{id}")),
            None,
            Some(
                &json!({"valid_from": valid_from, "rate_percent": rate_percent, "threshold": threshold}),
            ),
        )?;
        Ok(royalty_tax_rules::table
            .find(id)
            .select(TaxRule::as_select())
            .first(conn)?)
    })
}
