use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::{Lang, PageRequest};
use portal_sections::views::{self, SectionTree, SectionView, SiteSections};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cache::render::cached_json;
use crate::http::lang;
use crate::http::problem::{ApiError, Problem};
use crate::organisation::dto::{SectionDetail, SectionDto, SectionList, SectionRef};
use crate::organisation::sites::LangQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SiteSectionsQuery {
    /// Language of `name`: `vi` or `en`. Defaults to `Accept-Language`, then `vi`.
    #[param(value_type = Option<crate::enums::LanguageCode>)]
    pub lang: Option<String>,
    /// `true` for a flat, paginated list with `parent_id`s instead of the tree.
    #[param(default = false)]
    pub flat: Option<bool>,
    /// Flat view only: page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// Flat view only: `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn section_dto(view: SectionView, lang: Lang) -> SectionDto {
    SectionDto::new(view.section, lang, view.site, view.owner)
}

fn tree_dto(node: SectionTree, lang: Lang) -> SectionDto {
    let children = node
        .children
        .into_iter()
        .map(|c| tree_dto(c, lang))
        .collect();
    SectionDto {
        children: Some(children),
        ..section_dto(node.view, lang)
    }
}

/// Lists a site's visible sections (chuyên mục): the whole tree, or a flat page with `flat=true`.
#[utoipa::path(
    tag = "sections",
    params(("site" = String, Path, description = "Site key, e.g. `quang-nam`"), SiteSectionsQuery),
    responses(
        (status = 200, description = "The section tree, or one flat page of sections", body = SectionList),
        (status = 304, description = "Unchanged since the client\'s copy (`If-None-Match`)"),
        (status = 404, description = "No active site has this key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/sections")]
pub async fn site_sections(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<SiteSectionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let flat = query.flat.unwrap_or(false);
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let key = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, lang.code(), async move {
        let found = db
            .db(move |conn| views::site_sections(conn, &key, flat.then_some(&page)))
            .await?;
        let list = match found {
            SiteSections::Flat { site, page } => SectionList {
                site,
                items: page
                    .items
                    .into_iter()
                    .map(|v| section_dto(v, lang))
                    .collect(),
                next_cursor: page.next_cursor,
            },
            SiteSections::Tree { site, roots } => SectionList {
                site,
                items: roots.into_iter().map(|n| tree_dto(n, lang)).collect(),
                next_cursor: None,
            },
        };
        Ok((list, None))
    })
    .await
}

/// Shows one visible section with its breadcrumb and its visible subsections.
#[utoipa::path(
    tag = "sections",
    params(("id" = i64, Path, description = "Section id"), LangQuery),
    responses(
        (status = 200, description = "The section", body = SectionDetail),
        (status = 304, description = "Unchanged since the client\'s copy (`If-None-Match`)"),
        (status = 400, description = "The id or a query parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No visible section has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sections/{id}")]
pub async fn get_section(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = lang::resolve(&req, query.lang.as_deref())?;
    let id = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, lang.code(), async move {
        let found = db.db(move |conn| views::visible_section(conn, id)).await?;
        let detail = SectionDetail {
            breadcrumb: found
                .breadcrumb
                .iter()
                .map(|s| SectionRef {
                    id: s.id,
                    slug: s.slug.clone(),
                    name: lang.pick(&s.name_vi, s.name_en.as_deref()).to_string(),
                })
                .collect(),
            subsections: found
                .subsections
                .into_iter()
                .map(|v| section_dto(v, lang))
                .collect(),
            section: section_dto(found.section, lang),
        };
        Ok((detail, None))
    })
    .await
}
