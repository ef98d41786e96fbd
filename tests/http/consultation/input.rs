//! Bad input on drafts and comments: a 422 naming the field's JSON path, and nothing written.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{call_ok, comment, draft, published};

on_every_backend!(bad_drafts_and_comments_are_refused_by_field_and_write_nothing);

async fn bad_drafts_and_comments_are_refused_by_field_and_write_nothing(app: TestApp) {
    let staff = app.contributor_of("so-tp", "quang-nam").await;
    let admin = "/api/v1/admin/agencies/so-tp/consultations";
    let field_of = |doc: &Value| doc["errors"][0]["field"].as_str().unwrap_or("").to_string();
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut d = draft("Dự thảo");
                d["parts"][0]["body"] = json!("<p>Có ký tự \u{0}</p>");
                d
            },
            "parts[0].body",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["title"] = json!("Uû ban nh©n d©n tØnh Qu¶ng Nam");
                d
            },
            "title",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["closes_on"] = d["opens_on"].clone();
                d
            },
            "closes_on",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["parts"] = json!([]);
                d
            },
            "parts",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["parts"] = json!((0..301)
                    .map(|i| json!({"label": format!("Điều {i}"), "body": "<p>x</p>"}))
                    .collect::<Vec<_>>());
                d
            },
            "parts",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["attachments"][0]["url"] = json!("javascript:alert(1)");
                d
            },
            "attachments[0].url",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["kind"] = json!("decree");
                d
            },
            "kind",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["parts"][2]["body"] = json!("<script>x</script>");
                d
            },
            "parts[2].body",
        ),
        (
            {
                let mut d = draft("Dự thảo");
                d["site"] = json!("khong-co");
                d
            },
            "site",
        ),
    ];
    for (body, field) in cases {
        let res = app.call("POST", admin, Some(&staff), Some(&body)).await;
        assert_eq!(field_of(&res.problem(422)), field, "{}", res.text());
    }
    let mut extra = draft("Dự thảo");
    extra["priority"] = json!("high");
    let res = app.call("POST", admin, Some(&staff), Some(&extra)).await;
    assert!(
        matches!(res.status, 400 | 422) && res.text().contains("priority"),
        "{}",
        res.text()
    );
    let listed = call_ok(&app, "GET", admin, &staff, None).await;
    assert_eq!(listed["items"], json!([]), "nothing was written");

    let (author, id, _) = published(&app, "Dự thảo kế hoạch").await;
    let path = format!("/api/v1/sites/quang-nam/consultations/{id}/comments");
    let bad: Vec<(Value, &str)> = vec![
        (
            {
                let mut c = comment(id, None, "x", true);
                c["body"] = json!("Góp ý \u{0}");
                c
            },
            "body",
        ),
        (
            {
                let mut c = comment(id, None, "x", true);
                c["consent"]["processing"] = json!(false);
                c
            },
            "consent.processing",
        ),
        (
            {
                let mut c = comment(id, None, "x", true);
                c["website"] = json!("http://spam");
                c
            },
            "website",
        ),
        (
            {
                let mut c = comment(id, None, "x", true);
                c["person"]["email"] = json!("khong-phai-email");
                c
            },
            "person.email",
        ),
        (
            {
                let mut c = comment(id, None, "x", true);
                c["form_token"] = json!(portal_testkit::form_token("consultation:999"));
                c
            },
            "form_token",
        ),
        (comment(id, Some("p0000000000"), "x", true), "part"),
    ];
    for (body, field) in bad {
        let res = app.post_json(&path, &body).await;
        assert_eq!(field_of(&res.problem(422)), field, "{}", res.text());
    }
    app.post_json(
        "/api/v1/sites/hoi-an/consultations/1/comments",
        &comment(id, None, "x", true),
    )
    .await
    .problem(404);
    let staff_view = call_ok(
        &app,
        "GET",
        &format!("{admin}/{id}/comments"),
        &author,
        None,
    )
    .await;
    assert_eq!(staff_view["items"], json!([]), "no comment was written");
}
