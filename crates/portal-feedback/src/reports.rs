//! How each agency answers citizens, per period: what the six-monthly and yearly reports of
//! Điều 21.6 (and Sở TT&TT's statistics, Điều 25.2) count — cases forwarded, answered within the
//! time limit or late, still open and overdue, and the median working days to a signed answer.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::Error;
use portal_db::schema::{feedback_cases, feedback_forwardings};
use portal_db::DbConn;

use crate::model::ForwardingStatus;
use crate::rules::deadline::days_used;
use crate::workdays;

/// The longest period one report covers: two years.
pub const MAX_PERIOD_DAYS: i64 = 731;

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyFigures {
    pub agency: String,
    pub agency_name: String,
    /// Cases forwarded to the agency in the period.
    pub forwarded: u32,
    pub answered_on_time: u32,
    pub answered_late: u32,
    pub open: u32,
    /// Open, not waiting for the citizen, and past the due date today.
    pub open_overdue: u32,
    /// Median working days from receipt to the signed answer, less the days waiting for the
    /// citizen; `None` when nothing was answered.
    pub median_working_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agencies: Vec<AgencyFigures>,
}

/// The half-year a report covers by default (Điều 21.6 reports every six months): from 1 January
/// or 1 July to `today`.
pub fn current_half_year(today: NaiveDate) -> NaiveDate {
    let month = if today.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(today.year(), month, 1).unwrap_or(today)
}

fn median(mut values: Vec<u32>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    let even = values.len() & 1 == 0;
    Some(if even {
        (f64::from(values[mid - 1]) + f64::from(values[mid])) / 2.0
    } else {
        f64::from(values[mid])
    })
}

type Row = (
    i64,
    NaiveDate,
    ForwardingStatus,
    Option<chrono::NaiveDateTime>,
    NaiveDate,
    i32,
    Option<NaiveDate>,
);

/// The figures of every agency that had a case forwarded to it between `from` and `to`
/// (inclusive), in agency-code order.
pub fn by_agency(
    conn: &mut DbConn,
    who: &Acting,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Report, Error> {
    who.principal.require_reports()?;
    let today = workdays::today_in_vietnam();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| current_half_year(to));
    if from > to {
        return Err(Error::invalid_parameter("from", "must not be after 'to'"));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(Error::invalid_parameter(
            "to",
            "a report covers at most two years",
        ));
    }
    let rows: Vec<Row> = feedback_forwardings::table
        .inner_join(feedback_cases::table)
        .filter(feedback_forwardings::forwarded_on.between(from, to))
        .select((
            feedback_forwardings::agency_id,
            feedback_forwardings::due_on,
            feedback_forwardings::status,
            feedback_forwardings::signed_at,
            feedback_cases::received_on,
            feedback_cases::paused_working_days,
            feedback_cases::paused_since,
        ))
        .load(conn)?;
    let calendar = workdays::working_calendar(conn, from.year() - 1..=today.year() + 1)?;
    let mut per_agency: BTreeMap<i64, (AgencyFigures, Vec<u32>)> = BTreeMap::new();
    for (agency_id, due_on, status, signed_at, received_on, paused_days, paused_since) in rows {
        let (figures, durations) = per_agency.entry(agency_id).or_insert_with(|| {
            (
                AgencyFigures {
                    agency: String::new(),
                    agency_name: String::new(),
                    forwarded: 0,
                    answered_on_time: 0,
                    answered_late: 0,
                    open: 0,
                    open_overdue: 0,
                    median_working_days: None,
                },
                Vec::new(),
            )
        });
        figures.forwarded += 1;
        match (status, signed_at) {
            (ForwardingStatus::Signed, Some(at)) => {
                // Signed when it was that day in Vietnam.
                let signed_on = (at + Duration::hours(7)).date();
                if signed_on <= due_on {
                    figures.answered_on_time += 1;
                } else {
                    figures.answered_late += 1;
                }
                durations.push(days_used(
                    &calendar,
                    received_on,
                    signed_on,
                    paused_days.unsigned_abs(),
                    None,
                ));
            }
            _ => {
                figures.open += 1;
                if paused_since.is_none() && today > due_on {
                    figures.open_overdue += 1;
                }
            }
        }
    }
    let mut agencies = Vec::new();
    for (agency_id, (mut figures, durations)) in per_agency {
        let code = portal_sections::agencies::code_of(conn, agency_id)?;
        let agency = portal_sections::agencies::by_code(conn, &code)?;
        figures.agency = agency.code;
        figures.agency_name = agency.name_vi;
        figures.median_working_days = median(durations);
        agencies.push(figures);
    }
    agencies.sort_by(|a, b| a.agency.cmp(&b.agency));
    Ok(Report { from, to, agencies })
}

/// The report as CSV for the offices' spreadsheets: UTF-8 with a byte-order mark (Excel reads
/// Vietnamese names right only with it), one row per agency, fields quoted as RFC 4180 says.
pub fn to_csv(report: &Report) -> String {
    fn field(value: &str) -> String {
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    }
    let mut out = String::from("\u{feff}");
    out.push_str("agency,agency_name,forwarded,answered_on_time,answered_late,open,open_overdue,median_working_days\r\n");
    for a in &report.agencies {
        let median = a
            .median_working_days
            .map(|m| m.to_string())
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\r\n",
            field(&a.agency),
            field(&a.agency_name),
            a.forwarded,
            a.answered_on_time,
            a.answered_late,
            a.open,
            a.open_overdue,
            median
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7, 1, 4]), Some(4.0));
        assert_eq!(median(vec![10, 2, 4, 8]), Some(6.0));
    }

    #[test]
    fn the_default_period_is_the_current_half_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("a date");
        assert_eq!(current_half_year(d(2026, 12, 3)), d(2026, 7, 1));
        assert_eq!(current_half_year(d(2026, 6, 30)), d(2026, 1, 1));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let report = Report {
            from: NaiveDate::MIN,
            to: NaiveDate::MIN,
            agencies: vec![AgencyFigures {
                agency: "so-xd".into(),
                agency_name: "Sở Xây dựng, \"tỉnh\"".into(),
                forwarded: 2,
                answered_on_time: 1,
                answered_late: 0,
                open: 1,
                open_overdue: 0,
                median_working_days: Some(3.5),
            }],
        };
        let csv = to_csv(&report);
        assert!(csv.starts_with('\u{feff}'));
        assert_eq!(
            csv.lines().nth(1),
            Some("so-xd,\"Sở Xây dựng, \"\"tỉnh\"\"\",2,1,0,1,0,3.5")
        );
    }
}
