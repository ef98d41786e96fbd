//! Citizens' cases (Điều 11): intake with a tracking code and a private status link, triage and
//! forwarding in writing (11.2), answers drafted by staff and signed by the agency's head or a
//! deputy the head named (11.3), personal data encrypted and every view of it audited.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

mod clock;
mod guard;
pub(crate) mod open311;
pub(crate) mod publication;
mod qa_feed;
mod races;
mod reports;
mod rights;
mod starttls;
mod steps;

on_every_backend!(
    a_case_goes_from_intake_to_two_signed_answers,
    the_status_link_needs_its_secret_and_tells_typos_from_unknown_codes,
    intake_refuses_bad_text_missing_consent_and_robots,
    only_the_operator_triages_and_only_the_forwarded_agency_answers,
);

pub(super) const NAME: &str = "Nguyễn Thị Hoà";

pub(crate) fn case_body(subject: &str) -> Value {
    json!({
        "site": "quang-nam",
        "kind": "question",
        "subject": subject,
        "body": "Xin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ tại Tam Kỳ gồm những giấy tờ gì?",
        "person": {"name": NAME, "email": "hoa.nguyen@example.vn", "phone": "0905 123 456"},
        "consent": {"processing": true, "publication": true, "email": false},
        "privacy_notice_version": "2026-01",
        "form_token": portal_testkit::form_token("feedback:quang-nam")
    })
}

/// Sends a case as a citizen: (code, secret).
pub(super) async fn submit(app: &TestApp, subject: &str) -> (String, String) {
    let res = app.post_json("/api/v1/feedback", &case_body(subject)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    (
        body["code"].as_str().unwrap().to_string(),
        body["status_secret"].as_str().unwrap().to_string(),
    )
}

pub(super) async fn status(
    app: &TestApp,
    code: &str,
    secret: &str,
) -> portal_testkit::TestResponse {
    app.get_with(
        &format!("/api/v1/feedback/{code}"),
        &[("Portal-Case-Secret", secret)],
    )
    .await
}

pub(crate) async fn operator(app: &TestApp) -> String {
    app.token_for("op.ttcntt", "ttcntt", &[("quang-nam", "operator")])
        .await
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
        res.status < 300,
        "{method} {path}: {} {}",
        res.status,
        res.text()
    );
    if res.status == 204 {
        Value::Null
    } else {
        res.json()
    }
}

pub(crate) async fn forward(app: &TestApp, op: &str, code: &str, agencies: &[&str]) -> Value {
    call_ok(
        app,
        "POST",
        &format!("/api/v1/admin/feedback/{code}/forward"),
        op,
        Some(&json!({"agencies": agencies, "letter": "Kính chuyển Quý cơ quan xem xét, trả lời công dân theo thẩm quyền.", "field": "Xây dựng", "note": "Ghi chú nội bộ: đã gọi điện xác minh"})),
    )
    .await
}

