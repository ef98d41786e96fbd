//! Running the installation: health, readiness and metrics (outside `/api/v1`), the audit log,
//! security settings, and the text tools of editors' interfaces.

pub mod audit;
pub mod health;
pub mod settings;
pub mod tools;

use utoipa_actix_web::service_config::ServiceConfig;

/// `/healthz`, `/readyz` and `/metrics`, at the root where probes and scrapers look.
pub fn configure_probes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics);
}

/// The text tools of editors' interfaces (public).
pub fn configure_tools(cfg: &mut ServiceConfig) {
    cfg.service(tools::slug);
}

pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(audit::list_audit)
        .service(settings::get_security_settings)
        .service(settings::put_security_settings);
}
