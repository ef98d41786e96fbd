//! The ledger's guarantees: approvals sent together enter the amount once; a cancellation is a
//! reversal, refused once the amount is on an approved statement; the incentive cap; what an
//! earlier statement left unpaid carries forward; the month per agency; every adjustment's range
//! edges; payees' details replaced and sealed again; a new tax rule closes the one before.

use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{chief, external_payee, finance, fund, head, published_work, this_period, this_year};
use crate::feedback::call_ok;

on_every_backend!(
    approvals_sent_together_enter_the_amount_once,
    a_cancellation_reverses_until_a_statement_is_approved,
    statements_carry_forward_and_sum_per_agency,
    every_adjustment_is_held_to_its_range
);

async fn graded_work(app: &TestApp, chief: &str, author: i64, genre: &str) -> i64 {
    let work = published_work(
        app,
        chief,
        "quang-nam",
        "tin-tuc-su-kien",
        json!([{"user_id": author, "share": "100"}]),
    )
    .await;
    let id = work["id"].as_i64().unwrap();
    call_ok(
        app,
        "POST",
        &format!("/api/v1/admin/royalties/works/{id}/grade"),
        chief,
        Some(&json!({"genre": genre})),
    )
    .await;
    id
}

fn ledger_of(app: &TestApp, work: i64) -> Vec<i64> {
    use portal_db::schema::royalty_ledger;
    royalty_ledger::table
        .filter(royalty_ledger::work_id.eq(work))
        .order(royalty_ledger::id)
        .select(royalty_ledger::amount)
        .load(&mut app.conn())
        .unwrap()
}

async fn approvals_sent_together_enter_the_amount_once(app: TestApp) {
    let finance = finance(&app).await;
    let chief = chief(&app, "quang-nam").await;
    let author = app.user("pv.song-song", "so-tttt", &[("quang-nam", "contributor")]);
    fund(&app, &finance, "quang-nam", 10_000_000).await;
    let id = graded_work(&app, &chief, author, "binh_luan").await;
    let path = format!("/api/v1/admin/royalties/works/{id}/approve");
    let calls = (0..6).map(|_| app.call("POST", &path, Some(&chief), None));
    let answers = futures_util::future::join_all(calls).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        vec![200, 409, 409, 409, 409, 409],
        "{:?}",
        answers.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    // 2.50 × 253,000 đ, once.
    assert_eq!(ledger_of(&app, id), vec![632_500]);
}

