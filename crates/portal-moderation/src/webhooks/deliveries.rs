//! Deliveries: claimed by one worker at a time, attempted, retried with backoff, abandoned, and listed.

use super::*;

/// Where a delivery stands: waiting for its next attempt, delivered (a 2xx), or abandoned after
/// the policy's give-up window.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Abandoned,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Abandoned => "abandoned",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        [Self::Pending, Self::Delivered, Self::Abandoned]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

portal_db::stored_as_text!(DeliveryStatus);

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
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
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
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
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
                    webhook_deliveries::status.eq(DeliveryStatus::Delivered),
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
                webhook_deliveries::status.eq(if give_up {
                    DeliveryStatus::Abandoned
                } else {
                    DeliveryStatus::Pending
                }),
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
    pub status: DeliveryStatus,
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
