//! Who may take which step: sub-site boards, wrong states and people, the two-person rule, returns with reasons.

use super::*;

on_every_backend!(
    a_sub_site_board_publishes_its_own_content,
    wrong_state_is_409_wrong_person_403_anonymous_401,
    self_approval_is_refused_where_two_people_are_required,
    a_return_needs_and_shows_its_reason,
);

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
