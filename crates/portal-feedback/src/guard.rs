//! What every public intake form (a citizen's case, a comment on a draft) goes through before it
//! is read: a per-client allowance and a minimum fill time (the "abuse and bad input").
//!
//! - The **allowance** counts submissions per client in a window, in the database, so that every
//!   replica and every parallel request draws on one count: a slot is taken by one conditional
//!   UPDATE (as `portal_auth::attempts` does for logins), committed before the submission is
//!   read. The client is a keyed digest of its address (never the address: NĐ 13/2023 counts an
//!   IP address as personal data), behind a reverse proxy the address the trusted-proxy setting
//!   gives.
//! - The **form token** is signed by the server when the form is shown and carries the time it
//!   was shown: a submission sooner than the minimum fill time after it is a robot's, one older
//!   than a day a replay. Stateless (an HMAC under the data key), so any replica checks it.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::connection::Connection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use portal_core::{Error, FieldError};
use portal_db::schema::intake_throttle;
use portal_db::{now, DbConn};

use crate::personal::DataKey;

/// A form token is good for this long after the form was shown.
pub const FORM_TOKEN_HOURS: i64 = 24;
/// Clocks of replicas may differ by this much.
const CLOCK_SKEW_SECS: i64 = 60;

/// The limits of the public forms (`PORTAL_INTAKE_MAX_PER_HOUR`, `PORTAL_INTAKE_MIN_FILL_SECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeLimits {
    /// Submissions one client may make per window.
    pub max_per_window: u32,
    pub window: Duration,
    /// Seconds between showing a form and accepting it.
    pub min_fill_secs: i64,
    /// Submissions one integrator's API key may make per window (Open311): an app sends for
    /// many people from one address.
    pub integrator_max_per_window: u32,
}

impl Default for IntakeLimits {
    /// 20 submissions an hour per address (a household or an office behind one address sends a
    /// few; a robot hundreds), 3 seconds to fill a form (nobody types a question faster), 500 an
    /// hour per integrator's key.
    fn default() -> Self {
        Self {
            max_per_window: 20,
            window: Duration::hours(1),
            min_fill_secs: 3,
            integrator_max_per_window: 500,
        }
    }
}

/// The throttle key of a client address: a digest under the data key, never the address.
pub fn client_key(key: &DataKey, client_ip: Option<&str>) -> String {
    let address = client_ip.unwrap_or("unknown");
    hex::encode(&key.mac("intake-client", address.as_bytes())[..16])
}

