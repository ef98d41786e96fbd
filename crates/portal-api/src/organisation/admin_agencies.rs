//! Managing agencies (operators: `agencies:manage`): create, rename, deactivate, merge. Every
//! change is validated, one transaction, and audited.

use actix_web::{patch, post, web, HttpRequest, HttpResponse};
use portal_auth::admin::org::{self, AgencyRequest, AgencyView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::lang;
use crate::http::paging::double_option;
use crate::http::problem::{ApiError, Problem};
use crate::organisation::dto::AgencyDto;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgencyRequest {
    #[schema(example = "so-gddt", max_length = 64)]
    pub code: String,
    #[schema(example = "Sở Giáo dục và Đào tạo", max_length = 300)]
    pub name_vi: String,
    #[schema(example = "Department of Education and Training", max_length = 300)]
    pub name_en: Option<String>,
    /// people_committee, office, department, board, central_branch, centre, city, town,
    /// district, commune or other.
    #[schema(value_type = crate::enums::AgencyKindName, example = "department")]
    pub kind: String,
    /// Code of the parent agency.
    #[schema(example = "ubnd-tinh")]
    pub parent: Option<String>,
}

fn agency_dto(view: AgencyView, lang: portal_core::Lang) -> AgencyDto {
    AgencyDto::new(view.agency, lang, view.parent)
}

/// Creates an agency.
#[utoipa::path(
    tag = "agencies",
    security(("bearer" = [])),
    request_body = CreateAgencyRequest,
    responses(
        (status = 201, description = "Created", body = AgencyDto),
        (status = 403, description = "Needs `agencies:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, the code is taken or the parent unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: crate::http::body::Json<CreateAgencyRequest>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| {
            org::create_agency(
                conn,
                &who,
                AgencyRequest {
                    code: body.code,
                    name_vi: body.name_vi,
                    name_en: body.name_en,
                    kind: body.kind,
                    parent: body.parent,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(agency_dto(view, lang)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameAgencyRequest {
    #[schema(max_length = 300)]
    pub name_vi: Option<String>,
    /// The English name, or null to remove it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub name_en: Option<Option<String>>,
}

/// Renames an agency (its code, and so its history, stay).
#[utoipa::path(
    tag = "agencies",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Agency code")),
    request_body = RenameAgencyRequest,
    responses(
        (status = 200, description = "Renamed", body = AgencyDto),
        (status = 403, description = "Needs `agencies:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A name breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/agencies/{code}")]
pub async fn rename_agency(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: crate::http::body::Json<RenameAgencyRequest>,
) -> Result<web::Json<AgencyDto>, ApiError> {
    let lang = lang::resolve(&req, None)?;
    let code = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| {
            org::rename_agency(
                conn,
                &who,
                &code,
                body.name_vi.as_deref(),
                body.name_en.as_ref().map(|e| e.as_deref()),
            )
        })
        .await?;
    Ok(web::Json(agency_dto(view, lang)))
}

/// Deactivates an agency that owns nothing and has no active users.
#[utoipa::path(
    tag = "agencies",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Agency code")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 403, description = "Needs `agencies:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It still owns sections or sites, or has active users", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{code}/deactivate")]
pub async fn deactivate_agency(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = path.into_inner();
    let who = caller.acting();
    state
        .db(move |conn| org::deactivate_agency(conn, &who, &code))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeAgencyRequest {
    /// Code of the active agency that takes over.
    #[schema(example = "so-vhttdl")]
    pub into: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeReportDto {
    pub sections: usize,
    pub sites: usize,
    pub child_agencies: usize,
    pub users: usize,
}

/// Merges an agency into another: its sections, sites, child agencies and users move; it stays,
/// inactive, so history still names it.
#[utoipa::path(
    tag = "agencies",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Code of the agency merged away")),
    request_body = MergeAgencyRequest,
    responses(
        (status = 200, description = "Merged; what moved", body = MergeReportDto),
        (status = 403, description = "Needs `agencies:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active agency", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The target is unknown, inactive or the same agency", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{code}/merge")]
pub async fn merge_agency(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: crate::http::body::Json<MergeAgencyRequest>,
) -> Result<web::Json<MergeReportDto>, ApiError> {
    let code = path.into_inner();
    let into = body.into_inner().into;
    let who = caller.acting();
    let report = state
        .db(move |conn| org::merge_agency(conn, &who, &code, &into))
        .await?;
    Ok(web::Json(MergeReportDto {
        sections: report.sections,
        sites: report.sites,
        child_agencies: report.child_agencies,
        users: report.users,
    }))
}

// ------------------------------------------------------------------ sites
