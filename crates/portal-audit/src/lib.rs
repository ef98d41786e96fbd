//! The audit log: every security and administrative event, appended with who, from where, what,
//! and the state before and after. Each row's hash covers its content and the previous row's hash,
//! so an edited, deleted or truncated row breaks the chain and `verify` names the first one
//! (Điều 17.4: operators answer for what is done with their credentials).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{audit_head, audit_log};
use portal_db::{now, DbConn};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub mod anchor;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something, and from where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// The username, `api-key:<prefix>`, or `system:<what>` for the CLI and background jobs.
    pub label: String,
    pub agency: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Self {
            label: format!("system:{what}"),
            ..Self::default()
        }
    }

    /// An unauthenticated caller known only by address (failed logins).
    pub fn anonymous(client_ip: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            label: "anonymous".into(),
            client_ip,
            user_agent,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub agency: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

fn timestamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The hash of a row: SHA-256 over a JSON array of every column but `id` and `hash`, in order.
#[allow(clippy::too_many_arguments)]
fn row_hash(
    seq: i64,
    at: NaiveDateTime,
    actor_user_id: Option<i64>,
    actor: &str,
    agency: Option<&str>,
    client_ip: Option<&str>,
    user_agent: Option<&str>,
    action: &str,
    target: Option<&str>,
    before_json: Option<&str>,
    after_json: Option<&str>,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([
        seq,
        timestamp(at),
        actor_user_id,
        actor,
        agency,
        client_ip,
        user_agent,
        action,
        target,
        before_json,
        after_json,
        prev_hash
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

impl AuditEntry {
    fn expected_hash(&self) -> String {
        row_hash(
            self.seq,
            self.at,
            self.actor_user_id,
            &self.actor,
            self.agency.as_deref(),
            self.client_ip.as_deref(),
            self.user_agent.as_deref(),
            &self.action,
            self.target.as_deref(),
            self.before_json.as_deref(),
            self.after_json.as_deref(),
            &self.prev_hash,
        )
    }
}

/// The sequence number of the newest event: a clock of every audited change, on every replica.
/// Readers that cache what they serve compare it to know whether anything may have changed.
pub fn head_seq(conn: &mut DbConn) -> Result<i64, Error> {
    Ok(audit_head::table
        .filter(audit_head::id.eq(1))
        .select(audit_head::seq)
        .first(conn)?)
}

/// Appends one event; call inside the transaction of the change it records, so both or neither
/// are kept. Returns the event's sequence number.
pub fn append(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    target: Option<&str>,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<i64, Error> {
    // Taking the head row first serialises appenders, on every replica.
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set(audit_head::seq.eq(audit_head::seq + 1))
        .execute(conn)?;
    let (seq, prev_hash): (i64, String) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::last_hash))
        .first(conn)?;
    let at = now();
    let before_json = before.map(Value::to_string);
    let after_json = after.map(Value::to_string);
    let hash = row_hash(
        seq,
        at,
        actor.user_id,
        &actor.label,
        actor.agency.as_deref(),
        actor.client_ip.as_deref(),
        actor.user_agent.as_deref(),
        action,
        target,
        before_json.as_deref(),
        after_json.as_deref(),
        &prev_hash,
    );
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::seq.eq(seq),
            audit_log::at.eq(at),
            audit_log::actor_user_id.eq(actor.user_id),
            audit_log::actor.eq(&actor.label),
            audit_log::agency.eq(actor.agency.as_deref()),
            audit_log::client_ip.eq(actor.client_ip.as_deref()),
            audit_log::user_agent.eq(actor.user_agent.as_deref()),
            audit_log::action.eq(action),
            audit_log::target.eq(target),
            audit_log::before_json.eq(before_json.as_deref()),
            audit_log::after_json.eq(after_json.as_deref()),
            audit_log::prev_hash.eq(&prev_hash),
            audit_log::hash.eq(&hash),
        ))
        .execute(conn)?;
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set(audit_head::last_hash.eq(&hash))
        .execute(conn)?;
    Ok(seq)
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The sequence number of the first row that does not fit (or where a row is missing).
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "audit chain broken at seq {}: {}", self.seq, self.reason)
    }
}

/// Walks the whole chain in order. Ok(number of rows) when intact.
pub fn verify(conn: &mut DbConn) -> Result<Result<i64, Broken>, Error> {
    const BATCH: i64 = 1_000;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_string();
    loop {
        let rows: Vec<AuditEntry> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(BATCH)
            .select(AuditEntry::as_select())
            .load(conn)?;
        let done = (rows.len() as i64) < BATCH;
        for row in rows {
            if row.seq != expected_seq {
                return Ok(Err(Broken {
                    seq: expected_seq,
                    reason: format!(
                        "row {expected_seq} is missing (next is {}): rows were deleted",
                        row.seq
                    ),
                }));
            }
            if row.prev_hash != prev_hash {
                return Ok(Err(Broken {
                    seq: row.seq,
                    reason: "its prev_hash does not match the previous row's hash".into(),
                }));
            }
            if row.expected_hash() != row.hash {
                return Ok(Err(Broken {
                    seq: row.seq,
                    reason: format!(
                        "its content does not match its hash (row id {}): it was changed",
                        row.id
                    ),
                }));
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::last_hash))
        .first(conn)?;
    let last = expected_seq - 1;
    if head_seq != last || head_hash != prev_hash {
        return Ok(Err(Broken {
            seq: last + 1,
            reason: format!("the head records {head_seq} rows but the log ends at {last}: rows were removed from the end"),
        }));
    }
    Ok(Ok(last))
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only the events about these sites (ids): the sites themselves, their sections and their
    /// content items. None: the whole log (the province-wide right).
    pub sites: Option<Vec<i64>>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// Newest first; the cursor is the last sequence number seen.
pub fn list(
    conn: &mut DbConn,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<AuditEntry>, Error> {
    let mut query = audit_log::table
        .select(AuditEntry::as_select())
        .into_boxed();
    if let Some(site_ids) = &filter.sites {
        // Targets are "site:<key>", "section:<id>", "content:<id>". The subqueries read the
        // sites, sections and content tables by id only; the ids are numbers, so the SQL below
        // is built from integers alone.
        let ids = if site_ids.is_empty() {
            "NULL".to_string()
        } else {
            site_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "(target IN (SELECT 'site:' || key FROM sites WHERE id IN ({ids})) \
              OR target IN (SELECT 'section:' || CAST(id AS TEXT) FROM sections WHERE site_id IN ({ids})) \
              OR target IN (SELECT 'content:' || CAST(id AS TEXT) FROM content_items WHERE site_id IN ({ids})))"
        )));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::actor.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        // `login` matches every `login.*` action; a full name matches itself.
        query = query.filter(
            audit_log::action
                .eq(action.clone())
                .or(audit_log::action.like(format!("{}.%", action.replace(['%', '_'], "")))),
        );
    }
    if let Some(target) = &filter.target {
        query = query.filter(audit_log::target.eq(target.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::at.lt(to));
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(audit_log::seq.lt(after));
    }
    let rows = query
        .order(audit_log::seq.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |e| e.seq.to_string()))
}

#[cfg(test)]
mod tests;
