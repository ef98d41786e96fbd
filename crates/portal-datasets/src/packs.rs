//! Dated rule packs (Điều 8.1: items are posted within the time limits national rules set): a
//! pack is the set of mandatory information categories a decree asks for — each filled by a
//! content type, supplied by an agency, with its time limit in working days from the event the
//! item reports and its update frequency — valid between two dates. NĐ 43/2011, NĐ 42/2022 and
//! NĐ 224/2026 are seeded (`seed/rule-packs.json`); the IT centre edits them (`types:manage`).
//! Data with their legal basis, never constants.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_auth::{Acting, Principal, Scope};
use portal_content::types::definition::FieldType;
use portal_core::{Error, FieldError};
use portal_db::schema::{rule_pack_categories, rule_packs};
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde::Deserialize;
use serde_json::json;

pub const SEEDED: &str = include_str!("../seed/rule-packs.json");
pub const MAX_CATEGORIES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = rule_packs)]
pub struct PackRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub legal_basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub default_limit_days: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = rule_pack_categories)]
pub struct Category {
    pub id: i64,
    pub pack_id: i64,
    pub position: i32,
    pub code: String,
    pub name: String,
    /// The content type whose items fill the category, or else
    pub content_type: Option<String>,
    /// the section (by its slug on the report's site) whose items do.
    pub section_slug: Option<String>,
    pub agency_code: Option<String>,
    pub event_field: Option<String>,
    pub limit_days: Option<i32>,
    pub frequency_days: Option<i32>,
    pub legal_basis: String,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub row: PackRow,
    pub categories: Vec<Category>,
}

