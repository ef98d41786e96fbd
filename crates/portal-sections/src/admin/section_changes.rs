//! Sections: the tree of a site, each owned by an agency (Điều 7.2).

use super::*;

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

pub(super) fn slug_taken(
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

pub(super) fn siblings(
    conn: &mut DbConn,
    site_id: i64,
    parent_id: Option<i64>,
) -> Result<Vec<i64>, Error> {
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
pub(super) fn place(
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
pub(super) fn check_parent(
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

pub(super) fn check_description(errors: &mut Vec<FieldError>, description: Option<&str>) {
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

/// A new section's fields with the text rules applied, ready to insert.
pub(crate) struct CheckedSection<'a> {
    slug: Option<&'a str>,
    name_vi: String,
    name_en: Option<String>,
    description: Option<String>,
    visible: bool,
}

/// The rules of a new section that need no database: names, description and slug (Điều 6.6).
pub(crate) fn check_new_section(new: &NewSection) -> Result<CheckedSection<'_>, Error> {
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
    Ok(CheckedSection {
        slug: new.slug.as_deref(),
        name_vi,
        name_en,
        description,
        visible: new.visible,
    })
}

/// The slug a new section gets on a site: the one given, refused when taken, or one made from
/// its Vietnamese name, numbered until free.
pub(crate) fn free_slug(
    conn: &mut DbConn,
    site_id: i64,
    site_key: &str,
    section: &CheckedSection,
) -> Result<String, Error> {
    if let Some(slug) = section.slug {
        if slug_taken(conn, site_id, slug, None)? {
            return Err(Error::field(
                "slug",
                "taken",
                format!("'{slug}' is already used on site '{site_key}'"),
            ));
        }
        return Ok(slug.to_string());
    }
    let base = slugify(&section.name_vi);
    let mut candidate = base.clone();
    let mut n = 2;
    while slug_taken(conn, site_id, &candidate, None)? {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

/// Where a new section goes: its site, parent, position among its siblings, owner and slug.
pub(crate) struct Placement<'a> {
    pub site_id: i64,
    pub parent_id: Option<i64>,
    pub position: i32,
    pub owner_id: i64,
    pub slug: &'a str,
}

/// Inserts a checked section at its placement; the caller checked the parent, owner and slug.
pub(crate) fn insert_section(
    conn: &mut DbConn,
    section: &CheckedSection,
    at_place: &Placement,
) -> Result<i64, Error> {
    let at = now();
    Ok(diesel::insert_into(sections::table)
        .values((
            sections::site_id.eq(at_place.site_id),
            sections::parent_id.eq(at_place.parent_id),
            sections::position.eq(at_place.position),
            sections::slug.eq(at_place.slug),
            sections::name_vi.eq(&section.name_vi),
            sections::name_en.eq(section.name_en.as_deref()),
            sections::description.eq(section.description.as_deref()),
            sections::owner_agency_id.eq(at_place.owner_id),
            sections::visible.eq(section.visible),
            sections::created_at.eq(at),
            sections::updated_at.eq(at),
        ))
        .returning(sections::id)
        .get_result(conn)?)
}

pub fn create_section(
    conn: &mut DbConn,
    actor: &Actor,
    site_key: &str,
    new: &NewSection,
) -> Result<Section, Error> {
    let checked = check_new_section(new)?;
    write_transaction(conn, |conn| {
        let site = site_queries::active_by_key(conn, site_key)?;
        let owner = active_agency(conn, "owner", &new.owner)?;
        if let Some(parent) = new.parent_id {
            check_parent(conn, site.id, parent, None)?;
        }
        let slug = free_slug(conn, site.id, site_key, &checked)?;
        let placement = Placement {
            site_id: site.id,
            parent_id: new.parent_id,
            // Last for now; `place` then puts it where it was asked and renumbers.
            position: i32::MAX,
            owner_id: owner.id,
            slug: &slug,
        };
        let id = insert_section(conn, &checked, &placement)?;
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
/// The columns a section patch may change, written in one UPDATE: `None` keeps a value,
/// `Some(None)` clears an optional one.
#[derive(AsChangeset)]
#[diesel(table_name = sections)]
struct SectionChangeset<'a> {
    slug: Option<&'a str>,
    name_vi: Option<&'a str>,
    name_en: Option<Option<&'a str>>,
    description: Option<Option<&'a str>>,
    visible: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

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
        if let Some(slug) = &patch.slug {
            if slug_taken(conn, before.site_id, slug, Some(id))? {
                return Err(Error::field(
                    "slug",
                    "taken",
                    format!("'{slug}' is already used on this site"),
                ));
            }
        }
        diesel::update(sections::table.filter(sections::id.eq(id)))
            .set(SectionChangeset {
                slug: patch.slug.as_deref(),
                name_vi: name_vi.as_deref(),
                name_en: name_en.as_ref().map(|e| e.as_deref()),
                description: description.as_ref().map(|d| d.as_deref()),
                visible: patch.visible,
                updated_at: now(),
            })
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
