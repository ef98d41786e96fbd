//! The section tree of a site (`sections:manage:site:<key>`: operators and the site's chief
//! editor): create, edit, move, transfer to another agency, delete.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use portal_auth::admin::org::{self, SectionView};
use portal_sections::admin::{NewSection, SectionPatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::lang;
use crate::http::paging::double_option;
use crate::http::problem::{ApiError, Problem};
use crate::organisation::dto::SectionDto;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSectionDto {
    #[serde(flatten)]
    pub section: SectionDto,
    /// Hidden sections are kept but not shown to readers.
    pub visible: bool,
}

fn section_dto(view: SectionView, lang: portal_core::Lang) -> AdminSectionDto {
    let visible = view.section.visible;
    AdminSectionDto {
        section: SectionDto::new(view.section, lang, view.site, view.owner),
        visible,
    }
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
    body: crate::http::body::Json<CreateSectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = path.into_inner();
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| {
            org::create_section(
                conn,
                &who,
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
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(section_dto(view, lang)))
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
    body: crate::http::body::Json<UpdateSectionRequest>,
) -> Result<web::Json<AdminSectionDto>, ApiError> {
    let id = path.into_inner();
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let who = caller.acting();
    let patch = SectionPatch {
        slug: body.slug,
        name_vi: body.name_vi,
        name_en: body.name_en,
        description: body.description,
        visible: body.visible,
    };
    let view = state
        .db(move |conn| org::update_section(conn, &who, id, &patch))
        .await?;
    Ok(web::Json(section_dto(view, lang)))
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
    body: crate::http::body::Json<MoveSectionRequest>,
) -> Result<web::Json<AdminSectionDto>, ApiError> {
    let id = path.into_inner();
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| org::move_section(conn, &who, id, body.parent_id, body.position))
        .await?;
    Ok(web::Json(section_dto(view, lang)))
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
    body: crate::http::body::Json<TransferSectionRequest>,
) -> Result<web::Json<AdminSectionDto>, ApiError> {
    let id = path.into_inner();
    let lang = lang::resolve(&req, None)?;
    let owner = body.into_inner().owner;
    let who = caller.acting();
    let view = state
        .db(move |conn| org::transfer_section(conn, &who, id, &owner))
        .await?;
    Ok(web::Json(section_dto(view, lang)))
}

/// Deletes a section that has no child sections.
#[utoipa::path(
    tag = "sections",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Section id")),
    responses(
        (status = 204, description = "Deleted"),
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
    let who = caller.acting();
    state
        .db(move |conn| portal_content::commands::delete_section(conn, &who, id))
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
    let lang = lang::resolve(&req, None)?;
    let principal = caller.principal;
    let (site, sections) = state
        .db(move |conn| org::site_sections(conn, &principal, &key))
        .await?;
    let list = AdminSectionList {
        site,
        items: sections.into_iter().map(|v| section_dto(v, lang)).collect(),
    };
    Ok(web::Json(list))
}
