//! An answer published as public Q&A by the site's board, without personal data (Điều 11, 5.3),
//! found without diacritics, in RSS; and the e-mail a citizen who agreed to it receives at each
//! step, through the outbox and a real SMTP exchange with a local server.

use base64::Engine;
use portal_testkit::smtp::SmtpSink;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{call_ok, case_body, forward, operator, status, NAME};

on_every_backend!(
    the_board_publishes_an_answer_without_personal_data,
    a_citizen_who_agreed_is_mailed_each_step_in_vietnamese,
);

/// A case forwarded to so-xd, drafted by its staff and signed by its head: (code, secret).
pub(crate) async fn answered_case(app: &TestApp, body: &Value) -> (String, String) {
    let res = app.post_json("/api/v1/feedback", body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let (code, secret) = (
        res.json()["code"].as_str().unwrap().to_string(),
        res.json()["status_secret"].as_str().unwrap().to_string(),
    );
    let suffix = code[4..8].to_lowercase();
    let op = app
        .token_for(
            &format!("op.{suffix}"),
            "ttcntt",
            &[("quang-nam", "operator")],
        )
        .await;
    forward(app, &op, &code, &["so-xd"]).await;
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    call_ok(
        app,
        "PUT",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}/answer"),
        &staff,
        Some(&json!({"text": "Hồ sơ gồm đơn đề nghị cấp giấy phép xây dựng và bản vẽ thiết kế."})),
    )
    .await;
    let head = format!("gd.soxd.{suffix}");
    app.user(&head, "so-xd", &[("quang-nam", "contributor")]);
    call_ok(
        app,
        "PUT",
        &format!("/api/v1/admin/agencies/so-xd/signatories/{head}"),
        &op,
        Some(&json!({"capacity": "head"})),
    )
    .await;
    let head = app.login(&head).await.0;
    let signed = call_ok(
        app,
        "POST",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}/sign"),
        &head,
        None,
    )
    .await;
    assert_eq!(signed["status"], "answered", "{signed}");
    (code, secret)
}

pub(crate) fn publication(question: &str) -> Value {
    json!({
        "title": "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ",
        "question": question,
        "answer": "Hồ sơ gồm đơn đề nghị cấp giấy phép xây dựng và bản vẽ thiết kế (Sở Xây dựng trả lời)."
    })
}

async fn the_board_publishes_an_answer_without_personal_data(app: TestApp) {
    let (code, secret) = answered_case(&app, &case_body("Thủ tục cấp phép xây dựng")).await;
    let path = format!("/api/v1/admin/feedback/{code}/publication");
    let chief = app
        .token_for("tbbt.qn", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let clean = publication("Xin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ tại Tam Kỳ?");
    // Who may not publish: anonymous, the agency's staff, the operator.
    assert_eq!(app.call("PUT", &path, None, Some(&clean)).await.status, 401);
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    app.call("PUT", &path, Some(&staff), Some(&clean))
        .await
        .problem(403);
    let op = operator(&app).await;
    app.call("PUT", &path, Some(&op), Some(&clean))
        .await
        .problem(403);
    // The board's edit still holds the sender's name (typed without diacritics), or a phone number.
    let named = publication("Bà NGUYEN THI HOA hỏi thủ tục cấp giấy phép xây dựng?");
    let refused = app.call("PUT", &path, Some(&chief), Some(&named)).await;
    let problem = refused.problem(422);
    assert_eq!(problem["errors"][0]["field"], "question", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "personal_data");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("name"),
        "{problem}"
    );
    let mut phoned = clean.clone();
    phoned["answer"] = json!("Xin gọi đường dây nóng 0235 3812 345 để biết thêm.");
    let refused = app.call("PUT", &path, Some(&chief), Some(&phoned)).await;
    assert_eq!(refused.problem(422)["errors"][0]["field"], "answer");

    let published = call_ok(&app, "PUT", &path, &chief, Some(&clean)).await;
    let id = published["id"].as_i64().unwrap();
    assert_eq!(published["answered_by"], "Sở Xây dựng");

    // Public: list, one, search without diacritics, RSS — and no personal data anywhere.
    let list = app.get("/api/v1/sites/quang-nam/questions").await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert_eq!(list.json()["items"][0]["id"], id);
    for text in [
        list.text(),
        app.get(&format!("/api/v1/sites/quang-nam/questions/{id}"))
            .await
            .text(),
    ] {
        for personal in [NAME, "hoa.nguyen@example.vn", "0905", &code] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
    }
    let found = app
        .get("/api/v1/sites/quang-nam/questions?q=giay%20phep%20XAY%20DUNG")
        .await
        .json();
    assert_eq!(found["items"][0]["id"], id, "{found}");
    let missed = app
        .get("/api/v1/sites/quang-nam/questions?q=ho%20chieu")
        .await
        .json();
    assert_eq!(missed["items"], json!([]));
    let wild = app
        .get("/api/v1/sites/quang-nam/questions?q=%25")
        .await
        .json();
    assert_eq!(
        wild["items"][0]["id"], id,
        "a % is no wildcard, and no word"
    );
    let rss = app.get("/api/v1/sites/quang-nam/questions.rss").await;
    assert_eq!(rss.status, 200);
    let channel = rss::Channel::read_from(rss.text().as_bytes()).expect("valid RSS");
    assert_eq!(
        channel.items()[0].title(),
        Some("Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ")
    );
    // The citizen is told on the status link.
    let seen = status(&app, &code, &secret).await.json();
    assert!(seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "published"));

    // Withdrawn: gone from the public side; published again: back, same id.
    assert_eq!(
        app.call("DELETE", &path, Some(&chief), None).await.status,
        204
    );
    app.get(&format!("/api/v1/sites/quang-nam/questions/{id}"))
        .await
        .problem(404);
    let again = call_ok(&app, "PUT", &path, &chief, Some(&clean)).await;
    assert_eq!(again["id"], id);

    // Without the sender's consent to publication, nothing is published.
    let mut private = case_body("Hỏi riêng");
    private["consent"]["publication"] = json!(false);
    let (private_code, _) = answered_case(&app, &private).await;
    app.call(
        "PUT",
        &format!("/api/v1/admin/feedback/{private_code}/publication"),
        Some(&chief),
        Some(&clean),
    )
    .await
    .problem(409);
    let candidates = call_ok(
        &app,
        "GET",
        "/api/v1/admin/sites/quang-nam/question-candidates",
        &chief,
        None,
    )
    .await;
    let codes: Vec<&str> = candidates["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec![code.as_str()],
        "only consented cases are candidates"
    );
}

