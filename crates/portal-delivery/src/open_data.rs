//! Open data: each content type with published items on a site is a dataset, described in a
//! DCAT catalogue and exported as CSV or JSON a page at a time (the api streams the pages, so
//! an export of 100,000 items never sits in memory whole).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_content::types::definition::FieldType;
use portal_content::types::{store, Definition, TypeView};
use portal_core::text::spreadsheet_safe;
use portal_core::{Error, PageRequest};
use portal_db::schema::published_items;
use portal_db::DbConn;
use portal_sections::sites;
use portal_sections::Site;
use serde_json::Value;

use crate::items::reachable_sections;
use crate::typed::{self, TypedItem, TypedSelection};

/// Rows per page of an export: one query each.
pub const EXPORT_PAGE: i64 = 100;

/// A dataset of the catalogue: a type, how many of its items are published on the site, and
/// when the newest change was.
pub struct Dataset {
    pub ty: TypeView,
    pub items: i64,
    pub modified: Option<NaiveDateTime>,
}

pub struct Catalog {
    pub site: Site,
    pub datasets: Vec<Dataset>,
}

/// The datasets of a site: every type with at least one item readers can reach.
pub fn catalog(conn: &mut DbConn, site_key: &str) -> Result<Catalog, Error> {
    let site = sites::active_by_key(conn, site_key)?;
    let visible = reachable_sections(conn, Some(site.id))?;
    let counts: Vec<(Option<String>, i64, Option<NaiveDateTime>)> = published_items::table
        .filter(published_items::site_id.eq(site.id))
        .filter(published_items::content_type.is_not_null())
        .filter(published_items::section_id.eq_any(&visible))
        .group_by(published_items::content_type)
        .select((
            published_items::content_type,
            diesel::dsl::count_star(),
            diesel::dsl::max(published_items::updated_at),
        ))
        .order(published_items::content_type.asc())
        .load(conn)?;
    let mut datasets = Vec::with_capacity(counts.len());
    for (key, items, modified) in counts {
        let Some(key) = key else { continue };
        datasets.push(Dataset {
            ty: store::get(conn, &key)?,
            items,
            modified,
        });
    }
    Ok(Catalog { site, datasets })
}

/// What an export needs before its first page: the site and the type, or 404.
pub fn export_start(
    conn: &mut DbConn,
    key: &str,
    site_key: &str,
) -> Result<(TypeView, Site), Error> {
    let ty = store::get(conn, key)?;
    let site = sites::active_by_key(conn, site_key)?;
    Ok((ty, site))
}

/// One page of an export, oldest first, after `cursor` (the previous page's `next`).
pub fn export_page(
    conn: &mut DbConn,
    ty: &TypeView,
    site_id: i64,
    cursor: Option<&str>,
) -> Result<(Vec<TypedItem>, Option<String>), Error> {
    let visible = reachable_sections(conn, Some(site_id))?;
    let selection = TypedSelection {
        site_id,
        sort: Some("published_at".into()),
        ..TypedSelection::default()
    };
    let page = PageRequest::new(Some(EXPORT_PAGE), cursor)?;
    let found = typed::list(
        conn,
        &ty.row.key,
        &ty.definition.fields,
        &selection,
        &visible,
        &page,
    )?;
    Ok((found.items, found.next_cursor))
}

/// The CSV columns: the item's own, then each field of the type's current version by name.
pub fn csv_header(definition: &Definition) -> Vec<String> {
    [
        "id",
        "slug",
        "title",
        "summary",
        "published_at",
        "updated_at",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(definition.fields.iter().map(|f| f.name.clone()))
    .collect()
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => spreadsheet_safe(s),
        Some(Value::Array(a)) => spreadsheet_safe(
            &a.iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Some(other) => other.to_string(),
    }
}

/// One CSV row per item, in the header's order; text that a spreadsheet would run as a
/// formula is quoted (`portal_core::text::spreadsheet_safe`), a list's values joined by "; ".
pub fn csv_row(definition: &Definition, item: &TypedItem) -> Vec<String> {
    let rfc3339 = |t: NaiveDateTime| {
        t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let mut row = vec![
        item.item_id.to_string(),
        item.slug.clone(),
        spreadsheet_safe(&item.title),
        spreadsheet_safe(item.summary.as_deref().unwrap_or("")),
        rfc3339(item.published_at),
        rfc3339(item.updated_at),
    ];
    let data = item.data.value();
    row.extend(definition.fields.iter().map(|f| {
        let v = data.get(&f.name);
        match (f.spec.field_type, v) {
            (FieldType::RichText, Some(Value::String(html))) => {
                spreadsheet_safe(&portal_content::published::html_text(html))
            }
            _ => cell(v),
        }
    }));
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_are_safe_for_spreadsheets() {
        assert_eq!(
            cell(Some(&json!("=HYPERLINK(\"x\")"))),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(
            cell(Some(&json!(["Đất đai", "Xây dựng"]))),
            "Đất đai; Xây dựng"
        );
        assert_eq!(cell(Some(&json!(5000000))), "5000000");
        assert_eq!(cell(Some(&json!(true))), "true");
        assert_eq!(cell(None), "");
    }
}
