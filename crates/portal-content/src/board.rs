//! What waits for an editorial board, read from the items' state: the queries behind
//! `portal_moderation::queues`, kept here with the table they read.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::content_items;
use portal_db::DbConn;

use crate::model::{ContentItem, Status};

/// Submitted items on these sites or in these sections, oldest first.
pub fn submitted_in(
    conn: &mut DbConn,
    site_ids: &[i64],
    section_ids: &[i64],
    limit: i64,
) -> Result<Vec<ContentItem>, Error> {
    Ok(content_items::table
        .filter(content_items::deleted_at.is_null())
        .filter(content_items::status.eq(Status::Submitted.as_str()))
        .filter(
            content_items::site_id
                .eq_any(site_ids)
                .or(content_items::section_id.eq_any(section_ids)),
        )
        .order((
            content_items::status_changed_at.asc(),
            content_items::id.asc(),
        ))
        .limit(limit)
        .select(ContentItem::as_select())
        .load(conn)?)
}

/// Items in review claimed by this user, oldest first.
pub fn claimed_by(conn: &mut DbConn, user_id: i64, limit: i64) -> Result<Vec<ContentItem>, Error> {
    Ok(content_items::table
        .filter(content_items::deleted_at.is_null())
        .filter(content_items::status.eq(Status::InReview.as_str()))
        .filter(content_items::claimed_by.eq(user_id))
        .order(content_items::status_changed_at.asc())
        .limit(limit)
        .select(ContentItem::as_select())
        .load(conn)?)
}

/// Items forwarded for approval on these sites and not yet approved, oldest first.
pub fn awaiting_approval_on(
    conn: &mut DbConn,
    site_ids: &[i64],
    limit: i64,
) -> Result<Vec<ContentItem>, Error> {
    Ok(content_items::table
        .filter(content_items::deleted_at.is_null())
        .filter(content_items::status.eq(Status::AwaitingApproval.as_str()))
        .filter(content_items::approved_by.is_null())
        .filter(content_items::site_id.eq_any(site_ids))
        .order(content_items::status_changed_at.asc())
        .limit(limit)
        .select(ContentItem::as_select())
        .load(conn)?)
}

/// (section id, status) of every live item of a site.
pub fn states_on_site(conn: &mut DbConn, site_id: i64) -> Result<Vec<(i64, String)>, Error> {
    Ok(content_items::table
        .filter(content_items::site_id.eq(site_id))
        .filter(content_items::deleted_at.is_null())
        .select((content_items::section_id, content_items::status))
        .load(conn)?)
}

/// Items of a site waiting for its board since before `cutoff`, oldest first.
pub fn waiting_since_before(
    conn: &mut DbConn,
    site_id: i64,
    cutoff: NaiveDateTime,
    limit: i64,
) -> Result<Vec<ContentItem>, Error> {
    Ok(content_items::table
        .filter(content_items::site_id.eq(site_id))
        .filter(content_items::deleted_at.is_null())
        .filter(content_items::status.eq_any([
            Status::Submitted.as_str(),
            Status::InReview.as_str(),
            Status::AwaitingApproval.as_str(),
        ]))
        .filter(content_items::status_changed_at.lt(cutoff))
        .order(content_items::status_changed_at.asc())
        .limit(limit)
        .select(ContentItem::as_select())
        .load(conn)?)
}
