//! Open311 GeoReport v2 over the same cases: an app's key opens a request through the portal's
//! intake, the operator sees an ordinary case, the request is read back only with its secret.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{call_ok, forward, operator};

on_every_backend!(
    an_app_opens_a_request_that_is_an_ordinary_case,
    open311_refuses_who_may_not_and_what_is_malformed,
);

const REQUESTS: &str = "/open311/v2/requests.json";
const FORM: &str = "application/x-www-form-urlencoded";

/// An API key with `feedback:submit`, made by an operator.
pub(crate) async fn app_key(app: &TestApp, op: &str) -> String {
    let created = call_ok(
        app,
        "POST",
        "/api/v1/admin/api-keys",
        op,
        Some(&json!({"name": "Ứng dụng Quảng Nam Smart City", "scopes": ["feedback:submit"]})),
    )
    .await;
    created["secret"].as_str().unwrap().to_string()
}

pub(crate) fn form(key: &str, description: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("api_key", key)
        .append_pair("jurisdiction_id", "quang-nam")
        .append_pair("service_code", "feedback")
        .append_pair("description", description)
        .append_pair("lat", "15.5736")
        .append_pair("long", "108.4740")
        .append_pair("address_string", "Đường Phan Bội Châu, Tam Kỳ")
        .append_pair("first_name", "Hoà")
        .append_pair("last_name", "Nguyễn Thị")
        .append_pair("email", "hoa.app@example.vn")
        .append_pair("device_id", "abc-123")
        .append_pair("consent_processing", "true")
        .append_pair("consent_publication", "false")
        .append_pair("privacy_notice_version", "2026-01")
        .finish()
}

pub(crate) async fn open(app: &TestApp, body: &str) -> (u16, Value) {
    let res = app
        .send_raw("POST", REQUESTS, Some(FORM), body.as_bytes().to_vec())
        .await;
    let status = res.status;
    (status, res.json())
}

async fn an_app_opens_a_request_that_is_an_ordinary_case(app: TestApp) {
    let services = app.get("/open311/v2/services.json").await;
    assert_eq!(services.status, 200);
    let codes: Vec<String> = services
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["question", "feedback", "inaccuracy"]);
    assert_eq!(services.json()[1]["service_name"], "Phản ánh, kiến nghị");

    let op = operator(&app).await;
    let key = app_key(&app, &op).await;
    let (status, created) = open(
        &app,
        &form(&key, "Đèn đường hỏng nhiều ngày\nKhu phố 3 tối om."),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let code = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = created[0]["status_secret"].as_str().unwrap().to_string();
    let token = created[0]["token"].as_str().unwrap().to_string();
    assert!(code.starts_with("QNA-"), "{created}");
    assert!(created[0]["service_notice"]
        .as_str()
        .unwrap()
        .starts_with("Hạn trả lời: "));
    // The same request again is the first one.
    let (again, dup) = open(
        &app,
        &form(&key, "Đèn đường hỏng nhiều ngày\nKhu phố 3 tối om."),
    )
    .await;
    assert_eq!(
        (again, dup[0]["service_request_id"].as_str()),
        (200, Some(code.as_str()))
    );
    assert!(dup[0]["status_secret"].is_null());

    // The operator triages an ordinary case: the location is in its text, the sender sealed.
    let case = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/feedback/{code}"),
        &op,
        None,
    )
    .await;
    assert_eq!(case["subject"], "Đèn đường hỏng nhiều ngày");
    assert!(
        case["body"]
            .as_str()
            .unwrap()
            .contains("Địa điểm: Đường Phan Bội Châu, Tam Kỳ"),
        "{case}"
    );
    assert!(
        case["body"]
            .as_str()
            .unwrap()
            .contains("Toạ độ: 15.5736, 108.474"),
        "{case}"
    );
    assert!(
        !case.to_string().contains("abc-123"),
        "the device is not stored"
    );

    let token_path = format!("/open311/v2/tokens/{token}.json");
    let by_token = app.get(&token_path).await;
    assert_eq!(by_token.status, 200, "{}", by_token.text());
    assert_eq!(by_token.json()[0]["service_request_id"], code.as_str());
    app.get(&format!("/open311/v2/tokens/{code}.0000000000000000.json"))
        .await
        .problem(404);

    let path = format!("/open311/v2/requests/{code}.json");
    let read = app
        .get_with(&path, &[("Portal-Case-Secret", &secret)])
        .await;
    assert_eq!(read.status, 200, "{}", read.text());
    let read = read.json();
    assert_eq!(read[0]["status"], "open");
    assert_eq!(read[0]["service_code"], "feedback");
    assert!(
        read[0]["expected_datetime"]
            .as_str()
            .unwrap()
            .ends_with("23:59:59+07:00"),
        "{read}"
    );
    // Without its secret, or with another, nothing of it is told.
    app.get(&path).await.problem(404);
    app.get_with(&path, &[("Portal-Case-Secret", "sai")])
        .await
        .problem(404);
    // The last symbol changed (to another one than it was: a code can end in X).
    let other = if code.ends_with('X') { 'Y' } else { 'X' };
    let mistyped = format!(
        "/open311/v2/requests/{}{other}.json",
        &code[..code.len() - 1]
    );
    let typo = app
        .get_with(&mistyped, &[("Portal-Case-Secret", &secret)])
        .await;
    assert!(matches!(typo.status, 400 | 404), "{}", typo.text());

    // Answered and signed: the request is closed and carries the answer.
    forward(&app, &op, &code, &["so-xd"]).await;
    app.user("gd.soxd.app", "so-xd", &[("quang-nam", "contributor")]);
    call_ok(
        &app,
        "PUT",
        "/api/v1/admin/agencies/so-xd/signatories/gd.soxd.app",
        &op,
        Some(&json!({"capacity": "head"})),
    )
    .await;
    let head = app.login("gd.soxd.app").await.0;
    let answer = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/answer");
    call_ok(
        &app,
        "PUT",
        &answer,
        &head,
        Some(&json!({"text": "Đã thay bóng đèn ngày 05/12."})),
    )
    .await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}/sign"),
        &head,
        None,
    )
    .await;
    let closed = app
        .get_with(&path, &[("Portal-Case-Secret", &secret)])
        .await
        .json();
    assert_eq!(closed[0]["status"], "closed", "{closed}");
    assert!(
        closed[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("Đã thay bóng đèn"),
        "{closed}"
    );
}

