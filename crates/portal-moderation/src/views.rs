//! The editorial front door, reading side: an item's workflow and comments for who may see the
//! item, and the queues of the board.

use portal_auth::{ItemAccess, Principal};
use portal_content::views::{authorized, listed, ListedItem};
use portal_content::ContentItem;
use portal_core::{Error, Page, PageRequest};
use portal_db::DbConn;

use crate::comments::{self, Comment};
use crate::queues;
use crate::workflow::{self, Transition};

/// An item's state, the steps it allows now, and its history.
pub fn item_workflow(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
) -> Result<(ContentItem, Vec<Transition>), Error> {
    let (item, _) = authorized(conn, who, id, ItemAccess::Read, false)?;
    let history = workflow::history(conn, id)?;
    Ok((item, history))
}

pub fn comments(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
    page: &PageRequest,
) -> Result<Page<Comment>, Error> {
    authorized(conn, who, id, ItemAccess::Read, false)?;
    comments::list(conn, id, page)
}

/// What waits for `who` (at most 100 of each).
pub struct QueueView {
    pub claimable: Vec<ListedItem>,
    pub claimed_by_me: Vec<ListedItem>,
    pub awaiting_my_approval: Vec<ListedItem>,
}

/// The queue of a signed-in reviewer or chief editor; refused to anyone who reviews nowhere.
pub fn my_queue(conn: &mut DbConn, who: &Principal) -> Result<QueueView, Error> {
    let user = who.user_id().ok_or_else(|| {
        Error::Forbidden("notifications belong to user accounts, not API keys".into())
    })?;
    let q = queues::my_queue(conn, user, &who.review_reach()?)?;
    Ok(QueueView {
        claimable: listed(conn, q.claimable)?,
        claimed_by_me: listed(conn, q.claimed_by_me)?,
        awaiting_my_approval: listed(conn, q.awaiting_my_approval)?,
    })
}

/// A site's workflow: items per section and state, and what waits too long.
pub struct SiteStatsView {
    pub counts: Vec<queues::SectionCount>,
    pub overdue: Vec<ListedItem>,
    /// How long an item may wait for the board before it counts as overdue.
    pub threshold_hours: i32,
}

/// Items per section and state on a site, and what is overdue: its board and chief editor.
pub fn site_stats(
    conn: &mut DbConn,
    who: &Principal,
    site_key: &str,
) -> Result<SiteStatsView, Error> {
    who.require_board_of(site_key)?;
    let (counts, overdue, threshold_hours) = queues::site_stats(conn, site_key)?;
    Ok(SiteStatsView {
        counts,
        overdue: listed(conn, overdue)?,
        threshold_hours,
    })
}
