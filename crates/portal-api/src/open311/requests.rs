//! The four GeoReport v2 operations: the services, a new request, a request read back with its
//! status secret, a token turned into the request's id.

use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset};
use portal_core::{Error, FieldError};
use portal_feedback::intake::{self, Channel, Consent, NewCase};
use portal_feedback::model::{CaseStatus, PersonalData};
use portal_feedback::{guard, views};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{end_of, local, service_name, services_list, ServiceDto};
use crate::feedback::intake::SECRET_HEADER;
use crate::feedback::private_json;
use crate::http::caller::Client;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// The kinds of case, as GeoReport services.
#[utoipa::path(
    tag = "open311",
    responses((status = 200, description = "Every service", body = Vec<ServiceDto>))
)]
#[get("/services.json")]
pub async fn open311_services() -> HttpResponse {
    HttpResponse::Ok().json(services_list())
}

/// A new request (GeoReport v2 fields, `application/x-www-form-urlencoded`), sent by an app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestForm {
    /// A portal API key with `feedback:submit` (or send it as `Authorization: Bearer`).
    pub api_key: Option<String>,
    /// The site's key.
    #[schema(example = "quang-nam")]
    pub jurisdiction_id: Option<String>,
    /// question, feedback or inaccuracy (`services.json`).
    #[schema(example = "feedback")]
    pub service_code: Option<String>,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// Where it happens, as decimal degrees.
    #[schema(example = "15.5736")]
    pub lat: Option<String>,
    #[schema(example = "108.4740")]
    pub long: Option<String>,
    #[schema(max_length = 500)]
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub email: Option<String>,
    /// Accepted and not stored: the portal does not track devices.
    pub device_id: Option<String>,
    /// Accepted and not stored.
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    /// A photo or document already online (https://).
    pub media_url: Option<String>,
    /// Extension: "true" when the person agreed to have the case handled (required).
    pub consent_processing: Option<String>,
    /// Extension: "true" to allow publishing the question and answer without personal data.
    pub consent_publication: Option<String>,
    /// Extension: "true" to be written to by e-mail.
    pub consent_email: Option<String>,
    /// Extension: the version of the privacy notice the app showed.
    #[schema(example = "2026-01")]
    pub privacy_notice_version: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedRequestDto {
    /// The tracking code.
    #[schema(example = "QNA-7K3M-X9P2")]
    pub service_request_id: String,
    /// Turns back into the id through `tokens/{token}.json`.
    pub token: String,
    pub service_notice: String,
    pub account_id: Option<String>,
    /// Extension: the secret that reads the request back (send it in `Portal-Case-Secret`),
    /// shown this once; null for a request already received within a day.
    pub status_secret: Option<String>,
}

fn form_map(bytes: &[u8]) -> Result<Value, ApiError> {
    let mut map = Map::new();
    for (key, value) in url::form_urlencoded::parse(bytes) {
        if map
            .insert(key.to_string(), Value::String(value.to_string()))
            .is_some()
        {
            return Err(Error::field(key.to_string(), "repeated", "given more than once").into());
        }
    }
    Ok(Value::Object(map))
}

fn yes(errors: &mut Vec<FieldError>, field: &str, value: &Option<String>) -> bool {
    match value.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(FieldError::new(field, "invalid_boolean", "true or false"));
            false
        }
    }
}

fn degrees(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Option<String>,
    max: f64,
) -> Option<f64> {
    let text = value.as_deref()?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= max => Some(v),
        _ => {
            errors.push(FieldError::new(
                field,
                "invalid_coordinate",
                format!("decimal degrees between -{max} and {max}"),
            ));
            None
        }
    }
}

