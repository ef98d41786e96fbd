//! Who holds which role where: the lookups other crates need to address people (notifications
//! of the board, Điều 10.2) without reading `role_grants`, `editor_sections` or `users`, which
//! belong to this crate.

use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::{editor_sections, role_grants, users};
use portal_db::DbConn;

use crate::model::{Role, UserStatus};

/// Active users holding `role` on the site.
pub fn holders(conn: &mut DbConn, site_id: i64, role: Role) -> Result<Vec<i64>, Error> {
    Ok(role_grants::table
        .inner_join(users::table)
        .filter(role_grants::site_id.eq(site_id))
        .filter(role_grants::role.eq(role))
        .filter(users::status.eq(UserStatus::Active))
        .order(users::id.asc())
        .select(users::id)
        .load(conn)?)
}

/// The site's chief editors, who approve (Điều 10.2.b).
pub fn chief_editors(conn: &mut DbConn, site_id: i64) -> Result<Vec<i64>, Error> {
    holders(conn, site_id, Role::ChiefEditor)
}

/// The board members who review a section: the chief editors, editors of the whole site, and
/// editors assigned to this section (Điều 19.4).
pub fn reviewers(conn: &mut DbConn, site_id: i64, section_id: i64) -> Result<Vec<i64>, Error> {
    let mut out = chief_editors(conn, site_id)?;
    for editor in holders(conn, site_id, Role::Editor)? {
        let assigned: Vec<i64> = editor_sections::table
            .filter(editor_sections::user_id.eq(editor))
            .select(editor_sections::section_id)
            .load(conn)?;
        if assigned.is_empty() || assigned.contains(&section_id) {
            out.push(editor);
        }
    }
    Ok(out)
}

/// The id of an active account of an agency, by username: whom an agency may name to sign its
/// answers to citizens (`portal-feedback`).
pub fn member_of_agency(
    conn: &mut DbConn,
    username: &str,
    agency_id: i64,
) -> Result<Option<i64>, Error> {
    Ok(users::table
        .filter(users::username.eq(username))
        .filter(users::agency_id.eq(agency_id))
        .filter(users::status.eq(UserStatus::Active))
        .select(users::id)
        .first(conn)
        .optional()?)
}
