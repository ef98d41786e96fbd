//! The HTTP face of Portal CMS: turns requests into domain calls and domain errors into RFC 9457
//! problem documents. One factory (`app`) builds the app for the server, the tests and the spec.

pub mod app;
pub mod auth;
pub mod body;
pub mod bootstrap;
pub mod cache;
pub mod client_ip;
pub mod dto;
pub mod enums;
pub mod lang;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod state;
pub mod worker;

pub use app::{app, serve};
pub use openapi::openapi;
pub use problem::{ApiError, Problem};
pub use state::AppState;
