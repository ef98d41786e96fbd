//! The forms of each kind and the Vietnamese text rules: bounds in characters, NFC, legacy encodings, control characters, safe HTML, slugs.

use super::*;

on_every_backend!(
    every_kind_has_a_valid_form_and_names_its_missing_fields,
    bounds_are_counted_in_characters,
    nfd_and_nfc_input_store_identically,
    legacy_encodings_and_control_characters_are_refused,
    xss_vectors_are_neutralised_in_stored_bodies,
    slugs_fold_vietnamese_and_stay_unique,
);

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
