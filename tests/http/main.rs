//! The HTTP tests of the whole app, one binary with a module per area: each test starts the real
//! server (the same bootstrap as `portal serve`) on a free loopback port over its own database,
//! on SQLite and, with `PORTAL_TEST_DATABASE_URL` set, on PostgreSQL (`portal_testkit`).

mod agencies;
mod audit_chain;
mod auth;
mod calendar;
mod compliance;
mod consultation;
mod content;
mod dublin_core;
mod feedback;
mod http_behaviour;
mod input_hardening;
mod openapi;
mod organisation;
mod public;
mod public_cache;
mod public_hardening;
mod public_services;
mod review_integrity;
mod route_guards;
mod royalties;
mod sign_in_protection;
mod sites_and_sections;
mod snapshots;
mod storage;
mod types;
mod webhooks;
mod workflow;

/// One sheet of an XLSX answer, read as a spreadsheet program reads it (calamine).
pub(crate) fn xlsx_sheet(bytes: &[u8], name: &str) -> calamine::Range<calamine::Data> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .expect("an XLSX workbook");
    book.worksheet_range(name).expect("the sheet")
}