async fn a_cancellation_reverses_until_a_statement_is_approved(app: TestApp) {
    let finance = finance(&app).await;
    let head = head(&app).await;
    let chief = chief(&app, "quang-nam").await;
    let author = app.user("pv.huy", "so-tttt", &[("quang-nam", "contributor")]);
    fund(&app, &finance, "quang-nam", 10_000_000).await;
    let stated = graded_work(&app, &chief, author, "tin").await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/works/{stated}/approve"),
        &chief,
        None,
    )
    .await;
    let prepared = call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": this_period()})),
    )
    .await;
    let statement = prepared["items"][0]["id"].as_i64().unwrap();
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/statements/{statement}/approve"),
        &head,
        None,
    )
    .await;

    let unstated = graded_work(&app, &chief, author, "binh_luan").await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/works/{unstated}/approve"),
        &chief,
        None,
    )
    .await;
    for work in [stated, unstated] {
        let item = call_ok(
            &app,
            "GET",
            &format!("/api/v1/admin/royalties/works/{work}"),
            &chief,
            None,
        )
        .await["item_id"]
            .as_i64()
            .unwrap();
        app.advance(item, &["unpublish"]);
    }
    let reason = json!({"reason": "Tin gỡ xuống trước khi chi trả"});
    let refused = app
        .call(
            "POST",
            &format!("/api/v1/admin/royalties/works/{stated}/cancel"),
            Some(&chief),
            Some(&reason),
        )
        .await;
    assert!(refused.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("approved statement {statement}")));
    let cancelled = call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/works/{unstated}/cancel"),
        &chief,
        Some(&reason),
    )
    .await;
    assert_eq!(
        (
            cancelled["status"].clone(),
            cancelled["cancel_reason"].clone()
        ),
        (json!("cancelled"), reason["reason"].clone())
    );
    assert_eq!(ledger_of(&app, unstated), vec![632_500, -632_500]);
    let fund_now = call_ok(
        &app,
        "GET",
        &format!(
            "/api/v1/admin/royalties/sites/quang-nam/funds/{}",
            this_year()
        ),
        &finance,
        None,
    )
    .await;
    assert_eq!(fund_now["lines"][0]["used"], 253_000);
    // Cancelled is final; a cancelled work is neither graded nor approved again.
    let again = app
        .call(
            "POST",
            &format!("/api/v1/admin/royalties/works/{unstated}/grade"),
            Some(&chief),
            Some(&json!({"genre": "tin"})),
        )
        .await;
    again.problem(409);
    // Incentives: at most 30 % of the 10,000,000 đ budget.
    let payee = external_payee(&app, &finance, "Thu Bồn").await;
    let incentive = |amount: i64| json!({"site": "quang-nam", "period": this_period(), "payee_id": payee, "category": "incentive", "role": "Tác giả xuất sắc", "amount": amount});
    let over = app
        .call(
            "POST",
            "/api/v1/admin/royalties/entries",
            Some(&finance),
            Some(&incentive(3_000_001)),
        )
        .await;
    assert!(over.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("3.000.000 đ remain"));
    call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/entries",
        &finance,
        Some(&incentive(3_000_000)),
    )
    .await;
    let royalty = app.call("POST", "/api/v1/admin/royalties/entries", Some(&finance), Some(&json!({"site": "quang-nam", "period": this_period(), "payee_id": payee, "category": "royalty", "role": "x", "amount": 1}))).await;
    assert_eq!(royalty.problem(422)["errors"][0]["field"], "category");
    let listed = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/sites/quang-nam/entries?category=incentive",
        &finance,
        None,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // A lower budget may not leave the incentives above their new cap (30 % of 9,000,000 đ).
    let lower = app
        .call(
            "PUT",
            &format!(
                "/api/v1/admin/royalties/sites/quang-nam/funds/{}",
                this_year()
            ),
            Some(&finance),
            Some(&json!({"royalty_budget": 9_000_000, "legal_basis": "Điều chỉnh dự toán"})),
        )
        .await;
    assert!(lower.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("3.000.000 đ of incentive"));
    // A site closed by a merger still has its royalties stated and paid.
    {
        use portal_db::schema::sites;
        diesel::update(sites::table.filter(sites::key.eq("quang-nam")))
            .set(sites::active.eq(false))
            .execute(&mut app.conn())
            .unwrap();
    }
    let works = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/sites/quang-nam/works",
        &finance,
        None,
    )
    .await;
    assert_eq!(works["items"].as_array().unwrap().len(), 2);
    call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": this_period()})),
    )
    .await;
}

