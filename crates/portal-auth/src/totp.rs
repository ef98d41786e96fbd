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

/// Whether `code` is valid now (one step of clock drift either way is accepted).
pub fn check(secret_base32: &str, account: &str, code: &str) -> bool {
    let code = code.trim();
    code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && totp(secret_base32, account)
            .map(|t| t.check_current(code).is_some())
            .unwrap_or(false)
}

/// The code an authenticator would show now; for tests and for the CLI.
pub fn current_code(secret_base32: &str) -> Result<String, Error> {
    Ok(totp(secret_base32, "x")?.generate_current().to_string())
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
        if !check(secret, &user.username, code) {
            return Err(Error::field(
                "code",
                "invalid_code",
                "the code does not match; check the device's clock",
            ));
        }
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
    if !check(&secret, &user.username, code) {
        return Err(Error::field(
            "code",
            "invalid_code",
            "the code does not match",
        ));
    }
    write_transaction(conn, |conn| {
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
