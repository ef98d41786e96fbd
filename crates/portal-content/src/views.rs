//! The content front door, reading side: each function takes the principal, loads what it needs
//! on one connection, checks the principal may see it (`portal_auth::access`), and returns a view.

use portal_auth::{ItemAccess, Principal};
use portal_core::{Error, Page, PageRequest};
use portal_db::DbConn;

use crate::items::{self, Filter};
use crate::model::ContentItem;
use crate::revisions::{self, FieldChange, Revision};

/// Another language of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationLink {
    pub language: String,
    pub id: i64,
    pub slug: String,
}

/// One item as the admin API shows it: with its site's key and its other languages.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: ContentItem,
    pub site: String,
    pub translations: Vec<TranslationLink>,
}

/// An item in a list: with its site's key, without translations.
#[derive(Debug, Clone)]
pub struct ListedItem {
    pub item: ContentItem,
    pub site: String,
}

/// The item with its site key and translations.
pub fn item_view(conn: &mut DbConn, item: ContentItem) -> Result<ItemView, Error> {
    let site = portal_sections::sites::key_of(conn, item.site_id)?;
    item_view_on_site(conn, item, site)
}

/// The same, when the caller already holds the site's key (from `authorized`): a step never
/// moves an item to another site.
pub fn item_view_on_site(
    conn: &mut DbConn,
    item: ContentItem,
    site: String,
) -> Result<ItemView, Error> {
    let translations = items::translations(conn, &item)?
        .into_iter()
        .map(|(language, id, slug)| TranslationLink { language, id, slug })
        .collect();
    Ok(ItemView {
        item,
        site,
        translations,
    })
}

/// List entries, with the site keys read in one query.
pub fn listed(conn: &mut DbConn, found: Vec<ContentItem>) -> Result<Vec<ListedItem>, Error> {
    let ids: Vec<i64> = found.iter().map(|i| i.site_id).collect();
    let keys = portal_sections::sites::keys_by_id(conn, &ids)?;
    Ok(found
        .into_iter()
        .map(|item| ListedItem {
            site: keys.get(&item.site_id).cloned().unwrap_or_default(),
            item,
        })
        .collect())
}

/// Loads an item (deleted ones too with `include_deleted`) and checks `who` may have `access`
/// to it; returns it with its site's key. Unknown and refused are told apart (404, 403): item
/// ids are not secret, their content is.
pub fn authorized(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
    access: ItemAccess,
    include_deleted: bool,
) -> Result<(ContentItem, String), Error> {
    let item = if include_deleted {
        items::get(conn, id)?
    } else {
        items::get_live(conn, id)?
    };
    let site = portal_sections::sites::key_of(conn, item.site_id)?;
    who.require_on_item(access, item.section_id, &site)?;
    Ok((item, site))
}

/// Checks `who` may write into a section (422 naming `section_id` when there is none).
pub fn require_write_in(conn: &mut DbConn, who: &Principal, section_id: i64) -> Result<(), Error> {
    let placement =
        portal_sections::sites::placement_of_section(conn, section_id)?.ok_or_else(|| {
            Error::field(
                "section_id",
                "unknown_section",
                format!("section {section_id} does not exist"),
            )
        })?;
    who.require_on_item(ItemAccess::Write, section_id, &placement.site_key)
}

pub fn show(conn: &mut DbConn, who: &Principal, id: i64) -> Result<ItemView, Error> {
    let (item, _) = authorized(conn, who, id, ItemAccess::Read, false)?;
    item_view(conn, item)
}

/// Items in the sections `who` may write to or review, most recently updated first.
pub fn list(
    conn: &mut DbConn,
    who: &Principal,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<ListedItem>, Error> {
    let reach = who.content_reach();
    if reach.site_keys.is_empty() && reach.section_ids.is_empty() {
        return Err(Error::Forbidden(
            "the credentials carry no content:write or content:review scope".into(),
        ));
    }
    let found = items::list(conn, filter, &reach, page)?;
    Ok(Page {
        items: listed(conn, found.items)?,
        next_cursor: found.next_cursor,
    })
}

pub fn revisions(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
    page: &PageRequest,
) -> Result<Page<Revision>, Error> {
    authorized(conn, who, id, ItemAccess::Read, false)?;
    revisions::list(conn, id, page)
}

pub fn revision(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
    version: i64,
) -> Result<Revision, Error> {
    authorized(conn, who, id, ItemAccess::Read, false)?;
    revisions::get(conn, id, version)
}

pub fn diff(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<FieldChange>, Error> {
    authorized(conn, who, id, ItemAccess::Read, false)?;
    revisions::diff(conn, id, from, to)
}
