//! The sender's rights over their data (Nghị định 13/2023; Luật 91/2025/QH15): sealed at rest,
//! masked in lists, every view audited, erased on request with the case kept.

use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};

use super::{call_ok, operator, status, submit, NAME};

on_every_backend!(
    personal_data_is_encrypted_at_rest_masked_in_lists_and_audited_when_read,
    the_sender_erases_their_data_and_the_case_stays,
);

fn stored(app: &TestApp, code: &str) -> (Option<String>, String) {
    use portal_db::schema::feedback_cases::dsl as c;
    c::feedback_cases
        .filter(c::code.eq(code))
        .select((c::personal_data, c::contact_masked))
        .first(&mut app.conn())
        .unwrap()
}

async fn personal_data_is_encrypted_at_rest_masked_in_lists_and_audited_when_read(app: TestApp) {
    let (code, _) = submit(&app, "Hỏi về bảo hiểm").await;
    let stored = stored(&app, &code);
    let sealed = stored.0.unwrap();
    for plain in [NAME, "hoa.nguyen", "0905"] {
        assert!(!sealed.contains(plain), "{plain} in {sealed}");
    }
    assert_eq!(stored.1, "N. T. H. · h***@example.vn · ***456");
    let op = operator(&app).await;
    let list = call_ok(&app, "GET", "/api/v1/admin/feedback", &op, None).await;
    assert!(!list.to_string().contains(NAME), "{list}");
    assert_eq!(list["items"][0]["contact_masked"], stored.1);
    assert_eq!(
        audit_views(&app, &op).await,
        0,
        "a list opens no personal data"
    );
    let detail = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/feedback/{code}"),
        &op,
        None,
    )
    .await;
    assert_eq!(detail["person"]["name"], NAME);
    assert_eq!(audit_views(&app, &op).await, 1);
}

async fn audit_views(app: &TestApp, op: &str) -> usize {
    let page = call_ok(
        app,
        "GET",
        "/api/v1/admin/audit?action=feedback.personal_data.view",
        op,
        None,
    )
    .await;
    page["items"].as_array().unwrap().len()
}

async fn the_sender_erases_their_data_and_the_case_stays(app: TestApp) {
    let (code, secret) = submit(&app, "Hỏi về đất đai").await;
    let path = format!("/api/v1/feedback/{code}/erase");
    // A wrong secret erases nothing, and says nothing of the case.
    let wrong = app
        .request_with("POST", &path, &[("Portal-Case-Secret", "not-it")])
        .await;
    wrong.problem(404);
    assert!(stored(&app, &code).0.is_some());
    let done = app
        .request_with("POST", &path, &[("Portal-Case-Secret", &secret)])
        .await;
    assert_eq!(done.status, 204, "{}", done.text());
    assert_eq!(
        stored(&app, &code),
        (None, "(đã xoá theo yêu cầu)".to_string())
    );
    let seen = status(&app, &code, &secret).await.json();
    assert!(seen["your_data"].is_null(), "{seen}");
    assert_eq!(seen["status"], "received");
    assert_eq!(seen["events"][1]["action"], "personal_data_erased");
    let op = operator(&app).await;
    let detail = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/feedback/{code}"),
        &op,
        None,
    )
    .await;
    assert!(detail["person"].is_null(), "{detail}");
    assert!(!detail.to_string().contains(NAME));
    assert_eq!(detail["subject"], "Hỏi về đất đai", "the case itself stays");
    let audit = call_ok(
        &app,
        "GET",
        "/api/v1/admin/audit?action=feedback.erase",
        &op,
        None,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    // Asking again is answered the same and changes nothing.
    let again = app
        .request_with("POST", &path, &[("Portal-Case-Secret", &secret)])
        .await;
    assert_eq!(again.status, 204);
    let audit = call_ok(
        &app,
        "GET",
        "/api/v1/admin/audit?action=feedback.erase",
        &op,
        None,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}
