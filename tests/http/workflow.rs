//! The editorial workflow of Điều 10: submit, claim, forward, approve, return, unpublish,
//! archive — with the right people, in the right states, on the main portal and a sub-site.

use diesel::prelude::*;
use portal_db::schema::{content_items, workflow_transitions};
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    draft_to_published_on_the_main_portal_with_the_right_people,
    a_sub_site_board_publishes_its_own_content,
    wrong_state_is_409_wrong_person_403_anonymous_401,
    self_approval_is_refused_where_two_people_are_required,
    a_return_needs_and_shows_its_reason,
    an_edit_to_a_published_item_leaves_the_published_version_live,
    scheduled_publish_and_unpublish_happen_once_with_two_workers_racing,
    comments_notifications_and_queues,
);

const ITEMS: &str = "/api/v1/admin/content";

async fn version_of(app: &TestApp, token: &str, id: i64) -> i64 {
    let item = app
        .call("GET", &format!("{ITEMS}/{id}"), Some(token), None)
        .await;
    assert_eq!(item.status, 200, "{}", item.text());
    item.json()["version"].as_i64().unwrap()
}

struct Board {
    contributor: String,
    editor: String,
    chief: String,
    section: i64,
}

async fn board(app: &TestApp) -> Board {
    Board {
        contributor: app
            .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
            .await,
        editor: app
            .token_for("binh.bbt", "so-tttt", &[("quang-nam", "editor")])
            .await,
        chief: app
            .token_for("chinh.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
            .await,
        section: app
            .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
            .await,
    }
}

async fn draft(app: &TestApp, token: &str, section: i64, title: &str) -> i64 {
    let res = app
        .call(
            "POST",
            ITEMS,
            Some(token),
            Some(
                &json!({"section_id": section, "kind": "news", "title": title,
            "body": "<p>Nội dung</p>", "author": "Nguyễn Văn A", "source": "Sở Tư pháp"}),
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_i64().unwrap()
}

/// Takes a step as `token`. An approval names the version the chief editor is looking at, as a
/// client does from the item it shows (Điều 10.2: what is published is what was approved).
async fn step(app: &TestApp, token: &str, id: i64, action: &str, body: Option<Value>) -> Value {
    let body = if action == "approve" {
        let mut body = body.unwrap_or_else(|| json!({}));
        if body.get("version").is_none() {
            body["version"] = version_of(app, token, id).await.into();
        }
        Some(body)
    } else {
        body
    };
    let res = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/{action}"),
            Some(token),
            body.as_ref(),
        )
        .await;
    assert_eq!(res.status, 200, "{action}: {}", res.text());
    res.json()
}

async fn draft_to_published_on_the_main_portal_with_the_right_people(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Quyết định mới").await;
    assert_eq!(
        step(&app, &b.contributor, id, "submit", None).await["status"],
        "submitted"
    );
    let claimed = step(&app, &b.editor, id, "claim", None).await;
    assert_eq!(claimed["status"], "in_review");
    assert!(claimed["claimed_by"].is_i64());
    // The editor edits for quality and accuracy (Điều 10.2.a), then passes it on.
    let edited = app
        .call(
            "PATCH",
            &format!("{ITEMS}/{id}"),
            Some(&b.editor),
            Some(&json!({"version": 1, "title": "Quyết định mới về thủ tục hành chính"})),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(
        step(
            &app,
            &b.editor,
            id,
            "forward",
            Some(json!({"comment": "Đã biên tập"}))
        )
        .await["status"],
        "awaiting_approval"
    );
    let published = step(&app, &b.chief, id, "approve", None).await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["published_revision"], 2);
    assert!(published["first_published_at"].is_string());

    let workflow = app
        .call(
            "GET",
            &format!("{ITEMS}/{id}/workflow"),
            Some(&b.contributor),
            None,
        )
        .await
        .json();
    let steps: Vec<(String, String, String)> = workflow["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["action"].as_str().unwrap().into(),
                t["actor"].as_str().unwrap().into(),
                t["to_status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "submit".to_string(),
                "lan.stp".to_string(),
                "submitted".to_string()
            ),
            ("claim".into(), "binh.bbt".into(), "in_review".into()),
            (
                "forward".into(),
                "binh.bbt".into(),
                "awaiting_approval".into()
            ),
            ("publish".into(), "chinh.bbt".into(), "published".into()),
        ]
    );
    assert_eq!(workflow["history"][2]["comment"], "Đã biên tập");
    assert_eq!(
        workflow["allowed_transitions"],
        json!(["unpublish", "archive"])
    );
}

async fn a_sub_site_board_publishes_its_own_content(app: TestApp) {
    let staff = app
        .token_for("an.hoian", "tp-hoi-an", &[("hoi-an", "contributor")])
        .await;
    let chief = app
        .token_for("chief.hoian", "tp-hoi-an", &[("hoi-an", "chief_editor")])
        .await;
    let main_chief = app
        .token_for("chinh.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let section = app.section_id("hoi-an", "thong-bao").await;
    let id = draft(&app, &staff, section, "Thông báo phố cổ").await;
    step(&app, &staff, id, "submit", None).await;
    // The main portal's chief editor is not on this board (Điều 22.2).
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/claim"),
        Some(&main_chief),
        None,
    )
    .await
    .problem(403);
    step(&app, &chief, id, "claim", None).await;
    // The claiming editor edits during the review: that is the review itself.
    let edited = app
        .call(
            "PATCH",
            &format!("{ITEMS}/{id}"),
            Some(&chief),
            Some(&json!({"version": 1, "summary": "Ban biên tập Hội An sửa"})),
        )
        .await;
    assert_eq!(edited.status, 200);
    assert_eq!(edited.json()["status"], "in_review");
    step(&app, &chief, id, "forward", None).await;
    // Every site requires two people by default (Điều 10.2): a lone chief editor who edited and
    // forwarded cannot approve.
    let refused = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/approve"),
            Some(&chief),
            Some(&json!({"version": 2})),
        )
        .await
        .problem(403);
    assert!(
        refused["detail"].as_str().unwrap().contains("two people"),
        "{refused}"
    );
    // An operator turns the rule off for the small sub-site: only with a reason, audited.
    let operator = app
        .token_for("it.rules", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let no_reason = app
        .call(
            "PATCH",
            "/api/v1/admin/sites/hoi-an",
            Some(&operator),
            Some(&json!({"require_two_person_approval": false})),
        )
        .await
        .problem(422);
    assert_eq!(no_reason["errors"][0]["field"], "reason");
    let site = app
        .call(
            "PATCH",
            "/api/v1/admin/sites/hoi-an",
            Some(&operator),
            Some(
                &json!({"require_two_person_approval": false, "review_threshold_hours": 24,
                "reason": "Ban biên tập Hội An chỉ có một người (QĐ của UBND thành phố)"}),
            ),
        )
        .await
        .json();
    assert_eq!(site["require_two_person_approval"], false);
    assert_eq!(site["review_threshold_hours"], 24);
    let audit = app
        .call(
            "GET",
            "/api/v1/admin/audit?action=site.update",
            Some(&operator),
            None,
        )
        .await;
    assert!(
        audit.text().contains("chỉ có một người"),
        "the reason is audited: {}",
        audit.text()
    );
    assert_eq!(
        step(&app, &chief, id, "approve", None).await["status"],
        "published"
    );
    // Turned on again, the same move is refused.
    app.call(
        "PATCH",
        "/api/v1/admin/sites/hoi-an",
        Some(&operator),
        Some(&json!({"require_two_person_approval": true})),
    )
    .await
    .json();
    let second = draft(&app, &staff, section, "Thông báo thứ hai").await;
    step(&app, &staff, second, "submit", None).await;
    step(&app, &chief, second, "claim", None).await;
    app.call(
        "PATCH",
        &format!("{ITEMS}/{second}"),
        Some(&chief),
        Some(&json!({"version": 1, "summary": "sửa"})),
    )
    .await;
    step(&app, &chief, second, "forward", None).await;
    app.call(
        "POST",
        &format!("{ITEMS}/{second}/approve"),
        Some(&chief),
        Some(&json!({"version": 2})),
    )
    .await
    .problem(403);
    let bad = app
        .call(
            "PATCH",
            "/api/v1/admin/sites/hoi-an",
            Some(&operator),
            Some(&json!({"review_threshold_hours": 0})),
        )
        .await
        .problem(422);
    assert_eq!(bad["errors"][0]["field"], "review_threshold_hours");
}

async fn wrong_state_is_409_wrong_person_403_anonymous_401(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Trạng thái").await;
    app.call("POST", &format!("{ITEMS}/{id}/submit"), None, None)
        .await
        .problem(401);
    let doc = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/approve"),
            Some(&b.chief),
            None,
        )
        .await
        .problem(409);
    assert_eq!(doc["type"], "urn:problem:portal:invalid-transition");
    assert_eq!(doc["allowed_transitions"], json!(["submit", "archive"]));
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/claim"),
        Some(&b.editor),
        None,
    )
    .await
    .problem(409);
    step(&app, &b.contributor, id, "submit", None).await;
    // A contributor cannot review, and an editor cannot approve.
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/claim"),
        Some(&b.contributor),
        None,
    )
    .await
    .problem(403);
    step(&app, &b.editor, id, "claim", None).await;
    step(&app, &b.editor, id, "forward", None).await;
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/approve"),
        Some(&b.editor),
        Some(&json!({"version": 1})),
    )
    .await
    .problem(403);
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/unpublish"),
        Some(&b.chief),
        Some(&json!({"comment": "x"})),
    )
    .await
    .problem(409);
    let other_agency = app
        .token_for("x.stc", "so-tc", &[("quang-nam", "contributor")])
        .await;
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/archive"),
        Some(&other_agency),
        None,
    )
    .await
    .problem(403);
    let unknown = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/submit"),
            Some(&b.contributor),
            Some(&json!({"colour": 1})),
        )
        .await;
    unknown.problem(422);
    // Author and source are required before submission (Điều 6.3).
    let bare = app
        .call("POST", ITEMS, Some(&b.contributor), Some(&json!({"section_id": b.section, "kind": "news", "title": "Thiếu nguồn", "body": "<p>x</p>"})))
        .await
        .json();
    let doc = app
        .call(
            "POST",
            &format!("{ITEMS}/{}/submit", bare["id"]),
            Some(&b.contributor),
            None,
        )
        .await
        .problem(422);
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["author", "source"]);
}

