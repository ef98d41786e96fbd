use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::{Error, PageRequest};
use portal_sections::agencies::AgencyFilter;
use portal_sections::views;
use portal_sections::AgencyKind;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cache::render::cached_json;
use crate::http::lang;
use crate::http::problem::{ApiError, Problem};
use crate::organisation::dto::{AgencyDto, AgencyPage};
use crate::organisation::sites::LangQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListAgenciesQuery {
    /// Language of `name`: `vi` or `en`. Defaults to `Accept-Language`, then `vi`.
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub lang: Option<String>,
    /// Only agencies of this kind (people_committee, office, department, board, central_branch,
    /// centre, city, town, district, commune, other).
    #[param(value_type = Option<crate::enums::AgencyKindName>)]
    pub kind: Option<String>,
    /// Only active (true) or only inactive (false) agencies.
    pub active: Option<bool>,
    /// Only the direct children of the agency with this code.
    pub parent: Option<String>,
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists agencies (Sở, Ban, ngành, districts, …) ordered by code, including inactive ones.
#[utoipa::path(
    tag = "agencies",
    params(ListAgenciesQuery),
    responses(
        (status = 200, description = "One page of agencies", body = AgencyPage),
        (status = 304, description = "Unchanged since the client\'s copy (`If-None-Match`)"),
        (status = 404, description = "The `parent` agency does not exist", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/agencies")]
pub async fn list_agencies(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ListAgenciesQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let kind = query
        .kind
        .as_deref()
        .map(|k| {
            AgencyKind::parse(k).ok_or_else(|| {
                Error::invalid_parameter("kind", format!("unknown agency kind '{k}'"))
            })
        })
        .transpose()?;
    let filter = AgencyFilter {
        kind,
        active: query.active,
        parent_code: query.parent,
    };
    let db = state.clone();
    cached_json(&state, &req, lang.code(), async move {
        let page = db
            .db(move |conn| views::agency_page(conn, &filter, &page))
            .await?
            .map(|v| AgencyDto::new(v.agency, lang, v.parent));
        Ok((
            AgencyPage {
                items: page.items,
                next_cursor: page.next_cursor,
            },
            None,
        ))
    })
    .await
}

/// Shows one agency by its code.
#[utoipa::path(
    tag = "agencies",
    params(("code" = String, Path, description = "Agency code, e.g. `so-tp`"), LangQuery),
    responses(
        (status = 200, description = "The agency", body = AgencyDto),
        (status = 304, description = "Unchanged since the client\'s copy (`If-None-Match`)"),
        (status = 404, description = "No agency has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/agencies/{code}")]
pub async fn get_agency(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let code = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, lang.code(), async move {
        let found = db
            .db(move |conn| views::agency_by_code(conn, &code))
            .await?;
        let agency = AgencyDto::new(found.agency, lang, found.parent);
        Ok((agency, None))
    })
    .await
}
