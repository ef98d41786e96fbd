//! Webhook endpoints: registered with their events, site and secret, checked targets, enabled and disabled.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub site_id: Option<i64>,
    pub secret: String,
    pub active: bool,
    pub consecutive_failures: i32,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<String>,
    pub site: Option<String>,
    pub secret: String,
}

pub fn create_endpoint(
    conn: &mut DbConn,
    actor: &Actor,
    new: &NewEndpoint,
    allow_private: bool,
) -> Result<Endpoint, Error> {
    let mut errors = Vec::new();
    if let Err(reason) = check_target(&new.url, allow_private) {
        errors.push(FieldError::new("url", "refused_url", reason));
    }
    if new.url.len() > 2_000 {
        errors.push(FieldError::new(
            "url",
            "too_long",
            "at most 2,000 characters",
        ));
    }
    if new.events.is_empty() {
        errors.push(FieldError::new("events", "required", "at least one event"));
    }
    for (i, e) in new.events.iter().enumerate() {
        if !EVENTS.contains(&e.as_str()) {
            errors.push(FieldError::new(
                format!("events[{i}]"),
                "unknown_event",
                format!("'{e}' is not one of {}", EVENTS.join(", ")),
            ));
        }
    }
    if new.secret.len() < 16 || new.secret.len() > 200 {
        errors.push(FieldError::new(
            "secret",
            "invalid_length",
            "16 to 200 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let site_id = match &new.site {
            Some(key) => Some(
                portal_sections::sites::ids_of(conn, std::slice::from_ref(key))?
                    .first()
                    .copied()
                    .ok_or_else(|| {
                        Error::field(
                            "site",
                            "unknown_site",
                            format!("no site has the key '{key}'"),
                        )
                    })?,
            ),
            None => None,
        };
        let mut events = new.events.clone();
        events.sort();
        events.dedup();
        let id: i64 = diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::url.eq(&new.url),
                webhook_endpoints::events.eq(events.join(" ")),
                webhook_endpoints::site_id.eq(site_id),
                webhook_endpoints::secret.eq(&new.secret),
                webhook_endpoints::active.eq(true),
                webhook_endpoints::created_by.eq(&actor.label),
                webhook_endpoints::created_at.eq(now()),
            ))
            .returning(webhook_endpoints::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            actor,
            "webhook.create",
            Some(&format!("webhook:{id}")),
            None,
            Some(&json!({"url": new.url, "events": events, "site": new.site})),
        )?;
        endpoint(conn, id)
    })
}

pub fn endpoint(conn: &mut DbConn, id: i64) -> Result<Endpoint, Error> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .select(Endpoint::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("webhook", id))
}

pub fn list_endpoints(conn: &mut DbConn, page: &PageRequest) -> Result<Page<Endpoint>, Error> {
    let mut query = webhook_endpoints::table
        .select(Endpoint::as_select())
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(webhook_endpoints::id.gt(after));
    }
    let rows = query
        .order(webhook_endpoints::id.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |e| e.id.to_string()))
}

/// Turns an endpoint off (or back on, clearing its failure count).
pub fn set_active(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<Endpoint, Error> {
    write_transaction(conn, |conn| {
        endpoint(conn, id)?;
        diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq(id)))
            .set((
                webhook_endpoints::active.eq(active),
                webhook_endpoints::consecutive_failures.eq(0),
                webhook_endpoints::disabled_reason.eq(if active {
                    None
                } else {
                    Some("disabled by an operator")
                }),
            ))
            .execute(conn)?;
        let action = if active {
            "webhook.enable"
        } else {
            "webhook.disable"
        };
        portal_audit::append(
            conn,
            actor,
            action,
            Some(&format!("webhook:{id}")),
            None,
            None,
        )?;
        endpoint(conn, id)
    })
}
