//! Accounts, tokens and scopes from the side of who must be refused (Điều 7.2, 12.2, 17.4, 21.4;
//! Nghị định 85/2016 level-3 practice).

use diesel::prelude::*;
use jsonwebtoken::{encode, EncodingKey, Header};
use portal_db::schema::{refresh_tokens, users};
use portal_testkit::{on_every_backend, TestApp, TEST_JWT_SECRET, TEST_PASSWORD};
use serde_json::{json, Value};

mod factors;
mod sessions;

on_every_backend!(
    a_contributor_gets_scopes_for_their_agencys_sections_only,
    unknown_user_and_wrong_password_get_the_same_answer,
    forged_expired_and_misaddressed_tokens_are_refused,
    five_failures_lock_the_account_until_the_lock_expires,
    many_failures_from_one_address_are_throttled,
);

fn has(scopes: &[String], scope: &str) -> bool {
    scopes.iter().any(|s| s == scope)
}

async fn a_contributor_gets_scopes_for_their_agencys_sections_only(app: TestApp) {
    let token = app
        .token_for("lan.stp", "so-tp", &[("quang-nam", "contributor")])
        .await;
    let legal = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    let dissemination = app
        .section_id("quang-nam", "pho-bien-giao-duc-phap-luat")
        .await;
    let budget = app.section_id("quang-nam", "cong-khai-ngan-sach").await;
    let scopes = app.scopes(&token).await;
    assert!(
        has(&scopes, &format!("content:write:section:{legal}")),
        "{scopes:?}"
    );
    assert!(has(
        &scopes,
        &format!("content:write:section:{dissemination}")
    ));
    assert!(
        !has(&scopes, &format!("content:write:section:{budget}")),
        "Sở Tài chính's section"
    );
    assert!(has(&scopes, "feedback:answer:agency:so-tp"));
    assert!(has(&scopes, "consultations:manage:agency:so-tp"));
    assert!(!scopes
        .iter()
        .any(|s| s.starts_with("content:publish") || s.starts_with("sections:manage")));

    let me = app
        .call("GET", "/api/v1/auth/me", Some(&token), None)
        .await
        .json();
    assert_eq!(me["kind"], "user");
    assert_eq!(me["user"]["username"], "lan.stp");
    assert_eq!(me["user"]["agency"], "so-tp");
    assert_eq!(
        me["roles"],
        json!([{"site": "quang-nam", "role": "contributor", "sections": []}])
    );

    // Posting outside the agency's sections is refused with 403 naming the missing scope, through
    // the route a contributor uses every day; inside them, the same request is accepted.
    let post_into = |section: i64| {
        let (app, token) = (&app, &token);
        async move {
            app.call(
                "POST",
                "/api/v1/admin/content",
                Some(token),
                Some(
                    &json!({"section_id": section, "kind": "news", "title": "Thông báo",
                             "body": "<p>Nội dung</p>"}),
                ),
            )
            .await
        }
    };
    let refused = post_into(budget).await.problem(403);
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("content:write:section:{budget}")),
        "{refused}"
    );
    let accepted = post_into(legal).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text());
}

async fn unknown_user_and_wrong_password_get_the_same_answer(app: TestApp) {
    app.user("hoa.skhdt", "so-khdt", &[("quang-nam", "contributor")]);
    let unknown = app.login_response("khong.co.ai", TEST_PASSWORD).await;
    let wrong = app
        .login_response("hoa.skhdt", "sai mật khẩu rồi 123")
        .await;
    let a = unknown.problem(401);
    let b = wrong.problem(401);
    assert_eq!(a, b, "identical documents");
    assert_eq!(a["type"], "urn:problem:portal:invalid-credentials");
    assert_eq!(
        unknown.header("www-authenticate").as_deref(),
        Some("Bearer")
    );
}

fn forge(claims: Value, secret: &[u8]) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret).unwrap(),
    )
    .unwrap()
}

