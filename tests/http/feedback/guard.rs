//! The public forms' protections (issue "abuse and bad input"): a form token with a minimum fill
//! time, and an allowance per client address that parallel requests, replicas and a reverse
//! proxy in front all share.

use portal_feedback::guard::IntakeLimits;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::case_body;

on_every_backend!(
    a_form_sent_sooner_than_its_fill_time_or_with_a_forged_token_is_refused,
    each_address_has_one_allowance_across_parallel_requests_and_replicas,
);

const FEEDBACK: &str = "/api/v1/feedback";

async fn a_form_sent_sooner_than_its_fill_time_or_with_a_forged_token_is_refused(app: TestApp) {
    let app = app
        .replica_with(|mut state| {
            state.intake = IntakeLimits {
                min_fill_secs: 1,
                ..IntakeLimits::default()
            };
            state
        })
        .await;
    let form = app.get("/api/v1/sites/quang-nam/feedback-form").await;
    assert_eq!(form.status, 200, "{}", form.text());
    assert_eq!(form.header("cache-control").as_deref(), Some("no-store"));
    let form = form.json();
    assert_eq!(form["min_fill_seconds"], 1);
    assert_eq!(form["valid_for_seconds"], 86_400);
    let mut body = case_body("Hỏi về lệ phí trước bạ");
    body["form_token"] = form["form_token"].clone();
    let fast = app.post_json(FEEDBACK, &body).await.problem(422);
    assert_eq!(fast["errors"][0]["field"], "form_token", "{fast}");
    assert_eq!(fast["errors"][0]["code"], "too_fast");
    // A token of another site's form, and one whose time was moved back, are not this form's.
    let other = app.get("/api/v1/sites/hoi-an/feedback-form").await.json();
    let mut foreign = body.clone();
    foreign["form_token"] = other["form_token"].clone();
    let token = form["form_token"].as_str().unwrap();
    let (issued, mac) = token.split_once('.').unwrap();
    let mut backdated = body.clone();
    backdated["form_token"] = json!(format!("{}.{mac}", issued.parse::<i64>().unwrap() - 60));
    for forged in [&foreign, &backdated] {
        let problem = app.post_json(FEEDBACK, forged).await.problem(422);
        assert_eq!(
            problem["errors"][0]["code"], "invalid_form_token",
            "{problem}"
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let late = app.post_json(FEEDBACK, &body).await;
    assert_eq!(late.status, 201, "{}", late.text());
    // No token at all is a 400 naming the field, like any missing field.
    let mut without = case_body("Hỏi khác");
    without.as_object_mut().unwrap().remove("form_token");
    let missing = app.post_json(FEEDBACK, &without).await;
    assert!(missing.text().contains("form_token"), "{}", missing.text());
    assert!(matches!(missing.status, 400 | 422), "{}", missing.status);
    // An unknown site has no form.
    app.get("/api/v1/sites/khong-co/feedback-form")
        .await
        .problem(404);
}

async fn each_address_has_one_allowance_across_parallel_requests_and_replicas(app: TestApp) {
    let limited = |mut state: portal_api::state::AppState| {
        state.intake = IntakeLimits {
            max_per_window: 3,
            window: chrono::Duration::hours(1),
            min_fill_secs: 0,
            integrator_max_per_window: 2,
        };
        state
    };
    let one = app.replica_with(limited).await;
    let two = app.replica_with(limited).await;
    // Eight different cases from one address, sent together to two replicas.
    let bodies: Vec<_> = (0..8)
        .map(|i| case_body(&format!("Câu hỏi số {i}")))
        .collect();
    let sends = bodies.iter().enumerate().map(|(i, body)| {
        let replica = if i % 2 == 0 { &one } else { &two };
        replica.post_json(FEEDBACK, body)
    });
    let answers = futures_util::future::join_all(sends).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    let refused = answers.iter().find(|a| a.status == 429).unwrap();
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    assert!(refused.problem(429)["detail"]
        .as_str()
        .unwrap()
        .contains("3 public forms"));

    // Behind a trusted reverse proxy each client counts alone; without one, a client's own
    // X-Forwarded-For is not believed.
    let forged = one
        .post_json_with(
            FEEDBACK,
            &[("x-forwarded-for", "198.51.100.50")],
            &case_body("Giả mạo"),
        )
        .await;
    assert_eq!(forged.status, 429, "{}", forged.text());
    let proxied = app
        .replica_with(|state| {
            limited(state).with_trusted_proxies(
                portal_api::http::client_ip::TrustedProxies::parse("127.0.0.1").unwrap(),
            )
        })
        .await;
    let from = |ip: &'static str, subject: &str| {
        let body = case_body(subject);
        let proxied = &proxied;
        async move {
            proxied
                .post_json_with(FEEDBACK, &[("x-forwarded-for", ip)], &body)
                .await
        }
    };
    for i in 0..3 {
        assert_eq!(
            from("198.51.100.7", &format!("Khách A {i}")).await.status,
            201
        );
    }
    assert_eq!(from("198.51.100.7", "Khách A thêm").await.status, 429);
    assert_eq!(from("198.51.100.8", "Khách B").await.status, 201);
    // The stored key is a digest: no address is kept.
    let keys: Vec<String> = {
        use diesel::prelude::*;
        use portal_db::schema::intake_throttle;
        intake_throttle::table
            .select(intake_throttle::client_key)
            .load(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| !k.contains("198.51") && !k.contains("127.0")),
        "{keys:?}"
    );
}
