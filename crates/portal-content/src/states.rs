//! The workflow's state columns of an item (status, claim, approval, schedule, live revision):
//! stored here because the row is this crate's, changed only by the editorial workflow
//! (`portal_moderation`) through these functions, which know nothing of who may take a step.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::content_items;
use portal_db::{now, DbConn};

use crate::model::{ContentItem, Status};

/// A change of state. `None` leaves a column as it is; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = content_items)]
pub struct StateChange {
    /// Set with `StateChange::to`, which stamps `status_changed_at` with it.
    pub status: Option<String>,
    pub status_changed_at: Option<Option<NaiveDateTime>>,
    pub claimed_by: Option<Option<i64>>,
    pub approved_by: Option<Option<i64>>,
    pub approved_version: Option<Option<i64>>,
    pub publish_at: Option<Option<NaiveDateTime>>,
    pub unpublish_at: Option<Option<NaiveDateTime>>,
    pub published_revision: Option<Option<i64>>,
    pub first_published_at: Option<Option<NaiveDateTime>>,
    pub published_at: Option<Option<NaiveDateTime>>,
}

impl StateChange {
    /// Into `status` now.
    pub fn to(status: Status) -> Self {
        Self {
            status: Some(status.as_str().to_string()),
            status_changed_at: Some(Some(now())),
            ..Self::default()
        }
    }

    /// Clears the claim, the approval and the schedule: the item leaves the board's hands.
    pub fn clearing_review(self) -> Self {
        Self {
            claimed_by: Some(None),
            approved_by: Some(None),
            approved_version: Some(None),
            publish_at: Some(None),
            ..self
        }
    }
}

/// Applies `change` only while the item is still at the version and in the state it was read
/// in; false when a concurrent step or edit got there first (PostgreSQL runs steps and edits of
/// one item in parallel; SQLite serialises them).
pub fn apply_if_unchanged(
    conn: &mut DbConn,
    item: &ContentItem,
    change: &StateChange,
) -> Result<bool, Error> {
    let applied = diesel::update(
        content_items::table
            .filter(content_items::id.eq(item.id))
            .filter(content_items::version.eq(item.version))
            .filter(content_items::status.eq(item.status)),
    )
    .set(change)
    .execute(conn)?;
    Ok(applied == 1)
}

/// Applies `change` to the item as it is (the caller's transaction already decided on it).
pub fn apply(conn: &mut DbConn, id: i64, change: &StateChange) -> Result<(), Error> {
    diesel::update(content_items::table.filter(content_items::id.eq(id)))
        .set(change)
        .execute(conn)?;
    Ok(())
}

/// Items approved for publication at or before `at`, exactly at the approved revision (an edit
/// since would have sent the item back), at most `limit`.
pub fn due_for_publication(
    conn: &mut DbConn,
    at: NaiveDateTime,
    limit: i64,
) -> Result<Vec<i64>, Error> {
    Ok(content_items::table
        .filter(content_items::status.eq(Status::AwaitingApproval.as_str()))
        .filter(content_items::approved_by.is_not_null())
        .filter(content_items::approved_version.eq(content_items::version.nullable()))
        .filter(content_items::publish_at.le(at))
        .filter(content_items::deleted_at.is_null())
        .select(content_items::id)
        .limit(limit)
        .load(conn)?)
}

/// Takes a due publication for this worker: only one of several racing finds it still due.
pub fn claim_due_publication(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<bool, Error> {
    let claimed = diesel::update(
        content_items::table
            .filter(content_items::id.eq(id))
            .filter(content_items::status.eq(Status::AwaitingApproval.as_str()))
            .filter(content_items::approved_by.is_not_null())
            .filter(content_items::approved_version.eq(content_items::version.nullable()))
            .filter(content_items::publish_at.le(at)),
    )
    .set(content_items::publish_at.eq(None::<NaiveDateTime>))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Live items whose take-down time has come, at most `limit`.
pub fn due_for_take_down(
    conn: &mut DbConn,
    at: NaiveDateTime,
    limit: i64,
) -> Result<Vec<i64>, Error> {
    Ok(content_items::table
        .filter(content_items::published_revision.is_not_null())
        .filter(content_items::unpublish_at.le(at))
        .select(content_items::id)
        .limit(limit)
        .load(conn)?)
}

/// Takes a due take-down for this worker: only one of several racing finds it still due.
pub fn claim_due_take_down(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<bool, Error> {
    let claimed = diesel::update(
        content_items::table
            .filter(content_items::id.eq(id))
            .filter(content_items::published_revision.is_not_null())
            .filter(content_items::unpublish_at.le(at)),
    )
    .set(content_items::unpublish_at.eq(None::<NaiveDateTime>))
    .execute(conn)?;
    Ok(claimed == 1)
}
