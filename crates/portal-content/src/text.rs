//! Cleaning one text field: line endings, control characters, legacy encodings, NFC, length.

use portal_core::legacy;
use portal_core::text::nfc;
use portal_core::FieldError;

/// Checks and normalises `value` for `field`. Single-line fields are also trimmed.
pub fn clean(
    field: &str,
    value: &str,
    max_chars: usize,
    multiline: bool,
    errors: &mut Vec<FieldError>,
) -> String {
    let value = value.replace("\r\n", "\n");
    if let Some(bad) = value
        .chars()
        .find(|c| (c.is_control() && *c != '\n' && *c != '\t') || (!multiline && *c == '\n'))
    {
        errors.push(FieldError::new(
            field,
            "control_character",
            format!(
                "contains the control character U+{:04X}; only tab and newline are allowed",
                bad as u32
            ),
        ));
        return value;
    }
    if let Some(encoding) = legacy::detect(&value) {
        errors.push(FieldError::new(
            field,
            "legacy_encoding",
            format!(
                "looks like text in the legacy {encoding} encoding (pasted from an old Word file); convert it to Unicode (TCVN 6909:2001) first"
            ),
        ));
        return value;
    }
    let value = nfc(&value);
    let value = if multiline {
        value
    } else {
        value.trim().to_string()
    };
    let chars = value.chars().count();
    if chars > max_chars {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("at most {max_chars} characters, got {chars}"),
        ));
    }
    value
}

/// Like `clean`, for optional fields: empty becomes None.
pub fn clean_optional(
    field: &str,
    value: Option<&str>,
    max_chars: usize,
    multiline: bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    value
        .map(|v| clean(field, v, max_chars, multiline, errors))
        .filter(|v| !v.trim().is_empty())
}

/// An absolute http(s) URL without spaces.
pub fn check_url(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim().to_string();
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && value.len() <= 2_000
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        errors.push(FieldError::new(
            field,
            "invalid_url",
            "an absolute http(s) URL without spaces, at most 2,000 characters",
        ));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization_free::nfd;

    mod unicode_normalization_free {
        /// "Quảng Nam" decomposed by hand: base letters followed by combining marks.
        pub fn nfd() -> &'static str {
            "Qua\u{309}ng Nam"
        }
    }

    #[test]
    fn nfd_and_nfc_store_identically() {
        let mut errors = Vec::new();
        assert_eq!(clean("title", nfd(), 300, false, &mut errors), "Quảng Nam");
        assert_eq!(
            clean("title", "Quảng Nam", 300, false, &mut errors),
            "Quảng Nam"
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn control_characters_and_legacy_text_are_named() {
        let mut errors = Vec::new();
        clean("title", "a\u{7}b", 300, false, &mut errors);
        clean("summary", "Qu¶ng Nam", 300, true, &mut errors);
        clean("body", "dòng một\r\ndòng hai\tcột", 300, true, &mut errors);
        let codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("title", "control_character"),
                ("summary", "legacy_encoding")
            ]
        );
        assert!(errors[1].message.contains("TCVN3"));
    }

    #[test]
    fn length_is_counted_in_characters() {
        let mut errors = Vec::new();
        clean("title", &"ệ".repeat(300), 300, false, &mut errors);
        assert!(errors.is_empty(), "300 three-byte characters fit");
        clean("title", &"ệ".repeat(301), 300, false, &mut errors);
        assert_eq!(errors[0].code, "too_long");
    }
}
