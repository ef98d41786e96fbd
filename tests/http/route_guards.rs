//! Walks every route of the OpenAPI document (which the app is built from): no endpoint can
//! forget its guard. Anything not on the public list must answer 401 without a token, and every
//! administrative endpoint must answer 403 to a contributor of an ordinary agency.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

/// Operations anyone may call without credentials.
const PUBLIC: &[&str] = &[
    "get /healthz",
    "get /readyz",
    "get /metrics",
    "get /api/v1/sites",
    "get /api/v1/sites/{site}",
    "get /api/v1/sites/{site}/sections",
    "get /api/v1/sections/{id}",
    "get /api/v1/agencies",
    "get /api/v1/agencies/{code}",
    "post /api/v1/tools/slug",
    "get /api/v1/content",
    "get /api/v1/content/{id}",
    "get /api/v1/sites/{site}/content/{lang}/{slug}",
    "get /api/v1/search",
    "get /api/v1/changes",
    "get /api/v1/sites/{site}/rss.xml",
    "get /api/v1/sites/{site}/atom.xml",
    "get /api/v1/sites/{site}/sitemap.xml",
    "post /api/v1/auth/login",
    "post /api/v1/auth/refresh",
    "post /api/v1/auth/logout",
    // Citizens' cases (Điều 11.1): sent anonymously, followed with the status link's secret.
    "post /api/v1/feedback",
    "get /api/v1/feedback/{code}",
    "post /api/v1/feedback/{code}/erase",
    "post /api/v1/feedback/{code}/reply",
    "get /api/v1/calendar/{year}",
    // Answers the board published as public Q&A, without personal data.
    "get /api/v1/sites/{site}/questions",
    "get /api/v1/sites/{site}/questions/{id}",
    "get /api/v1/sites/{site}/questions.rss",
    "get /api/v1/sites/{site}/questions/changes",
    // The tokens of the public forms (the minimum fill time).
    "get /api/v1/sites/{site}/feedback-form",
    // Drafts put out for comment (Điều 7.2.n): read and commented on by anyone.
    "get /api/v1/sites/{site}/consultations",
    "get /api/v1/public-services",
    "get /api/v1/content/{id}/dublin-core",
    "get /api/v1/public-services/{code}",
    // Content types and their published items (Điều 7.2): frontends build forms and filters.
    "get /api/v1/types",
    "get /api/v1/types/{key}",
    "get /api/v1/types/{key}/versions",
    "get /api/v1/types/{key}/versions/{version}",
    "get /api/v1/types/{key}/items",
    "get /api/v1/types/{key}/openapi.json",
    // Open data: the DCAT catalogue and each dataset's files.
    "get /api/v1/open-data/catalog",
    "get /api/v1/open-data/{key}.csv",
    "get /api/v1/open-data/{key}.json",
    "get /api/v1/sites/{site}/consultations.rss",
    "get /api/v1/sites/{site}/consultations/{id}",
    "get /api/v1/sites/{site}/consultations/{id}/comments",
    "post /api/v1/sites/{site}/consultations/{id}/comments",
    "get /api/v1/sites/{site}/consultations/{id}/comment-form",
    // Open311 GeoReport v2: the services, and a request read back with its status secret.
    "get /open311/v2/services.json",
    "get /open311/v2/requests/{service_request_id}.json",
    "get /open311/v2/tokens/{token}.json",
];

/// What an agency's staff hold through their contributor role (Điều 11.3): their own inbox.
const AGENCY_WORK: &[&str] = &["get /api/v1/admin/feedback-inbox"];

/// Operations every signed-in user may call on their own account.
const SELF_SERVICE: &[&str] = &[
    "get /api/v1/auth/me",
    "post /api/v1/auth/password",
    "post /api/v1/auth/totp/enroll",
    "post /api/v1/auth/totp/confirm",
    "post /api/v1/auth/totp/disable",
    "get /api/v1/admin/notifications",
    "post /api/v1/admin/notifications/{id}/read",
    "post /api/v1/admin/notifications/read-all",
    "get /api/v1/me/royalties",
];

