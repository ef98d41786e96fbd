//! Monthly statements (bảng kê) per payee and site: the ledger entries not yet on a statement,
//! the personal income tax withheld under the dated rule, the net and what earlier statements
//! left unpaid (carried forward). The IT centre prepares them; its head approves them — someone
//! other than who prepared them; payments are recorded against an approved statement.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::text::checked;
use portal_core::{Error, FieldError};
use portal_db::schema::{
    royalty_ledger, royalty_payees, royalty_payments, royalty_statement_lines, royalty_statements,
    royalty_tax_rules, royalty_works,
};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::model::{LedgerRow, PaymentRow, StatementRow, StatementStatus, TaxRule};
use crate::rules::{decimal, tax};
use crate::works::month_bounds;
use crate::Dong;

#[derive(Debug, Clone)]
pub struct LineView {
    pub entry: LedgerRow,
    pub work_title: Option<String>,
    pub genre: Option<String>,
    pub coefficient: Option<String>,
    /// The work's adjustments, e.g. "dich 50 %; thieu_nhi_dan_toc 10 %".
    pub adjustments: Option<String>,
    pub unit_value: Option<i64>,
    pub share: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StatementView {
    pub row: StatementRow,
    pub site: String,
    pub pen_name: String,
    /// The payee's agency, for the per-agency summary.
    pub agency: Option<String>,
    pub lines: Vec<LineView>,
    pub payments: Vec<PaymentRow>,
    pub paid: Dong,
    /// What earlier approved statements of the payee on the site still owe.
    pub carried_forward: Dong,
    pub tax_rule: Option<TaxRule>,
}

impl StatementView {
    pub fn remaining(&self) -> Dong {
        Dong(self.row.net) - self.paid
    }
}

fn tax_rule_on(conn: &mut DbConn, day: NaiveDate) -> Result<Option<TaxRule>, Error> {
    Ok(royalty_tax_rules::table
        .filter(royalty_tax_rules::valid_from.le(day))
        .filter(
            royalty_tax_rules::valid_until
                .is_null()
                .or(royalty_tax_rules::valid_until.ge(day)),
        )
        .order(royalty_tax_rules::valid_from.desc())
        .select(TaxRule::as_select())
        .first(conn)
        .optional()?)
}

pub(crate) fn load(conn: &mut DbConn, id: i64) -> Result<StatementRow, Error> {
    royalty_statements::table
        .find(id)
        .select(StatementRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("statement", id))
}

fn paid(conn: &mut DbConn, statement: i64) -> Result<Dong, Error> {
    let amounts: Vec<i64> = royalty_payments::table
        .filter(royalty_payments::statement_id.eq(statement))
        .select(royalty_payments::amount)
        .load(conn)?;
    Ok(Dong(amounts.iter().sum()))
}

pub(crate) fn view(conn: &mut DbConn, row: StatementRow) -> Result<StatementView, Error> {
    let site = portal_sections::sites::key_of(conn, row.site_id)?;
    let (pen_name, agency_id): (String, Option<i64>) = royalty_payees::table
        .find(row.payee_id)
        .select((royalty_payees::pen_name, royalty_payees::agency_id))
        .first(conn)?;
    let agency = match agency_id {
        Some(id) => Some(portal_sections::agencies::code_of(conn, id)?),
        None => None,
    };
    let entries: Vec<LedgerRow> = royalty_ledger::table
        .inner_join(royalty_statement_lines::table)
        .filter(royalty_statement_lines::statement_id.eq(row.id))
        .order(royalty_ledger::id)
        .select(LedgerRow::as_select())
        .load(conn)?;
    let mut lines = Vec::new();
    for entry in entries {
        let work = match entry.work_id {
            Some(id) => Some(crate::works::load(conn, id)?),
            None => None,
        };
        // The grade the entry was entered at (a reversal's is the reversed entry's).
        lines.push(LineView {
            work_title: work.as_ref().map(|w| w.title.clone()),
            genre: entry.genre.clone(),
            coefficient: entry.coefficient.map(|c| decimal(c as i64)),
            adjustments: entry.work_id.map(|_| {
                entry
                    .applied()
                    .iter()
                    .map(|a| format!("{} {} %", a.code, a.percent))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            unit_value: entry.unit_value,
            share: entry.share_bp.map(|bp| decimal(bp as i64)),
            entry,
        });
    }
    let payments: Vec<PaymentRow> = royalty_payments::table
        .filter(royalty_payments::statement_id.eq(row.id))
        .order(royalty_payments::id)
        .select(PaymentRow::as_select())
        .load(conn)?;
    let paid = Dong(payments.iter().map(|p| p.amount).sum());
    let earlier: Vec<(i64, i64)> = royalty_statements::table
        .filter(royalty_statements::site_id.eq(row.site_id))
        .filter(royalty_statements::payee_id.eq(row.payee_id))
        .filter(royalty_statements::status.eq(StatementStatus::Approved.as_str()))
        .filter(royalty_statements::period.lt(&row.period))
        .select((royalty_statements::id, royalty_statements::net))
        .load(conn)?;
    let mut carried = Dong::ZERO;
    for (id, net) in earlier {
        carried = carried + Dong(net) - paid_of(conn, id)?;
    }
    let tax_rule = match row.tax_rule_id {
        Some(id) => Some(
            royalty_tax_rules::table
                .find(id)
                .select(TaxRule::as_select())
                .first(conn)?,
        ),
        None => None,
    };
    Ok(StatementView {
        row,
        site,
        pen_name,
        agency,
        lines,
        payments,
        paid,
        carried_forward: carried,
        tax_rule,
    })
}

fn paid_of(conn: &mut DbConn, id: i64) -> Result<Dong, Error> {
    paid(conn, id)
}

/// Prepares the drafts of a site's month: every entry up to that month not yet on a statement,
/// grouped by payee. Drafts of that month made before are made again (entries added since, a
/// cancellation's reversal, are then on them); approved statements are never touched.
pub fn prepare(
    conn: &mut DbConn,
    who: &Acting,
    site: &str,
    period: &str,
) -> Result<Vec<StatementView>, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let Some((_, last_day)) = month_bounds(period) else {
        return Err(Error::field(
            "period",
            "not_a_month",
            "a month written 2026-07",
        ));
    };
    let site_id = crate::works::any_site(conn, site)?.id;
    write_transaction(conn, |conn| {
        serialise_on(conn, &format!("royalty_statements:{site_id}"))?;
        let drafts: Vec<i64> = royalty_statements::table
            .filter(royalty_statements::site_id.eq(site_id))
            .filter(royalty_statements::period.eq(period))
            .filter(royalty_statements::status.eq(StatementStatus::Draft.as_str()))
            .select(royalty_statements::id)
            .load(conn)?;
        diesel::delete(
            royalty_statement_lines::table
                .filter(royalty_statement_lines::statement_id.eq_any(&drafts)),
        )
        .execute(conn)?;
        diesel::delete(royalty_statements::table.filter(royalty_statements::id.eq_any(&drafts)))
            .execute(conn)?;
        let stated = royalty_statement_lines::table.select(royalty_statement_lines::ledger_id);
        let open: Vec<LedgerRow> = royalty_ledger::table
            .filter(royalty_ledger::site_id.eq(site_id))
            .filter(royalty_ledger::period.le(period))
            .filter(royalty_ledger::id.ne_all(stated))
            .order((royalty_ledger::payee_id, royalty_ledger::id))
            .select(LedgerRow::as_select())
            .load(conn)?;
        let rule = tax_rule_on(conn, last_day)?;
        let mut by_payee: Vec<(i64, Vec<LedgerRow>)> = Vec::new();
        for entry in open {
            match by_payee.last_mut() {
                Some((payee, entries)) if *payee == entry.payee_id => entries.push(entry),
                _ => by_payee.push((entry.payee_id, vec![entry])),
            }
        }
        let mut made = Vec::new();
        for (payee, entries) in by_payee {
            let approved_exists: i64 = royalty_statements::table
                .filter(royalty_statements::site_id.eq(site_id))
                .filter(royalty_statements::payee_id.eq(payee))
                .filter(royalty_statements::period.eq(period))
                .count()
                .get_result(conn)?;
            if approved_exists > 0 {
                // Approved already this month: the new entries wait for next month's statement.
                continue;
            }
            let gross: Dong = entries.iter().map(|e| Dong(e.amount)).sum();
            let withheld = match &rule {
                Some(r) => tax(gross, r.rate_percent as i64, Dong(r.threshold)),
                None => Dong::ZERO,
            };
            let id: i64 = diesel::insert_into(royalty_statements::table)
                .values((
                    royalty_statements::site_id.eq(site_id),
                    royalty_statements::payee_id.eq(payee),
                    royalty_statements::period.eq(period),
                    royalty_statements::status.eq(StatementStatus::Draft),
                    royalty_statements::gross.eq(gross.0),
                    royalty_statements::tax.eq(withheld.0),
                    royalty_statements::net.eq((gross - withheld).0),
                    royalty_statements::tax_rule_id.eq(rule.as_ref().map(|r| r.id)),
                    royalty_statements::prepared_by.eq(&who.actor.label),
                    royalty_statements::preparer_id.eq(who.principal.user_id()),
                    royalty_statements::prepared_at.eq(now()),
                ))
                .returning(royalty_statements::id)
                .get_result(conn)?;
            for entry in &entries {
                diesel::insert_into(royalty_statement_lines::table)
                    .values((
                        royalty_statement_lines::statement_id.eq(id),
                        royalty_statement_lines::ledger_id.eq(entry.id),
                    ))
                    .execute(conn)?;
            }
            made.push(id);
        }
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.statements_prepared",
            Some(&format!("royalty_statements:{site}:{period}")),
            None,
            Some(&json!({"statements": made})),
        )?;
        let mut views = Vec::new();
        for id in made {
            let row = load(conn, id)?;
            views.push(view(conn, row)?);
        }
        Ok(views)
    })
}

/// A site's statements of a month.
pub fn list(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    period: &str,
) -> Result<Vec<StatementView>, Error> {
    principal.require(Scope::RoyaltiesManage)?;
    let site_id = crate::works::any_site(conn, site)?.id;
    let rows: Vec<StatementRow> = royalty_statements::table
        .filter(royalty_statements::site_id.eq(site_id))
        .filter(royalty_statements::period.eq(period))
        .order(royalty_statements::id)
        .select(StatementRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

pub fn get(conn: &mut DbConn, principal: &Principal, id: i64) -> Result<StatementView, Error> {
    crate::works::require_some_reader(conn, principal)?;
    let row = load(conn, id)?;
    let own = crate::payees::own(conn, principal).ok().flatten() == Some(row.payee_id);
    if !own {
        principal.require(Scope::RoyaltiesManage)?;
    }
    view(conn, row)
}

/// The head of the IT centre approves a draft that someone else prepared.
pub fn approve(conn: &mut DbConn, who: &Acting, id: i64) -> Result<StatementView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    write_transaction(conn, |conn| {
        // Under the site's statements lock, so that a draft is never approved while `prepare`
        // makes the month's drafts again.
        let site_id = load(conn, id)?.site_id;
        serialise_on(conn, &format!("royalty_statements:{site_id}"))?;
        let row = load(conn, id)?;
        if row.status != StatementStatus::Draft {
            return Err(Error::Conflict(format!(
                "statement {id} is already approved"
            )));
        }
        if row.preparer_id.is_some() && row.preparer_id == who.principal.user_id() {
            return Err(Error::Forbidden(
                "a statement is approved by someone other than who prepared it (Người lập biểu ≠ Thủ trưởng đơn vị)".into(),
            ));
        }
        diesel::update(royalty_statements::table.find(id))
            .set((
                royalty_statements::status.eq(StatementStatus::Approved),
                royalty_statements::approved_by.eq(Some(&who.actor.label)),
                royalty_statements::approved_at.eq(Some(now())),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.statement_approved",
            Some(&format!("royalty_statement:{id}")),
            None,
            Some(&json!({"net": row.net})),
        )?;
        let row = load(conn, id)?;
        view(conn, row)
    })
}

pub fn pay(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    paid_on: NaiveDate,
    reference: &str,
    amount: i64,
) -> Result<StatementView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let mut errors = Vec::new();
    let reference = checked(&mut errors, "reference", reference, 200, false, true);
    if amount <= 0 {
        errors.push(FieldError::new(
            "amount",
            "out_of_range",
            "a payment is more than 0 đ",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        serialise_on(conn, &format!("royalty_statement:{id}"))?;
        let row = load(conn, id)?;
        if row.status != StatementStatus::Approved {
            return Err(Error::Conflict(format!(
                "statement {id} is not approved yet: it is approved before it is paid"
            )));
        }
        let remaining = Dong(row.net) - paid(conn, id)?;
        if amount > remaining.0 {
            return Err(Error::Conflict(format!(
                "statement {id} has {} left to pay",
                remaining.dotted()
            )));
        }
        let payment: i64 = diesel::insert_into(royalty_payments::table)
            .values((
                royalty_payments::statement_id.eq(id),
                royalty_payments::paid_on.eq(paid_on),
                royalty_payments::reference.eq(&reference),
                royalty_payments::amount.eq(amount),
                royalty_payments::created_by.eq(&who.actor.label),
                royalty_payments::created_at.eq(now()),
            ))
            .returning(royalty_payments::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.payment_recorded",
            Some(&format!("royalty_statement:{id}")),
            None,
            Some(
                &json!({"payment": payment, "amount": amount, "paid_on": paid_on, "reference": reference}),
            ),
        )?;
        let row = load(conn, id)?;
        view(conn, row)
    })
}

/// Whether the claim's live entries are all on statements paid in full.
pub(crate) fn claim_paid(conn: &mut DbConn, claim_id: i64) -> Result<bool, Error> {
    let entries: Vec<(i64, Option<i64>)> = royalty_ledger::table
        .left_join(royalty_statement_lines::table)
        .filter(royalty_ledger::claim_id.eq(claim_id))
        .select((
            royalty_ledger::id,
            royalty_statement_lines::statement_id.nullable(),
        ))
        .load(conn)?;
    if entries.is_empty() {
        return Ok(false);
    }
    for (_, statement) in entries {
        let Some(statement) = statement else {
            return Ok(false);
        };
        let row = load(conn, statement)?;
        if row.status != StatementStatus::Approved || paid(conn, statement)?.0 < row.net {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What an author sees of their own: their claims and their statements.
#[derive(Debug, Clone)]
pub struct Mine {
    pub payee_id: Option<i64>,
    pub claims: Vec<(
        crate::works::ClaimView,
        String,
        crate::model::WorkStatus,
        NaiveDateTime,
    )>,
    pub statements: Vec<StatementView>,
}

pub const MINE_LIMIT: i64 = 200;

pub fn mine(conn: &mut DbConn, principal: &Principal) -> Result<Mine, Error> {
    let Some(payee) = crate::payees::own(conn, principal)? else {
        return Ok(Mine {
            payee_id: None,
            claims: vec![],
            statements: vec![],
        });
    };
    type Row = (
        crate::model::ClaimRow,
        String,
        crate::model::WorkStatus,
        NaiveDateTime,
    );
    let rows: Vec<Row> = portal_db::schema::royalty_claims::table
        .inner_join(royalty_works::table)
        .filter(portal_db::schema::royalty_claims::payee_id.eq(payee))
        .order(portal_db::schema::royalty_claims::id.desc())
        .limit(MINE_LIMIT)
        .select((
            crate::model::ClaimRow::as_select(),
            royalty_works::title,
            royalty_works::status,
            royalty_works::published_at,
        ))
        .load(conn)?;
    let pen_name: String = royalty_payees::table
        .find(payee)
        .select(royalty_payees::pen_name)
        .first(conn)?;
    let claims = rows
        .into_iter()
        .map(|(c, title, status, at)| {
            (
                crate::works::ClaimView {
                    id: c.id,
                    position: c.position as i64,
                    payee_id: c.payee_id,
                    pen_name: pen_name.clone(),
                    share_bp: c.share_bp as i64,
                    amount: c.amount,
                },
                title,
                status,
                at,
            )
        })
        .collect();
    let statement_rows: Vec<StatementRow> = royalty_statements::table
        .filter(royalty_statements::payee_id.eq(payee))
        .order(royalty_statements::id.desc())
        .limit(MINE_LIMIT)
        .select(StatementRow::as_select())
        .load(conn)?;
    let mut statements = Vec::new();
    for row in statement_rows {
        statements.push(view(conn, row)?);
    }
    Ok(Mine {
        payee_id: Some(payee),
        claims,
        statements,
    })
}
