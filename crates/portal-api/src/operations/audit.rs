//! The audit log (Điều 21): province-wide for operators, a site's own for its chief editor.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use portal_audit::AuditEntry;
use portal_auth::admin::audit;
use portal_core::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

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
        (status = 403, description = "Needs `audit:read` (the province-wide log) or `audit:read:site:<key>` (one site's events, without addresses)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditPage>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let wanted = audit::AuditQuery {
        actor: q.actor,
        action: q.action,
        target: q.target,
        from: q.from.map(|t| t.naive_utc()),
        to: q.to.map(|t| t.naive_utc()),
    };
    let principal = caller.principal;
    let page = state
        .db(move |conn| audit::list(conn, &principal, wanted, &page))
        .await?;
    Ok(web::Json(AuditPage {
        items: page.items.into_iter().map(AuditEntryDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}
