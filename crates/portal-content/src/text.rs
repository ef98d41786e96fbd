//! Cleaning one text field: line endings, control characters, legacy encodings, NFC, length.

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
    if let Some(problem) = portal_core::text::human_text_problem(field, &value, multiline) {
        let fatal = problem.code != "legacy_encoding";
        errors.push(problem);
        if fatal {
            return value;
        }
        // A legacy-encoding finding may be overridden by the editor (`Draft::legacy_override`):
        // the text is still normalised as usual.
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
    // Frontends put these URLs into attributes: quotes, angle brackets and backticks would let
    // one break out of `src="…"`, so they are refused rather than trusted to be escaped.
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && value.len() <= 2_000
        && !value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
        })
        && url::Url::parse(&value).is_ok_and(|u| u.host_str().is_some());
    if !ok {
        errors.push(FieldError::new(
            field,
            "invalid_url",
            "an absolute http(s) URL with a host, without spaces, quotes, angle brackets or backticks, at most 2,000 characters",
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
    fn urls_that_could_break_out_of_an_attribute_are_refused() {
        for bad in [
            "https://x.vn/a.jpg\" onerror=\"alert(1)",
            "https://x.vn/<script>",
            "https://x.vn/a'b.jpg",
            "https://x.vn/`a`",
            "http://[::1/a.jpg",
            "javascript:alert(1)",
        ] {
            let mut errors = Vec::new();
            check_url("featured_image_url", bad, &mut errors);
            assert_eq!(errors.len(), 1, "{bad}");
        }
        let mut errors = Vec::new();
        check_url(
            "featured_image_url",
            "https://quangnam.gov.vn/anh/hoi-an%20dem.jpg?w=800",
            &mut errors,
        );
        assert!(errors.is_empty());
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
