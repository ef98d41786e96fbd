use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

/// The document's fixed parts; paths and schemas are collected from the registered services.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portal CMS API",
        description = "Headless CMS of the Quảng Nam provincial e-portal (Cổng thông tin điện tử) and its sub-sites. \
Errors are RFC 9457 problem documents (`application/problem+json`); lists are paginated with `limit` and an opaque `cursor`; \
names come in the language asked for (`?lang=` or `Accept-Language`), falling back to Vietnamese.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "sites", description = "The main portal and its sub-sites (Điều 8.2, 22.2)"),
        (name = "sections", description = "Sections (chuyên mục) and the agencies that own them (Điều 7.2)"),
        (name = "agencies", description = "Sở, Ban, ngành, districts and other bodies"),
        (name = "tools", description = "Vietnamese text helpers for editors' interfaces"),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    components(schemas(crate::problem::Problem, crate::problem::ProblemField))
)]
pub struct ApiDoc;

/// The OpenAPI document exactly as the server serves it at `/api/openapi.json`; needs no database.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc
}

/// The version is the api crate's own, set deliberately so the committed document changes only
/// with a release, not with every build.
pub(crate) fn base() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

/// The document as pretty JSON with a trailing newline: the form committed under `openapi/`.
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
