//! Serving public answers from the response cache: render once per change of the clock, answer
//! 304 from the stored ETag, a gzip copy for clients that take it.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime};
use portal_core::Error;
use serde::Serialize;

use crate::cache::{CachedResponse, PublicCache, Reading, Turn};
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Answers from a rendered response: 304 with no body when the client's copy is current (by
/// `If-None-Match`, else `If-Modified-Since`), otherwise the body, with a strong ETag,
/// `Last-Modified` and the public `Cache-Control` either way.
// A cache hit is the hottest path of the server: let the compiler inline this into each handler,
// as it could when handlers and these helpers shared a module.
#[inline]
pub(crate) fn respond(
    req: &HttpRequest,
    cache: &PublicCache,
    entry: &CachedResponse,
) -> HttpResponse {
    let gzip = entry.gzip.as_ref().filter(|_| accepts_gzip(req));
    let etag = gzip.map_or(&entry.etag, |(_, tag)| tag);
    let not_modified = match req.headers().get(header::IF_NONE_MATCH) {
        // Either representation's tag: the client may have had the other one before.
        Some(tags) => tags.as_bytes().split(|b| *b == b',').any(|t| {
            let t = t.trim_ascii();
            let t = t.strip_prefix(b"W/").unwrap_or(t);
            t == b"*"
                || t == entry.etag.as_bytes()
                || entry
                    .gzip
                    .as_ref()
                    .is_some_and(|(_, tag)| t == tag.as_bytes())
        }),
        None => match (
            req.headers()
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok()),
            &entry.last_modified,
        ) {
            (Some(since), Some((modified, _))) => DateTime::parse_from_rfc2822(since)
                .is_ok_and(|since| *modified <= since.timestamp()),
            _ => false,
        },
    };
    let mut builder = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache.cache_control.clone()));
    if entry.gzip.is_some() {
        builder.insert_header((
            header::VARY,
            header::HeaderValue::from_static("accept-encoding"),
        ));
    }
    if let Some((_, modified)) = &entry.last_modified {
        builder.insert_header((header::LAST_MODIFIED, modified.clone()));
    }
    if let Some(link) = &entry.link {
        builder.insert_header((header::LINK, link.clone()));
    }
    if not_modified {
        return builder.finish();
    }
    builder.insert_header((header::CONTENT_TYPE, entry.content_type.clone()));
    match gzip {
        Some((body, _)) => builder
            .insert_header((
                header::CONTENT_ENCODING,
                header::HeaderValue::from_static("gzip"),
            ))
            .body(body.clone()),
        // Marked as not encoded, so the Compress middleware does not brotli it behind the plain
        // body's ETag (one tag for two representations would break revalidation).
        None => builder
            .insert_header((
                header::CONTENT_ENCODING,
                header::HeaderValue::from_static("identity"),
            ))
            .body(entry.body.clone()),
    }
}

/// Whether the client's `Accept-Encoding` prefers gzip to the plain body.
#[inline]
fn accepts_gzip(req: &HttpRequest) -> bool {
    use header::{AcceptEncoding, Encoding, Header};
    AcceptEncoding::parse(req)
        .ok()
        .and_then(|accepted| accepted.negotiate([Encoding::gzip(), Encoding::identity()].iter()))
        == Some(Encoding::gzip())
}

/// A public answer as a handler renders it, before it is cached.
pub(crate) struct Rendered {
    pub(crate) body: Vec<u8>,
    pub(crate) content_type: &'static str,
    pub(crate) last_modified: Option<NaiveDateTime>,
    pub(crate) link: Option<String>,
}

impl Rendered {
    pub(crate) fn json<T: Serialize>(
        value: &T,
        last_modified: Option<NaiveDateTime>,
    ) -> Result<Self, Error> {
        Ok(Self {
            body: serde_json::to_vec(value).map_err(|e| Error::Internal(e.to_string()))?,
            content_type: "application/json",
            last_modified,
            link: None,
        })
    }
}

/// A JSON public answer through the cache: ETag (and 304), Cache-Control, Last-Modified when
/// `render` knows when its data last changed. For the organisation endpoints (sites, sections,
/// agencies), whose changes are audited like content's, so the change clock covers them too.
pub(crate) async fn cached_json<T: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    variant: &str,
    render: impl std::future::Future<Output = Result<(T, Option<NaiveDateTime>), ApiError>>,
) -> Result<HttpResponse, ApiError> {
    cached(state, req, variant, async move {
        let (value, modified) = render.await?;
        Ok(Rendered::json(&value, modified)?)
    })
    .await
}

/// This replica's reading of the change clock (see `crate::cache`).
#[inline]
async fn change_clock(state: &AppState) -> Result<i64, ApiError> {
    match state.public_cache.reading() {
        Reading::Known(version) => Ok(version),
        Reading::Check { generation } => {
            let read = state.db(portal_audit::head_seq).await;
            state
                .public_cache
                .record(generation, read.as_ref().ok().copied());
            read
        }
    }
}

/// Serves the request from the public cache, or renders it with `render` and keeps the answer.
/// `variant` names what else the answer depends on besides the path and query (the language an
/// `Accept-Language` header chose). Errors are never cached.
pub(crate) async fn cached(
    state: &AppState,
    req: &HttpRequest,
    variant: &str,
    render: impl std::future::Future<Output = Result<Rendered, ApiError>>,
) -> Result<HttpResponse, ApiError> {
    let cache = &state.public_cache;
    let version = if cache.enabled() {
        change_clock(state).await?
    } else {
        0
    };
    let key = format!(
        "{}#{variant}",
        req.uri().path_and_query().map_or("", |p| p.as_str())
    );
    // Held until the answer is kept, so requests waiting for it find it.
    let mut _rendering = None;
    if cache.enabled() {
        if let Some(entry) = cache.get(&key, version) {
            state.metrics.public_cache_hits.inc();
            return Ok(respond(req, cache, &entry));
        }
        match cache.take_turn(&key) {
            Turn::Render(guard) => _rendering = Some(guard),
            // Waits once: if that render failed or was of another version, render here.
            Turn::Wait(notify) => {
                cache.wait_for(&key, notify).await;
                if let Some(entry) = cache.get(&key, version) {
                    state.metrics.public_cache_hits.inc();
                    return Ok(respond(req, cache, &entry));
                }
            }
        }
        state.metrics.public_cache_misses.inc();
    }
    let rendered = render.await?;
    let entry = Arc::new(CachedResponse::new(
        rendered.body,
        rendered.content_type,
        rendered.last_modified,
        rendered.link,
        version,
        cache.enabled(),
    ));
    if cache.enabled() {
        cache.put(key, entry.clone());
    }
    Ok(respond(req, cache, &entry))
}
