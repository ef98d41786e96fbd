//! Storage on both backends: migrations mirror each other, run down and up, seeding is
//! idempotent and all-or-nothing, and connection errors read as one clear line.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use portal_db::{establish, migrations, Backend, DatabaseUrl, DbConn};
use portal_sections::seed;
use portal_testkit::TestDb;

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = BigInt)]
    not_null: i64,
}

/// (table, column, NOT NULL) for every application table; diesel's own bookkeeping excluded, and
/// the full-text index, which each backend builds its own way (an FTS5 table and its shadow
/// tables on SQLite, a generated tsvector column on PostgreSQL).
fn columns(conn: &mut DbConn) -> BTreeSet<(String, String, bool)> {
    let rows: Vec<Column> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, CAST(MAX(p.\"notnull\", p.pk > 0) AS BIGINT) AS not_null \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
             AND m.name NOT LIKE 'published_search%'",
        )
        .load(c)
        .unwrap(),
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             CASE WHEN is_nullable = 'NO' THEN 1::bigint ELSE 0::bigint END AS not_null \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
             AND NOT (table_name = 'published_items' AND column_name = 'search_vector')",
        )
        .load(c)
        .unwrap(),
    };
    rows.into_iter()
        .map(|c| (c.table_name, c.column_name, c.not_null == 1))
        .collect()
}

fn migrated(db: &TestDb) -> DbConn {
    let mut conn = establish(&db.url).unwrap();
    migrations::run_pending(&mut conn).unwrap();
    conn
}

#[test]
fn both_dialects_have_the_same_migration_names() {
    let (sqlite, postgres) = migrations::embedded_names();
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same folders"
    );
}

#[test]
#[cfg_attr(
    not(portal_postgres_tests),
    ignore = "PORTAL_TEST_DATABASE_URL is not set"
)]
fn both_backends_end_with_the_same_tables_and_columns() {
    let sqlite_db = TestDb::sqlite();
    let sqlite_columns = columns(&mut migrated(&sqlite_db));
    assert!(sqlite_columns.contains(&("sections".into(), "owner_agency_id".into(), true)));
    let pg_db = TestDb::postgres_configured();
    let pg_columns = columns(&mut migrated(&pg_db));
    assert_eq!(sqlite_columns, pg_columns);
}

fn down_and_up(db: TestDb) {
    let mut conn = migrated(&db);
    let before = columns(&mut conn);
    let reverted = migrations::revert_all(&mut conn).unwrap();
    assert_eq!(
        reverted.len(),
        migrations::embedded_names().0.len(),
        "every migration has a down"
    );
    assert!(columns(&mut conn).is_empty(), "down removes every table");
    migrations::run_pending(&mut conn).unwrap();
    assert_eq!(columns(&mut conn), before);
}

#[test]
fn every_migration_runs_down_and_up_again_on_sqlite() {
    down_and_up(TestDb::sqlite());
}

#[test]
#[cfg_attr(
    not(portal_postgres_tests),
    ignore = "PORTAL_TEST_DATABASE_URL is not set"
)]
fn every_migration_runs_down_and_up_again_on_postgres() {
    down_and_up(TestDb::postgres_configured());
}

fn counts(conn: &mut DbConn) -> (i64, i64, i64) {
    use portal_db::schema::{agencies, sections, sites};
    (
        agencies::table.count().get_result(conn).unwrap(),
        sites::table.count().get_result(conn).unwrap(),
        sections::table.count().get_result(conn).unwrap(),
    )
}

fn seeding_is_idempotent_and_atomic(db: TestDb) {
    let mut conn = migrated(&db);
    let file = seed::parse(seed::QUANG_NAM).unwrap();
    let first = seed::load(&mut conn, &file).unwrap();
    assert_eq!(
        (
            first.agencies_added,
            first.sites_added,
            first.sections_added
        ),
        (33, 3, 38)
    );
    let after_first = counts(&mut conn);
    let second = seed::load(&mut conn, &file).unwrap();
    assert_eq!(
        second,
        seed::SeedReport::default(),
        "a second load adds nothing"
    );
    assert_eq!(counts(&mut conn), after_first);

    // A file whose last section names an unknown agency adds none of its earlier rows either.
    let broken = seed::parse(
        r#"{"agencies": [{"code": "so-moi", "name_vi": "Sở Mới", "name_en": null, "kind": "department", "parent": null}],
            "sites": [{"key": "site-moi", "name_vi": "Trang mới", "name_en": null, "base_url": "https://x.gov.vn",
                       "languages": ["vi"], "owner": "so-moi",
                       "sections": [{"slug": "a", "name_vi": "A", "name_en": null, "description": null, "owner": "khong-co"}]}]}"#,
    )
    .unwrap();
    let err = seed::load(&mut conn, &broken).unwrap_err();
    assert!(err.to_string().contains("khong-co"), "{err}");
    assert_eq!(counts(&mut conn), after_first, "nothing half-written");

    // The seed goes through the admin commands' rules (Điều 6.6): a bad site address and a NUL
    // byte in a section's name are refused, each named by its place in the file.
    let unclean = seed::parse(
        r#"{"agencies": [{"code": "so-sach", "name_vi": "Sở Sạch", "name_en": null, "kind": "department", "parent": null}],
            "sites": [{"key": "site-sach", "name_vi": "Trang sạch", "name_en": null, "base_url": "ftp://x.gov.vn",
                       "languages": ["vi"], "owner": "so-sach"}]}"#,
    )
    .unwrap();
    let portal_core::Error::Validation(errors) = seed::load(&mut conn, &unclean).unwrap_err()
    else {
        panic!("a validation error")
    };
    assert_eq!(
        errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
        ["sites[0].base_url"]
    );
    let unclean = unclean_section_only();
    let portal_core::Error::Validation(errors) = seed::load(&mut conn, &unclean).unwrap_err()
    else {
        panic!("a validation error")
    };
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect::<Vec<_>>(),
        [(
            "sites[0].sections[0].children[0].name_vi",
            "control_character"
        )]
    );
    assert_eq!(counts(&mut conn), after_first, "nothing half-written");
}

