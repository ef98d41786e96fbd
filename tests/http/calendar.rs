//! The working-day calendar that citizens' deadlines are counted in (Bộ luật Lao động 2019,
//! Điều 111–112): public holidays, solar and lunar, and the changes the government announces.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use crate::feedback::call_ok;

on_every_backend!(the_calendar_lists_lunar_holidays_and_takes_announced_changes);

async fn operator(app: &TestApp) -> String {
    app.token_for("op.ttcntt", "ttcntt", &[("quang-nam", "operator")])
        .await
}

async fn the_calendar_lists_lunar_holidays_and_takes_announced_changes(app: TestApp) {
    let year = app.get("/api/v1/calendar/2026").await;
    assert_eq!(year.status, 200, "{}", year.text());
    let year = year.json();
    let days: Vec<(String, String)> = year["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Tết Bính Ngọ: 1/1 lunar is 17/02/2026; the day before through the 4th day are off.
    for date in ["2026-02-16", "2026-02-17", "2026-02-20"] {
        assert!(
            days.iter()
                .any(|(d, n)| d == date && n.starts_with("Tết Âm lịch")),
            "{date} in {days:?}"
        );
    }
    // Giỗ Tổ Hùng Vương, 10/3 lunar: 26/04/2026 is a Sunday, so Monday 27/04 is given instead.
    assert!(days.iter().any(|(d, _)| d == "2026-04-26"), "{days:?}");
    assert!(
        days.iter()
            .any(|(d, n)| d == "2026-04-27" && n.contains("nghỉ bù")),
        "{days:?}"
    );
    app.get("/api/v1/calendar/3000").await.problem(400);

    let change = json!({"working": true, "reason": "Làm bù cho ngày nghỉ Tết"});
    app.call(
        "PUT",
        "/api/v1/admin/calendar/2026-02-07",
        None,
        Some(&change),
    )
    .await
    .problem(401);
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    app.call(
        "PUT",
        "/api/v1/admin/calendar/2026-02-07",
        Some(&staff),
        Some(&change),
    )
    .await
    .problem(403);
    let op = operator(&app).await;
    call_ok(
        &app,
        "PUT",
        "/api/v1/admin/calendar/2026-02-07",
        &op,
        Some(&change),
    )
    .await;
    let year = app.get("/api/v1/calendar/2026").await.json();
    assert_eq!(
        year["working_weekend_days"],
        json!([{"date": "2026-02-07", "name": "Làm bù cho ngày nghỉ Tết"}])
    );
}
