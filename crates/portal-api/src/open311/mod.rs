//! Open311 GeoReport v2 (the "Open311 compatibility"), for city-service apps: services are
//! the kinds of case, a request is a case, opened through the same intake as the portal's form
//! (`portal_feedback::intake`) under an integrator's API key with `feedback:submit`.
//!
//! Where this differs from the letter of GeoReport v2, it is for the regulation's sake and said in
//! the document: a request is read back only with its status secret (nothing of a case is public
//! until answered and published), consent is asked per purpose (`consent_processing` and the
//! others are extensions; NĐ 13/2023 forbids assuming it), the site is the `jurisdiction_id`, and
//! errors are RFC 9457 problem documents like everywhere in this API. Only the JSON format is
//! offered.

pub mod requests;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use portal_feedback::model::CaseKind;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(requests::open311_services)
        .service(requests::open311_create_request)
        .service(requests::open311_get_request)
        .service(requests::open311_get_token);
}

/// A service of GeoReport v2: a kind of case.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDto {
    #[schema(example = "feedback")]
    pub service_code: String,
    #[schema(example = "Phản ánh, kiến nghị")]
    pub service_name: String,
    pub description: String,
    /// No extra attributes are asked for.
    pub metadata: bool,
    /// Answered by a person in writing, within a deadline in working days.
    #[schema(example = "realtime")]
    pub r#type: String,
    pub keywords: String,
    pub group: String,
}

pub(crate) fn service_name(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Question => "Hỏi đáp",
        CaseKind::Feedback => "Phản ánh, kiến nghị",
        CaseKind::Inaccuracy => "Báo thông tin sai",
    }
}

fn service_description(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Question => {
            "Câu hỏi gửi cơ quan nhà nước; trả lời bằng văn bản trong thời hạn tính theo ngày làm việc (Điều 11)"
        }
        CaseKind::Feedback => {
            "Phản ánh, kiến nghị về hoạt động của cơ quan nhà nước và các vấn đề đời sống (Điều 11)"
        }
        CaseKind::Inaccuracy => "Báo thông tin đăng trên cổng thông tin chưa chính xác (Điều 11)",
    }
}

pub(crate) fn services_list() -> Vec<ServiceDto> {
    CaseKind::ALL
        .iter()
        .map(|kind| ServiceDto {
            service_code: kind.as_str().to_string(),
            service_name: service_name(*kind).to_string(),
            description: service_description(*kind).to_string(),
            metadata: false,
            r#type: "realtime".to_string(),
            keywords: "cổng thông tin, hỏi đáp, phản ánh".to_string(),
            group: "Cổng thông tin điện tử".to_string(),
        })
        .collect()
}

/// Vietnam's offset: GeoReport's datetimes carry one (W3C format).
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

pub(crate) fn local(at: NaiveDateTime) -> DateTime<FixedOffset> {
    at.and_utc().with_timezone(&vietnam())
}

/// The end of a due day in Vietnam.
pub(crate) fn end_of(day: NaiveDate) -> Option<DateTime<FixedOffset>> {
    let at = day.and_hms_opt(23, 59, 59)?;
    vietnam().from_local_datetime(&at).single()
}
