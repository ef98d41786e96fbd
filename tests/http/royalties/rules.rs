//! The dated rules through the API: the seeded schedule, overlapping periods refused, a used
//! schedule never edited but closed and replaced, the national maxima, the unit value of the
//! publication day (30/06/2026 against 01/07/2026), sub-sites at 20 %, adjustments' ranges.

use chrono::NaiveDate;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{chief, finance, published_work};
use crate::feedback::call_ok;

on_every_backend!(
    schedules_are_dated_and_never_edited_once_used,
    a_work_takes_the_unit_value_of_its_publication_day,
    a_scheduled_publication_opens_the_claims_too
);

pub(crate) fn schedule(from: &str, news_max: &str) -> Value {
    json!({
        "name": "Bảng hệ số nhuận bút 2027",
        "valid_from": from,
        "legal_basis": "Nghị định 18/2014/NĐ-CP",
        "decision": "Quyết định 01/2027/QĐ-UBND",
        "unit_percent": 10, "subsite_percent": 20, "incentive_cap_percent": 30, "remuneration_cap_percent": 50, "payment_days": 60,
        "genres": [{"code": "tin", "label": "Tin", "family": "news", "min": "1", "max": news_max, "default": "1"}],
        "adjustments": [{"code": "dich", "label": "Tác phẩm dịch", "kind": "share", "min": 40, "max": 65, "default": 50}]
    })
}

async fn schedules_are_dated_and_never_edited_once_used(app: TestApp) {
    let finance = finance(&app).await;
    let chief = chief(&app, "quang-nam").await;
    let all = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/schedules",
        &chief,
        None,
    )
    .await;
    let seeded = &all[0];
    assert_eq!(seeded["valid_from"], "2024-07-01");
    assert!(seeded["valid_until"].is_null());
    let genres = seeded["genres"].as_array().unwrap();
    let photo_news = genres.iter().find(|g| g["code"] == "tin_anh").unwrap();
    assert_eq!(
        (photo_news["min"].clone(), photo_news["family"].clone()),
        (json!("1.50"), json!("news"))
    );
    let seeded_id = seeded["id"].as_i64().unwrap();

    // Overlapping the open-ended seeded schedule: 409, naming it.
    let overlap = app
        .call(
            "POST",
            "/api/v1/admin/royalties/schedules",
            Some(&finance),
            Some(&schedule("2027-01-01", "1.5")),
        )
        .await;
    assert!(overlap.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("schedule {seeded_id}")));
    // A work opened under it: it is never edited again.
    published_work(
        &app,
        &chief,
        "quang-nam",
        "tin-tuc-su-kien",
        json!([{"user_id": app.user("pv.a", "so-tttt", &[]), "share": "100"}]),
    )
    .await;
    let mut edit = schedule("2024-07-01", "1.5");
    edit["name"] = json!("Sửa bảng cũ");
    let refused = app
        .call(
            "PUT",
            &format!("/api/v1/admin/royalties/schedules/{seeded_id}"),
            Some(&finance),
            Some(&edit),
        )
        .await;
    assert!(refused.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("never edited"));
    // Closed before a work it holds: refused; a new version from a month on ends it the day before.
    let early = app
        .call(
            "POST",
            &format!("/api/v1/admin/royalties/schedules/{seeded_id}/close"),
            Some(&finance),
            Some(&json!({"valid_until": "2025-12-31"})),
        )
        .await;
    early.problem(409);
    let today = portal_feedback::workdays::today_in_vietnam();
    let versions = format!("/api/v1/admin/royalties/schedules/{seeded_id}/versions");
    let from_today = app
        .call(
            "POST",
            &versions,
            Some(&finance),
            Some(&schedule(&today.to_string(), "1.5")),
        )
        .await;
    assert!(from_today.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("were opened under schedule"));
    let from = (today + chrono::Duration::days(31)).to_string();
    // Above the national maximum of 10 for news (NĐ 18/2014): 422 naming the field, and the old
    // schedule left as it was.
    let high = app
        .call(
            "POST",
            &versions,
            Some(&finance),
            Some(&schedule(&from, "10.5")),
        )
        .await;
    let doc = high.problem(422);
    assert_eq!(
        (
            doc["errors"][0]["field"].clone(),
            doc["errors"][0]["code"].clone()
        ),
        (json!("genres[0].max"), json!("above_national_maximum"))
    );
    let still = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/schedules/{seeded_id}"),
        &finance,
        None,
    )
    .await;
    assert!(still["valid_until"].is_null());
    let made = call_ok(
        &app,
        "POST",
        &versions,
        &finance,
        Some(&schedule(&from, "10")),
    )
    .await;
    let old = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/schedules/{seeded_id}"),
        &finance,
        None,
    )
    .await;
    assert_eq!(
        old["valid_until"],
        (today + chrono::Duration::days(30)).to_string()
    );
    assert_eq!(made["works"], 0);
    // An unused schedule is edited in place; a chief editor only reads.
    let id = made["id"].as_i64().unwrap();
    let mut renamed = schedule(&from, "2");
    renamed["name"] = json!("Bảng hệ số 2027 (sửa)");
    let edited = call_ok(
        &app,
        "PUT",
        &format!("/api/v1/admin/royalties/schedules/{id}"),
        &finance,
        Some(&renamed),
    )
    .await;
    assert_eq!(edited["genres"][0]["max"], "2.00");
    app.call(
        "PUT",
        &format!("/api/v1/admin/royalties/schedules/{id}"),
        Some(&chief),
        Some(&renamed),
    )
    .await
    .problem(403);
    let unknown = app
        .call(
            "POST",
            "/api/v1/admin/royalties/schedules",
            Some(&finance),
            Some(&json!({"name": "x", "extra": 1})),
        )
        .await;
    assert!(
        unknown.status == 400 || unknown.status == 422,
        "{}",
        unknown.text()
    );

    // A new base salary closes the one before it.
    call_ok(&app, "POST", "/api/v1/admin/royalties/base-salaries", &finance, Some(&json!({"valid_from": "2027-07-01", "amount": 2_800_000, "legal_basis": "Nghị định (giả định) về lương cơ sở 2027"}))).await;
    let salaries = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/base-salaries",
        &finance,
        None,
    )
    .await;
    assert_eq!(salaries[1]["valid_until"], "2027-06-30");
    assert_eq!(salaries[1]["amount"], 2_530_000);
}