async fn statements_carry_forward_and_sum_per_agency(app: TestApp) {
    let finance = finance(&app).await;
    let head = head(&app).await;
    let a = external_payee(&app, &finance, "Hoài An").await;
    let b = external_payee(&app, &finance, "Sông Thu").await;
    // Replaced details are sealed again; the agency makes the per-agency sheet.
    let updated = call_ok(&app, "PUT", &format!("/api/v1/admin/royalties/payees/{b}"), &finance, Some(&json!({"pen_name": "Sông Thu", "agency": "so-vhttdl", "identity": {"bank_account": "9704229999", "bank_name": "MB"}}))).await;
    assert_eq!(updated["masked"], "TK ***9999 (MB)");
    assert_eq!(updated["agency"], "so-vhttdl");
    let next = {
        use chrono::{Datelike, Months};
        let d = portal_feedback::workdays::today_in_vietnam()
            .with_day(1)
            .unwrap()
            + Months::new(1);
        format!("{:04}-{:02}", d.year(), d.month())
    };
    let year_of_next: i32 = next[..4].parse().unwrap();
    fund(&app, &finance, "quang-nam", 50_000_000).await;
    if year_of_next != this_year() {
        call_ok(
            &app,
            "PUT",
            &format!("/api/v1/admin/royalties/sites/quang-nam/funds/{year_of_next}"),
            &finance,
            Some(&json!({"royalty_budget": 50_000_000, "legal_basis": "Dự toán"})),
        )
        .await;
    }
    let entry = |payee: i64, period: &str, amount: i64| json!({"site": "quang-nam", "period": period, "payee_id": payee, "category": "remuneration", "role": "Cung cấp tin", "amount": amount});
    for (payee, amount) in [(a, 3_000_000), (b, 500_000)] {
        call_ok(
            &app,
            "POST",
            "/api/v1/admin/royalties/entries",
            &finance,
            Some(&entry(payee, &this_period(), amount)),
        )
        .await;
    }
    let made = call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": this_period()})),
    )
    .await;
    let first = made["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["payee_id"] == a)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/statements/{first}/approve"),
        &head,
        None,
    )
    .await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/statements/{first}/payments"),
        &finance,
        Some(&json!({"paid_on": "2026-12-04", "reference": "UNC 7", "amount": 2_000_000})),
    )
    .await;

    // Per agency: Sông Thu's 500,000 đ under so-vhttdl, Hoài An's under no agency.
    let totals = call_ok(
        &app,
        "GET",
        &format!(
            "/api/v1/admin/royalties/sites/quang-nam/statements/by-agency?period={}",
            this_period()
        ),
        &finance,
        None,
    )
    .await;
    assert_eq!(
        totals["items"],
        json!([
            {"agency": null, "payees": 1, "gross": 3_000_000, "tax": 300_000, "net": 2_700_000, "net_in_words": "Hai triệu bảy trăm nghìn đồng"},
            {"agency": "so-vhttdl", "payees": 1, "gross": 500_000, "tax": 0, "net": 500_000, "net_in_words": "Năm trăm nghìn đồng"}
        ])
    );
    let csv = app
        .call(
            "GET",
            &format!(
                "/api/v1/admin/royalties/sites/quang-nam/statements.csv?period={}&agency=so-vhttdl",
                this_period()
            ),
            Some(&finance),
            None,
        )
        .await;
    assert!(
        csv.text().contains("Sông Thu") && !csv.text().contains("Hoài An"),
        "{}",
        csv.text()
    );
    assert!(csv.text().contains("Năm trăm nghìn đồng"));

    // Next month: the 700,000 đ still owed are carried forward onto Hoài An's statement.
    call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/entries",
        &finance,
        Some(&entry(a, &next, 1_000_000)),
    )
    .await;
    let later = call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": next})),
    )
    .await;
    let hers: Vec<&Value> = later["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["payee_id"] == a)
        .collect();
    assert_eq!(hers.len(), 1);
    assert_eq!(
        (hers[0]["gross"].clone(), hers[0]["carried_forward"].clone()),
        (json!(1_000_000), json!(700_000))
    );
    // Sông Thu's draft of this month was not approved: preparing next month leaves it alone.
    assert!(later["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["payee_id"] != b));

    // A new tax rule closes the one before it.
    call_ok(&app, "POST", "/api/v1/admin/royalties/tax-rules", &finance, Some(&json!({"valid_from": "2027-07-01", "rate_percent": 10, "threshold": 5_000_000, "legal_basis": "Luật Thuế thu nhập cá nhân (sửa đổi), giả định"}))).await;
    let rules = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/tax-rules",
        &finance,
        None,
    )
    .await;
    assert_eq!(rules[1]["valid_until"], "2027-06-30");
}

async fn every_adjustment_is_held_to_its_range(app: TestApp) {
    let chief = chief(&app, "quang-nam").await;
    let author = app.user("pv.mien", "so-tttt", &[("quang-nam", "contributor")]);
    let id = graded_work(&app, &chief, author, "tin").await;
    let schedules = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/schedules",
        &chief,
        None,
    )
    .await;
    let adjustments = schedules[0]["adjustments"].as_array().unwrap().clone();
    assert_eq!(adjustments.len(), 5);
    let path = format!("/api/v1/admin/royalties/works/{id}/grade");
    for a in adjustments {
        let (min, max) = (a["min"].as_i64().unwrap(), a["max"].as_i64().unwrap());
        for (percent, fits) in [(min - 1, false), (min, true), (max, true), (max + 1, false)] {
            let body = json!({"genre": "tin", "adjustments": [{"code": a["code"], "percent": percent}], "reason": "kiểm tra biên"});
            let res = app.call("POST", &path, Some(&chief), Some(&body)).await;
            if fits {
                let work = res.json();
                assert_eq!(res.status, 200, "{} {percent}: {work}", a["code"]);
                // News at 1.0: 253,000 đ shared or raised by the percentage, rounded once.
                let expected = if a["kind"] == "share" {
                    253_000 * percent / 100
                } else {
                    253_000 * (100 + percent) / 100
                };
                assert_eq!(work["amount"], expected, "{} {percent}", a["code"]);
            } else {
                assert_eq!(
                    res.problem(422)["errors"][0]["field"],
                    "adjustments[0].percent",
                    "{} {percent}",
                    a["code"]
                );
            }
        }
    }
}
