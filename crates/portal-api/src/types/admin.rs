//! The operator's side of content types (`types:manage`): define a type, make a new version,
//! dry-run and run the migration of its items to a version.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use portal_content::types::{migrate, store, Definition, TypeInput};
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::{CreateTypeRequest, MigrationDto, NewVersionRequest, TypeDto};
use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Defines a content type (its version 1): a field schema that items of the type are checked
/// against on every write.
#[utoipa::path(
    tag = "types",
    security(("bearer" = [])),
    request_body = CreateTypeRequest,
    responses(
        (status = 201, description = "Defined", body = TypeDto),
        (status = 403, description = "Not types:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A type has this key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The definition breaks a rule, each named by its path (`fields[2].options`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/types")]
pub async fn create_type(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateTypeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = body.key;
    let input = TypeInput {
        name: body.name,
        name_en: body.name_en,
        description: body.description,
        legal_basis: body.legal_basis,
        definition: Definition {
            fields: body.fields,
        },
        note: body.note,
        drop_fields: Vec::new(),
    };
    let who = caller.acting();
    let view = state
        .db(move |conn| store::create(conn, &who, &key, &input))
        .await?;
    Ok(private_json(StatusCode::CREATED, &TypeDto::from(view)))
}

/// Makes a new version of a type current. Items keep the version they were written with until
/// migrated; removing a field that items hold data in needs `drop_fields`.
#[utoipa::path(
    tag = "types",
    security(("bearer" = [])),
    params(("key" = String, Path, description = "The type's key")),
    request_body = NewVersionRequest,
    responses(
        (status = 201, description = "The new current version", body = TypeDto),
        (status = 403, description = "Not types:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such type", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The version removes fields that items hold data in, without drop_fields; or the type changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The definition breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/types/{key}/versions")]
pub async fn create_type_version(
    state: web::Data<AppState>,
    caller: Caller,
    key: web::Path<String>,
    body: Json<NewVersionRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let body = body.into_inner();
    let input = TypeInput {
        name: body.name,
        name_en: body.name_en,
        description: body.description,
        legal_basis: body.legal_basis,
        definition: Definition {
            fields: body.fields,
        },
        note: body.note,
        drop_fields: body.drop_fields,
    };
    let who = caller.acting();
    let view = state
        .db(move |conn| store::new_version(conn, &who, &key, &input))
        .await?;
    Ok(private_json(StatusCode::CREATED, &TypeDto::from(view)))
}

/// Says which items at an older version would fail `version` and why, writing nothing.
#[utoipa::path(
    tag = "types",
    security(("bearer" = [])),
    params(
        ("key" = String, Path, description = "The type's key"),
        ("version" = i32, Path, description = "The version to migrate to"),
    ),
    responses(
        (status = 200, description = "What a migration would do", body = MigrationDto),
        (status = 403, description = "Not types:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such type or version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/types/{key}/versions/{version}/dry-run")]
pub async fn dry_run_type_migration(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (key, version) = path.into_inner();
    let principal = caller.principal;
    let outcome = state
        .db(move |conn| migrate::dry_run(conn, &principal, &key, version))
        .await?;
    Ok(private_json(StatusCode::OK, &MigrationDto::from(outcome)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MigrateQuery {
    /// How many items to move in this call (one transaction).
    #[param(minimum = 1, maximum = 1000, default = 200)]
    pub limit: Option<i64>,
}

/// Moves a batch of items at an older version to `version`, each with a new revision; those
/// that fail stay as they were and are listed. Call again while `remaining` is above zero.
#[utoipa::path(
    tag = "types",
    security(("bearer" = [])),
    params(
        ("key" = String, Path, description = "The type's key"),
        ("version" = i32, Path, description = "The version to migrate to"),
        MigrateQuery,
    ),
    responses(
        (status = 200, description = "What was moved and what failed", body = MigrationDto),
        (status = 403, description = "Not types:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such type or version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An item changed during the migration: run it again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/types/{key}/versions/{version}/migrate")]
pub async fn migrate_type_items(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32)>,
    query: web::Query<MigrateQuery>,
) -> Result<HttpResponse, ApiError> {
    let (key, version) = path.into_inner();
    let limit = query.into_inner().limit;
    let who = caller.acting();
    let outcome = state
        .db(move |conn| migrate::migrate(conn, &who, &key, version, limit))
        .await?;
    Ok(private_json(StatusCode::OK, &MigrationDto::from(outcome)))
}
