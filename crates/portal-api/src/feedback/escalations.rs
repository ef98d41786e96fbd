//! The supervising agency's side (Điều 11.4; Sở TT&TT, who holds
//! `feedback:answer:agency:<supervising agency>`): the queue of escalated cases, one case, its
//! re-forwarding, and the report of what went up in a period.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use portal_core::PageRequest;
use portal_feedback::escalation;
use portal_feedback::triage::Forward;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{CaseDetailDto, CaseSummaryDto};
use super::private_json;
use super::reports::ReportQuery;
use super::triage::{CaseSummaryPage, ForwardCaseRequest};
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Escalated cases still open, latest first, with masked contacts.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of the queue", body = CaseSummaryPage),
        (status = 403, description = "Not the supervising agency", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-escalations")]
pub async fn queue(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.acting();
    let page = state
        .db(move |conn| escalation::queue(conn, &who, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &CaseSummaryPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        },
    ))
}

/// One escalated case with the sender's personal data (the view audited).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    responses(
        (status = 200, description = "The case", body = CaseDetailDto),
        (status = 403, description = "Not the supervising agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No escalated case has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-escalations/{code}")]
pub async fn escalated_case(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let view = state
        .db(move |conn| escalation::case(conn, &who, &key, &code))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

/// Forwards an escalated case in writing: to an agency, or to the supervising agency itself,
/// which then answers it through its inbox.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    request_body = ForwardCaseRequest,
    responses(
        (status = 200, description = "Forwarded", body = CaseDetailDto),
        (status = 403, description = "Not the supervising agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No escalated case has this code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/feedback-escalations/{code}/forward")]
pub async fn reforward(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: crate::http::body::Json<ForwardCaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let input = Forward {
        agencies: body.agencies,
        letter: body.letter,
        field: body.field,
        note: body.note,
    };
    let view = state
        .db(move |conn| escalation::reforward(conn, &who, &key, &code, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EscalatedDto {
    pub case: CaseSummaryDto,
    pub escalated_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationReportDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cases: Vec<EscalatedDto>,
}

/// What went up to the supervising agency in a period (default the current half-year), for its
/// report to UBND tỉnh (Điều 11.4).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The escalated cases, oldest first", body = EscalationReportDto),
        (status = 403, description = "Needs `reports:read` or to be the supervising agency", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-escalation-report")]
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let who = caller.acting();
    let report = state
        .db(move |conn| escalation::report(conn, &who, query.from, query.to))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &EscalationReportDto {
            from: report.from,
            to: report.to,
            cases: report
                .cases
                .into_iter()
                .map(|e| EscalatedDto {
                    case: e.case.into(),
                    escalated_on: e.escalated_on,
                    reason: e.reason,
                })
                .collect(),
        },
    ))
}
