//! Published items of a site, filtered, by cursor or page number.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::{Error, PageRequest};
use portal_delivery::items;
use portal_delivery::views::{self, Order, Paging, Selection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::public::views::{located, PublicItemSummary};
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

impl ContentQuery {
    /// The reader's selection, as `portal_delivery::views` takes it.
    pub(crate) fn selection(&self) -> Selection {
        Selection {
            site: self.site.clone(),
            section: self.section,
            include_descendants: self.include_descendants.unwrap_or(false),
            kind: self.kind.clone(),
            language: self.language.clone(),
            tag: self.tag.clone(),
            author: self.author.clone(),
            published_from: self.published_from.map(|t| t.naive_utc()),
            published_to: self.published_to.map(|t| t.naive_utc()),
            updated_since: self.updated_since.map(|t| t.naive_utc()),
        }
    }
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
    let order = match q.sort.as_deref() {
        None | Some("newest") => Order::Newest,
        Some("section") => Order::Section,
        Some(other) => {
            return Err(Error::invalid_parameter(
                "sort",
                format!("'{other}' is not newest or section"),
            )
            .into())
        }
    };
    let paging = match q.page {
        Some(page) => Paging::Numbered {
            page,
            size: q.page_size.unwrap_or(20),
        },
        None => Paging::Cursor(PageRequest::new(
            Some(q.limit.unwrap_or(20)),
            q.cursor.as_deref(),
        )?),
    };
    let selection = q.selection();
    let db = state.clone();
    cached(&state, &req, "", async move {
        let found = db
            .db(move |conn| views::list(conn, &selection, order, &paging))
            .await?;
        let page = PublicPage {
            items: found.items.iter().map(located).collect(),
            next_cursor: found.next_cursor,
            total: found.total.map(|(total, _)| total),
            total_is_capped: found.total.map(|(_, capped)| capped),
        };
        Ok(Rendered::json(&page, found.modified)?)
    })
    .await
}
