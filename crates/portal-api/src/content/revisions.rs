//! An item's revisions: list, show, compare, restore (history is never rewritten).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_content::revisions::Revision;
use portal_content::views::{self};
use portal_core::PageRequest;
use portal_moderation::commands as editorial;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::dto::{expected_version, respond, ContentItemDto};
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDto {
    pub version: i64,
    pub note: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The item as it was saved (single-revision responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<serde_json::Value>,
}

fn revision_dto(r: Revision, with_snapshot: bool) -> RevisionDto {
    RevisionDto {
        snapshot: with_snapshot.then(|| r.snapshot_json()),
        version: r.version,
        note: r.note,
        created_by: r.created_by,
        created_at: r.created_at.and_utc(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionPage {
    pub items: Vec<RevisionDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RevisionsQuery {
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Lists an item's revisions, newest first.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), RevisionsQuery),
    responses(
        (status = 200, description = "One page of revisions", body = RevisionPage),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/revisions")]
pub async fn list_revisions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<RevisionsQuery>,
) -> Result<web::Json<RevisionPage>, ApiError> {
    let id = path.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.principal;
    let page = state
        .db(move |conn| views::revisions(conn, &who, id, &page))
        .await?;
    Ok(web::Json(RevisionPage {
        items: page
            .items
            .into_iter()
            .map(|r| revision_dto(r, false))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Shows one revision with its full snapshot.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), ("version" = i64, Path, description = "Revision version")),
    responses(
        (status = 200, description = "The revision", body = RevisionDto),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or revision", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/revisions/{version}")]
pub async fn get_revision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<RevisionDto>, ApiError> {
    let (id, version) = path.into_inner();
    let who = caller.principal;
    let revision = state
        .db(move |conn| views::revision(conn, &who, id, version))
        .await?;
    Ok(web::Json(revision_dto(revision, true)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older version.
    pub from: i64,
    /// The newer version.
    pub to: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeDto {
    #[schema(example = "title")]
    pub field: String,
    pub from: serde_json::Value,
    pub to: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffDto {
    pub from: i64,
    pub to: i64,
    /// The fields that differ, in a fixed order.
    pub changes: Vec<FieldChangeDto>,
}

/// Compares two revisions field by field.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), DiffQuery),
    responses(
        (status = 200, description = "What changed", body = DiffDto),
        (status = 400, description = "from or to is missing or not a number", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or revision", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}/diff")]
pub async fn diff_revisions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<DiffQuery>,
) -> Result<web::Json<DiffDto>, ApiError> {
    let id = path.into_inner();
    let DiffQuery { from, to } = query.into_inner();
    let who = caller.principal;
    let changes = state
        .db(move |conn| views::diff(conn, &who, id, from, to))
        .await?;
    Ok(web::Json(DiffDto {
        from,
        to,
        changes: changes
            .into_iter()
            .map(|c| FieldChangeDto {
                field: c.field,
                from: c.from,
                to: c.to,
            })
            .collect(),
    }))
}

/// Makes an old revision current again, as a new revision (history is never rewritten).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Item id"),
        ("version" = i64, Path, description = "The revision to restore"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the current version (optional)"),
    ),
    responses(
        (status = 200, description = "Restored as a new version", body = ContentItemDto),
        (status = 403, description = "Needs `content:write:section:<id>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or revision", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The revision no longer passes today's rules (e.g. its slug is taken)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/revisions/{version}/restore")]
pub async fn restore_revision(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let expected = expected_version(&req, None)?;
    let who = caller.acting();
    let result = state
        .db(move |conn| editorial::restore_revision(conn, &who, id, version, expected))
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, result))
}
