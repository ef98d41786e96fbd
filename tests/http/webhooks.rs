//! Webhooks to sub-sites: signed, retried, recorded, and never lost across a restart.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    receivers_can_verify_the_signature,
    a_receiver_failing_three_times_gets_the_event_exactly_once_more,
    events_survive_a_server_restart,
    test_events_redelivery_and_disabling,
    registrations_are_validated,
    https_endpoints_receive_deliveries_over_tls,
    redirects_are_recorded_as_failures_and_not_followed,
);

const SECRET: &str = "hoi-an-shared-secret-2026";

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, String, String)>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    /// Starts a receiver on loopback that answers with the scripted statuses, then 200.
    fn start(script: &[u16]) -> (Receiver, String) {
        let receiver = Receiver::default();
        receiver.script.lock().unwrap().extend(script);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://127.0.0.1:{}/hook",
            listener.local_addr().unwrap().port()
        );
        let state = receiver.clone();
        let server = HttpServer::new(move || {
            let state = state.clone();
            App::new().route(
                "/hook",
                web::post().to(move |req: HttpRequest, body: String| {
                    let state = state.clone();
                    async move {
                        let header = |n: &str| {
                            req.headers()
                                .get(n)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string()
                        };
                        state.got.lock().unwrap().push((
                            header("portal-event"),
                            header("portal-signature"),
                            body,
                        ));
                        let status = state.script.lock().unwrap().pop_front().unwrap_or(200);
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                            .finish()
                    }
                }),
            )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        (receiver, url)
    }

    fn events(&self) -> Vec<String> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(e, _, _)| e.clone())
            .collect()
    }
}

async fn register(app: &TestApp, operator: &str, url: &str) -> i64 {
    let res = app
        .call("POST", "/api/v1/admin/webhooks", Some(operator), Some(&json!({"url": url, "events": ["content.published", "content.unpublished"], "site": "quang-nam", "secret": SECRET})))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_i64().unwrap()
}

/// Publishes a new item through the whole workflow; returns its id.
async fn publish_one(app: &TestApp, title: &str) -> i64 {
    let author = app
        .token_for(
            &format!("tg.{}", title.len()),
            "so-tp",
            &[("quang-nam", "contributor")],
        )
        .await;
    let chief = app
        .token_for(
            &format!("tbt.{}", title.len()),
            "so-tttt",
            &[("quang-nam", "chief_editor")],
        )
        .await;
    // A board member reviews and forwards; the head approves (Điều 10.2).
    let editor = app
        .token_for(
            &format!("bt.{}", title.len()),
            "so-tttt",
            &[("quang-nam", "editor")],
        )
        .await;
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    let item = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&author),
            Some(
                &json!({"section_id": section, "kind": "news", "title": title,
            "body": "<p>x</p>", "author": "A", "source": "B"}),
            ),
        )
        .await
        .json();
    let id = item["id"].as_i64().unwrap();
    for (token, action) in [
        (&author, "submit"),
        (&editor, "claim"),
        (&editor, "forward"),
        (&chief, "approve"),
    ] {
        let res = app
            .call(
                "POST",
                &format!("/api/v1/admin/content/{id}/{action}"),
                Some(token),
                Some(&json!({"version": 1})),
            )
            .await;
        assert_eq!(res.status, 200, "{action}: {}", res.text());
    }
    id
}

