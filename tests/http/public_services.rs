//! The catalogue of online public services (Điều 13): the IT centre imports the national list as
//! CSV or XLSX, whole or not at all, each bad row named; anyone searches it without diacritics;
//! an integrator reports a procedure's figures with a key scoped to its agency.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use crate::feedback::call_ok;

on_every_backend!(
    the_national_list_is_imported_whole_or_not_at_all,
    integrators_report_figures_for_their_agency_only
);

const IMPORT: &str = "/api/v1/admin/public-services/import";
const HEADINGS: &str = "Mã thủ tục,Tên thủ tục,Lĩnh vực,Mức độ,Lý do một phần,Cơ quan thực hiện,Đường dẫn,\"Phí, lệ phí\",Thời hạn giải quyết";

fn url(code: &str) -> String {
    format!("https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}")
}

fn list(rows: &[String]) -> Vec<u8> {
    format!("\u{feff}{HEADINGS}\r\n{}\r\n", rows.join("\r\n")).into_bytes()
}

fn building_permit(agency: &str) -> String {
    format!("1.004227,Cấp giấy phép xây dựng nhà ở riêng lẻ,Xây dựng,Một phần,Nộp bản vẽ giấy tại bộ phận một cửa,{agency},{},75.000 đồng,15 ngày làm việc", url("1.004227"))
}

fn certified_copy() -> String {
    format!("2.000908,Chứng thực bản sao từ bản chính,Chứng thực,Toàn trình,,so-tp,{},2.000 đồng/trang,Trong ngày", url("2.000908"))
}

pub(crate) async fn imported(app: &TestApp, operator: &str) {
    let res = app
        .upload(
            IMPORT,
            Some(operator),
            "text/csv",
            list(&[building_permit("so-xd"), certified_copy()]),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

async fn the_national_list_is_imported_whole_or_not_at_all(app: TestApp) {
    let operator = app
        .token_for("op.dvc", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let contributor = app.contributor_of("so-tp", "quang-nam").await;
    // One unknown agency refuses the whole file; nothing is written.
    let bad = app
        .upload(
            IMPORT,
            Some(&operator),
            "text/csv",
            list(&[certified_copy(), building_permit("so-khong-co")]),
        )
        .await;
    let doc = bad.problem(422);
    assert_eq!(
        (
            doc["errors"][0]["field"].clone(),
            doc["errors"][0]["code"].clone()
        ),
        (json!("rows[3].Cơ quan thực hiện"), json!("unknown_agency"))
    );
    let empty = app.get("/api/v1/public-services").await.json();
    assert_eq!(empty["items"], json!([]));
    // Rows that break a rule are all named, by spreadsheet row and column.
    let broken = format!("9.1,Tên,Lĩnh vực,Trực tuyến,,so-tp,{},0,1 ngày", url("9.1"));
    let doc = app
        .upload(
            IMPORT,
            Some(&operator),
            "text/csv",
            list(&[certified_copy(), broken, certified_copy()]),
        )
        .await
        .problem(422);
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["rows[3].Mức độ", "rows[4].Mã thủ tục"]);

    let res = app
        .upload(
            IMPORT,
            Some(&operator),
            "text/csv",
            list(&[building_permit("so-xd"), certified_copy()]),
        )
        .await;
    assert_eq!(
        res.json(),
        json!({"created": 2, "updated": 0, "unchanged": 0, "not_in_file": 0})
    );
    let again = app
        .upload(
            IMPORT,
            Some(&operator),
            "text/csv",
            list(&[building_permit("so-xd"), certified_copy()]),
        )
        .await;
    assert_eq!(
        again.json(),
        json!({"created": 0, "updated": 0, "unchanged": 2, "not_in_file": 0})
    );

    // The same list as an XLSX workbook, with a new procedure and a changed one.
    let xlsx = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let headings = [
            "Mã thủ tục",
            "Tên thủ tục",
            "Lĩnh vực",
            "Mức độ",
            "Cơ quan thực hiện",
            "Đường dẫn",
            "Phí lệ phí",
            "Thời hạn giải quyết",
        ];
        for (col, h) in (0u16..).zip(headings) {
            sheet.write_string(0, col, h).unwrap();
        }
        let rows = [
            [
                "2.000908",
                "Chứng thực bản sao từ bản chính",
                "Chứng thực",
                "Toàn trình",
                "so-tp",
                &url("2.000908"),
                "3.000 đồng/trang",
                "Trong ngày",
            ],
            [
                "1.001612",
                "Đăng ký khai sinh",
                "Hộ tịch",
                "toan trinh",
                "so-tp",
                &url("1.001612"),
                "Miễn phí",
                "Trong ngày",
            ],
        ];
        for (row, cells) in (1u32..).zip(rows) {
            for (col, cell) in (0u16..).zip(cells) {
                sheet.write_string(row, col, cell).unwrap();
            }
        }
        book.save_to_buffer().unwrap()
    };
    let res = app
        .upload(
            IMPORT,
            Some(&operator),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx,
        )
        .await;
    assert_eq!(
        res.json(),
        json!({"created": 1, "updated": 1, "unchanged": 0, "not_in_file": 1}),
    );

    // Searched without diacritics, filtered by level and agency.
    let found = search(&app, "q=cap%20giay%20phep%20xay%20dung")
        .await
        .json();
    let codes = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&found), ["1.004227"]);
    assert_eq!(found["items"][0]["level"], "partial");
    assert_eq!(
        found["items"][0]["partial_reason"],
        "Nộp bản vẽ giấy tại bộ phận một cửa"
    );
    assert_eq!(
        codes(&search(&app, "q=HO%20TICH").await.json()),
        ["1.001612"]
    );
    assert_eq!(
        codes(&search(&app, "level=full&agency=so-tp").await.json()),
        ["1.001612", "2.000908"]
    );
    assert_eq!(
        codes(&search(&app, "q=100%25").await.json()),
        Vec::<String>::new()
    );
    search(&app, "level=tr%E1%BB%B1c").await.problem(400);
    let one = app.get("/api/v1/public-services/2.000908").await.json();
    assert_eq!(
        (one["fees"].clone(), one["agency"].clone()),
        (json!("3.000 đồng/trang"), json!("so-tp"))
    );
    app.get("/api/v1/public-services/0.0").await.problem(404);

    // Who may import, and what is read.
    app.upload(IMPORT, None, "text/csv", list(&[certified_copy()]))
        .await
        .problem(401);
    app.upload(
        IMPORT,
        Some(&contributor),
        "text/csv",
        list(&[certified_copy()]),
    )
    .await
    .problem(403);
    app.upload(
        IMPORT,
        Some(&operator),
        "text/plain",
        list(&[certified_copy()]),
    )
    .await
    .problem(415);
    app.upload(
        IMPORT,
        Some(&operator),
        "text/csv",
        vec![b'a'; 8 * 1024 * 1024 + 1],
    )
    .await
    .problem(413);
    app.upload(
        IMPORT,
        Some(&operator),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK not a workbook".to_vec(),
    )
    .await
    .problem(422);
}

