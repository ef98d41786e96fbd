//! What waits for the board: per person, and per site with what is overdue.

use actix_web::{get, web};
use portal_moderation::views;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::dto::{list_dtos, ContentItemDto};
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueDto {
    /// Submitted items in sections the caller reviews, oldest first.
    pub claimable: Vec<ContentItemDto>,
    /// Items the caller claimed.
    pub claimed_by_me: Vec<ContentItemDto>,
    /// Items forwarded to the chief editor of a site the caller publishes on.
    pub awaiting_my_approval: Vec<ContentItemDto>,
}

/// What is waiting for the caller (at most 100 of each).
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's queue", body = QueueDto),
        (status = 403, description = "The credentials carry no review or publish scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/workflow/queue")]
pub async fn my_queue(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<QueueDto>, ApiError> {
    let who = caller.principal;
    let queue = state.db(move |conn| views::my_queue(conn, &who)).await?;
    let queue = QueueDto {
        claimable: list_dtos(queue.claimable),
        claimed_by_me: list_dtos(queue.claimed_by_me),
        awaiting_my_approval: list_dtos(queue.awaiting_my_approval),
    };
    Ok(web::Json(queue))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionStateCount {
    pub section_id: i64,
    pub slug: String,
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteWorkflowStats {
    pub site: String,
    pub counts: Vec<SectionStateCount>,
    /// How long an item may wait for the board before it counts as overdue.
    pub threshold_hours: i32,
    /// Items waiting for the board longer than the threshold, oldest first.
    pub overdue: Vec<ContentItemDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Site key.
    pub site: String,
}

/// Items per section and state on a site, and what is overdue (the board and its chief).
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "The site's workflow", body = SiteWorkflowStats),
        (status = 400, description = "site is missing", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `content:review:site:<key>` or `content:publish:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/workflow/stats")]
pub async fn site_stats(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<SiteWorkflowStats>, ApiError> {
    let key = query.into_inner().site;
    let who = caller.principal;
    let site = key.clone();
    let stats = state
        .db(move |conn| views::site_stats(conn, &who, &site))
        .await?;
    Ok(web::Json(SiteWorkflowStats {
        counts: stats
            .counts
            .into_iter()
            .map(|c| SectionStateCount {
                section_id: c.section_id,
                slug: c.slug,
                status: c.status,
                count: c.count,
            })
            .collect(),
        threshold_hours: stats.threshold_hours,
        overdue: list_dtos(stats.overdue),
        site: key,
    }))
}
