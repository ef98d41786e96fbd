//! Agencies: create, rename, deactivate, and the holdings a merge moves.

use super::*;

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

/// A new agency's fields with the text rules applied, ready to insert.
pub(crate) struct CheckedAgency<'a> {
    code: &'a str,
    name_vi: String,
    name_en: Option<String>,
    kind: AgencyKind,
}

/// The rules of a new agency that need no database: its code and names (Điều 6.6).
pub(crate) fn check_new_agency(new: &NewAgency) -> Result<CheckedAgency<'_>, Error> {
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
    Ok(CheckedAgency {
        code: &new.code,
        name_vi,
        name_en,
        kind: new.kind,
    })
}

/// Inserts a checked agency, active, under `parent_id`; the caller checked the parent and that
/// the code is free.
pub(crate) fn insert_agency(
    conn: &mut DbConn,
    agency: &CheckedAgency,
    parent_id: Option<i64>,
) -> Result<i64, Error> {
    let at = now();
    Ok(diesel::insert_into(agencies::table)
        .values((
            agencies::code.eq(agency.code),
            agencies::name_vi.eq(&agency.name_vi),
            agencies::name_en.eq(agency.name_en.as_deref()),
            agencies::kind.eq(agency.kind.as_str()),
            agencies::parent_id.eq(parent_id),
            agencies::active.eq(true),
            agencies::created_at.eq(at),
            agencies::updated_at.eq(at),
        ))
        .returning(agencies::id)
        .get_result(conn)?)
}

pub fn create_agency(conn: &mut DbConn, actor: &Actor, new: &NewAgency) -> Result<Agency, Error> {
    let checked = check_new_agency(new)?;
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
        let id = insert_agency(conn, &checked, parent.as_ref().map(|p| p.id))?;
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
/// An agency's names, written in one UPDATE: `None` keeps a name, `name_en: Some(None)` clears it.
#[derive(AsChangeset)]
#[diesel(table_name = agencies)]
struct AgencyNames<'a> {
    name_vi: Option<&'a str>,
    name_en: Option<Option<&'a str>>,
    updated_at: chrono::NaiveDateTime,
}

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
        diesel::update(agencies::table.filter(agencies::id.eq(before.id)))
            .set(AgencyNames {
                name_vi: name_vi.as_deref(),
                name_en: name_en.as_ref().map(|e| e.as_deref()),
                updated_at: now(),
            })
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
