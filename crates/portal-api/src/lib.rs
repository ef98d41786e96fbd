//! The HTTP face of Portal CMS: one folder per domain (`content`, `workflow`, `webhooks`,
//! `public`, `organisation`, `accounts`, `operations`), each registering its services and mapping
//! its use cases' views to DTOs; `http` holds what they share (the caller, bodies, problem
//! documents), `cache` the public response cache, `routes` the route table. One factory (`app`)
//! builds the app for the server, the tests and the spec.

pub mod accounts;
pub mod app;
pub mod cache;
pub mod consultation;
pub mod content;
pub mod datasets;
pub mod enums;
pub mod feedback;
pub mod http;
pub mod metrics;
pub mod open311;
pub mod openapi;
pub mod operations;
pub mod organisation;
pub mod public;
pub mod routes;
pub mod royalties;
pub mod state;
pub mod types;
pub mod webhooks;
pub mod workflow;

pub use app::{app, serve};
pub use http::problem::{ApiError, Problem};
pub use openapi::openapi;
pub use state::AppState;
