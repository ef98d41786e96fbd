//! RSS, Atom and the sitemap of a site.

use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::{Error, Lang};
use portal_delivery::feeds;
use portal_delivery::feeds::SITEMAP_MAX_URLS;
use portal_delivery::items::{self, Filter};
use portal_sections::sites;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::public::list::{filter_from, ContentQuery};
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

const FEED_SIZE: i64 = 50;

async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: String,
    query: FeedQuery,
    kind: &'static str,
) -> Result<HttpResponse, ApiError> {
    let language = query.language.clone().unwrap_or_else(|| "vi".into());
    language
        .parse::<Lang>()
        .map_err(|e| Error::invalid_parameter("language", e))?;
    let self_path = req.uri().to_string();
    let db = state.clone();
    cached(&state, &req, "", async move {
        let (xml, modified) = db
            .db(move |conn| {
                let site = sites::active_by_key(conn, &site)?;
                let filter = filter_from(
                    conn,
                    &ContentQuery {
                        site: Some(site.key.clone()),
                        section: query.section,
                        include_descendants: Some(true),
                        language: Some(language.clone()),
                        ..ContentQuery::default()
                    },
                )?;
                let lang: Lang = language.parse().unwrap_or_default();
                let title = lang
                    .pick(&site.name_vi, site.name_en.as_deref())
                    .to_string();
                let self_url = format!("{}{}", site.base_url.trim_end_matches('/'), self_path);
                let channel = feeds::Channel {
                    title: &title,
                    link: &site.base_url,
                    description: &title,
                    language: &language,
                    self_url: &self_url,
                };
                let newest = items::newest(conn, &filter, FEED_SIZE)?;
                let modified = newest.iter().map(|i| i.updated_at).max();
                let xml = if kind == "rss" {
                    feeds::rss(&channel, &newest, &site.base_url)
                } else {
                    feeds::atom(
                        &channel,
                        &newest,
                        &site.base_url,
                        &format!("tag:{},2026:{}", site.key, language),
                    )
                };
                Ok((xml, modified))
            })
            .await?;
        Ok(Rendered {
            body: xml.into_bytes(),
            content_type: if kind == "rss" {
                "application/rss+xml; charset=utf-8"
            } else {
                "application/atom+xml; charset=utf-8"
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
    feed(state, req, path.into_inner(), query.into_inner(), "rss").await
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
    feed(state, req, path.into_inner(), query.into_inner(), "atom").await
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
            .db(move |conn| {
                let site = sites::active_by_key(conn, &site)?;
                let filter = Filter {
                    site_id: Some(site.id),
                    ..Filter::default()
                };
                let total = items::count_all(conn, &filter)?;
                let parts = (total + per_part - 1) / per_part;
                let part = match page {
                    None if parts > 1 => {
                        return Ok((feeds::sitemap_index(&site.base_url, parts), None));
                    }
                    None => 1,
                    Some(part) if part <= parts.max(1) => part,
                    Some(part) => {
                        return Err(Error::not_found("sitemap part", part));
                    }
                };
                let listed = items::oldest_first_part(conn, &filter, per_part, part)?;
                Ok((
                    feeds::sitemap(&listed, &site.base_url),
                    listed.iter().map(|i| i.updated_at).max(),
                ))
            })
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
