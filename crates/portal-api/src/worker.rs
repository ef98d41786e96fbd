//! Background work of every server replica: publishing what is scheduled, and delivering
//! webhooks. Both claim their work in the database, so replicas can all run it.

use std::time::{Duration, Instant};

use portal_moderation::schedule;
use portal_moderation::webhooks::{self, Due, Outcome};

use crate::state::AppState;

/// Publishes and takes down what is due; returns how many items changed.
pub async fn run_schedule_once(state: &AppState) -> Result<usize, crate::ApiError> {
    let report = state.db(schedule::run_due).await?;
    let changed = report.published + report.unpublished;
    if changed > 0 {
        state.public_cache.invalidate();
    }
    Ok(changed)
}

async fn send(client: &awc::Client, due: &Due, allow_private: bool) -> Outcome {
    let started = Instant::now();
    let target = due.url.clone();
    // Checked at send time too: a name may have been re-pointed since the endpoint was registered.
    let checked = actix_web::web::block(move || webhooks::check_target(&target, allow_private))
        .await
        .unwrap_or_else(|_| Err("the address check did not run".into()));
    if let Err(reason) = checked {
        return Outcome {
            status_code: None,
            latency_ms: started.elapsed().as_millis() as i64,
            error: Some(format!("refused: {reason}")),
        };
    }
    let timestamp = chrono::Utc::now().timestamp();
    let signature = webhooks::sign(&due.secret, timestamp, &due.body);
    let response = client
        .post(&due.url)
        .insert_header(("content-type", "application/json"))
        .insert_header(("portal-event", due.event_type.as_str()))
        .insert_header(("portal-delivery", due.delivery_id.to_string()))
        .insert_header(("portal-signature", signature))
        .send_body(due.body.clone())
        .await;
    let latency_ms = started.elapsed().as_millis() as i64;
    match response {
        Ok(res) => {
            let code = res.status().as_u16();
            Outcome {
                status_code: Some(code),
                latency_ms,
                error: (!(200..300).contains(&code))
                    .then(|| format!("the receiver answered {code}")),
            }
        }
        Err(e) => Outcome {
            status_code: None,
            latency_ms,
            error: Some(e.to_string()),
        },
    }
}

/// Sends every due delivery once; returns how many were attempted.
pub async fn run_webhooks_once(state: &AppState) -> Result<usize, crate::ApiError> {
    let policy = state.webhooks.policy.clone();
    let claim_policy = policy.clone();
    let due = state
        .db(move |conn| webhooks::claim_due(conn, &claim_policy, 50))
        .await?;
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let count = due.len();
    for delivery in due {
        let outcome = send(&client, &delivery, state.webhooks.allow_private).await;
        let policy = policy.clone();
        state
            .db(move |conn| webhooks::record(conn, &policy, &delivery, &outcome))
            .await?;
    }
    Ok(count)
}

/// Runs both every `interval` until the server stops.
pub fn spawn(state: AppState, interval: Duration) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(interval);
        loop {
            ticker.tick().await;
            if let Err(e) = run_schedule_once(&state).await {
                log::warn!("scheduled publication failed: {e}");
            }
            if let Err(e) = run_webhooks_once(&state).await {
                log::warn!("webhook delivery failed: {e}");
            }
        }
    });
}
