//! The scope grammar and how scopes are computed from roles and section ownership.
//!
//! ```text
//! scope      = "account:self"                        every signed-in user: own password, TOTP
//!            | "content:write:section:" section-id   post into one section (contributors: their
//!                                                    agency's sections; limited editors)
//!            | "content:write:site:" site-key        post anywhere on a site (editors, chief editor)
//!            | "content:review:section:" section-id  review one section (limited editors, Điều 19.4)
//!            | "content:review:site:" site-key       review on a site (editors, chief editor)
//!            | "content:publish:site:" site-key      approve and publish (chief editor, Điều 10.2.b)
//!            | "sections:manage:site:" site-key      manage the section tree (chief editor, operators)
//!            | "content:read:site:" site-key         read a site's published content (API keys)
//!            | "feedback:answer:agency:" agency-code answer feedback in the agency's remit (Điều 11.3)
//!            | "accounts:manage" | "agencies:manage" | "sites:manage" | "apikeys:manage"
//!            | "feedback:triage" | "royalties:manage" | "reports:read" | "webhooks:manage"
//!            | "audit:read"                          the province-wide audit log: operators (Điều 21)
//!            | "audit:read:site:" site-key           the audit of one site's content, sections and
//!                                                    settings, without addresses (chief editors)
//! ```

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::{agencies, editor_sections, role_grants, sections, sites};
use portal_db::DbConn;

use crate::model::{Grant, Role, User};

pub const ACCOUNT_SELF: &str = "account:self";
pub const ACCOUNTS_MANAGE: &str = "accounts:manage";
pub const AGENCIES_MANAGE: &str = "agencies:manage";
pub const SITES_MANAGE: &str = "sites:manage";
pub const APIKEYS_MANAGE: &str = "apikeys:manage";
pub const AUDIT_READ: &str = "audit:read";
pub const WEBHOOKS_MANAGE: &str = "webhooks:manage";

const OPERATOR_SCOPES: [&str; 9] = [
    ACCOUNTS_MANAGE,
    AGENCIES_MANAGE,
    SITES_MANAGE,
    APIKEYS_MANAGE,
    AUDIT_READ,
    WEBHOOKS_MANAGE,
    "feedback:triage",
    "royalties:manage",
    "reports:read",
];

/// Reading the audit of one site (its content, sections and settings), not the province's.
pub fn audit_read_site(site_key: &str) -> String {
    format!("audit:read:site:{site_key}")
}

pub fn sections_manage(site_key: &str) -> String {
    format!("sections:manage:site:{site_key}")
}

pub fn content_write_section(section_id: i64) -> String {
    format!("content:write:section:{section_id}")
}

pub fn content_write_site(site_key: &str) -> String {
    format!("content:write:site:{site_key}")
}

pub fn content_read_site(site_key: &str) -> String {
    format!("content:read:site:{site_key}")
}

/// A principal's scopes. Checks are exact string matches, with one rule of inclusion: a site-wide
/// content scope covers every section of that site (see `allows_section`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<String>);

impl ScopeSet {
    pub fn parse(space_separated: &str) -> Self {
        Self(
            space_separated
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        )
    }

