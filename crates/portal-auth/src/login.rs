//! Signing in, refreshing and signing out, with lockout, throttling and idle-account rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::users;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::accounts::{normalize_username, user_by_id};
use crate::config::{chrono, AuthConfig};
use crate::model::{User, UserStatus};
use crate::scopes::{self, Scope, ScopeSet};
use crate::tokens::{self, Claims, JwtKeys, RefreshRefusal, Revocation, Session, Subject};
use crate::{attempts, password, settings, totp};

pub struct LoginInput<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub totp_code: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub scope: String,
    pub must_change_password: bool,
    pub totp_enrollment_required: bool,
}

#[derive(Debug)]
pub enum LoginError {
    /// One answer for unknown user, wrong password, wrong code, locked, disabled or idle account,
    /// so the response never tells which usernames exist.
    InvalidCredentials,
    /// The password was right; a second-factor code is needed.
    TotpRequired,
    /// Too many failures from this client address.
    Throttled {
        retry_after_secs: u64,
    },
    Other(Error),
}

impl From<Error> for LoginError {
    fn from(e: Error) -> Self {
        LoginError::Other(e)
    }
}

impl From<diesel::result::Error> for LoginError {
    fn from(e: diesel::result::Error) -> Self {
        LoginError::Other(e.into())
    }
}

enum Verdict {
    /// With the time step of the TOTP code that was accepted, still to be spent (RFC 6238 §5.2:
    /// a code is accepted once).
    Success(User, Option<i64>),
    Failure {
        user: Option<User>,
        reason: &'static str,
    },
    Refused {
        user: User,
        reason: &'static str,
    },
    TotpMissing(User),
}

fn judge(user: Option<User>, input: &LoginInput, config: &AuthConfig) -> Verdict {
    // Always pay for one argon2 verification, so timing does not reveal unknown usernames.
    let stored = user
        .as_ref()
        .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str());
    let password_ok = password::verify(input.password, stored);
    let Some(user) = user else {
        return Verdict::Failure {
            user: None,
            reason: "unknown_user",
        };
    };
    let at = now();
    if user.status == UserStatus::Disabled {
        return Verdict::Refused {
            user,
            reason: "disabled",
        };
    }
    if user.status == UserStatus::Locked && user.locked_until.is_some_and(|until| until > at) {
        return Verdict::Refused {
            user,
            reason: "locked",
        };
    }
    if !password_ok {
        return Verdict::Failure {
            user: Some(user),
            reason: "wrong_password",
        };
    }
    let last_seen = user.last_login_at.unwrap_or(user.created_at);
    if at - last_seen > chrono(config.idle_disable_after) {
        return Verdict::Refused {
            user,
            reason: "idle",
        };
    }
    if user.totp_enabled {
        match input.totp_code {
            None => return Verdict::TotpMissing(user),
            Some(code) => {
                let step = user
                    .totp_secret
                    .as_deref()
                    .and_then(|secret| totp::matched_step(secret, &user.username, code));
                return match step {
                    Some(step) => Verdict::Success(user, Some(step)),
                    None => Verdict::Failure {
                        user: Some(user),
                        reason: "wrong_totp_code",
                    },
                };
            }
        }
    }
    Verdict::Success(user, None)
}

fn agency_code(conn: &mut DbConn, agency_id: i64) -> Result<String, Error> {
    portal_sections::agencies::code_of(conn, agency_id)
}

/// The scopes of a token: the full set, or only `account:self` while the user must first change
/// their password or enrol a second factor. Also whether the user is privileged (a chief editor
/// or operator somewhere), whose sessions idle out sooner.
fn token_scopes(
    conn: &mut DbConn,
    config: &AuthConfig,
    user: &User,
) -> Result<(ScopeSet, bool, bool), Error> {
    let full = scopes::for_user(conn, user)?;
    let privileged = is_privileged(conn, user.id)?;
    let enrol_needed = privileged
        && !user.totp_enabled
        && settings::require_totp_for_privileged(
            conn,
            config.require_totp_for_privileged_by_default,
        )?;
    if user.must_change_password || enrol_needed {
        Ok((ScopeSet::of([Scope::AccountSelf]), enrol_needed, privileged))
    } else {
        Ok((full, false, privileged))
    }
}

fn is_privileged(conn: &mut DbConn, user_id: i64) -> Result<bool, Error> {
    Ok(scopes::grants_of(conn, user_id)?
        .iter()
        .any(|g| g.role.is_privileged()))
}

