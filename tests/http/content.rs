//! Authoring content (Điều 4, 6, 8): per-kind rules, Vietnamese text rules (TCVN 6909:2001,
//! Điều 6.6), safe HTML, scopes per section, optimistic concurrency, revisions, translations.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    every_kind_has_a_valid_form_and_names_its_missing_fields,
    bounds_are_counted_in_characters,
    nfd_and_nfc_input_store_identically,
    legacy_encodings_and_control_characters_are_refused,
    xss_vectors_are_neutralised_in_stored_bodies,
    contributors_write_only_in_their_agencys_sections,
    two_concurrent_editors_one_gets_412_and_nothing_is_lost,
    revisions_diff_and_restore_without_rewriting_history,
    slugs_fold_vietnamese_and_stay_unique,
    translations_link_languages_one_per_group,
    deleted_drafts_are_hidden_and_restorable_by_the_chief_editor,
    moving_needs_write_scopes_on_both_sections,
    lists_filter_and_page_within_the_callers_sections,
    sections_holding_items_cannot_be_deleted,
);

const ITEMS: &str = "/api/v1/admin/content";

async fn setup(app: &TestApp) -> (String, i64) {
    let token = app
        .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    (token, section)
}

fn news(section: i64, title: &str) -> Value {
    json!({"section_id": section, "kind": "news", "title": title, "body": "<p>Nội dung bài viết.</p>",
           "author": "Nguyễn Văn A", "source": "Sở Tư pháp"})
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.call("POST", ITEMS, Some(token), Some(body)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    res.json()
}

async fn every_kind_has_a_valid_form_and_names_its_missing_fields(app: TestApp) {
    let (token, section) = setup(&app).await;
    let valid = [
        ("news", json!({"body": "<p>Tin</p>"})),
        ("article", json!({"body": "<p>Bài</p>"})),
        ("page", json!({"body": "<p>Trang</p>"})),
        (
            "document",
            json!({"fields": {"number": "3069/QĐ-UBND", "document_type": "Quyết định", "issuing_body": "UBND tỉnh Quảng Nam",
                                        "signer": "Hồ Quang Bửu", "issued_date": "2021-10-25", "effective_date": "2021-10-25",
                                        "attachments": ["https://quangnam.gov.vn/files/3069.pdf"]}}),
        ),
        (
            "photo",
            json!({"fields": {"media_urls": ["https://quangnam.gov.vn/a.jpg"], "alt_text": "Phố cổ Hội An", "caption": "Hội An", "credit": "Ảnh: Sở VHTTDL"}}),
        ),
        (
            "infographic",
            json!({"fields": {"media_urls": ["https://quangnam.gov.vn/i.png"], "alt_text": "Số liệu ngân sách"}}),
        ),
        (
            "video",
            json!({"fields": {"media_urls": ["https://quangnam.gov.vn/v.mp4"], "caption": "Lễ hội"}}),
        ),
        (
            "audio",
            json!({"fields": {"media_urls": ["https://quangnam.gov.vn/a.mp3"]}}),
        ),
        (
            "link",
            json!({"fields": {"target_url": "https://hoian.gov.vn/tin/le-hoi"}}),
        ),
    ];
    for (i, (kind, extra)) in valid.iter().enumerate() {
        let mut body =
            json!({"section_id": section, "kind": kind, "title": format!("Mục {kind} {i}")});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let item = create(&app, &token, &body).await;
        assert_eq!(item["kind"], *kind);
        assert_eq!(item["status"], "draft");
        assert_eq!(item["version"], 1);
        assert_eq!(item["language"], "vi");
        assert_eq!(item["site"], "quang-nam");
        if *kind == "document" {
            assert_eq!(item["fields"]["number"], "3069/QĐ-UBND");
            assert_eq!(item["fields"]["issued_date"], "2021-10-25");
        }
    }
    for (kind, missing) in [
        ("news", vec!["body"]),
        ("article", vec!["body"]),
        ("page", vec!["body"]),
        (
            "document",
            vec![
                "fields.number",
                "fields.document_type",
                "fields.issuing_body",
                "fields.issued_date",
            ],
        ),
        ("photo", vec!["fields.media_urls", "fields.alt_text"]),
        ("infographic", vec!["fields.media_urls", "fields.alt_text"]),
        ("video", vec!["fields.media_urls"]),
        ("audio", vec!["fields.media_urls"]),
        ("link", vec!["fields.target_url"]),
    ] {
        let doc = app
            .call(
                "POST",
                ITEMS,
                Some(&token),
                Some(&json!({"section_id": section, "kind": kind, "title": "Thiếu"})),
            )
            .await
            .problem(422);
        let fields: Vec<&str> = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, missing, "{kind}");
        assert!(doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "required"));
    }
    let title = app
        .call(
            "POST",
            ITEMS,
            Some(&token),
            Some(
                &json!({"section_id": section, "kind": "news", "body": "<p>x</p>", "title": "  "}),
            ),
        )
        .await
        .problem(422);
    assert_eq!(
        title["errors"][0],
        json!({"field": "title", "code": "required", "message": "must not be empty"})
    );
    let wrong = app
        .call("POST", ITEMS, Some(&token), Some(&json!({"section_id": section, "kind": "news", "title": "T", "body": "<p>x</p>", "fields": {"target_url": "https://x.vn"}})))
        .await
        .problem(422);
    assert_eq!(wrong["errors"][0]["code"], "not_for_kind");
    let bad_dates = app
        .call("POST", ITEMS, Some(&token), Some(&json!({"section_id": section, "kind": "document", "title": "VB",
            "fields": {"number": "1", "document_type": "QĐ", "issuing_body": "UBND", "issued_date": "2026-02-01", "effective_date": "2026-01-01"}})))
        .await
        .problem(422);
    assert_eq!(bad_dates["errors"][0]["field"], "fields.effective_date");
    let kind = app
        .call(
            "POST",
            ITEMS,
            Some(&token),
            Some(&json!({"section_id": section, "kind": "podcast", "title": "T"})),
        )
        .await
        .problem(422);
    assert_eq!(kind["errors"][0]["field"], "kind");
    let url = app
        .call("POST", ITEMS, Some(&token), Some(&json!({"section_id": section, "kind": "link", "title": "T", "fields": {"target_url": "javascript:alert(1)"}})))
        .await
        .problem(422);
    assert_eq!(url["errors"][0]["code"], "invalid_url");
    let language = app
        .call("POST", ITEMS, Some(&token), Some(&json!({"section_id": section, "kind": "news", "title": "T", "body": "<p>x</p>", "language": "fr"})))
        .await
        .problem(422);
    assert_eq!(language["errors"][0]["code"], "unsupported_language");
}

