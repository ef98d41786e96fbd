//! Royalties (nhuận bút) and remuneration (thù lao) for work published on the portal (Điều 2.5,
//! 2.6, 15, 16 and 21.5 of the regulation; Nghị định 18/2014/NĐ-CP). The IT centre pays authors
//! a royalty for every published work and the board and providers a remuneration, out of a yearly
//! fund; this crate computes, approves, states, records and exports them.
//!
//! - `money`: `Dong` (an integer number of đồng) and amounts in Vietnamese words;
//! - `rules`: the formulas, pure and unit-tested (unit value, royalty, split, tax);
//! - `schedules`: the dated rate schedules and national maxima; `salaries`: the base salary;
//! - `payees`: authors and external contributors, their payment details sealed at rest;
//! - `credits`: who is credited on an item, and the claims its first publication opens;
//! - `works` / `grading`: what the site's chief editor grades, approves, corrects or cancels;
//! - `funds`: the yearly fund and its caps; `statements`: monthly statements, approval, payment,
//!   remuneration entries, an author's own; `reports`: the 60-day limit; `export`: CSV and XLSX.
//!
//! docs/royalties.md says it for the people who use it.

pub mod credits;
pub mod export;
pub mod funds;
pub mod grading;
pub mod ledger;
pub mod model;
pub mod money;
pub mod payees;
pub mod reports;
pub mod rules;
pub mod salaries;
pub mod schedules;
pub mod statements;
mod validate;
pub mod works;

pub use money::Dong;
