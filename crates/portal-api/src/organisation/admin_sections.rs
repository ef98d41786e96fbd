//! The section tree of a site (`sections:manage:site:<key>`: operators and the site's chief
//! editor): create, edit, move, transfer to another agency, delete.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use portal_core::Error;
use portal_sections::admin::{self, NewSection, SectionPatch};
use portal_sections::{agencies, sites};
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
