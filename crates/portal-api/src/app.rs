use std::collections::HashMap;
use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, ErrorHandlers, Logger};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::http::middleware::{
    forget_public_cache_on_write, head_as_get, record_metrics, refuse_control_characters,
    request_id,
};
use crate::http::problem::{ensure_problem, json_error, path_error, query_error, Problem};
use crate::state::AppState;

/// Largest JSON body accepted anywhere; endpoints with bigger documents raise their own limit.
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// Builds the whole app: routes, the OpenAPI document and docs, error shapes, logging, metrics.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, doc) = App::new()
        .into_utoipa_app()
        .openapi(crate::openapi::base())
        .configure(crate::routes::configure)
        .split_for_parts();
    let doc = crate::openapi::finish(doc);
    let allowed = AllowedMethods::from_doc(&doc);
    let cors = cors(&state.public.cors_origins, &state.public.cors_allow_headers);
    app.app_data(web::Data::new(state))
        .app_data(web::Data::new(allowed))
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT_BYTES)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", doc))
        .service(web::redirect("/docs", "/docs/"))
        .default_service(web::to(route_not_found))
        .wrap(ErrorHandlers::new().default_handler(ensure_problem))
        .wrap(from_fn(refuse_control_characters))
        .wrap(from_fn(head_as_get))
        .wrap(from_fn(forget_public_cache_on_write))
        .wrap(from_fn(record_metrics))
        .wrap(Compress::default())
        .wrap(cors)
        // actix-cors answers a refused preflight itself, in plain text: made a problem document.
        .wrap(ErrorHandlers::new().default_handler(ensure_problem))
        // Browsers must not guess a type other than the one sent (JSON, XML feeds, problems).
        .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
        .wrap(from_fn(request_id))
        // The client as the trusted-proxy rule sees it, not actix's `%{r}a`, which believes any
        // client's X-Forwarded-For.
        .wrap(
            Logger::new(r#"%{client}xi "%r" %s %b %Dms rid=%{x-request-id}o"#)
                .custom_request_replace("client", |req| {
                    let req = req.request();
                    crate::http::caller::client_ip(req)
                        .map_or_else(|| "-".to_string(), |ip| ip.to_string())
                }),
        )
}

/// The methods each documented path answers, read from the OpenAPI document so that a 405 can
/// carry an `Allow` header without a second route table.
pub struct AllowedMethods(HashMap<String, Vec<String>>);

impl AllowedMethods {
    fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let map = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("HEAD", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(m, _)| m.to_string())
                .collect();
                (path.clone(), methods)
            })
            .collect();
        Self(map)
    }
}

/// Reached when no route matched. actix's method guards make a known path with the wrong method
/// land here too; the resource map still knows the path's pattern, which tells the two apart.
/// CORS for frontend teams: the configured origins (or any, with `*`) may call every endpoint
/// with a bearer token and read the caching headers.
fn cors(origins: &[String], extra_headers: &[String]) -> actix_cors::Cors {
    let mut allowed = vec![
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::IF_MATCH,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::ACCEPT_LANGUAGE,
        header::HeaderName::from_static("x-request-id"),
    ];
    // Checked at start (`portal serve` refuses a name that is not one).
    allowed.extend(
        extra_headers
            .iter()
            .filter_map(|h| header::HeaderName::from_bytes(h.as_bytes()).ok()),
    );
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers(allowed)
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            header::LINK,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

async fn route_not_found(req: HttpRequest, allowed: web::Data<AllowedMethods>) -> HttpResponse {
    if let Some(pattern) = req.match_pattern() {
        let methods = allowed
            .0
            .get(&pattern)
            .cloned()
            .unwrap_or_else(|| vec!["GET".to_string()]);
        let mut res = Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            format!(
                "{} is not allowed on {}; allowed: {}",
                req.method(),
                req.path(),
                methods.join(", ")
            ),
        )
        .response();
        if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
            res.headers_mut().insert(header::ALLOW, value);
        }
        return res;
    }
    Problem::new(
        StatusCode::NOT_FOUND,
        "route-not-found",
        format!("no route matches {}", req.path()),
    )
    .response()
}

/// Starts serving on an already bound listener. Actix drains in-flight requests on SIGTERM and
/// Ctrl-C before the returned server future completes.
pub fn serve(
    listener: TcpListener,
    state: AppState,
    workers: Option<usize>,
) -> std::io::Result<Server> {
    let mut server = HttpServer::new(move || app(state.clone())).shutdown_timeout(30);
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}
