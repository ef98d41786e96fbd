//! Input nobody typed by hand: NUL bytes and other control characters in every part of a
//! request, numbers past any bound, and bodies whose errors must name the real JSON path — each
//! a clear 4xx, identical on SQLite and PostgreSQL, with nothing written.

use diesel::prelude::*;
use portal_db::schema::{content_items, users};
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    nul_and_control_characters_are_refused_everywhere,
    page_numbers_and_sizes_are_bounded,
    type_errors_name_the_json_path,
    every_human_written_name_follows_the_text_rules,
    an_editor_overrides_a_legacy_finding_explicitly_and_it_is_audited,
);

async fn nul_and_control_characters_are_refused_everywhere(app: TestApp) {
    let operator = app
        .token_for("it.nul", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let writer = app
        .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    // Path and query, anonymous and signed in.
    for (path, field) in [
        ("/api/v1/sites/quang%00nam", "path"),
        ("/api/v1/sites/quang-nam/sections?lang=v%00i", "lang"),
        ("/api/v1/search?q=qu%00ang", "q"),
        ("/api/v1/content?tag=a%01b", "tag"),
        ("/api/v1/admin/users?q=%00", "q"),
    ] {
        let res = app.call("GET", path, Some(&operator), None).await;
        let doc = res.problem(400);
        assert_eq!(doc["errors"][0]["field"], field, "{path}: {doc}");
        assert_eq!(doc["errors"][0]["code"], "control_character", "{path}");
    }
    // A login name (anonymous), a JSON field, a nested one, an array element, a key.
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "it.nul\u{0}", "password": "x"}),
        )
        .await
        .problem(422);
    assert_eq!(login["errors"][0]["field"], "username");
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    for (body, field) in [
        (
            json!({"section_id": section, "kind": "news", "title": "Tiêu đề\u{0}", "body": "<p>x</p>"}),
            "title",
        ),
        (
            json!({"section_id": section, "kind": "news", "title": "T", "body": "<p>\u{0}</p>"}),
            "body",
        ),
        (
            json!({"section_id": section, "kind": "news", "title": "T", "body": "<p>x</p>", "tags": ["a", "b\u{1b}"]}),
            "tags[1]",
        ),
        (
            json!({"section_id": section, "kind": "legal_document", "title": "T", "body": "<p>x</p>",
                   "fields": {"document_number": "12/2026\u{0}"}}),
            "fields.document_number",
        ),
    ] {
        let doc = app
            .call("POST", "/api/v1/admin/content", Some(&writer), Some(&body))
            .await
            .problem(422);
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
        assert_eq!(doc["errors"][0]["code"], "control_character");
    }
    let doc = app
        .call(
            "POST",
            "/api/v1/admin/agencies",
            Some(&operator),
            Some(&json!({"code": "so-moi", "name_vi": "Sở\u{0}Mới", "kind": "department"})),
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "name_vi");
    // Tab and line breaks stay allowed where text may hold them.
    let ok = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&writer),
            Some(
                &json!({"section_id": section, "kind": "news", "title": "Được",
                         "body": "<p>dòng một\r\n\tdòng hai</p>"}),
            ),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    let stored: i64 = content_items::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(stored, 1, "nothing refused was written");
    let names: Vec<String> = users::table
        .select(users::username)
        .load(&mut *app.conn())
        .unwrap();
    assert!(names.iter().all(|n| !n.contains('\u{0}')), "{names:?}");
}

