//! What a principal may do: the one place where scopes are read. Handlers and use cases ask in
//! terms of their own work ("write to this section", "publish on this site") and never spell a
//! scope or a role; a refusal is a 403 naming the scope that was missing.

use portal_audit::Actor;
use portal_core::Error;

use crate::principal::Principal;
use crate::scopes::{ContentAction, Scope};

/// Who is acting in a use case: what they may do, and how the audit log names them (with the
/// address and browser they called from). Every domain's front door takes one.
#[derive(Debug, Clone)]
pub struct Acting {
    pub principal: Principal,
    pub actor: Actor,
}

/// What a caller wants to do with one item, as the handlers and the workflow's steps ask it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemAccess {
    /// See its working copy, revisions, comments: whoever may write to or review its section.
    Read,
    Write,
    Review,
    /// Approve, unpublish, archive, restore: the site's chief editor (Điều 10.2.b).
    Publish,
}

/// The sites and sections whose content the principal may write to or review (the admin lists).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentReach {
    pub site_keys: Vec<String>,
    pub section_ids: Vec<i64>,
}

/// Where the principal takes part in review (Điều 10.2): as reviewer of sites or sections, or as
/// the chief editor who approves on a site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewReach {
    pub review_sites: Vec<String>,
    pub review_sections: Vec<i64>,
    pub publish_sites: Vec<String>,
}

impl ReviewReach {
    pub fn is_empty(&self) -> bool {
        self.review_sites.is_empty()
            && self.review_sections.is_empty()
            && self.publish_sites.is_empty()
    }
}

/// Which audit events the principal may read (Điều 21): the province's, with addresses
/// (operators), or those of the sites they lead, without them (chief editors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditReach {
    Province,
    Sites(Vec<String>),
}

impl Principal {
    pub fn may(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }

