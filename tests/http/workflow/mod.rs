//! The editorial workflow of Điều 10: submit, claim, forward, approve, return, unpublish,
//! archive — with the right people, in the right states, on the main portal and a sub-site.

use diesel::prelude::*;
use portal_db::schema::{content_items, workflow_transitions};
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

mod boards;
mod schedule;

on_every_backend!(
    draft_to_published_on_the_main_portal_with_the_right_people,
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
