//! Wire types of citizens' cases (portal-feedback), and the closed sets they use as OpenAPI
//! enumerations. Each enumeration converts from the domain's with an exhaustive match, so a new
//! state in the domain does not compile until it has its wire name.

use chrono::{DateTime, NaiveDate, Utc};
use portal_feedback::attachments::Attachment;
use portal_feedback::model::{
    Capacity, CaseKind, CaseStatus, Event, ForwardingStatus, PersonalData,
};
use portal_feedback::views::{
    CaseDetail, CaseSummary, Deadline, ForwardingView, SignedAnswer, StatusView,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a citizen sends (Điều 11.1).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// A question (hỏi đáp).
    Question,
    /// Feedback or a petition (phản ánh, kiến nghị).
    Feedback,
    /// A report that published information is wrong.
    Inaccuracy,
}

impl From<CaseKind> for FeedbackKind {
    fn from(k: CaseKind) -> Self {
        match k {
            CaseKind::Question => Self::Question,
            CaseKind::Feedback => Self::Feedback,
            CaseKind::Inaccuracy => Self::Inaccuracy,
        }
    }
}

/// Where a case stands (docs/feedback.md).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    Received,
    Rejected,
    Forwarded,
    Answered,
}

impl From<CaseStatus> for FeedbackStatus {
    fn from(s: CaseStatus) -> Self {
        match s {
            CaseStatus::Received => Self::Received,
            CaseStatus::Rejected => Self::Rejected,
            CaseStatus::Forwarded => Self::Forwarded,
            CaseStatus::Answered => Self::Answered,
        }
    }
}

/// One agency's part of a case.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForwardingState {
    Open,
    Drafted,
    Signed,
}

impl From<ForwardingStatus> for ForwardingState {
    fn from(s: ForwardingStatus) -> Self {
        match s {
            ForwardingStatus::Open => Self::Open,
            ForwardingStatus::Drafted => Self::Drafted,
            ForwardingStatus::Signed => Self::Signed,
        }
    }
}

/// In what capacity an answer was signed (Điều 11.3).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SigningCapacity {
    Head,
    Deputy,
}

