//! Public consultation on drafts (Điều 7.2.n, portal-consultation): the public list, draft,
//! comments, RSS and comment form; the drafting agency's authoring, moderation, conclusion and
//! export.

pub mod admin;
pub mod dto;
pub mod public;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure_public(cfg: &mut ServiceConfig) {
    // The feed before `{id}`, which would take "consultations.rss" for an id otherwise.
    cfg.service(public::consultations_rss)
        .service(public::list_consultations)
        .service(public::get_consultation)
        .service(public::list_consultation_comments)
        .service(public::comment_form)
        .service(public::submit_comment);
}

pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(admin::create_consultation)
        .service(admin::list_agency_consultations)
        .service(admin::consultation_comments_csv)
        .service(admin::consultation_comments_xlsx)
        .service(admin::get_agency_consultation)
        .service(admin::update_consultation)
        .service(admin::publish_consultation)
        .service(admin::comments_for_moderation)
        .service(admin::moderate_comment)
        .service(admin::conclude_consultation);
}
