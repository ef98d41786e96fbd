//! What each side sees of a case: the back office a summary with masked contact (lists) or the
//! whole case (one at a time, every view of personal data audited); the citizen their own case
//! with its public steps and signed answers.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use portal_audit::Actor;
use portal_core::Error;
use portal_db::DbConn;
use serde_json::json;

use crate::attachments::Attachment;
use crate::model::{
    Capacity, Case, CaseKind, CaseStatus, Event, Forwarding, ForwardingStatus, PersonalData,
};
use crate::personal::DataKey;
use crate::rules::calendar::WorkingCalendar;
use crate::workdays::{self, DeadlineRule};
use crate::{intake::Consent, queries};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    /// Working days from receipt to the answer, or to today while it is open, less the days the
    /// clock stood waiting for the citizen.
    pub working_days_used: u32,
    pub overdue: bool,
    /// Since when the case waits for the citizen's answer (the clock stands; the due date moves
    /// on by the working days it waited once they answer).
    pub waiting_since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: i64,
    pub code: String,
    pub site: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub subject: String,
    pub contact_masked: String,
    pub deadline: Deadline,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingView {
    pub agency: String,
    pub agency_name: String,
    pub letter: String,
    pub forwarded_on: NaiveDate,
    pub due_on: NaiveDate,
    pub forwarded_by: String,
    pub status: ForwardingStatus,
    pub answer: Option<String>,
    pub drafted_by: Option<String>,
    pub signed_by: Option<String>,
    pub signed_capacity: Option<Capacity>,
    pub signed_at: Option<NaiveDateTime>,
    pub interim_reply: Option<String>,
    pub interim_promised_on: Option<NaiveDate>,
    /// Why the agency returned the case as not in its remit, when it did.
    pub returned_reason: Option<String>,
    pub returned_at: Option<NaiveDateTime>,
    /// The answer's files, by link.
    pub answer_attachments: Vec<Attachment>,
    /// When the agency took the case up.
    pub accepted_at: Option<NaiveDateTime>,
}

/// Where the case went beyond the agencies: its escalation (Điều 11.4) or the case it was merged
/// into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub merged_into: Option<String>,
    pub escalated_on: Option<NaiveDate>,
    pub escalation_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub body: String,
    pub field: Option<String>,
    pub consent: Consent,
    pub privacy_notice_version: String,
    pub rule: DeadlineRule,
    /// Decrypted for this view, which the audit log records; `None` once erased.
    pub person: Option<PersonalData>,
    pub reply: Option<String>,
    pub forwardings: Vec<ForwardingView>,
    pub events: Vec<Event>,
    pub closure: Closure,
}

/// A signed answer as the citizen reads it (Điều 11.3: the head answers in writing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAnswer {
    pub agency_name: String,
    pub text: String,
    pub signed_capacity: Capacity,
    pub signed_at: NaiveDateTime,
    /// The files that go with it, by link.
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterimReply {
    pub agency_name: String,
    pub text: String,
    pub promised_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub code: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub subject: String,
    pub body: String,
    pub deadline: Deadline,
    /// The operator's reply when the case was turned down.
    pub reply: Option<String>,
    pub answers: Vec<SignedAnswer>,
    /// The case this one was merged into as a duplicate; `answers` are that case's.
    pub merged_into: Option<String>,
    /// Interim replies of the agencies still working on it, with the dates they promise.
    pub interim_replies: Vec<InterimReply>,
    pub events: Vec<Event>,
    /// What is stored about the person, shown to them (NĐ 13/2023, Điều 14); `None` once erased.
    pub your_data: Option<PersonalData>,
}

