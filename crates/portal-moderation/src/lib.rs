//! The path an item takes from an agency's draft to the public portal, on the main portal and on
//! each sub-site with its own editorial board (Điều 9, 10, 19, 22.2): transitions, review
//! comments, notifications, queues, scheduled publication, and webhooks to sub-sites.
//!
//! The front door is `commands` and `views`: use cases that take who is acting, authorize
//! through `portal_auth::access` and return views; the modules below them assume a checked caller.

pub mod commands;
pub mod comments;
pub mod notifications;
pub mod queues;
pub mod review;
pub mod schedule;
pub mod targets;
pub mod transitions;
pub mod views;
pub mod webhooks;
pub mod workflow;

pub use workflow::Action;