fn operations() -> Vec<(String, String, bool)> {
    let doc: Value = serde_json::from_str(&portal_api::openapi::openapi_json()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Public operations say `security: []`; protected ones name a scheme.
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            ops.push((method.clone(), path.clone(), secured));
        }
    }
    ops
}

fn concrete(path: &str) -> String {
    let query = if path.ends_with("/workflow/stats") {
        "?site=quang-nam"
    } else if path.starts_with("/api/v1/admin/royalties/sites/{site}/statements") {
        "?period=2026-12"
    } else if path == "/api/v1/admin/compliance" {
        "?site=quang-nam&from=2026-11-01&to=2026-11-30"
    } else {
        ""
    };
    path.replace("{site}", "quang-nam")
        .replace("{code}", "so-tp")
        .replace("{id}", "1")
        .replace("{delivery}", "1")
        .replace("{comment}", "1")
        // Another agency than the walkers' own (so-tp), whose cases they may not touch.
        .replace("{agency}", "so-xd")
        .replace("{username}", "son.stp")
        .replace("{year}", "2026")
        .replace("{date}", "2026-02-07")
        .replace("{key}", "van-ban")
        .replace("{version}", "1")
        + query
}

#[test]
fn every_operation_is_either_public_or_declares_bearer_security() {
    for (method, path, secured) in operations() {
        let name = format!("{method} {path}");
        assert_eq!(
            secured,
            !PUBLIC.contains(&name.as_str()),
            "{name}: public operations are listed in PUBLIC, all others declare security"
        );
    }
}

on_every_backend!(
    non_public_routes_answer_401_without_a_token,
    admin_routes_answer_403_to_a_contributor,
    content_routes_answer_403_to_another_agency,
    the_front_doors_refuse_before_they_read_what_was_named,
);

