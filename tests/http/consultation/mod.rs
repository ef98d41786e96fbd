//! Public consultation on drafts (Điều 7.2.n; NĐ 42/2022, Điều 10.1.i): an agency writes a draft
//! as numbered parts, publishes it, revises it while open (unchanged parts keep their ids); anyone
//! comments through the public-form protections; the agency moderates, concludes with a
//! disposition per comment and exports the comments.

use chrono::Duration;
use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

mod input;
mod rights;

on_every_backend!(a_draft_goes_from_writing_to_its_conclusion);

pub(crate) const AUTHOR_NAME: &str = "Trần Văn Bình";

pub(crate) fn today() -> chrono::NaiveDate {
    portal_feedback::workdays::today_in_vietnam()
}

pub(crate) fn draft(title: &str) -> Value {
    json!({
        "site": "quang-nam",
        "kind": "legal_document",
        "title": title,
        "summary": "Quy định mức thu phí vệ sinh đối với hộ gia đình trên địa bàn tỉnh.",
        "receiving_unit": "Phòng Xây dựng và Kiểm tra văn bản, Sở Tư pháp",
        "contact": "02 Trần Phú, Tam Kỳ; điện thoại 0235 3812 345; gopy.stp@quangnam.gov.vn",
        "opens_on": today(),
        "closes_on": today() + Duration::days(30),
        "attachments": [{"title": "Tờ trình", "url": "https://quangnam.gov.vn/files/to-trinh.pdf"}],
        "parts": [
            {"label": "Điều 1", "heading": "Phạm vi điều chỉnh", "body": "<p>Quyết định này quy định mức thu phí vệ sinh.</p>"},
            {"label": "Điều 2", "heading": "Đối tượng áp dụng", "body": "<p>Hộ gia đình, cá nhân trên địa bàn tỉnh Quảng Nam.</p><script>alert(1)</script>"},
            {"label": "Điều 3", "heading": "Mức thu", "body": "<p>Mức thu 20.000 đồng/hộ/tháng.</p>"}
        ]
    })
}