/// An RFC 2047 header value back to text: `=?utf-8?b?…?=` words, adjacent ones joined.
fn decode_words(value: &str) -> String {
    let mut text = String::new();
    let mut previous_encoded = None;
    for word in value.split_whitespace() {
        let inner = word
            .strip_prefix("=?utf-8?b?")
            .or_else(|| word.strip_prefix("=?UTF-8?B?"))
            .and_then(|w| w.strip_suffix("?="));
        // The space between two encoded words is not part of the text (RFC 2047, 6.2).
        if previous_encoded.is_some() && !(previous_encoded == Some(true) && inner.is_some()) {
            text.push(' ');
        }
        match inner {
            Some(b64) => text.push_str(
                &String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .expect("base64"),
                )
                .expect("UTF-8"),
            ),
            None => text.push_str(word),
        }
        previous_encoded = Some(inner.is_some());
    }
    text
}

async fn a_citizen_who_agreed_is_mailed_each_step_in_vietnamese(app: TestApp) {
    let sink = SmtpSink::start();
    let mailer = portal::worker::Mailer::new(
        &sink.url(),
        "Cổng TTĐT Quảng Nam <no-reply@quangnam.gov.vn>",
    )
    .expect("a mailer");
    let mut body = case_body("Hỏi về giấy phép xây dựng");
    body["consent"]["email"] = json!(true);
    let (code, _) = answered_case(&app, &body).await;
    // No e-mail consent: nothing is queued for that case.
    let (_, _) = answered_case(&app, &case_body("Không nhận thư")).await;
    let sent = portal::worker::run_mail_once(&app.state, &mailer)
        .await
        .unwrap();
    assert_eq!(sent, 3, "received, forwarded, answered");
    let messages = sink.messages();
    assert_eq!(messages.len(), 3);
    let subjects: Vec<String> = messages
        .iter()
        .map(|m| decode_words(&m.header("Subject").unwrap()))
        .collect();
    assert_eq!(
        subjects,
        vec![
            format!("Hồ sơ {code} đã được tiếp nhận"),
            format!("Hồ sơ {code} đã được chuyển đến cơ quan có thẩm quyền"),
            format!("Hồ sơ {code} đã có trả lời"),
        ]
    );
    // Non-ASCII subjects travel as encoded words, never raw bytes.
    assert!(messages[0].header("Subject").unwrap().is_ascii());
    assert_eq!(messages[0].to, vec!["hoa.nguyen@example.vn".to_string()]);
    assert_eq!(messages[0].from, "no-reply@quangnam.gov.vn");
    // Sent once: a second run finds nothing due.
    assert_eq!(
        portal::worker::run_mail_once(&app.state, &mailer)
            .await
            .unwrap(),
        0
    );
    // Each opening of the address to send it is audited.
    let audited: i64 = {
        use diesel::prelude::*;
        use portal_db::schema::audit_log::dsl as a;
        a::audit_log
            .filter(a::action.eq("feedback.personal_data.view"))
            .filter(a::actor.eq("system:mailer"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(audited, 3);
}
