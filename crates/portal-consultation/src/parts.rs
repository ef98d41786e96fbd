//! A draft as the agency writes it, checked: its fields by the text rules of Điều 6.6, its body
//! as numbered parts (articles, clauses) of sanitised HTML, each with an id derived from its
//! text — so a revision keeps the id of every part it did not change, renumbered or not, and a
//! comment keeps pointing at the text it was about.

use chrono::{Duration, NaiveDate};
use portal_core::text::is_slug;
use portal_core::{Error, FieldError};
use sha2::{Digest, Sha256};

use crate::model::{Attachment, DraftKind};

pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_SUMMARY_CHARS: usize = 2_000;
pub const MAX_UNIT_CHARS: usize = 300;
pub const MAX_CONTACT_CHARS: usize = 500;
pub const MAX_PARTS: usize = 300;
pub const MAX_LABEL_CHARS: usize = 60;
pub const MAX_HEADING_CHARS: usize = 300;
/// A part, and the summary of a conclusion, fit the API's 64 KiB request limit.
pub const MAX_PART_CHARS: usize = 20_000;
/// The longest comment period accepted: a year.
pub const MAX_PERIOD_DAYS: i64 = 366;

#[derive(Debug, Clone, Default)]
pub struct PartInput {
    /// "Điều 1", "Khoản 2 Điều 3", "Phụ lục I".
    pub label: String,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct DraftInput {
    pub slug: Option<String>,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub receiving_unit: String,
    pub contact: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub attachments: Vec<Attachment>,
    pub parts: Vec<PartInput>,
}

/// A part as stored: its key, and its texts cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPart {
    pub key: String,
    pub label: String,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct CleanDraft {
    pub slug: Option<String>,
    pub kind: DraftKind,
    pub title: String,
    pub summary: String,
    pub receiving_unit: String,
    pub contact: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub attachments: Vec<Attachment>,
    pub parts: Vec<CleanPart>,
}

/// Checks one line or paragraph of text: the text rules, then `required` and `max`.
pub fn text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
    multiline: bool,
    required: bool,
) -> String {
    portal_core::text::checked(errors, field, value, max, multiline, required)
}

/// Rich text: the text rules on what was sent, then the content sanitiser (the same allow-list
/// as item bodies); empty once sanitised counts as missing.
pub fn rich_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    let raw = text(errors, field, value, max, true, true);
    let clean = portal_content::html::sanitize(&raw);
    let visible = clean.replace(|c: char| c.is_whitespace(), "");
    if !raw.is_empty() && (visible.is_empty() || visible == "<p></p>") {
        errors.push(FieldError::new(
            field,
            "required",
            "holds no text once sanitised",
        ));
    }
    clean
}

/// The id of a part: derived from its heading and body, not its label or position.
fn part_key(heading: &str, body: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(heading.as_bytes());
    hash.update([0x1f]);
    hash.update(body.as_bytes());
    format!("p{}", &hex::encode(hash.finalize())[..10])
}

/// Keys for the parts in order; two parts with the same text are told apart by their order.
fn keyed(parts: Vec<(String, String, String)>) -> Vec<CleanPart> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    parts
        .into_iter()
        .map(|(label, heading, body)| {
            let base = part_key(&heading, &body);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let key = if *n == 1 { base } else { format!("{base}-{n}") };
            CleanPart {
                key,
                label,
                heading,
                body,
            }
        })
        .collect()
}

/// The draft checked, every broken rule named by its JSON path.
pub fn clean(input: &DraftInput) -> Result<CleanDraft, Error> {
    let mut errors = Vec::new();
    let kind = DraftKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            format!("one of {}", DraftKind::spellings()),
        ));
    }
    if let Some(slug) = &input.slug {
        if !is_slug(slug) || slug.len() > 120 {
            errors.push(FieldError::new(
                "slug",
                "invalid_slug",
                "lower-case letters a-z, digits and single hyphens, at most 120",
            ));
        }
    }
    let title = text(
        &mut errors,
        "title",
        &input.title,
        MAX_TITLE_CHARS,
        false,
        true,
    );
    let summary = text(
        &mut errors,
        "summary",
        &input.summary,
        MAX_SUMMARY_CHARS,
        true,
        true,
    );
    let receiving_unit = text(
        &mut errors,
        "receiving_unit",
        &input.receiving_unit,
        MAX_UNIT_CHARS,
        false,
        true,
    );
    let contact = text(
        &mut errors,
        "contact",
        &input.contact,
        MAX_CONTACT_CHARS,
        true,
        true,
    );
    if input.closes_on <= input.opens_on {
        errors.push(FieldError::new(
            "closes_on",
            "before_opening",
            format!("after opens_on ({})", input.opens_on),
        ));
    } else if input.closes_on - input.opens_on > Duration::days(MAX_PERIOD_DAYS) {
        errors.push(FieldError::new(
            "closes_on",
            "too_long",
            format!("at most {MAX_PERIOD_DAYS} days after opens_on"),
        ));
    }
    let attachments =
        portal_feedback::attachments::check(&mut errors, "attachments", &input.attachments);
    if input.parts.is_empty() || input.parts.len() > MAX_PARTS {
        errors.push(FieldError::new(
            "parts",
            "count",
            format!("from 1 to {MAX_PARTS} parts"),
        ));
    }
    let mut parts = Vec::new();
    for (i, p) in input.parts.iter().take(MAX_PARTS).enumerate() {
        let label = text(
            &mut errors,
            &format!("parts[{i}].label"),
            &p.label,
            MAX_LABEL_CHARS,
            false,
            true,
        );
        let heading = text(
            &mut errors,
            &format!("parts[{i}].heading"),
            &p.heading,
            MAX_HEADING_CHARS,
            false,
            false,
        );
        let body = rich_text(
            &mut errors,
            &format!("parts[{i}].body"),
            &p.body,
            MAX_PART_CHARS,
        );
        parts.push((label, heading, body));
    }
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    Ok(CleanDraft {
        slug: input.slug.clone(),
        kind,
        title,
        summary,
        receiving_unit,
        contact,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        attachments,
        parts: keyed(parts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(label: &str, body: &str) -> (String, String, String) {
        (label.into(), String::new(), body.into())
    }

    #[test]
    fn an_unchanged_part_keeps_its_key_when_others_change_or_it_is_renumbered() {
        let first = keyed(vec![
            part("Điều 1", "<p>Phạm vi điều chỉnh</p>"),
            part("Điều 2", "<p>Đối tượng áp dụng</p>"),
        ]);
        let revised = keyed(vec![
            part("Điều 1", "<p>Giải thích từ ngữ</p>"),
            part("Điều 2", "<p>Phạm vi điều chỉnh</p>"),
            part("Điều 3", "<p>Đối tượng áp dụng, sửa đổi</p>"),
        ]);
        assert_eq!(first[0].key, revised[1].key, "renumbered, unchanged");
        assert_ne!(first[1].key, revised[2].key, "changed text, new key");
        assert!(first[0].key.starts_with('p') && first[0].key.len() == 11);
    }

    #[test]
    fn two_parts_with_the_same_text_get_two_keys() {
        let parts = keyed(vec![
            part("Điều 5", "<p>(Bãi bỏ)</p>"),
            part("Điều 6", "<p>(Bãi bỏ)</p>"),
        ]);
        assert_eq!(parts[1].key, format!("{}-2", parts[0].key));
    }
}