/// Checks a `Portal-Signature: t=<unix seconds>,v1=<hex>` header as a receiver written from
/// docs/api-guide.md would, with `hmac` and `sha2` rather than the server's own code:
/// HMAC-SHA256 keyed with the shared secret over "<t>.<body>", and a timestamp at most five
/// minutes from `now`.
fn receiver_accepts(secret: &str, header: &str, body: &str, now: i64) -> bool {
    use hmac::{KeyInit, Mac};
    let field = |name: &str| {
        header
            .split(',')
            .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
    };
    let (Some(t), Some(v1)) = (field("t"), field("v1")) else {
        return false;
    };
    let Ok(t) = t.parse::<i64>() else {
        return false;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    (now - t).abs() <= 300 && expected == v1
}

async fn receivers_can_verify_the_signature(app: TestApp) {
    let operator = app
        .token_for("it.hooks", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let (receiver, url) = Receiver::start(&[]);
    register(&app, &operator, &url).await;
    let id = publish_one(&app, "Có chữ ký").await;
    assert_eq!(
        portal::worker::run_webhooks_once(&app.state).await.unwrap(),
        1
    );
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (event, signature, body) = &got[0];
    assert_eq!(event, "content.published");
    let now = chrono::Utc::now().timestamp();
    assert!(
        receiver_accepts(SECRET, signature, body, now),
        "{signature}"
    );
    assert!(!receiver_accepts(
        "a-different-secret!!",
        signature,
        body,
        now
    ));
    assert!(
        !receiver_accepts(SECRET, signature, &body.replace("quang-nam", "hoi-an"), now),
        "a changed body does not verify"
    );
    assert!(
        !receiver_accepts(SECRET, signature, body, now + 301),
        "nor an old signature (a replay)"
    );
    let payload: Value = serde_json::from_str(body).unwrap();
    assert_eq!(payload["event"], "content.published");
    assert_eq!(payload["data"]["id"], id);
    assert_eq!(payload["data"]["site"], "quang-nam");
    assert_eq!(payload["data"]["published_revision"], 1);
}

async fn a_receiver_failing_three_times_gets_the_event_exactly_once_more(app: TestApp) {
    let operator = app
        .token_for("it.retry", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let (receiver, url) = Receiver::start(&[500, 503, 500]);
    let endpoint = register(&app, &operator, &url).await;
    publish_one(&app, "Thử lại").await;
    for _ in 0..6 {
        portal::worker::run_webhooks_once(&app.state).await.unwrap();
    }
    assert_eq!(
        receiver.events(),
        ["content.published"; 4],
        "three failures, then one success, then nothing"
    );
    let deliveries = app
        .call(
            "GET",
            &format!("/api/v1/admin/webhooks/{endpoint}/deliveries"),
            Some(&operator),
            None,
        )
        .await
        .json();
    let delivery = &deliveries["items"][0];
    assert_eq!(delivery["status"], "delivered");
    assert_eq!(delivery["attempts"], 4);
    let codes: Vec<i64> = delivery["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [500, 503, 500, 200]);
    assert!(delivery["attempt_log"][0]["latency_ms"].is_i64());
    let hooks = app
        .call("GET", "/api/v1/admin/webhooks", Some(&operator), None)
        .await
        .json();
    assert_eq!(hooks["items"][0]["consecutive_failures"], 0);
}

async fn events_survive_a_server_restart(app: TestApp) {
    let operator = app
        .token_for("it.restart", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let (receiver, url) = Receiver::start(&[]);
    register(&app, &operator, &url).await;
    publish_one(&app, "Trước khi khởi động lại").await;
    let app = app.restart().await;
    assert!(receiver.events().is_empty());
    portal::worker::run_webhooks_once(&app.state).await.unwrap();
    assert_eq!(receiver.events(), ["content.published"]);
}

async fn test_events_redelivery_and_disabling(app: TestApp) {
    let operator = app
        .token_for("it.test", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let (receiver, url) = Receiver::start(&[]);
    let endpoint = register(&app, &operator, &url).await;
    let queued = app
        .call(
            "POST",
            &format!("/api/v1/admin/webhooks/{endpoint}/test"),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(queued.status, 202);
    portal::worker::run_webhooks_once(&app.state).await.unwrap();
    assert_eq!(receiver.events(), ["webhook.test"]);
    let delivery = queued.json()["delivery_id"].as_i64().unwrap();
    let again = app
        .call(
            "POST",
            &format!("/api/v1/admin/webhooks/{endpoint}/deliveries/{delivery}/redeliver"),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(again.status, 202);
    portal::worker::run_webhooks_once(&app.state).await.unwrap();
    assert_eq!(receiver.events(), ["webhook.test", "webhook.test"]);
    app.call(
        "POST",
        &format!("/api/v1/admin/webhooks/{endpoint}/deliveries/999/redeliver"),
        Some(&operator),
        None,
    )
    .await
    .problem(404);

    // An endpoint that keeps failing is disabled and flagged, counted from zero through real
    // attempts: on a server whose policy retries at once and disables after 5 failures in a row
    // (the default is 50, with backoff), it is still active after 4 and disabled by the 5th.
    let strict = app
        .replica_with(|state| {
            let policy = state.webhooks.policy.clone();
            state.with_webhooks(
                true,
                portal_moderation::webhooks::Policy {
                    base_backoff: std::time::Duration::ZERO,
                    max_backoff: std::time::Duration::ZERO,
                    disable_after_failures: 5,
                    ..policy
                },
            )
        })
        .await;
    let (failing, bad_url) = Receiver::start(&[500; 10]);
    let bad = register(&app, &operator, &bad_url).await;
    app.call(
        "POST",
        &format!("/api/v1/admin/webhooks/{bad}/test"),
        Some(&operator),
        None,
    )
    .await;
    let endpoint_of = |hooks: &Value| {
        hooks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == bad)
            .unwrap()
            .clone()
    };
    for attempt in 1..=5 {
        portal::worker::run_webhooks_once(&strict.state)
            .await
            .unwrap();
        assert_eq!(
            failing.events().len(),
            attempt,
            "attempt {attempt} was made"
        );
        let hook = endpoint_of(
            &app.call("GET", "/api/v1/admin/webhooks", Some(&operator), None)
                .await
                .json(),
        );
        assert_eq!(hook["consecutive_failures"], attempt, "{hook}");
        assert_eq!(
            hook["active"],
            attempt < 5,
            "after {attempt} failures: {hook}"
        );
    }
    let flagged = endpoint_of(
        &app.call("GET", "/api/v1/admin/webhooks", Some(&operator), None)
            .await
            .json(),
    );
    assert!(
        flagged["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("5 failed attempts"),
        "{flagged}"
    );
    portal::worker::run_webhooks_once(&strict.state)
        .await
        .unwrap();
    assert_eq!(
        failing.events().len(),
        5,
        "a disabled endpoint gets nothing more"
    );
    let enabled = app
        .call(
            "POST",
            &format!("/api/v1/admin/webhooks/{bad}/enable"),
            Some(&operator),
            None,
        )
        .await
        .json();
    assert_eq!(enabled["active"], true);
    assert_eq!(enabled["consecutive_failures"], 0);
}

async fn registrations_are_validated(app: TestApp) {
    let operator = app
        .token_for("it.valid", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let doc = app
        .call("POST", "/api/v1/admin/webhooks", Some(&operator), Some(&json!({"url": "ftp://hoian.gov.vn/x", "events": ["content.deleted"], "secret": "short", "site": "nowhere"})))
        .await
        .problem(422);
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["url", "events[0]", "secret"]);
    let doc = app
        .call("POST", "/api/v1/admin/webhooks", Some(&operator), Some(&json!({"url": "http://127.0.0.1:1/x", "events": ["content.published"], "secret": SECRET, "site": "nowhere"})))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "site");
    // An API key with the webhook scope may manage webhooks too.
    let key = app
        .call(
            "POST",
            "/api/v1/admin/api-keys",
            Some(&operator),
            Some(&json!({"name": "Hội An", "scopes": ["webhooks:manage"]})),
        )
        .await
        .json();
    let secret = key["secret"].as_str().unwrap();
    let listed = app
        .call("GET", "/api/v1/admin/webhooks", Some(secret), None)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text());
}

async fn https_endpoints_receive_deliveries_over_tls(app: TestApp) {
    let operator = app
        .token_for("it.tls", "ttcntt", &[("quang-nam", "operator")])
        .await;
    // A real TLS server with a certificate for `localhost` from the tests' own CA.
    let receiver = portal_testkit::tls::HttpsReceiver::start(200, "").await;
    let endpoint = register(&app, &operator, &receiver.url).await;
    let id = publish_one(&app, "Qua HTTPS").await;
    assert_eq!(
        portal::worker::run_webhooks_once(&app.state).await.unwrap(),
        1
    );
    let got = receiver.received();
    assert_eq!(got.len(), 1, "delivered once over TLS");
    let signature = got[0].header("portal-signature").unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(receiver_accepts(SECRET, &signature, &got[0].body, now));
    let payload: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(payload["data"]["id"], id);
    let deliveries = app
        .call(
            "GET",
            &format!("/api/v1/admin/webhooks/{endpoint}/deliveries"),
            Some(&operator),
            None,
        )
        .await
        .json();
    assert_eq!(
        deliveries["items"][0]["status"], "delivered",
        "{deliveries}"
    );
}

async fn redirects_are_recorded_as_failures_and_not_followed(app: TestApp) {
    let operator = app
        .token_for("it.redirect", "ttcntt", &[("quang-nam", "operator")])
        .await;
    // An internal service the signed payload must never reach.
    let (internal, internal_url) = Receiver::start(&[]);
    let redirector =
        portal_testkit::tls::HttpsReceiver::start(307, &format!("location: {internal_url}\r\n"))
            .await;
    let endpoint = register(&app, &operator, &redirector.url).await;
    publish_one(&app, "Chuyển hướng").await;
    portal::worker::run_webhooks_once(&app.state).await.unwrap();
    assert_eq!(redirector.received().len(), 1);
    assert!(internal.events().is_empty(), "the redirect was followed");
    let deliveries = app
        .call(
            "GET",
            &format!("/api/v1/admin/webhooks/{endpoint}/deliveries"),
            Some(&operator),
            None,
        )
        .await
        .json();
    let attempt = &deliveries["items"][0]["attempt_log"][0];
    assert_eq!(attempt["status_code"], 307, "{deliveries}");
    let error = attempt["error"].as_str().unwrap();
    assert!(
        error.contains("do not follow redirects") && error.contains(&internal_url),
        "{error}"
    );
    assert_ne!(deliveries["items"][0]["status"], "delivered");
}
