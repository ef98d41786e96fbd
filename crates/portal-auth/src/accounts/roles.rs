//! Roles on sites, and the sections an editor is limited to (Điều 19.4).

use super::*;

/// Grants a role on a site. Editors may be limited to sections of that site (Điều 19.4).
pub fn grant_role(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    site: &str,
    role: Role,
    editor_sections_ids: &[i64],
) -> Result<UserView, Error> {
    if role != Role::Editor && !editor_sections_ids.is_empty() {
        return Err(Error::field(
            "sections",
            "not_an_editor",
            "only editors are limited to sections",
        ));
    }
    write_transaction(conn, |conn| {
        let user = user_by_id(conn, id)?;
        let before = snapshot(conn, &user)?;
        let site_id = site_id(conn, "site", site)?;
        let exists: i64 = role_grants::table
            .filter(role_grants::user_id.eq(id))
            .filter(role_grants::site_id.eq(site_id))
            .filter(role_grants::role.eq(role))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(role_grants::table)
                .values((
                    role_grants::user_id.eq(id),
                    role_grants::site_id.eq(site_id),
                    role_grants::role.eq(role),
                    role_grants::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        if role == Role::Editor {
            replace_editor_sections(conn, id, site_id, editor_sections_ids)?;
        }
        // Limiting an editor narrows their scopes: make it take effect now.
        bump_version(conn, id)?;
        let user = user_by_id(conn, id)?;
        let after = snapshot(conn, &user)?;
        portal_audit::append(
            conn,
            actor,
            "user.grant_role",
            Some(&format!("user:{id}")),
            Some(&before),
            Some(&after),
        )?;
        view(conn, user)
    })
}

pub(super) fn replace_editor_sections(
    conn: &mut DbConn,
    user_id: i64,
    site_id: i64,
    ids: &[i64],
) -> Result<(), Error> {
    let on_this_site = portal_sections::sections::ids_of_site(conn, site_id)?;
    let mut errors = Vec::new();
    for (i, section_id) in ids.iter().enumerate() {
        if !on_this_site.contains(section_id) {
            errors.push(FieldError::new(
                format!("sections[{i}]"),
                "unknown_section",
                format!("section {section_id} is not on this site"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    diesel::delete(
        editor_sections::table
            .filter(editor_sections::user_id.eq(user_id))
            .filter(editor_sections::section_id.eq_any(on_this_site)),
    )
    .execute(conn)?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for section_id in unique {
        diesel::insert_into(editor_sections::table)
            .values((
                editor_sections::user_id.eq(user_id),
                editor_sections::section_id.eq(section_id),
                editor_sections::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Revokes a role on a site; it takes effect on the user's next request.
pub fn revoke_role(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    site: &str,
    role: Role,
) -> Result<UserView, Error> {
    write_transaction(conn, |conn| {
        let user = user_by_id(conn, id)?;
        let before = snapshot(conn, &user)?;
        let site_id = site_id(conn, "site", site)?;
        let removed = diesel::delete(
            role_grants::table
                .filter(role_grants::user_id.eq(id))
                .filter(role_grants::site_id.eq(site_id))
                .filter(role_grants::role.eq(role)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(Error::not_found(
                "role grant",
                format!("{} on {site}", role.as_str()),
            ));
        }
        if role == Role::Editor {
            replace_editor_sections(conn, id, site_id, &[])?;
        }
        bump_version(conn, id)?;
        let user = user_by_id(conn, id)?;
        let after = snapshot(conn, &user)?;
        portal_audit::append(
            conn,
            actor,
            "user.revoke_role",
            Some(&format!("user:{id}")),
            Some(&before),
            Some(&after),
        )?;
        view(conn, user)
    })
}