/// The administrative front doors (`portal_auth::admin`) authorize before they parse a role, a
/// status, an agency kind or count scopes: someone without the right gets the 403, never the 422
/// that would tell them about their input. Each request below is a 422 for an operator.
async fn the_front_doors_refuse_before_they_read_what_was_named(app: TestApp) {
    let contributor = app
        .token_for("son.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let operator = app
        .token_for("op.ttcntt", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let many_scopes: Vec<String> = (0..51).map(|i| format!("content:read:site:s{i}")).collect();
    let user = app
        .call("POST", "/api/v1/admin/users", Some(&operator), Some(&json!({"username": "moi.stp", "display_name": "Mới", "agency": "so-tp", "password": "Sông Thu Bồn 2026"})))
        .await;
    assert_eq!(user.status, 201, "{}", user.text());
    let id = user.json()["id"].as_i64().unwrap();
    let requests = [
        (
            "POST",
            format!("/api/v1/admin/users/{id}/roles"),
            Some(json!({"site": "quang-nam", "role": "bogus"})),
            "role",
        ),
        (
            "POST",
            format!("/api/v1/admin/users/{id}/roles/revoke"),
            Some(json!({"site": "quang-nam", "role": "bogus"})),
            "role",
        ),
        (
            "POST",
            "/api/v1/admin/agencies".to_string(),
            Some(json!({"code": "so-moi", "name_vi": "Sở Mới", "kind": "bogus"})),
            "kind",
        ),
        (
            "POST",
            "/api/v1/admin/api-keys".to_string(),
            Some(json!({"name": "k", "scopes": many_scopes})),
            "scopes",
        ),
        (
            "GET",
            "/api/v1/admin/users?status=bogus".to_string(),
            None,
            "status",
        ),
    ];
    for (method, path, body, field) in requests {
        let refused = app
            .call(method, &path, Some(&contributor), body.as_ref())
            .await;
        let doc = refused.problem(403);
        assert_eq!(
            doc["type"], "urn:problem:portal:forbidden",
            "{method} {path}"
        );
        let answered = app
            .call(method, &path, Some(&operator), body.as_ref())
            .await;
        assert!(
            answered.status == 422 || answered.status == 400,
            "{method} {path}: an operator is told about the input: {}",
            answered.text()
        );
        assert!(
            answered.text().contains(field),
            "{method} {path}: {}",
            answered.text()
        );
    }
}

/// Every authoring operation on an item of Sở Tài chính, by a contributor of Sở Tư pháp.
async fn content_routes_answer_403_to_another_agency(app: TestApp) {
    let owner = app
        .token_for("owner.stc", "so-tc", &[("quang-nam", "contributor")])
        .await;
    let budget = app.section_id("quang-nam", "cong-khai-ngan-sach").await;
    let created = app
        .call("POST", "/api/v1/admin/content", Some(&owner), Some(&json!({"section_id": budget, "kind": "news", "title": "Ngân sách", "body": "<p>x</p>"})))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap().to_string();
    let intruder = app
        .token_for("intruder.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let mut checked = 0;
    for (method, path, _) in operations() {
        let name = format!("{method} {path}");
        if !path.starts_with("/api/v1/admin/content") || name == "get /api/v1/admin/content" {
            continue;
        }
        let concrete = path
            .replace("{id}", &id)
            .replace("{version}", "1")
            .replace("{comment}", "1");
        let concrete = if concrete.ends_with("/diff") {
            format!("{concrete}?from=1&to=1")
        } else {
            concrete
        };
        let body = match name.as_str() {
            "post /api/v1/admin/content" => Some(
                json!({"section_id": budget, "kind": "news", "title": "Chen ngang", "body": "<p>x</p>"}),
            ),
            "patch /api/v1/admin/content/{id}" => Some(json!({"version": 1, "title": "Sửa trộm"})),
            "post /api/v1/admin/content/{id}/comments" => Some(json!({"body": "Góp ý"})),
            "post /api/v1/admin/content/{id}/move" => Some(json!({"section_id": budget})),
            "post /api/v1/admin/content/{id}/translations" => {
                Some(json!({"language": "en", "title": "Budget", "body": "<p>x</p>"}))
            }
            _ if method == "get" || method == "delete" => None,
            _ => Some(json!({})),
        };
        let doc = app
            .call(
                &method.to_uppercase(),
                &concrete,
                Some(&intruder),
                body.as_ref(),
            )
            .await
            .problem(403);
        assert_eq!(doc["type"], "urn:problem:portal:forbidden", "{name}");
        checked += 1;
    }
    assert!(checked >= 11, "walked {checked} content operations");
}

async fn non_public_routes_answer_401_without_a_token(app: TestApp) {
    let mut checked = 0;
    for (method, path, secured) in operations() {
        if !secured {
            continue;
        }
        let body = (method != "get" && method != "delete").then(|| json!({}));
        let res = app
            .call(
                &method.to_uppercase(),
                &concrete(&path),
                None,
                body.as_ref(),
            )
            .await;
        let doc = res.problem(401);
        assert_eq!(
            doc["type"], "urn:problem:portal:unauthenticated",
            "{method} {path}"
        );
        assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer"));
        checked += 1;
    }
    assert!(checked >= 30, "walked {checked} protected operations");
}

async fn admin_routes_answer_403_to_a_contributor(app: TestApp) {
    let token = app
        .token_for("son.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let mut checked = 0;
    for (method, path, secured) in operations() {
        let name = format!("{method} {path}");
        // Authoring is scoped per section, not administrative: see the content walk below.
        if !secured
            || SELF_SERVICE.contains(&name.as_str())
            || AGENCY_WORK.contains(&name.as_str())
            || path.starts_with("/api/v1/admin/content")
            // An item's credits are its authors' (tests/http/royalties/rights.rs).
            || path.starts_with("/api/v1/admin/royalties/items/")
        {
            continue;
        }
        // A plausible body, so that only the authorization decides.
        let body = match name.as_str() {
            "post /api/v1/admin/users" => Some(
                json!({"username": "x.y", "display_name": "X", "agency": "so-tp", "password": "Sông Thu Bồn 2026"}),
            ),
            "post /api/v1/admin/agencies" => {
                Some(json!({"code": "so-moi", "name_vi": "Sở Mới", "kind": "department"}))
            }
            "post /api/v1/admin/sites" => Some(
                json!({"key": "moi", "name_vi": "Mới", "base_url": "https://x.gov.vn", "owner": "so-tp"}),
            ),
            "post /api/v1/admin/sites/{site}/sections" => {
                Some(json!({"name_vi": "Mục mới", "owner": "so-tp"}))
            }
            "post /api/v1/admin/agencies/{code}/merge" => Some(json!({"into": "so-tttt"})),
            "post /api/v1/admin/sections/{id}/transfer" => Some(json!({"owner": "so-tp"})),
            "post /api/v1/admin/users/{id}/roles"
            | "post /api/v1/admin/users/{id}/roles/revoke" => {
                Some(json!({"site": "quang-nam", "role": "operator"}))
            }
            "post /api/v1/admin/users/{id}/reset-password" => {
                Some(json!({"password": "Sông Thu Bồn 2026"}))
            }
            "post /api/v1/admin/webhooks" => Some(
                json!({"url": "http://127.0.0.1:9/x", "events": ["content.published"], "secret": "a-secret-of-16-chars"}),
            ),
            "post /api/v1/admin/api-keys" => {
                Some(json!({"name": "k", "scopes": ["webhooks:manage"]}))
            }
            "post /api/v1/admin/feedback/{code}/reject" => {
                Some(json!({"reply": "Không thuộc phạm vi", "reason": "spam"}))
            }
            "post /api/v1/admin/feedback/{code}/classify" => Some(json!({"field": "Xây dựng"})),
            "post /api/v1/admin/feedback/{code}/forward" => {
                Some(json!({"agencies": ["so-tp"], "letter": "Kính chuyển"}))
            }
            "put /api/v1/admin/agencies/{agency}/feedback/{code}/answer" => {
                Some(json!({"text": "Trả lời"}))
            }
            "post /api/v1/admin/agencies/{agency}/feedback/{code}/request-information" => {
                Some(json!({"question": "Xin bổ sung địa chỉ thửa đất"}))
            }
            "put /api/v1/admin/agencies/{agency}/signatories/{username}" => {
                Some(json!({"capacity": "head"}))
            }
            "post /api/v1/admin/agencies/{agency}/feedback/{code}/interim-reply" => {
                Some(json!({"text": "Đang xác minh", "promised_on": "2030-01-02"}))
            }
            "post /api/v1/admin/agencies/{agency}/feedback/{code}/return"
            | "post /api/v1/admin/feedback/{code}/escalate" => {
                Some(json!({"reason": "Không thuộc thẩm quyền"}))
            }
            "post /api/v1/admin/feedback/{code}/merge" => Some(json!({"into": "QNA-0000-0000"})),
            "post /api/v1/admin/feedback-escalations/{code}/forward" => {
                Some(json!({"agencies": ["so-tp"], "letter": "Kính chuyển"}))
            }
            "put /api/v1/admin/feedback/{code}/publication" => {
                Some(json!({"title": "Hỏi", "question": "Hỏi gì", "answer": "Trả lời"}))
            }
            "put /api/v1/admin/calendar/{date}" => {
                Some(json!({"working": true, "reason": "Làm bù"}))
            }
            "post /api/v1/admin/agencies/{agency}/consultations" => {
                Some(crate::consultation::draft("Dự thảo"))
            }
            "put /api/v1/admin/agencies/{agency}/consultations/{id}" => {
                let mut draft = crate::consultation::draft("Dự thảo");
                draft.as_object_mut().map(|d| d.remove("site"));
                Some(draft)
            }
            "post /api/v1/admin/agencies/{agency}/consultations/{id}/comments/{comment}/moderation" => {
                Some(json!({"status": "approved"}))
            }
            "put /api/v1/admin/agencies/{agency}/consultations/{id}/conclusion" => {
                Some(json!({"summary": "<p>Kết luận</p>", "dispositions": []}))
            }
            "post /api/v1/admin/royalties/schedules"
            | "put /api/v1/admin/royalties/schedules/{id}"
            | "post /api/v1/admin/royalties/schedules/{id}/versions" => {
                Some(crate::royalties::rules::schedule("2027-01-01", "1.5"))
            }
            "post /api/v1/admin/royalties/schedules/{id}/close" => {
                Some(json!({"valid_until": "2026-12-31"}))
            }
            "post /api/v1/admin/royalties/base-salaries" => Some(
                json!({"valid_from": "2027-07-01", "amount": 2_800_000, "legal_basis": "Nghị định"}),
            ),
            "post /api/v1/admin/royalties/tax-rules" => Some(
                json!({"valid_from": "2027-01-01", "rate_percent": 10, "threshold": 2_000_000, "legal_basis": "Thông tư"}),
            ),
            "post /api/v1/admin/royalties/payees" | "put /api/v1/admin/royalties/payees/{id}" => {
                Some(json!({"pen_name": "Hoài An"}))
            }
            "post /api/v1/admin/royalties/works/{id}/grade"
            | "post /api/v1/admin/royalties/works/{id}/correct" => {
                Some(json!({"genre": "tin", "reason": "chấm lại"}))
            }
            "post /api/v1/admin/royalties/works/{id}/cancel" => Some(json!({"reason": "gỡ bài"})),
            "put /api/v1/admin/royalties/sites/{site}/funds/{year}" => {
                Some(json!({"royalty_budget": 1, "legal_basis": "Dự toán"}))
            }
            "post /api/v1/admin/royalties/entries" => Some(
                json!({"site": "quang-nam", "period": "2026-12", "payee_id": 1, "category": "remuneration", "role": "Biên tập", "amount": 1}),
            ),
            "post /api/v1/admin/royalties/sites/{site}/statements" => {
                Some(json!({"period": "2026-12"}))
            }
            "post /api/v1/admin/royalties/statements/{id}/payments" => {
                Some(json!({"paid_on": "2026-12-04", "reference": "UNC 1", "amount": 1}))
            }
            "put /api/v1/admin/public-services/{code}/figures" => Some(
                json!({"period": "2026-11", "received": 1, "on_time": 1, "late": 0}),
            ),
            "post /api/v1/admin/types" => Some(crate::types::legal_documents()),
            "put /api/v1/admin/rule-packs/{key}" => Some(json!({
                "name": "Quy định", "legal_basis": "NĐ", "valid_from": "2030-01-01", "default_limit_days": 5,
                "categories": [{"code": "van-ban", "name": "Văn bản", "content_type": "van-ban-phap-luat", "legal_basis": "Điều 7.2.c"}]
            })),
            "post /api/v1/admin/types/{key}/versions" => {
                let mut v = crate::types::legal_documents();
                v.as_object_mut().map(|d| d.remove("key"));
                Some(v)
            }
            "put /api/v1/admin/security-settings" => {
                Some(json!({"require_totp_for_privileged": false}))
            }
            _ if method == "get" || method == "delete" => None,
            _ => Some(json!({})),
        };
        let res = app
            .call(
                &method.to_uppercase(),
                &concrete(&path),
                Some(&token),
                body.as_ref(),
            )
            .await;
        let doc = res.problem(403);
        assert_eq!(doc["type"], "urn:problem:portal:forbidden", "{name}");
        checked += 1;
    }
    assert!(checked >= 25, "walked {checked} administrative operations");
}
