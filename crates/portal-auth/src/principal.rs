//! Who is calling: a user (by access token) or an API key, with the scopes they carry.

use crate::model::UserStatus;
use chrono::Duration;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::{api_keys, refresh_tokens, users};
use portal_db::{now, DbConn};

use crate::apikeys::{self, KEY_PREFIX};
use crate::config::AuthConfig;
use crate::scopes::ScopeSet;
use crate::secrets;
use crate::tokens::JwtKeys;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    User {
        id: i64,
        username: String,
        agency: String,
    },
    ApiKey {
        id: i64,
        prefix: String,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub scopes: ScopeSet,
}

impl Principal {
    pub fn user_id(&self) -> Option<i64> {
        match &self.kind {
            PrincipalKind::User { id, .. } => Some(*id),
            PrincipalKind::ApiKey { .. } => None,
        }
    }

    /// The audit actor for this principal, seen from `client_ip` with `user_agent`.
    pub fn actor(&self, client_ip: Option<String>, user_agent: Option<String>) -> Actor {
        match &self.kind {
            PrincipalKind::User {
                id,
                username,
                agency,
            } => Actor {
                user_id: Some(*id),
                label: username.clone(),
                agency: Some(agency.clone()),
                client_ip,
                user_agent,
            },
            PrincipalKind::ApiKey { prefix, .. } => Actor {
                user_id: None,
                label: format!("api-key:{prefix}"),
                agency: None,
                client_ip,
                user_agent,
            },
        }
    }
}

fn refused(reason: &str) -> Error {
    Error::Unauthenticated(reason.to_string())
}

/// Authenticates an `Authorization: Bearer` credential. A user's token is refused as soon as the
/// user is no longer active or their token version moved on (disable, password reset, role
/// revocation), or its session ended (logout, refresh-token reuse, idle time), not only at
/// expiry: one indexed read per request.
pub fn authenticate(
    conn: &mut DbConn,
    keys: &JwtKeys,
    config: &AuthConfig,
    bearer: &str,
) -> Result<Principal, Error> {
    if bearer.starts_with(KEY_PREFIX) {
        return authenticate_api_key(conn, bearer);
    }
    let claims = keys
        .verify(config, bearer)
        .map_err(|reason| refused(&format!("the access token is invalid: {reason}")))?;
    let user_id: i64 = claims
        .sub
        .parse()
        .map_err(|_| refused("the access token names no user"))?;
    // One indexed read: the user still active at the token's version, and its session live.
    let session_live = diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(claims.sid.clone()))
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null())
            .filter(refresh_tokens::expires_at.gt(now())),
    );
    let current: Option<(UserStatus, i64, bool)> = users::table
        .filter(users::id.eq(user_id))
        .select((users::status, users::token_version, session_live))
        .first(conn)
        .optional()?;
    match current {
        Some((_, _, false)) => Err(refused(
            "the session of this access token has ended (signed out, idle too long, or its refresh token was reused); sign in again",
        )),
        Some((status, version, true)) if status == UserStatus::Active && version == claims.ver => Ok(Principal {
            kind: PrincipalKind::User {
                id: user_id,
                username: claims.name,
                agency: claims.agency,
            },
            scopes: ScopeSet::parse(&claims.scope),
        }),
        _ => Err(refused("the access token was revoked; sign in again")),
    }
}

fn authenticate_api_key(conn: &mut DbConn, presented: &str) -> Result<Principal, Error> {
    let (prefix, _) =
        apikeys::split(presented).ok_or_else(|| refused("the API key is malformed"))?;
    type Row = (
        i64,
        String,
        String,
        String,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    );
    let row: Option<Row> = api_keys::table
        .filter(api_keys::prefix.eq(prefix))
        .select((
            api_keys::id,
            api_keys::name,
            api_keys::secret_hash,
            api_keys::scopes,
            api_keys::expires_at,
            api_keys::revoked_at,
            api_keys::last_used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, name, secret_hash, scopes, expires_at, revoked_at, last_used_at)) = row else {
        return Err(refused("the API key is not known"));
    };
    if !secrets::same(&secrets::digest(presented), &secret_hash) {
        return Err(refused("the API key is not known"));
    }
    let at = now();
    if revoked_at.is_some() {
        return Err(refused("the API key was revoked"));
    }
    if expires_at.is_some_and(|e| e <= at) {
        return Err(refused("the API key has expired"));
    }
    // Recording every use would turn each read into a write; a minute's precision is enough.
    if last_used_at.is_none_or(|used| at - used > Duration::seconds(60)) {
        diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
            .set(api_keys::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(Principal {
        kind: PrincipalKind::ApiKey {
            id,
            prefix: prefix.to_string(),
            name,
        },
        scopes: ScopeSet::parse(&scopes),
    })
}