impl From<Capacity> for SigningCapacity {
    fn from(c: Capacity) -> Self {
        match c {
            Capacity::Head => Self::Head,
            Capacity::Deputy => Self::Deputy,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonDto {
    #[schema(example = "Nguyễn Văn An", max_length = 200)]
    pub name: Option<String>,
    #[schema(example = "an.nguyen@example.vn")]
    pub email: Option<String>,
    #[schema(example = "0905 123 456")]
    pub phone: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
}

impl From<PersonDto> for PersonalData {
    fn from(p: PersonDto) -> Self {
        Self {
            name: p.name,
            email: p.email,
            phone: p.phone,
            address: p.address,
        }
    }
}

impl From<PersonalData> for PersonDto {
    fn from(p: PersonalData) -> Self {
        Self {
            name: p.name,
            email: p.email,
            phone: p.phone,
            address: p.address,
        }
    }
}

/// Consent per purpose, each asked separately (Nghị định 13/2023, Điều 11): none is assumed.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentDto {
    /// Handling the case: required.
    pub processing: bool,
    /// Publishing the question and answer without personal data.
    pub publication: bool,
    /// Being written to by e-mail about the case.
    pub email: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineDto {
    pub received_on: NaiveDate,
    /// The last working day of the time limit in force on the day of receipt, moved on by the
    /// working days spent waiting for the citizen.
    pub due_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    /// Working days used so far, less those spent waiting for the citizen.
    pub working_days_used: u32,
    pub overdue: bool,
    /// Since when the case waits for the citizen's answer to a request for more information:
    /// the clock stands until they answer through the status link.
    pub waiting_since: Option<NaiveDate>,
}

impl From<Deadline> for DeadlineDto {
    fn from(d: Deadline) -> Self {
        Self {
            received_on: d.received_on,
            due_on: d.due_on,
            answered_on: d.answered_on,
            working_days_used: d.working_days_used,
            overdue: d.overdue,
            waiting_since: d.waiting_since,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub at: DateTime<Utc>,
    pub action: String,
    pub note: Option<String>,
}

impl From<Event> for EventDto {
    fn from(e: Event) -> Self {
        Self {
            at: e.at.and_utc(),
            action: e.action,
            note: e.note,
        }
    }
}

/// A step of a case in the back office, with who took it and whether the citizen sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffEventDto {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub note: Option<String>,
    /// Shown on the citizen's status link; internal notes are not.
    pub public: bool,
}

impl From<Event> for StaffEventDto {
    fn from(e: Event) -> Self {
        Self {
            at: e.at.and_utc(),
            actor: e.actor,
            action: e.action,
            note: e.note,
            public: e.public,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedAnswerDto {
    pub agency_name: String,
    pub text: String,
    pub signed_capacity: SigningCapacity,
    pub signed_at: DateTime<Utc>,
    /// The files that go with it, by link.
    pub attachments: Vec<AttachmentDto>,
}

impl From<SignedAnswer> for SignedAnswerDto {
    fn from(a: SignedAnswer) -> Self {
        Self {
            agency_name: a.agency_name,
            text: a.text,
            signed_capacity: a.signed_capacity.into(),
            signed_at: a.signed_at.and_utc(),
            attachments: a.attachments.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterimReplyDto {
    pub agency_name: String,
    pub text: String,
    /// The date the agency promises its answer by.
    pub promised_on: NaiveDate,
}

/// The citizen's own case, through the status link.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseStatusDto {
    #[schema(example = "QNA-7K3M-X9P2")]
    pub code: String,
    pub kind: FeedbackKind,
    pub status: FeedbackStatus,
    pub subject: String,
    pub body: String,
    pub deadline: DeadlineDto,
    /// The operator's reply when the case was turned down.
    pub reply: Option<String>,
    pub answers: Vec<SignedAnswerDto>,
    /// The case this one was merged into as a duplicate; `answers` are that case's.
    pub merged_into: Option<String>,
    /// Interim replies of agencies still working on it, with the date each promises.
    pub interim_replies: Vec<InterimReplyDto>,
    pub events: Vec<EventDto>,
    /// What is stored about you; null once erased.
    pub your_data: Option<PersonDto>,
}

impl From<StatusView> for CaseStatusDto {
    fn from(v: StatusView) -> Self {
        Self {
            code: v.code,
            kind: v.kind.into(),
            status: v.status.into(),
            subject: v.subject,
            body: v.body,
            deadline: v.deadline.into(),
            reply: v.reply,
            answers: v.answers.into_iter().map(Into::into).collect(),
            merged_into: v.merged_into,
            interim_replies: v
                .interim_replies
                .into_iter()
                .map(|r| InterimReplyDto {
                    agency_name: r.agency_name,
                    text: r.text,
                    promised_on: r.promised_on,
                })
                .collect(),
            events: v.events.into_iter().map(Into::into).collect(),
            your_data: v.your_data.map(Into::into),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryDto {
    pub code: String,
    pub site: String,
    pub kind: FeedbackKind,
    pub status: FeedbackStatus,
    pub subject: String,
    /// Initials and the e-mail's domain only: lists never open personal data.
    #[schema(example = "N. V. A. · a***@example.vn")]
    pub contact_masked: String,
    pub deadline: DeadlineDto,
    pub created_at: DateTime<Utc>,
}

impl From<CaseSummary> for CaseSummaryDto {
    fn from(s: CaseSummary) -> Self {
        Self {
            code: s.code,
            site: s.site,
            kind: s.kind.into(),
            status: s.status.into(),
            subject: s.subject,
            contact_masked: s.contact_masked,
            deadline: s.deadline.into(),
            created_at: s.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardingDto {
    pub agency: String,
    pub agency_name: String,
    /// The letter the operator forwarded the case with (Điều 11.2).
    pub letter: String,
    pub forwarded_on: NaiveDate,
    pub due_on: NaiveDate,
    pub forwarded_by: String,
    pub status: ForwardingState,
    pub answer: Option<String>,
    pub drafted_by: Option<String>,
    pub signed_by: Option<String>,
    pub signed_capacity: Option<SigningCapacity>,
    pub signed_at: Option<DateTime<Utc>>,
    pub interim_reply: Option<String>,
    pub interim_promised_on: Option<NaiveDate>,
    /// Why the agency returned the case as not in its remit; it is no longer in its inbox.
    pub returned_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    /// The files that go with the answer, by link.
    pub answer_attachments: Vec<AttachmentDto>,
    /// When the agency took the case up.
    pub accepted_at: Option<DateTime<Utc>>,
}

impl From<ForwardingView> for ForwardingDto {
    fn from(f: ForwardingView) -> Self {
        Self {
            agency: f.agency,
            agency_name: f.agency_name,
            letter: f.letter,
            forwarded_on: f.forwarded_on,
            due_on: f.due_on,
            forwarded_by: f.forwarded_by,
            status: f.status.into(),
            answer: f.answer,
            drafted_by: f.drafted_by,
            signed_by: f.signed_by,
            signed_capacity: f.signed_capacity.map(Into::into),
            signed_at: f.signed_at.map(|t| t.and_utc()),
            interim_reply: f.interim_reply,
            interim_promised_on: f.interim_promised_on,
            returned_reason: f.returned_reason,
            returned_at: f.returned_at.map(|t| t.and_utc()),
            answer_attachments: f.answer_attachments.into_iter().map(Into::into).collect(),
            accepted_at: f.accepted_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineRuleDto {
    pub working_days: i32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    #[schema(example = "Nghị định 224/2026/NĐ-CP")]
    pub legal_basis: String,
}

/// A whole case, for the operator and the agencies it was forwarded to. Reading it opens the
/// person's data, and the audit log records who did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetailDto {
    #[serde(flatten)]
    pub summary: CaseSummaryDto,
    pub body: String,
    /// The field (lĩnh vực) the operator classified it under.
    pub field: Option<String>,
    pub consent: ConsentDto,
    pub privacy_notice_version: String,
    pub deadline_rule: DeadlineRuleDto,
    pub person: Option<PersonDto>,
    pub reply: Option<String>,
    pub forwardings: Vec<ForwardingDto>,
    pub events: Vec<StaffEventDto>,
    /// The case it was merged into as a duplicate.
    pub merged_into: Option<String>,
    /// When and why it went up to the supervising agency (Điều 11.4).
    pub escalated_on: Option<NaiveDate>,
    pub escalation_reason: Option<String>,
    /// Turned down, merged or answered on this day; personal data is purged a retention period later.
    pub closed_on: Option<NaiveDate>,
}

impl From<CaseDetail> for CaseDetailDto {
    fn from(d: CaseDetail) -> Self {
        Self {
            summary: d.summary.into(),
            body: d.body,
            field: d.field,
            consent: ConsentDto {
                processing: d.consent.processing,
                publication: d.consent.publication,
                email: d.consent.email,
            },
            privacy_notice_version: d.privacy_notice_version,
            deadline_rule: DeadlineRuleDto {
                working_days: d.rule.working_days,
                valid_from: d.rule.valid_from,
                valid_to: d.rule.valid_to,
                legal_basis: d.rule.legal_basis,
            },
            person: d.person.map(Into::into),
            reply: d.reply,
            forwardings: d.forwardings.into_iter().map(Into::into).collect(),
            events: d.events.into_iter().map(Into::into).collect(),
            merged_into: d.closure.merged_into,
            escalated_on: d.closure.escalated_on,
            escalation_reason: d.closure.escalation_reason,
            closed_on: d.closure.closed_on,
        }
    }
}

/// What a public form is shown with: a token to send back with it, signed by the server.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormTokenDto {
    /// Send it back as `form_token`; accepted from `min_fill_seconds` after it was given until
    /// `valid_for_seconds` after.
    #[schema(example = "1796342400.5b0e9c1f2a7d4e8b9c0a1b2c3d4e5f60")]
    pub form_token: String,
    pub min_fill_seconds: i64,
    pub valid_for_seconds: i64,
}

/// A file that goes with an answer or a draft, by link until the media library stores files.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentDto {
    #[schema(example = "Công văn số 123/SXD-QLN", max_length = 300)]
    pub title: String,
    /// An https:// address or a path on the portal.
    #[schema(
        example = "https://quangnam.gov.vn/files/du-thao-123.pdf",
        max_length = 2000
    )]
    pub url: String,
}

impl From<Attachment> for AttachmentDto {
    fn from(a: Attachment) -> Self {
        Self {
            title: a.title,
            url: a.url,
        }
    }
}

impl From<AttachmentDto> for Attachment {
    fn from(a: AttachmentDto) -> Self {
        Attachment {
            title: a.title,
            url: a.url,
        }
    }
}
