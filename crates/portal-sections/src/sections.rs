use std::collections::HashMap;

use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{sections, sites};
use portal_db::DbConn;

use crate::model::{Section, SectionNode};

/// The sections of a site that readers can reach: visible, under visible ancestors, on an active
/// site. Ordered by position within each parent. Sites hold tens to hundreds of sections, so the
/// whole site is read once and the ancestry walked in memory.
pub fn reachable_of_site(conn: &mut DbConn, site_id: i64) -> Result<Vec<Section>, Error> {
    let all: Vec<Section> = sections::table
        .inner_join(sites::table)
        .filter(sections::site_id.eq(site_id))
        .filter(sites::active.eq(true))
        .order((sections::position.asc(), sections::id.asc()))
        .select(Section::as_select())
        .load(conn)?;
    Ok(reachable(all))
}

/// Every section of a site, hidden ones included, for its managers.
pub fn all_of_site(conn: &mut DbConn, site_id: i64) -> Result<Vec<Section>, Error> {
    Ok(sections::table
        .filter(sections::site_id.eq(site_id))
        .order((
            sections::parent_id.asc(),
            sections::position.asc(),
            sections::id.asc(),
        ))
        .select(Section::as_select())
        .load(conn)?)
}

/// Keeps the sections whose every ancestor is visible too.
pub fn reachable(all: Vec<Section>) -> Vec<Section> {
    let parent_and_visible: HashMap<i64, (Option<i64>, bool)> = all
        .iter()
        .map(|s| (s.id, (s.parent_id, s.visible)))
        .collect();
    let is_reachable = |mut id: i64| {
        for _ in 0..=parent_and_visible.len() {
            match parent_and_visible.get(&id) {
                Some((_, false)) | None => return false,
                Some((None, true)) => return true,
                Some((Some(parent), true)) => id = *parent,
            }
        }
        false // a cycle: never shown
    };
    all.into_iter().filter(|s| is_reachable(s.id)).collect()
}

/// One page of a site's reachable sections in id order, for clients that rebuild the tree.
pub fn reachable_page(
    conn: &mut DbConn,
    site_id: i64,
    page: &PageRequest,
) -> Result<Page<Section>, Error> {
    let after = page.after_id()?.unwrap_or(i64::MIN);
    let mut rows: Vec<Section> = reachable_of_site(conn, site_id)?
        .into_iter()
        .filter(|s| s.id > after)
        .collect();
    rows.sort_by_key(|s| s.id);
    rows.truncate(page.fetch_limit() as usize);
    Ok(Page::from_rows(rows, page, |s| s.id.to_string()))
}

/// A reachable section by id, with the other reachable sections of its site (for its
/// breadcrumb and subsections). Hidden, under a hidden parent, or unknown: not found.
pub fn reachable_by_id(conn: &mut DbConn, id: i64) -> Result<(Section, Vec<Section>), Error> {
    let site_id: i64 = sections::table
        .filter(sections::id.eq(id))
        .select(sections::site_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("section", id))?;
    let in_site = reachable_of_site(conn, site_id)?;
    let section = in_site
        .iter()
        .find(|s| s.id == id)
        .cloned()
        .ok_or_else(|| Error::not_found("section", id))?;
    Ok((section, in_site))
}

/// Arranges sections into trees. A section under a hidden parent is left out with it: readers
/// never reach a branch whose root is hidden.
pub fn build_tree(sections: Vec<Section>) -> Vec<SectionNode> {
    let mut children_of: HashMap<Option<i64>, Vec<Section>> = HashMap::new();
    for section in sections {
        children_of
            .entry(section.parent_id)
            .or_default()
            .push(section);
    }
    for list in children_of.values_mut() {
        list.sort_by_key(|s| (s.position, s.id));
    }
    fn attach(
        parent: Option<i64>,
        children_of: &mut HashMap<Option<i64>, Vec<Section>>,
    ) -> Vec<SectionNode> {
        children_of
            .remove(&parent)
            .unwrap_or_default()
            .into_iter()
            .map(|section| {
                let children = attach(Some(section.id), children_of);
                SectionNode { section, children }
            })
            .collect()
    }
    attach(None, &mut children_of)
}

