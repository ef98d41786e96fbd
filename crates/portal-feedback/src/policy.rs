//! The dated policy of the feedback service: which agency supervises (Điều 11.4: Sở TT&TT gets
//! what no agency answers), how many working days past its due date an open case goes up to it,
//! and how many days after closing a case's personal data is kept (NĐ 13/2023, Điều 3: no
//! longer than the purpose needs). Data with its basis, never constants: a new figure is a row.

use chrono::NaiveDate;
use diesel::prelude::*;
use portal_core::Error;
use portal_db::schema::feedback_policies;
use portal_db::DbConn;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = feedback_policies)]
pub struct Policy {
    pub id: i64,
    pub supervising_agency: String,
    pub escalation_grace_days: i32,
    pub retention_days: i32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub legal_basis: String,
}

/// The policy in force on a day.
pub fn in_force(conn: &mut DbConn, on: NaiveDate) -> Result<Policy, Error> {
    feedback_policies::table
        .filter(feedback_policies::valid_from.le(on))
        .filter(
            feedback_policies::valid_to
                .is_null()
                .or(feedback_policies::valid_to.ge(on)),
        )
        .order(feedback_policies::valid_from.desc())
        .select(Policy::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Internal(format!("no feedback policy is in force on {on}")))
}
