//! Dublin Core metadata of a published item (Thông tư 32/2017 and 22/2023 ask every item of a
//! portal to carry it; title, creator, date, description, publisher and identifier are required
//! and therefore always filled): the fifteen elements of DCMES 1.1, each with its values, read
//! from the item, its section, its site and the agency that owns the site.

use portal_content::published::html_text;
use portal_core::Error;
use portal_db::DbConn;
use portal_sections::{agencies, sites};

use crate::feeds::item_url;

/// The element names, in DCMES order.
pub const ELEMENTS: [&str; 15] = [
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
];

/// A description made from the body is cut at this many characters, at a word.
pub const DESCRIPTION_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DublinCore {
    pub item_id: i64,
    /// (element, values), every element of `ELEMENTS` in order, the required ones never empty.
    pub elements: Vec<(&'static str, Vec<String>)>,
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    match head.rfind(' ') {
        Some(space) => format!("{}…", &head[..space]),
        None => format!("{head}…"),
    }
}

pub fn dublin_core(conn: &mut DbConn, id: i64) -> Result<DublinCore, Error> {
    let detail = super::item(conn, id)?;
    let item = &detail.item;
    let site = sites::by_id(conn, item.site_id)?;
    let publisher = agencies::names_by_id(conn, &[site.owner_agency_id])?
        .remove(&site.owner_agency_id)
        .map(|(_, name)| name)
        .unwrap_or_else(|| site.name_vi.clone());
    let description = item
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| cut(&html_text(&item.body), DESCRIPTION_CHARS));
    let description = if description.is_empty() {
        item.title.clone()
    } else {
        description
    };
    let mut subject: Vec<String> = detail
        .breadcrumb
        .last()
        .map(|s| s.name_vi.clone())
        .into_iter()
        .collect();
    subject.extend(item.tags.value().iter().cloned());
    let values = |element: &str| -> Vec<String> {
        match element {
            "title" => vec![item.title.clone()],
            "creator" => vec![item
                .author
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| publisher.clone())],
            "subject" => subject.clone(),
            "description" => vec![description.clone()],
            "publisher" => vec![publisher.clone()],
            "contributor" => vec![],
            "date" => vec![item
                .published_at
                .and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)],
            // DCMI Type vocabulary: an article, a notice, a document are all text.
            "type" => vec!["Text".into()],
            "format" => vec!["text/html".into()],
            "identifier" => vec![item_url(&site.base_url, item)],
            "source" => item
                .source
                .clone()
                .filter(|s| !s.trim().is_empty())
                .into_iter()
                .collect(),
            "language" => vec![item.language.clone()],
            "relation" => detail
                .translations
                .iter()
                .map(|t| {
                    format!(
                        "{}/{}/{}",
                        site.base_url.trim_end_matches('/'),
                        t.language,
                        t.slug
                    )
                })
                .collect(),
            "coverage" => vec![site.name_vi.clone()],
            "rights" => vec![format!("© {publisher}")],
            _ => vec![],
        }
    };
    Ok(DublinCore {
        item_id: item.item_id,
        elements: ELEMENTS.iter().map(|e| (*e, values(e))).collect(),
    })
}
