//! The audit chain detects an edited, a deleted and a truncated row (Điều 17.4).

use diesel::prelude::*;
use portal_audit::{append, verify, Actor};
use portal_db::schema::audit_log;
use portal_db::{establish, migrations, DbConn};
use portal_testkit::{on_every_database, TestDb};
use serde_json::json;
use sha2::{Digest, Sha256};

fn chain_of_five(db: &TestDb) -> DbConn {
    let mut conn = establish(&db.url).unwrap();
    migrations::run_pending(&mut conn).unwrap();
    let actor = Actor {
        user_id: Some(1),
        label: "thu.ttcntt".into(),
        agency: Some("ttcntt".into()),
        client_ip: Some("10.0.0.7".into()),
        user_agent: Some("test".into()),
    };
    for i in 1..=5 {
        append(
            &mut conn,
            &actor,
            "section.update",
            Some(&format!("section:{i}")),
            Some(&json!({"n": i})),
            Some(&json!({"n": i + 1})),
        )
        .unwrap();
    }
    conn
}

on_every_database!(
    an_intact_chain_verifies,
    an_edited_row_is_named,
    a_deleted_row_is_named,
    a_rehashed_forgery_still_breaks_the_next_link,
    a_truncated_tail_is_detected,
    checkpoints_outside_the_database_catch_what_the_chain_cannot,
);

fn an_intact_chain_verifies(db: TestDb) {
    let db = &db;
    let mut conn = chain_of_five(db);
    assert_eq!(verify(&mut conn).unwrap(), Ok(5));
}

fn an_edited_row_is_named(db: TestDb) {
    let db = &db;
    let mut conn = chain_of_five(db);
    diesel::update(audit_log::table.filter(audit_log::seq.eq(3)))
        .set(audit_log::after_json.eq(r#"{"n":99}"#))
        .execute(&mut conn)
        .unwrap();
    let broken = verify(&mut conn).unwrap().unwrap_err();
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("changed"), "{broken}");
}

fn a_deleted_row_is_named(db: TestDb) {
    let db = &db;
    let mut conn = chain_of_five(db);
    diesel::delete(audit_log::table.filter(audit_log::seq.eq(2)))
        .execute(&mut conn)
        .unwrap();
    let broken = verify(&mut conn).unwrap().unwrap_err();
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("deleted"), "{broken}");
}

