//! Royalties and remuneration (Điều 15, 16; NĐ 18/2014): a published work opens a claim per
//! credited author with the unit value of its publication day frozen; the site's chief editor
//! grades and approves it within the yearly fund; the IT centre prepares monthly statements, its
//! head approves them, payments are recorded; the office exports the month; an author reads their
//! own.

use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use crate::feedback::call_ok;

mod ledger;
mod rights;
pub(crate) mod rules;

on_every_backend!(a_work_goes_from_publication_to_payment);

pub(crate) fn this_year() -> i32 {
    use chrono::Datelike;
    portal_feedback::workdays::today_in_vietnam().year()
}

pub(crate) fn this_period() -> String {
    use chrono::Datelike;
    let today = portal_feedback::workdays::today_in_vietnam();
    format!("{:04}-{:02}", today.year(), today.month())
}

/// The IT centre's officer who keeps the tables and prepares statements.
pub(crate) async fn finance(app: &TestApp) -> String {
    app.token_for("kt.ttcntt", "ttcntt", &[("quang-nam", "operator")])
        .await
}

/// Its head, who approves statements.
pub(crate) async fn head(app: &TestApp) -> String {
    app.token_for("gd.ttcntt", "ttcntt", &[("quang-nam", "operator")])
        .await
}

pub(crate) async fn chief(app: &TestApp, site: &str) -> String {
    app.token_for(&format!("tbt.{site}"), "so-tttt", &[(site, "chief_editor")])
        .await
}

