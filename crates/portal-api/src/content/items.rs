//! Authoring endpoints: agencies and editors write items in the sections their scopes allow
//! (`content:write:section:<id>`, or site-wide for editors and chief editors).

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_content::commands::{self, NewTranslation};
use portal_content::items::{Filter, NewItem, Patch};
use portal_content::model::KindFields;
use portal_content::validate::Draft;
use portal_content::views::{self};
use portal_content::{Kind, Status};
use portal_core::{Error, PageRequest};
use portal_moderation::commands as editorial;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::dto::{
    expected_version, list_dtos, parse_kind, respond, ContentItemDto, KindFieldsDto,
};
use crate::http::caller::Caller;
use crate::http::paging::double_option;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContentRequest {
    /// The section to post into; its site is the item's site.
    pub section_id: i64,
    #[schema(value_type = crate::enums::ContentKind, example = "news")]
    pub kind: String,
    /// One of the site's languages; default `vi`.
    #[schema(value_type = Option<crate::enums::LanguageCode>, example = "vi")]
    pub language: Option<String>,
    #[schema(example = "Đà Nẵng đón khách", max_length = 300)]
    pub title: String,
    /// Made from the title when absent.
    pub slug: Option<String>,
    #[schema(max_length = 1000)]
    pub summary: Option<String>,
    /// HTML, sanitised on save; at most 1,000,000 characters.
    pub body: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    #[serde(default)]
    #[schema(value_type = KindFieldsDto)]
    pub fields: KindFields,
    /// The key of a content type (`GET /api/v1/types`): the item is of that type, at its
    /// current version, and `data` holds the type's fields.
    #[serde(rename = "type")]
    #[schema(example = "van-ban")]
    pub content_type: Option<String>,
    /// The typed fields, by name, checked against the type (each error names `data.<field>`).
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// A note kept with the first revision.
    pub note: Option<String>,
    /// Fields (`title`, `summary`, `fields.caption`, …) whose legacy-encoding finding (TCVN3/VNI,
    /// Điều 6.6) you override because the text is right — a foreign name, a quotation. Kept in
    /// the audit log with the change.
    #[serde(default)]
    pub legacy_override: Vec<String>,
}

fn new_item(section_id: i64, kind: Kind, language: String, r: CreateContentRequest) -> NewItem {
    let data = r
        .data
        .or_else(|| r.content_type.as_ref().map(|_| serde_json::json!({})));
    NewItem {
        section_id,
        kind,
        content_type: r.content_type,
        language,
        draft: Draft {
            title: r.title,
            slug: r.slug,
            summary: r.summary,
            body: r.body.unwrap_or_default(),
            author: r.author,
            source: r.source,
            tags: r.tags,
            featured_image_url: r.featured_image_url,
            fields: r.fields,
            data,
            legacy_override: r.legacy_override,
        },
        note: r.note,
    }
}

