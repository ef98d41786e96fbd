//! Royalties and remuneration (Điều 15, 16; portal-royalties): the IT centre's rate schedules,
//! payees, funds, statements and payments; the chief editors' grading and approval; an author's
//! own claims (docs/royalties.md).

pub mod dto;
pub mod forms;
pub mod people;
pub mod schedules;
pub mod statements;
pub mod works;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(schedules::list_royalty_schedules)
        .service(schedules::create_royalty_schedule)
        .service(schedules::get_royalty_schedule)
        .service(schedules::update_royalty_schedule)
        .service(schedules::close_royalty_schedule)
        .service(schedules::version_royalty_schedule)
        .service(schedules::list_base_salaries)
        .service(schedules::add_base_salary)
        .service(schedules::list_tax_rules)
        .service(schedules::add_tax_rule)
        .service(people::create_payee)
        .service(people::list_payees)
        .service(people::get_payee)
        .service(people::update_payee)
        .service(people::get_item_credits)
        .service(people::set_item_credits)
        .service(works::list_royalty_works)
        .service(works::get_royalty_work)
        .service(works::grade_royalty_work)
        .service(works::approve_royalty_work)
        .service(works::correct_royalty_work)
        .service(works::cancel_royalty_work)
        .service(works::claim_calculation)
        .service(works::payment_due_report)
        .service(statements::get_royalty_fund)
        .service(statements::set_royalty_fund)
        .service(statements::add_royalty_entry)
        .service(statements::list_royalty_entries)
        // The exports before the list, whose path they would otherwise extend.
        .service(statements::statements_csv)
        .service(statements::statements_xlsx)
        .service(statements::statements_by_agency)
        .service(statements::prepare_statements)
        .service(statements::list_statements)
        .service(statements::get_statement)
        .service(statements::approve_statement)
        .service(statements::record_payment)
        .service(statements::my_royalties);
}
