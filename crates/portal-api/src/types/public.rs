//! Content types as anyone reads them (a frontend builds its forms and filters from them), a
//! type's published items with typed filters, and each type's own OpenAPI document.

use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::{Error, PageRequest};
use portal_delivery::typed::{Op, RawFilter};
use portal_delivery::views::{self, TypedQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{TypeDto, TypePage, TypeVersionDto, TypedItemDto, TypedItemPage};
use crate::cache::render::cached_json;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TypeListQuery {
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Every content type with its current version, by key.
#[utoipa::path(
    tag = "types",
    params(TypeListQuery),
    responses(
        (status = 200, description = "One page", body = TypePage),
        (status = 304, description = "Unchanged since the client's copy"),
    )
)]
#[get("/types")]
pub async fn list_types(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TypeListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let found = db.db(move |conn| views::types(conn, &page)).await?;
        let modified = found.items.iter().map(|t| t.row.updated_at).max();
        Ok((
            TypePage {
                items: found.items.into_iter().map(TypeDto::from).collect(),
                next_cursor: found.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// A content type with its current version: its fields and the JSON Schema of an item's `data`.
#[utoipa::path(
    tag = "types",
    params(("key" = String, Path, description = "The type's key")),
    responses(
        (status = 200, description = "The type", body = TypeDto),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such type", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/types/{key}")]
pub async fn get_type(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let view = db
            .db(move |conn| views::content_type(conn, &key, None))
            .await?;
        let modified = Some(view.row.updated_at);
        Ok((TypeDto::from(view), modified))
    })
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TypeVersions {
    pub items: Vec<TypeVersionDto>,
}

/// Every version of a type, newest first, with how many live items are still written with it.
#[utoipa::path(
    tag = "types",
    params(("key" = String, Path, description = "The type's key")),
    responses(
        (status = 200, description = "The versions", body = TypeVersions),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such type", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/types/{key}/versions")]
pub async fn list_type_versions(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let rows = db.db(move |conn| views::type_versions(conn, &key)).await?;
        let modified = rows.iter().map(|r| r.created_at).max();
        Ok((
            TypeVersions {
                items: rows
                    .into_iter()
                    .map(|v| TypeVersionDto {
                        version: v.version,
                        note: v.note,
                        created_at: v.created_at.and_utc(),
                        items: v.items,
                    })
                    .collect(),
            },
            modified,
        ))
    })
    .await
}

/// One version of a type (items keep the version they were written with; their editors need it).
#[utoipa::path(
    tag = "types",
    params(
        ("key" = String, Path, description = "The type's key"),
        ("version" = i32, Path, description = "The version"),
    ),
    responses(
        (status = 200, description = "The type at that version", body = TypeDto),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such type or version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/types/{key}/versions/{version}")]
pub async fn get_type_version(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (key, version) = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let view = db
            .db(move |conn| views::content_type(conn, &key, Some(version)))
            .await?;
        let modified = Some(view.version_created_at);
        Ok((TypeDto::from(view), modified))
    })
    .await
}

