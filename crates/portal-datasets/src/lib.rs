//! Structured information (Điều 7.2, 8.1, 13 and 25.2 of the regulation): the catalogue of
//! online public services (Điều 13: `import` reads the national list from CSV or XLSX, pure and
//! unit-tested; `services` imports it all or nothing, searches it without diacritics and keeps
//! the figures integrators report), the dated rule packs of the mandatory information (`packs`)
//! and the compliance and timeliness report built from them (`compliance`, `compliance_export`).
//! The content types themselves are `portal_content::types`: their items are content items.
//!
//! docs/datasets.md says it for the people who use it.

pub mod compliance;
pub mod compliance_export;
pub mod import;
pub mod packs;
pub mod services;
