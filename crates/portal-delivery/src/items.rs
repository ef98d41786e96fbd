use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_content::model::{Kind, KindFields};
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::published_items;
use portal_db::{DbConn, JsonText};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = published_items)]
pub struct PublishedItem {
    pub item_id: i64,
    pub site_id: i64,
    pub section_id: i64,
    pub kind: Kind,
    pub language: String,
    pub translation_group: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub author: Option<String>,
    pub source: Option<String>,
    /// A JSON array of strings.
    pub tags: JsonText<Vec<String>>,
    pub featured_image_url: Option<String>,
    pub fields: JsonText<KindFields>,
    pub revision: i64,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The content type of a typed item, and its typed fields (`{}` otherwise).
    pub content_type: Option<String>,
    pub data: JsonText<serde_json::Value>,
}

/// An item as lists show it: everything but the body and the kind's fields, which lists do not
/// return and which are most of a row's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = published_items)]
pub struct ListedItem {
    pub item_id: i64,
    pub site_id: i64,
    pub section_id: i64,
    pub kind: Kind,
    pub language: String,
    pub translation_group: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    /// A JSON array of strings.
    pub tags: JsonText<Vec<String>>,
    pub featured_image_url: Option<String>,
    pub revision: i64,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub content_type: Option<String>,
}

impl From<ListedItem> for PublishedItem {
    fn from(l: ListedItem) -> Self {
        PublishedItem {
            item_id: l.item_id,
            site_id: l.site_id,
            section_id: l.section_id,
            kind: l.kind,
            language: l.language,
            translation_group: l.translation_group,
            slug: l.slug,
            title: l.title,
            summary: l.summary,
            body: String::new(),
            author: l.author,
            source: l.source,
            tags: l.tags,
            featured_image_url: l.featured_image_url,
            fields: JsonText::new(KindFields::default()),
            revision: l.revision,
            published_at: l.published_at,
            updated_at: l.updated_at,
            content_type: l.content_type,
            data: JsonText::new(serde_json::Value::Object(Default::default())),
        }
    }
}

