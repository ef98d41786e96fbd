//! Access tokens (JWT) and refresh tokens (opaque, stored only as digests, rotated on every use).

use std::path::Path;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use portal_core::Error;
use portal_db::schema::refresh_tokens;
use portal_db::{now, DbConn};
use serde::{Deserialize, Serialize};

use crate::config::{chrono, AuthConfig};
use crate::secrets;

/// What a configured signing key could not be.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// The signing and verifying keys. HS256 with a shared secret by default; EdDSA or RS256 with a
/// PEM key pair lets sub-sites verify tokens holding only the public key.
#[derive(Clone)]
pub struct JwtKeys {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

pub const MIN_SECRET_BYTES: usize = 32;

impl JwtKeys {
    pub fn hs256(secret: &[u8]) -> Result<Self, KeyError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(KeyError(format!(
                "the JWT secret must be at least {MIN_SECRET_BYTES} bytes, got {}",
                secret.len()
            )));
        }
        let bad = |e: jsonwebtoken::errors::Error| {
            KeyError(format!("the JWT secret cannot be used: {e}"))
        };
        Ok(Self {
            algorithm: Algorithm::HS256,
            encoding: EncodingKey::from_secret(secret).map_err(bad)?,
            decoding: DecodingKey::from_secret(secret).map_err(bad)?,
        })
    }

    /// `algorithm` is `EdDSA` or `RS256`; the files hold PEM keys.
    pub fn from_pem_files(
        algorithm: &str,
        private_key: &Path,
        public_key: &Path,
    ) -> Result<Self, KeyError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| KeyError(format!("cannot read {}: {e}", p.display())))
        };
        let (private_pem, public_pem) = (read(private_key)?, read(public_key)?);
        let bad = |what: &str, e: jsonwebtoken::errors::Error| {
            KeyError(format!("{what} is not a valid {algorithm} PEM key: {e}"))
        };
        let keys = match algorithm {
            "EdDSA" => Ok(Self {
                algorithm: Algorithm::EdDSA,
                encoding: EncodingKey::from_ed_pem(&private_pem)
                    .map_err(|e| bad("the private key", e))?,
                decoding: DecodingKey::from_ed_pem(&public_pem)
                    .map_err(|e| bad("the public key", e))?,
            }),
            "RS256" => Ok(Self {
                algorithm: Algorithm::RS256,
                encoding: EncodingKey::from_rsa_pem(&private_pem)
                    .map_err(|e| bad("the private key", e))?,
                decoding: DecodingKey::from_rsa_pem(&public_pem)
                    .map_err(|e| bad("the public key", e))?,
            }),
            other => Err(KeyError(format!(
                "unsupported JWT algorithm '{other}' (expected HS256, EdDSA or RS256)"
            ))),
        }?;
        keys.check_pair()?;
        Ok(keys)
    }

    /// Signs a probe and verifies it: a public key of another pair would make every token the
    /// server issues fail, so it is refused at start instead.
    fn check_pair(&self) -> Result<(), KeyError> {
        #[derive(Serialize, Deserialize)]
        struct Probe {
            probe: String,
        }
        let token = encode(
            &Header::new(self.algorithm),
            &Probe {
                probe: "portal".into(),
            },
            &self.encoding,
        )
        .map_err(|e| KeyError(format!("the private key cannot sign: {e}")))?;
        let mut validation = Validation::new(self.algorithm);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        decode::<Probe>(&token, &self.decoding, &validation).map_err(|_| {
            KeyError("the public key does not belong to the private key (a mismatched pair)".into())
        })?;
        Ok(())
    }

    /// The development fallback: a random secret kept in `path`, made on first use.
    pub fn dev_secret_file(path: &Path) -> Result<Self, KeyError> {
        let secret = match std::fs::read_to_string(path) {
            Ok(text) => text.trim().to_string(),
            Err(_) => {
                let fresh = hex::encode(
                    secrets::random_bytes::<48>().map_err(|e| KeyError(e.to_string()))?,
                );
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| KeyError(format!("cannot create {}: {e}", dir.display())))?;
                }
                std::fs::write(path, &fresh)
                    .map_err(|e| KeyError(format!("cannot write {}: {e}", path.display())))?;
                restrict_permissions(path);
                fresh
            }
        };
        Self::hs256(secret.as_bytes())
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, Error> {
        encode(&Header::new(self.algorithm), claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("signing a token: {e}")))
    }

    /// Verifies signature, algorithm, expiry, not-before, issuer and audience.
    pub fn verify(&self, config: &AuthConfig, token: &str) -> Result<Claims, String> {
        let mut validation = Validation::new(self.algorithm);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[&config.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| e.to_string())
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
    /// The username, for logs and audit lines.
    pub name: String,
    /// The user's agency code.
    pub agency: String,
    /// Space-separated scopes (see `scopes`).
    pub scope: String,
    /// The user's token version when issued; a bump on the user revokes every older token.
    pub ver: i64,
    /// The session (refresh-token family) the token belongs to: when the session ends — logout,
    /// a reused refresh token, idle time — its access tokens are refused at once.
    pub sid: String,
}

/// Whom an access token is for.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub user_id: i64,
    pub username: &'a str,
    pub agency: &'a str,
    /// The user's token version.
    pub version: i64,
}

