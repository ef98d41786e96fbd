//! What every client relies on whatever the endpoint: problem+json errors, request ids,
//! health, readiness, metrics and the interactive docs.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

on_every_backend!(
    unknown_route_is_problem_404,
    wrong_method_is_problem_405_with_allow,
    malformed_json_is_problem_400,
    oversized_body_is_problem_413,
    wrong_content_type_is_problem_415,
    unknown_or_missing_fields_are_422_naming_the_field,
    slug_tool_folds_vietnamese_from_nfd_input,
    request_ids_are_echoed_or_made,
    health_and_readiness_answer,
    metrics_count_requests_by_route_and_status,
    docs_are_served_offline,
);

async fn unknown_route_is_problem_404(app: TestApp) {
    let doc = app.get("/api/v1/nothing-here").await.problem(404);
    assert_eq!(doc["type"], "urn:problem:portal:route-not-found");
    assert_eq!(doc["detail"], "no route matches /api/v1/nothing-here");
}

async fn wrong_method_is_problem_405_with_allow(app: TestApp) {
    let res = app
        .send_raw("DELETE", "/api/v1/sites/quang-nam", None, Vec::new())
        .await;
    let doc = res.problem(405);
    assert_eq!(doc["type"], "urn:problem:portal:method-not-allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, HEAD"));
    let res = app.get("/api/v1/tools/slug").await;
    res.problem(405);
    assert_eq!(res.header("allow").as_deref(), Some("POST"));
}

async fn malformed_json_is_problem_400(app: TestApp) {
    let res = app
        .send_raw(
            "POST",
            "/api/v1/tools/slug",
            Some("application/json"),
            b"{\"text\": \"Qu".to_vec(),
        )
        .await;
    let doc = res.problem(400);
    assert_eq!(doc["type"], "urn:problem:portal:malformed-body");
}

async fn oversized_body_is_problem_413(app: TestApp) {
    let body = json!({ "text": "a".repeat(70 * 1024) })
        .to_string()
        .into_bytes();
    let doc = app
        .send_raw("POST", "/api/v1/tools/slug", Some("application/json"), body)
        .await
        .problem(413);
    assert_eq!(doc["type"], "urn:problem:portal:payload-too-large");
}

async fn wrong_content_type_is_problem_415(app: TestApp) {
    let doc = app
        .send_raw(
            "POST",
            "/api/v1/tools/slug",
            Some("text/plain"),
            b"{\"text\":\"x\"}".to_vec(),
        )
        .await
        .problem(415);
    assert_eq!(doc["type"], "urn:problem:portal:unsupported-media-type");
}

async fn unknown_or_missing_fields_are_422_naming_the_field(app: TestApp) {
    let doc = app
        .post_json("/api/v1/tools/slug", &json!({"text": "x", "extra": 1}))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "extra");
    assert_eq!(doc["errors"][0]["code"], "unknown_field");
    let doc = app
        .post_json("/api/v1/tools/slug", &json!({}))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "text");
    assert_eq!(doc["errors"][0]["code"], "required");
    let doc = app
        .post_json("/api/v1/tools/slug", &json!({"text": "ạ".repeat(1001)}))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "text");
    assert_eq!(doc["errors"][0]["code"], "too_long");
    // 1,000 characters of two bytes each still fit: the bound counts characters, not bytes.
    let ok = app
        .post_json("/api/v1/tools/slug", &json!({"text": "ạ".repeat(1000)}))
        .await;
    assert_eq!(ok.status, 200);
}

async fn slug_tool_folds_vietnamese_from_nfd_input(app: TestApp) {
    // "Đà Nẵng đón khách" in NFD: base letters followed by combining marks.
    let nfd = "\u{110}a\u{300} Na\u{306}\u{303}ng \u{111}o\u{301}n kha\u{301}ch";
    let res = app
        .post_json("/api/v1/tools/slug", &json!({ "text": nfd }))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json(),
        json!({"slug": "da-nang-don-khach", "folded": "da nang don khach", "normalized": "Đà Nẵng đón khách"})
    );
}

async fn request_ids_are_echoed_or_made(app: TestApp) {
    let echoed = app
        .get_with("/healthz", &[("x-request-id", "client-trace-42")])
        .await;
    assert_eq!(
        echoed.header("x-request-id").as_deref(),
        Some("client-trace-42")
    );
    let made = app.get("/api/v1/nothing").await;
    let id = made
        .header("x-request-id")
        .expect("problem responses carry an id too");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let replaced = app
        .get_with("/healthz", &[("x-request-id", "bad id with spaces")])
        .await;
    assert_ne!(
        replaced.header("x-request-id").as_deref(),
        Some("bad id with spaces")
    );
}

async fn health_and_readiness_answer(app: TestApp) {
    assert_eq!(app.get("/healthz").await.json(), json!({"status": "ok"}));
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert_eq!(
        ready.json(),
        json!({"status": "ready", "database": app.backend().name()})
    );
}

async fn metrics_count_requests_by_route_and_status(app: TestApp) {
    app.get("/api/v1/sites/quang-nam").await;
    app.get("/api/v1/sites/nowhere").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status, 200);
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text();
    for line in [
        r#"portal_http_requests_total{method="GET",route="/api/v1/sites/{site}",status="200"} 1"#,
        r#"portal_http_requests_total{method="GET",route="/api/v1/sites/{site}",status="404"} 1"#,
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
    }
    for name in [
        "portal_http_request_duration_seconds_bucket",
        "portal_db_pool_wait_seconds_count",
        "portal_db_pool_connections",
        "portal_db_pool_idle_connections",
        "portal_db_pool_max_size 4",
    ] {
        assert!(text.contains(name), "missing {name} in\n{text}");
    }
}

async fn docs_are_served_offline(app: TestApp) {
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("swagger-ui"), "{}", page.text());
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(
        bundle.status, 200,
        "assets are embedded, not fetched from a CDN"
    );
    assert!(bundle.body.len() > 100_000);
    let config = app.get("/docs/swagger-initializer.js").await;
    assert!(
        config.text().contains("/api/openapi.json"),
        "{}",
        config.text()
    );
}
