//! After the comment period: the agency's summary of what it did with the comments (the report
//! on accepting and explaining, "báo cáo tiếp thu, giải trình", NĐ 42/2022 Điều 10.1.i asks the
//! comments received to be shown), with a disposition of every comment it showed or kept for
//! consideration. Published in one step: a missing disposition refuses the whole of it.

use std::collections::HashMap;

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::{Error, FieldError};
use portal_db::schema::{consultation_comments, consultations};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::authoring::owned;
use crate::comments::MAX_REASON_CHARS;
use crate::model::{CommentStatus, Disposition, Phase};
use crate::parts::{rich_text, text};
use crate::views::{self, ConsultationView};

/// Within the API's 64 KiB request limit, with room for the dispositions.
pub const MAX_RESULT_CHARS: usize = 30_000;
pub const MAX_DISPOSITIONS: usize = 1_000;

#[derive(Debug, Clone)]
pub struct DispositionInput {
    pub comment_id: i64,
    pub disposition: String,
    pub reason: Option<String>,
}

/// Publishes (or corrects) the conclusion of a closed consultation.
pub fn publish(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
    summary: &str,
    dispositions: &[DispositionInput],
) -> Result<ConsultationView, Error> {
    let mut errors = Vec::new();
    let summary = rich_text(&mut errors, "summary", summary, MAX_RESULT_CHARS);
    if dispositions.len() > MAX_DISPOSITIONS {
        errors.push(FieldError::new(
            "dispositions",
            "too_many",
            format!("at most {MAX_DISPOSITIONS} in one request"),
        ));
    }
    let mut given: HashMap<i64, (Disposition, Option<String>, usize)> = HashMap::new();
    for (i, d) in dispositions.iter().enumerate() {
        let field = |name: &str| format!("dispositions[{i}].{name}");
        let reason = d
            .reason
            .as_deref()
            .map(|r| {
                text(
                    &mut errors,
                    &field("reason"),
                    r,
                    MAX_REASON_CHARS,
                    true,
                    false,
                )
            })
            .filter(|r| !r.is_empty());
        let Some(disposition) = Disposition::parse(&d.disposition) else {
            errors.push(FieldError::new(
                field("disposition"),
                "unknown_disposition",
                format!("one of {}", Disposition::spellings()),
            ));
            continue;
        };
        if disposition != Disposition::Accepted && reason.is_none() {
            errors.push(FieldError::new(
                field("reason"),
                "required",
                "a comment not accepted, or accepted in part, is answered with the reason",
            ));
        }
        if given
            .insert(d.comment_id, (disposition, reason, i))
            .is_some()
        {
            errors.push(FieldError::new(
                field("comment_id"),
                "repeated",
                format!("comment {} is disposed of twice", d.comment_id),
            ));
        }
    }
    let today = portal_feedback::workdays::today_in_vietnam();
    write_transaction(conn, |conn| {
        let consultation = owned(conn, who, agency_code, id)?;
        let phase = consultation.phase_on(today);
        if !matches!(phase, Phase::Closed | Phase::Concluded) {
            return Err(Error::Conflict(format!(
                "consultation {id} is {}: its conclusion follows the close of comments on {}",
                phase.as_str(),
                consultation.closes_on.format("%d/%m/%Y")
            )));
        }
        let comments: Vec<(i64, CommentStatus, Option<Disposition>)> = consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(id))
            .select((
                consultation_comments::id,
                consultation_comments::status,
                consultation_comments::disposition,
            ))
            .load(conn)?;
        let mut errors = errors.clone();
        let status_of: HashMap<i64, CommentStatus> =
            comments.iter().map(|(id, s, _)| (*id, *s)).collect();
        for (comment_id, (_, _, i)) in &given {
            match status_of.get(comment_id) {
                Some(CommentStatus::Approved) => {}
                Some(other) => errors.push(FieldError::new(
                    format!("dispositions[{i}].comment_id"),
                    "not_approved",
                    format!(
                        "comment {comment_id} is {}: only comments shown or kept are disposed of",
                        other.as_str()
                    ),
                )),
                None => errors.push(FieldError::new(
                    format!("dispositions[{i}].comment_id"),
                    "unknown_comment",
                    format!("consultation {id} has no comment {comment_id}"),
                )),
            }
        }
        let pending = comments
            .iter()
            .filter(|(_, s, _)| *s == CommentStatus::Pending)
            .count();
        if pending > 0 {
            errors.push(FieldError::new(
                "dispositions",
                "comments_pending",
                format!("{pending} comments still wait for moderation"),
            ));
        }
        let missing: Vec<String> = comments
            .iter()
            .filter(|(cid, s, d)| {
                *s == CommentStatus::Approved && d.is_none() && !given.contains_key(cid)
            })
            .map(|(cid, _, _)| cid.to_string())
            .collect();
        if !missing.is_empty() {
            errors.push(FieldError::new(
                "dispositions",
                "missing",
                format!("no disposition for comments {}", missing.join(", ")),
            ));
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        for (comment_id, (disposition, reason, _)) in &given {
            diesel::update(consultation_comments::table.find(comment_id))
                .set((
                    consultation_comments::disposition.eq(Some(*disposition)),
                    consultation_comments::disposition_reason.eq(reason),
                ))
                .execute(conn)?;
        }
        diesel::update(consultations::table.find(id))
            .set((
                consultations::result_summary.eq(Some(&summary)),
                consultations::result_published_at.eq(Some(now())),
                consultations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            if phase == Phase::Concluded {
                "consultation.conclusion_corrected"
            } else {
                "consultation.concluded"
            },
            Some(&format!("consultation:{id}")),
            None,
            Some(&json!({
                "dispositions": given.iter().map(|(c, (d, _, _))| json!({"comment": c, "disposition": d.as_str()})).collect::<Vec<_>>(),
            })),
        )?;
        let row = views::load(conn, id)?.ok_or_else(|| Error::not_found("consultation", id))?;
        views::full(conn, row)
    })
}
