//! The change feed of published Q&A, for mirrors and sub-sites: each publication, edit and
//! withdrawal of a site's Q&A in commit order, with a cursor to catch up after any downtime — as
//! `/changes` does for content. A row is appended in the step's transaction after its audit
//! entry; the audit head serialises writers, so ids grow in commit order and a cursor never
//! skips a change committed late.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::feedback_publication_changes;
use portal_db::{now, DbConn};

use crate::publication::{self, PublishedQa};

/// The most changes one call returns.
pub const MAX_CHANGES: i64 = 500;

/// Appends a change; called by `publication` inside its transaction, after the audit entry.
pub(crate) fn record(
    conn: &mut DbConn,
    publication_id: i64,
    site_id: i64,
    change: &str,
) -> Result<(), Error> {
    diesel::insert_into(feedback_publication_changes::table)
        .values((
            feedback_publication_changes::publication_id.eq(publication_id),
            feedback_publication_changes::site_id.eq(site_id),
            feedback_publication_changes::change.eq(change),
            feedback_publication_changes::at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaChange {
    pub id: i64,
    /// published, updated or withdrawn.
    pub change: String,
    pub question_id: i64,
    pub at: NaiveDateTime,
    /// The Q&A as it is live now; none once withdrawn (a tombstone).
    pub live: Option<PublishedQa>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaChangeBatch {
    pub changes: Vec<QaChange>,
    /// The cursor to pass next: the last change returned, or `since` when none.
    pub last: i64,
}

/// A site's changes after `since`, oldest first.
pub fn after(
    conn: &mut DbConn,
    site_key: &str,
    since: i64,
    limit: i64,
) -> Result<QaChangeBatch, Error> {
    if !(1..=MAX_CHANGES).contains(&limit) {
        return Err(Error::invalid_parameter(
            "limit",
            format!("from 1 to {MAX_CHANGES}"),
        ));
    }
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    let rows: Vec<(i64, i64, String, NaiveDateTime)> = feedback_publication_changes::table
        .filter(feedback_publication_changes::site_id.eq(site.id))
        .filter(feedback_publication_changes::id.gt(since))
        .order(feedback_publication_changes::id.asc())
        .limit(limit)
        .select((
            feedback_publication_changes::id,
            feedback_publication_changes::publication_id,
            feedback_publication_changes::change,
            feedback_publication_changes::at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let live = publication::live_by_ids(conn, &ids)?;
    let last = rows.last().map_or(since, |r| r.0);
    Ok(QaChangeBatch {
        changes: rows
            .into_iter()
            .map(|(id, question_id, change, at)| QaChange {
                id,
                change,
                question_id,
                at,
                live: live.iter().find(|q| q.id == question_id).cloned(),
            })
            .collect(),
        last,
    })
}