/// The reader's query, read by hand: `filter[<field>]` and `filter[<field>][<op>]` are named by
/// the type, so no fixed struct can hold them; any other unknown parameter is a 400.
fn typed_query(raw: &str) -> Result<(TypedQuery, PageRequest), Error> {
    let mut site = None;
    let mut language = None;
    let mut q = None;
    let mut sort = None;
    let mut limit = None;
    let mut cursor = None;
    let mut filters = Vec::new();
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let once = |slot: &mut Option<String>, name: &str| {
            if slot.replace(value.to_string()).is_some() {
                Err(Error::invalid_parameter(name, "given more than once"))
            } else {
                Ok(())
            }
        };
        match name.as_ref() {
            "site" => once(&mut site, "site")?,
            "language" => once(&mut language, "language")?,
            "q" => once(&mut q, "q")?,
            "sort" => once(&mut sort, "sort")?,
            "limit" => once(&mut limit, "limit")?,
            "cursor" => once(&mut cursor, "cursor")?,
            other => {
                let inner = other
                    .strip_prefix("filter[")
                    .ok_or_else(|| Error::invalid_parameter(other, "unknown parameter"))?;
                let (field, op) = match inner.split_once("][") {
                    Some((field, op)) => (field, op.strip_suffix(']')),
                    None => (inner.strip_suffix(']').unwrap_or(""), Some("eq")),
                };
                let op = op.and_then(Op::parse).ok_or_else(|| {
                    Error::invalid_parameter(
                        other,
                        "write filter[<field>]=v, or filter[<field>][gte|lte|in]=v",
                    )
                })?;
                filters.push(RawFilter {
                    field: field.to_string(),
                    op,
                    value: value.to_string(),
                });
            }
        }
    }
    let site = site.ok_or_else(|| Error::invalid_parameter("site", "required: the site's key"))?;
    let limit = limit
        .map(|l| {
            l.parse::<i64>()
                .map_err(|_| Error::invalid_parameter("limit", "a whole number from 1 to 100"))
        })
        .transpose()?;
    let page = PageRequest::new(Some(limit.unwrap_or(20)), cursor.as_deref())?;
    Ok((
        TypedQuery {
            site,
            language,
            q,
            filters,
            sort,
        },
        page,
    ))
}

/// A content type's published items on a site, filtered and sorted by its indexed fields:
/// `filter[loai]=quyet-dinh`, `filter[ngay_ban_hanh][gte]=2026-01-01`,
/// `filter[loai][in]=quyet-dinh,chi-thi`, `sort=-ngay_ban_hanh`. Each filter is checked against
/// the type (400 naming it); the type's own document (`/types/{key}/openapi.json`) lists them.
#[utoipa::path(
    tag = "types",
    params(
        ("key" = String, Path, description = "The type's key"),
        ("site" = String, Query, description = "The site's key"),
        ("language" = Option<crate::enums::LanguageCode>, Query, description = "Content language"),
        ("q" = Option<String>, Query, max_length = 200, description = "Words of the full text (title, summary, body and the data's text), with or without diacritics: the document search of NĐ 42/2022"),
        ("sort" = Option<String>, Query, description = "`published_at` or an indexed field, `-` first for descending; default `-published_at`. Sorting by a field lists the items that hold a value in it."),
        ("filter" = Option<Object>, Query, style = DeepObject, explode, description = "`filter[<field>]=v` (equal), `filter[<field>][gte]=v`, `[lte]`, `[in]=a,b` on indexed fields; text compares without diacritics or case."),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Page size (default 20)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page", body = TypedItemPage),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 400, description = "A parameter or filter cannot be used as given; it is named", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such type or site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/types/{key}/items")]
pub async fn list_typed_items(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let (query, page) = typed_query(req.query_string())?;
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let found = db
            .db(move |conn| views::typed_items(conn, &key, query, &page))
            .await?;
        let modified = found.items.iter().map(|i| i.updated_at).max();
        let site = found.site;
        Ok((
            TypedItemPage {
                content_type: found.ty.row.key,
                version: found.ty.version,
                items: found
                    .items
                    .into_iter()
                    .map(|i| TypedItemDto::of(i, &site))
                    .collect(),
                next_cursor: found.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// The OpenAPI 3.1 document of one content type, generated from its current version: its item
/// list with a parameter per filter, and the schemas of its items' `data`, so that a frontend
/// generates a client that knows the fields.
#[utoipa::path(
    tag = "types",
    params(("key" = String, Path, description = "The type's key")),
    responses(
        (status = 200, description = "An OpenAPI 3.1 document", body = Object),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such type", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/types/{key}/openapi.json")]
pub async fn type_openapi(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let view = db
            .db(move |conn| views::content_type(conn, &key, None))
            .await?;
        let modified = Some(view.row.updated_at);
        Ok((super::document::of(&view), modified))
    })
    .await
}
