//! The database URL decides the backend. Anything that is neither PostgreSQL nor SQLite is refused
//! here, so a typo never silently creates a new SQLite file.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A `postgres://` or `postgresql://` URL, kept as given for libpq.
    Postgres(String),
    /// A SQLite file, from `sqlite://PATH`, `sqlite:PATH` or a plain path.
    Sqlite(PathBuf),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unsupported database URL '{masked}': {reason}")]
pub struct UrlError {
    pub masked: String,
    pub reason: String,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        let raw = raw.trim();
        let fail = |reason: &str| UrlError {
            masked: mask_password(raw),
            reason: reason.to_string(),
        };
        if raw.is_empty() {
            return Err(fail("it is empty"));
        }
        let lower = raw.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            if let Err(e) = url::Url::parse(raw) {
                return Err(fail(&format!("not a well-formed URL ({e})")));
            }
            return Ok(DatabaseUrl::Postgres(raw.to_string()));
        }
        if let Some(path) = lower
            .strip_prefix("sqlite:")
            .map(|_| &raw["sqlite:".len()..])
        {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(fail(
                    "a sqlite URL needs a file path, e.g. sqlite://data/portal.db",
                ));
            }
            if path == ":memory:" {
                return Err(fail("in-memory SQLite gives every pooled connection its own empty database; use a file"));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(fail(&format!(
                "unknown scheme '{scheme}' (expected postgres://, postgresql://, sqlite:// or a file path)"
            )));
        }
        // What is left is a file path; a typo of a URL or a libpq connection string must not
        // quietly become the name of a new SQLite file.
        if raw.contains('=') || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail(
                "looks like a libpq connection string; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE",
            ));
        }
        if let Some((scheme, _)) = raw.split_once(':') {
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            {
                return Err(fail(&format!(
                    "'{scheme}:' without '//' is neither a URL nor a file path (expected postgres://…, sqlite://PATH or a path)"
                )));
            }
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(raw)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Postgres(_) => Backend::Postgres,
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The URL as it may be shown to people and logs: never with its password.
    pub fn masked(&self) -> String {
        match self {
            DatabaseUrl::Postgres(url) => mask_password(url),
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`, also inside query strings
/// (`?password=`), leaving everything else readable.
pub fn mask_password(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    // `?password=…` in a URL, `password=…` in a libpq string, and a `user:password@` left in
    // something that failed to parse as a URL.
    let mut from = 0;
    while let Some(pos) = out[from..].find("password=").map(|p| p + from) {
        let value_start = pos + "password=".len();
        let value_end = out[value_start..]
            .find(['&', ' '])
            .map_or(out.len(), |i| value_start + i);
        out.replace_range(value_start..value_end, "***");
        from = value_start + 3;
    }
    if !out.contains("://") {
        if let Some(at) = out.rfind('@') {
            if let Some(colon) = out[..at].rfind(':') {
                out.replace_range(colon + 1..at, "***");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_backend_from_scheme() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@localhost/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://localhost/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/portal.db").unwrap(),
            DatabaseUrl::Sqlite("data/portal.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("./portal.db").unwrap(),
            DatabaseUrl::Sqlite("./portal.db".into())
        );
    }

    #[test]
    fn refuses_unknown_schemes_with_the_password_masked() {
        let err = DatabaseUrl::parse("postgress://admin:hunter2@db/portal").unwrap_err();
        assert_eq!(err.masked, "postgress://admin:***@db/portal");
        assert!(
            err.to_string().contains("unknown scheme 'postgress'"),
            "{err}"
        );
        assert!(!err.to_string().contains("hunter2"));
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn typos_and_libpq_strings_never_become_sqlite_files() {
        for (raw, secret) in [
            ("postgres:127.0.0.1/portal", None),
            ("postgres:admin:hunter2@127.0.0.1/portal", Some("hunter2")),
            (
                "host=127.0.0.1 dbname=portal user=admin password=hunter2",
                Some("hunter2"),
            ),
            ("postgresql:/db", None),
            ("postgres://[::1/portal", None),
        ] {
            let err = DatabaseUrl::parse(raw).unwrap_err();
            if let Some(secret) = secret {
                assert!(!err.to_string().contains(secret), "{err}");
            }
        }
        assert_eq!(
            DatabaseUrl::parse("data/portal.db").unwrap(),
            DatabaseUrl::Sqlite("data/portal.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("/var/lib/portal/portal.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/portal/portal.db".into())
        );
    }

    #[test]
    fn masks_passwords() {
        assert_eq!(
            mask_password("postgres://a:b@h:5432/d"),
            "postgres://a:***@h:5432/d"
        );
        assert_eq!(mask_password("postgres://a@h/d"), "postgres://a@h/d");
        assert_eq!(
            mask_password("postgres://h/d?user=a&password=s&x=1"),
            "postgres://h/d?user=a&password=***&x=1"
        );
        assert_eq!(
            mask_password("postgres://a:p@ss@h/d"),
            "postgres://a:***@h/d"
        );
    }
}
