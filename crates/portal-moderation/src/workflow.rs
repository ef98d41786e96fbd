//! The states of Điều 10 and the steps between them:
//!
//! ```text
//! draft ─submit→ submitted ─claim→ in_review ─forward→ awaiting_approval ─approve→ published
//!   ▲                              │                  │                        │
//!   └──────── returned ◄─return────┴──────────────────┘              unpublish │
//! unpublished ◄──────────────────────────────────────────────────────────────────┘
//! (unpublished and returned items are submitted again; any state ─archive→ archived)
//! ```
//!
//! Every step is one transaction that checks the state, records who, when, from, to and the
//! comment, notifies the people it concerns, and writes webhook events to the outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_content::states::{self, StateChange};
use portal_content::text::clean;
use portal_content::{ContentItem, Status};
use portal_core::{Error, FieldError};
use portal_db::schema::workflow_transitions;
use portal_db::{now, DbConn};
use serde_json::json;

pub use crate::transitions::{allowed, Action};
use crate::{notifications, review, webhooks};

#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub comment: Option<String>,
    /// Approve only: publish at this time rather than now.
    pub publish_at: Option<NaiveDateTime>,
    /// Approve only: take the item down at this time.
    pub unpublish_at: Option<NaiveDateTime>,
    /// The version the caller saw (`If-Match` or `version`): required to approve, so that what
    /// is published is exactly the revision approved; checked by the other steps when sent.
    pub expected_version: Option<i64>,
}

pub(crate) fn record(
    conn: &mut DbConn,
    actor: &Actor,
    item: &ContentItem,
    action: &str,
    to: &str,
    comment: Option<&str>,
) -> Result<(), Error> {
    diesel::insert_into(workflow_transitions::table)
        .values((
            workflow_transitions::item_id.eq(item.id),
            workflow_transitions::version.eq(Some(item.version)),
            workflow_transitions::action.eq(action),
            workflow_transitions::from_status.eq(&item.status),
            workflow_transitions::to_status.eq(to),
            workflow_transitions::actor_user_id.eq(actor.user_id),
            workflow_transitions::actor.eq(&actor.label),
            workflow_transitions::comment.eq(comment),
            workflow_transitions::created_at.eq(now()),
        ))
        .execute(conn)?;
    portal_audit::append(
        conn,
        actor,
        &format!("content.{action}"),
        Some(&format!("content:{}", item.id)),
        Some(&json!({"status": item.status})),
        Some(&json!({"status": to, "comment": comment, "version": item.version})),
    )?;
    Ok(())
}

/// Moves the item from the state it was read in, with `change`; if a concurrent change moved or
/// edited it first, nothing is written and the caller is told to reload.
fn move_state(conn: &mut DbConn, item: &ContentItem, change: StateChange) -> Result<(), Error> {
    if !states::apply_if_unchanged(conn, item, &change)? {
        return Err(changed_meanwhile(conn, item.id));
    }
    Ok(())
}

fn changed_meanwhile(conn: &mut DbConn, id: i64) -> Error {
    match portal_content::items::get(conn, id) {
        Ok(now) => Error::PreconditionFailed {
            message: format!(
                "the item changed while this step ran; it is now {} at version {}: reload and retry",
                now.status, now.version
            ),
            current_version: now.version,
        },
        Err(e) => e,
    }
}

fn site_key(conn: &mut DbConn, site_id: i64) -> Result<String, Error> {
    portal_sections::sites::key_of(conn, site_id)
}

/// Emits the change of an item published outside the workflow's steps (demo content): the
/// change feed and webhooks see it like any other publication.
pub fn announce_published(conn: &mut DbConn, item: &ContentItem) -> Result<(), Error> {
    let payload = event_payload(conn, item)?;
    webhooks::enqueue(conn, "content.published", item.site_id, item.id, &payload)?;
    Ok(())
}

/// What webhook receivers get: enough to fetch the item, and its live version.
fn event_payload(conn: &mut DbConn, item: &ContentItem) -> Result<serde_json::Value, Error> {
    Ok(json!({
        "id": item.id,
        "site": site_key(conn, item.site_id)?,
        "section_id": item.section_id,
        "kind": item.kind,
        "language": item.language,
        "slug": item.slug,
        "title": item.title,
        "published_revision": item.published_revision,
    }))
}

