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
        (name = "public", description = "What readers, the portal UI and sub-sites read: published items only (docs/api-guide.md)"),
        (name = "sites", description = "The main portal and its sub-sites (Điều 8.2, 22.2)"),
        (name = "sections", description = "Sections (chuyên mục) and the agencies that own them (Điều 7.2)"),
        (name = "agencies", description = "Sở, Ban, ngành, districts and other bodies"),
        (name = "tools", description = "Vietnamese text helpers for editors' interfaces"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "auth", description = "Signing in, tokens, the caller's own account (docs/security.md)"),
        (name = "users", description = "Accounts and roles, managed by operators (Điều 21.4)"),
        (name = "api-keys", description = "Keys for sub-sites and integrators"),
        (name = "audit", description = "The tamper-evident audit log"),
        (name = "workflow", description = "Submit, review, approve and publish (Điều 10); comments, notifications, queues (docs/workflow.md)"),
        (name = "webhooks", description = "Events to sub-sites and integrators, signed with HMAC-SHA256"),
        (name = "feedback", description = "Citizens' questions and feedback (Điều 11): intake, status link, triage, agencies' signed answers, the working-day calendar (docs/feedback.md)"),
        (name = "consultations", description = "Drafts put out for public comment by any agency (Điều 7.2.n): parts with stable ids, moderated comments, the conclusion with a disposition per comment (docs/consultation.md)"),
        (name = "royalties", description = "Royalties (nhuận bút) and remuneration (thù lao) for published work (Điều 15, 16; NĐ 18/2014): dated rate schedules, a claim per credited author, grading and approval by the chief editor, the append-only ledger, yearly funds with caps, monthly statements, payments, CSV/XLSX (docs/royalties.md)"),
        (name = "public-services", description = "The catalogue of online public services (Điều 13): the IT centre's import of the national list, integrators' figures; anyone searches it under `public` (docs/datasets.md)"),
        (name = "types", description = "Content types defined at run time (Điều 7.2: leaders, schedules, legal documents, projects, budgets, statistics): versioned field schemas, their items filtered by typed fields, a document per type, migrations (docs/datasets.md)"),
        (name = "compliance", description = "Dated rule packs of the mandatory information (NĐ 43/2011, 42/2022, 224/2026) and each agency's compliance, timeliness in working days and activity (Điều 8.1, 25.2; docs/compliance.md)"),
        (name = "open311", description = "Open311 GeoReport v2 for city-service apps: services are the kinds of case, requests are cases; read back with the status secret (docs/feedback.md)"),
        (name = "content", description = "Authoring items: drafts, translations, revisions (docs/content-model.md)"),
    ),
    components(schemas(crate::http::problem::Problem, crate::http::problem::ProblemField)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The `bearer` security scheme that protected operations name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT access token, or an API key pk_…")
                    .description(Some(
                        "An access token from POST /api/v1/auth/login, or an API key.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document exactly as the server serves it at `/api/openapi.json`; needs no database.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(crate::routes::configure)
        .split_for_parts();
    finish(doc)
}

/// What every operation shares, stated once rather than in 89 attributes: public operations say
/// they need no credentials (`security: []`); every operation with parameters or a body documents
/// the 400 and, with a body, the 413, 415 and 422 that the extractors answer before any handler
/// runs; protected ones the 401; and every answer the headers it carries. Linted in CI.
pub(crate) fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{LicenseBuilder, Server};
    doc.servers = Some(vec![Server::new("/")]);
    doc.info.license = Some(
        LicenseBuilder::new()
            .name("MIT OR Apache-2.0")
            .identifier(Some("MIT OR Apache-2.0"))
            .build(),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let is_get = item.get.is_some();
        for (op, get) in [
            (&mut item.get, true),
            (&mut item.post, false),
            (&mut item.put, false),
            (&mut item.patch, false),
            (&mut item.delete, false),
        ] {
            let Some(op) = op.as_mut() else { continue };
            contract(path, op, get && is_get);
        }
    }
    doc
}

fn problem(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn header(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::header::Header> {
    utoipa::openapi::RefOr::T(
        utoipa::openapi::header::HeaderBuilder::new()
            .schema(Some(utoipa::openapi::schema::Object::with_type(
                utoipa::openapi::schema::Type::String,
            )))
            .description(Some(description))
            .build(),
    )
}

fn contract(path: &str, op: &mut utoipa::openapi::path::Operation, get: bool) {
    use utoipa::openapi::RefOr;
    let public = op.security.as_ref().is_none_or(Vec::is_empty);
    if op.security.is_none() {
        op.security = Some(Vec::new());
    }
    let has_params = path.contains('{') || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = op.request_body.is_some();
    let responses = &mut op.responses.responses;
    let mut add = |code: &str, description: &str| {
        responses
            .entry(code.to_string())
            .or_insert_with(|| problem(description));
    };
    if has_params || has_body {
        add("400", "A path or query parameter, a header or the body is malformed, out of range or holds a control character (`errors[].field` names it)");
    }
    if has_body {
        add("413", "The body is larger than this endpoint accepts");
        add(
            "415",
            "The body is not sent as `Content-Type: application/json`",
        );
        add(
            "422",
            "The body does not fit the schema or breaks a rule (`errors[].field` is its JSON path)",
        );
    }
    if !public {
        add("401", "No valid credentials");
    }
    for (code, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        match code.as_str() {
            "200" | "304" if get && public => {
                for (name, description) in [
                    (
                        "ETag",
                        "Strong validator of this answer; send it back in `If-None-Match`",
                    ),
                    (
                        "Cache-Control",
                        "How long shared and browser caches may keep the answer",
                    ),
                    (
                        "Last-Modified",
                        "When the data of the answer last changed, where it is known",
                    ),
                ] {
                    response
                        .headers
                        .entry(name.to_string())
                        .or_insert_with(|| header(description));
                }
                if code == "200" && path.ends_with("/content/{lang}/{slug}") {
                    response
                        .headers
                        .entry("Link".to_string())
                        .or_insert_with(|| {
                            header(
                                "After a rename: the item's canonical address, `rel=\"canonical\"`",
                            )
                        });
                }
            }
            "200" | "201" if path.starts_with("/api/v1/admin/content") => {
                response
                    .headers
                    .entry("ETag".to_string())
                    .or_insert_with(|| header("The item's version, to send back in `If-Match`"));
            }
            "429" => {
                response
                    .headers
                    .entry("Retry-After".to_string())
                    .or_insert_with(|| header("Seconds to wait before trying again"));
            }
            _ => {}
        }
    }
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
