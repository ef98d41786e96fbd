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

impl Default for Policy {
    fn default() -> Self {
        Self {
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(25 * 3600),
            disable_after_failures: 50,
            lease: Duration::from_secs(60),
        }
    }
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

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub site_id: Option<i64>,
    pub secret: String,
    pub active: bool,
    pub consecutive_failures: i32,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<String>,
    pub site: Option<String>,
    pub secret: String,
}

pub fn create_endpoint(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewEndpoint,
    allow_private: bool,
) -> Result<Endpoint, Error> {
    let mut errors = Vec::new();
    if let Err(reason) = check_target(&new.url, allow_private) {
        errors.push(FieldError::new("url", "refused_url", reason));
    }
    if new.url.len() > 2_000 {
        errors.push(FieldError::new(
            "url",
            "too_long",
            "at most 2,000 characters",
        ));
    }
    if new.events.is_empty() {
        errors.push(FieldError::new("events", "required", "at least one event"));
    }
    for (i, e) in new.events.iter().enumerate() {
        if !EVENTS.contains(&e.as_str()) {
            errors.push(FieldError::new(
                format!("events[{i}]"),
                "unknown_event",
                format!("'{e}' is not one of {}", EVENTS.join(", ")),
            ));
        }
    }
    if new.secret.len() < 16 || new.secret.len() > 200 {
        errors.push(FieldError::new(
            "secret",
            "invalid_length",
            "16 to 200 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let site_id = match &new.site {
            Some(key) => Some(
                portal_sections::sites::ids_of(conn, std::slice::from_ref(key))?
                    .first()
                    .copied()
                    .ok_or_else(|| {
                        Error::field(
                            "site",
                            "unknown_site",
                            format!("no site has the key '{key}'"),
                        )
                    })?,
            ),
            None => None,
        };
        let mut events = new.events.clone();
        events.sort();
        events.dedup();
        let id: i64 = diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::url.eq(&new.url),
                webhook_endpoints::events.eq(events.join(" ")),
                webhook_endpoints::site_id.eq(site_id),
                webhook_endpoints::secret.eq(&new.secret),
                webhook_endpoints::active.eq(true),
                webhook_endpoints::created_by.eq(&actor.label),
                webhook_endpoints::created_at.eq(now()),
            ))
            .returning(webhook_endpoints::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            actor,
            "webhook.create",
            Some(&format!("webhook:{id}")),
            None,
            Some(&json!({"url": new.url, "events": events, "site": new.site})),
        )?;
        endpoint(conn, id)
    })
}

pub fn endpoint(conn: &mut DbConn, id: i64) -> Result<Endpoint, Error> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .select(Endpoint::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("webhook", id))
}

pub fn list_endpoints(conn: &mut DbConn, page: &PageRequest) -> Result<Page<Endpoint>, Error> {
    let mut query = webhook_endpoints::table
        .select(Endpoint::as_select())
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(webhook_endpoints::id.gt(after));
    }
    let rows = query
        .order(webhook_endpoints::id.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |e| e.id.to_string()))
}

/// Turns an endpoint off (or back on, clearing its failure count).
pub fn set_active(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<Endpoint, Error> {
    write_transaction(conn, |conn| {
        endpoint(conn, id)?;
        diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq(id)))
            .set((
                webhook_endpoints::active.eq(active),
                webhook_endpoints::consecutive_failures.eq(0),
                webhook_endpoints::disabled_reason.eq(if active {
                    None
                } else {
                    Some("disabled by an operator")
                }),
            ))
            .execute(conn)?;
        let action = if active {
            "webhook.enable"
        } else {
            "webhook.disable"
        };
        portal_audit::append(
            conn,
            actor,
            action,
            Some(&format!("webhook:{id}")),
            None,
            None,
        )?;
        endpoint(conn, id)
    })
}

fn insert_delivery(conn: &mut DbConn, endpoint_id: i64, event_id: i64) -> Result<i64, Error> {
    let at = now();
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::endpoint_id.eq(endpoint_id),
            webhook_deliveries::event_id.eq(event_id),
            webhook_deliveries::status.eq("pending"),
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

/// A delivery a worker has claimed, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery_id: i64,
    pub endpoint_id: i64,
    pub url: String,
    pub secret: String,
    pub event_type: String,
    pub body: String,
}

