//! Rows of the feedback tables and the typed values stored in them as TEXT.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_db::schema::{feedback_cases, feedback_events, feedback_forwardings};

use portal_db::text_enum;

text_enum! {
    /// What a citizen sends (Điều 11.1): a question, feedback or a petition, or a report that
    /// published information is wrong.
    CaseKind {
        Question => "question",
        Feedback => "feedback",
        Inaccuracy => "inaccuracy",
    }
}

text_enum! {
    /// Where a case stands: received, turned down by the operator, forwarded in writing to one or
    /// more agencies (Điều 11.2), answered once every agency's head signed (Điều 11.3).
    CaseStatus {
        Received => "received",
        Rejected => "rejected",
        Forwarded => "forwarded",
        Answered => "answered",
    }
}

text_enum! {
    /// One agency's part: open, an answer drafted by its staff, the answer signed by its head.
    ForwardingStatus {
        Open => "open",
        Drafted => "drafted",
        Signed => "signed",
    }
}

text_enum! {
    /// In what capacity someone signs an agency's answers (Điều 11.3): its head, or a deputy the
    /// head named.
    Capacity {
        Head => "head",
        Deputy => "deputy",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = feedback_cases)]
pub struct Case {
    pub id: i64,
    pub code: String,
    pub secret_hash: String,
    pub site_id: i64,
    pub section_id: Option<i64>,
    pub item_id: Option<i64>,
    pub kind: CaseKind,
    pub field: Option<String>,
    pub status: CaseStatus,
    pub subject: String,
    pub body: String,
    pub personal_data: Option<String>,
    pub contact_masked: String,
    pub consent_processing: bool,
    pub consent_publication: bool,
    pub consent_email: bool,
    pub privacy_notice_version: String,
    pub fingerprint: String,
    pub received_on: NaiveDate,
    pub deadline_rule_id: i64,
    pub due_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub paused_since: Option<NaiveDate>,
    pub paused_working_days: i32,
    pub reply: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// A duplicate closed in favour of the case kept.
    pub merged_into_id: Option<i64>,
    /// When and why the case went up to the supervising agency (Điều 11.4).
    pub escalated_on: Option<NaiveDate>,
    pub escalation_reason: Option<String>,
    /// Turned down, merged or answered: the retention period of its personal data runs from here.
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = feedback_forwardings)]
pub struct Forwarding {
    pub id: i64,
    pub case_id: i64,
    pub agency_id: i64,
    pub letter: String,
    pub forwarded_on: NaiveDate,
    pub due_on: NaiveDate,
    pub forwarded_by: String,
    pub status: ForwardingStatus,
    pub answer: Option<String>,
    pub drafted_by: Option<String>,
    pub drafted_at: Option<NaiveDateTime>,
    pub signed_by_user_id: Option<i64>,
    pub signed_by: Option<String>,
    pub signed_capacity: Option<Capacity>,
    pub signed_at: Option<NaiveDateTime>,
    /// An interim reply with the date the agency promises its answer by.
    pub interim_reply: Option<String>,
    pub interim_promised_on: Option<NaiveDate>,
    pub interim_at: Option<NaiveDateTime>,
    /// Returned to the operator as not in the agency's remit: no longer in its inbox.
    pub returned_reason: Option<String>,
    pub returned_at: Option<NaiveDateTime>,
    /// The answer's files, by link (`crate::attachments`), as JSON.
    pub answer_attachments: String,
    /// When and by whom the agency took the case up.
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_by: Option<String>,
}

impl Forwarding {
    /// Still the agency's to answer (or answered): not returned to the operator.
    pub fn active(&self) -> bool {
        self.returned_at.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = feedback_events)]
pub struct Event {
    pub id: i64,
    pub case_id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub note: Option<String>,
    pub public: bool,
}

/// What a citizen tells about themselves: encrypted at rest (`crate::personal`), never in a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonalData {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}
