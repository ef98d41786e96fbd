//! Content types defined at run time (issue 14; Điều 7.2: the structured information each
//! agency publishes). A type is a versioned field schema kept as JSON (`definition`), so a new
//! type needs no DDL and works the same on SQLite and PostgreSQL. Items of a type are ordinary
//! items — same authoring, revisions and Điều 10 workflow — whose `data` is checked against the
//! version they were written with on every write (`values`, `typed`); changing a type makes a
//! new version (`store`) and items move to it only when migrated (`migrate`, with a dry run).

pub mod decimal;
pub mod definition;
pub mod keys;
pub mod migrate;
pub mod schema;
pub mod seeded;
pub mod store;
pub mod typed;
pub mod values;

use portal_core::Error;
use portal_db::DbConn;
use serde_json::Value;

pub use definition::{Definition, FieldDef, FieldType, ValueSpec};
pub use store::{TypeInput, TypeView};
pub use typed::Place;
pub use values::{Checked, IndexKey, Validator};

/// The typed data of an item being written: its type, the version, and the data checked.
pub struct TypedData {
    pub key: String,
    pub version: i32,
    pub checked: Checked,
}

fn is_empty(data: Option<&Value>) -> bool {
    match data {
        None | Some(Value::Null) => true,
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    }
}

fn untyped_data() -> Error {
    Error::field(
        "data",
        "no_type",
        "only items of a content type have typed data; name the type in `type` when creating the item",
    )
}

/// The data of a new item of type `key` (its current version), or none for an untyped item.
pub fn for_new_item(
    conn: &mut DbConn,
    key: Option<&str>,
    data: Option<&Value>,
    overrides: &[String],
    place: &Place<'_>,
) -> Result<Option<TypedData>, Error> {
    let Some(key) = key else {
        return if is_empty(data) {
            Ok(None)
        } else {
            Err(untyped_data())
        };
    };
    let ty = match store::get(conn, key) {
        Ok(ty) => ty,
        Err(Error::NotFound { .. }) => {
            return Err(Error::field(
                "type",
                "unknown_type",
                format!("there is no content type '{key}' (GET /api/v1/types lists them)"),
            ))
        }
        Err(e) => return Err(e),
    };
    let empty = Value::Object(Default::default());
    let checked = typed::check(
        conn,
        key,
        ty.version,
        data.unwrap_or(&empty),
        overrides,
        place,
    )?;
    Ok(Some(TypedData {
        key: key.to_string(),
        version: ty.version,
        checked,
    }))
}

/// The data of an edit of an existing item: checked against the item's own type version when
/// the edit gives data; none when it does not (the data stays as it was).
pub fn for_edit(
    conn: &mut DbConn,
    item: &crate::ContentItem,
    data: Option<&Value>,
    overrides: &[String],
) -> Result<Option<TypedData>, Error> {
    let data = match data {
        None => return Ok(None),
        Some(d) => d,
    };
    let (Some(key), Some(version)) = (&item.content_type, item.type_version) else {
        return if is_empty(Some(data)) {
            Ok(None)
        } else {
            Err(untyped_data())
        };
    };
    let place = Place {
        site_id: item.site_id,
        language: &item.language,
        item_id: Some(item.id),
    };
    let checked = typed::check(conn, key, version, data, overrides, &place)?;
    Ok(Some(TypedData {
        key: key.clone(),
        version,
        checked,
    }))
}
