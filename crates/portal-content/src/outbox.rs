//! The outbox of content changes: an event record this crate defines, one row per change that
//! mirrors and webhook receivers must see, written in the transaction of the change. The
//! workflow writes it (`record`), the change feed reads it (`after`), and webhook deliveries
//! refer to its rows.
//!
//! Why the event ids are in commit order: every workflow step appends to the audit log in the
//! same transaction, and appending takes the single audit-head row first; the outbox row is
//! written after that, so no transaction can commit a smaller id after a larger one is visible.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::outbox_events;
use portal_db::{now, DbConn};
use serde_json::{json, Value};

pub const CONTENT_EVENTS: [&str; 4] = [
    "content.published",
    "content.updated",
    "content.unpublished",
    "content.archived",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub event_type: String,
    pub item_id: i64,
    pub at: NaiveDateTime,
}

/// Up to `limit` changes after `since` (0 for the beginning), oldest first.
pub fn after(
    conn: &mut DbConn,
    site_id: Option<i64>,
    since: i64,
    limit: i64,
) -> Result<Vec<Change>, Error> {
    let mut query = outbox_events::table
        .filter(outbox_events::id.gt(since))
        .filter(outbox_events::event_type.eq_any(CONTENT_EVENTS))
        .into_boxed();
    if let Some(site) = site_id {
        query = query.filter(outbox_events::site_id.eq(site));
    }
    let rows: Vec<(i64, String, Option<i64>, NaiveDateTime)> = query
        .order(outbox_events::id.asc())
        .limit(limit)
        .select((
            outbox_events::id,
            outbox_events::event_type,
            outbox_events::item_id,
            outbox_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(seq, event_type, item_id, at)| {
            item_id.map(|item_id| Change {
                seq,
                event_type,
                item_id,
                at,
            })
        })
        .collect())
}

/// Records an event, wrapped as receivers get it (`event`, `occurred_at`, `data`); returns its
/// id. Call inside the transaction of the change.
pub fn record(
    conn: &mut DbConn,
    event_type: &str,
    site_id: Option<i64>,
    item_id: Option<i64>,
    payload: &Value,
) -> Result<i64, Error> {
    let body =
        json!({"event": event_type, "occurred_at": now().and_utc().to_rfc3339(), "data": payload});
    Ok(diesel::insert_into(outbox_events::table)
        .values((
            outbox_events::event_type.eq(event_type),
            outbox_events::site_id.eq(site_id),
            outbox_events::item_id.eq(item_id),
            outbox_events::payload.eq(body.to_string()),
            outbox_events::created_at.eq(now()),
        ))
        .returning(outbox_events::id)
        .get_result(conn)?)
}
