//! Readers filter and sort a type's published items by its indexed fields; every filter is
//! checked against the type, and a bad one is a 400 naming it.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{chief, defined, document, legal_documents, typed_draft};

on_every_backend!(
    typed_filters_and_sorts_answer_from_the_published_copy,
    bad_filters_are_named
);

const LIST: &str = "/api/v1/types/van-ban/items?site=quang-nam";

async fn titles(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("{LIST}{query}")).await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    res.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Six published documents, published in this order (so newest first is the reverse).
async fn published_documents(app: &TestApp) -> Vec<i64> {
    defined(app, &legal_documents()).await;
    let chief = chief(app).await;
    // Number, kind, issue date, funds, in force, fields.
    type Row<'a> = (&'a str, &'a str, &'a str, i64, bool, &'a [&'a str]);
    let rows: [Row<'_>; 6] = [
        (
            "1/QĐ-UBND",
            "quyet-dinh",
            "2026-01-10",
            5_000_000,
            true,
            &["Đất đai"],
        ),
        (
            "2/CT-UBND",
            "chi-thi",
            "2026-02-01",
            0,
            true,
            &["Hành chính"],
        ),
        (
            "3/KH-UBND",
            "ke-hoach",
            "2026-02-20",
            120_000_000,
            false,
            &["Đất đai", "Xây dựng"],
        ),
        (
            "4/QĐ-UBND",
            "quyet-dinh",
            "2026-03-05",
            1_000_000,
            false,
            &[],
        ),
        (
            "5/QĐ-UBND",
            "quyet-dinh",
            "2026-03-31",
            2_500_000,
            true,
            &["Hành chính"],
        ),
        (
            "6/CT-UBND",
            "chi-thi",
            "2026-04-15",
            90_000_000,
            true,
            &["Y tế"],
        ),
    ];
    let mut ids = Vec::new();
    for (number, kind, date, money, in_force, fields) in rows {
        let mut data = document(number, kind, date);
        data["kinh_phi"] = json!(money);
        data["con_hieu_luc"] = json!(in_force);
        if !fields.is_empty() {
            data["linh_vuc"] = json!(fields);
        }
        let id = typed_draft(app, &chief, "van-ban", number, data).await;
        app.advance(id, &["submit", "claim", "forward", "approve"]);
        ids.push(id);
    }
    ids
}

