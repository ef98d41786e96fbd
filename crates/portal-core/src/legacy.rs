//! Detects text in the legacy 8-bit Vietnamese encodings that still arrives pasted from old Word
//! files (TCVN 6909:2001 replaced them; Điều 6.6 asks for Unicode):
//!
//! - **TCVN3 (ABC)**, fonts `.VnTime` and friends: each Vietnamese letter is one byte in 0xA1–0xFE,
//!   which shows up as Latin-1 symbols glued to letters — "Quảng Nam" becomes "Qu¶ng Nam",
//!   "được" becomes "®­îc".
//! - **VNI**, fonts `VNI-Times` and friends: a base letter followed by a symbol for the mark —
//!   "Quảng Nam" becomes "Quaûng Nam", "đầu tư" becomes "ñaàu tö".
//!
//! Ordinary Vietnamese and English never put these symbols where the encodings do, which is what the
//! detector looks for; it is tested for zero false positives on the regulation's own text and for
//! recall on converted samples of both encodings.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyEncoding {
    Tcvn3,
    Vni,
}

impl LegacyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            LegacyEncoding::Tcvn3 => "TCVN3 (ABC)",
            LegacyEncoding::Vni => "VNI",
        }
    }
}

impl fmt::Display for LegacyEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// TCVN3 bytes that read as Latin-1 symbols (or the soft hyphen): in TCVN3 text they stand for
/// letters, so they sit right before a letter; real text never does that.
fn is_tcvn3_symbol(c: char) -> bool {
    matches!(
        c,
        '\u{A1}'
            ..='\u{AA}'
                | '\u{AC}'
                | '\u{AD}'
                | '\u{AE}'
                | '\u{B6}'
                | '\u{B7}'
                | '\u{B8}'
                | '\u{B9}'
    )
}

/// Symbols that occur in ordinary text (quotes, fractions, signs) but stand for letters in TCVN3:
/// only counted when a letter is on both sides.
fn is_tcvn3_symbol_between_letters(c: char) -> bool {
    matches!(
        c,
        // µ too: "10µm" is a unit, "hµnh" is TCVN3's "hành".
        '\u{AB}' | '\u{B5}' | '\u{BB}' | '\u{BC}' | '\u{BD}' | '\u{BE}' | '\u{D7}' | '\u{F7}'
    )
}

