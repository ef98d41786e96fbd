//! The front door of webhook administration: each use case takes who is acting and checks
//! `webhooks:manage` (operators, and API keys given it) before it touches an endpoint.

use super::*;
use portal_auth::{Acting, Principal, Scope};

/// Registers an endpoint; its URL must resolve to public addresses unless `allow_private`.
pub fn register(
    conn: &mut DbConn,
    who: &Acting,
    new: &NewEndpoint,
    allow_private: bool,
) -> Result<Endpoint, Error> {
    who.principal.require(Scope::WebhooksManage)?;
    create_endpoint(conn, &who.actor, new, allow_private)
}

pub fn list(
    conn: &mut DbConn,
    who: &Principal,
    page: &PageRequest,
) -> Result<Page<Endpoint>, Error> {
    who.require(Scope::WebhooksManage)?;
    list_endpoints(conn, page)
}

/// Enables (resetting its failure count) or disables an endpoint.
pub fn switch(conn: &mut DbConn, who: &Acting, id: i64, active: bool) -> Result<Endpoint, Error> {
    who.principal.require(Scope::WebhooksManage)?;
    set_active(conn, &who.actor, id, active)
}

/// An endpoint's deliveries, newest first, with their attempts.
pub fn delivery_log(
    conn: &mut DbConn,
    who: &Principal,
    id: i64,
    page: &PageRequest,
) -> Result<Page<(Delivery, String, Vec<Attempt>)>, Error> {
    who.require(Scope::WebhooksManage)?;
    deliveries(conn, id, page)
}

/// Queues a delivery's event again, as a new delivery; returns its id.
pub fn deliver_again(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    delivery: i64,
) -> Result<i64, Error> {
    who.principal.require(Scope::WebhooksManage)?;
    redeliver(conn, id, delivery)
}

/// Queues a `webhook.test` event to the endpoint; returns the delivery's id.
pub fn test(conn: &mut DbConn, who: &Acting, id: i64) -> Result<i64, Error> {
    who.principal.require(Scope::WebhooksManage)?;
    send_test(conn, &who.actor, id)
}
