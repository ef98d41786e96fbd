//! The steps besides the answer: an interim reply with a promised date, an agency returning a
//! case not in its remit (Điều 11.3), a duplicate merged into the kept case, escalation to Sở
//! TT&TT by the operator and by the overdue job (Điều 11.4), and the retention purge.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::publication::answered_case;
use super::{call_ok, case_body, forward, operator, status, submit, NAME};

on_every_backend!(
    the_operator_classifies_and_a_new_kind_takes_its_own_deadline,
    an_agency_accepts_a_case_once_and_the_citizen_is_told,
    an_agency_replies_for_now_or_returns_the_case,
    a_duplicate_is_merged_and_reads_the_kept_answer,
    escalated_cases_reach_the_supervisor,
    personal_data_of_long_closed_cases_is_purged,
);

fn today() -> NaiveDate {
    portal_feedback::workdays::today_in_vietnam()
}

async fn the_operator_classifies_and_a_new_kind_takes_its_own_deadline(app: TestApp) {
    let (code, _) = submit(&app, "Thông tin sai trên cổng").await;
    let op = operator(&app).await;
    let path = format!("/api/v1/admin/feedback/{code}/classify");
    let before = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/feedback/{code}"),
        &op,
        None,
    )
    .await;
    assert_eq!(before["kind"], "question");
    // A report of wrong information has a limit of its own (5 working days, not 15).
    let body = json!({"kind": "inaccuracy", "field": "Thông tin điện tử", "note": "Người gửi chọn nhầm loại"});
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    app.call("POST", &path, Some(&staff), Some(&body))
        .await
        .problem(403);
    let after = call_ok(&app, "POST", &path, &op, Some(&body)).await;
    assert_eq!(
        (&after["kind"], &after["field"]),
        (&json!("inaccuracy"), &json!("Thông tin điện tử"))
    );
    let due = |v: &serde_json::Value| {
        NaiveDate::parse_from_str(v["deadline"]["due_on"].as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    assert!(
        due(&after) < due(&before),
        "{} then {}",
        due(&before),
        due(&after)
    );
    let bad = app
        .call(
            "POST",
            &path,
            Some(&op),
            Some(&json!({"kind": "complaint"})),
        )
        .await
        .problem(422);
    assert_eq!(bad["errors"][0]["field"], "kind");
    app.call("POST", &path, Some(&op), Some(&json!({})))
        .await
        .problem(422);
    // Once forwarded, the field may still change but the kind (and its deadline) may not.
    forward(&app, &op, &code, &["so-tttt"]).await;
    app.call("POST", &path, Some(&op), Some(&json!({"kind": "feedback"})))
        .await
        .problem(409);
    let refiled = call_ok(
        &app,
        "POST",
        &path,
        &op,
        Some(&json!({"field": "Báo chí, xuất bản"})),
    )
    .await;
    assert_eq!(refiled["field"], "Báo chí, xuất bản");
    assert_eq!(due(&refiled), due(&after));
}

async fn an_agency_accepts_a_case_once_and_the_citizen_is_told(app: TestApp) {
    let (code, secret) = submit(&app, "Hỏi về cấp phép").await;
    let op = operator(&app).await;
    forward(&app, &op, &code, &["so-xd"]).await;
    let accept = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/accept");
    // Another agency's staff are refused, on so-xd's path and on their own (not forwarded to it).
    let tp = app.contributor_of("so-tp", "quang-nam").await;
    app.call("POST", &accept, Some(&tp), None)
        .await
        .problem(403);
    let tp_path = format!("/api/v1/admin/agencies/so-tp/feedback/{code}/accept");
    app.call("POST", &tp_path, Some(&tp), None)
        .await
        .problem(403);
    app.call("POST", &accept, None, None).await.problem(401);
    // Two of so-xd's staff at once: one accepts, the other is told it is done.
    let (one, two) = (
        app.contributor_of("so-xd", "quang-nam").await,
        app.contributor_of("so-xd", "quang-nam").await,
    );
    let (a, b) = futures_util::future::join(
        app.call("POST", &accept, Some(&one), None),
        app.call("POST", &accept, Some(&two), None),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text(), b.text());
    let detail = if a.status == 200 { a.json() } else { b.json() };
    assert!(
        detail["forwardings"][0]["accepted_at"].is_string(),
        "{detail}"
    );
    let seen = status(&app, &code, &secret).await.json();
    let last = seen["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "accepted", "{seen}");
    assert!(
        last["note"].as_str().unwrap().contains("Sở Xây dựng"),
        "{last}"
    );
}

async fn an_agency_replies_for_now_or_returns_the_case(app: TestApp) {
    let (code, secret) = submit(&app, "Hỏi về quy hoạch").await;
    let op = operator(&app).await;
    forward(&app, &op, &code, &["so-xd", "so-tnmt"]).await;
    let xd = app.contributor_of("so-xd", "quang-nam").await;
    let interim = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/interim-reply");
    let promised = today() + Duration::days(20);
    let too_soon = json!({"text": "Đang xác minh", "promised_on": today()});
    let refused = app.call("POST", &interim, Some(&xd), Some(&too_soon)).await;
    assert_eq!(refused.problem(422)["errors"][0]["field"], "promised_on");
    let tp = app.contributor_of("so-tp", "quang-nam").await;
    let body = json!({"text": "Sở đang xác minh tại thực địa.", "promised_on": promised});
    app.call("POST", &interim, Some(&tp), Some(&body))
        .await
        .problem(403);
    let detail = call_ok(&app, "POST", &interim, &xd, Some(&body)).await;
    assert_eq!(
        detail["forwardings"][0]["interim_promised_on"],
        promised.to_string()
    );
    let seen = status(&app, &code, &secret).await.json();
    assert_eq!(seen["interim_replies"][0]["agency_name"], "Sở Xây dựng");
    assert_eq!(
        seen["interim_replies"][0]["promised_on"],
        promised.to_string()
    );

    // Sở TN&MT returns it: out of its inbox, it can no longer draft, the case stays with Sở XD.
    let tnmt = app.contributor_of("so-tnmt", "quang-nam").await;
    let give_back = format!("/api/v1/admin/agencies/so-tnmt/feedback/{code}/return");
    let reason = json!({"reason": "Nội dung thuộc thẩm quyền của UBND huyện Núi Thành"});
    let returned = call_ok(&app, "POST", &give_back, &tnmt, Some(&reason)).await;
    assert_eq!(returned["status"], "forwarded");
    assert!(returned["forwardings"][1]["returned_at"].is_string());
    let inbox = call_ok(&app, "GET", "/api/v1/admin/feedback-inbox", &tnmt, None).await;
    assert_eq!(inbox["items"], json!([]));
    app.call(
        "PUT",
        &format!("/api/v1/admin/agencies/so-tnmt/feedback/{code}/answer"),
        Some(&tnmt),
        Some(&json!({"text": "x"})),
    )
    .await
    .problem(403);
    // Sở XD returns it too: no agency holds it, it is the operator's again.
    let xd_back = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/return");
    let back = call_ok(&app, "POST", &xd_back, &xd, Some(&reason)).await;
    assert_eq!(back["status"], "received");
    // The reason is for the back office: the citizen does not see it.
    let seen = status(&app, &code, &secret).await.text();
    assert!(!seen.contains("Núi Thành"), "{seen}");
    // Forwarded again to an agency that returned it: its part opens anew.
    let again = forward(&app, &op, &code, &["so-xd"]).await;
    assert_eq!(again["status"], "forwarded");
    assert!(again["forwardings"][0]["returned_at"].is_null(), "{again}");
}

async fn a_duplicate_is_merged_and_reads_the_kept_answer(app: TestApp) {
    let (kept, _) = submit(&app, "Hỏi về cấp phép").await;
    let mut other = case_body("Hỏi lại về cấp phép");
    other["person"]["email"] = json!("nguoi.khac@example.vn");
    let res = app.post_json("/api/v1/feedback", &other).await;
    let (dup, dup_secret) = (
        res.json()["code"].as_str().unwrap().to_string(),
        res.json()["status_secret"].as_str().unwrap().to_string(),
    );
    let op = operator(&app).await;
    let merge = format!("/api/v1/admin/feedback/{dup}/merge");
    let itself = app
        .call("POST", &merge, Some(&op), Some(&json!({"into": dup})))
        .await;
    assert_eq!(itself.problem(422)["errors"][0]["field"], "into");
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    app.call("POST", &merge, Some(&staff), Some(&json!({"into": kept})))
        .await
        .problem(403);
    let merged = call_ok(&app, "POST", &merge, &op, Some(&json!({"into": kept}))).await;
    assert_eq!(merged["status"], "rejected");
    assert_eq!(merged["merged_into"], kept.as_str());
    assert!(merged["closed_on"].is_string());
    app.call("POST", &merge, Some(&op), Some(&json!({"into": kept})))
        .await
        .problem(409);
    let seen = status(&app, &dup, &dup_secret).await.json();
    assert_eq!(seen["merged_into"], kept.as_str());
    assert_eq!(seen["answers"], json!([]));
}

async fn escalated_cases_reach_the_supervisor(app: TestApp) {
    let (code, secret) = submit(&app, "Kiến nghị về sóng điện thoại").await;
    let op = operator(&app).await;
    let escalate = format!("/api/v1/admin/feedback/{code}/escalate");
    let reason = json!({"reason": "Không thuộc thẩm quyền của cơ quan nào trong tỉnh"});
    let up = call_ok(&app, "POST", &escalate, &op, Some(&reason)).await;
    assert_eq!(up["escalated_on"], today().to_string());
    app.call("POST", &escalate, Some(&op), Some(&reason))
        .await
        .problem(409);
    let seen = status(&app, &code, &secret).await.json();
    assert_eq!(
        seen["events"].as_array().unwrap().last().unwrap()["action"],
        "escalated"
    );

    // Sở TT&TT's staff see the queue; another agency's do not, nor does anyone anonymous.
    let stttt = app.contributor_of("so-tttt", "quang-nam").await;
    let xd = app.contributor_of("so-xd", "quang-nam").await;
    assert_eq!(
        app.call("GET", "/api/v1/admin/feedback-escalations", None, None)
            .await
            .status,
        401
    );
    app.call("GET", "/api/v1/admin/feedback-escalations", Some(&xd), None)
        .await
        .problem(403);
    let queue = call_ok(
        &app,
        "GET",
        "/api/v1/admin/feedback-escalations",
        &stttt,
        None,
    )
    .await;
    assert_eq!(queue["items"][0]["code"], code.as_str());
    // It forwards the case to itself and answers it through its own inbox.
    let reforward = format!("/api/v1/admin/feedback-escalations/{code}/forward");
    let letter = json!({"agencies": ["so-tttt"], "letter": "Sở TT&TT tiếp nhận, trả lời công dân"});
    app.call("POST", &reforward, Some(&xd), Some(&letter))
        .await
        .problem(403);
    let mine = call_ok(&app, "POST", &reforward, &stttt, Some(&letter)).await;
    assert_eq!(mine["forwardings"][0]["agency"], "so-tttt");
    let inbox = call_ok(&app, "GET", "/api/v1/admin/feedback-inbox", &stttt, None).await;
    assert_eq!(inbox["items"][0]["case"]["code"], code.as_str());

    // The overdue job: a case past its due date by more than the grace goes up by itself.
    let (late, _) = submit(&app, "Phản ánh chưa được trả lời").await;
    forward(&app, &op, &late, &["so-xd"]).await;
    let (recent, _) = submit(&app, "Phản ánh mới quá hạn").await;
    forward(&app, &op, &recent, &["so-xd"]).await;
    {
        use portal_db::schema::feedback_cases::dsl as c;
        for (code, days) in [(&late, 30), (&recent, 1)] {
            diesel::update(c::feedback_cases.filter(c::code.eq(code)))
                .set(c::due_on.eq(today() - Duration::days(days)))
                .execute(&mut app.conn())
                .unwrap();
        }
    }
    let (escalated, _) = portal::worker::run_feedback_jobs_once(&app.state)
        .await
        .unwrap();
    assert_eq!(
        escalated, 1,
        "only the case late past the grace of 5 working days"
    );
    let (again, _) = portal::worker::run_feedback_jobs_once(&app.state)
        .await
        .unwrap();
    assert_eq!(again, 0);
    let report = call_ok(
        &app,
        "GET",
        "/api/v1/admin/feedback-escalation-report",
        &op,
        None,
    )
    .await;
    let listed: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![code.as_str(), late.as_str()]);
    assert!(report["cases"][1]["reason"]
        .as_str()
        .unwrap()
        .contains("quá hạn"));
    app.call(
        "GET",
        "/api/v1/admin/feedback-escalation-report",
        Some(&xd),
        None,
    )
    .await
    .problem(403);
}

async fn personal_data_of_long_closed_cases_is_purged(app: TestApp) {
    let (old, old_secret) = answered_case(&app, &case_body("Hỏi từ năm trước")).await;
    let (fresh, fresh_secret) = answered_case(&app, &case_body("Hỏi gần đây")).await;
    {
        use portal_db::schema::feedback_cases::dsl as c;
        diesel::update(c::feedback_cases.filter(c::code.eq(&old)))
            .set(c::closed_on.eq(today() - Duration::days(400)))
            .execute(&mut app.conn())
            .unwrap();
    }
    let (_, purged) = portal::worker::run_feedback_jobs_once(&app.state)
        .await
        .unwrap();
    assert_eq!(purged, 1, "closed 400 days ago, past the 365 of the policy");
    let seen = status(&app, &old, &old_secret).await.json();
    assert!(seen["your_data"].is_null(), "{seen}");
    assert_eq!(seen["status"], "answered", "the anonymised case stays");
    assert_eq!(seen["answers"].as_array().unwrap().len(), 1);
    let kept = status(&app, &fresh, &fresh_secret).await.json();
    assert_eq!(kept["your_data"]["name"], NAME);
    let op = operator(&app).await;
    let detail = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/feedback/{old}"),
        &op,
        None,
    )
    .await;
    assert!(detail["person"].is_null());
    assert!(!detail.to_string().contains("hoa.nguyen"), "{detail}");
}