/// Latin-1 letters that are not Vietnamese: TCVN3 uses their bytes for toned Vietnamese letters.
fn is_foreign_latin1_letter(c: char) -> bool {
    matches!(
        c,
        'Æ' | 'Ç'
            | 'Ë'
            | 'Î'
            | 'Ï'
            | 'Ð'
            | 'Ñ'
            | 'Ö'
            | 'Ø'
            | 'Ü'
            | 'Þ'
            | 'ß'
            | 'ä'
            | 'å'
            | 'æ'
            | 'ç'
            | 'ë'
            | 'î'
            | 'ï'
            | 'ñ'
            | 'ö'
            | 'ø'
            | 'û'
            | 'ü'
            | 'þ'
    )
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Which legacy encoding the text is in, if it looks like one.
pub fn detect(text: &str) -> Option<LegacyEncoding> {
    let chars: Vec<char> = text.chars().collect();
    let letter = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphabetic())
    };
    let mut tcvn3 = 0.0_f32;
    let mut vni = 0.0_f32;
    let mut vni_weak = 0usize;
    let mut word_start = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1);
        let next = Some(i + 1);
        // "©" and "®" are TCVN3's "â" and "đ", followed by the rest of a lower-case word; before
        // a capital or a digit they are the copyright and registered signs ("©Bản quyền").
        let sign_not_letter = matches!(c, '\u{A9}' | '\u{AE}')
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_uppercase() || n.is_numeric());
        if is_tcvn3_symbol(c) && letter(next) && !sign_not_letter {
            tcvn3 += 1.0;
        } else if c == '\u{A7}' && letter(prev) {
            // "Q§" for "QĐ": the section sign follows numbers in real text, never letters.
            tcvn3 += 1.0;
        } else if is_tcvn3_symbol_between_letters(c) && letter(prev) && letter(next) {
            tcvn3 += 1.0;
        } else if matches!(c, '\u{B5}' | '\u{BC}' | '\u{BD}' | '\u{BE}') && letter(prev) {
            // At a word's end too ("Hµ Néi" for "Hà Nội"): units and fractions follow digits.
            tcvn3 += 1.0;
        }
        // An upper-case Latin-1 letter right after a lower-case one ("tØnh", "iÒu"): TCVN3's
        // toned letters.
        // A Vietnamese capital inside a capitalised word is CamelCase ("#QuảngNamÁnhSáng"); the
        // Latin-1 capitals Vietnamese has no use for are TCVN3 wherever they sit.
        let vietnamese_capital = matches!(
            c,
            'À' | 'Á'
                | 'Â'
                | 'Ã'
                | 'È'
                | 'É'
                | 'Ê'
                | 'Ì'
                | 'Í'
                | 'Ò'
                | 'Ó'
                | 'Ô'
                | 'Õ'
                | 'Ù'
                | 'Ú'
                | 'Ý'
        );
        // Kept as the loop goes (a search back from every letter would be quadratic on a long
        // body without spaces).
        if !c.is_alphabetic() {
            word_start = i + 1;
        }
        let camel_case = vietnamese_capital && chars[word_start.min(i)].is_uppercase();
        if ('\u{C0}'..='\u{DE}').contains(&c)
            && prev.is_some_and(|p| chars[p].is_ascii_lowercase())
            && !camel_case
        {
            tcvn3 += 1.0;
        }
        if is_foreign_latin1_letter(c) {
            // Inside an upper-case word ("CHñ TÞCH" for "CHỦ TỊCH").
            if i >= 2 && chars[i - 1].is_ascii_uppercase() && chars[i - 2].is_ascii_uppercase() {
                tcvn3 += 1.0;
            }
        }
        let prev_char = prev.map(|p| chars[p]);
        // VNI writes a mark in the case of its letter ("aâ", "AÂ"); a capital after a small
        // letter starts a new word in CamelCase ("#VănHóaÂmNhạc").
        if c.is_uppercase() && prev_char.is_some_and(char::is_lowercase) {
            continue;
        }
        match c {
            // A tone or vowel mark written as its own symbol after a vowel.
            // Not before c, p or t for the falling and asking tones: Vietnamese syllables ending
            // in a stop take only the rising or heavy tone (French "goût", "août" do this).
            'ø' | 'û' | 'å' | 'Ø' | 'Û' | 'Å'
                if prev_char.is_some_and(is_vowel)
                    && !chars
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.to_ascii_lowercase(), 'c' | 'p' | 't')) =>
            {
                vni += 1.0
            }
            'ä' | 'Ä' if prev_char.is_some_and(is_vowel) => vni += 1.0,
            // The heavy tone before a final VNI writes after it ("baïn", "hoïc" is ambiguous with
            // French "Loïc", so not c): French "naïve", "maïs" put other letters there.
            'ï' | 'Ï'
                if prev_char.is_some_and(is_vowel)
                    && chars.get(i + 1).is_some_and(|n| {
                        matches!(
                            n.to_ascii_lowercase(),
                            'm' | 'n' | 'p' | 't' | 'u' | 'o' | 'i' | 'y'
                        )
                    }) =>
            {
                vni += 1.0
            }
            // The rising tone before a final ("caùc"); French "où" ends its word.
            'ù' | 'Ù'
                if prev_char.is_some_and(is_vowel)
                    && chars.get(i + 1).is_some_and(char::is_ascii_alphabetic) =>
            {
                vni += 1.0
            }
            // The breve with a tone only follows a ("naëng", "Naüng"); Noël and Citroën put
            // their diaeresis after o or e.
            'ë' | 'ü' | 'Ë' | 'Ü'
                if prev_char.is_some_and(|p| p.eq_ignore_ascii_case(&'a'))
                    && chars.get(i + 1).is_some_and(|n| {
                        matches!(n.to_ascii_lowercase(), 'c' | 'm' | 'n' | 'p' | 't')
                    }) =>
            {
                vni += 1.0
            }
            // The same with symbols that French or German also put after vowels (naïve, Noël): weak.
            'ï' | 'ë' | 'ü' | 'Ï' | 'Ë' | 'Ü' if prev_char.is_some_and(is_vowel) => {
                vni_weak += 1
            }
            // VNI's circumflex after a, e or o: "aâ" for â, "eâ" for ê, "oâ" for ô.
            'â' | 'Â'
                if prev_char.is_some_and(|p| matches!(p.to_ascii_lowercase(), 'a' | 'e' | 'o')) =>
            {
                vni += 1.0
            }
            // "ñ" for đ: at the start of a word before a letter, or after a consonant — never
            // where Spanish puts its ñ (after a vowel).
            'ñ' | 'Ñ'
                if (!letter(prev) && letter(next))
                    || prev_char.is_some_and(|p| p.is_ascii_alphabetic() && !is_vowel(p)) =>
            {
                vni += 1.0
            }
            // "æ" for ỉ after a consonant ("tænh").
            'æ' | 'Æ' if prev_char.is_some_and(|p| p.is_ascii_alphabetic() && !is_vowel(p)) => {
                vni += 1.0
            }
            // "ö" for ư before the marks and vowels that follow ư ("ñöôïc", "Löu"); German never.
            'ö' | 'Ö'
                if chars.get(i + 1).is_some_and(|n| {
                    matches!(
                        n.to_ascii_lowercase(),
                        'ô' | 'ù'
                            | 'ø'
                            | 'û'
                            | 'õ'
                            | 'ï'
                            | 'u'
                            | 'Ô'
                            | 'Ù'
                            | 'Ø'
                            | 'Û'
                            | 'Õ'
                            | 'Ï'
                            | 'U'
                    )
                }) =>
            {
                vni += 1.0
            }
            // A toned circumflex after a or e ("QUYEÁT", "Vieät"): Vietnamese never writes these pairs.
            // Portuguese ends words in "ão", "ães", "eão" ("Galeão", "São"): never before o or e.
            'á' | 'à' | 'ã' | 'Á' | 'À' | 'Ã'
                if prev_char.is_some_and(|p| matches!(p.to_ascii_lowercase(), 'a' | 'e'))
                    && chars.get(i + 1).is_some_and(|n| {
                        n.is_alphabetic() && !matches!(n.to_ascii_lowercase(), 'o' | 'e')
                    }) =>
            {
                vni += 1.0
            }
            // The acute tone after a vowel ("caùc"); French "où" too: weak.
            'ù' | 'Ù' if prev_char.is_some_and(is_vowel) => vni_weak += 1,
            // "ö" for ư after a consonant (German also does this: weak).
            'ö' | 'Ö' if prev_char.is_some_and(|p| p.is_ascii_alphabetic() && !is_vowel(p)) => {
                vni_weak += 1
            }
            _ => {}
        }
    }
    // Many Latin-1 letters alone are not evidence: French, German and Spanish text has them
    // ("Noël à Paris; garçon; façade"); TCVN3 text also shows the signs counted above.
    let tcvn3_hit = tcvn3 >= 1.0;
    // Weak signs alone only count in numbers no French or German name brings.
    let vni_hit = vni >= 1.0 || vni_weak >= 6;
    match (tcvn3_hit, vni_hit) {
        // Both encodings use some of the same Latin-1 letters: the stronger evidence wins.
        (true, true) => Some(if vni > tcvn3 {
            LegacyEncoding::Vni
        } else {
            LegacyEncoding::Tcvn3
        }),
        (true, false) => Some(LegacyEncoding::Tcvn3),
        (false, true) => Some(LegacyEncoding::Vni),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_of_the_issue_are_caught() {
        assert_eq!(detect("Qu¶ng Nam"), Some(LegacyEncoding::Tcvn3));
        assert_eq!(
            detect("UBND tØnh Qu¶ng Nam ®· ban hµnh"),
            Some(LegacyEncoding::Tcvn3)
        );
        assert_eq!(detect("Quaûng Nam"), Some(LegacyEncoding::Vni));
        assert_eq!(detect("ñaàu tö coâng"), Some(LegacyEncoding::Vni));
    }

    #[test]
    fn ordinary_text_passes() {
        for text in [
            "Quảng Nam",
            "Ủy ban nhân dân tỉnh Quảng Nam ban hành Quy chế hoạt động Cổng thông tin điện tử",
            "Đà Nẵng đón khách; xuân về trên phố cổ Hội An — “Người Quảng”",
            "Windows® and Office© are trademarks; price £5 or ¥600; 3×4 = 12; ½ cup",
            "A naïve approach to Noël in Citroën cars",
            "Herr Müller from Köln visited Hội An",
            "a filter of 10µm and 5 µg",
            "« Bonjour » — said the guide",
            "Điều 7.2 § 3",
            "",
        ] {
            assert_eq!(detect(text), None, "{text}");
        }
    }

    #[test]
    fn foreign_names_french_words_and_symbols_are_not_legacy_text() {
        for text in [
            "Sân bay Galeão ở Rio de Janeiro",
            "São Paulo và Belém",
            "Hiện tượng La Niña năm 2026",
            "El Niño, La Niña và mùa mưa bão",
            "Le goût du café vietnamien",
            "Du 1er août au 15 août",
            "crème brûlée, maître d'hôtel, coûter cher",
            "Noël à Paris; Île-de-France; garçon; façade; Besançon",
            "Raphaël et Israël; Citroën; naïveté; Loïc",
            "© 2026 Cổng thông tin điện tử tỉnh Quảng Nam",
            "©Bản quyền thuộc UBND tỉnh Quảng Nam",
            "®Windows là nhãn hiệu",
            "#QuảngNamÁnhSáng #HộiAnÊmĐềm #VănHóaÂmNhạc",
            "Raúl González và José Müller",
        ] {
            assert_eq!(detect(text), None, "{text}");
        }
    }

    #[test]
    fn short_and_upper_case_legacy_samples_are_caught() {
        for (text, encoding) in [
            ("Hµ Néi", LegacyEncoding::Tcvn3),
            ("UBND TØNH QU¶NG NAM", LegacyEncoding::Tcvn3),
            ("Th«ng b¸o", LegacyEncoding::Tcvn3),
            ("caùc baïn", LegacyEncoding::Vni),
            ("Nguyeãn Vaên A", LegacyEncoding::Vni),
            ("Ñaø Naüng", LegacyEncoding::Vni),
            ("naëng", LegacyEncoding::Vni),
            ("QUAÛNG NAM", LegacyEncoding::Vni),
        ] {
            assert_eq!(detect(text), Some(encoding), "{text}");
        }
    }
}