    pub fn allows(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    /// `content:<action>:section:<id>`, or the same action site-wide on the section's site.
    pub fn allows_section(&self, action: &str, section_id: i64, site_key: &str) -> bool {
        self.allows(&format!("content:{action}:section:{section_id}"))
            || self.allows(&format!("content:{action}:site:{site_key}"))
    }

    /// The site keys a family of per-site scopes names (`prefix` like `audit:read:site:`).
    pub fn sites_with(&self, prefix: &str) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|s| s.strip_prefix(prefix).map(str::to_string))
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn to_claim(&self) -> String {
        self.iter().collect::<Vec<_>>().join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The user's roles on active sites, with editors' assigned sections.
pub fn grants_of(conn: &mut DbConn, user_id: i64) -> Result<Vec<Grant>, Error> {
    let rows: Vec<(i64, String, String)> = role_grants::table
        .inner_join(sites::table)
        .filter(role_grants::user_id.eq(user_id))
        .filter(sites::active.eq(true))
        .order((sites::key.asc(), role_grants::role.asc()))
        .select((sites::id, sites::key, role_grants::role))
        .load(conn)?;
    let assigned: Vec<(i64, i64)> = editor_sections::table
        .inner_join(sections::table)
        .filter(editor_sections::user_id.eq(user_id))
        .select((sections::site_id, sections::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(site_id, site_key, role)| {
            let role = Role::parse(&role)?;
            let sections = if role == Role::Editor {
                assigned
                    .iter()
                    .filter(|(s, _)| *s == site_id)
                    .map(|(_, id)| *id)
                    .collect()
            } else {
                Vec::new()
            };
            Some(Grant {
                site_id,
                site_key,
                role,
                sections,
            })
        })
        .collect())
}

/// The scopes a user's token carries, computed from their grants and the current ownership of
/// sections by their agency.
pub fn for_user(conn: &mut DbConn, user: &User) -> Result<ScopeSet, Error> {
    let grants = grants_of(conn, user.id)?;
    let mut scopes = BTreeSet::from([ACCOUNT_SELF.to_string()]);
    let agency_code: String = agencies::table
        .filter(agencies::id.eq(user.agency_id))
        .select(agencies::code)
        .first(conn)?;
    let mut owned_by_site: HashMap<i64, Vec<i64>> = HashMap::new();
    let owned: Vec<(i64, i64)> = sections::table
        .filter(sections::owner_agency_id.eq(user.agency_id))
        .select((sections::site_id, sections::id))
        .load(conn)?;
    for (site_id, section_id) in owned {
        owned_by_site.entry(site_id).or_default().push(section_id);
    }
    for grant in &grants {
        let key = &grant.site_key;
        match grant.role {
            Role::Contributor => {
                for id in owned_by_site.get(&grant.site_id).into_iter().flatten() {
                    scopes.insert(content_write_section(*id));
                }
                scopes.insert(format!("feedback:answer:agency:{agency_code}"));
            }
            Role::Editor if !grant.sections.is_empty() => {
                for id in &grant.sections {
                    scopes.insert(content_write_section(*id));
                    scopes.insert(format!("content:review:section:{id}"));
                }
            }
            Role::Editor => {
                scopes.insert(content_write_site(key));
                scopes.insert(format!("content:review:site:{key}"));
            }
            Role::ChiefEditor => {
                scopes.insert(content_write_site(key));
                scopes.insert(format!("content:review:site:{key}"));
                scopes.insert(format!("content:publish:site:{key}"));
                scopes.insert(sections_manage(key));
                // Their own site's audit only: the province-wide log holds the e-mails and
                // addresses of every site's users.
                scopes.insert(audit_read_site(key));
            }
            Role::Operator => {
                scopes.extend(OPERATOR_SCOPES.iter().map(|s| s.to_string()));
                let all_sites: Vec<String> = sites::table
                    .filter(sites::active.eq(true))
                    .select(sites::key)
                    .load(conn)?;
                scopes.extend(all_sites.iter().map(|k| sections_manage(k)));
            }
        }
    }
    Ok(ScopeSet(scopes))
}

/// Scopes an API key may be given: reading a site's published content, managing webhooks.
pub fn validate_api_key_scope(conn: &mut DbConn, scope: &str) -> Result<(), String> {
    if scope == WEBHOOKS_MANAGE {
        return Ok(());
    }
    if let Some(key) = scope.strip_prefix("content:read:site:") {
        let exists: i64 = sites::table
            .filter(sites::key.eq(key))
            .count()
            .get_result(conn)
            .map_err(|e| e.to_string())?;
        return if exists > 0 {
            Ok(())
        } else {
            Err(format!("site '{key}' does not exist"))
        };
    }
    Err(format!(
        "'{scope}' is not a scope an API key may hold (content:read:site:<key> or webhooks:manage)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_wide_content_scope_covers_its_sections_only() {
        let scopes = ScopeSet::parse("content:write:site:quang-nam content:write:section:42");
        assert!(scopes.allows_section("write", 7, "quang-nam"));
        assert!(scopes.allows_section("write", 42, "hoi-an"));
        assert!(!scopes.allows_section("write", 7, "hoi-an"));
        assert!(!scopes.allows_section("review", 42, "hoi-an"));
        assert!(!scopes.allows("content:write:site:quang"));
    }
}
