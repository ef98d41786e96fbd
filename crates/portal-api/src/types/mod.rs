//! Content types defined at run time (`portal_content::types`): anyone reads the types and a
//! type's published items with typed filters; operators (`types:manage`) define them, make new
//! versions and migrate items. Items of a type are written through `/admin/content` with `type`
//! and `data`.

pub mod admin;
pub mod document;
pub mod dto;
pub mod open_data;
pub mod public;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure_public(cfg: &mut ServiceConfig) {
    cfg.service(public::list_types)
        .service(public::list_typed_items)
        .service(public::type_openapi)
        .service(public::list_type_versions)
        .service(public::get_type_version)
        .service(public::get_type)
        .service(open_data::open_data_catalog)
        .service(open_data::open_data_csv)
        .service(open_data::open_data_json);
}

pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(admin::create_type)
        .service(admin::create_type_version)
        .service(admin::dry_run_type_migration)
        .service(admin::migrate_type_items);
}
