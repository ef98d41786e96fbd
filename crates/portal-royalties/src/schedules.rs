//! The dated rules: rate schedules (genres with coefficient ranges inside the national maxima,
//! adjustments with their ranges, the sub-sites' percentage, the fund's caps, the payment limit),
//! the base salary the unit value is taken from, and the national maxima (NĐ 18/2014). The IT
//! centre keeps them (`royalties:manage`); a schedule that a work was graded or opened under is
//! never edited — it is closed and a new one made, so an amount stays reproducible.

use chrono::NaiveDate;
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::text::checked;
use portal_core::{Error, FieldError};
use portal_db::schema::{royalty_maxima, royalty_schedules, royalty_works};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::model::{Adjustment, AdjustmentKind, Family, Genre, Maximum, ScheduleRow};
use crate::rules::hundredths;

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

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The schedule's fields cleaned, or every broken rule; the maxima are those in force on its
/// first day.
fn cleaned(
    input: &ScheduleInput,
    maxima: &[Maximum],
) -> Result<(ScheduleInput, Vec<Genre>, Vec<Adjustment>), Error> {
    let mut errors = Vec::new();
    let mut out = input.clone();
    out.name = checked(&mut errors, "name", &input.name, 200, false, true);
    out.legal_basis = checked(
        &mut errors,
        "legal_basis",
        &input.legal_basis,
        1_000,
        true,
        true,
    );
    out.decision = checked(&mut errors, "decision", &input.decision, 1_000, true, true);
    if let Some(until) = input.valid_until {
        if until < input.valid_from {
            errors.push(FieldError::new(
                "valid_until",
                "before_start",
                "ends before valid_from",
            ));
        }
    }
    for (field, value, min, max) in [
        ("unit_percent", input.unit_percent, 1, 100),
        ("subsite_percent", input.subsite_percent, 1, 100),
        ("incentive_cap_percent", input.incentive_cap_percent, 0, 100),
        (
            "remuneration_cap_percent",
            input.remuneration_cap_percent,
            0,
            100,
        ),
        ("payment_days", input.payment_days, 1, 366),
    ] {
        if !(min..=max).contains(&value) {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                format!("from {min} to {max}"),
            ));
        }
    }
    if input.genres.is_empty() || input.genres.len() > MAX_GENRES {
        errors.push(FieldError::new(
            "genres",
            "count",
            format!("from 1 to {MAX_GENRES} genres"),
        ));
    }
    if input.adjustments.len() > MAX_ADJUSTMENTS {
        errors.push(FieldError::new(
            "adjustments",
            "count",
            format!("at most {MAX_ADJUSTMENTS}"),
        ));
    }
    let mut codes = std::collections::HashSet::new();
    let mut genres = Vec::new();
    for (i, g) in input.genres.iter().enumerate() {
        let field = |name: &str| format!("genres[{i}].{name}");
        if !valid_code(&g.code) {
            errors.push(FieldError::new(
                field("code"),
                "invalid",
                "a-z, 0-9 and _, at most 40",
            ));
        } else if !codes.insert(g.code.clone()) {
            errors.push(FieldError::new(
                field("code"),
                "repeated",
                format!("{} twice", g.code),
            ));
        }
        let label = checked(&mut errors, &field("label"), &g.label, 200, false, true);
        let Some(family) = Family::parse(&g.family) else {
            errors.push(FieldError::new(
                field("family"),
                "unknown_family",
                format!("one of {}", Family::spellings()),
            ));
            continue;
        };
        let mut number = |name: &str, text: &str| {
            let value = hundredths(text);
            if value.is_none() {
                errors.push(FieldError::new(
                    field(name),
                    "not_a_coefficient",
                    "a decimal with at most two places, e.g. \"1.5\"",
                ));
            }
            value.unwrap_or(0)
        };
        let (min, max, default) = (
            number("min", &g.min),
            number("max", &g.max),
            number("default", &g.default),
        );
        if min <= 0 || min > max || !(min..=max).contains(&default) {
            errors.push(FieldError::new(
                field("default"),
                "out_of_range",
                "0 < min ≤ default ≤ max",
            ));
        }
        match maxima.iter().find(|m| m.family == family.as_str()) {
            Some(m) if max > m.max_coefficient as i64 => errors.push(FieldError::new(
                field("max"),
                "above_national_maximum",
                format!(
                    "the national maximum for {} is {} ({})",
                    family.as_str(),
                    crate::rules::decimal(m.max_coefficient as i64),
                    m.legal_basis
                ),
            )),
            Some(_) => {}
            None => errors.push(FieldError::new(
                field("family"),
                "no_national_maximum",
                format!(
                    "no national maximum for {} in force on valid_from",
                    family.as_str()
                ),
            )),
        }
        genres.push(Genre {
            code: g.code.clone(),
            label,
            family,
            min,
            max,
            default,
        });
    }
    let mut adjustments = Vec::new();
    for (i, a) in input.adjustments.iter().enumerate() {
        let field = |name: &str| format!("adjustments[{i}].{name}");
        if !valid_code(&a.code) {
            errors.push(FieldError::new(
                field("code"),
                "invalid",
                "a-z, 0-9 and _, at most 40",
            ));
        } else if !codes.insert(a.code.clone()) {
            errors.push(FieldError::new(
                field("code"),
                "repeated",
                format!("{} twice", a.code),
            ));
        }
        let label = checked(&mut errors, &field("label"), &a.label, 200, false, true);
        let Some(kind) = AdjustmentKind::parse(&a.kind) else {
            errors.push(FieldError::new(
                field("kind"),
                "unknown_kind",
                format!("one of {}", AdjustmentKind::spellings()),
            ));
            continue;
        };
        if a.min < 1 || a.min > a.max || a.max > 100 || !(a.min..=a.max).contains(&a.default) {
            errors.push(FieldError::new(
                field("default"),
                "out_of_range",
                "1 ≤ min ≤ default ≤ max ≤ 100 (percent)",
            ));
        }
        adjustments.push(Adjustment {
            code: a.code.clone(),
            label,
            kind,
            min: a.min,
            max: a.max,
            default: a.default,
        });
    }
    if errors.is_empty() {
        Ok((out, genres, adjustments))
    } else {
        Err(Error::Validation(errors))
    }
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
    who.principal.require(Scope::RoyaltiesManage)?;
    let maxima = maxima_on(conn, input.valid_from)?;
    let (input, genres, adjustments) = cleaned(input, &maxima)?;
    write_transaction(conn, |conn| {
        serialise_on(conn, "royalty_schedules")?;
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
                &json!({"name": input.name, "valid_from": input.valid_from, "valid_until": input.valid_until}),
            ),
        )?;
        let row = load(conn, id)?;
        view(conn, row)
    })
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
