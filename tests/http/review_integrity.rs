//! The board's review cannot be bypassed (Điều 10.2, 6.4, 5.4): an edit while the board has an
//! item sends it back, an approval names the revision it approves, and where a site requires two
//! people the approver did not write, submit, change or (by default) forward the item.

use diesel::prelude::*;
use portal_db::schema::content_items;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    an_authors_edit_after_forward_sends_the_item_back,
    an_edit_after_a_scheduled_approval_cancels_it,
    an_approval_names_its_revision_and_publishes_exactly_it,
    the_claiming_editor_edits_in_review_but_no_one_else_does,
    who_may_not_approve_under_the_two_person_rule,
    sites_created_later_require_two_people,
);

const ITEMS: &str = "/api/v1/admin/content";

struct Board {
    author: String,
    editor: String,
    other_editor: String,
    chief: String,
    second_chief: String,
    section: i64,
}

async fn board(app: &TestApp) -> Board {
    Board {
        author: app
            .token_for("tac.gia", "so-tp", &[("quang-nam", "contributor")])
            .await,
        editor: app
            .token_for("bien.tap", "so-tttt", &[("quang-nam", "editor")])
            .await,
        other_editor: app
            .token_for("bien.tap2", "so-tttt", &[("quang-nam", "editor")])
            .await,
        chief: app
            .token_for("truong.ban", "so-tttt", &[("quang-nam", "chief_editor")])
            .await,
        second_chief: app
            .token_for("pho.ban", "so-tttt", &[("quang-nam", "chief_editor")])
            .await,
        section: app
            .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
            .await,
    }
}

async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let res = app.call(method, path, Some(token), Some(&body)).await;
    let json = serde_json::from_str(&res.text()).unwrap_or(Value::Null);
    (res.status, json)
}

async fn ok(app: &TestApp, token: &str, id: i64, step: &str, body: Value) -> Value {
    let (status, json) = call(app, token, "POST", &format!("{ITEMS}/{id}/{step}"), body).await;
    assert_eq!(status, 200, "{step}: {json}");
    json
}

async fn draft(app: &TestApp, b: &Board, title: &str) -> i64 {
    let (status, json) = call(
        app,
        &b.author,
        "POST",
        ITEMS,
        json!({"section_id": b.section, "kind": "news", "title": title,
               "body": "<p>Bản gốc của tác giả</p>", "author": "Nguyễn Văn A", "source": "Sở Tư pháp"}),
    )
    .await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().unwrap()
}

async fn edit(app: &TestApp, token: &str, id: i64, version: i64, body_html: &str) -> Value {
    let (status, json) = call(
        app,
        token,
        "PATCH",
        &format!("{ITEMS}/{id}"),
        json!({"version": version, "body": body_html}),
    )
    .await;
    assert_eq!(status, 200, "{json}");
    json
}

