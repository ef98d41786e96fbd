//! Passwords, second factors, API keys, limited editors and idle accounts.

use super::*;

on_every_backend!(
    password_rules_are_named_and_first_passwords_must_change,
    totp_second_factor_enrol_confirm_and_sign_in,
    one_totp_code_signs_in_once_when_sent_in_parallel,
    operators_can_require_totp_for_privileged_roles,
    api_keys_authenticate_until_revoked,
    editors_can_be_limited_to_assigned_sections,
    idle_accounts_are_disabled_at_sign_in,
);

async fn password_rules_are_named_and_first_passwords_must_change(app: TestApp) {
    let operator = app
        .token_for("it.ops6", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let new_user = |password: &str| json!({"username": "linh.skhcn", "display_name": "Linh", "agency": "so-khcn", "password": password});
    for (password, code) in [
        ("ngắn quá", "too_short"),
        ("linh.skhcn-2026!", "contains_username"),
        ("password1234", "common_password"),
    ] {
        let doc = app
            .call(
                "POST",
                "/api/v1/admin/users",
                Some(&operator),
                Some(&new_user(password)),
            )
            .await
            .problem(422);
        let codes: Vec<&str> = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, [code], "{password}");
        assert_eq!(doc["errors"][0]["field"], "password");
    }
    let created = app
        .call(
            "POST",
            "/api/v1/admin/users",
            Some(&operator),
            Some(&new_user("Ngũ Hành Sơn 2026")),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["must_change_password"], true);
    let id = created.json()["id"].as_i64().unwrap();
    app.call(
        "POST",
        &format!("/api/v1/admin/users/{id}/roles"),
        Some(&operator),
        Some(&json!({"site": "quang-nam", "role": "chief_editor"})),
    )
    .await;

    let first = app
        .login_response("linh.skhcn", "Ngũ Hành Sơn 2026")
        .await
        .json();
    assert_eq!(first["must_change_password"], true);
    assert_eq!(
        first["scope"], "account:self",
        "nothing else until the password is changed"
    );
    let token = first["access_token"].as_str().unwrap();
    app.call("GET", "/api/v1/admin/audit", Some(token), None)
        .await
        .problem(403);
    let weak = app
        .call(
            "POST",
            "/api/v1/auth/password",
            Some(token),
            Some(&json!({"current_password": "Ngũ Hành Sơn 2026", "new_password": "short"})),
        )
        .await
        .problem(422);
    assert_eq!(weak["errors"][0]["field"], "new_password");
    let changed = app
        .call("POST", "/api/v1/auth/password", Some(token), Some(&json!({"current_password": "Ngũ Hành Sơn 2026", "new_password": "Cù Lao Chàm xanh 2026"})))
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text());
    let second = app
        .login_response("linh.skhcn", "Cù Lao Chàm xanh 2026")
        .await
        .json();
    assert_eq!(second["must_change_password"], false);
    assert!(second["scope"]
        .as_str()
        .unwrap()
        .contains("content:publish:site:quang-nam"));
}

async fn totp_second_factor_enrol_confirm_and_sign_in(app: TestApp) {
    app.user("mai.svhttdl", "so-vhttdl", &[("so-vhttdl", "chief_editor")]);
    let (token, _) = app.login("mai.svhttdl").await;
    let enrol = app
        .call("POST", "/api/v1/auth/totp/enroll", Some(&token), None)
        .await;
    assert_eq!(enrol.status, 200, "{}", enrol.text());
    let secret = enrol.json()["secret"].as_str().unwrap().to_string();
    assert!(enrol.json()["otpauth_url"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    app.call(
        "POST",
        "/api/v1/auth/totp/confirm",
        Some(&token),
        Some(&json!({"code": "000000"})),
    )
    .await
    .problem(422);
    // Codes of three consecutive 30-second steps, taken well inside the current step so that the
    // server sees the same step (it accepts one step of drift either way).
    let now = well_inside_a_totp_step().await;
    let code_at = |t: u64| portal_auth::totp::code_at(&secret, t).unwrap();
    let (previous, current, next) = (code_at(now - 30), code_at(now), code_at(now + 30));
    let confirmed = app
        .call(
            "POST",
            "/api/v1/auth/totp/confirm",
            Some(&token),
            Some(&json!({"code": previous})),
        )
        .await;
    assert_eq!(confirmed.status, 204, "{}", confirmed.text());

    let needs_code = app
        .login_response("mai.svhttdl", TEST_PASSWORD)
        .await
        .problem(401);
    assert_eq!(needs_code["type"], "urn:problem:portal:totp-required");
    let sign_in = |code: String| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/login",
                &json!({"username": "mai.svhttdl", "password": TEST_PASSWORD, "totp_code": code}),
            )
            .await
        }
    };
    let wrong = if [&previous, &current, &next].contains(&&"123456".to_string()) {
        "654321"
    } else {
        "123456"
    };
    sign_in(wrong.into()).await.problem(401);
    // RFC 6238 §5.2: each code is accepted once. The code that confirmed enrolment is spent …
    sign_in(previous).await.problem(401);
    // … the current one signs in once …
    let ok = sign_in(current.clone()).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    sign_in(current).await.problem(401);
    // … and the next step's code is still new.
    let ok = sign_in(next).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
}

