//! Reorganising agencies (Vietnam merged and renamed many departments and abolished districts in
//! 2025): merging one agency into another moves its sections, sites, child agencies and users,
//! and keeps it, inactive, so that history still names it. Orchestrated here because it touches
//! both the section domain and the accounts.

use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::Error;
use portal_db::schema::users;
use portal_db::{now, write_transaction, DbConn};
use portal_sections::admin::{active_agency, holdings, reassign_holdings, set_agency_inactive};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeReport {
    pub sections: usize,
    pub sites: usize,
    pub child_agencies: usize,
    pub users: usize,
}

pub fn merge_agencies(
    conn: &mut DbConn,
    actor: &Actor,
    from: &str,
    into: &str,
) -> Result<MergeReport, Error> {
    if from == into {
        return Err(Error::field(
            "into",
            "same_agency",
            "an agency cannot be merged into itself",
        ));
    }
    write_transaction(conn, |conn| {
        let source = active_agency(conn, "code", from).map_err(|e| match e {
            Error::Validation(_) => Error::not_found("active agency", from),
            other => other,
        })?;
        let target = active_agency(conn, "into", into)?;
        let (sections, sites, child_agencies) = reassign_holdings(conn, source.id, target.id)?;
        // The moved users' scopes change: their tokens are re-issued at the next refresh.
        let users = diesel::update(users::table.filter(users::agency_id.eq(source.id)))
            .set((
                users::agency_id.eq(target.id),
                users::token_version.eq(users::token_version + 1),
                users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        set_agency_inactive(conn, source.id)?;
        let report = MergeReport {
            sections,
            sites,
            child_agencies,
            users,
        };
        portal_audit::append(
            conn,
            actor,
            "agency.merge",
            Some(&format!("agency:{from}")),
            Some(&json!({"code": from, "active": true})),
            Some(&json!({"active": false, "merged_into": into, "moved": {
                "sections": sections, "sites": sites, "child_agencies": child_agencies, "users": users}})),
        )?;
        Ok(report)
    })
}

/// Deactivates an agency that no longer holds anything; one that does must be merged or have its
/// sections transferred first, so nothing is left without an owner.
pub fn deactivate_agency(conn: &mut DbConn, actor: &Actor, code: &str) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let agency = portal_sections::agencies::by_code(conn, code)?;
        if !agency.active {
            return Ok(());
        }
        let (sections, sites) = holdings(conn, agency.id)?;
        let active_users: i64 = users::table
            .filter(users::agency_id.eq(agency.id))
            .filter(users::status.ne(crate::model::UserStatus::Disabled))
            .count()
            .get_result(conn)?;
        if sections > 0 || sites > 0 || active_users > 0 {
            return Err(Error::Conflict(format!(
                "agency '{code}' still owns {sections} section(s) and {sites} site(s) and has {active_users} active user(s); \
                 transfer them or merge the agency instead"
            )));
        }
        set_agency_inactive(conn, agency.id)?;
        portal_audit::append(
            conn,
            actor,
            "agency.deactivate",
            Some(&format!("agency:{code}")),
            Some(&json!({"active": true})),
            Some(&json!({"active": false})),
        )?;
        Ok(())
    })
}
