//! One connection type over both backends, and the r2d2 pool that hands them out.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use crate::url::{Backend, DatabaseUrl};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Pg(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Why a connection could not be opened, in one line that names the (masked) URL.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to {url}: {reason}")]
pub struct ConnectError {
    pub url: String,
    pub reason: String,
}

/// Per-connection SQLite settings. They are not stored in the file (except WAL), so every new
/// connection gets them: foreign keys are off in SQLite unless each connection turns them on.
const SQLITE_PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

/// Switches the file to WAL once. The switch needs the file to itself and SQLite does not wait
/// for that with `busy_timeout`, so a server starting while another sets the file up retries
/// for up to five seconds (a file already in WAL needs nothing).
fn use_wal(conn: &mut SqliteConnection) -> Result<(), diesel::result::Error> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let mut attempts = 0;
    loop {
        let result = diesel::sql_query("PRAGMA journal_mode = WAL").get_result::<Mode>(conn);
        match result {
            Ok(mode) if mode.journal_mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) | Err(_) if attempts < 100 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Ok(mode) => {
                return Err(diesel::result::Error::QueryBuilderError(
                    format!("the file stays in journal mode {}", mode.journal_mode).into(),
                ))
            }
            Err(e) => return Err(e),
        }
    }
}

pub fn establish(url: &DatabaseUrl) -> Result<DbConn, ConnectError> {
    let fail = |reason: String| ConnectError {
        url: url.masked(),
        reason: reason
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    };
    match url {
        DatabaseUrl::Postgres(raw) => PgConnection::establish(raw)
            .map(DbConn::Pg)
            .map_err(|e| fail(e.to_string())),
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create folder {}: {e}", dir.display())))?;
            }
            let path_text = path
                .to_str()
                .ok_or_else(|| fail("the path is not valid UTF-8".into()))?;
            let mut conn =
                SqliteConnection::establish(path_text).map_err(|e| fail(e.to_string()))?;
            conn.batch_execute(SQLITE_PRAGMAS)
                .map_err(|e| fail(e.to_string()))?;
            use_wal(&mut conn).map_err(|e| fail(e.to_string()))?;
            Ok(DbConn::Sqlite(conn))
        }
    }
}

/// Statements started on pooled connections since the process started: with the checkouts the
/// api counts, what `GET /metrics` reports as `portal_db_queries_total`, so that the queries of one
/// request can be measured (docs/benchmarks.md, "Queries per request"). Process-wide, as metrics
/// of one server are.
static QUERIES_STARTED: AtomicU64 = AtomicU64::new(0);

pub fn queries_started() -> u64 {
    QUERIES_STARTED.load(Ordering::Relaxed)
}

/// An r2d2 manager that picks the backend from the URL itself, so that an unreachable server is
/// reported with libpq's own reason rather than diesel's "Invalid connection url for multiconnection".
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        let mut conn = establish(&self.url)?;
        conn.set_instrumentation(|event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                QUERIES_STARTED.fetch_add(1, Ordering::Relaxed);
            }
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(|e| ConnectError {
            url: self.url.masked(),
            reason: e.to_string(),
        })
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    pub connection_timeout: Duration,
}

/// Opens one connection first, so a wrong URL or a server that is down fails at start with its
/// real reason instead of after r2d2's timeout.
pub fn build_pool(url: &DatabaseUrl, options: &PoolOptions) -> Result<Pool, ConnectError> {
    drop(establish(url)?);
    let max_size = match url.backend() {
        // SQLite has one writer at a time; a few readers are all WAL needs.
        Backend::Sqlite => options.max_size.min(8),
        Backend::Postgres => options.max_size,
    };
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(options.connection_timeout)
        .build(Manager { url: url.clone() })
        .map_err(|e| ConnectError {
            url: url.masked(),
            reason: e.to_string(),
        })
}