async fn self_approval_is_refused_where_two_people_are_required(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Tự duyệt").await;
    step(&app, &b.contributor, id, "submit", None).await;
    step(&app, &b.chief, id, "claim", None).await;
    let edited = app
        .call(
            "PATCH",
            &format!("{ITEMS}/{id}"),
            Some(&b.chief),
            Some(&json!({"version": 1, "summary": "Trưởng ban tự sửa"})),
        )
        .await;
    assert_eq!(edited.status, 200);
    step(&app, &b.chief, id, "forward", None).await;
    let doc = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/approve"),
            Some(&b.chief),
            Some(&json!({"version": 2})),
        )
        .await
        .problem(403);
    assert!(
        doc["detail"].as_str().unwrap().contains("two people"),
        "{doc}"
    );
    let second_chief = app
        .token_for("pho.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    assert_eq!(
        step(&app, &second_chief, id, "approve", None).await["status"],
        "published"
    );
}

async fn a_return_needs_and_shows_its_reason(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Trả lại").await;
    step(&app, &b.contributor, id, "submit", None).await;
    step(&app, &b.editor, id, "claim", None).await;
    let doc = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/return"),
            Some(&b.editor),
            None,
        )
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["field"], "comment");
    let returned = step(
        &app,
        &b.editor,
        id,
        "return",
        Some(json!({"comment": "Thiếu số hiệu văn bản"})),
    )
    .await;
    assert_eq!(returned["status"], "returned");
    let workflow = app
        .call(
            "GET",
            &format!("{ITEMS}/{id}/workflow"),
            Some(&b.contributor),
            None,
        )
        .await
        .json();
    let last = workflow["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["comment"], "Thiếu số hiệu văn bản");
    let notes = app
        .call(
            "GET",
            "/api/v1/admin/notifications",
            Some(&b.contributor),
            None,
        )
        .await
        .json();
    assert!(
        notes["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Thiếu số hiệu văn bản"),
        "{notes}"
    );
    assert_eq!(
        workflow["allowed_transitions"],
        json!(["submit", "archive"])
    );
    assert_eq!(
        step(&app, &b.contributor, id, "submit", None).await["status"],
        "submitted",
        "resubmitted after fixing"
    );
}

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
        portal_api::worker::run_schedule_once(&app.state)
            .await
            .unwrap(),
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

