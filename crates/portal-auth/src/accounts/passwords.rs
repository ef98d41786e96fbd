//! Passwords set by an operator (a reset, to be changed at next sign-in) and by their owner.

use super::*;

/// An operator sets a new password; the user must change it at next sign-in, and every
/// session ends now.
pub fn reset_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    new_password: &str,
) -> Result<UserView, Error> {
    let user = user_by_id(conn, id)?;
    password::check_policy("password", new_password, &user.username)?;
    let hash = password::hash(new_password)?;
    write_transaction(conn, |conn| {
        store_password(conn, actor, id, &hash, true, "user.reset_password")?;
        let user = user_by_id(conn, id)?;
        view(conn, user)
    })
}

/// A user changes their own password, proving the current one. Other sessions end.
pub fn change_own_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    current: &str,
    new_password: &str,
    config: &crate::AuthConfig,
) -> Result<(), Error> {
    let user = user_by_id(conn, id)?;
    crate::attempts::prove_password(conn, actor, &user, current, "current_password", config)?;
    password::check_policy("new_password", new_password, &user.username)?;
    if password::verify(new_password, &user.password_hash) {
        return Err(Error::field(
            "new_password",
            "unchanged",
            "must differ from the current password",
        ));
    }
    let hash = password::hash(new_password)?;
    write_transaction(conn, |conn| {
        store_password(conn, actor, id, &hash, false, "user.change_password")
    })
}

/// Stores a new password hash, ends every session of the user (their tokens are refused from
/// the next request) and audits it as `action`. Inside the caller's transaction.
fn store_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    hash: &str,
    must_change: bool,
    action: &str,
) -> Result<(), Error> {
    diesel::update(users::table.filter(users::id.eq(id)))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
        ))
        .execute(conn)?;
    bump_version(conn, id)?;
    tokens::revoke_all_for_user(conn, id)?;
    portal_audit::append(conn, actor, action, Some(&format!("user:{id}")), None, None)?;
    Ok(())
}
