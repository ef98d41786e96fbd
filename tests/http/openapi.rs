//! The OpenAPI document is a product: the committed copy, the served copy and the routes agree.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::Value;

const COMMITTED: &str = "openapi/openapi.json";

/// The test never writes the file it compares against (it used to, under `UPDATE_OPENAPI`, and
/// then compared the document with itself): the regenerated copy is a reviewed diff.
#[test]
fn committed_document_equals_the_generated_one() {
    let generated = portal_api::openapi::openapi_json();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is stale: run `cargo run -p portal -- openapi > {COMMITTED}`, review the diff and commit it"
    );
}

/// Generated clients name their methods by operationId: two handlers of one name (both
/// `publish`) would make one of them unreachable in a client (found by Redocly's lint).
#[test]
fn every_operation_id_is_unique() {
    let doc: Value = serde_json::from_str(&portal_api::openapi::openapi_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id} is used by {other} and {method} {path}");
            }
        }
    }
}

#[test]
fn document_is_openapi_3_1_and_every_operation_is_described() {
    let doc: Value = serde_json::from_str(&portal_api::openapi::openapi_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has a summary"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name} has a tag"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{name} documents its success"
            );
            // Public operations say `security: []` (no credentials); protected ones name bearer.
            let protected = op["security"].as_array().is_some_and(|s| !s.is_empty());
            assert!(op.get("security").is_some(), "{name} states its security");
            if protected {
                assert!(responses.contains_key("401"), "{name} documents 401");
                assert!(
                    responses.contains_key("403") || path == "/api/v1/auth/me",
                    "{name} documents 403"
                );
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"]["schema"]["$ref"]
                            == "#/components/schemas/Problem",
                        "{name} {status} is a Problem"
                    );
                }
            }
            let has_path_params = path.contains('{');
            if has_path_params || path.starts_with("/api/") && method == "get" {
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{name} documents its error responses"
                );
            }
        }
    }
}

on_every_backend!(
    served_document_equals_the_committed_one,
    every_documented_get_route_is_served
);

async fn served_document_equals_the_committed_one(app: TestApp) {
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status, 200);
    let served = res.json();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the committed document"))
            .expect("the committed document is JSON");
    assert_eq!(
        served, committed,
        "{COMMITTED} is what integrators download"
    );
}

