//! Managing agencies and sites (operators: `agencies:manage`, `sites:manage`) and the section tree
//! of a site (`sections:manage:site:<key>`: operators and the site's chief editor). Every change
//! is validated, one transaction, and audited.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use portal_auth::org;
use portal_auth::Scope;
use portal_core::Error;
use portal_sections::admin::{self, NewAgency, NewSection, NewSite, SectionPatch, SitePatch};
use portal_sections::{agencies, sites, AgencyKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::dto::{AgencyDto, SectionDto, SiteDto};
use crate::lang;
use crate::problem::{ApiError, Problem};
use crate::routes::double_option;
use crate::state::AppState;

// ------------------------------------------------------------------ agencies

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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `agencies:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, the code is taken or the parent unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: crate::body::Json<CreateAgencyRequest>,
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
    body: crate::body::Json<RenameAgencyRequest>,
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
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
    body: crate::body::Json<MergeAgencyRequest>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSiteRequest {
    #[schema(example = "dien-ban", max_length = 64)]
    pub key: String,
    #[schema(example = "Cổng thông tin điện tử thị xã Điện Bàn", max_length = 300)]
    pub name_vi: String,
    pub name_en: Option<String>,
    #[schema(example = "https://dienban.quangnam.gov.vn")]
    pub base_url: String,
    /// Enabled languages; Vietnamese is required. Default `["vi", "en"]`.
    pub languages: Option<Vec<String>>,
    /// Code of the owning agency.
    #[schema(example = "tx-dien-ban")]
    pub owner: String,
    /// Key of the portal this sub-site belongs to.
    #[schema(example = "quang-nam")]
    pub parent: Option<String>,
}

pub(crate) fn site_dto(
    conn: &mut portal_db::DbConn,
    lang: portal_core::Lang,
    site: portal_sections::Site,
) -> Result<SiteDto, Error> {
    let owner = agencies::codes_by_id(conn, &[site.owner_agency_id])?
        .remove(&site.owner_agency_id)
        .unwrap_or_default();
    let parent = match site.parent_site_id {
        Some(id) => sites::keys_by_id(conn, &[id])?.remove(&id),
        None => None,
    };
    Ok(SiteDto::new(site, lang, owner, parent))
}

/// Creates a sub-site (trang TTĐT thành phần, Điều 8.2) or another portal.
#[utoipa::path(
    tag = "sites",
    security(("bearer" = [])),
    request_body = CreateSiteRequest,
    responses(
        (status = 201, description = "Created", body = SiteDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sites:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, the key is taken, or the owner is unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/sites")]
pub async fn create_site(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: crate::body::Json<CreateSiteRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::SitesManage)?;
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let actor = caller.actor();
    let dto = state
        .db(move |conn| {
            let site = admin::create_site(
                conn,
                &actor,
                &NewSite {
                    key: body.key,
                    name_vi: body.name_vi,
                    name_en: body.name_en,
                    base_url: body.base_url,
                    languages: body
                        .languages
                        .unwrap_or_else(|| vec!["vi".into(), "en".into()]),
                    owner: body.owner,
                    parent: body.parent,
                },
            )?;
            site_dto(conn, lang, site)
        })
        .await?;
    Ok(HttpResponse::Created().json(dto))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSiteRequest {
    pub name_vi: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name_en: Option<Option<String>>,
    pub base_url: Option<String>,
    pub languages: Option<Vec<String>>,
    /// Code of the new owning agency.
    pub owner: Option<String>,
    /// The two-person rule (Điều 10.2), on for every site by default; turning it off needs a
    /// `reason`.
    pub require_two_person_approval: Option<bool>,
    /// Hours an item may wait for the board before it counts as overdue, 1–720.
    #[schema(minimum = 1, maximum = 720)]
    pub review_threshold_hours: Option<i32>,
    /// Let the board member who forwarded an item approve it too (off by default); turning it on
    /// needs a `reason`.
    pub forwarder_may_approve: Option<bool>,
    /// Why the board's separation of duties is weakened; required for that, kept in the audit log.
    #[schema(max_length = 200)]
    pub reason: Option<String>,
}

/// Updates a site's names, address, languages or owner.
#[utoipa::path(
    tag = "sites",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key")),
    request_body = UpdateSiteRequest,
    responses(
        (status = 200, description = "Updated", body = SiteDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sites:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/sites/{site}")]
pub async fn update_site(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: crate::body::Json<UpdateSiteRequest>,
) -> Result<web::Json<SiteDto>, ApiError> {
    caller.require(Scope::SitesManage)?;
    let lang = lang::resolve(&req, None)?;
    let key = path.into_inner();
    let body = body.into_inner();
    let actor = caller.actor();
    let patch = SitePatch {
        name_vi: body.name_vi,
        name_en: body.name_en,
        base_url: body.base_url,
        languages: body.languages,
        owner: body.owner,
        require_two_person_approval: body.require_two_person_approval,
        review_threshold_hours: body.review_threshold_hours,
        forwarder_may_approve: body.forwarder_may_approve,
        reason: body.reason,
    };
    let dto = state
        .db(move |conn| {
            let site = admin::update_site(conn, &actor, &key, &patch)?;
            site_dto(conn, lang, site)
        })
        .await?;
    Ok(web::Json(dto))
}

/// Deactivates a site: readers no longer see it or its sections.
#[utoipa::path(
    tag = "sites",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sites:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active site", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A portal with active sub-sites", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/sites/{site}/deactivate")]
pub async fn deactivate_site(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::SitesManage)?;
    let key = path.into_inner();
    let actor = caller.actor();
    state
        .db(move |conn| admin::deactivate_site(conn, &actor, &key))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ------------------------------------------------------------------ sections

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSectionDto {
    #[serde(flatten)]
    pub section: SectionDto,
    /// Hidden sections are kept but not shown to readers.
    pub visible: bool,
}

fn section_dto(
    conn: &mut portal_db::DbConn,
    lang: portal_core::Lang,
    section: portal_sections::Section,
) -> Result<AdminSectionDto, Error> {
    let owner = agencies::codes_by_id(conn, &[section.owner_agency_id])?
        .remove(&section.owner_agency_id)
        .unwrap_or_default();
    let site = sites::keys_by_id(conn, &[section.site_id])?
        .remove(&section.site_id)
        .unwrap_or_default();
    let visible = section.visible;
    Ok(AdminSectionDto {
        section: SectionDto::new(section, lang, site, owner),
        visible,
    })
}

/// The site key of a section, checked against the caller's `sections:manage:site:<key>`.
async fn require_manage_section(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(), ApiError> {
    let key = state
        .db(move |conn| admin::site_key_of_section(conn, id))
        .await?;
    Ok(caller.principal.require_manage_sections(&key)?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSectionRequest {
    /// Made from `name_vi` when absent ("Lịch tiếp công dân" → `lich-tiep-cong-dan`), with a
    /// numeric suffix if taken; when given, it must be free on the site.
    pub slug: Option<String>,
    #[schema(example = "Lịch tiếp công dân", max_length = 300)]
    pub name_vi: String,
    #[schema(example = "Citizen reception schedule", max_length = 300)]
    pub name_en: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// The parent section (same site); absent for a top-level section.
    pub parent_id: Option<i64>,
    /// Position among its siblings (0 = first); absent puts it last.
    pub position: Option<i32>,
    /// Code of the owning agency (Điều 7.2).
    #[schema(example = "vp-ubnd")]
    pub owner: String,
    /// Default true.
    pub visible: Option<bool>,
}

/// Creates a section on a site.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key")),
    request_body = CreateSectionRequest,
    responses(
        (status = 201, description = "Created", body = AdminSectionDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sections:manage:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, the slug is taken, the parent or owner is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/sites/{site}/sections")]
pub async fn create_section(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: crate::body::Json<CreateSectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = path.into_inner();
    caller.principal.require_manage_sections(&key)?;
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let actor = caller.actor();
    let dto = state
        .db(move |conn| {
            let section = admin::create_section(
                conn,
                &actor,
                &key,
                &NewSection {
                    slug: body.slug,
                    name_vi: body.name_vi,
                    name_en: body.name_en,
                    description: body.description,
                    parent_id: body.parent_id,
                    position: body.position,
                    owner: body.owner,
                    visible: body.visible.unwrap_or(true),
                },
            )?;
            section_dto(conn, lang, section)
        })
        .await?;
    Ok(HttpResponse::Created().json(dto))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSectionRequest {
    pub slug: Option<String>,
    pub name_vi: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// false hides the section (and its branch) from readers.
    pub visible: Option<bool>,
}

/// Renames a section in either language, changes its slug or description, hides or shows it.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Section id")),
    request_body = UpdateSectionRequest,
    responses(
        (status = 200, description = "Updated", body = AdminSectionDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sections:manage:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such section", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule or the slug is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/sections/{id}")]
pub async fn update_section(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::body::Json<UpdateSectionRequest>,
) -> Result<web::Json<AdminSectionDto>, ApiError> {
    let id = path.into_inner();
    require_manage_section(&state, &caller, id).await?;
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let actor = caller.actor();
    let patch = SectionPatch {
        slug: body.slug,
        name_vi: body.name_vi,
        name_en: body.name_en,
        description: body.description,
        visible: body.visible,
    };
    let dto = state
        .db(move |conn| {
            let section = admin::update_section(conn, &actor, id, &patch)?;
            section_dto(conn, lang, section)
        })
        .await?;
    Ok(web::Json(dto))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveSectionRequest {
    /// The new parent (same site), or null for the top level; absent keeps the parent.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// Position among the new siblings (0 = first); absent puts it last.
    pub position: Option<i32>,
}

/// Moves a section in the tree or reorders it among its siblings. Cycles are refused.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Section id")),
    request_body = MoveSectionRequest,
    responses(
        (status = 200, description = "Moved", body = AdminSectionDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sections:manage:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such section", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The parent is unknown, on another site, or would make a cycle", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/sections/{id}/move")]
pub async fn move_section(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::body::Json<MoveSectionRequest>,
) -> Result<web::Json<AdminSectionDto>, ApiError> {
    let id = path.into_inner();
    require_manage_section(&state, &caller, id).await?;
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let actor = caller.actor();
    let dto = state
        .db(move |conn| {
            let section = admin::move_section(conn, &actor, id, body.parent_id, body.position)?;
            section_dto(conn, lang, section)
        })
        .await?;
    Ok(web::Json(dto))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferSectionRequest {
    /// Code of the active agency that will own the section.
    #[schema(example = "so-tttt")]
    pub owner: String,
}

/// Transfers a section to another agency; its staff may post there from their next token refresh.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Section id")),
    request_body = TransferSectionRequest,
    responses(
        (status = 200, description = "Transferred", body = AdminSectionDto),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sections:manage:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such section", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The agency is unknown or inactive", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/sections/{id}/transfer")]
pub async fn transfer_section(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::body::Json<TransferSectionRequest>,
) -> Result<web::Json<AdminSectionDto>, ApiError> {
    let id = path.into_inner();
    require_manage_section(&state, &caller, id).await?;
    let lang = lang::resolve(&req, None)?;
    let owner = body.into_inner().owner;
    let actor = caller.actor();
    let dto = state
        .db(move |conn| {
            let section = admin::transfer_section(conn, &actor, id, &owner)?;
            section_dto(conn, lang, section)
        })
        .await?;
    Ok(web::Json(dto))
}

/// Deletes a section that has no child sections.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Section id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sections:manage:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such section", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The section has child sections or items", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/sections/{id}")]
pub async fn delete_section(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_manage_section(&state, &caller, id).await?;
    let actor = caller.actor();
    state
        .db(move |conn| {
            // The content domain sits above the section one: the check that a section holds no
            // items is orchestrated here (the foreign key would refuse it anyway).
            let items = portal_content::items::count_in_section(conn, id)?;
            if items > 0 {
                return Err(Error::Conflict(format!(
                    "section {id} still holds {items} item(s); move them first"
                )));
            }
            admin::delete_section(conn, &actor, id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSectionList {
    pub site: String,
    /// Every section of the site, hidden ones included, ordered by parent then position.
    pub items: Vec<AdminSectionDto>,
}

/// Lists every section of a site for its managers, hidden ones included.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key")),
    responses(
        (status = 200, description = "All sections of the site", body = AdminSectionList),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs `sections:manage:site:<key>`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/sites/{site}/sections")]
pub async fn admin_site_sections(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<AdminSectionList>, ApiError> {
    let key = path.into_inner();
    caller.principal.require_manage_sections(&key)?;
    let lang = lang::resolve(&req, None)?;
    let list = state
        .db(move |conn| {
            let site = sites::active_by_key(conn, &key)?;
            let all = portal_sections::sections::all_of_site(conn, site.id)?;
            let items = all
                .into_iter()
                .map(|s| section_dto(conn, lang, s))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(AdminSectionList {
                site: site.key,
                items,
            })
        })
        .await?;
    Ok(web::Json(list))
}
