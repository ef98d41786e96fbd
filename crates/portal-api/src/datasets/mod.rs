//! Structured information (portal-datasets): for now the catalogue of online public services
//! (Điều 13) — public search, the IT centre's import, integrators' figures.

pub mod compliance;
pub mod services;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure_public(cfg: &mut ServiceConfig) {
    cfg.service(services::list_public_services)
        .service(services::get_public_service);
}

pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(services::import_public_services)
        .service(services::report_service_figures)
        .service(compliance::list_rule_packs)
        .service(compliance::get_rule_pack)
        .service(compliance::put_rule_pack)
        .service(compliance::compliance_report);
}
