//! The operator classifies a case (Điều 11.2): the field (lĩnh vực) it belongs to, and its kind
//! when the sender chose the wrong one (a question that is really a petition). The kind decides
//! the time limit, so a new kind takes the deadline of its own rule in force on the day of receipt
//! — while the case is still with the operator; once forwarded, each agency's due date stands.

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::{Error, FieldError};
use portal_db::schema::feedback_cases;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::{CaseKind, CaseStatus};
use crate::personal::DataKey;
use crate::views::{self, CaseDetail};
use crate::{events, queries, workdays};

pub const MAX_FIELD_CHARS: usize = 100;

pub struct Classification {
    pub kind: Option<String>,
    pub field: Option<String>,
    /// Why, for the back office.
    pub note: Option<String>,
}

pub fn classify(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    input: &Classification,
) -> Result<CaseDetail, Error> {
    who.principal.require_feedback_triage()?;
    let code = crate::intake::read_code(code)?;
    let mut errors = Vec::new();
    let kind = match input.kind.as_deref() {
        None => None,
        Some(text) => {
            let parsed = CaseKind::parse(text);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "kind",
                    "unknown_kind",
                    format!("one of {}", CaseKind::spellings()),
                ));
            }
            parsed
        }
    };
    let field = input
        .field
        .as_deref()
        .map(|f| portal_core::text::checked(&mut errors, "field", f, MAX_FIELD_CHARS, false, true));
    let note = input
        .note
        .as_deref()
        .map(|n| portal_core::text::checked(&mut errors, "note", n, 5_000, true, false))
        .filter(|n| !n.is_empty());
    if kind.is_none() && field.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "kind",
            "required",
            "give the kind, the field, or both",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        if !matches!(case.status, CaseStatus::Received | CaseStatus::Forwarded) {
            return Err(Error::Conflict(format!(
                "case {} is {}: a closed case is not classified",
                case.code,
                case.status.as_str()
            )));
        }
        let new_kind = kind.filter(|k| *k != case.kind);
        if new_kind.is_some() && case.status != CaseStatus::Received {
            return Err(Error::Conflict(format!(
                "case {} is forwarded: its kind, and so its deadline, no longer changes",
                case.code
            )));
        }
        let (rule_id, due_on) = match new_kind {
            Some(kind) => {
                let rule = workdays::deadline_rule(conn, kind, case.received_on)?;
                let calendar = workdays::calendar_around(conn, case.received_on)?;
                let due =
                    calendar.add_working_days(case.received_on, rule.working_days.unsigned_abs());
                (rule.id, due)
            }
            None => (case.deadline_rule_id, case.due_on),
        };
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::kind.eq(new_kind.unwrap_or(case.kind)),
                feedback_cases::field.eq(field.as_deref().or(case.field.as_deref())),
                feedback_cases::deadline_rule_id.eq(rule_id),
                feedback_cases::due_on.eq(due_on),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let summary = format!(
            "Phân loại: {}{}{}",
            new_kind.unwrap_or(case.kind).as_str(),
            field
                .as_deref()
                .map(|f| format!(", lĩnh vực {f}"))
                .unwrap_or_default(),
            note.as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
        events::record(
            conn,
            case.id,
            &who.actor.label,
            "classified",
            Some(&summary),
            false,
        )?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.classify",
            Some(&format!("feedback:{}", case.code)),
            Some(&json!({"kind": case.kind.as_str(), "field": case.field, "due_on": case.due_on})),
            Some(
                &json!({"kind": new_kind.unwrap_or(case.kind).as_str(), "field": field.as_deref().or(case.field.as_deref()), "due_on": due_on}),
            ),
        )?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}