async fn history(app: &TestApp, token: &str, id: i64) -> Vec<(String, String)> {
    let (_, json) = call(
        app,
        token,
        "GET",
        &format!("{ITEMS}/{id}/workflow"),
        Value::Null,
    )
    .await;
    json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["action"].as_str().unwrap().to_string(),
                t["to_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn an_authors_edit_after_forward_sends_the_item_back(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b, "Sửa sau khi chuyển").await;
    ok(&app, &b.author, id, "submit", json!({})).await;
    ok(&app, &b.editor, id, "claim", json!({})).await;
    ok(&app, &b.editor, id, "forward", json!({"version": 1})).await;
    // The author slips in a change the board never saw.
    let after = edit(&app, &b.author, id, 1, "<p>Nội dung chưa ai duyệt</p>").await;
    assert_eq!(after["status"], "submitted", "{after}");
    assert_eq!(after["claimed_by"], Value::Null);
    assert_eq!(after["approved_by"], Value::Null);
    // The chief cannot approve it now: it is back with the board.
    let (status, problem) = call(
        &app,
        &b.chief,
        "POST",
        &format!("{ITEMS}/{id}/approve"),
        json!({"version": 2}),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["allowed_transitions"], json!(["claim", "archive"]));
    assert_eq!(
        history(&app, &b.editor, id).await.last().unwrap(),
        &("send_back".to_string(), "submitted".to_string())
    );
    // The reviewer who had it is told.
    let (_, notes) = call(
        &app,
        &b.editor,
        "GET",
        "/api/v1/admin/notifications",
        Value::Null,
    )
    .await;
    assert!(
        notes["items"]
            .to_string()
            .contains("changed while under review"),
        "{notes}"
    );
}

async fn an_edit_after_a_scheduled_approval_cancels_it(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b, "Đăng theo lịch rồi sửa").await;
    ok(&app, &b.author, id, "submit", json!({})).await;
    ok(&app, &b.editor, id, "claim", json!({})).await;
    ok(&app, &b.editor, id, "forward", json!({})).await;
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let scheduled = ok(
        &app,
        &b.chief,
        id,
        "approve",
        json!({"version": 1, "publish_at": later}),
    )
    .await;
    assert!(scheduled["approved_by"].is_i64());
    // The approving chief edits after approving: this would publish unreviewed text and get
    // round the two-person rule.
    let after = edit(&app, &b.chief, id, 1, "<p>Sửa sau khi duyệt</p>").await;
    assert_eq!(after["status"], "submitted");
    assert_eq!(after["approved_by"], Value::Null);
    assert_eq!(after["publish_at"], Value::Null);
    // Even if the time comes (and a stale row still said "approved"), nothing is published.
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    diesel::update(content_items::table.filter(content_items::id.eq(id)))
        .set((
            content_items::publish_at.eq(Some(past)),
            content_items::status.eq("awaiting_approval"),
            content_items::approved_by.eq(Some(1_i64)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let report = portal_moderation::schedule::run_due(&mut app.conn()).unwrap();
    assert_eq!(
        report.published, 0,
        "the approved revision is no longer current"
    );
    let public = app.get(&format!("/api/v1/content/{id}")).await;
    assert_eq!(public.status, 404);
}

async fn an_approval_names_its_revision_and_publishes_exactly_it(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b, "Phiên bản được duyệt").await;
    ok(&app, &b.author, id, "submit", json!({})).await;
    ok(&app, &b.editor, id, "claim", json!({})).await;
    edit(&app, &b.editor, id, 1, "<p>Bản biên tập</p>").await;
    ok(&app, &b.editor, id, "forward", json!({})).await;
    let url = format!("{ITEMS}/{id}/approve");
    // No version named: 428.
    let (status, problem) = call(&app, &b.chief, "POST", &url, json!({})).await;
    assert_eq!(status, 428, "{problem}");
    // A stale If-Match: 412 with the current version, nothing published.
    let bearer = format!("Bearer {}", b.chief);
    let stale = app
        .request_with(
            "POST",
            &url,
            &[("Authorization", &bearer), ("If-Match", "\"1\"")],
        )
        .await;
    let problem = stale.problem(412);
    assert_eq!(problem["current_version"], 2);
    // The current one publishes exactly that revision.
    let published = app
        .request_with(
            "POST",
            &url,
            &[("Authorization", &bearer), ("If-Match", "\"2\"")],
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.text());
    assert_eq!(published.json()["published_revision"], 2);
    let public = app.get(&format!("/api/v1/content/{id}")).await.json();
    assert!(
        public["body"]
            .as_str()
            .unwrap_or("")
            .contains("Bản biên tập"),
        "{public}"
    );
}

async fn the_claiming_editor_edits_in_review_but_no_one_else_does(app: TestApp) {
    let b = board(&app).await;
    let id = draft(&app, &b, "Người đang biên tập").await;
    ok(&app, &b.author, id, "submit", json!({})).await;
    ok(&app, &b.editor, id, "claim", json!({})).await;
    let mine = edit(&app, &b.editor, id, 1, "<p>Biên tập viên sửa</p>").await;
    assert_eq!(mine["status"], "in_review");
    let theirs = edit(&app, &b.other_editor, id, 2, "<p>Người khác sửa</p>").await;
    assert_eq!(theirs["status"], "submitted");
    assert_eq!(theirs["claimed_by"], Value::Null);
    // A move to another section is a change of the item too.
    ok(&app, &b.editor, id, "claim", json!({})).await;
    ok(&app, &b.editor, id, "forward", json!({})).await;
    let other = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    let (status, moved) = call(
        &app,
        &b.chief,
        "POST",
        &format!("{ITEMS}/{id}/move"),
        json!({"section_id": other, "version": 3}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["status"], "submitted");
}

async fn who_may_not_approve_under_the_two_person_rule(app: TestApp) {
    let b = board(&app).await;
    let refused = |detail: &str, why: &str| {
        assert!(
            detail.contains("two people") && detail.contains(why),
            "{detail}"
        )
    };
    // The chief who created and submitted an item cannot approve it.
    let (_, item) = call(
        &app,
        &b.chief,
        "POST",
        ITEMS,
        json!({"section_id": b.section, "kind": "news", "title": "Trưởng ban viết",
               "body": "<p>x</p>", "author": "A", "source": "B"}),
    )
    .await;
    let own = item["id"].as_i64().unwrap();
    ok(&app, &b.chief, own, "submit", json!({})).await;
    ok(&app, &b.editor, own, "claim", json!({})).await;
    ok(&app, &b.editor, own, "forward", json!({})).await;
    let url = |id: i64| format!("{ITEMS}/{id}/approve");
    let (status, p) = call(&app, &b.chief, "POST", &url(own), json!({"version": 1})).await;
    assert_eq!(status, 403);
    refused(p["detail"].as_str().unwrap(), "you created it");
    ok(&app, &b.second_chief, own, "approve", json!({"version": 1})).await;

    // A chief who claimed, edited and forwarded cannot approve; the edit was theirs.
    let id = draft(&app, &b, "Trưởng ban biên tập").await;
    ok(&app, &b.author, id, "submit", json!({})).await;
    ok(&app, &b.chief, id, "claim", json!({})).await;
    edit(&app, &b.chief, id, 1, "<p>Trưởng ban sửa</p>").await;
    ok(&app, &b.chief, id, "forward", json!({})).await;
    let (status, p) = call(&app, &b.chief, "POST", &url(id), json!({"version": 2})).await;
    assert_eq!(status, 403);
    refused(
        p["detail"].as_str().unwrap(),
        "changed it since it was submitted",
    );

    // A chief who only claimed and forwarded: refused by default (Điều 10.2 separates them) …
    let id = draft(&app, &b, "Trưởng ban chuyển").await;
    ok(&app, &b.author, id, "submit", json!({})).await;
    ok(&app, &b.chief, id, "claim", json!({})).await;
    ok(&app, &b.chief, id, "forward", json!({})).await;
    let (status, p) = call(&app, &b.chief, "POST", &url(id), json!({"version": 1})).await;
    assert_eq!(status, 403);
    refused(p["detail"].as_str().unwrap(), "you forwarded it");
    // … and allowed where an operator said so, with a reason.
    let operator = app
        .token_for("it.bbt", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let (status, site) = call(
        &app,
        &operator,
        "PATCH",
        "/api/v1/admin/sites/quang-nam",
        json!({"forwarder_may_approve": true, "reason": "Ban Biên tập thiếu người trong dịp Tết"}),
    )
    .await;
    assert_eq!(status, 200, "{site}");
    assert_eq!(site["forwarder_may_approve"], true);
    assert_eq!(site["require_two_person_approval"], true);
    ok(&app, &b.chief, id, "approve", json!({"version": 1})).await;
}

async fn sites_created_later_require_two_people(app: TestApp) {
    let operator = app
        .token_for("it.site", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let (status, site) = call(
        &app,
        &operator,
        "POST",
        "/api/v1/admin/sites",
        json!({"key": "dien-ban", "name_vi": "Cổng TTĐT thị xã Điện Bàn",
               "base_url": "https://dienban.quangnam.gov.vn", "owner": "so-tp", "parent": "quang-nam"}),
    )
    .await;
    assert_eq!(status, 201, "{site}");
    assert_eq!(site["require_two_person_approval"], true);
    assert_eq!(site["forwarder_may_approve"], false);
    let public = app.get("/api/v1/sites/hoi-an").await.json();
    assert_eq!(public["require_two_person_approval"], true, "{public}");
}