async fn bounds_are_counted_in_characters(app: TestApp) {
    let (token, section) = setup(&app).await;
    let mut body = news(section, &"ễ".repeat(300));
    create(&app, &token, &body).await;
    body["title"] = json!("ễ".repeat(301));
    let doc = app
        .call("POST", ITEMS, Some(&token), Some(&body))
        .await
        .problem(422);
    assert_eq!(
        (
            doc["errors"][0]["field"].as_str(),
            doc["errors"][0]["code"].as_str()
        ),
        (Some("title"), Some("too_long"))
    );
    let mut body = news(section, "Tóm tắt dài");
    body["summary"] = json!("ữ".repeat(1001));
    let doc = app
        .call("POST", ITEMS, Some(&token), Some(&body))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "summary");
    body["summary"] = json!("ữ".repeat(1000));
    create(&app, &token, &body).await;
    let mut body = news(section, "Thân bài dài");
    body["body"] = json!(format!("<p>{}</p>", "a".repeat(1_000_000)));
    let doc = app
        .call("POST", ITEMS, Some(&token), Some(&body))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "body");
    assert_eq!(doc["errors"][0]["code"], "too_long");
    let mut body = news(section, "Quá nhiều thẻ");
    body["tags"] = json!((0..21).map(|i| format!("thẻ {i}")).collect::<Vec<_>>());
    app.call("POST", ITEMS, Some(&token), Some(&body))
        .await
        .problem(422);
}

async fn nfd_and_nfc_input_store_identically(app: TestApp) {
    let (token, section) = setup(&app).await;
    let nfd = "Qua\u{309}ng Nam đo\u{301}n kha\u{301}ch";
    let item = create(&app, &token, &news(section, nfd)).await;
    assert_eq!(item["title"], "Quảng Nam đón khách");
    assert_eq!(item["slug"], "quang-nam-don-khach");
    let again = create(&app, &token, &news(section, "Quảng Nam đón khách")).await;
    assert_eq!(again["title"], item["title"]);
    assert_eq!(
        again["slug"], "quang-nam-don-khach-2",
        "the same words clash, whatever their normal form"
    );
}

