//! Vietnamese text tools: NFC normalisation (TCVN 6909:2001, Điều 6.6), diacritic folding and slugs.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The rules of Điều 6.6 for any text a person wrote (content, names of sites, sections and
/// agencies, display names, reasons): no control characters (tab and line feed only in
/// multi-line text) and nothing in the legacy TCVN3/VNI encodings. The first broken rule, if any.
/// Callers store the text in NFC (`nfc`).
pub fn human_text_problem(field: &str, value: &str, multiline: bool) -> Option<crate::FieldError> {
    if let Some(bad) = value
        .chars()
        .find(|c| (c.is_control() && *c != '\n' && *c != '\t') || (!multiline && *c == '\n'))
    {
        return Some(crate::FieldError::new(
            field,
            "control_character",
            format!(
                "contains the control character U+{:04X}; only tab and newline are allowed",
                bad as u32
            ),
        ));
    }
    crate::legacy::detect(value).map(|encoding| {
        crate::FieldError::new(
            field,
            "legacy_encoding",
            format!(
                "looks like text in the legacy {encoding} encoding (pasted from an old Word file); convert it to Unicode (TCVN 6909:2001) first"
            ),
        )
    })
}

/// A text field of a form, as stored: trimmed and in NFC, checked by `human_text_problem`, then
/// for being empty (when `required`) and for its length in characters; the first broken rule is
/// pushed onto `errors` under `field`.
pub fn checked(
    errors: &mut Vec<crate::FieldError>,
    field: &str,
    value: &str,
    max: usize,
    multiline: bool,
    required: bool,
) -> String {
    let value = nfc(value.trim());
    let chars = value.chars().count();
    if let Some(problem) = human_text_problem(field, &value, multiline) {
        errors.push(problem);
    } else if required && value.is_empty() {
        errors.push(crate::FieldError::new(
            field,
            "required",
            "must not be empty",
        ));
    } else if chars > max {
        errors.push(crate::FieldError::new(
            field,
            "too_long",
            format!("at most {max} characters, got {chars}"),
        ));
    }
    value
}

/// The text in Unicode NFC, the form TCVN 6909:2001 asks to store.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Lower-case text without diacritics, "đ" read as "d": what people type when they search.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A URL slug: folded, ASCII letters and digits only, words joined by single hyphens.
pub fn slugify(text: &str) -> String {
    let folded = fold(text);
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Whether `slug` is already in the shape `slugify` produces.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 200
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A spreadsheet program runs a cell that starts with = + - @ (or a tab or carriage return) as a
/// formula: such text is written with a leading apostrophe (OWASP "CSV injection"), for every
/// CSV and XLSX export.
pub fn spreadsheet_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_and_nfc_input_store_identically() {
        let decomposed: String = "Quảng Nam".nfd().collect();
        assert_ne!(decomposed, "Quảng Nam");
        assert_eq!(nfc(&decomposed), "Quảng Nam");
    }

    #[test]
    fn folding_drops_every_tone_and_reads_d_bar_as_d() {
        assert_eq!(fold("Quảng Nam"), "quang nam");
        assert_eq!(fold("ĐẦU TƯ CÔNG"), "dau tu cong");
        assert_eq!(fold("ă â đ ê ô ơ ư"), "a a d e o o u");
    }

    #[test]
    fn slugs_fold_vietnamese() {
        assert_eq!(slugify("Đà Nẵng đón khách"), "da-nang-don-khach");
        assert_eq!(slugify("  Lịch tiếp công dân!! "), "lich-tiep-cong-dan");
        assert_eq!(
            slugify("Phổ biến, giáo dục pháp luật"),
            "pho-bien-giao-duc-phap-luat"
        );
        assert!(is_slug("lich-tiep-cong-dan"));
        assert!(!is_slug("Lich-tiep"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
    }

    #[test]
    fn every_vietnamese_vowel_with_every_tone_folds_to_ascii() {
        let bases = [
            ('a', "aàảãáạ"),
            ('ă', "ăằẳẵắặ"),
            ('â', "âầẩẫấậ"),
            ('e', "eèẻẽéẹ"),
            ('ê', "êềểễếệ"),
            ('i', "iìỉĩíị"),
            ('o', "oòỏõóọ"),
            ('ô', "ôồổỗốộ"),
            ('ơ', "ơờởỡớợ"),
            ('u', "uùủũúụ"),
            ('ư', "ưừửữứự"),
            ('y', "yỳỷỹýỵ"),
        ];
        for (base, forms) in bases {
            let plain = fold(&base.to_string());
            for form in forms.chars() {
                assert_eq!(slugify(&form.to_string()), plain, "lower {form}");
                assert_eq!(
                    slugify(&form.to_uppercase().to_string()),
                    plain,
                    "upper {form}"
                );
            }
        }
        assert_eq!(slugify("Đ"), "d");
    }
}
