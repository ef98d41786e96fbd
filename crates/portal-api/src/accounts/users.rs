//! Accounts, managed by operators (scope `accounts:manage`; Điều 21.4).

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use portal_auth::accounts::{NewUser, UserPatch, UserView};
use portal_auth::admin::accounts as front;
use portal_core::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::paging::double_option;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserRoleDto {
    #[schema(example = "quang-nam")]
    pub site: String,
    /// contributor, editor, chief_editor or operator.
    #[schema(value_type = crate::enums::RoleName, example = "editor")]
    pub role: String,
    /// Editors only: the sections they are limited to (Điều 19.4); empty means the whole site.
    pub sections: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    #[schema(example = "nguyen.van.a")]
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// Code of the user's agency.
    #[schema(example = "so-tp")]
    pub agency: String,
    /// active, disabled or locked.
    #[schema(value_type = crate::enums::AccountStatus)]
    pub status: String,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub roles: Vec<UserRoleDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<UserView> for UserDto {
    fn from(view: UserView) -> Self {
        let u = view.user;
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            agency: view.agency,
            status: u.status.as_str().into(),
            must_change_password: u.must_change_password,
            totp_enabled: u.totp_enabled,
            roles: view
                .grants
                .into_iter()
                .map(|g| UserRoleDto {
                    site: g.site_key,
                    role: g.role.as_str().into(),
                    sections: g.sections,
                })
                .collect(),
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
            last_login_at: u.last_login_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3–64 characters: lower-case letters, digits, '.', '-', '_'.
    #[schema(example = "tran.thi.b", min_length = 3, max_length = 64)]
    pub username: String,
    #[schema(example = "Trần Thị B", max_length = 200)]
    pub display_name: String,
    pub email: Option<String>,
    /// Code of an active agency.
    #[schema(example = "so-tp")]
    pub agency: String,
    /// The first password: at least 12 characters, not containing the username, not common.
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    /// Whether the user must choose a new password at first sign-in (default true).
    pub must_change_password: Option<bool>,
}

/// Creates an account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (each named), or the username is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::http::body::Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| {
            front::create_user(
                conn,
                &who,
                &NewUser {
                    username: body.username,
                    display_name: body.display_name,
                    email: body.email,
                    agency: body.agency,
                    password: body.password,
                    must_change_password: body.must_change_password.unwrap_or(true),
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(UserDto::from(view)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    /// Only users of this agency (code).
    pub agency: Option<String>,
    /// active, disabled or locked.
    #[param(value_type = Option<crate::enums::AccountStatus>)]
    pub status: Option<String>,
    /// Only users holding this role (on `site`, if given).
    pub role: Option<String>,
    /// Only users holding a role on this site.
    pub site: Option<String>,
    /// Part of the username, display name or e-mail.
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Lists accounts with filters.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(ListUsersQuery),
    responses(
        (status = 200, description = "One page of users", body = UserPage),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListUsersQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let wanted = front::UserQuery {
        agency: q.agency,
        status: q.status,
        role: q.role,
        site: q.site,
        q: q.q,
    };
    let principal = caller.principal;
    let page = state
        .db(move |conn| front::list_users(conn, &principal, wanted, &page))
        .await?;
    Ok(web::Json(UserPage {
        items: page.items.into_iter().map(UserDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Shows one account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let principal = caller.principal;
    let view = state
        .db(move |conn| front::show_user(conn, &principal, id))
        .await?;
    Ok(web::Json(view.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(max_length = 200)]
    pub display_name: Option<String>,
    /// An address, or null to remove it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Moves the user to another active agency; their scopes change at once.
    pub agency: Option<String>,
}

/// Updates an account's name, e-mail or agency.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<UpdateUserRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    let patch = UserPatch {
        display_name: body.display_name,
        email: body.email,
        agency: body.agency,
    };
    let view = state
        .db(move |conn| front::update_user(conn, &who, id, &patch))
        .await?;
    Ok(web::Json(view.into()))
}

/// Disables an account: every session ends at its next request.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Disabled", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An operator cannot disable themself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| front::set_enabled(conn, &who, id, false))
            .await?
            .into(),
    ))
}

/// Enables an account again (also lifts a lockout and restarts its idle period).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Enabled", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| front::set_enabled(conn, &who, id, true))
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// A temporary password the user must change at next sign-in.
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
}

/// Sets a temporary password; the user's sessions end and they must change it at sign-in.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "Reset", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks a rule (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<ResetPasswordRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let password = body.into_inner().password;
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| front::reset_password(conn, &who, id, &password))
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    #[schema(example = "quang-nam")]
    pub site: String,
    /// contributor, editor, chief_editor or operator.
    #[schema(value_type = crate::enums::RoleName, example = "editor")]
    pub role: String,
    /// Editors only: limit them to these sections of the site (Điều 19.4). Granting `editor`
    /// again replaces the list; an empty list means the whole site.
    #[serde(default)]
    pub sections: Vec<i64>,
}

/// Grants a role on a site (and limits an editor to sections).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = RoleRequest,
    responses(
        (status = 200, description = "Granted", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown site, role or section", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/roles")]
pub async fn grant_role(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<RoleRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| {
                front::grant_role(conn, &who, id, &body.site, &body.role, &body.sections)
            })
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRoleRequest {
    pub site: String,
    #[schema(value_type = crate::enums::RoleName)]
    pub role: String,
}

/// Revokes a role on a site; it takes effect on the user's next request.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = RevokeRoleRequest,
    responses(
        (status = 200, description = "Revoked", body = UserDto),
        (status = 403, description = "Needs `accounts:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user, or the user does not hold that role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown site or role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/roles/revoke")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: crate::http::body::Json<RevokeRoleRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    Ok(web::Json(
        state
            .db(move |conn| front::revoke_role(conn, &who, id, &body.site, &body.role))
            .await?
            .into(),
    ))
}