    /// Refuses with 403 unless the principal holds `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), Error> {
        if self.may(&scope) {
            Ok(())
        } else {
            Err(Error::forbidden_scope(&scope.to_string()))
        }
    }

    /// A content action in one section: its section scope, or the same action on its whole site.
    pub fn may_in_section(&self, action: ContentAction, section_id: i64, site_key: &str) -> bool {
        self.may(&Scope::ContentInSection(action, section_id))
            || self.may(&Scope::ContentOnSite(action, site_key.to_string()))
    }

    pub fn require_in_section(
        &self,
        action: ContentAction,
        section_id: i64,
        site_key: &str,
    ) -> Result<(), Error> {
        if self.may_in_section(action, section_id, site_key) {
            Ok(())
        } else {
            Err(Error::forbidden_scope(
                &Scope::ContentInSection(action, section_id).to_string(),
            ))
        }
    }

    /// Reading an item's working copy in the admin API: whoever may write to or review its section.
    pub fn require_read_in_section(&self, section_id: i64, site_key: &str) -> Result<(), Error> {
        if self.may_in_section(ContentAction::Review, section_id, site_key) {
            return Ok(());
        }
        self.require_in_section(ContentAction::Write, section_id, site_key)
    }

    /// `access` to an item in `section_id` of the site `site_key`.
    pub fn require_on_item(
        &self,
        access: ItemAccess,
        section_id: i64,
        site_key: &str,
    ) -> Result<(), Error> {
        match access {
            ItemAccess::Read => self.require_read_in_section(section_id, site_key),
            ItemAccess::Write => {
                self.require_in_section(ContentAction::Write, section_id, site_key)
            }
            ItemAccess::Review => {
                self.require_in_section(ContentAction::Review, section_id, site_key)
            }
            ItemAccess::Publish => self.require_publish_on(site_key),
        }
    }

    /// Approving, publishing, restoring deleted items: the site's chief editor (Điều 10.2.b).
    pub fn require_publish_on(&self, site_key: &str) -> Result<(), Error> {
        self.require(Scope::ContentOnSite(
            ContentAction::Publish,
            site_key.to_string(),
        ))
    }

    /// Whether the caller is the chief editor of some site: the first check of a step whose site
    /// is known only once its target is read, so that others are refused before any lookup.
    pub fn require_publish_somewhere(&self) -> Result<(), Error> {
        let publishes = self
            .scopes
            .iter()
            .any(|scope| matches!(scope, Scope::ContentOnSite(ContentAction::Publish, _)));
        if publishes {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only a site's chief editor publishes (Điều 10.2.b)".into(),
            ))
        }
    }

    /// The whole board of a site: its site-wide reviewers and its chief editor.
    pub fn require_board_of(&self, site_key: &str) -> Result<(), Error> {
        let key = site_key.to_string();
        if self.may(&Scope::ContentOnSite(ContentAction::Publish, key.clone())) {
            return Ok(());
        }
        self.require(Scope::ContentOnSite(ContentAction::Review, key))
    }

    pub fn require_manage_sections(&self, site_key: &str) -> Result<(), Error> {
        self.require(Scope::ManageSections(site_key.to_string()))
    }

    /// Triage of citizens' cases and the working-day calendar (Điều 11.2): the IT centre.
    pub fn require_feedback_triage(&self) -> Result<(), Error> {
        self.require(Scope::FeedbackTriage)
    }

    /// Working on the cases forwarded to one agency (Điều 11.3): its staff. Signing the answer
    /// also needs the agency's head or a named deputy, which `portal-feedback` records.
    pub fn require_answer_for(&self, agency_code: &str) -> Result<(), Error> {
        self.require(Scope::AnswerFeedback(agency_code.to_string()))
    }

    /// Sending citizens' cases from an integrator's app (Open311), instead of the web form.
    pub fn require_feedback_submit(&self) -> Result<(), Error> {
        self.require(Scope::FeedbackSubmit)
    }

    /// Reporting the figures of an agency's online services (Điều 13): an integrator's key for
    /// that agency, or the IT centre.
    pub fn require_services_write(&self, agency_code: &str) -> Result<(), Error> {
        if self.may(&Scope::ServicesManage) {
            return Ok(());
        }
        self.require(Scope::ServicesWrite(agency_code.to_string()))
    }

    /// Opening, revising and concluding one agency's public consultations, and moderating their
    /// comments (Điều 7.2.n): its staff.
    pub fn require_consultations_for(&self, agency_code: &str) -> Result<(), Error> {
        self.require(Scope::ManageConsultations(agency_code.to_string()))
    }

    /// The agencies whose forwarded cases the principal may work on.
    pub fn feedback_agencies(&self) -> Vec<String> {
        self.scopes
            .iter()
            .filter_map(|scope| match scope {
                Scope::AnswerFeedback(code) => Some(code.clone()),
                _ => None,
            })
            .collect()
    }

    /// The activity reports of Điều 21.6 and 25.2 (operators).
    pub fn require_reports(&self) -> Result<(), Error> {
        self.require(Scope::ReportsRead)
    }

    /// Naming who heads an agency for signing its answers: whoever manages accounts.
    pub fn require_accounts_manage(&self) -> Result<(), Error> {
        self.require(Scope::AccountsManage)
    }

    pub fn content_reach(&self) -> ContentReach {
        let mut reach = ContentReach::default();
        for scope in self.scopes.iter() {
            match scope {
                Scope::ContentOnSite(ContentAction::Write | ContentAction::Review, key) => {
                    reach.site_keys.push(key.clone())
                }
                Scope::ContentInSection(ContentAction::Write | ContentAction::Review, id) => {
                    reach.section_ids.push(*id)
                }
                _ => {}
            }
        }
        reach.site_keys.dedup();
        reach.section_ids.dedup();
        reach
    }

    /// Where the principal reviews or approves; refused when nowhere.
    pub fn review_reach(&self) -> Result<ReviewReach, Error> {
        let mut reach = ReviewReach::default();
        for scope in self.scopes.iter() {
            match scope {
                Scope::ContentOnSite(ContentAction::Review, key) => {
                    reach.review_sites.push(key.clone())
                }
                Scope::ContentInSection(ContentAction::Review, id) => {
                    reach.review_sections.push(*id)
                }
                Scope::ContentOnSite(ContentAction::Publish, key) => {
                    reach.publish_sites.push(key.clone())
                }
                _ => {}
            }
        }
        if reach.is_empty() {
            return Err(Error::Forbidden(
                "the credentials carry no content:review or content:publish scope".into(),
            ));
        }
        Ok(reach)
    }

    /// The audit the principal may read; refused (naming `audit:read`) when none.
    pub fn audit_reach(&self) -> Result<AuditReach, Error> {
        if self.may(&Scope::AuditRead) {
            return Ok(AuditReach::Province);
        }
        let sites: Vec<String> = self
            .scopes
            .iter()
            .filter_map(|scope| match scope {
                Scope::AuditReadSite(key) => Some(key.clone()),
                _ => None,
            })
            .collect();
        if sites.is_empty() {
            return Err(Error::forbidden_scope(&Scope::AuditRead.to_string()));
        }
        Ok(AuditReach::Sites(sites))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::PrincipalKind;
    use crate::scopes::ScopeSet;

    fn holding(scopes: &str) -> Principal {
        Principal {
            kind: PrincipalKind::User {
                id: 1,
                username: "u".into(),
                agency: "so-tttt".into(),
            },
            scopes: ScopeSet::parse(scopes),
        }
    }

    #[test]
    fn a_site_wide_scope_covers_its_own_sections_only() {
        use ContentAction::{Review, Write};
        let p = holding("content:write:site:quang-nam content:write:section:42");
        assert!(p.may_in_section(Write, 7, "quang-nam"));
        assert!(p.may_in_section(Write, 42, "hoi-an"));
        assert!(!p.may_in_section(Write, 7, "hoi-an"));
        assert!(!p.may_in_section(Review, 42, "hoi-an"));
        assert!(!p.may_in_section(Write, 7, "quang"));
    }

    #[test]
    fn a_refusal_names_the_section_scope_that_was_missing() {
        let p = holding("content:write:section:42");
        let err = p
            .require_in_section(ContentAction::Review, 42, "quang-nam")
            .expect_err("a writer is not a reviewer");
        assert!(
            matches!(&err, Error::Forbidden(m) if m.contains("'content:review:section:42'")),
            "{err:?}"
        );
        // Reading the working copy falls back to the write scope's name when neither is held.
        let err = holding("account:self")
            .require_read_in_section(9, "quang-nam")
            .expect_err("refused");
        assert!(matches!(&err, Error::Forbidden(m) if m.contains("'content:write:section:9'")));
        assert!(p.require_read_in_section(42, "quang-nam").is_ok());
    }

    #[test]
    fn publishing_is_the_chief_editors_alone_editors_review() {
        // Điều 10.2.b: approval belongs to the chief editor; an editor reviews but cannot publish.
        let editor = holding("content:write:site:quang-nam content:review:site:quang-nam");
        assert!(editor.require_publish_on("quang-nam").is_err());
        assert!(editor.require_board_of("quang-nam").is_ok());
        assert!(editor.require_board_of("hoi-an").is_err());
        let chief = holding("content:publish:site:hoi-an");
        assert!(chief.require_publish_on("hoi-an").is_ok());
        assert!(chief.require_board_of("hoi-an").is_ok());
        assert!(chief.require_publish_on("quang-nam").is_err());
    }

    #[test]
    fn reaches_list_what_the_scopes_name_and_nothing_else() {
        let p = holding(
            "content:write:section:3 content:review:section:3 content:review:site:hoi-an \
             content:publish:site:hoi-an content:read:site:quang-nam sections:manage:site:x",
        );
        assert_eq!(
            p.content_reach(),
            ContentReach {
                site_keys: vec!["hoi-an".into()],
                section_ids: vec![3],
            }
        );
        let review = p.review_reach().expect("a reviewer");
        assert_eq!(review.review_sites, vec!["hoi-an".to_string()]);
        assert_eq!(review.review_sections, vec![3]);
        assert_eq!(review.publish_sites, vec!["hoi-an".to_string()]);
        assert!(holding("content:write:section:3").review_reach().is_err());
    }

    #[test]
    fn the_province_audit_is_for_operators_a_chief_reads_their_sites() {
        assert_eq!(
            holding("audit:read audit:read:site:x").audit_reach().ok(),
            Some(AuditReach::Province)
        );
        assert_eq!(
            holding("audit:read:site:hoi-an").audit_reach().ok(),
            Some(AuditReach::Sites(vec!["hoi-an".into()]))
        );
        let err = holding("content:publish:site:hoi-an")
            .audit_reach()
            .expect_err("no audit scope");
        assert!(matches!(&err, Error::Forbidden(m) if m.contains("'audit:read'")));
    }
}
