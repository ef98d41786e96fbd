//! Changes to sites, agencies and sections, each one transaction with its audit event. Who may
//! make them is decided by the caller's scopes, checked before these are called.

use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::text::{is_slug, nfc, slugify};
use portal_core::{Error, FieldError, Lang};
use portal_db::schema::{agencies, sections, sites};
use portal_db::{now, write_transaction, DbConn};
use serde_json::{json, Value};

use crate::model::{Agency, AgencyKind, Section, Site};
use crate::{agencies as agency_queries, sites as site_queries};

pub const MAX_NAME_CHARS: usize = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// A name or description a person wrote: the text rules of Điều 6.6 (no control characters, no
/// legacy TCVN3/VNI text, which would also make a public slug of garbage), then its length.
fn check_name(errors: &mut Vec<FieldError>, field: &str, value: &str, required: bool) {
    let chars = value.chars().count();
    let multiline = field == "description";
    if let Some(problem) = portal_core::text::human_text_problem(field, value, multiline) {
        errors.push(problem);
    } else if required && value.trim().is_empty() {
        errors.push(FieldError::new(field, "required", "must not be empty"));
    } else if chars > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("at most {MAX_NAME_CHARS} characters, got {chars}"),
        ));
    }
}

fn clean(value: &str) -> String {
    nfc(value.trim())
}

fn clean_optional(value: Option<&str>) -> Option<String> {
    value.map(clean).filter(|v| !v.is_empty())
}

fn finish(errors: Vec<FieldError>) -> Result<(), Error> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

fn agency_json(a: &Agency, parent: Option<&str>) -> Value {
    json!({"code": a.code, "name_vi": a.name_vi, "name_en": a.name_en, "kind": a.kind, "parent": parent, "active": a.active})
}

fn site_json(s: &Site) -> Value {
    json!({"key": s.key, "name_vi": s.name_vi, "name_en": s.name_en, "base_url": s.base_url,
           "languages": s.languages, "owner_agency_id": s.owner_agency_id, "parent_site_id": s.parent_site_id, "active": s.active,
           "require_two_person_approval": s.require_two_person_approval, "review_threshold_hours": s.review_threshold_hours,
           "forwarder_may_approve": s.forwarder_may_approve})
}

fn section_json(s: &Section) -> Value {
    json!({"site_id": s.site_id, "parent_id": s.parent_id, "position": s.position, "slug": s.slug,
           "name_vi": s.name_vi, "name_en": s.name_en, "description": s.description,
           "owner_agency_id": s.owner_agency_id, "visible": s.visible})
}

