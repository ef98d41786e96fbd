use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::sites;
use portal_db::DbConn;

use crate::model::Site;

/// Active sites ordered by key, one page after the cursor's key.
pub fn list_active(conn: &mut DbConn, page: &PageRequest) -> Result<Page<Site>, Error> {
    let mut query = sites::table
        .filter(sites::active.eq(true))
        .select(Site::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(sites::key.gt(after.clone()));
    }
    let rows = query
        .order(sites::key.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |s| s.key.clone()))
}

/// An active site by key; a deactivated site is as absent to readers as an unknown one.
pub fn active_by_key(conn: &mut DbConn, key: &str) -> Result<Site, Error> {
    sites::table
        .filter(sites::key.eq(key))
        .filter(sites::active.eq(true))
        .select(Site::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("site", key))
}

pub fn keys_by_id(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, Error> {
    let rows: Vec<(i64, String)> = sites::table
        .filter(sites::id.eq_any(ids))
        .select((sites::id, sites::key))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The ids of the sites with these keys (unknown keys are left out).
pub fn ids_of(conn: &mut DbConn, keys: &[String]) -> Result<Vec<i64>, Error> {
    Ok(sites::table
        .filter(sites::key.eq_any(keys))
        .select(sites::id)
        .load(conn)?)
}

/// The keys of the active sites among `ids`.
pub fn active_keys_by_id(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, Error> {
    let rows: Vec<(i64, String)> = sites::table
        .filter(sites::id.eq_any(ids))
        .filter(sites::active.eq(true))
        .select((sites::id, sites::key))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The keys of every active site, in key order.
pub fn active_keys(conn: &mut DbConn) -> Result<Vec<String>, Error> {
    Ok(sites::table
        .filter(sites::active.eq(true))
        .order(sites::key.asc())
        .select(sites::key)
        .load(conn)?)
}

/// A site by key, active or not.
pub fn by_key(conn: &mut DbConn, key: &str) -> Result<Option<Site>, Error> {
    Ok(sites::table
        .filter(sites::key.eq(key))
        .select(Site::as_select())
        .first(conn)
        .optional()?)
}

/// A site by id, active or not.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Site, Error> {
    sites::table
        .filter(sites::id.eq(id))
        .select(Site::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("site", id))
}

/// The key of a site by id: what content scopes and public URLs name.
pub fn key_of(conn: &mut DbConn, site_id: i64) -> Result<String, Error> {
    sites::table
        .filter(sites::id.eq(site_id))
        .select(sites::key)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("site", site_id))
}

/// Where a section is: its active site's id, key and languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub site_id: i64,
    pub site_key: String,
    pub languages: Vec<String>,
}

/// The placement of a section of an active site; `None` when there is no such section (or its
/// site is deactivated), which callers name as the field they were given.
pub fn placement_of_section(
    conn: &mut DbConn,
    section_id: i64,
) -> Result<Option<Placement>, Error> {
    use portal_db::schema::sections;
    let row: Option<(i64, String, String)> = sections::table
        .inner_join(sites::table)
        .filter(sections::id.eq(section_id))
        .filter(sites::active.eq(true))
        .select((sites::id, sites::key, sites::languages))
        .first(conn)
        .optional()?;
    Ok(row.map(|(site_id, site_key, languages)| Placement {
        site_id,
        site_key,
        languages: languages.split(',').map(|l| l.trim().to_string()).collect(),
    }))
}
