//! Review comments on an item, by its author and the board.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::PageRequest;
use portal_moderation::comments::Comment;
use portal_moderation::{commands as editorial, views};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::paging::PageQuery;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentDto {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id,
            parent_id: c.parent_id,
            author_user_id: c.author_user_id,
            body: c.body,
            resolved_at: c.resolved_at.map(|t| t.and_utc()),
            resolved_by: c.resolved_by,
            created_at: c.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPage {
    pub items: Vec<CommentDto>,
    pub next_cursor: Option<String>,
}

/// Lists the review comments on an item, oldest first (replies name their `parent_id`).
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), PageQuery),
    responses(
        (status = 200, description = "One page of comments", body = CommentPage),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/content/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<CommentPage>, ApiError> {
    let id = path.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.principal;
    let page = state
        .db(move |conn| views::comments(conn, &who, id, &page))
        .await?;
    Ok(web::Json(CommentPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentRequest {
    #[schema(max_length = 5000)]
    pub body: String,
    /// The comment this one answers.
    pub parent_id: Option<i64>,
}

/// Comments on an item (its author and the board).
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewCommentRequest,
    responses(
        (status = 201, description = "The comment", body = CommentDto),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long, or the parent is not on this item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/content/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<NewCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    let comment = state
        .db(move |conn| editorial::comment(conn, &who, id, body.parent_id, &body.body))
        .await?;
    Ok(HttpResponse::Created().json(CommentDto::from(comment)))
}

/// Marks a review comment resolved.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), ("comment" = i64, Path, description = "Comment id")),
    responses(
        (status = 200, description = "Resolved", body = CommentDto),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or comment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/content/{id}/comments/{comment}/resolve")]
pub async fn resolve_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<CommentDto>, ApiError> {
    let (id, comment) = path.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| editorial::resolve_comment(conn, &who, id, comment))
            .await?
            .into(),
    ))
}
