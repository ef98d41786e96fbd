//! The editorial workflow over HTTP (Điều 10): one endpoint per step, review comments,
//! notifications, the board's queues, and webhooks to sub-sites.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_auth::Scope;
use portal_core::{Error, PageRequest};
use portal_moderation::comments::Comment;
use portal_moderation::notifications::{self, Notification};
use portal_moderation::webhooks::{self, Endpoint, NewEndpoint};
use portal_moderation::workflow::{self, Action, StepInput};
use portal_moderation::{commands as editorial, views};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::problem::{ApiError, Problem};
use crate::routes::content::{expected_version, list_dtos, respond, ContentItemDto};
use crate::routes::PageQuery;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// Why: required to return or unpublish; kept with the step and shown to the author.
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// approve only: publish at this time instead of now.
    pub publish_at: Option<DateTime<Utc>>,
    /// approve only: take the item down at this time.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// The version the step is about, when `If-Match` is not sent: required to approve (what is
    /// published is exactly that revision), checked by the other steps when sent.
    pub version: Option<i64>,
}

/// The body is optional: an empty body means no comment.
fn parse_step(req: &HttpRequest, body: &[u8], action: Action) -> Result<StepInput, ApiError> {
    // No body, or JSON `null` (the document allows either), means no comment.
    let request: StepRequest =
        if body.iter().all(|b| b.is_ascii_whitespace()) || body.trim_ascii() == b"null" {
            StepRequest::default()
        } else {
            crate::body::from_slice(body)?
        };
    if action != Action::Approve && (request.publish_at.is_some() || request.unpublish_at.is_some())
    {
        return Err(Error::field(
            "publish_at",
            "not_for_step",
            "only approve takes publish_at and unpublish_at",
        )
        .into());
    }
    Ok(StepInput {
        expected_version: expected_version(req, request.version)?,
        comment: request.comment,
        publish_at: request.publish_at.map(|t| t.naive_utc()),
        unpublish_at: request.unpublish_at.map(|t| t.naive_utc()),
    })
}

async fn step(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: i64,
    action: Action,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let input = parse_step(&req, &body, action)?;
    let who = caller.acting();
    let result = state
        .db(move |conn| editorial::step(conn, &who, id, action, &input))
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, result))
}

