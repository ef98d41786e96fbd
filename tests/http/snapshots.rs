//! Whole answers of the main public and admin endpoints as reviewed snapshots
//! (`tests/http/snapshots/`), the same file for both backends: a change of wire format, or an
//! answer that differs between SQLite and PostgreSQL, is a failing test and a diff to review.
//! Values that change from run to run (times, generated ids, cursors) are replaced by their kind
//! before comparing. To accept a deliberate change: `INSTA_UPDATE=always cargo test --test http
//! snapshots`, then review and commit the `.snap` files.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    public_answers_keep_their_shape,
    admin_answers_keep_their_shape,
);

/// The answer with what varies between runs named instead of shown.
fn stable(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("next_cursor" | "prev_cursor", Value::String(_)) => json!("[cursor]"),
                        ("translation_group", Value::String(_)) => json!("[uuid]"),
                        _ => stable(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(stable).collect()),
        Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => json!("[time]"),
        other => other.clone(),
    }
}

async fn public_answers_keep_their_shape(app: TestApp) {
    let first = app
        .item_in("hoi-an", "thong-bao")
        .title("Thông báo lịch tiếp công dân tháng 12")
        .body("<p>Chủ tịch UBND thành phố <strong>tiếp công dân</strong> vào thứ Năm.</p>")
        .author("Văn phòng HĐND và UBND")
        .tags(&["tiếp công dân", "lịch"])
        .published();
    app.item_in("hoi-an", "thong-bao")
        .title("Đường Trần Phú tạm cấm xe")
        .published();

    let item = app.get(&format!("/api/v1/content/{first}")).await;
    assert_eq!(item.status, 200, "{}", item.text());
    insta::assert_json_snapshot!("public_item", stable(&item.json()));

    let list = app.get("/api/v1/content?site=hoi-an&limit=1").await;
    assert_eq!(list.status, 200, "{}", list.text());
    insta::assert_json_snapshot!("public_list", stable(&list.json()));

    let tree = app.get("/api/v1/sites/hoi-an/sections").await;
    assert_eq!(tree.status, 200, "{}", tree.text());
    insta::assert_json_snapshot!("public_section_tree", stable(&tree.json()));

    let missing = app.get("/api/v1/content/999999").await;
    insta::assert_json_snapshot!("public_not_found", stable(&missing.problem(404)));
}

async fn admin_answers_keep_their_shape(app: TestApp) {
    let contributor = app
        .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    let created = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&contributor),
            Some(&json!({"section_id": section, "kind": "document", "title": "Quyết định 3069/QĐ-UBND",
                         "body": "<p>Ban hành Quy chế hoạt động của Cổng thông tin điện tử tỉnh.</p>",
                         "author": "Văn phòng UBND tỉnh", "source": "UBND tỉnh Quảng Nam",
                         "fields": {"number": "3069/QĐ-UBND", "document_type": "quyet_dinh",
                                    "issuing_body": "UBND tỉnh Quảng Nam", "issued_date": "2021-10-22"}})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    insta::assert_json_snapshot!("admin_item_created", stable(&created.json()));

    let invalid = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&contributor),
            Some(&json!({"section_id": section, "kind": "news", "title": "", "body": "<p>x</p>"})),
        )
        .await;
    insta::assert_json_snapshot!("admin_validation_problem", stable(&invalid.problem(422)));

    let id = created.json()["id"].as_i64().unwrap();
    app.advance(id, &["submit"]);
    let workflow = app
        .call(
            "GET",
            &format!("/api/v1/admin/content/{id}/workflow"),
            Some(&contributor),
            None,
        )
        .await;
    assert_eq!(workflow.status, 200, "{}", workflow.text());
    insta::assert_json_snapshot!("admin_item_workflow", stable(&workflow.json()));
}
