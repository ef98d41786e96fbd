//! The scope grammar, typed, and how scopes are computed from roles and section ownership.
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
//!            | "consultations:manage:agency:" code   the agency's drafts put out for comment and
//!                                                    their comments (contributors, Điều 7.2.n)
//!            | "accounts:manage" | "agencies:manage" | "sites:manage" | "apikeys:manage"
//!            | "feedback:triage" | "royalties:manage" | "reports:read" | "webhooks:manage"
//!            | "feedback:submit"                     send citizens' cases from an app (API keys, Open311)
//!            | "services:manage"                     the catalogue of online public services (operators, Điều 13)
//!            | "services:write:agency:" agency-code  report the figures of the agency's services (API keys)
//!            | "types:manage"                        define content types and migrate their items (operators, Điều 7.2)
//!            | "audit:read"                          the province-wide audit log: operators (Điều 21)
//!            | "audit:read:site:" site-key           the audit of one site's content, sections and
//!                                                    settings, without addresses (chief editors)
//! ```
//!
//! A scope is parsed once, when a token or an API key is read, into [`Scope`]; everything after
//! that matches on the enum. The wire spelling lives only in [`Scope::fmt`] and [`Scope::parse`],
//! and what a scope lets its holder do is asked through [`crate::access`].

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::{editor_sections, role_grants};
use portal_db::DbConn;

use crate::model::{Grant, Role, User};

/// What a scope lets its holder do on content: post, review, publish or (API keys) read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContentAction {
    Write,
    Review,
    Publish,
    Read,
}

impl ContentAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentAction::Write => "write",
            ContentAction::Review => "review",
            ContentAction::Publish => "publish",
            ContentAction::Read => "read",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Write, Self::Review, Self::Publish, Self::Read]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One permission a token or an API key carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    AccountSelf,
    /// `content:<action>:section:<id>`: write or review (never publish or read) in one section.
    ContentInSection(ContentAction, i64),
    /// `content:<action>:site:<key>`: the action anywhere on one site.
    ContentOnSite(ContentAction, String),
    ManageSections(String),
    AnswerFeedback(String),
    /// `consultations:manage:agency:<code>`: the agency's drafts put out for comment (Điều 7.2.n).
    ManageConsultations(String),
    AuditReadSite(String),
    AccountsManage,
    AgenciesManage,
    SitesManage,
    ApiKeysManage,
    FeedbackTriage,
    /// `feedback:submit`: an integrator's app sends citizens' cases (Open311) without the web
    /// form's token; API keys only.
    FeedbackSubmit,
    RoyaltiesManage,
    /// `services:manage`: the catalogue of online public services (Điều 13).
    ServicesManage,
    /// `services:write:agency:<code>`: an integrator reports the figures of one agency's services.
    ServicesWrite(String),
    /// `types:manage`: content types defined at run time and the migration of their items.
    TypesManage,
    ReportsRead,
    WebhooksManage,
    AuditRead,
}

/// The scopes without a parameter, with their wire names.
const PLAIN: [(Scope, &str); 13] = [
    (Scope::AccountSelf, "account:self"),
    (Scope::AccountsManage, "accounts:manage"),
    (Scope::AgenciesManage, "agencies:manage"),
    (Scope::SitesManage, "sites:manage"),
    (Scope::ApiKeysManage, "apikeys:manage"),
    (Scope::FeedbackTriage, "feedback:triage"),
    (Scope::FeedbackSubmit, "feedback:submit"),
    (Scope::RoyaltiesManage, "royalties:manage"),
    (Scope::ServicesManage, "services:manage"),
    (Scope::TypesManage, "types:manage"),
    (Scope::ReportsRead, "reports:read"),
    (Scope::WebhooksManage, "webhooks:manage"),
    (Scope::AuditRead, "audit:read"),
];

/// What operators hold on every site (Điều 21): everything that is not one board's work.
const OPERATOR_SCOPES: [Scope; 11] = [
    Scope::AccountsManage,
    Scope::AgenciesManage,
    Scope::SitesManage,
    Scope::ApiKeysManage,
    Scope::AuditRead,
    Scope::WebhooksManage,
    Scope::FeedbackTriage,
    Scope::RoyaltiesManage,
    Scope::ServicesManage,
    Scope::TypesManage,
    Scope::ReportsRead,
];

