//! API keys for sub-sites and integrators: `pk_<prefix>_<secret>`, shown once, stored as a digest.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::api_keys;
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::scopes::validate_api_key_scope;
use crate::secrets;

pub const KEY_PREFIX: &str = "pk_";

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    #[diesel(column_name = scopes)]
    pub scopes: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

/// `(prefix, secret)` of a presented key.
pub fn split(presented: &str) -> Option<(&str, &str)> {
    let rest = presented.strip_prefix(KEY_PREFIX)?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == 12 && !secret.is_empty()).then_some((prefix, secret))
}

pub struct NewApiKey {
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<NaiveDateTime>,
}

/// Creates a key; the returned secret is the only time it is ever shown.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewApiKey,
) -> Result<(ApiKey, String), Error> {
    let mut errors = Vec::new();
    let name = portal_core::text::nfc(new.name.trim());
    if let Some(problem) = portal_core::text::human_text_problem("name", &name, false) {
        errors.push(problem);
    } else if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            "invalid_length",
            "1 to 200 characters",
        ));
    }
    if new.scopes.is_empty() {
        errors.push(FieldError::new("scopes", "required", "at least one scope"));
    }
    for (i, scope) in new.scopes.iter().enumerate() {
        if let Err(message) = validate_api_key_scope(conn, scope) {
            errors.push(FieldError::new(
                format!("scopes[{i}]"),
                "invalid_scope",
                message,
            ));
        }
    }
    if new.expires_at.is_some_and(|e| e <= now()) {
        errors.push(FieldError::new(
            "expires_at",
            "in_the_past",
            "must be in the future",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let prefix = hex::encode(secrets::random_bytes::<6>()?);
    let secret = format!("{KEY_PREFIX}{prefix}_{}", secrets::random_token()?);
    let mut scopes = new.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let key = write_transaction(conn, |conn| {
        let id: i64 = diesel::insert_into(api_keys::table)
            .values((
                api_keys::name.eq(&name),
                api_keys::prefix.eq(&prefix),
                api_keys::secret_hash.eq(secrets::digest(&secret)),
                api_keys::scopes.eq(scopes.join(" ")),
                api_keys::created_by.eq(actor.user_id),
                api_keys::created_at.eq(now()),
                api_keys::expires_at.eq(new.expires_at),
            ))
            .returning(api_keys::id)
            .get_result(conn)?;
        let key = by_id(conn, id)?;
        portal_audit::append(
            conn,
            actor,
            "api_key.create",
            Some(&format!("api_key:{id}")),
            None,
            Some(
                &json!({"name": key.name, "prefix": key.prefix, "scopes": key.scopes, "expires_at": key.expires_at}),
            ),
        )?;
        Ok::<_, Error>(key)
    })?;
    Ok((key, secret))
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<ApiKey, Error> {
    api_keys::table
        .filter(api_keys::id.eq(id))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("API key", id))
}

pub fn list(conn: &mut DbConn, page: &PageRequest) -> Result<Page<ApiKey>, Error> {
    let mut query = api_keys::table.select(ApiKey::as_select()).into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(api_keys::id.gt(after));
    }
    let rows = query
        .order(api_keys::id.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |k| k.id.to_string()))
}

pub fn revoke(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<ApiKey, Error> {
    write_transaction(conn, |conn| {
        let key = by_id(conn, id)?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
            .set(api_keys::revoked_at.eq(now()))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "api_key.revoke",
            Some(&format!("api_key:{id}")),
            None,
            None,
        )?;
        by_id(conn, id)
    })
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn keys_split_into_prefix_and_secret() {
        assert_eq!(
            split("pk_0123456789ab_s3cr3t"),
            Some(("0123456789ab", "s3cr3t"))
        );
        assert_eq!(split("pk_short_s3cr3t"), None);
        assert_eq!(split("pk_0123456789ab_"), None);
        assert_eq!(split("eyJhbGciOi.x.y"), None);
    }
}
