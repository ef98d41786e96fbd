//! Managing agencies (operators: `agencies:manage`): create, rename, deactivate, merge. Every
//! change is validated, one transaction, and audited.

use actix_web::{patch, post, web, HttpRequest, HttpResponse};
use portal_auth::org;
use portal_auth::Scope;
use portal_core::Error;
use portal_sections::admin::{self, NewAgency};
use portal_sections::{agencies, AgencyKind};
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

fn agency_dto(
    conn: &mut portal_db::DbConn,
    req_lang: portal_core::Lang,
    agency: portal_sections::Agency,
) -> Result<AgencyDto, Error> {
    let parent = match agency.parent_id {
        Some(id) => agencies::codes_by_id(conn, &[id])?.remove(&id),
        None => None,
    };
    Ok(AgencyDto::new(agency, req_lang, parent))
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
    caller.require(Scope::AgenciesManage)?;
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let kind = AgencyKind::parse(&body.kind).ok_or_else(|| {
        Error::field(
            "kind",
            "unknown_kind",
            format!("'{}' is not an agency kind", body.kind),
        )
    })?;
    let actor = caller.actor();
    let dto = state
        .db(move |conn| {
            let agency = admin::create_agency(
                conn,
                &actor,
                &NewAgency {
                    code: body.code,
                    name_vi: body.name_vi,
                    name_en: body.name_en,
                    kind,
                    parent: body.parent,
                },
            )?;
            agency_dto(conn, lang, agency)
        })
        .await?;
    Ok(HttpResponse::Created().json(dto))
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
    caller.require(Scope::AgenciesManage)?;
    let lang = lang::resolve(&req, None)?;
    let code = path.into_inner();
    let body = body.into_inner();
    let actor = caller.actor();
    let dto = state
        .db(move |conn| {
            let agency = admin::rename_agency(
                conn,
                &actor,
                &code,
                body.name_vi.as_deref(),
                body.name_en.as_ref().map(|e| e.as_deref()),
            )?;
            agency_dto(conn, lang, agency)
        })
        .await?;
    Ok(web::Json(dto))
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
    caller.require(Scope::AgenciesManage)?;
    let code = path.into_inner();
    let actor = caller.actor();
    state
        .db(move |conn| org::deactivate_agency(conn, &actor, &code))
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
    caller.require(Scope::AgenciesManage)?;
    let code = path.into_inner();
    let into = body.into_inner().into;
    let actor = caller.actor();
    let report = state
        .db(move |conn| org::merge_agencies(conn, &actor, &code, &into))
        .await?;
    Ok(web::Json(MergeReportDto {
        sections: report.sections,
        sites: report.sites,
        child_agencies: report.child_agencies,
        users: report.users,
    }))
}

// ------------------------------------------------------------------ sites
