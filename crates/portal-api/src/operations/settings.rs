//! Security settings of the installation (operators).

use actix_web::{get, put, web};
use portal_auth::settings;
use portal_auth::Scope;
use portal_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// Chief editors and operators must enrol a second factor before they can do anything else.
    pub require_totp_for_privileged: bool,
}

/// Shows the security settings.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = SecuritySettings),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/security-settings")]
pub async fn get_security_settings(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<SecuritySettings>, ApiError> {
    caller.require(Scope::AccountsManage)?;
    let default = state.auth.config.require_totp_for_privileged_by_default;
    let require = state
        .db(move |conn| settings::require_totp_for_privileged(conn, default))
        .await?;
    Ok(web::Json(SecuritySettings {
        require_totp_for_privileged: require,
    }))
}

/// Changes the security settings.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = SecuritySettings,
    responses(
        (status = 200, description = "The new settings", body = SecuritySettings),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/security-settings")]
pub async fn put_security_settings(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<SecuritySettings>,
) -> Result<web::Json<SecuritySettings>, ApiError> {
    caller.require(Scope::AccountsManage)?;
    let value = body.into_inner().require_totp_for_privileged;
    let actor = caller.actor();
    let default = state.auth.config.require_totp_for_privileged_by_default;
    state
        .db(move |conn| {
            portal_db::write_transaction(conn, |conn| {
                let before = settings::require_totp_for_privileged(conn, default)?;
                settings::set_flag(conn, settings::REQUIRE_TOTP_FOR_PRIVILEGED, value)?;
                portal_audit::append(
                    conn,
                    &actor,
                    "settings.update",
                    Some("settings:security"),
                    Some(&serde_json::json!({"require_totp_for_privileged": before})),
                    Some(&serde_json::json!({"require_totp_for_privileged": value})),
                )?;
                Ok::<_, Error>(())
            })
        })
        .await?;
    Ok(web::Json(SecuritySettings {
        require_totp_for_privileged: value,
    }))
}
