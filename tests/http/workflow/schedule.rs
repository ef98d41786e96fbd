//! What readers see while edits wait, and scheduled publication with workers racing.

use super::*;

on_every_backend!(
    an_edit_to_a_published_item_leaves_the_published_version_live,
    scheduled_publish_and_unpublish_happen_once_with_two_workers_racing,
);

async fn publish(app: &TestApp, b: &Board, id: i64) -> Value {
    step(app, &b.contributor, id, "submit", None).await;
    step(app, &b.editor, id, "claim", None).await;
    step(app, &b.editor, id, "forward", None).await;
    step(app, &b.chief, id, "approve", None).await
}

/// The status and title readers get for an item from the public API.
async fn public_title(app: &TestApp, id: i64) -> (u16, Value) {
    let res = app.get(&format!("/api/v1/content/{id}")).await;
    let title = if res.status == 200 {
        res.json()["title"].clone()
    } else {
        Value::Null
    };
    (res.status, title)
}

async fn an_edit_to_a_published_item_leaves_the_published_version_live(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Bản đã đăng").await;
    let live = publish(&app, &b, id).await;
    assert_eq!(live["published_revision"], 1);
    let edited = app
        .call(
            "PATCH",
            &format!("{ITEMS}/{id}"),
            Some(&b.contributor),
            Some(&json!({"version": 1, "title": "Bản sửa chưa duyệt"})),
        )
        .await
        .json();
    assert_eq!(
        edited["status"], "draft",
        "the new version goes through the workflow again"
    );
    assert_eq!(
        edited["published_revision"], 1,
        "the published version stays live"
    );
    let live_snapshot = app
        .call(
            "GET",
            &format!("{ITEMS}/{id}/revisions/1"),
            Some(&b.contributor),
            None,
        )
        .await
        .json();
    assert_eq!(live_snapshot["snapshot"]["title"], "Bản đã đăng");
    // What readers get while the edit waits for the board: the approved version, not the edit.
    assert_eq!(public_title(&app, id).await, (200, json!("Bản đã đăng")));
    let listed = app
        .get(&format!("/api/v1/content?section={}&limit=50", b.section))
        .await
        .json();
    let titles: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == id)
        .map(|i| &i["title"])
        .collect();
    assert_eq!(titles, vec![&json!("Bản đã đăng")], "{listed}");
    let republished = publish(&app, &b, id).await;
    assert_eq!(republished["published_revision"], 2);
    assert_eq!(republished["title"], "Bản sửa chưa duyệt");
    assert_eq!(
        public_title(&app, id).await,
        (200, json!("Bản sửa chưa duyệt"))
    );
    let unpublished = step(
        &app,
        &b.chief,
        id,
        "unpublish",
        Some(json!({"comment": "Hết hiệu lực"})),
    )
    .await;
    assert_eq!(unpublished["status"], "unpublished");
    assert_eq!(unpublished["published_revision"], Value::Null);
    assert_eq!(public_title(&app, id).await.0, 404, "gone for readers");
    assert_eq!(
        step(&app, &b.chief, id, "archive", None).await["status"],
        "archived"
    );
}

async fn scheduled_publish_and_unpublish_happen_once_with_two_workers_racing(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Đăng theo lịch").await;
    step(&app, &b.contributor, id, "submit", None).await;
    step(&app, &b.editor, id, "claim", None).await;
    step(&app, &b.editor, id, "forward", None).await;
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let much_later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let scheduled = step(
        &app,
        &b.chief,
        id,
        "approve",
        Some(json!({"publish_at": later, "unpublish_at": much_later})),
    )
    .await;
    assert_eq!(scheduled["status"], "awaiting_approval");
    assert!(scheduled["publish_at"].is_string());
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/approve"),
        Some(&b.chief),
        Some(&json!({"version": 1})),
    )
    .await
    .problem(409);

    // Not due yet: nothing happens.
    assert_eq!(
        portal::worker::run_schedule_once(&app.state).await.unwrap(),
        0
    );
    // Time passes (the row is moved into the past), then two workers race.
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    diesel::update(content_items::table.filter(content_items::id.eq(id)))
        .set(content_items::publish_at.eq(Some(past)))
        .execute(&mut *app.conn())
        .unwrap();
    // Each worker holds its own connection before a barrier lets them all go at once, as
    // replicas whose timers fire together would.
    let race = |workers: usize| {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(workers));
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (pool, barrier) = (app.state.pool.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    portal_moderation::schedule::run_due(&mut conn).unwrap()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    };
    let runs = race(3);
    assert_eq!(
        runs.iter().map(|r| r.published).sum::<usize>(),
        1,
        "published exactly once: {runs:?}"
    );
    let item = app
        .call("GET", &format!("{ITEMS}/{id}"), Some(&b.chief), None)
        .await
        .json();
    assert_eq!(item["status"], "published");

    diesel::update(content_items::table.filter(content_items::id.eq(id)))
        .set(content_items::unpublish_at.eq(Some(past)))
        .execute(&mut *app.conn())
        .unwrap();
    let runs = race(3);
    assert_eq!(
        runs.iter().map(|r| r.unpublished).sum::<usize>(),
        1,
        "taken down exactly once: {runs:?}"
    );
    let publishes: i64 = workflow_transitions::table
        .filter(workflow_transitions::item_id.eq(id))
        .filter(workflow_transitions::action.eq_any(["publish", "unpublish"]))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(publishes, 2);
}
