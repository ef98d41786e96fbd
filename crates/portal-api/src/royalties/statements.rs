//! The IT centre's money side: yearly funds, remuneration and incentive entries, monthly
//! statements with their approval and payments, the exports; and an author's own page.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use portal_royalties::ledger::{self, EntryInput};
use portal_royalties::model::Category;
use portal_royalties::statements;
use portal_royalties::{export, funds};
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::StatementDto;
use super::forms::{
    AgencyTotalDto, AgencyTotals, EntryRequest, FundDto, FundRequest, LedgerEntryDto,
    LedgerEntryPage, MyClaimDto, MyRoyaltiesDto, PaymentRequest, PrepareRequest, StatementList,
};
use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::download::attachment;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;
use portal_core::PageRequest;

/// A site's fund for a year: each cap, what is used and what remains.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), ("year" = i32, Path, description = "Year")),
    responses(
        (status = 200, description = "The fund with each cap, what is used and what remains", body = FundDto),
        (status = 403, description = "Neither this site's chief editor nor the IT centre", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No fund set for that year", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/funds/{year}")]
pub async fn get_royalty_fund(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let (site, year) = path.into_inner();
    let view = state
        .db(move |conn| funds::get(conn, &principal, &site, year))
        .await?;
    Ok(private_json(StatusCode::OK, &FundDto::from(view)))
}

/// Sets a site's royalty budget for a year; the caps come from the schedule in force.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), ("year" = i32, Path, description = "Year")),
    request_body = FundRequest,
    responses(
        (status = 200, description = "The fund", body = FundDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Below what is approved, or no schedule in force that year", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/royalties/sites/{site}/funds/{year}")]
pub async fn set_royalty_fund(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32)>,
    body: Json<FundRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let (site, year) = path.into_inner();
    let body = body.into_inner();
    let view = state
        .db(move |conn| {
            funds::set(
                conn,
                &who,
                &site,
                year,
                body.royalty_budget,
                &body.legal_basis,
            )
        })
        .await?;
    Ok(private_json(StatusCode::OK, &FundDto::from(view)))
}

/// A remuneration (thù lao) or incentive entry, within its cap of the site's fund.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    request_body = EntryRequest,
    responses(
        (status = 201, description = "Entered in the ledger", body = LedgerEntryDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No fund, or its cap would be exceeded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/entries")]
pub async fn add_royalty_entry(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<EntryRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let b = body.into_inner();
    let input = EntryInput {
        site: b.site,
        period: b.period,
        payee_id: b.payee_id,
        category: b.category,
        role: b.role,
        amount: b.amount,
        note: b.note,
    };
    let row = state
        .db(move |conn| ledger::add_entry(conn, &who, &input))
        .await?;
    Ok(private_json(
        StatusCode::CREATED,
        &LedgerEntryDto::from(row),
    ))
}

/// Prepares the month's draft statements of a site (made again if drafts exist).
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key")),
    request_body = PrepareRequest,
    responses(
        (status = 201, description = "The drafts made", body = StatementList),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/sites/{site}/statements")]
pub async fn prepare_statements(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    body: Json<PrepareRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let site = site.into_inner();
    let period = body.into_inner().period;
    let made = state
        .db(move |conn| statements::prepare(conn, &who, &site, &period))
        .await?;
    Ok(private_json(
        StatusCode::CREATED,
        &StatementList {
            items: made.into_iter().map(Into::into).collect(),
        },
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[param(example = "2026-07", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    #[param(example = "2026-07", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    /// Only the payees of this agency (its own sheet to sign).
    pub agency: Option<String>,
}

fn checked_period(period: &str) -> Result<(), ApiError> {
    if portal_royalties::works::month_bounds(period).is_none() {
        return Err(
            portal_core::Error::invalid_parameter("period", "a month written 2026-07").into(),
        );
    }
    Ok(())
}

/// A site's statements of a month.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), PeriodQuery),
    responses(
        (status = 200, description = "The month's statements", body = StatementList),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/statements")]
pub async fn list_statements(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let period = query.into_inner().period;
    checked_period(&period)?;
    let found = state
        .db(move |conn| statements::list(conn, &principal, &site, &period))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &StatementList {
            items: found.into_iter().map(Into::into).collect(),
        },
    ))
}

/// The month's statements as the finance office files them, CSV (UTF-8 with a byte-order mark).
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), ExportQuery),
    responses(
        (status = 200, description = "Header, numbered rows, totals, amount in words, signatures", body = String, content_type = "text/csv"),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/statements.csv")]
pub async fn statements_csv(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let ExportQuery { period, agency } = query.into_inner();
    checked_period(&period)?;
    let name = format!("bang-ke-nhuan-but-{site}-{period}.csv");
    let csv = state
        .db(move |conn| {
            Ok(export::to_csv(&export::sheet(
                conn,
                &principal,
                &site,
                &period,
                agency.as_deref(),
            )?))
        })
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        name,
        csv.into_bytes(),
    ))
}

/// The same as an Excel workbook.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), ExportQuery),
    responses(
        (status = 200, description = "One sheet", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/statements.xlsx")]
pub async fn statements_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let ExportQuery { period, agency } = query.into_inner();
    checked_period(&period)?;
    let name = format!("bang-ke-nhuan-but-{site}-{period}.xlsx");
    let book = state
        .db(move |conn| {
            export::to_xlsx(&export::sheet(
                conn,
                &principal,
                &site,
                &period,
                agency.as_deref(),
            )?)
        })
        .await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        name,
        book,
    ))
}

/// One statement: its lines, tax, payments and what earlier ones left unpaid.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Statement id")),
    responses(
        (status = 200, description = "The statement", body = StatementDto),
        (status = 403, description = "Neither its payee nor the IT centre", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such statement", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/statements/{id}")]
pub async fn get_statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let id = id.into_inner();
    let view = state
        .db(move |conn| statements::get(conn, &principal, id))
        .await?;
    Ok(private_json(StatusCode::OK, &StatementDto::from(view)))
}

/// Approval by the head of the IT centre: someone other than who prepared it.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Statement id")),
    responses(
        (status = 200, description = "Approved", body = StatementDto),
        (status = 403, description = "Not royalties:manage, or the one who prepared it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such statement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Approved already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/statements/{id}/approve")]
pub async fn approve_statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let view = state
        .db(move |conn| statements::approve(conn, &who, id))
        .await?;
    Ok(private_json(StatusCode::OK, &StatementDto::from(view)))
}

