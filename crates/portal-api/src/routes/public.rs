//! The public delivery API: what the portal UI, sub-sites and integrators read. Only published
//! items, strong ETags and `Last-Modified` on every answer, 304 for unchanged ones.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use portal_core::{Error, Lang, PageRequest};
use portal_delivery::items::{self, Filter, PublishedItem};
use portal_delivery::{changes, feeds, search};
use portal_sections::sections::{breadcrumb, reachable_of_site};
use portal_sections::sites;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cache::{CachedResponse, PublicCache, Reading, Turn};
use crate::dto::SectionRef;
use crate::lang;
use crate::problem::{ApiError, Problem};
use crate::routes::content::{KindFieldsDto, TranslationRef};
use crate::state::AppState;

/// Answers from a rendered response: 304 with no body when the client's copy is current (by
/// `If-None-Match`, else `If-Modified-Since`), otherwise the body, with a strong ETag,
/// `Last-Modified` and the public `Cache-Control` either way.
fn respond(req: &HttpRequest, cache: &PublicCache, entry: &CachedResponse) -> HttpResponse {
    let gzip = entry.gzip.as_ref().filter(|_| accepts_gzip(req));
    let etag = gzip.map_or(&entry.etag, |(_, tag)| tag);
    let not_modified = match req.headers().get(header::IF_NONE_MATCH) {
        // Either representation's tag: the client may have had the other one before.
        Some(tags) => tags.as_bytes().split(|b| *b == b',').any(|t| {
            let t = t.trim_ascii();
            let t = t.strip_prefix(b"W/").unwrap_or(t);
            t == b"*"
                || t == entry.etag.as_bytes()
                || entry
                    .gzip
                    .as_ref()
                    .is_some_and(|(_, tag)| t == tag.as_bytes())
        }),
        None => match (
            req.headers()
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok()),
            &entry.last_modified,
        ) {
            (Some(since), Some((modified, _))) => DateTime::parse_from_rfc2822(since)
                .is_ok_and(|since| *modified <= since.timestamp()),
            _ => false,
        },
    };
    let mut builder = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache.cache_control.clone()));
    if entry.gzip.is_some() {
        builder.insert_header((
            header::VARY,
            header::HeaderValue::from_static("accept-encoding"),
        ));
    }
    if let Some((_, modified)) = &entry.last_modified {
        builder.insert_header((header::LAST_MODIFIED, modified.clone()));
    }
    if let Some(link) = &entry.link {
        builder.insert_header((header::LINK, link.clone()));
    }
    if not_modified {
        return builder.finish();
    }
    builder.insert_header((header::CONTENT_TYPE, entry.content_type.clone()));
    match gzip {
        Some((body, _)) => builder
            .insert_header((
                header::CONTENT_ENCODING,
                header::HeaderValue::from_static("gzip"),
            ))
            .body(body.clone()),
        // Marked as not encoded, so the Compress middleware does not brotli it behind the plain
        // body's ETag (one tag for two representations would break revalidation).
        None => builder
            .insert_header((
                header::CONTENT_ENCODING,
                header::HeaderValue::from_static("identity"),
            ))
            .body(entry.body.clone()),
    }
}

/// Whether the client's `Accept-Encoding` prefers gzip to the plain body.
fn accepts_gzip(req: &HttpRequest) -> bool {
    use header::{AcceptEncoding, Encoding, Header};
    AcceptEncoding::parse(req)
        .ok()
        .and_then(|accepted| accepted.negotiate([Encoding::gzip(), Encoding::identity()].iter()))
        == Some(Encoding::gzip())
}

/// A public answer as a handler renders it, before it is cached.
struct Rendered {
    body: Vec<u8>,
    content_type: &'static str,
    last_modified: Option<NaiveDateTime>,
    link: Option<String>,
}

impl Rendered {
    fn json<T: Serialize>(value: &T, last_modified: Option<NaiveDateTime>) -> Result<Self, Error> {
        Ok(Self {
            body: serde_json::to_vec(value).map_err(|e| Error::Internal(e.to_string()))?,
            content_type: "application/json",
            last_modified,
            link: None,
        })
    }
}

/// A JSON public answer through the cache: ETag (and 304), Cache-Control, Last-Modified when
/// `render` knows when its data last changed. For the organisation endpoints (sites, sections,
/// agencies), whose changes are audited like content's, so the change clock covers them too.
pub(crate) async fn cached_json<T: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    variant: &str,
    render: impl std::future::Future<Output = Result<(T, Option<NaiveDateTime>), ApiError>>,
) -> Result<HttpResponse, ApiError> {
    cached(state, req, variant, async move {
        let (value, modified) = render.await?;
        Ok(Rendered::json(&value, modified)?)
    })
    .await
}

