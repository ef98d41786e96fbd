//! Every save of an item writes a revision: a full snapshot, who, when and an optional note.
//! History is never rewritten: restoring an old revision makes a new one.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::content_revisions;
use portal_db::{now, DbConn};
use serde::Serialize;
use serde_json::{json, Value};

use crate::model::ContentItem;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = content_revisions)]
pub struct Revision {
    pub id: i64,
    pub item_id: i64,
    pub version: i64,
    pub snapshot: String,
    pub note: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl Revision {
    pub fn snapshot_json(&self) -> Value {
        serde_json::from_str(&self.snapshot).unwrap_or_else(|_| json!({}))
    }
}

/// The fields a revision keeps, in a fixed order.
pub const SNAPSHOT_FIELDS: [&str; 15] = [
    "section_id",
    "kind",
    "language",
    "title",
    "slug",
    "summary",
    "body",
    "author",
    "source",
    "tags",
    "featured_image_url",
    "fields",
    "status",
    "type_version",
    "data",
];

pub fn snapshot(item: &ContentItem) -> Value {
    json!({
        "section_id": item.section_id,
        "kind": item.kind,
        "language": item.language,
        "title": item.title,
        "slug": item.slug,
        "summary": item.summary,
        "body": item.body,
        "author": item.author,
        "source": item.source,
        "tags": item.tag_list(),
        "featured_image_url": item.featured_image_url,
        "fields": item.fields_json(),
        "status": item.status,
        "type_version": item.type_version,
        "data": item.data.value(),
    })
}

/// Records the item as it now is, under its current version.
pub fn record(
    conn: &mut DbConn,
    item: &ContentItem,
    user_id: Option<i64>,
    note: Option<&str>,
) -> Result<(), Error> {
    diesel::insert_into(content_revisions::table)
        .values((
            content_revisions::item_id.eq(item.id),
            content_revisions::version.eq(item.version),
            content_revisions::snapshot.eq(snapshot(item).to_string()),
            content_revisions::note.eq(note),
            content_revisions::created_by.eq(user_id),
            content_revisions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Newest first; the cursor is the last version seen.
pub fn list(conn: &mut DbConn, item_id: i64, page: &PageRequest) -> Result<Page<Revision>, Error> {
    let mut query = content_revisions::table
        .filter(content_revisions::item_id.eq(item_id))
        .select(Revision::as_select())
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(content_revisions::version.lt(after));
    }
    let rows = query
        .order(content_revisions::version.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |r| r.version.to_string()))
}

pub fn get(conn: &mut DbConn, item_id: i64, version: i64) -> Result<Revision, Error> {
    content_revisions::table
        .filter(content_revisions::item_id.eq(item_id))
        .filter(content_revisions::version.eq(version))
        .select(Revision::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("revision", format!("{item_id}@{version}")))
}

/// One field that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// The fields that differ from revision `from` to revision `to`, in snapshot order.
pub fn diff(
    conn: &mut DbConn,
    item_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<FieldChange>, Error> {
    let a = get(conn, item_id, from)?.snapshot_json();
    let b = get(conn, item_id, to)?.snapshot_json();
    Ok(SNAPSHOT_FIELDS
        .iter()
        .filter(|f| a.get(**f) != b.get(**f))
        .map(|f| FieldChange {
            field: (*f).to_string(),
            from: a.get(*f).cloned().unwrap_or(Value::Null),
            to: b.get(*f).cloned().unwrap_or(Value::Null),
        })
        .collect())
}

/// How many revisions after `version` `user_id` saved: whether they changed the item since it
/// was submitted (the two-person rule of Điều 10.2).
pub fn saved_by_since(
    conn: &mut DbConn,
    item_id: i64,
    version: i64,
    user_id: i64,
) -> Result<i64, Error> {
    Ok(content_revisions::table
        .filter(content_revisions::item_id.eq(item_id))
        .filter(content_revisions::version.gt(version))
        .filter(content_revisions::created_by.eq(user_id))
        .count()
        .get_result(conn)?)
}
