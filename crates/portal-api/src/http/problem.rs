//! RFC 9457 problem documents: the one error shape of the whole API, including the errors actix
//! itself raises (unknown route, wrong method, malformed or oversized body, wrong content type).

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use portal_core::{Error, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:problem:portal:not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "site 'da-nang' was not found"
}))]
pub struct Problem {
    /// A stable URI naming the kind of problem (`urn:problem:portal:<kind>`); see docs/api.md.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For validation problems: every invalid field with a code and a message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For 412: the version the resource has now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For 409 `invalid-transition`: the workflow steps the item's state allows now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_transitions: Option<Vec<String>>,
    /// For 429: seconds to wait (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field or query parameter, e.g. `limit` or `text`.
    pub field: String,
    /// A machine-readable reason, e.g. `out_of_range`, `unknown_field`, `too_long`.
    pub code: String,
    pub message: String,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            code: e.code,
            message: e.message,
        }
    }
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Self {
        Self {
            problem_type: format!("urn:problem:portal:{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            current_version: None,
            allowed_transitions: None,
            retry_after: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<ProblemField>) -> Self {
        self.errors = errors;
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn response(&self) -> HttpResponse {
        let body = serde_json::to_string(self).unwrap_or_else(|_| "{}".into());
        let mut builder = HttpResponse::build(self.status_code());
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if self.status == 401 {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        builder.body(body)
    }
}

/// The error type of every handler: a domain error, or a problem raised at the HTTP edge.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError(Box::new(problem))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.status, self.0.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.response()
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let problem = match err {
            Error::NotFound { .. } => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", err.to_string())
            }
            Error::Validation(fields) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "the request breaks one or more rules; see errors",
            )
            .with_errors(fields.into_iter().map(Into::into).collect()),
            Error::InvalidParameter {
                ref parameter,
                ref reason,
            } => {
                let field = ProblemField {
                    field: parameter.clone(),
                    code: "invalid".into(),
                    message: reason.clone(),
                };
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid-parameter",
                    err.to_string(),
                )
                .with_errors(vec![field])
            }
            Error::Conflict(detail) => Problem::new(StatusCode::CONFLICT, "conflict", detail),
            Error::InvalidTransition { message, allowed } => {
                let mut problem = Problem::new(StatusCode::CONFLICT, "invalid-transition", message);
                problem.allowed_transitions = Some(allowed);
                problem
            }
            Error::Unauthenticated(detail) => {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
            }
            Error::Forbidden(detail) => Problem::new(StatusCode::FORBIDDEN, "forbidden", detail),
            Error::PreconditionFailed {
                message,
                current_version,
            } => {
                let mut problem = Problem::new(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition-failed",
                    message,
                );
                problem.current_version = Some(current_version);
                problem
            }
            Error::PreconditionRequired(detail) => Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition-required",
                detail,
            ),
            Error::TooManyRequests {
                message,
                retry_after_secs,
            } => {
                let mut problem =
                    Problem::new(StatusCode::TOO_MANY_REQUESTS, "too-many-requests", message);
                problem.retry_after = Some(retry_after_secs);
                problem
            }
            Error::Unavailable(detail) => {
                log::error!("database unavailable: {detail}");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is not answering; try again shortly",
                )
            }
            Error::Internal(detail) => {
                log::error!("internal error: {detail}");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an unexpected error occurred",
                )
            }
        };
        ApiError(Box::new(problem))
    }
}

/// Reads the field name out of serde's messages ("unknown field `x`", "missing field `x`").
pub(crate) fn serde_field(message: &str) -> Option<(String, &'static str)> {
    for (marker, code) in [
        ("unknown field `", "unknown_field"),
        ("missing field `", "required"),
        ("duplicate field `", "duplicate_field"),
    ] {
        if let Some(start) = message.find(marker) {
            let rest = &message[start + marker.len()..];
            if let Some(end) = rest.find('`') {
                return Some((rest[..end].to_string(), code));
            }
        }
    }
    None
}

fn field_errors(message: &str, fallback_field: &str) -> Vec<ProblemField> {
    let (field, code) =
        serde_field(message).unwrap_or_else(|| (fallback_field.to_string(), "invalid"));
    vec![ProblemField {
        field,
        code: code.into(),
        message: message.to_string(),
    }]
}

