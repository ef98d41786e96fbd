//! Sites, sections and agencies: what anyone may read of them, and how operators and chief
//! editors change them (`portal_sections`, `portal_auth::org`).

pub mod admin_agencies;
pub mod admin_sections;
pub mod admin_sites;
pub mod agencies;
pub mod dto;
pub mod sections;
pub mod sites;

use utoipa_actix_web::service_config::ServiceConfig;

/// What anyone may read: sites, sections, agencies.
pub fn configure_public(cfg: &mut ServiceConfig) {
    cfg.service(sites::list_sites)
        .service(sites::get_site)
        .service(sections::site_sections)
        .service(sections::get_section)
        .service(agencies::list_agencies)
        .service(agencies::get_agency);
}

/// What operators and chief editors change.
pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(admin_agencies::create_agency)
        .service(admin_agencies::rename_agency)
        .service(admin_agencies::deactivate_agency)
        .service(admin_agencies::merge_agency)
        .service(admin_sites::create_site)
        .service(admin_sites::update_site)
        .service(admin_sites::deactivate_site)
        .service(admin_sections::admin_site_sections)
        .service(admin_sections::create_section)
        .service(admin_sections::update_section)
        .service(admin_sections::move_section)
        .service(admin_sections::transfer_section)
        .service(admin_sections::delete_section);
}
