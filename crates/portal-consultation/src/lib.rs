//! Public consultation on drafts (Điều 7.2.n of the regulation; Nghị định 42/2022, Điều 10.1.i:
//! each draft open for comment shows its full text, the deadline, the comments received, a way to
//! comment and the receiving unit's contact). Every agency — not only the owner of the
//! consultation section — puts its own drafts out for comment on a site.
//!
//! - `authoring`: the agency writes a draft as numbered parts (articles, clauses), publishes it,
//!   revises it while it is open (`parts`: a part keeps its id while its text is unchanged).
//! - `comments`: anyone comments while it is open, through the same protections as a citizen's
//!   case (`portal_feedback::guard`, the text rules, consent, sealed contact details); the agency
//!   moderates before anything is shown.
//! - `conclusion`: after closing, the agency publishes its summary with a disposition of every
//!   comment it accepted for consideration (accepted, partly accepted, not accepted, with a reason).
//! - `public`: what anyone reads; `export`: the comments as CSV and XLSX for the office.
//!
//! docs/consultation.md says it for the people who use it.

pub mod authoring;
pub mod comments;
pub mod conclusion;
pub mod export;
pub mod model;
pub mod parts;
pub mod public;
mod views;

pub use views::{CommentCounts, ConsultationView, PartView};