impl PublishedItem {
    pub fn tag_list(&self) -> Vec<String> {
        self.tags.value().clone()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub site_id: Option<i64>,
    /// One section, or a section with its descendants.
    pub section_ids: Option<Vec<i64>>,
    /// Set when the caller has already checked that `section_ids` are all reachable, so that
    /// the hot path does not read the section tree twice.
    pub sections_checked: bool,
    pub kind: Option<String>,
    pub language: Option<String>,
    pub tag: Option<String>,
    /// Part of the byline.
    pub author: Option<String>,
    pub published_from: Option<NaiveDateTime>,
    pub published_to: Option<NaiveDateTime>,
    pub updated_since: Option<NaiveDateTime>,
}

/// The sections readers may reach: visible, under visible ancestors, on active sites (all sites,
/// or one). A few hundred rows at most, read per request: no cache to invalidate across replicas.
pub fn reachable_sections(conn: &mut DbConn, site_id: Option<i64>) -> Result<Vec<i64>, Error> {
    Ok(reachable_section_rows(conn, site_id)?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

fn reachable_section_rows(
    conn: &mut DbConn,
    site_id: Option<i64>,
) -> Result<Vec<portal_sections::Section>, Error> {
    portal_sections::sections::reachable_on_active_sites(conn, site_id)
}

/// Published items with the filters applied. Visibility is a list of reachable sections rather
/// than a join, so the (section or site, published_at, id) indexes serve the newest-first order
/// without sorting.
macro_rules! visible_query {
    ($filter:expr, $visible:expr) => {
        visible_query!($filter, $visible, PublishedItem)
    };
    ($filter:expr, $visible:expr, $row:ty) => {{
        let filter: &Filter = $filter;
        let visible: &[i64] = $visible;
        let mut query = published_items::table
            .filter(published_items::section_id.eq_any(visible.to_vec()))
            .select(<$row>::as_select())
            .into_boxed();
        if let Some(site) = filter.site_id {
            query = query.filter(published_items::site_id.eq(site));
        }
        if let Some(kind) = &filter.kind {
            query = query.filter(published_items::kind.eq(kind.clone()));
        }
        if let Some(language) = &filter.language {
            query = query.filter(published_items::language.eq(language.clone()));
        }
        if let Some(tag) = &filter.tag {
            let quoted = serde_json::to_string(tag).unwrap_or_default();
            query = query.filter(
                published_items::tags.like(format!("%{}%", quoted.replace(['%', '_'], ""))),
            );
        }
        if let Some(author) = &filter.author {
            query = query.filter(
                published_items::author.like(format!("%{}%", author.replace(['%', '_'], ""))),
            );
        }
        if let Some(from) = filter.published_from {
            query = query.filter(published_items::published_at.ge(from));
        }
        if let Some(to) = filter.published_to {
            query = query.filter(published_items::published_at.lt(to));
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(published_items::updated_at.ge(since));
        }
        query
    }};
}

/// The sections a query may read: the asked ones that are reachable, or every reachable one.
pub fn visible_for(conn: &mut DbConn, filter: &Filter) -> Result<Vec<i64>, Error> {
    if let (true, Some(checked)) = (filter.sections_checked, &filter.section_ids) {
        return Ok(checked.clone());
    }
    let reachable = reachable_sections(conn, filter.site_id)?;
    Ok(match &filter.section_ids {
        Some(asked) => asked
            .iter()
            .copied()
            .filter(|id| reachable.contains(id))
            .collect(),
        None => reachable,
    })
}

fn key(item: &PublishedItem) -> String {
    portal_core::page::time_id_key(item.published_at, item.item_id)
}

fn parse_key(raw: &str) -> Result<(NaiveDateTime, i64), Error> {
    portal_core::page::parse_time_id_key(raw)
}

/// Newest published first. The cursor is the last (published_at, id) seen, so items published
/// while a client pages are neither skipped nor repeated.
pub fn list(
    conn: &mut DbConn,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<PublishedItem>, Error> {
    let visible = visible_for(conn, filter)?;
    let mut query = visible_query!(filter, &visible, ListedItem);
    if let Some(after) = &page.after {
        let (at, id) = parse_key(after)?;
        query = query.filter(
            published_items::published_at
                .lt(at)
                .or(published_items::published_at
                    .eq(at)
                    .and(published_items::item_id.lt(id))),
        );
    }
    let rows = query
        .order((
            published_items::published_at.desc(),
            published_items::item_id.desc(),
        ))
        .limit(page.fetch_limit())
        .load::<ListedItem>(conn)?
        .into_iter()
        .map(PublishedItem::from)
        .collect();
    Ok(Page::from_rows(rows, page, key))
}

/// The sections `filter` shows, in the order readers meet them: site by site, then depth first
/// through each site's tree, siblings by position. One read of the sections gives both what is
/// reachable and the order.
fn sections_in_tree_order(conn: &mut DbConn, filter: &Filter) -> Result<Vec<i64>, Error> {
    let mut by_site: std::collections::BTreeMap<i64, Vec<portal_sections::Section>> =
        Default::default();
    for section in reachable_section_rows(conn, filter.site_id)? {
        by_site.entry(section.site_id).or_default().push(section);
    }
    fn depth_first(nodes: Vec<portal_sections::SectionNode>, out: &mut Vec<i64>) {
        for node in nodes {
            out.push(node.section.id);
            depth_first(node.children, out);
        }
    }
    let mut order = Vec::new();
    for (_, in_site) in by_site {
        depth_first(portal_sections::sections::build_tree(in_site), &mut order);
    }
    if let Some(asked) = &filter.section_ids {
        order.retain(|id| asked.contains(id));
    }
    Ok(order)
}

fn section_key(item: &PublishedItem) -> String {
    format!("{}|{}", item.section_id, key(item))
}

/// Published items in section order (see `sections_in_tree_order`), newest first within a
/// section, by cursor. Each section is read through its own (section, published_at, id) index,
/// one after the other until the page is full.
pub fn list_by_section(
    conn: &mut DbConn,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<PublishedItem>, Error> {
    let order = sections_in_tree_order(conn, filter)?;
    let (start, after) = match &page.after {
        Some(raw) => {
            let bad = || Error::invalid_parameter("cursor", "is not a cursor of this list");
            let (section, rest) = raw.split_once('|').ok_or_else(bad)?;
            let section: i64 = section.parse().map_err(|_| bad())?;
            let at = order.iter().position(|s| *s == section).ok_or_else(bad)?;
            (at, Some(parse_key(rest)?))
        }
        None => (0, None),
    };
    let wanted = page.fetch_limit() as usize;
    let mut rows: Vec<PublishedItem> = Vec::with_capacity(wanted);
    for (i, section) in order[start..].iter().enumerate() {
        let one = [*section];
        let mut query = visible_query!(filter, &one, ListedItem);
        if let (0, Some((at, id))) = (i, after) {
            query = query.filter(
                published_items::published_at
                    .lt(at)
                    .or(published_items::published_at
                        .eq(at)
                        .and(published_items::item_id.lt(id))),
            );
        }
        rows.extend(
            query
                .order((
                    published_items::published_at.desc(),
                    published_items::item_id.desc(),
                ))
                .limit((wanted - rows.len()) as i64)
                .load::<ListedItem>(conn)?
                .into_iter()
                .map(PublishedItem::from),
        );
        if rows.len() >= wanted {
            break;
        }
    }
    Ok(Page::from_rows(rows, page, section_key))
}

/// A numbered page in section order, with a total counted up to `MAX_PAGE_DEPTH`: each
/// section's items are counted only as far as the cap still needs.
pub fn numbered_by_section(
    conn: &mut DbConn,
    filter: &Filter,
    page: i64,
    page_size: i64,
) -> Result<(Vec<PublishedItem>, i64, bool), Error> {
    let mut skip = check_depth(page, page_size)?;
    let order = sections_in_tree_order(conn, filter)?;
    let mut rows = Vec::new();
    let mut total = 0;
    for section in order {
        if total > MAX_PAGE_DEPTH {
            break;
        }
        let one = [section];
        let here = visible_query!(filter, &one, ListedItem)
            .select(published_items::item_id)
            .limit(MAX_PAGE_DEPTH + 1 - total)
            .load::<i64>(conn)?
            .len() as i64;
        total += here;
        if (rows.len() as i64) < page_size && skip < here {
            rows.extend(
                visible_query!(filter, &one, ListedItem)
                    .order((
                        published_items::published_at.desc(),
                        published_items::item_id.desc(),
                    ))
                    .offset(skip)
                    .limit(page_size - rows.len() as i64)
                    .load::<ListedItem>(conn)?
                    .into_iter()
                    .map(PublishedItem::from),
            );
        }
        skip = (skip - here).max(0);
    }
    Ok((rows, total.min(MAX_PAGE_DEPTH), total > MAX_PAGE_DEPTH))
}

/// Deepest page a numbered listing may reach; cursors go further.
pub const MAX_PAGE_DEPTH: i64 = 10_000;

/// The offset of a numbered page, refused past `MAX_PAGE_DEPTH`.
fn check_depth(page: i64, page_size: i64) -> Result<i64, Error> {
    let offset = page
        .checked_sub(1)
        .and_then(|p| p.checked_mul(page_size))
        .filter(|o| *o >= 0);
    let Some(offset) = offset else {
        return Err(Error::invalid_parameter("page", "is out of range"));
    };
    if offset.saturating_add(page_size) > MAX_PAGE_DEPTH {
        return Err(Error::invalid_parameter(
            "page",
            format!(
                "page × page_size may reach item {MAX_PAGE_DEPTH} at most; use the cursor beyond"
            ),
        ));
    }
    Ok(offset)
}

/// A numbered page, with a total counted up to `MAX_PAGE_DEPTH` (never the whole table).
pub fn numbered(
    conn: &mut DbConn,
    filter: &Filter,
    page: i64,
    page_size: i64,
) -> Result<(Vec<PublishedItem>, i64, bool), Error> {
    let offset = check_depth(page, page_size)?;
    let visible = visible_for(conn, filter)?;
    let items = visible_query!(filter, &visible, ListedItem)
        .order((
            published_items::published_at.desc(),
            published_items::item_id.desc(),
        ))
        .offset(offset)
        .limit(page_size)
        .load::<ListedItem>(conn)?
        .into_iter()
        .map(PublishedItem::from)
        .collect();
    let ids: Vec<i64> = visible_query!(filter, &visible, ListedItem)
        .select(published_items::item_id)
        .limit(MAX_PAGE_DEPTH + 1)
        .load(conn)?;
    let capped = ids.len() as i64 > MAX_PAGE_DEPTH;
    Ok((items, ids.len().min(MAX_PAGE_DEPTH as usize) as i64, capped))
}

/// How many published items `filter` shows, every one counted: for sitemaps, which must list
/// them all, not for pages a reader waits on.
pub fn count_all(conn: &mut DbConn, filter: &Filter) -> Result<i64, Error> {
    let visible = visible_for(conn, filter)?;
    Ok(visible_query!(filter, &visible, ListedItem)
        .select(diesel::dsl::count_star())
        .first(conn)?)
}

/// Part `part` (from 1) of what `filter` shows, `per_part` items a part, oldest first: a part
/// keeps its items as new ones are published, so crawlers refetch only the last part.
pub fn oldest_first_part(
    conn: &mut DbConn,
    filter: &Filter,
    per_part: i64,
    part: i64,
) -> Result<Vec<PublishedItem>, Error> {
    let visible = visible_for(conn, filter)?;
    Ok(visible_query!(filter, &visible, ListedItem)
        .order((
            published_items::published_at.asc(),
            published_items::item_id.asc(),
        ))
        .offset((part - 1) * per_part)
        .limit(per_part)
        .load::<ListedItem>(conn)?
        .into_iter()
        .map(PublishedItem::from)
        .collect())
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<PublishedItem, Error> {
    let item: PublishedItem = published_items::table
        .filter(published_items::item_id.eq(id))
        .select(PublishedItem::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("published item", id))?;
    if !reachable_sections(conn, Some(item.site_id))?.contains(&item.section_id) {
        return Err(Error::not_found("published item", id));
    }
    Ok(item)
}

/// The published items among `ids` that readers can see (active site, visible section): one
/// query for the items and one for the reachable sections of all their sites.
pub fn visible_by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<PublishedItem>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<PublishedItem> = published_items::table
        .filter(published_items::item_id.eq_any(ids))
        .select(PublishedItem::as_select())
        .load(conn)?;
    let reachable: std::collections::HashSet<i64> =
        reachable_sections(conn, None)?.into_iter().collect();
    Ok(found
        .into_iter()
        .filter(|item| reachable.contains(&item.section_id))
        .collect())
}

/// An item by its slug; a slug it had before, once published, still finds it (`true` then).
pub fn by_slug(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    slug: &str,
) -> Result<(PublishedItem, bool), Error> {
    let filter = Filter {
        site_id: Some(site_id),
        language: Some(language.to_string()),
        ..Filter::default()
    };
    let visible = visible_for(conn, &filter)?;
    if let Some(item) = visible_query!(&filter, &visible)
        .filter(published_items::slug.eq(slug))
        .first(conn)
        .optional()?
    {
        return Ok((item, false));
    }
    let redirected = portal_content::items::redirected_slug(conn, site_id, language, slug)?;
    match redirected {
        Some(id) => by_id(conn, id)
            .map(|item| (item, true))
            .map_err(|_| Error::not_found("published item", slug)),
        None => Err(Error::not_found("published item", slug)),
    }
}

/// The published translations of an item: (language, id, slug).
pub fn translations(
    conn: &mut DbConn,
    item: &PublishedItem,
) -> Result<Vec<(String, i64, String)>, Error> {
    Ok(published_items::table
        .filter(published_items::translation_group.eq(&item.translation_group))
        .filter(published_items::item_id.ne(item.item_id))
        .order(published_items::language.asc())
        .select((
            published_items::language,
            published_items::item_id,
            published_items::slug,
        ))
        .load(conn)?)
}

/// The newest other items of the same section.
pub fn related(
    conn: &mut DbConn,
    item: &PublishedItem,
    limit: i64,
) -> Result<Vec<PublishedItem>, Error> {
    let filter = Filter {
        section_ids: Some(vec![item.section_id]),
        language: Some(item.language.clone()),
        ..Filter::default()
    };
    let visible = visible_for(conn, &filter)?;
    Ok(visible_query!(&filter, &visible, ListedItem)
        .filter(published_items::item_id.ne(item.item_id))
        .order((
            published_items::published_at.desc(),
            published_items::item_id.desc(),
        ))
        .limit(limit)
        .load::<ListedItem>(conn)?
        .into_iter()
        .map(PublishedItem::from)
        .collect())
}

/// Newest first, for feeds and sitemaps.
pub fn newest(conn: &mut DbConn, filter: &Filter, limit: i64) -> Result<Vec<PublishedItem>, Error> {
    let visible = visible_for(conn, filter)?;
    Ok(visible_query!(filter, &visible, ListedItem)
        .order((
            published_items::published_at.desc(),
            published_items::item_id.desc(),
        ))
        .limit(limit)
        .load::<ListedItem>(conn)?
        .into_iter()
        .map(PublishedItem::from)
        .collect())
}
