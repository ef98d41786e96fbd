//! The typed part of an item's writes and publication: its `data` checked against the type
//! version it was written with, the references and unique values that need the database, and
//! the index rows of the published copy.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::{Error, FieldError};
use portal_db::schema::{
    content_items, published_field_values, published_items, typed_unique_values,
};
use portal_db::DbConn;
use serde_json::Value;

use super::store;
use super::values::{Checked, IndexKey, Validator};
use crate::model::ContentItem;

/// Where a typed item is (for its unique values) and which item it is (none when new).
pub struct Place<'a> {
    pub site_id: i64,
    pub language: &'a str,
    pub item_id: Option<i64>,
}

/// Checks `data` for an item of `key` at `version`: the type's rules, then that every
/// reference names a live item (of the target type), then that no other live item of the type
/// in the same site and language holds a unique field's value.
pub fn check(
    conn: &mut DbConn,
    key: &str,
    version: i32,
    data: &Value,
    overrides: &[String],
    place: &Place<'_>,
) -> Result<Checked, Error> {
    let ty = store::get_version(conn, key, version)?;
    let checked = Validator::new(&ty.definition)
        .check(data, overrides)
        .map_err(Error::Validation)?;
    check_in_database(conn, key, &checked, place)?;
    Ok(checked)
}

pub fn check_in_database(
    conn: &mut DbConn,
    key: &str,
    checked: &Checked,
    place: &Place<'_>,
) -> Result<(), Error> {
    let mut e = Vec::new();
    for r in &checked.references {
        let target: Option<(Option<String>, Option<NaiveDateTime>)> = content_items::table
            .filter(content_items::id.eq(r.item_id))
            .select((content_items::content_type, content_items::deleted_at))
            .first(conn)
            .optional()?;
        match target {
            Some((ty, None)) => {
                if let Some(want) = &r.target_type {
                    if ty.as_deref() != Some(want.as_str()) {
                        e.push(FieldError::new(
                            &r.path,
                            "wrong_type",
                            format!("item {} is not of type '{want}'", r.item_id),
                        ));
                    }
                }
            }
            _ => e.push(FieldError::new(
                &r.path,
                "unknown_item",
                format!("there is no item {}", r.item_id),
            )),
        }
    }
    for (field, value) in &checked.unique {
        let mut query = typed_unique_values::table
            .filter(typed_unique_values::content_type.eq(key))
            .filter(typed_unique_values::site_id.eq(place.site_id))
            .filter(typed_unique_values::language.eq(place.language))
            .filter(typed_unique_values::field.eq(field))
            .filter(typed_unique_values::value.eq(value))
            .select(typed_unique_values::item_id)
            .into_boxed();
        if let Some(me) = place.item_id {
            query = query.filter(typed_unique_values::item_id.ne(me));
        }
        if let Some(other) = query.first::<i64>(conn).optional()? {
            e.push(FieldError::new(
                format!("data.{field}"),
                "not_unique",
                format!("item {other} already holds this value"),
            ));
        }
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(e))
    }
}

/// Makes the item's unique values the ones it claims (none for an item that is not typed).
pub fn claim(conn: &mut DbConn, item: &ContentItem, checked: &Checked) -> Result<(), Error> {
    release(conn, item.id)?;
    let Some(key) = &item.content_type else {
        return Ok(());
    };
    for (field, value) in &checked.unique {
        let claimed = diesel::insert_into(typed_unique_values::table)
            .values((
                typed_unique_values::content_type.eq(key),
                typed_unique_values::site_id.eq(item.site_id),
                typed_unique_values::language.eq(&item.language),
                typed_unique_values::field.eq(field),
                typed_unique_values::value.eq(value),
                typed_unique_values::item_id.eq(item.id),
            ))
            .execute(conn);
        // Two writers that both checked before either committed (PostgreSQL's read committed):
        // the index decides, and the loser hears it as the same field error as always. The
        // failed statement ends the transaction, which this error rolls back.
        match claimed {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                return Err(Error::field(
                    format!("data.{field}"),
                    "not_unique",
                    "another item took this value at the same moment",
                ))
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// Frees the item's unique values (it was deleted).
pub fn release(conn: &mut DbConn, item_id: i64) -> Result<(), Error> {
    diesel::delete(typed_unique_values::table.filter(typed_unique_values::item_id.eq(item_id)))
        .execute(conn)?;
    Ok(())
}

/// Writes the index rows of a published typed item (its published copy was just written; the
/// old rows went with the old copy, by cascade).
pub fn index_published(
    conn: &mut DbConn,
    item: &ContentItem,
    published_at: NaiveDateTime,
) -> Result<(), Error> {
    let (Some(key), Some(version)) = (&item.content_type, item.type_version) else {
        return Ok(());
    };
    let ty = store::get_version(conn, key, version)?;
    if !ty.definition.fields.iter().any(|f| f.indexed) {
        return Ok(());
    }
    // The data was checked when it was written; checking it again only recomputes the keys.
    let checked = Validator::new(&ty.definition)
        .check(item.data.value(), &all_paths(item.data.value()))
        .map_err(|e| {
            Error::Internal(format!(
                "item {} no longer passes type {key}@{version}: {e:?}",
                item.id
            ))
        })?;
    for (field, value) in checked.index {
        let (text, num) = match value {
            IndexKey::Text(t) => (Some(t), None),
            IndexKey::Num(n) => (None, Some(n)),
        };
        diesel::insert_into(published_field_values::table)
            .values((
                published_field_values::item_id.eq(item.id),
                published_field_values::site_id.eq(item.site_id),
                published_field_values::content_type.eq(key),
                published_field_values::field.eq(&field),
                published_field_values::text_value.eq(text),
                published_field_values::num_value.eq(num),
                published_field_values::published_at.eq(published_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every path of `data`'s strings, so that a legacy-encoding finding that the editor overrode
/// when writing does not stop the published copy from being indexed.
pub fn all_paths(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(o) = data {
        for (k, v) in o {
            out.push(format!("data.{k}"));
            if let Value::Array(a) = v {
                out.extend((0..a.len()).map(|i| format!("data.{k}[{i}]")));
            }
        }
    }
    out
}

/// A published item of a type, as the reports read it: where it is, when it was first
/// published, and its data.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = published_items)]
pub struct PublishedTyped {
    pub item_id: i64,
    pub section_id: i64,
    pub title: String,
    pub slug: String,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub data: portal_db::JsonText<Value>,
}

/// The live items of type `key` on a site first published in [from, to), oldest first.
pub fn published_in(
    conn: &mut DbConn,
    key: &str,
    site_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<PublishedTyped>, Error> {
    Ok(published_items::table
        .filter(published_items::site_id.eq(site_id))
        .filter(published_items::content_type.eq(key))
        .filter(published_items::published_at.ge(from))
        .filter(published_items::published_at.lt(to))
        .order((
            published_items::published_at.asc(),
            published_items::item_id.asc(),
        ))
        .select(PublishedTyped::as_select())
        .load(conn)?)
}

/// For each section of a site holding live items of type `key`: when the newest of them last
/// changed (what an update frequency is measured against).
pub fn newest_by_section(
    conn: &mut DbConn,
    key: &str,
    site_id: i64,
) -> Result<Vec<(i64, NaiveDateTime)>, Error> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> = published_items::table
        .filter(published_items::site_id.eq(site_id))
        .filter(published_items::content_type.eq(key))
        .group_by(published_items::section_id)
        .select((
            published_items::section_id,
            diesel::dsl::max(published_items::updated_at),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, at)| at.map(|at| (s, at)))
        .collect())
}
