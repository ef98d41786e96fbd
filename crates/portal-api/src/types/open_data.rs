//! Open data: the DCAT catalogue of a site's datasets (its content types with published items)
//! and each dataset's export as CSV or JSON, streamed a page at a time.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use portal_content::types::TypeView;
use portal_delivery::open_data::{self, Catalog};
use portal_delivery::typed::TypedItem;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::dto::TypedItemDto;
use crate::cache::render::cached_json;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SiteQuery {
    /// The site's key.
    pub site: String,
}

/// Reuse with attribution, as the open-data rules of NĐ 47/2020 allow for published data.
const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

fn catalog_document(c: Catalog) -> Value {
    let site = &c.site.key;
    let datasets: Vec<Value> = c
        .datasets
        .into_iter()
        .map(|d| {
            let key = d.ty.row.key.clone();
            let keywords: Vec<&str> = d.ty.definition.fields.iter().map(|f| f.label.as_str()).collect();
            json!({
                "@type": "dcat:Dataset",
                "@id": format!("/api/v1/types/{key}"),
                "dct:identifier": key,
                "dct:title": {"@language": "vi", "@value": d.ty.row.name},
                "dct:description": d.ty.row.description,
                "dct:conformsTo": {"@id": format!("/api/v1/types/{key}/openapi.json")},
                "dct:source": d.ty.row.legal_basis,
                "dct:issued": d.ty.row.created_at.and_utc().to_rfc3339(),
                "dct:modified": d.modified.map(|t| t.and_utc().to_rfc3339()),
                "dct:license": {"@id": LICENSE},
                "dcat:keyword": keywords,
                "portal:items": d.items,
                "portal:version": d.ty.version,
                "dcat:distribution": [
                    {"@type": "dcat:Distribution", "dct:format": "CSV", "dcat:mediaType": "text/csv",
                     "dcat:downloadURL": {"@id": format!("/api/v1/open-data/{key}.csv?site={site}")}},
                    {"@type": "dcat:Distribution", "dct:format": "JSON", "dcat:mediaType": "application/json",
                     "dcat:downloadURL": {"@id": format!("/api/v1/open-data/{key}.json?site={site}")}},
                    {"@type": "dcat:Distribution", "dct:format": "API", "dcat:mediaType": "application/json",
                     "dcat:accessURL": {"@id": format!("/api/v1/types/{key}/items?site={site}")}},
                ],
            })
        })
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "portal": "urn:portal-cms:",
        },
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "vi", "@value": format!("Dữ liệu mở — {}", c.site.name_vi)},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": c.site.name_vi, "foaf:homepage": {"@id": c.site.base_url}},
        "dct:language": "vi",
        "dct:license": {"@id": LICENSE},
        "dcat:dataset": datasets,
    })
}

/// The DCAT catalogue (JSON-LD) of a site's open data: each content type with published items,
/// with its CSV, JSON and API distributions.
#[utoipa::path(
    tag = "types",
    params(SiteQuery),
    responses(
        (status = 200, description = "A DCAT catalogue in JSON-LD", body = Object),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/open-data/catalog")]
pub async fn open_data_catalog(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<SiteQuery>,
) -> Result<HttpResponse, ApiError> {
    let site = query.into_inner().site;
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let c = db.db(move |conn| open_data::catalog(conn, &site)).await?;
        let modified = c.datasets.iter().filter_map(|d| d.modified).max();
        Ok((catalog_document(c), modified))
    })
    .await
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

fn csv_line(cells: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing into memory cannot fail; a failure would only leave the line empty.
    let _ = w.write_record(cells);
    w.into_inner().unwrap_or_default()
}

