//! The change feed that sub-sites and mirrors follow.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::Error;
use portal_delivery::views;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::public::views::{located, PublicItemSummary};
use crate::state::AppState;

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
        let batch = db
            .db(move |conn| views::changes(conn, q.site.as_deref(), since, limit))
            .await?;
        let page = ChangePage {
            changes: batch
                .changes
                .iter()
                .map(|c| ChangeDto {
                    change: c.change.clone(),
                    item_id: c.item_id,
                    at: c.at.and_utc(),
                    item: c.live.as_ref().map(located),
                })
                .collect(),
            next_cursor: portal_core::Cursor::encode(&batch.last.to_string()),
        };
        Ok(Rendered::json(&page, None)?)
    })
    .await
}
