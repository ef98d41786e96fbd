//! Tracking codes (mã hồ sơ) given to a citizen for a case, such as `QNA-7K3M-X9P2`.
//!
//! Shape: the site's prefix (2–5 ASCII letters), then 8 symbols of Crockford's base32 alphabet
//! in two groups of 4. The alphabet leaves out I, L, O and U so that a code read aloud or
//! copied by hand has no look-alikes; when reading, O is taken as 0 and I and L as 1.
//!
//! The first 7 symbols are random, 35 bits from the OS random generator. The code is a name
//! for the case, not a key to it: seeing a case's status also needs a separate secret (the
//! status link's token), and intake is rate-limited, so guessing codes gains nothing and the
//! bits only have to keep codes apart. 2^35 is about 34 billion: with a million cases stored a
//! new code meets an old one about once in 34,000 draws, which the caller's unique index turns
//! into a retry with a fresh code.
//!
//! The 8th symbol is a check character by the Luhn mod N algorithm with N = 32, computed over
//! the 7 random symbols only, so a code reads the same whatever prefix a site uses. It catches
//! every single mistyped symbol and every swap of two neighbouring symbols except '0' with 'Z'
//! (the values 0 and N − 1, as 09 ↔ 90 in the decimal Luhn check), so [`TrackingCode::parse`]
//! can tell a person that a code was mistyped rather than unknown.

use std::fmt;

/// Crockford's base32 alphabet: a symbol's value is its position.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const N: u32 = 32;
const RANDOM_SYMBOLS: usize = 7;
const SYMBOLS: usize = RANDOM_SYMBOLS + 1;
const PREFIX_LENGTH: std::ops::RangeInclusive<usize> = 2..=5;

/// A tracking code in its canonical spelling, `PREFIX-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingCode(String);

/// Why typed text is not a tracking code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// Not the shape of a code: wrong length, a symbol outside the alphabet, a bad prefix.
    Malformed,
    /// The shape of a code whose check symbol does not match: a mistyped code.
    CheckFailed,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeError::Malformed => "not a tracking code",
            CodeError::CheckFailed => "tracking code mistyped: its check symbol does not match",
        })
    }
}

impl std::error::Error for CodeError {}

/// The prefix in upper case, if it is 2–5 ASCII letters.
fn canonical_prefix(prefix: &str) -> Option<String> {
    (PREFIX_LENGTH.contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| prefix.to_ascii_uppercase())
}

/// The value of a typed symbol, with Crockford's readings of the left-out letters.
fn symbol_value(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    let byte = u8::try_from(c).ok()?;
    let position = ALPHABET.iter().position(|&s| s == byte)?;
    u32::try_from(position).ok()
}

fn symbol(value: u32) -> char {
    char::from(ALPHABET[(value % N) as usize])
}

/// Luhn mod N: from the rightmost value leftwards, every other value doubled (starting with the
/// rightmost, the one next to where the check goes) and its two base-N digits added.
fn check_value(values: &[u32]) -> u32 {
    let sum: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| {
            let addend = if i % 2 == 0 { 2 * v } else { v };
            addend / N + addend % N
        })
        .sum();
    (N - sum % N) % N
}

/// The 7 random symbols' values from the low 35 bits, 5 bits each: every bit used once, so
/// every symbol is uniform and independent of the others, with no modulo bias.
fn symbols_of_bits(bits: u64) -> [u32; RANDOM_SYMBOLS] {
    std::array::from_fn(|i| ((bits >> (5 * i)) & u64::from(N - 1)) as u32)
}

/// Dashes, including the ones a phone's keyboard substitutes, and spaces are ignored.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

impl TrackingCode {
    /// A new random code with the site's prefix; an error (never a panic on a request path) when
    /// `prefix` is not 2–5 ASCII letters or the OS random generator fails.
    pub fn generate(prefix: &str) -> Result<TrackingCode, String> {
        let prefix = canonical_prefix(prefix)
            .ok_or_else(|| format!("tracking code prefix {prefix:?} is not 2–5 ASCII letters"))?;
        let mut bytes = [0u8; 5];
        getrandom::fill(&mut bytes).map_err(|e| format!("the OS random generator failed: {e}"))?;
        let bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        Ok(TrackingCode::from_parts(&prefix, &symbols_of_bits(bits)))
    }

    /// Whether `prefix` can start a code: 2–5 ASCII letters (written upper-case).
    pub fn is_valid_prefix(prefix: &str) -> bool {
        canonical_prefix(prefix).is_some()
    }