async fn legacy_encodings_and_control_characters_are_refused(app: TestApp) {
    let (token, section) = setup(&app).await;
    let doc = app
        .call(
            "POST",
            ITEMS,
            Some(&token),
            Some(&news(section, "Qu¶ng Nam ®ãn kh¸ch")),
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "title");
    assert_eq!(doc["errors"][0]["code"], "legacy_encoding");
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("TCVN3"),
        "{doc}"
    );
    let mut body = news(section, "Tiêu đề đúng");
    body["summary"] = json!("Ñaàu tö coâng cuûa tænh Quaûng Nam");
    let doc = app
        .call("POST", ITEMS, Some(&token), Some(&body))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "summary");
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("VNI"),
        "{doc}"
    );
    let doc = app
        .call(
            "POST",
            ITEMS,
            Some(&token),
            Some(&news(section, "Tiêu đề\u{0}ẩn")),
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["code"], "control_character");
    let mut body = news(section, "Dòng và tab");
    body["summary"] = json!("dòng một\r\ndòng hai\tcột");
    let item = create(&app, &token, &body).await;
    assert_eq!(item["summary"], "dòng một\ndòng hai\tcột");
}

async fn xss_vectors_are_neutralised_in_stored_bodies(app: TestApp) {
    let (token, section) = setup(&app).await;
    let mut body = news(section, "An toàn");
    body["body"] = json!(concat!(
        "<p onclick=\"x()\">Đoạn</p><script>alert(1)</script><img src=x onerror=alert(1) alt=\"ảnh\">",
        "<a href=\"javascript:alert(1)\">a</a><div style=\"position:fixed;inset:0\">che</div>",
        "<iframe src=\"https://www.youtube.com/embed/v1\"></iframe><iframe src=\"https://evil.example/x\"></iframe>"
    ));
    let item = create(&app, &token, &body).await;
    let stored = item["body"].as_str().unwrap();
    for bad in [
        "onclick",
        "<script",
        "onerror",
        "javascript:",
        "style=",
        "evil.example",
    ] {
        assert!(!stored.contains(bad), "{bad} survived: {stored}");
    }
    assert!(stored.contains("<p>Đoạn</p>"));
    assert!(stored.contains("https://www.youtube.com/embed/v1"));
}

