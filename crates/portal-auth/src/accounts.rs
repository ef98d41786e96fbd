//! Managing accounts (Điều 21.4: the IT centre manages every admin, editor and updater account).
//! Each change is one transaction with its audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::text::nfc;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{editor_sections, role_grants, users};
use portal_db::{now, write_transaction, DbConn};
use serde_json::{json, Value};

use crate::model::{Grant, Role, User, UserStatus};
use crate::{password, scopes, tokens};

/// Usernames are compared lower-case and trimmed.
pub fn normalize_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}

pub fn user_by_id(conn: &mut DbConn, id: i64) -> Result<User, Error> {
    users::table
        .filter(users::id.eq(id))
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("user", id))
}

pub fn user_by_username(conn: &mut DbConn, username: &str) -> Result<User, Error> {
    let username = normalize_username(username);
    users::table
        .filter(users::username.eq(&username))
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("user", username))
}

/// A user as administrators see them: with the agency's code and the roles per site.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: User,
    pub agency: String,
    pub grants: Vec<Grant>,
}

pub fn view(conn: &mut DbConn, user: User) -> Result<UserView, Error> {
    let agency = portal_sections::agencies::code_of(conn, user.agency_id)?;
    let grants = scopes::grants_of(conn, user.id)?;
    Ok(UserView {
        user,
        agency,
        grants,
    })
}

/// What the audit log keeps of a user: never the password hash or the TOTP secret.
fn snapshot(conn: &mut DbConn, user: &User) -> Result<Value, Error> {
    let view = view(conn, user.clone())?;
    Ok(json!({
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "agency": view.agency,
        "status": user.status,
        "must_change_password": user.must_change_password,
        "roles": view.grants.iter().map(|g| json!({"site": g.site_key, "role": g.role.as_str(), "sections": g.sections})).collect::<Vec<_>>(),
    }))
}

fn active_agency_id(conn: &mut DbConn, field: &str, code: &str) -> Result<i64, Error> {
    let row = portal_sections::agencies::find_by_code(conn, code)?.map(|a| (a.id, a.active));
    match row {
        Some((id, true)) => Ok(id),
        Some((_, false)) => Err(Error::field(
            field,
            "inactive_agency",
            format!("agency '{code}' is no longer active"),
        )),
        None => Err(Error::field(
            field,
            "unknown_agency",
            format!("no agency has the code '{code}'"),
        )),
    }
}

fn site_id(conn: &mut DbConn, field: &str, key: &str) -> Result<i64, Error> {
    portal_sections::sites::by_key(conn, key)?
        .map(|site| site.id)
        .ok_or_else(|| {
            Error::field(
                field,
                "unknown_site",
                format!("no site has the key '{key}'"),
            )
        })
}

