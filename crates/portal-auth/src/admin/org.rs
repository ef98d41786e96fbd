//! The organisation's front door: agencies and sites (`agencies:manage`, `sites:manage`:
//! operators) and each site's section tree (`sections:manage:site:<key>`: operators and the
//! site's chief editor). Each use case authorizes, runs the audited change of `portal-sections`
//! (one transaction with its audit event) and returns a view with its references resolved to
//! codes and keys, so that the api looks nothing up. It lives here, not in `portal-sections`,
//! because the principal and its scopes are defined here and this crate sits above sections.

use portal_core::Error;
use portal_db::DbConn;
use portal_sections::admin::{self, NewAgency, NewSection, NewSite, SectionPatch, SitePatch};
use portal_sections::views::{agency_view, section_view, section_views, site_view};
pub use portal_sections::views::{AgencyView, SectionView, SiteView};
use portal_sections::{sections, sites, AgencyKind};

use crate::access::Acting;
use crate::org::{self, MergeReport};
use crate::{Principal, Scope};

/// An agency as asked for: the kind is a name, checked after the caller is.
#[derive(Debug, Clone)]
pub struct AgencyRequest {
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub parent: Option<String>,
}

// ------------------------------------------------------------------ agencies

pub fn create_agency(
    conn: &mut DbConn,
    who: &Acting,
    new: AgencyRequest,
) -> Result<AgencyView, Error> {
    who.principal.require(Scope::AgenciesManage)?;
    let kind = AgencyKind::parse(&new.kind).ok_or_else(|| {
        Error::field(
            "kind",
            "unknown_kind",
            format!("'{}' is not an agency kind", new.kind),
        )
    })?;
    let agency = admin::create_agency(
        conn,
        &who.actor,
        &NewAgency {
            code: new.code,
            name_vi: new.name_vi,
            name_en: new.name_en,
            kind,
            parent: new.parent,
        },
    )?;
    agency_view(conn, agency)
}

/// `name_en`: `Some(None)` removes the English name.
pub fn rename_agency(
    conn: &mut DbConn,
    who: &Acting,
    code: &str,
    name_vi: Option<&str>,
    name_en: Option<Option<&str>>,
) -> Result<AgencyView, Error> {
    who.principal.require(Scope::AgenciesManage)?;
    let agency = admin::rename_agency(conn, &who.actor, code, name_vi, name_en)?;
    agency_view(conn, agency)
}

pub fn deactivate_agency(conn: &mut DbConn, who: &Acting, code: &str) -> Result<(), Error> {
    who.principal.require(Scope::AgenciesManage)?;
    org::deactivate_agency(conn, &who.actor, code)
}

pub fn merge_agency(
    conn: &mut DbConn,
    who: &Acting,
    from: &str,
    into: &str,
) -> Result<MergeReport, Error> {
    who.principal.require(Scope::AgenciesManage)?;
    org::merge_agencies(conn, &who.actor, from, into)
}

// ------------------------------------------------------------------ sites

pub fn create_site(conn: &mut DbConn, who: &Acting, new: &NewSite) -> Result<SiteView, Error> {
    who.principal.require(Scope::SitesManage)?;
    let site = admin::create_site(conn, &who.actor, new)?;
    site_view(conn, site)
}

pub fn update_site(
    conn: &mut DbConn,
    who: &Acting,
    key: &str,
    patch: &SitePatch,
) -> Result<SiteView, Error> {
    who.principal.require(Scope::SitesManage)?;
    let site = admin::update_site(conn, &who.actor, key, patch)?;
    site_view(conn, site)
}

pub fn deactivate_site(conn: &mut DbConn, who: &Acting, key: &str) -> Result<(), Error> {
    who.principal.require(Scope::SitesManage)?;
    admin::deactivate_site(conn, &who.actor, key)
}

// ------------------------------------------------------------------ sections

/// Checks `sections:manage:site:<key>` for the site the section is on; a section that does not
/// exist is a 404 to whoever asks (its site cannot be known).
pub fn require_manage_section(
    conn: &mut DbConn,
    principal: &Principal,
    id: i64,
) -> Result<(), Error> {
    let key = admin::site_key_of_section(conn, id)?;
    principal.require_manage_sections(&key)
}

pub fn create_section(
    conn: &mut DbConn,
    who: &Acting,
    site_key: &str,
    new: &NewSection,
) -> Result<SectionView, Error> {
    who.principal.require_manage_sections(site_key)?;
    let section = admin::create_section(conn, &who.actor, site_key, new)?;
    section_view(conn, section)
}

pub fn update_section(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    patch: &SectionPatch,
) -> Result<SectionView, Error> {
    require_manage_section(conn, &who.principal, id)?;
    let section = admin::update_section(conn, &who.actor, id, patch)?;
    section_view(conn, section)
}

/// `parent_id`: `Some(None)` moves it to the top level, `None` keeps its parent.
pub fn move_section(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    parent_id: Option<Option<i64>>,
    position: Option<i32>,
) -> Result<SectionView, Error> {
    require_manage_section(conn, &who.principal, id)?;
    let section = admin::move_section(conn, &who.actor, id, parent_id, position)?;
    section_view(conn, section)
}

pub fn transfer_section(
    conn: &mut DbConn,
    who: &Acting,
    id: i64,
    owner: &str,
) -> Result<SectionView, Error> {
    require_manage_section(conn, &who.principal, id)?;
    let section = admin::transfer_section(conn, &who.actor, id, owner)?;
    section_view(conn, section)
}

/// Every section of a site, hidden ones included, for those who manage its tree.
pub fn site_sections(
    conn: &mut DbConn,
    principal: &Principal,
    site_key: &str,
) -> Result<(String, Vec<SectionView>), Error> {
    principal.require_manage_sections(site_key)?;
    let site = sites::active_by_key(conn, site_key)?;
    let all = sections::all_of_site(conn, site.id)?;
    Ok((site.key, section_views(conn, all)?))
}
