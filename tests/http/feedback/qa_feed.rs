//! Published Q&A in a change feed, like content's `/changes`: a mirror follows publications,
//! edits and withdrawals with a cursor, and a withdrawn answer comes as a tombstone.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::case_body;
use super::publication::{answered_case, publication};

on_every_backend!(a_mirror_follows_published_answers_with_a_cursor);

async fn feed(app: &TestApp, since: Option<&str>) -> Value {
    let path = match since {
        Some(cursor) => format!("/api/v1/sites/quang-nam/questions/changes?since={cursor}"),
        None => "/api/v1/sites/quang-nam/questions/changes".to_string(),
    };
    let res = app.get(&path).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

async fn a_mirror_follows_published_answers_with_a_cursor(app: TestApp) {
    let empty = feed(&app, None).await;
    assert_eq!(empty["changes"], json!([]));
    let start = empty["next_cursor"].as_str().unwrap().to_string();
    let (code, _) = answered_case(&app, &case_body("Hỏi về giấy phép")).await;
    let chief = app
        .token_for("tbbt.feed", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let path = format!("/api/v1/admin/feedback/{code}/publication");
    let put = |question: &'static str| {
        let (app, chief, path) = (&app, &chief, &path);
        async move {
            let res = app
                .call("PUT", path, Some(chief), Some(&publication(question)))
                .await;
            assert_eq!(res.status, 200, "{}", res.text());
        }
    };
    put("Xin hỏi thủ tục cấp phép?").await;
    put("Xin hỏi thủ tục cấp giấy phép xây dựng?").await;
    let first = feed(&app, Some(&start)).await;
    let changes = first["changes"].as_array().unwrap();
    let kinds: Vec<&str> = changes
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["published", "updated"], "{first}");
    // Each change carries the answer as it is live now, without personal data.
    assert_eq!(
        changes[0]["question"]["question"],
        "Xin hỏi thủ tục cấp giấy phép xây dựng?"
    );
    assert!(!first.to_string().contains(super::NAME));
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(feed(&app, Some(&cursor)).await["changes"], json!([]));

    let withdrawn = app.call("DELETE", &path, Some(&chief), None).await;
    assert!(withdrawn.status < 300, "{}", withdrawn.text());
    let later = feed(&app, Some(&cursor)).await;
    assert_eq!(later["changes"][0]["change"], "withdrawn", "{later}");
    assert!(
        later["changes"][0]["question"].is_null(),
        "a tombstone: {later}"
    );
    // Published again after its withdrawal: new to a mirror.
    put("Xin hỏi thủ tục cấp giấy phép xây dựng?").await;
    let again = feed(&app, Some(later["next_cursor"].as_str().unwrap())).await;
    assert_eq!(again["changes"][0]["change"], "published", "{again}");
    // Another site's feed is its own; a bad cursor or limit is a 400.
    assert_eq!(
        app.get("/api/v1/sites/hoi-an/questions/changes")
            .await
            .json()["changes"],
        json!([])
    );
    app.get("/api/v1/sites/quang-nam/questions/changes?since=xyz")
        .await
        .problem(400);
    app.get("/api/v1/sites/quang-nam/questions/changes?limit=501")
        .await
        .problem(400);
    app.get("/api/v1/sites/khong-co/questions/changes")
        .await
        .problem(404);
}