async fn typed_filters_and_sorts_answer_from_the_published_copy(app: TestApp) {
    let ids = published_documents(&app).await;
    // A draft of the type is not listed.
    let chief = chief(&app).await;
    typed_draft(
        &app,
        &chief,
        "van-ban",
        "7/QĐ-UBND",
        document("7/QĐ-UBND", "quyet-dinh", "2026-05-01"),
    )
    .await;
    let all = [
        "6/CT-UBND",
        "5/QĐ-UBND",
        "4/QĐ-UBND",
        "3/KH-UBND",
        "2/CT-UBND",
        "1/QĐ-UBND",
    ];
    assert_eq!(titles(&app, "").await, all);
    let page = app.get(LIST).await.json();
    assert_eq!(
        (page["type"].clone(), page["version"].clone()),
        (json!("van-ban"), json!(1))
    );
    assert_eq!(page["items"][0]["data"]["so_ky_hieu"], "6/CT-UBND");
    assert_eq!(page["items"][0].get("body"), None, "lists carry no body");
    assert_eq!(
        titles(&app, "&filter[loai]=quyet-dinh").await,
        ["5/QĐ-UBND", "4/QĐ-UBND", "1/QĐ-UBND"]
    );
    assert_eq!(
        titles(&app, "&filter[loai][in]=chi-thi,ke-hoach").await,
        ["6/CT-UBND", "3/KH-UBND", "2/CT-UBND"]
    );
    assert_eq!(
        titles(
            &app,
            "&filter[ngay_ban_hanh][gte]=2026-02-01&filter[ngay_ban_hanh][lte]=2026-03-31"
        )
        .await,
        ["5/QĐ-UBND", "4/QĐ-UBND", "3/KH-UBND", "2/CT-UBND"]
    );
    assert_eq!(
        titles(&app, "&filter[kinh_phi][gte]=5000000").await,
        ["6/CT-UBND", "3/KH-UBND", "1/QĐ-UBND"]
    );
    assert_eq!(
        titles(&app, "&filter[con_hieu_luc]=false").await,
        ["4/QĐ-UBND", "3/KH-UBND"]
    );
    // Text compares without diacritics or case; a list field matches any of its values.
    assert_eq!(
        titles(
            &app,
            "&filter[co_quan]=ubnd%20tinh%20quang%20nam&filter[loai]=ke-hoach"
        )
        .await,
        ["3/KH-UBND"]
    );
    assert_eq!(
        titles(&app, "&filter[linh_vuc]=dat%20dai").await,
        ["3/KH-UBND", "1/QĐ-UBND"]
    );
    // Several filters together.
    assert_eq!(
        titles(
            &app,
            "&filter[loai]=quyet-dinh&filter[con_hieu_luc]=true&filter[kinh_phi][lte]=3000000"
        )
        .await,
        ["5/QĐ-UBND"]
    );
    // Sorted by a field, each way; the cursor walks every page once.
    assert_eq!(
        titles(&app, "&sort=ngay_ban_hanh").await,
        [
            "1/QĐ-UBND",
            "2/CT-UBND",
            "3/KH-UBND",
            "4/QĐ-UBND",
            "5/QĐ-UBND",
            "6/CT-UBND"
        ]
    );
    assert_eq!(
        titles(&app, "&sort=-kinh_phi&filter[loai]=quyet-dinh").await,
        ["1/QĐ-UBND", "5/QĐ-UBND", "4/QĐ-UBND"]
    );
    assert_eq!(
        titles(&app, "&sort=published_at").await,
        all.iter().rev().cloned().collect::<Vec<_>>()
    );
    for query in [
        "&sort=-kinh_phi",
        "",
        "&filter[con_hieu_luc]=true",
        "&sort=so_ky_hieu",
    ] {
        let mut seen: Vec<String> = Vec::new();
        let mut next = format!("{LIST}{query}&limit=2");
        loop {
            let page: Value = app.get(&next).await.json();
            seen.extend(
                page["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|i| i["title"].as_str().unwrap_or_default().to_string()),
            );
            match page["next_cursor"].as_str() {
                Some(c) => next = format!("{LIST}{query}&limit=2&cursor={c}"),
                None => break,
            }
        }
        let whole = titles(&app, query).await;
        assert_eq!(seen, whole, "{query}");
    }
    // Another site has none; an item taken down leaves the lists.
    assert_eq!(
        app.get("/api/v1/types/van-ban/items?site=hoi-an")
            .await
            .json()["items"],
        json!([])
    );
    app.advance(ids[3], &["unpublish"]);
    assert_eq!(
        titles(&app, "&filter[loai]=quyet-dinh").await,
        ["5/QĐ-UBND", "1/QĐ-UBND"]
    );
}

async fn bad_filters_are_named(app: TestApp) {
    published_documents(&app).await;
    for (query, parameter) in [
        ("&filter[trich_yeu]=a", "filter[trich_yeu]"),
        ("&filter[khong_co]=a", "filter[khong_co]"),
        ("&filter[loai]=nghi-quyet", "filter[loai]"),
        ("&filter[loai][gte]=chi-thi", "filter[loai][gte]"),
        ("&filter[ngay_ban_hanh]=05/03/2026", "filter[ngay_ban_hanh]"),
        (
            "&filter[kinh_phi][lte]=nhi%E1%BB%81u",
            "filter[kinh_phi][lte]",
        ),
        ("&filter[linh_vuc][in]=a,b", "filter[linh_vuc][in]"),
        // A value the field itself would refuse: below money's 0, longer than its max.
        ("&filter[kinh_phi]=-1", "filter[kinh_phi]"),
        (
            "&filter[so_ky_hieu]=123456789012345678901234567890123456789012345678901",
            "filter[so_ky_hieu]",
        ),
        ("&filter[loai][between]=a", "filter[loai][between]"),
        ("&sort=trich_yeu", "sort"),
        ("&sort=linh_vuc", "sort"),
        ("&mau=do", "mau"),
        ("&limit=0", "limit"),
        ("&limit=1&limit=2", "limit"),
        ("&cursor=abc", "cursor"),
    ] {
        let doc = app.get(&format!("{LIST}{query}")).await.problem(400);
        assert_eq!(doc["errors"][0]["field"], parameter, "{query}: {doc}");
    }
    let doc = app.get("/api/v1/types/van-ban/items").await.problem(400);
    assert_eq!(doc["errors"][0]["field"], "site");
    assert_eq!(
        app.get("/api/v1/types/van-ban/items?site=khong-co")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/api/v1/types/khong-co/items?site=quang-nam")
            .await
            .status,
        404
    );
}