/// An active agency by code, for a field that names one.
pub fn active_agency(conn: &mut DbConn, field: &str, code: &str) -> Result<Agency, Error> {
    match agency_queries::by_code(conn, code) {
        Ok(a) if a.active => Ok(a),
        Ok(_) => Err(Error::field(
            field,
            "inactive_agency",
            format!("agency '{code}' is no longer active"),
        )),
        Err(Error::NotFound { .. }) => Err(Error::field(
            field,
            "unknown_agency",
            format!("no agency has the code '{code}'"),
        )),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- agencies

pub struct NewAgency {
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub kind: AgencyKind,
    pub parent: Option<String>,
}

pub fn create_agency(conn: &mut DbConn, actor: &Actor, new: &NewAgency) -> Result<Agency, Error> {
    let name_vi = clean(&new.name_vi);
    let name_en = clean_optional(new.name_en.as_deref());
    let mut errors = Vec::new();
    if !is_slug(&new.code) || new.code.len() > 64 {
        errors.push(FieldError::new(
            "code",
            "invalid_code",
            "lower-case ASCII words joined by '-', at most 64 characters",
        ));
    }
    check_name(&mut errors, "name_vi", &name_vi, true);
    check_name(
        &mut errors,
        "name_en",
        name_en.as_deref().unwrap_or(""),
        false,
    );
    finish(errors)?;
    write_transaction(conn, |conn| {
        if agency_queries::by_code(conn, &new.code).is_ok() {
            return Err(Error::field(
                "code",
                "taken",
                format!("agency '{}' already exists", new.code),
            ));
        }
        let parent = new
            .parent
            .as_deref()
            .map(|p| active_agency(conn, "parent", p))
            .transpose()?;
        let at = now();
        let id: i64 = diesel::insert_into(agencies::table)
            .values((
                agencies::code.eq(&new.code),
                agencies::name_vi.eq(&name_vi),
                agencies::name_en.eq(name_en.as_deref()),
                agencies::kind.eq(new.kind.as_str()),
                agencies::parent_id.eq(parent.as_ref().map(|p| p.id)),
                agencies::active.eq(true),
                agencies::created_at.eq(at),
                agencies::updated_at.eq(at),
            ))
            .returning(agencies::id)
            .get_result(conn)?;
        let agency = agency_queries::by_code(conn, &new.code)?;
        let after = agency_json(&agency, new.parent.as_deref());
        portal_audit::append(
            conn,
            actor,
            "agency.create",
            Some(&format!("agency:{}", agency.code)),
            None,
            Some(&after),
        )?;
        debug_assert_eq!(agency.id, id);
        Ok(agency)
    })
}

/// Renames an agency in one or both languages; its code, and so its history, stay.
pub fn rename_agency(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    name_vi: Option<&str>,
    name_en: Option<Option<&str>>,
) -> Result<Agency, Error> {
    let name_vi = name_vi.map(clean);
    let name_en = name_en.map(clean_optional);
    let mut errors = Vec::new();
    if let Some(vi) = &name_vi {
        check_name(&mut errors, "name_vi", vi, true);
    }
    if let Some(Some(en)) = &name_en {
        check_name(&mut errors, "name_en", en, false);
    }
    if name_vi.is_none() && name_en.is_none() {
        errors.push(FieldError::new(
            "name_vi",
            "required",
            "give name_vi, name_en or both",
        ));
    }
    finish(errors)?;
    write_transaction(conn, |conn| {
        let before = agency_queries::by_code(conn, code)?;
        let target = agencies::table.filter(agencies::id.eq(before.id));
        if let Some(vi) = &name_vi {
            diesel::update(target)
                .set(agencies::name_vi.eq(vi))
                .execute(conn)?;
        }
        if let Some(en) = &name_en {
            diesel::update(target)
                .set(agencies::name_en.eq(en.as_deref()))
                .execute(conn)?;
        }
        diesel::update(target)
            .set(agencies::updated_at.eq(now()))
            .execute(conn)?;
        let after = agency_queries::by_code(conn, code)?;
        portal_audit::append(
            conn,
            actor,
            "agency.rename",
            Some(&format!("agency:{code}")),
            Some(&json!({"name_vi": before.name_vi, "name_en": before.name_en})),
            Some(&json!({"name_vi": after.name_vi, "name_en": after.name_en})),
        )?;
        Ok(after)
    })
}

/// What an agency still owns; it must be handed over before the agency can go.
pub fn holdings(conn: &mut DbConn, agency_id: i64) -> Result<(i64, i64), Error> {
    let owned_sections: i64 = sections::table
        .filter(sections::owner_agency_id.eq(agency_id))
        .count()
        .get_result(conn)?;
    let owned_sites: i64 = sites::table
        .filter(sites::owner_agency_id.eq(agency_id))
        .filter(sites::active.eq(true))
        .count()
        .get_result(conn)?;
    Ok((owned_sections, owned_sites))
}

pub fn set_agency_inactive(conn: &mut DbConn, agency_id: i64) -> Result<(), Error> {
    diesel::update(agencies::table.filter(agencies::id.eq(agency_id)))
        .set((agencies::active.eq(false), agencies::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Moves everything an agency owns to another: sections, sites, and its child agencies.
/// Returns (sections, sites, child agencies) moved. Call inside the caller's transaction.
pub fn reassign_holdings(
    conn: &mut DbConn,
    from_id: i64,
    into_id: i64,
) -> Result<(usize, usize, usize), Error> {
    let at = now();
    let moved_sections =
        diesel::update(sections::table.filter(sections::owner_agency_id.eq(from_id)))
            .set((
                sections::owner_agency_id.eq(into_id),
                sections::updated_at.eq(at),
            ))
            .execute(conn)?;
    let moved_sites = diesel::update(sites::table.filter(sites::owner_agency_id.eq(from_id)))
        .set((sites::owner_agency_id.eq(into_id), sites::updated_at.eq(at)))
        .execute(conn)?;
    let moved_children = diesel::update(agencies::table.filter(agencies::parent_id.eq(from_id)))
        .set((agencies::parent_id.eq(into_id), agencies::updated_at.eq(at)))
        .execute(conn)?;
    Ok((moved_sections, moved_sites, moved_children))
}

// ---------------------------------------------------------------- sites

pub struct NewSite {
    pub key: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub base_url: String,
    pub languages: Vec<String>,
    pub owner: String,
    pub parent: Option<String>,
}

fn check_site_fields(
    errors: &mut Vec<FieldError>,
    base_url: Option<&str>,
    languages: Option<&[String]>,
) {
    if let Some(url) = base_url {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 500
            && !url.contains(char::is_whitespace);
        if !ok {
            errors.push(FieldError::new(
                "base_url",
                "invalid_url",
                "an http(s) URL without spaces, at most 500 characters",
            ));
        }
    }
    if let Some(languages) = languages {
        if languages.is_empty() {
            errors.push(FieldError::new(
                "languages",
                "required",
                "at least one language",
            ));
        }
        if !languages.iter().any(|l| l == "vi") {
            errors.push(FieldError::new(
                "languages",
                "vietnamese_required",
                "Vietnamese is always enabled (Điều 4.3)",
            ));
        }
        for (i, l) in languages.iter().enumerate() {
            if l.parse::<Lang>().is_err() {
                errors.push(FieldError::new(
                    format!("languages[{i}]"),
                    "unsupported_language",
                    format!("'{l}' is not supported (vi, en)"),
                ));
            }
        }
    }
}

pub fn create_site(conn: &mut DbConn, actor: &Actor, new: &NewSite) -> Result<Site, Error> {
    let name_vi = clean(&new.name_vi);
    let name_en = clean_optional(new.name_en.as_deref());
    let mut errors = Vec::new();
    if !is_slug(&new.key) || new.key.len() > 64 {
        errors.push(FieldError::new(
            "key",
            "invalid_key",
            "lower-case ASCII words joined by '-', at most 64 characters",
        ));
    }
    check_name(&mut errors, "name_vi", &name_vi, true);
    check_name(
        &mut errors,
        "name_en",
        name_en.as_deref().unwrap_or(""),
        false,
    );
    check_site_fields(&mut errors, Some(&new.base_url), Some(&new.languages));
    finish(errors)?;
    write_transaction(conn, |conn| {
        let taken: i64 = sites::table
            .filter(sites::key.eq(&new.key))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(Error::field(
                "key",
                "taken",
                format!("site '{}' already exists", new.key),
            ));
        }
        let owner = active_agency(conn, "owner", &new.owner)?;
        let parent = match &new.parent {
            Some(key) => Some(
                site_queries::active_by_key(conn, key)
                    .map_err(|_| {
                        Error::field(
                            "parent",
                            "unknown_site",
                            format!("no active site has the key '{key}'"),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        let at = now();
        diesel::insert_into(sites::table)
            .values((
                sites::key.eq(&new.key),
                sites::name_vi.eq(&name_vi),
                sites::name_en.eq(name_en.as_deref()),
                sites::base_url.eq(&new.base_url),
                sites::languages.eq(new.languages.join(",")),
                sites::owner_agency_id.eq(owner.id),
                sites::parent_site_id.eq(parent),
                sites::active.eq(true),
                // On for every site from its creation (Điều 10.2; docs/workflow.md).
                sites::require_two_person_approval.eq(true),
                sites::created_at.eq(at),
                sites::updated_at.eq(at),
            ))
            .execute(conn)?;
        let site = site_queries::active_by_key(conn, &new.key)?;
        portal_audit::append(
            conn,
            actor,
            "site.create",
            Some(&format!("site:{}", site.key)),
            None,
            Some(&site_json(&site)),
        )?;
        Ok(site)
    })
}

#[derive(Debug, Clone, Default)]
pub struct SitePatch {
    pub name_vi: Option<String>,
    pub name_en: Option<Option<String>>,
    pub base_url: Option<String>,
    pub languages: Option<Vec<String>>,
    pub owner: Option<String>,
    pub require_two_person_approval: Option<bool>,
    pub review_threshold_hours: Option<i32>,
    pub forwarder_may_approve: Option<bool>,
    /// Why: required when a change weakens the separation of duties of Điều 10.2 (turning the
    /// two-person rule off, or letting the forwarder approve); kept in the audit log.
    pub reason: Option<String>,
}

/// Whether the patch weakens the board's separation of duties, which needs a stated reason.
fn weakens_review(patch: &SitePatch) -> bool {
    patch.require_two_person_approval == Some(false) || patch.forwarder_may_approve == Some(true)
}

pub fn update_site(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    patch: &SitePatch,
) -> Result<Site, Error> {
    let name_vi = patch.name_vi.as_deref().map(clean);
    let name_en = patch.name_en.as_ref().map(|e| clean_optional(e.as_deref()));
    let mut errors = Vec::new();
    if let Some(vi) = &name_vi {
        check_name(&mut errors, "name_vi", vi, true);
    }
    if let Some(Some(en)) = &name_en {
        check_name(&mut errors, "name_en", en, false);
    }
    check_site_fields(
        &mut errors,
        patch.base_url.as_deref(),
        patch.languages.as_deref(),
    );
    if patch
        .review_threshold_hours
        .is_some_and(|h| !(1..=720).contains(&h))
    {
        errors.push(FieldError::new(
            "review_threshold_hours",
            "out_of_range",
            "from 1 to 720 hours",
        ));
    }
    let reason = patch.reason.as_deref().map(clean).filter(|r| !r.is_empty());
    if let Some(r) = &reason {
        check_name(&mut errors, "reason", r, false);
    }
    if weakens_review(patch) && reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "required",
            "say why the site's board may approve its own edits (Điều 10.2); the reason is audited",
        ));
    }
    finish(errors)?;
    write_transaction(conn, |conn| {
        let before = site_queries::active_by_key(conn, key)?;
        let target = sites::table.filter(sites::id.eq(before.id));
        if let Some(may) = patch.forwarder_may_approve {
            diesel::update(target)
                .set(sites::forwarder_may_approve.eq(may))
                .execute(conn)?;
        }
        if let Some(vi) = &name_vi {
            diesel::update(target)
                .set(sites::name_vi.eq(vi))
                .execute(conn)?;
        }
        if let Some(en) = &name_en {
            diesel::update(target)
                .set(sites::name_en.eq(en.as_deref()))
                .execute(conn)?;
        }
        if let Some(url) = &patch.base_url {
            diesel::update(target)
                .set(sites::base_url.eq(url))
                .execute(conn)?;
        }
        if let Some(languages) = &patch.languages {
            diesel::update(target)
                .set(sites::languages.eq(languages.join(",")))
                .execute(conn)?;
        }
        if let Some(owner) = &patch.owner {
            let owner = active_agency(conn, "owner", owner)?;
            diesel::update(target)
                .set(sites::owner_agency_id.eq(owner.id))
                .execute(conn)?;
        }
        if let Some(two_people) = patch.require_two_person_approval {
            diesel::update(target)
                .set(sites::require_two_person_approval.eq(two_people))
                .execute(conn)?;
        }
        if let Some(hours) = patch.review_threshold_hours {
            diesel::update(target)
                .set(sites::review_threshold_hours.eq(hours))
                .execute(conn)?;
        }
        diesel::update(target)
            .set(sites::updated_at.eq(now()))
            .execute(conn)?;
        let after = site_queries::active_by_key(conn, key)?;
        let mut after_json = site_json(&after);
        after_json["reason"] = json!(reason);
        portal_audit::append(
            conn,
            actor,
            "site.update",
            Some(&format!("site:{key}")),
            Some(&site_json(&before)),
            Some(&after_json),
        )?;
        Ok(after)
    })
}

pub fn deactivate_site(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let site = site_queries::active_by_key(conn, key)?;
        if site.parent_site_id.is_none() {
            let subsites: i64 = sites::table
                .filter(sites::parent_site_id.eq(site.id))
                .filter(sites::active.eq(true))
                .count()
                .get_result(conn)?;
            if subsites > 0 {
                return Err(Error::Conflict(format!(
                    "site '{key}' still has {subsites} active sub-site(s)"
                )));
            }
        }
        diesel::update(sites::table.filter(sites::id.eq(site.id)))
            .set((sites::active.eq(false), sites::updated_at.eq(now())))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "site.deactivate",
            Some(&format!("site:{key}")),
            Some(&json!({"active": true})),
            Some(&json!({"active": false})),
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------- sections

pub fn section_by_id(conn: &mut DbConn, id: i64) -> Result<Section, Error> {
    sections::table
        .filter(sections::id.eq(id))
        .select(Section::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("section", id))
}

/// The key of the site a section belongs to: what its management scope names.
pub fn site_key_of_section(conn: &mut DbConn, id: i64) -> Result<String, Error> {
    sections::table
        .inner_join(sites::table)
        .filter(sections::id.eq(id))
        .select(sites::key)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("section", id))
}

fn slug_taken(
    conn: &mut DbConn,
    site_id: i64,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, Error> {
    let mut query = sections::table
        .filter(sections::site_id.eq(site_id))
        .filter(sections::slug.eq(slug))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(sections::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

fn siblings(conn: &mut DbConn, site_id: i64, parent_id: Option<i64>) -> Result<Vec<i64>, Error> {
    let mut query = sections::table
        .filter(sections::site_id.eq(site_id))
        .into_boxed();
    query = match parent_id {
        Some(p) => query.filter(sections::parent_id.eq(p)),
        None => query.filter(sections::parent_id.is_null()),
    };
    Ok(query
        .order((sections::position.asc(), sections::id.asc()))
        .select(sections::id)
        .load(conn)?)
}

/// Places `id` at `position` among its siblings (clamped), renumbering them 0, 1, 2, …
fn place(
    conn: &mut DbConn,
    site_id: i64,
    parent_id: Option<i64>,
    id: i64,
    position: Option<i32>,
) -> Result<(), Error> {
    let mut order: Vec<i64> = siblings(conn, site_id, parent_id)?
        .into_iter()
        .filter(|s| *s != id)
        .collect();
    let index = position.map_or(order.len(), |p| (p.max(0) as usize).min(order.len()));
    order.insert(index, id);
    for (i, section_id) in order.iter().enumerate() {
        diesel::update(sections::table.filter(sections::id.eq(section_id)))
            .set(sections::position.eq(i as i32))
            .execute(conn)?;
    }
    Ok(())
}

/// Checks that `parent_id` is a section of the same site and not `moving` or one of its
/// descendants (which would make a cycle).
fn check_parent(
    conn: &mut DbConn,
    site_id: i64,
    parent_id: i64,
    moving: Option<i64>,
) -> Result<(), Error> {
    let mut current = Some(parent_id);
    let mut steps = 0;
    while let Some(id) = current {
        let row: Option<(i64, Option<i64>)> = sections::table
            .filter(sections::id.eq(id))
            .select((sections::site_id, sections::parent_id))
            .first(conn)
            .optional()?;
        let Some((parent_site, next)) = row else {
            return Err(Error::field(
                "parent_id",
                "unknown_section",
                format!("section {parent_id} does not exist"),
            ));
        };
        if parent_site != site_id {
            return Err(Error::field(
                "parent_id",
                "other_site",
                format!("section {parent_id} is on another site"),
            ));
        }
        if Some(id) == moving {
            return Err(Error::field(
                "parent_id",
                "cycle",
                "a section cannot be moved under itself or its descendants",
            ));
        }
        current = next;
        steps += 1;
        if steps > 64 {
            return Err(Error::field(
                "parent_id",
                "too_deep",
                "the tree may be at most 64 levels deep",
            ));
        }
    }
    Ok(())
}

pub struct NewSection {
    pub slug: Option<String>,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<i64>,
    pub position: Option<i32>,
    pub owner: String,
    pub visible: bool,
}

fn check_description(errors: &mut Vec<FieldError>, description: Option<&str>) {
    if let Some(d) = description {
        let chars = d.chars().count();
        if let Some(problem) = portal_core::text::human_text_problem("description", d, true) {
            errors.push(problem);
        } else if chars > MAX_DESCRIPTION_CHARS {
            errors.push(FieldError::new(
                "description",
                "too_long",
                format!("at most {MAX_DESCRIPTION_CHARS} characters, got {chars}"),
            ));
        }
    }
}

pub fn create_section(
    conn: &mut DbConn,
    actor: &Actor,
    site_key: &str,
    new: &NewSection,
) -> Result<Section, Error> {
    let name_vi = clean(&new.name_vi);
    let name_en = clean_optional(new.name_en.as_deref());
    let description = clean_optional(new.description.as_deref());
    let mut errors = Vec::new();
    check_name(&mut errors, "name_vi", &name_vi, true);
    check_name(
        &mut errors,
        "name_en",
        name_en.as_deref().unwrap_or(""),
        false,
    );
    check_description(&mut errors, description.as_deref());
    if let Some(slug) = &new.slug {
        if !is_slug(slug) {
            errors.push(FieldError::new(
                "slug",
                "invalid_slug",
                "lower-case ASCII words joined by '-'",
            ));
        }
    } else if slugify(&name_vi).is_empty() && !name_vi.is_empty() {
        errors.push(FieldError::new(
            "slug",
            "required",
            "the name makes no slug; give one",
        ));
    }
    finish(errors)?;
    write_transaction(conn, |conn| {
        let site = site_queries::active_by_key(conn, site_key)?;
        let owner = active_agency(conn, "owner", &new.owner)?;
        if let Some(parent) = new.parent_id {
            check_parent(conn, site.id, parent, None)?;
        }
        let slug = match &new.slug {
            Some(slug) => {
                if slug_taken(conn, site.id, slug, None)? {
                    return Err(Error::field(
                        "slug",
                        "taken",
                        format!("'{slug}' is already used on site '{site_key}'"),
                    ));
                }
                slug.clone()
            }
            None => {
                let base = slugify(&name_vi);
                let mut candidate = base.clone();
                let mut n = 2;
                while slug_taken(conn, site.id, &candidate, None)? {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                candidate
            }
        };
        let at = now();
        let id: i64 = diesel::insert_into(sections::table)
            .values((
                sections::site_id.eq(site.id),
                sections::parent_id.eq(new.parent_id),
                sections::position.eq(i32::MAX),
                sections::slug.eq(&slug),
                sections::name_vi.eq(&name_vi),
                sections::name_en.eq(name_en.as_deref()),
                sections::description.eq(description.as_deref()),
                sections::owner_agency_id.eq(owner.id),
                sections::visible.eq(new.visible),
                sections::created_at.eq(at),
                sections::updated_at.eq(at),
            ))
            .returning(sections::id)
            .get_result(conn)?;
        place(conn, site.id, new.parent_id, id, new.position)?;
        let section = section_by_id(conn, id)?;
        portal_audit::append(
            conn,
            actor,
            "section.create",
            Some(&format!("section:{id}")),
            None,
            Some(&section_json(&section)),
        )?;
        Ok(section)
    })
}

#[derive(Debug, Clone, Default)]
pub struct SectionPatch {
    pub slug: Option<String>,
    pub name_vi: Option<String>,
    pub name_en: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub visible: Option<bool>,
}

/// Renames (in each language), re-slugs, describes, hides or shows a section.
pub fn update_section(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    patch: &SectionPatch,
) -> Result<Section, Error> {
    let name_vi = patch.name_vi.as_deref().map(clean);
    let name_en = patch.name_en.as_ref().map(|e| clean_optional(e.as_deref()));
    let description = patch
        .description
        .as_ref()
        .map(|d| clean_optional(d.as_deref()));
    let mut errors = Vec::new();
    if let Some(vi) = &name_vi {
        check_name(&mut errors, "name_vi", vi, true);
    }
    if let Some(Some(en)) = &name_en {
        check_name(&mut errors, "name_en", en, false);
    }
    if let Some(d) = &description {
        check_description(&mut errors, d.as_deref());
    }
    if let Some(slug) = &patch.slug {
        if !is_slug(slug) {
            errors.push(FieldError::new(
                "slug",
                "invalid_slug",
                "lower-case ASCII words joined by '-'",
            ));
        }
    }
    finish(errors)?;
    write_transaction(conn, |conn| {
        let before = section_by_id(conn, id)?;
        let target = sections::table.filter(sections::id.eq(id));
        if let Some(slug) = &patch.slug {
            if slug_taken(conn, before.site_id, slug, Some(id))? {
                return Err(Error::field(
                    "slug",
                    "taken",
                    format!("'{slug}' is already used on this site"),
                ));
            }
            diesel::update(target)
                .set(sections::slug.eq(slug))
                .execute(conn)?;
        }
        if let Some(vi) = &name_vi {
            diesel::update(target)
                .set(sections::name_vi.eq(vi))
                .execute(conn)?;
        }
        if let Some(en) = &name_en {
            diesel::update(target)
                .set(sections::name_en.eq(en.as_deref()))
                .execute(conn)?;
        }
        if let Some(d) = &description {
            diesel::update(target)
                .set(sections::description.eq(d.as_deref()))
                .execute(conn)?;
        }
        if let Some(visible) = patch.visible {
            diesel::update(target)
                .set(sections::visible.eq(visible))
                .execute(conn)?;
        }
        diesel::update(target)
            .set(sections::updated_at.eq(now()))
            .execute(conn)?;
        let after = section_by_id(conn, id)?;
        portal_audit::append(
            conn,
            actor,
            "section.update",
            Some(&format!("section:{id}")),
            Some(&section_json(&before)),
            Some(&section_json(&after)),
        )?;
        Ok(after)
    })
}

/// Moves a section under another parent (None: to the top level) and/or to a position among
/// its siblings. Refuses cycles and other sites' parents.
pub fn move_section(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    parent_id: Option<Option<i64>>,
    position: Option<i32>,
) -> Result<Section, Error> {
    write_transaction(conn, |conn| {
        let before = section_by_id(conn, id)?;
        let new_parent = parent_id.unwrap_or(before.parent_id);
        if let Some(parent) = new_parent {
            check_parent(conn, before.site_id, parent, Some(id))?;
        }
        diesel::update(sections::table.filter(sections::id.eq(id)))
            .set((
                sections::parent_id.eq(new_parent),
                sections::updated_at.eq(now()),
            ))
            .execute(conn)?;
        place(conn, before.site_id, new_parent, id, position)?;
        if new_parent != before.parent_id {
            // Close the gap left among the old siblings.
            let old: Vec<i64> = siblings(conn, before.site_id, before.parent_id)?;
            for (i, sibling) in old.iter().enumerate() {
                diesel::update(sections::table.filter(sections::id.eq(sibling)))
                    .set(sections::position.eq(i as i32))
                    .execute(conn)?;
            }
        }
        let after = section_by_id(conn, id)?;
        portal_audit::append(
            conn,
            actor,
            "section.move",
            Some(&format!("section:{id}")),
            Some(&section_json(&before)),
            Some(&section_json(&after)),
        )?;
        Ok(after)
    })
}

/// Hands a section to another (active) agency: from the next token refresh its staff may post
/// into it and the old owner's may not (Điều 7.2).
pub fn transfer_section(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    owner: &str,
) -> Result<Section, Error> {
    write_transaction(conn, |conn| {
        let before = section_by_id(conn, id)?;
        let owner = active_agency(conn, "owner", owner)?;
        diesel::update(sections::table.filter(sections::id.eq(id)))
            .set((
                sections::owner_agency_id.eq(owner.id),
                sections::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let after = section_by_id(conn, id)?;
        let old_owner = agency_queries::codes_by_id(conn, &[before.owner_agency_id])?
            .remove(&before.owner_agency_id)
            .unwrap_or_default();
        portal_audit::append(
            conn,
            actor,
            "section.transfer",
            Some(&format!("section:{id}")),
            Some(&json!({"owner": old_owner})),
            Some(&json!({"owner": owner.code})),
        )?;
        Ok(after)
    })
}

/// Deletes a section that has no child sections. (Content in it will block this too once the
/// content crate exists.)
pub fn delete_section(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let section = section_by_id(conn, id)?;
        let children: i64 = sections::table
            .filter(sections::parent_id.eq(id))
            .count()
            .get_result(conn)?;
        if children > 0 {
            return Err(Error::Conflict(format!(
                "section {id} still has {children} child section(s); move or delete them first"
            )));
        }
        diesel::delete(sections::table.filter(sections::id.eq(id))).execute(conn)?;
        let rest = siblings(conn, section.site_id, section.parent_id)?;
        for (i, sibling) in rest.iter().enumerate() {
            diesel::update(sections::table.filter(sections::id.eq(sibling)))
                .set(sections::position.eq(i as i32))
                .execute(conn)?;
        }
        portal_audit::append(
            conn,
            actor,
            "section.delete",
            Some(&format!("section:{id}")),
            Some(&section_json(&section)),
            None,
        )?;
        Ok(())
    })
}
