use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_core::{Lang, PageRequest};
use portal_sections::sections::{
    breadcrumb, build_tree, reachable_by_id, reachable_of_site, reachable_page,
};
use portal_sections::{agencies, sites, Section, SectionNode};
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

/// Maps each section to its DTO, with the owner's code in place of its id.
struct Labeller {
    lang: Lang,
    site: String,
    owners: HashMap<i64, String>,
}

impl Labeller {
    fn new(
        conn: &mut portal_db::DbConn,
        lang: Lang,
        site: String,
        sections: &[&Section],
    ) -> Result<Self, portal_core::Error> {
        let ids: Vec<i64> = sections.iter().map(|s| s.owner_agency_id).collect();
        Ok(Self {
            lang,
            site,
            owners: agencies::codes_by_id(conn, &ids)?,
        })
    }

    fn dto(&self, section: Section) -> SectionDto {
        let owner = self
            .owners
            .get(&section.owner_agency_id)
            .cloned()
            .unwrap_or_default();
        SectionDto::new(section, self.lang, self.site.clone(), owner)
    }

    fn tree(&self, node: SectionNode) -> SectionDto {
        let children = node.children.into_iter().map(|c| self.tree(c)).collect();
        SectionDto {
            children: Some(children),
            ..self.dto(node.section)
        }
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
        let list = db
            .db(move |conn| {
                let site = sites::active_by_key(conn, &key)?;
                if flat {
                    let page = reachable_page(conn, site.id, &page)?;
                    let labeller = Labeller::new(
                        conn,
                        lang,
                        site.key.clone(),
                        &page.items.iter().collect::<Vec<_>>(),
                    )?;
                    Ok(SectionList {
                        site: site.key,
                        items: page.items.into_iter().map(|s| labeller.dto(s)).collect(),
                        next_cursor: page.next_cursor,
                    })
                } else {
                    let all = reachable_of_site(conn, site.id)?;
                    let labeller = Labeller::new(
                        conn,
                        lang,
                        site.key.clone(),
                        &all.iter().collect::<Vec<_>>(),
                    )?;
                    Ok(SectionList {
                        site: site.key,
                        items: build_tree(all)
                            .into_iter()
                            .map(|n| labeller.tree(n))
                            .collect(),
                        next_cursor: None,
                    })
                }
            })
            .await?;
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
        let detail = db
            .db(move |conn| {
                let (section, in_site) = reachable_by_id(conn, id)?;
                let site_key = sites::keys_by_id(conn, &[section.site_id])?
                    .remove(&section.site_id)
                    .unwrap_or_default();
                let breadcrumb = breadcrumb(&section, &in_site)
                    .into_iter()
                    .map(|s| SectionRef {
                        id: s.id,
                        slug: s.slug.clone(),
                        name: lang.pick(&s.name_vi, s.name_en.as_deref()).to_string(),
                    })
                    .collect();
                let children: Vec<Section> = in_site
                    .iter()
                    .filter(|s| s.parent_id == Some(section.id))
                    .cloned()
                    .collect();
                let mut labelled: Vec<&Section> = children.iter().collect();
                labelled.push(&section);
                let labeller = Labeller::new(conn, lang, site_key, &labelled)?;
                Ok(SectionDetail {
                    subsections: children.into_iter().map(|s| labeller.dto(s)).collect(),
                    section: labeller.dto(section),
                    breadcrumb,
                })
            })
            .await?;
        Ok((detail, None))
    })
    .await
}
