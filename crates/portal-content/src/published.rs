//! The readers' copy of a live item, kept in `published_items` in the same transaction as the
//! workflow step that publishes or takes it down. The public API reads only this table.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::text::fold;
use portal_core::Error;
use portal_db::schema::published_items;
use portal_db::{now, DbConn};

use crate::model::ContentItem;

/// The text of some HTML: tags dropped, entities of the common kind decoded, space collapsed.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a typed item's data (its strings, HTML as text), so that the full text of a
/// legal document's abstract, number and issuer is searched with its title.
fn data_text(data: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let mut stack = vec![data];
    while let Some(v) = stack.pop() {
        match v {
            // A file's address is not text anyone searches for.
            serde_json::Value::String(s)
                if s.starts_with("http://") || s.starts_with("https://") => {}
            serde_json::Value::String(s) if s.contains('<') => out.push(html_text(s)),
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => stack.extend(a.iter().rev()),
            serde_json::Value::Object(o) => stack.extend(o.values().rev()),
            _ => {}
        }
    }
    out.join(" ")
}

/// Makes the item's current version the one readers see (with the index rows of its typed
/// fields; the old ones go with the old copy).
pub fn put(
    conn: &mut DbConn,
    item: &ContentItem,
    published_at: NaiveDateTime,
) -> Result<(), Error> {
    remove(conn, item.id)?;
    let text = html_text(&item.body);
    let search_text = fold(&format!(
        "{} {} {} {}",
        item.title,
        item.summary.as_deref().unwrap_or(""),
        text,
        data_text(item.data.value())
    ));
    diesel::insert_into(published_items::table)
        .values((
            published_items::item_id.eq(item.id),
            published_items::site_id.eq(item.site_id),
            published_items::section_id.eq(item.section_id),
            published_items::kind.eq(&item.kind),
            published_items::language.eq(&item.language),
            published_items::translation_group.eq(&item.translation_group),
            published_items::slug.eq(&item.slug),
            published_items::title.eq(&item.title),
            published_items::summary.eq(item.summary.as_deref()),
            published_items::body.eq(&item.body),
            published_items::author.eq(item.author.as_deref()),
            published_items::source.eq(item.source.as_deref()),
            published_items::tags.eq(&item.tags),
            published_items::featured_image_url.eq(item.featured_image_url.as_deref()),
            published_items::fields.eq(&item.fields),
            published_items::revision.eq(item.version),
            published_items::published_at.eq(published_at),
            published_items::updated_at.eq(now()),
            published_items::search_title.eq(fold(&item.title)),
            published_items::search_text.eq(search_text),
            published_items::content_type.eq(item.content_type.as_deref()),
            published_items::data.eq(&item.data),
        ))
        .execute(conn)?;
    crate::types::typed::index_published(conn, item, published_at)
}

pub fn remove(conn: &mut DbConn, item_id: i64) -> Result<(), Error> {
    diesel::delete(published_items::table.filter(published_items::item_id.eq(item_id)))
        .execute(conn)?;
    Ok(())
}

/// How many live items of each kind each section of a site first published in [from, to):
/// (section, kind, count), for the statistics of agencies' activity (Điều 25.2).
pub fn counts_by_section_and_kind(
    conn: &mut DbConn,
    site_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(i64, String, i64)>, Error> {
    Ok(published_items::table
        .filter(published_items::site_id.eq(site_id))
        .filter(published_items::published_at.ge(from))
        .filter(published_items::published_at.lt(to))
        .group_by((published_items::section_id, published_items::kind))
        .select((
            published_items::section_id,
            published_items::kind,
            diesel::dsl::count_star(),
        ))
        .load(conn)?)
}

/// For each of the given sections holding live items: when the newest of them last changed.
pub fn newest_in_sections(
    conn: &mut DbConn,
    section_ids: &[i64],
) -> Result<Vec<(i64, NaiveDateTime)>, Error> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> = published_items::table
        .filter(published_items::section_id.eq_any(section_ids))
        .group_by(published_items::section_id)
        .select((
            published_items::section_id,
            diesel::dsl::max(published_items::updated_at),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, at)| at.map(|at| (s, at)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::html_text;

    #[test]
    fn html_becomes_searchable_text() {
        assert_eq!(
            html_text("<p>Đầu tư <strong>công</strong></p><p>A &amp; B&nbsp;C</p>"),
            "Đầu tư công A & B C"
        );
    }
}
