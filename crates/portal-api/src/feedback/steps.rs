//! The steps between forwarding and answering: an agency's interim reply and its return of a
//! case not in its remit (Điều 11.3), the operator's merge of a duplicate and escalation of a
//! case no agency is competent for (Điều 11.4).

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use portal_feedback::{agency_steps, escalation, triage};
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::CaseDetailDto;
use super::private_json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterimReplyRequest {
    /// What the citizen reads: where the case stands.
    #[schema(max_length = 5000)]
    pub text: String,
    /// The date the agency promises its answer by: after today, at most 90 days ahead.
    pub promised_on: NaiveDate,
}

/// Gives the citizen an interim reply with the date the answer is promised by.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    request_body = InterimReplyRequest,
    responses(
        (status = 200, description = "Told", body = CaseDetailDto),
        (status = 403, description = "Not this agency's staff, or not forwarded to it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Answered already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/feedback/{code}/interim-reply")]
pub async fn interim_reply(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: crate::http::body::Json<InterimReplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| {
            agency_steps::interim_reply(
                conn,
                &who,
                &key,
                &agency,
                &code,
                &body.text,
                body.promised_on,
            )
        })
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

/// Takes the case up (Điều 11.3); the citizen is told which agency handles it.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    responses(
        (status = 200, description = "Accepted", body = CaseDetailDto),
        (status = 403, description = "Not this agency's staff, or not forwarded to it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Accepted already, or answered", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/feedback/{code}/accept")]
pub async fn accept_case(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| agency_steps::accept(conn, &who, &key, &agency, &code))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why, for the record (not shown to the citizen).
    #[schema(max_length = 5000)]
    pub reason: String,
}

/// Returns the case to the operator as not in the agency's remit; once no agency holds it, it
/// is received again.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Returned", body = CaseDetailDto),
        (status = 403, description = "Not this agency's staff, or not forwarded to it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Answered already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/feedback/{code}/return")]
pub async fn return_case(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: crate::http::body::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let reason = body.into_inner().reason;
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| agency_steps::give_back(conn, &who, &key, &agency, &code, &reason))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The tracking code of the case that is kept.
    #[schema(example = "QNA-7K3M-X9P2")]
    pub into: String,
}

/// Closes a duplicate in favour of the case kept; its sender is told and reads that case's
/// answers on their status link.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code of the duplicate")),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "Merged", body = CaseDetailDto),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Only a received case is merged", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The kept case is unknown, closed or the same", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/feedback/{code}/merge")]
pub async fn merge_case(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: crate::http::body::Json<MergeRequest>,
) -> Result<HttpResponse, ApiError> {
    let into = body.into_inner().into;
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let view = state
        .db(move |conn| triage::merge(conn, &who, &key, &code, &into))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

/// Sends a case no agency is competent for up to the supervising agency (Điều 11.4).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Sent up", body = CaseDetailDto),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed, or sent up already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/feedback/{code}/escalate")]
pub async fn escalate_case(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: crate::http::body::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason;
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let view = state
        .db(move |conn| escalation::escalate(conn, &who, &key, &code, &reason))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}
