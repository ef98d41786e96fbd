//! The catalogue of online public services (Điều 13: online public services are linked and
//! integrated into the portal and its sub-sites): each administrative procedure with its code on
//! the national public-service portal, its field, whether it is online in full ("toàn trình") or
//! in part (with the reason), the link, the fees, the time limit and the agency that handles it.
//! The IT centre imports the national list (`services:manage`), all of it or nothing; readers
//! search it without diacritics; an integrator reports each procedure's figures with an API key
//! scoped to the agency (`services:write:agency:<code>`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::Acting;
use portal_core::text::fold;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::public_services;
use portal_db::{now, serialise_on, write_transaction, DbConn};
use serde_json::json;

use crate::import::{Row, AGENCY};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = public_services)]
pub struct ServiceRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub partial_reason: Option<String>,
    pub agency_id: i64,
    pub portal_url: String,
    pub fees: String,
    pub time_limit: String,
    pub search_text: String,
    pub received: i32,
    pub on_time: i32,
    pub late: i32,
    pub stats_period: Option<String>,
    pub stats_updated_by: Option<String>,
    pub stats_updated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct ServiceView {
    pub row: ServiceRow,
    pub agency: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Procedures of the catalogue the file does not list (kept).
    pub not_in_file: i64,
}

fn level_of(full: bool) -> &'static str {
    if full {
        "full"
    } else {
        "partial"
    }
}

/// Whether the caller may import the catalogue: asked before the file is read.
pub fn may_import(principal: &portal_auth::Principal) -> Result<(), Error> {
    principal.require(Scope::ServicesManage)
}

