//! Authoring endpoints: agencies and editors write items in the sections their scopes allow
//! (`content:write:section:<id>`, or site-wide for editors and chief editors).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use portal_content::commands::{self, NewTranslation};
use portal_content::items::{Filter, NewItem, Patch};
use portal_content::model::KindFields;
use portal_content::revisions::Revision;
use portal_content::validate::Draft;
use portal_content::views::{self, ItemView, ListedItem};
use portal_content::{ContentItem, Kind, Status};
use portal_core::{Error, PageRequest};
use portal_moderation::commands as editorial;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::problem::{ApiError, Problem};
use crate::routes::double_option;
use crate::state::AppState;

/// Bodies of up to a million characters of Vietnamese (three bytes each in UTF-8), with room for
/// JSON escapes.
pub const CONTENT_JSON_LIMIT: usize = 5 * 1024 * 1024;

/// The fields of an item's kind. Which are required depends on the kind; fields of another kind
/// are refused (docs/content-model.md).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindFieldsDto {
    /// document (required): number and symbol, e.g. "3069/QĐ-UBND".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "3069/QĐ-UBND")]
    pub number: Option<String>,
    /// document (required): Quyết định, Chỉ thị, Nghị quyết, Kế hoạch, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// document (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_body: Option<String>,
    /// document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// document (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_date: Option<NaiveDate>,
    /// document: not before `issued_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<NaiveDate>,
    /// document: URLs of the downloadable files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<String>>,
    /// photo, video, audio, infographic (required): the media URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_urls: Option<Vec<String>>,
    /// photo, video, audio, infographic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// photo, video, audio, infographic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// photo and infographic (required): text alternative for accessibility.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// link (required): the page on a sub-site or another official site (Điều 8.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
}

impl From<KindFieldsDto> for KindFields {
    fn from(d: KindFieldsDto) -> Self {
        KindFields {
            number: d.number,
            document_type: d.document_type,
            issuing_body: d.issuing_body,
            signer: d.signer,
            issued_date: d.issued_date,
            effective_date: d.effective_date,
            attachments: d.attachments,
            media_urls: d.media_urls,
            caption: d.caption,
            credit: d.credit,
            alt_text: d.alt_text,
            target_url: d.target_url,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslationRef {
    #[schema(value_type = crate::enums::LanguageCode, example = "en")]
    pub language: String,
    pub id: i64,
    pub slug: String,
}

/// An item as its authors see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentItemDto {
    pub id: i64,
    /// Key of the site.
    pub site: String,
    pub section_id: i64,
    /// news, article, document, photo, video, audio, infographic, link or page.
    #[schema(value_type = crate::enums::ContentKind)]
    pub kind: String,
    #[schema(value_type = crate::enums::LanguageCode, example = "vi")]
    pub language: String,
    /// Items that translate each other share it.
    pub translation_group: String,
    /// The original this item translates, if it is a translation.
    pub translation_of: Option<i64>,
    pub title: String,
    #[schema(example = "da-nang-don-khach")]
    pub slug: String,
    pub summary: Option<String>,
    /// Sanitised HTML.
    pub body: String,
    /// Required before submission (Điều 6.3).
    pub author: Option<String>,
    /// Required before submission (Điều 6.3).
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    pub fields: KindFieldsDto,
    /// draft, submitted, in_review, awaiting_approval, published, returned, unpublished, archived.
    #[schema(value_type = crate::enums::ContentStatus)]
    pub status: String,
    /// Increases with every save; send it back as `If-Match` (or `version`) to update.
    pub version: i64,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The version readers see, if the item is live; edits after publication wait for approval
    /// while it stays live.
    pub published_revision: Option<i64>,
    pub first_published_at: Option<DateTime<Utc>>,
    /// The editor reviewing it (in_review).
    pub claimed_by: Option<i64>,
    /// Set when approved for a later `publish_at`.
    pub approved_by: Option<i64>,
    pub publish_at: Option<DateTime<Utc>>,
    pub unpublish_at: Option<DateTime<Utc>>,
    /// Other languages of this item (single-item responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translations: Option<Vec<TranslationRef>>,
}

pub(crate) fn dto(
    item: ContentItem,
    site: String,
    translations: Option<Vec<TranslationRef>>,
) -> ContentItemDto {
    let fields: KindFieldsDto = serde_json::from_str(&item.fields).unwrap_or_default();
    ContentItemDto {
        tags: item.tag_list(),
        id: item.id,
        site,
        section_id: item.section_id,
        kind: item.kind,
        language: item.language,
        translation_group: item.translation_group,
        translation_of: item.translation_of,
        title: item.title,
        slug: item.slug,
        summary: item.summary,
        body: item.body,
        author: item.author,
        source: item.source,
        featured_image_url: item.featured_image_url,
        fields,
        status: item.status,
        version: item.version,
        created_by: item.created_by,
        updated_by: item.updated_by,
        created_at: item.created_at.and_utc(),
        updated_at: item.updated_at.and_utc(),
        deleted_at: item.deleted_at.map(|t| t.and_utc()),
        published_revision: item.published_revision,
        first_published_at: item.first_published_at.map(|t| t.and_utc()),
        claimed_by: item.claimed_by,
        approved_by: item.approved_by,
        publish_at: item.publish_at.map(|t| t.and_utc()),
        unpublish_at: item.unpublish_at.map(|t| t.and_utc()),
        translations,
    }
}

/// The item, its site key and translations, as one response with its `ETag`.
pub(crate) fn respond(status: actix_web::http::StatusCode, view: ItemView) -> HttpResponse {
    let ItemView {
        item,
        site,
        translations,
    } = view;
    let version = item.version;
    let refs = translations
        .into_iter()
        .map(|t| TranslationRef {
            language: t.language,
            id: t.id,
            slug: t.slug,
        })
        .collect();
    let mut res = HttpResponse::build(status).json(dto(item, site, Some(refs)));
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, value);
    }
    res
}

