//! Disabling, enabling, and disabling accounts left unused (requirements.md: level-3 practice).

use super::*;

/// Disables or re-enables an account. Disabling ends every session at the next request;
/// enabling also clears a lockout.
pub fn set_enabled(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    enabled: bool,
) -> Result<UserView, Error> {
    write_transaction(conn, |conn| {
        let before_user = user_by_id(conn, id)?;
        if Some(id) == actor.user_id && !enabled {
            return Err(Error::Conflict(
                "you cannot disable your own account".into(),
            ));
        }
        let before = snapshot(conn, &before_user)?;
        let status = if enabled {
            UserStatus::Active
        } else {
            UserStatus::Disabled
        };
        let at = now();
        diesel::update(users::table.filter(users::id.eq(id)))
            .set((
                users::status.eq(status),
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                // Re-enabled idle accounts start a new idle period.
                users::last_login_at.eq(if enabled {
                    Some(at)
                } else {
                    before_user.last_login_at
                }),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        if !enabled {
            bump_version(conn, id)?;
            tokens::revoke_all_for_user(conn, id)?;
        }
        let user = user_by_id(conn, id)?;
        let after = snapshot(conn, &user)?;
        let action = if enabled {
            "user.enable"
        } else {
            "user.disable"
        };
        portal_audit::append(
            conn,
            actor,
            action,
            Some(&format!("user:{id}")),
            Some(&before),
            Some(&after),
        )?;
        view(conn, user)
    })
}

/// Disables every active account with no sign-in for the configured period; returns their ids.
pub fn disable_idle(conn: &mut DbConn, idle_for: std::time::Duration) -> Result<Vec<i64>, Error> {
    let cutoff = now() - crate::config::chrono(idle_for);
    write_transaction(conn, |conn| {
        let idle: Vec<User> = users::table
            .filter(users::status.ne(UserStatus::Disabled))
            .select(User::as_select())
            .load(conn)?
            .into_iter()
            .filter(|u| u.last_login_at.unwrap_or(u.created_at) < cutoff)
            .collect();
        for user in &idle {
            diesel::update(users::table.filter(users::id.eq(user.id)))
                .set(users::status.eq(UserStatus::Disabled))
                .execute(conn)?;
            bump_version(conn, user.id)?;
            portal_audit::append(
                conn,
                &Actor::system("idle-accounts"),
                "user.disable_idle",
                Some(&format!("user:{}", user.id)),
                Some(&json!({"status": user.status, "last_login_at": user.last_login_at})),
                Some(&json!({"status": "disabled"})),
            )?;
        }
        Ok(idle.into_iter().map(|u| u.id).collect())
    })
}
