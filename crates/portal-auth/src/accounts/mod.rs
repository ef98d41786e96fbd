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

mod lifecycle;
mod passwords;
mod roles;

pub use lifecycle::*;
pub use passwords::*;
pub use roles::*;

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
                users::status.eq(UserStatus::Active),
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
        query = query.filter(users::status.eq(status));
    }
    if filter.role.is_some() || filter.site.is_some() {
        let mut grants = role_grants::table.select(role_grants::user_id).into_boxed();
        if let Some(role) = filter.role {
            grants = grants.filter(role_grants::role.eq(role));
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

/// The columns an account patch may change, written in one UPDATE: `None` keeps a value,
/// `email: Some(None)` clears the address.
#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChangeset<'a> {
    display_name: Option<&'a str>,
    email: Option<Option<&'a str>>,
    agency_id: Option<i64>,
    updated_at: chrono::NaiveDateTime,
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
        let mut agency_id = None;
        if let Some(code) = &patch.agency {
            let chosen = active_agency_id(conn, "agency", code)?;
            if chosen != before_user.agency_id {
                agency_id = Some(chosen);
            }
        }
        diesel::update(users::table.filter(users::id.eq(id)))
            .set(UserChangeset {
                display_name: display_name.as_deref(),
                email: email.as_ref().map(|e| e.as_deref()),
                agency_id,
                updated_at: now(),
            })
            .execute(conn)?;
        if agency_id.is_some() {
            // The agency decides which sections the user may write to.
            bump_version(conn, id)?;
        }
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
