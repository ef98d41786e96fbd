//! The site's chief editor grades a work (genre, coefficient within the schedule's range,
//! adjustments within theirs, a reason for anything but the defaults), approves it — the amount is
//! frozen into the append-only ledger, one entry per claim, within the yearly fund — corrects it
//! after approval (a reversal of every live entry plus new entries, never an edit), or cancels it
//! with a reason (an approved work only once its item is no longer published and before any of
//! its entries was approved for payment).

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::text::checked;
use portal_core::{Error, FieldError};
use portal_db::schema::{
    royalty_claims, royalty_ledger, royalty_statement_lines, royalty_statements, royalty_works,
};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::funds::{self, current_period, year_of};
use crate::model::{AdjustmentKind, Applied, Category, LedgerRow, WorkRow, WorkStatus};
use crate::rules::{hundredths, split, Grade};
use crate::works::{self, WorkView};
use crate::{schedules, Dong};

#[derive(Debug, Clone)]
pub struct AppliedInput {
    pub code: String,
    pub percent: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct GradeInput {
    pub genre: String,
    pub coefficient: Option<String>,
    pub adjustments: Vec<AppliedInput>,
    pub reason: Option<String>,
}

/// Reads the work, inside the step's transaction and after any concurrent step on it, and checks
/// the caller is the chief editor of its site.
fn led(conn: &mut DbConn, who: &Acting, id: i64) -> Result<WorkRow, Error> {
    who.principal.require_publish_somewhere()?;
    // Two approvals sent together: the second waits here and then reads the first's result.
    serialise_on(conn, &format!("royalty_work:{id}"))?;
    let row = works::load(conn, id)?;
    let site = portal_sections::sites::key_of(conn, row.site_id)?;
    who.principal.require_publish_on(&site)?;
    Ok(row)
}

/// The grade of `input` under the work's frozen schedule and unit value.
fn graded(
    conn: &mut DbConn,
    row: &WorkRow,
    input: &GradeInput,
) -> Result<(i64, Vec<Applied>, Option<String>, Dong), Error> {
    let (Some(schedule_id), Some(unit)) = (row.schedule_id, row.unit_value) else {
        return Err(Error::Conflict(format!(
            "no rate schedule or base salary was in force on {}, the work's publication day: add them, then grade",
            row.published_on.format("%d/%m/%Y")
        )));
    };
    let schedule = schedules::load(conn, schedule_id)?;
    let genres = schedules::parse_genres(&schedule.genres)?;
    let adjustments = schedules::parse_adjustments(&schedule.adjustments)?;
    let mut errors = Vec::new();
    let mut outside_default = false;
    let Some(genre) = genres.iter().find(|g| g.code == input.genre) else {
        return Err(Error::field(
            "genre",
            "unknown_genre",
            format!(
                "one of {}",
                genres
                    .iter()
                    .map(|g| g.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let coefficient = match &input.coefficient {
        None => genre.default,
        Some(text) => match hundredths(text) {
            Some(c) if (genre.min..=genre.max).contains(&c) => {
                outside_default |= c != genre.default;
                c
            }
            _ => {
                errors.push(FieldError::new(
                    "coefficient",
                    "out_of_range",
                    format!(
                        "{} takes {} to {} in schedule {}",
                        genre.label,
                        crate::rules::decimal(genre.min),
                        crate::rules::decimal(genre.max),
                        schedule.id
                    ),
                ));
                0
            }
        },
    };
    let mut applied = Vec::new();
    for (i, a) in input.adjustments.iter().enumerate() {
        let Some(rule) = adjustments.iter().find(|r| r.code == a.code) else {
            errors.push(FieldError::new(
                format!("adjustments[{i}].code"),
                "unknown_adjustment",
                format!("schedule {} has no {}", schedule.id, a.code),
            ));
            continue;
        };
        let percent = a.percent.unwrap_or(rule.default);
        if !(rule.min..=rule.max).contains(&percent) {
            errors.push(FieldError::new(
                format!("adjustments[{i}].percent"),
                "out_of_range",
                format!("{} takes {} % to {} %", rule.label, rule.min, rule.max),
            ));
        }
        outside_default |= percent != rule.default;
        if applied.iter().any(|x: &Applied| x.code == a.code) {
            errors.push(FieldError::new(
                format!("adjustments[{i}].code"),
                "repeated",
                "applied twice",
            ));
        }
        if rule.kind == AdjustmentKind::Share
            && applied
                .iter()
                .any(|x: &Applied| x.kind == AdjustmentKind::Share)
        {
            errors.push(FieldError::new(
                format!("adjustments[{i}].code"),
                "one_share",
                "one share (translation or subtitles) at a time",
            ));
        }
        applied.push(Applied {
            code: a.code.clone(),
            kind: rule.kind,
            percent,
        });
    }
    let reason = input
        .reason
        .as_deref()
        .map(|r| checked(&mut errors, "reason", r, 2_000, true, false))
        .filter(|r| !r.is_empty());
    if outside_default && reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "required",
            "say why the coefficient or an adjustment differs from the table's default",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let grade = Grade {
        coefficient,
        unit_value: Dong(unit),
        share_percent: applied
            .iter()
            .find(|a| a.kind == AdjustmentKind::Share)
            .map(|a| a.percent),
        bonus_percents: applied
            .iter()
            .filter(|a| a.kind == AdjustmentKind::Bonus)
            .map(|a| a.percent)
            .collect(),
        site_percent: row.site_percent as i64,
    };
    Ok((coefficient, applied, reason, grade.amount()))
}

fn store_grade(
    conn: &mut DbConn,
    who: &Acting,
    row: &WorkRow,
    input: &GradeInput,
    status: WorkStatus,
) -> Result<Dong, Error> {
    let (coefficient, applied, reason, amount) = graded(conn, row, input)?;
    let claims = works::claims_of(conn, row.id)?;
    let parts = split(
        amount,
        &claims.iter().map(|c| c.share_bp).collect::<Vec<_>>(),
    );
    for (claim, part) in claims.iter().zip(&parts) {
        diesel::update(royalty_claims::table.find(claim.id))
            .set(royalty_claims::amount.eq(Some(part.0)))
            .execute(conn)?;
    }
    diesel::update(royalty_works::table.find(row.id))
        .set((
            royalty_works::status.eq(status),
            royalty_works::genre.eq(Some(&input.genre)),
            royalty_works::coefficient.eq(Some(coefficient as i32)),
            royalty_works::adjustments.eq(json!(applied).to_string()),
            royalty_works::reason.eq(reason),
            royalty_works::amount.eq(Some(amount.0)),
            royalty_works::graded_by.eq(Some(&who.actor.label)),
            royalty_works::graded_at.eq(Some(now())),
            royalty_works::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(amount)
}

pub fn grade(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    input: &GradeInput,
) -> Result<WorkView, Error> {
    write_transaction(conn, |conn| {
        let row = led(conn, who, id)?;
        if !matches!(row.status, WorkStatus::Open | WorkStatus::Graded) {
            return Err(Error::Conflict(format!(
                "work {id} is {}: an approved work is corrected, not graded",
                row.status.as_str()
            )));
        }
        let amount = store_grade(conn, who, &row, input, WorkStatus::Graded)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.work_graded",
            Some(&format!("royalty_work:{id}")),
            None,
            Some(&json!({"genre": input.genre, "amount": amount.0})),
        )?;
        works::reload(conn, id)
    })
}

/// The ledger entries of the work's claims that no reversal has cancelled.
fn live_entries(conn: &mut DbConn, work_id: i64) -> Result<Vec<LedgerRow>, Error> {
    let rows: Vec<LedgerRow> = royalty_ledger::table
        .filter(royalty_ledger::work_id.eq(work_id))
        .filter(royalty_ledger::claim_id.is_not_null())
        .order(royalty_ledger::id)
        .select(LedgerRow::as_select())
        .load(conn)?;
    let reversed: Vec<i64> = rows.iter().filter_map(|r| r.reverses).collect();
    Ok(rows
        .into_iter()
        .filter(|r| r.reverses.is_none() && !reversed.contains(&r.id))
        .collect())
}

/// One royalty entry with the grade it was computed from.
struct Entry<'a> {
    work: &'a WorkRow,
    payee_id: i64,
    claim_id: i64,
    amount: i64,
    share_bp: i32,
    reverses: Option<i64>,
}

fn enter(
    conn: &mut DbConn,
    who: &Acting,
    entry: Entry<'_>,
    period: &str,
    note: &str,
) -> Result<(), Error> {
    diesel::insert_into(royalty_ledger::table)
        .values((
            royalty_ledger::site_id.eq(entry.work.site_id),
            royalty_ledger::payee_id.eq(entry.payee_id),
            royalty_ledger::category.eq(Category::Royalty),
            royalty_ledger::work_id.eq(Some(entry.work.id)),
            royalty_ledger::claim_id.eq(Some(entry.claim_id)),
            royalty_ledger::amount.eq(entry.amount),
            royalty_ledger::period.eq(period),
            royalty_ledger::note.eq(Some(note)),
            royalty_ledger::reverses.eq(entry.reverses),
            royalty_ledger::genre.eq(entry.work.genre.as_ref()),
            royalty_ledger::coefficient.eq(entry.work.coefficient),
            royalty_ledger::unit_value.eq(entry.work.unit_value),
            royalty_ledger::adjustments.eq(Some(&entry.work.adjustments)),
            royalty_ledger::share_bp.eq(Some(entry.share_bp)),
            royalty_ledger::created_by.eq(&who.actor.label),
            royalty_ledger::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// An entry per claim at the work's grade as stored now.
fn append_entries(
    conn: &mut DbConn,
    who: &Acting,
    work_id: i64,
    period: &str,
    note: &str,
) -> Result<Dong, Error> {
    let work = works::load(conn, work_id)?;
    let mut total = Dong::ZERO;
    for claim in works::claims_of(conn, work_id)? {
        let amount = claim.amount.unwrap_or(0);
        total = total + Dong(amount);
        let entry = Entry {
            work: &work,
            payee_id: claim.payee_id,
            claim_id: claim.id,
            amount,
            share_bp: claim.share_bp as i32,
            reverses: None,
        };
        enter(conn, who, entry, period, note)?;
    }
    Ok(total)
}

/// The reversal of every live entry, at the grade each was entered at.
fn reverse_live(
    conn: &mut DbConn,
    who: &Acting,
    row: &WorkRow,
    period: &str,
    note: &str,
) -> Result<Dong, Error> {
    let mut total = Dong::ZERO;
    for live in live_entries(conn, row.id)? {
        total = total + Dong(live.amount);
        // The reversed entry's own grade, not the work's current one.
        let graded = WorkRow {
            genre: live.genre.clone(),
            coefficient: live.coefficient,
            unit_value: live.unit_value,
            adjustments: live.adjustments.clone().unwrap_or_else(|| "[]".into()),
            ..row.clone()
        };
        let entry = Entry {
            work: &graded,
            payee_id: live.payee_id,
            claim_id: live.claim_id.unwrap_or_default(),
            amount: -live.amount,
            share_bp: live.share_bp.unwrap_or_default(),
            reverses: Some(live.id),
        };
        enter(conn, who, entry, period, note)?;
    }
    Ok(total)
}

/// Freezes the graded amount into the ledger, within the site's royalty fund for this year.
pub fn approve(conn: &mut DbConn, who: &Acting, id: i64) -> Result<WorkView, Error> {
    write_transaction(conn, |conn| {
        let row = led(conn, who, id)?;
        if row.status != WorkStatus::Graded {
            return Err(Error::Conflict(format!(
                "work {id} is {}: only a graded work is approved",
                row.status.as_str()
            )));
        }
        let period = current_period();
        funds::check(
            conn,
            row.site_id,
            year_of(&period),
            Category::Royalty,
            Dong(row.amount.unwrap_or(0)),
        )?;
        let total = append_entries(conn, who, id, &period, "duyệt")?;
        diesel::update(royalty_works::table.find(id))
            .set((
                royalty_works::status.eq(WorkStatus::Approved),
                royalty_works::approved_by.eq(Some(&who.actor.label)),
                royalty_works::approved_at.eq(Some(now())),
                royalty_works::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.work_approved",
            Some(&format!("royalty_work:{id}")),
            None,
            Some(&json!({"amount": total.0, "period": period})),
        )?;
        works::reload(conn, id)
    })
}

/// A correction after approval: every live entry reversed, the new grade entered.
pub fn correct(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    input: &GradeInput,
) -> Result<WorkView, Error> {
    if input.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::field("reason", "required", "a correction says why"));
    }
    write_transaction(conn, |conn| {
        let row = led(conn, who, id)?;
        if row.status != WorkStatus::Approved {
            return Err(Error::Conflict(format!(
                "work {id} is {}: only an approved work is corrected",
                row.status.as_str()
            )));
        }
        let period = current_period();
        let before = Dong(row.amount.unwrap_or(0));
        let after = {
            let (_, _, _, amount) = graded(conn, &row, input)?;
            amount
        };
        funds::check(
            conn,
            row.site_id,
            year_of(&period),
            Category::Royalty,
            after - before,
        )?;
        reverse_live(conn, who, &row, &period, "điều chỉnh: hủy bút toán cũ")?;
        store_grade(conn, who, &row, input, WorkStatus::Approved)?;
        append_entries(conn, who, id, &period, "điều chỉnh: bút toán mới")?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.work_corrected",
            Some(&format!("royalty_work:{id}")),
            Some(&json!({"amount": before.0})),
            Some(&json!({"amount": after.0, "reason": input.reason})),
        )?;
        works::reload(conn, id)
    })
}

pub fn cancel(conn: &mut DbConn, who: &Acting, id: i64, reason: &str) -> Result<WorkView, Error> {
    let mut errors = Vec::new();
    let reason = checked(&mut errors, "reason", reason, 2_000, true, true);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let row = led(conn, who, id)?;
        match row.status {
            WorkStatus::Cancelled => {
                return Err(Error::Conflict(format!("work {id} is already cancelled")))
            }
            WorkStatus::Approved => {
                let item = portal_content::items::get(conn, row.item_id)?;
                if item.published_revision.is_some() {
                    return Err(Error::Conflict(format!(
                        "item {} is still published: an approved claim is cancelled only once the item is taken down; correct it otherwise",
                        row.item_id
                    )));
                }
                let entries: Vec<i64> = live_entries(conn, id)?.into_iter().map(|e| e.id).collect();
                let on_approved: Option<i64> = royalty_statement_lines::table
                    .inner_join(royalty_statements::table)
                    .filter(royalty_statement_lines::ledger_id.eq_any(&entries))
                    .filter(royalty_statements::status.eq("approved"))
                    .select(royalty_statements::id)
                    .first(conn)
                    .optional()?;
                if let Some(statement) = on_approved {
                    return Err(Error::Conflict(format!(
                        "its amount is on approved statement {statement}: it is no longer cancelled, only corrected"
                    )));
                }
                reverse_live(
                    conn,
                    who,
                    &row,
                    &current_period(),
                    &format!("hủy: {reason}"),
                )?;
            }
            WorkStatus::Open | WorkStatus::Graded => {}
        }
        diesel::update(royalty_works::table.find(id))
            .set((
                royalty_works::status.eq(WorkStatus::Cancelled),
                royalty_works::cancel_reason.eq(Some(&reason)),
                royalty_works::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.work_cancelled",
            Some(&format!("royalty_work:{id}")),
            Some(&json!({"status": row.status.as_str()})),
            Some(&json!({"reason": reason})),
        )?;
        works::reload(conn, id)
    })
}