pub(crate) fn deadline(case: &Case, calendar: &WorkingCalendar, today: NaiveDate) -> Deadline {
    let open = matches!(case.status, CaseStatus::Received | CaseStatus::Forwarded);
    let until = case.answered_on.unwrap_or(today);
    let paused_before = case.paused_working_days.unsigned_abs();
    Deadline {
        received_on: case.received_on,
        due_on: case.due_on,
        answered_on: case.answered_on,
        working_days_used: crate::rules::deadline::days_used(
            calendar,
            case.received_on,
            until,
            paused_before,
            case.paused_since,
        ),
        overdue: open && case.paused_since.is_none() && today > case.due_on,
        waiting_since: case.paused_since,
    }
}

/// Summaries of cases, their sites and calendar read once for the whole list.
pub(crate) fn summaries(conn: &mut DbConn, cases: Vec<Case>) -> Result<Vec<CaseSummary>, Error> {
    let today = workdays::today_in_vietnam();
    let calendar = workdays::calendar_around(conn, today)?;
    let site_ids: Vec<i64> = cases.iter().map(|c| c.site_id).collect();
    let keys = portal_sections::sites::keys_by_id(conn, &site_ids)?;
    Ok(cases
        .into_iter()
        .map(|case| CaseSummary {
            id: case.id,
            code: case.code.clone(),
            site: keys.get(&case.site_id).cloned().unwrap_or_default(),
            kind: case.kind,
            status: case.status,
            subject: case.subject.clone(),
            contact_masked: case.contact_masked.clone(),
            deadline: deadline(&case, &calendar, today),
            created_at: case.created_at,
        })
        .collect())
}

pub(crate) fn forwarding_views(
    conn: &mut DbConn,
    forwardings: Vec<Forwarding>,
) -> Result<Vec<ForwardingView>, Error> {
    let mut agencies: HashMap<i64, (String, String)> = HashMap::new();
    for f in &forwardings {
        if let std::collections::hash_map::Entry::Vacant(slot) = agencies.entry(f.agency_id) {
            let code = portal_sections::agencies::code_of(conn, f.agency_id)?;
            let agency = portal_sections::agencies::by_code(conn, &code)?;
            slot.insert((agency.code, agency.name_vi));
        }
    }
    Ok(forwardings
        .into_iter()
        .map(|f| {
            let (agency, agency_name) = agencies.get(&f.agency_id).cloned().unwrap_or_default();
            ForwardingView {
                agency,
                agency_name,
                letter: f.letter,
                forwarded_on: f.forwarded_on,
                due_on: f.due_on,
                forwarded_by: f.forwarded_by,
                status: f.status,
                answer: f.answer,
                drafted_by: f.drafted_by,
                signed_by: f.signed_by,
                signed_capacity: f.signed_capacity,
                signed_at: f.signed_at,
                interim_reply: f.interim_reply,
                interim_promised_on: f.interim_promised_on,
                returned_reason: f.returned_reason,
                returned_at: f.returned_at,
                answer_attachments: crate::attachments::from_json(&f.answer_attachments),
                accepted_at: f.accepted_at,
            }
        })
        .collect())
}

/// The personal data of a case, decrypted, with the view recorded in the audit log in the
/// caller's transaction (Thông tư 25/2010; NĐ 13/2023: who saw whose data, when).
pub(crate) fn open_personal(
    conn: &mut DbConn,
    actor: &Actor,
    key: &DataKey,
    case: &Case,
) -> Result<Option<PersonalData>, Error> {
    let Some(sealed) = &case.personal_data else {
        return Ok(None);
    };
    let person = key.open(sealed, &case.code)?;
    portal_audit::append(
        conn,
        actor,
        "feedback.personal_data.view",
        Some(&format!("feedback:{}", case.code)),
        None,
        Some(&json!({"fields": ["name", "email", "phone", "address"]})),
    )?;
    Ok(Some(person))
}

