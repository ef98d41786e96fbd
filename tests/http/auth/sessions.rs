//! Sessions: refresh rotation and reuse, idle and absolute limits, sign-out, and changes that end access at the next request.

use super::*;

on_every_backend!(
    refresh_rotates_and_reuse_revokes_the_family,
    idle_or_expired_refresh_tokens_are_refused,
    logout_ends_the_session_and_its_access_tokens,
    disabling_a_user_takes_effect_on_the_next_request,
    revoking_a_role_takes_effect_on_the_next_request,
    ownership_transfer_moves_write_scopes_at_the_next_refresh,
);

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    app.user("an.kbnn", "kbnn", &[("quang-nam", "contributor")]);
    let (_, first) = app.login("an.kbnn").await;
    let rotated = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": first}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    let body = rotated.json();
    let second = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);

    // The old token comes back: a thief or a replay. The whole family ends.
    app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": first}))
        .await
        .problem(401);
    app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": second}))
        .await
        .problem(401);
    let operator = app
        .token_for("it.ops2", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let audit = app
        .call(
            "GET",
            "/api/v1/admin/audit?action=token.reuse_detected",
            Some(&operator),
            None,
        )
        .await
        .json();
    // Both refused presentations are recorded: the replayed token, then the revoked successor.
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
    assert_eq!(audit["items"][0]["action"], "token.reuse_detected");
}

async fn idle_or_expired_refresh_tokens_are_refused(app: TestApp) {
    app.user("binh.cthue", "cuc-thue", &[("quang-nam", "contributor")]);
    app.login("binh.cthue").await;
    {
        let mut conn = app.conn();
        let row: (chrono::NaiveDateTime, chrono::NaiveDateTime) = refresh_tokens::table
            .select((refresh_tokens::created_at, refresh_tokens::expires_at))
            .order(refresh_tokens::id.desc())
            .first(&mut *conn)
            .unwrap();
        assert_eq!(
            (row.1 - row.0).num_minutes(),
            15,
            "15 minutes idle by default (level-3 practice, requirements.md)"
        );
    }
    app.post_json(
        "/api/v1/auth/refresh",
        &json!({"refresh_token": "rt_never-issued"}),
    )
    .await
    .problem(401);

    // The absolute cap, with real time: a server whose sessions last 3 seconds however often
    // they are refreshed (the default is 12 hours), and idle 15 minutes as usual. Refreshing
    // keeps the session only until the cap; then the refresh token and the access token that
    // came with the last refresh are both refused, although neither has idled.
    let capped = app
        .replica_with(|state| {
            let config = portal_auth::AuthConfig {
                refresh_max: std::time::Duration::from_secs(3),
                ..state.auth.config.clone()
            };
            state.with_auth_config(config)
        })
        .await;
    let (_, mut refresh) = capped.login("binh.cthue").await;
    let mut access = String::new();
    for _ in 0..2 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(600)).await;
        let next = capped
            .post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
            .await;
        assert_eq!(next.status, 200, "within the cap: {}", next.text());
        refresh = next.json()["refresh_token"].as_str().unwrap().to_string();
        access = next.json()["access_token"].as_str().unwrap().to_string();
    }
    let me = capped
        .call("GET", "/api/v1/auth/me", Some(&access), None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text());
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2200)).await;
    capped
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .problem(401);
    capped
        .call("GET", "/api/v1/auth/me", Some(&access), None)
        .await
        .problem(401);
}

async fn logout_ends_the_session_and_its_access_tokens(app: TestApp) {
    app.user("cuc.ctk", "cuc-thong-ke", &[("quang-nam", "contributor")]);
    let (access, refresh) = app.login("cuc.ctk").await;
    assert_eq!(
        app.call("GET", "/api/v1/auth/me", Some(&access), None)
            .await
            .status,
        200
    );
    let out = app
        .post_json("/api/v1/auth/logout", &json!({"refresh_token": refresh}))
        .await;
    assert_eq!(out.status, 204, "{}", out.text());
    app.call("GET", "/api/v1/auth/me", Some(&access), None)
        .await
        .problem(401);
    app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .problem(401);
}

