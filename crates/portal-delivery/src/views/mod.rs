//! The delivery front door: what readers ask for (an item, a list, the change feed, a search, a
//! feed or sitemap), each answered on one connection with every reference resolved in a fixed
//! number of queries. Readers are anonymous, so there is nothing to authorize: what is not
//! published on an active site in a visible section is simply not found. The api maps these views
//! to its DTOs and renders nothing from the database itself.

mod dublin_core;
mod feeds;
mod lists;
mod types;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use portal_core::Error;
use portal_db::DbConn;
use portal_sections::sections::{breadcrumb, reachable_of_site};
use portal_sections::sites;
use portal_sections::Section;

pub use dublin_core::{dublin_core, DublinCore, ELEMENTS as DUBLIN_CORE_ELEMENTS};
pub use feeds::{feed, sitemap, FeedFormat};
pub use lists::{filter, list, search, Hit, ListPage, Order, Paging, SearchPage, Selection};
pub use types::{content_type, type_versions, typed_items, types, TypedPage, TypedQuery};

use crate::items::{self, PublishedItem};

/// A published item with its site's key.
#[derive(Debug, Clone)]
pub struct Located {
    pub item: PublishedItem,
    pub site: String,
}

/// Site keys of a batch of items, read in one query.
fn locate(conn: &mut DbConn, found: Vec<PublishedItem>) -> Result<Vec<Located>, Error> {
    let ids: Vec<i64> = found.iter().map(|i| i.site_id).collect();
    let keys = sites::keys_by_id(conn, &ids)?;
    Ok(found
        .into_iter()
        .map(|item| Located {
            site: keys.get(&item.site_id).cloned().unwrap_or_default(),
            item,
        })
        .collect())
}

/// Another published language of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub language: String,
    pub id: i64,
    pub slug: String,
}

/// A published item alone: where it sits, its other languages, and the newest others of its
/// section.
#[derive(Debug, Clone)]
pub struct ItemDetail {
    pub item: PublishedItem,
    pub site: String,
    /// The sections from the site's root down to the item's.
    pub breadcrumb: Vec<Section>,
    pub translations: Vec<Translation>,
    /// Of the same site, so `site` is theirs too.
    pub related: Vec<PublishedItem>,
    /// True when the item was found by a slug it had before.
    pub redirected: bool,
}

const RELATED: i64 = 5;

fn detail(conn: &mut DbConn, item: PublishedItem, redirected: bool) -> Result<ItemDetail, Error> {
    let site = sites::key_of(conn, item.site_id)?;
    let in_site = reachable_of_site(conn, item.site_id)?;
    let crumbs = in_site
        .iter()
        .find(|s| s.id == item.section_id)
        .map(|section| breadcrumb(section, &in_site).into_iter().cloned().collect())
        .unwrap_or_default();
    let translations = items::translations(conn, &item)?
        .into_iter()
        .map(|(language, id, slug)| Translation { language, id, slug })
        .collect();
    let related = items::related(conn, &item, RELATED)?;
    Ok(ItemDetail {
        item,
        site,
        breadcrumb: crumbs,
        translations,
        related,
        redirected,
    })
}

/// A published item by id.
pub fn item(conn: &mut DbConn, id: i64) -> Result<ItemDetail, Error> {
    let item = items::by_id(conn, id)?;
    detail(conn, item, false)
}

/// A published item by its site, language and slug, current or former.
pub fn item_by_slug(
    conn: &mut DbConn,
    site_key: &str,
    language: &str,
    slug: &str,
) -> Result<ItemDetail, Error> {
    let site = sites::active_by_key(conn, site_key)?;
    let (item, redirected) = items::by_slug(conn, site.id, language, slug)?;
    detail(conn, item, redirected)
}

/// One entry of the change feed.
#[derive(Debug, Clone)]
pub struct Change {
    /// published, updated, unpublished or archived.
    pub change: String,
    pub item_id: i64,
    pub at: NaiveDateTime,
    /// The item as it is live now; None for a tombstone (unpublished, archived, or since
    /// removed or hidden).
    pub live: Option<Located>,
}

/// Changes after `since`, oldest first, and the sequence number to resume from.
pub struct ChangeBatch {
    pub changes: Vec<Change>,
    pub last: i64,
}

/// The change feed of one site (or all), after sequence number `since`: the live items of the
/// whole batch are read together, not one by one.
pub fn changes(
    conn: &mut DbConn,
    site_key: Option<&str>,
    since: i64,
    limit: i64,
) -> Result<ChangeBatch, Error> {
    let site_id = match site_key {
        Some(key) => Some(sites::active_by_key(conn, key)?.id),
        None => None,
    };
    let found = crate::changes::after(conn, site_id, since, limit)?;
    let wanted: Vec<i64> = found
        .iter()
        .filter(|c| {
            matches!(
                c.event_type.as_str(),
                "content.published" | "content.updated"
            )
        })
        .map(|c| c.item_id)
        .collect();
    let visible = items::visible_by_ids(conn, &wanted)?;
    let live: HashMap<i64, Located> = locate(conn, visible)?
        .into_iter()
        .map(|l| (l.item.item_id, l))
        .collect();
    let last = found.last().map_or(since, |c| c.seq);
    let changes = found
        .into_iter()
        .map(|c| {
            let current = matches!(
                c.event_type.as_str(),
                "content.published" | "content.updated"
            );
            Change {
                live: current.then(|| live.get(&c.item_id).cloned()).flatten(),
                change: c.event_type.trim_start_matches("content.").to_string(),
                item_id: c.item_id,
                at: c.at,
            }
        })
        .collect();
    Ok(ChangeBatch { changes, last })
}
