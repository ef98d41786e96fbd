//! Webhooks to sub-sites and integrators. Events are written to an outbox in the same
//! transaction as the change they announce, with one delivery per matching endpoint; a worker
//! claims due deliveries, signs and sends them (the HTTP part lives in the api crate), and records
//! every attempt. Nothing is lost across a restart: the state is all in the database.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use portal_audit::Actor;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{delivery_attempts, outbox_events, webhook_deliveries, webhook_endpoints};
use portal_db::{now, write_transaction, DbConn};
use serde_json::{json, Value};
use sha2::Sha256;

pub mod admin;
mod deliveries;
mod endpoints;

pub use deliveries::*;
pub use endpoints::*;

pub const EVENTS: [&str; 4] = [
    "content.published",
    "content.updated",
    "content.unpublished",
    "content.archived",
];
pub const TEST_EVENT: &str = "webhook.test";

/// Retry and give-up rules.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The wait after the first failure; doubled after each further one.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// A delivery still failing this long after its event is abandoned (at least 24 hours).
    pub give_up_after: Duration,
    /// An endpoint failing this many attempts in a row is disabled and flagged.
    pub disable_after_failures: i32,
    /// How long a worker holds a claimed delivery before another may take it.
    pub lease: Duration,
}

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Policy {
    pub fn backoff(&self, attempts: i32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).clamp(0, 30) as u32);
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// `Portal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// What a receiver does: recompute the signature over the timestamp and body, compare in
/// constant time, and refuse old timestamps (replays).
pub fn verify(secret: &str, header: &str, body: &str, now_unix: i64, tolerance_secs: i64) -> bool {
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => signature = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return false;
    };
    if (now_unix - timestamp).abs() > tolerance_secs {
        return false;
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    mac.verify_slice(&signature).is_ok()
}

/// Outbound requests go only to http(s) URLs whose host resolves to public addresses, unless the
/// operator allows private ones in configuration (`crate::targets`).
pub fn check_target(url: &str, allow_private: bool) -> Result<(), String> {
    crate::targets::check(url, allow_private)
}

fn insert_delivery(conn: &mut DbConn, endpoint_id: i64, event_id: i64) -> Result<i64, Error> {
    let at = now();
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::endpoint_id.eq(endpoint_id),
            webhook_deliveries::event_id.eq(event_id),
            webhook_deliveries::status.eq(DeliveryStatus::Pending),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(at),
            webhook_deliveries::created_at.eq(at),
        ))
        .returning(webhook_deliveries::id)
        .get_result(conn)?)
}

fn insert_event(
    conn: &mut DbConn,
    event_type: &str,
    site_id: Option<i64>,
    item_id: Option<i64>,
    payload: &Value,
) -> Result<i64, Error> {
    portal_content::outbox::record(conn, event_type, site_id, item_id, payload)
}

/// Records an event and a delivery for every active endpoint that wants it. Call inside the
/// transaction of the change.
pub fn enqueue(
    conn: &mut DbConn,
    event_type: &str,
    site_id: i64,
    item_id: i64,
    payload: &Value,
) -> Result<i64, Error> {
    let event_id = insert_event(conn, event_type, Some(site_id), Some(item_id), payload)?;
    let endpoints: Vec<(i64, String, Option<i64>)> = webhook_endpoints::table
        .filter(webhook_endpoints::active.eq(true))
        .select((
            webhook_endpoints::id,
            webhook_endpoints::events,
            webhook_endpoints::site_id,
        ))
        .load(conn)?;
    for (id, events, site) in endpoints {
        if events.split_whitespace().any(|e| e == event_type) && site.is_none_or(|s| s == site_id) {
            insert_delivery(conn, id, event_id)?;
        }
    }
    Ok(event_id)
}

/// Sends a test event to one endpoint, whatever events it subscribes to.
pub fn send_test(conn: &mut DbConn, actor: &Actor, endpoint_id: i64) -> Result<i64, Error> {
    write_transaction(conn, |conn| {
        endpoint(conn, endpoint_id)?;
        let event_id = insert_event(
            conn,
            TEST_EVENT,
            None,
            None,
            &json!({"message": "test event from Portal CMS", "requested_by": actor.label}),
        )?;
        insert_delivery(conn, endpoint_id, event_id)
    })
}

/// Queues the event of a past delivery again, as a new delivery.
pub fn redeliver(conn: &mut DbConn, endpoint_id: i64, delivery_id: i64) -> Result<i64, Error> {
    write_transaction(conn, |conn| {
        let event_id: i64 = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id))
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .select(webhook_deliveries::event_id)
            .first(conn)
            .optional()?
            .ok_or_else(|| Error::not_found("delivery", delivery_id))?;
        insert_delivery(conn, endpoint_id, event_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_refuse_tampering_and_replays() {
        let header = sign("s3cret-s3cret-s3cret", 1_700_000_000, r#"{"a":1}"#);
        assert!(verify(
            "s3cret-s3cret-s3cret",
            &header,
            r#"{"a":1}"#,
            1_700_000_010,
            300
        ));
        assert!(!verify(
            "s3cret-s3cret-s3cret",
            &header,
            r#"{"a":2}"#,
            1_700_000_010,
            300
        ));
        assert!(!verify(
            "another-secret-xx",
            &header,
            r#"{"a":1}"#,
            1_700_000_010,
            300
        ));
        assert!(
            !verify(
                "s3cret-s3cret-s3cret",
                &header,
                r#"{"a":1}"#,
                1_700_009_000,
                300
            ),
            "too old"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = Policy {
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(25 * 3600),
            disable_after_failures: 50,
            lease: Duration::from_secs(60),
        };
        assert_eq!(policy.backoff(1), Duration::from_secs(30));
        assert_eq!(policy.backoff(2), Duration::from_secs(60));
        assert_eq!(policy.backoff(5), Duration::from_secs(480));
        assert_eq!(policy.backoff(40), Duration::from_secs(3600));
    }
}