async fn operators_can_require_totp_for_privileged_roles(app: TestApp) {
    let operator = app
        .token_for("it.ops7", "ttcntt", &[("quang-nam", "operator")])
        .await;
    app.user("nga.stc", "so-tc", &[("quang-nam", "contributor")]);
    app.user("oanh.vp", "vp-ubnd", &[("quang-nam", "chief_editor")]);
    let set = app
        .call(
            "PUT",
            "/api/v1/admin/security-settings",
            Some(&operator),
            Some(&json!({"require_totp_for_privileged": true})),
        )
        .await;
    assert_eq!(set.json(), json!({"require_totp_for_privileged": true}));
    let chief = app.login_response("oanh.vp", TEST_PASSWORD).await.json();
    assert_eq!(chief["totp_enrollment_required"], true);
    assert_eq!(chief["scope"], "account:self");
    let contributor = app.login_response("nga.stc", TEST_PASSWORD).await.json();
    assert_eq!(
        contributor["totp_enrollment_required"], false,
        "contributors are not privileged"
    );
    let contributor_token = contributor["access_token"].as_str().unwrap();
    app.call(
        "PUT",
        "/api/v1/admin/security-settings",
        Some(contributor_token),
        Some(&json!({"require_totp_for_privileged": false})),
    )
    .await
    .problem(403);
}

