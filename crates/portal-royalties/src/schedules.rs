//! The dated rules: rate schedules (genres with coefficient ranges inside the national maxima,
//! adjustments with their ranges, the sub-sites' percentage, the fund's caps, the payment limit),
//! the base salary the unit value is taken from, and the national maxima (NĐ 18/2014). The IT
//! centre keeps them (`royalties:manage`); a schedule that a work was graded or opened under is
//! never edited — it is closed and a new one made, so an amount stays reproducible.

use chrono::NaiveDate;
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::Error;
use portal_db::schema::{royalty_maxima, royalty_schedules, royalty_works};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::model::{Adjustment, Genre, Maximum, ScheduleRow};
use crate::validate::cleaned;

pub const MAX_GENRES: usize = 100;
pub const MAX_ADJUSTMENTS: usize = 50;

#[derive(Debug, Clone)]
pub struct GenreInput {
    pub code: String,
    pub label: String,
    pub family: String,
    pub min: String,
    pub max: String,
    pub default: String,
}

#[derive(Debug, Clone)]
pub struct AdjustmentInput {
    pub code: String,
    pub label: String,
    pub kind: String,
    pub min: i64,
    pub max: i64,
    pub default: i64,
}

#[derive(Debug, Clone)]
pub struct ScheduleInput {
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub legal_basis: String,
    pub decision: String,
    pub unit_percent: i64,
    pub subsite_percent: i64,
    pub incentive_cap_percent: i64,
    pub remuneration_cap_percent: i64,
    pub payment_days: i64,
    pub genres: Vec<GenreInput>,
    pub adjustments: Vec<AdjustmentInput>,
}

#[derive(Debug, Clone)]
pub struct ScheduleView {
    pub row: ScheduleRow,
    pub genres: Vec<Genre>,
    pub adjustments: Vec<Adjustment>,
    /// How many works were opened under it: once any is, it is closed and replaced, not edited.
    pub works: i64,
}

/// Reading the tables: the IT centre, and the chief editors who grade with them.
pub(crate) fn require_reader(principal: &Principal) -> Result<(), Error> {
    if principal.may(&Scope::RoyaltiesManage) {
        return Ok(());
    }
    principal.require_publish_somewhere()
}

pub fn list(conn: &mut DbConn, principal: &Principal) -> Result<Vec<ScheduleView>, Error> {
    require_reader(principal)?;
    let rows: Vec<ScheduleRow> = royalty_schedules::table
        .order((
            royalty_schedules::valid_from.desc(),
            royalty_schedules::id.desc(),
        ))
        .select(ScheduleRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|row| view(conn, row)).collect()
}

pub fn get(conn: &mut DbConn, principal: &Principal, id: i64) -> Result<ScheduleView, Error> {
    require_reader(principal)?;
    let row = load(conn, id)?;
    view(conn, row)
}

pub(crate) fn load(conn: &mut DbConn, id: i64) -> Result<ScheduleRow, Error> {
    royalty_schedules::table
        .find(id)
        .select(ScheduleRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("royalty schedule", id))
}

pub(crate) fn view(conn: &mut DbConn, row: ScheduleRow) -> Result<ScheduleView, Error> {
    let works = royalty_works::table
        .filter(royalty_works::schedule_id.eq(row.id))
        .count()
        .get_result(conn)?;
    Ok(ScheduleView {
        genres: parse_genres(&row.genres)?,
        adjustments: parse_adjustments(&row.adjustments)?,
        row,
        works,
    })
}

pub(crate) fn parse_genres(text: &str) -> Result<Vec<Genre>, Error> {
    serde_json::from_str(text).map_err(|e| Error::Internal(format!("stored genres: {e}")))
}

pub(crate) fn parse_adjustments(text: &str) -> Result<Vec<Adjustment>, Error> {
    serde_json::from_str(text).map_err(|e| Error::Internal(format!("stored adjustments: {e}")))
}

/// The schedule in force on `day` (a work's publication day), if any.
pub fn in_force(conn: &mut DbConn, day: NaiveDate) -> Result<Option<ScheduleRow>, Error> {
    Ok(royalty_schedules::table
        .filter(royalty_schedules::valid_from.le(day))
        .filter(
            royalty_schedules::valid_until
                .is_null()
                .or(royalty_schedules::valid_until.ge(day)),
        )
        .order(royalty_schedules::valid_from.desc())
        .select(ScheduleRow::as_select())
        .first(conn)
        .optional()?)
}

