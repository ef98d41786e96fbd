//! Moving the items of a type to a newer version, explicitly: a dry run says which items would
//! fail the version and why, and a migration moves those that pass, a batch per call, each with
//! a new revision. Fields the version removed with consent (`drop_fields`) lose their values;
//! any other value the new version has no field for stops the item (never lost silently).

use std::collections::HashSet;

use diesel::prelude::*;
use portal_auth::{Acting, Principal, Scope};
use portal_core::{Error, FieldError};
use portal_db::schema::content_items;
use portal_db::{now, write_transaction, DbConn};
use serde_json::{json, Value};

use super::store;
use super::typed::{self, Place};
use super::values::{Checked, Validator};
use crate::model::{ContentItem, Status};

/// How many failures an answer lists (the counts are always complete).
pub const MAX_LISTED: usize = 100;
pub const MAX_BATCH: i64 = 1_000;

#[derive(Debug, Clone)]
pub struct Failure {
    pub item_id: i64,
    pub title: String,
    pub from_version: i32,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub to_version: i32,
    /// Items at an older version that were looked at.
    pub checked: i64,
    pub passed: i64,
    pub failed: i64,
    pub failures: Vec<Failure>,
    /// Items still at an older version after this call (a migration moves a batch per call).
    pub remaining: i64,
    pub dropped_fields: Vec<String>,
}

impl Outcome {
    fn empty(to_version: i32, dropped_fields: Vec<String>) -> Outcome {
        Outcome {
            to_version,
            checked: 0,
            passed: 0,
            failed: 0,
            failures: Vec::new(),
            remaining: 0,
            dropped_fields,
        }
    }
}

struct Plan<'a> {
    key: &'a str,
    to: i32,
    validator: Validator<'a>,
}

/// The item's data as the new version would hold it, or why it cannot.
fn convert(
    conn: &mut DbConn,
    plan: &Plan<'_>,
    item: &ContentItem,
    seen: &mut HashSet<(i64, String, String, String)>,
) -> Result<Result<Checked, Vec<FieldError>>, Error> {
    let from = item.type_version.unwrap_or(0);
    let dropped = store::dropped_between(conn, plan.key, from, plan.to)?;
    let mut data = item.data.value().clone();
    let mut lost = Vec::new();
    if let Value::Object(o) = &mut data {
        o.retain(|k, v| {
            if plan.validator.definition.field(k).is_some() {
                return true;
            }
            if !v.is_null() && !dropped.contains(k) {
                lost.push(FieldError::new(
                    format!("data.{k}"),
                    "would_be_lost",
                    format!(
                        "version {} has no field '{k}' and did not drop it: its value would be lost",
                        plan.to
                    ),
                ));
            }
            false
        });
    }
    // Overrides of legacy-encoding findings were the editor's, per field; they still hold.
    let overrides: Vec<String> = match &data {
        Value::Object(o) => o.keys().map(|k| format!("data.{k}")).collect(),
        _ => Vec::new(),
    };
    let checked = match plan.validator.check(&data, &overrides) {
        Ok(c) => c,
        Err(mut e) => {
            lost.append(&mut e);
            return Ok(Err(lost));
        }
    };
    if !lost.is_empty() {
        return Ok(Err(lost));
    }
    let place = Place {
        site_id: item.site_id,
        language: &item.language,
        item_id: Some(item.id),
    };
    if let Err(Error::Validation(e)) = typed::check_in_database(conn, plan.key, &checked, &place) {
        return Ok(Err(e));
    }
    // Two items of this run that would claim the same unique value.
    for (field, value) in &checked.unique {
        let claim = (
            item.site_id,
            item.language.clone(),
            field.clone(),
            value.clone(),
        );
        if !seen.insert(claim) {
            return Ok(Err(vec![FieldError::new(
                format!("data.{field}"),
                "not_unique",
                "another item of this migration holds the same value",
            )]));
        }
    }
    Ok(Ok(checked))
}

fn older_items(
    conn: &mut DbConn,
    key: &str,
    to: i32,
    after: i64,
    limit: i64,
) -> Result<Vec<ContentItem>, Error> {
    Ok(content_items::table
        .filter(content_items::content_type.eq(key))
        .filter(content_items::type_version.lt(to))
        .filter(content_items::deleted_at.is_null())
        .filter(content_items::id.gt(after))
        .order(content_items::id.asc())
        .limit(limit)
        .select(ContentItem::as_select())
        .load(conn)?)
}

