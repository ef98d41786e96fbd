//! Dated rule packs and the compliance report (Điều 8.1, 25.2): operators read and edit the packs;
//! Sở TT&TT and the IT centre (`reports:read`) read each agency's compliance, timeliness and
//! activity for a period, as JSON, CSV or XLSX.

use actix_web::http::StatusCode;
use actix_web::{get, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use portal_datasets::compliance::{self, Report};
use portal_datasets::compliance_export;
use portal_datasets::packs::{self, CategoryInput, Pack, PackInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::download::attachment;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryDto {
    /// Lower-case ASCII words joined by '-', unique in the pack.
    #[schema(example = "van-ban")]
    pub code: String,
    pub name: String,
    /// The content type whose items fill it; or else
    #[schema(example = "van-ban-phap-luat")]
    pub content_type: Option<String>,
    /// the section (its slug on the report's site) whose items do, of any kind.
    pub section_slug: Option<String>,
    /// The agency that must supply it; none: every agency owning a section of the site.
    pub agency_code: Option<String>,
    /// The date field of the type that carries the event an item reports (issue, approval,
    /// release); none: no time limit applies.
    pub event_field: Option<String>,
    /// Working days from the event to first publication; none: the pack's default.
    #[schema(minimum = 1, maximum = 90)]
    pub limit_days: Option<i32>,
    /// Days within which something new must be published; none: presence is enough.
    #[schema(minimum = 1, maximum = 3660)]
    pub frequency_days: Option<i32>,
    pub legal_basis: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackRequest {
    pub name: String,
    pub legal_basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    #[schema(minimum = 1, maximum = 90)]
    pub default_limit_days: i32,
    pub categories: Vec<CategoryDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackDto {
    pub key: String,
    pub name: String,
    pub legal_basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub default_limit_days: i32,
    pub categories: Vec<CategoryDto>,
    pub updated_at: DateTime<Utc>,
}

impl From<Pack> for PackDto {
    fn from(p: Pack) -> Self {
        PackDto {
            key: p.row.key,
            name: p.row.name,
            legal_basis: p.row.legal_basis,
            valid_from: p.row.valid_from,
            valid_to: p.row.valid_to,
            default_limit_days: p.row.default_limit_days,
            updated_at: p.row.updated_at.and_utc(),
            categories: p
                .categories
                .into_iter()
                .map(|c| CategoryDto {
                    code: c.code,
                    name: c.name,
                    content_type: c.content_type,
                    section_slug: c.section_slug,
                    agency_code: c.agency_code,
                    event_field: c.event_field,
                    limit_days: c.limit_days,
                    frequency_days: c.frequency_days,
                    legal_basis: c.legal_basis,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackList {
    pub items: Vec<PackDto>,
}

/// Every rule pack, oldest first (NĐ 43/2011, NĐ 42/2022, NĐ 224/2026 are seeded).
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The packs", body = PackList),
        (status = 403, description = "Not reports:read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/rule-packs")]
pub async fn list_rule_packs(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal;
    let found = state.db(move |conn| packs::list(conn, &who)).await?;
    Ok(private_json(
        StatusCode::OK,
        &PackList {
            items: found.into_iter().map(PackDto::from).collect(),
        },
    ))
}

/// One rule pack with its categories.
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "The pack's key")),
    responses(
        (status = 200, description = "The pack", body = PackDto),
        (status = 403, description = "Not reports:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such pack", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/rule-packs/{key}")]
pub async fn get_rule_pack(
    state: web::Data<AppState>,
    caller: Caller,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal;
    let key = key.into_inner();
    let found = state.db(move |conn| packs::get(conn, &who, &key)).await?;
    Ok(private_json(StatusCode::OK, &PackDto::from(found)))
}

/// Creates or replaces a rule pack, its categories whole. Two packs may not cover the same day:
/// close the one in force (`valid_to`) before adding the next.
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "The pack's key")),
    request_body = PackRequest,
    responses(
        (status = 200, description = "Replaced", body = PackDto),
        (status = 201, description = "Created", body = PackDto),
        (status = 403, description = "Not types:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another pack covers some of the same days", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule of the pack is broken, named by its path (`categories[2].event_field`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/rule-packs/{key}")]
pub async fn put_rule_pack(
    state: web::Data<AppState>,
    caller: Caller,
    key: web::Path<String>,
    body: Json<PackRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let b = body.into_inner();
    let input = PackInput {
        name: b.name,
        legal_basis: b.legal_basis,
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        default_limit_days: b.default_limit_days,
        categories: b
            .categories
            .into_iter()
            .map(|c| CategoryInput {
                code: c.code,
                name: c.name,
                content_type: c.content_type,
                section_slug: c.section_slug,
                agency_code: c.agency_code,
                event_field: c.event_field,
                limit_days: c.limit_days,
                frequency_days: c.frequency_days,
                legal_basis: c.legal_basis,
            })
            .collect(),
    };
    let who = caller.acting();
    let (pack, created) = state
        .db(move |conn| packs::put(conn, &who, &key, &input))
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(private_json(status, &PackDto::from(pack)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ComplianceQuery {
    /// The site's key.
    pub site: String,
    /// First day of the period (in Việt Nam).
    pub from: NaiveDate,
    /// Last day of the period, at most 400 days after `from`; its rule pack governs the report.
    pub to: NaiveDate,
    /// One agency's code; default every agency.
    pub agency: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LateItemDto {
    pub item_id: i64,
    pub title: String,
    pub slug: String,
    pub event_on: NaiveDate,
    pub published_on: NaiveDate,
    pub working_days: u32,
    pub limit_days: i32,
    /// The pack in force on the event's day, whose limit applied.
    pub pack: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryStatusDto {
    pub code: String,
    pub name: String,
    pub content_type: Option<String>,
    pub section_slug: Option<String>,
    pub legal_basis: String,
    /// present, missing, or stale (nothing new within `frequency_days`).
    #[schema(example = "present")]
    pub status: String,
    pub frequency_days: Option<i32>,
    pub newest_at: Option<DateTime<Utc>>,
    pub items: i64,
    pub on_time: i64,
    pub late: i64,
    /// Items without the event date (timeliness unknown).
    pub undated: i64,
    pub late_items: Vec<LateItemDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyComplianceDto {
    pub agency: String,
    pub name: String,
    /// Categories met (present, fresh, nothing late) of all, in percent.
    pub score: u32,
    pub categories: Vec<CategoryStatusDto>,
    /// Điều 25.2: items first published in the period by the agency's sections, by kind.
    #[schema(value_type = Object)]
    pub by_kind: std::collections::BTreeMap<String, i64>,
    pub on_time: i64,
    pub late: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceDto {
    pub site: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub pack: String,
    pub pack_name: String,
    pub pack_legal_basis: String,
    /// Lowest score first.
    pub agencies: Vec<AgencyComplianceDto>,
}

impl From<Report> for ComplianceDto {
    fn from(r: Report) -> Self {
        ComplianceDto {
            site: r.site,
            from: r.from,
            to: r.to,
            pack: r.pack,
            pack_name: r.pack_name,
            pack_legal_basis: r.pack_legal_basis,
            agencies: r
                .agencies
                .into_iter()
                .map(|a| AgencyComplianceDto {
                    agency: a.code,
                    name: a.name,
                    score: a.score,
                    by_kind: a.by_kind,
                    on_time: a.on_time,
                    late: a.late,
                    categories: a
                        .categories
                        .into_iter()
                        .map(|c| CategoryStatusDto {
                            status: c.presence.as_str().to_string(),
                            code: c.code,
                            name: c.name,
                            content_type: c.content_type,
                            section_slug: c.section_slug,
                            legal_basis: c.legal_basis,
                            frequency_days: c.frequency_days,
                            newest_at: c.newest_at.map(|t| t.and_utc()),
                            items: c.items,
                            on_time: c.on_time,
                            late: c.late,
                            undated: c.undated,
                            late_items: c
                                .late_items
                                .into_iter()
                                .map(|l| LateItemDto {
                                    item_id: l.item_id,
                                    title: l.title,
                                    slug: l.slug,
                                    event_on: l.event_on,
                                    published_on: l.published_on,
                                    working_days: l.working_days,
                                    limit_days: l.limit_days,
                                    pack: l.pack,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Each agency's compliance with the mandatory categories of the rule pack in force, the
/// timeliness of its items against their time limits in working days, and its activity
/// (Điều 8.1, 25.2): JSON, CSV or XLSX.
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    params(ComplianceQuery),
    responses(
        (status = 200, description = "The report: JSON, or with `format` a CSV file or an XLSX workbook", content(
            (ComplianceDto = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, description = "Not reports:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site, or no rule pack covers `to`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/compliance")]
pub async fn compliance_report(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ComplianceQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let format = q.format.clone().unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx") {
        return Err(portal_core::Error::invalid_parameter("format", "json, csv or xlsx").into());
    }
    let who = caller.principal;
    let report = state
        .db(move |conn| compliance::report(conn, &who, &q.site, q.from, q.to, q.agency.as_deref()))
        .await?;
    let name = format!("tuan-thu-{}-{}-{}", report.site, report.from, report.to);
    Ok(match format.as_str() {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("{name}.csv"),
            compliance_export::to_csv(&report),
        ),
        "xlsx" => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{name}.xlsx"),
            compliance_export::to_xlsx(&report)?,
        ),
        _ => private_json(StatusCode::OK, &ComplianceDto::from(report)),
    })
}
