//! API keys for sub-sites and integrators (`apikeys:manage`).

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use portal_auth::admin::accounts as front;
use portal_auth::apikeys::{ApiKey, NewApiKey};
use portal_core::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::paging::PageQuery;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyDto {
    pub id: i64,
    pub name: String,
    /// The public part of the key (`pk_<prefix>_…`), to tell keys apart in logs.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Precise to about a minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyDto {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scopes: k.scopes.split_whitespace().map(str::to_string).collect(),
            created_at: k.created_at.and_utc(),
            expires_at: k.expires_at.map(|t| t.and_utc()),
            revoked_at: k.revoked_at.map(|t| t.and_utc()),
            last_used_at: k.last_used_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    pub key: ApiKeyDto,
    /// The whole key, shown this once only: send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    #[schema(example = "Hội An sub-site mirror", max_length = 200)]
    pub name: String,
    /// `content:read:site:<key>` and/or `webhooks:manage`.
    #[schema(example = json!(["content:read:site:quang-nam"]))]
    pub scopes: Vec<String>,
    /// When the key stops working; never when absent.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates an API key for a sub-site or integrator; the secret is returned once.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Created", body = ApiKeyCreated),
        (status = 403, description = "Needs `apikeys:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule or a scope is not allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = caller.acting();
    let new = NewApiKey {
        name: body.name,
        scopes: body.scopes,
        expires_at: body.expires_at.map(|t| t.naive_utc()),
    };
    let (key, secret) = state
        .db(move |conn| front::create_api_key(conn, &who, &new))
        .await?;
    Ok(HttpResponse::Created().json(ApiKeyCreated {
        key: key.into(),
        secret,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyPage {
    pub items: Vec<ApiKeyDto>,
    pub next_cursor: Option<String>,
}

/// Lists API keys (never their secrets).
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of keys", body = ApiKeyPage),
        (status = 403, description = "Needs `apikeys:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<ApiKeyPage>, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let principal = caller.principal;
    let page = state
        .db(move |conn| front::list_api_keys(conn, &principal, &page))
        .await?;
    Ok(web::Json(ApiKeyPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Revokes an API key at once.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "API key id")),
    responses(
        (status = 200, description = "Revoked", body = ApiKeyDto),
        (status = 403, description = "Needs `apikeys:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/api-keys/{id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<ApiKeyDto>, ApiError> {
    let id = path.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| front::revoke_api_key(conn, &who, id))
            .await?
            .into(),
    ))
}
