//! Dated rule packs and the compliance report (Điều 8.1, 25.2): over a fixture with known gaps,
//! each agency's mandatory categories come out present, missing or stale, each item's time from
//! its event to publication is counted in working days (a day off announced in between counts
//! as none) against the limit of the pack in force on the event's day, and the packs are data
//! the operator edits.

use chrono::{Datelike, Duration, NaiveDate};
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use crate::feedback::call_ok;
use crate::types::{chief, operator};

on_every_backend!(
    the_report_names_gaps_late_items_and_the_pack_that_applied,
    rule_packs_are_dated_data_the_operator_edits
);

async fn typed_in(
    app: &TestApp,
    token: &str,
    section: &str,
    key: &str,
    title: &str,
    data: Value,
) -> i64 {
    let section = app.section_id("quang-nam", section).await;
    let body = json!({"section_id": section, "kind": "page", "title": title, "type": key, "data": data,
        "author": "Văn phòng", "source": "Cổng TTĐT tỉnh Quảng Nam"});
    let id = call_ok(app, "POST", "/api/v1/admin/content", token, Some(&body)).await["id"]
        .as_i64()
        .expect("an id");
    app.advance(id, &["submit", "claim", "forward", "approve"]);
    id
}

fn document(number: &str, issued: NaiveDate) -> Value {
    json!({"loai": "quyet-dinh", "so_ky_hieu": number, "co_quan_ban_hanh": "UBND tỉnh Quảng Nam",
        "ngay_ban_hanh": issued.to_string(), "trich_yeu": format!("Quyết định {number}")})
}

/// The latest day from which exactly `n` working days pass until `today`.
fn working_days_before(app: &TestApp, today: NaiveDate, n: u32) -> NaiveDate {
    let mut conn = app.conn();
    let calendar =
        portal_feedback::workdays::working_calendar(&mut conn, today.year() - 1..=today.year() + 1)
            .expect("the calendar");
    let mut day = today;
    loop {
        day -= Duration::days(1);
        if calendar.working_days_between(day, today) == n {
            return day;
        }
    }
}

fn agency<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["agencies"]
        .as_array()
        .expect("agencies")
        .iter()
        .find(|a| a["agency"] == code)
        .unwrap_or_else(|| panic!("{code} in {report}"))
}

fn category<'a>(a: &'a Value, code: &str) -> &'a Value {
    a["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {a}"))
}

