//! Requests sent together: two agencies' heads signing the same case at once, and a head and a
//! deputy signing the same answer at once.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::{call_ok, forward, operator, submit};

on_every_backend!(
    signatures_sent_together_close_the_case_once,
    the_same_case_sent_together_is_received_once,
);

/// A double click or a retrying app: six copies of one case at once are one case, and the same
/// for a comment on a draft (checked: on PostgreSQL, without `serialise_on`, two cases appear).
async fn the_same_case_sent_together_is_received_once(app: TestApp) {
    let body = super::case_body("Hỏi cùng lúc");
    let sends = (0..6).map(|_| app.post_json("/api/v1/feedback", &body));
    let answers = futures_util::future::join_all(sends).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 200, 201],
        "{:?}",
        answers.iter().map(|a| a.text()).collect::<Vec<_>>()
    );
    let codes: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|a| a.json()["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 1, "{codes:?}");

    let (_, id, _) = crate::consultation::published(&app, "Dự thảo góp ý cùng lúc").await;
    let comment = crate::consultation::comment(id, None, "Góp ý gửi hai lần", true);
    let path = format!("/api/v1/sites/quang-nam/consultations/{id}/comments");
    let sends = (0..6).map(|_| app.post_json(&path, &comment));
    let answers = futures_util::future::join_all(sends).await;
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|a| a.json()["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(answers.iter().filter(|a| a.status == 201).count(), 1);
}

async fn head_of(app: &TestApp, op: &str, agency: &str, username: &str) -> String {
    app.user(username, agency, &[("quang-nam", "contributor")]);
    let path = format!("/api/v1/admin/agencies/{agency}/signatories/{username}");
    call_ok(app, "PUT", &path, op, Some(&json!({"capacity": "head"}))).await;
    app.login(username).await.0
}

async fn signatures_sent_together_close_the_case_once(app: TestApp) {
    let op = operator(&app).await;
    let xd = head_of(&app, &op, "so-xd", "gd.soxd").await;
    let tnmt = head_of(&app, &op, "so-tnmt", "gd.sotnmt").await;
    let deputy = {
        app.user("pgd.soxd", "so-xd", &[("quang-nam", "contributor")]);
        let path = "/api/v1/admin/agencies/so-xd/signatories/pgd.soxd";
        call_ok(&app, "PUT", path, &xd, Some(&json!({"capacity": "deputy"}))).await;
        app.login("pgd.soxd").await.0
    };
    for round in 0..5 {
        let (code, _) = submit(&app, &format!("Hỏi lần {round}")).await;
        forward(&app, &op, &code, &["so-xd", "so-tnmt"]).await;
        for (agency, token) in [("so-xd", &xd), ("so-tnmt", &tnmt)] {
            let path = format!("/api/v1/admin/agencies/{agency}/feedback/{code}/answer");
            call_ok(&app, "PUT", &path, token, Some(&json!({"text": "Trả lời"}))).await;
        }
        let sign = |agency: &str| format!("/api/v1/admin/agencies/{agency}/feedback/{code}/sign");
        let (xd_path, tnmt_path) = (sign("so-xd"), sign("so-tnmt"));
        let sends = [
            app.call("POST", &xd_path, Some(&xd), None),
            app.call("POST", &tnmt_path, Some(&tnmt), None),
            app.call("POST", &xd_path, Some(&deputy), None),
        ];
        let [a, b, c]: [_; 3] = futures_util::future::join_all(sends)
            .await
            .try_into()
            .unwrap_or_else(|_| panic!("three answers"));
        assert_eq!(b.status, 200, "{}", b.text());
        // so-xd's answer is signed once: by the head or by the deputy, the other told so.
        let mut xd_statuses = [a.status, c.status];
        xd_statuses.sort_unstable();
        assert_eq!(xd_statuses, [200, 409], "{} / {}", a.text(), c.text());
        let detail = call_ok(
            &app,
            "GET",
            &format!("/api/v1/admin/feedback/{code}"),
            &op,
            None,
        )
        .await;
        assert_eq!(detail["status"], "answered", "round {round}: {detail}");
    }
}