/// Opens a work as the workflow's publish step would on `day` (10:00 in Vietnam), through the
/// event portal-content defines, and returns the work as the chief editor sees it.
async fn opened_on(
    app: &TestApp,
    chief: &str,
    site: &str,
    section: &str,
    day: NaiveDate,
    author: i64,
) -> Value {
    let item = app
        .item_in(site, section)
        .title(&format!("Tin ảnh ngày {day}"))
        .draft();
    let event = portal_content::publication::FirstPublication {
        item_id: item,
        site_id: portal_sections::sites::active_by_key(&mut app.conn(), site)
            .unwrap()
            .id,
        section_id: 0,
        title: format!("Tin ảnh ngày {day}"),
        created_by: Some(author),
        byline: None,
        published_at: day.and_hms_opt(3, 0, 0).unwrap(),
    };
    portal_db::write_transaction(&mut app.conn(), |conn| {
        portal_royalties::credits::open_on_first_publication(conn, &event)
    })
    .unwrap();
    let works = call_ok(
        app,
        "GET",
        &format!("/api/v1/admin/royalties/sites/{site}/works"),
        chief,
        None,
    )
    .await;
    works["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["item_id"] == item)
        .cloned()
        .unwrap()
}

async fn a_work_takes_the_unit_value_of_its_publication_day(app: TestApp) {
    let chief = chief(&app, "quang-nam").await;
    let author = app.user("pv.b", "so-tttt", &[("quang-nam", "contributor")]);
    let photo = json!({"genre": "tin_anh"});
    let mut amounts = Vec::new();
    for day in ["2026-06-30", "2026-07-01"] {
        let day: NaiveDate = day.parse().unwrap();
        let work = opened_on(&app, &chief, "quang-nam", "tin-tuc-su-kien", day, author).await;
        assert_eq!(work["published_on"], day.to_string());
        let graded = call_ok(
            &app,
            "POST",
            &format!("/api/v1/admin/royalties/works/{}/grade", work["id"]),
            &chief,
            Some(&photo),
        )
        .await;
        amounts.push((graded["unit_value"].clone(), graded["amount"].clone()));
    }
    // 1.5 × 234,000 đ and 1.5 × 253,000 đ.
    assert_eq!(
        amounts,
        vec![
            (json!(234_000), json!(351_000)),
            (json!(253_000), json!(379_500))
        ]
    );

    // A department's sub-site pays 20 % of the portal's rate; a translation 40–65 % of it.
    let sub_chief = chief_of_sub(&app).await;
    let sub = opened_on(
        &app,
        &sub_chief,
        "so-vhttdl",
        "tin-tuc",
        "2026-07-01".parse().unwrap(),
        author,
    )
    .await;
    assert_eq!(sub["site_percent"], 20);
    let path = format!("/api/v1/admin/royalties/works/{}/grade", sub["id"]);
    for (percent, field) in [(39, true), (66, true), (40, false), (65, false)] {
        let body = json!({"genre": "tin_anh", "adjustments": [{"code": "dich", "percent": percent}], "reason": "dịch từ tiếng Anh"});
        let res = app.call("POST", &path, Some(&sub_chief), Some(&body)).await;
        if field {
            assert_eq!(
                res.problem(422)["errors"][0]["field"],
                "adjustments[0].percent",
                "{percent}"
            );
        } else {
            assert_eq!(res.status, 200, "{percent}: {}", res.text());
        }
    }
    // 1.5 × 253,000 × 65 % × 20 % = 49,335.
    let last = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/works/{}", sub["id"]),
        &sub_chief,
        None,
    )
    .await;
    assert_eq!(last["amount"], 49_335);
    // At the default percentage no reason is needed; two shares at once are refused.
    let two = json!({"genre": "tin_anh", "adjustments": [{"code": "dich"}, {"code": "phu_de"}]});
    let res = app.call("POST", &path, Some(&sub_chief), Some(&two)).await;
    assert_eq!(res.problem(422)["errors"][0]["code"], "one_share");
    let bonus = json!({"genre": "tin_anh", "adjustments": [{"code": "dich"}, {"code": "thieu_nhi_dan_toc"}]});
    let graded = call_ok(&app, "POST", &path, &sub_chief, Some(&bonus)).await;
    // 1.5 × 253,000 × 50 % × 110 % × 20 % = 41,745.
    assert_eq!(graded["amount"], 41_745);
}