pub(crate) async fn external_payee(app: &TestApp, finance: &str, pen_name: &str) -> i64 {
    let body = json!({
        "pen_name": pen_name,
        "identity": {"full_name": "Lê Thị Hoài An", "id_number": "049188001234", "tax_code": "8012345678", "bank_account": "0041000123456", "bank_name": "Vietcombank Quảng Nam"}
    });
    call_ok(
        app,
        "POST",
        "/api/v1/admin/royalties/payees",
        finance,
        Some(&body),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// A draft in `site`/`section` credited as given, then published through the workflow: the work.
pub(crate) async fn published_work(
    app: &TestApp,
    chief: &str,
    site: &str,
    section: &str,
    credits: Value,
) -> Value {
    let item = app
        .item_in(site, section)
        .title("Bình luận: chuyển đổi số ở Quảng Nam")
        .draft();
    call_ok(
        app,
        "PUT",
        &format!("/api/v1/admin/royalties/items/{item}/credits"),
        chief,
        Some(&json!({"credits": credits})),
    )
    .await;
    app.advance(item, &["submit", "claim", "forward", "approve"]);
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
        .expect("a work opened at publication")
}

pub(crate) async fn fund(app: &TestApp, finance: &str, site: &str, budget: i64) -> Value {
    call_ok(
        app,
        "PUT",
        &format!("/api/v1/admin/royalties/sites/{site}/funds/{}", this_year()),
        finance,
        Some(&json!({"royalty_budget": budget, "legal_basis": "Quyết định giao dự toán 2026"})),
    )
    .await
}

async fn a_work_goes_from_publication_to_payment(app: TestApp) {
    let finance = finance(&app).await;
    let head = head(&app).await;
    let chief = chief(&app, "quang-nam").await;
    let author_id = app.user("pv.nguyen", "so-tttt", &[("quang-nam", "contributor")]);
    let (author, _) = app.login("pv.nguyen").await;
    let hoai_an = external_payee(&app, &finance, "Hoài An").await;

    // Personal data: masked in lists, sealed at rest, opened only to the IT centre, audited.
    let list = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/payees",
        &finance,
        None,
    )
    .await;
    assert_eq!(
        list["items"][0]["masked"],
        "CCCD ***1234 · MST ***5678 · TK ***3456 (Vietcombank Quảng Nam)"
    );
    assert!(list["items"][0]["identity"].is_null());
    let sealed: Option<String> = portal_db::schema::royalty_payees::table
        .find(hoai_an)
        .select(portal_db::schema::royalty_payees::sealed)
        .first(&mut *app.conn())
        .unwrap();
    assert!(sealed
        .as_deref()
        .is_some_and(|s| s.starts_with("v1:") && !s.contains("049188001234")));
    let shown = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/payees/{hoai_an}"),
        &finance,
        None,
    )
    .await;
    assert_eq!(shown["identity"]["id_number"], "049188001234");
    let viewed: i64 = portal_db::schema::audit_log::table
        .filter(portal_db::schema::audit_log::action.eq("royalties.payee_viewed"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(viewed, 1);

    // Shares sum to exactly 100 %.
    let item = app
        .item_in("quang-nam", "tin-tuc-su-kien")
        .title("Bình luận: chuyển đổi số")
        .draft();
    let credits_path = format!("/api/v1/admin/royalties/items/{item}/credits");
    let off = app
        .call("PUT", &credits_path, Some(&chief), Some(&json!({"credits": [{"payee_id": hoai_an, "share": "33.34"}, {"user_id": author_id, "share": "66.65"}]})))
        .await;
    let doc = off.problem(422);
    assert_eq!(doc["errors"][0]["field"], "credits");
    assert_eq!(doc["errors"][0]["code"], "shares_not_100");
    call_ok(&app, "PUT", &credits_path, &chief, Some(&json!({"credits": [{"payee_id": hoai_an, "share": "33.34"}, {"user_id": author_id, "share": "66.66"}]}))).await;
    app.advance(item, &["submit", "claim", "forward", "approve"]);
    app.advance(item, &["unpublish"]);
    app.advance(item, &["submit", "claim", "forward", "approve"]);

    // One work per item, opened at its first publication only, with today's unit value frozen.
    let works = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/sites/quang-nam/works",
        &chief,
        None,
    )
    .await;
    let items = works["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{works}");
    let work = &items[0];
    assert_eq!(work["status"], "open");
    assert_eq!(work["base_salary"], 2_530_000);
    assert_eq!(work["unit_value"], 253_000);
    assert_eq!(work["site_percent"], 100);
    assert_eq!(work["claims"].as_array().unwrap().len(), 2);
    let id = work["id"].as_i64().unwrap();
    let again = app
        .call(
            "PUT",
            &credits_path,
            Some(&chief),
            Some(&json!({"credits": [{"payee_id": hoai_an, "share": "100"}]})),
        )
        .await;
    again.problem(409);

    // Grading: within the genre's range, with a reason away from the default.
    let grade = format!("/api/v1/admin/royalties/works/{id}/grade");
    let wide = app
        .call(
            "POST",
            &grade,
            Some(&chief),
            Some(&json!({"genre": "binh_luan", "coefficient": "3.5", "reason": "bài dài"})),
        )
        .await;
    assert_eq!(wide.problem(422)["errors"][0]["field"], "coefficient");
    let silent = app
        .call(
            "POST",
            &grade,
            Some(&chief),
            Some(&json!({"genre": "binh_luan", "coefficient": "2.75"})),
        )
        .await;
    assert_eq!(silent.problem(422)["errors"][0]["field"], "reason");
    let graded = call_ok(&app, "POST", &grade, &chief, Some(&json!({"genre": "binh_luan", "coefficient": "2.75", "reason": "Bài phân tích có số liệu khảo sát"}))).await;
    // 2.75 × 253,000 = 695,750; 33.34 % and 66.66 % leave one đồng, given to the first author.
    assert_eq!(graded["amount"], 695_750);
    assert_eq!(graded["claims"][0]["amount"], 231_964);
    assert_eq!(graded["claims"][1]["amount"], 463_786);

    // Approval needs a fund and stays within it.
    let approve = format!("/api/v1/admin/royalties/works/{id}/approve");
    let no_fund = app.call("POST", &approve, Some(&chief), None).await;
    assert!(no_fund.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("no fund"));
    fund(&app, &finance, "quang-nam", 500_000).await;
    let over = app.call("POST", &approve, Some(&chief), None).await;
    let detail = over.problem(409)["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("500.000 đ remain"), "{detail}");
    fund(&app, &finance, "quang-nam", 10_000_000).await;
    let approved = call_ok(&app, "POST", &approve, &chief, None).await;
    assert_eq!(approved["status"], "approved");
    let again = app
        .call("POST", &grade, Some(&chief), Some(&json!({"genre": "tin"})))
        .await;
    again.problem(409);

    // The calculation shows the numbers it used.
    let claim = approved["claims"][1]["id"].as_i64().unwrap();
    let calc = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/claims/{claim}/calculation"),
        &author,
        None,
    )
    .await;
    assert_eq!(
        calc["formula"],
        "2.75 × 253.000 đ = 695.750 đ (làm tròn đến đồng)"
    );
    assert_eq!(calc["share"], "66.66");
    assert_eq!(calc["claim_amount"], 463_786);
    assert_eq!(
        calc["schedule"]["legal_basis"],
        "Nghị định 18/2014/NĐ-CP (nhuận bút báo điện tử, trang thông tin điện tử)"
    );

    // Remuneration within its cap: 50 % of the 10,000,000 đ budget.
    let entry = |amount: i64| json!({"site": "quang-nam", "period": this_period(), "payee_id": hoai_an, "category": "remuneration", "role": "Cộng tác viên biên tập", "amount": amount});
    let capped = app
        .call(
            "POST",
            "/api/v1/admin/royalties/entries",
            Some(&finance),
            Some(&entry(6_000_000)),
        )
        .await;
    assert!(capped.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("5.000.000 đ remain"));
    call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/entries",
        &finance,
        Some(&entry(2_000_000)),
    )
    .await;
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
    assert_eq!(
        fund_now["lines"][0],
        json!({"category": "royalty", "cap": 10_000_000, "used": 695_750, "remaining": 9_304_250})
    );
    assert_eq!(fund_now["lines"][2]["used"], 2_000_000);

    // Statements: the external contributor's 2,231,964 đ reach the tax threshold.
    let prepared = call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": this_period()})),
    )
    .await;
    let statements = prepared["items"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    let hers = statements
        .iter()
        .find(|s| s["payee_id"] == hoai_an)
        .unwrap();
    assert_eq!(hers["gross"], 2_231_964);
    assert_eq!(hers["tax"], 223_196);
    assert_eq!(hers["net"], 2_008_768);
    assert_eq!(
        hers["net_in_words"],
        "Hai triệu không trăm linh tám nghìn bảy trăm sáu mươi tám đồng"
    );
    let his = statements
        .iter()
        .find(|s| s["payee_id"] != hoai_an)
        .unwrap();
    assert_eq!(
        (his["gross"].clone(), his["tax"].clone()),
        (json!(463_786), json!(0))
    );
    let sid = hers["id"].as_i64().unwrap();
    let early = app
        .call(
            "POST",
            &format!("/api/v1/admin/royalties/statements/{sid}/payments"),
            Some(&finance),
            Some(&json!({"paid_on": "2026-12-04", "reference": "UNC 1", "amount": 1})),
        )
        .await;
    early.problem(409);
    // Two people: who prepared it does not approve it.
    let own = app
        .call(
            "POST",
            &format!("/api/v1/admin/royalties/statements/{sid}/approve"),
            Some(&finance),
            None,
        )
        .await;
    own.problem(403);
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/statements/{sid}/approve"),
        &head,
        None,
    )
    .await;
    let too_much = app
        .call(
            "POST",
            &format!("/api/v1/admin/royalties/statements/{sid}/payments"),
            Some(&finance),
            Some(
                &json!({"paid_on": "2026-12-04", "reference": "UNC 125/2026", "amount": 2_008_769}),
            ),
        )
        .await;
    too_much.problem(409);
    let paid = call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/statements/{sid}/payments"),
        &finance,
        Some(&json!({"paid_on": "2026-12-04", "reference": "UNC 125/2026", "amount": 1_000_000})),
    )
    .await;
    assert_eq!(
        (paid["paid"].clone(), paid["remaining"].clone()),
        (json!(1_000_000), json!(1_008_768))
    );

    // The office's workbook: header, numbered rows, totals, the amount in words, signatures.
    let res = app
        .call(
            "GET",
            &format!(
                "/api/v1/admin/royalties/sites/quang-nam/statements.xlsx?period={}",
                this_period()
            ),
            Some(&finance),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let sheet = crate::xlsx_sheet(&res.body, "Bảng kê");
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert!(cell(0, 0).starts_with("Đơn vị: "), "{}", cell(0, 0));
    assert_eq!(cell(1, 0), "BẢNG KÊ CHI NHUẬN BÚT, THÙ LAO");
    assert_eq!(cell(4, 0), "STT");
    let rows: Vec<u32> = (5..sheet.height() as u32)
        .filter(|r| cell(*r, 1) == "Cộng")
        .collect();
    let total_row = rows[0];
    assert_eq!(
        total_row, 8,
        "three numbered rows: two works' parts and the remuneration"
    );
    assert_eq!(cell(5, 0), "1");
    let first: Vec<String> = (1..9).map(|c| cell(5, c)).collect();
    assert_eq!(
        first,
        [
            "Hoài An",
            "Bình luận: chuyển đổi số",
            "Nhuận bút",
            "2.75",
            "",
            "253000",
            "33.34",
            "231964"
        ]
    );
    assert_eq!(
        (cell(6, 3), cell(6, 8)),
        ("Thù lao".to_string(), "2000000".to_string())
    );
    assert_eq!(
        cell(total_row, 8),
        (231_964 + 2_000_000 + 463_786).to_string()
    );
    assert_eq!(cell(total_row, 9), "223196");
    assert_eq!(cell(total_row, 10), (2_008_768 + 463_786).to_string());
    assert_eq!(cell(total_row + 1, 0), "Số tiền thực lĩnh bằng chữ: Hai triệu bốn trăm bảy mươi hai nghìn năm trăm năm mươi tư đồng");
    assert_eq!(cell(total_row + 3, 1), "Người lập biểu");
    assert_eq!(cell(total_row + 3, 5), "Kế toán trưởng");
    assert_eq!(cell(total_row + 3, 9), "Thủ trưởng đơn vị");
    let csv = app
        .call(
            "GET",
            &format!(
                "/api/v1/admin/royalties/sites/quang-nam/statements.csv?period={}",
                this_period()
            ),
            Some(&finance),
            None,
        )
        .await;
    assert!(csv.text().starts_with("\u{feff}Đơn vị: "));
    assert!(csv
        .text()
        .contains("Người lập biểu,Kế toán trưởng,Thủ trưởng đơn vị"));

    // The author's own page.
    let mine = call_ok(&app, "GET", "/api/v1/me/royalties", &author, None).await;
    assert_eq!(mine["claims"].as_array().unwrap().len(), 1);
    assert_eq!(mine["claims"][0]["claim"]["amount"], 463_786);
    assert_eq!(mine["statements"][0]["net"], 463_786);

    // Both claims are unpaid (hers in part, his not approved): due within 60 days.
    let due = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/sites/quang-nam/payment-due?within_days=366",
        &finance,
        None,
    )
    .await;
    let due = due["items"].as_array().unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0]["days_left"], 60);
    let none_soon = call_ok(
        &app,
        "GET",
        "/api/v1/admin/royalties/sites/quang-nam/payment-due?within_days=10",
        &finance,
        None,
    )
    .await;
    assert_eq!(none_soon["items"].as_array().unwrap().len(), 0);

    // A correction reverses every live entry and enters the new grade.
    let correct = format!("/api/v1/admin/royalties/works/{id}/correct");
    let bare = app
        .call(
            "POST",
            &correct,
            Some(&chief),
            Some(&json!({"genre": "binh_luan", "coefficient": "2.5"})),
        )
        .await;
    assert_eq!(bare.problem(422)["errors"][0]["field"], "reason");
    let corrected = call_ok(&app, "POST", &correct, &chief, Some(&json!({"genre": "binh_luan", "coefficient": "2.5", "reason": "Chấm lại theo hội đồng"}))).await;
    assert_eq!(corrected["amount"], 632_500);
    let ledger: Vec<(i64, Option<i64>)> = portal_db::schema::royalty_ledger::table
        .filter(portal_db::schema::royalty_ledger::work_id.eq(id))
        .order(portal_db::schema::royalty_ledger::id)
        .select((
            portal_db::schema::royalty_ledger::amount,
            portal_db::schema::royalty_ledger::reverses,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let amounts: Vec<i64> = ledger.iter().map(|l| l.0).collect();
    assert_eq!(
        amounts,
        vec![231_964, 463_786, -231_964, -463_786, 210_876, 421_624]
    );
    assert_eq!(ledger.iter().filter(|l| l.1.is_some()).count(), 2);
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
    assert_eq!(fund_now["lines"][0]["used"], 632_500);
    // His draft, made again, shows each entry at the grade it was entered at; hers was approved,
    // so her reversal and new entry wait for next month's statement.
    let remade = call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": this_period()})),
    )
    .await;
    let remade = remade["items"].as_array().unwrap();
    assert_eq!(remade.len(), 1);
    let lines: Vec<(Value, Value)> = remade[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["coefficient"].clone(), l["amount"].clone()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (json!("2.75"), json!(463_786)),
            (json!("2.75"), json!(-463_786)),
            (json!("2.50"), json!(421_624))
        ]
    );
    assert_eq!(remade[0]["net"], 421_624);

    // Still published: an approved claim is not cancelled.
    let cancel = format!("/api/v1/admin/royalties/works/{id}/cancel");
    let live = app
        .call(
            "POST",
            &cancel,
            Some(&chief),
            Some(&json!({"reason": "trùng lặp"})),
        )
        .await;
    live.problem(409);
}
