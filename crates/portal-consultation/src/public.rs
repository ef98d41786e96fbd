//! What anyone reads (Điều 7.2.n; NĐ 42/2022, Điều 10.1.i): a site's consultations by phase, one
//! with its parts, the deadline and the receiving unit's contact, and its shown comments — with
//! what the agency did with each once it concluded.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{consultation_comments, consultation_parts, consultations};
use portal_db::DbConn;

use crate::comments::published_on_site;
use crate::model::{Comment, CommentStatus, Consultation, Disposition, Phase};
use crate::views::{self, ConsultationView};

/// A site's published consultations, newest first; `phase` keeps those upcoming, open or closed
/// (closed includes concluded) today.
pub fn list(
    conn: &mut DbConn,
    site_key: &str,
    phase: Option<Phase>,
    page: &PageRequest,
) -> Result<Page<ConsultationView>, Error> {
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    let today = portal_feedback::workdays::today_in_vietnam();
    let mut query = consultations::table
        .filter(consultations::site_id.eq(site.id))
        .filter(consultations::published_at.is_not_null())
        .into_boxed();
    query = match phase {
        None => query,
        Some(Phase::Upcoming) => query.filter(consultations::opens_on.gt(today)),
        Some(Phase::Open) => query
            .filter(consultations::opens_on.le(today))
            .filter(consultations::closes_on.ge(today))
            .filter(consultations::result_published_at.is_null()),
        Some(Phase::Closed) => query.filter(
            consultations::closes_on
                .lt(today)
                .or(consultations::result_published_at.is_not_null()),
        ),
        Some(Phase::Concluded) => query.filter(consultations::result_published_at.is_not_null()),
        Some(Phase::Draft) => {
            return Err(Error::invalid_parameter(
                "phase",
                "drafts are not public: upcoming, open, closed or concluded",
            ))
        }
    };
    if let Some(after) = page.after_id()? {
        query = query.filter(consultations::id.lt(after));
    }
    let rows = query
        .order(consultations::id.desc())
        .limit(page.fetch_limit())
        .select(Consultation::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |c| c.id.to_string());
    Ok(Page {
        items: views::summaries(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// One published consultation of the site, in full.
pub fn get(conn: &mut DbConn, site_key: &str, id: i64) -> Result<ConsultationView, Error> {
    let row = published_on_site(conn, site_key, id)?;
    views::full(conn, row)
}

/// A comment as the public reads it: no name, no contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicComment {
    pub id: i64,
    pub revision: i32,
    pub part: Option<String>,
    pub part_label: Option<String>,
    pub body: String,
    pub organisation: Option<String>,
    pub received_at: NaiveDateTime,
    /// Once the conclusion is published.
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
}

impl PublicComment {
    pub fn received_on(&self) -> NaiveDate {
        self.received_at.date()
    }
}

/// The comments shown on a consultation: approved, with their authors' consent, oldest first.
pub fn comments(
    conn: &mut DbConn,
    site_key: &str,
    id: i64,
    page: &PageRequest,
) -> Result<Page<PublicComment>, Error> {
    let consultation = published_on_site(conn, site_key, id)?;
    let mut query = consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(id))
        .filter(consultation_comments::status.eq(CommentStatus::Approved))
        .filter(consultation_comments::consent_publication.eq(true))
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(consultation_comments::id.gt(after));
    }
    let rows = query
        .order(consultation_comments::id.asc())
        .limit(page.fetch_limit())
        .select(Comment::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |c| c.id.to_string());
    let labels = part_labels(conn, id)?;
    let concluded = consultation.result_published_at.is_some();
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|c| PublicComment {
                part_label: c
                    .part_key
                    .as_ref()
                    .and_then(|k| labels.get(&(c.revision, k.clone())).cloned()),
                id: c.id,
                revision: c.revision,
                part: c.part_key,
                body: c.body,
                organisation: c.organisation,
                received_at: c.created_at,
                disposition: c.disposition.filter(|_| concluded),
                disposition_reason: c.disposition_reason.filter(|_| concluded),
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// The label of each part in each revision ("Điều 3" in revision 1 may be "Điều 4" in 2).
pub(crate) fn part_labels(
    conn: &mut DbConn,
    id: i64,
) -> Result<HashMap<(i32, String), String>, Error> {
    let rows: Vec<(i32, String, String)> = consultation_parts::table
        .filter(consultation_parts::consultation_id.eq(id))
        .select((
            consultation_parts::revision,
            consultation_parts::part_key,
            consultation_parts::label,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(r, k, l)| ((r, k), l)).collect())
}
