//! A database for one test: a temporary SQLite file, or a PostgreSQL database created for the test and dropped after it.

use super::*;

/// A database that exists for one test only.
pub struct TestDb {
    pub url: DatabaseUrl,
    postgres: Option<(DatabaseUrl, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        TestDb {
            url: DatabaseUrl::Sqlite(dir.path().join("portal.db")),
            postgres: None,
            _dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or None when no test server is configured.
    pub fn postgres() -> Option<TestDb> {
        let admin_raw = std::env::var(TEST_DATABASE_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())?;
        let admin =
            DatabaseUrl::parse(&admin_raw).expect("PORTAL_TEST_DATABASE_URL is a database URL");
        assert_eq!(
            admin.backend(),
            Backend::Postgres,
            "{TEST_DATABASE_ENV} must be a postgres:// URL"
        );
        let name = format!("portal_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = establish(&admin).unwrap_or_else(|e| panic!("{e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        let url =
            DatabaseUrl::parse(&with_database(&admin_raw, &name)).expect("derived URL parses");
        Some(TestDb {
            url,
            postgres: Some((admin, name)),
            _dir: None,
        })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// Another fresh database on the same backend.
    pub fn another(&self) -> TestDb {
        match self.backend() {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres_configured(),
        }
    }

    /// A fresh PostgreSQL database; panics when none is configured (callers are the tests the
    /// build marked ignored without one, run anyway with `--ignored`).
    pub fn postgres_configured() -> TestDb {
        TestDb::postgres().unwrap_or_else(|| {
            panic!("{TEST_DATABASE_ENV} is not set: run with it, or without --ignored")
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres {
            if let Ok(mut conn) = establish(admin) {
                // FORCE ends the app's pooled connections, which may outlive the test body.
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The same server URL with another database name (the path), keeping user, host and options.
pub fn with_database(url: &str, database: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let base = match head[scheme_end..].find('/') {
        Some(slash) => &head[..scheme_end + slash],
        None => head,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}