async fn chief_of_sub(app: &TestApp) -> String {
    app.token_for(
        "tbt.so-vhttdl",
        "so-vhttdl",
        &[("so-vhttdl", "chief_editor")],
    )
    .await
}

/// The scheduler publishes through the same step: its first publication opens the claims too.
async fn a_scheduled_publication_opens_the_claims_too(app: TestApp) {
    use diesel::prelude::*;
    use portal_db::schema::content_items;
    let chief = chief(&app, "quang-nam").await;
    let author = app.user("pv.hen-gio", "so-tttt", &[("quang-nam", "contributor")]);
    let item = app
        .item_in("quang-nam", "tin-tuc-su-kien")
        .title("Tin hẹn giờ")
        .draft();
    let credits = json!({"credits": [{"user_id": author, "share": "100"}]});
    call_ok(
        &app,
        "PUT",
        &format!("/api/v1/admin/royalties/items/{item}/credits"),
        &chief,
        Some(&credits),
    )
    .await;
    app.advance(item, &["submit", "claim", "forward"]);
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/content/{item}/approve"),
        &chief,
        Some(&json!({"version": 1, "publish_at": later})),
    )
    .await;
    let works = "/api/v1/admin/royalties/sites/quang-nam/works";
    let before = call_ok(&app, "GET", works, &chief, None).await;
    assert_eq!(
        before["items"],
        json!([]),
        "approved for later: not published yet"
    );
    // The time comes.
    diesel::update(content_items::table.filter(content_items::id.eq(item)))
        .set(content_items::publish_at.eq(Some(portal_db::now() - chrono::Duration::seconds(1))))
        .execute(&mut app.conn())
        .unwrap();
    let report = portal_moderation::schedule::run_due(&mut app.conn()).unwrap();
    assert_eq!(report.published, 1);
    let after = call_ok(&app, "GET", works, &chief, None).await;
    assert_eq!(after["items"][0]["item_id"], item);
    assert_eq!(after["items"][0]["claims"][0]["share"], "100.00");
}
