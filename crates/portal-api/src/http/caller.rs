//! The caller of a protected endpoint, authenticated from `Authorization: Bearer`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, USER_AGENT};
use actix_web::{web, FromRequest, HttpRequest};
use portal_audit::Actor;
use portal_auth::{Acting, Principal};
use portal_core::Error;

use crate::http::problem::ApiError;
use crate::state::AppState;

/// Where a request comes from, for the audit log and login throttling: the peer address, or behind
/// a configured trusted proxy the address it forwarded (`crate::http::client_ip`).
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    pub fn of(req: &HttpRequest) -> Self {
        Self {
            ip: client_ip(req).map(|ip| ip.to_string()),
            user_agent: req
                .headers()
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(300).collect()),
        }
    }

    pub fn anonymous_actor(&self) -> Actor {
        Actor::anonymous(self.ip.clone(), self.user_agent.clone())
    }
}

/// The client's address as `crate::http::client_ip` decides it.
pub fn client_ip(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => state.trusted_proxies.client_ip(peer, req.headers()),
        None => peer,
    }
}

/// An authenticated caller: the principal and where it called from.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub client: Client,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        self.principal
            .actor(self.client.ip.clone(), self.client.user_agent.clone())
    }

    /// Who is acting, for a domain use case.
    pub fn acting(&self) -> Acting {
        Acting {
            principal: self.principal.clone(),
            actor: self.actor(),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(AUTHORIZATION)
            .map(|h| h.to_str().map(str::to_string));
        let client = Client::of(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::from(Error::Internal("app state missing".into())))?;
            let token = match header {
                None => {
                    return Err(Error::Unauthenticated(
                        "this endpoint needs `Authorization: Bearer <token>`".into(),
                    )
                    .into())
                }
                Some(Err(_)) => {
                    return Err(Error::Unauthenticated(
                        "the Authorization header is not readable".into(),
                    )
                    .into())
                }
                Some(Ok(value)) => match value.split_once(' ') {
                    Some((scheme, token))
                        if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
                    {
                        token.trim().to_string()
                    }
                    _ => {
                        return Err(Error::Unauthenticated(
                            "the Authorization header must be `Bearer <token>`".into(),
                        )
                        .into())
                    }
                },
            };
            let auth = state.auth.clone();
            let principal = state
                .db(move |conn| {
                    portal_auth::principal::authenticate(conn, &auth.keys, &auth.config, &token)
                })
                .await?;
            Ok(Caller { principal, client })
        })
    }
}
