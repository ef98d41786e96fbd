//! Signing in and out, tokens, the caller's own account (Điều 17.4: each operator keeps their
//! credentials safe and answers for what is done with them).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use portal_auth::login::{self as signin, LoginError, LoginInput, Tokens};
use portal_auth::{accounts, totp, PrincipalKind};
use portal_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::users::{UserDto, UserRoleDto};
use crate::http::caller::{Caller, Client};
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "nguyen.van.a", max_length = 64)]
    pub username: String,
    #[schema(max_length = 256)]
    pub password: String,
    /// The 6-digit code of the user's authenticator, when they enrolled one.
    #[schema(example = "123456")]
    pub totp_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    /// Opaque; exchange it at `/api/v1/auth/refresh` before it idles out. Each use returns a new
    /// one, and presenting a used one again ends the whole session.
    pub refresh_token: String,
    /// The scopes the access token carries, space-separated (docs/security.md).
    pub scope: String,
    /// The user must change their password before anything else (`POST /api/v1/auth/password`).
    pub must_change_password: bool,
    /// The user must enrol a second factor before anything else (`/api/v1/auth/totp/*`).
    pub totp_enrollment_required: bool,
}

impl From<Tokens> for TokenResponse {
    fn from(t: Tokens) -> Self {
        Self {
            access_token: t.access_token,
            token_type: "Bearer".into(),
            expires_in: t.expires_in,
            refresh_token: t.refresh_token,
            scope: t.scope,
            must_change_password: t.must_change_password,
            totp_enrollment_required: t.totp_enrollment_required,
        }
    }
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().count() > max {
        return Err(Error::field(field, "too_long", format!("at most {max} characters")).into());
    }
    Ok(())
}

/// Signs in with username and password (and a TOTP code when enrolled).
///
/// Unknown user, wrong password, locked or disabled account all get the same 401, so the answer
/// never tells which usernames exist. Five failures lock the account for 15 minutes; many
/// failures from one address are throttled with 429.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "`invalid-credentials`, or `totp-required` when a code is needed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::http::body::Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let body = body.into_inner();
    check_len("username", &body.username, 64)?;
    check_len("password", &body.password, 256)?;
    let client = Client::of(&req).anonymous_actor();
    let auth = state.auth.clone();
    let outcome = state
        .db(move |conn| {
            let input = LoginInput {
                username: &body.username,
                password: &body.password,
                totp_code: body.totp_code.as_deref(),
            };
            Ok(signin::login(
                conn,
                &auth.keys,
                &auth.config,
                &input,
                &client,
            ))
        })
        .await?;
    match outcome {
        Ok(tokens) => Ok(web::Json(tokens.into())),
        Err(LoginError::InvalidCredentials) => Err(ApiError::from(Problem::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "invalid-credentials",
            "the username or password is wrong, or the account cannot sign in now",
        ))),
        Err(LoginError::TotpRequired) => Err(ApiError::from(Problem::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "totp-required",
            "this account uses a second factor: send totp_code",
        ))),
        Err(LoginError::Throttled { retry_after_secs }) => Err(Error::TooManyRequests {
            message: "too many failed sign-ins from this address; wait and try again".into(),
            retry_after_secs,
        }
        .into()),
        Err(LoginError::Other(e)) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(max_length = 200)]
    pub refresh_token: String,
}

/// Exchanges a refresh token for a new pair, with scopes recomputed from current ownership.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "Unknown, expired or already-used refresh token (reuse ends the session)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::http::body::Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let token = body.into_inner().refresh_token;
    check_len("refresh_token", &token, 200)?;
    let client = Client::of(&req).anonymous_actor();
    let auth = state.auth.clone();
    let tokens = state
        .db(move |conn| signin::refresh(conn, &auth.keys, &auth.config, &token, &client))
        .await?;
    Ok(web::Json(tokens.into()))
}

