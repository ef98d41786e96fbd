use actix_web::{post, web};
use portal_core::text::{fold, nfc, slugify};
use portal_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::problem::{ApiError, Problem};

pub const MAX_TEXT_CHARS: usize = 1_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlugRequest {
    /// Any title, in NFC or NFD; at most 1,000 characters.
    #[schema(example = "Đà Nẵng đón khách", max_length = 1000)]
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlugResponse {
    /// The slug the CMS makes of the text: folded to ASCII, "đ" read as "d".
    #[schema(example = "da-nang-don-khach")]
    pub slug: String,
    /// The text without diacritics, lower-case: what search matches against.
    #[schema(example = "da nang don khach")]
    pub folded: String,
    /// The text in Unicode NFC, as it would be stored (TCVN 6909:2001).
    pub normalized: String,
}

/// Previews the slug and the search form the CMS makes of a Vietnamese text, for editors' UIs.
#[utoipa::path(
    tag = "tools",
    request_body = SlugRequest,
    responses(
        (status = 200, description = "The slug, folded and normalised forms", body = SlugResponse),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, unknown or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tools/slug")]
pub async fn slug(
    body: crate::http::body::Json<SlugRequest>,
) -> Result<web::Json<SlugResponse>, ApiError> {
    let text = body.into_inner().text;
    let length = text.chars().count();
    if length > MAX_TEXT_CHARS {
        return Err(Error::field(
            "text",
            "too_long",
            format!("at most {MAX_TEXT_CHARS} characters, got {length}"),
        )
        .into());
    }
    if text.trim().is_empty() {
        return Err(Error::field("text", "required", "must not be empty").into());
    }
    Ok(web::Json(SlugResponse {
        slug: slugify(&text),
        folded: fold(&text),
        normalized: nfc(&text),
    }))
}
