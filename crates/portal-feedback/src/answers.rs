//! The agency's work (Điều 11.3, scope `feedback:answer:agency:<code>`): its inbox of forwarded
//! cases, the answer its staff draft, and the signature of its head — or of a deputy the head
//! named — without which nothing is sent. Who signs is recorded here (`feedback_signatories`).

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{feedback_cases, feedback_forwardings, feedback_signatories};
use portal_db::{now, write_transaction, DbConn};
use portal_sections::model::Agency;
use serde_json::json;

use crate::attachments::Attachment;
use crate::model::{Capacity, Case, CaseStatus, Forwarding, ForwardingStatus};
use crate::personal::DataKey;
use crate::triage::written;
use crate::views::{self, CaseDetail, CaseSummary};
use crate::{events, queries, workdays};

pub const MAX_ANSWER_CHARS: usize = 20_000;

/// One line of an agency's inbox: the case and that agency's part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEntry {
    pub agency: String,
    pub status: ForwardingStatus,
    pub case: CaseSummary,
}

fn agency(conn: &mut DbConn, code: &str) -> Result<Agency, Error> {
    portal_sections::agencies::find_by_code(conn, code)?
        .ok_or_else(|| Error::not_found("agency", code))
}

/// The cases forwarded to the agencies the caller works for, newest forwarding first.
pub fn inbox(
    conn: &mut DbConn,
    who: &Acting,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<InboxEntry>, Error> {
    let codes = who.principal.feedback_agencies();
    if codes.is_empty() {
        return Err(Error::Forbidden(
            "the credentials carry no feedback:answer:agency:<code> scope".into(),
        ));
    }
    let status = status
        .map(|s| {
            ForwardingStatus::parse(s).ok_or_else(|| {
                Error::invalid_parameter(
                    "status",
                    format!("one of {}", ForwardingStatus::spellings()),
                )
            })
        })
        .transpose()?;
    let mut ids = Vec::new();
    for code in &codes {
        if let Some(a) = portal_sections::agencies::find_by_code(conn, code)? {
            ids.push(a.id);
        }
    }
    let page = queries::inbox(conn, &ids, status, page)?;
    let case_ids: Vec<i64> = page.items.iter().map(|f| f.case_id).collect();
    let rows = queries::cases_by_ids(conn, &case_ids)?;
    let cases = views::summaries(conn, rows)?;
    let codes_by_id = portal_sections::agencies::codes_by_id(conn, &ids)?;
    let items = page
        .items
        .iter()
        .filter_map(|f| {
            Some(InboxEntry {
                agency: codes_by_id.get(&f.agency_id)?.clone(),
                status: f.status,
                case: cases.iter().find(|c| c.id == f.case_id)?.clone(),
            })
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// The case and this agency's forwarding, refused (403) to an agency it was not forwarded to:
/// the same answer whether or not the case exists, so no agency learns of others' cases.
pub(crate) fn forwarded_case(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    code: &str,
) -> Result<(Agency, Case, Forwarding), Error> {
    who.principal.require_answer_for(agency_code)?;
    let code = crate::intake::read_code(code)?;
    let agency = agency(conn, agency_code)?;
    let not_forwarded = || {
        Error::Forbidden(format!(
            "case {} was not forwarded to '{agency_code}'",
            code.as_str()
        ))
    };
    let case = queries::case_by_code(conn, code.as_str())?.ok_or_else(not_forwarded)?;
    let forwarding = queries::forwarding(conn, case.id, agency.id)?.ok_or_else(not_forwarded)?;
    if !forwarding.active() {
        return Err(Error::Forbidden(format!(
            "'{agency_code}' returned case {} to the operator as not in its remit",
            code.as_str()
        )));
    }
    Ok((agency, case, forwarding))
}

/// A forwarded case with the person's data, for the agency that answers it (the view audited).
pub fn case(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
) -> Result<CaseDetail, Error> {
    write_transaction(conn, |conn| {
        let (_, case, _) = forwarded_case(conn, who, agency_code, code)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// Staff write (or rewrite) the agency's answer; it goes nowhere until it is signed.
pub fn draft(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
    text: &str,
    attachments: &[Attachment],
) -> Result<CaseDetail, Error> {
    let mut errors = Vec::new();
    let text = written(&mut errors, "answer", text, MAX_ANSWER_CHARS);
    let attachments = crate::attachments::check(&mut errors, "attachments", attachments);
    write_transaction(conn, |conn| {
        let (_, case, forwarding) = forwarded_case(conn, who, agency_code, code)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if forwarding.status == ForwardingStatus::Signed {
            return Err(Error::Conflict(format!(
                "the answer of '{agency_code}' to case {} is signed and sent: it cannot change",
                case.code
            )));
        }
        // Not over an answer signed meanwhile: what was signed is what was sent.
        let drafted = diesel::update(
            feedback_forwardings::table
                .filter(feedback_forwardings::id.eq(forwarding.id))
                .filter(feedback_forwardings::status.ne(ForwardingStatus::Signed)),
        )
        .set((
            feedback_forwardings::status.eq(ForwardingStatus::Drafted),
            feedback_forwardings::answer.eq(&text),
            feedback_forwardings::answer_attachments.eq(crate::attachments::to_json(&attachments)),
            feedback_forwardings::drafted_by.eq(&who.actor.label),
            feedback_forwardings::drafted_at.eq(now()),
        ))
        .execute(conn)?;
        if drafted == 0 {
            return Err(Error::Conflict(format!(
                "the answer of '{agency_code}' to case {} was signed meanwhile",
                case.code
            )));
        }
        events::record(
            conn,
            case.id,
            &who.actor.label,
            "answer_drafted",
            Some(agency_code),
            false,
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.draft",
            Some(&format!("feedback:{}", case.code)),
            forwarding
                .answer
                .as_ref()
                .map(|a| json!({"agency": agency_code, "answer": a}))
                .as_ref(),
            Some(&json!({"agency": agency_code, "answer": text})),
        )?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// The head of the agency, or a deputy the head named, signs the drafted answer (Điều 11.3): it
/// is sent to the citizen, and the case is answered once every agency it went to has signed.
pub fn sign(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
) -> Result<CaseDetail, Error> {
    write_transaction(conn, |conn| {
        let (agency, case, forwarding) = forwarded_case(conn, who, agency_code, code)?;
        let user_id = who.principal.user_id().ok_or_else(|| {
            Error::Forbidden("an answer is signed by a person, not an API key".into())
        })?;
        let capacity = queries::capacity_of(conn, agency.id, user_id)?.ok_or_else(|| {
            Error::Forbidden(format!(
                "only the head of '{agency_code}' or a deputy the head named signs its answers (Điều 11.3)"
            ))
        })?;
        if forwarding.status != ForwardingStatus::Drafted {
            return Err(Error::Conflict(format!(
                "the answer of '{agency_code}' to case {} is {}: only a drafted answer is signed",
                case.code,
                forwarding.status.as_str()
            )));
        }
        let at = now();
        // Two agencies' heads signing at once: each must see the other's signature when it counts
        // what is still unsigned, or the case would stay open for ever. Writing the case row first
        // takes its lock (PostgreSQL; SQLite's write transaction is already one at a time), so the
        // second signer counts after the first committed.
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set(feedback_cases::updated_at.eq(at))
            .execute(conn)?;
        // Only while still drafted: a head and a deputy signing at once sign it once.
        let signed = diesel::update(
            feedback_forwardings::table
                .filter(feedback_forwardings::id.eq(forwarding.id))
                .filter(feedback_forwardings::status.eq(ForwardingStatus::Drafted)),
        )
        .set((
            feedback_forwardings::status.eq(ForwardingStatus::Signed),
            feedback_forwardings::signed_by_user_id.eq(user_id),
            feedback_forwardings::signed_by.eq(&who.actor.label),
            feedback_forwardings::signed_capacity.eq(capacity),
            feedback_forwardings::signed_at.eq(at),
        ))
        .execute(conn)?;
        if signed == 0 {
            return Err(Error::Conflict(format!(
                "the answer of '{agency_code}' to case {} was signed meanwhile",
                case.code
            )));
        }
        events::told(
            conn,
            &case,
            &who.actor.label,
            "answered",
            Some(&format!("{} đã trả lời", agency.name_vi)),
        )?;
        let unsigned = queries::forwardings_of(conn, case.id)?
            .iter()
            .filter(|f| f.active() && f.status != ForwardingStatus::Signed)
            .count();
        if unsigned == 0 {
            diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
                .set((
                    feedback_cases::status.eq(CaseStatus::Answered),
                    feedback_cases::answered_on.eq(workdays::today_in_vietnam()),
                    feedback_cases::closed_on.eq(workdays::today_in_vietnam()),
                    feedback_cases::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.sign",
            Some(&format!("feedback:{}", case.code)),
            None,
            Some(
                &json!({"agency": agency_code, "capacity": capacity.as_str(), "case_answered": unsigned == 0}),
            ),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// Names who signs an agency's answers. The head is named by whoever manages accounts; a deputy
/// by the agency's head. The user must belong to the agency.
pub fn name_signatory(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    username: &str,
    capacity: &str,
) -> Result<(), Error> {
    let capacity = Capacity::parse(capacity).ok_or_else(|| {
        Error::field(
            "capacity",
            "unknown_capacity",
            format!("one of {}", Capacity::spellings()),
        )
    })?;
    write_transaction(conn, |conn| {
        let agency = agency(conn, agency_code)?;
        match capacity {
            Capacity::Head => who.principal.require_accounts_manage()?,
            Capacity::Deputy => {
                let own = who
                    .principal
                    .user_id()
                    .map(|id| queries::capacity_of(conn, agency.id, id))
                    .transpose()?
                    .flatten();
                if own != Some(Capacity::Head) {
                    return Err(Error::Forbidden(format!(
                        "a deputy of '{agency_code}' is named by its head (Điều 11.3)"
                    )));
                }
            }
        }
        let user = portal_auth::directory::member_of_agency(conn, username, agency.id)?
            .ok_or_else(|| {
                Error::field(
                    "username",
                    "not_in_agency",
                    format!("'{username}' is not an active account of '{agency_code}'"),
                )
            })?;
        if capacity == Capacity::Head {
            // One head at a time: naming a new one ends the previous head's signature.
            diesel::delete(
                feedback_signatories::table
                    .filter(feedback_signatories::agency_id.eq(agency.id))
                    .filter(feedback_signatories::capacity.eq(Capacity::Head)),
            )
            .execute(conn)?;
        }
        diesel::delete(
            feedback_signatories::table
                .filter(feedback_signatories::agency_id.eq(agency.id))
                .filter(feedback_signatories::user_id.eq(user)),
        )
        .execute(conn)?;
        diesel::insert_into(feedback_signatories::table)
            .values((
                feedback_signatories::agency_id.eq(agency.id),
                feedback_signatories::user_id.eq(user),
                feedback_signatories::capacity.eq(capacity),
                feedback_signatories::named_by.eq(&who.actor.label),
                feedback_signatories::named_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.signatory",
            Some(&format!("agency:{agency_code}")),
            None,
            Some(&json!({"username": username, "capacity": capacity.as_str()})),
        )?;
        Ok(())
    })
}

/// The agency asks the citizen for more information (the question is shown on the status link):
/// the clock stands from today until they answer (`intake::reply`).
pub fn request_information(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    code: &str,
    question: &str,
) -> Result<CaseDetail, Error> {
    let mut errors = Vec::new();
    let question = written(
        &mut errors,
        "question",
        question,
        crate::triage::MAX_LETTER_CHARS,
    );
    write_transaction(conn, |conn| {
        let (agency, case, forwarding) = forwarded_case(conn, who, agency_code, code)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if case.status != CaseStatus::Forwarded || forwarding.status == ForwardingStatus::Signed {
            return Err(Error::Conflict(format!(
                "case {} is {} and the answer of '{agency_code}' is {}: there is nothing to ask",
                case.code,
                case.status.as_str(),
                forwarding.status.as_str()
            )));
        }
        if let Some(since) = case.paused_since {
            return Err(Error::Conflict(format!(
                "case {} already waits for the citizen since {since}",
                case.code
            )));
        }
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::paused_since.eq(workdays::today_in_vietnam()),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        events::told(
            conn,
            &case,
            &who.actor.label,
            "information_requested",
            Some(&format!("{} đề nghị bổ sung: {question}", agency.name_vi)),
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.request_information",
            Some(&format!("feedback:{}", case.code)),
            None,
            Some(&json!({"agency": agency_code, "question": question})),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}