async fn comments_notifications_and_queues(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b.contributor, b.section, "Góp ý").await;
    step(&app, &b.contributor, id, "submit", None).await;

    let queue = app
        .call("GET", "/api/v1/admin/workflow/queue", Some(&b.editor), None)
        .await
        .json();
    assert_eq!(queue["claimable"][0]["id"], id);
    let note = app
        .call(
            "GET",
            "/api/v1/admin/notifications?unread=true",
            Some(&b.editor),
            None,
        )
        .await
        .json();
    assert_eq!(note["items"][0]["kind"], "submitted");
    let note_id = note["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.call(
            "POST",
            &format!("/api/v1/admin/notifications/{note_id}/read"),
            Some(&b.editor),
            None
        )
        .await
        .status,
        204
    );
    let unread = app
        .call(
            "GET",
            "/api/v1/admin/notifications?unread=true",
            Some(&b.editor),
            None,
        )
        .await
        .json();
    assert_eq!(unread["items"], json!([]));
    app.call(
        "POST",
        &format!("/api/v1/admin/notifications/{note_id}/read"),
        Some(&b.contributor),
        None,
    )
    .await
    .problem(404);
    app.call(
        "GET",
        "/api/v1/admin/workflow/queue",
        Some(&b.contributor),
        None,
    )
    .await
    .problem(403);

    step(&app, &b.editor, id, "claim", None).await;
    let comment = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/comments"),
            Some(&b.editor),
            Some(&json!({"body": "Đề nghị bổ sung trích yếu"})),
        )
        .await;
    assert_eq!(comment.status, 201, "{}", comment.text());
    let cid = comment.json()["id"].as_i64().unwrap();
    let reply = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/comments"),
            Some(&b.contributor),
            Some(&json!({"body": "Đã bổ sung", "parent_id": cid})),
        )
        .await;
    assert_eq!(reply.status, 201);
    let resolved = app
        .call(
            "POST",
            &format!("{ITEMS}/{id}/comments/{cid}/resolve"),
            Some(&b.editor),
            None,
        )
        .await
        .json();
    assert!(resolved["resolved_at"].is_string());
    let thread = app
        .call(
            "GET",
            &format!("{ITEMS}/{id}/comments"),
            Some(&b.contributor),
            None,
        )
        .await
        .json();
    assert_eq!(thread["items"][1]["parent_id"], cid);
    let stranger = app
        .token_for("la.stc", "so-tc", &[("quang-nam", "contributor")])
        .await;
    app.call(
        "GET",
        &format!("{ITEMS}/{id}/comments"),
        Some(&stranger),
        None,
    )
    .await
    .problem(403);
    app.call(
        "POST",
        &format!("{ITEMS}/{id}/comments"),
        Some(&b.editor),
        Some(&json!({"body": " "})),
    )
    .await
    .problem(422);

    let mine = app
        .call("GET", "/api/v1/admin/workflow/queue", Some(&b.editor), None)
        .await
        .json();
    assert_eq!(mine["claimed_by_me"][0]["id"], id);
    step(&app, &b.editor, id, "forward", None).await;
    let chief_queue = app
        .call("GET", "/api/v1/admin/workflow/queue", Some(&b.chief), None)
        .await
        .json();
    assert_eq!(chief_queue["awaiting_my_approval"][0]["id"], id);
    let chief_notes = app
        .call("GET", "/api/v1/admin/notifications", Some(&b.chief), None)
        .await
        .json();
    assert!(chief_notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "forwarded"));

    let stats = app
        .call(
            "GET",
            "/api/v1/admin/workflow/stats?site=quang-nam",
            Some(&b.chief),
            None,
        )
        .await
        .json();
    assert!(stats["counts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["section_id"] == b.section
            && c["status"] == "awaiting_approval"
            && c["count"] == 1));
    assert_eq!(stats["overdue"], json!([]));
    diesel::update(content_items::table.filter(content_items::id.eq(id)))
        .set(content_items::status_changed_at.eq(Some(
            chrono::Utc::now().naive_utc() - chrono::Duration::hours(49),
        )))
        .execute(&mut *app.conn())
        .unwrap();
    let stats = app
        .call(
            "GET",
            "/api/v1/admin/workflow/stats?site=quang-nam",
            Some(&b.chief),
            None,
        )
        .await
        .json();
    assert_eq!(
        stats["overdue"][0]["id"], id,
        "waiting longer than the 48-hour threshold"
    );
    app.call(
        "GET",
        "/api/v1/admin/workflow/stats?site=hoi-an",
        Some(&b.chief),
        None,
    )
    .await
    .problem(403);
}
