//! Full-text search without diacritics ("quang nam" finds "Quảng Nam").

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::Error;
use portal_delivery::views::{self, Selection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::public::views::{located, PublicItemSummary};
use crate::state::AppState;

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
    let selection = Selection {
        site: q.site.clone(),
        section: q.section,
        include_descendants: q.include_descendants.unwrap_or(false),
        kind: q.kind.clone(),
        language: q.language.clone(),
        tag: q.tag.clone(),
        author: q.author.clone(),
        published_from: q.published_from.map(|t| t.naive_utc()),
        published_to: q.published_to.map(|t| t.naive_utc()),
        updated_since: q.updated_since.map(|t| t.naive_utc()),
    };
    let db = state.clone();
    cached(&state, &req, "", async move {
        // A search that misses the cache is the dearest read; a few at a time keep connections
        // free for pages and bound the memory of the candidates in flight.
        let _turn = db
            .search_permits
            .acquire()
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let found = db
            .db(move |conn| views::search(conn, &q.q, &selection, page, page_size))
            .await?;
        let results = SearchResults {
            items: found
                .hits
                .iter()
                .map(|h| SearchHit {
                    item: located(&h.item),
                    score: h.score,
                    snippet: h.snippet.clone(),
                })
                .collect(),
            page,
            has_more: found.has_more,
            total: found.total,
            total_is_capped: found.total_is_capped,
        };
        Ok(Rendered::json(&results, None)?)
    })
    .await
}
