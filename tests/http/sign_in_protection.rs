//! Sign-in protection as an attacker and an operator behind a proxy would try it: limits that
//! hold against parallel requests, the password-change endpoint under the same lockout, the
//! client address behind trusted proxies only, sessions whose end ends their access tokens, and
//! the level-3 defaults (Nghị định 85/2016, requirements.md).

use diesel::prelude::*;
use futures_util::future::join_all;
use portal_db::schema::audit_log;
use portal_testkit::{on_every_backend, TestApp, TEST_PASSWORD};
use serde_json::{json, Value};

on_every_backend!(
    parallel_wrong_passwords_are_counted_before_they_are_checked,
    parallel_attempts_from_one_address_are_counted_before_they_are_checked,
    changing_the_password_is_locked_out_and_audited_too,
    behind_a_trusted_proxy_each_client_is_throttled_alone,
    a_sessions_end_refuses_its_access_tokens_at_once,
    privileged_sessions_idle_out_sooner_and_need_a_second_factor_in_production,
);

const LOGIN: &str = "/api/v1/auth/login";

/// How many failed sign-ins the server evaluated (checked a password) for `reason`.
fn evaluated(app: &TestApp, reason: &str) -> usize {
    let rows: Vec<Option<String>> = audit_log::table
        .filter(audit_log::action.eq("login.failure"))
        .select(audit_log::after_json)
        .load(&mut *app.conn())
        .unwrap();
    rows.iter()
        .flatten()
        .filter(|j| j.contains(&format!("\"reason\":\"{reason}\"")))
        .count()
}

async fn logins(app: &TestApp, bodies: Vec<Value>, headers: &[(&str, &str)]) -> Vec<u16> {
    join_all(
        bodies
            .iter()
            .map(|body| app.post_json_with(LOGIN, headers, body)),
    )
    .await
    .into_iter()
    .map(|r| r.status)
    .collect()
}

async fn parallel_wrong_passwords_are_counted_before_they_are_checked(app: TestApp) {
    app.user("nan.nhan", "so-tp", &[("quang-nam", "contributor")]);
    // More sign-ins in flight than the threshold, or the race could not happen at all.
    let wide = app.with_pool(8).await;
    let statuses = logins(
        &wide,
        (0..40)
            .map(|i| json!({"username": "nan.nhan", "password": format!("sai mật khẩu {i}")}))
            .collect(),
        &[],
    )
    .await;
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(
        evaluated(&app, "wrong_password"),
        5,
        "only the lockout threshold's worth of guesses may be checked"
    );
    // Locked: the right password is refused too, for the lockout's duration (from a fresh
    // address: this one has used up its own allowance meanwhile).
    diesel::delete(portal_db::schema::login_throttle::table)
        .execute(&mut *app.conn())
        .unwrap();
    let res = app.login_response("nan.nhan", TEST_PASSWORD).await;
    assert_eq!(res.status, 401, "{}", res.text());
}

async fn parallel_attempts_from_one_address_are_counted_before_they_are_checked(app: TestApp) {
    let wide = app.with_pool(8).await;
    let statuses = logins(
        &wide,
        (0..60)
            .map(|i| json!({"username": format!("khong.co.{i}"), "password": "đoán bừa"}))
            .collect(),
        &[],
    )
    .await;
    assert_eq!(evaluated(&app, "unknown_user"), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 40);
}