async fn search(app: &TestApp, query: &str) -> portal_testkit::TestResponse {
    app.get(&format!("/api/v1/public-services?{query}")).await
}

async fn integrators_report_figures_for_their_agency_only(app: TestApp) {
    let operator = app
        .token_for("op.dvc2", "ttcntt", &[("quang-nam", "operator")])
        .await;
    imported(&app, &operator).await;
    let key = call_ok(&app, "POST", "/api/v1/admin/api-keys", &operator, Some(&json!({"name": "Hệ thống một cửa Sở Xây dựng", "scopes": ["services:write:agency:so-xd"]}))).await;
    let secret = key["secret"].as_str().unwrap().to_string();
    let figures = json!({"period": "2026-11", "received": 120, "on_time": 110, "late": 6});
    let path = |code: &str| format!("/api/v1/admin/public-services/{code}/figures");
    let reported = call_ok(&app, "PUT", &path("1.004227"), &secret, Some(&figures)).await;
    assert_eq!(reported["figures"]["received"], 120);
    let public = app.get("/api/v1/public-services/1.004227").await.json();
    assert_eq!(
        (
            public["figures"]["on_time"].clone(),
            public["figures"]["period"].clone()
        ),
        (json!(110), json!("2026-11"))
    );
    // Another agency's procedure: 403; anonymous: 401; figures that do not add up: 422.
    app.call("PUT", &path("2.000908"), Some(&secret), Some(&figures))
        .await
        .problem(403);
    app.call("PUT", &path("1.004227"), None, Some(&figures))
        .await
        .problem(401);
    let off = json!({"period": "2026-11", "received": 10, "on_time": 8, "late": 3});
    assert_eq!(
        app.call("PUT", &path("1.004227"), Some(&secret), Some(&off))
            .await
            .problem(422)["errors"][0]["field"],
        "on_time"
    );
    let month = json!({"period": "2026-13", "received": 1, "on_time": 1, "late": 0});
    assert_eq!(
        app.call("PUT", &path("1.004227"), Some(&secret), Some(&month))
            .await
            .problem(422)["errors"][0]["field"],
        "period"
    );
    // A contributor holds no services scope at all.
    let contributor = app.contributor_of("so-xd", "quang-nam").await;
    app.call("PUT", &path("1.004227"), Some(&contributor), Some(&figures))
        .await
        .problem(403);
}
