//! Scheduled publication and take-down. The state is in the database (`publish_at`,
//! `unpublish_at`), so it survives restarts; each item is claimed with a conditional update inside
//! the transaction that acts on it, so several workers or replicas never act twice.

use portal_audit::Actor;
use portal_content::states;
use portal_content::Status;
use portal_core::Error;
use portal_db::{now, write_transaction, DbConn};

use crate::workflow::{publish_now, take_down};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub published: usize,
    pub unpublished: usize,
}

/// Publishes what is due and takes down what has expired, as of now.
pub fn run_due(conn: &mut DbConn) -> Result<Report, Error> {
    let at = now();
    let actor = Actor::system("scheduler");
    let mut report = Report::default();
    let to_publish = states::due_for_publication(conn, at, 500)?;
    for id in to_publish {
        let done = write_transaction(conn, |conn| {
            // The claim: only one worker's update finds the item still scheduled.
            if !states::claim_due_publication(conn, id, at)? {
                return Ok::<_, Error>(false);
            }
            let item = portal_content::items::get(conn, id)?;
            publish_now(
                conn,
                &actor,
                &item,
                item.unpublish_at,
                Some("scheduled publication"),
            )?;
            Ok(true)
        })?;
        report.published += usize::from(done);
    }
    let to_take_down = states::due_for_take_down(conn, at, 500)?;
    for id in to_take_down {
        let done = write_transaction(conn, |conn| {
            if !states::claim_due_take_down(conn, id, at)? {
                return Ok::<_, Error>(false);
            }
            let item = portal_content::items::get(conn, id)?;
            take_down(
                conn,
                &actor,
                &item,
                Status::Unpublished,
                "unpublish",
                Some("scheduled take-down"),
            )?;
            Ok(true)
        })?;
        report.unpublished += usize::from(done);
    }
    Ok(report)
}