/// List entries as DTOs.
pub(crate) fn list_dtos(listed: Vec<ListedItem>) -> Vec<ContentItemDto> {
    listed
        .into_iter()
        .map(|l| dto(l.item, l.site, None))
        .collect()
}

fn parse_kind(kind: &str) -> Result<Kind, ApiError> {
    Kind::parse(kind).ok_or_else(|| {
        Error::field(
            "kind",
            "unknown_kind",
            "must be news, article, document, photo, video, audio, infographic, link or page",
        )
        .into()
    })
}

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
    pub fields: KindFieldsDto,
    /// A note kept with the first revision.
    pub note: Option<String>,
    /// Fields (`title`, `summary`, `fields.caption`, …) whose legacy-encoding finding (TCVN3/VNI,
    /// Điều 6.6) you override because the text is right — a foreign name, a quotation. Kept in
    /// the audit log with the change.
    #[serde(default)]
    pub legacy_override: Vec<String>,
}

fn new_item(section_id: i64, kind: Kind, language: String, r: CreateContentRequest) -> NewItem {
    NewItem {
        section_id,
        kind,
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
            fields: r.fields.into(),
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
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `content:write:section:<id>` (or the site-wide scope)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (each named: required, too_long, legacy_encoding, control_character, invalid_url, not_for_kind, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_content(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::body::Json<CreateContentRequest>,
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
        (status = 400, description = "A query parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
    pub fields: Option<KindFieldsDto>,
    /// A note kept with the new revision.
    pub note: Option<String>,
    /// Fields (`title`, `summary`, `fields.caption`, …) whose legacy-encoding finding (TCVN3/VNI,
    /// Điều 6.6) you override because the text is right — a foreign name, a quotation. Kept in
    /// the audit log with the change.
    #[serde(default)]
    pub legacy_override: Vec<String>,
}

/// The version a change is based on: `If-Match` (`"3"` or `W/"3"`), else the body's `version`.
pub(crate) fn expected_version(
    req: &HttpRequest,
    body_version: Option<i64>,
) -> Result<Option<i64>, ApiError> {
    match req.headers().get(header::IF_MATCH) {
        Some(value) => {
            let text = value.to_str().unwrap_or("").trim();
            let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
            text.parse::<i64>().map(Some).map_err(|_| {
                Error::invalid_parameter("If-Match", "must be the item's ETag, e.g. \"3\"").into()
            })
        }
        None => Ok(body_version),
    }
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `content:write:section:<id>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone saved in between; `current_version` says which version is current", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Neither If-Match nor version was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_content(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::body::Json<UpdateContentRequest>,
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
        fields: body.fields.map(Into::into),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
    body: crate::body::Json<MoveContentRequest>,
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
    pub fields: Option<KindFieldsDto>,
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
    body: crate::body::Json<TranslateRequest>,
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
            fields: body.fields.map(Into::into).unwrap_or_default(),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