    /// Reads what a person typed: case-insensitive, spaces and dashes anywhere ignored,
    /// Crockford's readings (O→0, I and L→1), the prefix required. Malformed when the shape is
    /// wrong, CheckFailed when the check symbol does not match (a mistyped code, told apart
    /// from an unknown one).
    ///
    /// With separators ignored, the last 8 symbols are the code and what comes before is the
    /// prefix; so a symbol dropped or added next to the prefix can shift that split and read
    /// as CheckFailed rather than Malformed. Either way the person is asked to check the code.
    /// The caller compares [`TrackingCode::prefix`] with its site's.
    pub fn parse(text: &str) -> Result<TrackingCode, CodeError> {
        let chars: Vec<char> = text.chars().filter(|c| !is_separator(*c)).collect();
        let Some(prefix_length) = chars.len().checked_sub(SYMBOLS) else {
            return Err(CodeError::Malformed);
        };
        let (prefix, body) = chars.split_at(prefix_length);
        let prefix =
            canonical_prefix(&prefix.iter().collect::<String>()).ok_or(CodeError::Malformed)?;
        let values: Vec<u32> = body
            .iter()
            .map(|c| symbol_value(*c))
            .collect::<Option<_>>()
            .ok_or(CodeError::Malformed)?;
        let (random, check) = values.split_at(RANDOM_SYMBOLS);
        if check != [check_value(random)] {
            return Err(CodeError::CheckFailed);
        }
        let mut random_values = [0; RANDOM_SYMBOLS];
        random_values.copy_from_slice(random);
        Ok(TrackingCode::from_parts(&prefix, &random_values))
    }

