//! Webhooks to sub-sites and integrators (`webhooks:manage`): endpoints, deliveries, redelivery
//! and a test event, signed with HMAC-SHA256 (docs/api-guide.md).

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(disable_webhook)
        .service(enable_webhook)
        .service(list_deliveries)
        .service(redeliver)
        .service(test_webhook);
}

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::PageRequest;
use portal_moderation::webhooks::{admin, Endpoint, NewEndpoint};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::paging::PageQuery;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDto {
    pub id: i64,
    pub url: String,
    #[schema(value_type = Vec<crate::enums::WebhookEvent>)]
    pub events: Vec<String>,
    /// Only events of this site; null for all.
    pub site_id: Option<i64>,
    pub active: bool,
    pub consecutive_failures: i32,
    /// Why the endpoint was disabled (e.g. after failing again and again).
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookDto {
    fn from(e: Endpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            events: e.events.split_whitespace().map(str::to_string).collect(),
            site_id: e.site_id,
            active: e.active,
            consecutive_failures: e.consecutive_failures,
            disabled_reason: e.disabled_reason,
            created_by: e.created_by,
            created_at: e.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    #[schema(example = "https://hoian.gov.vn/hooks/portal")]
    pub url: String,
    /// content.published, content.updated, content.unpublished, content.archived.
    #[schema(value_type = Vec<crate::enums::WebhookEvent>)]
    pub events: Vec<String>,
    /// Only this site's events.
    pub site: Option<String>,
    /// Shared secret for the `Portal-Signature` HMAC, 16–200 characters.
    pub secret: String,
}

/// Registers a webhook endpoint (operators, or API keys with `webhooks:manage`).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Registered", body = WebhookDto),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an http(s) URL, a private address, an unknown event or site, or a short secret", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = caller.acting();
    let allow_private = state.webhooks.allow_private;
    let endpoint = state
        .db(move |conn| {
            admin::register(
                conn,
                &who,
                &NewEndpoint {
                    url: body.url,
                    events: body.events,
                    site: body.site,
                    secret: body.secret,
                },
                allow_private,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(WebhookDto::from(endpoint)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookDto>,
    pub next_cursor: Option<String>,
}

/// Lists webhook endpoints (never their secrets).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of endpoints", body = WebhookPage),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.principal;
    let page = state.db(move |conn| admin::list(conn, &who, &page)).await?;
    Ok(web::Json(WebhookPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn set_active(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    active: bool,
) -> Result<web::Json<WebhookDto>, ApiError> {
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| admin::switch(conn, &who, id, active))
            .await?
            .into(),
    ))
}

/// Turns an endpoint off.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "Disabled", body = WebhookDto),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/disable")]
pub async fn disable_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<WebhookDto>, ApiError> {
    set_active(state, caller, path.into_inner(), false).await
}

/// Turns an endpoint (back) on, clearing its failure count.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "Enabled", body = WebhookDto),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/enable")]
pub async fn enable_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<WebhookDto>, ApiError> {
    set_active(state, caller, path.into_inner(), true).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptDto {
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: i64,
    pub event_id: i64,
    pub event_type: String,
    /// pending, delivered or abandoned.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub attempt_log: Vec<AttemptDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryDto>,
    pub next_cursor: Option<String>,
}

/// Lists an endpoint's deliveries, newest first, with every attempt.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id"), PageQuery),
    responses(
        (status = 200, description = "One page of deliveries", body = DeliveryPage),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<DeliveryPage>, ApiError> {
    let id = path.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.principal;
    let page = state
        .db(move |conn| admin::delivery_log(conn, &who, id, &page))
        .await?;
    Ok(web::Json(DeliveryPage {
        items: page
            .items
            .into_iter()
            .map(|(d, event_type, attempts)| DeliveryDto {
                id: d.id,
                event_id: d.event_id,
                event_type,
                status: d.status.as_str().into(),
                attempts: d.attempts,
                next_attempt_at: d.next_attempt_at.and_utc(),
                last_status_code: d.last_status_code,
                last_error: d.last_error,
                delivered_at: d.delivered_at.map(|t| t.and_utc()),
                created_at: d.created_at.and_utc(),
                attempt_log: attempts
                    .into_iter()
                    .map(|a| AttemptDto {
                        at: a.attempted_at.and_utc(),
                        status_code: a.status_code,
                        latency_ms: a.latency_ms,
                        error: a.error,
                    })
                    .collect(),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedDelivery {
    /// The new delivery, sent by the worker within seconds.
    pub delivery_id: i64,
}

/// Sends a delivery's event again, as a new delivery.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id"), ("delivery" = i64, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued", body = QueuedDelivery),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery of this endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/deliveries/{delivery}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let who = caller.acting();
    let delivery_id = state
        .db(move |conn| admin::deliver_again(conn, &who, id, delivery))
        .await?;
    Ok(HttpResponse::Accepted().json(QueuedDelivery { delivery_id }))
}

/// Sends a `webhook.test` event to the endpoint.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 202, description = "Queued", body = QueuedDelivery),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/test")]
pub async fn test_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let who = caller.acting();
    let delivery_id = state.db(move |conn| admin::test(conn, &who, id)).await?;
    Ok(HttpResponse::Accepted().json(QueuedDelivery { delivery_id }))
}