async fn changing_the_password_is_locked_out_and_audited_too(app: TestApp) {
    let token = app
        .token_for("doi.mk", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let change = |current: &str| json!({"current_password": current, "new_password": "Một mật khẩu mới rất dài 2026"});
    let mut statuses = Vec::new();
    for i in 0..12 {
        let res = app
            .call(
                "POST",
                "/api/v1/auth/password",
                Some(&token),
                Some(&change(&format!("đoán {i}"))),
            )
            .await;
        statuses.push(res.status);
    }
    // Four wrong answers, the fifth locks the account and ends its sessions: the stolen token
    // is refused from then on.
    assert_eq!(&statuses[..5], [422; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 401), "{statuses:?}");
    let right = app
        .call(
            "POST",
            "/api/v1/auth/password",
            Some(&token),
            Some(&change(TEST_PASSWORD)),
        )
        .await;
    assert_eq!(right.status, 401, "{}", right.text());
    let failures: i64 = audit_log::table
        .filter(audit_log::action.eq("user.password_check_failure"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(failures, 5);
    let locks: i64 = audit_log::table
        .filter(audit_log::action.eq("user.lock"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(locks, 1);
    assert_eq!(
        app.login_response("doi.mk", TEST_PASSWORD).await.status,
        401
    );
}

async fn behind_a_trusted_proxy_each_client_is_throttled_alone(app: TestApp) {
    app.user("bien.tap.vien", "so-tp", &[("quang-nam", "contributor")]);
    let wrong = |i: usize| json!({"username": format!("ai.do.{i}"), "password": "x"});
    // Without a trusted proxy a forged header changes nothing: the peer is throttled.
    for i in 0..20 {
        app.post_json_with(LOGIN, &[("x-forwarded-for", "203.0.113.1")], &wrong(i))
            .await;
    }
    let forged = app
        .post_json_with(LOGIN, &[("x-forwarded-for", "203.0.113.99")], &wrong(99))
        .await;
    assert_eq!(forged.status, 429, "the header is not believed from anyone");

    // Behind a proxy at 127.0.0.1 that is trusted, each client counts alone.
    let proxied = app
        .replica_with(|state| {
            state.with_trusted_proxies(
                portal_api::http::client_ip::TrustedProxies::parse("127.0.0.1, 10.0.0.0/8")
                    .unwrap(),
            )
        })
        .await;
    for i in 0..20 {
        proxied
            .post_json_with(
                LOGIN,
                &[("x-forwarded-for", "198.51.100.7, 10.0.0.3")],
                &wrong(100 + i),
            )
            .await;
    }
    let attacker = proxied
        .post_json_with(LOGIN, &[("x-forwarded-for", "198.51.100.7")], &wrong(200))
        .await;
    assert_eq!(attacker.status, 429);
    // Another editor behind the same proxy signs in; a client's forged prefix does not help
    // the attacker either.
    let editor = proxied
        .post_json_with(
            LOGIN,
            &[("x-forwarded-for", "198.51.100.7, 198.51.100.20")],
            &json!({"username": "bien.tap.vien", "password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(editor.status, 200, "{}", editor.text());
    let ips: Vec<Option<String>> = audit_log::table
        .filter(audit_log::action.eq("login.success"))
        .select(audit_log::client_ip)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(ips, [Some("198.51.100.20".to_string())]);
}

async fn a_sessions_end_refuses_its_access_tokens_at_once(app: TestApp) {
    app.user("phien.lam.viec", "so-tp", &[("quang-nam", "contributor")]);
    let me = "/api/v1/auth/me";
    let (access, refresh) = app.login("phien.lam.viec").await;
    let (other_access, _) = app.login("phien.lam.viec").await;
    let rotated = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .json();
    let access2 = rotated["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.call("GET", me, Some(&access2), None).await.status, 200);
    // The old refresh token comes back (stolen): the session ends, and with it every access
    // token it issued — not only at their expiry.
    let reuse = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await;
    assert_eq!(reuse.status, 401);
    for token in [&access, &access2] {
        let res = app.call("GET", me, Some(token), None).await;
        assert_eq!(res.status, 401, "{}", res.text());
    }
    // The user's other session goes on.
    assert_eq!(
        app.call("GET", me, Some(&other_access), None).await.status,
        200
    );
    // Logout with a rotated token is a reuse too, not a success.
    let (access3, refresh3) = app.login("phien.lam.viec").await;
    app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh3}))
        .await;
    let logout = app
        .post_json("/api/v1/auth/logout", &json!({"refresh_token": refresh3}))
        .await;
    assert_eq!(logout.status, 401, "{}", logout.text());
    assert_eq!(app.call("GET", me, Some(&access3), None).await.status, 401);
}

async fn privileged_sessions_idle_out_sooner_and_need_a_second_factor_in_production(app: TestApp) {
    app.user("pv.thuong", "so-tp", &[("quang-nam", "contributor")]);
    app.user("truong.ban", "so-tttt", &[("quang-nam", "chief_editor")]);
    let plain = app.login_response("pv.thuong", TEST_PASSWORD).await.json();
    assert_eq!(plain["expires_in"], 900, "15 minutes idle for everyone");
    let chief = app.login_response("truong.ban", TEST_PASSWORD).await.json();
    assert_eq!(chief["expires_in"], 300, "5 minutes for chief editors");
    assert_eq!(chief["totp_enrollment_required"], false, "development");
    let production = app
        .replica_with(|state| {
            let config = portal_auth::AuthConfig {
                require_totp_for_privileged_by_default: true,
                ..state.auth.config.clone()
            };
            state.with_auth_config(config)
        })
        .await;
    let chief = production
        .login_response("truong.ban", TEST_PASSWORD)
        .await
        .json();
    assert_eq!(chief["totp_enrollment_required"], true, "{chief}");
    assert_eq!(chief["scope"], "account:self");
    let plain = production
        .login_response("pv.thuong", TEST_PASSWORD)
        .await
        .json();
    assert_eq!(plain["totp_enrollment_required"], false);
}
