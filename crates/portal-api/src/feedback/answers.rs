//! The agencies' side (Điều 11.3, `feedback:answer:agency:<code>`): the inbox, the draft, and
//! the head's signature.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use portal_core::PageRequest;
use portal_feedback::answers;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{CaseDetailDto, CaseSummaryDto, ForwardingState};
use super::private_json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only forwardings in this state.
    #[param(value_type = Option<ForwardingState>)]
    pub status: Option<String>,
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxEntryDto {
    /// The agency it was forwarded to.
    pub agency: String,
    pub status: ForwardingState,
    pub case: CaseSummaryDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxPage {
    pub items: Vec<InboxEntryDto>,
    pub next_cursor: Option<String>,
}

/// The cases forwarded to the caller's agencies, newest forwarding first.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(InboxQuery),
    responses(
        (status = 200, description = "One page of the inbox", body = InboxPage),
        (status = 403, description = "Needs a `feedback:answer:agency:<code>` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/feedback-inbox")]
pub async fn inbox(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.acting();
    let page = state
        .db(move |conn| answers::inbox(conn, &who, query.status.as_deref(), &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &InboxPage {
            items: page
                .items
                .into_iter()
                .map(|e| InboxEntryDto {
                    agency: e.agency,
                    status: e.status.into(),
                    case: e.case.into(),
                })
                .collect(),
            next_cursor: page.next_cursor,
        },
    ))
}

/// A case forwarded to the agency, with the sender's personal data (the view audited).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    responses(
        (status = 200, description = "The case", body = CaseDetailDto),
        (status = 403, description = "Not this agency's staff, or not forwarded to it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/agencies/{agency}/feedback/{code}")]
pub async fn agency_case(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| answers::case(conn, &who, &key, &agency, &code))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftAnswerRequest {
    #[schema(max_length = 20000)]
    pub text: String,
    /// The signed letter and other files, by link (`https://` or a portal path).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub attachments: Vec<super::dto::AttachmentDto>,
}

/// Writes or rewrites the agency's answer; nothing is sent until the head signs it.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    request_body = DraftAnswerRequest,
    responses(
        (status = 200, description = "Drafted", body = CaseDetailDto),
        (status = 403, description = "Not this agency's staff, or not forwarded to it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The answer is already signed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/agencies/{agency}/feedback/{code}/answer")]
pub async fn draft_answer(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: crate::http::body::Json<DraftAnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let body = body.into_inner();
    let text = body.text;
    let attachments: Vec<_> = body.attachments.into_iter().map(Into::into).collect();
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| answers::draft(conn, &who, &key, &agency, &code, &text, &attachments))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

/// Signs the drafted answer and sends it (Điều 11.3): the agency's head or a named deputy only.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    responses(
        (status = 200, description = "Signed and sent", body = CaseDetailDto),
        (status = 403, description = "Not the agency's head or a deputy the head named", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No drafted answer to sign", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/feedback/{code}/sign")]
pub async fn sign_answer(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| answers::sign(conn, &who, &key, &agency, &code))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameSignatoryRequest {
    #[schema(value_type = super::dto::SigningCapacity)]
    pub capacity: String,
}

/// Names who signs the agency's answers: its head (by whoever manages accounts; one at a time)
/// or a deputy (by the head).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("username" = String, Path, description = "An active account of the agency"),
    ),
    request_body = NameSignatoryRequest,
    responses(
        (status = 204, description = "Named"),
        (status = 403, description = "Needs `accounts:manage` for a head, or to be the head for a deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/agencies/{agency}/signatories/{username}")]
pub async fn name_signatory(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: crate::http::body::Json<NameSignatoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, username) = path.into_inner();
    let capacity = body.into_inner().capacity;
    let who = caller.acting();
    state
        .db(move |conn| answers::name_signatory(conn, &who, &agency, &username, &capacity))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInformationRequest {
    /// What the citizen is asked, shown on their status link.
    #[schema(max_length = 5000)]
    pub question: String,
}

/// Asks the citizen for more information: the clock stands until they answer through the status
/// link, and the due date then moves on by the working days it waited.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("code" = String, Path, description = "Tracking code"),
    ),
    request_body = RequestInformationRequest,
    responses(
        (status = 200, description = "Asked; the clock stands", body = CaseDetailDto),
        (status = 403, description = "Not this agency's staff, or not forwarded to it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already waiting, answered, or this agency's answer is signed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/feedback/{code}/request-information")]
pub async fn request_information(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: crate::http::body::Json<RequestInformationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, code) = path.into_inner();
    let question = body.into_inner().question;
    let who = caller.acting();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| answers::request_information(conn, &who, &key, &agency, &code, &question))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseDetailDto::from(view)))
}
