//! The citizen's side: send a case, follow it through the status link.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use portal_feedback::intake::{self, Channel, Consent, NewCase};
use portal_feedback::views;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::{CaseStatusDto, ConsentDto, DeadlineDto, PersonDto};
use super::private_json;
use crate::http::caller::Client;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// The header that carries the status link's secret (never the URL, which logs keep).
pub const SECRET_HEADER: &str = "Portal-Case-Secret";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitCaseRequest {
    /// The site it is sent on: the main portal or a sub-site.
    #[schema(example = "quang-nam")]
    pub site: String,
    /// The section it is about, if any.
    pub section_id: Option<i64>,
    /// question, feedback or inaccuracy.
    #[schema(value_type = super::dto::FeedbackKind)]
    pub kind: String,
    #[schema(example = "Thủ tục cấp giấy phép xây dựng", max_length = 200)]
    pub subject: String,
    #[schema(max_length = 10000)]
    pub body: String,
    #[serde(default)]
    pub person: PersonDto,
    pub consent: ConsentDto,
    /// The version of the privacy notice the form showed.
    #[schema(example = "2026-01")]
    pub privacy_notice_version: String,
    /// Hidden on the form and left empty by people.
    #[serde(default)]
    pub website: Option<String>,
    /// The token `GET /sites/{site}/feedback-form` gave when the form was shown.
    pub form_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptDto {
    /// Quote it in any contact; a mistyped code is told apart from an unknown one.
    #[schema(example = "QNA-7K3M-X9P2")]
    pub code: String,
    /// The status link's secret, shown this once (send it in `Portal-Case-Secret`); null when
    /// the same case was already received within a day (the first receipt's secret stands).
    pub status_secret: Option<String>,
    /// True when this is a resubmission of a case received within the last 24 hours.
    pub duplicate: bool,
    pub deadline: DeadlineDto,
}

/// Sends a question, feedback or a report of wrong information (Điều 11.1).
///
/// Anonymous. Answers with a tracking code and the secret of a private status link; nothing of
/// the case is public. Sending the same text with the same contact again within 24 hours
/// answers 200 with the first case's code instead of opening a second one.
#[utoipa::path(
    tag = "feedback",
    request_body = SubmitCaseRequest,
    responses(
        (status = 201, description = "Received", body = ReceiptDto),
        (status = 200, description = "Already received within 24 hours: the first case's code", body = ReceiptDto),
        (status = 422, description = "A field breaks a rule (text rules of Điều 6.6, consent, an unknown site or section, a form token that is forged, expired or sent sooner than the minimum fill time)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This address sent its allowance of public forms for the hour; `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback")]
pub async fn submit_case(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::http::body::Json<SubmitCaseRequest>,
) -> Result<HttpResponse, ApiError> {
    super::admit_public_form(&state, &req).await?;
    let body = body.into_inner();
    let actor = Client::of(&req).anonymous_actor();
    let key = state.data_key.clone();
    let limits = state.intake;
    let new = NewCase {
        site: body.site,
        section_id: body.section_id,
        kind: body.kind,
        subject: body.subject,
        body: body.body,
        person: body.person.into(),
        consent: Consent {
            processing: body.consent.processing,
            publication: body.consent.publication,
            email: body.consent.email,
        },
        privacy_notice_version: body.privacy_notice_version,
        honeypot: body.website,
        channel: Channel::Form {
            token: body.form_token,
        },
    };
    let receipt = state
        .db(move |conn| {
            let receipt = intake::submit(conn, &actor, &key, &limits, &new)?;
            let deadline = views::deadline_of(conn, &receipt.case)?;
            Ok((receipt, deadline))
        })
        .await?;
    let (receipt, deadline) = receipt;
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(private_json(
        status,
        &ReceiptDto {
            code: receipt.code,
            status_secret: receipt.secret,
            duplicate: receipt.duplicate,
            deadline: deadline.into(),
        },
    ))
}

/// The token a site's case form is shown with (the minimum fill time of Điều 11's intake).
///
/// Anonymous. The form sends it back as `form_token`; a submission sooner than
/// `min_fill_seconds` after it was given, or a day later, is refused.
#[utoipa::path(
    tag = "feedback",
    params(("site" = String, Path, description = "Site key", example = "quang-nam")),
    responses(
        (status = 200, description = "A fresh token", body = super::dto::FormTokenDto),
        (status = 404, description = "No active site has this key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/feedback-form")]
pub async fn case_form(
    state: web::Data<AppState>,
    site: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let site = site.into_inner();
    let key = site.clone();
    state
        .db(move |conn| portal_sections::sites::active_by_key(conn, &key).map(|_| ()))
        .await?;
    let form = super::form_token_dto(&state, &intake::form_name(&site));
    Ok(private_json(StatusCode::OK, &form))
}

/// The citizen's case through the status link: its steps, the signed answers and what is stored
/// about them (NĐ 13/2023, Điều 14).
///
/// Needs the secret given at submission in the `Portal-Case-Secret` header. A mistyped code
/// (its check character does not match) is a 400 with a hint; an unknown code and a wrong secret
/// are the same 404.
#[utoipa::path(
    tag = "feedback",
    params(
        ("code" = String, Path, description = "Tracking code, as typed", example = "QNA-7K3M-X9P2"),
        ("Portal-Case-Secret" = String, Header, description = "The status link's secret"),
    ),
    responses(
        (status = 200, description = "The case as its sender sees it", body = CaseStatusDto),
        (status = 404, description = "No case has this code and secret", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feedback/{code}")]
pub async fn case_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = case_secret(&req);
    let actor = Client::of(&req).anonymous_actor();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let view = state
        .db(move |conn| views::status(conn, &actor, &key, &code, &secret))
        .await?;
    Ok(private_json(StatusCode::OK, &CaseStatusDto::from(view)))
}

/// Destroys what is stored about the sender (NĐ 13/2023, Điều 16); the case stays, anonymous.
///
/// Needs the status link's secret in `Portal-Case-Secret`. Asking again is answered the same.
#[utoipa::path(
    tag = "feedback",
    params(
        ("code" = String, Path, description = "Tracking code, as typed", example = "QNA-7K3M-X9P2"),
        ("Portal-Case-Secret" = String, Header, description = "The status link's secret"),
    ),
    responses(
        (status = 204, description = "Erased"),
        (status = 404, description = "No case has this code and secret", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback/{code}/erase")]
pub async fn erase_personal_data(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = case_secret(&req);
    let actor = Client::of(&req).anonymous_actor();
    let code = code.into_inner();
    state
        .db(move |conn| intake::erase(conn, &actor, &code, &secret))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The status link's secret from its header; empty (and so refused) when absent.
fn case_secret(req: &HttpRequest) -> String {
    req.headers()
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_default()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// The information the agency asked for.
    #[schema(max_length = 10000)]
    pub text: String,
}

/// Answers the agency's request for more information; the clock runs again and the due date moves
/// on by the working days it stood.
///
/// Needs the status link's secret in `Portal-Case-Secret`.
#[utoipa::path(
    tag = "feedback",
    params(
        ("code" = String, Path, description = "Tracking code, as typed", example = "QNA-7K3M-X9P2"),
        ("Portal-Case-Secret" = String, Header, description = "The status link's secret"),
    ),
    request_body = ReplyRequest,
    responses(
        (status = 204, description = "Received; the clock runs again"),
        (status = 404, description = "No case has this code and secret", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing was asked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback/{code}/reply")]
pub async fn reply_to_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    body: crate::http::body::Json<ReplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let secret = case_secret(&req);
    let actor = Client::of(&req).anonymous_actor();
    let code = code.into_inner();
    let text = body.into_inner().text;
    state
        .db(move |conn| intake::reply(conn, &actor, &code, &secret, &text))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