/// Creates a draft in a section the caller may write to.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    request_body = CreateContentRequest,
    responses(
        (status = 201, description = "Created; `ETag` carries the version", body = ContentItemDto),
        (status = 403, description = "Needs `content:write:section:<id>` (or the site-wide scope)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (each named: required, too_long, legacy_encoding, control_character, invalid_url, not_for_kind, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_content(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<CreateContentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let kind = parse_kind(&body.kind)?;
    let section_id = body.section_id;
    let language = body.language.clone().unwrap_or_else(|| "vi".into());
    let who = caller.acting();
    let new = new_item(section_id, kind, language, body);
    let result = state
        .db(move |conn| commands::create(conn, &who, &new))
        .await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, result))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListContentQuery {
    /// Site key.
    pub site: Option<String>,
    pub section_id: Option<i64>,
    #[param(value_type = Option<crate::enums::ContentKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub language: Option<String>,
    #[param(value_type = Option<crate::enums::ContentStatus>)]
    pub status: Option<String>,
    /// Part of the byline.
    pub author: Option<String>,
    /// Id of the user who created the item.
    pub created_by: Option<i64>,
    /// Part of the title or summary.
    pub q: Option<String>,
    /// Updated at or after (RFC 3339).
    pub updated_from: Option<DateTime<Utc>>,
    /// Updated before (RFC 3339).
    pub updated_to: Option<DateTime<Utc>>,
    /// `true` lists deleted items instead (for restoring them).
    pub deleted: Option<bool>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContentPage {
    pub items: Vec<ContentItemDto>,
    pub next_cursor: Option<String>,
}

/// Lists items in the sections the caller may write to or review, most recently updated first.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(ListContentQuery),
    responses(
        (status = 200, description = "One page of items", body = ContentPage),
        (status = 403, description = "The credentials carry no content scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_content(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListContentQuery>,
) -> Result<web::Json<ContentPage>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let filter = Filter {
        site: q.site,
        section_id: q.section_id,
        kind: q
            .kind
            .as_deref()
            .map(|k| {
                Kind::parse(k)
                    .ok_or_else(|| Error::invalid_parameter("kind", format!("unknown kind '{k}'")))
            })
            .transpose()?,
        language: q
            .language
            .map(|l| {
                l.parse::<portal_core::Lang>()
                    .map(|lang| lang.code().to_string())
                    .map_err(|_| {
                        Error::invalid_parameter("language", format!("'{l}' is not vi or en"))
                    })
            })
            .transpose()?,
        status: q
            .status
            .as_deref()
            .map(|s| {
                Status::parse(s).ok_or_else(|| {
                    Error::invalid_parameter("status", format!("unknown status '{s}'"))
                })
            })
            .transpose()?,
        author: q.author,
        created_by: q.created_by,
        q: q.q,
        updated_from: q.updated_from.map(|t| t.naive_utc()),
        updated_to: q.updated_to.map(|t| t.naive_utc()),
        deleted: q.deleted.unwrap_or(false),
    };
    let who = caller.principal;
    let page = state
        .db(move |conn| views::list(conn, &who, &filter, &page))
        .await?;
    Ok(web::Json(ContentPage {
        items: list_dtos(page.items),
        next_cursor: page.next_cursor,
    }))
}

/// Shows an item with its translations; `ETag` carries the version.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = ContentItemDto),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item (or it was deleted)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let who = caller.principal;
    let result = state.db(move |conn| views::show(conn, &who, id)).await?;
    Ok(respond(actix_web::http::StatusCode::OK, result))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContentRequest {
    /// The version this change is based on, when `If-Match` is not sent.
    pub version: Option<i64>,
    #[schema(max_length = 300)]
    pub title: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub summary: Option<Option<String>>,
    pub body: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub author: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub featured_image_url: Option<Option<String>>,
    /// Replaces the kind's fields as a whole.
    #[schema(value_type = Option<KindFieldsDto>)]
    pub fields: Option<KindFields>,
    /// Replaces the typed fields of an item of a content type as a whole, checked against the
    /// item's type version.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// A note kept with the new revision.
    pub note: Option<String>,
    /// Fields (`title`, `summary`, `fields.caption`, …) whose legacy-encoding finding (TCVN3/VNI,
    /// Điều 6.6) you override because the text is right — a foreign name, a quotation. Kept in
    /// the audit log with the change.
    #[serde(default)]
    pub legacy_override: Vec<String>,
}

/// Saves changes, if no one saved since the version sent (`If-Match` or `version`); else 412.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Item id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version the change is based on"),
    ),
    request_body = UpdateContentRequest,
    responses(
        (status = 200, description = "Saved as a new version; `ETag` carries it", body = ContentItemDto),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `content:write:section:<id>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone saved in between; `current_version` says which version is current", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Neither If-Match nor version was sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_content(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<UpdateContentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let expected = expected_version(&req, body.version)?;
    let patch = Patch {
        title: body.title,
        slug: body.slug,
        summary: body.summary,
        body: body.body,
        author: body.author,
        source: body.source,
        tags: body.tags,
        featured_image_url: body.featured_image_url,
        fields: body.fields,
        data: body.data,
        legacy_override: body.legacy_override,
    };
    let note = body.note;
    let who = caller.acting();
    let result = state
        .db(move |conn| editorial::edit(conn, &who, id, expected, &patch, note.as_deref()))
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, result))
}

/// Deletes a draft (kept and restorable by the chief editor).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Needs `content:write:section:<id>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Only drafts can be deleted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn delete_content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let who = caller.acting();
    state
        .db(move |conn| commands::delete(conn, &who, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a deleted item (the site's chief editor).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "Restored", body = ContentItemDto),
        (status = 403, description = "Needs `content:publish:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/undelete")]
pub async fn undelete_content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let who = caller.acting();
    let result = state
        .db(move |conn| commands::undelete(conn, &who, id))
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, result))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveContentRequest {
    /// A section of the same site the caller may write to.
    pub section_id: i64,
    /// The version the move is based on (or send If-Match).
    pub version: Option<i64>,
}

/// Moves an item to another section of its site that the caller may write to.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    request_body = MoveContentRequest,
    responses(
        (status = 200, description = "Moved", body = ContentItemDto),
        (status = 403, description = "Needs write scopes on both sections", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone saved in between", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown section, or one of another site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/move")]
pub async fn move_content(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<MoveContentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let expected = expected_version(&req, body.version)?;
    let who = caller.acting();
    let result = state
        .db(move |conn| editorial::move_to(conn, &who, id, body.section_id, expected))
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, result))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslateRequest {
    /// The translation's language, enabled on the site, not yet in the group.
    #[schema(value_type = crate::enums::LanguageCode, example = "en")]
    pub language: String,
    /// Default: the original's section.
    pub section_id: Option<i64>,
    pub title: String,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    /// Default: the original's fields (document numbers and dates do not change with language).
    #[schema(value_type = Option<KindFieldsDto>)]
    pub fields: Option<KindFields>,
    /// The typed fields of a translation of a typed item; default: the original's.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    pub note: Option<String>,
}

/// Creates the translation of an item in another of the site's languages (Điều 4.3).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the item to translate")),
    request_body = TranslateRequest,
    responses(
        (status = 201, description = "The translation", body = ContentItemDto),
        (status = 403, description = "Needs `content:write:section:<id>` on the translation's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item already has a translation in that language", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, or the language is not enabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/translations")]
pub async fn translate_content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<TranslateRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let translation = NewTranslation {
        section_id: body.section_id,
        language: body.language,
        fields_from_original: body.fields.is_none(),
        draft: Draft {
            title: body.title,
            slug: body.slug,
            summary: body.summary,
            body: body.body.unwrap_or_default(),
            author: body.author,
            source: body.source,
            tags: body.tags,
            featured_image_url: body.featured_image_url,
            fields: body.fields.unwrap_or_default(),
            data: body.data,
            legacy_override: Vec::new(),
        },
        note: body.note,
    };
    let who = caller.acting();
    let result = state
        .db(move |conn| commands::translate(conn, &who, id, translation))
        .await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, result))
}