fn unclean_section_only() -> seed::SeedFile {
    seed::parse(
        r#"{"agencies": [{"code": "so-sach", "name_vi": "Sở Sạch", "name_en": null, "kind": "department", "parent": null}],
            "sites": [{"key": "site-sach", "name_vi": "Trang sạch", "name_en": null, "base_url": "https://x.gov.vn",
                       "languages": ["vi"], "owner": "so-sach",
                       "sections": [{"slug": "a", "name_vi": "A", "name_en": null, "description": null, "owner": "so-sach",
                                     "children": [{"slug": "b", "name_vi": "B\u0000", "name_en": null, "description": null, "owner": "so-sach"}]}]}]}"#,
    )
    .unwrap()
}

#[test]
fn seeding_is_idempotent_and_atomic_on_sqlite() {
    seeding_is_idempotent_and_atomic(TestDb::sqlite());
}

#[test]
#[cfg_attr(
    not(portal_postgres_tests),
    ignore = "PORTAL_TEST_DATABASE_URL is not set"
)]
fn seeding_is_idempotent_and_atomic_on_postgres() {
    seeding_is_idempotent_and_atomic(TestDb::postgres_configured());
}

#[test]
fn sqlite_connections_enforce_foreign_keys_and_use_wal() {
    let db = TestDb::sqlite();
    let mut conn = migrated(&db);
    let DbConn::Sqlite(c) = &mut conn else {
        unreachable!()
    };
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(c)
        .unwrap();
    assert_eq!(mode.journal_mode, "wal");
    let orphan = diesel::sql_query(
        "INSERT INTO sections (site_id, position, slug, name_vi, owner_agency_id, visible, created_at, updated_at) \
         VALUES (999, 0, 'x', 'X', 999, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(c);
    assert!(orphan.is_err(), "foreign keys are enforced");
}

#[test]
fn an_unreachable_server_is_one_line_naming_the_masked_url() {
    let url = DatabaseUrl::parse("postgres://portal:s3cret@127.0.0.1:1/portal").unwrap();
    assert_eq!(url.backend(), Backend::Postgres);
    let err = establish(&url)
        .err()
        .expect("nothing listens on port 1")
        .to_string();
    assert!(
        err.starts_with("cannot connect to postgres://portal:***@127.0.0.1:1/portal: "),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    assert!(!err.contains("Invalid connection url"), "{err}");
}

/// Replicas started together on an empty database: one migrates and seeds while the others wait
/// on the setup lock, then find it done. Without the lock, two of three crashed on PostgreSQL.
fn replicas_start_together(db: TestDb) {
    let starters: Vec<_> = (0..3)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                portal::bootstrap::prepare(
                    &url,
                    &portal_testkit::test_pool(2),
                    portal_testkit::test_state_config(),
                )
                .map(|p| (p.migrations_applied.len(), p.seeded.is_some()))
            })
        })
        .collect();
    let results: Vec<_> = starters.into_iter().map(|t| t.join().unwrap()).collect();
    let started: Vec<(usize, bool)> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("a replica failed to start: {e}")))
        .collect();
    assert_eq!(
        started.iter().filter(|(applied, _)| *applied > 0).count(),
        1,
        "one replica migrates: {started:?}"
    );
    assert_eq!(
        started.iter().filter(|(_, seeded)| *seeded).count(),
        1,
        "one replica seeds: {started:?}"
    );
}

#[test]
#[cfg_attr(
    not(portal_postgres_tests),
    ignore = "PORTAL_TEST_DATABASE_URL is not set"
)]
fn replicas_starting_together_on_postgres_all_come_up() {
    replicas_start_together(TestDb::postgres_configured());
}

#[test]
fn replicas_starting_together_on_sqlite_all_come_up() {
    replicas_start_together(TestDb::sqlite());
}
