//! The editorial front door: the use cases of the board (Điều 10), each taking who is acting and
//! the input, authorizing through `portal_auth::access`, running in one transaction on one
//! connection, and returning the item's view. Changes to an item's text, place or revision go
//! through here rather than `portal_content::items`, because an edit under review sends the item
//! back to the board (`review::edit`).

use portal_auth::{Acting, ItemAccess};
use portal_content::items::{self, Patch};
use portal_content::views::{authorized, item_view, item_view_on_site, require_write_in, ItemView};
use portal_core::Error;
use portal_db::{write_transaction, DbConn};

use crate::comments::{self, Comment};
use crate::review;
use crate::workflow::{self, Action, StepInput};

/// Saves a change to an item `who` may write, based on version `expected` (428 without one: no
/// one's change is lost to a blind overwrite).
pub fn edit(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    expected: Option<i64>,
    patch: &Patch,
    note: Option<&str>,
) -> Result<ItemView, Error> {
    authorized(conn, &who.principal, id, ItemAccess::Write, false)?;
    let expected = expected.ok_or_else(|| {
        Error::PreconditionRequired(
            "send If-Match with the item's ETag (or the `version` field) so that no one's change is lost".into(),
        )
    })?;
    let actor = &who.actor;
    let item = review::edit(conn, actor, id, |conn| {
        items::update(conn, actor, id, expected, patch, note)
    })?;
    item_view(conn, item)
}

/// Moves an item to another section of its site; `who` must be able to write in both.
pub fn move_to(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    section_id: i64,
    expected: Option<i64>,
) -> Result<ItemView, Error> {
    authorized(conn, &who.principal, id, ItemAccess::Write, false)?;
    require_write_in(conn, &who.principal, section_id)?;
    let actor = &who.actor;
    let item = review::edit(conn, actor, id, |conn| {
        items::move_to(conn, actor, id, section_id, expected)
    })?;
    item_view(conn, item)
}

/// Makes an old revision current again, as a new revision.
pub fn restore_revision(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    version: i64,
    expected: Option<i64>,
) -> Result<ItemView, Error> {
    authorized(conn, &who.principal, id, ItemAccess::Write, false)?;
    let actor = &who.actor;
    let item = review::edit(conn, actor, id, |conn| {
        items::restore_revision(conn, actor, id, version, expected)
    })?;
    item_view(conn, item)
}

/// Takes one step of the workflow, by whoever the step needs (`Action::needs`).
pub fn step(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    action: Action,
    input: &StepInput,
) -> Result<ItemView, Error> {
    // Authorized inside the step's transaction: the item that was checked (its section, its
    // site) is the one that moves, and it is read once.
    let (item, site) = write_transaction(conn, |conn| {
        let (item, site) = authorized(conn, &who.principal, id, action.needs(), false)?;
        let item = workflow::step(conn, &who.actor, item, action, input)?;
        Ok::<_, Error>((item, site))
    })?;
    item_view_on_site(conn, item, site)
}

/// A review comment (or a reply) by the item's author or the board.
pub fn comment(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    parent_id: Option<i64>,
    body: &str,
) -> Result<Comment, Error> {
    authorized(conn, &who.principal, id, ItemAccess::Read, false)?;
    comments::add(conn, &who.actor, id, parent_id, body)
}

pub fn resolve_comment(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    comment: i64,
) -> Result<Comment, Error> {
    authorized(conn, &who.principal, id, ItemAccess::Read, false)?;
    comments::resolve(conn, &who.actor, id, comment)
}
