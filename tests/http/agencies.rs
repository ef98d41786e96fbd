//! Agencies as the regulation names them (Điều 7.2, 14–21) and the 18 district-level units of 2021.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    every_agency_of_the_regulation_is_listed_across_pages,
    agencies_filter_by_kind_parent_and_active,
    shows_one_agency_with_its_parent,
    unknown_agency_and_bad_filters_are_problems,
);

async fn all_codes(app: &TestApp, query: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let mut path = format!("/api/v1/agencies?limit=7{query}");
    loop {
        let res = app.get(&path).await;
        assert_eq!(res.status, 200, "{}", res.text());
        let body = res.json();
        codes.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["code"].as_str().unwrap().to_string()),
        );
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/agencies?limit=7{query}&cursor={cursor}"),
            None => return codes,
        }
    }
}

async fn every_agency_of_the_regulation_is_listed_across_pages(app: TestApp) {
    let codes = all_codes(&app, "").await;
    assert_eq!(codes.len(), 33);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "ordered by code");
    for code in [
        "ubnd-tinh",
        "vp-ubnd",
        "so-tnmt",
        "so-tp",
        "so-khdt",
        "so-tc",
        "so-xd",
        "so-khcn",
        "so-vhttdl",
        "bql-kktkcn",
        "cuc-thue",
        "cuc-thong-ke",
        "kbnn",
        "so-tttt",
        "ttcntt",
        "tp-tam-ky",
        "h-nam-giang",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} is seeded");
    }
}

async fn agencies_filter_by_kind_parent_and_active(app: TestApp) {
    let mut district_level = all_codes(&app, "&kind=district").await;
    district_level.extend(all_codes(&app, "&kind=city").await);
    district_level.extend(all_codes(&app, "&kind=town").await);
    assert_eq!(district_level.len(), 18, "18 district-level units in 2021");
    assert_eq!(
        all_codes(&app, "&kind=city").await,
        ["tp-hoi-an", "tp-tam-ky"]
    );
    assert_eq!(all_codes(&app, "&parent=so-tttt").await, ["ttcntt"]);
    assert_eq!(all_codes(&app, "&active=false").await, Vec::<String>::new());
    assert_eq!(all_codes(&app, "&active=true").await.len(), 33);
}

async fn shows_one_agency_with_its_parent(app: TestApp) {
    let res = app.get("/api/v1/agencies/so-tp?lang=en").await;
    assert_eq!(res.status, 200);
    let mut body = res.json();
    let object = body.as_object_mut().unwrap();
    assert!(object.remove("created_at").unwrap().is_string());
    assert!(object.remove("updated_at").unwrap().is_string());
    assert_eq!(
        body,
        json!({
            "code": "so-tp",
            "name": "Department of Justice",
            "names": {"vi": "Sở Tư pháp", "en": "Department of Justice"},
            "kind": "department",
            "parent": "ubnd-tinh",
            "active": true,
        })
    );
    let top = app.get("/api/v1/agencies/ubnd-tinh").await.json();
    assert_eq!(top["parent"], Value::Null);
    assert_eq!(top["name"], "Ủy ban nhân dân tỉnh Quảng Nam");
}

async fn unknown_agency_and_bad_filters_are_problems(app: TestApp) {
    app.get("/api/v1/agencies/so-khong-co").await.problem(404);
    let kind = app.get("/api/v1/agencies?kind=ministry").await.problem(400);
    assert_eq!(kind["errors"][0]["field"], "kind");
    let active = app.get("/api/v1/agencies?active=maybe").await.problem(400);
    assert!(
        active["detail"].as_str().unwrap().contains("query"),
        "{active}"
    );
    app.get("/api/v1/agencies?parent=nobody").await.problem(404);
}