/// Takes one submission from the client's allowance; `Err(seconds)` to wait when it is used up.
pub fn claim(
    conn: &mut DbConn,
    client: &str,
    limits: &IntakeLimits,
) -> Result<Result<(), u64>, Error> {
    for _ in 0..3 {
        let at = now();
        let window_start = at - limits.window;
        // A window that has run out starts again with this submission.
        let restarted = diesel::update(
            intake_throttle::table
                .filter(intake_throttle::client_key.eq(client))
                .filter(intake_throttle::window_started_at.le(window_start)),
        )
        .set((
            intake_throttle::window_started_at.eq(at),
            intake_throttle::submissions.eq(1),
        ))
        .execute(conn)?;
        if restarted == 1 {
            return Ok(Ok(()));
        }
        let max = i32::try_from(limits.max_per_window).unwrap_or(i32::MAX);
        let taken = diesel::update(
            intake_throttle::table
                .filter(intake_throttle::client_key.eq(client))
                .filter(intake_throttle::submissions.lt(max)),
        )
        .set(intake_throttle::submissions.eq(intake_throttle::submissions + 1))
        .execute(conn)?;
        if taken == 1 {
            return Ok(Ok(()));
        }
        let row: Option<(NaiveDateTime, i32)> = intake_throttle::table
            .filter(intake_throttle::client_key.eq(client))
            .select((
                intake_throttle::window_started_at,
                intake_throttle::submissions,
            ))
            .first(conn)
            .optional()?;
        if let Some((started, submissions)) = row {
            let ends = started + limits.window;
            // Used up: wait. Otherwise the row was committed by another request between the
            // UPDATE and this read (or its window ran out meanwhile): take a slot again.
            if ends > at && submissions >= max {
                return Ok(Err((ends - at).num_seconds().max(1).unsigned_abs()));
            }
            continue;
        }
        // The client's first submission: of two at once one inserts, the other goes round again
        // to take its slot. In a savepoint: on PostgreSQL a failed statement would otherwise
        // abort the whole transaction (found by the test sending eight at once).
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(intake_throttle::table)
                .values((
                    intake_throttle::client_key.eq(client),
                    intake_throttle::window_started_at.eq(at),
                    intake_throttle::submissions.eq(1),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => return Ok(Ok(())),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Unavailable(
        "the submission allowance is busy; try again".into(),
    ))
}

/// Removes allowances whose window ended (the job runner): the table holds only live clients.
pub fn forget_expired(conn: &mut DbConn, limits: &IntakeLimits) -> Result<usize, Error> {
    let cutoff = now() - limits.window;
    Ok(
        diesel::delete(
            intake_throttle::table.filter(intake_throttle::window_started_at.le(cutoff)),
        )
        .execute(conn)?,
    )
}

fn token_mac(key: &DataKey, form: &str, issued: i64) -> String {
    let message = format!("{form}\n{issued}");
    hex::encode(&key.mac("intake-form", message.as_bytes())[..16])
}

/// A token for a form (`form` names it, e.g. `feedback:quang-nam`), shown at `issued`.
pub fn form_token(key: &DataKey, form: &str, issued: DateTime<Utc>) -> String {
    let issued = issued.timestamp();
    format!("{issued}.{}", token_mac(key, form, issued))
}

/// Checks the token of a submitted form; the error names the field `form_token`.
pub fn check_form_token(
    key: &DataKey,
    form: &str,
    token: &str,
    limits: &IntakeLimits,
    at: DateTime<Utc>,
) -> Result<(), FieldError> {
    use subtle::ConstantTimeEq;
    let invalid = || {
        FieldError::new(
            "form_token",
            "invalid_form_token",
            "not a token this server gave for this form: fetch the form again",
        )
    };
    let (issued_text, mac) = token.split_once('.').ok_or_else(invalid)?;
    let issued: i64 = issued_text.parse().map_err(|_| invalid())?;
    let expected = token_mac(key, form, issued);
    if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
        return Err(invalid());
    }
    let age = at.timestamp() - issued;
    if !(-CLOCK_SKEW_SECS..=FORM_TOKEN_HOURS * 3600).contains(&age) {
        return Err(FieldError::new(
            "form_token",
            "form_token_expired",
            format!("the form was shown more than {FORM_TOKEN_HOURS} hours ago: fetch it again"),
        ));
    }
    if age < limits.min_fill_secs {
        return Err(FieldError::new(
            "form_token",
            "too_fast",
            format!(
                "sent {} s after the form was shown; a form takes at least {} s to fill",
                age.max(0),
                limits.min_fill_secs
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_hex(&"ab".repeat(32)).expect("a key")
    }

    #[test]
    fn a_token_is_good_between_the_fill_time_and_a_day_for_its_form_only() {
        let limits = IntakeLimits::default();
        let shown = Utc::now() - Duration::seconds(10);
        let token = form_token(&key(), "feedback:quang-nam", shown);
        let check =
            |form: &str, token: &str, at| check_form_token(&key(), form, token, &limits, at);
        assert_eq!(check("feedback:quang-nam", &token, Utc::now()), Ok(()));
        let code = |r: Result<(), FieldError>| r.err().map(|e| e.code);
        assert_eq!(
            code(check(
                "feedback:quang-nam",
                &token,
                shown + Duration::seconds(1)
            ))
            .as_deref(),
            Some("too_fast")
        );
        assert_eq!(
            code(check(
                "feedback:quang-nam",
                &token,
                shown + Duration::hours(25)
            ))
            .as_deref(),
            Some("form_token_expired")
        );
        assert_eq!(
            code(check("feedback:hoi-an", &token, Utc::now())).as_deref(),
            Some("invalid_form_token")
        );
        let forged = format!("{}.{}", shown.timestamp() - 100, &token[token.len() - 32..]);
        assert_eq!(
            code(check("feedback:quang-nam", &forged, Utc::now())).as_deref(),
            Some("invalid_form_token")
        );
        let other_key = DataKey::from_hex(&"cd".repeat(32)).expect("a key");
        let foreign = form_token(&other_key, "feedback:quang-nam", shown);
        assert_eq!(
            code(check("feedback:quang-nam", &foreign, Utc::now())).as_deref(),
            Some("invalid_form_token")
        );
    }

    #[test]
    fn client_keys_hide_the_address_and_tell_clients_apart() {
        let a = client_key(&key(), Some("203.0.113.7"));
        assert!(!a.contains("203"));
        assert_eq!(a, client_key(&key(), Some("203.0.113.7")));
        assert_ne!(a, client_key(&key(), Some("203.0.113.8")));
    }
}
