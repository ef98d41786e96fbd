use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_db::schema::content_items;
use portal_db::JsonText;
use serde::{Deserialize, Serialize};

/// What an item is (Điều 4.1: text, audio, images, video, graphics; Điều 8.2: links to sub-sites).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    News,
    Article,
    Document,
    Photo,
    Video,
    Audio,
    Infographic,
    Link,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::News,
        Kind::Article,
        Kind::Document,
        Kind::Photo,
        Kind::Video,
        Kind::Audio,
        Kind::Infographic,
        Kind::Link,
        Kind::Page,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::News => "news",
            Kind::Article => "article",
            Kind::Document => "document",
            Kind::Photo => "photo",
            Kind::Video => "video",
            Kind::Audio => "audio",
            Kind::Infographic => "infographic",
            Kind::Link => "link",
            Kind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_media(self) -> bool {
        matches!(
            self,
            Kind::Photo | Kind::Video | Kind::Audio | Kind::Infographic
        )
    }
}

/// Where an item is in the editorial workflow. Authoring creates drafts; the moderation crate
/// moves them on (Điều 10).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    InReview,
    AwaitingApproval,
    Published,
    Returned,
    Unpublished,
    Archived,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Submitted,
        Status::InReview,
        Status::AwaitingApproval,
        Status::Published,
        Status::Returned,
        Status::Unpublished,
        Status::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::InReview => "in_review",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Published => "published",
            Status::Returned => "returned",
            Status::Unpublished => "unpublished",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

portal_db::stored_as_text!(Kind);
portal_db::stored_as_text!(Status);

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = content_items)]
pub struct ContentItem {
    pub id: i64,
    pub site_id: i64,
    pub section_id: i64,
    pub kind: Kind,
    pub language: String,
    pub translation_group: String,
    pub translation_of: Option<i64>,
    pub title: String,
    pub slug: String,
    pub summary: Option<String>,
    pub body: String,
    pub author: Option<String>,
    pub source: Option<String>,
    pub tags: JsonText<Vec<String>>,
    pub featured_image_url: Option<String>,
    /// The kind's own fields.
    pub fields: JsonText<KindFields>,
    pub status: Status,
    pub version: i64,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<i64>,
    /// The version readers see, if any; later edits wait for approval while it stays live.
    pub published_revision: Option<i64>,
    pub first_published_at: Option<NaiveDateTime>,
    pub claimed_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub publish_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub status_changed_at: Option<NaiveDateTime>,
    /// The revision the chief editor approved for a later publication; the scheduler publishes
    /// exactly that one (an edit in between sends the item back, docs/workflow.md).
    pub approved_version: Option<i64>,
    /// The content type of a typed item (issue 14), and the version its `data` was written with.
    pub content_type: Option<String>,
    pub type_version: Option<i32>,
    /// The typed fields, checked against `type_version` of `content_type`; `{}` when untyped.
    pub data: JsonText<serde_json::Value>,
}

impl ContentItem {
    pub fn tag_list(&self) -> Vec<String> {
        self.tags.value().clone()
    }

    pub fn fields_json(&self) -> serde_json::Value {
        serde_json::to_value(self.fields.value()).unwrap_or_else(|_| serde_json::json!({}))
    }
}

/// The kind-specific fields, all optional here; `validate` says which each kind requires and
/// refuses those that do not belong to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindFields {
    /// document: number and symbol, e.g. "3069/QĐ-UBND".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// document: Quyết định, Chỉ thị, Nghị quyết, Thông báo, Kế hoạch, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// document: the issuing body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_body: Option<String>,
    /// document: who signed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// document: YYYY-MM-DD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_date: Option<chrono::NaiveDate>,
    /// document: YYYY-MM-DD, not before the issue date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<chrono::NaiveDate>,
    /// document: URLs of the downloadable files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<String>>,
    /// photo, video, audio, infographic: URLs of the media.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_urls: Option<Vec<String>>,
    /// photo, video, audio, infographic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// photo, video, audio, infographic: the photographer or producer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// photo, infographic: the text alternative, required for accessibility.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// link: the page on a sub-site or another official site (Điều 8.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
}