/// Records a payment (in part or in full) of an approved statement.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Statement id")),
    request_body = PaymentRequest,
    responses(
        (status = 201, description = "Recorded", body = StatementDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such statement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved, or more than is left to pay", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/statements/{id}/payments")]
pub async fn record_payment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<PaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let b = body.into_inner();
    let view = state
        .db(move |conn| statements::pay(conn, &who, id, b.paid_on, &b.reference, b.amount))
        .await?;
    Ok(private_json(StatusCode::CREATED, &StatementDto::from(view)))
}

/// The signed-in author's own claims and statements.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Their claims and statements", body = MyRoyaltiesDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/royalties")]
pub async fn my_royalties(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let mine = state
        .db(move |conn| statements::mine(conn, &principal))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &MyRoyaltiesDto {
            payee_id: mine.payee_id,
            claims: mine
                .claims
                .into_iter()
                .map(|(claim, title, work_status, at)| MyClaimDto {
                    claim: claim.into(),
                    title,
                    work_status: work_status.into(),
                    published_at: at.and_utc(),
                })
                .collect(),
            statements: mine.statements.into_iter().map(Into::into).collect(),
        },
    ))
}

/// The month's statements of a site summed per agency of their payees.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), PeriodQuery),
    responses(
        (status = 200, description = "One line per agency", body = AgencyTotals),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/statements/by-agency")]
pub async fn statements_by_agency(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let period = query.into_inner().period;
    checked_period(&period)?;
    let totals = state
        .db(move |conn| export::by_agency(conn, &principal, &site, &period))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyTotals {
            items: totals
                .into_iter()
                .map(|t| AgencyTotalDto {
                    agency: t.agency,
                    payees: t.payees,
                    gross: t.gross.0,
                    tax: t.tax.0,
                    net: t.net.0,
                    net_in_words: t.net.in_words(),
                })
                .collect(),
        },
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    /// This year when left out.
    pub year: Option<i32>,
    /// One category; remuneration and incentives when left out.
    #[param(value_type = Option<super::dto::EntryCategory>)]
    pub category: Option<String>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A site's ledger entries of a year: remuneration and incentives, or one category.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), EntryQuery),
    responses(
        (status = 200, description = "Newest first", body = LedgerEntryPage),
        (status = 400, description = "A parameter that cannot be used", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/entries")]
pub async fn list_royalty_entries(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<EntryQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let year = q.year.unwrap_or_else(|| {
        use chrono::Datelike;
        portal_feedback::workdays::today_in_vietnam().year()
    });
    let category = match q.category.as_deref() {
        Some(c) => Some(Category::parse(c).ok_or_else(|| {
            portal_core::Error::invalid_parameter(
                "category",
                format!("one of {}", Category::spellings()),
            )
        })?),
        None => None,
    };
    let found = state
        .db(move |conn| ledger::list(conn, &principal, &site, year, category, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &LedgerEntryPage {
            items: found.items.into_iter().map(Into::into).collect(),
            next_cursor: found.next_cursor,
        },
    ))
}
