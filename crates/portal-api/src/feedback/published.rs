//! Published Q&A: the board's side (what it may publish, publishing an edited question and
//! answer, withdrawing it) and the public one (list with search without diacritics, one
//! question, RSS), through the public response cache like content.

use actix_web::http::StatusCode;
use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use portal_core::PageRequest;
use portal_delivery::feeds::escape;
use portal_feedback::publication::{self, Candidate, NewPublication, PublishedQa};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{FeedbackKind, SignedAnswerDto};
use super::private_json;
use crate::cache::render::{cached, cached_json, Rendered};
use crate::http::caller::Caller;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// How many questions the RSS feed carries.
const FEED_SIZE: i64 = 50;

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedQaDto {
    pub id: i64,
    pub site: String,
    pub kind: FeedbackKind,
    /// The field (lĩnh vực) the case was classified under.
    pub field: Option<String>,
    pub title: String,
    /// The question as the board edited it, without personal data.
    pub question: String,
    pub answer: String,
    /// The agencies whose heads signed the answer.
    pub answered_by: String,
    pub asked_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub published_at: DateTime<Utc>,
}

impl From<PublishedQa> for PublishedQaDto {
    fn from(q: PublishedQa) -> Self {
        Self {
            id: q.id,
            site: q.site,
            kind: q.kind.into(),
            field: q.field,
            title: q.title,
            question: q.question,
            answer: q.answer,
            answered_by: q.answered_by,
            asked_on: q.asked_on,
            answered_on: q.answered_on,
            published_at: q.published_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedQaPage {
    pub items: Vec<PublishedQaDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QaQuery {
    /// Words that must all appear, with or without diacritics ("quang nam" finds "Quảng Nam");
    /// up to 8 words, 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A site's published questions and answers, newest first.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key"), QaQuery),
    responses(
        (status = 200, description = "One page", body = PublishedQaPage),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: web::Path<String>,
    query: web::Query<QaQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let site = site.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let found = db
            .db(move |conn| publication::list(conn, &site, query.q.as_deref(), &page))
            .await?;
        let modified = found.items.iter().map(|q| q.published_at).max();
        Ok((
            PublishedQaPage {
                items: found.items.into_iter().map(Into::into).collect(),
                next_cursor: found.next_cursor,
            },
            modified,
        ))
    })
    .await
}

/// One published question and its answer.
#[utoipa::path(
    tag = "public",
    params(
        ("site" = String, Path, description = "Site key"),
        ("id" = i64, Path, description = "Id of the published question"),
    ),
    responses(
        (status = 200, description = "The question and its answer", body = PublishedQaDto),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site or published question", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/questions/{id}")]
pub async fn get_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (site, id) = path.into_inner();
    let db = state.clone();
    cached_json(&state, &req, "", async move {
        let qa = db.db(move |conn| publication::get(conn, &site, id)).await?;
        let modified = Some(qa.published_at);
        Ok((PublishedQaDto::from(qa), modified))
    })
    .await
}

/// RSS 2.0 of a site's newest 50 published questions; each links to
/// `<site base URL>/hoi-dap/<id>`.
#[utoipa::path(
    tag = "public",
    params(("site" = String, Path, description = "Site key")),
    responses(
        (status = 200, description = "RSS 2.0", body = String, content_type = "application/rss+xml"),
        (status = 304, description = "Unchanged since the client's copy"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sites/{site}/questions.rss")]
pub async fn questions_rss(
    state: web::Data<AppState>,
    req: HttpRequest,
    site: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let site = site.into_inner();
    let self_url = req.uri().to_string();
    let db = state.clone();
    cached(&state, &req, "", async move {
        let (site, items) = db
            .db(move |conn| {
                let page = PageRequest::new(Some(FEED_SIZE), None)?;
                let items = publication::list(conn, &site, None, &page)?.items;
                Ok((portal_sections::sites::active_by_key(conn, &site)?, items))
            })
            .await?;
        let modified = items.iter().map(|q| q.published_at).max();
        Ok(Rendered {
            body: rss(&site.name_vi, &site.base_url, &self_url, &items).into_bytes(),
            content_type: "application/rss+xml; charset=utf-8",
            last_modified: modified,
            link: None,
        })
    })
    .await
}

fn rss(site_name: &str, base_url: &str, self_url: &str, items: &[PublishedQa]) -> String {
    let base = base_url.trim_end_matches('/');
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    xml.push_str(&format!(
        "<title>{} — Hỏi đáp</title>\n<link>{base}/hoi-dap</link>\n<description>Câu hỏi của người dân và trả lời của cơ quan nhà nước</description>\n<language>vi</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(site_name),
        escape(self_url)
    ));
    for qa in items {
        xml.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{}/hoi-dap/{}</link>\n<guid isPermaLink=\"false\">portal-question-{}</guid>\n<pubDate>{}</pubDate>\n<description>{}</description>\n</item>\n",
            escape(&qa.title),
            escape(base),
            qa.id,
            qa.id,
            qa.published_at.and_utc().to_rfc2822(),
            // Plain text read as HTML by readers: escaped for HTML, then for XML.
            escape(&escape(&qa.question))
        ));
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateDto {
    pub code: String,
    pub kind: FeedbackKind,
    pub subject: String,
    pub body: String,
    pub answers: Vec<SignedAnswerDto>,
    pub answered_on: Option<NaiveDate>,
    /// Set once published (and not withdrawn).
    pub published_id: Option<i64>,
}

impl From<Candidate> for CandidateDto {
    fn from(c: Candidate) -> Self {
        Self {
            code: c.code,
            kind: c.kind.into(),
            subject: c.subject,
            body: c.body,
            answers: c.answers.into_iter().map(Into::into).collect(),
            answered_on: c.answered_on,
            published_id: c.published_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatePage {
    pub items: Vec<CandidateDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// Page size, 1–100.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Answered cases of the site whose senders consented to publication, newest first: the texts
/// the board edits from, without personal data.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("site" = String, Path, description = "Site key"), CandidateQuery),
    responses(
        (status = 200, description = "One page", body = CandidatePage),
        (status = 403, description = "Not the site's chief editor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/sites/{site}/question-candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    query: web::Query<CandidateQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let who = caller.acting();
    let site = site.into_inner();
    let page = state
        .db(move |conn| publication::candidates(conn, &who, &site, &page))
        .await?;
    Ok(private_json(
        StatusCode::OK,
        &CandidatePage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        },
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishQuestionRequest {
    #[schema(max_length = 300)]
    pub title: String,
    /// The question as it will be shown: no name, contact, ID number or address.
    #[schema(max_length = 10000)]
    pub question: String,
    #[schema(max_length = 20000)]
    pub answer: String,
}

/// Publishes (or republishes, edited) a signed answer as public Q&A: the case's site's chief
/// editor, when its sender consented; refused while any text holds personal data.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    request_body = PublishQuestionRequest,
    responses(
        (status = 200, description = "Published", body = PublishedQaDto),
        (status = 403, description = "Not the chief editor of the case's site", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not answered, or no consent to publication", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A text is invalid or holds personal data", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/feedback/{code}/publication")]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: crate::http::body::Json<PublishQuestionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = NewPublication {
        title: body.title,
        question: body.question,
        answer: body.answer,
    };
    let who = caller.acting();
    let key = state.data_key.clone();
    let code = code.into_inner();
    let qa = state
        .db(move |conn| publication::publish(conn, &who, &key, &code, &input))
        .await?;
    Ok(private_json(StatusCode::OK, &PublishedQaDto::from(qa)))
}

/// Withdraws a published question; publishing it again brings it back.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Not the chief editor of the case's site", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/feedback/{code}/publication")]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.acting();
    let code = code.into_inner();
    state
        .db(move |conn| publication::withdraw(conn, &who, &code))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
