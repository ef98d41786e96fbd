//! Files that go with an answer or a draft, by link (the signed letter in the agency's document
//! system, an impact assessment on the portal) until the media library stores files: a title
//! under the text rules and an `https://` address or a path on the portal.

use portal_core::FieldError;
use serde::{Deserialize, Serialize};

pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_URL_CHARS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub title: String,
    pub url: String,
}

fn url_ok(url: &str) -> bool {
    let safe = url.len() <= MAX_URL_CHARS && !url.contains(char::is_whitespace);
    safe && ((url.starts_with("https://") && url.len() > "https://".len())
        || (url.starts_with('/') && !url.starts_with("//")))
}

/// The list checked and cleaned; each broken rule names `<field>[i].title` or `.url`.
pub fn check(errors: &mut Vec<FieldError>, field: &str, list: &[Attachment]) -> Vec<Attachment> {
    if list.len() > MAX_ATTACHMENTS {
        errors.push(FieldError::new(
            field,
            "too_many",
            format!("at most {MAX_ATTACHMENTS}"),
        ));
    }
    let mut clean = Vec::new();
    for (i, a) in list.iter().take(MAX_ATTACHMENTS).enumerate() {
        let title_field = format!("{field}[{i}].title");
        let title = portal_core::text::nfc(a.title.trim());
        if let Some(problem) = portal_core::text::human_text_problem(&title_field, &title, false) {
            errors.push(problem);
        } else if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            errors.push(FieldError::new(
                title_field,
                "length",
                format!("from 1 to {MAX_TITLE_CHARS} characters"),
            ));
        }
        let url = a.url.trim().to_string();
        if !url_ok(&url) {
            errors.push(FieldError::new(
                format!("{field}[{i}].url"),
                "invalid_url",
                "an https:// address or a path on the portal starting with /",
            ));
        }
        clean.push(Attachment { title, url });
    }
    clean
}

/// As stored in a TEXT column.
pub fn to_json(list: &[Attachment]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

/// From a TEXT column; a column that does not parse holds none.
pub fn from_json(text: &str) -> Vec<Attachment> {
    serde_json::from_str(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_and_portal_paths_are_links() {
        let links = [
            ("https://vpdt.quangnam.gov.vn/van-ban/123.pdf", true),
            ("/files/tra-loi.pdf", true),
            ("http://example.vn/a.pdf", false),
            ("javascript:alert(1)", false),
            ("//evil.example/a.pdf", false),
            ("https://", false),
            ("https://a.vn/có dấu cách.pdf", false),
        ];
        for (url, ok) in links {
            let mut errors = Vec::new();
            check(
                &mut errors,
                "attachments",
                &[Attachment {
                    title: "Văn bản".into(),
                    url: url.into(),
                }],
            );
            assert_eq!(errors.is_empty(), ok, "{url}");
        }
    }
}