async fn a_case_goes_from_intake_to_two_signed_answers(app: TestApp) {
    let (code, secret) = submit(&app, "Thủ tục cấp phép xây dựng").await;
    // Prefix, two groups of four Crockford symbols.
    let shape = regex_lite(&code);
    assert!(shape, "{code}");
    let op = operator(&app).await;
    let detail = forward(&app, &op, &code, &["so-xd", "so-tnmt"]).await;
    assert_eq!(detail["status"], "forwarded");
    assert_eq!(detail["forwardings"].as_array().unwrap().len(), 2);
    assert_eq!(
        detail["forwardings"][0]["due_on"],
        detail["deadline"]["due_on"]
    );
    // Received in December 2026: the pack of NĐ 224/2026 applies, 15 working days.
    assert_eq!(
        detail["deadline_rule"]["legal_basis"],
        "Nghị định 224/2026/NĐ-CP"
    );
    assert_eq!(detail["deadline_rule"]["working_days"], 15);

    let xd_staff = app
        .token_for("cv.soxd", "so-xd", &[("quang-nam", "contributor")])
        .await;
    let inbox = call_ok(&app, "GET", "/api/v1/admin/feedback-inbox", &xd_staff, None).await;
    assert_eq!(inbox["items"][0]["case"]["code"], code.as_str());
    assert_eq!(inbox["items"][0]["agency"], "so-xd");
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);

    let answer_path = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/answer");
    let sign_path = format!("/api/v1/admin/agencies/so-xd/feedback/{code}/sign");
    // The signed letter goes with the answer, by link; a link that is not https is refused.
    let bad_link = json!({"text": "Trả lời", "attachments": [{"title": "Công văn", "url": "http://vpdt.quangnam.gov.vn/cv.pdf"}]});
    let problem = app
        .call("PUT", &answer_path, Some(&xd_staff), Some(&bad_link))
        .await
        .problem(422);
    assert_eq!(
        problem["errors"][0]["field"], "attachments[0].url",
        "{problem}"
    );
    call_ok(&app, "PUT", &answer_path, &xd_staff, Some(&json!({
        "text": "Hồ sơ gồm: đơn đề nghị, bản sao giấy tờ về quyền sử dụng đất, bản vẽ thiết kế.",
        "attachments": [{"title": "Công văn số 123/SXD-QLN", "url": "https://vpdt.quangnam.gov.vn/van-ban/123-sxd.pdf"}]
    }))).await;
    // Staff draft; they do not sign (Điều 11.3).
    let refused = app.call("POST", &sign_path, Some(&xd_staff), None).await;
    assert!(
        refused.problem(403)["detail"]
            .as_str()
            .unwrap()
            .contains("head"),
        "{}",
        refused.text()
    );

    // The head is named by whoever manages accounts, not by the staff.
    app.user("gd.soxd", "so-xd", &[("quang-nam", "contributor")]);
    let head_path = "/api/v1/admin/agencies/so-xd/signatories/gd.soxd";
    app.call(
        "PUT",
        head_path,
        Some(&xd_staff),
        Some(&json!({"capacity": "head"})),
    )
    .await
    .problem(403);
    // Someone of another agency cannot be its head.
    app.user("gd.sotnmt", "so-tnmt", &[("quang-nam", "contributor")]);
    let wrong = app
        .call(
            "PUT",
            "/api/v1/admin/agencies/so-xd/signatories/gd.sotnmt",
            Some(&op),
            Some(&json!({"capacity": "head"})),
        )
        .await;
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "username");
    call_ok(
        &app,
        "PUT",
        head_path,
        &op,
        Some(&json!({"capacity": "head"})),
    )
    .await;
    let head = app.login("gd.soxd").await.0;
    let signed = call_ok(&app, "POST", &sign_path, &head, None).await;
    assert_eq!(signed["forwardings"][0]["status"], "signed");
    assert_eq!(signed["forwardings"][0]["signed_capacity"], "head");
    // One agency of two has answered: the case is not answered yet.
    assert_eq!(signed["status"], "forwarded");
    // A signed answer is sent: it no longer changes.
    app.call(
        "PUT",
        &answer_path,
        Some(&xd_staff),
        Some(&json!({"text": "Sửa lại"})),
    )
    .await
    .problem(409);

    // The other agency's head names a deputy, who signs.
    call_ok(
        &app,
        "PUT",
        "/api/v1/admin/agencies/so-tnmt/signatories/gd.sotnmt",
        &op,
        Some(&json!({"capacity": "head"})),
    )
    .await;
    let tnmt_head = app.login("gd.sotnmt").await.0;
    app.user("pgd.sotnmt", "so-tnmt", &[("quang-nam", "contributor")]);
    // The operator does not name deputies: the head does.
    app.call(
        "PUT",
        "/api/v1/admin/agencies/so-tnmt/signatories/pgd.sotnmt",
        Some(&op),
        Some(&json!({"capacity": "deputy"})),
    )
    .await
    .problem(403);
    call_ok(
        &app,
        "PUT",
        "/api/v1/admin/agencies/so-tnmt/signatories/pgd.sotnmt",
        &tnmt_head,
        Some(&json!({"capacity": "deputy"})),
    )
    .await;
    let deputy = app.login("pgd.sotnmt").await.0;
    call_ok(
        &app,
        "PUT",
        &format!("/api/v1/admin/agencies/so-tnmt/feedback/{code}/answer"),
        &deputy,
        Some(&json!({"text": "Về đất đai: đề nghị liên hệ Văn phòng đăng ký đất đai."})),
    )
    .await;
    let done = call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/agencies/so-tnmt/feedback/{code}/sign"),
        &deputy,
        None,
    )
    .await;
    assert_eq!(done["status"], "answered");
    assert!(done["deadline"]["answered_on"].is_string());

    let seen = status(&app, &code, &secret).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    assert_eq!(seen.header("cache-control").as_deref(), Some("no-store"));
    let seen = seen.json();
    assert_eq!(seen["status"], "answered");
    let answers: Vec<(&str, &str)> = seen["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["agency_name"].as_str().unwrap(),
                a["signed_capacity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(answers.len(), 2);
    assert!(
        answers.iter().any(|(_, c)| *c == "head") && answers.iter().any(|(_, c)| *c == "deputy")
    );
    let letters: Vec<&Value> = seen["answers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["attachments"].as_array().unwrap())
        .collect();
    assert_eq!(letters.len(), 1, "{seen}");
    assert_eq!(
        letters[0]["url"],
        "https://vpdt.quangnam.gov.vn/van-ban/123-sxd.pdf"
    );
    let actions: Vec<&str> = seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["received", "forwarded", "answered", "answered"]);
    // The back office's notes and drafts never reach the citizen.
    let text = seen.to_string();
    assert!(
        !text.contains("Ghi chú nội bộ") && !text.contains("answer_drafted"),
        "{text}"
    );
}

/// The shape of a tracking code, checked by hand rather than with the code under test.
fn regex_lite(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let crockford = |s: &str| {
        s.len() == 4
            && s.chars()
                .all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c))
    };
    parts.len() == 3 && parts[0] == "QNA" && crockford(parts[1]) && crockford(parts[2])
}