/// This replica's reading of the change clock (see `crate::cache`).
async fn change_clock(state: &AppState) -> Result<i64, ApiError> {
    match state.public_cache.reading() {
        Reading::Known(version) => Ok(version),
        Reading::Check { generation } => {
            let read = state.db(portal_audit::head_seq).await;
            state
                .public_cache
                .record(generation, read.as_ref().ok().copied());
            read
        }
    }
}

/// Serves the request from the public cache, or renders it with `render` and keeps the answer.
/// `variant` names what else the answer depends on besides the path and query (the language an
/// `Accept-Language` header chose). Errors are never cached.
async fn cached(
    state: &AppState,
    req: &HttpRequest,
    variant: &str,
    render: impl std::future::Future<Output = Result<Rendered, ApiError>>,
) -> Result<HttpResponse, ApiError> {
    let cache = &state.public_cache;
    let version = if cache.enabled() {
        change_clock(state).await?
    } else {
        0
    };
    let key = format!(
        "{}#{variant}",
        req.uri().path_and_query().map_or("", |p| p.as_str())
    );
    // Held until the answer is kept, so requests waiting for it find it.
    let mut _rendering = None;
    if cache.enabled() {
        if let Some(entry) = cache.get(&key, version) {
            state.metrics.public_cache_hits.inc();
            return Ok(respond(req, cache, &entry));
        }
        match cache.take_turn(&key) {
            Turn::Render(guard) => _rendering = Some(guard),
            // Waits once: if that render failed or was of another version, render here.
            Turn::Wait(notify) => {
                cache.wait_for(&key, notify).await;
                if let Some(entry) = cache.get(&key, version) {
                    state.metrics.public_cache_hits.inc();
                    return Ok(respond(req, cache, &entry));
                }
            }
        }
        state.metrics.public_cache_misses.inc();
    }
    let rendered = render.await?;
    let entry = Arc::new(CachedResponse::new(
        rendered.body,
        rendered.content_type,
        rendered.last_modified,
        rendered.link,
        version,
        cache.enabled(),
    ));
    if cache.enabled() {
        cache.put(key, entry.clone());
    }
    Ok(respond(req, cache, &entry))
}

/// An item in a list: no body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItemSummary {
    pub id: i64,
    pub site: String,
    pub section_id: i64,
    #[schema(value_type = crate::enums::ContentKind)]
    pub kind: String,
    #[schema(value_type = crate::enums::LanguageCode)]
    pub language: String,
    pub title: String,
    pub slug: String,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    /// When the item was first published.
    pub published_at: DateTime<Utc>,
    /// When the live version last changed.
    pub updated_at: DateTime<Utc>,
}

fn summary(item: &PublishedItem, site: &str) -> PublicItemSummary {
    PublicItemSummary {
        id: item.item_id,
        site: site.to_string(),
        section_id: item.section_id,
        kind: item.kind.clone(),
        language: item.language.clone(),
        title: item.title.clone(),
        slug: item.slug.clone(),
        summary: item.summary.clone(),
        author: item.author.clone(),
        source: item.source.clone(),
        tags: item.tag_list(),
        featured_image_url: item.featured_image_url.clone(),
        published_at: item.published_at.and_utc(),
        updated_at: item.updated_at.and_utc(),
    }
}

/// A published item with where it sits and what goes with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItem {
    #[serde(flatten)]
    pub item: PublicItemSummary,
    /// Sanitised HTML.
    pub body: String,
    pub fields: KindFieldsDto,
    /// The sections from the root down to the item's.
    pub breadcrumb: Vec<SectionRef>,
    /// Published translations: language, id, slug.
    pub translations: Vec<TranslationRef>,
    /// Newest other items of the same section.
    pub related: Vec<PublicItemSummary>,
    /// The slug the item has now; differs from the requested one after a rename.
    pub canonical_slug: String,
}

struct SiteKeys(HashMap<i64, String>);

impl SiteKeys {
    fn load(conn: &mut portal_db::DbConn, items: &[PublishedItem]) -> Result<Self, Error> {
        let ids: Vec<i64> = items.iter().map(|i| i.site_id).collect();
        Ok(Self(sites::keys_by_id(conn, &ids)?))
    }

    fn of(&self, item: &PublishedItem) -> String {
        self.0.get(&item.site_id).cloned().unwrap_or_default()
    }
}