/// How long a session of this user may sit idle.
fn idle_of(
    conn: &mut DbConn,
    config: &AuthConfig,
    user_id: i64,
) -> Result<std::time::Duration, Error> {
    Ok(config.idle_for(is_privileged(conn, user_id)?))
}

fn issue(
    conn: &mut DbConn,
    keys: &JwtKeys,
    config: &AuthConfig,
    user: &User,
    session: Session,
) -> Result<Tokens, Error> {
    let (scope, enrol_needed, privileged) = token_scopes(conn, config, user)?;
    let agency = agency_code(conn, user.agency_id)?;
    let ttl = config.access_ttl_for(privileged);
    let claims = Claims::new(
        config,
        Subject {
            user_id: user.id,
            username: &user.username,
            agency: &agency,
            version: user.token_version,
        },
        scope.to_claim(),
        &session.family,
        ttl,
    )?;
    Ok(Tokens {
        access_token: keys.sign(&claims)?,
        expires_in: ttl.as_secs(),
        refresh_token: session.refresh_token,
        scope: claims.scope,
        must_change_password: user.must_change_password,
        totp_enrollment_required: enrol_needed,
    })
}

pub fn login(
    conn: &mut DbConn,
    keys: &JwtKeys,
    config: &AuthConfig,
    input: &LoginInput,
    client: &Actor,
) -> Result<Tokens, LoginError> {
    let ip = client.client_ip.clone().unwrap_or_else(|| "unknown".into());
    // Each attempt takes its slots before the password is checked (`attempts`).
    if let Err(retry_after_secs) =
        write_transaction(conn, |conn| attempts::claim_ip(conn, &ip, config))?
    {
        return Err(LoginError::Throttled { retry_after_secs });
    }
    let username = normalize_username(input.username);
    let user: Option<User> = users::table
        .filter(users::username.eq(&username))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let claimed = match &user {
        Some(u) => write_transaction(conn, |conn| attempts::claim_user(conn, u.id, config))?,
        None => true,
    };
    let verdict = match user {
        Some(user) if !claimed => {
            // Locked, or its attempts are all in flight: the password is not even checked.
            password::verify(input.password, password::DUMMY_HASH);
            Verdict::Refused {
                user,
                reason: "locked",
            }
        }
        user => judge(user, input, config),
    };
    // A code seen once is spent, by a conditional update that two sign-ins racing with the same
    // code cannot both win; the loser counts as a wrong code.
    let verdict = match verdict {
        Verdict::Success(user, Some(step)) if !totp::spend(conn, user.id, step)? => {
            Verdict::Failure {
                user: Some(user),
                reason: "reused_totp_code",
            }
        }
        other => other,
    };

    let outcome = write_transaction(
        conn,
        |conn| -> Result<Result<Tokens, LoginError>, LoginError> {
            let at = now();
            let mut actor = client.clone();
            match verdict {
                Verdict::Success(user, _) => {
                    diesel::update(users::table.filter(users::id.eq(user.id)))
                        .set((
                            users::failed_logins.eq(0),
                            users::status.eq(UserStatus::Active),
                            users::locked_until.eq(None::<NaiveDateTime>),
                            users::last_login_at.eq(at),
                        ))
                        .execute(conn)?;
                    attempts::refund_ip(conn, &ip)?;
                    let user = user_by_id(conn, user.id)?;
                    actor.user_id = Some(user.id);
                    actor.label = user.username.clone();
                    actor.agency = Some(agency_code(conn, user.agency_id)?);
                    let idle = idle_of(conn, config, user.id)?;
                    let session = tokens::start_family(conn, user.id, config, idle)?;
                    let tokens = issue(conn, keys, config, &user, session)?;
                    portal_audit::append(
                        conn,
                        &actor,
                        "login.success",
                        Some(&format!("user:{}", user.id)),
                        None,
                        None,
                    )?;
                    Ok(Ok(tokens))
                }
                Verdict::TotpMissing(user) => {
                    // The password was right: not a failure.
                    attempts::refund_ip(conn, &ip)?;
                    attempts::refund_user(conn, user.id)?;
                    portal_audit::append(
                        conn,
                        &actor,
                        "login.totp_required",
                        Some(&format!("user:{}", user.id)),
                        None,
                        None,
                    )?;
                    Ok(Err(LoginError::TotpRequired))
                }
                Verdict::Refused { user, reason } => {
                    if reason == "idle" {
                        diesel::update(users::table.filter(users::id.eq(user.id)))
                            .set((
                                users::status.eq(UserStatus::Disabled),
                                users::token_version.eq(users::token_version + 1),
                                users::updated_at.eq(at),
                            ))
                            .execute(conn)?;
                        portal_audit::append(
                            conn,
                            &Actor::system("idle-accounts"),
                            "user.disable_idle",
                            Some(&format!("user:{}", user.id)),
                            Some(
                                &json!({"status": user.status, "last_login_at": user.last_login_at}),
                            ),
                            Some(&json!({"status": "disabled"})),
                        )?;
                    }
                    portal_audit::append(
                        conn,
                        &actor,
                        "login.failure",
                        Some(&format!("user:{}", user.id)),
                        None,
                        Some(&json!({"reason": reason, "username": user.username})),
                    )?;
                    Ok(Err(LoginError::InvalidCredentials))
                }
                Verdict::Failure { user, reason } => {
                    let target = user.as_ref().map(|u| format!("user:{}", u.id));
                    if let Some(user) = &user {
                        attempts::lock_if_exhausted(conn, user.id, config)?;
                    }
                    portal_audit::append(
                        conn,
                        &actor,
                        "login.failure",
                        target.as_deref(),
                        None,
                        Some(
                            &json!({"reason": reason, "username": normalize_username(input.username)}),
                        ),
                    )?;
                    Ok(Err(LoginError::InvalidCredentials))
                }
            }
        },
    )?;
    outcome
}