async fn open311_refuses_who_may_not_and_what_is_malformed(app: TestApp) {
    let op = operator(&app).await;
    let key = app_key(&app, &op).await;
    // No key: 401; a key without the scope, or a person's token: 403.
    let anonymous = app
        .send_raw(
            "POST",
            REQUESTS,
            Some(FORM),
            b"service_code=feedback".to_vec(),
        )
        .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());
    let reader = call_ok(
        &app,
        "POST",
        "/api/v1/admin/api-keys",
        &op,
        Some(&json!({"name": "Gương", "scopes": ["content:read:site:quang-nam"]})),
    )
    .await;
    let reader = reader["secret"].as_str().unwrap().to_string();
    let (status, _) = open(&app, &form(&reader, "Đèn hỏng")).await;
    assert_eq!(status, 403);
    let (status, _) = open(&app, &form(&op, "Đèn hỏng")).await;
    assert_eq!(status, 403, "an operator's token is not an app's key");
    // Each broken rule names its field; nothing is written.
    let mut cases = vec![
        (
            form(&key, "Đèn hỏng").replace("consent_processing=true", "consent_processing=false"),
            "consent.processing",
        ),
        (
            form(&key, "Đèn hỏng").replace("lat=15.5736", "lat=915"),
            "lat",
        ),
        (
            form(&key, "Đèn hỏng").replace("service_code=feedback", "service_code=pothole"),
            "kind",
        ),
        (
            form(&key, "Đèn hỏng").replace("jurisdiction_id=quang-nam", "jurisdiction_id=khong-co"),
            "site",
        ),
        (
            format!("{}&attribute%5Bcolor%5D=red", form(&key, "Đèn hỏng")),
            "attribute[color]",
        ),
        (
            format!("{}&description=hai+lan", form(&key, "Đèn hỏng")),
            "description",
        ),
        (form(&key, "Uû ban nh©n d©n tØnh Qu¶ng Nam"), "subject"),
    ];
    cases.push((form(&key, "Có ký tự \u{0} lạ"), "description"));
    for (body, field) in cases {
        let (status, problem) = open(&app, &body).await;
        assert_eq!(status, 422, "{field}: {problem}");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{field}: {problem}");
    }
    let listed = call_ok(&app, "GET", "/api/v1/admin/feedback", &op, None).await;
    assert_eq!(listed["items"], json!([]), "nothing was written");
    // A key's allowance counts every attempt, from every address the app sends from.
    let key = app_key(&app, &op).await;
    let limited = app
        .replica_with(|mut state| {
            state.intake.integrator_max_per_window = 2;
            state
        })
        .await;
    for i in 0..2 {
        let res = limited
            .send_raw(
                "POST",
                REQUESTS,
                Some(FORM),
                form(&key, &format!("Phản ánh số {i}")).into_bytes(),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let over = limited
        .send_raw(
            "POST",
            REQUESTS,
            Some(FORM),
            form(&key, "Phản ánh thêm").into_bytes(),
        )
        .await;
    assert_eq!(over.status, 429, "{}", over.text());
    assert!(over.header("retry-after").is_some());
}