impl Scope {
    /// Parses one scope in its wire spelling; `None` for anything outside the grammar above.
    pub fn parse(s: &str) -> Option<Scope> {
        if let Some((scope, _)) = PLAIN.iter().find(|(_, name)| *name == s) {
            return Some(scope.clone());
        }
        let nonempty = |v: &str| (!v.is_empty()).then(|| v.to_string());
        if let Some(rest) = s.strip_prefix("content:") {
            let (action, rest) = rest.split_once(':')?;
            let action = ContentAction::parse(action)?;
            if let Some(key) = rest.strip_prefix("site:") {
                return nonempty(key).map(|k| Scope::ContentOnSite(action, k));
            }
            let id_text = rest.strip_prefix("section:")?;
            // Section scopes exist for writing and reviewing only (see `for_user`).
            if !matches!(action, ContentAction::Write | ContentAction::Review) {
                return None;
            }
            // "007" or "+7" are not spellings of section 7.
            let id: i64 = id_text
                .parse()
                .ok()
                .filter(|id: &i64| *id > 0 && id.to_string() == id_text)?;
            return Some(Scope::ContentInSection(action, id));
        }
        if let Some(key) = s.strip_prefix("sections:manage:site:") {
            return nonempty(key).map(Scope::ManageSections);
        }
        if let Some(code) = s.strip_prefix("feedback:answer:agency:") {
            return nonempty(code).map(Scope::AnswerFeedback);
        }
        if let Some(code) = s.strip_prefix("consultations:manage:agency:") {
            return nonempty(code).map(Scope::ManageConsultations);
        }
        if let Some(code) = s.strip_prefix("services:write:agency:") {
            return nonempty(code).map(Scope::ServicesWrite);
        }
        if let Some(key) = s.strip_prefix("audit:read:site:") {
            return nonempty(key).map(Scope::AuditReadSite);
        }
        None
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::ContentInSection(action, id) => {
                write!(f, "content:{}:section:{id}", action.as_str())
            }
            Scope::ContentOnSite(action, key) => {
                write!(f, "content:{}:site:{key}", action.as_str())
            }
            Scope::ManageSections(key) => write!(f, "sections:manage:site:{key}"),
            Scope::AnswerFeedback(code) => write!(f, "feedback:answer:agency:{code}"),
            Scope::ManageConsultations(code) => write!(f, "consultations:manage:agency:{code}"),
            Scope::AuditReadSite(key) => write!(f, "audit:read:site:{key}"),
            Scope::ServicesWrite(code) => write!(f, "services:write:agency:{code}"),
            plain => {
                let name = PLAIN
                    .iter()
                    .find(|(scope, _)| scope == plain)
                    .map_or("", |(_, name)| *name);
                f.write_str(name)
            }
        }
    }
}

