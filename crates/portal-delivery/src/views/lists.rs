//! Lists and searches of published items: the reader's selection (site by key, section with or
//! without its subsections, kind, language, tag, byline, dates) checked and turned into a filter,
//! then one page of items with their site keys.

use chrono::NaiveDateTime;
use portal_core::{Error, Lang, PageRequest};
use portal_db::DbConn;
use portal_sections::sites;

use super::{locate, Located};
use crate::items::{self, Filter};

/// What a reader selects, as asked: unknown sites and hidden sections are 404, an unknown kind
/// or language a 400 naming the parameter.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub site: Option<String>,
    pub section: Option<i64>,
    /// With `section`: its subsections too.
    pub include_descendants: bool,
    pub kind: Option<String>,
    pub language: Option<String>,
    pub tag: Option<String>,
    /// Part of the byline.
    pub author: Option<String>,
    pub published_from: Option<NaiveDateTime>,
    pub published_to: Option<NaiveDateTime>,
    pub updated_since: Option<NaiveDateTime>,
}

/// The filter of a selection: the site resolved, the section checked reachable and its
/// subsections found.
pub fn filter(conn: &mut DbConn, selection: &Selection) -> Result<Filter, Error> {
    if let Some(kind) = &selection.kind {
        if portal_content::Kind::parse(kind).is_none() {
            return Err(Error::invalid_parameter(
                "kind",
                format!("unknown kind '{kind}'"),
            ));
        }
    }
    if let Some(language) = &selection.language {
        language
            .parse::<Lang>()
            .map_err(|e| Error::invalid_parameter("language", e))?;
    }
    let site_id = match &selection.site {
        Some(key) => Some(sites::active_by_key(conn, key)?.id),
        None => None,
    };
    let section_ids = match selection.section {
        Some(section) => {
            let (_, reachable) = portal_sections::sections::reachable_by_id(conn, section)?;
            let mut ids = vec![section];
            if selection.include_descendants {
                let mut frontier = vec![section];
                while let Some(parent) = frontier.pop() {
                    for child in reachable.iter().filter(|s| s.parent_id == Some(parent)) {
                        ids.push(child.id);
                        frontier.push(child.id);
                    }
                }
            }
            Some(ids)
        }
        None => None,
    };
    Ok(Filter {
        site_id,
        // `reachable_by_id` above checked the section and found its descendants among the
        // reachable sections of its site.
        sections_checked: section_ids.is_some(),
        section_ids,
        kind: selection.kind.clone(),
        language: selection.language.clone(),
        tag: selection.tag.clone(),
        author: selection.author.clone(),
        published_from: selection.published_from,
        published_to: selection.published_to,
        updated_since: selection.updated_since,
    })
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Newest published first.
    Newest,
    /// In the order of the section tree (site by site, depth first, siblings by position),
    /// newest first within a section.
    Section,
}

/// How a list is paged.
#[derive(Debug, Clone)]
pub enum Paging {
    Cursor(PageRequest),
    /// A page number from 1, with a total counted up to `items::MAX_PAGE_DEPTH`.
    Numbered {
        page: i64,
        size: i64,
    },
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub items: Vec<Located>,
    /// Cursor paging: the next page's cursor, None on the last.
    pub next_cursor: Option<String>,
    /// Numbered paging: how many match (bounded), and whether the bound was reached.
    pub total: Option<(i64, bool)>,
    /// When the newest of these items last changed, for `Last-Modified`.
    pub modified: Option<NaiveDateTime>,
}

pub fn list(
    conn: &mut DbConn,
    selection: &Selection,
    order: Order,
    paging: &Paging,
) -> Result<ListPage, Error> {
    let filter = filter(conn, selection)?;
    let (rows, next_cursor, total) = match paging {
        Paging::Numbered { page, size } => {
            let (rows, total, capped) = match order {
                Order::Section => items::numbered_by_section(conn, &filter, *page, *size)?,
                Order::Newest => items::numbered(conn, &filter, *page, *size)?,
            };
            (rows, None, Some((total, capped)))
        }
        Paging::Cursor(request) => {
            let page = match order {
                Order::Section => items::list_by_section(conn, &filter, request)?,
                Order::Newest => items::list(conn, &filter, request)?,
            };
            (page.items, page.next_cursor, None)
        }
    };
    let modified = rows.iter().map(|i| i.updated_at).max();
    Ok(ListPage {
        items: locate(conn, rows)?,
        next_cursor,
        total,
        modified,
    })
}

/// One ranked hit.
#[derive(Debug, Clone)]
pub struct Hit {
    pub item: Located,
    pub score: u32,
    pub snippet: String,
}

/// One page of a search.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    pub has_more: bool,
    /// How many match, counted up to the ranking's bound, and whether it was reached.
    pub total: i64,
    pub total_is_capped: bool,
}

/// Full-text search without diacritics within a selection (`crate::search`).
pub fn search(
    conn: &mut DbConn,
    q: &str,
    selection: &Selection,
    page: i64,
    page_size: i64,
) -> Result<SearchPage, Error> {
    let filter = filter(conn, selection)?;
    let found = crate::search::search(conn, q, &filter, page, page_size)?;
    let (items, rest): (Vec<_>, Vec<_>) = found
        .hits
        .into_iter()
        .map(|h| (h.item, (h.score, h.snippet)))
        .unzip();
    let hits = locate(conn, items)?
        .into_iter()
        .zip(rest)
        .map(|(item, (score, snippet))| Hit {
            item,
            score,
            snippet,
        })
        .collect();
    Ok(SearchPage {
        hits,
        has_more: found.has_more,
        total: found.total,
        total_is_capped: found.total_is_capped,
    })
}
