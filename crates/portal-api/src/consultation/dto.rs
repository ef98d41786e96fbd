//! The shapes of consultations on the wire: what the public reads, what the owning agency reads
//! besides, and what it writes.

use chrono::{DateTime, NaiveDate, Utc};
use portal_consultation::model::{
    Attachment, Comment, CommentStatus, Disposition, DraftKind, Phase,
};
use portal_consultation::parts::{DraftInput, PartInput};
use portal_consultation::public::PublicComment;
use portal_consultation::ConsultationView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::feedback::dto::AttachmentDto;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident from $domain:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => Self::$variant),+ }
            }
        }
    };
}

wire_enum! {
    /// What is put out for comment (Điều 7.2.n).
    ConsultationKind from DraftKind { Policy, LegalDocument, Plan, Other }
}
wire_enum! {
    /// Where a consultation stands today: draft (not public), upcoming, open for comment,
    /// closed, concluded (the agency published what it did with the comments).
    ConsultationPhase from Phase { Draft, Upcoming, Open, Closed, Concluded }
}
wire_enum! {
    /// A comment waits for the agency, which shows it or turns it down.
    CommentState from CommentStatus { Pending, Approved, Rejected }
}
wire_enum! {
    /// What the agency did with a comment.
    CommentDisposition from Disposition { Accepted, PartlyAccepted, NotAccepted }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartRequest {
    /// How the draft numbers it.
    #[schema(example = "Điều 1", max_length = 60)]
    pub label: String,
    #[schema(example = "Phạm vi điều chỉnh", max_length = 300)]
    #[serde(default)]
    pub heading: String,
    /// HTML, sanitised like item bodies. The whole request is at most 64 KiB: a longer draft puts
    /// its full text in an attachment and its parts here.
    #[schema(example = "<p>Quyết định này quy định…</p>", max_length = 20000)]
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationRequest {
    /// The site it is published on: required to create; a change keeps it (another is refused).
    #[schema(example = "quang-nam")]
    pub site: Option<String>,
    /// Its address on the site; made from the title when left out. Fixed once published.
    #[schema(example = "du-thao-quy-dinh-phi-ve-sinh", max_length = 120)]
    pub slug: Option<String>,
    #[schema(value_type = ConsultationKind)]
    pub kind: String,
    #[schema(
        example = "Dự thảo Quyết định quy định mức thu phí vệ sinh",
        max_length = 300
    )]
    pub title: String,
    #[schema(max_length = 2000)]
    pub summary: String,
    /// The unit that receives comments (NĐ 42/2022, Điều 10.1.i).
    #[schema(
        example = "Phòng Xây dựng và Kiểm tra văn bản, Sở Tư pháp",
        max_length = 300
    )]
    pub receiving_unit: String,
    /// Its address, telephone and e-mail, as published.
    #[schema(max_length = 500)]
    pub contact: String,
    /// First day of comments (Vietnam's calendar).
    pub opens_on: NaiveDate,
    /// Last day of comments, inclusive; after opens_on, at most 366 days after it.
    pub closes_on: NaiveDate,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub attachments: Vec<AttachmentDto>,
    /// The draft's articles and clauses in order, 1 to 300.
    #[schema(min_items = 1, max_items = 300)]
    pub parts: Vec<PartRequest>,
}