/// A principal's scopes. Checks are exact matches, with one rule of inclusion: a site-wide
/// content scope covers every section of that site (see `crate::access`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// The scopes of a token's claim or an API key's column. A name outside the grammar (a token
    /// signed by a newer release, say) grants nothing and is dropped here, once.
    pub fn parse(space_separated: &str) -> Self {
        Self(
            space_separated
                .split_whitespace()
                .filter_map(Scope::parse)
                .collect(),
        )
    }

    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().collect())
    }

    pub fn contains(&self, scope: &Scope) -> bool {
        self.0.contains(scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    pub fn to_claim(&self) -> String {
        self.iter()
            .map(Scope::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The user's roles on active sites, with editors' assigned sections, in site-key order.
pub fn grants_of(conn: &mut DbConn, user_id: i64) -> Result<Vec<Grant>, Error> {
    let held: Vec<(i64, Role)> = role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .select((role_grants::site_id, role_grants::role))
        .load(conn)?;
    let site_ids: Vec<i64> = held.iter().map(|(site, _)| *site).collect();
    let keys = portal_sections::sites::active_keys_by_id(conn, &site_ids)?;
    let assigned_ids: Vec<i64> = editor_sections::table
        .filter(editor_sections::user_id.eq(user_id))
        .select(editor_sections::section_id)
        .load(conn)?;
    let assigned = portal_sections::sections::sites_of(conn, &assigned_ids)?;
    let mut grants: Vec<Grant> = held
        .into_iter()
        .filter_map(|(site_id, role)| {
            let site_key = keys.get(&site_id)?.clone();
            let mut sections: Vec<i64> = if role == Role::Editor {
                assigned
                    .iter()
                    .filter(|(s, _)| *s == site_id)
                    .map(|(_, id)| *id)
                    .collect()
            } else {
                Vec::new()
            };
            sections.sort_unstable();
            Some(Grant {
                site_id,
                site_key,
                role,
                sections,
            })
        })
        .collect();
    grants.sort_by(|a, b| (&a.site_key, a.role.as_str()).cmp(&(&b.site_key, b.role.as_str())));
    Ok(grants)
}

/// The scopes a user's token carries, computed from their grants and the current ownership of
/// sections by their agency.
pub fn for_user(conn: &mut DbConn, user: &User) -> Result<ScopeSet, Error> {
    use ContentAction::{Publish, Review, Write};
    let grants = grants_of(conn, user.id)?;
    let mut scopes = BTreeSet::from([Scope::AccountSelf]);
    let agency_code = portal_sections::agencies::code_of(conn, user.agency_id)?;
    let mut owned_by_site: HashMap<i64, Vec<i64>> = HashMap::new();
    let owned = portal_sections::sections::owned_by(conn, user.agency_id)?;
    for (site_id, section_id) in owned {
        owned_by_site.entry(site_id).or_default().push(section_id);
    }
    for grant in &grants {
        let key = &grant.site_key;
        match grant.role {
            Role::Contributor => {
                for id in owned_by_site.get(&grant.site_id).into_iter().flatten() {
                    scopes.insert(Scope::ContentInSection(Write, *id));
                }
                scopes.insert(Scope::AnswerFeedback(agency_code.clone()));
                // Every agency puts its own drafts out for comment (Điều 7.2.n), whoever owns
                // the consultation section.
                scopes.insert(Scope::ManageConsultations(agency_code.clone()));
            }
            Role::Editor if !grant.sections.is_empty() => {
                for id in &grant.sections {
                    scopes.insert(Scope::ContentInSection(Write, *id));
                    scopes.insert(Scope::ContentInSection(Review, *id));
                }
            }
            Role::Editor => {
                scopes.insert(Scope::ContentOnSite(Write, key.clone()));
                scopes.insert(Scope::ContentOnSite(Review, key.clone()));
            }
            Role::ChiefEditor => {
                scopes.insert(Scope::ContentOnSite(Write, key.clone()));
                scopes.insert(Scope::ContentOnSite(Review, key.clone()));
                scopes.insert(Scope::ContentOnSite(Publish, key.clone()));
                scopes.insert(Scope::ManageSections(key.clone()));
                // Their own site's audit only: the province-wide log holds the e-mails and
                // addresses of every site's users.
                scopes.insert(Scope::AuditReadSite(key.clone()));
            }
            Role::Operator => {
                scopes.extend(OPERATOR_SCOPES.iter().cloned());
                let all_sites = portal_sections::sites::active_keys(conn)?;
                scopes.extend(all_sites.into_iter().map(Scope::ManageSections));
            }
        }
    }
    Ok(ScopeSet(scopes))
}

/// Scopes an API key may be given: reading a site's published content, managing webhooks,
/// sending citizens' cases, reporting an agency's online-service figures.
pub fn validate_api_key_scope(conn: &mut DbConn, scope: &str) -> Result<Scope, String> {
    let refusal = || {
        format!(
            "'{scope}' is not a scope an API key may hold (content:read:site:<key>, webhooks:manage, feedback:submit or services:write:agency:<code>)"
        )
    };
    match Scope::parse(scope) {
        Some(Scope::WebhooksManage) => Ok(Scope::WebhooksManage),
        Some(Scope::FeedbackSubmit) => Ok(Scope::FeedbackSubmit),
        Some(Scope::ContentOnSite(ContentAction::Read, key)) => {
            let exists = portal_sections::sites::by_key(conn, &key)
                .map_err(|e| e.to_string())?
                .is_some();
            if exists {
                Ok(Scope::ContentOnSite(ContentAction::Read, key))
            } else {
                Err(format!("site '{key}' does not exist"))
            }
        }
        Some(Scope::ServicesWrite(code)) => {
            match portal_sections::agencies::find_by_code(conn, &code).map_err(|e| e.to_string())? {
                Some(_) => Ok(Scope::ServicesWrite(code)),
                None => Err(format!("agency '{code}' does not exist")),
            }
        }
        _ => Err(refusal()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_reads_back_as_itself() {
        let all = [
            "account:self",
            "content:write:section:42",
            "content:write:site:quang-nam",
            "content:review:section:7",
            "content:review:site:hoi-an",
            "content:publish:site:quang-nam",
            "content:read:site:quang-nam",
            "sections:manage:site:quang-nam",
            "feedback:answer:agency:so-tttt",
            "consultations:manage:agency:so-tp",
            "accounts:manage",
            "agencies:manage",
            "sites:manage",
            "apikeys:manage",
            "feedback:triage",
            "feedback:submit",
            "royalties:manage",
            "services:manage",
            "services:write:agency:so-tp",
            "types:manage",
            "reports:read",
            "webhooks:manage",
            "audit:read",
            "audit:read:site:quang-nam",
        ];
        for text in all {
            let scope = Scope::parse(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(scope.to_string(), text);
        }
    }

    #[test]
    fn names_outside_the_grammar_grant_nothing() {
        for text in [
            "",
            "content:write:site:",
            "content:write:section:007",
            "content:write:section:+7",
            "content:write:section:-1",
            "content:publish:section:7",
            "content:read:section:7",
            "content:delete:site:quang-nam",
            "accounts:manage:site:quang-nam",
            "audit:read:site:",
            "ACCOUNTS:MANAGE",
        ] {
            assert_eq!(Scope::parse(text), None, "{text:?}");
        }
        let set = ScopeSet::parse("account:self bogus content:write:section:x");
        assert_eq!(set.to_claim(), "account:self");
    }
}
