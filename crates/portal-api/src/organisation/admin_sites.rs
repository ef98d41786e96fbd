//! Managing sites (operators: `sites:manage`): the main portal and its sub-sites (Điều 8.2, 22.2).

use actix_web::{patch, post, web, HttpRequest, HttpResponse};
use portal_auth::admin::org::{self, SiteView};
use portal_sections::admin::{NewSite, SitePatch};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::lang;
use crate::http::paging::double_option;
use crate::http::problem::{ApiError, Problem};
use crate::organisation::dto::SiteDto;
use crate::state::AppState;

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

pub(crate) fn site_dto(view: SiteView, lang: portal_core::Lang) -> SiteDto {
    SiteDto::new(view.site, lang, view.owner, view.parent)
}

/// Creates a sub-site (trang TTĐT thành phần, Điều 8.2) or another portal.
#[utoipa::path(
    tag = "sites",
    security(("bearer" = [])),
    request_body = CreateSiteRequest,
    responses(
        (status = 201, description = "Created", body = SiteDto),
        (status = 403, description = "Needs `sites:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule, the key is taken, or the owner is unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/sites")]
pub async fn create_site(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: crate::http::body::Json<CreateSiteRequest>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, None)?;
    let body = body.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| {
            org::create_site(
                conn,
                &who,
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
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(site_dto(view, lang)))
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
        (status = 403, description = "Needs `sites:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/sites/{site}")]
pub async fn update_site(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: crate::http::body::Json<UpdateSiteRequest>,
) -> Result<web::Json<SiteDto>, ApiError> {
    let lang = lang::resolve(&req, None)?;
    let key = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
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
    let view = state
        .db(move |conn| org::update_site(conn, &who, &key, &patch))
        .await?;
    Ok(web::Json(site_dto(view, lang)))
}

/// Deactivates a site: readers no longer see it or its sections.
#[utoipa::path(
    tag = "sites",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key")),
    responses(
        (status = 204, description = "Deactivated"),
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
    let key = path.into_inner();
    let who = caller.acting();
    state
        .db(move |conn| org::deactivate_site(conn, &who, &key))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ------------------------------------------------------------------ sections
