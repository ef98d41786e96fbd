//! The content front door, writing side: each use case takes who is acting and the input,
//! authorizes on its connection, runs one write transaction (`items` appends the audit event
//! inside it), and returns the view. Authorization reads before the write transaction, so that
//! SQLite's write lock is not held while a megabyte of HTML is being sanitised; what it reads (a
//! section's site, an item's section) is what the scopes of the token were computed against. Changes to an item that may be under review (edit, move, restore) go
//! through `portal_moderation::commands`, which knows what review an edit undoes.

use portal_auth::{Acting, ItemAccess};
use portal_core::Error;
use portal_db::DbConn;

use crate::items::{self, NewItem};
use crate::validate::Draft;
use crate::views::{authorized, item_view, require_write_in, ItemView};

/// A draft in a section `who` may write to.
pub fn create(conn: &mut DbConn, who: &Acting, new: &NewItem) -> Result<ItemView, Error> {
    require_write_in(conn, &who.principal, new.section_id)?;
    let item = items::create(conn, &who.actor, new)?;
    item_view(conn, item)
}

/// The translation of an item into another of its site's languages (Điều 4.3).
#[derive(Debug, Clone, Default)]
pub struct NewTranslation {
    /// Default: the original's section.
    pub section_id: Option<i64>,
    pub language: String,
    /// `draft.fields` is used only when `fields_from_original` is false.
    pub draft: Draft,
    /// Document numbers and dates do not change with the language: by default the translation
    /// keeps its original's.
    pub fields_from_original: bool,
    pub note: Option<String>,
}

/// Translates an item `who` may see into a section of its site `who` may write to.
pub fn translate(
    conn: &mut DbConn,
    who: &Acting,
    source_id: i64,
    translation: NewTranslation,
) -> Result<ItemView, Error> {
    let (source, _) = authorized(conn, &who.principal, source_id, ItemAccess::Read, false)?;
    let section_id = translation.section_id.unwrap_or(source.section_id);
    require_write_in(conn, &who.principal, section_id)?;
    let kind = source.kind;
    let mut draft = translation.draft;
    if translation.fields_from_original {
        draft.fields = source.fields.value().clone();
    }
    let new = NewItem {
        section_id,
        kind,
        content_type: source.content_type.clone(),
        language: translation.language,
        draft,
        note: translation.note,
    };
    let item = items::translate(conn, &who.actor, source_id, &new)?;
    item_view(conn, item)
}

/// Deletes a draft `who` may write (kept, and restorable by the chief editor).
pub fn delete(conn: &mut DbConn, who: &Acting, id: i64) -> Result<(), Error> {
    authorized(conn, &who.principal, id, ItemAccess::Write, false)?;
    items::delete(conn, &who.actor, id)
}

/// Restores a deleted item: the site's chief editor only (Điều 10.2.b).
pub fn undelete(conn: &mut DbConn, who: &Acting, id: i64) -> Result<ItemView, Error> {
    let (_, site) = authorized(conn, &who.principal, id, ItemAccess::Read, true)?;
    who.principal.require_publish_on(&site)?;
    let item = items::undelete(conn, &who.actor, id)?;
    item_view(conn, item)
}

/// Deletes a section of a site's tree for whoever manages that tree, but only once it holds no
/// items: content sits above sections, so the rule that its items must move first is kept here
/// (the foreign key would refuse the delete anyway, without saying why).
pub fn delete_section(conn: &mut DbConn, who: &Acting, id: i64) -> Result<(), Error> {
    portal_auth::admin::org::require_manage_section(conn, &who.principal, id)?;
    let held = items::count_in_section(conn, id)?;
    if held > 0 {
        return Err(Error::Conflict(format!(
            "section {id} still holds {held} item(s); move them first"
        )));
    }
    portal_sections::admin::delete_section(conn, &who.actor, id)
}