async fn api_keys_authenticate_until_revoked(app: TestApp) {
    let operator = app
        .token_for("it.ops8", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let bad = app
        .call(
            "POST",
            "/api/v1/admin/api-keys",
            Some(&operator),
            Some(&json!({"name": "x", "scopes": ["accounts:manage", "content:read:site:nowhere"]})),
        )
        .await
        .problem(422);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["scopes[0]", "scopes[1]"]);

    let created = app
        .call(
            "POST",
            "/api/v1/admin/api-keys",
            Some(&operator),
            Some(&json!({"name": "Hội An mirror", "scopes": ["content:read:site:quang-nam"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let body = created.json();
    let secret = body["secret"].as_str().unwrap().to_string();
    let id = body["key"]["id"].as_i64().unwrap();
    assert!(secret.starts_with(&format!("pk_{}_", body["key"]["prefix"].as_str().unwrap())));

    let me = app
        .call("GET", "/api/v1/auth/me", Some(&secret), None)
        .await
        .json();
    assert_eq!(me["kind"], "api_key");
    assert_eq!(me["scopes"], json!(["content:read:site:quang-nam"]));
    app.call("GET", "/api/v1/admin/users", Some(&secret), None)
        .await
        .problem(403);

    let listed = app
        .call("GET", "/api/v1/admin/api-keys", Some(&operator), None)
        .await
        .json();
    assert!(listed["items"][0]["last_used_at"].is_string(), "{listed}");
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never shown again"
    );

    let revoked = app
        .call(
            "DELETE",
            &format!("/api/v1/admin/api-keys/{id}"),
            Some(&operator),
            None,
        )
        .await;
    assert!(revoked.json()["revoked_at"].is_string());
    app.call("GET", "/api/v1/auth/me", Some(&secret), None)
        .await
        .problem(401);
    let tampered = format!("{}x", &secret[..secret.len() - 1]);
    app.call("GET", "/api/v1/auth/me", Some(&tampered), None)
        .await
        .problem(401);
}

async fn editors_can_be_limited_to_assigned_sections(app: TestApp) {
    let operator = app
        .token_for("it.ops9", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let id = app.user("phuc.bbt", "so-tttt", &[]);
    let news = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    let res = app
        .call(
            "POST",
            &format!("/api/v1/admin/users/{id}/roles"),
            Some(&operator),
            Some(&json!({"site": "quang-nam", "role": "editor", "sections": [news]})),
        )
        .await;
    assert_eq!(
        res.json()["roles"],
        json!([{"site": "quang-nam", "role": "editor", "sections": [news]}])
    );
    let (token, _) = app.login("phuc.bbt").await;
    let scopes = app.scopes(&token).await;
    assert!(has(&scopes, &format!("content:review:section:{news}")));
    assert!(
        !has(&scopes, "content:review:site:quang-nam"),
        "limited (Điều 19.4)"
    );
    // What the limit means at work: the editor claims a submitted item of the assigned section,
    // is refused one of another section of the same site, and sees only the first in the queue.
    let assigned = app.item_in("quang-nam", "tin-tuc-su-kien").draft();
    let elsewhere = app
        .item_in("quang-nam", "van-ban-quy-pham-phap-luat")
        .draft();
    app.advance(assigned, &["submit"]);
    app.advance(elsewhere, &["submit"]);
    let queue = app
        .call("GET", "/api/v1/admin/workflow/queue", Some(&token), None)
        .await
        .json();
    let claimable: Vec<&Value> = queue["claimable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(claimable, vec![&json!(assigned)], "{queue}");
    let claim = |item: i64| {
        let (app, token) = (&app, &token);
        async move {
            app.call(
                "POST",
                &format!("/api/v1/admin/content/{item}/claim"),
                Some(token),
                None,
            )
            .await
        }
    };
    let claimed = claim(assigned).await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
    assert_eq!(claimed.json()["status"], "in_review");
    let refused = claim(elsewhere).await.problem(403);
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("content:review:section:"),
        "{refused}"
    );

    let other_site = app.section_id("hoi-an", "thong-bao").await;
    app.call(
        "POST",
        &format!("/api/v1/admin/users/{id}/roles"),
        Some(&operator),
        Some(&json!({"site": "quang-nam", "role": "editor", "sections": [other_site]})),
    )
    .await
    .problem(422);
}

async fn idle_accounts_are_disabled_at_sign_in(app: TestApp) {
    let id = app.user("quan.hnt", "h-nui-thanh", &[("quang-nam", "contributor")]);
    {
        let mut conn = app.conn();
        diesel::update(users::table.filter(users::id.eq(id)))
            .set(users::last_login_at.eq(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::days(46),
            )))
            .execute(&mut *conn)
            .unwrap();
    }
    app.login_response("quan.hnt", TEST_PASSWORD)
        .await
        .problem(401);
    let mut conn = app.conn();
    let status: String = users::table
        .filter(users::id.eq(id))
        .select(users::status)
        .first(&mut *conn)
        .unwrap();
    assert_eq!(status, "disabled", "45 days without sign-in");
}

/// The same code sent by four sign-ins at once (more than the server's one worker takes at a
/// time): the conditional update that spends it lets exactly one through (RFC 6238 §5.2).
async fn one_totp_code_signs_in_once_when_sent_in_parallel(app: TestApp) {
    app.user("vu.svhttdl", "so-vhttdl", &[("so-vhttdl", "chief_editor")]);
    let (token, _) = app.login("vu.svhttdl").await;
    let enrol = app
        .call("POST", "/api/v1/auth/totp/enroll", Some(&token), None)
        .await;
    let secret = enrol.json()["secret"].as_str().unwrap().to_string();
    let now = well_inside_a_totp_step().await;
    let code_at = |t: u64| portal_auth::totp::code_at(&secret, t).unwrap();
    let confirmed = app
        .call(
            "POST",
            "/api/v1/auth/totp/confirm",
            Some(&token),
            Some(&json!({"code": code_at(now - 30)})),
        )
        .await;
    assert_eq!(confirmed.status, 204, "{}", confirmed.text());
    let code = code_at(now);
    let body = json!({"username": "vu.svhttdl", "password": TEST_PASSWORD, "totp_code": code});
    let attempts = (0..4).map(|_| app.post_json("/api/v1/auth/login", &body));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "one sign-in per code: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );
}

/// Now, in Unix seconds, once it is well inside a 30-second TOTP step, so that codes computed
/// here for the previous, current and next step are the ones the server sees (it accepts one
/// step of drift either way).
async fn well_inside_a_totp_step() -> u64 {
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if (5..25).contains(&(now % 30)) {
            return now;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}