fn bump_version(conn: &mut DbConn, user_id: i64) -> Result<(), Error> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set((
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn check_email(errors: &mut Vec<FieldError>, email: Option<&str>) {
    if let Some(email) = email {
        let ok = email.len() <= 254
            && !email.chars().any(|c| c.is_control() || c.is_whitespace())
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !ok {
            errors.push(FieldError::new(
                "email",
                "invalid_email",
                "is not an e-mail address",
            ));
        }
    }
}

fn check_display_name(errors: &mut Vec<FieldError>, name: &str) {
    let chars = name.chars().count();
    // Điều 6.6's text rules hold for every name a person writes.
    if let Some(problem) = portal_core::text::human_text_problem("display_name", name, false) {
        errors.push(problem);
    } else if chars == 0 || chars > 200 {
        errors.push(FieldError::new(
            "display_name",
            "invalid_length",
            "1 to 200 characters",
        ));
    }
}

pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub agency: String,
    pub password: String,
    /// True when an operator sets the first password: the user must choose their own.
    pub must_change_password: bool,
}

pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewUser) -> Result<UserView, Error> {
    let username = normalize_username(&new.username);
    let display_name = nfc(new.display_name.trim());
    let email = new
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_lowercase);
    let mut errors = Vec::new();
    if !valid_username(&username) {
        errors.push(FieldError::new(
            "username",
            "invalid_username",
            "3 to 64 characters: lower-case letters, digits, '.', '-' or '_'",
        ));
    }
    check_display_name(&mut errors, &display_name);
    check_email(&mut errors, email.as_deref());
    if let Err(Error::Validation(mut rules)) =
        password::check_policy("password", &new.password, &username)
    {
        errors.append(&mut rules);
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let hash = password::hash(&new.password)?;
    write_transaction(conn, |conn| {
        let agency_id = active_agency_id(conn, "agency", &new.agency)?;
        let taken: i64 = users::table
            .filter(users::username.eq(&username))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(Error::field(
                "username",
                "taken",
                format!("'{username}' is already in use"),
            ));
        }
        let at = now();
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(&username),
                users::display_name.eq(&display_name),
                users::email.eq(email.as_deref()),
                users::agency_id.eq(agency_id),
                users::password_hash.eq(&hash),
                users::status.eq(UserStatus::Active.as_str()),
                users::must_change_password.eq(new.must_change_password),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .returning(users::id)
            .get_result(conn)?;
        let user = user_by_id(conn, id)?;
        let after = snapshot(conn, &user)?;
        portal_audit::append(
            conn,
            actor,
            "user.create",
            Some(&format!("user:{id}")),
            None,
            Some(&after),
        )?;
        view(conn, user)
    })
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub agency: Option<String>,
    pub status: Option<UserStatus>,
    pub role: Option<Role>,
    pub site: Option<String>,
    /// Matches username, display name or e-mail, case-insensitively.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConn,
    filter: &UserFilter,
    page: &PageRequest,
) -> Result<Page<UserView>, Error> {
    let mut query = users::table.select(User::as_select()).into_boxed();
    if let Some(code) = &filter.agency {
        let agency_id = portal_sections::agencies::find_by_code(conn, code)?.map(|a| a.id);
        query = query.filter(users::agency_id.eq(agency_id.unwrap_or(-1)));
    }
    if let Some(status) = filter.status {
        query = query.filter(users::status.eq(status.as_str()));
    }
    if filter.role.is_some() || filter.site.is_some() {
        let mut grants = role_grants::table.select(role_grants::user_id).into_boxed();
        if let Some(role) = filter.role {
            grants = grants.filter(role_grants::role.eq(role.as_str()));
        }
        if let Some(site) = &filter.site {
            let site_id = portal_sections::sites::by_key(conn, site)?.map_or(-1, |s| s.id);
            grants = grants.filter(role_grants::site_id.eq(site_id));
        }
        let ids: Vec<i64> = grants.load(conn)?;
        query = query.filter(users::id.eq_any(ids));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", q.trim().to_lowercase().replace(['%', '_'], ""));
        query = query.filter(
            users::username
                .like(pattern.clone())
                .or(users::display_name.like(pattern.clone()))
                .or(users::email.like(pattern)),
        );
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(users::id.gt(after));
    }
    let rows = query
        .order(users::id.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |u| u.id.to_string());
    let items = page
        .items
        .into_iter()
        .map(|u| view(conn, u))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub agency: Option<String>,
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    patch: &UserPatch,
) -> Result<UserView, Error> {
    let mut errors = Vec::new();
    let display_name = patch.display_name.as_deref().map(|n| nfc(n.trim()));
    if let Some(name) = &display_name {
        check_display_name(&mut errors, name);
    }
    let email = patch
        .email
        .clone()
        .map(|e| e.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()));
    if let Some(email) = &email {
        check_email(&mut errors, email.as_deref());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let before_user = user_by_id(conn, id)?;
        let before = snapshot(conn, &before_user)?;
        if let Some(name) = &display_name {
            diesel::update(users::table.filter(users::id.eq(id)))
                .set(users::display_name.eq(name))
                .execute(conn)?;
        }
        if let Some(email) = &email {
            diesel::update(users::table.filter(users::id.eq(id)))
                .set(users::email.eq(email.as_deref()))
                .execute(conn)?;
        }
        if let Some(code) = &patch.agency {
            let agency_id = active_agency_id(conn, "agency", code)?;
            if agency_id != before_user.agency_id {
                diesel::update(users::table.filter(users::id.eq(id)))
                    .set(users::agency_id.eq(agency_id))
                    .execute(conn)?;
                // The agency decides which sections the user may write to.
                bump_version(conn, id)?;
            }
        }
        diesel::update(users::table.filter(users::id.eq(id)))
            .set(users::updated_at.eq(now()))
            .execute(conn)?;
        let user = user_by_id(conn, id)?;
        let after = snapshot(conn, &user)?;
        portal_audit::append(
            conn,
            actor,
            "user.update",
            Some(&format!("user:{id}")),
            Some(&before),
            Some(&after),
        )?;
        view(conn, user)
    })
}