fn maxima_on(conn: &mut DbConn, day: NaiveDate) -> Result<Vec<Maximum>, Error> {
    Ok(royalty_maxima::table
        .filter(royalty_maxima::valid_from.le(day))
        .filter(
            royalty_maxima::valid_until
                .is_null()
                .or(royalty_maxima::valid_until.ge(day)),
        )
        .select(Maximum::as_select())
        .load(conn)?)
}

/// Refuses a period that overlaps another schedule's (409 naming it).
fn refuse_overlap(
    conn: &mut DbConn,
    from: NaiveDate,
    until: Option<NaiveDate>,
    except: Option<i64>,
) -> Result<(), Error> {
    let mut query = royalty_schedules::table
        .filter(
            royalty_schedules::valid_until
                .is_null()
                .or(royalty_schedules::valid_until.ge(from)),
        )
        .select(ScheduleRow::as_select())
        .into_boxed();
    if let Some(until) = until {
        query = query.filter(royalty_schedules::valid_from.le(until));
    }
    if let Some(id) = except {
        query = query.filter(royalty_schedules::id.ne(id));
    }
    if let Some(other) = query.first::<ScheduleRow>(conn).optional()? {
        return Err(Error::Conflict(format!(
            "the period overlaps schedule {} «{}» ({} – {}): close it first (POST …/schedules/{}/close)",
            other.id,
            other.name,
            other.valid_from.format("%d/%m/%Y"),
            other
                .valid_until
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|| "…".into()),
            other.id
        )));
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConn,
    who: &Acting,
    input: &ScheduleInput,
) -> Result<ScheduleView, Error> {
    create_replacing(conn, who, None, input)
}

/// A new version of schedule `id` from `input.valid_from`: in one transaction, `id` ends the day
/// before (refused if a work published from that day on was opened under it) and the new one
/// starts — the way a used schedule changes.
pub fn new_version(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    input: &ScheduleInput,
) -> Result<ScheduleView, Error> {
    create_replacing(conn, who, Some(id), input)
}

fn create_replacing(
    conn: &mut DbConn,
    who: &Acting,
    replaces: Option<i64>,
    input: &ScheduleInput,
) -> Result<ScheduleView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let maxima = maxima_on(conn, input.valid_from)?;
    let (input, genres, adjustments) = cleaned(input, &maxima)?;
    write_transaction(conn, |conn| {
        serialise_on(conn, "royalty_schedules")?;
        if let Some(old) = replaces {
            end_before(conn, who, old, input.valid_from)?;
        }
        refuse_overlap(conn, input.valid_from, input.valid_until, None)?;
        let at = now();
        let id: i64 = diesel::insert_into(royalty_schedules::table)
            .values((
                royalty_schedules::name.eq(&input.name),
                royalty_schedules::valid_from.eq(input.valid_from),
                royalty_schedules::valid_until.eq(input.valid_until),
                royalty_schedules::legal_basis.eq(&input.legal_basis),
                royalty_schedules::decision.eq(&input.decision),
                royalty_schedules::unit_percent.eq(input.unit_percent as i32),
                royalty_schedules::subsite_percent.eq(input.subsite_percent as i32),
                royalty_schedules::incentive_cap_percent.eq(input.incentive_cap_percent as i32),
                royalty_schedules::remuneration_cap_percent
                    .eq(input.remuneration_cap_percent as i32),
                royalty_schedules::payment_days.eq(input.payment_days as i32),
                royalty_schedules::genres.eq(json!(genres).to_string()),
                royalty_schedules::adjustments.eq(json!(adjustments).to_string()),
                royalty_schedules::created_by.eq(&who.actor.label),
                royalty_schedules::created_at.eq(at),
                royalty_schedules::updated_at.eq(at),
            ))
            .returning(royalty_schedules::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.schedule_created",
            Some(&format!("royalty_schedule:{id}")),
            None,
            Some(
                &json!({"name": input.name, "valid_from": input.valid_from, "valid_until": input.valid_until, "replaces": replaces}),
            ),
        )?;
        let row = load(conn, id)?;
        view(conn, row)
    })
}

