//! Counting password attempts so that parallel requests cannot beat the limits: each attempt
//! takes its slot with one conditional UPDATE, committed *before* the password is checked, so of
//! 40 concurrent guesses at one account only the first `lockout_threshold` are ever evaluated,
//! and of 60 from one address only `ip_max_failures`. A success gives its slot back.
//!
//! Limits (docs/security.md): 5 failures lock an account for 15 minutes; 20 failures from one
//! address in 15 minutes throttle it (Nghị định 85/2016 level-3 practice, requirements.md).

use chrono::NaiveDateTime;
use diesel::connection::Connection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::{login_throttle, users};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::config::{chrono, AuthConfig};
use crate::model::{User, UserStatus};
use crate::password;

/// Takes one attempt from the address's allowance; `Err(seconds)` when it is used up.
pub fn claim_ip(
    conn: &mut DbConn,
    ip: &str,
    config: &AuthConfig,
) -> Result<Result<(), u64>, Error> {
    for _ in 0..3 {
        let at = now();
        let window_start = at - chrono(config.ip_window);
        // A window that has run out starts again with this attempt.
        let restarted = diesel::update(
            login_throttle::table
                .filter(login_throttle::client_ip.eq(ip))
                .filter(login_throttle::window_started_at.le(window_start)),
        )
        .set((
            login_throttle::window_started_at.eq(at),
            login_throttle::failures.eq(1),
        ))
        .execute(conn)?;
        if restarted == 1 {
            return Ok(Ok(()));
        }
        let taken = diesel::update(
            login_throttle::table
                .filter(login_throttle::client_ip.eq(ip))
                .filter(login_throttle::failures.lt(config.ip_max_failures)),
        )
        .set(login_throttle::failures.eq(login_throttle::failures + 1))
        .execute(conn)?;
        if taken == 1 {
            return Ok(Ok(()));
        }
        let row: Option<(NaiveDateTime, i32)> = login_throttle::table
            .filter(login_throttle::client_ip.eq(ip))
            .select((login_throttle::window_started_at, login_throttle::failures))
            .first(conn)
            .optional()?;
        if let Some((started, failures)) = row {
            let ends = started + chrono(config.ip_window);
            // Used up: wait. Otherwise another request committed the row between the UPDATE and
            // this read (or the window ran out meanwhile): take a slot again.
            if ends > at && failures >= config.ip_max_failures {
                return Ok(Err((ends - at).num_seconds().max(1) as u64));
            }
            continue;
        }
        // In a savepoint: on PostgreSQL a failed statement would otherwise abort the whole
        // transaction, and the retry below could not run.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(login_throttle::table)
                .values((
                    login_throttle::client_ip.eq(ip),
                    login_throttle::window_started_at.eq(at),
                    login_throttle::failures.eq(1),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => return Ok(Ok(())),
            // Another request inserted the row first: take a slot in it instead.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Unavailable(
        "the login throttle is contended; try again".into(),
    ))
}

/// Gives a successful attempt's slot back to its address.
pub fn refund_ip(conn: &mut DbConn, ip: &str) -> Result<(), Error> {
    diesel::update(
        login_throttle::table
            .filter(login_throttle::client_ip.eq(ip))
            .filter(login_throttle::failures.gt(0)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures - 1))
    .execute(conn)?;
    Ok(())
}

/// Takes one of the account's attempts; false when it is locked or its attempts are all taken
/// (then the password is not checked at all).
pub fn claim_user(conn: &mut DbConn, user_id: i64, config: &AuthConfig) -> Result<bool, Error> {
    let at = now();
    let taken = diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::failed_logins.lt(config.lockout_threshold))
            .filter(users::locked_until.is_null().or(users::locked_until.le(at))),
    )
    .set(users::failed_logins.eq(users::failed_logins + 1))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Gives a successful attempt's slot back to the account.
pub fn refund_user(conn: &mut DbConn, user_id: i64) -> Result<(), Error> {
    diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::failed_logins.gt(0)),
    )
    .set(users::failed_logins.eq(users::failed_logins - 1))
    .execute(conn)?;
    Ok(())
}

/// After a failed attempt: locks the account if its failures reached the threshold. Only the
/// request whose update does it returns true (and audits the lock), however many raced.
pub fn lock_if_exhausted(
    conn: &mut DbConn,
    user_id: i64,
    config: &AuthConfig,
) -> Result<bool, Error> {
    let at = now();
    let locked = diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::failed_logins.ge(config.lockout_threshold))
            .filter(users::status.ne(UserStatus::Disabled)),
    )
    .set((
        users::failed_logins.eq(0),
        users::status.eq(UserStatus::Locked),
        users::locked_until.eq(Some(at + chrono(config.lockout_duration))),
        // A lock ends every session: whoever is guessing may hold a stolen access token.
        users::token_version.eq(users::token_version + 1),
    ))
    .execute(conn)?;
    if locked == 1 {
        crate::tokens::revoke_all_for_user(conn, user_id)?;
        portal_audit::append(
            conn,
            &Actor::system("lockout"),
            "user.lock",
            Some(&format!("user:{user_id}")),
            None,
            Some(
                &json!({"failed_attempts": config.lockout_threshold, "minutes": config.lockout_duration.as_secs() / 60}),
            ),
        )?;
    }
    Ok(locked == 1)
}

/// A signed-in user proves their password again (to change it, or to turn off the second
/// factor). Counts against the same lockout as signing in, and every failure is audited.
pub fn prove_password(
    conn: &mut DbConn,
    actor: &Actor,
    user: &User,
    password_text: &str,
    field: &str,
    config: &AuthConfig,
) -> Result<(), Error> {
    let claimed = write_transaction(conn, |conn| claim_user(conn, user.id, config))?;
    if !claimed {
        // Keep the timing of a real check.
        password::verify(password_text, password::DUMMY_HASH);
        return Err(Error::TooManyRequests {
            message: "too many wrong passwords: the account is locked for now".into(),
            retry_after_secs: config.lockout_duration.as_secs(),
        });
    }
    if password::verify(password_text, &user.password_hash) {
        write_transaction(conn, |conn| refund_user(conn, user.id))?;
        return Ok(());
    }
    let locked = write_transaction(conn, |conn| {
        let locked = lock_if_exhausted(conn, user.id, config)?;
        portal_audit::append(
            conn,
            actor,
            "user.password_check_failure",
            Some(&format!("user:{}", user.id)),
            None,
            Some(&json!({"field": field, "locked": locked})),
        )?;
        Ok::<_, Error>(locked)
    })?;
    let message = if locked {
        format!(
            "the password is wrong; after {} wrong attempts the account is locked for {} minutes and every session has ended",
            config.lockout_threshold,
            config.lockout_duration.as_secs() / 60
        )
    } else {
        "the password is wrong".to_string()
    };
    Err(Error::field(field, "invalid_password", message))
}