async fn contributors_write_only_in_their_agencys_sections(app: TestApp) {
    let (token, section) = setup(&app).await;
    let budget = app.section_id("quang-nam", "cong-khai-ngan-sach").await;
    app.call("POST", ITEMS, None, Some(&news(section, "Ẩn danh")))
        .await
        .problem(401);
    let doc = app
        .call(
            "POST",
            ITEMS,
            Some(&token),
            Some(&news(budget, "Ngân sách")),
        )
        .await
        .problem(403);
    assert!(
        doc["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("content:write:section:{budget}")),
        "{doc}"
    );
    let own = create(&app, &token, &news(section, "Văn bản mới")).await;

    // Another agency's contributor cannot read, edit or delete it either.
    let other = app
        .token_for("minh.stc", "so-tc", &[("quang-nam", "contributor")])
        .await;
    let path = format!("{ITEMS}/{}", own["id"]);
    app.call("GET", &path, Some(&other), None)
        .await
        .problem(403);
    app.call(
        "PATCH",
        &path,
        Some(&other),
        Some(&json!({"version": 1, "title": "Sửa trộm"})),
    )
    .await
    .problem(403);
    app.call("DELETE", &path, Some(&other), None)
        .await
        .problem(403);
    // An editor of the site may write anywhere on it.
    let editor = app
        .token_for("bbt.editor", "so-tttt", &[("quang-nam", "editor")])
        .await;
    let res = app
        .call(
            "PATCH",
            &path,
            Some(&editor),
            Some(&json!({"version": 1, "title": "Biên tập lại"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Scopes follow ownership: after a transfer the old owner is refused at the next refresh.
    let operator = app
        .token_for("it.content", "ttcntt", &[("quang-nam", "operator")])
        .await;
    app.call(
        "POST",
        &format!("/api/v1/admin/sections/{budget}/transfer"),
        Some(&operator),
        Some(&json!({"owner": "so-tp"})),
    )
    .await;
    let (fresh, _) = app.login("lan.stp").await;
    create(&app, &fresh, &news(budget, "Nay thuộc Sở Tư pháp")).await;
}

async fn two_concurrent_editors_one_gets_412_and_nothing_is_lost(app: TestApp) {
    let (token, section) = setup(&app).await;
    let other = app
        .token_for("hoa.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let item = create(&app, &token, &news(section, "Bản gốc")).await;
    let path = format!("{ITEMS}/{}", item["id"]);

    app.call(
        "PATCH",
        &path,
        Some(&token),
        Some(&json!({"title": "Không có phiên bản"})),
    )
    .await
    .problem(428);
    // Six editors save on top of version 1 at once (more requests in flight than the server
    // has workers, so they do overlap): exactly one wins, and what is stored is what the winner
    // sent, not what it was answered.
    let mut editors = vec![token.clone(), other.clone()];
    for n in 0..4 {
        editors.push(
            app.token_for(
                &format!("bt{n}.stp"),
                "so-tp",
                &[("quang-nam", "contributor")],
            )
            .await,
        );
    }
    let titles: Vec<String> = (0..editors.len()).map(|n| format!("Sửa số {n}")).collect();
    let sends = editors.iter().zip(&titles).map(|(editor, title)| {
        let request = app
            .client
            .patch(app.url(&path))
            .insert_header(("authorization", format!("Bearer {editor}")))
            .insert_header(("if-match", "\"1\""));
        let body = json!({ "title": title });
        async move {
            let mut res = request.send_json(&body).await.expect("a response");
            let doc: Value = serde_json::from_slice(&res.body().await.unwrap()).unwrap();
            (res.status().as_u16(), doc)
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let winners: Vec<usize> = (0..answers.len())
        .filter(|i| answers[*i].0 == 200)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one save wins: {answers:?}");
    for (status, doc) in answers.iter().filter(|(status, _)| *status != 200) {
        assert_eq!(*status, 412, "{doc}");
        assert_eq!(doc["current_version"], 2);
        assert_eq!(doc["type"], "urn:problem:portal:precondition-failed");
    }
    let now = app.call("GET", &path, Some(&token), None).await;
    assert_eq!(
        now.json()["title"],
        titles[winners[0]],
        "the winner's change is what is stored"
    );
    assert_eq!(now.header("etag").as_deref(), Some("\"2\""));

    // The loser reloads and saves on top: both changes are in the history.
    let retry = app
        .call(
            "PATCH",
            &path,
            Some(&other),
            Some(&json!({"version": 2, "summary": "Bổ sung tóm tắt"})),
        )
        .await;
    assert_eq!(retry.status, 200, "{}", retry.text());
    let stale = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(&json!({"version": 2, "summary": "cũ"})),
        )
        .await
        .problem(412);
    assert_eq!(stale["current_version"], 3);
    let revisions = app
        .call("GET", &format!("{path}/revisions"), Some(&token), None)
        .await
        .json();
    let versions: Vec<i64> = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
}

async fn revisions_diff_and_restore_without_rewriting_history(app: TestApp) {
    let (token, section) = setup(&app).await;
    let item = create(&app, &token, &news(section, "Tiêu đề ban đầu")).await;
    let path = format!("{ITEMS}/{}", item["id"]);
    app.call("PATCH", &path, Some(&token), Some(&json!({"version": 1, "title": "Tiêu đề sửa", "tags": ["pháp luật"], "note": "sửa tiêu đề"}))).await;
    let diff = app
        .call(
            "GET",
            &format!("{path}/diff?from=1&to=2"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        diff["changes"],
        json!([
            {"field": "title", "from": "Tiêu đề ban đầu", "to": "Tiêu đề sửa"},
            {"field": "tags", "from": [], "to": ["pháp luật"]},
        ])
    );
    let v2 = app
        .call("GET", &format!("{path}/revisions/2"), Some(&token), None)
        .await
        .json();
    assert_eq!(v2["note"], "sửa tiêu đề");
    assert_eq!(v2["snapshot"]["title"], "Tiêu đề sửa");

    let restored = app
        .call(
            "POST",
            &format!("{path}/revisions/1/restore"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text());
    let restored = restored.json();
    assert_eq!(restored["version"], 3);
    assert_eq!(restored["title"], "Tiêu đề ban đầu");
    assert_eq!(restored["tags"], json!([]));
    let list = app
        .call("GET", &format!("{path}/revisions"), Some(&token), None)
        .await
        .json();
    assert_eq!(list["items"][0]["note"], "restored from version 1");
    let still = app
        .call("GET", &format!("{path}/revisions/2"), Some(&token), None)
        .await
        .json();
    assert_eq!(
        still["snapshot"]["title"], "Tiêu đề sửa",
        "history is never rewritten"
    );
    app.call("GET", &format!("{path}/revisions/9"), Some(&token), None)
        .await
        .problem(404);
    app.call("GET", &format!("{path}/diff?from=1"), Some(&token), None)
        .await
        .problem(400);
}

async fn slugs_fold_vietnamese_and_stay_unique(app: TestApp) {
    let (token, section) = setup(&app).await;
    let item = create(&app, &token, &news(section, "Đà Nẵng đón khách")).await;
    assert_eq!(item["slug"], "da-nang-don-khach");
    let upper = create(&app, &token, &news(section, "ĐÀ NẴNG ĐÓN KHÁCH")).await;
    assert_eq!(upper["slug"], "da-nang-don-khach-2");
    let mut explicit = news(section, "Khác");
    explicit["slug"] = json!("da-nang-don-khach");
    let doc = app
        .call("POST", ITEMS, Some(&token), Some(&explicit))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["code"], "taken");
    explicit["slug"] = json!("Đà-Nẵng");
    let doc = app
        .call("POST", ITEMS, Some(&token), Some(&explicit))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["code"], "invalid_slug");
    let path = format!("{ITEMS}/{}", upper["id"]);
    let renamed = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(&json!({"version": 1, "slug": "don-khach-xuan-2026"})),
        )
        .await
        .json();
    assert_eq!(renamed["slug"], "don-khach-xuan-2026");
}

async fn translations_link_languages_one_per_group(app: TestApp) {
    let (token, section) = setup(&app).await;
    let original = create(&app, &token, &news(section, "Chính sách mới")).await;
    let path = format!("{ITEMS}/{}/translations", original["id"]);
    let en = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(&json!({"language": "en", "title": "New policy", "body": "<p>Text</p>"})),
        )
        .await;
    assert_eq!(en.status, 201, "{}", en.text());
    let en = en.json();
    assert_eq!(en["translation_of"], original["id"]);
    assert_eq!(en["translation_group"], original["translation_group"]);
    assert_eq!(en["slug"], "new-policy");
    assert_eq!(
        en["translations"],
        json!([{"language": "vi", "id": original["id"], "slug": "chinh-sach-moi"}])
    );
    app.call(
        "POST",
        &path,
        Some(&token),
        Some(&json!({"language": "en", "title": "Again", "body": "<p>x</p>"})),
    )
    .await
    .problem(409);
    let doc = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(&json!({"language": "fr", "title": "Nouveau", "body": "<p>x</p>"})),
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "language");
    let vi = app
        .call(
            "GET",
            &format!("{ITEMS}/{}", original["id"]),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        vi["translations"],
        json!([{"language": "en", "id": en["id"], "slug": "new-policy"}])
    );
}

async fn deleted_drafts_are_hidden_and_restorable_by_the_chief_editor(app: TestApp) {
    let (token, section) = setup(&app).await;
    let item = create(&app, &token, &news(section, "Sẽ xoá")).await;
    let path = format!("{ITEMS}/{}", item["id"]);
    assert_eq!(
        app.call("DELETE", &path, Some(&token), None).await.status,
        204
    );
    app.call("GET", &path, Some(&token), None)
        .await
        .problem(404);
    app.call("POST", &format!("{path}/undelete"), Some(&token), None)
        .await
        .problem(403);
    let chief = app
        .token_for("truong.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let deleted = app
        .call("GET", &format!("{ITEMS}?deleted=true"), Some(&chief), None)
        .await
        .json();
    assert_eq!(deleted["items"][0]["id"], item["id"]);
    assert!(deleted["items"][0]["deleted_at"].is_string());
    let back = app
        .call("POST", &format!("{path}/undelete"), Some(&chief), None)
        .await;
    assert_eq!(back.status, 200, "{}", back.text());
    assert_eq!(back.json()["deleted_at"], Value::Null);
    assert_eq!(app.call("GET", &path, Some(&token), None).await.status, 200);
    let audit = app
        .call(
            "GET",
            &format!("/api/v1/admin/audit?target=content:{}", item["id"]),
            Some(&chief),
            None,
        )
        .await
        .json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["content.undelete", "content.delete", "content.create"]
    );
}

async fn moving_needs_write_scopes_on_both_sections(app: TestApp) {
    let (token, section) = setup(&app).await;
    let other_own = app
        .section_id("quang-nam", "pho-bien-giao-duc-phap-luat")
        .await;
    let foreign = app.section_id("quang-nam", "chinh-sach-thue").await;
    let item = create(&app, &token, &news(section, "Di chuyển")).await;
    let path = format!("{ITEMS}/{}/move", item["id"]);
    app.call(
        "POST",
        &path,
        Some(&token),
        Some(&json!({"section_id": foreign})),
    )
    .await
    .problem(403);
    let moved = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(&json!({"section_id": other_own, "version": 1})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(moved.json()["section_id"], other_own);
    assert_eq!(moved.json()["version"], 2);
    let chief = app
        .token_for(
            "chief.hoian",
            "tp-hoi-an",
            &[("hoi-an", "chief_editor"), ("quang-nam", "chief_editor")],
        )
        .await;
    let hoi_an = app.section_id("hoi-an", "thong-bao").await;
    let doc = app
        .call(
            "POST",
            &path,
            Some(&chief),
            Some(&json!({"section_id": hoi_an})),
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["code"], "other_site");
}

async fn lists_filter_and_page_within_the_callers_sections(app: TestApp) {
    let (token, section) = setup(&app).await;
    for title in ["Một", "Hai", "Ba"] {
        create(&app, &token, &news(section, title)).await;
    }
    let mut doc = news(section, "Văn bản");
    doc["kind"] = json!("link");
    doc["fields"] = json!({"target_url": "https://sotp.quangnam.gov.vn/vb"});
    create(&app, &token, &doc).await;
    let other = app
        .token_for("thu.stc", "so-tc", &[("quang-nam", "contributor")])
        .await;
    let budget = app.section_id("quang-nam", "cong-khai-ngan-sach").await;
    create(&app, &other, &news(budget, "Của Sở Tài chính")).await;

    let mut titles = Vec::new();
    let mut path = format!("{ITEMS}?limit=2");
    loop {
        let page = app.call("GET", &path, Some(&token), None).await.json();
        titles.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{ITEMS}?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        titles,
        ["Văn bản", "Ba", "Hai", "Một"],
        "newest first; nothing of other agencies"
    );
    let links = app
        .call("GET", &format!("{ITEMS}?kind=link"), Some(&token), None)
        .await
        .json();
    assert_eq!(links["items"].as_array().unwrap().len(), 1);
    let found = app
        .call("GET", &format!("{ITEMS}?q=hai"), Some(&token), None)
        .await
        .json();
    assert_eq!(found["items"][0]["title"], "Hai");
    app.call("GET", &format!("{ITEMS}?kind=podcast"), Some(&token), None)
        .await
        .problem(400);
    app.call("GET", &format!("{ITEMS}?cursor=bad"), Some(&token), None)
        .await
        .problem(400);
    let operator = app
        .token_for("it.list", "ttcntt", &[("quang-nam", "operator")])
        .await;
    app.call("GET", ITEMS, Some(&operator), None)
        .await
        .problem(403);
}

async fn sections_holding_items_cannot_be_deleted(app: TestApp) {
    let operator = app
        .token_for("it.del", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let created = app
        .call(
            "POST",
            "/api/v1/admin/sites/quang-nam/sections",
            Some(&operator),
            Some(&json!({"name_vi": "Mục tạm", "owner": "so-tp"})),
        )
        .await
        .json();
    let (token, _) = setup(&app).await;
    let section = created["id"].as_i64().unwrap();
    create(&app, &token, &news(section, "Trong mục tạm")).await;
    let doc = app
        .call(
            "DELETE",
            &format!("/api/v1/admin/sections/{section}"),
            Some(&operator),
            None,
        )
        .await
        .problem(409);
    assert!(doc["detail"].as_str().unwrap().contains("item"), "{doc}");
}