async fn forged_expired_and_misaddressed_tokens_are_refused(app: TestApp) {
    let id = app.user("minh.stttt", "so-tttt", &[("quang-nam", "operator")]);
    let version: i64 = {
        let mut conn = app.conn();
        users::table
            .filter(users::id.eq(id))
            .select(users::token_version)
            .first(&mut *conn)
            .unwrap()
    };
    // A token names its session (`sid`): the control token uses a live one.
    app.login("minh.stttt").await;
    let session: String = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(id))
        .select(refresh_tokens::family)
        .first(&mut *app.conn())
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let good = json!({"sub": id.to_string(), "iss": "portal-cms", "aud": "portal-api", "iat": now, "nbf": now,
                      "exp": now + 600, "jti": "t", "name": "minh.stttt", "agency": "so-tttt",
                      "scope": "account:self accounts:manage", "ver": version, "sid": session});
    let ok = forge(good.clone(), TEST_JWT_SECRET);
    assert_eq!(
        app.call("GET", "/api/v1/admin/users", Some(&ok), None)
            .await
            .status,
        200,
        "the control token works"
    );

    let mut cases: Vec<(&str, String)> = vec![(
        "wrong signature",
        forge(good.clone(), b"another-secret-of-at-least-32-bytes!!"),
    )];
    for (label, field, value) in [
        ("expired", "exp", json!(now - 120)),
        ("not yet valid", "nbf", json!(now + 600)),
        ("wrong issuer", "iss", json!("someone-else")),
        ("wrong audience", "aud", json!("another-api")),
        ("stale token version", "ver", json!(version - 1)),
        ("unknown user", "sub", json!("999999")),
        (
            "a session that does not exist",
            "sid",
            json!("no-such-session"),
        ),
    ] {
        let mut claims = good.clone();
        claims[field] = value;
        cases.push((label, forge(claims, TEST_JWT_SECRET)));
    }
    // alg "none": a header and claims with an empty signature.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let none = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(good.to_string())
    );
    cases.push(("alg none", none));
    let mut sessionless = good.clone();
    sessionless.as_object_mut().unwrap().remove("sid");
    cases.push(("no session", forge(sessionless, TEST_JWT_SECRET)));
    cases.push(("garbage", "not-a-token".into()));
    for (label, token) in cases {
        let res = app
            .call("GET", "/api/v1/admin/users", Some(&token), None)
            .await;
        let doc = res.problem(401);
        assert_eq!(doc["type"], "urn:problem:portal:unauthenticated", "{label}");
    }
    let basic = app.send_raw("GET", "/api/v1/auth/me", None, vec![]).await;
    basic.problem(401);
}

async fn five_failures_lock_the_account_until_the_lock_expires(app: TestApp) {
    let id = app.user("tuan.sxd", "so-xd", &[("quang-nam", "contributor")]);
    for _ in 0..5 {
        app.login_response("tuan.sxd", "mật khẩu sai hoàn toàn")
            .await
            .problem(401);
    }
    let locked = app.login_response("tuan.sxd", TEST_PASSWORD).await;
    assert_eq!(
        locked.problem(401)["type"],
        "urn:problem:portal:invalid-credentials",
        "the right password is refused while locked"
    );
    {
        let mut conn = app.conn();
        let (status, until): (String, Option<chrono::NaiveDateTime>) = users::table
            .filter(users::id.eq(id))
            .select((users::status, users::locked_until))
            .first(&mut *conn)
            .unwrap();
        assert_eq!(status, "locked");
        let minutes = (until.unwrap() - chrono::Utc::now().naive_utc()).num_minutes();
        assert!(
            (14..=15).contains(&minutes),
            "locked for 15 minutes, got {minutes}"
        );
        // Let the lock run out.
        diesel::update(users::table.filter(users::id.eq(id)))
            .set(users::locked_until.eq(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1),
            )))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_eq!(
        app.login_response("tuan.sxd", TEST_PASSWORD).await.status,
        200,
        "accepted once the lock expired"
    );
    let operator = app
        .token_for("it.ops", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let audit = app
        .call(
            "GET",
            "/api/v1/admin/audit?action=user.lock",
            Some(&operator),
            None,
        )
        .await
        .json();
    assert_eq!(audit["items"][0]["target"], format!("user:{id}"));
}

async fn many_failures_from_one_address_are_throttled(app: TestApp) {
    for i in 0..20 {
        app.login_response(&format!("ghost{i}"), "không đúng mật khẩu")
            .await
            .problem(401);
    }
    let res = app
        .login_response("ghost-last", "không đúng mật khẩu")
        .await;
    let doc = res.problem(429);
    assert_eq!(doc["type"], "urn:problem:portal:too-many-requests");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900, "{retry}");
}
