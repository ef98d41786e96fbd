//! The editorial workflow over HTTP (Điều 10): one endpoint per step, review comments,
//! notifications and the board's queues.

pub mod comments;
pub mod notifications;
pub mod queues;
pub mod steps;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(steps::submit)
        .service(steps::claim)
        .service(steps::forward)
        .service(steps::approve)
        .service(steps::return_item)
        .service(steps::unpublish)
        .service(steps::archive)
        .service(steps::item_workflow)
        .service(comments::list_comments)
        .service(comments::add_comment)
        .service(comments::resolve_comment)
        .service(notifications::list_notifications)
        .service(notifications::read_notification)
        .service(notifications::read_all_notifications)
        .service(queues::my_queue)
        .service(queues::site_stats);
}
