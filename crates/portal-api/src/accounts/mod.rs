//! Accounts over HTTP: signing in and the caller's own account, users and roles (operators), API
//! keys (docs/security.md).

pub mod api_keys;
pub mod sign_in;
pub mod users;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sign_in::login)
        .service(sign_in::refresh)
        .service(sign_in::logout)
        .service(sign_in::me)
        .service(sign_in::change_password)
        .service(sign_in::totp_enroll)
        .service(sign_in::totp_confirm)
        .service(sign_in::totp_disable)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::get_user)
        .service(users::update_user)
        .service(users::disable_user)
        .service(users::enable_user)
        .service(users::reset_password)
        .service(users::grant_role)
        .service(users::revoke_role)
        .service(api_keys::create_api_key)
        .service(api_keys::list_api_keys)
        .service(api_keys::revoke_api_key);
}
