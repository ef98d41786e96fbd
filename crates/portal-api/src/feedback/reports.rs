//! How each agency answers citizens per period (Điều 21.6, 25.2), as JSON and as CSV.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use portal_feedback::reports::{self, Report};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day of forwarding counted; default: 1 January or 1 July, whichever began the
    /// half-year of `to` (Điều 21.6 reports every six months).
    pub from: Option<NaiveDate>,
    /// Last day counted (inclusive); default: today. At most two years after `from`.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyFiguresDto {
    pub agency: String,
    pub agency_name: String,
    /// Cases forwarded to the agency in the period.
    pub forwarded: u32,
    /// Signed on or before the due date.
    pub answered_on_time: u32,
    pub answered_late: u32,
    pub open: u32,
    /// Open, not waiting for the citizen, and past the due date today.
    pub open_overdue: u32,
    /// Median working days from receipt to the signed answer, less days waiting for the citizen.
    pub median_working_days: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReportDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agencies: Vec<AgencyFiguresDto>,
}

impl From<Report> for FeedbackReportDto {
    fn from(r: Report) -> Self {
        Self {
            from: r.from,
            to: r.to,
            agencies: r
                .agencies
                .into_iter()
                .map(|a| AgencyFiguresDto {
                    agency: a.agency,
                    agency_name: a.agency_name,
                    forwarded: a.forwarded,
                    answered_on_time: a.answered_on_time,
                    answered_late: a.answered_late,
                    open: a.open,
                    open_overdue: a.open_overdue,
                    median_working_days: a.median_working_days,
                })
                .collect(),
        }
    }
}

/// Per agency: cases forwarded in the period, answered on time or late, open, overdue, and the
/// median working days to a signed answer.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The figures", body = FeedbackReportDto),
        (status = 403, description = "Needs `reports:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-report")]
pub async fn feedback_report(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
) -> Result<web::Json<FeedbackReportDto>, ApiError> {
    let query = query.into_inner();
    let who = caller.acting();
    let report = state
        .db(move |conn| reports::by_agency(conn, &who, query.from, query.to))
        .await?;
    Ok(web::Json(report.into()))
}

/// The same figures as CSV (UTF-8 with a byte-order mark, for Excel).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "One row per agency", body = String, content_type = "text/csv"),
        (status = 403, description = "Needs `reports:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-report.csv")]
pub async fn feedback_report_csv(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let who = caller.acting();
    let report = state
        .db(move |conn| reports::by_agency(conn, &who, query.from, query.to))
        .await?;
    let name = format!("phan-anh-{}-{}.csv", report.from, report.to);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(reports::to_csv(&report)))
}

/// The same figures as an Excel workbook, with Vietnamese headings and a totals row.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "One sheet, one row per agency", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "Needs `reports:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-report.xlsx")]
pub async fn feedback_report_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let who = caller.acting();
    let (name, workbook) = state
        .db(move |conn| {
            let report = reports::by_agency(conn, &who, query.from, query.to)?;
            let name = format!("phan-anh-{}-{}.xlsx", report.from, report.to);
            Ok((name, reports::to_xlsx(&report)?))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(workbook))
}
