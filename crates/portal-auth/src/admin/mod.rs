//! The front doors of the administrative domains this crate decides on: accounts, API keys and
//! security settings (`accounts`), the organisation — agencies, sites and section trees — (`org`),
//! and the audit log (`audit`). As in `portal_content::commands`, each use case takes who is
//! acting and the input, authorizes, runs the audited change and returns a view; the api calls
//! one of them per request and checks no scope itself.

pub mod accounts;
pub mod audit;
pub mod org;
