//! The operator's triage (Điều 11.2, `feedback:triage`).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use portal_core::PageRequest;
use portal_feedback::triage::{self, Forward};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{CaseDetailDto, CaseSummaryDto};
use super::private_json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Only cases in this state.
    #[param(value_type = Option<super::dto::FeedbackStatus>)]
    pub status: Option<String>,
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryPage {
    pub items: Vec<CaseSummaryDto>,
    pub next_cursor: Option<String>,
}

/// Lists every case, newest first, with masked contacts.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(CaseQuery),
    responses(
        (status = 200, description = "One page of cases", body = CaseSummaryPage),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.acting();
    let page = state
        .db(move |conn| triage::list(conn, &who, query.status.as_deref(), &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &CaseSummaryPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        },
    ))
}

/// One case with the sender's personal data; the view is recorded in the audit log.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    responses(
        (status = 200, description = "The case", body = CaseDetailDto),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback/{code}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let view = state
        .db(move |conn| triage::case(conn, &who, &key, &code))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectCaseRequest {
    /// What the citizen reads on the status link.
    #[schema(max_length = 5000)]
    pub reply: String,
    /// Why, for the record (spam, out of scope, …); not shown to the citizen.
    #[schema(max_length = 500)]
    pub reason: String,
}

/// Turns a received case down, with a reply to the citizen and a reason for the record.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    request_body = RejectCaseRequest,
    responses(
        (status = 200, description = "Turned down", body = CaseDetailDto),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is no longer only received", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/feedback/{code}/reject")]
pub async fn reject_case(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: crate::http::body::Json<RejectCaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let view = state
        .db(move |conn| triage::reject(conn, &who, &key, &code, &body.reply, &body.reason))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardCaseRequest {
    /// Codes of the agencies whose remit it falls in, 1–20.
    #[schema(example = json!(["so-xay-dung"]))]
    pub agencies: Vec<String>,
    /// The letter it is forwarded with (Điều 11.2: forwarded in writing).
    #[schema(max_length = 5000)]
    pub letter: String,
    /// The field (lĩnh vực) it is classified under.
    #[schema(example = "Xây dựng", max_length = 100)]
    pub field: Option<String>,
    /// An internal note, never shown to the citizen.
    #[schema(max_length = 5000)]
    pub note: Option<String>,
}

/// Forwards a case in writing to one or more agencies, each with the case's due date.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    request_body = ForwardCaseRequest,
    responses(
        (status = 200, description = "Forwarded", body = CaseDetailDto),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case was turned down or is answered", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/feedback/{code}/forward")]
pub async fn forward_case(
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
        .db(move |conn| triage::forward(conn, &who, &key, &code, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyCaseRequest {
    /// The kind, when the sender chose the wrong one; changes the deadline to the kind's own, and
    /// only before forwarding.
    #[schema(value_type = Option<super::dto::FeedbackKind>)]
    pub kind: Option<String>,
    /// The field (lĩnh vực) it belongs to.
    #[schema(example = "Xây dựng", max_length = 100)]
    pub field: Option<String>,
    /// Why, for the back office.
    #[schema(max_length = 5000)]
    pub note: Option<String>,
}

/// Classifies a case: its field, and its kind when the sender chose the wrong one (Điều 11.2).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    request_body = ClassifyCaseRequest,
    responses(
        (status = 200, description = "Classified", body = CaseDetailDto),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed, or forwarded (for a new kind)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/feedback/{code}/classify")]
pub async fn classify_case(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: crate::http::body::Json<ClassifyCaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let body = body.into_inner();
    let input = portal_feedback::classify::Classification {
        kind: body.kind,
        field: body.field,
        note: body.note,
    };
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| portal_feedback::classify::classify(conn, &who, &key, &code, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}