async fn the_report_names_gaps_late_items_and_the_pack_that_applied(app: TestApp) {
    let op = operator(&app).await;
    let chief = chief(&app).await;
    let today = portal_feedback::workdays::today_in_vietnam();
    let on_time_day = working_days_before(&app, today, 2);
    let late_day = working_days_before(&app, today, 3);
    let june = NaiveDate::from_ymd_opt(2026, 6, 29).expect("a date");
    let section = "van-ban-quy-pham-phap-luat";
    typed_in(
        &app,
        &chief,
        section,
        "van-ban-phap-luat",
        "Đúng hạn",
        document("1/QĐ-UBND", on_time_day),
    )
    .await;
    let late = typed_in(
        &app,
        &chief,
        section,
        "van-ban-phap-luat",
        "Trễ hạn",
        document("2/QĐ-UBND", late_day),
    )
    .await;
    let old = typed_in(
        &app,
        &chief,
        section,
        "van-ban-phap-luat",
        "Ban hành tháng Sáu",
        document("3/QĐ-UBND", june),
    )
    .await;
    // Văn phòng UBND: its leaders, and a schedule that is old by the period's end.
    typed_in(
        &app,
        &chief,
        "lanh-dao-tinh",
        "lanh-dao",
        "Chủ tịch UBND tỉnh",
        json!({"ho_ten": "Lê Văn Dũng", "chuc_vu": "Chủ tịch UBND tỉnh"}),
    )
    .await;
    typed_in(
        &app,
        &chief,
        "lich-lam-viec-cua-lanh-dao",
        "lich-cong-tac",
        "Lịch tuần",
        json!({"ngay": today.to_string(), "gio": "08:00", "noi_dung": "<p>Họp UBND tỉnh</p>"}),
    )
    .await;
    // Dissemination is a section of Sở Tư pháp, not a type: its items of any kind count.
    app.item_in("quang-nam", "pho-bien-giao-duc-phap-luat")
        .title("Tuyên truyền Luật Đất đai 2024")
        .published();
    let from = today - Duration::days(30);
    let to = today + Duration::days(30);
    let url =
        |extra: &str| format!("/api/v1/admin/compliance?site=quang-nam&from={from}&to={to}{extra}");
    let report = call_ok(&app, "GET", &url(""), &op, None).await;
    assert_eq!(
        report["pack"], "nd-224-2026",
        "the pack in force at the period's end"
    );
    let so_tp = agency(&report, "so-tp");
    let documents = category(so_tp, "van-ban");
    assert_eq!(documents["status"], "present");
    assert_eq!(
        (
            documents["items"].clone(),
            documents["on_time"].clone(),
            documents["late"].clone()
        ),
        (json!(3), json!(1), json!(2))
    );
    let late_items = documents["late_items"].as_array().expect("late items");
    let by_id = |id: i64| {
        late_items
            .iter()
            .find(|l| l["item_id"] == id)
            .unwrap_or_else(|| panic!("{id} late"))
    };
    assert_eq!(
        (
            by_id(late)["working_days"].clone(),
            by_id(late)["limit_days"].clone(),
            by_id(late)["pack"].clone()
        ),
        (json!(3), json!(2), json!("nd-224-2026"))
    );
    assert_eq!(
        by_id(old)["pack"],
        "nd-42-2022",
        "an item keeps the rule of its event's day"
    );
    let dissemination = category(so_tp, "pho-bien");
    assert_eq!(
        (
            dissemination["status"].clone(),
            dissemination["items"].clone(),
            dissemination["undated"].clone()
        ),
        (json!("present"), json!(1), json!(1))
    );
    assert_eq!(dissemination["section_slug"], "pho-bien-giao-duc-phap-luat");
    assert_eq!(so_tp["score"], 50, "dissemination met, documents late");
    assert_eq!(
        so_tp["by_kind"]["page"], 3,
        "Điều 25.2: what its sections published"
    );
    let vp = agency(&report, "vp-ubnd");
    assert_eq!(category(vp, "lanh-dao")["status"], "present");
    assert_eq!(
        category(vp, "lich-cong-tac")["status"],
        "stale",
        "nothing new within 7 days of the period's end"
    );
    assert_eq!(category(vp, "tiep-cong-dan")["status"], "missing");
    assert_eq!(vp["score"], 33);
    assert_eq!(
        category(agency(&report, "cuc-thong-ke"), "thong-ke")["status"],
        "missing"
    );
    let scores: Vec<u64> = report["agencies"]
        .as_array()
        .expect("agencies")
        .iter()
        .filter_map(|a| a["score"].as_u64())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] <= w[1]),
        "lowest score first: {scores:?}"
    );
    // A day off announced between the event and the publication: the late item is on time.
    let mut day_off = late_day + Duration::days(1);
    while day_off.weekday().number_from_monday() > 5 {
        day_off += Duration::days(1);
    }
    call_ok(
        &app,
        "PUT",
        &format!("/api/v1/admin/calendar/{day_off}"),
        &op,
        Some(&json!({"working": false, "reason": "Nghỉ bù theo thông báo của tỉnh"})),
    )
    .await;
    let report = call_ok(&app, "GET", &url("&agency=so-tp"), &op, None).await;
    assert_eq!(report["agencies"].as_array().map(Vec::len), Some(1));
    let documents = category(agency(&report, "so-tp"), "van-ban");
    assert_eq!(
        (documents["on_time"].clone(), documents["late"].clone()),
        (json!(2), json!(1)),
        "{documents}"
    );
    // The exports: CSV a row per agency and category, XLSX as an administrative report.
    let csv = app.call("GET", &url("&format=csv"), Some(&op), None).await;
    assert_eq!(csv.status, 200);
    let text = String::from_utf8(csv.body.clone()).expect("UTF-8");
    assert!(
        text.starts_with("\u{feff}agency,agency_name,score,category"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("so-tp,")
            && l.contains(",van-ban,")
            && l.contains(",present,3,2,1,")),
        "{text}"
    );
    let xlsx = app.call("GET", &url("&format=xlsx"), Some(&op), None).await;
    assert_eq!(xlsx.status, 200);
    let sheet = crate::xlsx_sheet(&xlsx.body, "Tuân thủ");
    assert_eq!(
        sheet.get_value((1, 0)).map(ToString::to_string),
        Some("BÁO CÁO TÌNH HÌNH CUNG CẤP THÔNG TIN BẮT BUỘC".to_string())
    );
    let late_sheet = crate::xlsx_sheet(&xlsx.body, "Trễ hạn");
    assert_eq!(
        late_sheet.get_value((4, 3)).map(ToString::to_string),
        Some("Ban hành tháng Sáu".to_string())
    );
    crate::xlsx_sheet(&xlsx.body, "Thống kê");
    // Who may not, and what cannot be asked.
    let contributor = app.contributor_of("so-tp", "quang-nam").await;
    app.call("GET", &url(""), Some(&contributor), None)
        .await
        .problem(403);
    assert_eq!(app.call("GET", &url(""), None, None).await.status, 401);
    let backwards = format!("/api/v1/admin/compliance?site=quang-nam&from={to}&to={from}");
    assert_eq!(
        app.call("GET", &backwards, Some(&op), None)
            .await
            .problem(400)["errors"][0]["field"],
        "to"
    );
    let long = format!("/api/v1/admin/compliance?site=quang-nam&from=2020-01-01&to={to}");
    app.call("GET", &long, Some(&op), None).await.problem(400);
    app.call("GET", &url("&format=pdf"), Some(&op), None)
        .await
        .problem(400);
    let nowhere = format!("/api/v1/admin/compliance?site=khong-co&from={from}&to={to}");
    assert_eq!(app.call("GET", &nowhere, Some(&op), None).await.status, 404);
}