/// Ends the session of a refresh token. Access tokens of the user stop working at once; other
/// sessions refresh as usual.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "The refresh token is not known", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::http::body::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = body.into_inner().refresh_token;
    check_len("refresh_token", &token, 200)?;
    let client = Client::of(&req).anonymous_actor();
    state
        .db(move |conn| signin::logout(conn, &token, &client))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyIdentity {
    pub id: i64,
    pub name: String,
    pub prefix: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// `user` or `api_key`.
    #[schema(example = "user")]
    pub kind: String,
    /// The account, when the caller is a user.
    pub user: Option<UserDto>,
    /// The key, when the caller is an API key.
    pub api_key: Option<ApiKeyIdentity>,
    /// The caller's roles per site (users only).
    pub roles: Vec<UserRoleDto>,
    /// The scopes the presented credential carries.
    pub scopes: Vec<String>,
}

/// Shows the caller: the account, roles per site, and the scopes in effect.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeResponse),
    )
)]
#[get("/auth/me")]
pub async fn me(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<MeResponse>, ApiError> {
    let scopes: Vec<String> = caller
        .principal
        .scopes
        .iter()
        .map(ToString::to_string)
        .collect();
    match caller.principal.kind.clone() {
        PrincipalKind::User { id, .. } => {
            let view = state
                .db(move |conn| {
                    let user = accounts::user_by_id(conn, id)?;
                    accounts::view(conn, user)
                })
                .await?;
            let dto = UserDto::from(view);
            Ok(web::Json(MeResponse {
                kind: "user".into(),
                roles: dto.roles.clone(),
                user: Some(dto),
                api_key: None,
                scopes,
            }))
        }
        PrincipalKind::ApiKey { id, prefix, name } => Ok(web::Json(MeResponse {
            kind: "api_key".into(),
            user: None,
            api_key: Some(ApiKeyIdentity { id, name, prefix }),
            roles: Vec::new(),
            scopes,
        })),
    }
}

fn own_user_id(caller: &Caller) -> Result<i64, ApiError> {
    caller.principal.user_id().ok_or_else(|| {
        Error::Forbidden("only a user account can do this, not an API key".into()).into()
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(max_length = 256)]
    pub current_password: String,
    /// At least 12 characters, not containing the username, not a common password.
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// Changes the caller's own password. Every session of the user ends: sign in again.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password (counted against the account's lockout and audited), or the new one breaks a rule (each named)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The account is locked after too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = own_user_id(&caller)?;
    let body = body.into_inner();
    let actor = caller.actor();
    let auth = state.auth.clone();
    state
        .db(move |conn| {
            accounts::change_own_password(
                conn,
                &actor,
                id,
                &body.current_password,
                &body.new_password,
                &auth.config,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The shared secret, base32, for manual entry.
    pub secret: String,
    /// `otpauth://` URL for a QR code.
    pub otpauth_url: String,
}

/// Starts enrolling a second factor (TOTP); confirm it with a code to turn it on.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The secret to load into an authenticator", body = TotpEnrolment),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A second factor is already enabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/totp/enroll")]
pub async fn totp_enroll(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<TotpEnrolment>, ApiError> {
    let id = own_user_id(&caller)?;
    let actor = caller.actor();
    let enrolment = state.db(move |conn| totp::enroll(conn, &actor, id)).await?;
    Ok(web::Json(TotpEnrolment {
        secret: enrolment.secret,
        otpauth_url: enrolment.otpauth_url,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    #[schema(example = "123456", max_length = 6)]
    pub code: String,
}

/// Turns the enrolled second factor on. The caller's tokens end: sign in again with a code.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = TotpCode,
    responses(
        (status = 204, description = "Enabled"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not enrolled, or already enabled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The code does not match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/totp/confirm")]
pub async fn totp_confirm(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<TotpCode>,
) -> Result<HttpResponse, ApiError> {
    let id = own_user_id(&caller)?;
    let actor = caller.actor();
    let code = body.into_inner().code;
    state
        .db(move |conn| totp::confirm(conn, &actor, id, &code))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpDisableRequest {
    pub password: String,
    #[schema(example = "123456")]
    pub code: String,
}

/// Turns the second factor off, proving both the password and a current code.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = TotpDisableRequest,
    responses(
        (status = 204, description = "Disabled"),
        (status = 403, description = "The caller is an API key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No second factor is enabled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password or code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/totp/disable")]
pub async fn totp_disable(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<TotpDisableRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = own_user_id(&caller)?;
    let actor = caller.actor();
    let body = body.into_inner();
    let auth = state.auth.clone();
    state
        .db(move |conn| totp::disable(conn, &actor, id, &body.password, &body.code, &auth.config))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
