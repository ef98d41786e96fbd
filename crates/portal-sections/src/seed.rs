//! The province's starting data (agencies, sites, section tree), kept as a JSON file in the
//! repository and embedded in the binary. Loading is idempotent: what already exists (by agency
//! code, site key, section slug within its site) is left as it is, so edits made since survive.

use std::collections::HashMap;

use diesel::prelude::*;
use portal_core::text::{is_slug, nfc};
use portal_core::Error;
use portal_db::schema::{agencies, sections, sites};
use portal_db::{now, DbConn};
use serde::Deserialize;

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

fn load_in_transaction(conn: &mut DbConn, file: &SeedFile) -> Result<SeedReport, Error> {
    let mut report = SeedReport::default();
    let mut agency_ids: HashMap<String, i64> = agencies::table
        .select((agencies::code, agencies::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let at = now();

    for agency in &file.agencies {
        if agency_ids.contains_key(&agency.code) {
            continue;
        }
        let parent_id = match &agency.parent {
            Some(code) => Some(lookup(&agency_ids, code, &agency.code)?),
            None => None,
        };
        let id: i64 = diesel::insert_into(agencies::table)
            .values((
                agencies::code.eq(&agency.code),
                agencies::name_vi.eq(nfc(&agency.name_vi)),
                agencies::name_en.eq(agency.name_en.as_deref().map(nfc)),
                agencies::kind.eq(agency.kind.as_str()),
                agencies::parent_id.eq(parent_id),
                agencies::active.eq(true),
                agencies::created_at.eq(at),
                agencies::updated_at.eq(at),
            ))
            .returning(agencies::id)
            .get_result(conn)?;
        agency_ids.insert(agency.code.clone(), id);
        report.agencies_added += 1;
    }

    let mut site_ids: HashMap<String, i64> = sites::table
        .select((sites::key, sites::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    for site in &file.sites {
        let site_id = match site_ids.get(&site.key) {
            Some(id) => *id,
            None => {
                if !is_slug(&site.key) {
                    return Err(Error::field(
                        "sites.key",
                        "invalid_slug",
                        format!("'{}' is not a slug", site.key),
                    ));
                }
                let owner = lookup(&agency_ids, &site.owner, &site.key)?;
                let parent_site_id = match &site.parent {
                    Some(key) => Some(*site_ids.get(key).ok_or_else(|| {
                        Error::field(
                            "sites.parent",
                            "unknown_site",
                            format!("site '{}' names unknown parent '{key}'", site.key),
                        )
                    })?),
                    None => None,
                };
                let id: i64 = diesel::insert_into(sites::table)
                    .values((
                        sites::key.eq(&site.key),
                        sites::name_vi.eq(nfc(&site.name_vi)),
                        sites::name_en.eq(site.name_en.as_deref().map(nfc)),
                        sites::base_url.eq(&site.base_url),
                        sites::languages.eq(site.languages.join(",")),
                        sites::owner_agency_id.eq(owner),
                        sites::parent_site_id.eq(parent_site_id),
                        // Điều 10: the main portal's chief editor approves what others edited.
                        sites::require_two_person_approval.eq(true),
                        sites::active.eq(true),
                        sites::created_at.eq(at),
                        sites::updated_at.eq(at),
                    ))
                    .returning(sites::id)
                    .get_result(conn)?;
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
        load_sections(
            conn,
            site_id,
            None,
            &site.sections,
            &agency_ids,
            &mut existing,
            &mut report,
        )?;
    }
    Ok(report)
}

fn load_sections(
    conn: &mut DbConn,
    site_id: i64,
    parent_id: Option<i64>,
    list: &[SeedSection],
    agency_ids: &HashMap<String, i64>,
    existing: &mut HashMap<String, i64>,
    report: &mut SeedReport,
) -> Result<(), Error> {
    let at = now();
    for (position, section) in list.iter().enumerate() {
        let id = match existing.get(&section.slug) {
            Some(id) => *id,
            None => {
                if !is_slug(&section.slug) {
                    return Err(Error::field(
                        "sections.slug",
                        "invalid_slug",
                        format!("'{}' is not a slug", section.slug),
                    ));
                }
                let owner = lookup(agency_ids, &section.owner, &section.slug)?;
                let id: i64 = diesel::insert_into(sections::table)
                    .values((
                        sections::site_id.eq(site_id),
                        sections::parent_id.eq(parent_id),
                        sections::position.eq(position as i32),
                        sections::slug.eq(&section.slug),
                        sections::name_vi.eq(nfc(&section.name_vi)),
                        sections::name_en.eq(section.name_en.as_deref().map(nfc)),
                        sections::description.eq(section.description.as_deref().map(nfc)),
                        sections::owner_agency_id.eq(owner),
                        sections::visible.eq(true),
                        sections::created_at.eq(at),
                        sections::updated_at.eq(at),
                    ))
                    .returning(sections::id)
                    .get_result(conn)?;
                existing.insert(section.slug.clone(), id);
                report.sections_added += 1;
                id
            }
        };
        load_sections(
            conn,
            site_id,
            Some(id),
            &section.children,
            agency_ids,
            existing,
            report,
        )?;
    }
    Ok(())
}

fn lookup(ids: &HashMap<String, i64>, code: &str, referrer: &str) -> Result<i64, Error> {
    ids.get(code).copied().ok_or_else(|| {
        Error::field(
            "agency",
            "unknown_agency",
            format!("'{referrer}' names agency '{code}', which the seed does not define before it"),
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