/// The case the form describes: its location and photo written into the text the agency reads.
fn new_case(form: RequestForm, principal: portal_auth::Principal) -> Result<NewCase, Error> {
    let mut errors = Vec::new();
    let required = |errors: &mut Vec<FieldError>, field: &str, v: &Option<String>| {
        let v = v.as_deref().map(str::trim).unwrap_or("");
        if v.is_empty() {
            errors.push(FieldError::new(field, "required", "must be given"));
        }
        v.to_string()
    };
    let site = required(&mut errors, "jurisdiction_id", &form.jurisdiction_id);
    let kind = required(&mut errors, "service_code", &form.service_code);
    let description = required(&mut errors, "description", &form.description);
    let lat = degrees(&mut errors, "lat", &form.lat, 90.0);
    let long = degrees(&mut errors, "long", &form.long, 180.0);
    if let Some(url) = form.media_url.as_deref() {
        if !url.starts_with("https://") || url.len() > 2000 || url.contains(char::is_whitespace) {
            errors.push(FieldError::new(
                "media_url",
                "invalid_url",
                "an https:// address",
            ));
        }
    }
    let consent = Consent {
        processing: yes(&mut errors, "consent_processing", &form.consent_processing),
        publication: yes(
            &mut errors,
            "consent_publication",
            &form.consent_publication,
        ),
        email: yes(&mut errors, "consent_email", &form.consent_email),
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let first_line = description.lines().next().unwrap_or("").trim();
    let subject: String = first_line.chars().take(120).collect();
    let mut body = description.clone();
    if let Some(address) = form
        .address_string
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        body.push_str(&format!("\n\nĐịa điểm: {}", address.trim()));
    }
    if let (Some(lat), Some(long)) = (lat, long) {
        body.push_str(&format!("\nToạ độ: {lat}, {long}"));
    }
    if let Some(url) = form.media_url.as_deref() {
        body.push_str(&format!("\nẢnh, tài liệu: {url}"));
    }
    let name = [form.last_name.as_deref(), form.first_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(NewCase {
        site,
        section_id: None,
        kind,
        subject,
        body,
        person: PersonalData {
            name: (!name.is_empty()).then_some(name),
            email: form.email,
            phone: form.phone,
            address: None,
        },
        consent,
        privacy_notice_version: form.privacy_notice_version.unwrap_or_default(),
        honeypot: None,
        channel: Channel::Integrator(principal),
    })
}

fn token_of(state: &AppState, code: &str) -> String {
    let mac = state.data_key.mac("open311-token", code.as_bytes());
    format!("{code}.{}", &hex::encode(mac)[..16])
}

/// Opens a case from an app (GeoReport v2 `POST requests.json`).
///
/// Needs an API key with `feedback:submit`, as `api_key` or `Authorization: Bearer`. The case
/// goes through the portal's intake: the text rules, consent (the `consent_*` extensions), the
/// duplicate window, and an allowance per API key (`PORTAL_OPEN311_MAX_PER_HOUR`).
#[utoipa::path(
    tag = "open311",
    security(("bearer" = [])),
    request_body(content = RequestForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "Received", body = Vec<CreatedRequestDto>),
        (status = 200, description = "Already received within 24 hours: the first request's id", body = Vec<CreatedRequestDto>),
        (status = 401, description = "No API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks `feedback:submit`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key sent its allowance for the hour", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests.json")]
pub async fn open311_create_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let mut fields = form_map(&bytes)?;
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string());
    let from_form = fields
        .get("api_key")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(credential) = bearer.or(from_form) else {
        return Err(Error::Unauthenticated(
            "an API key with feedback:submit, as `api_key` or `Authorization: Bearer`".into(),
        )
        .into());
    };
    if let Some(map) = fields.as_object_mut() {
        map.remove("api_key");
    }
    let auth = state.auth.clone();
    let principal = state
        .db(move |conn| {
            portal_auth::principal::authenticate(conn, &auth.keys, &auth.config, &credential)
        })
        .await?;
    principal.require_feedback_submit()?;
    let allowance = match &principal.kind {
        portal_auth::PrincipalKind::ApiKey { id, .. } => format!("apikey:{id}"),
        portal_auth::PrincipalKind::User { id, .. } => format!("user:{id}"),
    };
    let client = guard::client_key(&state.data_key, Some(&allowance));
    let limits = guard::IntakeLimits {
        max_per_window: state.intake.integrator_max_per_window,
        ..state.intake
    };
    let claimed = state
        .db(move |conn| {
            portal_db::write_transaction(conn, |conn| guard::claim(conn, &client, &limits))
        })
        .await?;
    if let Err(retry_after_secs) = claimed {
        return Err(Error::TooManyRequests {
            message: format!(
                "at most {} requests an hour from one key: try again in {retry_after_secs} s",
                limits.max_per_window
            ),
            retry_after_secs,
        }
        .into());
    }
    let form: RequestForm = crate::http::body::from_value(fields)?;
    let actor = principal.actor(Client::of(&req).ip, Client::of(&req).user_agent);
    let new = new_case(form, principal)?;
    let key = state.data_key.clone();
    let intake_limits = state.intake;
    let (receipt, deadline) = state
        .db(move |conn| {
            let receipt = intake::submit(conn, &actor, &key, &intake_limits, &new)?;
            let deadline = views::deadline_of(conn, &receipt.case)?;
            Ok((receipt, deadline))
        })
        .await?;
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let created = CreatedRequestDto {
        token: token_of(&state, &receipt.code),
        service_request_id: receipt.code,
        service_notice: format!(
            "Hạn trả lời: {} (tính theo ngày làm việc)",
            deadline.due_on.format("%d/%m/%Y")
        ),
        account_id: None,
        status_secret: receipt.secret,
    };
    Ok(private_json(status, &[created]))
}

