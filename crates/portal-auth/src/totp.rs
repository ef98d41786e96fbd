//! Optional second factor (RFC 6238 TOTP, 6 digits, 30 s), as authenticator apps expect.

use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::users;
use portal_db::{now, write_transaction, DbConn};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::secrets;

use crate::accounts::user_by_id;

fn totp(secret_base32: &str, account: &str) -> Result<Totp, Error> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|e| Error::Internal(format!("stored TOTP secret is invalid: {e:?}")))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some("Portal CMS"))
        .build()
        .map_err(|e| Error::Internal(format!("TOTP set-up failed: {e}")))
}

/// The time step `code` belongs to, if it is valid now (one step of clock drift either way is
/// accepted). A valid code is not yet an accepted one: it must also be `spend`-able.
pub fn matched_step(secret_base32: &str, account: &str, code: &str) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = totp(secret_base32, account).ok()?.check_current(code)?;
    i64::try_from(step).ok()
}

/// Marks the user's codes up to `step` as used; false when a code of this step or a later one
/// was already accepted (RFC 6238 §5.2: a code is accepted once, so a code seen on the wire or
/// over a shoulder cannot be replayed within its 90 seconds). One conditional update, so two
/// requests with the same code cannot both pass.
pub fn spend(conn: &mut DbConn, user_id: i64, step: i64) -> Result<bool, Error> {
    let updated = diesel::update(
        users::table.filter(users::id.eq(user_id)).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A code that is valid now and not used before, spent by this call.
fn accept(conn: &mut DbConn, user: &crate::User, secret: &str, code: &str) -> Result<(), Error> {
    let fresh = match matched_step(secret, &user.username, code) {
        Some(step) => spend(conn, user.id, step)?,
        None => false,
    };
    if fresh {
        Ok(())
    } else {
        Err(Error::field(
            "code",
            "invalid_code",
            "the code does not match, or was already used; check the device's clock or wait for the next code",
        ))
    }
}

/// The code an authenticator would show now; for tests and for the CLI.
pub fn current_code(secret_base32: &str) -> Result<String, Error> {
    Ok(totp(secret_base32, "x")?.generate_current().to_string())
}

/// The code an authenticator would show at `unix_seconds`.
pub fn code_at(secret_base32: &str, unix_seconds: u64) -> Result<String, Error> {
    Ok(totp(secret_base32, "x")?.generate(unix_seconds).to_string())
}

pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
}

/// Starts (or restarts) enrolment: a new secret, not yet required at login until confirmed.
pub fn enroll(conn: &mut DbConn, actor: &Actor, user_id: i64) -> Result<Enrolment, Error> {
    write_transaction(conn, |conn| {
        let user = user_by_id(conn, user_id)?;
        if user.totp_enabled {
            return Err(Error::Conflict(
                "a second factor is already enabled; disable it first".into(),
            ));
        }
        let secret = Secret::from(secrets::random_bytes::<20>()?.to_vec()).to_base32();
        let url = totp(&secret, &user.username)?
            .to_url()
            .map_err(|e| Error::Internal(format!("TOTP URL: {e}")))?;
        diesel::update(users::table.filter(users::id.eq(user_id)))
            .set((users::totp_secret.eq(&secret), users::updated_at.eq(now())))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "user.totp_enroll",
            Some(&format!("user:{user_id}")),
            None,
            None,
        )?;
        Ok(Enrolment {
            secret,
            otpauth_url: url,
        })
    })
}

pub fn confirm(conn: &mut DbConn, actor: &Actor, user_id: i64, code: &str) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let user = user_by_id(conn, user_id)?;
        let Some(secret) = user.totp_secret.as_deref() else {
            return Err(Error::Conflict(
                "enrol first: POST /api/v1/auth/totp/enroll".into(),
            ));
        };
        if user.totp_enabled {
            return Err(Error::Conflict(
                "the second factor is already enabled".into(),
            ));
        }
        accept(conn, &user, secret, code)?;
        diesel::update(users::table.filter(users::id.eq(user_id)))
            .set((
                users::totp_enabled.eq(true),
                users::token_version.eq(users::token_version + 1),
                users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "user.totp_enable",
            Some(&format!("user:{user_id}")),
            None,
            None,
        )?;
        Ok(())
    })
}

/// Turns the second factor off; needs the password and a current code.
pub fn disable(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    password_text: &str,
    code: &str,
    config: &crate::AuthConfig,
) -> Result<(), Error> {
    let user = user_by_id(conn, user_id)?;
    let secret = match (user.totp_enabled, user.totp_secret.as_deref()) {
        (true, Some(secret)) => secret.to_string(),
        _ => return Err(Error::Conflict("no second factor is enabled".into())),
    };
    crate::attempts::prove_password(conn, actor, &user, password_text, "password", config)?;
    write_transaction(conn, |conn| {
        accept(conn, &user, &secret, code)?;
        diesel::update(users::table.filter(users::id.eq(user_id)))
            .set((
                users::totp_enabled.eq(false),
                users::totp_secret.eq(None::<String>),
                users::token_version.eq(users::token_version + 1),
                users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "user.totp_disable",
            Some(&format!("user:{user_id}")),
            None,
            None,
        )?;
        Ok(())
    })
}
