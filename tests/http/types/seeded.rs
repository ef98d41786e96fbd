//! The content types every installation starts with (Điều 7.2), and the document search of
//! NĐ 42/2022 over the seeded legal documents: by their fields and by full text.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{chief, operator, typed_draft};
use crate::feedback::call_ok;

on_every_backend!(
    the_types_of_article_7_2_are_seeded_once_and_left_to_the_operator,
    legal_documents_are_searched_by_their_fields_and_their_text
);

const SEEDED: [&str; 11] = [
    "cong-bao",
    "cong-khai-ngan-sach",
    "doanh-nghiep",
    "du-an-dau-tu",
    "giai-ngan-dau-tu-cong",
    "lanh-dao",
    "lich-cong-tac",
    "lich-tiep-cong-dan",
    "nhiem-vu-khcn",
    "so-lieu-thong-ke",
    "van-ban-phap-luat",
];

async fn seeded_keys(app: &TestApp) -> Vec<String> {
    let listed = app.get("/api/v1/types?limit=100").await.json();
    listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| {
            let basis = t["legal_basis"].as_str().unwrap_or_default();
            assert!(
                basis.contains("Điều 7.2."),
                "{} names its article: {basis}",
                t["key"]
            );
            t["key"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

async fn the_types_of_article_7_2_are_seeded_once_and_left_to_the_operator(app: TestApp) {
    assert_eq!(seeded_keys(&app).await, SEEDED);
    let leaders = app.get("/api/v1/types/lanh-dao").await.json();
    assert_eq!(leaders["name"], "Lãnh đạo");
    assert_eq!(leaders["fields"][0]["label_en"], "Name");
    // The operator changes one; a restart seeds nothing again and keeps the change.
    let op = operator(&app).await;
    let mut changed = leaders.clone();
    let obj = changed.as_object_mut().expect("object");
    for k in [
        "key",
        "version",
        "current_version",
        "note",
        "data_schema",
        "version_created_at",
        "created_at",
        "updated_at",
    ] {
        obj.remove(k);
    }
    obj.insert("name".into(), json!("Lãnh đạo tỉnh"));
    call_ok(
        &app,
        "POST",
        "/api/v1/admin/types/lanh-dao/versions",
        &op,
        Some(&changed),
    )
    .await;
    let app = app.restart().await;
    assert_eq!(seeded_keys(&app).await, SEEDED);
    let after = app.get("/api/v1/types/lanh-dao").await.json();
    assert_eq!(
        (after["name"].clone(), after["version"].clone()),
        (json!("Lãnh đạo tỉnh"), json!(2))
    );
    let op = operator(&app).await;
    let audit = call_ok(
        &app,
        "GET",
        "/api/v1/admin/audit?action=types.create&limit=100",
        &op,
        None,
    )
    .await;
    assert_eq!(
        audit["items"].as_array().map(Vec::len),
        Some(11),
        "each seeded once"
    );
}

fn legal_document(number: &str, kind: &str, status: &str, abstract_: &str) -> Value {
    json!({
        "loai": kind, "so_ky_hieu": number, "co_quan_ban_hanh": "UBND tỉnh Quảng Nam",
        "nguoi_ky": "Lê Trí Thanh", "ngay_ban_hanh": "2026-03-05", "tinh_trang": status,
        "linh_vuc": ["Hành chính"], "trich_yeu": abstract_,
        "tep": ["https://quangnam.gov.vn/van-ban/tep.pdf"]
    })
}

async fn titles(app: &TestApp, query: &str) -> Vec<String> {
    let res = app
        .get(&format!(
            "/api/v1/types/van-ban-phap-luat/items?site=quang-nam{query}"
        ))
        .await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    res.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn legal_documents_are_searched_by_their_fields_and_their_text(app: TestApp) {
    let chief = chief(&app).await;
    for (title, data) in [
        ("Quyết định 1", legal_document("1/QĐ-UBND", "quyet-dinh", "con-hieu-luc", "Ban hành Quy chế tổ chức và hoạt động của Cổng thông tin điện tử tỉnh")),
        ("Quyết định 2", legal_document("2/QĐ-UBND", "quyet-dinh", "het-hieu-luc", "Ban hành Quy chế tổ chức và hoạt động của Cổng thông tin điện tử tỉnh (đã thay thế)")),
        ("Chỉ thị 3", legal_document("3/CT-UBND", "chi-thi", "con-hieu-luc", "Tăng cường công tác phòng, chống thiên tai mùa mưa bão")),
    ] {
        let id = typed_draft(&app, &chief, "van-ban-phap-luat", title, data).await;
        app.advance(id, &["submit", "claim", "forward", "approve"]);
    }
    // The text of the data is searched without diacritics, with its fields.
    assert_eq!(
        titles(&app, "&q=quy%20che%20to%20chuc").await,
        ["Quyết định 2", "Quyết định 1"]
    );
    assert_eq!(
        titles(
            &app,
            "&q=quy%20che%20to%20chuc&filter%5Btinh_trang%5D=con-hieu-luc"
        )
        .await,
        ["Quyết định 1"]
    );
    assert_eq!(titles(&app, "&q=thien%20tai").await, ["Chỉ thị 3"]);
    assert_eq!(
        titles(&app, "&q=3%2FCT-UBND").await,
        ["Chỉ thị 3"],
        "by its number in the text"
    );
    assert_eq!(
        titles(
            &app,
            "&filter%5Bnguoi_ky%5D=le%20tri%20thanh&filter%5Bloai%5D=chi-thi"
        )
        .await,
        ["Chỉ thị 3"]
    );
    assert_eq!(
        titles(&app, "&q=quangnam.gov.vn").await,
        Vec::<String>::new(),
        "file addresses are not text"
    );
    // The general search finds them too.
    let found = app
        .get("/api/v1/search?q=phong%20chong%20thien%20tai&site=quang-nam")
        .await
        .json();
    assert_eq!(found["items"][0]["title"], "Chỉ thị 3", "{found}");
    for (query, parameter) in [
        ("&q=", "q"),
        ("&q=%2B%2B%2B", "q"),
        ("&q=a%20b%20c%20d%20e%20f%20g%20h%20i", "q"),
    ] {
        let doc = app
            .get(&format!(
                "/api/v1/types/van-ban-phap-luat/items?site=quang-nam{query}"
            ))
            .await
            .problem(400);
        assert_eq!(doc["errors"][0]["field"], parameter, "{query}");
    }
}
