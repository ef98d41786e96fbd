//! Online public services (Điều 13): anyone searches the catalogue without diacritics; the IT
//! centre imports the national list as CSV or XLSX (`services:manage`), all of it or nothing;
//! an integrator reports a procedure's figures with a key scoped to its agency.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use portal_core::{Error, PageRequest};
use portal_datasets::import;
use portal_datasets::services::{self, Figures, ServiceFilter, ServiceView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cache::render::cached_json;
use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Online in full on the national portal ("toàn trình"), or only in part.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    Full,
    Partial,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicServiceDto {
    /// Its code on the national public-service portal.
    #[schema(example = "1.004227")]
    pub code: String,
    #[schema(example = "Cấp giấy phép xây dựng nhà ở riêng lẻ")]
    pub name: String,
    pub field: String,
    pub level: ServiceLevel,
    /// Why it is online only in part.
    pub partial_reason: Option<String>,
    /// The agency that handles it.
    pub agency: String,
    /// Where citizens file it.
    pub portal_url: String,
    pub fees: String,
    #[schema(example = "15 ngày làm việc")]
    pub time_limit: String,
    pub figures: Option<FiguresDto>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiguresDto {
    /// The month or year they cover.
    #[schema(example = "2026-11", pattern = "^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub period: String,
    #[schema(minimum = 0, maximum = 10000000)]
    pub received: i64,
    /// Settled within the time limit.
    #[schema(minimum = 0, maximum = 10000000)]
    pub on_time: i64,
    #[schema(minimum = 0, maximum = 10000000)]
    pub late: i64,
    /// When they were last reported (ignored when sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<ServiceView> for PublicServiceDto {
    fn from(v: ServiceView) -> Self {
        let figures = v.row.stats_period.clone().map(|period| FiguresDto {
            period,
            received: v.row.received as i64,
            on_time: v.row.on_time as i64,
            late: v.row.late as i64,
            updated_at: v.row.stats_updated_at.map(|t| t.and_utc()),
        });
        PublicServiceDto {
            code: v.row.code,
            name: v.row.name,
            field: v.row.field,
            level: if v.row.level == "full" {
                ServiceLevel::Full
            } else {
                ServiceLevel::Partial
            },
            partial_reason: v.row.partial_reason,
            agency: v.agency,
            portal_url: v.row.portal_url,
            fees: v.row.fees,
            time_limit: v.row.time_limit,
            figures,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicServicePage {
    pub items: Vec<PublicServiceDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceQuery {
    /// Words of the code, name or field, with or without diacritics.
    #[param(example = "cap giay phep xay dung", max_length = 200)]
    pub q: Option<String>,
    /// The agency's code.
    pub agency: Option<String>,
    #[param(value_type = Option<ServiceLevel>)]
    pub level: Option<String>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The catalogue of online public services, by code, searched without diacritics (Điều 13).
#[utoipa::path(
    tag = "public",
    params(ServiceQuery),
    responses(
        (status = 200, description = "One page", body = PublicServicePage),
        (status = 304, description = "Unchanged since the client's copy"),
    )
)]
#[get("/public-services")]
pub async fn list_public_services(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ServiceQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    if query.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        return Err(Error::invalid_parameter("q", "at most 200 characters").into());
    }
    let full = match query.level.as_deref() {
        None => None,
        Some("full") => Some(true),
        Some("partial") => Some(false),
        Some(_) => return Err(Error::invalid_parameter("level", "full or partial").into()),
    };
    let filter = ServiceFilter {
        q: query.q,
        agency: query.agency,
        full,
    };
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let found = db
            .db(move |conn| services::search(conn, &filter, &page))
            .await?;
        let modified = found.items.iter().map(|s| s.row.updated_at).max();
        Ok((
            PublicServicePage {
                items: found.items.into_iter().map(Into::into).collect(),
                next_cursor: found.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// One procedure of the catalogue.
#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "Its code on the national public-service portal")),
    responses(
        (status = 200, description = "The procedure", body = PublicServiceDto),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No procedure has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/public-services/{code}")]
pub async fn get_public_service(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let view = db.db(move |conn| services::get(conn, &code)).await?;
        let modified = Some(view.row.updated_at);
        Ok((PublicServiceDto::from(view), modified))
    })
    .await
}

/// The largest file the import reads (a province's list is well under 1 MiB).
pub const IMPORT_LIMIT_BYTES: usize = 8 * 1024 * 1024;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Procedures already in the catalogue that the file does not list (kept).
    pub not_in_file: i64,
}

/// Imports the national list of procedures, as CSV (UTF-8) or XLSX (its first sheet): every row
/// is checked first, and one bad row refuses the whole file, each error naming `rows[N].<column>`.
#[utoipa::path(
    tag = "public-services",
    security(("bearer" = [])),
    request_body(
        description = "The file, with the headings Mã thủ tục, Tên thủ tục, Lĩnh vực, Mức độ, Lý do một phần, Cơ quan thực hiện (an agency code), Đường dẫn, Phí, lệ phí, Thời hạn giải quyết",
        content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
    ),
    responses(
        (status = 200, description = "Imported", body = ImportReportDto),
        (status = 403, description = "Not services:manage", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 8 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor XLSX", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A row breaks a rule: nothing was imported", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/public-services/import")]
pub async fn import_public_services(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    // Refused before the file is read.
    services::may_import(&who.principal)?;
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let is_csv = match content_type.as_str() {
        "text/csv" => true,
        XLSX => false,
        _ => {
            return Err(crate::http::problem::Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the list as text/csv or as an XLSX workbook",
            )
            .into())
        }
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Error::invalid_parameter("body", e.to_string()))?;
        if bytes.len() + chunk.len() > IMPORT_LIMIT_BYTES {
            return Err(crate::http::problem::Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "the list is at most 8 MiB",
            )
            .into());
        }
        bytes.extend_from_slice(&chunk);
    }
    let report = state
        .db(move |conn| {
            let table = if is_csv {
                import::csv_table(&bytes)?
            } else {
                import::xlsx_table(&bytes)?
            };
            let rows = import::rows(&table)?;
            services::import(conn, &who, &rows)
        })
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &ImportReportDto {
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            not_in_file: report.not_in_file,
        },
    ))
}

/// Reports a procedure's figures (received, settled on time, late) for a month or a year: an
/// integrator's key with `services:write:agency:<its agency>`, or the IT centre.
#[utoipa::path(
    tag = "public-services",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Its code on the national public-service portal")),
    request_body = FiguresDto,
    responses(
        (status = 200, description = "Reported", body = PublicServiceDto),
        (status = 403, description = "Not services:write for its agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No procedure has this code", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A figure breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/public-services/{code}/figures")]
pub async fn report_service_figures(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: Json<FiguresDto>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let code = code.into_inner();
    let b = body.into_inner();
    let figures = Figures {
        period: b.period,
        received: b.received,
        on_time: b.on_time,
        late: b.late,
    };
    let view = state
        .db(move |conn| services::report_figures(conn, &who, &code, &figures))
        .await?;
    Ok(private_json(StatusCode::OK, &PublicServiceDto::from(view)))
}
