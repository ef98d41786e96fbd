//! Rules for an item's fields: the common ones, and those of its kind.

use std::collections::HashSet;

use portal_core::text::is_slug;
use portal_core::FieldError;

use crate::html;
use crate::model::{Kind, KindFields};
use crate::text::{check_url, clean, clean_optional};

pub const MAX_TITLE: usize = 300;
pub const MAX_SUMMARY: usize = 1_000;
pub const MAX_BODY: usize = 1_000_000;
pub const MAX_NAME: usize = 300;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 50;
pub const MAX_URLS: usize = 50;

/// The editable fields of an item, as given by the author (before cleaning).
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub body: String,
    pub author: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub featured_image_url: Option<String>,
    pub fields: KindFields,
    /// The typed fields of an item of a content type (checked against the type in `types`).
    pub data: Option<serde_json::Value>,
    /// Fields (`title`, `fields.caption`, …) whose legacy-encoding finding the editor overrides:
    /// real text the detector mistakes (a foreign name, a quotation). Audited with the change.
    pub legacy_override: Vec<String>,
}

/// Cleans every field (NFC, no control characters, no legacy encoding, bounded in characters,
/// safe HTML) and checks the rules of `kind`. Returns every broken rule, each naming its field.
pub fn clean_draft(kind: Kind, draft: &Draft) -> Result<Draft, Vec<FieldError>> {
    let mut e = Vec::new();
    let title = clean("title", &draft.title, MAX_TITLE, false, &mut e);
    if title.is_empty() && !e.iter().any(|x| x.field == "title") {
        e.push(FieldError::new("title", "required", "must not be empty"));
    }
    if let Some(slug) = &draft.slug {
        if !is_slug(slug) {
            e.push(FieldError::new(
                "slug",
                "invalid_slug",
                "lower-case ASCII words joined by '-', at most 200 characters",
            ));
        }
    }
    let summary = clean_optional(
        "summary",
        draft.summary.as_deref(),
        MAX_SUMMARY,
        true,
        &mut e,
    );
    let raw_body = clean("body", &draft.body, MAX_BODY, true, &mut e);
    let body = if raw_body.trim().is_empty() {
        String::new()
    } else {
        html::sanitize(&raw_body)
    };
    // A typed item's data carries what it says (a leader's profile, a schedule): its body is
    // optional, whatever its kind.
    if matches!(kind, Kind::News | Kind::Article | Kind::Page)
        && draft.data.is_none()
        && body.trim().is_empty()
    {
        e.push(FieldError::new(
            "body",
            "required",
            format!("a {} needs a body", kind.as_str()),
        ));
    }
    let author = clean_optional("author", draft.author.as_deref(), MAX_NAME, false, &mut e);
    let source = clean_optional("source", draft.source.as_deref(), MAX_NAME, false, &mut e);
    if draft.tags.len() > MAX_TAGS {
        e.push(FieldError::new(
            "tags",
            "too_many",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for (i, tag) in draft.tags.iter().enumerate() {
        let tag = clean(&format!("tags[{i}]"), tag, MAX_TAG, false, &mut e);
        if tag.is_empty() {
            e.push(FieldError::new(
                format!("tags[{i}]"),
                "required",
                "must not be empty",
            ));
        } else if seen.insert(tag.to_lowercase()) {
            tags.push(tag);
        }
    }
    let featured_image_url = draft
        .featured_image_url
        .as_deref()
        .map(|u| check_url("featured_image_url", u, &mut e));
    let fields = clean_fields(kind, &draft.fields, &mut e);
    // The editor's explicit override of a legacy-encoding finding, field by field.
    e.retain(|x| !(x.code == "legacy_encoding" && draft.legacy_override.contains(&x.field)));
    if e.is_empty() {
        Ok(Draft {
            title,
            slug: draft.slug.clone(),
            summary,
            body,
            author,
            source,
            tags,
            featured_image_url,
            fields,
            data: draft.data.clone(),
            legacy_override: draft.legacy_override.clone(),
        })
    } else {
        Err(e)
    }
}

fn clean_urls(field: &str, urls: &[String], e: &mut Vec<FieldError>) -> Vec<String> {
    if urls.len() > MAX_URLS {
        e.push(FieldError::new(
            field,
            "too_many",
            format!("at most {MAX_URLS} URLs"),
        ));
    }
    urls.iter()
        .enumerate()
        .map(|(i, u)| check_url(&format!("{field}[{i}]"), u, e))
        .collect()
}

fn clean_fields(kind: Kind, f: &KindFields, e: &mut Vec<FieldError>) -> KindFields {
    let name = |field: &str, value: &Option<String>, e: &mut Vec<FieldError>| {
        clean_optional(
            &format!("fields.{field}"),
            value.as_deref(),
            MAX_NAME,
            false,
            e,
        )
    };
    let required = |field: &str, present: bool, e: &mut Vec<FieldError>| {
        if !present {
            e.push(FieldError::new(
                format!("fields.{field}"),
                "required",
                format!("a {} needs {field}", kind.as_str()),
            ));
        }
    };
    let not_for_kind = |field: &str, present: bool, e: &mut Vec<FieldError>| {
        if present {
            e.push(FieldError::new(
                format!("fields.{field}"),
                "not_for_kind",
                format!("a {} has no {field}", kind.as_str()),
            ));
        }
    };
    let mut out = KindFields::default();
    let is_document = kind == Kind::Document;
    let is_media = kind.is_media();
    let is_link = kind == Kind::Link;

    for (field, present) in [
        ("number", f.number.is_some()),
        ("document_type", f.document_type.is_some()),
        ("issuing_body", f.issuing_body.is_some()),
        ("signer", f.signer.is_some()),
        ("issued_date", f.issued_date.is_some()),
        ("effective_date", f.effective_date.is_some()),
        ("attachments", f.attachments.is_some()),
    ] {
        if !is_document {
            not_for_kind(field, present, e);
        }
    }
    for (field, present) in [
        ("media_urls", f.media_urls.is_some()),
        ("caption", f.caption.is_some()),
        ("credit", f.credit.is_some()),
        ("alt_text", f.alt_text.is_some()),
    ] {
        if !is_media {
            not_for_kind(field, present, e);
        }
    }
    if !is_link {
        not_for_kind("target_url", f.target_url.is_some(), e);
    }

    if is_document {
        out.number = name("number", &f.number, e);
        out.document_type = name("document_type", &f.document_type, e);
        out.issuing_body = name("issuing_body", &f.issuing_body, e);
        out.signer = name("signer", &f.signer, e);
        out.issued_date = f.issued_date;
        out.effective_date = f.effective_date;
        required("number", out.number.is_some(), e);
        required("document_type", out.document_type.is_some(), e);
        required("issuing_body", out.issuing_body.is_some(), e);
        required("issued_date", out.issued_date.is_some(), e);
        if let (Some(issued), Some(effective)) = (f.issued_date, f.effective_date) {
            if effective < issued {
                e.push(FieldError::new(
                    "fields.effective_date",
                    "before_issued",
                    "cannot be before the issue date",
                ));
            }
        }
        out.attachments = f
            .attachments
            .as_ref()
            .map(|urls| clean_urls("fields.attachments", urls, e));
    }
    if is_media {
        let urls = f
            .media_urls
            .as_ref()
            .map(|urls| clean_urls("fields.media_urls", urls, e));
        required(
            "media_urls",
            urls.as_ref().is_some_and(|u| !u.is_empty()),
            e,
        );
        out.media_urls = urls;
        out.caption = clean_optional(
            "fields.caption",
            f.caption.as_deref(),
            MAX_SUMMARY,
            false,
            e,
        );
        out.credit = name("credit", &f.credit, e);
        out.alt_text = clean_optional(
            "fields.alt_text",
            f.alt_text.as_deref(),
            MAX_SUMMARY,
            false,
            e,
        );
        if matches!(kind, Kind::Photo | Kind::Infographic) {
            required("alt_text", out.alt_text.is_some(), e);
        }
    }
    if is_link {
        out.target_url = f
            .target_url
            .as_deref()
            .map(|u| check_url("fields.target_url", u, e));
        required("target_url", out.target_url.is_some(), e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(kind: Kind, draft: Draft) -> Vec<(String, String)> {
        match clean_draft(kind, &draft) {
            Ok(_) => vec![],
            Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    fn base() -> Draft {
        Draft {
            title: "Tiêu đề".into(),
            body: "<p>Nội dung</p>".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn each_kind_names_its_missing_fields() {
        let missing = |kind| {
            codes(
                kind,
                Draft {
                    body: String::new(),
                    ..base()
                },
            )
        };
        assert_eq!(missing(Kind::News), [("body".into(), "required".into())]);
        assert_eq!(
            missing(Kind::Document),
            [
                ("fields.number".to_string(), "required".to_string()),
                ("fields.document_type".into(), "required".into()),
                ("fields.issuing_body".into(), "required".into()),
                ("fields.issued_date".into(), "required".into()),
            ]
        );
        assert_eq!(
            missing(Kind::Photo),
            [
                ("fields.media_urls".to_string(), "required".to_string()),
                ("fields.alt_text".into(), "required".into())
            ]
        );
        assert_eq!(
            missing(Kind::Video),
            [("fields.media_urls".to_string(), "required".to_string())]
        );
        assert_eq!(
            missing(Kind::Link),
            [("fields.target_url".to_string(), "required".to_string())]
        );
    }

    #[test]
    fn fields_of_another_kind_are_refused() {
        let draft = Draft {
            fields: KindFields {
                target_url: Some("https://hoian.gov.vn".into()),
                ..KindFields::default()
            },
            ..base()
        };
        assert_eq!(
            codes(Kind::News, draft),
            [("fields.target_url".to_string(), "not_for_kind".to_string())]
        );
    }
}
