//! The province's starting data (agencies, sites, section tree), kept as a JSON file in the
//! repository and embedded in the binary. Loading is idempotent: what already exists (by agency
//! code, site key, section slug within its site) is left as it is, so edits made since survive.

use std::collections::HashMap;

use diesel::prelude::*;
use portal_core::{Error, FieldError};
use portal_db::schema::{agencies, sections, sites};
use portal_db::DbConn;
use serde::Deserialize;

use crate::admin::{
    check_new_agency, check_new_section, check_new_site, free_slug, insert_agency, insert_section,
    insert_site, NewAgency, NewSection, NewSite, Placement,
};
use crate::model::AgencyKind;

/// Quảng Nam as the 2021 regulation describes it (Quyết định 3069/QĐ-UBND).
pub const QUANG_NAM: &str = include_str!("../seed/quang-nam.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    pub agencies: Vec<SeedAgency>,
    pub sites: Vec<SeedSite>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAgency {
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub kind: AgencyKind,
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSite {
    pub key: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub base_url: String,
    pub languages: Vec<String>,
    pub owner: String,
    /// The portal a sub-site hangs under; absent for the main portal.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub sections: Vec<SeedSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSection {
    pub slug: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub owner: String,
    #[serde(default)]
    pub children: Vec<SeedSection>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub agencies_added: usize,
    pub sites_added: usize,
    pub sections_added: usize,
}

pub fn parse(json: &str) -> Result<SeedFile, Error> {
    serde_json::from_str(json).map_err(|e| Error::field("seed", "invalid_seed", e.to_string()))
}

/// Loads a seed file in one transaction: either all of it is added, or nothing.
pub fn load(conn: &mut DbConn, file: &SeedFile) -> Result<SeedReport, Error> {
    conn.transaction(|conn| load_in_transaction(conn, file))
}

/// Whether the database has no site yet: the server seeds on its first start only.
pub fn is_empty(conn: &mut DbConn) -> Result<bool, Error> {
    let count: i64 = sites::table.count().get_result(conn)?;
    Ok(count == 0)
}

/// Every row goes through the same rules as the admin commands (`check_new_*`, the text rules of
/// Điều 6.6) and the same inserts; a broken rule names its place in the file, e.g.
/// `sites[0].sections[3].children[1].name_vi`. The seed writes no audit event per row: it is the
/// installation's starting data, not a person's change.
fn load_in_transaction(conn: &mut DbConn, file: &SeedFile) -> Result<SeedReport, Error> {
    let mut report = SeedReport::default();
    let mut agency_ids: HashMap<String, i64> = agencies::table
        .select((agencies::code, agencies::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();

    for (i, agency) in file.agencies.iter().enumerate() {
        if agency_ids.contains_key(&agency.code) {
            continue;
        }
        let path = format!("agencies[{i}]");
        let new = NewAgency {
            code: agency.code.clone(),
            name_vi: agency.name_vi.clone(),
            name_en: agency.name_en.clone(),
            kind: agency.kind,
            parent: agency.parent.clone(),
        };
        let checked = check_new_agency(&new).map_err(|e| within(&path, e))?;
        let parent_id = match &agency.parent {
            Some(code) => Some(lookup(&agency_ids, code, &format!("{path}.parent"))?),
            None => None,
        };
        let id = insert_agency(conn, &checked, parent_id)?;
        agency_ids.insert(agency.code.clone(), id);
        report.agencies_added += 1;
    }

    let mut site_ids: HashMap<String, i64> = sites::table
        .select((sites::key, sites::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    for (i, site) in file.sites.iter().enumerate() {
        let path = format!("sites[{i}]");
        let site_id = match site_ids.get(&site.key) {
            Some(id) => *id,
            None => {
                let new = NewSite {
                    key: site.key.clone(),
                    name_vi: site.name_vi.clone(),
                    name_en: site.name_en.clone(),
                    base_url: site.base_url.clone(),
                    languages: site.languages.clone(),
                    owner: site.owner.clone(),
                    parent: site.parent.clone(),
                };
                let checked = check_new_site(&new).map_err(|e| within(&path, e))?;
                let owner = lookup(&agency_ids, &site.owner, &format!("{path}.owner"))?;
                let parent_site_id = match &site.parent {
                    Some(key) => Some(*site_ids.get(key).ok_or_else(|| {
                        Error::field(
                            format!("{path}.parent"),
                            "unknown_site",
                            format!("names site '{key}', which the seed does not define before it"),
                        )
                    })?),
                    None => None,
                };
                let id = insert_site(conn, &checked, owner, parent_site_id)?;
                site_ids.insert(site.key.clone(), id);
                report.sites_added += 1;
                id
            }
        };
        let mut existing: HashMap<String, i64> = sections::table
            .filter(sections::site_id.eq(site_id))
            .select((sections::slug, sections::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect();
        let mut place = SeedPlace {
            site_id,
            site_key: &site.key,
            agency_ids: &agency_ids,
            existing: &mut existing,
            report: &mut report,
        };
        load_sections(conn, &mut place, None, &site.sections, &path)?;
    }
    Ok(report)
}

/// What loading one site's sections needs to know and counts.
struct SeedPlace<'a> {
    site_id: i64,
    site_key: &'a str,
    agency_ids: &'a HashMap<String, i64>,
    /// The site's sections by slug: those already there are kept, not added again.
    existing: &'a mut HashMap<String, i64>,
    report: &'a mut SeedReport,
}

fn load_sections(
    conn: &mut DbConn,
    place: &mut SeedPlace,
    parent_id: Option<i64>,
    list: &[SeedSection],
    parent_path: &str,
) -> Result<(), Error> {
    let field = if parent_id.is_none() {
        "sections"
    } else {
        "children"
    };
    for (position, section) in list.iter().enumerate() {
        let path = format!("{parent_path}.{field}[{position}]");
        let id = match place.existing.get(&section.slug) {
            Some(id) => *id,
            None => {
                let new = NewSection {
                    // The seed names every slug: the public addresses it promises stay as written.
                    slug: Some(section.slug.clone()),
                    name_vi: section.name_vi.clone(),
                    name_en: section.name_en.clone(),
                    description: section.description.clone(),
                    parent_id,
                    position: None,
                    owner: section.owner.clone(),
                    visible: true,
                };
                let checked = check_new_section(&new).map_err(|e| within(&path, e))?;
                let owner_id = lookup(place.agency_ids, &section.owner, &format!("{path}.owner"))?;
                let slug = free_slug(conn, place.site_id, place.site_key, &checked)
                    .map_err(|e| within(&path, e))?;
                let placement = Placement {
                    site_id: place.site_id,
                    parent_id,
                    position: i32::try_from(position).unwrap_or(i32::MAX),
                    owner_id,
                    slug: &slug,
                };
                let id = insert_section(conn, &checked, &placement)?;
                place.existing.insert(section.slug.clone(), id);
                place.report.sections_added += 1;
                id
            }
        };
        load_sections(conn, place, Some(id), &section.children, &path)?;
    }
    Ok(())
}

/// A domain error of one seed row, its fields named by where the row sits in the file.
fn within(path: &str, error: Error) -> Error {
    match error {
        Error::Validation(errors) => Error::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: format!("{path}.{}", e.field),
                    ..e
                })
                .collect(),
        ),
        other => other,
    }
}

fn lookup(ids: &HashMap<String, i64>, code: &str, field: &str) -> Result<i64, Error> {
    ids.get(code).copied().ok_or_else(|| {
        Error::field(
            field,
            "unknown_agency",
            format!("names agency '{code}', which the seed does not define before it"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization_check::is_nfc;

    mod unicode_normalization_check {
        pub fn is_nfc(text: &str) -> bool {
            portal_core::text::nfc(text) == text
        }
    }

    fn count_sections(list: &[SeedSection]) -> usize {
        list.iter().map(|s| 1 + count_sections(&s.children)).sum()
    }

    #[test]
    fn quang_nam_seed_is_complete_and_nfc() {
        assert!(
            is_nfc(QUANG_NAM),
            "the seed file must be stored in NFC (TCVN 6909:2001, Điều 6.6)"
        );
        let seed = parse(QUANG_NAM).expect("seed parses");
        // Điều 7.2 and 14–21 name 15 provincial bodies; 2021 had 18 district-level units.
        assert_eq!(seed.agencies.len(), 33);
        let districts = seed
            .agencies
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    AgencyKind::City | AgencyKind::Town | AgencyKind::District
                )
            })
            .count();
        assert_eq!(districts, 18);
        assert_eq!(seed.sites[0].key, "quang-nam");
        assert_eq!(seed.sites.len(), 3, "the main portal and two sub-sites");
        assert!(count_sections(&seed.sites[0].sections) >= 25);
    }
}
