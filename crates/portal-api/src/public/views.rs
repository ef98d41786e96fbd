//! What readers see of a published item, in lists and alone.

use chrono::{DateTime, Utc};
use portal_content::model::KindFields;
use portal_core::Lang;
use portal_delivery::items::PublishedItem;
use portal_delivery::views::{ItemDetail, Located};
use serde::Serialize;
use utoipa::ToSchema;

use crate::content::dto::{KindFieldsDto, TranslationRef};
use crate::organisation::dto::SectionRef;

/// An item in a list: no body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItemSummary {
    pub id: i64,
    pub site: String,
    pub section_id: i64,
    #[schema(value_type = crate::enums::ContentKind)]
    pub kind: String,
    #[schema(value_type = crate::enums::LanguageCode)]
    pub language: String,
    pub title: String,
    pub slug: String,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    /// When the item was first published.
    pub published_at: DateTime<Utc>,
    /// When the live version last changed.
    pub updated_at: DateTime<Utc>,
    /// The content type of a typed item (`GET /api/v1/types/{key}` describes its `data`);
    /// absent for the other items.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

pub(crate) fn summary(item: &PublishedItem, site: &str) -> PublicItemSummary {
    PublicItemSummary {
        id: item.item_id,
        site: site.to_string(),
        section_id: item.section_id,
        kind: item.kind.as_str().into(),
        language: item.language.clone(),
        title: item.title.clone(),
        slug: item.slug.clone(),
        summary: item.summary.clone(),
        author: item.author.clone(),
        source: item.source.clone(),
        tags: item.tag_list(),
        featured_image_url: item.featured_image_url.clone(),
        published_at: item.published_at.and_utc(),
        updated_at: item.updated_at.and_utc(),
        content_type: item.content_type.clone(),
    }
}

/// A published item with where it sits and what goes with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItem {
    #[serde(flatten)]
    pub item: PublicItemSummary,
    /// Sanitised HTML.
    pub body: String,
    #[schema(value_type = KindFieldsDto)]
    pub fields: KindFields,
    /// The typed fields of an item of a content type, as its type version defines them
    /// (`/api/v1/types/{key}/openapi.json` gives their schema); absent for the other items.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// The sections from the root down to the item's.
    pub breadcrumb: Vec<SectionRef>,
    /// Published translations: language, id, slug.
    pub translations: Vec<TranslationRef>,
    /// Newest other items of the same section.
    pub related: Vec<PublicItemSummary>,
    /// The slug the item has now; differs from the requested one after a rename.
    pub canonical_slug: String,
}

/// The view of one item as readers get it, section names in `lang`.
pub(crate) fn detail(found: ItemDetail, lang: Lang) -> PublicItem {
    let site = found.site;
    PublicItem {
        item: summary(&found.item, &site),
        related: found.related.iter().map(|r| summary(r, &site)).collect(),
        breadcrumb: found
            .breadcrumb
            .iter()
            .map(|s| SectionRef {
                id: s.id,
                slug: s.slug.clone(),
                name: lang.pick(&s.name_vi, s.name_en.as_deref()).to_string(),
            })
            .collect(),
        translations: found
            .translations
            .into_iter()
            .map(|t| TranslationRef {
                language: t.language,
                id: t.id,
                slug: t.slug,
            })
            .collect(),
        canonical_slug: found.item.slug.clone(),
        fields: found.item.fields.into_value(),
        data: found
            .item
            .content_type
            .is_some()
            .then(|| found.item.data.into_value()),
        body: found.item.body,
    }
}

/// A list entry with its site's key.
pub(crate) fn located(entry: &Located) -> PublicItemSummary {
    summary(&entry.item, &entry.site)
}
