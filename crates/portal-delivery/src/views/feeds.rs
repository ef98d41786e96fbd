//! RSS, Atom and sitemaps of a site, rendered here from what is published (`crate::feeds` holds
//! the XML writers).

use chrono::NaiveDateTime;
use portal_core::{Error, Lang};
use portal_db::DbConn;
use portal_sections::sites;

use super::lists::{filter, Selection};
use crate::feeds::{self, Channel};
use crate::items::{self, Filter};

/// Items in a feed: the newest of the site or section.
const FEED_SIZE: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
}

/// A rendered document and when its newest item last changed.
pub type Rendered = (String, Option<NaiveDateTime>);

/// The feed of a site (or one section with its subsections) in one language; `self_path` is the
/// path and query the reader asked for, joined to the site's base URL as the feed's own link.
pub fn feed(
    conn: &mut DbConn,
    site_key: &str,
    section: Option<i64>,
    language: Lang,
    format: FeedFormat,
    self_path: &str,
) -> Result<Rendered, Error> {
    let site = sites::active_by_key(conn, site_key)?;
    let filter = filter(
        conn,
        &Selection {
            site: Some(site.key.clone()),
            section,
            include_descendants: true,
            language: Some(language.code().to_string()),
            ..Selection::default()
        },
    )?;
    let title = language
        .pick(&site.name_vi, site.name_en.as_deref())
        .to_string();
    let self_url = format!("{}{}", site.base_url.trim_end_matches('/'), self_path);
    let channel = Channel {
        title: &title,
        link: &site.base_url,
        description: &title,
        language: language.code(),
        self_url: &self_url,
    };
    let newest = items::newest(conn, &filter, FEED_SIZE)?;
    let modified = newest.iter().map(|i| i.updated_at).max();
    let xml = match format {
        FeedFormat::Rss => feeds::rss(&channel, &newest, &site.base_url),
        FeedFormat::Atom => feeds::atom(
            &channel,
            &newest,
            &site.base_url,
            &format!("tag:{},2026:{}", site.key, language.code()),
        ),
    };
    Ok((xml, modified))
}

/// The sitemap of a site, or past `per_part` items an index of parts; `page` asks for one part.
pub fn sitemap(
    conn: &mut DbConn,
    site_key: &str,
    page: Option<i64>,
    per_part: i64,
) -> Result<Rendered, Error> {
    let site = sites::active_by_key(conn, site_key)?;
    let filter = Filter {
        site_id: Some(site.id),
        ..Filter::default()
    };
    let per_part = per_part.max(1);
    let total = items::count_all(conn, &filter)?;
    let parts = (total + per_part - 1) / per_part;
    let part = match page {
        None if parts > 1 => return Ok((feeds::sitemap_index(&site.base_url, parts), None)),
        None => 1,
        Some(part) if (1..=parts.max(1)).contains(&part) => part,
        Some(part) => return Err(Error::not_found("sitemap part", part)),
    };
    let listed = items::oldest_first_part(conn, &filter, per_part, part)?;
    Ok((
        feeds::sitemap(&listed, &site.base_url),
        listed.iter().map(|i| i.updated_at).max(),
    ))
}
