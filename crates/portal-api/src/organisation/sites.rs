use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::PageRequest;
use portal_sections::views;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cache::render::cached_json;
use crate::http::lang;
use crate::http::problem::{ApiError, Problem};
use crate::organisation::admin_sites::site_dto;
use crate::organisation::dto::{SiteDto, SitePage};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSitesQuery {
    /// Language of `name`: `vi` or `en`. Defaults to `Accept-Language`, then `vi`.
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub lang: Option<String>,
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Language of `name`: `vi` or `en`. Defaults to `Accept-Language`, then `vi`.
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub lang: Option<String>,
}

/// Lists the active sites: the main portal and its sub-sites, ordered by key.
#[utoipa::path(
    tag = "sites",
    params(ListSitesQuery),
    responses(
        (status = 200, description = "One page of sites", body = SitePage),
        (status = 304, description = "Unchanged since the client\'s copy (`If-None-Match`)"),
    )
)]
#[get("/sites")]
pub async fn list_sites(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ListSitesQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let db = state.clone();
    cached_json(&state, &req, lang.code(), async move {
        let page = db.db(move |conn| views::active_sites(conn, &page)).await?;
        let page = page.map(|view| site_dto(view, lang));
        let modified = page.items.iter().map(|s| s.updated_at.naive_utc()).max();
        Ok((
            SitePage {
                items: page.items,
                next_cursor: page.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// Shows one active site by its key.
#[utoipa::path(
    tag = "sites",
    params(("site" = String, Path, description = "Site key, e.g. `quang-nam`"), LangQuery),
    responses(
        (status = 200, description = "The site", body = SiteDto),
        (status = 304, description = "Unchanged since the client\'s copy (`If-None-Match`)"),
        (status = 404, description = "No active site has this key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}")]
pub async fn get_site(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let key = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, lang.code(), async move {
        let site = db.db(move |conn| views::active_site(conn, &key)).await?;
        let site = site_dto(site, lang);
        let modified = Some(site.updated_at.naive_utc());
        Ok((site, modified))
    })
    .await
}
