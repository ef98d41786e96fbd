//! Retention (NĐ 13/2023, Điều 3: personal data kept no longer than its purpose needs): the job
//! that destroys the personal data of cases closed longer ago than the policy in force allows.
//! The anonymised case — its text, its steps, its answers — stays for the record and the reports.

use chrono::Duration;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::feedback_cases;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::{events, policy, workdays};

/// What a list shows in place of the contact once it is purged.
pub const PURGED_MASK: &str = "(đã xoá khi hết thời hạn lưu trữ)";

/// Purges what is due, up to 500 cases a run; returns how many were purged.
pub fn purge_expired(conn: &mut DbConn) -> Result<usize, Error> {
    let today = workdays::today_in_vietnam();
    let policy = policy::in_force(conn, today)?;
    let closed_before = today - Duration::days(i64::from(policy.retention_days));
    let due: Vec<(i64, String)> = feedback_cases::table
        .filter(feedback_cases::personal_data.is_not_null())
        .filter(feedback_cases::closed_on.lt(closed_before))
        .order(feedback_cases::id.asc())
        .limit(500)
        .select((feedback_cases::id, feedback_cases::code))
        .load(conn)?;
    let actor = Actor::system("retention");
    let mut purged = 0;
    for (id, code) in due {
        let done = write_transaction(conn, |conn| {
            let changed = diesel::update(
                feedback_cases::table
                    .filter(feedback_cases::id.eq(id))
                    .filter(feedback_cases::personal_data.is_not_null()),
            )
            .set((
                feedback_cases::personal_data.eq(None::<String>),
                feedback_cases::contact_masked.eq(PURGED_MASK),
                feedback_cases::consent_email.eq(false),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
            if changed == 0 {
                return Ok::<_, Error>(false);
            }
            events::record(
                conn,
                id,
                &actor.label,
                "personal_data_purged",
                Some("Thông tin cá nhân đã được xoá khi hết thời hạn lưu trữ"),
                true,
            )?;
            portal_audit::append(
                conn,
                &actor,
                "feedback.personal_data.purge",
                Some(&format!("feedback:{code}")),
                None,
                Some(
                    &json!({"retention_days": policy.retention_days, "policy": policy.legal_basis}),
                ),
            )?;
            Ok(true)
        })?;
        purged += usize::from(done);
    }
    Ok(purged)
}
