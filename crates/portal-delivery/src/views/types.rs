//! Content types as readers and frontends see them, and a type's published items filtered by
//! its indexed fields (`crate::typed`).

use portal_content::types::{store, TypeView};
use portal_core::{Error, Lang, Page, PageRequest};
use portal_db::DbConn;
use portal_sections::sites;

use crate::items;
use crate::typed::{self, TypedItem, TypedSelection};

/// Every content type with its current version, by key.
pub fn types(conn: &mut DbConn, page: &PageRequest) -> Result<Page<TypeView>, Error> {
    store::list(conn, page)
}

/// A type with its current version, or one of its earlier ones (items keep the version they
/// were written with, so their editors need it).
pub fn content_type(conn: &mut DbConn, key: &str, version: Option<i32>) -> Result<TypeView, Error> {
    match version {
        None => store::get(conn, key),
        Some(v) => store::get_version(conn, key, v),
    }
}

/// Every version of a type, newest first, with the live items still at each.
pub fn type_versions(conn: &mut DbConn, key: &str) -> Result<Vec<store::VersionSummary>, Error> {
    store::versions(conn, key)
}

/// One page of a type's published items on a site.
pub struct TypedPage {
    pub ty: TypeView,
    pub site: String,
    pub items: Vec<TypedItem>,
    pub next_cursor: Option<String>,
}

/// What a reader asks of a type's items.
pub struct TypedQuery {
    pub site: String,
    pub language: Option<String>,
    pub q: Option<String>,
    pub filters: Vec<typed::RawFilter>,
    pub sort: Option<String>,
}

/// A page of `key`'s items on the asked site, filtered and sorted by the type's current
/// definition: an unknown site or type is 404, a bad filter 400 naming it.
pub fn typed_items(
    conn: &mut DbConn,
    key: &str,
    query: TypedQuery,
    page: &PageRequest,
) -> Result<TypedPage, Error> {
    if let Some(language) = &query.language {
        language
            .parse::<Lang>()
            .map_err(|e| Error::invalid_parameter("language", e))?;
    }
    let ty = store::get(conn, key)?;
    let site = sites::active_by_key(conn, &query.site)?;
    let visible = items::reachable_sections(conn, Some(site.id))?;
    let selection = TypedSelection {
        site_id: site.id,
        language: query.language,
        q: query.q,
        filters: query.filters,
        sort: query.sort,
    };
    let found = typed::list(conn, key, &ty.definition.fields, &selection, &visible, page)?;
    Ok(TypedPage {
        ty,
        site: site.key,
        items: found.items,
        next_cursor: found.next_cursor,
    })
}
