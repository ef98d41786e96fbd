//! Scheduled publication and take-down. The state is in the database (`publish_at`,
//! `unpublish_at`), so it survives restarts; each item is claimed with a conditional update inside
//! the transaction that acts on it, so several workers or replicas never act twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_content::Status;
use portal_core::Error;
use portal_db::schema::content_items;
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
    let to_publish: Vec<i64> = content_items::table
        .filter(content_items::status.eq(Status::AwaitingApproval.as_str()))
        .filter(content_items::approved_by.is_not_null())
        // Exactly the revision approved (an edit since would have sent the item back).
        .filter(content_items::approved_version.eq(content_items::version.nullable()))
        .filter(content_items::publish_at.le(at))
        .filter(content_items::deleted_at.is_null())
        .select(content_items::id)
        .limit(500)
        .load(conn)?;
    for id in to_publish {
        let done = write_transaction(conn, |conn| {
            // The claim: only one worker's update finds the item still scheduled.
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
            if claimed == 0 {
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
    let to_take_down: Vec<i64> = content_items::table
        .filter(content_items::published_revision.is_not_null())
        .filter(content_items::unpublish_at.le(at))
        .select(content_items::id)
        .limit(500)
        .load(conn)?;
    for id in to_take_down {
        let done = write_transaction(conn, |conn| {
            let claimed = diesel::update(
                content_items::table
                    .filter(content_items::id.eq(id))
                    .filter(content_items::published_revision.is_not_null())
                    .filter(content_items::unpublish_at.le(at)),
            )
            .set(content_items::unpublish_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
            if claimed == 0 {
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
