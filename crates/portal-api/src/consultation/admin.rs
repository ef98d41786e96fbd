//! What an agency does with its own consultations: write, publish and revise a draft, moderate
//! its comments, publish its conclusion, export the comments (Điều 7.2.n). Every route is under
//! `/admin/agencies/{agency}/consultations` and needs `consultations:manage:agency:<agency>`.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use portal_consultation::conclusion::{self, DispositionInput};
use portal_consultation::model::CommentStatus;
use portal_consultation::{authoring, comments, export};
use portal_core::PageRequest;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::dto::{
    AgencyCommentDto, AgencyCommentPage, AgencyConsultationDto, AgencyConsultationPage,
    CommentDisposition, CommentState, ConsultationRequest,
};
use crate::feedback::private_json;
use crate::http::caller::Caller;
use crate::http::download::attachment;
use crate::http::paging::PageQuery;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Writes a new draft for comment; not public until published.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(("agency" = String, Path, description = "Agency code")),
    request_body = ConsultationRequest,
    responses(
        (status = 201, description = "Written", body = AgencyConsultationDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken on the site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/consultations")]
pub async fn create_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    agency: web::Path<String>,
    body: crate::http::body::Json<ConsultationRequest>,
) -> Result<HttpResponse, ApiError> {
    let agency = agency.into_inner();
    let body = body.into_inner();
    let who = caller.acting();
    let Some(site) = body.site.clone() else {
        return Err(portal_core::Error::field(
            "site",
            "required",
            "the site the draft is published on, e.g. quang-nam",
        )
        .into());
    };
    let input = body.into();
    let view = state
        .db(move |conn| authoring::create(conn, &who, &agency, &site, &input))
        .await?;
    Ok(private_json(
        StatusCode::CREATED,
        &AgencyConsultationDto::from(view),
    ))
}

/// The agency's consultations, newest first, drafts included.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(("agency" = String, Path, description = "Agency code"), PageQuery),
    responses(
        (status = 200, description = "One page, without the parts", body = AgencyConsultationPage),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/agencies/{agency}/consultations")]
pub async fn list_agency_consultations(
    state: web::Data<AppState>,
    caller: Caller,
    agency: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let agency = agency.into_inner();
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.acting();
    let found = state
        .db(move |conn| authoring::list_own(conn, &who, &agency, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyConsultationPage {
            items: found.items.into_iter().map(Into::into).collect(),
            next_cursor: found.next_cursor,
        },
    ))
}

/// One of the agency's consultations, in full.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    responses(
        (status = 200, description = "The consultation", body = AgencyConsultationDto),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/agencies/{agency}/consultations/{id}")]
pub async fn get_agency_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| authoring::get_own(conn, &who, &agency, id))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyConsultationDto::from(view),
    ))
}

/// Changes a draft: in place before publication; once published and until it closes, a change
/// of the parts makes a new revision, and unchanged parts keep their ids.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    request_body = ConsultationRequest,
    responses(
        (status = 200, description = "Changed", body = AgencyConsultationDto),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/agencies/{agency}/consultations/{id}")]
pub async fn update_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    body: crate::http::body::Json<ConsultationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let body = body.into_inner();
    let site = body.site.clone();
    let input = body.into();
    let who = caller.acting();
    let view = state
        .db(move |conn| authoring::update(conn, &who, &agency, id, site.as_deref(), &input))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyConsultationDto::from(view),
    ))
}

/// Puts the draft out for comment: public from now, open from its opening day.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    responses(
        (status = 200, description = "Published", body = AgencyConsultationDto),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Its closing day has passed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/consultations/{id}/publish")]
