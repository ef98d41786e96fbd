//! The event of an item's **first** publication, defined here for the domains above content that
//! must act in the same transaction as the workflow step that publishes it (royalty claims,
//! Điều 15–16: a claim per credited author of every published work). Content knows nothing of
//! those domains: the application registers their handlers once at start (`register`), and the
//! workflow's publish step calls `first_publication` inside its transaction, so that a failing
//! handler rolls the publication back with it.

use std::sync::RwLock;

use chrono::NaiveDateTime;
use portal_core::Error;
use portal_db::DbConn;

use crate::model::ContentItem;

/// What a handler learns of a work published for the first time.
#[derive(Debug, Clone)]
pub struct FirstPublication {
    pub item_id: i64,
    pub site_id: i64,
    pub section_id: i64,
    pub title: String,
    /// The account that wrote it, when an account did.
    pub created_by: Option<i64>,
    /// The byline as typed ("Nguyễn Văn A - Sở Y tế"), for handlers that credit it.
    pub byline: Option<String>,
    pub published_at: NaiveDateTime,
}

impl FirstPublication {
    pub fn of(item: &ContentItem, published_at: NaiveDateTime) -> FirstPublication {
        FirstPublication {
            item_id: item.id,
            site_id: item.site_id,
            section_id: item.section_id,
            title: item.title.clone(),
            created_by: item.created_by,
            byline: item.author.clone(),
            published_at,
        }
    }
}

/// A handler runs on the publishing transaction's connection.
pub type Handler = fn(&mut DbConn, &FirstPublication) -> Result<(), Error>;

static HANDLERS: RwLock<Vec<Handler>> = RwLock::new(Vec::new());

/// Adds `handler` once (registering the same function again is a no-op, so that every app built
/// in one process — the tests start many — registers the same set).
pub fn register(handler: Handler) {
    let mut handlers = HANDLERS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !handlers.iter().any(|h| std::ptr::fn_addr_eq(*h, handler)) {
        handlers.push(handler);
    }
}

/// Runs every registered handler, in registration order; the first error aborts the step.
pub fn first_publication(conn: &mut DbConn, event: &FirstPublication) -> Result<(), Error> {
    let handlers: Vec<Handler> = HANDLERS
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    for handler in handlers {
        handler(conn, event)?;
    }
    Ok(())
}
