//! Reading the audit log (Điều 12, 14): the province-wide log to whoever holds `audit:read`
//! (operators); a chief editor with `audit:read:site:<key>` reads only their sites' events, and
//! without the addresses and browsers of the people behind them (personal data they do not need).

use portal_audit::{AuditEntry, AuditFilter};
use portal_core::{Error, Page, PageRequest};
use portal_db::DbConn;

use crate::{AuditReach, Principal};

/// The filters as asked; the sites come from the caller's reach, never from the request.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub from: Option<chrono::NaiveDateTime>,
    pub to: Option<chrono::NaiveDateTime>,
}

pub fn list(
    conn: &mut DbConn,
    principal: &Principal,
    query: AuditQuery,
    page: &PageRequest,
) -> Result<Page<AuditEntry>, Error> {
    let reach = principal.audit_reach()?;
    let sites = match &reach {
        AuditReach::Province => None,
        AuditReach::Sites(keys) => Some(portal_sections::sites::ids_of(conn, keys)?),
    };
    let filter = AuditFilter {
        sites,
        actor: query.actor,
        action: query.action,
        target: query.target,
        from: query.from,
        to: query.to,
    };
    let mut page = portal_audit::list(conn, &filter, page)?;
    if reach != AuditReach::Province {
        for entry in &mut page.items {
            entry.client_ip = None;
            entry.user_agent = None;
        }
    }
    Ok(page)
}