/// Claims up to `limit` due deliveries for this worker. The claim is a conditional update of the
/// lease, so two workers (or two replicas) never send the same delivery at once.
pub fn claim_due(conn: &mut DbConn, policy: &Policy, limit: i64) -> Result<Vec<Due>, Error> {
    let at = now();
    let candidates: Vec<i64> = webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::status.eq("pending"))
        .filter(webhook_deliveries::next_attempt_at.le(at))
        .filter(
            webhook_deliveries::locked_until
                .is_null()
                .or(webhook_deliveries::locked_until.lt(at)),
        )
        .filter(webhook_endpoints::active.eq(true))
        .order(webhook_deliveries::id.asc())
        .limit(limit)
        .select(webhook_deliveries::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let won = diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(id))
                .filter(webhook_deliveries::status.eq("pending"))
                .filter(
                    webhook_deliveries::locked_until
                        .is_null()
                        .or(webhook_deliveries::locked_until.lt(at)),
                ),
        )
        .set(webhook_deliveries::locked_until.eq(Some(at + chrono(policy.lease))))
        .execute(conn)?;
        if won == 1 {
            let (endpoint_id, url, secret, event_type, body): (
                i64,
                String,
                String,
                String,
                String,
            ) = webhook_deliveries::table
                .inner_join(webhook_endpoints::table)
                .inner_join(outbox_events::table)
                .filter(webhook_deliveries::id.eq(id))
                .select((
                    webhook_endpoints::id,
                    webhook_endpoints::url,
                    webhook_endpoints::secret,
                    outbox_events::event_type,
                    outbox_events::payload,
                ))
                .first(conn)?;
            claimed.push(Due {
                delivery_id: id,
                endpoint_id,
                url,
                secret,
                event_type,
                body,
            });
        }
    }
    Ok(claimed)
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// Records an attempt and schedules the next one (exponential backoff), or gives up after the
/// policy's time; disables an endpoint that keeps failing.
pub fn record(
    conn: &mut DbConn,
    policy: &Policy,
    due: &Due,
    outcome: &Outcome,
) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let at = now();
        diesel::insert_into(delivery_attempts::table)
            .values((
                delivery_attempts::delivery_id.eq(due.delivery_id),
                delivery_attempts::attempted_at.eq(at),
                delivery_attempts::status_code.eq(outcome.status_code.map(i32::from)),
                delivery_attempts::latency_ms.eq(outcome.latency_ms),
                delivery_attempts::error.eq(outcome.error.as_deref()),
            ))
            .execute(conn)?;
        let (attempts, created_at): (i32, NaiveDateTime) = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(due.delivery_id))
            .select((webhook_deliveries::attempts, webhook_deliveries::created_at))
            .first(conn)?;
        let attempts = attempts + 1;
        let target = webhook_deliveries::table.filter(webhook_deliveries::id.eq(due.delivery_id));
        let endpoint_row =
            webhook_endpoints::table.filter(webhook_endpoints::id.eq(due.endpoint_id));
        if outcome.succeeded() {
            diesel::update(target)
                .set((
                    webhook_deliveries::status.eq("delivered"),
                    webhook_deliveries::attempts.eq(attempts),
                    webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                    webhook_deliveries::last_status_code.eq(outcome.status_code.map(i32::from)),
                    webhook_deliveries::last_error.eq(None::<String>),
                    webhook_deliveries::delivered_at.eq(Some(at)),
                ))
                .execute(conn)?;
            diesel::update(endpoint_row)
                .set(webhook_endpoints::consecutive_failures.eq(0))
                .execute(conn)?;
            return Ok(());
        }
        let give_up = at - created_at >= chrono(policy.give_up_after);
        diesel::update(target)
            .set((
                webhook_deliveries::status.eq(if give_up { "abandoned" } else { "pending" }),
                webhook_deliveries::attempts.eq(attempts),
                webhook_deliveries::next_attempt_at.eq(at + chrono(policy.backoff(attempts))),
                webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::last_status_code.eq(outcome.status_code.map(i32::from)),
                webhook_deliveries::last_error.eq(outcome.error.as_deref()),
            ))
            .execute(conn)?;
        diesel::update(endpoint_row)
            .set(
                webhook_endpoints::consecutive_failures
                    .eq(webhook_endpoints::consecutive_failures + 1),
            )
            .execute(conn)?;
        let failures: i32 = endpoint_row
            .select(webhook_endpoints::consecutive_failures)
            .first(conn)?;
        if failures >= policy.disable_after_failures {
            diesel::update(endpoint_row)
                .set((
                    webhook_endpoints::active.eq(false),
                    webhook_endpoints::disabled_reason.eq(Some(format!(
                        "disabled after {failures} failed attempts in a row"
                    ))),
                ))
                .execute(conn)?;
            portal_audit::append(
                conn,
                &Actor::system("webhooks"),
                "webhook.auto_disable",
                Some(&format!("webhook:{}", due.endpoint_id)),
                None,
                Some(&json!({"consecutive_failures": failures})),
            )?;
        }
        Ok(())
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = delivery_attempts)]
pub struct Attempt {
    pub id: i64,
    pub delivery_id: i64,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

/// Newest first, with the event type and each attempt.
pub fn deliveries(
    conn: &mut DbConn,
    endpoint_id: i64,
    page: &PageRequest,
) -> Result<Page<(Delivery, String, Vec<Attempt>)>, Error> {
    endpoint(conn, endpoint_id)?;
    let mut query = webhook_deliveries::table
        .inner_join(outbox_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .select((Delivery::as_select(), outbox_events::event_type))
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(webhook_deliveries::id.lt(after));
    }
    let rows: Vec<(Delivery, String)> = query
        .order(webhook_deliveries::id.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |(d, _)| d.id.to_string());
    let mut items = Vec::with_capacity(page.items.len());
    for (delivery, event_type) in page.items {
        let attempts = delivery_attempts::table
            .filter(delivery_attempts::delivery_id.eq(delivery.id))
            .order(delivery_attempts::id.asc())
            .select(Attempt::as_select())
            .load(conn)?;
        items.push((delivery, event_type, attempts));
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
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
        let policy = Policy::default();
        assert_eq!(policy.backoff(1), Duration::from_secs(30));
        assert_eq!(policy.backoff(2), Duration::from_secs(60));
        assert_eq!(policy.backoff(5), Duration::from_secs(480));
        assert_eq!(policy.backoff(40), Duration::from_secs(3600));
        // Attempts keep coming for the whole give-up window: at least 24 hours.
        assert!(policy.give_up_after >= Duration::from_secs(24 * 3600));
    }
}