async fn rule_packs_are_dated_data_the_operator_edits(app: TestApp) {
    let op = operator(&app).await;
    let listed = call_ok(&app, "GET", "/api/v1/admin/rule-packs", &op, None).await;
    let keys: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["key"].as_str())
        .collect();
    assert_eq!(keys, ["nd-43-2011", "nd-42-2022", "nd-224-2026"]);
    assert_eq!(listed["items"][0]["valid_to"], "2022-08-14");
    assert_eq!(listed["items"][1]["valid_from"], "2022-08-15");
    let current = call_ok(
        &app,
        "GET",
        "/api/v1/admin/rule-packs/nd-224-2026",
        &op,
        None,
    )
    .await;
    assert_eq!(current["default_limit_days"], 5);
    let documents = current["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["code"] == "van-ban")
        .expect("van-ban")
        .clone();
    assert_eq!(
        (
            documents["limit_days"].clone(),
            documents["event_field"].clone()
        ),
        (json!(2), json!("ngay_ban_hanh"))
    );
    // The operator changes a limit: the pack is data, audited.
    let mut body = current.clone();
    let obj = body.as_object_mut().expect("object");
    obj.remove("key");
    obj.remove("updated_at");
    for c in obj["categories"].as_array_mut().expect("categories") {
        if c["code"] == "van-ban" {
            c["limit_days"] = json!(3);
        }
    }
    let changed = call_ok(
        &app,
        "PUT",
        "/api/v1/admin/rule-packs/nd-224-2026",
        &op,
        Some(&body),
    )
    .await;
    assert_eq!(changed["categories"][0]["limit_days"], 3);
    let audit = call_ok(
        &app,
        "GET",
        "/api/v1/admin/audit?action=rule_packs.replace",
        &op,
        None,
    )
    .await;
    assert_eq!(audit["items"][0]["target"], "rule_pack:nd-224-2026");
    // Every broken rule is named; two packs never cover the same day.
    let mut bad = body.clone();
    bad["default_limit_days"] = json!(0);
    bad["categories"][0]["event_field"] = json!("trich_yeu");
    bad["categories"][1]["content_type"] = json!("khong-co");
    bad["categories"][1]["section_slug"] = Value::Null;
    bad["categories"][2]["agency_code"] = json!("so-khong-co");
    bad["categories"][3]["code"] = bad["categories"][0]["code"].clone();
    bad["categories"][4]["section_slug"] = json!("chi-dao-dieu-hanh");
    bad["categories"][6]["content_type"] = Value::Null;
    bad["categories"][6]["section_slug"] = json!("lich-tiep-cong-dan");
    bad["categories"][6]["event_field"] = json!("ngay");
    let doc = app
        .call(
            "PUT",
            "/api/v1/admin/rule-packs/nd-224-2026",
            Some(&op),
            Some(&bad),
        )
        .await
        .problem(422);
    let fields: Vec<(String, String)> = doc["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for want in [
        ("default_limit_days", "out_of_range"),
        ("categories[0].event_field", "not_a_date_field"),
        ("categories[1].content_type", "unknown_type"),
        ("categories[2].agency_code", "unknown_agency"),
        ("categories[3].code", "duplicate"),
        ("categories[4].content_type", "type_or_section"),
        ("categories[6].event_field", "needs_a_type"),
    ] {
        assert!(
            fields.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {fields:?}"
        );
    }
    let mut next = body.clone();
    next["name"] = json!("Quy định mới");
    next["valid_from"] = json!("2027-01-01");
    let overlap = app
        .call(
            "PUT",
            "/api/v1/admin/rule-packs/nd-moi",
            Some(&op),
            Some(&next),
        )
        .await;
    assert!(overlap.problem(409)["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("nd-224-2026"));
    // Closed first, the next one follows.
    body["valid_to"] = json!("2026-12-31");
    call_ok(
        &app,
        "PUT",
        "/api/v1/admin/rule-packs/nd-224-2026",
        &op,
        Some(&body),
    )
    .await;
    let created = app
        .call(
            "PUT",
            "/api/v1/admin/rule-packs/nd-moi",
            Some(&op),
            Some(&next),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let contributor = app.contributor_of("so-tp", "quang-nam").await;
    app.call("GET", "/api/v1/admin/rule-packs", Some(&contributor), None)
        .await
        .problem(403);
    app.call(
        "PUT",
        "/api/v1/admin/rule-packs/nd-moi",
        Some(&contributor),
        Some(&next),
    )
    .await
    .problem(403);
    assert_eq!(
        app.call("GET", "/api/v1/admin/rule-packs/khong-co", Some(&op), None)
            .await
            .status,
        404
    );
}