    /// The canonical spelling, e.g. `QNA-7K3M-X9P2`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix, upper-case.
    pub fn prefix(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// The canonical code from a valid upper-case prefix and the random symbols' values.
    fn from_parts(prefix: &str, values: &[u32; RANDOM_SYMBOLS]) -> TrackingCode {
        let symbols: String = values
            .iter()
            .map(|&v| symbol(v))
            .chain([symbol(check_value(values))])
            .collect();
        TrackingCode(format!("{prefix}-{}-{}", &symbols[..4], &symbols[4..]))
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashSet};

    /// The 8 symbols of a code, without prefix and dashes.
    fn body(code: &TrackingCode) -> Vec<char> {
        code.as_str()[code.prefix().len()..]
            .chars()
            .filter(|c| *c != '-')
            .collect()
    }

    fn spell(prefix: &str, body: &[char]) -> String {
        let body: String = body.iter().collect();
        format!("{prefix}-{}-{}", &body[..4], &body[4..])
    }

    fn values(symbols: &str) -> [u32; RANDOM_SYMBOLS] {
        let values: Vec<u32> = symbols.chars().map(|c| symbol_value(c).unwrap()).collect();
        values.try_into().unwrap()
    }

    #[test]
    fn generated_codes_parse_back_and_vary() {
        let mut seen = HashSet::new();
        let mut per_position: Vec<HashSet<char>> = vec![HashSet::new(); RANDOM_SYMBOLS];
        for _ in 0..1000 {
            let code = TrackingCode::generate("qna").unwrap();
            let text = code.as_str();
            assert_eq!(text.len(), 13, "{text}");
            assert!(text.starts_with("QNA-") && &text[8..9] == "-", "{text}");
            assert_eq!(code.prefix(), "QNA");
            assert_eq!(TrackingCode::parse(text), Ok(code.clone()));
            assert_eq!(code.to_string(), text);
            for (i, c) in body(&code).into_iter().take(RANDOM_SYMBOLS).enumerate() {
                per_position[i].insert(c);
            }
            seen.insert(code);
        }
        // Two equal codes among 1000 of 2^35 happen about once in 70,000 runs; three never.
        assert!(seen.len() >= 999, "{} distinct", seen.len());
        // Every random position draws on the whole alphabet (a bit taken twice would not).
        assert!(
            per_position.iter().all(|s| s.len() >= 28),
            "{per_position:?}"
        );
    }

    #[test]
    fn the_35_random_bits_all_reach_the_symbols() {
        for bit in 0..35 {
            let values = symbols_of_bits(1 << bit);
            let back =
                (0..RANDOM_SYMBOLS).fold(0u64, |acc, i| acc | u64::from(values[i]) << (5 * i));
            assert_eq!(back, 1 << bit, "bit {bit}");
        }
        assert_eq!(symbols_of_bits(u64::MAX), [N - 1; RANDOM_SYMBOLS]);
    }

    #[test]
    fn every_single_substitution_fails_the_check() {
        let codes = (0..20).map(|_| TrackingCode::generate("QNA").unwrap());
        for code in codes.chain([TrackingCode::from_parts("QNA", &values("0000000"))]) {
            let original = body(&code);
            for position in 0..SYMBOLS {
                for &other in ALPHABET {
                    let other = char::from(other);
                    if other == original[position] {
                        continue;
                    }
                    let mut typed = original.clone();
                    typed[position] = other;
                    let text = spell("QNA", &typed);
                    assert_eq!(
                        TrackingCode::parse(&text),
                        Err(CodeError::CheckFailed),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn adjacent_transpositions_are_caught_except_0_with_z() {
        let base = values("7K3MX9P");
        for position in 0..RANDOM_SYMBOLS {
            let mut missed = BTreeSet::new();
            for a in 0..N {
                for b in 0..N {
                    let mut v = base;
                    v[position] = a;
                    if position + 1 < RANDOM_SYMBOLS {
                        v[position + 1] = b;
                    } else {
                        // The last random symbol next to the check symbol: vary the one before
                        // it to make the check symbol take every value.
                        v[position - 1] = b;
                    }
                    let code = TrackingCode::from_parts("QNA", &v);
                    let mut typed = body(&code);
                    if typed[position] == typed[position + 1] {
                        continue;
                    }
                    typed.swap(position, position + 1);
                    if TrackingCode::parse(&spell("QNA", &typed)).is_ok() {
                        missed.insert((typed[position + 1], typed[position]));
                    }
                }
            }
            let expected = BTreeSet::from([('0', 'Z'), ('Z', '0')]);
            assert_eq!(missed, expected, "symbols {position} and {}", position + 1);
        }
    }

    #[test]
    fn reads_what_people_type() {
        let code = TrackingCode::from_parts("QNA", &values("10Z0K1M"));
        let text = code.as_str().to_string();
        assert!(text.starts_with("QNA-10Z0-K1M"), "{text}");
        let check = text.chars().last().unwrap().to_ascii_lowercase();
        for typed in [
            text.to_lowercase(),
            format!("  qna 1 0 z 0 k 1 m {check} "),
            format!("qna-lozo-kim{check}"),
            format!("QNA10Z0K1M{check}"),
            format!("qna–loz0–KLM\u{a0}{check}"),
        ] {
            assert_eq!(TrackingCode::parse(&typed), Ok(code.clone()), "{typed:?}");
        }
    }

    #[test]
    fn the_check_ignores_the_prefix() {
        let code = TrackingCode::generate("QNA").unwrap();
        let other = spell("HUE", &body(&code));
        let parsed = TrackingCode::parse(&other).unwrap();
        assert_eq!(parsed.prefix(), "HUE");
        assert_eq!(body(&parsed), body(&code));
    }

    #[test]
    fn malformed_text() {
        let code = TrackingCode::from_parts("QNA", &values("7K3MX9P")).to_string();
        let symbols = &code[4..];
        assert!(TrackingCode::parse(&code).is_ok());
        for text in [
            String::new(),
            "QNA".to_string(),
            "QNA-7K3M".to_string(),
            symbols.to_string(),
            format!("-{symbols}"),
            format!("Q-{symbols}"),
            format!("QNABCD-{symbols}"),
            format!("Q4A-{symbols}"),
            format!("ĐNA-{symbols}"),
            format!("{code}-7"),
            code.replace('K', "U"),
            code.replace('K', "*"),
        ] {
            assert_eq!(
                TrackingCode::parse(&text),
                Err(CodeError::Malformed),
                "{text:?}"
            );
        }
    }

    #[test]
    fn prefixes() {
        assert!(TrackingCode::is_valid_prefix("HCM"));
        assert!(TrackingCode::is_valid_prefix("qna"));
        assert!(!TrackingCode::is_valid_prefix("Q"));
        assert!(!TrackingCode::is_valid_prefix("QNABC1"));
        assert!(!TrackingCode::is_valid_prefix("ĐN"));
        assert_eq!(TrackingCode::generate("hcm").unwrap().prefix(), "HCM");
    }

    #[test]
    fn generate_rejects_a_bad_prefix() {
        let refused = TrackingCode::generate("").unwrap_err();
        assert!(refused.contains("not 2–5 ASCII letters"), "{refused}");
    }
}