impl Claims {
    /// An access token for `subject` in `session`, with `scope`, living `ttl`.
    pub fn new(
        config: &AuthConfig,
        subject: Subject<'_>,
        scope: String,
        session: &str,
        ttl: std::time::Duration,
    ) -> Result<Self, Error> {
        let issued = Utc::now().timestamp();
        Ok(Self {
            sub: subject.user_id.to_string(),
            iss: config.issuer.clone(),
            aud: config.audience.clone(),
            iat: issued,
            nbf: issued,
            exp: issued + ttl.as_secs() as i64,
            jti: secrets::random_token()?,
            name: subject.username.to_string(),
            agency: subject.agency.to_string(),
            scope,
            ver: subject.version,
            sid: session.to_string(),
        })
    }
}

pub const REFRESH_PREFIX: &str = "rt_";

/// Why a refresh token was refused. The client sees one 401 either way; the audit log the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshRefusal {
    Unknown,
    Expired,
    /// An already-rotated or revoked token came back: its whole family is now revoked.
    Reused {
        user_id: i64,
    },
}

fn expiry(
    config: &AuthConfig,
    idle: std::time::Duration,
    family_started_at: NaiveDateTime,
    at: NaiveDateTime,
) -> NaiveDateTime {
    (at + chrono(idle)).min(family_started_at + chrono(config.refresh_max))
}

/// A session: its family id (the access tokens' `sid`) and its current refresh token.
#[derive(Debug, Clone)]
pub struct Session {
    pub family: String,
    pub refresh_token: String,
}

fn insert_token(
    conn: &mut DbConn,
    user_id: i64,
    family: &str,
    family_started_at: NaiveDateTime,
    config: &AuthConfig,
    idle: std::time::Duration,
) -> Result<String, Error> {
    let token = format!("{REFRESH_PREFIX}{}", secrets::random_token()?);
    let at = now();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(secrets::digest(&token)),
            refresh_tokens::family_started_at.eq(family_started_at),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(expiry(config, idle, family_started_at, at)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Starts a session: a new family with its first refresh token, idle after `idle`.
pub fn start_family(
    conn: &mut DbConn,
    user_id: i64,
    config: &AuthConfig,
    idle: std::time::Duration,
) -> Result<Session, Error> {
    let family = secrets::random_token()?;
    let refresh_token = insert_token(conn, user_id, &family, now(), config, idle)?;
    Ok(Session {
        family,
        refresh_token,
    })
}

/// Whether the session is still live: not revoked, and its newest refresh token not expired
/// (a session idle past its limit has ended).
pub fn session_is_live(conn: &mut DbConn, family: &str) -> Result<bool, Error> {
    Ok(diesel::select(diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null())
            .filter(refresh_tokens::expires_at.gt(now())),
    ))
    .get_result(conn)?)
}

/// id, user, family, family start, expiry, used, revoked.
type RefreshRow = (
    i64,
    i64,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Exchanges a refresh token for the next one of its family, idle after what `idle` says for the
/// user. Returns the user id and the session with its new token.
pub fn rotate(
    conn: &mut DbConn,
    token: &str,
    config: &AuthConfig,
    idle: impl FnOnce(&mut DbConn, i64) -> Result<std::time::Duration, Error>,
) -> Result<Result<(i64, Session), RefreshRefusal>, Error> {
    let row: Option<RefreshRow> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(secrets::digest(token)))
        .select((
            refresh_tokens::id,
            refresh_tokens::user_id,
            refresh_tokens::family,
            refresh_tokens::family_started_at,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::revoked_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, user_id, family, started, expires_at, used_at, revoked_at)) = row else {
        return Ok(Err(RefreshRefusal::Unknown));
    };
    if used_at.is_some() || revoked_at.is_some() {
        revoke_family(conn, &family)?;
        return Ok(Err(RefreshRefusal::Reused { user_id }));
    }
    if expires_at <= now() {
        return Ok(Err(RefreshRefusal::Expired));
    }
    // Only one of two concurrent uses can claim the token; the other is a reuse.
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now()))
    .execute(conn)?;
    if claimed == 0 {
        revoke_family(conn, &family)?;
        return Ok(Err(RefreshRefusal::Reused { user_id }));
    }
    let idle = idle(conn, user_id)?;
    let refresh_token = insert_token(conn, user_id, &family, started, config, idle)?;
    Ok(Ok((
        user_id,
        Session {
            family,
            refresh_token,
        },
    )))
}

pub fn revoke_family(conn: &mut DbConn, family: &str) -> Result<usize, Error> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?)
}

/// What signing out with a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The session's current token: the session is ended.
    Ended {
        user_id: i64,
    },
    /// An already rotated or revoked token came back: the session is ended as for a reused
    /// refresh token, and the caller is refused (whoever holds it is not the session's owner).
    Reused {
        user_id: i64,
    },
    Unknown,
}

/// Ends the session a refresh token belongs to.
pub fn revoke_by_token(conn: &mut DbConn, token: &str) -> Result<Revocation, Error> {
    let row: Option<(i64, String, Option<NaiveDateTime>, Option<NaiveDateTime>)> =
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(secrets::digest(token)))
            .select((
                refresh_tokens::user_id,
                refresh_tokens::family,
                refresh_tokens::used_at,
                refresh_tokens::revoked_at,
            ))
            .first(conn)
            .optional()?;
    Ok(match row {
        Some((user_id, family, used_at, revoked_at)) => {
            revoke_family(conn, &family)?;
            if used_at.is_some() || revoked_at.is_some() {
                Revocation::Reused { user_id }
            } else {
                Revocation::Ended { user_id }
            }
        }
        None => Revocation::Unknown,
    })
}

pub fn revoke_all_for_user(conn: &mut DbConn, user_id: i64) -> Result<usize, Error> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?)
}
