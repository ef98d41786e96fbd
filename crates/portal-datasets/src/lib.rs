//! Structured information (Điều 7.2 and 13 of the regulation). For now the catalogue of online
//! public services (Điều 13): `import` reads the national list from CSV or XLSX, pure and
//! unit-tested; `services` imports it (all or nothing), searches it without diacritics and keeps
//! the figures integrators report. Typed datasets defined at run time, legal documents and the
//! compliance reports of the same issue are to come here.
//!
//! docs/datasets.md says it for the people who use it.

pub mod import;
pub mod services;
