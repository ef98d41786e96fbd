//! An item's Dublin Core metadata (Thông tư 32/2017, 22/2023): the fifteen DCMES elements as
//! JSON, and the same as `<meta name="DC.…">` pairs that a page's head takes as they are.

use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_delivery::views::{self, DublinCore};
use serde::Serialize;
use utoipa::ToSchema;

use crate::cache::render::{cached, Rendered};
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// The DCMES 1.1 elements; title, creator, date, description, publisher and identifier are never
/// empty.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct DublinCoreElements {
    pub title: Vec<String>,
    /// The byline, or the publishing agency when there is none.
    pub creator: Vec<String>,
    /// The section, then the tags.
    pub subject: Vec<String>,
    /// The summary, or the start of the text.
    pub description: Vec<String>,
    /// The agency that owns the site.
    pub publisher: Vec<String>,
    pub contributor: Vec<String>,
    /// First publication, RFC 3339.
    pub date: Vec<String>,
    /// DCMI Type: `Text`.
    pub r#type: Vec<String>,
    pub format: Vec<String>,
    /// The item's address on its site.
    pub identifier: Vec<String>,
    pub source: Vec<String>,
    pub language: Vec<String>,
    /// Its other languages' addresses.
    pub relation: Vec<String>,
    pub coverage: Vec<String>,
    pub rights: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetaTag {
    #[schema(example = "DC.title")]
    pub name: String,
    pub content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DublinCoreDto {
    pub item_id: i64,
    pub elements: DublinCoreElements,
    /// One `<meta name content>` per value, in DCMES order.
    pub meta: Vec<MetaTag>,
}

impl From<DublinCore> for DublinCoreDto {
    fn from(dc: DublinCore) -> Self {
        let mut elements = DublinCoreElements::default();
        let mut meta = Vec::new();
        for (name, values) in dc.elements {
            meta.extend(values.iter().map(|v| MetaTag {
                name: format!("DC.{name}"),
                content: v.clone(),
            }));
            let slot = match name {
                "title" => &mut elements.title,
                "creator" => &mut elements.creator,
                "subject" => &mut elements.subject,
                "description" => &mut elements.description,
                "publisher" => &mut elements.publisher,
                "contributor" => &mut elements.contributor,
                "date" => &mut elements.date,
                "type" => &mut elements.r#type,
                "format" => &mut elements.format,
                "identifier" => &mut elements.identifier,
                "source" => &mut elements.source,
                "language" => &mut elements.language,
                "relation" => &mut elements.relation,
                "coverage" => &mut elements.coverage,
                _ => &mut elements.rights,
            };
            *slot = values;
        }
        DublinCoreDto {
            item_id: dc.item_id,
            elements,
            meta,
        }
    }
}

/// The Dublin Core metadata of a published item.
#[utoipa::path(
    tag = "public",
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "The fifteen elements, and as meta tags", body = DublinCoreDto),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such published item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/content/{id}/dublin-core")]
pub async fn item_dublin_core(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let db = state.clone();
    cached(&state, &req, "", async move {
        let dc = db.db(move |conn| views::dublin_core(conn, id)).await?;
        Ok(Rendered::json(&DublinCoreDto::from(dc), None)?)
    })
    .await
}
