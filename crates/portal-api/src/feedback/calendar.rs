//! The working-day calendar that deadlines are counted in: public, like the government's notice;
//! changed by the operator when a change is announced.

use actix_web::{get, put, web, HttpResponse};
use chrono::NaiveDate;
use portal_feedback::workdays::{self, NewOverride};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayDto {
    pub date: NaiveDate,
    #[schema(example = "Tết Âm lịch")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearDto {
    pub year: i32,
    /// Days off other than weekends: public holidays (solar and lunar, computed for UTC+7),
    /// compensatory days, announced days off.
    pub holidays: Vec<CalendarDayDto>,
    /// Saturdays and Sundays announced as working days.
    pub working_weekend_days: Vec<CalendarDayDto>,
}

/// A year's public holidays and announced changes, as deadlines count them.
#[utoipa::path(
    tag = "feedback",
    params(("year" = i32, Path, description = "1900–2199", example = 2026)),
    responses(
        (status = 200, description = "The year's calendar", body = CalendarYearDto),
    )
)]
#[get("/calendar/{year}")]
pub async fn calendar_year(
    state: web::Data<AppState>,
    year: web::Path<i32>,
) -> Result<web::Json<CalendarYearDto>, ApiError> {
    let year = year.into_inner();
    let view = state.db(move |conn| workdays::year(conn, year)).await?;
    let days = |list: Vec<workdays::Holiday>| {
        list.into_iter()
            .map(|h| CalendarDayDto {
                date: h.date,
                name: h.name,
            })
            .collect()
    };
    Ok(web::Json(CalendarYearDto {
        year: view.year,
        holidays: days(view.holidays),
        working_weekend_days: days(view.working_weekend_days),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayRequest {
    /// true: a working day (a weekend day worked in exchange); false: a day off.
    pub working: bool,
    /// The announcement it comes from.
    #[schema(example = "Thông báo 6150/TB-BNV: nghỉ bù Tết", max_length = 300)]
    pub reason: String,
}

/// Records an announced change to one day (replacing an earlier one for that day); cases
/// received before keep their due dates.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("date" = NaiveDate, Path, description = "The day", example = "2027-02-13")),
    request_body = CalendarDayRequest,
    responses(
        (status = 204, description = "Recorded"),
        (status = 403, description = "Needs `feedback:triage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/calendar/{date}")]
pub async fn set_calendar_day(
    state: web::Data<AppState>,
    caller: Caller,
    date: web::Path<NaiveDate>,
    body: crate::http::body::Json<CalendarDayRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = caller.acting();
    let change = NewOverride {
        date: date.into_inner(),
        working: body.working,
        reason: body.reason,
    };
    state
        .db(move |conn| workdays::set_override(conn, &who, &change))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
