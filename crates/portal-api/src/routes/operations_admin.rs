//! API keys (`apikeys:manage`), the audit log (`audit:read`) and security settings
//! (`accounts:manage`).

use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use portal_audit::{AuditEntry, AuditFilter};
use portal_auth::apikeys::{self, ApiKey, NewApiKey};
use portal_auth::settings;
use portal_auth::{AuditReach, Scope};
use portal_core::{Error, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::problem::{ApiError, Problem};
use crate::routes::PageQuery;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `apikeys:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule or a scope is not allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::body::Json<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::ApiKeysManage)?;
    let body = body.into_inner();
    if body.scopes.len() > 50 {
        return Err(Error::field("scopes", "too_many", "at most 50 scopes").into());
    }
    let actor = caller.actor();
    let new = NewApiKey {
        name: body.name,
        scopes: body.scopes,
        expires_at: body.expires_at.map(|t| t.naive_utc()),
    };
    let (key, secret) = state
        .db(move |conn| apikeys::create(conn, &actor, &new))
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
        (status = 400, description = "A query parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `apikeys:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<ApiKeyPage>, ApiError> {
    caller.require(Scope::ApiKeysManage)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let page = state.db(move |conn| apikeys::list(conn, &page)).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
    caller.require(Scope::ApiKeysManage)?;
    let id = path.into_inner();
    let actor = caller.actor();
    Ok(web::Json(
        state
            .db(move |conn| apikeys::revoke(conn, &actor, id))
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    /// Position in the chain, from 1.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Username, `api-key:<prefix>`, `anonymous` or `system:<job>`.
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub agency: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    #[schema(example = "section.transfer")]
    pub action: String,
    #[schema(example = "section:12")]
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// SHA-256 over this entry and the previous entry's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Self {
            seq: e.seq,
            at: e.at.and_utc(),
            actor: e.actor,
            actor_user_id: e.actor_user_id,
            agency: e.agency,
            client_ip: e.client_ip,
            user_agent: e.user_agent,
            action: e.action,
            target: e.target,
            before: parse(e.before_json),
            after: parse(e.after_json),
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Username (or `api-key:<prefix>`, `anonymous`, `system:<job>`).
    pub actor: Option<String>,
    /// An action (`login.failure`) or a family of them (`login`).
    pub action: Option<String>,
    /// e.g. `user:3`, `section:12`, `agency:so-tp`.
    pub target: Option<String>,
    /// From this time (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Until this time (exclusive), RFC 3339.
    pub to: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Reads the audit log, newest first: all of it for operators (`audit:read`), the events of
/// their own sites' content, sections and settings for chief editors (`audit:read:site:<key>`).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of events", body = AuditPage),
        (status = 400, description = "A query parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `audit:read` (the province-wide log) or `audit:read:site:<key>` (one site's events, without addresses)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditPage>, ApiError> {
    // The province-wide log to operators; a chief editor reads their own sites' events only,
    // without the addresses and browsers of the people behind them.
    let reach = caller.principal.audit_reach()?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let naive = |t: Option<DateTime<Utc>>| -> Option<NaiveDateTime> { t.map(|t| t.naive_utc()) };
    let province_wide = reach == AuditReach::Province;
    let sites = match reach {
        AuditReach::Province => None,
        AuditReach::Sites(site_keys) => Some(
            state
                .db(move |conn| portal_sections::sites::ids_of(conn, &site_keys))
                .await?,
        ),
    };
    let filter = AuditFilter {
        sites,
        actor: q.actor,
        action: q.action,
        target: q.target,
        from: naive(q.from),
        to: naive(q.to),
    };
    let page = state
        .db(move |conn| portal_audit::list(conn, &filter, &page))
        .await?;
    Ok(web::Json(AuditPage {
        items: page
            .items
            .into_iter()
            .map(|e| {
                let mut dto = AuditEntryDto::from(e);
                if !province_wide {
                    dto.client_ip = None;
                    dto.user_agent = None;
                }
                dto
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// Chief editors and operators must enrol a second factor before they can do anything else.
    pub require_totp_for_privileged: bool,
}

/// Shows the security settings.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = SecuritySettings),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/security-settings")]
pub async fn get_security_settings(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<SecuritySettings>, ApiError> {
    caller.require(Scope::AccountsManage)?;
    let default = state.auth.config.require_totp_for_privileged_by_default;
    let require = state
        .db(move |conn| settings::require_totp_for_privileged(conn, default))
        .await?;
    Ok(web::Json(SecuritySettings {
        require_totp_for_privileged: require,
    }))
}

/// Changes the security settings.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = SecuritySettings,
    responses(
        (status = 200, description = "The new settings", body = SecuritySettings),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/security-settings")]
pub async fn put_security_settings(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::body::Json<SecuritySettings>,
) -> Result<web::Json<SecuritySettings>, ApiError> {
    caller.require(Scope::AccountsManage)?;
    let value = body.into_inner().require_totp_for_privileged;
    let actor = caller.actor();
    let default = state.auth.config.require_totp_for_privileged_by_default;
    state
        .db(move |conn| {
            portal_db::write_transaction(conn, |conn| {
                let before = settings::require_totp_for_privileged(conn, default)?;
                settings::set_flag(conn, settings::REQUIRE_TOTP_FOR_PRIVILEGED, value)?;
                portal_audit::append(
                    conn,
                    &actor,
                    "settings.update",
                    Some("settings:security"),
                    Some(&serde_json::json!({"require_totp_for_privileged": before})),
                    Some(&serde_json::json!({"require_totp_for_privileged": value})),
                )?;
                Ok::<_, Error>(())
            })
        })
        .await?;
    Ok(web::Json(SecuritySettings {
        require_totp_for_privileged: value,
    }))
}