fn required_comment(input: &StepInput, action: Action) -> Result<String, Error> {
    let mut errors = Vec::new();
    let comment = clean(
        "comment",
        input.comment.as_deref().unwrap_or(""),
        2_000,
        true,
        &mut errors,
    );
    if errors.is_empty() && comment.trim().is_empty() {
        errors.push(FieldError::new(
            "comment",
            "required",
            format!("say why ({} needs a reason)", action.as_str()),
        ));
    }
    if errors.is_empty() {
        Ok(comment)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Publishes the item's current version now: the snapshot readers see is fixed at this version.
pub(crate) fn publish_now(
    conn: &mut DbConn,
    actor: &Actor,
    item: &ContentItem,
    unpublish_at: Option<NaiveDateTime>,
    comment: Option<&str>,
) -> Result<ContentItem, Error> {
    let at = now();
    let first = item.first_published_at.is_none();
    move_state(
        conn,
        item,
        StateChange {
            published_revision: Some(Some(item.version)),
            first_published_at: Some(Some(item.first_published_at.unwrap_or(at))),
            published_at: Some(Some(at)),
            unpublish_at: Some(unpublish_at),
            ..StateChange::to(Status::Published).clearing_review()
        },
    )?;
    record(
        conn,
        actor,
        item,
        "publish",
        Status::Published.as_str(),
        comment,
    )?;
    let published = portal_content::items::get(conn, item.id)?;
    portal_content::published::put(conn, &published, published.first_published_at.unwrap_or(at))?;
    if first {
        // Royalty claims and whatever else starts with a work's first publication (Điều 15).
        portal_content::publication::first_publication(
            conn,
            &portal_content::publication::FirstPublication::of(&published, at),
        )?;
    }
    let payload = event_payload(conn, &published)?;
    let event = if first {
        "content.published"
    } else {
        "content.updated"
    };
    webhooks::enqueue(conn, event, item.site_id, item.id, &payload)?;
    if let Some(author) = item.created_by {
        notifications::notify(
            conn,
            &[author],
            "published",
            Some(item.id),
            &format!("«{}» was published", item.title),
        )?;
    }
    Ok(published)
}

/// Takes the live version down.
pub(crate) fn take_down(
    conn: &mut DbConn,
    actor: &Actor,
    item: &ContentItem,
    to: Status,
    action: &str,
    comment: Option<&str>,
) -> Result<(), Error> {
    let was_live = item.published_revision.is_some();
    states::apply(
        conn,
        item.id,
        &StateChange {
            published_revision: Some(None),
            unpublish_at: Some(None),
            publish_at: Some(None),
            approved_by: Some(None),
            approved_version: Some(None),
            ..StateChange::to(to)
        },
    )?;
    record(conn, actor, item, action, to.as_str(), comment)?;
    portal_content::published::remove(conn, item.id)?;
    if was_live {
        let payload = event_payload(conn, item)?;
        let event = if to == Status::Archived {
            "content.archived"
        } else {
            "content.unpublished"
        };
        webhooks::enqueue(conn, event, item.site_id, item.id, &payload)?;
    }
    Ok(())
}

/// Takes one workflow step on `item`, as the caller read it and checked `action.needs()` inside
/// the write transaction this runs in (`commands::step`): what was authorized is what moves, and
/// the item is read once before the step and once after it.
pub fn step(
    conn: &mut DbConn,
    actor: &Actor,
    item: ContentItem,
    action: Action,
    input: &StepInput,
) -> Result<ContentItem, Error> {
    let id = item.id;
    if !action.allowed_for(&item) {
        return Err(Error::InvalidTransition {
            message: format!(
                "an item that is {} cannot be {}ed",
                item.status,
                action.as_str().trim_end_matches('e')
            ),
            allowed: allowed(&item),
        });
    }
    if let Some(expected) = input.expected_version {
        if expected != item.version {
            return Err(Error::PreconditionFailed {
                message: format!(
                    "you saw version {expected}, but the item is at version {}: review the changes, then {} that version",
                    item.version,
                    action.as_str()
                ),
                current_version: item.version,
            });
        }
    } else if action == Action::Approve {
        return Err(Error::PreconditionRequired(
            "name the revision you approve: send If-Match with the item's ETag (or the `version` field)".into(),
        ));
    }
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match action {
        Action::Submit => {
            // Điều 6.3: every published item names its author and its source.
            let mut errors = Vec::new();
            if item.author.as_deref().is_none_or(|a| a.trim().is_empty()) {
                errors.push(FieldError::new(
                    "author",
                    "required",
                    "an item names its author before it is submitted (Điều 6.3)",
                ));
            }
            if item.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                errors.push(FieldError::new(
                    "source",
                    "required",
                    "an item names its source before it is submitted (Điều 6.3)",
                ));
            }
            if !errors.is_empty() {
                return Err(Error::Validation(errors));
            }
            move_state(
                conn,
                &item,
                StateChange {
                    claimed_by: Some(None),
                    approved_by: Some(None),
                    approved_version: Some(None),
                    ..StateChange::to(Status::Submitted)
                },
            )?;
            record(
                conn,
                actor,
                &item,
                "submit",
                Status::Submitted.as_str(),
                comment,
            )?;
            let board = portal_auth::directory::reviewers(conn, item.site_id, item.section_id)?;
            notifications::notify(
                conn,
                &board,
                "submitted",
                Some(id),
                &format!("«{}» was submitted for review", item.title),
            )?;
        }
        Action::Claim => {
            move_state(
                conn,
                &item,
                StateChange {
                    claimed_by: Some(actor.user_id),
                    ..StateChange::to(Status::InReview)
                },
            )?;
            record(
                conn,
                actor,
                &item,
                "claim",
                Status::InReview.as_str(),
                comment,
            )?;
        }
        Action::Forward => {
            move_state(conn, &item, StateChange::to(Status::AwaitingApproval))?;
            record(
                conn,
                actor,
                &item,
                "forward",
                Status::AwaitingApproval.as_str(),
                comment,
            )?;
            let chiefs = portal_auth::directory::chief_editors(conn, item.site_id)?;
            notifications::notify(
                conn,
                &chiefs,
                "forwarded",
                Some(id),
                &format!("«{}» awaits your approval", item.title),
            )?;
        }
        Action::Approve => {
            review::refuse_own_work(conn, actor, &item)?;
            let at = now();
            if let Some(unpublish_at) = input.unpublish_at {
                if unpublish_at <= input.publish_at.unwrap_or(at) {
                    return Err(Error::field(
                        "unpublish_at",
                        "not_after_publication",
                        "must be after the publication time",
                    ));
                }
            }
            match input.publish_at.filter(|t| *t > at) {
                Some(publish_at) => {
                    // Approved for later, at this version: still awaiting approval, so
                    // the scheduler publishes it only while nothing changed.
                    move_state(
                        conn,
                        &item,
                        StateChange {
                            approved_by: Some(actor.user_id),
                            approved_version: Some(Some(item.version)),
                            publish_at: Some(Some(publish_at)),
                            unpublish_at: Some(input.unpublish_at),
                            ..StateChange::default()
                        },
                    )?;
                    record(
                        conn,
                        actor,
                        &item,
                        "schedule",
                        Status::AwaitingApproval.as_str(),
                        comment,
                    )?;
                }
                None => return publish_now(conn, actor, &item, input.unpublish_at, comment),
            }
        }
        Action::Return => {
            let reason = required_comment(input, action)?;
            move_state(
                conn,
                &item,
                StateChange::to(Status::Returned).clearing_review(),
            )?;
            record(
                conn,
                actor,
                &item,
                "return",
                Status::Returned.as_str(),
                Some(&reason),
            )?;
            if let Some(author) = item.created_by {
                notifications::notify(
                    conn,
                    &[author],
                    "returned",
                    Some(id),
                    &format!("«{}» was returned: {reason}", item.title),
                )?;
            }
        }
        Action::Unpublish => {
            let reason = required_comment(input, action)?;
            take_down(
                conn,
                actor,
                &item,
                Status::Unpublished,
                "unpublish",
                Some(&reason),
            )?;
            if let Some(author) = item.created_by {
                notifications::notify(
                    conn,
                    &[author],
                    "unpublished",
                    Some(id),
                    &format!("«{}» was taken down: {reason}", item.title),
                )?;
            }
        }
        Action::Archive => take_down(conn, actor, &item, Status::Archived, "archive", comment)?,
    }
    portal_content::items::get(conn, id)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = workflow_transitions)]
pub struct Transition {
    pub id: i64,
    pub item_id: i64,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
    /// The item's version at this step (absent on steps recorded before it was kept).
    pub version: Option<i64>,
}

/// The item's history of steps, oldest first.
pub fn history(conn: &mut DbConn, item_id: i64) -> Result<Vec<Transition>, Error> {
    Ok(workflow_transitions::table
        .filter(workflow_transitions::item_id.eq(item_id))
        .order(workflow_transitions::id.asc())
        .limit(1_000)
        .select(Transition::as_select())
        .load(conn)?)
}
