//! What waits for the board: per person, and per section with what is overdue.

use chrono::NaiveDateTime;
use portal_auth::ReviewReach;
use portal_content::board;
use portal_content::ContentItem;
use portal_core::Error;
use portal_db::{now, DbConn};

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

pub fn my_queue(conn: &mut DbConn, user_id: i64, reach: &ReviewReach) -> Result<MyQueue, Error> {
    let review_sites = site_ids(conn, &reach.review_sites)?;
    let publish_sites = site_ids(conn, &reach.publish_sites)?;
    let claimable = board::submitted_in(conn, &review_sites, &reach.review_sections, QUEUE_LIMIT)?;
    let claimed_by_me = board::claimed_by(conn, user_id, QUEUE_LIMIT)?;
    let awaiting_my_approval = board::awaiting_approval_on(conn, &publish_sites, QUEUE_LIMIT)?;
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
    let rows = board::states_on_site(conn, site_id)?;
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
    let overdue = board::waiting_since_before(conn, site_id, cutoff, QUEUE_LIMIT)?;
    Ok((counts, overdue, threshold_hours))
}
