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

/// The period a report asks for: up to today, from the start of its half-year, at most two years.
pub(crate) fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate), Error> {
    let to = to.unwrap_or_else(workdays::today_in_vietnam);
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
    Ok((from, to))
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
    let (from, to) = period(from, to)?;
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

/// The report as an Excel workbook: a title row with the period, Vietnamese column headings,
/// one row per agency, numbers as numbers (so the office can sum them) and a totals row.
pub fn to_xlsx(report: &Report) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let xlsx = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("the workbook: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Phản ánh, kiến nghị").map_err(xlsx)?;
    let bold = Format::new().set_bold();
    sheet
        .write_string_with_format(
            0,
            0,
            format!(
                "Tình hình trả lời câu hỏi, phản ánh từ {} đến {}",
                report.from.format("%d/%m/%Y"),
                report.to.format("%d/%m/%Y")
            ),
            &bold,
        )
        .map_err(xlsx)?;
    let headings = [
        "Mã cơ quan",
        "Cơ quan",
        "Đã chuyển",
        "Trả lời đúng hạn",
        "Trả lời quá hạn",
        "Đang xử lý",
        "Đang xử lý, quá hạn",
        "Số ngày làm việc (trung vị)",
    ];
    for (col, heading) in (0u16..).zip(headings) {
        sheet
            .write_string_with_format(2, col, heading, &bold)
            .map_err(xlsx)?;
    }
    let mut row = 3u32;
    let mut totals = [0u32; 5];
    for a in &report.agencies {
        sheet.write_string(row, 0, &a.agency).map_err(xlsx)?;
        sheet.write_string(row, 1, &a.agency_name).map_err(xlsx)?;
        let counts = [
            a.forwarded,
            a.answered_on_time,
            a.answered_late,
            a.open,
            a.open_overdue,
        ];
        for (i, (col, value)) in (2u16..).zip(counts).enumerate() {
            sheet
                .write_number(row, col, f64::from(value))
                .map_err(xlsx)?;
            totals[i] += value;
        }
        if let Some(median) = a.median_working_days {
            sheet.write_number(row, 7, median).map_err(xlsx)?;
        }
        row += 1;
    }
    sheet
        .write_string_with_format(row, 1, "Tổng cộng", &bold)
        .map_err(xlsx)?;
    for (col, value) in (2u16..).zip(totals) {
        sheet
            .write_number_with_format(row, col, f64::from(value), &bold)
            .map_err(xlsx)?;
    }
    sheet.set_column_width(1, 40).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
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