/// The whole case for the back office.
pub(crate) fn detail(
    conn: &mut DbConn,
    actor: &Actor,
    key: &DataKey,
    case: Case,
) -> Result<CaseDetail, Error> {
    let person = open_personal(conn, actor, key, &case)?;
    let rule = workdays::rule_by_id(conn, case.deadline_rule_id)?;
    let forwardings = queries::forwardings_of(conn, case.id)?;
    let forwardings = forwarding_views(conn, forwardings)?;
    let events = queries::events_of(conn, case.id, false)?;
    let consent = Consent {
        processing: case.consent_processing,
        publication: case.consent_publication,
        email: case.consent_email,
    };
    let body = case.body.clone();
    let field = case.field.clone();
    let reply = case.reply.clone();
    let privacy_notice_version = case.privacy_notice_version.clone();
    let closure = Closure {
        merged_into: case
            .merged_into_id
            .map(|id| queries::case_by_id(conn, id).map(|c| c.code))
            .transpose()?,
        escalated_on: case.escalated_on,
        escalation_reason: case.escalation_reason.clone(),
        closed_on: case.closed_on,
    };
    let summary = summaries(conn, vec![case])?
        .pop()
        .ok_or_else(|| Error::Internal("a case without a summary".into()))?;
    Ok(CaseDetail {
        summary,
        body,
        field,
        consent,
        privacy_notice_version,
        rule,
        person,
        reply,
        forwardings,
        events,
        closure,
    })
}

/// The signed answers of a case, as the citizen and the board read them.
pub(crate) fn signed_answers(conn: &mut DbConn, case_id: i64) -> Result<Vec<SignedAnswer>, Error> {
    let rows = queries::forwardings_of(conn, case_id)?
        .into_iter()
        .filter(|f| f.active() && f.status == ForwardingStatus::Signed)
        .collect();
    Ok(forwarding_views(conn, rows)?
        .into_iter()
        .filter_map(|f| {
            Some(SignedAnswer {
                agency_name: f.agency_name,
                text: f.answer?,
                signed_capacity: f.signed_capacity?,
                signed_at: f.signed_at?,
                attachments: f.answer_attachments,
            })
        })
        .collect())
}

/// The citizen's own case through the status link.
pub fn status(
    conn: &mut DbConn,
    actor: &Actor,
    key: &DataKey,
    code: &str,
    secret: &str,
) -> Result<StatusView, Error> {
    portal_db::write_transaction(conn, |conn| {
        let case = crate::intake::case_for_link(conn, code, secret)?;
        let your_data = open_personal(conn, actor, key, &case)?;
        let today = workdays::today_in_vietnam();
        let calendar = workdays::calendar_around(conn, today)?;
        let merged_into = case
            .merged_into_id
            .map(|id| queries::case_by_id(conn, id))
            .transpose()?;
        // A duplicate's sender reads the answers of the case that was kept.
        let answers = signed_answers(conn, merged_into.as_ref().map_or(case.id, |c| c.id))?;
        let rows = queries::forwardings_of(conn, case.id)?
            .into_iter()
            .filter(|f| f.active() && f.status != ForwardingStatus::Signed)
            .collect();
        let interim_replies = forwarding_views(conn, rows)?
            .into_iter()
            .filter_map(|f| {
                Some(InterimReply {
                    agency_name: f.agency_name,
                    text: f.interim_reply?,
                    promised_on: f.interim_promised_on?,
                })
            })
            .collect();
        Ok(StatusView {
            deadline: deadline(&case, &calendar, today),
            events: queries::events_of(conn, case.id, true)?,
            code: case.code,
            kind: case.kind,
            status: case.status,
            subject: case.subject,
            body: case.body,
            reply: case.reply,
            answers,
            merged_into: merged_into.map(|c| c.code),
            interim_replies,
            your_data,
        })
    })
}

/// A case's deadline as of today.
pub fn deadline_of(conn: &mut DbConn, case: &Case) -> Result<Deadline, Error> {
    let today = workdays::today_in_vietnam();
    let calendar = workdays::calendar_around(conn, today)?;
    Ok(deadline(case, &calendar, today))
}