/// Disables or re-enables an account. Disabling ends every session at the next request;
/// enabling also clears a lockout.
pub fn set_enabled(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    enabled: bool,
) -> Result<UserView, Error> {
    write_transaction(conn, |conn| {
        let before_user = user_by_id(conn, id)?;
        if Some(id) == actor.user_id && !enabled {
            return Err(Error::Conflict(
                "you cannot disable your own account".into(),
            ));
        }
        let before = snapshot(conn, &before_user)?;
        let status = if enabled {
            UserStatus::Active
        } else {
            UserStatus::Disabled
        };
        let at = now();
        diesel::update(users::table.filter(users::id.eq(id)))
            .set((
                users::status.eq(status.as_str()),
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                // Re-enabled idle accounts start a new idle period.
                users::last_login_at.eq(if enabled {
                    Some(at)
                } else {
                    before_user.last_login_at
                }),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        if !enabled {
            bump_version(conn, id)?;
            tokens::revoke_all_for_user(conn, id)?;
        }
        let user = user_by_id(conn, id)?;
        let after = snapshot(conn, &user)?;
        let action = if enabled {
            "user.enable"
        } else {
            "user.disable"
        };
        portal_audit::append(
            conn,
            actor,
            action,
            Some(&format!("user:{id}")),
            Some(&before),
            Some(&after),
        )?;
        view(conn, user)
    })
}

/// An operator sets a new password; the user must change it at next sign-in, and every
/// session ends now.
pub fn reset_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    new_password: &str,
) -> Result<UserView, Error> {
    let user = user_by_id(conn, id)?;
    password::check_policy("password", new_password, &user.username)?;
    let hash = password::hash(new_password)?;
    write_transaction(conn, |conn| {
        diesel::update(users::table.filter(users::id.eq(id)))
            .set((
                users::password_hash.eq(&hash),
                users::must_change_password.eq(true),
            ))
            .execute(conn)?;
        bump_version(conn, id)?;
        tokens::revoke_all_for_user(conn, id)?;
        portal_audit::append(
            conn,
            actor,
            "user.reset_password",
            Some(&format!("user:{id}")),
            None,
            None,
        )?;
        let user = user_by_id(conn, id)?;
        view(conn, user)
    })
}

/// A user changes their own password, proving the current one. Other sessions end.
pub fn change_own_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    current: &str,
    new_password: &str,
    config: &crate::AuthConfig,
) -> Result<(), Error> {
    let user = user_by_id(conn, id)?;
    crate::attempts::prove_password(conn, actor, &user, current, "current_password", config)?;
    password::check_policy("new_password", new_password, &user.username)?;
    if password::verify(new_password, &user.password_hash) {
        return Err(Error::field(
            "new_password",
            "unchanged",
            "must differ from the current password",
        ));
    }
    let hash = password::hash(new_password)?;
    write_transaction(conn, |conn| {
        diesel::update(users::table.filter(users::id.eq(id)))
            .set((
                users::password_hash.eq(&hash),
                users::must_change_password.eq(false),
            ))
            .execute(conn)?;
        bump_version(conn, id)?;
        tokens::revoke_all_for_user(conn, id)?;
        portal_audit::append(
            conn,
            actor,
            "user.change_password",
            Some(&format!("user:{id}")),
            None,
            None,
        )?;
        Ok(())
    })
}

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
            .filter(role_grants::role.eq(role.as_str()))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(role_grants::table)
                .values((
                    role_grants::user_id.eq(id),
                    role_grants::site_id.eq(site_id),
                    role_grants::role.eq(role.as_str()),
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

fn replace_editor_sections(
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
                .filter(role_grants::role.eq(role.as_str())),
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

/// Disables every active account with no sign-in for the configured period; returns their ids.
pub fn disable_idle(conn: &mut DbConn, idle_for: std::time::Duration) -> Result<Vec<i64>, Error> {
    let cutoff = now() - crate::config::chrono(idle_for);
    write_transaction(conn, |conn| {
        let idle: Vec<User> = users::table
            .filter(users::status.ne(UserStatus::Disabled.as_str()))
            .select(User::as_select())
            .load(conn)?
            .into_iter()
            .filter(|u| u.last_login_at.unwrap_or(u.created_at) < cutoff)
            .collect();
        for user in &idle {
            diesel::update(users::table.filter(users::id.eq(user.id)))
                .set(users::status.eq(UserStatus::Disabled.as_str()))
                .execute(conn)?;
            bump_version(conn, user.id)?;
            portal_audit::append(
                conn,
                &Actor::system("idle-accounts"),
                "user.disable_idle",
                Some(&format!("user:{}", user.id)),
                Some(&json!({"status": user.status, "last_login_at": user.last_login_at})),
                Some(&json!({"status": "disabled"})),
            )?;
        }
        Ok(idle.into_iter().map(|u| u.id).collect())
    })
}
