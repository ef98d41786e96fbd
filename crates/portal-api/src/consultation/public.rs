//! What anyone does with consultations: read a site's list (by phase), one draft with its parts,
//! its shown comments and its RSS, through the public response cache (varied by Vietnam's date,
//! since the phase moves with it); and comment, through the protections of every public form.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use portal_consultation::comments::{self, CommentConsent, NewComment};
use portal_consultation::model::Phase;
use portal_consultation::{public, ConsultationView};
use portal_core::PageRequest;
use portal_delivery::feeds::escape;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{
    CommentState, ConsultationDto, ConsultationPage, ConsultationPhase, PublicCommentPage,
};
use crate::cache::render::{cached, cached_json, Rendered};
use crate::feedback::dto::{FormTokenDto, PersonDto};
use crate::feedback::{admit_public_form, form_token_dto, private_json};
use crate::http::caller::Client;
use crate::http::paging::PageQuery;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

const FEED_SIZE: i64 = 50;

fn today_variant() -> String {
    portal_feedback::workdays::today_in_vietnam().to_string()
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsultationQuery {
    /// upcoming, open, closed (closed includes concluded) or concluded; all when left out.
    #[param(value_type = Option<ConsultationPhase>)]
    pub phase: Option<String>,
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A site's published consultations, newest first (Điều 7.2.n).
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key"), ConsultationQuery),
    responses(
        (status = 200, description = "One page, without the parts", body = ConsultationPage),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/consultations")]
pub async fn list_consultations(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: web::Path<String>,
    query: web::Query<ConsultationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let phase = match query.phase.as_deref() {
        None => None,
        Some(text) => Some(
            Phase::parse(text)
                .filter(|p| *p != Phase::Draft)
                .ok_or_else(|| {
                    portal_core::Error::invalid_parameter(
                        "phase",
                        "one of upcoming, open, closed, concluded",
                    )
                })?,
        ),
    };
    let site = site.into_inner();
    let db = state.clone();
    cached_json(&state, &req, &today_variant(), async move {
        let found = db
            .db(move |conn| public::list(conn, &site, phase, &page))
            .await?;
        let modified = found.items.iter().map(|c| c.consultation.updated_at).max();
        Ok((
            ConsultationPage {
                items: found.items.into_iter().map(Into::into).collect(),
                next_cursor: found.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// One published consultation: its parts, deadline, receiving unit and the count of comments.
#[utoipa::path(
    tag = "public",
    params(
        ("site" = String, Path, description = "Site key"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    responses(
        (status = 200, description = "The consultation", body = ConsultationDto),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site or published consultation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/consultations/{id}")]
pub async fn get_consultation(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (site, id) = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, &today_variant(), async move {
        let view = db.db(move |conn| public::get(conn, &site, id)).await?;
        let modified = Some(view.consultation.updated_at);
        Ok((ConsultationDto::from(view), modified))
    })
    .await
}

/// The comments shown on a consultation (approved, their authors agreed), oldest first, with the
/// agency's disposition once it concluded.
#[utoipa::path(
    tag = "public",
    params(
        ("site" = String, Path, description = "Site key"),
        ("id" = i64, Path, description = "Consultation id"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "One page", body = PublicCommentPage),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site or published consultation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/consultations/{id}/comments")]
pub async fn list_consultation_comments(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (site, id) = path.into_inner();
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let found = db
            .db(move |conn| public::comments(conn, &site, id, &page))
            .await?;
        let modified = found.items.iter().map(|c| c.received_at).max();
        Ok((
            PublicCommentPage {
                items: found.items.into_iter().map(Into::into).collect(),
                next_cursor: found.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// RSS 2.0 of a site's newest 50 consultations; each links to `<site base URL>/du-thao/<slug>`.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key")),
    responses(
        (status = 200, description = "RSS 2.0", body = String, content_type = "application/rss+xml"),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/consultations.rss")]
pub async fn consultations_rss(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let site = site.into_inner();
    let self_url = req.uri().to_string();
    let db = state.clone();
    cached(&state, &req, &today_variant(), async move {
        let (site, items) = db
            .db(move |conn| {
                let page = PageRequest::new(Some(FEED_SIZE), None)?;
                let items = public::list(conn, &site, None, &page)?.items;
                Ok((portal_sections::sites::active_by_key(conn, &site)?, items))
            })
            .await?;
        let modified = items.iter().map(|c| c.consultation.updated_at).max();
        Ok(Rendered {
            body: rss(&site.name_vi, &site.base_url, &self_url, &items).into_bytes(),
            content_type: "application/rss+xml; charset=utf-8",
            last_modified: modified,
            link: None,
        })
    })
    .await
}

fn rss(site_name: &str, base_url: &str, self_url: &str, items: &[ConsultationView]) -> String {
    let base = base_url.trim_end_matches('/');
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    xml.push_str(&format!(
        "<title>{} — Lấy ý kiến dự thảo</title>\n<link>{}/du-thao</link>\n<description>Dự thảo chính sách, văn bản quy phạm pháp luật lấy ý kiến nhân dân</description>\n<language>vi</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(site_name),
        escape(base),
        escape(self_url)
    ));
    for v in items {
        let c = &v.consultation;
        let published = c.published_at.unwrap_or(c.created_at).and_utc();
        xml.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{}/du-thao/{}</link>\n<guid isPermaLink=\"false\">portal-consultation-{}</guid>\n<pubDate>{}</pubDate>\n<description>{}</description>\n</item>\n",
            escape(&c.title),
            escape(base),
            escape(&c.slug),
            c.id,
            published.to_rfc2822(),
            escape(&format!(
                "{} (góp ý từ {} đến {}; {})",
                c.summary,
                c.opens_on.format("%d/%m/%Y"),
                c.closes_on.format("%d/%m/%Y"),
                v.agency_name
            )),
        ));
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

/// The token a consultation's comment form is shown with.
#[utoipa::path(
    tag = "public",
    params(
        ("site" = String, Path, description = "Site key"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    responses(
        (status = 200, description = "A fresh token", body = FormTokenDto),
        (status = 404, description = "No such site or published consultation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/consultations/{id}/comment-form")]
pub async fn comment_form(
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (site, id) = path.into_inner();
    state
        .db(move |conn| public::get(conn, &site, id).map(|_| ()))
        .await?;
    let form = form_token_dto(&state, &comments::form_name(id));
    Ok(private_json(StatusCode::OK, &form))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentConsentDto {
    /// Considering the comment: required.
    pub processing: bool,
    /// Showing it on the portal (without the name or contact).
    pub publication: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// The id of the part it is about; left out for the draft as a whole.
    #[schema(example = "p3f9a2c1b07")]
    pub part: Option<String>,
    #[schema(max_length = 10000)]
    pub body: String,
    /// On behalf of an organisation: shown with the comment.
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
    /// Sealed at rest, seen by the drafting agency only.
    #[serde(default)]
    pub person: PersonDto,
    pub consent: CommentConsentDto,
    #[schema(example = "2026-01")]
    pub privacy_notice_version: String,
    /// Hidden on the form and left empty by people.
    #[serde(default)]
    pub website: Option<String>,
    /// The token `…/comment-form` gave.
    pub form_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentReceiptDto {
    pub id: i64,
    /// True when the same comment was received within the last 24 hours.
    pub duplicate: bool,
    pub status: CommentState,
}

/// Comments on a draft while it is open (Điều 7.2.n). Anonymous.
///
/// The comment waits for the drafting agency's moderation; it is shown once approved and only if
/// its author agreed. The same comment sent again within 24 hours answers 200 with the first.
#[utoipa::path(
    tag = "public",
    params(
        ("site" = String, Path, description = "Site key"),
        ("id" = i64, Path, description = "Consultation id"),
    ),
    request_body = CommentRequest,
    responses(
        (status = 201, description = "Received, waiting for moderation", body = CommentReceiptDto),
        (status = 200, description = "Already received within 24 hours", body = CommentReceiptDto),
        (status = 404, description = "No such site or published consultation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open for comment today", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks a rule (text rules, consent, an unknown part, the form token)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This address sent its allowance of public forms for the hour", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sites/{site}/consultations/{id}/comments")]
pub async fn submit_comment(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    body: crate::http::body::Json<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    admit_public_form(&state, &req).await?;
    let (site, id) = path.into_inner();
    let body = body.into_inner();
    let actor = Client::of(&req).anonymous_actor();
    let key = state.data_key.clone();
    let limits = state.intake;
    let new = NewComment {
        part: body.part,
        body: body.body,
        organisation: body.organisation,
        person: body.person.into(),
        consent: CommentConsent {
            processing: body.consent.processing,
            publication: body.consent.publication,
        },
        privacy_notice_version: body.privacy_notice_version,
        honeypot: body.website,
        form_token: body.form_token,
    };
    let receipt = state
        .db(move |conn| comments::submit(conn, &actor, &key, &limits, &site, id, &new))
        .await?;
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(private_json(
        status,
        &CommentReceiptDto {
            id: receipt.id,
            duplicate: receipt.duplicate,
            status: receipt.status.into(),
        },
    ))
}