/// A request as GeoReport v2 shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDto {
    pub service_request_id: String,
    /// open, or closed once answered or turned down.
    #[schema(example = "open")]
    pub status: String,
    /// The signed answers, or the reason it was turned down.
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    /// The agencies that signed an answer.
    pub agency_responsible: Option<String>,
    pub service_notice: String,
    pub requested_datetime: Option<DateTime<FixedOffset>>,
    pub updated_datetime: Option<DateTime<FixedOffset>>,
    /// The end of the due day, in Vietnam's time.
    pub expected_datetime: Option<DateTime<FixedOffset>>,
}

/// Reads a request back (GeoReport v2 `GET requests/{id}.json`) with its status secret.
///
/// Unlike GeoReport's anonymous read, this needs the `Portal-Case-Secret` header given when the
/// request was made: nothing of a case is public until answered and published. A mistyped code
/// is a 400 with a hint; an unknown code and a wrong or missing secret the same 404.
#[utoipa::path(
    tag = "open311",
    params(
        ("service_request_id" = String, Path, description = "The tracking code", example = "QNA-7K3M-X9P2"),
        ("Portal-Case-Secret" = String, Header, description = "The status secret"),
    ),
    responses(
        (status = 200, description = "The request", body = Vec<RequestDto>),
        (status = 400, description = "A mistyped code", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No request has this id and secret", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requests/{service_request_id}.json")]
pub async fn open311_get_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let secret = req
        .headers()
        .get(SECRET_HEADER)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    let actor = Client::of(&req).anonymous_actor();
    let key = state.data_key.clone();
    let view = state
        .db(move |conn| {
            intake::read_code(&code)?;
            if secret.is_empty() {
                return Err(Error::not_found("case", code));
            }
            views::status(conn, &actor, &key, &code, &secret)
        })
        .await?;
    let closed = matches!(view.status, CaseStatus::Answered | CaseStatus::Rejected);
    let notes = if view.answers.is_empty() {
        view.reply.clone()
    } else {
        Some(
            view.answers
                .iter()
                .map(|a| format!("{}: {}", a.agency_name, a.text))
                .collect::<Vec<_>>()
                .join("\n\n"),
        )
    };
    let agencies = view
        .answers
        .iter()
        .map(|a| a.agency_name.clone())
        .collect::<Vec<_>>();
    let request = RequestDto {
        service_request_id: view.code,
        status: if closed { "closed" } else { "open" }.to_string(),
        status_notes: notes,
        service_name: service_name(view.kind).to_string(),
        service_code: view.kind.as_str().to_string(),
        description: view.body,
        agency_responsible: (!agencies.is_empty()).then(|| agencies.join("; ")),
        service_notice: format!("Hạn trả lời: {}", view.deadline.due_on.format("%d/%m/%Y")),
        requested_datetime: view.events.first().map(|e| local(e.at)),
        updated_datetime: view.events.last().map(|e| local(e.at)),
        expected_datetime: end_of(view.deadline.due_on),
    };
    Ok(private_json(StatusCode::OK, &[request]))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub service_request_id: String,
    pub token: String,
}

/// The request id behind a token (GeoReport v2 `GET tokens/{token}.json`). Requests are opened
/// at once here, so the token only ever stands for an id already given; a forged one is a 404.
#[utoipa::path(
    tag = "open311",
    params(("token" = String, Path, description = "The token given with the request")),
    responses(
        (status = 200, description = "The request's id", body = Vec<TokenDto>),
        (status = 404, description = "Not a token this server gave", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tokens/{token}.json")]
pub async fn open311_get_token(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    let code = token
        .rsplit_once('.')
        .map(|(code, _)| code.to_string())
        .filter(|code| {
            use subtle::ConstantTimeEq;
            bool::from(token_of(&state, code).as_bytes().ct_eq(token.as_bytes()))
        })
        .ok_or_else(|| Error::not_found("token", "given"))?;
    Ok(private_json(
        StatusCode::OK,
        &[TokenDto {
            service_request_id: code,
            token,
        }],
    ))
}
