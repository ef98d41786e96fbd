//! Sites, agencies and sections as the API shows them: each with its references resolved to
//! codes and keys (a site's owner and portal, a section's site and owner), in a fixed number of
//! lookups however long the list.

use portal_core::{Error, Page, PageRequest};
use portal_db::DbConn;

use crate::{agencies, sites, Agency, Section, Site};

/// An agency with its parent's code.
#[derive(Debug, Clone)]
pub struct AgencyView {
    pub agency: Agency,
    pub parent: Option<String>,
}

/// A site with its owner's code and its portal's key.
#[derive(Debug, Clone)]
pub struct SiteView {
    pub site: Site,
    pub owner: String,
    pub parent: Option<String>,
}

/// A section with its site's key and its owner's code.
#[derive(Debug, Clone)]
pub struct SectionView {
    pub section: Section,
    pub site: String,
    pub owner: String,
}

pub fn agency_view(conn: &mut DbConn, agency: Agency) -> Result<AgencyView, Error> {
    let parent = match agency.parent_id {
        Some(id) => agencies::codes_by_id(conn, &[id])?.remove(&id),
        None => None,
    };
    Ok(AgencyView { agency, parent })
}

pub fn site_view(conn: &mut DbConn, site: Site) -> Result<SiteView, Error> {
    let owner = agencies::codes_by_id(conn, &[site.owner_agency_id])?
        .remove(&site.owner_agency_id)
        .unwrap_or_default();
    let parent = match site.parent_site_id {
        Some(id) => sites::keys_by_id(conn, &[id])?.remove(&id),
        None => None,
    };
    Ok(SiteView {
        site,
        owner,
        parent,
    })
}

