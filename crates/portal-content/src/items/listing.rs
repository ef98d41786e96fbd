//! The admin list of items: filters, visibility by scope, a keyset cursor.

use super::*;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub site: Option<String>,
    pub section_id: Option<i64>,
    pub kind: Option<Kind>,
    pub language: Option<String>,
    pub status: Option<Status>,
    /// Part of the byline.
    pub author: Option<String>,
    /// Id of the user who created the item.
    pub created_by: Option<i64>,
    /// Part of the title or summary.
    pub q: Option<String>,
    pub updated_from: Option<NaiveDateTime>,
    pub updated_to: Option<NaiveDateTime>,
    /// Deleted items instead of live ones.
    pub deleted: bool,
}

pub(super) fn page_key(item: &ContentItem) -> String {
    portal_core::page::time_id_key(item.updated_at, item.id)
}

/// Most recently updated first, within what the caller may see.
pub fn list(
    conn: &mut DbConn,
    filter: &Filter,
    visibility: &portal_auth::ContentReach,
    page: &PageRequest,
) -> Result<Page<ContentItem>, Error> {
    let site_ids = portal_sections::sites::ids_of(conn, &visibility.site_keys)?;
    let mut query = content_items::table
        .select(ContentItem::as_select())
        .filter(
            content_items::site_id
                .eq_any(site_ids)
                .or(content_items::section_id.eq_any(visibility.section_ids.clone())),
        )
        .into_boxed();
    query = if filter.deleted {
        query.filter(content_items::deleted_at.is_not_null())
    } else {
        query.filter(content_items::deleted_at.is_null())
    };
    if let Some(site) = &filter.site {
        let id = portal_sections::sites::ids_of(conn, std::slice::from_ref(site))?
            .first()
            .copied()
            .unwrap_or(-1);
        query = query.filter(content_items::site_id.eq(id));
    }
    if let Some(section) = filter.section_id {
        query = query.filter(content_items::section_id.eq(section));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(content_items::kind.eq(kind.as_str()));
    }
    if let Some(language) = &filter.language {
        query = query.filter(content_items::language.eq(language.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(content_items::status.eq(status.as_str()));
    }
    if let Some(author) = &filter.author {
        query = query.filter(
            lower(content_items::author.assume_not_null())
                .like(format!("%{}%", author.to_lowercase())),
        );
    }
    if let Some(created_by) = filter.created_by {
        query = query.filter(content_items::created_by.eq(created_by));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        query = query.filter(
            lower(content_items::title)
                .like(pattern.clone())
                .or(lower(content_items::summary.assume_not_null()).like(pattern)),
        );
    }
    if let Some(from) = filter.updated_from {
        query = query.filter(content_items::updated_at.ge(from));
    }
    if let Some(to) = filter.updated_to {
        query = query.filter(content_items::updated_at.lt(to));
    }
    if let Some(after) = &page.after {
        let (at, id) = portal_core::page::parse_time_id_key(after)?;
        query = query.filter(
            content_items::updated_at
                .lt(at)
                .or(content_items::updated_at
                    .eq(at)
                    .and(content_items::id.lt(id))),
        );
    }
    let rows = query
        .order((content_items::updated_at.desc(), content_items::id.desc()))
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, page_key))
}

/// Checks that no item would be orphaned before a section is deleted.
pub fn count_in_section(conn: &mut DbConn, section_id: i64) -> Result<i64, Error> {
    Ok(content_items::table
        .filter(content_items::section_id.eq(section_id))
        .count()
        .get_result(conn)?)
}
