//! Content authoring: items of every kind in the sections an agency owns, their translations and
//! revisions, under the Vietnamese text rules (TCVN 6909:2001, Điều 6.6) and with safe HTML.
//! Who may write where is decided by the caller's scopes before these functions run; the
//! workflow states after `draft` belong to the moderation crate.

pub mod demo;
pub mod html;
pub mod items;
pub mod model;
pub mod published;
pub mod revisions;
pub mod text;
pub mod validate;

pub use model::{ContentItem, Kind, Status};