macro_rules! step_endpoint {
    ($name:ident, $path:literal, $action:expr, $summary:literal, $scope:literal, $states:literal) => {
        #[doc = $summary]
        #[utoipa::path(
            tag = "workflow",
            security(("bearer" = [])),
            params(
                ("id" = i64, Path, description = "Item id"),
                ("If-Match" = Option<String>, Header, description = "The ETag of the version the step is about: required to approve (or the `version` field)"),
            ),
            request_body(content = Option<StepRequest>, description = "Optional: a comment (and for approve, a schedule)"),
            responses(
                (status = 200, description = "The item after the step", body = ContentItemDto),
                (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = $scope, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $states, body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "The item is no longer at the version named; `current_version` says which is", body = Problem, content_type = "application/problem+json"),
                (status = 428, description = "approve only: no version was named", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "A required comment, author or source is missing", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<i64>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
            step(state, req, caller, path.into_inner(), $action, body).await
        }
    };
}

step_endpoint!(submit, "/admin/content/{id}/submit", Action::Submit,
    "Submits a draft (or a returned or unpublished item) to the editorial board; it must name its author and source (Điều 6.3).",
    "Needs `content:write:section:<id>`", "Only draft, returned or unpublished items can be submitted; `allowed_transitions` lists what can be done");
step_endpoint!(
    claim,
    "/admin/content/{id}/claim",
    Action::Claim,
    "Takes a submitted item for review (Điều 10.2.a).",
    "Needs `content:review:section:<id>` or `content:review:site:<key>`",
    "Only submitted items can be claimed"
);
step_endpoint!(
    forward,
    "/admin/content/{id}/forward",
    Action::Forward,
    "Passes a reviewed item to the chief editor for approval (Điều 10.2.b).",
    "Needs a review scope on the item's section",
    "Only items in review can be forwarded"
);
step_endpoint!(approve, "/admin/content/{id}/approve", Action::Approve,
    "Approves and publishes exactly the version named by `If-Match` (or `version`), now or at `publish_at`; optionally takes it down at `unpublish_at` (Điều 10.2.b). Where the site requires two people, its creator, submitter, anyone who changed it since submission and (unless the site allows it) its forwarder cannot approve it.",
    "Needs `content:publish:site:<key>`, and, where the site requires two people, not being the item's creator, submitter, editor since submission or forwarder", "Only items awaiting approval can be approved");
step_endpoint!(
    return_item,
    "/admin/content/{id}/return",
    Action::Return,
    "Returns an item in review or awaiting approval to its author, with a required reason.",
    "Needs a review scope on the item's section",
    "Only items in review or awaiting approval can be returned"
);
step_endpoint!(
    unpublish,
    "/admin/content/{id}/unpublish",
    Action::Unpublish,
    "Takes a published item down, with a required reason; it can be submitted again.",
    "Needs `content:publish:site:<key>`",
    "Only live items can be unpublished"
);
step_endpoint!(
    archive,
    "/admin/content/{id}/archive",
    Action::Archive,
    "Archives an item in any state (the chief editor); a live item is taken down.",
    "Needs `content:publish:site:<key>`",
    "The item is already archived"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionDto {
    /// submit, claim, forward, publish, schedule, return, unpublish, archive, or send_back (an
    /// edit while the board had the item: it goes back to submitted, Điều 10.2).
    #[schema(value_type = crate::enums::WorkflowStep)]
    pub action: String,
    #[schema(value_type = crate::enums::ContentStatus)]
    pub from_status: String,
    #[schema(value_type = crate::enums::ContentStatus)]
    pub to_status: String,
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub comment: Option<String>,
    /// The item's version at this step.
    pub version: Option<i64>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowDto {
    #[schema(value_type = crate::enums::ContentStatus)]
    pub status: String,
    /// The steps the item's state allows now.
    pub allowed_transitions: Vec<String>,
    /// Who did what, when, and why, oldest first.
    pub history: Vec<TransitionDto>,
}

/// Shows an item's workflow: its state, the steps allowed now, and its history.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "The workflow", body = WorkflowDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/content/{id}/workflow")]
pub async fn item_workflow(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<WorkflowDto>, ApiError> {
    let id = path.into_inner();
    let who = caller.principal;
    let (item, history) = state
        .db(move |conn| views::item_workflow(conn, &who, id))
        .await?;
    Ok(web::Json(WorkflowDto {
        allowed_transitions: workflow::allowed(&item),
        status: item.status,
        history: history
            .into_iter()
            .map(|t| TransitionDto {
                action: t.action,
                from_status: t.from_status,
                to_status: t.to_status,
                actor: t.actor,
                actor_user_id: t.actor_user_id,
                comment: t.comment,
                version: t.version,
                at: t.created_at.and_utc(),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentDto {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id,
            parent_id: c.parent_id,
            author_user_id: c.author_user_id,
            body: c.body,
            resolved_at: c.resolved_at.map(|t| t.and_utc()),
            resolved_by: c.resolved_by,
            created_at: c.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPage {
    pub items: Vec<CommentDto>,
    pub next_cursor: Option<String>,
}

/// Lists the review comments on an item, oldest first (replies name their `parent_id`).
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), PageQuery),
    responses(
        (status = 200, description = "One page of comments", body = CommentPage),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/content/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<CommentPage>, ApiError> {
    let id = path.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.principal;
    let page = state
        .db(move |conn| views::comments(conn, &who, id, &page))
        .await?;
    Ok(web::Json(CommentPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentRequest {
    #[schema(max_length = 5000)]
    pub body: String,
    /// The comment this one answers.
    pub parent_id: Option<i64>,
}

/// Comments on an item (its author and the board).
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewCommentRequest,
    responses(
        (status = 201, description = "The comment", body = CommentDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long, or the parent is not on this item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/content/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::body::Json<NewCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    let comment = state
        .db(move |conn| editorial::comment(conn, &who, id, body.parent_id, &body.body))
        .await?;
    Ok(HttpResponse::Created().json(CommentDto::from(comment)))
}

/// Marks a review comment resolved.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id"), ("comment" = i64, Path, description = "Comment id")),
    responses(
        (status = 200, description = "Resolved", body = CommentDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs a write or review scope on the item's section", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or comment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/content/{id}/comments/{comment}/resolve")]
pub async fn resolve_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<CommentDto>, ApiError> {
    let (id, comment) = path.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| editorial::resolve_comment(conn, &who, id, comment))
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    /// submitted, forwarded, returned, published, unpublished.
    pub kind: String,
    pub item_id: Option<i64>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            item_id: n.item_id,
            message: n.message,
            created_at: n.created_at.and_utc(),
            read_at: n.read_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn own_id(caller: &Caller) -> Result<i64, ApiError> {
    caller.principal.user_id().ok_or_else(|| {
        Error::Forbidden("notifications belong to user accounts, not API keys".into()).into()
    })
}

/// The caller's notifications, newest first.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(NotificationQuery),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<NotificationQuery>,
) -> Result<web::Json<NotificationPage>, ApiError> {
    let user = own_id(&caller)?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let unread = q.unread.unwrap_or(false);
    let page = state
        .db(move |conn| notifications::list(conn, user, unread, &page))
        .await?;
    Ok(web::Json(NotificationPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notification of the caller's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let user = own_id(&caller)?;
    let id = path.into_inner();
    state
        .db(move |conn| notifications::mark_read(conn, user, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks all the caller's notifications read.
#[utoipa::path(
    tag = "workflow",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Marked read"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/notifications/read-all")]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let user = own_id(&caller)?;
    state
        .db(move |conn| notifications::mark_all_read(conn, user))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDto {
    pub id: i64,
    pub url: String,
    #[schema(value_type = Vec<crate::enums::WebhookEvent>)]
    pub events: Vec<String>,
    /// Only events of this site; null for all.
    pub site_id: Option<i64>,
    pub active: bool,
    pub consecutive_failures: i32,
    /// Why the endpoint was disabled (e.g. after failing again and again).
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookDto {
    fn from(e: Endpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            events: e.events.split_whitespace().map(str::to_string).collect(),
            site_id: e.site_id,
            active: e.active,
            consecutive_failures: e.consecutive_failures,
            disabled_reason: e.disabled_reason,
            created_by: e.created_by,
            created_at: e.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    #[schema(example = "https://hoian.gov.vn/hooks/portal")]
    pub url: String,
    /// content.published, content.updated, content.unpublished, content.archived.
    #[schema(value_type = Vec<crate::enums::WebhookEvent>)]
    pub events: Vec<String>,
    /// Only this site's events.
    pub site: Option<String>,
    /// Shared secret for the `Portal-Signature` HMAC, 16–200 characters.
    pub secret: String,
}

/// Registers a webhook endpoint (operators, or API keys with `webhooks:manage`).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Registered", body = WebhookDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an http(s) URL, a private address, an unknown event or site, or a short secret", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::body::Json<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::WebhooksManage)?;
    let body = body.into_inner();
    let actor = caller.actor();
    let allow_private = state.webhooks.allow_private;
    let endpoint = state
        .db(move |conn| {
            webhooks::create_endpoint(
                conn,
                &actor,
                &NewEndpoint {
                    url: body.url,
                    events: body.events,
                    site: body.site,
                    secret: body.secret,
                },
                allow_private,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(WebhookDto::from(endpoint)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookDto>,
    pub next_cursor: Option<String>,
}

/// Lists webhook endpoints (never their secrets).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of endpoints", body = WebhookPage),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    caller.require(Scope::WebhooksManage)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let page = state
        .db(move |conn| webhooks::list_endpoints(conn, &page))
        .await?;
    Ok(web::Json(WebhookPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn set_active(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    active: bool,
) -> Result<web::Json<WebhookDto>, ApiError> {
    caller.require(Scope::WebhooksManage)?;
    let actor = caller.actor();
    Ok(web::Json(
        state
            .db(move |conn| webhooks::set_active(conn, &actor, id, active))
            .await?
            .into(),
    ))
}

/// Turns an endpoint off.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "Disabled", body = WebhookDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/disable")]
pub async fn disable_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<WebhookDto>, ApiError> {
    set_active(state, caller, path.into_inner(), false).await
}

/// Turns an endpoint (back) on, clearing its failure count.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "Enabled", body = WebhookDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/enable")]
pub async fn enable_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<WebhookDto>, ApiError> {
    set_active(state, caller, path.into_inner(), true).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptDto {
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: i64,
    pub event_id: i64,
    pub event_type: String,
    /// pending, delivered or abandoned.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub attempt_log: Vec<AttemptDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryDto>,
    pub next_cursor: Option<String>,
}

/// Lists an endpoint's deliveries, newest first, with every attempt.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id"), PageQuery),
    responses(
        (status = 200, description = "One page of deliveries", body = DeliveryPage),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<DeliveryPage>, ApiError> {
    caller.require(Scope::WebhooksManage)?;
    let id = path.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let page = state
        .db(move |conn| webhooks::deliveries(conn, id, &page))
        .await?;
    Ok(web::Json(DeliveryPage {
        items: page
            .items
            .into_iter()
            .map(|(d, event_type, attempts)| DeliveryDto {
                id: d.id,
                event_id: d.event_id,
                event_type,
                status: d.status,
                attempts: d.attempts,
                next_attempt_at: d.next_attempt_at.and_utc(),
                last_status_code: d.last_status_code,
                last_error: d.last_error,
                delivered_at: d.delivered_at.map(|t| t.and_utc()),
                created_at: d.created_at.and_utc(),
                attempt_log: attempts
                    .into_iter()
                    .map(|a| AttemptDto {
                        at: a.attempted_at.and_utc(),
                        status_code: a.status_code,
                        latency_ms: a.latency_ms,
                        error: a.error,
                    })
                    .collect(),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedDelivery {
    /// The new delivery, sent by the worker within seconds.
    pub delivery_id: i64,
}

/// Sends a delivery's event again, as a new delivery.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id"), ("delivery" = i64, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued", body = QueuedDelivery),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery of this endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/deliveries/{delivery}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::WebhooksManage)?;
    let (id, delivery) = path.into_inner();
    let delivery_id = state
        .db(move |conn| webhooks::redeliver(conn, id, delivery))
        .await?;
    Ok(HttpResponse::Accepted().json(QueuedDelivery { delivery_id }))
}

/// Sends a `webhook.test` event to the endpoint.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 202, description = "Queued", body = QueuedDelivery),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/webhooks/{id}/test")]
pub async fn test_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::WebhooksManage)?;
    let id = path.into_inner();
    let actor = caller.actor();
    let delivery_id = state
        .db(move |conn| webhooks::send_test(conn, &actor, id))
        .await?;
    Ok(HttpResponse::Accepted().json(QueuedDelivery { delivery_id }))
}
