//! Published items of a site, filtered, by cursor or page number.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::{Error, Lang, PageRequest};
use portal_delivery::items::{self, Filter};
use portal_sections::sites;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::public::views::{summary, PublicItemSummary, SiteKeys};
use crate::state::AppState;

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

pub(crate) fn filter_from(conn: &mut portal_db::DbConn, q: &ContentQuery) -> Result<Filter, Error> {
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
