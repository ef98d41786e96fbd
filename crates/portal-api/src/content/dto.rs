//! Wire types of authored items, and how views become them.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use portal_content::model::KindFields;
use portal_content::views::{ItemView, ListedItem};
use portal_content::{ContentItem, Kind};
use portal_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::problem::ApiError;

/// The fields of an item's kind. Which are required depends on the kind; fields of another kind
/// are refused (docs/content-model.md).
//
// The schema only: the wire carries `portal_content::model::KindFields` itself (`value_type`
// points here), so there is no copy to keep in step, and a unit test checks that this schema
// names exactly the fields `KindFields` serializes. `Deserialize` is derived only for serde's
// `deny_unknown_fields`, which the schema states as `additionalProperties: false`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct KindFieldsDto {
    /// document (required): number and symbol, e.g. "3069/QĐ-UBND".
    #[schema(example = "3069/QĐ-UBND")]
    pub number: Option<String>,
    /// document (required): Quyết định, Chỉ thị, Nghị quyết, Kế hoạch, …
    pub document_type: Option<String>,
    /// document (required).
    pub issuing_body: Option<String>,
    /// document.
    pub signer: Option<String>,
    /// document (required).
    pub issued_date: Option<NaiveDate>,
    /// document: not before `issued_date`.
    pub effective_date: Option<NaiveDate>,
    /// document: URLs of the downloadable files.
    pub attachments: Option<Vec<String>>,
    /// photo, video, audio, infographic (required): the media URLs.
    pub media_urls: Option<Vec<String>>,
    /// photo, video, audio, infographic.
    pub caption: Option<String>,
    /// photo, video, audio, infographic.
    pub credit: Option<String>,
    /// photo and infographic (required): text alternative for accessibility.
    pub alt_text: Option<String>,
    /// link (required): the page on a sub-site or another official site (Điều 8.2).
    pub target_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslationRef {
    #[schema(value_type = crate::enums::LanguageCode, example = "en")]
    pub language: String,
    pub id: i64,
    pub slug: String,
}

/// An item as its authors see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentItemDto {
    pub id: i64,
    /// Key of the site.
    pub site: String,
    pub section_id: i64,
    /// news, article, document, photo, video, audio, infographic, link or page.
    #[schema(value_type = crate::enums::ContentKind)]
    pub kind: String,
    #[schema(value_type = crate::enums::LanguageCode, example = "vi")]
    pub language: String,
    /// Items that translate each other share it.
    pub translation_group: String,
    /// The original this item translates, if it is a translation.
    pub translation_of: Option<i64>,
    pub title: String,
    #[schema(example = "da-nang-don-khach")]
    pub slug: String,
    pub summary: Option<String>,
    /// Sanitised HTML.
    pub body: String,
    /// Required before submission (Điều 6.3).
    pub author: Option<String>,
    /// Required before submission (Điều 6.3).
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    #[schema(value_type = KindFieldsDto)]
    pub fields: KindFields,
    /// draft, submitted, in_review, awaiting_approval, published, returned, unpublished, archived.
    #[schema(value_type = crate::enums::ContentStatus)]
    pub status: String,
    /// Increases with every save; send it back as `If-Match` (or `version`) to update.
    pub version: i64,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The version readers see, if the item is live; edits after publication wait for approval
    /// while it stays live.
    pub published_revision: Option<i64>,
    pub first_published_at: Option<DateTime<Utc>>,
    /// The editor reviewing it (in_review).
    pub claimed_by: Option<i64>,
    /// Set when approved for a later `publish_at`.
    pub approved_by: Option<i64>,
    pub publish_at: Option<DateTime<Utc>>,
    pub unpublish_at: Option<DateTime<Utc>>,
    /// The content type of a typed item, and the version its `data` was written with.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_version: Option<i32>,
    /// The typed fields (items of a content type only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// Other languages of this item (single-item responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translations: Option<Vec<TranslationRef>>,
}

