//! Who must be refused: anonymous callers (401), another agency (403 on its path, 404 on this
//! agency's consultation through its own), an operator who is no agency's staff (403), and the
//! public, who never see a draft, a pending or a rejected comment, or a name.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::{call_ok, comment, draft, published};

on_every_backend!(only_the_drafting_agency_manages_its_consultation);

async fn only_the_drafting_agency_manages_its_consultation(app: TestApp) {
    let (_, id, _) = published(&app, "Dự thảo quy định phí").await;
    let res = app
        .post_json(
            &format!("/api/v1/sites/quang-nam/consultations/{id}/comments"),
            &comment(id, None, "Góp ý", true),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let comment_id = res.json()["id"].as_i64().unwrap();
    let own = format!("/api/v1/admin/agencies/so-tp/consultations/{id}");
    let mut edit = draft("Sửa");
    edit.as_object_mut().unwrap().remove("site");
    let routes = [
        ("GET", own.clone(), None),
        ("PUT", own.clone(), Some(edit)),
        ("POST", format!("{own}/publish"), None),
        ("GET", format!("{own}/comments"), None),
        (
            "POST",
            format!("{own}/comments/{comment_id}/moderation"),
            Some(json!({"status": "approved"})),
        ),
        (
            "PUT",
            format!("{own}/conclusion"),
            Some(json!({"summary": "<p>x</p>", "dispositions": []})),
        ),
        ("GET", format!("{own}/comments.csv"), None),
        ("GET", format!("{own}/comments.xlsx"), None),
    ];
    let other = app.contributor_of("so-xd", "quang-nam").await;
    let operator = app
        .token_for("op.consult", "ttcntt", &[("quang-nam", "operator")])
        .await;
    for (method, path, body) in &routes {
        let anonymous = app.call(method, path, None, body.as_ref()).await;
        assert_eq!(anonymous.status, 401, "{method} {path}");
        for token in [&other, &operator] {
            let refused = app.call(method, path, Some(token), body.as_ref()).await;
            assert_eq!(refused.status, 403, "{method} {path}: {}", refused.text());
        }
        // Through its own agency's path, so-xd does not find so-tp's consultation.
        let through_own = path.replace("/agencies/so-tp/", "/agencies/so-xd/");
        let hidden = app
            .call(method, &through_own, Some(&other), body.as_ref())
            .await;
        assert_eq!(
            hidden.status,
            404,
            "{method} {through_own}: {}",
            hidden.text()
        );
    }
    // Every agency opens its own consultations, whoever owns the consultation section.
    let mut own_draft = draft("Dự thảo quy hoạch xây dựng");
    own_draft["kind"] = json!("plan");
    call_ok(
        &app,
        "POST",
        "/api/v1/admin/agencies/so-xd/consultations",
        &other,
        Some(&own_draft),
    )
    .await;
    // The public reads neither the pending comment nor anything of a draft.
    let shown = app
        .get(&format!(
            "/api/v1/sites/quang-nam/consultations/{id}/comments"
        ))
        .await
        .json();
    assert_eq!(shown["items"], json!([]));
    let drafts = app
        .get("/api/v1/sites/quang-nam/consultations")
        .await
        .json();
    assert_eq!(
        drafts["items"].as_array().unwrap().len(),
        1,
        "so-xd's draft is not public: {drafts}"
    );
}
