//! What else an agency does with a case forwarded to it (Điều 11.3) besides answering: an
//! interim reply that tells the citizen when to expect the answer, and the return of a case
//! that is not in its remit to the operator, with the reason, so it can be forwarded elsewhere.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::{Error, FieldError};
use portal_db::schema::{feedback_cases, feedback_forwardings};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::answers::forwarded_case;
use crate::model::{CaseStatus, ForwardingStatus};
use crate::personal::DataKey;
use crate::triage::{written, MAX_LETTER_CHARS};
use crate::views::{self, CaseDetail};
use crate::{events, queries, workdays};

/// How far ahead an agency may promise its answer.
pub const MAX_PROMISE_DAYS: i64 = 90;

fn still_open(case_status: CaseStatus, forwarding: ForwardingStatus) -> bool {
    case_status == CaseStatus::Forwarded && forwarding != ForwardingStatus::Signed
}

/// An interim reply (Điều 11.3; NĐ 43/2011, Điều 17: an answer *or the state of its handling*
/// within the limit): the text and the date the agency promises its answer by, both shown to
/// the citizen. A later interim reply replaces the earlier one; the events keep both.
pub fn interim_reply(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
    text: &str,
    promised_on: NaiveDate,
) -> Result<CaseDetail, Error> {
    let mut errors = Vec::new();
    let text = written(&mut errors, "text", text, MAX_LETTER_CHARS);
    let today = workdays::today_in_vietnam();
    if promised_on <= today || promised_on > today + Duration::days(MAX_PROMISE_DAYS) {
        errors.push(FieldError::new(
            "promised_on",
            "out_of_range",
            format!("a day after today ({today}) and at most {MAX_PROMISE_DAYS} days ahead"),
        ));
    }
    write_transaction(conn, |conn| {
        let (agency, case, forwarding) = forwarded_case(conn, who, agency_code, code)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if !still_open(case.status, forwarding.status) {
            return Err(Error::Conflict(format!(
                "case {} is {} and the answer of '{agency_code}' is {}: an interim reply is for an open case",
                case.code,
                case.status.as_str(),
                forwarding.status.as_str()
            )));
        }
        diesel::update(
            feedback_forwardings::table.filter(feedback_forwardings::id.eq(forwarding.id)),
        )
        .set((
            feedback_forwardings::interim_reply.eq(&text),
            feedback_forwardings::interim_promised_on.eq(promised_on),
            feedback_forwardings::interim_at.eq(now()),
        ))
        .execute(conn)?;
        events::told(
            conn,
            &case,
            &who.actor.label,
            "interim_reply",
            Some(&format!(
                "{}: {text} Hẹn trả lời trước ngày {}.",
                agency.name_vi,
                promised_on.format("%d/%m/%Y")
            )),
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.interim_reply",
            Some(&format!("feedback:{}", case.code)),
            forwarding
                .interim_promised_on
                .map(|d| json!({"agency": agency_code, "promised_on": d}))
                .as_ref(),
            Some(&json!({"agency": agency_code, "promised_on": promised_on, "text": text})),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// The agency takes the case up (Điều 11.3): the citizen is told who handles it. Once only, and
/// only while its part is open; answering without accepting first is allowed (the signature says
/// more than the acceptance did).
pub fn accept(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
) -> Result<CaseDetail, Error> {
    write_transaction(conn, |conn| {
        let (agency, case, forwarding) = forwarded_case(conn, who, agency_code, code)?;
        if !still_open(case.status, forwarding.status) {
            return Err(Error::Conflict(format!(
                "case {} is {} and the answer of '{agency_code}' is {}: there is nothing to accept",
                case.code,
                case.status.as_str(),
                forwarding.status.as_str()
            )));
        }
        // Only the first of two staff accepting at once writes: the other is told.
        let taken = diesel::update(
            feedback_forwardings::table
                .filter(feedback_forwardings::id.eq(forwarding.id))
                .filter(feedback_forwardings::accepted_at.is_null()),
        )
        .set((
            feedback_forwardings::accepted_at.eq(now()),
            feedback_forwardings::accepted_by.eq(&who.actor.label),
        ))
        .execute(conn)?;
        if taken == 0 {
            return Err(Error::Conflict(format!(
                "'{agency_code}' already accepted case {}",
                case.code
            )));
        }
        events::told(
            conn,
            &case,
            &who.actor.label,
            "accepted",
            Some(&format!("{} đã tiếp nhận và đang xử lý.", agency.name_vi)),
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.accept",
            Some(&format!("feedback:{}", case.code)),
            None,
            Some(&json!({"agency": agency_code})),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// The agency returns the case as not in its remit (the reason is for the operator, not the
/// citizen). Once no agency holds it, the case is back in the operator's queue as received.
pub fn give_back(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
    reason: &str,
) -> Result<CaseDetail, Error> {
    let mut errors = Vec::new();
    let reason = written(&mut errors, "reason", reason, MAX_LETTER_CHARS);
    write_transaction(conn, |conn| {
        let (agency, case, forwarding) = forwarded_case(conn, who, agency_code, code)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if !still_open(case.status, forwarding.status) {
            return Err(Error::Conflict(format!(
                "case {} is {} and the answer of '{agency_code}' is {}: only an open case is returned",
                case.code,
                case.status.as_str(),
                forwarding.status.as_str()
            )));
        }
        let at = now();
        // The case row first: its lock orders two agencies returning at once (see answers::sign).
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set(feedback_cases::updated_at.eq(at))
            .execute(conn)?;
        diesel::update(
            feedback_forwardings::table.filter(feedback_forwardings::id.eq(forwarding.id)),
        )
        .set((
            feedback_forwardings::returned_reason.eq(&reason),
            feedback_forwardings::returned_at.eq(at),
        ))
        .execute(conn)?;
        let still_held = queries::forwardings_of(conn, case.id)?
            .iter()
            .any(|f| f.active());
        if !still_held {
            diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
                .set(feedback_cases::status.eq(CaseStatus::Received))
                .execute(conn)?;
        }
        events::record(
            conn,
            case.id,
            &who.actor.label,
            "returned",
            Some(&format!("{} trả lại: {reason}", agency.name_vi)),
            false,
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.return",
            Some(&format!("feedback:{}", case.code)),
            Some(&json!({"status": case.status.as_str()})),
            Some(
                &json!({"agency": agency_code, "reason": reason, "back_to_operator": !still_held}),
            ),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}
