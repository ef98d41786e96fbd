//! What the site's chief editor does with published works (grade, approve, correct, cancel) and
//! what the IT centre reads of them: lists, a claim's calculation, the 60-day report.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use portal_core::PageRequest;
use portal_royalties::model::WorkStatus;
use portal_royalties::works::{self, month_bounds, WorkFilter};
use portal_royalties::{grading, reports};
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::{WorkDto, WorkPage, WorkState};
use super::forms::{CalculationDto, CancelRequest, DueReport, GradeRequest};
use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkQuery {
    #[param(value_type = Option<WorkState>)]
    pub status: Option<String>,
    /// Works published in this month.
    #[param(example = "2026-07", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: Option<String>,
    /// Works crediting this payee.
    pub payee: Option<i64>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A site's published works with their claims, newest first.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), WorkQuery),
    responses(
        (status = 200, description = "One page", body = WorkPage),
        (status = 400, description = "A filter that cannot be used", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither this site's chief editor nor the IT centre", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/works")]
pub async fn list_royalty_works(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<WorkQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let status = match query.status.as_deref() {
        Some(s) => Some(WorkStatus::parse(s).ok_or_else(|| {
            portal_core::Error::invalid_parameter(
                "status",
                format!("one of {}", WorkStatus::spellings()),
            )
        })?),
        None => None,
    };
    let month = match query.month.as_deref() {
        Some(m) => Some(month_bounds(m).ok_or_else(|| {
            portal_core::Error::invalid_parameter("month", "a month written 2026-07")
        })?),
        None => None,
    };
    let filter = WorkFilter {
        status,
        month,
        payee_id: query.payee,
    };
    let found = state
        .db(move |conn| works::list(conn, &principal, &site, &filter, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &WorkPage {
            items: found.items.into_iter().map(Into::into).collect(),
            next_cursor: found.next_cursor,
        },
    ))
}

/// One work with its claims.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work and its claims", body = WorkDto),
        (status = 403, description = "Neither its site's chief editor nor the IT centre", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/works/{id}")]
pub async fn get_royalty_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let id = id.into_inner();
    let view = state
        .db(move |conn| works::get(conn, &principal, id))
        .await?;
    Ok(private_json(StatusCode::OK, &WorkDto::from(view)))
}

/// Grades a work: genre, coefficient and adjustments within the schedule's ranges.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Work id")),
    request_body = GradeRequest,
    responses(
        (status = 200, description = "Graded; each claim shows its part", body = WorkDto),
        (status = 403, description = "Not its site's chief editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Approved or cancelled already, or no schedule in force on its day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Outside a range, or no reason for leaving the default", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/works/{id}/grade")]
pub async fn grade_royalty_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<GradeRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let input = body.into_inner().into();
    let view = state
        .db(move |conn| grading::grade(conn, &who, id, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &WorkDto::from(view)))
}

/// Approves a graded work: its amount is frozen into the ledger, within the site's yearly fund.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Work id")),
    responses(
        (status = 200, description = "Approved", body = WorkDto),
        (status = 403, description = "Not its site's chief editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not graded, no fund for the year, or the fund's cap would be exceeded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/works/{id}/approve")]
pub async fn approve_royalty_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let view = state
        .db(move |conn| grading::approve(conn, &who, id))
        .await?;
    Ok(private_json(StatusCode::OK, &WorkDto::from(view)))
}

/// Corrects an approved work: every live ledger entry reversed, the new grade entered.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Work id")),
    request_body = GradeRequest,
    responses(
        (status = 200, description = "Corrected", body = WorkDto),
        (status = 403, description = "Not its site's chief editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved, or the fund's cap would be exceeded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or outside a range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/works/{id}/correct")]
pub async fn correct_royalty_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<GradeRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let input = body.into_inner().into();
    let view = state
        .db(move |conn| grading::correct(conn, &who, id, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &WorkDto::from(view)))
}

/// Cancels a work's claims with a reason (an approved one only once the item is taken down and
/// before a statement with it is approved).
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Work id")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "Cancelled", body = WorkDto),
        (status = 403, description = "Not its site's chief editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still published, already on an approved statement, or cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/works/{id}/cancel")]
pub async fn cancel_royalty_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CancelRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let view = state
        .db(move |conn| grading::cancel(conn, &who, id, &reason))
        .await?;
    Ok(private_json(StatusCode::OK, &WorkDto::from(view)))
}

/// The formula of a claim with every number it used.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id")),
    responses(
        (status = 200, description = "The calculation", body = CalculationDto),
        (status = 403, description = "Neither its author, its site's chief editor nor the IT centre", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/claims/{id}/calculation")]
pub async fn claim_calculation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let id = id.into_inner();
    let found = state
        .db(move |conn| works::calculation(conn, &principal, id))
        .await?;
    Ok(private_json(StatusCode::OK, &CalculationDto::from(found)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Also the claims whose limit falls within this many days (0–366).
    #[param(minimum = 0, maximum = 366, default = 10)]
    pub within_days: Option<i64>,
}

/// Claims not paid in full whose 60-day limit (the schedule's) is near or past.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), DueQuery),
    responses(
        (status = 200, description = "Oldest limit first (at most 500)", body = DueReport),
        (status = 400, description = "within_days out of range", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither this site's chief editor nor the IT centre", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/sites/{site}/payment-due")]
pub async fn payment_due_report(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<DueQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let site = site.into_inner();
    let within = query.into_inner().within_days.unwrap_or(10);
    if !(0..=366).contains(&within) {
        return Err(portal_core::Error::invalid_parameter("within_days", "from 0 to 366").into());
    }
    let today = portal_feedback::workdays::today_in_vietnam();
    let found = state
        .db(move |conn| reports::payment_due(conn, &principal, &site, within, today))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &DueReport {
            items: found.into_iter().map(Into::into).collect(),
        },
    ))
}
