//! Authoring over HTTP: items, translations and revisions (docs/content-model.md). Handlers call
//! one use case of `portal_content` or `portal_moderation` each and map its view to `dto`.

pub mod dto;
pub mod items;
pub mod revisions;

use utoipa_actix_web::service_config::ServiceConfig;

/// Bodies of up to a million characters of Vietnamese (three bytes each in UTF-8), with room for
/// JSON escapes.
pub const CONTENT_JSON_LIMIT: usize = 5 * 1024 * 1024;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/admin/content")
            .app_data(
                actix_web::web::JsonConfig::default()
                    .limit(CONTENT_JSON_LIMIT)
                    .error_handler(crate::http::problem::json_error),
            )
            .service(items::create_content)
            .service(items::list_content)
            .service(items::get_content)
            .service(items::update_content)
            .service(items::delete_content)
            .service(items::undelete_content)
            .service(items::move_content)
            .service(items::translate_content)
            .service(revisions::list_revisions)
            .service(revisions::get_revision)
            .service(revisions::diff_revisions)
            .service(revisions::restore_revision),
    );
}
