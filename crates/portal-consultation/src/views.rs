//! A consultation as its readers see it: the row with its site, agency, phase, the parts of its
//! current revision (each with the revision its text dates from) and its comment counts.

use std::collections::HashMap;

use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::{consultation_comments, consultation_parts, consultations};
use portal_db::DbConn;

use crate::model::{Attachment, CommentStatus, Consultation, Disposition, Part, Phase};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartView {
    pub key: String,
    pub label: String,
    pub heading: String,
    pub body: String,
    /// The revision whose text this part has kept since.
    pub since_revision: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentCounts {
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    /// Approved comments whose authors agreed to show them: the public list.
    pub shown: i64,
    /// Approved comments by their disposition (set with the conclusion).
    pub accepted: i64,
    pub partly_accepted: i64,
    pub not_accepted: i64,
}

impl CommentCounts {
    /// "The comments received" (NĐ 42/2022, Điều 10.1.i): all but those turned down.
    pub fn received(&self) -> i64 {
        self.pending + self.approved
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationView {
    pub consultation: Consultation,
    pub site: String,
    pub agency: String,
    pub agency_name: String,
    pub phase: Phase,
    pub attachments: Vec<Attachment>,
    pub parts: Vec<PartView>,
    pub counts: CommentCounts,
}

pub(crate) fn load(conn: &mut DbConn, id: i64) -> Result<Option<Consultation>, Error> {
    Ok(consultations::table
        .find(id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?)
}

/// The parts of one revision, in order.
pub(crate) fn parts_of(
    conn: &mut DbConn,
    consultation_id: i64,
    revision: i32,
) -> Result<Vec<Part>, Error> {
    Ok(consultation_parts::table
        .filter(consultation_parts::consultation_id.eq(consultation_id))
        .filter(consultation_parts::revision.eq(revision))
        .order(consultation_parts::position.asc())
        .select(Part::as_select())
        .load(conn)?)
}

pub(crate) fn counts_of(conn: &mut DbConn, consultation_id: i64) -> Result<CommentCounts, Error> {
    let by_status: Vec<(CommentStatus, bool, Option<Disposition>, i64)> =
        consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(consultation_id))
            .group_by((
                consultation_comments::status,
                consultation_comments::consent_publication,
                consultation_comments::disposition,
            ))
            .select((
                consultation_comments::status,
                consultation_comments::consent_publication,
                consultation_comments::disposition,
                count_star(),
            ))
            .load(conn)?;
    let mut counts = CommentCounts::default();
    for (status, shown, disposition, n) in by_status {
        if status == CommentStatus::Approved {
            match disposition {
                Some(Disposition::Accepted) => counts.accepted += n,
                Some(Disposition::PartlyAccepted) => counts.partly_accepted += n,
                Some(Disposition::NotAccepted) => counts.not_accepted += n,
                None => {}
            }
        }
        match status {
            CommentStatus::Pending => counts.pending += n,
            CommentStatus::Approved => {
                counts.approved += n;
                if shown {
                    counts.shown += n;
                }
            }
            CommentStatus::Rejected => counts.rejected += n,
        }
    }
    Ok(counts)
}

/// Without parts and counts: a list's entry.
pub(crate) fn summaries(
    conn: &mut DbConn,
    rows: Vec<Consultation>,
) -> Result<Vec<ConsultationView>, Error> {
    let today = portal_feedback::workdays::today_in_vietnam();
    let agency_ids: Vec<i64> = rows.iter().map(|c| c.agency_id).collect();
    let site_ids: Vec<i64> = rows.iter().map(|c| c.site_id).collect();
    let agencies = portal_sections::agencies::names_by_id(conn, &agency_ids)?;
    let sites = portal_sections::sites::keys_by_id(conn, &site_ids)?;
    rows.into_iter()
        .map(|c| {
            let site = sites.get(&c.site_id).cloned().unwrap_or_default();
            let (agency, agency_name) = agencies.get(&c.agency_id).cloned().unwrap_or_default();
            Ok(ConsultationView {
                site,
                agency,
                agency_name,
                phase: c.phase_on(today),
                attachments: c.attachment_list(),
                parts: Vec::new(),
                counts: CommentCounts::default(),
                consultation: c,
            })
        })
        .collect()
}

/// One consultation in full.
pub(crate) fn full(conn: &mut DbConn, c: Consultation) -> Result<ConsultationView, Error> {
    let parts = parts_of(conn, c.id, c.revision)?;
    let keys: Vec<String> = parts.iter().map(|p| p.part_key.clone()).collect();
    let since: HashMap<String, i32> = consultation_parts::table
        .filter(consultation_parts::consultation_id.eq(c.id))
        .filter(consultation_parts::part_key.eq_any(&keys))
        .group_by(consultation_parts::part_key)
        .select((
            consultation_parts::part_key,
            min(consultation_parts::revision),
        ))
        .load::<(String, Option<i32>)>(conn)?
        .into_iter()
        .map(|(k, r)| (k, r.unwrap_or(c.revision)))
        .collect();
    let counts = counts_of(conn, c.id)?;
    let mut view = summaries(conn, vec![c])?
        .pop()
        .ok_or_else(|| Error::Internal("a consultation without its view".into()))?;
    view.parts = parts
        .into_iter()
        .map(|p| PartView {
            since_revision: since.get(&p.part_key).copied().unwrap_or(p.revision),
            key: p.part_key,
            label: p.label,
            heading: p.heading,
            body: p.body,
        })
        .collect();
    view.counts = counts;
    Ok(view)
}
