//! The clock of a case: it stands while the agency waits for the citizen's answer to a request
//! for more information, and the due date moves on by the working days it stood.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::{call_ok, forward, operator, status, submit};

on_every_backend!(a_request_for_information_stops_the_clock_until_the_citizen_answers);

fn date(value: &serde_json::Value) -> NaiveDate {
    value.as_str().unwrap().parse().unwrap()
}

async fn a_request_for_information_stops_the_clock_until_the_citizen_answers(app: TestApp) {
    let (code, secret) = submit(&app, "Hỏi về cấp sổ đỏ").await;
    let op = operator(&app).await;
    let forwarded = forward(&app, &op, &code, &["so-xd"]).await;
    let due_before = date(&forwarded["deadline"]["due_on"]);
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    let other = app.contributor_of("so-tp", "quang-nam").await;
    let ask = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/request-information");
    let question = json!({"question": "Đề nghị cho biết số thửa và tờ bản đồ"});
    app.call("POST", &ask, Some(&other), Some(&question))
        .await
        .problem(403);
    let asked = call_ok(&app, "POST", &ask, &staff, Some(&question)).await;
    assert!(asked["deadline"]["waiting_since"].is_string(), "{asked}");
    assert_eq!(asked["deadline"]["overdue"], false);
    app.call("POST", &ask, Some(&staff), Some(&question))
        .await
        .problem(409);

    let seen = status(&app, &code, &secret).await.json();
    let last = seen["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "information_requested");
    assert!(last["note"].as_str().unwrap().contains("số thửa"), "{last}");

    // The request was made a week ago: move it back, as if the citizen took that long.
    let week_ago = date(&asked["deadline"]["waiting_since"]) - chrono::Duration::days(7);
    {
        use portal_db::schema::feedback_cases::dsl as c;
        diesel::update(c::feedback_cases.filter(c::code.eq(&code)))
            .set(c::paused_since.eq(week_ago))
            .execute(&mut app.conn())
            .unwrap();
    }
    let path = format!("/api/v1/feedback/{code}/reply");
    let answer = json!({"text": "Thửa số 12, tờ bản đồ số 5, phường An Mỹ"});
    let no_secret = app.call("POST", &path, None, Some(&answer)).await;
    no_secret.problem(404);
    let replied = app
        .post_json_with(&path, &[("Portal-Case-Secret", &secret)], &answer)
        .await;
    assert_eq!(replied.status, 204, "{}", replied.text());
    let again = app
        .post_json_with(&path, &[("Portal-Case-Secret", &secret)], &answer)
        .await;
    again.problem(409);

    let detail = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/feedback/{code}"),
        &op,
        None,
    )
    .await;
    assert!(detail["deadline"]["waiting_since"].is_null());
    let due_after = date(&detail["deadline"]["due_on"]);
    // The due date moves on by the working days the clock stood, counted here by hand over the
    // published calendar: weekdays that are not holidays.
    let mut holidays = std::collections::HashSet::new();
    for year in [week_ago.year(), due_after.year()] {
        let cal = app.get(&format!("/api/v1/calendar/{year}")).await.json();
        for day in cal["holidays"].as_array().unwrap() {
            holidays.insert(date(&day["date"]));
        }
    }
    let working_after = |from: NaiveDate, to: NaiveDate| {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| d.weekday().number_from_monday() <= 5 && !holidays.contains(d))
            .count()
    };
    let today = date(&asked["deadline"]["waiting_since"]);
    let stood = working_after(week_ago, today);
    assert!((3..=5).contains(&stood), "{stood}");
    assert_eq!(
        working_after(due_before, due_after),
        stood,
        "{due_before} → {due_after}"
    );
    assert_eq!(
        detail["forwardings"][0]["due_on"],
        detail["deadline"]["due_on"]
    );
    let seen = status(&app, &code, &secret).await.json();
    let last = seen["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "information_given");
}
