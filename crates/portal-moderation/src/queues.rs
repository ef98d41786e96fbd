//! What waits for the board: per person, and per section with what is overdue.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_content::{ContentItem, Status};
use portal_core::Error;
use portal_db::schema::content_items;
use portal_db::{now, DbConn};

/// The sites and sections a person may review or publish in, read from their scopes.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub review_sites: Vec<String>,
    pub review_sections: Vec<i64>,
    pub publish_sites: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct MyQueue {
    /// Submitted items in sections the person reviews, oldest first.
    pub claimable: Vec<ContentItem>,
    /// Items the person claimed and is reviewing.
    pub claimed_by_me: Vec<ContentItem>,
    /// Items forwarded to the chief editor of a site the person publishes on.
    pub awaiting_my_approval: Vec<ContentItem>,
}

const QUEUE_LIMIT: i64 = 100;

fn site_ids(conn: &mut DbConn, keys: &[String]) -> Result<Vec<i64>, Error> {
    portal_sections::sites::ids_of(conn, keys)
}

pub fn my_queue(conn: &mut DbConn, user_id: i64, reach: &Reach) -> Result<MyQueue, Error> {
    let review_sites = site_ids(conn, &reach.review_sites)?;
    let publish_sites = site_ids(conn, &reach.publish_sites)?;
    let live = content_items::deleted_at.is_null();
    let claimable = content_items::table
        .filter(live)
        .filter(content_items::status.eq(Status::Submitted.as_str()))
        .filter(
            content_items::site_id
                .eq_any(&review_sites)
                .or(content_items::section_id.eq_any(&reach.review_sections)),
        )
        .order((
            content_items::status_changed_at.asc(),
            content_items::id.asc(),
        ))
        .limit(QUEUE_LIMIT)
        .select(ContentItem::as_select())
        .load(conn)?;
    let claimed_by_me = content_items::table
        .filter(live)
        .filter(content_items::status.eq(Status::InReview.as_str()))
        .filter(content_items::claimed_by.eq(user_id))
        .order(content_items::status_changed_at.asc())
        .limit(QUEUE_LIMIT)
        .select(ContentItem::as_select())
        .load(conn)?;
    let awaiting_my_approval = content_items::table
        .filter(live)
        .filter(content_items::status.eq(Status::AwaitingApproval.as_str()))
        .filter(content_items::approved_by.is_null())
        .filter(content_items::site_id.eq_any(&publish_sites))
        .order(content_items::status_changed_at.asc())
        .limit(QUEUE_LIMIT)
        .select(ContentItem::as_select())
        .load(conn)?;
    Ok(MyQueue {
        claimable,
        claimed_by_me,
        awaiting_my_approval,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionCount {
    pub section_id: i64,
    pub slug: String,
    pub status: String,
    pub count: i64,
}

/// Items per section and state on a site, and those waiting in the board's states longer than
/// the site's threshold.
pub fn site_stats(
    conn: &mut DbConn,
    site_key: &str,
) -> Result<(Vec<SectionCount>, Vec<ContentItem>, i32), Error> {
    let site = portal_sections::sites::by_key(conn, site_key)?
        .ok_or_else(|| Error::not_found("site", site_key))?;
    let (site_id, threshold_hours) = (site.id, site.review_threshold_hours);
    let slugs: std::collections::HashMap<i64, String> =
        portal_sections::sections::all_of_site(conn, site_id)?
            .into_iter()
            .map(|s| (s.id, s.slug))
            .collect();
    let rows: Vec<(i64, String)> = content_items::table
        .filter(content_items::site_id.eq(site_id))
        .filter(content_items::deleted_at.is_null())
        .select((content_items::section_id, content_items::status))
        .load(conn)?;
    let mut counts: Vec<SectionCount> = Vec::new();
    for (section_id, status) in rows {
        let slug = slugs.get(&section_id).cloned().unwrap_or_default();
        match counts
            .iter_mut()
            .find(|c| c.section_id == section_id && c.status == status)
        {
            Some(c) => c.count += 1,
            None => counts.push(SectionCount {
                section_id,
                slug,
                status,
                count: 1,
            }),
        }
    }
    counts.sort_by(|a, b| (a.section_id, &a.status).cmp(&(b.section_id, &b.status)));
    let cutoff: NaiveDateTime = now() - chrono::Duration::hours(i64::from(threshold_hours));
    let overdue = content_items::table
        .filter(content_items::site_id.eq(site_id))
        .filter(content_items::deleted_at.is_null())
        .filter(content_items::status.eq_any([
            Status::Submitted.as_str(),
            Status::InReview.as_str(),
            Status::AwaitingApproval.as_str(),
        ]))
        .filter(content_items::status_changed_at.lt(cutoff))
        .order(content_items::status_changed_at.asc())
        .limit(QUEUE_LIMIT)
        .select(ContentItem::as_select())
        .load(conn)?;
    Ok((counts, overdue, threshold_hours))
}