fn render(
    format: Format,
    ty: &TypeView,
    site: &str,
    items: Vec<TypedItem>,
    first: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        Format::Csv => {
            if first {
                // A byte-order mark, so that Excel reads the Vietnamese as UTF-8.
                out.extend_from_slice("\u{feff}".as_bytes());
                out.extend(csv_line(&open_data::csv_header(&ty.definition)));
            }
            for item in &items {
                out.extend(csv_line(&open_data::csv_row(&ty.definition, item)));
            }
        }
        Format::Json => {
            for (i, item) in items.into_iter().enumerate() {
                if !(first && i == 0) {
                    out.push(b',');
                }
                let dto = TypedItemDto::of(item, site);
                out.extend(serde_json::to_vec(&dto).unwrap_or_default());
                out.push(b'\n');
            }
        }
    }
    out
}

async fn export(
    state: web::Data<AppState>,
    key: String,
    site: String,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    // The type and the site are checked before the answer starts: 404 while it still can be.
    let (ty, site_row) = state
        .db(move |conn| open_data::export_start(conn, &key, &site))
        .await?;
    let (ty, site_id, site_key) = (
        std::sync::Arc::new(ty),
        site_row.id,
        std::sync::Arc::new(site_row.key),
    );
    let name = format!(
        "{}-{}.{}",
        ty.row.key,
        site_key,
        if matches!(format, Format::Csv) {
            "csv"
        } else {
            "json"
        }
    );
    let head = match format {
        Format::Csv => Vec::new(),
        Format::Json => format!(
            "{{\"type\":{},\"version\":{},\"site\":{},\"items\":[\n",
            Value::from(ty.row.key.clone()),
            ty.version,
            Value::from(site_key.as_str())
        )
        .into_bytes(),
    };
    // (cursor of the next page, whether it is the first, whether the end was written)
    let stream = futures_util::stream::unfold(
        (None::<String>, true, false),
        move |(cursor, first, finished)| {
            let (state, ty, site_key) = (state.clone(), ty.clone(), site_key.clone());
            async move {
                if finished {
                    return None;
                }
                let page_ty = ty.clone();
                let after = cursor.clone();
                let page = state
                    .db(move |conn| {
                        open_data::export_page(conn, &page_ty, site_id, after.as_deref())
                    })
                    .await;
                match page {
                    Ok((items, next)) => {
                        let mut bytes = render(format, &ty, &site_key, items, first);
                        let done = next.is_none();
                        if done && matches!(format, Format::Json) {
                            bytes.extend_from_slice(b"]}\n");
                        }
                        Some((
                            Ok::<_, actix_web::Error>(Bytes::from(bytes)),
                            (next, false, done),
                        ))
                    }
                    // Headers are sent: the only way left to say it failed is to stop short.
                    Err(e) => Some((
                        Err(actix_web::error::ErrorInternalServerError(e.to_string())),
                        (None, false, true),
                    )),
                }
            }
        },
    );
    let head =
        futures_util::stream::once(async move { Ok::<_, actix_web::Error>(Bytes::from(head)) });
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Json => "application/json",
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((CACHE_CONTROL, "public, max-age=60"))
        .streaming(futures_util::StreamExt::chain(head, stream)))
}

/// A dataset as CSV (UTF-8 with a byte-order mark): one row per published item, oldest first,
/// the item's columns then each field by name; streamed.
#[utoipa::path(
    tag = "types",
    params(("key" = String, Path, description = "The type's key"), SiteQuery),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 404, description = "No such type or site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/open-data/{key}.csv")]
pub async fn open_data_csv(
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<SiteQuery>,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        key.into_inner(),
        query.into_inner().site,
        Format::Csv,
    )
    .await
}

/// A dataset as JSON: `{"type", "version", "site", "items": [...]}`, the items as the typed list
/// gives them, oldest first; streamed.
#[utoipa::path(
    tag = "types",
    params(("key" = String, Path, description = "The type's key"), SiteQuery),
    responses(
        (status = 200, description = "The JSON file", body = Object),
        (status = 404, description = "No such type or site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/open-data/{key}.json")]
pub async fn open_data_json(
    state: web::Data<AppState>,
    key: web::Path<String>,
    query: web::Query<SiteQuery>,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        key.into_inner(),
        query.into_inner().site,
        Format::Json,
    )
    .await
}
