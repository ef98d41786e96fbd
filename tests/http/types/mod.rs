//! Content types defined at run time (issue 14; Điều 7.2): an operator defines a versioned field
//! schema, items of the type are checked against it on every write and go through the same
//! workflow as every item, and readers filter a type's published items by its fields.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use crate::feedback::call_ok;

mod filters;
mod open_data;
mod seeded;
mod versions;

on_every_backend!(
    a_type_is_defined_by_an_operator_and_its_mistakes_named,
    typed_items_are_checked_on_every_write,
    racing_writers_of_a_unique_value_get_one_winner
);

fn someone(prefix: &str) -> String {
    format!(
        "{prefix}.{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

pub(crate) async fn operator(app: &TestApp) -> String {
    app.token_for(&someone("op"), "ttcntt", &[("quang-nam", "operator")])
        .await
}

pub(crate) async fn chief(app: &TestApp) -> String {
    app.token_for(&someone("tbt"), "so-tttt", &[("quang-nam", "chief_editor")])
        .await
}

/// Directives and decisions of the provincial People's Committee (Điều 7.2.c).
pub(crate) fn legal_documents() -> Value {
    json!({
        "key": "van-ban",
        "name": "Văn bản chỉ đạo, điều hành",
        "legal_basis": "Điều 7.2.c",
        "fields": [
            {"name": "so_ky_hieu", "label": "Số, ký hiệu", "type": "text", "max": 50, "required": true, "unique": true, "indexed": true},
            {"name": "loai", "label": "Loại văn bản", "type": "enum", "required": true, "indexed": true, "options": [
                {"value": "quyet-dinh", "label": "Quyết định"}, {"value": "chi-thi", "label": "Chỉ thị"}, {"value": "ke-hoach", "label": "Kế hoạch"}]},
            {"name": "co_quan", "label": "Cơ quan ban hành", "type": "text", "max": 200, "indexed": true},
            {"name": "ngay_ban_hanh", "label": "Ngày ban hành", "type": "date", "required": true, "indexed": true, "min": "1997-01-01"},
            {"name": "hieu_luc_tu", "label": "Hiệu lực từ", "type": "datetime"},
            {"name": "kinh_phi", "label": "Kinh phí", "type": "money", "indexed": true},
            {"name": "ty_le", "label": "Tỷ lệ giải ngân", "type": "decimal", "scale": 2, "max": "100.00"},
            {"name": "so_trang", "label": "Số trang", "type": "integer", "min": 1},
            {"name": "con_hieu_luc", "label": "Còn hiệu lực", "type": "boolean", "indexed": true},
            {"name": "trich_yeu", "label": "Trích yếu", "type": "rich_text"},
            {"name": "thay_the", "label": "Thay thế văn bản", "type": "reference", "target_type": "van-ban"},
            {"name": "tep", "label": "Tệp đính kèm", "type": "list", "max": 5, "items": {"type": "file"}},
            {"name": "linh_vuc", "label": "Lĩnh vực", "type": "list", "indexed": true, "items": {"type": "text", "max": 60}}
        ]
    })
}

pub(crate) async fn defined(app: &TestApp, definition: &Value) {
    let op = operator(app).await;
    call_ok(app, "POST", "/api/v1/admin/types", &op, Some(definition)).await;
}

/// A draft of `key` in the portal's news section, written by its chief editor.
pub(crate) async fn typed_draft(
    app: &TestApp,
    token: &str,
    key: &str,
    title: &str,
    data: Value,
) -> i64 {
    let section = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    let body = json!({"section_id": section, "kind": "page", "title": title, "type": key, "data": data,
        "author": "Văn phòng UBND tỉnh", "source": "Cổng TTĐT tỉnh Quảng Nam"});
    call_ok(app, "POST", "/api/v1/admin/content", token, Some(&body)).await["id"]
        .as_i64()
        .expect("an id")
}

pub(crate) fn document(number: &str, kind: &str, date: &str) -> Value {
    json!({"so_ky_hieu": number, "loai": kind, "ngay_ban_hanh": date, "co_quan": "UBND tỉnh Quảng Nam"})
}

fn errors(doc: &Value) -> Vec<(String, String)> {
    doc["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub(crate) fn has(doc: &Value, field: &str, code: &str) -> bool {
    errors(doc).contains(&(field.to_string(), code.to_string()))
}

async fn a_type_is_defined_by_an_operator_and_its_mistakes_named(app: TestApp) {
    let op = operator(&app).await;
    let contributor = app.contributor_of("so-tp", "quang-nam").await;
    // Who may not: anonymous, a contributor, a chief editor.
    assert_eq!(
        app.call(
            "POST",
            "/api/v1/admin/types",
            None,
            Some(&legal_documents())
        )
        .await
        .status,
        401
    );
    let refused = app
        .call(
            "POST",
            "/api/v1/admin/types",
            Some(&contributor),
            Some(&legal_documents()),
        )
        .await;
    assert!(refused.problem(403)["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("types:manage"));
    let chief = chief(&app).await;
    app.call(
        "POST",
        "/api/v1/admin/types",
        Some(&chief),
        Some(&legal_documents()),
    )
    .await
    .problem(403);
    // Every mistake of a definition is named by its path, and nothing is written.
    let bad = json!({"key": "Văn bản", "name": "", "fields": [
        {"name": "so", "label": "Số", "type": "text", "indexed": true},
        {"name": "so", "label": "Số", "type": "decimal"},
        {"name": "loai", "label": "Loại", "type": "enum", "options": []},
        {"name": "ma", "label": "Mã", "type": "text", "max": 20, "pattern": "([A-Z]"},
        {"name": "ds", "label": "DS", "type": "list"}
    ]});
    let doc = app
        .call("POST", "/api/v1/admin/types", Some(&op), Some(&bad))
        .await
        .problem(422);
    for (field, code) in [
        ("key", "invalid_key"),
        ("name", "required"),
        ("fields[0].max", "required_for_index"),
        ("fields[1].name", "duplicate"),
        ("fields[1].scale", "required"),
        ("fields[2].options", "count"),
        ("fields[3].pattern", "invalid_pattern"),
        ("fields[4].items", "required"),
    ] {
        assert!(has(&doc, field, code), "{field} {code}: {doc}");
    }
    // A key the wire cannot read is the JSON path's 422/400, not a panic.
    let unknown = json!({"key": "x-y", "name": "X", "fields": [{"name": "a", "label": "A", "type": "text", "colour": "red"}]});
    let res = app
        .call("POST", "/api/v1/admin/types", Some(&op), Some(&unknown))
        .await;
    assert!(matches!(res.status, 400 | 422), "{}", res.text());
    assert_eq!(app.get("/api/v1/types/x-y").await.status, 404);
    assert_eq!(
        app.get("/api/v1/types/van-ban").await.status,
        404,
        "nothing was written"
    );
    // The good one: defined at version 1, public with the JSON Schema of its data.
    let created = call_ok(
        &app,
        "POST",
        "/api/v1/admin/types",
        &op,
        Some(&legal_documents()),
    )
    .await;
    assert_eq!(
        (
            created["version"].clone(),
            created["current_version"].clone()
        ),
        (json!(1), json!(1))
    );
    let again = app
        .call(
            "POST",
            "/api/v1/admin/types",
            Some(&op),
            Some(&legal_documents()),
        )
        .await;
    again.problem(409);
    let listed = app.get("/api/v1/types?limit=100").await.json();
    assert!(listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|t| t["key"] == "van-ban"));
    let ty = app.get("/api/v1/types/van-ban").await.json();
    assert_eq!(ty["legal_basis"], "Điều 7.2.c");
    assert_eq!(ty["fields"][1]["options"][0]["label"], "Quyết định");
    let schema = &ty["data_schema"];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        json!(["so_ky_hieu", "loai", "ngay_ban_hanh"])
    );
    assert_eq!(
        schema["properties"]["loai"]["enum"],
        json!(["quyet-dinh", "chi-thi", "ke-hoach"])
    );
    assert_eq!(schema["properties"]["ty_le"]["type"], "string");
    assert_eq!(app.get("/api/v1/types/khong-co").await.status, 404);
    // The type's own OpenAPI document: a filter parameter per indexed field, the item shape.
    let doc = app.get("/api/v1/types/van-ban/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let list = &doc["paths"]["/api/v1/types/van-ban/items"]["get"];
    let names: Vec<&str> = list["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for want in [
        "site",
        "filter[loai]",
        "filter[loai][in]",
        "filter[ngay_ban_hanh][gte]",
        "filter[linh_vuc]",
        "filter[kinh_phi][lte]",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    assert!(
        !names.contains(&"filter[loai][gte]"),
        "an enum has no order"
    );
    assert!(!names.contains(&"filter[trich_yeu]"), "not indexed");
    assert_eq!(
        doc["components"]["schemas"]["VanBanData"]["properties"]["kinh_phi"]["minimum"],
        0
    );
    let audit = call_ok(
        &app,
        "GET",
        "/api/v1/admin/audit?action=types.create",
        &op,
        None,
    )
    .await;
    assert_eq!(audit["items"][0]["target"], "type:van-ban");
}

async fn typed_items_are_checked_on_every_write(app: TestApp) {
    defined(&app, &legal_documents()).await;
    let chief = chief(&app).await;
    let section = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    // Every field kind names its broken rule, as `data.<field>`.
    let bad = json!({"section_id": section, "kind": "page", "title": "Quyết định 1", "type": "van-ban", "data": {
        "so_ky_hieu": "12/QĐ-UBND", "co_quan": "UBND tØnh Qu¶ng Nam", "loai": "nghi-quyet", "ngay_ban_hanh": "31/12/2026",
        "hieu_luc_tu": "ngày mai", "kinh_phi": -5, "ty_le": 12.5, "so_trang": 0, "con_hieu_luc": "có",
        "thay_the": 999999, "tep": ["javascript:alert(1)"], "linh_vuc": "đất đai", "khac": 1
    }});
    let doc = app
        .call("POST", "/api/v1/admin/content", Some(&chief), Some(&bad))
        .await
        .problem(422);
    for (field, code) in [
        ("data.co_quan", "legacy_encoding"),
        ("data.loai", "not_an_option"),
        ("data.ngay_ban_hanh", "invalid_type"),
        ("data.hieu_luc_tu", "invalid_type"),
        ("data.kinh_phi", "out_of_range"),
        ("data.ty_le", "invalid_type"),
        ("data.so_trang", "out_of_range"),
        ("data.con_hieu_luc", "invalid_type"),
        ("data.tep[0]", "invalid_url"),
        ("data.linh_vuc", "invalid_type"),
        ("data.khac", "unknown_field"),
    ] {
        assert!(has(&doc, field, code), "{field} {code}: {doc}");
    }
    // A NUL byte anywhere in the data is named where it is.
    let nul = json!({"section_id": section, "kind": "page", "title": "NUL", "type": "van-ban",
        "data": {"so_ky_hieu": "12/QĐ\u{0}", "loai": "chi-thi", "ngay_ban_hanh": "2026-01-01"}});
    let doc = app
        .call("POST", "/api/v1/admin/content", Some(&chief), Some(&nul))
        .await
        .problem(422);
    assert!(has(&doc, "data.so_ky_hieu", "control_character"), "{doc}");
    let missing = json!({"section_id": section, "kind": "page", "title": "Thiếu", "type": "van-ban", "data": {}});
    let doc = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&chief),
            Some(&missing),
        )
        .await
        .problem(422);
    assert!(
        has(&doc, "data.so_ky_hieu", "required") && has(&doc, "data.ngay_ban_hanh", "required"),
        "{doc}"
    );
    let unknown = json!({"section_id": section, "kind": "page", "title": "X", "type": "khong-co", "data": {}});
    let doc = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&chief),
            Some(&unknown),
        )
        .await
        .problem(422);
    assert!(has(&doc, "type", "unknown_type"), "{doc}");
    let untyped = json!({"section_id": section, "kind": "news", "title": "Tin", "body": "<p>Tin</p>", "data": {"a": 1}});
    let doc = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&chief),
            Some(&untyped),
        )
        .await
        .problem(422);
    assert!(has(&doc, "data", "no_type"), "{doc}");
    // A good one comes back normalised: NFC, sanitised HTML, decimals at their scale, UTC.
    let mut data = document("12/QĐ-UBND", "quyet-dinh", "2026-03-05");
    data["hieu_luc_tu"] = json!("2026-03-05T08:00:00+07:00");
    data["ty_le"] = json!("7.5");
    data["trich_yeu"] =
        json!("<p onclick=\"x()\">Về việc ban hành <b>quy chế</b></p><script>x()</script>");
    data["linh_vuc"] = json!(["Đất đai", "Hành chính"]);
    data["co_quan"] = json!("UBND tỉnh Qua\u{309}ng Nam");
    let id = typed_draft(&app, &chief, "van-ban", "Quyết định 12", data).await;
    let item = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/content/{id}"),
        &chief,
        None,
    )
    .await;
    assert_eq!(
        (item["type"].clone(), item["type_version"].clone()),
        (json!("van-ban"), json!(1))
    );
    assert_eq!(item["data"]["ty_le"], "7.50");
    assert_eq!(item["data"]["hieu_luc_tu"], "2026-03-05T01:00:00Z");
    assert_eq!(
        item["data"]["trich_yeu"],
        "<p>Về việc ban hành <b>quy chế</b></p>"
    );
    assert_eq!(item["data"]["co_quan"], "UBND tỉnh Quảng Nam");
    // A unique field: no other live item of the type on the site holds the same number
    // (compared without diacritics or case).
    let twin = json!({"section_id": section, "kind": "page", "title": "Bản sao", "type": "van-ban",
        "data": document("12/qđ-ubnd", "chi-thi", "2026-03-06")});
    let doc = app
        .call("POST", "/api/v1/admin/content", Some(&chief), Some(&twin))
        .await
        .problem(422);
    assert!(has(&doc, "data.so_ky_hieu", "not_unique"), "{doc}");
    // A reference must name an item of the type.
    let news = app
        .item_in("quang-nam", "tin-tuc-su-kien")
        .title("Tin thường")
        .draft();
    let mut refers = document("13/QĐ-UBND", "quyet-dinh", "2026-03-07");
    refers["thay_the"] = json!(news);
    let res = app.call("POST", "/api/v1/admin/content", Some(&chief), Some(&json!({"section_id": section, "kind": "page", "title": "Q13", "type": "van-ban", "data": refers}))).await;
    assert!(has(&res.problem(422), "data.thay_the", "wrong_type"));
    refers["thay_the"] = json!(id);
    let second = typed_draft(&app, &chief, "van-ban", "Quyết định 13", refers).await;
    // Edits are checked against the item's version; the revision diff shows the data.
    let path = format!("/api/v1/admin/content/{second}");
    let res = app
        .call(
            "PATCH",
            &path,
            Some(&chief),
            Some(&json!({"version": 1, "data": document("13/QĐ-UBND", "thong-bao", "2026-03-07")})),
        )
        .await;
    assert!(has(&res.problem(422), "data.loai", "not_an_option"));
    let res = app
        .call(
            "PATCH",
            &path,
            Some(&chief),
            Some(
                &json!({"version": 1, "data": document("12/QĐ-UBND", "quyet-dinh", "2026-03-07")}),
            ),
        )
        .await;
    assert!(has(&res.problem(422), "data.so_ky_hieu", "not_unique"));
    let edited = call_ok(
        &app,
        "PATCH",
        &path,
        &chief,
        Some(&json!({"version": 1, "data": document("13/QĐ-UBND", "chi-thi", "2026-03-07")})),
    )
    .await;
    assert_eq!(edited["data"]["loai"], "chi-thi");
    assert_eq!(
        edited["data"].get("thay_the"),
        None,
        "data is replaced whole"
    );
    let diff = call_ok(
        &app,
        "GET",
        &format!("{path}/diff?from=1&to=2"),
        &chief,
        None,
    )
    .await;
    let changed: Vec<&str> = diff["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert_eq!(changed, ["data"], "{diff}");
    // A title-only edit still passes through the type's rules and keeps the data.
    let retitled = call_ok(
        &app,
        "PATCH",
        &path,
        &chief,
        Some(&json!({"version": 2, "title": "Chỉ thị 13"})),
    )
    .await;
    assert_eq!(retitled["data"]["so_ky_hieu"], "13/QĐ-UBND");
    // Published through the same workflow; readers get the typed data with the item.
    app.advance(id, &["submit", "claim", "forward", "approve"]);
    let public = app.get(&format!("/api/v1/content/{id}")).await.json();
    assert_eq!(public["type"], "van-ban");
    assert_eq!(public["data"]["so_ky_hieu"], "12/QĐ-UBND");
    // Deleting a draft frees its number for another.
    call_ok(&app, "DELETE", &path, &chief, None).await;
    typed_draft(
        &app,
        &chief,
        "van-ban",
        "Chỉ thị 13 (mới)",
        document("13/QĐ-UBND", "chi-thi", "2026-03-08"),
    )
    .await;
}

