//! Escalation to the supervising agency (Điều 11.4: what is beyond every agency's remit goes to
//! Sở TT&TT, which reports it to UBND tỉnh). A case goes up when the operator sends it (no agency
//! is competent) or, by the job runner, when it is still open a grace of working days past its
//! due date (`feedback_policies`). The supervisor's queue holds what went up and is still open;
//! the supervisor re-forwards a case (to an agency, or to itself to answer it through its inbox)
//! and lists what went up in a period for its report.

use chrono::NaiveDate;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_auth::Acting;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::feedback_cases;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::{Case, CaseStatus};
use crate::personal::DataKey;
use crate::triage::{forward_authorized, written, Forward};
use crate::views::{self, CaseDetail, CaseSummary};
use crate::{events, policy, queries, workdays};

const OPEN: [CaseStatus; 2] = [CaseStatus::Received, CaseStatus::Forwarded];

/// Refused unless the caller answers for the supervising agency in force today.
fn require_supervisor(conn: &mut DbConn, who: &Acting) -> Result<policy::Policy, Error> {
    let policy = policy::in_force(conn, workdays::today_in_vietnam())?;
    who.principal
        .require_answer_for(&policy.supervising_agency)
        .map_err(|_| {
            Error::Forbidden(format!(
                "escalated cases are handled by the supervising agency '{}' (Điều 11.4)",
                policy.supervising_agency
            ))
        })?;
    Ok(policy)
}

/// Sends one case up, in the caller's transaction.
fn send_up(conn: &mut DbConn, actor: &Actor, case: &Case, reason: &str) -> Result<(), Error> {
    diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
        .set((
            feedback_cases::escalated_on.eq(workdays::today_in_vietnam()),
            feedback_cases::escalation_reason.eq(reason),
            feedback_cases::updated_at.eq(now()),
        ))
        .execute(conn)?;
    events::told(
        conn,
        case,
        &actor.label,
        "escalated",
        Some("Hồ sơ được chuyển Sở Thông tin và Truyền thông xem xét (Quy chế, Điều 11.4)."),
    )?;
    portal_audit::append(
        conn,
        actor,
        "feedback.escalate",
        Some(&format!("feedback:{}", case.code)),
        None,
        Some(&json!({"reason": reason})),
    )?;
    Ok(())
}

/// The operator sends up a case that no agency's remit covers.
pub fn escalate(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    reason: &str,
) -> Result<CaseDetail, Error> {
    who.principal.require_feedback_triage()?;
    let code = crate::intake::read_code(code)?;
    let mut errors = Vec::new();
    let reason = written(&mut errors, "reason", reason, 1_000);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        if !OPEN.contains(&case.status) {
            return Err(Error::Conflict(format!(
                "case {} is {}: only an open case goes up",
                case.code,
                case.status.as_str()
            )));
        }
        if let Some(on) = case.escalated_on {
            return Err(Error::Conflict(format!(
                "case {} went up on {on} already",
                case.code
            )));
        }
        send_up(conn, &who.actor, &case, &reason)?;
        let case = queries::case_by_id(conn, case.id)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// The job: sends up every open case that is past its due date by more than the grace of the
/// policy in force, not waiting for the citizen. Returns how many went up.
pub fn escalate_overdue(conn: &mut DbConn) -> Result<usize, Error> {
    let today = workdays::today_in_vietnam();
    let policy = policy::in_force(conn, today)?;
    let calendar = workdays::calendar_around(conn, today)?;
    let grace = policy.escalation_grace_days.unsigned_abs();
    // A working day is at least a calendar day, so only cases due before this can be late past
    // the grace: the job runs every few seconds and reads only those.
    let due_before = today - chrono::Duration::days(i64::from(grace));
    let late: Vec<Case> = feedback_cases::table
        .filter(feedback_cases::status.eq_any(OPEN))
        .filter(feedback_cases::escalated_on.is_null())
        .filter(feedback_cases::paused_since.is_null())
        .filter(feedback_cases::due_on.lt(due_before))
        .order(feedback_cases::id.asc())
        .limit(500)
        .select(Case::as_select())
        .load(conn)?;
    let actor = Actor::system("escalation");
    let mut count = 0;
    for case in late {
        if calendar.add_working_days(case.due_on, grace) >= today {
            continue;
        }
        let reason = format!(
            "quá hạn {} ngày làm việc sau hạn {} ({})",
            grace,
            case.due_on.format("%d/%m/%Y"),
            policy.legal_basis
        );
        let done = write_transaction(conn, |conn| {
            // Claimed by the update: two replicas running the job send a case up once.
            let won = diesel::update(
                feedback_cases::table
                    .filter(feedback_cases::id.eq(case.id))
                    .filter(feedback_cases::escalated_on.is_null()),
            )
            .set(feedback_cases::escalated_on.eq(today))
            .execute(conn)?;
            if won == 1 {
                send_up(conn, &actor, &case, &reason)?;
            }
            Ok::<_, Error>(won == 1)
        })?;
        count += usize::from(done);
    }
    Ok(count)
}

/// The supervisor's queue: cases that went up and are still open, latest first.
pub fn queue(
    conn: &mut DbConn,
    who: &Acting,
    page: &PageRequest,
) -> Result<Page<CaseSummary>, Error> {
    require_supervisor(conn, who)?;
    let mut query = feedback_cases::table
        .filter(feedback_cases::escalated_on.is_not_null())
        .filter(feedback_cases::status.eq_any(OPEN))
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(feedback_cases::id.lt(after));
    }
    let rows = query
        .order(feedback_cases::id.desc())
        .limit(page.fetch_limit())
        .select(Case::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |c| c.id.to_string());
    let next_cursor = page.next_cursor;
    Ok(Page {
        items: views::summaries(conn, page.items)?,
        next_cursor,
    })
}

