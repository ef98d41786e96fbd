//! E-mail to citizens who gave an address and agreed to be written to (consent per purpose, NĐ
//! 13/2023, Điều 11): an outbox row written in the transaction of the step, sent by the job runner
//! (`claim_due`, then `record`). The address is not copied into the outbox: it is opened from the
//! case when the message goes out, so a case erased meanwhile sends nothing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::feedback_mail;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::Case;
use crate::personal::DataKey;
use crate::queries;

/// After this many failed attempts a message is dropped, with its last error kept.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a replica holds a claimed message before another may try it.
const CLAIM: Duration = Duration::minutes(5);

/// What the citizen is told, in their language: the subject line for each step.
fn subject_of(action: &str) -> &'static str {
    match action {
        "received" => "đã được tiếp nhận",
        "rejected" => "không được tiếp nhận",
        "merged" => "được gộp với hồ sơ trùng",
        "forwarded" => "đã được chuyển đến cơ quan có thẩm quyền",
        "information_requested" => "cần bổ sung thông tin",
        "interim_reply" => "có trả lời tạm thời",
        "accepted" => "đã được cơ quan có thẩm quyền tiếp nhận",
        "escalated" => "đã được chuyển Sở Thông tin và Truyền thông",
        "answered" => "đã có trả lời",
        "published" => "được đăng công khai trong mục Hỏi đáp",
        _ => "có cập nhật",
    }
}

/// Queues the message of a step, when the citizen agreed to e-mail and their data is still kept.
pub(crate) fn enqueue(
    conn: &mut DbConn,
    case: &Case,
    action: &str,
    note: Option<&str>,
) -> Result<(), Error> {
    if !case.consent_email || case.personal_data.is_none() {
        return Ok(());
    }
    let subject = format!("Hồ sơ {} {}", case.code, subject_of(action));
    let mut body = format!(
        "Kính gửi Quý ông/bà,\n\nHồ sơ {} \"{}\" {}.\n",
        case.code,
        case.subject,
        subject_of(action)
    );
    if let Some(note) = note {
        body.push_str(&format!("\n{note}\n"));
    }
    body.push_str(
        "\nQuý ông/bà xem toàn bộ hồ sơ qua đường dẫn riêng nhận được khi gửi. \
         Thư này được gửi tự động, xin đừng trả lời.\n",
    );
    let at = now();
    diesel::insert_into(feedback_mail::table)
        .values((
            feedback_mail::case_id.eq(case.id),
            feedback_mail::subject.eq(subject),
            feedback_mail::body.eq(body),
            feedback_mail::created_at.eq(at),
            feedback_mail::next_attempt_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A message to send now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub case_code: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Claims up to `limit` due messages for this replica and opens their addresses (each opening
/// audited, by the mailer). A message whose case was erased, or that has no address, is dropped.
pub fn claim_due(conn: &mut DbConn, key: &DataKey, limit: i64) -> Result<Vec<Outgoing>, Error> {
    let at = now();
    let actor = Actor::system("mailer");
    let due: Vec<(i64, i64, String, String)> = feedback_mail::table
        .filter(feedback_mail::sent_at.is_null())
        .filter(feedback_mail::dropped_reason.is_null())
        .filter(feedback_mail::next_attempt_at.le(at))
        .filter(
            feedback_mail::claimed_until
                .is_null()
                .or(feedback_mail::claimed_until.lt(at)),
        )
        .order(feedback_mail::id.asc())
        .limit(limit)
        .select((
            feedback_mail::id,
            feedback_mail::case_id,
            feedback_mail::subject,
            feedback_mail::body,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, case_id, subject, body) in due {
        let claimed = write_transaction(conn, |conn| {
            // The claim: only one replica's update finds the message unclaimed.
            let won = diesel::update(
                feedback_mail::table
                    .filter(feedback_mail::id.eq(id))
                    .filter(
                        feedback_mail::claimed_until
                            .is_null()
                            .or(feedback_mail::claimed_until.lt(at)),
                    ),
            )
            .set(feedback_mail::claimed_until.eq(at + CLAIM))
            .execute(conn)?;
            if won == 0 {
                return Ok::<_, Error>(None);
            }
            let case = queries::case_by_id(conn, case_id)?;
            let address = match &case.personal_data {
                Some(sealed) => key.open(sealed, &case.code)?.email,
                None => None,
            };
            let Some(to) = address else {
                drop_message(conn, id, "the case holds no e-mail address any more")?;
                return Ok(None);
            };
            portal_audit::append(
                conn,
                &actor,
                "feedback.personal_data.view",
                Some(&format!("feedback:{}", case.code)),
                None,
                Some(&json!({"fields": ["email"], "purpose": "e-mail to the citizen", "mail": id})),
            )?;
            Ok(Some(Outgoing {
                id,
                case_code: case.code,
                to,
                subject: subject.clone(),
                body: body.clone(),
            }))
        })?;
        out.extend(claimed);
    }
    Ok(out)
}

fn drop_message(conn: &mut DbConn, id: i64, reason: &str) -> Result<(), Error> {
    diesel::update(feedback_mail::table.filter(feedback_mail::id.eq(id)))
        .set((
            feedback_mail::dropped_reason.eq(reason),
            feedback_mail::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records how sending went: sent, or tried again later (1, 2, 4 … minutes), dropped after
/// `MAX_ATTEMPTS`.
pub fn record(conn: &mut DbConn, id: i64, outcome: Result<(), String>) -> Result<(), Error> {
    let at = now();
    match outcome {
        Ok(()) => {
            diesel::update(feedback_mail::table.filter(feedback_mail::id.eq(id)))
                .set((
                    feedback_mail::sent_at.eq(at),
                    feedback_mail::attempts.eq(feedback_mail::attempts + 1),
                    feedback_mail::claimed_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        }
        Err(error) => {
            let attempts: i32 = feedback_mail::table
                .filter(feedback_mail::id.eq(id))
                .select(feedback_mail::attempts)
                .first(conn)?;
            let attempts = attempts + 1;
            let wait = Duration::minutes(1 << (attempts - 1).clamp(0, 10));
            diesel::update(feedback_mail::table.filter(feedback_mail::id.eq(id)))
                .set((
                    feedback_mail::attempts.eq(attempts),
                    feedback_mail::last_error.eq(&error),
                    feedback_mail::next_attempt_at.eq(at + wait),
                    feedback_mail::claimed_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            if attempts >= MAX_ATTEMPTS {
                drop_message(conn, id, &format!("gave up after {attempts} attempts"))?;
            }
        }
    }
    Ok(())
}

/// What the outbox holds, for the operator's check and the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailCounts {
    pub waiting: i64,
    pub sent: i64,
    pub dropped: i64,
}

pub fn counts(conn: &mut DbConn) -> Result<MailCounts, Error> {
    let sent = feedback_mail::table
        .filter(feedback_mail::sent_at.is_not_null())
        .count()
        .get_result(conn)?;
    let dropped = feedback_mail::table
        .filter(feedback_mail::dropped_reason.is_not_null())
        .count()
        .get_result(conn)?;
    let waiting = feedback_mail::table
        .filter(feedback_mail::sent_at.is_null())
        .filter(feedback_mail::dropped_reason.is_null())
        .count()
        .get_result(conn)?;
    Ok(MailCounts {
        waiting,
        sent,
        dropped,
    })
}
