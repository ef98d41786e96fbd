//! The steps of the editorial workflow over HTTP (Điều 10), one endpoint each, and an item's
//! workflow history.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use portal_core::Error;
use portal_moderation::workflow::{self, Action, StepInput};
use portal_moderation::{commands as editorial, views};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::dto::{expected_version, respond, ContentItemDto};
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
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
            crate::http::body::from_slice(body)?
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
        status: item.status.to_string(),
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