/// Ends schedule `id` the day before `start` (inside the caller's transaction).
fn end_before(conn: &mut DbConn, who: &Acting, id: i64, start: NaiveDate) -> Result<(), Error> {
    let row = load(conn, id)?;
    let Some(last) = start.pred_opt().filter(|d| *d >= row.valid_from) else {
        return Err(Error::field(
            "valid_from",
            "not_after_the_old",
            format!(
                "a new version of schedule {id} starts after {}",
                row.valid_from.format("%d/%m/%Y")
            ),
        ));
    };
    if row.valid_until.is_some_and(|u| u <= last) {
        return Ok(());
    }
    let later: i64 = royalty_works::table
        .filter(royalty_works::schedule_id.eq(id))
        .filter(royalty_works::published_on.gt(last))
        .count()
        .get_result(conn)?;
    if later > 0 {
        return Err(Error::Conflict(format!(
            "{later} works published from {} on were opened under schedule {id}",
            start.format("%d/%m/%Y")
        )));
    }
    diesel::update(royalty_schedules::table.find(id))
        .set((
            royalty_schedules::valid_until.eq(Some(last)),
            royalty_schedules::updated_at.eq(now()),
        ))
        .execute(conn)?;
    portal_audit::append(
        conn,
        &who.actor,
        "royalties.schedule_closed",
        Some(&format!("royalty_schedule:{id}")),
        Some(&json!({"valid_until": row.valid_until})),
        Some(&json!({"valid_until": last})),
    )?;
    Ok(())
}

/// Replaces an unused schedule's content. One that a work was opened under is refused (409):
/// close it and make a new one.
pub fn update(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    input: &ScheduleInput,
) -> Result<ScheduleView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let maxima = maxima_on(conn, input.valid_from)?;
    let (input, genres, adjustments) = cleaned(input, &maxima)?;
    write_transaction(conn, |conn| {
        serialise_on(conn, "royalty_schedules")?;
        let row = load(conn, id)?;
        let before = view(conn, row)?;
        if before.works > 0 {
            return Err(Error::Conflict(format!(
                "schedule {id} was used by {} works and is never edited: close it (POST …/schedules/{id}/close) and create a new one",
                before.works
            )));
        }
        refuse_overlap(conn, input.valid_from, input.valid_until, Some(id))?;
        diesel::update(royalty_schedules::table.find(id))
            .set((
                royalty_schedules::name.eq(&input.name),
                royalty_schedules::valid_from.eq(input.valid_from),
                royalty_schedules::valid_until.eq(input.valid_until),
                royalty_schedules::legal_basis.eq(&input.legal_basis),
                royalty_schedules::decision.eq(&input.decision),
                royalty_schedules::unit_percent.eq(input.unit_percent as i32),
                royalty_schedules::subsite_percent.eq(input.subsite_percent as i32),
                royalty_schedules::incentive_cap_percent.eq(input.incentive_cap_percent as i32),
                royalty_schedules::remuneration_cap_percent
                    .eq(input.remuneration_cap_percent as i32),
                royalty_schedules::payment_days.eq(input.payment_days as i32),
                royalty_schedules::genres.eq(json!(genres).to_string()),
                royalty_schedules::adjustments.eq(json!(adjustments).to_string()),
                royalty_schedules::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.schedule_updated",
            Some(&format!("royalty_schedule:{id}")),
            Some(
                &json!({"name": before.row.name, "valid_from": before.row.valid_from, "valid_until": before.row.valid_until}),
            ),
            Some(
                &json!({"name": input.name, "valid_from": input.valid_from, "valid_until": input.valid_until}),
            ),
        )?;
        let row = load(conn, id)?;
        view(conn, row)
    })
}

/// Ends a schedule's validity on `valid_until`, so that a new one can start the day after; a
/// work already opened under it after that day refuses it.
pub fn close(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    valid_until: NaiveDate,
) -> Result<ScheduleView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    write_transaction(conn, |conn| {
        serialise_on(conn, "royalty_schedules")?;
        let row = load(conn, id)?;
        if valid_until < row.valid_from || row.valid_until.is_some_and(|u| valid_until > u) {
            return Err(Error::field(
                "valid_until",
                "out_of_range",
                "within the schedule's current period",
            ));
        }
        let later: i64 = royalty_works::table
            .filter(royalty_works::schedule_id.eq(id))
            .filter(royalty_works::published_on.gt(valid_until))
            .count()
            .get_result(conn)?;
        if later > 0 {
            return Err(Error::Conflict(format!(
                "{later} works published after {} were opened under schedule {id}",
                valid_until.format("%d/%m/%Y")
            )));
        }
        diesel::update(royalty_schedules::table.find(id))
            .set((
                royalty_schedules::valid_until.eq(Some(valid_until)),
                royalty_schedules::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.schedule_closed",
            Some(&format!("royalty_schedule:{id}")),
            Some(&json!({"valid_until": row.valid_until})),
            Some(&json!({"valid_until": valid_until})),
        )?;
        let row = load(conn, id)?;
        view(conn, row)
    })
}
