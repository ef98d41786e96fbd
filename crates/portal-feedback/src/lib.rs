//! Citizens' questions and feedback (Điều 11 of the regulation): a citizen sends a case and gets a
//! tracking code and a private status link; the operator forwards it in writing to the agencies
//! whose remit it falls in (11.2); each agency's head signs its answer (11.3). Deadlines are in
//! working days from dated rule packs, over a calendar of weekends and public holidays, solar and
//! lunar, computed for Vietnam's time zone. Personal data is encrypted at rest and every view of
//! it audited. docs/feedback.md says it for the people who use it.
//!
//! The front doors: `intake` (citizens), `triage` (the operator), `answers` (agencies),
//! `views::status` (the status link), `workdays` (the calendar and its announced changes),
//! `guard` (the allowance and fill time of every public form), `agency_steps` (interim replies, returns), `escalation` (Sở TT&TT, Điều 11.4), `publication`
//! (public Q&A) and its change feed `qa_changes`, and the jobs: `mail` (the e-mail outbox), `retention` (the purge of personal data).

pub mod agency_steps;
pub mod answers;
pub mod attachments;
pub mod classify;
pub mod escalation;
mod events;
pub mod guard;
pub mod intake;
pub mod mail;
pub mod model;
pub mod personal;
pub mod policy;
pub mod publication;
pub mod qa_changes;
pub mod queries;
pub mod reports;
pub mod retention;
pub mod rules;
pub mod triage;
pub mod views;
pub mod workdays;

pub use personal::DataKey;
