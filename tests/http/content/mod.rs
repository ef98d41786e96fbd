//! Authoring content (Điều 4, 6, 8): per-kind rules, Vietnamese text rules (TCVN 6909:2001,
//! Điều 6.6), safe HTML, scopes per section, optimistic concurrency, revisions, translations.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

mod history;
mod text;

on_every_backend!(
    contributors_write_only_in_their_agencys_sections,
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
