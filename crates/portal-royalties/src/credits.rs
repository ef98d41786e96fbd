//! Who is credited on an item, and the claims its first publication opens (Điều 15: a royalty
//! for every work published). Credits are set by those who write the item (or its chief editor)
//! before it is published; co-authors' shares sum exactly to 100 %. At the first publication —
//! inside the workflow's transaction, through `portal_content::publication` — a work is opened
//! with the schedule and unit value in force that day (Vietnam's calendar), frozen, and one claim
//! per credited author; with no credit, the item's writer is credited with 100 %.

use chrono::Duration;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_auth::{Acting, ItemAccess, Principal};
use portal_content::publication::FirstPublication;
use portal_core::{Error, FieldError};
use portal_db::schema::{royalty_claims, royalty_credits, royalty_payees, royalty_works};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::WorkStatus;
use crate::rules::{decimal, hundredths, unit_value};
use crate::{payees, schedules};

pub const MAX_CREDITS: usize = 20;

#[derive(Debug, Clone)]
pub struct CreditInput {
    pub payee_id: Option<i64>,
    pub user_id: Option<i64>,
    /// A percentage with at most two decimals ("33.34").
    pub share: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub payee_id: i64,
    pub pen_name: String,
    pub share_bp: i64,
}

impl Credit {
    pub fn share(&self) -> String {
        decimal(self.share_bp)
    }
}

fn load(conn: &mut DbConn, item_id: i64) -> Result<Vec<Credit>, Error> {
    let rows: Vec<(i64, String, i32)> = royalty_credits::table
        .inner_join(royalty_payees::table.on(royalty_payees::id.eq(royalty_credits::payee_id)))
        .filter(royalty_credits::item_id.eq(item_id))
        .order(royalty_credits::position)
        .select((
            royalty_credits::payee_id,
            royalty_payees::pen_name,
            royalty_credits::share_bp,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(payee_id, pen_name, share_bp)| Credit {
            payee_id,
            pen_name,
            share_bp: share_bp as i64,
        })
        .collect())
}

pub fn get(conn: &mut DbConn, principal: &Principal, item_id: i64) -> Result<Vec<Credit>, Error> {
    portal_content::views::authorized(conn, principal, item_id, ItemAccess::Read, false)?;
    load(conn, item_id)
}