/// The same code with its last (check) symbol replaced by another one.
fn with_wrong_check(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == '2' { '3' } else { '2' };
    chars.into_iter().collect()
}

async fn the_status_link_needs_its_secret_and_tells_typos_from_unknown_codes(app: TestApp) {
    let (code, secret) = submit(&app, "Hỏi về học phí").await;
    let ok = status(&app, &code, &secret).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let ok = ok.json();
    assert_eq!(ok["status"], "received");
    assert_eq!(ok["your_data"]["name"], NAME);
    // Typed in lower case with spaces, as people do.
    let typed = code.to_lowercase().replace('-', "%20");
    assert_eq!(status(&app, &typed, &secret).await.status, 200);
    // A wrong secret and an unknown code read alike; a typo gets a hint.
    let wrong = status(&app, &code, "not-the-secret").await;
    let unknown_code = {
        // Another well-formed code: change a data symbol and find a check symbol that fits by
        // trying them, as a person guessing would.
        let mut found = None;
        for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ".chars() {
            let mut chars: Vec<char> = code.chars().collect();
            chars[4] = if chars[4] == 'A' { 'B' } else { 'A' };
            let last = chars.len() - 1;
            chars[last] = c;
            let candidate: String = chars.into_iter().collect();
            let res = status(&app, &candidate, &secret).await;
            if res.status == 404 {
                found = Some(res);
                break;
            }
            assert_eq!(res.status, 400, "{}", res.text());
        }
        found.expect("one check symbol fits")
    };
    let wrong = wrong.problem(404);
    let unknown = unknown_code.problem(404);
    assert_eq!(
        wrong["detail"].as_str().map(|d| d.contains(&code)),
        Some(true)
    );
    assert_eq!(wrong["title"], unknown["title"]);
    let typo = status(&app, &with_wrong_check(&code), &secret)
        .await
        .problem(400);
    assert!(typo.to_string().contains("typing mistake"), "{typo}");
    let no_header = app.get(&format!("/api/v1/feedback/{code}")).await;
    no_header.problem(404);

    // The same case sent again within a day is the first case.
    let again = app
        .post_json("/api/v1/feedback", &case_body("Hỏi về học phí"))
        .await;
    assert_eq!(again.status, 200, "{}", again.text());
    let again = again.json();
    assert_eq!(again["code"], code.as_str());
    assert_eq!(again["duplicate"], true);
    assert!(again["status_secret"].is_null());
}