/// Writers racing for the same unique value: one wins, every other hears the field error,
/// none a 500 (on PostgreSQL both may check before either commits; the index decides).
async fn racing_writers_of_a_unique_value_get_one_winner(app: TestApp) {
    defined(&app, &legal_documents()).await;
    let chief = chief(&app).await;
    let section = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    let body = json!({"section_id": section, "kind": "page", "title": "Quyết định 99", "type": "van-ban",
        "data": document("99/QĐ-UBND", "quyet-dinh", "2026-06-01")});
    let calls =
        (0..8).map(|_| app.call("POST", "/api/v1/admin/content", Some(&chief), Some(&body)));
    let answers = futures_util::future::join_all(calls).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422, 422, 422, 422, 422, 422, 422]);
    for r in answers.iter().filter(|r| r.status == 422) {
        assert!(
            has(&r.json(), "data.so_ky_hieu", "not_unique"),
            "{}",
            r.text()
        );
    }
    // Drafts with the same title saved at the same moment each get their own slug.
    let news = json!({"section_id": section, "kind": "news", "title": "Họp báo thường kỳ", "body": "<p>Tin</p>"});
    let calls =
        (0..6).map(|_| app.call("POST", "/api/v1/admin/content", Some(&chief), Some(&news)));
    let answers = futures_util::future::join_all(calls).await;
    let mut slugs: Vec<String> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text());
            r.json()["slug"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), 6, "{slugs:?}");
}
