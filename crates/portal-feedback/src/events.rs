//! The life of a case, step by step: who, when, what and why. Public events are what the
//! citizen's status link shows, and what is mailed to a citizen who agreed to e-mail; the others
//! (internal notes) never leave the back office.

use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::feedback_events;
use portal_db::{now, DbConn};

use crate::model::Case;

pub fn record(
    conn: &mut DbConn,
    case_id: i64,
    actor: &str,
    action: &str,
    note: Option<&str>,
    public: bool,
) -> Result<(), Error> {
    diesel::insert_into(feedback_events::table)
        .values((
            feedback_events::case_id.eq(case_id),
            feedback_events::at.eq(now()),
            feedback_events::actor.eq(actor),
            feedback_events::action.eq(action),
            feedback_events::note.eq(note),
            feedback_events::public.eq(public),
        ))
        .execute(conn)?;
    Ok(())
}

/// A step the citizen is told of: on the status link, and by e-mail when they agreed to it
/// (queued in the same transaction, sent by the job runner).
pub fn told(
    conn: &mut DbConn,
    case: &Case,
    actor: &str,
    action: &str,
    note: Option<&str>,
) -> Result<(), Error> {
    record(conn, case.id, actor, action, note, true)?;
    crate::mail::enqueue(conn, case, action, note)
}
