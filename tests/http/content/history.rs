//! Concurrent saves, revisions, translations, deletion and restoring.

use super::*;

on_every_backend!(
    two_concurrent_editors_one_gets_412_and_nothing_is_lost,
    revisions_diff_and_restore_without_rewriting_history,
    translations_link_languages_one_per_group,
    deleted_drafts_are_hidden_and_restorable_by_the_chief_editor,
);

async fn two_concurrent_editors_one_gets_412_and_nothing_is_lost(app: TestApp) {
    let (token, section) = setup(&app).await;
    let other = app
        .token_for("hoa.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let item = create(&app, &token, &news(section, "Bản gốc")).await;
    let path = format!("{ITEMS}/{}", item["id"]);

    app.call(
        "PATCH",
        &path,
        Some(&token),
        Some(&json!({"title": "Không có phiên bản"})),
    )
    .await
    .problem(428);
    // Six editors save on top of version 1 at once (more requests in flight than the server
    // has workers, so they do overlap): exactly one wins, and what is stored is what the winner
    // sent, not what it was answered.
    let mut editors = vec![token.clone(), other.clone()];
    for n in 0..4 {
        editors.push(
            app.token_for(
                &format!("bt{n}.stp"),
                "so-tp",
                &[("quang-nam", "contributor")],
            )
            .await,
        );
    }
    let titles: Vec<String> = (0..editors.len()).map(|n| format!("Sửa số {n}")).collect();
    let sends = editors.iter().zip(&titles).map(|(editor, title)| {
        let request = app
            .client
            .patch(app.url(&path))
            .insert_header(("authorization", format!("Bearer {editor}")))
            .insert_header(("if-match", "\"1\""));
        let body = json!({ "title": title });
        async move {
            let mut res = request.send_json(&body).await.expect("a response");
            let doc: Value = serde_json::from_slice(&res.body().await.unwrap()).unwrap();
            (res.status().as_u16(), doc)
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let winners: Vec<usize> = (0..answers.len())
        .filter(|i| answers[*i].0 == 200)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one save wins: {answers:?}");
    for (status, doc) in answers.iter().filter(|(status, _)| *status != 200) {
        assert_eq!(*status, 412, "{doc}");
        assert_eq!(doc["current_version"], 2);
        assert_eq!(doc["type"], "urn:problem:portal:precondition-failed");
    }
    let now = app.call("GET", &path, Some(&token), None).await;
    assert_eq!(
        now.json()["title"],
        titles[winners[0]],
        "the winner's change is what is stored"
    );
    assert_eq!(now.header("etag").as_deref(), Some("\"2\""));

    // The loser reloads and saves on top: both changes are in the history.
    let retry = app
        .call(
            "PATCH",
            &path,
            Some(&other),
            Some(&json!({"version": 2, "summary": "Bổ sung tóm tắt"})),
        )
        .await;
    assert_eq!(retry.status, 200, "{}", retry.text());
    let stale = app
        .call(
            "PATCH",
            &path,
            Some(&token),
            Some(&json!({"version": 2, "summary": "cũ"})),
        )
        .await
        .problem(412);
    assert_eq!(stale["current_version"], 3);
    let revisions = app
        .call("GET", &format!("{path}/revisions"), Some(&token), None)
        .await
        .json();
    let versions: Vec<i64> = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
}

async fn revisions_diff_and_restore_without_rewriting_history(app: TestApp) {
    let (token, section) = setup(&app).await;
    let item = create(&app, &token, &news(section, "Tiêu đề ban đầu")).await;
    let path = format!("{ITEMS}/{}", item["id"]);
    app.call("PATCH", &path, Some(&token), Some(&json!({"version": 1, "title": "Tiêu đề sửa", "tags": ["pháp luật"], "note": "sửa tiêu đề"}))).await;
    let diff = app
        .call(
            "GET",
            &format!("{path}/diff?from=1&to=2"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        diff["changes"],
        json!([
            {"field": "title", "from": "Tiêu đề ban đầu", "to": "Tiêu đề sửa"},
            {"field": "tags", "from": [], "to": ["pháp luật"]},
        ])
    );
    let v2 = app
        .call("GET", &format!("{path}/revisions/2"), Some(&token), None)
        .await
        .json();
    assert_eq!(v2["note"], "sửa tiêu đề");
    assert_eq!(v2["snapshot"]["title"], "Tiêu đề sửa");

    let restored = app
        .call(
            "POST",
            &format!("{path}/revisions/1/restore"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text());
    let restored = restored.json();
    assert_eq!(restored["version"], 3);
    assert_eq!(restored["title"], "Tiêu đề ban đầu");
    assert_eq!(restored["tags"], json!([]));
    let list = app
        .call("GET", &format!("{path}/revisions"), Some(&token), None)
        .await
        .json();
    assert_eq!(list["items"][0]["note"], "restored from version 1");
    let still = app
        .call("GET", &format!("{path}/revisions/2"), Some(&token), None)
        .await
        .json();
    assert_eq!(
        still["snapshot"]["title"], "Tiêu đề sửa",
        "history is never rewritten"
    );
    app.call("GET", &format!("{path}/revisions/9"), Some(&token), None)
        .await
        .problem(404);
    app.call("GET", &format!("{path}/diff?from=1"), Some(&token), None)
        .await
        .problem(400);
}

async fn translations_link_languages_one_per_group(app: TestApp) {
    let (token, section) = setup(&app).await;
    let original = create(&app, &token, &news(section, "Chính sách mới")).await;
    let path = format!("{ITEMS}/{}/translations", original["id"]);
    let en = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(&json!({"language": "en", "title": "New policy", "body": "<p>Text</p>"})),
        )
        .await;
    assert_eq!(en.status, 201, "{}", en.text());
    let en = en.json();
    assert_eq!(en["translation_of"], original["id"]);
    assert_eq!(en["translation_group"], original["translation_group"]);
    assert_eq!(en["slug"], "new-policy");
    assert_eq!(
        en["translations"],
        json!([{"language": "vi", "id": original["id"], "slug": "chinh-sach-moi"}])
    );
    app.call(
        "POST",
        &path,
        Some(&token),
        Some(&json!({"language": "en", "title": "Again", "body": "<p>x</p>"})),
    )
    .await
    .problem(409);
    let doc = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(&json!({"language": "fr", "title": "Nouveau", "body": "<p>x</p>"})),
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "language");
    let vi = app
        .call(
            "GET",
            &format!("{ITEMS}/{}", original["id"]),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        vi["translations"],
        json!([{"language": "en", "id": en["id"], "slug": "new-policy"}])
    );
}

async fn deleted_drafts_are_hidden_and_restorable_by_the_chief_editor(app: TestApp) {
    let (token, section) = setup(&app).await;
    let item = create(&app, &token, &news(section, "Sẽ xoá")).await;
    let path = format!("{ITEMS}/{}", item["id"]);
    assert_eq!(
        app.call("DELETE", &path, Some(&token), None).await.status,
        204
    );
    app.call("GET", &path, Some(&token), None)
        .await
        .problem(404);
    app.call("POST", &format!("{path}/undelete"), Some(&token), None)
        .await
        .problem(403);
    let chief = app
        .token_for("truong.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let deleted = app
        .call("GET", &format!("{ITEMS}?deleted=true"), Some(&chief), None)
        .await
        .json();
    assert_eq!(deleted["items"][0]["id"], item["id"]);
    assert!(deleted["items"][0]["deleted_at"].is_string());
    let back = app
        .call("POST", &format!("{path}/undelete"), Some(&chief), None)
        .await;
    assert_eq!(back.status, 200, "{}", back.text());
    assert_eq!(back.json()["deleted_at"], Value::Null);
    assert_eq!(app.call("GET", &path, Some(&token), None).await.status, 200);
    let audit = app
        .call(
            "GET",
            &format!("/api/v1/admin/audit?target=content:{}", item["id"]),
            Some(&chief),
            None,
        )
        .await
        .json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["content.undelete", "content.delete", "content.create"]
    );
}