impl From<ConsultationRequest> for DraftInput {
    fn from(r: ConsultationRequest) -> Self {
        DraftInput {
            slug: r.slug,
            kind: r.kind,
            title: r.title,
            summary: r.summary,
            receiving_unit: r.receiving_unit,
            contact: r.contact,
            opens_on: r.opens_on,
            closes_on: r.closes_on,
            attachments: r.attachments.into_iter().map(Attachment::from).collect(),
            parts: r
                .parts
                .into_iter()
                .map(|p| PartInput {
                    label: p.label,
                    heading: p.heading,
                    body: p.body,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartDto {
    /// Stable: a revision keeps the id of every part whose text it did not change.
    #[schema(example = "p3f9a2c1b07")]
    pub id: String,
    pub label: String,
    pub heading: String,
    pub body: String,
    /// The revision this part's text dates from.
    pub since_revision: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConclusionDto {
    /// The agency's summary of what it did with the comments (HTML).
    pub summary: String,
    pub published_at: DateTime<Utc>,
    pub accepted: i64,
    pub partly_accepted: i64,
    pub not_accepted: i64,
}

/// A consultation as anyone reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationDto {
    pub id: i64,
    pub site: String,
    /// The agency that drafted it.
    pub agency: String,
    pub agency_name: String,
    pub slug: String,
    pub kind: ConsultationKind,
    pub title: String,
    pub summary: String,
    pub receiving_unit: String,
    pub contact: String,
    pub attachments: Vec<AttachmentDto>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub phase: ConsultationPhase,
    /// Raised by each change of the parts once published.
    pub revision: i32,
    pub published_at: Option<DateTime<Utc>>,
    /// The draft's parts in the current revision (left out of lists).
    pub parts: Vec<PartDto>,
    /// "The comments received" (NĐ 42/2022, Điều 10.1.i): all but those turned down.
    pub comments_received: i64,
    /// Of them, those shown (their authors agreed); left out of lists as 0.
    pub comments_shown: i64,
    pub conclusion: Option<ConclusionDto>,
}

impl From<ConsultationView> for ConsultationDto {
    fn from(v: ConsultationView) -> Self {
        let c = v.consultation;
        let conclusion = match (c.result_summary, c.result_published_at) {
            (Some(summary), Some(at)) => Some(ConclusionDto {
                summary,
                published_at: at.and_utc(),
                accepted: v.counts.accepted,
                partly_accepted: v.counts.partly_accepted,
                not_accepted: v.counts.not_accepted,
            }),
            _ => None,
        };
        Self {
            id: c.id,
            site: v.site,
            agency: v.agency,
            agency_name: v.agency_name,
            slug: c.slug,
            kind: c.kind.into(),
            title: c.title,
            summary: c.summary,
            receiving_unit: c.receiving_unit,
            contact: c.contact,
            attachments: v.attachments.into_iter().map(Into::into).collect(),
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            phase: v.phase.into(),
            revision: c.revision,
            published_at: c.published_at.map(|t| t.and_utc()),
            parts: v
                .parts
                .into_iter()
                .map(|p| PartDto {
                    id: p.key,
                    label: p.label,
                    heading: p.heading,
                    body: p.body,
                    since_revision: p.since_revision,
                })
                .collect(),
            comments_received: v.counts.pending + v.counts.approved,
            comments_shown: v.counts.shown,
            conclusion,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationPage {
    pub items: Vec<ConsultationDto>,
    pub next_cursor: Option<String>,
}

/// A consultation as its agency reads it: the public view and the moderation figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyConsultationDto {
    #[serde(flatten)]
    pub consultation: ConsultationDto,
    pub comments_pending: i64,
    pub comments_approved: i64,
    pub comments_rejected: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ConsultationView> for AgencyConsultationDto {
    fn from(v: ConsultationView) -> Self {
        let counts = v.counts.clone();
        let (by, created, updated) = (
            v.consultation.created_by.clone(),
            v.consultation.created_at,
            v.consultation.updated_at,
        );
        Self {
            consultation: v.into(),
            comments_pending: counts.pending,
            comments_approved: counts.approved,
            comments_rejected: counts.rejected,
            created_by: by,
            created_at: created.and_utc(),
            updated_at: updated.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyConsultationPage {
    pub items: Vec<AgencyConsultationDto>,
    pub next_cursor: Option<String>,
}

/// A comment as the public reads it: no name, no contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCommentDto {
    pub id: i64,
    /// The revision of the draft it was made on.
    pub revision: i32,
    /// The part it is about; null for the draft as a whole.
    pub part: Option<String>,
    /// The part's label in that revision.
    pub part_label: Option<String>,
    pub body: String,
    pub organisation: Option<String>,
    pub received_on: NaiveDate,
    /// Once the agency concluded.
    pub disposition: Option<CommentDisposition>,
    pub disposition_reason: Option<String>,
}

impl From<PublicComment> for PublicCommentDto {
    fn from(c: PublicComment) -> Self {
        Self {
            received_on: c.received_on(),
            id: c.id,
            revision: c.revision,
            part: c.part,
            part_label: c.part_label,
            body: c.body,
            organisation: c.organisation,
            disposition: c.disposition.map(Into::into),
            disposition_reason: c.disposition_reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCommentPage {
    pub items: Vec<PublicCommentDto>,
    pub next_cursor: Option<String>,
}

/// A comment as the owning agency moderates it: contact details masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyCommentDto {
    pub id: i64,
    pub revision: i32,
    pub part: Option<String>,
    pub body: String,
    pub organisation: Option<String>,
    /// The author's name and contact, masked ("N. T. H., h***@example.vn").
    pub author: String,
    /// Whether the author agreed to show it.
    pub consent_publication: bool,
    pub status: CommentState,
    pub moderation_reason: Option<String>,
    pub moderated_by: Option<String>,
    pub disposition: Option<CommentDisposition>,
    pub disposition_reason: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl From<Comment> for AgencyCommentDto {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id,
            revision: c.revision,
            part: c.part_key,
            body: c.body,
            organisation: c.organisation,
            author: c.masked,
            consent_publication: c.consent_publication,
            status: c.status.into(),
            moderation_reason: c.moderation_reason,
            moderated_by: c.moderated_by,
            disposition: c.disposition.map(Into::into),
            disposition_reason: c.disposition_reason,
            received_at: c.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyCommentPage {
    pub items: Vec<AgencyCommentDto>,
    pub next_cursor: Option<String>,
}