/// A route registered outside utoipa would be missing from the document; a documented path with
/// no route would 404. Each documented GET must answer with something other than 404/405.
async fn every_documented_get_route_is_served(app: TestApp) {
    let doc: Value = serde_json::from_str(&portal_api::openapi::openapi_json()).unwrap();
    // The first user has id 1, so `/admin/users/{id}` has something to show.
    let operator = app
        .token_for("it.operator", "ttcntt", &[("quang-nam", "operator")])
        .await;
    // A chief editor writes item 1, so the content routes have something to show too.
    let chief = app
        .token_for("chief.editor", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let section = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    let item = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&chief),
            Some(&serde_json::json!({"section_id": section, "kind": "news", "title": "Tin", "body": "<p>x</p>", "author": "A", "source": "B"})),
        )
        .await;
    assert_eq!(item.status, 201, "{}", item.text());
    app.advance(1, &["submit", "claim", "forward", "approve"]);
    let hook = app
        .call(
            "POST",
            "/api/v1/admin/webhooks",
            Some(&operator),
            Some(&serde_json::json!({"url": "http://127.0.0.1:9/hook", "events": ["content.published"], "secret": "a-secret-of-16-chars"})),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text());
    // The catalogue of online services, so `/public-services/{code}` has a procedure to show.
    crate::public_services::imported(&app, &operator).await;
    // Item 1 opened work 1 with its writer's claim 1 (payee 1); a fund, a remuneration entry and
    // the month's statement 1 give the royalty routes something to show.
    for (method, path, body) in [
        (
            "PUT",
            "/api/v1/admin/royalties/sites/quang-nam/funds/2026",
            serde_json::json!({"royalty_budget": 1_000_000, "legal_basis": "Dự toán 2026"}),
        ),
        (
            "POST",
            "/api/v1/admin/royalties/entries",
            serde_json::json!({"site": "quang-nam", "period": "2026-12", "payee_id": 1, "category": "remuneration", "role": "Biên tập", "amount": 100_000}),
        ),
        (
            "POST",
            "/api/v1/admin/royalties/sites/quang-nam/statements",
            serde_json::json!({"period": "2026-12"}),
        ),
    ] {
        let res = app.call(method, path, Some(&operator), Some(&body)).await;
        assert!(res.status < 300, "{path}: {}", res.text());
    }
    // A citizen's case forwarded to so-tp, whose staff read it.
    let case = app
        .post_json(
            "/api/v1/feedback",
            &serde_json::json!({"site": "quang-nam", "kind": "question", "subject": "Hỏi", "body": "Xin hỏi",
                "consent": {"processing": true, "publication": false, "email": false}, "privacy_notice_version": "2026-01",
                "form_token": portal_testkit::form_token("feedback:quang-nam")}),
        )
        .await
        .json();
    let tracking = case["code"].as_str().unwrap().to_string();
    let case_secret = case["status_secret"].as_str().unwrap().to_string();
    let forwarded = app
        .call(
            "POST",
            &format!("/api/v1/admin/feedback/{tracking}/forward"),
            Some(&operator),
            Some(&serde_json::json!({"agencies": ["so-tp"], "letter": "Kính chuyển"})),
        )
        .await;
    assert_eq!(forwarded.status, 200, "{}", forwarded.text());
    let agency_staff = app.contributor_of("so-tp", "quang-nam").await;
    // The same case sent up to Sở TT&TT (Điều 11.4), whose staff read the escalation routes.
    let escalated = app
        .call(
            "POST",
            &format!("/api/v1/admin/feedback/{tracking}/escalate"),
            Some(&operator),
            Some(&serde_json::json!({"reason": "Ngoài thẩm quyền"})),
        )
        .await;
    assert_eq!(escalated.status, 200, "{}", escalated.text());
    let supervisor = app.contributor_of("so-tttt", "quang-nam").await;
    // An answer the board published: published question 1.
    let (answered, _) = crate::feedback::publication::answered_case(
        &app,
        &crate::feedback::case_body("Hỏi để đăng"),
    )
    .await;
    let published = app
        .call(
            "PUT",
            &format!("/api/v1/admin/feedback/{answered}/publication"),
            Some(&chief),
            Some(&crate::feedback::publication::publication(
                "Xin hỏi thủ tục?",
            )),
        )
        .await;
    assert_eq!(published.json()["id"], 1, "{}", published.text());
    // A draft of so-tp put out for comment: consultation 1.
    let (_, consultation, _) = crate::consultation::published(&app, "Dự thảo để xem").await;
    assert_eq!(consultation, 1);
    // A request an app opened through Open311, read back with its secret and its token.
    let app_key = crate::feedback::open311::app_key(&app, &operator).await;
    let (status, request) =
        crate::feedback::open311::open(&app, &crate::feedback::open311::form(&app_key, "Đèn hỏng"))
            .await;
    assert_eq!(status, 201, "{request}");
    let request_id = request[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let request_secret = request[0]["status_secret"].as_str().unwrap().to_string();
    let request_token = request[0]["token"].as_str().unwrap().to_string();
    // A content type, so `/types/{key}` and its versions and items have something to show.
    crate::types::defined(&app, &crate::types::legal_documents()).await;
    let samples = [
        ("{key}", "van-ban"),
        ("{site}", "quang-nam"),
        ("{code}", "so-tp"),
        ("{id}", "1"),
        ("{version}", "1"),
        ("{lang}", "vi"),
        ("{slug}", "tin"),
    ];
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let feedback_path = path.contains("/feedback");
        let mut concrete = path
            .replace("{agency}", "so-tp")
            .replace("{year}", "2026")
            .replace("{service_request_id}", &request_id)
            .replace("{token}", &request_token);
        if path == "/open311/v2/requests/{service_request_id}.json" {
            let res = app
                .get_with(&concrete, &[("Portal-Case-Secret", &request_secret)])
                .await;
            assert_eq!(res.status, 200, "GET {concrete}: {}", res.text());
            continue;
        }
        if feedback_path {
            concrete = concrete.replace("{code}", &tracking);
        }
        if path.starts_with("/api/v1/public-services/") {
            concrete = concrete.replace("{code}", "1.004227");
        }
        if path.starts_with("/api/v1/admin/rule-packs/") {
            concrete = concrete.replace("{key}", "nd-224-2026");
        }
        if path == "/api/v1/admin/compliance" {
            concrete.push_str("?site=quang-nam&from=2026-11-01&to=2026-11-30");
        }
        for (param, value) in samples {
            concrete = concrete.replace(param, value);
        }
        assert!(
            !concrete.contains('{'),
            "no sample value for a parameter of {path}"
        );
        if concrete.ends_with("/diff") {
            concrete.push_str("?from=1&to=1");
        }
        if concrete.ends_with("/api/v1/search") {
            concrete.push_str("?q=tin");
        }
        if concrete.ends_with("/types/van-ban/items") || concrete.contains("/open-data/") {
            concrete.push_str("?site=quang-nam");
        }
        if concrete.ends_with("/workflow/stats") {
            concrete.push_str("?site=quang-nam");
        }
        if path.starts_with("/api/v1/admin/royalties/sites/{site}/statements") {
            concrete.push_str("?period=2026-12");
        }
        if path == "/api/v1/feedback/{code}" {
            let res = app
                .get_with(&concrete, &[("Portal-Case-Secret", &case_secret)])
                .await;
            assert_eq!(res.status, 200, "GET {concrete}: {}", res.text());
            continue;
        }
        let holder = if path.starts_with("/api/v1/admin/agencies/{agency}/feedback")
            || path.starts_with("/api/v1/admin/agencies/{agency}/consultations")
            || path == "/api/v1/admin/feedback-inbox"
        {
            agency_staff.as_str()
        } else if path.starts_with("/api/v1/admin/feedback-escalations") {
            supervisor.as_str()
        } else if path.starts_with("/api/v1/admin/content")
            || path.starts_with("/api/v1/admin/workflow")
            || path.ends_with("/question-candidates")
            || path.starts_with("/api/v1/admin/royalties/items/")
        {
            chief.as_str()
        } else {
            operator.as_str()
        };
        let token = item["get"].get("security").map(|_| holder);
        let res = app.call("GET", &concrete, token, None).await;
        assert_eq!(res.status, 200, "GET {concrete}: {}", res.text());
    }
}
