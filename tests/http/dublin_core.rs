//! Dublin Core metadata per item (Thông tư 32/2017, 22/2023): the required elements always
//! filled, the same values as meta tags, nothing of a draft.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

on_every_backend!(every_published_item_carries_dublin_core);

async fn every_published_item_carries_dublin_core(app: TestApp) {
    let id = app
        .item_in("quang-nam", "tin-tuc-su-kien")
        .title("Quảng Nam khởi công cầu Cửa Đại")
        .body("<p>Sáng nay, tỉnh Quảng Nam khởi công xây dựng cầu Cửa Đại nối Hội An với Duy Xuyên.</p>")
        .tags(&["giao thông", "Hội An"])
        .published();
    let res = app.get(&format!("/api/v1/content/{id}/dublin-core")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let dc = res.json();
    let e = &dc["elements"];
    assert_eq!(e["title"], json!(["Quảng Nam khởi công cầu Cửa Đại"]));
    assert_eq!(e["creator"], json!(["Phóng viên"]));
    assert_eq!(
        e["description"],
        json!([
            "Sáng nay, tỉnh Quảng Nam khởi công xây dựng cầu Cửa Đại nối Hội An với Duy Xuyên."
        ])
    );
    assert_eq!(e["subject"][1], "giao thông");
    assert_eq!(e["type"], json!(["Text"]));
    assert_eq!(e["language"], json!(["vi"]));
    assert_eq!(e["source"], json!(["Cổng TTĐT"]));
    for required in [
        "title",
        "creator",
        "date",
        "description",
        "publisher",
        "identifier",
    ] {
        assert_eq!(
            e[required].as_array().map(Vec::len),
            Some(1),
            "{required}: {dc}"
        );
    }
    assert!(
        e["identifier"][0].as_str().unwrap().starts_with("http"),
        "{dc}"
    );
    assert!(e["date"][0].as_str().unwrap().ends_with('Z'));
    let meta = dc["meta"].as_array().unwrap();
    assert_eq!(
        meta[0],
        json!({"name": "DC.title", "content": "Quảng Nam khởi công cầu Cửa Đại"})
    );
    assert!(meta
        .iter()
        .any(|m| m["name"] == "DC.publisher" && m["content"] == e["publisher"][0]));
    // A draft has none.
    let draft = app
        .item_in("quang-nam", "tin-tuc-su-kien")
        .title("Bản nháp")
        .draft();
    app.get(&format!("/api/v1/content/{draft}/dublin-core"))
        .await
        .problem(404);
}