async fn intake_refuses_bad_text_missing_consent_and_robots(app: TestApp) {
    // A NUL byte is refused by the body reader before any rule, naming its path.
    let mut nul = case_body("Câu hỏi");
    nul["subject"] = json!("Ti\u{0}eu de");
    let problem = app.post_json("/api/v1/feedback", &nul).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "subject", "{problem}");
    let mut bad = case_body("Câu hỏi");
    bad["subject"] = json!("   ");
    bad["consent"]["processing"] = json!(false);
    bad["consent"]["email"] = json!(true);
    bad["person"] = json!({"phone": "abc"});
    let problem = app.post_json("/api/v1/feedback", &bad).await.problem(422);
    let mut fields: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "consent.email:email_missing",
            "consent.processing:consent_required",
            "person.phone:invalid_phone",
            "subject:required",
        ]
    );
    // Legacy TCVN3 text is refused like in content (Điều 6.6).
    let mut legacy = case_body("Câu hỏi");
    legacy["body"] = json!("Uû ban nh©n d©n tØnh Qu¶ng Nam");
    let problem = app
        .post_json("/api/v1/feedback", &legacy)
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "body");
    let mut robot = case_body("Câu hỏi");
    robot["website"] = json!("http://spam.example");
    assert_eq!(
        app.post_json("/api/v1/feedback", &robot).await.problem(422)["errors"][0]["field"],
        "website"
    );
    let mut unknown = case_body("Câu hỏi");
    unknown["site"] = json!("khong-co");
    unknown["form_token"] = json!(portal_testkit::form_token("feedback:khong-co"));
    assert_eq!(
        app.post_json("/api/v1/feedback", &unknown)
            .await
            .problem(422)["errors"][0]["field"],
        "site"
    );
    let mut extra = case_body("Câu hỏi");
    extra["priority"] = json!("high");
    let status = app.post_json("/api/v1/feedback", &extra).await.status;
    assert!(status == 400 || status == 422, "{status}");
    // Nothing was written by any of them.
    let op = operator(&app).await;
    let list = call_ok(&app, "GET", "/api/v1/admin/feedback", &op, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");
}

async fn only_the_operator_triages_and_only_the_forwarded_agency_answers(app: TestApp) {
    let (code, _) = submit(&app, "Phản ánh đường hỏng").await;
    let op = operator(&app).await;
    let staff = app.contributor_of("so-xd", "quang-nam").await;
    let other = app.contributor_of("so-tp", "quang-nam").await;
    let chief = app
        .token_for("tbbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    app.get("/api/v1/admin/feedback").await.problem(401);
    for token in [&staff, &chief] {
        app.call("GET", "/api/v1/admin/feedback", Some(token), None)
            .await
            .problem(403);
        app.call(
            "GET",
            &format!("/api/v1/admin/feedback/{code}"),
            Some(token),
            None,
        )
        .await
        .problem(403);
        app.call(
            "POST",
            &format!("/api/v1/admin/feedback/{code}/forward"),
            Some(token),
            Some(&json!({"agencies": ["so-xd"], "letter": "x"})),
        )
        .await
        .problem(403);
    }
    // Before forwarding, not even the right agency sees it.
    app.call(
        "GET",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}"),
        Some(&staff),
        None,
    )
    .await
    .problem(403);
    forward(&app, &op, &code, &["so-xd"]).await;
    call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}"),
        &staff,
        None,
    )
    .await;
    // Another agency: neither through its own path nor through so-xd's.
    app.call(
        "GET",
        &format!("/api/v1/admin/agencies/so-tp/feedback/{code}"),
        Some(&other),
        None,
    )
    .await
    .problem(403);
    app.call(
        "GET",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}"),
        Some(&other),
        None,
    )
    .await
    .problem(403);
    app.call(
        "PUT",
        &format!("/api/v1/admin/agencies/so-xd/feedback/{code}/answer"),
        Some(&other),
        Some(&json!({"text": "x"})),
    )
    .await
    .problem(403);
    let inbox = call_ok(&app, "GET", "/api/v1/admin/feedback-inbox", &other, None).await;
    assert_eq!(inbox["items"].as_array().unwrap().len(), 0);
    // A chief editor holds no agency's answering scope.
    app.call("GET", "/api/v1/admin/feedback-inbox", Some(&chief), None)
        .await
        .problem(403);
    // A case forwarded once is not forwarded twice to the same agency; a rejected one not at all.
    let again = app
        .call(
            "POST",
            &format!("/api/v1/admin/feedback/{code}/forward"),
            Some(&op),
            Some(&json!({"agencies": ["so-xd"], "letter": "Lần hai"})),
        )
        .await;
    assert_eq!(again.problem(422)["errors"][0]["field"], "agencies[0]");
    let (spam, _) = submit(&app, "Quảng cáo").await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/feedback/{spam}/reject"),
        &op,
        Some(&json!({"reply": "Nội dung không thuộc phạm vi tiếp nhận.", "reason": "spam"})),
    )
    .await;
    app.call(
        "POST",
        &format!("/api/v1/admin/feedback/{spam}/forward"),
        Some(&op),
        Some(&json!({"agencies": ["so-xd"], "letter": "x"})),
    )
    .await
    .problem(409);
}
