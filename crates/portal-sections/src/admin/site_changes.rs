//! Sites: the main portal and its sub-sites, with their review settings (Điều 8.2, 10.2, 22.2).

use super::*;

pub struct NewSite {
    pub key: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub base_url: String,
    pub languages: Vec<String>,
    pub owner: String,
    pub parent: Option<String>,
}

pub(super) fn check_site_fields(
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

/// A new site's fields with the text and URL rules applied, ready to insert.
pub(crate) struct CheckedSite<'a> {
    key: &'a str,
    name_vi: String,
    name_en: Option<String>,
    base_url: &'a str,
    languages: String,
}

/// The rules of a new site that need no database: key, names, address and languages.
pub(crate) fn check_new_site(new: &NewSite) -> Result<CheckedSite<'_>, Error> {
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
    Ok(CheckedSite {
        key: &new.key,
        name_vi,
        name_en,
        base_url: &new.base_url,
        languages: new.languages.join(","),
    })
}

/// Inserts a checked site, active, owned by `owner_id` under `parent_site_id`; the caller
/// checked both and that the key is free.
pub(crate) fn insert_site(
    conn: &mut DbConn,
    site: &CheckedSite,
    owner_id: i64,
    parent_site_id: Option<i64>,
) -> Result<i64, Error> {
    let at = now();
    Ok(diesel::insert_into(sites::table)
        .values((
            sites::key.eq(site.key),
            sites::name_vi.eq(&site.name_vi),
            sites::name_en.eq(site.name_en.as_deref()),
            sites::base_url.eq(site.base_url),
            sites::languages.eq(&site.languages),
            sites::owner_agency_id.eq(owner_id),
            sites::parent_site_id.eq(parent_site_id),
            sites::active.eq(true),
            // On for every site from its creation (Điều 10.2; docs/workflow.md).
            sites::require_two_person_approval.eq(true),
            sites::created_at.eq(at),
            sites::updated_at.eq(at),
        ))
        .returning(sites::id)
        .get_result(conn)?)
}

pub fn create_site(conn: &mut DbConn, actor: &Actor, new: &NewSite) -> Result<Site, Error> {
    let checked = check_new_site(new)?;
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
        insert_site(conn, &checked, owner.id, parent)?;
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
pub(super) fn weakens_review(patch: &SitePatch) -> bool {
    patch.require_two_person_approval == Some(false) || patch.forwarder_may_approve == Some(true)
}

/// The columns a site patch may change, written in one UPDATE: a field left out of the patch is
/// `None` and keeps its value; `name_en: Some(None)` clears the English name.
#[derive(AsChangeset)]
#[diesel(table_name = sites)]
struct SiteChangeset<'a> {
    name_vi: Option<&'a str>,
    name_en: Option<Option<&'a str>>,
    base_url: Option<&'a str>,
    languages: Option<&'a str>,
    owner_agency_id: Option<i64>,
    require_two_person_approval: Option<bool>,
    forwarder_may_approve: Option<bool>,
    review_threshold_hours: Option<i32>,
    updated_at: chrono::NaiveDateTime,
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
        let owner_agency_id = match &patch.owner {
            Some(owner) => Some(active_agency(conn, "owner", owner)?.id),
            None => None,
        };
        let languages = patch.languages.as_ref().map(|l| l.join(","));
        diesel::update(sites::table.filter(sites::id.eq(before.id)))
            .set(SiteChangeset {
                name_vi: name_vi.as_deref(),
                name_en: name_en.as_ref().map(|e| e.as_deref()),
                base_url: patch.base_url.as_deref(),
                languages: languages.as_deref(),
                owner_agency_id,
                require_two_person_approval: patch.require_two_person_approval,
                forwarder_may_approve: patch.forwarder_may_approve,
                review_threshold_hours: patch.review_threshold_hours,
                updated_at: now(),
            })
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
