pub mod agencies;
pub mod health;
pub mod sections;
pub mod sites;
pub mod tools;

use utoipa_actix_web::service_config::ServiceConfig;

/// Every route of the app. Registered only through `service`, so each is in the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(utoipa_actix_web::scope("/api/v1").configure(v1));
}

fn v1(cfg: &mut ServiceConfig) {
    cfg.service(sites::list_sites)
        .service(sites::get_site)
        .service(sections::site_sections)
        .service(sections::get_section)
        .service(agencies::list_agencies)
        .service(agencies::get_agency)
        .service(tools::slug);
}
