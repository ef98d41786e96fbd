//! The dated rules the IT centre keeps (`royalties:manage`; chief editors read them): rate
//! schedules and base salaries (NĐ 18/2014; Điều 15–16).

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use portal_royalties::schedules;

use super::dto::{
    BaseSalaryDto, BaseSalaryRequest, CloseScheduleRequest, ScheduleDto, ScheduleRequest,
    TaxRuleDto, TaxRuleRequest,
};
use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Every rate schedule, newest first.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedules", body = Vec<ScheduleDto>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the IT centre nor a chief editor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/schedules")]
pub async fn list_royalty_schedules(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let found = state
        .db(move |conn| schedules::list(conn, &principal))
        .await?;
    let body: Vec<ScheduleDto> = found.into_iter().map(Into::into).collect();
    Ok(private_json(StatusCode::OK, &body))
}

/// A new schedule; its period may not overlap another's (409).
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    request_body = ScheduleRequest,
    responses(
        (status = 201, description = "Created", body = ScheduleDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period overlaps another schedule's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (a coefficient above the national maximum, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/schedules")]
pub async fn create_royalty_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<ScheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let input = body.into_inner().into();
    let view = state
        .db(move |conn| schedules::create(conn, &who, &input))
        .await?;
    Ok(private_json(StatusCode::CREATED, &ScheduleDto::from(view)))
}

/// One rate schedule with its genres and adjustments.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Schedule id")),
    responses(
        (status = 200, description = "The schedule", body = ScheduleDto),
        (status = 403, description = "Neither the IT centre nor a chief editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such schedule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/schedules/{id}")]
pub async fn get_royalty_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let id = id.into_inner();
    let view = state
        .db(move |conn| schedules::get(conn, &principal, id))
        .await?;
    Ok(private_json(StatusCode::OK, &ScheduleDto::from(view)))
}

/// Replaces a schedule that no work used yet; a used one is closed and replaced (409).
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Schedule id")),
    request_body = ScheduleRequest,
    responses(
        (status = 200, description = "Replaced", body = ScheduleDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such schedule", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A work used it, or the period overlaps another's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/royalties/schedules/{id}")]
pub async fn update_royalty_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ScheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let input = body.into_inner().into();
    let view = state
        .db(move |conn| schedules::update(conn, &who, id, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &ScheduleDto::from(view)))
}

/// A new version of a schedule: it ends the day before the new one starts, in one step (the way
/// a schedule that works used changes).
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The schedule it replaces")),
    request_body = ScheduleRequest,
    responses(
        (status = 201, description = "The new version", body = ScheduleDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such schedule", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Works published from that day on used the old one, or another schedule overlaps", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, or the new version does not start after the old", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/schedules/{id}/versions")]
pub async fn version_royalty_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ScheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let input = body.into_inner().into();
    let view = state
        .db(move |conn| schedules::new_version(conn, &who, id, &input))
        .await?;
    Ok(private_json(StatusCode::CREATED, &ScheduleDto::from(view)))
}

/// Ends a schedule's validity, so that a new version can start the day after.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Schedule id")),
    request_body = CloseScheduleRequest,
    responses(
        (status = 200, description = "Closed", body = ScheduleDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such schedule", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Works published after that day were opened under it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is outside its period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/schedules/{id}/close")]
pub async fn close_royalty_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CloseScheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let id = id.into_inner();
    let until = body.into_inner().valid_until;
    let view = state
        .db(move |conn| schedules::close(conn, &who, id, until))
        .await?;
    Ok(private_json(StatusCode::OK, &ScheduleDto::from(view)))
}

/// The base salary (lương cơ sở) over time; the unit value is a schedule's percentage of it.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = Vec<BaseSalaryDto>),
        (status = 403, description = "Neither the IT centre nor a chief editor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/base-salaries")]
pub async fn list_base_salaries(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let found = state
        .db(move |conn| portal_royalties::salaries::base_salaries(conn, &principal))
        .await?;
    let body: Vec<BaseSalaryDto> = found.into_iter().map(Into::into).collect();
    Ok(private_json(StatusCode::OK, &body))
}

/// A new base salary from a day on; the one before ends the day before. Amounts frozen into
/// works keep theirs.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    request_body = BaseSalaryRequest,
    responses(
        (status = 201, description = "Added", body = BaseSalaryDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "One already starts on or after that day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/base-salaries")]
pub async fn add_base_salary(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<BaseSalaryRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let body = body.into_inner();
    let row = state
        .db(move |conn| {
            portal_royalties::salaries::add_base_salary(
                conn,
                &who,
                body.valid_from,
                body.amount,
                &body.legal_basis,
            )
        })
        .await?;
    Ok(private_json(StatusCode::CREATED, &BaseSalaryDto::from(row)))
}

/// The dated rule of personal income tax withheld from statements.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = Vec<TaxRuleDto>),
        (status = 403, description = "Neither the IT centre nor a chief editor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/tax-rules")]
pub async fn list_tax_rules(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let found = state
        .db(move |conn| portal_royalties::salaries::tax_rules(conn, &principal))
        .await?;
    let body: Vec<TaxRuleDto> = found.into_iter().map(Into::into).collect();
    Ok(private_json(StatusCode::OK, &body))
}

/// A new withholding rule from a day on; the one before ends the day before.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    request_body = TaxRuleRequest,
    responses(
        (status = 201, description = "Added", body = TaxRuleDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "One already starts on or after that day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/tax-rules")]
pub async fn add_tax_rule(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<TaxRuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let b = body.into_inner();
    let row = state
        .db(move |conn| {
            portal_royalties::salaries::add_tax_rule(
                conn,
                &who,
                b.valid_from,
                b.rate_percent,
                b.threshold,
                &b.legal_basis,
            )
        })
        .await?;
    Ok(private_json(StatusCode::CREATED, &TaxRuleDto::from(row)))
}