/// Rotates a refresh token into a new pair, with scopes recomputed from the current ownership.
pub fn refresh(
    conn: &mut DbConn,
    keys: &JwtKeys,
    config: &AuthConfig,
    refresh_token: &str,
    client: &Actor,
) -> Result<Tokens, Error> {
    write_transaction(conn, |conn| -> Result<Result<Tokens, Error>, Error> {
        let rotated = tokens::rotate(conn, refresh_token, config, |conn, user_id| {
            idle_of(conn, config, user_id)
        })?;
        let (user_id, next) = match rotated {
            Ok(pair) => pair,
            Err(refusal) => {
                let (action, target) = match refusal {
                    RefreshRefusal::Reused { user_id } => {
                        ("token.reuse_detected", Some(format!("user:{user_id}")))
                    }
                    RefreshRefusal::Expired => ("token.refresh_expired", None),
                    RefreshRefusal::Unknown => ("token.refresh_unknown", None),
                };
                portal_audit::append(conn, client, action, target.as_deref(), None, None)?;
                // The audit row and any family revocation must be kept although the call fails.
                return Ok(Err(Error::Unauthenticated(
                    "the refresh token is invalid, expired or already used; sign in again".into(),
                )));
            }
        };
        let user = user_by_id(conn, user_id)?;
        if user.status != UserStatus::Active {
            tokens::revoke_all_for_user(conn, user_id)?;
            return Ok(Err(Error::Unauthenticated(
                "the account cannot sign in now".into(),
            )));
        }
        let tokens = issue(conn, keys, config, &user, next)?;
        let mut actor = client.clone();
        actor.user_id = Some(user.id);
        actor.label = user.username.clone();
        portal_audit::append(
            conn,
            &actor,
            "token.refresh",
            Some(&format!("user:{user_id}")),
            None,
            None,
        )?;
        Ok(Ok(tokens))
    })?
}

/// Ends the session of `refresh_token`: its refresh tokens, and its access tokens at once (they
/// carry the session's id). Other sessions of the user go on. A token that was already rotated
/// or revoked is a reuse: the session ends all the same, and the caller is refused.
pub fn logout(conn: &mut DbConn, refresh_token: &str, client: &Actor) -> Result<(), Error> {
    write_transaction(conn, |conn| -> Result<Result<(), Error>, Error> {
        let (user_id, action) = match tokens::revoke_by_token(conn, refresh_token)? {
            Revocation::Ended { user_id } => (user_id, "logout"),
            Revocation::Reused { user_id } => (user_id, "token.reuse_detected"),
            Revocation::Unknown => {
                return Ok(Err(Error::Unauthenticated(
                    "the refresh token is not known".into(),
                )))
            }
        };
        let user = user_by_id(conn, user_id)?;
        let mut actor = client.clone();
        actor.user_id = Some(user_id);
        actor.label = user.username;
        portal_audit::append(
            conn,
            &actor,
            action,
            Some(&format!("user:{user_id}")),
            None,
            None,
        )?;
        // The audit row and the revocation are kept although a reuse is refused.
        Ok(match action {
            "logout" => Ok(()),
            _ => Err(Error::Unauthenticated(
                "the refresh token was already used; the session has ended".into(),
            )),
        })
    })?
}