fn count_older(conn: &mut DbConn, key: &str, to: i32) -> Result<i64, Error> {
    Ok(content_items::table
        .filter(content_items::content_type.eq(key))
        .filter(content_items::type_version.lt(to))
        .filter(content_items::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

fn target(conn: &mut DbConn, key: &str, to: i32) -> Result<store::TypeView, Error> {
    let ty = store::get(conn, key)?;
    if to < 1 || to > ty.version {
        return Err(Error::not_found(
            "content type version",
            format!("{key}@{to}"),
        ));
    }
    store::get_version(conn, key, to)
}

/// Which items at an older version would fail version `to`, and why; nothing is written.
pub fn dry_run(conn: &mut DbConn, who: &Principal, key: &str, to: i32) -> Result<Outcome, Error> {
    who.require(Scope::TypesManage)?;
    let ty = target(conn, key, to)?;
    let plan = Plan {
        key,
        to,
        validator: Validator::new(&ty.definition),
    };
    let mut out = Outcome::empty(to, store::dropped_between(conn, key, 0, to)?);
    let mut seen = HashSet::new();
    let mut after = 0;
    loop {
        let batch = older_items(conn, key, to, after, 500)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for item in &batch {
            out.checked += 1;
            match convert(conn, &plan, item, &mut seen)? {
                Ok(_) => out.passed += 1,
                Err(errors) => note_failure(&mut out, item, errors),
            }
        }
    }
    out.remaining = out.checked;
    Ok(out)
}

fn note_failure(out: &mut Outcome, item: &ContentItem, errors: Vec<FieldError>) {
    out.failed += 1;
    if out.failures.len() < MAX_LISTED {
        out.failures.push(Failure {
            item_id: item.id,
            title: item.title.clone(),
            from_version: item.type_version.unwrap_or(0),
            errors,
        });
    }
}

/// Moves up to `limit` items at an older version to version `to`, in one transaction: each
/// that passes gets the converted data, the version and a new revision; a live item whose
/// data changed has its published copy refreshed (and the change in the change feed). Items
/// that fail are left as they were and listed.
pub fn migrate(
    conn: &mut DbConn,
    who: &Acting,
    key: &str,
    to: i32,
    limit: Option<i64>,
) -> Result<Outcome, Error> {
    who.principal.require(Scope::TypesManage)?;
    let limit = limit.unwrap_or(200);
    if !(1..=MAX_BATCH).contains(&limit) {
        return Err(Error::invalid_parameter(
            "limit",
            format!("between 1 and {MAX_BATCH}"),
        ));
    }
    let ty = target(conn, key, to)?;
    write_transaction(conn, |conn| {
        let plan = Plan {
            key,
            to,
            validator: Validator::new(&ty.definition),
        };
        let mut out = Outcome::empty(to, store::dropped_between(conn, key, 0, to)?);
        let mut seen = HashSet::new();
        let mut moved = Vec::new();
        let mut after = 0;
        // Failing items stay behind: keep reading until `limit` have moved or none are left.
        while (moved.len() as i64) < limit {
            let batch = older_items(conn, key, to, after, limit)?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            for item in batch {
                if moved.len() as i64 >= limit {
                    break;
                }
                out.checked += 1;
                match convert(conn, &plan, &item, &mut seen)? {
                    Ok(checked) => {
                        apply(conn, who, &item, to, &checked)?;
                        out.passed += 1;
                        moved.push(item.id);
                    }
                    Err(errors) => note_failure(&mut out, &item, errors),
                }
            }
        }
        out.remaining = count_older(conn, key, to)?;
        portal_audit::append(
            conn,
            &who.actor,
            "types.migrate",
            Some(&format!("type:{key}")),
            None,
            Some(
                &json!({"to_version": to, "migrated": moved, "failed": out.failed, "remaining": out.remaining}),
            ),
        )?;
        Ok(out)
    })
}

fn apply(
    conn: &mut DbConn,
    who: &Acting,
    item: &ContentItem,
    to: i32,
    checked: &Checked,
) -> Result<(), Error> {
    let data_changed = &checked.data != item.data.value();
    let live_is_current =
        item.status == Status::Published && item.published_revision == Some(item.version);
    let next = item.version + 1;
    let updated = diesel::update(
        content_items::table
            .filter(content_items::id.eq(item.id))
            .filter(content_items::version.eq(item.version)),
    )
    .set((
        content_items::data.eq(checked.data.to_string()),
        content_items::type_version.eq(Some(to)),
        content_items::version.eq(next),
        content_items::updated_by.eq(who.actor.user_id),
        content_items::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::Conflict(format!(
            "item {} changed during the migration; run it again",
            item.id
        )));
    }
    if live_is_current {
        diesel::update(content_items::table.filter(content_items::id.eq(item.id)))
            .set(content_items::published_revision.eq(Some(next)))
            .execute(conn)?;
    }
    let after = crate::items::get(conn, item.id)?;
    crate::revisions::record(
        conn,
        &after,
        who.actor.user_id,
        Some(&format!("migrated to type version {to}")),
    )?;
    typed::claim(conn, &after, checked)?;
    if live_is_current {
        let at = after.first_published_at.unwrap_or_else(now);
        crate::published::put(conn, &after, at)?;
        if data_changed {
            crate::outbox::record(
                conn,
                "content.updated",
                Some(after.site_id),
                Some(after.id),
                &json!({"id": after.id, "reason": "type_migration", "type": after.content_type, "type_version": to}),
            )?;
        }
    }
    Ok(())
}