/// The sections from the root down to `section`, inclusive, found among `in_site`.
pub fn breadcrumb<'a>(section: &'a Section, in_site: &'a [Section]) -> Vec<&'a Section> {
    let by_id: HashMap<i64, &Section> = in_site.iter().map(|s| (s.id, s)).collect();
    let mut path = vec![section];
    let mut parent = section.parent_id;
    while let Some(step) = parent.and_then(|id| by_id.get(&id)) {
        if path.len() > in_site.len() {
            break;
        }
        path.push(step);
        parent = step.parent_id;
    }
    path.reverse();
    path
}

/// (section id, site id) of every visible section of an active site, in id order: where demo
/// content may be placed.
pub fn visible_placements(conn: &mut DbConn) -> Result<Vec<(i64, i64)>, Error> {
    use portal_db::schema::sites;
    Ok(sections::table
        .inner_join(sites::table)
        .filter(sites::active.eq(true))
        .filter(sections::visible.eq(true))
        .order(sections::id.asc())
        .select((sections::id, sites::id))
        .load(conn)?)
}

/// The sections readers may reach on active sites (all of them, or one site's): visible, under
/// visible ancestors.
pub fn reachable_on_active_sites(
    conn: &mut DbConn,
    site_id: Option<i64>,
) -> Result<Vec<Section>, Error> {
    use portal_db::schema::sites;
    let mut query = sections::table
        .inner_join(sites::table)
        .filter(sites::active.eq(true))
        .select(Section::as_select())
        .into_boxed();
    if let Some(site) = site_id {
        query = query.filter(sections::site_id.eq(site));
    }
    Ok(reachable(query.load(conn)?))
}

/// (site id, section id) of the sections an agency owns (Điều 7.2).
pub fn owned_by(conn: &mut DbConn, agency_id: i64) -> Result<Vec<(i64, i64)>, Error> {
    Ok(sections::table
        .filter(sections::owner_agency_id.eq(agency_id))
        .select((sections::site_id, sections::id))
        .load(conn)?)
}

/// (site id, section id) of each of `ids` that exists.
pub fn sites_of(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<(i64, i64)>, Error> {
    Ok(sections::table
        .filter(sections::id.eq_any(ids))
        .select((sections::site_id, sections::id))
        .load(conn)?)
}

/// The ids of a site's sections, hidden ones included.
pub fn ids_of_site(conn: &mut DbConn, site_id: i64) -> Result<Vec<i64>, Error> {
    Ok(sections::table
        .filter(sections::site_id.eq(site_id))
        .select(sections::id)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn section(id: i64, parent_id: Option<i64>, position: i32) -> Section {
        Section {
            id,
            site_id: 1,
            parent_id,
            position,
            slug: format!("s{id}"),
            name_vi: format!("Mục {id}"),
            name_en: None,
            description: None,
            owner_agency_id: 1,
            visible: true,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        }
    }

    #[test]
    fn sections_under_a_hidden_parent_are_unreachable() {
        let mut hidden = section(1, None, 0);
        hidden.visible = false;
        let kept: Vec<i64> = reachable(vec![
            hidden,
            section(2, Some(1), 0),
            section(3, Some(2), 0),
            section(4, None, 1),
        ])
        .iter()
        .map(|s| s.id)
        .collect();
        assert_eq!(kept, vec![4]);
    }

    #[test]
    fn breadcrumb_runs_from_the_root() {
        let all = vec![
            section(1, None, 0),
            section(2, Some(1), 0),
            section(3, Some(2), 0),
        ];
        let ids: Vec<i64> = breadcrumb(&all[2], &all).iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![1, 2, 3]);
    }

    #[test]
    fn tree_orders_children_by_position_and_drops_orphans_of_hidden_parents() {
        let tree = build_tree(vec![
            section(1, None, 2),
            section(2, None, 1),
            section(3, Some(1), 1),
            section(4, Some(1), 0),
            section(5, Some(99), 0),
        ]);
        let shape: Vec<(i64, Vec<i64>)> = tree
            .iter()
            .map(|n| {
                (
                    n.section.id,
                    n.children.iter().map(|c| c.section.id).collect(),
                )
            })
            .collect();
        assert_eq!(shape, vec![(2, vec![]), (1, vec![4, 3])]);
    }
}
