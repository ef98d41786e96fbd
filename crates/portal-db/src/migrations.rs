//! Both dialects' migrations, embedded in the binary and run at start and by `portal migrate`.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::conn::DbConn;

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

fn source_for(conn: &DbConn) -> EmbeddedMigrations {
    match conn {
        DbConn::Pg(_) => POSTGRES,
        DbConn::Sqlite(_) => SQLITE,
    }
}

/// Runs every migration not yet applied; returns the names of those it ran.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    let source = source_for(conn);
    let applied = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(source)?,
        DbConn::Sqlite(c) => c.run_pending_migrations(source)?,
    };
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every applied migration, newest first (used by the migration round-trip test).
pub fn revert_all(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    let source = source_for(conn);
    let reverted = match conn {
        DbConn::Pg(c) => c.revert_all_migrations(source)?,
        DbConn::Sqlite(c) => c.revert_all_migrations(source)?,
    };
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// The names of the migrations embedded for SQLite and for PostgreSQL, in order.
pub fn embedded_names() -> (Vec<String>, Vec<String>) {
    use diesel::migration::MigrationSource;
    let names = |source: EmbeddedMigrations| -> Vec<String> {
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
            .map(|list| list.iter().map(|m| m.name().to_string()).collect())
            .unwrap_or_default()
    };
    (names(SQLITE), names(POSTGRES))
}
