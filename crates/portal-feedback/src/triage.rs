//! The operator's work (Điều 11.2, scope `feedback:triage`): read the cases, turn down what is
//! spam or out of scope with a reply, and forward the rest in writing to the agencies whose remit
//! they fall in.

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{feedback_cases, feedback_forwardings};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::{CaseStatus, ForwardingStatus};
use crate::personal::DataKey;
use crate::views::{self, CaseDetail, CaseSummary};
use crate::{events, queries, workdays};

pub const MAX_LETTER_CHARS: usize = 5_000;

/// A text the back office writes: the text rules of Điều 6.6, required, bounded.
pub(crate) fn written(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
) -> String {
    portal_core::text::checked(errors, field, value, max, true, true)
}

fn finish(errors: Vec<FieldError>) -> Result<(), Error> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// Every case, newest first, with masked contacts (no personal data is opened for a list).
pub fn list(
    conn: &mut DbConn,
    who: &Acting,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<CaseSummary>, Error> {
    who.principal.require_feedback_triage()?;
    let status = status
        .map(|s| {
            CaseStatus::parse(s).ok_or_else(|| {
                Error::invalid_parameter("status", format!("one of {}", CaseStatus::spellings()))
            })
        })
        .transpose()?;
    let page = queries::cases(conn, status, page)?;
    let next_cursor = page.next_cursor;
    Ok(Page {
        items: views::summaries(conn, page.items)?,
        next_cursor,
    })
}

/// One case with the person's data, the view audited.
pub fn case(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
) -> Result<CaseDetail, Error> {
    who.principal.require_feedback_triage()?;
    let code = crate::intake::read_code(code)?;
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// Turns a case down (spam, out of scope, not a question for the portal), with the reply the
/// citizen reads and the reason kept for the record.
pub fn reject(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    reply: &str,
    reason: &str,
) -> Result<CaseDetail, Error> {
    who.principal.require_feedback_triage()?;
    let code = crate::intake::read_code(code)?;
    let mut errors = Vec::new();
    let reply = written(&mut errors, "reply", reply, MAX_LETTER_CHARS);
    let reason = written(&mut errors, "reason", reason, 500);
    finish(errors)?;
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        if case.status != CaseStatus::Received {
            return Err(Error::Conflict(format!(
                "case {} is {}: only a received case can be turned down",
                case.code,
                case.status.as_str()
            )));
        }
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::status.eq(CaseStatus::Rejected),
                feedback_cases::reply.eq(&reply),
                feedback_cases::closed_on.eq(workdays::today_in_vietnam()),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        events::told(conn, &case, &who.actor.label, "rejected", Some(&reply))?;
        events::record(
            conn,
            case.id,
            &who.actor.label,
            "note",
            Some(&reason),
            false,
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.reject",
            Some(&format!("feedback:{}", case.code)),
            Some(&json!({"status": case.status.as_str()})),
            Some(&json!({"status": "rejected", "reason": reason})),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}

pub struct Forward {
    pub agencies: Vec<String>,
    pub letter: String,
    pub field: Option<String>,
    /// For the back office only, never shown to the citizen.
    pub note: Option<String>,
}

/// Forwards a case in writing to one or more agencies (Điều 11.2): one record per agency with the
/// letter, the date and the due date, which is the case's own (the time limit runs from receipt).
pub fn forward(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    input: &Forward,
) -> Result<CaseDetail, Error> {
    who.principal.require_feedback_triage()?;
    forward_authorized(conn, who, key, code, input)
}

/// The forwarding itself, for the operator and for the supervising agency that re-forwards an
/// escalated case (`escalation::reforward`), each authorized by its caller.
pub(crate) fn forward_authorized(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    input: &Forward,
) -> Result<CaseDetail, Error> {
    let code = crate::intake::read_code(code)?;
    let mut errors = Vec::new();
    let letter = written(&mut errors, "letter", &input.letter, MAX_LETTER_CHARS);
    let field = input
        .field
        .as_deref()
        .map(|f| written(&mut errors, "field", f, 100));
    let note = input
        .note
        .as_deref()
        .map(|n| written(&mut errors, "note", n, MAX_LETTER_CHARS));
    if input.agencies.is_empty() || input.agencies.len() > 20 {
        errors.push(FieldError::new(
            "agencies",
            "count",
            "from 1 to 20 agencies",
        ));
    }
    finish(errors)?;
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        if !matches!(case.status, CaseStatus::Received | CaseStatus::Forwarded) {
            return Err(Error::Conflict(format!(
                "case {} is {}: it can no longer be forwarded",
                case.code,
                case.status.as_str()
            )));
        }
        let today = workdays::today_in_vietnam();
        let mut names = Vec::new();
        for (i, agency_code) in input.agencies.iter().enumerate() {
            let agency = portal_sections::agencies::find_by_code(conn, agency_code)?
                .filter(|a| a.active)
                .ok_or_else(|| {
                    Error::field(
                        format!("agencies[{i}]"),
                        "unknown_agency",
                        format!("no active agency has the code '{agency_code}'"),
                    )
                })?;
            match queries::forwarding(conn, case.id, agency.id)? {
                Some(earlier) if earlier.active() => {
                    return Err(Error::field(
                        format!("agencies[{i}]"),
                        "already_forwarded",
                        format!("case {} is already with '{agency_code}'", case.code),
                    ));
                }
                // Returned earlier and sent again (with what was missing): the same record,
                // opened anew, so an agency has one part per case.
                Some(earlier) => {
                    diesel::update(
                        feedback_forwardings::table.filter(feedback_forwardings::id.eq(earlier.id)),
                    )
                    .set((
                        feedback_forwardings::letter.eq(&letter),
                        feedback_forwardings::forwarded_on.eq(today),
                        feedback_forwardings::due_on.eq(case.due_on),
                        feedback_forwardings::forwarded_by.eq(&who.actor.label),
                        feedback_forwardings::status.eq(ForwardingStatus::Open),
                        feedback_forwardings::returned_at.eq(None::<chrono::NaiveDateTime>),
                        feedback_forwardings::returned_reason.eq(None::<String>),
                        // Its part opens anew: to be accepted again.
                        feedback_forwardings::accepted_at.eq(None::<chrono::NaiveDateTime>),
                        feedback_forwardings::accepted_by.eq(None::<String>),
                    ))
                    .execute(conn)?;
                    names.push(agency.name_vi);
                    continue;
                }
                None => {}
            }
            diesel::insert_into(feedback_forwardings::table)
                .values((
                    feedback_forwardings::case_id.eq(case.id),
                    feedback_forwardings::agency_id.eq(agency.id),
                    feedback_forwardings::letter.eq(&letter),
                    feedback_forwardings::forwarded_on.eq(today),
                    feedback_forwardings::due_on.eq(case.due_on),
                    feedback_forwardings::forwarded_by.eq(&who.actor.label),
                    feedback_forwardings::status.eq(ForwardingStatus::Open),
                ))
                .execute(conn)?;
            names.push(agency.name_vi);
        }
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::status.eq(CaseStatus::Forwarded),
                feedback_cases::field.eq(field.as_deref().or(case.field.as_deref())),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let public_note = format!("Đã chuyển đến: {}", names.join("; "));
        events::told(
            conn,
            &case,
            &who.actor.label,
            "forwarded",
            Some(&public_note),
        )?;
        if let Some(note) = &note {
            events::record(conn, case.id, &who.actor.label, "note", Some(note), false)?;
        }
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.forward",
            Some(&format!("feedback:{}", case.code)),
            Some(&json!({"status": case.status.as_str()})),
            Some(
                &json!({"status": "forwarded", "agencies": input.agencies, "due_on": case.due_on}),
            ),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// Closes a duplicate in favour of the case kept (the citizen is told which, and their status
/// link shows the kept case's answers once it is answered).
pub fn merge(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    into: &str,
) -> Result<CaseDetail, Error> {
    who.principal.require_feedback_triage()?;
    let code = crate::intake::read_code(code)?;
    let into = crate::intake::read_code(into).map_err(|_| {
        Error::field(
            "into",
            "invalid_code",
            "not a tracking code (check its last symbol)",
        )
    })?;
    if code.as_str() == into.as_str() {
        return Err(Error::field(
            "into",
            "same_case",
            "a case cannot be merged into itself",
        ));
    }
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        let kept = queries::case_by_code(conn, into.as_str())?.ok_or_else(|| {
            Error::field(
                "into",
                "unknown_case",
                format!("no case has the code {}", into.as_str()),
            )
        })?;
        if case.status != CaseStatus::Received {
            return Err(Error::Conflict(format!(
                "case {} is {}: only a received case is merged into another",
                case.code,
                case.status.as_str()
            )));
        }
        if kept.merged_into_id.is_some() || kept.status == CaseStatus::Rejected {
            return Err(Error::field(
                "into",
                "closed_case",
                format!(
                    "case {} is closed: merge into the case that was kept",
                    kept.code
                ),
            ));
        }
        let reply = format!(
            "Nội dung trùng với hồ sơ {}; câu trả lời của hồ sơ đó được hiển thị tại đây.",
            kept.code
        );
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::status.eq(CaseStatus::Rejected),
                feedback_cases::merged_into_id.eq(kept.id),
                feedback_cases::reply.eq(&reply),
                feedback_cases::closed_on.eq(workdays::today_in_vietnam()),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        events::told(conn, &case, &who.actor.label, "merged", Some(&reply))?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.merge",
            Some(&format!("feedback:{}", case.code)),
            Some(&json!({"status": case.status.as_str()})),
            Some(&json!({"status": "rejected", "merged_into": kept.code})),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}