fn detail(
    conn: &mut portal_db::DbConn,
    item: PublishedItem,
    lang: Lang,
) -> Result<PublicItem, Error> {
    let keys = SiteKeys::load(conn, std::slice::from_ref(&item))?;
    let site = keys.of(&item);
    let in_site = reachable_of_site(conn, item.site_id)?;
    let crumbs = in_site
        .iter()
        .find(|s| s.id == item.section_id)
        .map(|section| {
            breadcrumb(section, &in_site)
                .into_iter()
                .map(|s| SectionRef {
                    id: s.id,
                    slug: s.slug.clone(),
                    name: lang.pick(&s.name_vi, s.name_en.as_deref()).to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let translations = items::translations(conn, &item)?
        .into_iter()
        .map(|(language, id, slug)| TranslationRef { language, id, slug })
        .collect();
    let related = items::related(conn, &item, 5)?
        .iter()
        .map(|r| summary(r, &site))
        .collect();
    Ok(PublicItem {
        item: summary(&item, &site),
        fields: serde_json::from_str(&item.fields).unwrap_or_default(),
        canonical_slug: item.slug.clone(),
        body: item.body,
        breadcrumb: crumbs,
        translations,
        related,
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// Site key.
    pub site: Option<String>,
    /// Section id.
    pub section: Option<i64>,
    /// With `section`: include its subsections.
    pub include_descendants: Option<bool>,
    #[param(value_type = Option<crate::enums::ContentKind>)]
    pub kind: Option<String>,
    /// Content language (`vi`, `en`).
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub language: Option<String>,
    pub tag: Option<String>,
    /// Part of the byline.
    pub author: Option<String>,
    /// Published at or after (RFC 3339).
    pub published_from: Option<DateTime<Utc>>,
    /// Published before (RFC 3339).
    pub published_to: Option<DateTime<Utc>>,
    /// Live version changed at or after (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// `newest` (default): newest published first. `section`: in the order of the section
    /// tree (site by site, depth first, siblings by position), newest first within a section.
    #[param(pattern = "^(newest|section)$")]
    pub sort: Option<String>,
    /// Cursor paging: page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Cursor paging: `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Numbered paging (with a total): page number from 1; page × page_size ≤ 10,000.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Numbered paging: 1–100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub page_size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPage {
    pub items: Vec<PublicItemSummary>,
    /// Cursor paging: pass as `cursor`; null on the last page.
    pub next_cursor: Option<String>,
    /// Numbered paging only: how many items match, counted up to 10,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Numbered paging only: true when more than 10,000 match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_is_capped: Option<bool>,
}

fn filter_from(conn: &mut portal_db::DbConn, q: &ContentQuery) -> Result<Filter, Error> {
    let site_id = match &q.site {
        Some(key) => Some(sites::active_by_key(conn, key)?.id),
        None => None,
    };
    let section_ids = match q.section {
        Some(section) => {
            let reached = portal_sections::sections::reachable_by_id(conn, section)?;
            let mut ids = vec![section];
            if q.include_descendants.unwrap_or(false) {
                let mut frontier = vec![section];
                while let Some(parent) = frontier.pop() {
                    for child in reached.1.iter().filter(|s| s.parent_id == Some(parent)) {
                        ids.push(child.id);
                        frontier.push(child.id);
                    }
                }
            }
            Some(ids)
        }
        None => None,
    };
    if let Some(kind) = &q.kind {
        if portal_content::Kind::parse(kind).is_none() {
            return Err(Error::invalid_parameter(
                "kind",
                format!("unknown kind '{kind}'"),
            ));
        }
    }
    if let Some(language) = &q.language {
        language
            .parse::<Lang>()
            .map_err(|e| Error::invalid_parameter("language", e))?;
    }
    Ok(Filter {
        site_id,
        // `reachable_by_id` above checked the section and found its descendants among the
        // reachable sections of its site.
        sections_checked: section_ids.is_some(),
        section_ids,
        kind: q.kind.clone(),
        language: q.language.clone(),
        tag: q.tag.clone(),
        author: q.author.clone(),
        published_from: q.published_from.map(|t| t.naive_utc()),
        published_to: q.published_to.map(|t| t.naive_utc()),
        updated_since: q.updated_since.map(|t| t.naive_utc()),
    })
}

/// Lists published items, newest first or in section order, by cursor or by page number.
#[utoipa::path(
    tag = "public",
    params(ContentQuery),
    responses(
        (status = 200, description = "One page; `ETag` and `Last-Modified` set", body = PublicPage),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 400, description = "A parameter is unknown or invalid (named)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site or visible section", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/content")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ContentQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    if q.page.is_some() && q.cursor.is_some() {
        return Err(Error::invalid_parameter("page", "use either page or cursor").into());
    }
    // Every number is bounded and named when it is not: a page far past the end is not an
    // overflow (a 500 on PostgreSQL) or a silent page 1 (SQLite).
    if q.page_size.is_some_and(|size| !(1..=100).contains(&size)) {
        return Err(Error::invalid_parameter("page_size", "from 1 to 100").into());
    }
    if q.page
        .is_some_and(|page| !(1..=items::MAX_PAGE_DEPTH).contains(&page))
    {
        return Err(Error::invalid_parameter(
            "page",
            format!("from 1 to {}", items::MAX_PAGE_DEPTH),
        )
        .into());
    }
    let numbered = q.page.map(|p| (p, q.page_size.unwrap_or(20)));
    let by_section = match q.sort.as_deref() {
        None | Some("newest") => false,
        Some("section") => true,
        Some(other) => {
            return Err(Error::invalid_parameter(
                "sort",
                format!("'{other}' is not newest or section"),
            )
            .into())
        }
    };
    let request = PageRequest::new(Some(q.limit.unwrap_or(20)), q.cursor.as_deref())?;
    let db = state.clone();
    cached(&state, &req, "", async move {
        let (page, modified) = db
            .db(move |conn| {
                let filter = filter_from(conn, &q)?;
                let (rows, next_cursor, total, capped) = match numbered {
                    Some((page, size)) => {
                        let (rows, total, capped) = if by_section {
                            items::numbered_by_section(conn, &filter, page, size)?
                        } else {
                            items::numbered(conn, &filter, page, size)?
                        };
                        (rows, None, Some(total), Some(capped))
                    }
                    None => {
                        let page = if by_section {
                            items::list_by_section(conn, &filter, &request)?
                        } else {
                            items::list(conn, &filter, &request)?
                        };
                        (page.items, page.next_cursor, None, None)
                    }
                };
                let keys = SiteKeys::load(conn, &rows)?;
                let modified = rows.iter().map(|i| i.updated_at).max();
                Ok((
                    PublicPage {
                        items: rows.iter().map(|i| summary(i, &keys.of(i))).collect(),
                        next_cursor,
                        total,
                        total_is_capped: capped,
                    },
                    modified,
                ))
            })
            .await?;
        Ok(Rendered::json(&page, modified)?)
    })
    .await
}

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
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
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
        let (item, modified) = db
            .db(move |conn| {
                let item = items::by_id(conn, id)?;
                let modified = item.updated_at;
                Ok((detail(conn, item, lang)?, modified))
            })
            .await?;
        Ok(Rendered::json(&item, Some(modified))?)
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
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
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
        let (item, modified, redirected) = db
            .db(move |conn| {
                let site = sites::active_by_key(conn, &site)?;
                let (item, redirected) = items::by_slug(conn, site.id, &language, &slug)?;
                let modified = item.updated_at;
                Ok((detail(conn, item, lang)?, modified, redirected))
            })
            .await?;
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

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find; diacritics and case do not matter ("quang nam" finds "Quảng Nam").
    pub q: String,
    pub site: Option<String>,
    pub section: Option<i64>,
    pub include_descendants: Option<bool>,
    #[param(value_type = Option<crate::enums::ContentKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub language: Option<String>,
    pub tag: Option<String>,
    /// Part of the byline.
    pub author: Option<String>,
    /// Published at or after (RFC 3339).
    pub published_from: Option<DateTime<Utc>>,
    /// Published before (RFC 3339).
    pub published_to: Option<DateTime<Utc>>,
    /// Live version changed at or after (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 50, default = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 50, default = 10)]
    pub page_size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub item: PublicItemSummary,
    /// Higher is better: exact-diacritic above folded, title above body.
    pub score: u32,
    /// Plain text around the match, HTML-escaped, the match in `<mark>`.
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
    pub page: i64,
    pub has_more: bool,
    /// How many items match, counted up to 500 (only the newest 500 matches are ranked).
    pub total: i64,
    /// True when 500 or more match.
    pub total_is_capped: bool,
}

/// Full-text search over published titles, summaries and bodies, without diacritics.
#[utoipa::path(
    tag = "public",
    params(SearchQuery),
    responses(
        (status = 200, description = "Ranked hits", body = SearchResults),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 400, description = "q is missing or empty, or a filter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site or visible section", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
pub async fn search_items(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = q.page.unwrap_or(1);
    let page_size = q.page_size.unwrap_or(10);
    if !(1..=50).contains(&page) {
        return Err(Error::invalid_parameter("page", "from 1 to 50").into());
    }
    if !(1..=50).contains(&page_size) {
        return Err(Error::invalid_parameter("page_size", "from 1 to 50").into());
    }
    if q.q.chars().count() > 200 {
        return Err(Error::invalid_parameter("q", "at most 200 characters").into());
    }
    let db = state.clone();
    cached(&state, &req, "", async move {
        // A search that misses the cache is the dearest read; a few at a time keep connections
        // free for pages and bound the memory of the candidates in flight.
        let _turn = db
            .search_permits
            .acquire()
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let results = db
            .db(move |conn| {
                let filter = filter_from(
                    conn,
                    &ContentQuery {
                        site: q.site.clone(),
                        section: q.section,
                        include_descendants: q.include_descendants,
                        kind: q.kind.clone(),
                        language: q.language.clone(),
                        tag: q.tag.clone(),
                        author: q.author.clone(),
                        published_from: q.published_from,
                        published_to: q.published_to,
                        updated_since: q.updated_since,
                        ..ContentQuery::default()
                    },
                )?;
                let found = search::search(conn, &q.q, &filter, page, page_size)?;
                let (hits, has_more) = (found.hits, found.has_more);
                let found = (found.total, found.total_is_capped);
                let items: Vec<PublishedItem> = hits.iter().map(|h| h.item.clone()).collect();
                let keys = SiteKeys::load(conn, &items)?;
                Ok(SearchResults {
                    items: hits
                        .into_iter()
                        .map(|h| SearchHit {
                            item: summary(&h.item, &keys.of(&h.item)),
                            score: h.score,
                            snippet: h.snippet,
                        })
                        .collect(),
                    page,
                    has_more,
                    total: found.0,
                    total_is_capped: found.1,
                })
            })
            .await?;
        Ok(Rendered::json(&results, None)?)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Site key; all sites when absent.
    pub site: Option<String>,
    /// `next_cursor` of the previous call; from the beginning when absent.
    pub since: Option<String>,
    #[param(minimum = 1, maximum = 500, default = 100)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    /// published, updated, unpublished or archived.
    #[schema(example = "published")]
    pub change: String,
    pub item_id: i64,
    pub at: DateTime<Utc>,
    /// The item as it is live now; null for unpublished, archived or since-removed items
    /// (a tombstone: remove it from the mirror).
    pub item: Option<PublicItemSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    pub changes: Vec<ChangeDto>,
    /// Pass as `since` next time, even when `changes` is empty.
    pub next_cursor: String,
}

/// The change feed: every publish, update, unpublish and archive in order, for mirrors.
#[utoipa::path(
    tag = "public",
    params(ChangesQuery),
    responses(
        (status = 200, description = "Changes after the cursor, oldest first", body = ChangePage),
        (status = 400, description = "A malformed cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
pub async fn change_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid_parameter("limit", "from 1 to 500").into());
    }
    let since = match &q.since {
        Some(raw) => portal_core::Cursor::decode(raw)?
            .0
            .parse::<i64>()
            .map_err(|_| Error::invalid_parameter("since", "is not a cursor of the change feed"))?,
        None => 0,
    };
    let db = state.clone();
    cached(&state, &req, "", async move {
        let page = db
            .db(move |conn| {
                let site_id = match &q.site {
                    Some(key) => Some(sites::active_by_key(conn, key)?.id),
                    None => None,
                };
                let changes = changes::after(conn, site_id, since, limit)?;
                let mut out = Vec::with_capacity(changes.len());
                let mut last = since;
                for change in changes {
                    last = change.seq;
                    let live = match change.event_type.as_str() {
                        "content.published" | "content.updated" => {
                            items::by_id(conn, change.item_id).ok()
                        }
                        _ => None,
                    };
                    let key = match &live {
                        Some(item) => SiteKeys::load(conn, std::slice::from_ref(item))?.of(item),
                        None => String::new(),
                    };
                    out.push(ChangeDto {
                        change: change.event_type.trim_start_matches("content.").to_string(),
                        item_id: change.item_id,
                        at: change.at.and_utc(),
                        item: live.as_ref().map(|i| summary(i, &key)),
                    });
                }
                Ok(ChangePage {
                    changes: out,
                    next_cursor: portal_core::Cursor::encode(&last.to_string()),
                })
            })
            .await?;
        Ok(Rendered::json(&page, None)?)
    })
    .await
}

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

/// URLs one sitemap file may hold (sitemaps.org).
pub const SITEMAP_MAX_URLS: usize = 50_000;

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
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
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
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
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
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
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
