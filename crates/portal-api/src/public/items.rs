//! One published item, by id or by its site, language and slug.

use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_delivery::views;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cache::render::{cached, Rendered};
use crate::http::lang;
use crate::http::problem::{ApiError, Problem};
use crate::public::views::{detail, PublicItem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Language of section names in the breadcrumb.
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub lang: Option<String>,
}

/// Shows a published item with its breadcrumb, translations and related items.
#[utoipa::path(
    tag = "public",
    params(("id" = i64, Path, description = "Item id"), ItemQuery),
    responses(
        (status = 200, description = "The item", body = PublicItem),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such published item (drafts are never shown)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/content/{id}")]
pub async fn published_item(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
    query: web::Query<ItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let id = path.into_inner();
    let db = state.clone();
    cached(&state, &req, lang.code(), async move {
        let item = db.db(move |conn| views::item(conn, id)).await?;
        let modified = item.item.updated_at;
        Ok(Rendered::json(&detail(item, lang), Some(modified))?)
    })
    .await
}

/// Finds a published item by its slug; an old slug still resolves, with `canonical_slug` (and a
/// `Link: rel=canonical` header) naming the current one.
#[utoipa::path(
    tag = "public",
    params(
        ("site" = String, Path, description = "Site key"),
        ("lang" = String, Path, description = "Content language"),
        ("slug" = String, Path, description = "The item's slug, current or former"),
        ItemQuery,
    ),
    responses(
        (status = 200, description = "The item", body = PublicItem),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such published item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/content/{lang}/{slug}")]
pub async fn item_by_slug(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    query: web::Query<ItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let (site, language, slug) = path.into_inner();
    let db = state.clone();
    cached(&state, &req, lang.code(), async move {
        let found = db
            .db(move |conn| views::item_by_slug(conn, &site, &language, &slug))
            .await?;
        let (modified, redirected) = (found.item.updated_at, found.redirected);
        let item = detail(found, lang);
        let mut rendered = Rendered::json(&item, Some(modified))?;
        if redirected {
            rendered.link = Some(format!(
                "</api/v1/sites/{}/content/{}/{}>; rel=\"canonical\"",
                item.item.site, item.item.language, item.canonical_slug
            ));
        }
        Ok(rendered)
    })
    .await
}
