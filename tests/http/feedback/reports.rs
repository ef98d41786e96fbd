//! How each agency answers, per period (Điều 21.6): counted from the cases themselves.

use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::{call_ok, forward, operator, submit};

on_every_backend!(the_report_counts_each_agencys_answers_and_overdue_cases);

async fn the_report_counts_each_agencys_answers_and_overdue_cases(app: TestApp) {
    let op = operator(&app).await;
    let (answered, _) = submit(&app, "Hỏi thứ nhất").await;
    let (open, _) = submit(&app, "Hỏi thứ hai").await;
    let (late, _) = submit(&app, "Hỏi thứ ba").await;
    forward(&app, &op, &answered, &["so-xd"]).await;
    forward(&app, &op, &open, &["so-xd", "so-tnmt"]).await;
    forward(&app, &op, &late, &["so-tnmt"]).await;
    // The third case fell due a week ago and nobody answered it.
    {
        use portal_db::schema::feedback_forwardings::dsl as f;
        let week_ago = (chrono::Utc::now() - chrono::Duration::days(7)).date_naive();
        let case_id: i64 = {
            use portal_db::schema::feedback_cases::dsl as c;
            c::feedback_cases
                .filter(c::code.eq(&late))
                .select(c::id)
                .first(&mut app.conn())
                .unwrap()
        };
        diesel::update(f::feedback_forwardings.filter(f::case_id.eq(case_id)))
            .set(f::due_on.eq(week_ago))
            .execute(&mut app.conn())
            .unwrap();
    }
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    app.user("gd.soxd", "so-xd", &[("quang-nam", "contributor")]);
    call_ok(
        &app,
        "PUT",
        "/api/v1/admin/agencies/so-xd/signatories/gd.soxd",
        &op,
        Some(&json!({"capacity": "head"})),
    )
    .await;
    let head = app.login("gd.soxd").await.0;
    call_ok(
        &app,
        "PUT",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{answered}/answer"),
        &staff,
        Some(&json!({"text": "Trả lời"})),
    )
    .await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{answered}/sign"),
        &head,
        None,
    )
    .await;

    app.call("GET", "/api/v1/admin/feedback-report", Some(&staff), None)
        .await
        .problem(403);
    let report = call_ok(&app, "GET", "/api/v1/admin/feedback-report", &op, None).await;
    let rows = report["agencies"].as_array().unwrap();
    let row = |code: &str| rows.iter().find(|r| r["agency"] == code).unwrap().clone();
    let xd = row("so-xd");
    assert_eq!(
        (
            &xd["forwarded"],
            &xd["answered_on_time"],
            &xd["answered_late"],
            &xd["open"],
            &xd["open_overdue"]
        ),
        (&json!(2), &json!(1), &json!(0), &json!(1), &json!(0)),
        "{xd}"
    );
    // Answered the day it was received: no working day used.
    assert_eq!(xd["median_working_days"], 0.0);
    let tnmt = row("so-tnmt");
    assert_eq!(
        (&tnmt["forwarded"], &tnmt["open"], &tnmt["open_overdue"]),
        (&json!(2), &json!(2), &json!(1)),
        "{tnmt}"
    );
    assert!(tnmt["median_working_days"].is_null());
    assert_eq!(rows.len(), 2);

    let csv = app
        .request_with(
            "GET",
            "/api/v1/admin/feedback-report.csv",
            &[("Authorization", &format!("Bearer {op}"))],
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = csv.text();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "agency,agency_name,forwarded,answered_on_time,answered_late,open,open_overdue,median_working_days");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("so-xd,") && l.ends_with(",2,1,0,1,0,0")),
        "{lines:?}"
    );
    let xlsx = app
        .request_with(
            "GET",
            "/api/v1/admin/feedback-report.xlsx",
            &[("Authorization", &format!("Bearer {op}"))],
        )
        .await;
    assert_eq!(xlsx.status, 200, "{}", xlsx.text());
    assert_eq!(
        xlsx.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(xlsx
        .header("content-disposition")
        .unwrap()
        .ends_with(".xlsx\""));
    // An Office Open XML package: a ZIP holding the workbook and its one sheet.
    assert!(xlsx.body.starts_with(b"PK\x03\x04"));
    let names = String::from_utf8_lossy(&xlsx.body);
    assert!(names.contains("xl/worksheets/sheet1.xml") && names.contains("xl/workbook.xml"));
    // Read back cell by cell as a spreadsheet program reads it: the same figures as the JSON.
    let sheet = crate::xlsx_sheet(&xlsx.body, "Phản ánh, kiến nghị");
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).map(|v| v.to_string());
    assert_eq!(cell(2, 0).as_deref(), Some("Mã cơ quan"));
    let xd_row = (3..3 + rows.len() as u32)
        .find(|r| cell(*r, 0).as_deref() == Some("so-xd"))
        .expect("a row for so-xd");
    let figures: Vec<String> = (2..7).filter_map(|c| cell(xd_row, c)).collect();
    assert_eq!(figures, ["2", "1", "0", "1", "0"], "numbers, not text");
    let totals = 3 + rows.len() as u32;
    assert_eq!(
        cell(totals, 2).as_deref(),
        Some("4"),
        "the totals row: 2 + 2 forwarded"
    );
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    app.call(
        "GET",
        "/api/v1/admin/feedback-report.xlsx",
        Some(&staff),
        None,
    )
    .await
    .problem(403);
    // A period that ends before these cases were forwarded counts none of them.
    let before = call_ok(
        &app,
        "GET",
        "/api/v1/admin/feedback-report?from=2026-01-01&to=2026-01-31",
        &op,
        None,
    )
    .await;
    assert_eq!(before["agencies"], json!([]));
    app.call(
        "GET",
        "/api/v1/admin/feedback-report?from=2026-02-01&to=2026-01-01",
        Some(&op),
        None,
    )
    .await
    .problem(400);
}
