//! The change feed of a site's published Q&A, for mirrors: like `/changes` for content.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::Error;
use portal_feedback::qa_changes;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::published::PublishedQaDto;
use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QaChangesQuery {
    /// `next_cursor` of the previous call; from the beginning when absent.
    pub since: Option<String>,
    #[param(minimum = 1, maximum = 500, default = 100)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QaChangeDto {
    /// published, updated or withdrawn.
    #[schema(example = "published")]
    pub change: String,
    pub question_id: i64,
    pub at: DateTime<Utc>,
    /// The question and answer as live now; null once withdrawn (a tombstone: remove it).
    pub question: Option<PublishedQaDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QaChangePage {
    pub changes: Vec<QaChangeDto>,
    /// Pass as `since` next time, even when `changes` is empty.
    pub next_cursor: String,
}

/// Every publication, edit and withdrawal of a site's Q&A in commit order, for mirrors.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key"), QaChangesQuery),
    responses(
        (status = 200, description = "Changes after the cursor, oldest first", body = QaChangePage),
        (status = 400, description = "A malformed cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/questions/changes")]
pub async fn question_changes(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: web::Path<String>,
    query: web::Query<QaChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(100);
    let since = match &q.since {
        Some(raw) => portal_core::Cursor::decode(raw)?
            .0
            .parse::<i64>()
            .map_err(|_| Error::invalid_parameter("since", "is not a cursor of this feed"))?,
        None => 0,
    };
    let site = site.into_inner();
    let db = state.clone();
    cached(&state, &req, "", async move {
        let batch = db
            .db(move |conn| qa_changes::after(conn, &site, since, limit))
            .await?;
        let page = QaChangePage {
            changes: batch
                .changes
                .into_iter()
                .map(|c| QaChangeDto {
                    change: c.change,
                    question_id: c.question_id,
                    at: c.at.and_utc(),
                    question: c.live.map(Into::into),
                })
                .collect(),
            next_cursor: portal_core::Cursor::encode(&batch.last.to_string()),
        };
        Ok(Rendered::json(&page, None)?)
    })
    .await
}
