//! Rows of the consultation tables and the typed values stored in them as TEXT.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_db::schema::{consultation_comments, consultation_parts, consultations};
use portal_db::text_enum;

text_enum! {
    /// What is put out for comment (Điều 7.2.n: "dự thảo chính sách, văn bản quy phạm pháp luật").
    DraftKind {
        Policy => "policy",
        LegalDocument => "legal_document",
        Plan => "plan",
        Other => "other",
    }
}

text_enum! {
    /// A comment waits for the agency, which shows it or turns it down (spam, abuse, off-topic).
    CommentStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
}

text_enum! {
    /// What the agency did with a comment, in its summary (báo cáo tiếp thu, giải trình).
    Disposition {
        Accepted => "accepted",
        PartlyAccepted => "partly_accepted",
        NotAccepted => "not_accepted",
    }
}

text_enum! {
    /// Where a consultation stands on a given day (Vietnam's calendar): computed, never stored.
    Phase {
        Draft => "draft",
        Upcoming => "upcoming",
        Open => "open",
        Closed => "closed",
        Concluded => "concluded",
    }
}

/// A file that goes with the draft (the signed submission, an impact assessment), by link.
pub use portal_feedback::attachments::Attachment;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: i64,
    pub site_id: i64,
    pub agency_id: i64,
    pub slug: String,
    pub kind: DraftKind,
    pub title: String,
    pub summary: String,
    pub receiving_unit: String,
    pub contact: String,
    pub attachments: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub revision: i32,
    pub published_at: Option<NaiveDateTime>,
    pub result_summary: Option<String>,
    pub result_published_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Consultation {
    pub fn phase_on(&self, today: NaiveDate) -> Phase {
        if self.published_at.is_none() {
            Phase::Draft
        } else if self.result_published_at.is_some() {
            Phase::Concluded
        } else if today < self.opens_on {
            Phase::Upcoming
        } else if today <= self.closes_on {
            Phase::Open
        } else {
            Phase::Closed
        }
    }

    pub fn attachment_list(&self) -> Vec<Attachment> {
        portal_feedback::attachments::from_json(&self.attachments)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = consultation_parts)]
pub struct Part {
    pub id: i64,
    pub consultation_id: i64,
    pub revision: i32,
    pub position: i32,
    pub part_key: String,
    pub label: String,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = consultation_comments)]
pub struct Comment {
    pub id: i64,
    pub consultation_id: i64,
    pub revision: i32,
    pub part_key: Option<String>,
    pub body: String,
    pub organisation: Option<String>,
    pub personal: Option<String>,
    pub masked: String,
    pub consent_publication: bool,
    pub privacy_notice_version: String,
    pub fingerprint: String,
    pub status: CommentStatus,
    pub moderation_reason: Option<String>,
    pub moderated_by: Option<String>,
    pub moderated_at: Option<NaiveDateTime>,
    pub disposition: Option<Disposition>,
    pub disposition_reason: Option<String>,
    pub created_at: NaiveDateTime,
}