impl Pack {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.row.valid_from <= day && self.row.valid_to.is_none_or(|to| day <= to)
    }

    /// The time limit of a category of this pack (its own, else the pack's default).
    pub fn limit_of(&self, code: &str) -> i32 {
        self.categories
            .iter()
            .find(|c| c.code == code)
            .and_then(|c| c.limit_days)
            .unwrap_or(self.row.default_limit_days)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub content_type: Option<String>,
    pub section_slug: Option<String>,
    pub agency_code: Option<String>,
    pub event_field: Option<String>,
    pub limit_days: Option<i32>,
    pub frequency_days: Option<i32>,
    pub legal_basis: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackInput {
    pub name: String,
    pub legal_basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub default_limit_days: i32,
    pub categories: Vec<CategoryInput>,
}

fn is_code(s: &str) -> bool {
    (1..=60).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn text(path: &str, value: &str, max: usize, e: &mut Vec<FieldError>) -> String {
    let mut local = Vec::new();
    let cleaned = portal_core::text::nfc(value.trim());
    if let Some(problem) = portal_core::text::human_text_problem(path, &cleaned, false) {
        local.push(problem);
    }
    if cleaned.is_empty() {
        local.push(FieldError::new(path, "required", "must not be empty"));
    } else if cleaned.chars().count() > max {
        local.push(FieldError::new(
            path,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    e.append(&mut local);
    cleaned
}

/// Every broken rule of a pack, each named by its path; the input cleaned when none.
fn check(conn: &mut DbConn, key: &str, input: &PackInput) -> Result<PackInput, Error> {
    let mut e = Vec::new();
    if !is_code(key) {
        e.push(FieldError::new(
            "key",
            "invalid_key",
            "lower-case ASCII words joined by '-'",
        ));
    }
    let mut out = input.clone();
    out.name = text("name", &input.name, 200, &mut e);
    out.legal_basis = text("legal_basis", &input.legal_basis, 500, &mut e);
    if input.valid_to.is_some_and(|to| to < input.valid_from) {
        e.push(FieldError::new(
            "valid_to",
            "before_valid_from",
            "must not be before valid_from",
        ));
    }
    if !(1..=90).contains(&input.default_limit_days) {
        e.push(FieldError::new(
            "default_limit_days",
            "out_of_range",
            "1 to 90 working days",
        ));
    }
    if input.categories.is_empty() || input.categories.len() > MAX_CATEGORIES {
        e.push(FieldError::new(
            "categories",
            "count",
            format!("1 to {MAX_CATEGORIES} categories"),
        ));
    }
    let mut codes = std::collections::HashSet::new();
    for (i, c) in input.categories.iter().enumerate() {
        let at = format!("categories[{i}]");
        if !is_code(&c.code) {
            e.push(FieldError::new(
                format!("{at}.code"),
                "invalid_code",
                "lower-case ASCII words joined by '-'",
            ));
        } else if !codes.insert(c.code.clone()) {
            e.push(FieldError::new(
                format!("{at}.code"),
                "duplicate",
                format!("'{}' is listed twice", c.code),
            ));
        }
        out.categories[i].name = text(&format!("{at}.name"), &c.name, 200, &mut e);
        out.categories[i].legal_basis =
            text(&format!("{at}.legal_basis"), &c.legal_basis, 500, &mut e);
        match (&c.content_type, &c.section_slug) {
            (Some(_), Some(_)) | (None, None) => e.push(FieldError::new(
                format!("{at}.content_type"),
                "type_or_section",
                "name either the content type or the section (section_slug) whose items fill it",
            )),
            (None, Some(slug)) => {
                if !is_code(slug) {
                    e.push(FieldError::new(
                        format!("{at}.section_slug"),
                        "invalid_slug",
                        "a section's slug",
                    ));
                }
                if c.event_field.is_some() {
                    e.push(FieldError::new(
                        format!("{at}.event_field"),
                        "needs_a_type",
                        "only the items of a content type carry an event date",
                    ));
                }
            }
            (Some(key), None) => match portal_content::types::store::get(conn, key) {
                Ok(ty) => {
                    if let Some(field) = &c.event_field {
                        let is_date = ty.definition.field(field).is_some_and(|f| {
                            matches!(f.spec.field_type, FieldType::Date | FieldType::Datetime)
                        });
                        if !is_date {
                            e.push(FieldError::new(
                                format!("{at}.event_field"),
                                "not_a_date_field",
                                format!("'{field}' is not a date or datetime field of '{key}'"),
                            ));
                        }
                    }
                }
                Err(Error::NotFound { .. }) => e.push(FieldError::new(
                    format!("{at}.content_type"),
                    "unknown_type",
                    format!("there is no content type '{key}'"),
                )),
                Err(other) => return Err(other),
            },
        }
        if let Some(code) = &c.agency_code {
            if portal_sections::agencies::find_by_code(conn, code)?.is_none() {
                e.push(FieldError::new(
                    format!("{at}.agency_code"),
                    "unknown_agency",
                    format!("there is no agency '{code}'"),
                ));
            }
        }
        if c.limit_days.is_some_and(|d| !(1..=90).contains(&d)) {
            e.push(FieldError::new(
                format!("{at}.limit_days"),
                "out_of_range",
                "1 to 90 working days",
            ));
        }
        if c.frequency_days.is_some_and(|d| !(1..=3660).contains(&d)) {
            e.push(FieldError::new(
                format!("{at}.frequency_days"),
                "out_of_range",
                "1 to 3,660 days",
            ));
        }
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(Error::Validation(e))
    }
}

fn load(conn: &mut DbConn, rows: Vec<PackRow>) -> Result<Vec<Pack>, Error> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut categories: Vec<Category> = rule_pack_categories::table
        .filter(rule_pack_categories::pack_id.eq_any(&ids))
        .order((
            rule_pack_categories::pack_id.asc(),
            rule_pack_categories::position.asc(),
        ))
        .select(Category::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest): (Vec<Category>, Vec<Category>) =
                categories.drain(..).partition(|c| c.pack_id == row.id);
            categories = rest;
            Pack {
                row,
                categories: mine,
            }
        })
        .collect())
}

/// Every pack, oldest first.
pub fn list(conn: &mut DbConn, who: &Principal) -> Result<Vec<Pack>, Error> {
    who.require(Scope::ReportsRead)?;
    all(conn)
}

fn all(conn: &mut DbConn) -> Result<Vec<Pack>, Error> {
    let rows = rule_packs::table
        .order(rule_packs::valid_from.asc())
        .select(PackRow::as_select())
        .load(conn)?;
    load(conn, rows)
}

pub fn get(conn: &mut DbConn, who: &Principal, key: &str) -> Result<Pack, Error> {
    who.require(Scope::ReportsRead)?;
    by_key(conn, key)
}

fn by_key(conn: &mut DbConn, key: &str) -> Result<Pack, Error> {
    let row = rule_packs::table
        .filter(rule_packs::key.eq(key))
        .select(PackRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("rule pack", key))?;
    Ok(load(conn, vec![row])?.remove(0))
}

/// Every pack, for the reports (which pick the one in force on each day themselves).
pub fn every(conn: &mut DbConn) -> Result<Vec<Pack>, Error> {
    all(conn)
}

/// Creates or replaces a pack, its categories whole. Two packs may not cover the same day.
pub fn put(
    conn: &mut DbConn,
    who: &Acting,
    key: &str,
    input: &PackInput,
) -> Result<(Pack, bool), Error> {
    who.principal.require(Scope::TypesManage)?;
    let input = check(conn, key, input)?;
    write_transaction(conn, |conn| {
        serialise_on(conn, "rule_packs")?;
        store(conn, &who.actor, key, &input)
    })
}

fn store(
    conn: &mut DbConn,
    actor: &portal_audit::Actor,
    key: &str,
    input: &PackInput,
) -> Result<(Pack, bool), Error> {
    let others: Vec<PackRow> = rule_packs::table
        .filter(rule_packs::key.ne(key))
        .select(PackRow::as_select())
        .load(conn)?;
    let far = NaiveDate::MAX;
    if let Some(other) = others.iter().find(|o| {
        o.valid_from <= input.valid_to.unwrap_or(far)
            && input.valid_from <= o.valid_to.unwrap_or(far)
    }) {
        return Err(Error::Conflict(format!(
            "pack '{}' already covers {} to {}: close it first (valid_to), so that each day has one pack",
            other.key,
            other.valid_from,
            other.valid_to.map_or("—".to_string(), |d| d.to_string())
        )));
    }
    let existing: Option<i64> = rule_packs::table
        .filter(rule_packs::key.eq(key))
        .select(rule_packs::id)
        .first(conn)
        .optional()?;
    let at = now();
    let id = match existing {
        Some(id) => {
            diesel::update(rule_packs::table.filter(rule_packs::id.eq(id)))
                .set((
                    rule_packs::name.eq(&input.name),
                    rule_packs::legal_basis.eq(&input.legal_basis),
                    rule_packs::valid_from.eq(input.valid_from),
                    rule_packs::valid_to.eq(input.valid_to),
                    rule_packs::default_limit_days.eq(input.default_limit_days),
                    rule_packs::updated_at.eq(at),
                ))
                .execute(conn)?;
            diesel::delete(
                rule_pack_categories::table.filter(rule_pack_categories::pack_id.eq(id)),
            )
            .execute(conn)?;
            id
        }
        None => diesel::insert_into(rule_packs::table)
            .values((
                rule_packs::key.eq(key),
                rule_packs::name.eq(&input.name),
                rule_packs::legal_basis.eq(&input.legal_basis),
                rule_packs::valid_from.eq(input.valid_from),
                rule_packs::valid_to.eq(input.valid_to),
                rule_packs::default_limit_days.eq(input.default_limit_days),
                rule_packs::created_at.eq(at),
                rule_packs::updated_at.eq(at),
            ))
            .returning(rule_packs::id)
            .get_result(conn)?,
    };
    for (i, c) in input.categories.iter().enumerate() {
        diesel::insert_into(rule_pack_categories::table)
            .values((
                rule_pack_categories::pack_id.eq(id),
                rule_pack_categories::position.eq(i as i32),
                rule_pack_categories::code.eq(&c.code),
                rule_pack_categories::name.eq(&c.name),
                rule_pack_categories::content_type.eq(c.content_type.as_deref()),
                rule_pack_categories::section_slug.eq(c.section_slug.as_deref()),
                rule_pack_categories::agency_code.eq(c.agency_code.as_deref()),
                rule_pack_categories::event_field.eq(c.event_field.as_deref()),
                rule_pack_categories::limit_days.eq(c.limit_days),
                rule_pack_categories::frequency_days.eq(c.frequency_days),
                rule_pack_categories::legal_basis.eq(&c.legal_basis),
            ))
            .execute(conn)?;
    }
    portal_audit::append(
        conn,
        actor,
        if existing.is_some() {
            "rule_packs.replace"
        } else {
            "rule_packs.create"
        },
        Some(&format!("rule_pack:{key}")),
        None,
        Some(
            &json!({"valid_from": input.valid_from, "valid_to": input.valid_to, "categories": input.categories.len(), "legal_basis": input.legal_basis}),
        ),
    )?;
    Ok((by_key(conn, key)?, existing.is_none()))
}

/// Defines the seeded packs that do not exist yet (after the seeded content types they name).
pub fn ensure(conn: &mut DbConn, actor: &portal_audit::Actor) -> Result<Vec<String>, Error> {
    let seeded: Vec<serde_json::Value> = serde_json::from_str(SEEDED)
        .map_err(|e| Error::Internal(format!("seed/rule-packs.json does not parse: {e}")))?;
    let mut added = Vec::new();
    for value in seeded {
        let key = value["key"].as_str().unwrap_or_default().to_string();
        let mut body = value.clone();
        if let Some(o) = body.as_object_mut() {
            o.remove("key");
        }
        let input: PackInput = serde_json::from_value(body)
            .map_err(|e| Error::Internal(format!("seeded pack {key}: {e}")))?;
        if rule_packs::table
            .filter(rule_packs::key.eq(&key))
            .count()
            .get_result::<i64>(conn)?
            > 0
        {
            continue;
        }
        let input = check(conn, &key, &input)?;
        write_transaction(conn, |conn| store(conn, actor, &key, &input))?;
        added.push(key);
    }
    Ok(added)
}
