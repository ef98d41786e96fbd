//! Security settings of the installation (operators).

use actix_web::{get, put, web};
use portal_auth::admin::accounts as front;
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
    let default = state.auth.config.require_totp_for_privileged_by_default;
    let principal = caller.principal;
    let current = state
        .db(move |conn| front::security_settings(conn, &principal, default))
        .await?;
    Ok(web::Json(SecuritySettings {
        require_totp_for_privileged: current.require_totp_for_privileged,
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
    let value = body.into_inner().require_totp_for_privileged;
    let who = caller.acting();
    let default = state.auth.config.require_totp_for_privileged_by_default;
    let new = front::SecuritySettings {
        require_totp_for_privileged: value,
    };
    let set = state
        .db(move |conn| front::set_security_settings(conn, &who, default, new))
        .await?;
    Ok(web::Json(SecuritySettings {
        require_totp_for_privileged: set.require_totp_for_privileged,
    }))
}
