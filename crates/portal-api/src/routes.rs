//! The route table: each domain folder registers its own services; this assembles them under
//! `/api/v1`, so the server and the OpenAPI document are built from one registration.

use utoipa_actix_web::service_config::ServiceConfig;

/// Every route of the app. Registered only through `service`, so each is in the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    crate::operations::configure_probes(cfg);
    cfg.service(utoipa_actix_web::scope("/api/v1").configure(v1));
    // Open311 GeoReport v2 lives at its own root, where its clients look for it.
    cfg.service(utoipa_actix_web::scope("/open311/v2").configure(crate::open311::configure));
}

/// actix-web tries the routes in the order they are registered, matching each pattern with a
/// compiled regex until one fits: what readers ask for most comes first. Registering the admin
/// routes first cost a cached public answer 29% more instructions (callgrind, 2026-12-02).
fn v1(cfg: &mut ServiceConfig) {
    crate::organisation::configure_public(cfg);
    crate::operations::configure_tools(cfg);
    crate::public::configure(cfg);
    crate::feedback::configure_public(cfg);
    crate::consultation::configure_public(cfg);
    crate::datasets::configure_public(cfg);
    crate::types::configure_public(cfg);
    crate::accounts::configure(cfg);
    crate::organisation::configure_admin(cfg);
    crate::operations::configure_admin(cfg);
    // Before `content`: its `/admin/content` scope would otherwise answer the workflow's
    // `/admin/content/{id}/submit` and the like with 404 (a scope does not fall through).
    crate::workflow::configure(cfg);
    crate::webhooks::configure(cfg);
    crate::feedback::configure_admin(cfg);
    crate::consultation::configure_admin(cfg);
    crate::royalties::configure(cfg);
    crate::datasets::configure_admin(cfg);
    crate::types::configure_admin(cfg);
    crate::content::configure(cfg);
}