/// Views of many sections with two lookups in all, not two per section.
pub fn section_views(conn: &mut DbConn, list: Vec<Section>) -> Result<Vec<SectionView>, Error> {
    let mut owner_ids: Vec<i64> = list.iter().map(|s| s.owner_agency_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let mut site_ids: Vec<i64> = list.iter().map(|s| s.site_id).collect();
    site_ids.sort_unstable();
    site_ids.dedup();
    let owners = agencies::codes_by_id(conn, &owner_ids)?;
    let site_keys = sites::keys_by_id(conn, &site_ids)?;
    Ok(list
        .into_iter()
        .map(|section| SectionView {
            owner: owners
                .get(&section.owner_agency_id)
                .cloned()
                .unwrap_or_default(),
            site: site_keys.get(&section.site_id).cloned().unwrap_or_default(),
            section,
        })
        .collect())
}

pub fn section_view(conn: &mut DbConn, section: Section) -> Result<SectionView, Error> {
    let mut views = section_views(conn, vec![section])?;
    views
        .pop()
        .ok_or_else(|| Error::Internal("a section view was lost".into()))
}

/// Views of many sites with two lookups in all.
pub fn site_views(conn: &mut DbConn, list: Vec<Site>) -> Result<Vec<SiteView>, Error> {
    let owners: Vec<i64> = list.iter().map(|s| s.owner_agency_id).collect();
    let parents: Vec<i64> = list.iter().filter_map(|s| s.parent_site_id).collect();
    let owner_codes = agencies::codes_by_id(conn, &owners)?;
    let parent_keys = sites::keys_by_id(conn, &parents)?;
    Ok(list
        .into_iter()
        .map(|site| SiteView {
            owner: owner_codes
                .get(&site.owner_agency_id)
                .cloned()
                .unwrap_or_default(),
            parent: site
                .parent_site_id
                .and_then(|id| parent_keys.get(&id).cloned()),
            site,
        })
        .collect())
}

/// One page of the active sites, ordered by key.
pub fn active_sites(conn: &mut DbConn, page: &PageRequest) -> Result<Page<SiteView>, Error> {
    let page = sites::list_active(conn, page)?;
    Ok(Page {
        items: site_views(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// An active site by its key.
pub fn active_site(conn: &mut DbConn, key: &str) -> Result<SiteView, Error> {
    let site = sites::active_by_key(conn, key)?;
    site_view(conn, site)
}

/// Views of many agencies with one lookup of their parents' codes.
pub fn agency_views(conn: &mut DbConn, list: Vec<Agency>) -> Result<Vec<AgencyView>, Error> {
    let parents: Vec<i64> = list.iter().filter_map(|a| a.parent_id).collect();
    let codes = agencies::codes_by_id(conn, &parents)?;
    Ok(list
        .into_iter()
        .map(|agency| AgencyView {
            parent: agency.parent_id.and_then(|id| codes.get(&id).cloned()),
            agency,
        })
        .collect())
}

/// One page of agencies, ordered by code (inactive ones included unless filtered out).
pub fn agency_page(
    conn: &mut DbConn,
    filter: &agencies::AgencyFilter,
    page: &PageRequest,
) -> Result<Page<AgencyView>, Error> {
    let page = agencies::list(conn, filter, page)?;
    Ok(Page {
        items: agency_views(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// An agency by its code.
pub fn agency_by_code(conn: &mut DbConn, code: &str) -> Result<AgencyView, Error> {
    let agency = agencies::by_code(conn, code)?;
    agency_view(conn, agency)
}

/// A section of the tree with its subsections.
#[derive(Debug, Clone)]
pub struct SectionTree {
    pub view: SectionView,
    pub children: Vec<SectionTree>,
}

/// The visible sections of an active site, as readers see them.
#[derive(Debug, Clone)]
pub enum SiteSections {
    /// The whole tree, roots in order.
    Tree {
        site: String,
        roots: Vec<SectionTree>,
    },
    /// One flat page, in id order.
    Flat {
        site: String,
        page: Page<SectionView>,
    },
}

/// The visible sections of the active site `key`: the tree, or with `flat` one page of them.
pub fn site_sections(
    conn: &mut DbConn,
    key: &str,
    flat: Option<&PageRequest>,
) -> Result<SiteSections, Error> {
    let site = sites::active_by_key(conn, key)?;
    if let Some(page) = flat {
        let page = crate::sections::reachable_page(conn, site.id, page)?;
        return Ok(SiteSections::Flat {
            site: site.key,
            page: Page {
                items: section_views(conn, page.items)?,
                next_cursor: page.next_cursor,
            },
        });
    }
    let all = crate::sections::reachable_of_site(conn, site.id)?;
    let mut views: std::collections::HashMap<i64, SectionView> = section_views(conn, all.clone())?
        .into_iter()
        .map(|v| (v.section.id, v))
        .collect();
    fn grow(
        node: crate::SectionNode,
        views: &mut std::collections::HashMap<i64, SectionView>,
    ) -> Option<SectionTree> {
        let view = views.remove(&node.section.id)?;
        Some(SectionTree {
            view,
            children: node
                .children
                .into_iter()
                .filter_map(|c| grow(c, views))
                .collect(),
        })
    }
    let roots = crate::sections::build_tree(all)
        .into_iter()
        .filter_map(|n| grow(n, &mut views))
        .collect();
    Ok(SiteSections::Tree {
        site: site.key,
        roots,
    })
}

/// A visible section with the path down to it and its visible subsections.
#[derive(Debug, Clone)]
pub struct SectionDetail {
    pub section: SectionView,
    /// From the site's root down to the section itself.
    pub breadcrumb: Vec<Section>,
    pub subsections: Vec<SectionView>,
}

/// A section readers can reach (visible, under visible ancestors, on an active site).
pub fn visible_section(conn: &mut DbConn, id: i64) -> Result<SectionDetail, Error> {
    let (section, in_site) = crate::sections::reachable_by_id(conn, id)?;
    let breadcrumb = crate::sections::breadcrumb(&section, &in_site)
        .into_iter()
        .cloned()
        .collect();
    let mut list: Vec<Section> = in_site
        .iter()
        .filter(|s| s.parent_id == Some(section.id))
        .cloned()
        .collect();
    list.push(section);
    let mut views = section_views(conn, list)?;
    let section = views
        .pop()
        .ok_or_else(|| Error::Internal("a section view was lost".into()))?;
    Ok(SectionDetail {
        section,
        breadcrumb,
        subsections: views,
    })
}
