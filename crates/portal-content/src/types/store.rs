//! Content types and their versions: defined and changed by an operator (`types:manage`), read
//! by everyone. A change is a new version; an earlier version is never rewritten, because the
//! items written with it keep it until they are migrated (`migrate`).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_auth::{Acting, Scope};
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{content_items, content_type_versions, content_types};
use portal_db::{now, write_transaction, DbConn};
use serde_json::{json, Value};

use super::definition::{check, is_type_key, Definition};
use crate::text::clean_optional;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = content_types)]
pub struct TypeRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    pub current_version: i32,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A type with one of its versions (the current one unless asked otherwise).
#[derive(Debug, Clone)]
pub struct TypeView {
    pub row: TypeRow,
    pub version: i32,
    pub definition: Definition,
    pub note: Option<String>,
    pub version_created_at: NaiveDateTime,
}

/// What an operator gives to define a type, or a new version of it.
#[derive(Debug, Clone)]
pub struct TypeInput {
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    /// The article the type serves (`Điều 7.2.c; NĐ 42/2022, Điều 10`).
    pub legal_basis: Option<String>,
    pub definition: Definition,
    pub note: Option<String>,
    /// Fields this version removes although items still hold data in them: the explicit
    /// consent that `new_version` otherwise refuses without.
    pub drop_fields: Vec<String>,
}

struct Cleaned {
    name: String,
    name_en: Option<String>,
    description: Option<String>,
    legal_basis: Option<String>,
    definition: Definition,
    note: Option<String>,
}

fn clean_input(input: &TypeInput) -> Result<Cleaned, Error> {
    let mut e: Vec<FieldError> = Vec::new();
    let name = crate::text::clean("name", &input.name, 200, false, &mut e);
    if name.is_empty() && !e.iter().any(|x| x.field == "name") {
        e.push(FieldError::new("name", "required", "must not be empty"));
    }
    let name_en = clean_optional("name_en", input.name_en.as_deref(), 200, false, &mut e);
    let description = clean_optional(
        "description",
        input.description.as_deref(),
        2_000,
        true,
        &mut e,
    );
    let legal_basis = clean_optional(
        "legal_basis",
        input.legal_basis.as_deref(),
        500,
        false,
        &mut e,
    );
    let note = clean_optional("note", input.note.as_deref(), 1_000, true, &mut e);
    let definition = match check(&input.definition) {
        Ok(d) => Some(d),
        Err(mut more) => {
            e.append(&mut more);
            None
        }
    };
    match definition {
        Some(definition) if e.is_empty() => Ok(Cleaned {
            name,
            name_en,
            description,
            legal_basis,
            definition,
            note,
        }),
        _ => Err(Error::Validation(e)),
    }
}

fn row(conn: &mut DbConn, key: &str) -> Result<TypeRow, Error> {
    content_types::table
        .filter(content_types::key.eq(key))
        .select(TypeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("content type", key))
}

fn view(conn: &mut DbConn, row: TypeRow, version: i32) -> Result<TypeView, Error> {
    let (definition, note, at): (String, Option<String>, NaiveDateTime) =
        content_type_versions::table
            .filter(content_type_versions::type_id.eq(row.id))
            .filter(content_type_versions::version.eq(version))
            .select((
                content_type_versions::definition,
                content_type_versions::note,
                content_type_versions::created_at,
            ))
            .first(conn)
            .optional()?
            .ok_or_else(|| {
                Error::not_found("content type version", format!("{}@{version}", row.key))
            })?;
    let definition = serde_json::from_str(&definition)
        .map_err(|e| Error::Internal(format!("stored type {} does not parse: {e}", row.key)))?;
    Ok(TypeView {
        row,
        version,
        definition,
        note,
        version_created_at: at,
    })
}

/// A type with its current version.
pub fn get(conn: &mut DbConn, key: &str) -> Result<TypeView, Error> {
    let r = row(conn, key)?;
    let v = r.current_version;
    view(conn, r, v)
}

/// A type with one of its versions.
pub fn get_version(conn: &mut DbConn, key: &str, version: i32) -> Result<TypeView, Error> {
    let r = row(conn, key)?;
    view(conn, r, version)
}

