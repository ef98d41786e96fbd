//! Payees (authors and external contributors, their payment details sealed) and the credits of
//! an item before its first publication.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use portal_core::PageRequest;
use portal_royalties::credits::{self, CreditInput};
use portal_royalties::payees::{self, PayeeInput};

use super::forms::{CreditsDto, CreditsRequest, PayeeDto, PayeePage, PayeeRequest};
use crate::feedback::private_json;
use crate::http::body::Json;
use crate::http::caller::Caller;
use crate::http::paging::PageQuery;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// An external contributor (or the payment details of an author), sealed at rest.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    request_body = PayeeRequest,
    responses(
        (status = 201, description = "Created; the details shown masked", body = PayeeDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/royalties/payees")]
pub async fn create_payee(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<PayeeRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let key = state.data_key.clone();
    let body = body.into_inner();
    let input = PayeeInput {
        pen_name: body.pen_name,
        agency: body.agency,
        identity: body.identity.into(),
    };
    let view = state
        .db(move |conn| payees::create(conn, &who, &key, &input))
        .await?;
    Ok(private_json(StatusCode::CREATED, &PayeeDto::from(view)))
}

/// Payees, newest first, masked.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page", body = PayeePage),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/payees")]
pub async fn list_payees(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let found = state
        .db(move |conn| payees::list(conn, &principal, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &PayeePage {
            items: found.items.into_iter().map(Into::into).collect(),
            next_cursor: found.next_cursor,
        },
    ))
}

/// One payee with the identity number, tax code and bank account opened; the view is audited.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payee id")),
    responses(
        (status = 200, description = "The payee, in full", body = PayeeDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such payee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/payees/{id}")]
pub async fn get_payee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let key = state.data_key.clone();
    let id = id.into_inner();
    let view = state
        .db(move |conn| payees::show(conn, &who, &key, id))
        .await?;
    Ok(private_json(StatusCode::OK, &PayeeDto::from(view)))
}

/// Replaces a payee's pen name, agency and payment details (sealed again); audited.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payee id")),
    request_body = PayeeRequest,
    responses(
        (status = 200, description = "Replaced; the details shown masked", body = PayeeDto),
        (status = 403, description = "Not royalties:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such payee", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/royalties/payees/{id}")]
pub async fn update_payee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<PayeeRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let key = state.data_key.clone();
    let id = id.into_inner();
    let body = body.into_inner();
    let input = PayeeInput {
        pen_name: body.pen_name,
        agency: body.agency,
        identity: body.identity.into(),
    };
    let view = state
        .db(move |conn| payees::update(conn, &who, &key, id, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &PayeeDto::from(view)))
}

/// Who is credited on an item, with their shares.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "The credits (empty: its writer is credited at publication)", body = CreditsDto),
        (status = 403, description = "May not read the item", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/royalties/items/{id}/credits")]
pub async fn get_item_credits(
    state: web::Data<AppState>,
    caller: Caller,
    item: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let principal = caller.principal;
    let item = item.into_inner();
    let found = state
        .db(move |conn| credits::get(conn, &principal, item))
        .await?;
    Ok(private_json(StatusCode::OK, &CreditsDto::of(item, found)))
}

/// Sets the item's authors and shares (summing to exactly 100 %) before its first publication.
#[utoipa::path(
    tag = "royalties",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Item id")),
    request_body = CreditsRequest,
    responses(
        (status = 200, description = "The credits", body = CreditsDto),
        (status = 403, description = "May not write the item", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Published already: its claims carry the shares", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Shares not summing to 100 %, an unknown payee, …", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/royalties/items/{id}/credits")]
pub async fn set_item_credits(
    state: web::Data<AppState>,
    caller: Caller,
    item: web::Path<i64>,
    body: Json<CreditsRequest>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let item = item.into_inner();
    let input: Vec<CreditInput> = body
        .into_inner()
        .credits
        .into_iter()
        .map(|c| CreditInput {
            payee_id: c.payee_id,
            user_id: c.user_id,
            share: c.share,
        })
        .collect();
    let found = state
        .db(move |conn| credits::set(conn, &who, item, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &CreditsDto::of(item, found)))
}
