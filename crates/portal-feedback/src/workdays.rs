//! The working-day calendar and the time limits as the database holds them: holiday rules and
//! deadline rules are dated rows with their legal basis, announced changes are overrides made by
//! the operator (audited). `crate::rules::calendar` does the counting.

use std::ops::RangeInclusive;

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::text::{human_text_problem, nfc};
use portal_core::{Error, FieldError};
use portal_db::schema::{calendar_overrides, deadline_rules, holiday_rules};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::CaseKind;
use crate::rules::calendar::{CalendarKind, HolidayRule, Override, WorkingCalendar};

/// The day it is in Vietnam (UTC+7): what "received today" means for a deadline.
pub fn today_in_vietnam() -> NaiveDate {
    (now() + Duration::hours(7)).date()
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = deadline_rules)]
pub struct DeadlineRule {
    pub id: i64,
    pub case_kind: CaseKind,
    pub working_days: i32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub legal_basis: String,
}

#[derive(Queryable)]
struct HolidayRow {
    name: String,
    calendar: String,
    month: i32,
    day: i32,
    offset_days: i32,
    length_days: i32,
    compensate_weekend: bool,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

/// The calendar of the given years from the holiday rules and the announced overrides.
pub fn working_calendar(
    conn: &mut DbConn,
    years: RangeInclusive<i32>,
) -> Result<WorkingCalendar, Error> {
    let rows: Vec<HolidayRow> = holiday_rules::table
        .order(holiday_rules::id.asc())
        .select((
            holiday_rules::name,
            holiday_rules::calendar,
            holiday_rules::month,
            holiday_rules::day,
            holiday_rules::offset_days,
            holiday_rules::length_days,
            holiday_rules::compensate_weekend,
            holiday_rules::valid_from,
            holiday_rules::valid_to,
        ))
        .load(conn)?;
    let rules: Vec<HolidayRule> = rows
        .into_iter()
        .map(|r| HolidayRule {
            name: r.name,
            calendar: if r.calendar == "lunar" {
                CalendarKind::Lunar
            } else {
                CalendarKind::Solar
            },
            month: r.month.unsigned_abs(),
            day: r.day.unsigned_abs(),
            offset_days: r.offset_days,
            length_days: r.length_days.unsigned_abs(),
            compensate_weekend: r.compensate_weekend,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        })
        .collect();
    let first = NaiveDate::from_ymd_opt(*years.start(), 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(*years.end(), 12, 31).unwrap_or(NaiveDate::MAX);
    let overrides: Vec<Override> = calendar_overrides::table
        .filter(calendar_overrides::day.between(first, last))
        .select((calendar_overrides::day, calendar_overrides::working))
        .load::<(NaiveDate, bool)>(conn)?
        .into_iter()
        .map(|(date, working)| Override { date, working })
        .collect();
    Ok(WorkingCalendar::new(&rules, &overrides, years))
}

/// The rule in force for a kind of case on the day it was received.
pub fn deadline_rule(
    conn: &mut DbConn,
    kind: CaseKind,
    received_on: NaiveDate,
) -> Result<DeadlineRule, Error> {
    deadline_rules::table
        .filter(deadline_rules::case_kind.eq(kind))
        .filter(deadline_rules::valid_from.le(received_on))
        .filter(
            deadline_rules::valid_to
                .is_null()
                .or(deadline_rules::valid_to.ge(received_on)),
        )
        .order(deadline_rules::valid_from.desc())
        .select(DeadlineRule::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            Error::Internal(format!(
                "no deadline rule for {} cases covers {received_on}",
                kind.as_str()
            ))
        })
}

/// The calendar wide enough for a deadline starting on `from` (a limit of up to 90 working days
/// and an announced pause fit in the next year).
pub fn calendar_around(conn: &mut DbConn, from: NaiveDate) -> Result<WorkingCalendar, Error> {
    working_calendar(conn, from.year() - 1..=from.year() + 1)
}

/// One day of a year's calendar that is not a plain working or weekend day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearView {
    pub year: i32,
    pub holidays: Vec<Holiday>,
    /// Weekend days the government made working days that year.
    pub working_weekend_days: Vec<Holiday>,
}

/// A year's days off and announced working weekend days; public, like the government's notice.
pub fn year(conn: &mut DbConn, year: i32) -> Result<YearView, Error> {
    if !(1900..=2199).contains(&year) {
        return Err(Error::invalid_parameter("year", "from 1900 to 2199"));
    }
    let calendar = working_calendar(conn, year..=year)?;
    let holidays = calendar
        .holidays(year)
        .into_iter()
        .map(|(date, name)| Holiday { date, name })
        .collect();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    let working_weekend_days = calendar_overrides::table
        .filter(calendar_overrides::day.between(first, last))
        .filter(calendar_overrides::working.eq(true))
        .order(calendar_overrides::day.asc())
        .select((calendar_overrides::day, calendar_overrides::reason))
        .load::<(NaiveDate, String)>(conn)?
        .into_iter()
        .map(|(date, name)| Holiday { date, name })
        .collect();
    Ok(YearView {
        year,
        holidays,
        working_weekend_days,
    })
}

/// An announced change to the calendar: `working: false` makes a day off, `true` a working day.
pub struct NewOverride {
    pub date: NaiveDate,
    pub working: bool,
    pub reason: String,
}

/// Records an announced change (or replaces the one of that day), audited; cases already
/// received keep their due dates, later ones count with the change.
pub fn set_override(conn: &mut DbConn, who: &Acting, change: &NewOverride) -> Result<(), Error> {
    who.principal.require_feedback_triage()?;
    let reason = nfc(change.reason.trim());
    let mut errors: Vec<FieldError> = Vec::new();
    if let Some(problem) = human_text_problem("reason", &reason, false) {
        errors.push(problem);
    } else if reason.is_empty() || reason.chars().count() > 300 {
        errors.push(FieldError::new(
            "reason",
            "required",
            "the announcement it comes from, 1 to 300 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let before: Option<(bool, String)> = calendar_overrides::table
            .filter(calendar_overrides::day.eq(change.date))
            .select((calendar_overrides::working, calendar_overrides::reason))
            .first(conn)
            .optional()?;
        diesel::delete(calendar_overrides::table.filter(calendar_overrides::day.eq(change.date)))
            .execute(conn)?;
        diesel::insert_into(calendar_overrides::table)
            .values((
                calendar_overrides::day.eq(change.date),
                calendar_overrides::working.eq(change.working),
                calendar_overrides::reason.eq(&reason),
                calendar_overrides::created_by.eq(&who.actor.label),
                calendar_overrides::created_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "calendar.override",
            Some(&format!("calendar:{}", change.date)),
            before
                .map(|(working, reason)| json!({"working": working, "reason": reason}))
                .as_ref(),
            Some(&json!({"working": change.working, "reason": reason})),
        )?;
        Ok(())
    })
}

pub fn rule_by_id(conn: &mut DbConn, id: i64) -> Result<DeadlineRule, Error> {
    deadline_rules::table
        .filter(deadline_rules::id.eq(id))
        .select(DeadlineRule::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("deadline rule", id))
}
