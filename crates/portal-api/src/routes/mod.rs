pub mod agencies;
pub mod auth;
pub mod content;
pub mod health;
pub mod operations_admin;
pub mod organisation;
pub mod public;
pub mod sections;
pub mod sites;
pub mod tools;
pub mod users;
pub mod workflow;

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
        .service(tools::slug)
        .service(public::list)
        .service(public::published_item)
        .service(public::item_by_slug)
        .service(public::search_items)
        .service(public::change_feed)
        .service(public::rss)
        .service(public::atom)
        .service(public::sitemap)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::change_password)
        .service(auth::totp_enroll)
        .service(auth::totp_confirm)
        .service(auth::totp_disable)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::get_user)
        .service(users::update_user)
        .service(users::disable_user)
        .service(users::enable_user)
        .service(users::reset_password)
        .service(users::grant_role)
        .service(users::revoke_role)
        .service(organisation::create_agency)
        .service(organisation::rename_agency)
        .service(organisation::deactivate_agency)
        .service(organisation::merge_agency)
        .service(organisation::create_site)
        .service(organisation::update_site)
        .service(organisation::deactivate_site)
        .service(organisation::admin_site_sections)
        .service(organisation::create_section)
        .service(organisation::update_section)
        .service(organisation::move_section)
        .service(organisation::transfer_section)
        .service(organisation::delete_section)
        .service(operations_admin::create_api_key)
        .service(operations_admin::list_api_keys)
        .service(operations_admin::revoke_api_key)
        .service(operations_admin::list_audit)
        .service(operations_admin::get_security_settings)
        .service(operations_admin::put_security_settings)
        .service(workflow::submit)
        .service(workflow::claim)
        .service(workflow::forward)
        .service(workflow::approve)
        .service(workflow::return_item)
        .service(workflow::unpublish)
        .service(workflow::archive)
        .service(workflow::item_workflow)
        .service(workflow::list_comments)
        .service(workflow::add_comment)
        .service(workflow::resolve_comment)
        .service(workflow::list_notifications)
        .service(workflow::read_notification)
        .service(workflow::read_all_notifications)
        .service(workflow::my_queue)
        .service(workflow::site_stats)
        .service(workflow::create_webhook)
        .service(workflow::list_webhooks)
        .service(workflow::disable_webhook)
        .service(workflow::enable_webhook)
        .service(workflow::list_deliveries)
        .service(workflow::redeliver)
        .service(workflow::test_webhook)
        .service(
            utoipa_actix_web::scope("/admin/content")
                .app_data(
                    actix_web::web::JsonConfig::default()
                        .limit(content::CONTENT_JSON_LIMIT)
                        .error_handler(crate::problem::json_error),
                )
                .service(content::create_content)
                .service(content::list_content)
                .service(content::get_content)
                .service(content::update_content)
                .service(content::delete_content)
                .service(content::undelete_content)
                .service(content::move_content)
                .service(content::translate_content)
                .service(content::list_revisions)
                .service(content::get_revision)
                .service(content::diff_revisions)
                .service(content::restore_revision),
        );
}

/// For PATCH fields that may be set to null: absent → None, null → Some(None).
pub(crate) fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// `limit` and `cursor` of a plain paginated list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