/// A JSON body that does not parse (400) or does not fit the schema (422, naming the field).
pub fn body_problem(err: &serde_json::Error) -> Problem {
    if err.is_data() {
        let message = err.to_string();
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            format!("the body does not fit the schema: {message}"),
        )
        .with_errors(field_errors(&message, "body"))
    } else {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-body",
            format!("the body is not valid JSON: {err}"),
        )
    }
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let problem = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("the body is {length} bytes; at most {limit} are accepted"),
        ),
        JsonPayloadError::Overflow { limit } => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("the body is larger than the {limit} bytes accepted"),
        ),
        JsonPayloadError::ContentType => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "the body must be sent as Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(inner) => body_problem(inner),
        other => Problem::new(StatusCode::BAD_REQUEST, "malformed-body", other.to_string()),
    };
    ApiError(Box::new(problem)).into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        QueryPayloadError::Deserialize(inner) => inner.to_string(),
        other => other.to_string(),
    };
    let problem = Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid-parameter",
        format!("the query string is invalid: {message}"),
    )
    .with_errors(field_errors(&message, "query"));
    ApiError(Box::new(problem)).into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        PathError::Deserialize(inner) => inner.to_string(),
        other => other.to_string(),
    };
    let problem = Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid-parameter",
        format!("the path is invalid: {message}"),
    )
    .with_errors(field_errors(&message, "path"));
    ApiError(Box::new(problem)).into()
}

/// Turns any error response that is not already a problem document (actix's bare 404 and 405,
/// a 413 from the payload limit, a panic's 500) into one, so clients parse a single shape.
pub fn ensure_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (kind, detail) = match status {
        StatusCode::NOT_FOUND => (
            "route-not-found",
            format!("no route matches {}", res.request().path()),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            format!(
                "{} is not allowed on {}",
                res.request().method(),
                res.request().path()
            ),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload-too-large",
            "the body is larger than this endpoint accepts".into(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "the body's content type is not accepted".into(),
        ),
        s if s.is_server_error() => ("internal", "an unexpected error occurred".into()),
        s => (
            "http-error",
            s.canonical_reason().unwrap_or("error").to_string(),
        ),
    };
    let problem = Problem::new(status, kind, detail);
    let (req, mut res) = res.into_parts();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    let body = serde_json::to_string(&problem).unwrap_or_default();
    let res = res.set_body(BoxBody::new(body));
    let res = ServiceResponse::new(req, res).map_into_right_body::<B>();
    Ok(ErrorHandlerResponse::Response(map_either(res)))
}

// ErrorHandlers wants EitherBody<B>; a boxed right side fits it.
fn map_either<B>(res: ServiceResponse<EitherBody<B, BoxBody>>) -> ServiceResponse<EitherBody<B>> {
    res.map_body(|_, body| match body {
        EitherBody::Left { body } => EitherBody::left(body),
        EitherBody::Right { body } => EitherBody::right(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_the_field() {
        assert_eq!(
            serde_field("unknown field `foo`, expected one of `limit`, `cursor`"),
            Some(("foo".into(), "unknown_field"))
        );
        assert_eq!(
            serde_field("missing field `text` at line 1"),
            Some(("text".into(), "required"))
        );
        assert_eq!(serde_field("invalid digit found in string"), None);
    }

    #[test]
    fn domain_errors_map_to_statuses() {
        assert_eq!(ApiError::from(Error::not_found("site", "x")).0.status, 404);
        assert_eq!(
            ApiError::from(Error::field("title", "too_long", "…"))
                .0
                .status,
            422
        );
        assert_eq!(
            ApiError::from(Error::invalid_parameter("limit", "…"))
                .0
                .status,
            400
        );
        assert_eq!(ApiError::from(Error::Conflict("…".into())).0.status, 409);
        assert_eq!(ApiError::from(Error::Unavailable("…".into())).0.status, 503);
        let internal = ApiError::from(Error::Internal("secret detail".into())).0;
        assert_eq!(internal.status, 500);
        assert!(
            !internal.detail.contains("secret"),
            "internal details stay in the log"
        );
    }
}
