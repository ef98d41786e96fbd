//! Background work of every server replica: publishing what is scheduled, delivering webhooks,
//! the feedback jobs (escalation of overdue cases, the retention purge, e-mail to citizens).
//! Each claims its work in the database, so replicas can all run it.

use std::time::{Duration, Instant};

use portal_moderation::schedule;
use portal_moderation::targets;
use portal_moderation::webhooks::{self, Due, Outcome};

use portal_api::state::{AppState, WebhookRuntime};
use portal_api::ApiError;

pub use crate::mailer::{run_mail_once, Mailer};

/// Publishes and takes down what is due; returns how many items changed.
pub async fn run_schedule_once(state: &AppState) -> Result<usize, ApiError> {
    let report = state.db(schedule::run_due).await?;
    let changed = report.published + report.unpublished;
    if changed > 0 {
        state.public_cache.invalidate();
    }
    Ok(changed)
}

/// Resolves and checks the endpoint's host once, then sends to exactly those addresses over
/// rustls; a redirect is recorded as a failure with its Location, never followed (`targets`).
async fn send(due: &Due, runtime: &WebhookRuntime) -> Outcome {
    let started = Instant::now();
    let failed = |error: String| Outcome {
        status_code: None,
        latency_ms: started.elapsed().as_millis() as i64,
        error: Some(error),
    };
    let url = due.url.clone();
    let allow_private = runtime.allow_private;
    // Checked at send time too: a name may have been re-pointed since the endpoint was registered.
    let target = match actix_web::web::block(move || targets::resolve(&url, allow_private)).await {
        Ok(Ok(target)) => target,
        Ok(Err(reason)) => return failed(format!("refused: {reason}")),
        Err(_) => return failed("the address check did not run".into()),
    };
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("PortalCMS-Webhooks/", env!("CARGO_PKG_VERSION")));
    if target.is_name {
        // No second lookup: the client connects only to the addresses just checked.
        builder = builder.resolve_to_addrs(&target.host, &target.addrs);
    }
    for root in &runtime.extra_roots {
        builder = builder.add_root_certificate(root.clone());
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return failed(format!("the HTTP client could not be built: {e}")),
    };
    let timestamp = chrono::Utc::now().timestamp();
    let signature = webhooks::sign(&due.secret, timestamp, &due.body);
    let response = client
        .post(&due.url)
        .header("content-type", "application/json")
        .header("portal-event", due.event_type.as_str())
        .header("portal-delivery", due.delivery_id.to_string())
        .header("portal-signature", signature)
        .body(due.body.clone())
        .send()
        .await;
    let latency_ms = started.elapsed().as_millis() as i64;
    match response {
        Ok(res) => {
            let code = res.status().as_u16();
            let error = if res.status().is_redirection() {
                let location = res
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or("(none)");
                Some(format!(
                    "the receiver redirected ({code}, Location: {location}); webhooks do not follow redirects"
                ))
            } else {
                (!(200..300).contains(&code)).then(|| format!("the receiver answered {code}"))
            };
            Outcome {
                status_code: Some(code),
                latency_ms,
                error,
            }
        }
        Err(e) => Outcome {
            status_code: None,
            latency_ms,
            error: Some(error_chain(&e)),
        },
    }
}

/// reqwest's top-level message ("error sending request") hides the cause (a refused connection,
/// an unknown certificate authority): the whole chain is what an operator needs.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Sends every due delivery once; returns how many were attempted.
pub async fn run_webhooks_once(state: &AppState) -> Result<usize, ApiError> {
    let policy = state.webhooks.policy.clone();
    let claim_policy = policy.clone();
    let due = state
        .db(move |conn| webhooks::claim_due(conn, &claim_policy, 50))
        .await?;
    let count = due.len();
    for delivery in due {
        let outcome = send(&delivery, &state.webhooks).await;
        let policy = policy.clone();
        state
            .db(move |conn| webhooks::record(conn, &policy, &delivery, &outcome))
            .await?;
    }
    Ok(count)
}

/// Signs the audit head and appends it to the checkpoint file, when anchoring is configured.
pub async fn write_audit_checkpoint(state: &AppState) -> Result<(), String> {
    let Some(anchor) = state.audit_anchor.clone() else {
        return Ok(());
    };
    state
        .db(move |conn| {
            anchor
                .write(conn)
                .map(|_| ())
                .map_err(portal_core::Error::Internal)
        })
        .await
        .map_err(|e| e.0.detail)
}

/// Sends up overdue cases (Điều 11.4) and purges the personal data of cases closed longer ago
/// than the retention period; returns how many of each.
pub async fn run_feedback_jobs_once(state: &AppState) -> Result<(usize, usize), ApiError> {
    let escalated = state
        .db(portal_feedback::escalation::escalate_overdue)
        .await?;
    let purged = state.db(portal_feedback::retention::purge_expired).await?;
    // Allowances whose hour is over: the table keeps only clients seen in the last window.
    let limits = state.intake;
    state
        .db(move |conn| portal_feedback::guard::forget_expired(conn, &limits))
        .await?;
    if escalated + purged > 0 {
        state.public_cache.invalidate();
    }
    Ok((escalated, purged))
}

/// Runs the jobs every `interval` until the server stops; e-mail only with a mailer.
pub fn spawn(state: AppState, interval: Duration, mailer: Option<Mailer>) {
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
            if let Err(e) = write_audit_checkpoint(&state).await {
                log::warn!("audit checkpoint failed: {e}");
            }
            if let Err(e) = run_feedback_jobs_once(&state).await {
                log::warn!("feedback jobs failed: {e}");
            }
            if let Some(mailer) = &mailer {
                if let Err(e) = run_mail_once(&state, mailer).await {
                    log::warn!("e-mail to citizens failed: {e}");
                }
            }
        }
    });
}