pub(crate) async fn call_ok(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Value {
    let res = app.call(method, path, Some(token), body).await;
    assert!(
        res.status == 200 || res.status == 201,
        "{method} {path}: {} {}",
        res.status,
        res.text()
    );
    res.json()
}

/// A draft of so-tp on quang-nam, published and open: (staff token, id, the agency's view).
pub(crate) async fn published(app: &TestApp, title: &str) -> (String, i64, Value) {
    let staff = app.contributor_of("so-tp", "quang-nam").await;
    let created = call_ok(
        app,
        "POST",
        "/api/v1/admin/agencies/so-tp/consultations",
        &staff,
        Some(&draft(title)),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/agencies/so-tp/consultations/{id}/publish");
    let view = call_ok(app, "POST", &path, &staff, None).await;
    (staff, id, view)
}

pub(crate) fn comment(id: i64, part: Option<&str>, body: &str, show: bool) -> Value {
    json!({
        "part": part,
        "body": body,
        "organisation": "Hội Doanh nhân trẻ Quảng Nam",
        "person": {"name": AUTHOR_NAME, "email": "binh.tran@example.vn", "phone": "0905 765 432"},
        "consent": {"processing": true, "publication": show},
        "privacy_notice_version": "2026-01",
        "form_token": portal_testkit::form_token(&format!("consultation:{id}"))
    })
}

fn close(app: &TestApp, id: i64) {
    use portal_db::schema::consultations;
    // The calendar moves on: the comment period ended yesterday.
    diesel::update(consultations::table.find(id))
        .set((
            consultations::opens_on.eq(today() - Duration::days(31)),
            consultations::closes_on.eq(today() - Duration::days(1)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

async fn a_draft_goes_from_writing_to_its_conclusion(app: TestApp) {
    let staff = app.contributor_of("so-tp", "quang-nam").await;
    let admin = "/api/v1/admin/agencies/so-tp/consultations";
    let created = call_ok(
        &app,
        "POST",
        admin,
        &staff,
        Some(&draft("Dự thảo Quyết định phí vệ sinh")),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["phase"], "draft");
    assert_eq!(created["slug"], "du-thao-quyet-dinh-phi-ve-sinh");
    assert_eq!(created["revision"], 1);
    assert!(
        !created["parts"][1]["body"]
            .as_str()
            .unwrap()
            .contains("script"),
        "{created}"
    );
    let first_ids: Vec<String> = created["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    // A draft is not public.
    let public = format!("/api/v1/sites/quang-nam/consultations/{id}");
    app.get(&public).await.problem(404);
    assert_eq!(
        app.get("/api/v1/sites/quang-nam/consultations")
            .await
            .json()["items"],
        json!([])
    );
    app.get(&format!("{public}/comment-form"))
        .await
        .problem(404);

    let opened = call_ok(&app, "POST", &format!("{admin}/{id}/publish"), &staff, None).await;
    assert_eq!(opened["phase"], "open");
    let again = app
        .call("POST", &format!("{admin}/{id}/publish"), Some(&staff), None)
        .await;
    again.problem(409);
    let read = app.get(&public).await.json();
    assert_eq!(read["phase"], "open");
    assert_eq!(read["agency"], "so-tp");
    assert_eq!(
        read["receiving_unit"],
        "Phòng Xây dựng và Kiểm tra văn bản, Sở Tư pháp"
    );
    assert_eq!(read["parts"].as_array().unwrap().len(), 3);
    assert!(read.get("created_by").is_none(), "{read}");
    let open_list = app
        .get("/api/v1/sites/quang-nam/consultations?phase=open")
        .await
        .json();
    assert_eq!(open_list["items"][0]["id"], id);
    let closed_list = app
        .get("/api/v1/sites/quang-nam/consultations?phase=closed")
        .await
        .json();
    assert_eq!(closed_list["items"], json!([]));
    app.get("/api/v1/sites/quang-nam/consultations?phase=draft")
        .await
        .problem(400);

    // Anyone comments, with a token the form gave.
    let form = app.get(&format!("{public}/comment-form")).await.json();
    let mut shown = comment(
        id,
        Some(&first_ids[1]),
        "Đề nghị miễn phí cho hộ nghèo.",
        true,
    );
    shown["form_token"] = form["form_token"].clone();
    let res = app.post_json(&format!("{public}/comments"), &shown).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let shown_id = res.json()["id"].as_i64().unwrap();
    assert_eq!(res.json()["status"], "pending");
    let dup = app.post_json(&format!("{public}/comments"), &shown).await;
    assert_eq!(
        (dup.status, dup.json()["id"].as_i64()),
        (200, Some(shown_id))
    );
    let private = comment(id, None, "Mức thu cần tính theo số nhân khẩu.", false);
    let private_id = app
        .post_json(&format!("{public}/comments"), &private)
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let spam = comment(
        id,
        Some(&first_ids[2]),
        "=HYPERLINK(\"http://spam.example\")",
        true,
    );
    let spam_id = app
        .post_json(&format!("{public}/comments"), &spam)
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&format!("{public}/comments")).await.json()["items"],
        json!([])
    );

    // The agency moderates: names masked, a rejection says why.
    let queue = call_ok(
        &app,
        "GET",
        &format!("{admin}/{id}/comments?status=pending"),
        &staff,
        None,
    )
    .await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 3);
    assert!(!queue.to_string().contains(AUTHOR_NAME), "{queue}");
    assert!(!queue.to_string().contains("binh.tran@"), "{queue}");
    let moderate = |cid: i64| format!("{admin}/{id}/comments/{cid}/moderation");
    let no_reason = app
        .call(
            "POST",
            &moderate(spam_id),
            Some(&staff),
            Some(&json!({"status": "rejected"})),
        )
        .await;
    assert_eq!(no_reason.problem(422)["errors"][0]["field"], "reason");
    call_ok(
        &app,
        "POST",
        &moderate(spam_id),
        &staff,
        Some(&json!({"status": "rejected", "reason": "Quảng cáo"})),
    )
    .await;
    for cid in [shown_id, private_id] {
        call_ok(
            &app,
            "POST",
            &moderate(cid),
            &staff,
            Some(&json!({"status": "approved"})),
        )
        .await;
    }
    let comments = app.get(&format!("{public}/comments")).await.json();
    let items = comments["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "only the one its author agreed to show: {comments}"
    );
    assert_eq!(items[0]["id"], shown_id);
    assert_eq!(items[0]["part_label"], "Điều 2");
    assert_eq!(items[0]["organisation"], "Hội Doanh nhân trẻ Quảng Nam");
    assert!(!comments.to_string().contains(AUTHOR_NAME) && !comments.to_string().contains("0905"));
    let counted = app.get(&public).await.json();
    assert_eq!(
        (
            counted["comments_received"].as_i64(),
            counted["comments_shown"].as_i64()
        ),
        (Some(2), Some(1))
    );

    // A revision while open: the unchanged parts keep their ids, the changed one gets a new one.
    let mut revised = draft("Dự thảo Quyết định phí vệ sinh");
    revised.as_object_mut().unwrap().remove("site");
    revised["parts"][0]["body"] =
        json!("<p>Quyết định này quy định mức thu và miễn phí vệ sinh.</p>");
    let rev = call_ok(
        &app,
        "PUT",
        &format!("{admin}/{id}"),
        &staff,
        Some(&revised),
    )
    .await;
    assert_eq!(rev["revision"], 2);
    let rev_ids: Vec<&str> = rev["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_ne!(rev_ids[0], first_ids[0]);
    assert_eq!(rev_ids[1..], [first_ids[1].as_str(), first_ids[2].as_str()]);
    assert_eq!(
        (
            rev["parts"][0]["since_revision"].as_i64(),
            rev["parts"][1]["since_revision"].as_i64()
        ),
        (Some(2), Some(1))
    );
    let stale = comment(id, Some(&first_ids[0]), "Góp ý điều 1 cũ", true);
    let problem = app
        .post_json(&format!("{public}/comments"), &stale)
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "part");
    // No conclusion while comments are open.
    let early = app
        .call(
            "PUT",
            &format!("{admin}/{id}/conclusion"),
            Some(&staff),
            Some(&json!({"summary": "<p>x</p>", "dispositions": []})),
        )
        .await;
    early.problem(409);

    close(&app, id);
    let late = comment(id, None, "Góp ý muộn", true);
    app.post_json(&format!("{public}/comments"), &late)
        .await
        .problem(409);
    assert_eq!(
        app.get("/api/v1/sites/quang-nam/consultations?phase=closed")
            .await
            .json()["items"][0]["id"],
        id
    );
    let conclusion = |dispositions: Value| json!({"summary": "<p>Sở Tư pháp đã tiếp thu ý kiến về hộ nghèo.</p>", "dispositions": dispositions});
    let missing = app
        .call(
            "PUT",
            &format!("{admin}/{id}/conclusion"),
            Some(&staff),
            Some(&conclusion(
                json!([{"comment_id": shown_id, "disposition": "accepted"}]),
            )),
        )
        .await
        .problem(422);
    assert_eq!(missing["errors"][0]["field"], "dispositions", "{missing}");
    assert!(missing["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains(&private_id.to_string()));
    let unexplained = app
        .call(
            "PUT",
            &format!("{admin}/{id}/conclusion"),
            Some(&staff),
            Some(&conclusion(json!([
                {"comment_id": shown_id, "disposition": "accepted"},
                {"comment_id": private_id, "disposition": "not_accepted"},
                {"comment_id": spam_id, "disposition": "accepted"}
            ]))),
        )
        .await
        .problem(422);
    let fields: Vec<&str> = unexplained["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"dispositions[1].reason")
            && fields.contains(&"dispositions[2].comment_id"),
        "{unexplained}"
    );
    // Nothing of the refused conclusions was kept.
    let unchanged = call_ok(&app, "GET", &format!("{admin}/{id}/comments"), &staff, None).await;
    assert!(
        unchanged["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["disposition"].is_null()),
        "{unchanged}"
    );
    let done = call_ok(&app, "PUT", &format!("{admin}/{id}/conclusion"), &staff, Some(&conclusion(json!([
        {"comment_id": shown_id, "disposition": "accepted"},
        {"comment_id": private_id, "disposition": "not_accepted", "reason": "Luật Phí và lệ phí tính theo hộ."}
    ])))).await;
    assert_eq!(done["phase"], "concluded");
    assert_eq!(
        (
            done["conclusion"]["accepted"].as_i64(),
            done["conclusion"]["not_accepted"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let shown_now = app.get(&format!("{public}/comments")).await.json();
    assert_eq!(shown_now["items"][0]["disposition"], "accepted");
    let after = app
        .call(
            "POST",
            &moderate(spam_id),
            Some(&staff),
            Some(&json!({"status": "approved"})),
        )
        .await;
    after.problem(409);

    // The office's export holds names and contacts, a formula is written as text, and it is audited.
    let csv = app
        .call(
            "GET",
            &format!("{admin}/{id}/comments.csv"),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = csv.text();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    assert!(
        text.contains(AUTHOR_NAME) && text.contains("binh.tran@example.vn"),
        "{text}"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://spam.example\"\")\""),
        "{text}"
    );
    assert!(text.contains("Luật Phí và lệ phí tính theo hộ."));
    let xlsx = app
        .call(
            "GET",
            &format!("{admin}/{id}/comments.xlsx"),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(xlsx.status, 200);
    let sheet = crate::xlsx_sheet(&xlsx.body, "Góp ý dự thảo");
    let cell = |row: u32, col: u32| {
        sheet
            .get_value((row, col))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(2, 5), "Họ tên");
    let numbers: Vec<String> = (3..6).map(|r| cell(r, 0)).collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    assert_eq!(cell(3, 5), AUTHOR_NAME);
    assert_eq!(cell(3, 3), "Điều 2", "the part's label");
    assert_eq!(cell(3, 10), "accepted");
    // The formula a commenter typed is text in the sheet, never a formula.
    assert_eq!(cell(5, 9), "'=HYPERLINK(\"http://spam.example\")");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body.clone())).unwrap();
    let formulas = calamine::Reader::worksheet_formula(&mut book, "Góp ý dự thảo").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula in the export"
    );
    let exports: i64 = {
        use portal_db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("consultation.comments_exported"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(exports, 2);
    // The sealed contact is not in the table in clear.
    let stored: Vec<Option<String>> = {
        use portal_db::schema::consultation_comments;
        consultation_comments::table
            .select(consultation_comments::personal)
            .load(&mut *app.conn())
            .unwrap()
    };
    assert!(
        stored
            .iter()
            .flatten()
            .all(|s| s.starts_with("v1:") && !s.contains("binh")),
        "{stored:?}"
    );

    let rss = app.get("/api/v1/sites/quang-nam/consultations.rss").await;
    assert_eq!(rss.status, 200);
    assert!(
        rss.text().contains("Dự thảo Quyết định phí vệ sinh"),
        "{}",
        rss.text()
    );
    assert!(rss
        .text()
        .contains("/du-thao/du-thao-quyet-dinh-phi-ve-sinh"));
}
