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
use portal_auth::ItemAccess;
use portal_content::items::get_live;
use portal_content::states::{self, StateChange};
use portal_content::text::clean;
use portal_content::{ContentItem, Status};
use portal_core::{Error, FieldError};
use portal_db::schema::workflow_transitions;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::{notifications, review, webhooks};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Claim,
    Forward,
    Approve,
    Return,
    Unpublish,
    Archive,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Submit,
        Action::Claim,
        Action::Forward,
        Action::Approve,
        Action::Return,
        Action::Unpublish,
        Action::Archive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Claim => "claim",
            Action::Forward => "forward",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Unpublish => "unpublish",
            Action::Archive => "archive",
        }
    }

    /// What a step needs of the item: writing in its section (the author submits), reviewing
    /// there (the board, Điều 10.2.a), or publishing on its site (the chief editor, Điều 10.2.b).
    pub fn needs(self) -> ItemAccess {
        match self {
            Action::Submit => ItemAccess::Write,
            Action::Claim | Action::Forward | Action::Return => ItemAccess::Review,
            Action::Approve | Action::Unpublish | Action::Archive => ItemAccess::Publish,
        }
    }

    fn allowed_for(self, item: &ContentItem) -> bool {
        let status = item.status;
        match self {
            Action::Submit => matches!(
                status,
                Status::Draft | Status::Returned | Status::Unpublished
            ),
            Action::Claim => status == Status::Submitted,
            Action::Forward => status == Status::InReview,
            // Approved for later: still waiting, but not again.
            Action::Approve => status == Status::AwaitingApproval && item.approved_by.is_none(),
            Action::Return => matches!(status, Status::InReview | Status::AwaitingApproval),
            Action::Unpublish => item.published_revision.is_some(),
            Action::Archive => status != Status::Archived,
        }
    }
}

/// The steps the item's state allows now.
pub fn allowed(item: &ContentItem) -> Vec<String> {
    Action::ALL
        .into_iter()
        .filter(|a| a.allowed_for(item))
        .map(|a| a.as_str().to_string())
        .collect()
}

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
) -> Result<(), Error> {
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
    Ok(())
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

/// Takes one workflow step. The caller has already checked the scope `action.needs()`.
pub fn step(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    action: Action,
    input: &StepInput,
) -> Result<ContentItem, Error> {
    write_transaction(conn, |conn| {
        let item = get_live(conn, id)?;
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
                    None => publish_now(conn, actor, &item, input.unpublish_at, comment)?,
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
    })
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use portal_content::Kind;

    /// An item in `status`, with nothing approved and nothing live.
    pub(crate) fn item_in(status: Status) -> ContentItem {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .expect("a date");
        ContentItem {
            id: 1,
            site_id: 1,
            section_id: 1,
            kind: Kind::News,
            language: "vi".into(),
            translation_group: "g".into(),
            translation_of: None,
            title: "Tin".into(),
            slug: "tin".into(),
            summary: None,
            body: String::new(),
            author: Some("Phóng viên".into()),
            source: Some("Cổng TTĐT".into()),
            tags: "[]".into(),
            featured_image_url: None,
            fields: "{}".into(),
            status,
            version: 1,
            published_at: None,
            created_by: Some(7),
            updated_by: Some(7),
            created_at: at,
            updated_at: at,
            deleted_at: None,
            deleted_by: None,
            published_revision: None,
            first_published_at: None,
            claimed_by: None,
            approved_by: None,
            publish_at: None,
            unpublish_at: None,
            status_changed_at: Some(at),
            approved_version: None,
        }
    }

    fn allowed_in(item: &ContentItem) -> Vec<&'static str> {
        Action::ALL
            .into_iter()
            .filter(|a| a.allowed_for(item))
            .map(Action::as_str)
            .collect()
    }

    #[test]
    fn the_steps_each_state_allows_follow_article_10() {
        // Điều 10.1: the agency submits; 10.2.a: the board reviews (claims), edits and forwards
        // or returns; 10.2.b: the chief editor approves; published items can be taken down.
        let table = [
            (Status::Draft, vec!["submit", "archive"]),
            (Status::Submitted, vec!["claim", "archive"]),
            (Status::InReview, vec!["forward", "return", "archive"]),
            (
                Status::AwaitingApproval,
                vec!["approve", "return", "archive"],
            ),
            (Status::Returned, vec!["submit", "archive"]),
            (Status::Unpublished, vec!["submit", "archive"]),
            (Status::Archived, vec![]),
        ];
        for (status, steps) in table {
            assert_eq!(allowed_in(&item_in(status)), steps, "{status}");
        }
        let mut live = item_in(Status::Published);
        live.published_revision = Some(1);
        assert_eq!(allowed_in(&live), ["unpublish", "archive"]);
    }

    #[test]
    fn an_item_approved_for_later_cannot_be_approved_again() {
        let mut scheduled = item_in(Status::AwaitingApproval);
        scheduled.approved_by = Some(3);
        assert!(!Action::Approve.allowed_for(&scheduled));
        assert!(
            Action::Return.allowed_for(&scheduled),
            "the board can still stop it"
        );
    }

    #[test]
    fn each_step_needs_the_right_access() {
        // Điều 10.2: the author submits, the board reviews, the chief editor approves.
        assert_eq!(Action::Submit.needs(), ItemAccess::Write);
        for review in [Action::Claim, Action::Forward, Action::Return] {
            assert_eq!(review.needs(), ItemAccess::Review, "{}", review.as_str());
        }
        for publish in [Action::Approve, Action::Unpublish, Action::Archive] {
            assert_eq!(publish.needs(), ItemAccess::Publish, "{}", publish.as_str());
        }
    }
}
