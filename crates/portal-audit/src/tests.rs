//! The chain's rules, tested inside the crate on a fresh SQLite file (the same checks run on
//! PostgreSQL too, over HTTP, in `tests/http/audit_chain.rs`). Each test breaks the chain the
//! way an intruder with write access to the database would, and expects `verify` to name the row.

use diesel::prelude::*;
use portal_db::schema::audit_log;
use portal_db::{establish, migrations, DatabaseUrl, DbConn};
use serde_json::json;

use super::*;

fn fresh() -> (tempfile::TempDir, DbConn) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = DatabaseUrl::Sqlite(dir.path().join("audit.db"));
    let mut conn = establish(&url).expect("a SQLite connection");
    migrations::run_pending(&mut conn).expect("migrations");
    (dir, conn)
}

fn three_events(conn: &mut DbConn) {
    let actor = Actor {
        user_id: Some(7),
        label: "nguyen.van.a".into(),
        agency: Some("so-tp".into()),
        client_ip: Some("203.0.113.9".into()),
        user_agent: Some("Firefox".into()),
    };
    for (i, action) in ["section.create", "section.move", "section.transfer"]
        .iter()
        .enumerate()
    {
        append(
            conn,
            &actor,
            action,
            Some("section:12"),
            Some(&json!({"position": i})),
            Some(&json!({"position": i + 1})),
        )
        .expect("appended");
    }
}

/// One column changed in a copy of a row.
type Change = Box<dyn Fn(&mut AuditEntry)>;

fn row(conn: &mut DbConn, seq: i64) -> AuditEntry {
    audit_log::table
        .filter(audit_log::seq.eq(seq))
        .select(AuditEntry::as_select())
        .first(conn)
        .expect("the row")
}

#[test]
fn an_untouched_chain_is_intact_and_its_links_start_at_genesis() {
    let (_dir, mut conn) = fresh();
    three_events(&mut conn);
    assert_eq!(verify(&mut conn).expect("verified"), Ok(3));
    assert_eq!(row(&mut conn, 1).prev_hash, GENESIS_HASH);
    assert_eq!(row(&mut conn, 2).prev_hash, row(&mut conn, 1).hash);
    assert_eq!(head_seq(&mut conn).expect("head"), 3);
}

#[test]
fn a_changed_row_is_named_by_its_own_hash() {
    let (_dir, mut conn) = fresh();
    three_events(&mut conn);
    diesel::update(audit_log::table.filter(audit_log::seq.eq(2)))
        .set(audit_log::actor.eq("someone.else"))
        .execute(&mut conn)
        .expect("tampered");
    let broken = verify(&mut conn).expect("verified").expect_err("broken");
    assert_eq!(broken.seq, 2);
    assert!(
        broken.reason.contains("does not match its hash"),
        "{broken}"
    );
}

#[test]
fn a_forged_row_with_a_recomputed_hash_breaks_the_next_link() {
    let (_dir, mut conn) = fresh();
    three_events(&mut conn);
    let mut forged = row(&mut conn, 2);
    forged.after_json = Some(json!({"owner": "intruder"}).to_string());
    let rehashed = forged.expected_hash();
    diesel::update(audit_log::table.filter(audit_log::seq.eq(2)))
        .set((
            audit_log::after_json.eq(&forged.after_json),
            audit_log::hash.eq(&rehashed),
        ))
        .execute(&mut conn)
        .expect("forged");
    let broken = verify(&mut conn).expect("verified").expect_err("broken");
    assert_eq!(
        broken.seq, 3,
        "row 2 is consistent on its own; row 3 still names the old hash"
    );
    assert!(broken.reason.contains("prev_hash"), "{broken}");
}

#[test]
fn rows_deleted_from_the_middle_or_the_end_are_found() {
    let (_dir, mut conn) = fresh();
    three_events(&mut conn);
    diesel::delete(audit_log::table.filter(audit_log::seq.eq(3)))
        .execute(&mut conn)
        .expect("deleted");
    let broken = verify(&mut conn).expect("verified").expect_err("broken");
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("removed from the end"), "{broken}");

    let (_dir, mut conn) = fresh();
    three_events(&mut conn);
    diesel::delete(audit_log::table.filter(audit_log::seq.eq(2)))
        .execute(&mut conn)
        .expect("deleted");
    let broken = verify(&mut conn).expect("verified").expect_err("broken");
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("missing"), "{broken}");
}

#[test]
fn the_hash_covers_every_column_but_id_and_hash() {
    let (_dir, mut conn) = fresh();
    three_events(&mut conn);
    let original = row(&mut conn, 2);
    let base = original.expected_hash();
    assert_eq!(base, original.hash);
    let changes: Vec<(&str, Change)> = vec![
        ("seq", Box::new(|e| e.seq += 1)),
        (
            "at",
            Box::new(|e| e.at += chrono::Duration::microseconds(1)),
        ),
        ("actor_user_id", Box::new(|e| e.actor_user_id = None)),
        ("actor", Box::new(|e| e.actor.push('x'))),
        ("agency", Box::new(|e| e.agency = None)),
        ("client_ip", Box::new(|e| e.client_ip = None)),
        ("user_agent", Box::new(|e| e.user_agent = None)),
        ("action", Box::new(|e| e.action.push('x'))),
        ("target", Box::new(|e| e.target = None)),
        ("before_json", Box::new(|e| e.before_json = None)),
        ("after_json", Box::new(|e| e.after_json = None)),
        ("prev_hash", Box::new(|e| e.prev_hash = GENESIS_HASH.into())),
    ];
    for (column, change) in changes {
        let mut changed = original.clone();
        change(&mut changed);
        assert_ne!(
            changed.expected_hash(),
            base,
            "{column} is not covered by the hash"
        );
    }
    let mut other_id = original.clone();
    other_id.id += 100;
    assert_eq!(
        other_id.expected_hash(),
        base,
        "the id is storage, not content"
    );
}
