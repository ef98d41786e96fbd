//! Open data: a site's content types with published items are datasets of a DCAT catalogue,
//! each exported whole as CSV or JSON, streamed a page at a time.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{chief, typed_draft};

on_every_backend!(published_types_are_open_data_in_a_catalogue_and_in_files);

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

async fn published_types_are_open_data_in_a_catalogue_and_in_files(app: TestApp) {
    let chief = chief(&app).await;
    let mut ids = Vec::new();
    for (title, number) in [
        ("=1+1 Quyết định", "1/QĐ-UBND"),
        ("Quyết định, số 2", "2/QĐ-UBND"),
    ] {
        let data = json!({"loai": "quyet-dinh", "so_ky_hieu": number, "co_quan_ban_hanh": "UBND tỉnh Quảng Nam",
            "ngay_ban_hanh": "2026-03-05", "trich_yeu": "Về việc ban hành quy chế", "linh_vuc": ["Đất đai", "Xây dựng"]});
        let id = typed_draft(&app, &chief, "van-ban-phap-luat", title, data).await;
        app.advance(id, &["submit", "claim", "forward", "approve"]);
        ids.push(id);
    }
    // A draft is not open data.
    typed_draft(
        &app,
        &chief,
        "van-ban-phap-luat",
        "Nháp",
        json!({"loai": "chi-thi", "so_ky_hieu": "3/CT",
        "co_quan_ban_hanh": "UBND tỉnh", "ngay_ban_hanh": "2026-03-06", "trich_yeu": "Nháp"}),
    )
    .await;
    // 230 more of another type, across the export's pages of 100.
    let mut conn = app.conn();
    portal_content::demo::generate_typed(
        &mut conn,
        230,
        7,
        portal_moderation::workflow::announce_published,
    )
    .expect("demo items");
    drop(conn);
    let catalog = app
        .get("/api/v1/open-data/catalog?site=quang-nam")
        .await
        .json();
    assert_eq!(catalog["@type"], "dcat:Catalog");
    let datasets: Vec<(String, i64)> = catalog["dcat:dataset"]
        .as_array()
        .expect("datasets")
        .iter()
        .map(|d| {
            (
                d["dct:identifier"].as_str().unwrap_or_default().to_string(),
                d["portal:items"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        datasets,
        [
            ("demo-van-ban".to_string(), 230),
            ("van-ban-phap-luat".to_string(), 2)
        ],
        "types without items are not datasets"
    );
    let documents = &catalog["dcat:dataset"][1];
    assert_eq!(
        documents["dct:source"],
        "Điều 7.2.a, 7.2.c; NĐ 42/2022, Điều 10 (NĐ 43/2011, Điều 10.1.e)"
    );
    assert_eq!(
        documents["dcat:distribution"][0]["dcat:downloadURL"]["@id"],
        "/api/v1/open-data/van-ban-phap-luat.csv?site=quang-nam"
    );
    assert_eq!(
        app.get("/api/v1/open-data/catalog?site=hoi-an")
            .await
            .json()["dcat:dataset"],
        json!([])
    );
    assert_eq!(
        app.get("/api/v1/open-data/catalog?site=khong-co")
            .await
            .status,
        404
    );
    // CSV: the item's columns, then the fields by name; formulas quoted; lists joined.
    let res = app
        .get("/api/v1/open-data/van-ban-phap-luat.csv?site=quang-nam")
        .await;
    assert_eq!(res.status, 200);
    assert!(res
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/csv"));
    assert!(res
        .header("content-disposition")
        .unwrap_or_default()
        .contains("van-ban-phap-luat-quang-nam.csv"));
    let mut reader = csv::Reader::from_reader(
        std::str::from_utf8(&res.body)
            .expect("utf-8")
            .trim_start_matches('\u{feff}')
            .as_bytes(),
    );
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        &header[..7],
        [
            "id",
            "slug",
            "title",
            "summary",
            "published_at",
            "updated_at",
            "loai"
        ]
    );
    let rows = csv_rows(&res.body);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0][0].clone(), rows[0][2].clone()),
        (ids[0].to_string(), "'=1+1 Quyết định".to_string())
    );
    assert_eq!(rows[1][2], "Quyết định, số 2");
    let fields = header
        .iter()
        .position(|h| h == "linh_vuc")
        .expect("linh_vuc");
    assert_eq!(rows[0][fields], "Đất đai; Xây dựng");
    // Across pages: every item once, oldest first.
    let big = app
        .get("/api/v1/open-data/demo-van-ban.csv?site=quang-nam")
        .await;
    let rows = csv_rows(&big.body);
    assert_eq!(rows.len(), 230);
    let mut seen: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(rows.windows(2).all(|w| w[0][4] <= w[1][4]), "oldest first");
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 230);
    // JSON: the same items, as the typed list shapes them.
    let doc: Value = app
        .get("/api/v1/open-data/demo-van-ban.json?site=quang-nam")
        .await
        .json();
    assert_eq!(
        (doc["type"].clone(), doc["site"].clone()),
        (json!("demo-van-ban"), json!("quang-nam"))
    );
    assert_eq!(doc["items"].as_array().map(Vec::len), Some(230));
    assert!(doc["items"][0]["data"]["loai"].is_string());
    let small: Value = app
        .get("/api/v1/open-data/van-ban-phap-luat.json?site=quang-nam")
        .await
        .json();
    assert_eq!(small["items"][1]["data"]["so_ky_hieu"], "2/QĐ-UBND");
    assert_eq!(
        app.get("/api/v1/open-data/khong-co.csv?site=quang-nam")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/api/v1/open-data/demo-van-ban.json?site=khong-co")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/api/v1/open-data/demo-van-ban.json").await.status,
        400
    );
}
