//! The accounts' front door (`accounts:manage`, `apikeys:manage`: operators): users, their roles
//! per site, API keys, and the security settings. Each use case authorizes first, then parses
//! what the caller named (a role, a status), so that someone without the right learns nothing
//! from a 422; the changes are the audited ones of `accounts`, `apikeys` and `settings`. The
//! command line calls those directly, as the system.

use portal_core::{Error, Page, PageRequest};
use portal_db::{write_transaction, DbConn};
use serde_json::json;

use crate::access::Acting;
use crate::accounts::{self, NewUser, UserFilter, UserPatch, UserView};
use crate::apikeys::{self, ApiKey, NewApiKey};
use crate::{settings, Principal, Role, Scope, UserStatus};

/// The most scopes one API key may carry.
pub const MAX_API_KEY_SCOPES: usize = 50;

fn parse_role(field: &str, role: &str) -> Result<Role, Error> {
    Role::parse(role).ok_or_else(|| {
        Error::field(
            field,
            "unknown_role",
            "must be contributor, editor, chief_editor or operator",
        )
    })
}

/// The filters of the user list as the caller wrote them.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub agency: Option<String>,
    pub status: Option<String>,
    pub role: Option<String>,
    pub site: Option<String>,
    pub q: Option<String>,
}

pub fn create_user(conn: &mut DbConn, who: &Acting, new: &NewUser) -> Result<UserView, Error> {
    who.principal.require(Scope::AccountsManage)?;
    accounts::create(conn, &who.actor, new)
}

pub fn list_users(
    conn: &mut DbConn,
    principal: &Principal,
    query: UserQuery,
    page: &PageRequest,
) -> Result<Page<UserView>, Error> {
    principal.require(Scope::AccountsManage)?;
    let filter = UserFilter {
        agency: query.agency,
        status: query
            .status
            .map(|s| {
                UserStatus::parse(&s).ok_or_else(|| {
                    Error::invalid_parameter("status", "must be active, disabled or locked")
                })
            })
            .transpose()?,
        role: query
            .role
            .map(|r| {
                Role::parse(&r).ok_or_else(|| {
                    Error::invalid_parameter(
                        "role",
                        "must be contributor, editor, chief_editor or operator",
                    )
                })
            })
            .transpose()?,
        site: query.site,
        q: query.q,
    };
    accounts::list(conn, &filter, page)
}

pub fn show_user(conn: &mut DbConn, principal: &Principal, id: i64) -> Result<UserView, Error> {
    principal.require(Scope::AccountsManage)?;
    let user = accounts::user_by_id(conn, id)?;
    accounts::view(conn, user)
}

pub fn update_user(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    patch: &UserPatch,
) -> Result<UserView, Error> {
    who.principal.require(Scope::AccountsManage)?;
    accounts::update(conn, &who.actor, id, patch)
}

pub fn set_enabled(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    enabled: bool,
) -> Result<UserView, Error> {
    who.principal.require(Scope::AccountsManage)?;
    accounts::set_enabled(conn, &who.actor, id, enabled)
}

pub fn reset_password(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    password: &str,
) -> Result<UserView, Error> {
    who.principal.require(Scope::AccountsManage)?;
    accounts::reset_password(conn, &who.actor, id, password)
}

/// `sections`: editors only, the sections of the site they are limited to (Điều 19.4).
pub fn grant_role(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    site: &str,
    role: &str,
    sections: &[i64],
) -> Result<UserView, Error> {
    who.principal.require(Scope::AccountsManage)?;
    let role = parse_role("role", role)?;
    accounts::grant_role(conn, &who.actor, id, site, role, sections)
}

pub fn revoke_role(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    site: &str,
    role: &str,
) -> Result<UserView, Error> {
    who.principal.require(Scope::AccountsManage)?;
    let role = parse_role("role", role)?;
    accounts::revoke_role(conn, &who.actor, id, site, role)
}

// ------------------------------------------------------------------ API keys

/// The key and its secret, shown this once.
pub fn create_api_key(
    conn: &mut DbConn,
    who: &Acting,
    new: &NewApiKey,
) -> Result<(ApiKey, String), Error> {
    who.principal.require(Scope::ApiKeysManage)?;
    if new.scopes.len() > MAX_API_KEY_SCOPES {
        return Err(Error::field(
            "scopes",
            "too_many",
            format!("at most {MAX_API_KEY_SCOPES} scopes"),
        ));
    }
    apikeys::create(conn, &who.actor, new)
}

pub fn list_api_keys(
    conn: &mut DbConn,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<ApiKey>, Error> {
    principal.require(Scope::ApiKeysManage)?;
    apikeys::list(conn, page)
}

pub fn revoke_api_key(conn: &mut DbConn, who: &Acting, id: i64) -> Result<ApiKey, Error> {
    who.principal.require(Scope::ApiKeysManage)?;
    apikeys::revoke(conn, &who.actor, id)
}

// ------------------------------------------------------------------ security settings

/// The security settings in force; `default` is the installation's (on in production).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecuritySettings {
    pub require_totp_for_privileged: bool,
}

pub fn security_settings(
    conn: &mut DbConn,
    principal: &Principal,
    default: bool,
) -> Result<SecuritySettings, Error> {
    principal.require(Scope::AccountsManage)?;
    Ok(SecuritySettings {
        require_totp_for_privileged: settings::require_totp_for_privileged(conn, default)?,
    })
}

/// Sets them in one transaction with the audit event naming the value before and after.
pub fn set_security_settings(
    conn: &mut DbConn,
    who: &Acting,
    default: bool,
    new: SecuritySettings,
) -> Result<SecuritySettings, Error> {
    who.principal.require(Scope::AccountsManage)?;
    let value = new.require_totp_for_privileged;
    write_transaction(conn, |conn| {
        let before = settings::require_totp_for_privileged(conn, default)?;
        settings::set_flag(conn, settings::REQUIRE_TOTP_FOR_PRIVILEGED, value)?;
        portal_audit::append(
            conn,
            &who.actor,
            "settings.update",
            Some("settings:security"),
            Some(&json!({"require_totp_for_privileged": before})),
            Some(&json!({"require_totp_for_privileged": value})),
        )?;
        Ok(new)
    })
}
