//! Storage for Portal CMS: the schema, one connection type over SQLite and PostgreSQL, the pool,
//! and the embedded migrations. Domain crates write their queries against `DbConn`.

pub mod conn;
pub mod json;
pub mod migrations;
pub mod schema;
pub mod url;

pub use conn::{
    build_pool, establish, queries_started, ConnectError, DbConn, Pool, PoolOptions, PooledConn,
};
pub use json::JsonText;
pub use url::{Backend, DatabaseUrl, UrlError};

/// The current time as stored: UTC without an offset (the portable `TIMESTAMP` type), cut to
/// microseconds because PostgreSQL keeps no more, so both backends return the same value.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Names the database of `url` in the one line an operator sees on start.
pub fn describe(url: &DatabaseUrl) -> String {
    format!("{} ({})", url.backend(), url.masked())
}

/// Whether the database answers a trivial query.
pub fn ping(conn: &mut DbConn) -> Result<(), portal_core::Error> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1")
        .map_err(|e| portal_core::Error::Unavailable(e.to_string()))
}

/// Refreshes PostgreSQL's planner statistics after a bulk load, which autovacuum would only do
/// later: with the counts of an empty table the planner picks bitmap scans and sorts where an
/// index walk is right. SQLite plans from its indexes alone and is left as it is.
pub fn refresh_statistics(conn: &mut DbConn) -> Result<(), portal_core::Error> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Pg(pg) = conn {
        pg.batch_execute("ANALYZE")
            .map_err(|e| portal_core::Error::Internal(e.to_string()))?;
    }
    Ok(())
}

/// Makes the transactions that name the same `key` wait for each other until they end: on
/// PostgreSQL a transaction-level advisory lock, for a check-then-insert that no unique index
/// can express (a duplicate within a time window); on SQLite `write_transaction`'s write lock
/// already serialises every writer. Call it inside `write_transaction`.
pub fn serialise_on(conn: &mut DbConn, key: &str) -> Result<(), diesel::result::Error> {
    use diesel::RunQueryDsl;
    if let DbConn::Pg(pg) = conn {
        // 60 bits of a SHA-256 of the key: positive, and apart from the setup lock's constant.
        use sha2::Digest;
        let digest = sha2::Sha256::digest(key.as_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        let lock = (u64::from_be_bytes(bytes) >> 4) as i64;
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({lock})")).execute(pg)?;
    }
    Ok(())
}

/// A transaction for work that writes. On SQLite it takes the write lock first: a transaction
/// that reads and only later writes would otherwise fail with SQLITE_BUSY (without waiting) when
/// another writer committed in between. On PostgreSQL it is a plain transaction.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{Connection, SimpleConnection};
    conn.transaction(|conn| {
        if let DbConn::Sqlite(sqlite) = conn {
            // Any write takes the lock; this one changes nothing and the table always exists.
            sqlite.batch_execute("UPDATE audit_head SET seq = seq WHERE id = 1")?;
        }
        work(conn)
    })
}

/// Stores a type in a `TEXT` column by its `as_str` spelling and reads it back with `parse`, on
/// every backend: rows carry the typed value, and a spelling the type does not know (a `CHECK`
/// constraint keeps them out) is a deserialization error naming it, not a string parsed at each
/// use. The type also needs `#[derive(diesel::AsExpression, diesel::FromSqlRow)]` with
/// `#[diesel(sql_type = diesel::sql_types::Text)]`.
#[macro_export]
macro_rules! stored_as_text {
    ($ty:ty) => {
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text =
                    <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(
                        bytes,
                    )?;
                <$ty>::parse(&text)
                    .ok_or_else(|| format!("'{text}' is not a {}", stringify!($ty)).into())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }
    };
}

/// A closed list stored by its spelling: the enum, `as_str`, `parse`, `ALL` and the diesel
/// mapping (a `CHECK` constraint keeps other spellings out of the column).
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash,
                 diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// The spellings, for an error message that lists them.
            pub fn spellings() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        $crate::stored_as_text!($name);
    };
}