pub async fn publish_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let who = caller.acting();
    let view = state
        .db(move |conn| authoring::publish(conn, &who, &agency, id))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyConsultationDto::from(view),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModerationQuery {
    /// pending, approved or rejected; all when left out.
    #[param(value_type = Option<CommentState>)]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The comments of one of the agency's consultations, oldest first, contact details masked.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
        ModerationQuery,
    ),
    responses(
        (status = 200, description = "One page", body = AgencyCommentPage),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/agencies/{agency}/consultations/{id}/comments")]
pub async fn comments_for_moderation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    query: web::Query<ModerationQuery>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let status = match query.status.as_deref() {
        None => None,
        Some(text) => Some(CommentStatus::parse(text).ok_or_else(|| {
            portal_core::Error::invalid_parameter(
                "status",
                format!("one of {}", CommentStatus::spellings()),
            )
        })?),
    };
    let who = caller.acting();
    let found = state
        .db(move |conn| comments::list_for_agency(conn, &who, &agency, id, status, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyCommentPage {
            items: found.items.into_iter().map(Into::into).collect(),
            next_cursor: found.next_cursor,
        },
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationRequest {
    /// approved shows it (when its author agreed); rejected turns it down.
    #[schema(value_type = CommentState)]
    pub status: String,
    /// Why it is turned down (kept in the back office); required for rejected.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// Shows a comment or turns it down, until the conclusion is published.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
        ("comment" = i64, Path, description = "Comment id"),
    ),
    request_body = ModerationRequest,
    responses(
        (status = 200, description = "Moderated", body = AgencyCommentDto),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment on the agency's consultation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The conclusion is published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/agencies/{agency}/consultations/{id}/comments/{comment}/moderation")]
pub async fn moderate_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64, i64)>,
    body: crate::http::body::Json<ModerationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id, comment) = path.into_inner();
    let body = body.into_inner();
    let approve = match CommentStatus::parse(&body.status) {
        Some(CommentStatus::Approved) => true,
        Some(CommentStatus::Rejected) => false,
        _ => {
            return Err(portal_core::Error::field(
                "status",
                "unknown_status",
                "approved or rejected",
            )
            .into())
        }
    };
    let who = caller.acting();
    let moderated = state
        .db(move |conn| {
            comments::moderate(
                conn,
                &who,
                &agency,
                id,
                comment,
                approve,
                body.reason.as_deref(),
            )
        })
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyCommentDto::from(moderated),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionRequest {
    pub comment_id: i64,
    #[schema(value_type = CommentDisposition)]
    pub disposition: String,
    /// Required unless accepted: the explanation (giải trình).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConclusionRequest {
    /// The summary of what was done with the comments (HTML, sanitised like item bodies).
    #[schema(max_length = 30000)]
    pub summary: String,
    /// A disposition for every approved comment that has none yet (and corrections of others).
    #[schema(max_items = 1000)]
    pub dispositions: Vec<DispositionRequest>,
}

/// Publishes (or corrects) the conclusion of a closed consultation, with the disposition of every
/// approved comment; refused whole while a comment waits for moderation or lacks a disposition.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    request_body = ConclusionRequest,
    responses(
        (status = 200, description = "Published", body = AgencyConsultationDto),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still open for comment", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A disposition is missing or invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/agencies/{agency}/consultations/{id}/conclusion")]
pub async fn conclude_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    body: crate::http::body::Json<ConclusionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let body = body.into_inner();
    let dispositions: Vec<DispositionInput> = body
        .dispositions
        .into_iter()
        .map(|d| DispositionInput {
            comment_id: d.comment_id,
            disposition: d.disposition,
            reason: d.reason,
        })
        .collect();
    let who = caller.acting();
    let view = state
        .db(move |conn| conclusion::publish(conn, &who, &agency, id, &body.summary, &dispositions))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &AgencyConsultationDto::from(view),
    ))
}

/// Every comment with its author and contact, as CSV (UTF-8 with a byte-order mark); audited.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    responses(
        (status = 200, description = "One row per comment", body = String, content_type = "text/csv"),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/agencies/{agency}/consultations/{id}/comments.csv")]
pub async fn consultation_comments_csv(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let csv = state
        .db(move |conn| {
            let (_, rows) = export::rows(conn, &who, &key, &agency, id)?;
            Ok(export::to_csv(&rows))
        })
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("gop-y-du-thao-{id}.csv"),
        csv.into_bytes(),
    ))
}

/// The same as an Excel workbook, with Vietnamese headings; audited.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = [])),
    params(
        ("agency" = String, Path, description = "Agency code"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    responses(
        (status = 200, description = "One sheet, one row per comment", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "Not this agency's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the agency's consultations", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/agencies/{agency}/consultations/{id}/comments.xlsx")]
pub async fn consultation_comments_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (agency, id) = path.into_inner();
    let who = caller.acting();
    let key = state.data_key.clone();
    let workbook = state
        .db(move |conn| {
            let (title, rows) = export::rows(conn, &who, &key, &agency, id)?;
            export::to_xlsx(&title, &rows)
        })
        .await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("gop-y-du-thao-{id}.xlsx"),
        workbook,
    ))
}
