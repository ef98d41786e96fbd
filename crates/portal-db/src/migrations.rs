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

/// The key of the PostgreSQL advisory lock that setting a database up takes ("portal" + date).
const SETUP_LOCK: i64 = 0x706f_7274_616c_2611;

/// Runs `work` while holding the database's setup lock, so that replicas starting together on
/// an empty PostgreSQL database migrate and seed it one after the other instead of racing (and
/// crashing on "relation already exists"). The lock is per session and re-entrant; it is
/// released however `work` ends. On SQLite the file's write lock does the same.
pub fn exclusively<T, E>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::{Connection, RunQueryDsl};
    if let DbConn::Sqlite(_) = conn {
        // One transaction whose first statement writes (the header's user_version, which
        // nothing else uses) takes the file's write lock, waiting out `busy_timeout` if another
        // server holds it; the migrations run inside it as savepoints.
        return conn.transaction(|conn| {
            diesel::sql_query("PRAGMA user_version = 20261130").execute(conn)?;
            work(conn)
        });
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({SETUP_LOCK})")).execute(conn)?;
    let result = work(conn);
    let unlocked =
        diesel::sql_query(format!("SELECT pg_advisory_unlock({SETUP_LOCK})")).execute(conn);
    let value = result?;
    unlocked?;
    Ok(value)
}

/// Runs every migration not yet applied (under the setup lock); returns the names of those it ran.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    exclusively(conn, |conn| -> Result<Vec<String>, MigrationError> {
        let source = source_for(conn);
        let applied = match conn {
            DbConn::Pg(c) => c.run_pending_migrations(source)?,
            DbConn::Sqlite(c) => c.run_pending_migrations(source)?,
        };
        Ok(applied.iter().map(ToString::to_string).collect())
    })
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
