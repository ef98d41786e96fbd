//! The change feed: publish, update, unpublish and archive events in commit order, with a cursor
//! a mirror keeps to catch up after any downtime. The events are the outbox of content changes
//! that `portal_content::outbox` defines.

pub use portal_content::outbox::{after, Change, CONTENT_EVENTS};