/// Every type, by key, with its current version.
pub fn list(conn: &mut DbConn, page: &PageRequest) -> Result<Page<TypeView>, Error> {
    let mut query = content_types::table
        .select(TypeRow::as_select())
        .order(content_types::key.asc())
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(content_types::key.gt(after.clone()));
    }
    let rows = query.load(conn)?;
    let page = Page::from_rows(rows, page, |r| r.key.clone());
    let mut items = Vec::with_capacity(page.items.len());
    for r in page.items {
        let v = r.current_version;
        items.push(view(conn, r, v)?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// One version of a type in its history.
#[derive(Debug, Clone)]
pub struct VersionSummary {
    pub version: i32,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    /// Live items still written with it.
    pub items: i64,
}

/// Every version of a type, newest first.
pub fn versions(conn: &mut DbConn, key: &str) -> Result<Vec<VersionSummary>, Error> {
    let r = row(conn, key)?;
    let rows: Vec<(i32, Option<String>, NaiveDateTime)> = content_type_versions::table
        .filter(content_type_versions::type_id.eq(r.id))
        .order(content_type_versions::version.desc())
        .select((
            content_type_versions::version,
            content_type_versions::note,
            content_type_versions::created_at,
        ))
        .load(conn)?;
    let counts: Vec<(Option<i32>, i64)> = content_items::table
        .filter(content_items::content_type.eq(key))
        .filter(content_items::deleted_at.is_null())
        .group_by(content_items::type_version)
        .select((content_items::type_version, diesel::dsl::count_star()))
        .load(conn)?;
    let counts: BTreeMap<i32, i64> = counts
        .into_iter()
        .filter_map(|(v, n)| v.map(|v| (v, n)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(version, note, created_at)| VersionSummary {
            version,
            note,
            created_at,
            items: counts.get(&version).copied().unwrap_or(0),
        })
        .collect())
}

fn insert_version(
    conn: &mut DbConn,
    type_id: i64,
    version: i32,
    c: &Cleaned,
    dropped: &[String],
    user: Option<i64>,
) -> Result<(), Error> {
    diesel::insert_into(content_type_versions::table)
        .values((
            content_type_versions::type_id.eq(type_id),
            content_type_versions::version.eq(version),
            content_type_versions::definition
                .eq(serde_json::to_string(&c.definition)
                    .map_err(|e| Error::Internal(e.to_string()))?),
            content_type_versions::dropped
                .eq(serde_json::to_string(dropped).map_err(|e| Error::Internal(e.to_string()))?),
            content_type_versions::note.eq(c.note.as_deref()),
            content_type_versions::created_by.eq(user),
            content_type_versions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Defines a type (version 1): an operator's use case.
pub fn create(
    conn: &mut DbConn,
    who: &Acting,
    key: &str,
    input: &TypeInput,
) -> Result<TypeView, Error> {
    who.principal.require(Scope::TypesManage)?;
    define(conn, &who.actor, key, input)
}

/// Defines a type for `actor` without asking who it is: the seeded types and the demo content
/// (the command line), under the same rules as `create`.
pub fn define(
    conn: &mut DbConn,
    actor: &portal_audit::Actor,
    key: &str,
    input: &TypeInput,
) -> Result<TypeView, Error> {
    let mut e = Vec::new();
    if !is_type_key(key) {
        e.push(FieldError::new(
            "key",
            "invalid_key",
            "lower-case ASCII words joined by '-', 2 to 60 characters",
        ));
    }
    let c = match (clean_input(input), e.is_empty()) {
        (Ok(c), true) => c,
        (Ok(_), false) => return Err(Error::Validation(e)),
        (Err(Error::Validation(mut more)), _) => {
            e.append(&mut more);
            return Err(Error::Validation(e));
        }
        (Err(other), _) => return Err(other),
    };
    write_transaction(conn, |conn| {
        let taken: i64 = content_types::table
            .filter(content_types::key.eq(key))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(Error::Conflict(format!(
                "content type '{key}' already exists"
            )));
        }
        let at = now();
        let id: i64 = diesel::insert_into(content_types::table)
            .values((
                content_types::key.eq(key),
                content_types::name.eq(&c.name),
                content_types::name_en.eq(c.name_en.as_deref()),
                content_types::description.eq(c.description.as_deref()),
                content_types::legal_basis.eq(c.legal_basis.as_deref()),
                content_types::current_version.eq(1),
                content_types::created_by.eq(actor.user_id),
                content_types::created_at.eq(at),
                content_types::updated_at.eq(at),
            ))
            .returning(content_types::id)
            .get_result(conn)?;
        insert_version(conn, id, 1, &c, &[], actor.user_id)?;
        portal_audit::append(
            conn,
            actor,
            "types.create",
            Some(&format!("type:{key}")),
            None,
            Some(
                &json!({"version": 1, "fields": c.definition.fields.len(), "legal_basis": c.legal_basis}),
            ),
        )?;
        get(conn, key)
    })
}

/// How many live items of the type hold a value in each of `fields` (any version).
pub fn items_holding(
    conn: &mut DbConn,
    key: &str,
    fields: &[String],
) -> Result<BTreeMap<String, i64>, Error> {
    let mut counts: BTreeMap<String, i64> = fields.iter().map(|f| (f.clone(), 0)).collect();
    if fields.is_empty() {
        return Ok(counts);
    }
    let mut after = 0i64;
    loop {
        let batch: Vec<(i64, String)> = content_items::table
            .filter(content_items::content_type.eq(key))
            .filter(content_items::id.gt(after))
            .filter(content_items::deleted_at.is_null())
            .order(content_items::id.asc())
            .limit(1_000)
            .select((content_items::id, content_items::data))
            .load(conn)?;
        let Some((last, _)) = batch.last() else {
            break;
        };
        after = *last;
        for (_, data) in &batch {
            let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
            for (f, n) in counts.iter_mut() {
                if data.get(f).is_some_and(|v| !v.is_null()) {
                    *n += 1;
                }
            }
        }
    }
    Ok(counts)
}

/// Makes a new version current. Removing a field that items still hold data in is refused
/// (409) unless the field is listed in `drop_fields`; the data then goes when those items are
/// migrated to this version.
pub fn new_version(
    conn: &mut DbConn,
    who: &Acting,
    key: &str,
    input: &TypeInput,
) -> Result<TypeView, Error> {
    who.principal.require(Scope::TypesManage)?;
    let current = get(conn, key)?;
    let c = clean_input(input)?;
    let removed: Vec<String> = current
        .definition
        .fields
        .iter()
        .filter(|f| c.definition.field(&f.name).is_none())
        .map(|f| f.name.clone())
        .collect();
    for (i, f) in input.drop_fields.iter().enumerate() {
        if !removed.contains(f) {
            return Err(Error::field(
                format!("drop_fields[{i}]"),
                "not_removed",
                format!("'{f}' is not a field this version removes"),
            ));
        }
    }
    let holding = items_holding(conn, key, &removed)?;
    let refused: Vec<String> = holding
        .iter()
        .filter(|(f, n)| **n > 0 && !input.drop_fields.contains(f))
        .map(|(f, n)| format!("'{f}' ({n} items)"))
        .collect();
    if !refused.is_empty() {
        return Err(Error::Conflict(format!(
            "this version removes fields that items still hold data in: {}; list them in drop_fields to remove them with their data on migration",
            refused.join(", ")
        )));
    }
    write_transaction(conn, |conn| {
        let before = row(conn, key)?;
        if before.current_version != current.version {
            return Err(Error::Conflict(format!(
                "type '{key}' changed meanwhile (now version {}); reload and retry",
                before.current_version
            )));
        }
        let version = before.current_version + 1;
        insert_version(
            conn,
            before.id,
            version,
            &c,
            &input.drop_fields,
            who.actor.user_id,
        )?;
        diesel::update(content_types::table.filter(content_types::id.eq(before.id)))
            .set((
                content_types::name.eq(&c.name),
                content_types::name_en.eq(c.name_en.as_deref()),
                content_types::description.eq(c.description.as_deref()),
                content_types::legal_basis.eq(c.legal_basis.as_deref()),
                content_types::current_version.eq(version),
                content_types::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "types.new_version",
            Some(&format!("type:{key}")),
            Some(&json!({"version": before.current_version})),
            Some(
                &json!({"version": version, "removed": removed, "dropped": input.drop_fields, "note": c.note}),
            ),
        )?;
        get(conn, key)
    })
}

/// The fields removed with consent by the versions after `from` up to `to`: what migrating an
/// item from `from` to `to` may drop.
pub fn dropped_between(
    conn: &mut DbConn,
    key: &str,
    from: i32,
    to: i32,
) -> Result<Vec<String>, Error> {
    let r = row(conn, key)?;
    let lists: Vec<String> = content_type_versions::table
        .filter(content_type_versions::type_id.eq(r.id))
        .filter(content_type_versions::version.gt(from))
        .filter(content_type_versions::version.le(to))
        .select(content_type_versions::dropped)
        .load(conn)?;
    let mut out: Vec<String> = Vec::new();
    for l in lists {
        for f in serde_json::from_str::<Vec<String>>(&l).unwrap_or_default() {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    Ok(out)
}
