use std::collections::HashMap;

use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::agencies;
use portal_db::DbConn;

use crate::model::{Agency, AgencyKind};

#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    pub kind: Option<AgencyKind>,
    pub active: Option<bool>,
    pub parent_code: Option<String>,
}

/// Agencies ordered by code, one page after the cursor's code.
pub fn list(
    conn: &mut DbConn,
    filter: &AgencyFilter,
    page: &PageRequest,
) -> Result<Page<Agency>, Error> {
    let mut query = agencies::table.select(Agency::as_select()).into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(agencies::kind.eq(kind.as_str()));
    }
    if let Some(active) = filter.active {
        query = query.filter(agencies::active.eq(active));
    }
    if let Some(parent_code) = &filter.parent_code {
        let parent = by_code(conn, parent_code)?;
        query = query.filter(agencies::parent_id.eq(parent.id));
    }
    if let Some(after) = &page.after {
        query = query.filter(agencies::code.gt(after.clone()));
    }
    let rows = query
        .order(agencies::code.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |a| a.code.clone()))
}

pub fn by_code(conn: &mut DbConn, code: &str) -> Result<Agency, Error> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(Agency::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("agency", code))
}

/// Codes of the given agency ids, for turning foreign keys into the codes the API shows.
pub fn codes_by_id(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, String>, Error> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let rows: Vec<(i64, String)> = agencies::table
        .filter(agencies::id.eq_any(&wanted))
        .select((agencies::id, agencies::code))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Codes and Vietnamese names of the given agency ids.
pub fn names_by_id(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String)>, Error> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let rows: Vec<(i64, String, String)> = agencies::table
        .filter(agencies::id.eq_any(&wanted))
        .select((agencies::id, agencies::code, agencies::name_vi))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect())
}

/// The code of an agency by id.
pub fn code_of(conn: &mut DbConn, id: i64) -> Result<String, Error> {
    agencies::table
        .filter(agencies::id.eq(id))
        .select(agencies::code)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("agency", id))
}

/// An agency by code, if there is one (callers name the field they were given).
pub fn find_by_code(conn: &mut DbConn, code: &str) -> Result<Option<Agency>, Error> {
    Ok(agencies::table
        .filter(agencies::code.eq(code))
        .select(Agency::as_select())
        .first(conn)
        .optional()?)
}