async fn page_numbers_and_sizes_are_bounded(app: TestApp) {
    for (query, field) in [
        ("page=4611686018427387905", "page"),
        ("page=9223372036854775807&page_size=100", "page"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page_size=0", "page_size"),
        ("page=1&page_size=0", "page_size"),
        ("page=1&page_size=101", "page_size"),
        ("limit=0", "limit"),
        ("limit=99999999999", "limit"),
    ] {
        let res = app
            .get(&format!("/api/v1/content?site=quang-nam&{query}"))
            .await;
        let doc = res.problem(400);
        let named = doc["errors"][0]["field"].as_str().map(str::to_string);
        assert_eq!(named.as_deref().unwrap_or(""), field, "{query}: {doc}");
    }
    let overflow = app.get("/api/v1/content?page=99999999999999999999").await;
    assert_eq!(overflow.status, 400, "{}", overflow.text());
    for query in [
        "page=51",
        "page=0",
        "page_size=0",
        "page=9223372036854775807",
    ] {
        let res = app.get(&format!("/api/v1/search?q=quang&{query}")).await;
        assert_eq!(res.status, 400, "{query}: {}", res.text());
    }
    let ok = app.get("/api/v1/content?page=500&page_size=20").await;
    assert_eq!(ok.status, 200, "the deepest page is fine: {}", ok.text());
}

async fn type_errors_name_the_json_path(app: TestApp) {
    let writer = app
        .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"section_id": section, "kind": "legal_document", "title": "T", "body": "<p>x</p>",
                   "fields": {"issued_date": 20260101}}),
            "fields.issued_date",
            "invalid_type",
        ),
        (
            json!({"section_id": section, "kind": "news", "title": "T", "body": 5}),
            "body",
            "invalid_type",
        ),
        (
            json!({"section_id": "một", "kind": "news", "title": "T", "body": "<p>x</p>"}),
            "section_id",
            "invalid_type",
        ),
        (
            json!({"section_id": section, "kind": "news", "title": "T", "body": "<p>x</p>", "tags": ["a", 2]}),
            "tags[1]",
            "invalid_type",
        ),
        (
            json!({"section_id": section, "kind": "news", "title": "T", "body": "<p>x</p>", "colour": "đỏ"}),
            "colour",
            "unknown_field",
        ),
        (json!("not an object"), "$", "invalid_type"),
    ];
    for (body, field, code) in cases {
        let doc = app
            .call("POST", "/api/v1/admin/content", Some(&writer), Some(&body))
            .await
            .problem(422);
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
        assert_eq!(doc["errors"][0]["code"], code, "{doc}");
    }
}

async fn every_human_written_name_follows_the_text_rules(app: TestApp) {
    let operator = app
        .token_for("it.names", "ttcntt", &[("quang-nam", "operator")])
        .await;
    // "Sở Tư pháp" and "Thông báo" pasted from a .VnTime document (TCVN3).
    let cases = [
        (
            "POST",
            "/api/v1/admin/agencies",
            json!({"code": "so-moi", "name_vi": "Së T\u{AD} ph¸p", "kind": "department"}),
            "name_vi",
        ),
        (
            "PATCH",
            "/api/v1/admin/sites/hoi-an",
            json!({"name_vi": "Th«ng b¸o Héi An"}),
            "name_vi",
        ),
        (
            "POST",
            "/api/v1/admin/sites/quang-nam/sections",
            json!({"name_vi": "Th«ng b¸o", "owner": "so-tp"}),
            "name_vi",
        ),
        (
            "POST",
            "/api/v1/admin/sites/quang-nam/sections",
            json!({"name_vi": "Thông báo", "description": "Quaûng Nam", "owner": "so-tp"}),
            "description",
        ),
        (
            "POST",
            "/api/v1/admin/users",
            json!({"username": "nguoi.moi", "display_name": "NguyÔn V¨n A", "agency": "so-tp",
                   "password": "Một mật khẩu dài 2026!"}),
            "display_name",
        ),
    ];
    for (method, path, body, field) in cases {
        let doc = app
            .call(method, path, Some(&operator), Some(&body))
            .await
            .problem(422);
        assert_eq!(doc["errors"][0]["field"], field, "{path}: {doc}");
        assert_eq!(doc["errors"][0]["code"], "legacy_encoding", "{path}: {doc}");
    }
    // Real names with letters the detector once mistook pass.
    let ok = app
        .call(
            "POST",
            "/api/v1/admin/sites/quang-nam/sections",
            Some(&operator),
            Some(&json!({"name_vi": "Hiện tượng La Niña", "slug": "la-nina", "owner": "so-tp"})),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(ok.json()["slug"], "la-nina");
}

async fn an_editor_overrides_a_legacy_finding_explicitly_and_it_is_audited(app: TestApp) {
    let writer = app
        .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    // An article about old fonts quotes legacy text on purpose.
    let body = json!({"section_id": section, "kind": "news", "title": "Chữ «Qu¶ng Nam» trong phông .VnTime",
                      "body": "<p>Giải thích</p>"});
    let doc = app
        .call("POST", "/api/v1/admin/content", Some(&writer), Some(&body))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["code"], "legacy_encoding");
    let mut overridden = body.clone();
    overridden["legacy_override"] = json!(["title"]);
    let created = app
        .call(
            "POST",
            "/api/v1/admin/content",
            Some(&writer),
            Some(&overridden),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let audit: Vec<Option<String>> = portal_db::schema::audit_log::table
        .filter(portal_db::schema::audit_log::action.eq("content.create"))
        .select(portal_db::schema::audit_log::after_json)
        .load(&mut *app.conn())
        .unwrap();
    assert!(
        audit[0]
            .as_deref()
            .unwrap_or("")
            .contains("\"legacy_override\":[\"title\"]"),
        "{audit:?}"
    );
}
