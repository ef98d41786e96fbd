//! Reads of this crate's own tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{
    feedback_cases, feedback_events, feedback_forwardings, feedback_signatories,
};
use portal_db::DbConn;

use crate::model::{Capacity, Case, CaseStatus, Event, Forwarding, ForwardingStatus};

pub fn case_by_id(conn: &mut DbConn, id: i64) -> Result<Case, Error> {
    feedback_cases::table
        .filter(feedback_cases::id.eq(id))
        .select(Case::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("case", id))
}

pub fn case_by_code(conn: &mut DbConn, code: &str) -> Result<Option<Case>, Error> {
    Ok(feedback_cases::table
        .filter(feedback_cases::code.eq(code))
        .select(Case::as_select())
        .first(conn)
        .optional()?)
}

pub fn recent_by_fingerprint(
    conn: &mut DbConn,
    fingerprint: &str,
    since: NaiveDateTime,
) -> Result<Option<Case>, Error> {
    Ok(feedback_cases::table
        .filter(feedback_cases::fingerprint.eq(fingerprint))
        .filter(feedback_cases::created_at.ge(since))
        .order(feedback_cases::id.asc())
        .select(Case::as_select())
        .first(conn)
        .optional()?)
}

/// Newest first, optionally of one status.
pub fn cases(
    conn: &mut DbConn,
    status: Option<CaseStatus>,
    page: &PageRequest,
) -> Result<Page<Case>, Error> {
    let mut query = feedback_cases::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(feedback_cases::status.eq(status));
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(feedback_cases::id.lt(after));
    }
    let rows = query
        .order(feedback_cases::id.desc())
        .limit(page.fetch_limit())
        .select(Case::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |c| c.id.to_string()))
}

pub fn forwardings_of(conn: &mut DbConn, case_id: i64) -> Result<Vec<Forwarding>, Error> {
    Ok(feedback_forwardings::table
        .filter(feedback_forwardings::case_id.eq(case_id))
        .order(feedback_forwardings::id.asc())
        .select(Forwarding::as_select())
        .load(conn)?)
}

pub fn forwarding(
    conn: &mut DbConn,
    case_id: i64,
    agency_id: i64,
) -> Result<Option<Forwarding>, Error> {
    Ok(feedback_forwardings::table
        .filter(feedback_forwardings::case_id.eq(case_id))
        .filter(feedback_forwardings::agency_id.eq(agency_id))
        .select(Forwarding::as_select())
        .first(conn)
        .optional()?)
}

/// The forwardings to some agencies, newest first, optionally of one status.
pub fn inbox(
    conn: &mut DbConn,
    agency_ids: &[i64],
    status: Option<ForwardingStatus>,
    page: &PageRequest,
) -> Result<Page<Forwarding>, Error> {
    let mut query = feedback_forwardings::table
        .filter(feedback_forwardings::agency_id.eq_any(agency_ids))
        .filter(feedback_forwardings::returned_at.is_null())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(feedback_forwardings::status.eq(status));
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(feedback_forwardings::id.lt(after));
    }
    let rows = query
        .order(feedback_forwardings::id.desc())
        .limit(page.fetch_limit())
        .select(Forwarding::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |f| f.id.to_string()))
}

pub fn cases_by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Case>, Error> {
    Ok(feedback_cases::table
        .filter(feedback_cases::id.eq_any(ids))
        .select(Case::as_select())
        .load(conn)?)
}

pub fn events_of(conn: &mut DbConn, case_id: i64, public_only: bool) -> Result<Vec<Event>, Error> {
    let mut query = feedback_events::table
        .filter(feedback_events::case_id.eq(case_id))
        .into_boxed();
    if public_only {
        query = query.filter(feedback_events::public.eq(true));
    }
    Ok(query
        .order(feedback_events::id.asc())
        .select(Event::as_select())
        .load(conn)?)
}

/// In what capacity a user signs an agency's answers, if at all.
pub fn capacity_of(
    conn: &mut DbConn,
    agency_id: i64,
    user_id: i64,
) -> Result<Option<Capacity>, Error> {
    Ok(feedback_signatories::table
        .filter(feedback_signatories::agency_id.eq(agency_id))
        .filter(feedback_signatories::user_id.eq(user_id))
        .select(feedback_signatories::capacity)
        .first(conn)
        .optional()?)
}
