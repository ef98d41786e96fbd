//! What the portal UI, sub-sites and integrators read: only published items (from the
//! `published_items` table, which holds nothing else), in sections that are visible on active sites.

pub mod changes;
pub mod feeds;
pub mod items;
pub mod open_data;
pub mod search;
pub mod typed;
pub mod views;

pub use items::PublishedItem;
