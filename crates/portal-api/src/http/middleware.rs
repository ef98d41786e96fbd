//! Request ids, metrics, HEAD and public-cache invalidation, as `from_fn` middleware.

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use crate::state::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, as echoed in `X-Request-Id` and the access log.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client's id is kept when it is short and plain, so it can be traced through its own logs;
/// anything else is replaced rather than written into our logs.
fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|h| h.to_str().ok())
        .filter(|id| acceptable(id))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// Counts requests by route pattern (not raw path, which would explode the label space).
pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    // Label values are bounded: anyone may send any method name, and each would be a new series.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "other".to_string(),
    };
    let started = Instant::now();
    let res = next.call(req).await?;
    if let Some(state) = state {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_string());
        let status = res.status().as_u16().to_string();
        state
            .metrics
            .http_requests_total
            .with_label_values(&[method.as_str(), route.as_str(), status.as_str()])
            .inc();
        state
            .metrics
            .http_request_duration_seconds
            .with_label_values(&[method.as_str(), route.as_str()])
            .observe(started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// Answers HEAD wherever GET is answered (RFC 9110 §9.3.2): the request is routed as a GET,
/// and the HTTP/1 codec, which noted the HEAD when it read the request, sends the headers (with
/// the GET's `Content-Length`) and no body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// After a write through this replica, its public cache reads the change clock again, so the
/// writer's next public read shows the change (see `crate::cache`).
pub async fn forget_public_cache_on_write(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let state = writes
        .then(|| req.app_data::<web::Data<AppState>>().cloned())
        .flatten();
    let res = next.call(req).await?;
    if let Some(state) = state {
        state.public_cache.invalidate();
    }
    Ok(res)
}

/// The first control character in the path (percent-decoded) or the query, and where: NUL
/// cannot be stored by PostgreSQL and no other control character belongs in a URL, so each is a
/// 400 naming the parameter, before any handler runs, identically on both backends.
fn control_character_in(path: &str, query: &str) -> Option<(String, char)> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if let Some(c) = decoded.chars().find(|c| c.is_control()) {
        return Some(("path".into(), c));
    }
    url::form_urlencoded::parse(query.as_bytes()).find_map(|(key, value)| {
        key.chars()
            .chain(value.chars())
            .find(|c| c.is_control())
            .map(|c| (key.into_owned(), c))
    })
}

pub async fn refuse_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some((parameter, c)) = control_character_in(req.path(), req.query_string()) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let problem = crate::http::problem::Problem::new(
        actix_web::http::StatusCode::BAD_REQUEST,
        "invalid-parameter",
        format!(
            "the {} contains the control character U+{:04X}",
            if parameter == "path" {
                "path"
            } else {
                "query string"
            },
            c as u32
        ),
    )
    .with_errors(vec![crate::http::problem::ProblemField {
        field: parameter,
        code: "control_character".into(),
        message: format!("contains the control character U+{:04X}", c as u32),
    }]);
    let response =
        actix_web::ResponseError::error_response(&crate::http::problem::ApiError::from(problem));
    Ok(req.into_response(response).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::{acceptable, control_character_in};

    #[test]
    fn control_characters_in_paths_and_queries_are_found() {
        assert_eq!(
            control_character_in("/api/v1/sites/quang%00nam", ""),
            Some(("path".into(), '\0'))
        );
        assert_eq!(
            control_character_in("/api/v1/search", "q=a%00b&lang=vi"),
            Some(("q".into(), '\0'))
        );
        assert_eq!(
            control_character_in("/api/v1/search", "q%1F=1"),
            Some(("q\u{1f}".into(), '\u{1f}'))
        );
        assert_eq!(
            control_character_in("/api/v1/sites/qu%E1%BA%A3ng", "q=Qu%E1%BA%A3ng+Nam"),
            None
        );
    }

    #[test]
    fn client_request_ids_are_kept_only_when_plain() {
        assert!(acceptable("3f2a-11:req_7.b"));
        assert!(!acceptable(""));
        assert!(!acceptable("has space"));
        assert!(!acceptable("line\nbreak"));
        assert!(!acceptable(&"a".repeat(129)));
    }
}
