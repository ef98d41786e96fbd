//! RSS, Atom and the sitemap of a site.

use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::{Error, Lang};
use portal_delivery::feeds::SITEMAP_MAX_URLS;
use portal_delivery::views::{self, FeedFormat};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Only this section (and its subsections).
    pub section: Option<i64>,
    /// Content language; default `vi`.
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub language: Option<String>,
}

async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: String,
    query: FeedQuery,
    format: FeedFormat,
) -> Result<HttpResponse, ApiError> {
    let language: Lang = query
        .language
        .as_deref()
        .unwrap_or("vi")
        .parse()
        .map_err(|e| Error::invalid_parameter("language", e))?;
    let self_path = req.uri().to_string();
    let section = query.section;
    let db = state.clone();
    cached(&state, &req, "", async move {
        let (xml, modified) = db
            .db(move |conn| views::feed(conn, &site, section, language, format, &self_path))
            .await?;
        Ok(Rendered {
            body: xml.into_bytes(),
            content_type: match format {
                FeedFormat::Rss => "application/rss+xml; charset=utf-8",
                FeedFormat::Atom => "application/atom+xml; charset=utf-8",
            },
            last_modified: modified,
            link: None,
        })
    })
    .await
}

/// RSS 2.0 feed of a site's (or section's) newest 50 items.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key"), FeedQuery),
    responses(
        (status = 200, description = "RSS 2.0", body = String, content_type = "application/rss+xml"),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site or visible section", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/rss.xml")]
pub async fn rss(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    feed(
        state,
        req,
        path.into_inner(),
        query.into_inner(),
        FeedFormat::Rss,
    )
    .await
}

/// Atom 1.0 feed of a site's (or section's) newest 50 items.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key"), FeedQuery),
    responses(
        (status = 200, description = "Atom 1.0", body = String, content_type = "application/atom+xml"),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site or visible section", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/atom.xml")]
pub async fn atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    feed(
        state,
        req,
        path.into_inner(),
        query.into_inner(),
        FeedFormat::Atom,
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SitemapQuery {
    /// One part of a sitemap index, from 1; absent for the sitemap (or the index) itself.
    #[param(minimum = 1)]
    pub page: Option<i64>,
}

/// The sitemap of a site's published items (`<base_url>/<language>/<slug>`). Past 50,000 items
/// (the protocol's limit per file) it is a sitemap index naming `<base_url>/sitemap.xml?page=N`,
/// each part holding 50,000 items, oldest first.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key"), SitemapQuery),
    responses(
        (status = 200, description = "sitemaps.org XML: a urlset, or a sitemapindex when the site has more items than one file may hold", body = String, content_type = "application/xml"),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site, or no such part", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/sitemap.xml")]
pub async fn sitemap(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<SitemapQuery>,
) -> Result<HttpResponse, ApiError> {
    let site = path.into_inner();
    let page = query.into_inner().page;
    if page.is_some_and(|p| p < 1) {
        return Err(Error::invalid_parameter("page", "from 1").into());
    }
    let per_part = i64::try_from(state.public.sitemap_urls.clamp(1, SITEMAP_MAX_URLS)).unwrap_or(1);
    let db = state.clone();
    cached(&state, &req, "", async move {
        let (xml, modified) = db
            .db(move |conn| views::sitemap(conn, &site, page, per_part))
            .await?;
        Ok(Rendered {
            body: xml.into_bytes(),
            content_type: "application/xml; charset=utf-8",
            last_modified: modified,
            link: None,
        })
    })
    .await
}
