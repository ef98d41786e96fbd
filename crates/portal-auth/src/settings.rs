//! Security settings an operator can change at run time, stored in the `settings` table.

use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::settings;
use portal_db::{now, DbConn};

pub const REQUIRE_TOTP_FOR_PRIVILEGED: &str = "require_totp_for_privileged";

/// Whether chief editors and operators must use a second factor: what an operator set, else
/// `default` (on in production, `AuthConfig::require_totp_for_privileged_by_default`).
pub fn require_totp_for_privileged(conn: &mut DbConn, default: bool) -> Result<bool, Error> {
    let value: Option<String> = settings::table
        .filter(settings::key.eq(REQUIRE_TOTP_FOR_PRIVILEGED))
        .select(settings::value)
        .first(conn)
        .optional()?;
    Ok(match value.as_deref() {
        Some(set) => set == "true",
        None => default,
    })
}

pub fn set_flag(conn: &mut DbConn, key: &str, value: bool) -> Result<(), Error> {
    let text = if value { "true" } else { "false" };
    let updated = diesel::update(settings::table.filter(settings::key.eq(key)))
        .set((settings::value.eq(text), settings::updated_at.eq(now())))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(text),
                settings::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
