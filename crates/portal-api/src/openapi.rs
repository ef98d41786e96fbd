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
        (name = "content", description = "Authoring items: drafts, translations, revisions (docs/content-model.md)"),
    ),
    components(schemas(crate::problem::Problem, crate::problem::ProblemField)),
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