/// Imports the rows, all or nothing: an unknown agency on any row refuses the whole file.
pub fn import(conn: &mut DbConn, who: &Acting, rows: &[Row]) -> Result<ImportReport, Error> {
    who.principal.require(Scope::ServicesManage)?;
    write_transaction(conn, |conn| {
        serialise_on(conn, "public_services")?;
        let mut agencies = std::collections::HashMap::new();
        let mut errors = Vec::new();
        for row in rows {
            if agencies.contains_key(&row.agency) {
                continue;
            }
            match portal_sections::agencies::find_by_code(conn, &row.agency)? {
                Some(a) => {
                    agencies.insert(row.agency.clone(), a.id);
                }
                None => errors.push(FieldError::new(
                    format!("rows[{}].{AGENCY}", row.number),
                    "unknown_agency",
                    format!("no agency with the code {}", row.agency),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let mut report = ImportReport::default();
        let at = now();
        for row in rows {
            let agency_id = agencies[&row.agency];
            let search = fold(&format!("{} {} {}", row.code, row.name, row.field));
            let existing: Option<ServiceRow> = public_services::table
                .filter(public_services::code.eq(&row.code))
                .select(ServiceRow::as_select())
                .first(conn)
                .optional()?;
            match existing {
                Some(old)
                    if old.name == row.name
                        && old.field == row.field
                        && old.level == level_of(row.full)
                        && old.partial_reason == row.partial_reason
                        && old.agency_id == agency_id
                        && old.portal_url == row.portal_url
                        && old.fees == row.fees
                        && old.time_limit == row.time_limit =>
                {
                    report.unchanged += 1;
                }
                Some(old) => {
                    diesel::update(public_services::table.find(old.id))
                        .set((
                            public_services::name.eq(&row.name),
                            public_services::field.eq(&row.field),
                            public_services::level.eq(level_of(row.full)),
                            public_services::partial_reason.eq(&row.partial_reason),
                            public_services::agency_id.eq(agency_id),
                            public_services::portal_url.eq(&row.portal_url),
                            public_services::fees.eq(&row.fees),
                            public_services::time_limit.eq(&row.time_limit),
                            public_services::search_text.eq(&search),
                            public_services::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    report.updated += 1;
                }
                None => {
                    diesel::insert_into(public_services::table)
                        .values((
                            public_services::code.eq(&row.code),
                            public_services::name.eq(&row.name),
                            public_services::field.eq(&row.field),
                            public_services::level.eq(level_of(row.full)),
                            public_services::partial_reason.eq(&row.partial_reason),
                            public_services::agency_id.eq(agency_id),
                            public_services::portal_url.eq(&row.portal_url),
                            public_services::fees.eq(&row.fees),
                            public_services::time_limit.eq(&row.time_limit),
                            public_services::search_text.eq(&search),
                            public_services::created_at.eq(at),
                            public_services::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    report.created += 1;
                }
            }
        }
        let total: i64 = public_services::table.count().get_result(conn)?;
        report.not_in_file = total - rows.len() as i64;
        portal_audit::append(
            conn,
            &who.actor,
            "services.imported",
            Some("public_services"),
            None,
            Some(
                &json!({"created": report.created, "updated": report.updated, "unchanged": report.unchanged}),
            ),
        )?;
        Ok(report)
    })
}

#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    /// Words looked for without diacritics in the code, name and field.
    pub q: Option<String>,
    pub agency: Option<String>,
    pub full: Option<bool>,
}

fn views(conn: &mut DbConn, rows: Vec<ServiceRow>) -> Result<Vec<ServiceView>, Error> {
    let ids: Vec<i64> = rows.iter().map(|r| r.agency_id).collect();
    let codes = portal_sections::agencies::codes_by_id(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| ServiceView {
            agency: codes.get(&row.agency_id).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

/// The public catalogue, by code order, searched without diacritics.
pub fn search(
    conn: &mut DbConn,
    filter: &ServiceFilter,
    page: &PageRequest,
) -> Result<Page<ServiceView>, Error> {
    let mut query = public_services::table
        .order(public_services::code)
        .select(ServiceRow::as_select())
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(public_services::code.gt(after.clone()));
    }
    if let Some(q) = &filter.q {
        let words: Vec<String> = fold(q)
            .split_whitespace()
            .take(10)
            .map(str::to_string)
            .collect();
        for word in words {
            // LIKE wildcards typed by a reader are matched as themselves.
            let escaped = word
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            query = query.filter(
                public_services::search_text
                    .like(format!("%{escaped}%"))
                    .escape('\\'),
            );
        }
    }
    if let Some(code) = &filter.agency {
        let Some(agency) = portal_sections::agencies::find_by_code(conn, code)? else {
            return Ok(Page {
                items: vec![],
                next_cursor: None,
            });
        };
        query = query.filter(public_services::agency_id.eq(agency.id));
    }
    if let Some(full) = filter.full {
        query = query.filter(public_services::level.eq(level_of(full)));
    }
    let rows: Vec<ServiceRow> = query.load(conn)?;
    let page = Page::from_rows(rows, page, |r| r.code.clone());
    Ok(Page {
        items: views(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

fn by_code(conn: &mut DbConn, code: &str) -> Result<ServiceRow, Error> {
    public_services::table
        .filter(public_services::code.eq(code))
        .select(ServiceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("public service", code))
}

pub fn get(conn: &mut DbConn, code: &str) -> Result<ServiceView, Error> {
    let row = by_code(conn, code)?;
    Ok(views(conn, vec![row])?.remove(0))
}

#[derive(Debug, Clone)]
pub struct Figures {
    /// The month or year they cover ("2026-11", "2026").
    pub period: String,
    pub received: i64,
    pub on_time: i64,
    pub late: i64,
}

/// Replaces a procedure's figures: the integrator of its agency, or the IT centre.
pub fn report_figures(
    conn: &mut DbConn,
    who: &Acting,
    code: &str,
    figures: &Figures,
) -> Result<ServiceView, Error> {
    let reports_some = who.principal.may(&Scope::ServicesManage)
        || who
            .principal
            .scopes
            .iter()
            .any(|s| matches!(s, Scope::ServicesWrite(_)));
    if !reports_some {
        return Err(Error::forbidden_scope("services:write:agency:<code>"));
    }
    let mut errors = Vec::new();
    let period_ok = {
        let p = figures.period.as_bytes();
        (p.len() == 4 || (p.len() == 7 && p[4] == b'-'))
            && figures.period.chars().enumerate().all(|(i, c)| {
                if i == 4 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
            && (p.len() == 4
                || matches!(
                    &figures.period[5..],
                    "01" | "02"
                        | "03"
                        | "04"
                        | "05"
                        | "06"
                        | "07"
                        | "08"
                        | "09"
                        | "10"
                        | "11"
                        | "12"
                ))
    };
    if !period_ok {
        errors.push(FieldError::new(
            "period",
            "not_a_period",
            "a month (2026-11) or a year (2026)",
        ));
    }
    for (field, value) in [
        ("received", figures.received),
        ("on_time", figures.on_time),
        ("late", figures.late),
    ] {
        if !(0..=10_000_000).contains(&value) {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                "from 0 to 10,000,000",
            ));
        }
    }
    if errors.is_empty() && figures.on_time + figures.late > figures.received {
        errors.push(FieldError::new(
            "on_time",
            "more_than_received",
            "on time and late together are at most the received",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let row = by_code(conn, code)?;
        let agency = portal_sections::agencies::code_of(conn, row.agency_id)?;
        who.principal.require_services_write(&agency)?;
        diesel::update(public_services::table.find(row.id))
            .set((
                public_services::received.eq(figures.received as i32),
                public_services::on_time.eq(figures.on_time as i32),
                public_services::late.eq(figures.late as i32),
                public_services::stats_period.eq(Some(&figures.period)),
                public_services::stats_updated_by.eq(Some(&who.actor.label)),
                public_services::stats_updated_at.eq(Some(now())),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "services.figures_reported",
            Some(&format!("public_service:{code}")),
            Some(
                &json!({"received": row.received, "on_time": row.on_time, "late": row.late, "period": row.stats_period}),
            ),
            Some(
                &json!({"received": figures.received, "on_time": figures.on_time, "late": figures.late, "period": figures.period}),
            ),
        )?;
        get(conn, code)
    })
}
