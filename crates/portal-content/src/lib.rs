//! Content authoring: items of every kind in the sections an agency owns, their translations and
//! revisions, under the Vietnamese text rules (TCVN 6909:2001, Điều 6.6) and with safe HTML.
//! The front door is `commands` (writes) and `views` (reads): they take the principal, decide who
//! may do what through `portal_auth::access`, and run on one connection; `items` and `revisions`
//! below them hold the queries and rules and assume the caller was checked. The workflow states
//! after `draft` belong to the moderation crate.

pub mod board;
pub mod commands;
pub mod demo;
pub mod html;
pub mod items;
pub mod model;
pub mod outbox;
pub mod publication;
pub mod published;
pub mod revisions;
pub mod states;
pub mod text;
pub mod types;
pub mod validate;
pub mod views;

pub use model::{ContentItem, Kind, Status};
