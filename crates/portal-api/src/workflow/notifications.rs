//! The caller's in-app notifications.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::{Error, PageRequest};
use portal_moderation::notifications::{self, Notification};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    /// submitted, forwarded, returned, published, unpublished.
    pub kind: String,
    pub item_id: Option<i64>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            item_id: n.item_id,
            message: n.message,
            created_at: n.created_at.and_utc(),
            read_at: n.read_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn own_id(caller: &Caller) -> Result<i64, ApiError> {
    caller.principal.user_id().ok_or_else(|| {
        Error::Forbidden("notifications belong to user accounts, not API keys".into()).into()
    })
}

/// The caller's notifications, newest first.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(NotificationQuery),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<NotificationQuery>,
) -> Result<web::Json<NotificationPage>, ApiError> {
    let user = own_id(&caller)?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let unread = q.unread.unwrap_or(false);
    let page = state
        .db(move |conn| notifications::list(conn, user, unread, &page))
        .await?;
    Ok(web::Json(NotificationPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notification of the caller's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let user = own_id(&caller)?;
    let id = path.into_inner();
    state
        .db(move |conn| notifications::mark_read(conn, user, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks all the caller's notifications read.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Marked read"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/notifications/read-all")]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let user = own_id(&caller)?;
    state
        .db(move |conn| notifications::mark_all_read(conn, user))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