/// seq, at, actor_user_id, actor, agency, client_ip, user_agent, action, target, before_json,
/// prev_hash: what the hash covers besides after_json.
type AuditRowBeforeHash = (
    i64,
    chrono::NaiveDateTime,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn a_rehashed_forgery_still_breaks_the_next_link(db: TestDb) {
    let db = &db;
    let mut conn = chain_of_five(db);
    // A forger edits row 2 and recomputes its hash the documented way, so row 2 checks out
    // on its own; row 3 still names the old hash as its prev_hash, and only the link between
    // them can tell.
    let row: AuditRowBeforeHash = audit_log::table
        .filter(audit_log::seq.eq(2))
        .select((
            audit_log::seq,
            audit_log::at,
            audit_log::actor_user_id,
            audit_log::actor,
            audit_log::agency,
            audit_log::client_ip,
            audit_log::user_agent,
            audit_log::action,
            audit_log::target,
            audit_log::before_json,
            audit_log::prev_hash,
        ))
        .first(&mut conn)
        .unwrap();
    let forged_after = r#"{"n":99}"#;
    let canonical = json!([
        row.0,
        row.1.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        row.2,
        row.3,
        row.4,
        row.5,
        row.6,
        row.7,
        row.8,
        row.9,
        forged_after,
        row.10
    ]);
    let forged_hash = hex::encode(Sha256::digest(canonical.to_string().as_bytes()));
    diesel::update(audit_log::table.filter(audit_log::seq.eq(2)))
        .set((
            audit_log::after_json.eq(forged_after),
            audit_log::hash.eq(&forged_hash),
        ))
        .execute(&mut conn)
        .unwrap();
    let broken = verify(&mut conn).unwrap().unwrap_err();
    assert_eq!(
        broken.seq, 3,
        "row 2 is self-consistent; the link to row 3 is not: {broken}"
    );
    assert!(broken.reason.contains("prev_hash"), "{broken}");
}

fn a_truncated_tail_is_detected(db: TestDb) {
    let db = &db;
    let mut conn = chain_of_five(db);
    diesel::delete(audit_log::table.filter(audit_log::seq.ge(4)))
        .execute(&mut conn)
        .unwrap();
    let broken = verify(&mut conn).unwrap().unwrap_err();
    assert_eq!(broken.seq, 4);
}

/// Rewinds the head to `seq`, as someone who can write the database could.
fn rewind(conn: &mut DbConn, seq: i64) {
    use portal_db::schema::audit_head;
    let hash: String = audit_log::table
        .filter(audit_log::seq.eq(seq))
        .select(audit_log::hash)
        .first(conn)
        .unwrap();
    diesel::delete(audit_log::table.filter(audit_log::seq.gt(seq)))
        .execute(conn)
        .unwrap();
    diesel::update(audit_head::table)
        .set((audit_head::seq.eq(seq), audit_head::last_hash.eq(hash)))
        .execute(conn)
        .unwrap();
}

const KEY: &[u8] = b"audit-anchor-key-for-tests-0123456789";

fn checkpoints_outside_the_database_catch_what_the_chain_cannot(db: TestDb) {
    use portal_audit::anchor::{checkpoint, read_file, verify_checkpoints, Checkpoint};
    let db = &db;
    let mut conn = chain_of_five(db);
    let signed = checkpoint(&mut conn, KEY).unwrap();
    assert_eq!(signed.seq, 5);
    let file = format!("{}\n", signed.line());
    let checkpoints = read_file(&file).unwrap();
    assert_eq!(
        verify_checkpoints(&mut conn, KEY, &checkpoints).unwrap(),
        Ok(1)
    );

    // Delete the last rows and rewind the head: the chain alone still verifies …
    rewind(&mut conn, 3);
    assert_eq!(verify(&mut conn).unwrap(), Ok(3));
    // … the checkpoint does not.
    let broken = verify_checkpoints(&mut conn, KEY, &checkpoints)
        .unwrap()
        .unwrap_err();
    assert!(broken.reason.contains("gone"), "{broken}");

    // Rewrite history from row 3 on with every hash recomputed: a valid chain again …
    let fresh = db.another();
    let mut conn = chain_of_five(&fresh);
    let checkpoints = vec![checkpoint(&mut conn, KEY).unwrap()];
    rewind(&mut conn, 2);
    for i in 3..=5 {
        append(
            &mut conn,
            &Actor::system("forger"),
            "section.update",
            Some(&format!("section:{i}")),
            None,
            Some(&json!({"n": 0})),
        )
        .unwrap();
    }
    assert_eq!(verify(&mut conn).unwrap(), Ok(5));
    let broken = verify_checkpoints(&mut conn, KEY, &checkpoints)
        .unwrap()
        .unwrap_err();
    assert!(broken.reason.contains("rewritten"), "{broken}");

    // A checkpoint forged without the key does not verify.
    let forged = Checkpoint {
        mac: "0".repeat(64),
        ..checkpoints[0].clone()
    };
    let broken = verify_checkpoints(&mut conn, KEY, &[forged])
        .unwrap()
        .unwrap_err();
    assert!(broken.reason.contains("forged"), "{broken}");
}

mod reads {
    use portal_testkit::{on_every_backend, TestApp};
    use serde_json::json;

    on_every_backend!(a_sub_site_chief_reads_only_their_sites_audit_without_addresses);

    async fn a_sub_site_chief_reads_only_their_sites_audit_without_addresses(app: TestApp) {
        let operator = app
            .token_for("it.audit", "ttcntt", &[("quang-nam", "operator")])
            .await;
        // Province-wide events: a user with an e-mail, a main-portal item.
        let made = app
            .call(
                "POST",
                "/api/v1/admin/users",
                Some(&operator),
                Some(&json!({"username": "ca.nhan", "display_name": "Cá Nhân", "agency": "so-tp",
                             "email": "ca.nhan@quangnam.gov.vn", "password": "Một mật khẩu dài 2026!"})),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text());
        app.publish("quang-nam", "tin-tuc-su-kien", "Tin tỉnh", "<p>x</p>", "vi");
        let hoi_an_item = app.publish("hoi-an", "thong-bao", "Tin Hội An", "<p>x</p>", "vi");
        let chief = app
            .token_for("chief.hoian", "tp-hoi-an", &[("hoi-an", "chief_editor")])
            .await;
        let page = app
            .call("GET", "/api/v1/admin/audit?limit=100", Some(&chief), None)
            .await;
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        assert!(!text.contains("ca.nhan@quangnam.gov.vn"), "{text}");
        let items = page.json()["items"].as_array().unwrap().clone();
        assert!(!items.is_empty());
        for e in &items {
            assert_eq!(
                e["target"],
                json!(format!("content:{hoi_an_item}")),
                "only the sub-site's events: {e}"
            );
            assert!(e.get("client_ip").is_none_or(|v| v.is_null()), "{e}");
        }
        // The province-wide right sees everything.
        let all = app
            .call(
                "GET",
                "/api/v1/admin/audit?limit=100",
                Some(&operator),
                None,
            )
            .await
            .text();
        assert!(all.contains("ca.nhan@quangnam.gov.vn"));
        // Without any audit right: 403.
        let writer = app
            .token_for("an.hoian", "tp-hoi-an", &[("hoi-an", "contributor")])
            .await;
        app.call("GET", "/api/v1/admin/audit", Some(&writer), None)
            .await
            .problem(403);
    }
}