/// Replaces the item's credits; refused (409) once the item was published, when its claims
/// carry the shares.
pub fn set(
    conn: &mut DbConn,
    who: &Acting,
    item_id: i64,
    credits: &[CreditInput],
) -> Result<Vec<Credit>, Error> {
    portal_content::views::authorized(conn, &who.principal, item_id, ItemAccess::Write, false)?;
    let mut errors = Vec::new();
    if credits.is_empty() || credits.len() > MAX_CREDITS {
        errors.push(FieldError::new(
            "credits",
            "count",
            format!("from 1 to {MAX_CREDITS} authors"),
        ));
    }
    let mut shares = Vec::new();
    for (i, c) in credits.iter().enumerate() {
        match hundredths(&c.share) {
            Some(bp) if (1..=10_000).contains(&bp) => shares.push(bp),
            _ => errors.push(FieldError::new(
                format!("credits[{i}].share"),
                "not_a_share",
                "a percentage above 0 and at most 100, with at most two decimals (\"33.34\")",
            )),
        }
        if c.payee_id.is_some() == c.user_id.is_some() {
            errors.push(FieldError::new(
                format!("credits[{i}]"),
                "one_of",
                "either payee_id (an external contributor) or user_id (an account)",
            ));
        }
    }
    let total: i64 = shares.iter().sum();
    if errors.is_empty() && total != 10_000 {
        errors.push(FieldError::new(
            "credits",
            "shares_not_100",
            format!("the shares sum to {} %, not exactly 100 %", decimal(total)),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let opened: i64 = royalty_works::table
            .filter(royalty_works::item_id.eq(item_id))
            .count()
            .get_result(conn)?;
        if opened > 0 {
            return Err(Error::Conflict(format!(
                "item {item_id} was published: its claims carry the shares, credits are no longer changed"
            )));
        }
        let mut payee_ids = Vec::new();
        let mut errors = Vec::new();
        for (i, c) in credits.iter().enumerate() {
            let id = match (c.payee_id, c.user_id) {
                (Some(id), _) => match payees::load(conn, id) {
                    Ok(_) => id,
                    Err(_) => {
                        errors.push(FieldError::new(
                            format!("credits[{i}].payee_id"),
                            "unknown_payee",
                            format!("no payee {id}"),
                        ));
                        continue;
                    }
                },
                (None, Some(user)) => match portal_auth::accounts::user_by_id(conn, user) {
                    Ok(_) => payees::of_user(conn, user, &who.actor.label)?,
                    Err(_) => {
                        errors.push(FieldError::new(
                            format!("credits[{i}].user_id"),
                            "unknown_user",
                            format!("no account {user}"),
                        ));
                        continue;
                    }
                },
                (None, None) => continue,
            };
            if payee_ids.contains(&id) {
                errors.push(FieldError::new(
                    format!("credits[{i}]"),
                    "repeated",
                    "the same author twice",
                ));
            }
            payee_ids.push(id);
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        diesel::delete(royalty_credits::table.filter(royalty_credits::item_id.eq(item_id)))
            .execute(conn)?;
        for (position, (payee_id, bp)) in payee_ids.iter().zip(&shares).enumerate() {
            diesel::insert_into(royalty_credits::table)
                .values((
                    royalty_credits::item_id.eq(item_id),
                    royalty_credits::position.eq(position as i32),
                    royalty_credits::payee_id.eq(payee_id),
                    royalty_credits::share_bp.eq(*bp as i32),
                ))
                .execute(conn)?;
        }
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.credits_set",
            Some(&format!("content:{item_id}")),
            None,
            Some(
                &json!({"credits": payee_ids.iter().zip(&shares).map(|(p, s)| json!({"payee": p, "share_bp": s})).collect::<Vec<_>>()}),
            ),
        )?;
        load(conn, item_id)
    })
}

/// The handler of `portal_content::publication`, registered by the application: opens the work
/// and its claims in the publishing transaction. A work published again (after an unpublish, or
/// an update) opens nothing: the claim follows the first publication only.
pub fn open_on_first_publication(conn: &mut DbConn, event: &FirstPublication) -> Result<(), Error> {
    let exists: i64 = royalty_works::table
        .filter(royalty_works::item_id.eq(event.item_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let actor = Actor::system("publication");
    let mut credits: Vec<(i64, i64)> = load(conn, event.item_id)?
        .into_iter()
        .map(|c| (c.payee_id, c.share_bp))
        .collect();
    if credits.is_empty() {
        match event.created_by {
            Some(user) => credits.push((payees::of_user(conn, user, &actor.label)?, 10_000)),
            None => return Ok(()),
        }
    }
    let day = (event.published_at + Duration::hours(7)).date();
    let schedule = schedules::in_force(conn, day)?;
    let salary = crate::salaries::base_salary_on(conn, day)?;
    let site = portal_sections::sites::by_id(conn, event.site_id)?;
    let site_percent = match (&schedule, site.parent_site_id) {
        (Some(s), Some(_)) => s.subsite_percent,
        _ => 100,
    };
    let unit = match (&schedule, &salary) {
        (Some(s), Some(b)) => Some(unit_value(crate::Dong(b.amount), s.unit_percent as i64).0),
        _ => None,
    };
    let at = now();
    let work_id: i64 = diesel::insert_into(royalty_works::table)
        .values((
            royalty_works::item_id.eq(event.item_id),
            royalty_works::site_id.eq(event.site_id),
            royalty_works::title.eq(&event.title),
            royalty_works::published_at.eq(event.published_at),
            royalty_works::published_on.eq(day),
            royalty_works::status.eq(WorkStatus::Open),
            royalty_works::schedule_id.eq(schedule.as_ref().map(|s| s.id)),
            royalty_works::base_salary.eq(salary.as_ref().map(|b| b.amount)),
            royalty_works::unit_value.eq(unit),
            royalty_works::site_percent.eq(site_percent),
            royalty_works::adjustments.eq("[]"),
            royalty_works::created_at.eq(at),
            royalty_works::updated_at.eq(at),
        ))
        .returning(royalty_works::id)
        .get_result(conn)?;
    for (position, (payee_id, bp)) in credits.iter().enumerate() {
        diesel::insert_into(royalty_claims::table)
            .values((
                royalty_claims::work_id.eq(work_id),
                royalty_claims::position.eq(position as i32),
                royalty_claims::payee_id.eq(payee_id),
                royalty_claims::share_bp.eq(*bp as i32),
            ))
            .execute(conn)?;
    }
    portal_audit::append(
        conn,
        &actor,
        "royalties.work_opened",
        Some(&format!("royalty_work:{work_id}")),
        None,
        Some(&json!({
            "item": event.item_id,
            "published_on": day,
            "schedule": schedule.as_ref().map(|s| s.id),
            "unit_value": unit,
            "site_percent": site_percent,
            "claims": credits.len(),
        })),
    )?;
    Ok(())
}
