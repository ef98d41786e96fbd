//! What readers see of a published item, in lists and alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use portal_content::model::KindFields;
use portal_core::{Error, Lang};
use portal_delivery::items::{self, PublishedItem};
use portal_sections::sections::{breadcrumb, reachable_of_site};
use portal_sections::sites;
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
    /// The sections from the root down to the item's.
    pub breadcrumb: Vec<SectionRef>,
    /// Published translations: language, id, slug.
    pub translations: Vec<TranslationRef>,
    /// Newest other items of the same section.
    pub related: Vec<PublicItemSummary>,
    /// The slug the item has now; differs from the requested one after a rename.
    pub canonical_slug: String,
}

pub(crate) struct SiteKeys(HashMap<i64, String>);

impl SiteKeys {
    pub(crate) fn load(
        conn: &mut portal_db::DbConn,
        items: &[PublishedItem],
    ) -> Result<Self, Error> {
        let ids: Vec<i64> = items.iter().map(|i| i.site_id).collect();
        Ok(Self(sites::keys_by_id(conn, &ids)?))
    }

    pub(crate) fn of(&self, item: &PublishedItem) -> String {
        self.0.get(&item.site_id).cloned().unwrap_or_default()
    }
}

pub(crate) fn detail(
    conn: &mut portal_db::DbConn,
    item: PublishedItem,
    lang: Lang,
) -> Result<PublicItem, Error> {
    let keys = SiteKeys::load(conn, std::slice::from_ref(&item))?;
    let site = keys.of(&item);
    let in_site = reachable_of_site(conn, item.site_id)?;
    let crumbs = in_site
        .iter()
        .find(|s| s.id == item.section_id)
        .map(|section| {
            breadcrumb(section, &in_site)
                .into_iter()
                .map(|s| SectionRef {
                    id: s.id,
                    slug: s.slug.clone(),
                    name: lang.pick(&s.name_vi, s.name_en.as_deref()).to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let translations = items::translations(conn, &item)?
        .into_iter()
        .map(|(language, id, slug)| TranslationRef { language, id, slug })
        .collect();
    let related = items::related(conn, &item, 5)?
        .iter()
        .map(|r| summary(r, &site))
        .collect();
    Ok(PublicItem {
        item: summary(&item, &site),
        fields: item.fields.into_value(),
        canonical_slug: item.slug.clone(),
        body: item.body,
        breadcrumb: crumbs,
        translations,
        related,
    })
}