async fn disabling_a_user_takes_effect_on_the_next_request(app: TestApp) {
    let id = app.user("dung.stnmt", "so-tnmt", &[("quang-nam", "contributor")]);
    let (token, refresh) = app.login("dung.stnmt").await;
    let operator = app
        .token_for("it.ops3", "ttcntt", &[("quang-nam", "operator")])
        .await;
    assert_eq!(
        app.call("GET", "/api/v1/auth/me", Some(&token), None)
            .await
            .status,
        200
    );

    let res = app
        .call(
            "POST",
            &format!("/api/v1/admin/users/{id}/disable"),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "disabled");
    app.call("GET", "/api/v1/auth/me", Some(&token), None)
        .await
        .problem(401);
    app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .problem(401);
    app.login_response("dung.stnmt", TEST_PASSWORD)
        .await
        .problem(401);

    let res = app
        .call(
            "POST",
            &format!("/api/v1/admin/users/{id}/enable"),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(res.json()["status"], "active");
    assert_eq!(
        app.login_response("dung.stnmt", TEST_PASSWORD).await.status,
        200
    );

    let me = app
        .call("GET", "/api/v1/auth/me", Some(&operator), None)
        .await
        .json();
    let own = me["user"]["id"].as_i64().unwrap();
    app.call(
        "POST",
        &format!("/api/v1/admin/users/{own}/disable"),
        Some(&operator),
        None,
    )
    .await
    .problem(409);
}

async fn revoking_a_role_takes_effect_on_the_next_request(app: TestApp) {
    let id = app.user(
        "giang.hoian",
        "tp-hoi-an",
        &[("hoi-an", "chief_editor"), ("quang-nam", "contributor")],
    );
    let (token, refresh) = app.login("giang.hoian").await;
    assert!(has(
        &app.scopes(&token).await,
        "content:publish:site:hoi-an"
    ));
    let operator = app
        .token_for("it.ops4", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let res = app
        .call(
            "POST",
            &format!("/api/v1/admin/users/{id}/roles/revoke"),
            Some(&operator),
            Some(&json!({"site": "hoi-an", "role": "chief_editor"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json()["roles"],
        json!([{"site": "quang-nam", "role": "contributor", "sections": []}])
    );
    app.call("GET", "/api/v1/auth/me", Some(&token), None)
        .await
        .problem(401);
    let renewed = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .json();
    let scopes = app.scopes(renewed["access_token"].as_str().unwrap()).await;
    assert!(!has(&scopes, "content:publish:site:hoi-an"), "{scopes:?}");
}

async fn ownership_transfer_moves_write_scopes_at_the_next_refresh(app: TestApp) {
    let reception = app.section_id("quang-nam", "lich-tiep-cong-dan").await;
    let scope = format!("content:write:section:{reception}");
    app.user("ha.vpubnd", "vp-ubnd", &[("quang-nam", "contributor")]);
    app.user("khanh.stttt", "so-tttt", &[("quang-nam", "contributor")]);
    let (old_owner, old_refresh) = app.login("ha.vpubnd").await;
    let (new_owner, new_refresh) = app.login("khanh.stttt").await;
    assert!(has(&app.scopes(&old_owner).await, &scope));
    assert!(!has(&app.scopes(&new_owner).await, &scope));

    let operator = app
        .token_for("it.ops5", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let res = app
        .call(
            "POST",
            &format!("/api/v1/admin/sections/{reception}/transfer"),
            Some(&operator),
            Some(&json!({"owner": "so-tttt"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["owner_agency"], "so-tttt");

    let refreshed_old = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": old_refresh}),
        )
        .await
        .json();
    let refreshed_new = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": new_refresh}),
        )
        .await
        .json();
    assert!(
        !has(
            &app.scopes(refreshed_old["access_token"].as_str().unwrap())
                .await,
            &scope
        ),
        "old owner refused"
    );
    assert!(
        has(
            &app.scopes(refreshed_new["access_token"].as_str().unwrap())
                .await,
            &scope
        ),
        "new owner allowed"
    );
}