pub(crate) fn dto(
    item: ContentItem,
    site: String,
    translations: Option<Vec<TranslationRef>>,
) -> ContentItemDto {
    let fields = item.fields.value().clone();
    ContentItemDto {
        tags: item.tag_list(),
        id: item.id,
        site,
        section_id: item.section_id,
        kind: item.kind.to_string(),
        language: item.language,
        translation_group: item.translation_group,
        translation_of: item.translation_of,
        title: item.title,
        slug: item.slug,
        summary: item.summary,
        body: item.body,
        author: item.author,
        source: item.source,
        featured_image_url: item.featured_image_url,
        fields,
        status: item.status.to_string(),
        version: item.version,
        created_by: item.created_by,
        updated_by: item.updated_by,
        created_at: item.created_at.and_utc(),
        updated_at: item.updated_at.and_utc(),
        deleted_at: item.deleted_at.map(|t| t.and_utc()),
        published_revision: item.published_revision,
        first_published_at: item.first_published_at.map(|t| t.and_utc()),
        claimed_by: item.claimed_by,
        approved_by: item.approved_by,
        publish_at: item.publish_at.map(|t| t.and_utc()),
        unpublish_at: item.unpublish_at.map(|t| t.and_utc()),
        data: item.content_type.is_some().then(|| item.data.into_value()),
        content_type: item.content_type,
        type_version: item.type_version,
        translations,
    }
}

/// The item, its site key and translations, as one response with its `ETag`.
pub(crate) fn respond(status: actix_web::http::StatusCode, view: ItemView) -> HttpResponse {
    let ItemView {
        item,
        site,
        translations,
    } = view;
    let version = item.version;
    let refs = translations
        .into_iter()
        .map(|t| TranslationRef {
            language: t.language,
            id: t.id,
            slug: t.slug,
        })
        .collect();
    let mut res = HttpResponse::build(status).json(dto(item, site, Some(refs)));
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, value);
    }
    res
}

/// List entries as DTOs.
pub(crate) fn list_dtos(listed: Vec<ListedItem>) -> Vec<ContentItemDto> {
    listed
        .into_iter()
        .map(|l| dto(l.item, l.site, None))
        .collect()
}

pub(crate) fn parse_kind(kind: &str) -> Result<Kind, ApiError> {
    Kind::parse(kind).ok_or_else(|| {
        Error::field(
            "kind",
            "unknown_kind",
            "must be news, article, document, photo, video, audio, infographic, link or page",
        )
        .into()
    })
}

/// The version a change is based on: `If-Match` (`"3"` or `W/"3"`), else the body's `version`.
pub(crate) fn expected_version(
    req: &HttpRequest,
    body_version: Option<i64>,
) -> Result<Option<i64>, ApiError> {
    match req.headers().get(header::IF_MATCH) {
        Some(value) => {
            let text = value.to_str().unwrap_or("").trim();
            let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
            text.parse::<i64>().map(Some).map_err(|_| {
                Error::invalid_parameter("If-Match", "must be the item's ETag, e.g. \"3\"").into()
            })
        }
        None => Ok(body_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    /// The documented schema and the type on the wire name the same fields.
    #[test]
    fn the_kind_fields_schema_names_every_field_of_kind_fields() {
        let every = KindFields {
            number: Some(String::new()),
            document_type: Some(String::new()),
            issuing_body: Some(String::new()),
            signer: Some(String::new()),
            issued_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            effective_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            attachments: Some(Vec::new()),
            media_urls: Some(Vec::new()),
            caption: Some(String::new()),
            credit: Some(String::new()),
            alt_text: Some(String::new()),
            target_url: Some(String::new()),
        };
        let serialized = serde_json::to_value(&every).expect("serializes");
        let mut wire: Vec<String> = serialized
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        let schema = serde_json::to_value(KindFieldsDto::schema()).expect("serializes");
        let mut documented: Vec<String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        wire.sort();
        documented.sort();
        assert_eq!(wire, documented);
    }
}
