//! Citizens' questions and feedback (Điều 11, portal-feedback): the public intake and status
//! link, the operator's triage, the agencies' answers, and the working-day calendar.

pub mod answers;
pub mod calendar;
pub mod dto;
pub mod escalations;
pub mod intake;
pub mod published;
pub mod qa_changes;
pub mod reports;
pub mod steps;
pub mod triage;

use actix_web::HttpRequest;
use portal_core::Error;
use portal_feedback::guard;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::http::caller::Client;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// What citizens use, anonymous: send a case, follow it, read the calendar its deadline uses.
pub fn configure_public(cfg: &mut ServiceConfig) {
    cfg.service(intake::case_form)
        .service(intake::submit_case)
        .service(intake::case_status)
        .service(intake::erase_personal_data)
        .service(intake::reply_to_request)
        .service(calendar::calendar_year)
        .service(published::questions_rss)
        // Before `questions/{id}`, which would take "changes" for an id.
        .service(qa_changes::question_changes)
        .service(published::list_questions)
        .service(published::get_question);
}

/// The back office: triage, agencies' answers, signatories, calendar changes.
pub fn configure_admin(cfg: &mut ServiceConfig) {
    cfg.service(triage::list_cases)
        .service(triage::get_case)
        .service(triage::reject_case)
        .service(triage::forward_case)
        .service(triage::classify_case)
        .service(answers::inbox)
        .service(reports::feedback_report)
        .service(reports::feedback_report_csv)
        .service(reports::feedback_report_xlsx)
        .service(answers::agency_case)
        .service(answers::draft_answer)
        .service(answers::sign_answer)
        .service(answers::request_information)
        .service(answers::name_signatory)
        .service(steps::accept_case)
        .service(steps::interim_reply)
        .service(steps::return_case)
        .service(steps::merge_case)
        .service(steps::escalate_case)
        .service(escalations::queue)
        .service(escalations::report)
        .service(escalations::escalated_case)
        .service(escalations::reforward)
        .service(published::candidates)
        .service(published::publish)
        .service(published::withdraw)
        .service(calendar::set_calendar_day);
}

/// Personal data is in these answers: no cache, shared or private, keeps them.
pub(crate) fn private_json<T: serde::Serialize>(
    status: actix_web::http::StatusCode,
    body: &T,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Takes one slot of the caller's allowance of public forms (`portal_feedback::guard`), in its
/// own committed transaction before the form is read: 429 with `Retry-After` once used up.
pub(crate) async fn admit_public_form(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    let client = guard::client_key(&state.data_key, Client::of(req).ip.as_deref());
    let limits = state.intake;
    let outcome = state
        .db(move |conn| {
            portal_db::write_transaction(conn, |conn| guard::claim(conn, &client, &limits))
        })
        .await?;
    outcome.map_err(|retry_after_secs| {
        ApiError::from(Error::TooManyRequests {
            message: format!(
                "at most {} public forms an hour from one address: try again in {retry_after_secs} s",
                limits.max_per_window
            ),
            retry_after_secs,
        })
    })
}

/// A fresh form token (`portal_feedback::guard::form_token`) as the forms' DTO.
pub(crate) fn form_token_dto(state: &AppState, form: &str) -> dto::FormTokenDto {
    dto::FormTokenDto {
        form_token: guard::form_token(&state.data_key, form, chrono::Utc::now()),
        min_fill_seconds: state.intake.min_fill_secs,
        valid_for_seconds: guard::FORM_TOKEN_HOURS * 3600,
    }
}