fn escalated_case(conn: &mut DbConn, code: &str) -> Result<Case, Error> {
    let code = crate::intake::read_code(code)?;
    queries::case_by_code(conn, code.as_str())?
        .filter(|c| c.escalated_on.is_some())
        .ok_or_else(|| Error::not_found("escalated case", code.as_str()))
}

/// One escalated case with the person's data, for the supervisor (the view audited).
pub fn case(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
) -> Result<CaseDetail, Error> {
    write_transaction(conn, |conn| {
        require_supervisor(conn, who)?;
        let case = escalated_case(conn, code)?;
        views::detail(conn, &who.actor, key, case)
    })
}

/// The supervisor forwards an escalated case in writing, to an agency or to itself.
pub fn reforward(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    input: &Forward,
) -> Result<CaseDetail, Error> {
    require_supervisor(conn, who)?;
    escalated_case(conn, code)?;
    forward_authorized(conn, who, key, code, input)
}

/// One line of the supervisor's report to UBND tỉnh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalated {
    pub case: CaseSummary,
    pub escalated_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cases: Vec<Escalated>,
}

/// What went up between `from` and `to` (inclusive; default the current half-year), oldest
/// first, for Sở TT&TT's report (Điều 11.4) — to the supervisor or whoever reads reports.
pub fn report(
    conn: &mut DbConn,
    who: &Acting,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<EscalationReport, Error> {
    if who.principal.require_reports().is_err() {
        require_supervisor(conn, who)?;
    }
    let (from, to) = crate::reports::period(from, to)?;
    let rows: Vec<Case> = feedback_cases::table
        .filter(feedback_cases::escalated_on.between(from, to))
        .order((feedback_cases::escalated_on.asc(), feedback_cases::id.asc()))
        .limit(10_000)
        .select(Case::as_select())
        .load(conn)?;
    let reasons: Vec<(NaiveDate, String)> = rows
        .iter()
        .map(|c| {
            (
                c.escalated_on.unwrap_or(from),
                c.escalation_reason.clone().unwrap_or_default(),
            )
        })
        .collect();
    let summaries = views::summaries(conn, rows)?;
    let cases = summaries
        .into_iter()
        .zip(reasons)
        .map(|(case, (escalated_on, reason))| Escalated {
            case,
            escalated_on,
            reason,
        })
        .collect();
    Ok(EscalationReport { from, to, cases })
}
