//! Money as an integer number of đồng, and the amount in Vietnamese words that a finance office
//! writes under every total ("Bằng chữ: Hai triệu năm trăm ba mươi nghìn đồng").

use serde::{Deserialize, Serialize};

/// An amount of đồng. Never a float: every division in this crate says how it rounds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(pub i64);

impl Dong {
    pub const ZERO: Dong = Dong(0);

    /// `self × numerator / denominator`, rounded half away from zero (the one rounding rule
    /// for every percentage in this crate), computed in 128 bits so nothing overflows midway.
    pub fn percent_of(self, numerator: i64, denominator: i64) -> Dong {
        Dong(round_div(self.0 as i128 * numerator as i128, denominator as i128) as i64)
    }

    /// "2.530.000 đ": dots between thousands, as Vietnamese documents write amounts.
    pub fn dotted(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        format!("{}{out} đ", if self.0 < 0 { "-" } else { "" })
    }

    /// The amount in words, capitalised, ending in "đồng".
    pub fn in_words(self) -> String {
        let mut words = if self.0 == 0 {
            "không".to_string()
        } else {
            below_any(self.0.unsigned_abs(), false)
        };
        if self.0 < 0 {
            words = format!("âm {words}");
        }
        let mut chars = words.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        format!("{}{} đồng", first.unwrap_or_default(), chars.as_str())
    }
}

impl std::ops::Add for Dong {
    type Output = Dong;
    fn add(self, other: Dong) -> Dong {
        Dong(self.0 + other.0)
    }
}

impl std::ops::Sub for Dong {
    type Output = Dong;
    fn sub(self, other: Dong) -> Dong {
        Dong(self.0 - other.0)
    }
}

impl std::iter::Sum for Dong {
    fn sum<I: Iterator<Item = Dong>>(iter: I) -> Dong {
        Dong(iter.map(|d| d.0).sum())
    }
}

/// `n / d` rounded half away from zero (`d > 0`).
pub fn round_div(n: i128, d: i128) -> i128 {
    if n >= 0 {
        (n + d / 2) / d
    } else {
        -((-n + d / 2) / d)
    }
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Words for `n > 0`. `inner` says a higher group was already written, so a group below 100 is
/// read in full ("một nghìn không trăm linh năm").
fn below_any(n: u64, inner: bool) -> String {
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        // "tỷ" repeats for larger amounts: 10^12 is "một nghìn tỷ", 10^18 "một tỷ tỷ".
        let (high, low) = (n / BILLION, n % BILLION);
        let mut out = format!("{} tỷ", below_any(high, inner));
        if low > 0 {
            out.push(' ');
            out.push_str(&below_any(low, true));
        }
        return out;
    }
    let groups = [
        (n / 1_000_000, "triệu"),
        (n / 1_000 % 1_000, "nghìn"),
        (n % 1_000, ""),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut written = inner;
    for (value, scale) in groups {
        if value == 0 {
            continue;
        }
        let mut group = three_digits(value as usize, written);
        if !scale.is_empty() {
            group.push(' ');
            group.push_str(scale);
        }
        parts.push(group);
        written = true;
    }
    parts.join(" ")
}

/// 1..=999; `full` writes the hundreds and "linh" even when the hundreds are zero.
fn three_digits(n: usize, full: bool) -> String {
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut words: Vec<&str> = Vec::new();
    if h > 0 || full {
        words.push(DIGITS[h]);
        words.push("trăm");
    }
    match t {
        0 => {
            if u > 0 {
                if h > 0 || full {
                    words.push("linh");
                }
                words.push(DIGITS[u]);
            }
        }
        1 => {
            words.push("mười");
            match u {
                0 => {}
                5 => words.push("lăm"),
                _ => words.push(DIGITS[u]),
            }
        }
        _ => {
            words.push(DIGITS[t]);
            words.push("mươi");
            match u {
                0 => {}
                1 => words.push("mốt"),
                4 => words.push("tư"),
                5 => words.push("lăm"),
                _ => words.push(DIGITS[u]),
            }
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_words_as_the_issue_lists_them() {
        let cases = [
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (105, "Một trăm linh năm đồng"),
            (1_005, "Một nghìn không trăm linh năm đồng"),
            (1_000_000, "Một triệu đồng"),
            (2_530_000, "Hai triệu năm trăm ba mươi nghìn đồng"),
            (
                1_234_567_890,
                "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng",
            ),
        ];
        for (amount, words) in cases {
            assert_eq!(Dong(amount).in_words(), words, "{amount}");
        }
    }

    #[test]
    fn the_spoken_exceptions() {
        assert_eq!(Dong(10).in_words(), "Mười đồng");
        assert_eq!(Dong(11).in_words(), "Mười một đồng");
        assert_eq!(Dong(14).in_words(), "Mười bốn đồng");
        assert_eq!(Dong(24).in_words(), "Hai mươi tư đồng");
        assert_eq!(Dong(25).in_words(), "Hai mươi lăm đồng");
        assert_eq!(Dong(55).in_words(), "Năm mươi lăm đồng");
        assert_eq!(Dong(101).in_words(), "Một trăm linh một đồng");
        assert_eq!(Dong(110).in_words(), "Một trăm mười đồng");
        assert_eq!(
            Dong(1_000_005).in_words(),
            "Một triệu không trăm linh năm đồng"
        );
        assert_eq!(
            Dong(2_000_010_000).in_words(),
            "Hai tỷ không trăm mười nghìn đồng"
        );
        assert_eq!(Dong(1_000_000_000_000).in_words(), "Một nghìn tỷ đồng");
        assert_eq!(Dong(-21).in_words(), "Âm hai mươi mốt đồng");
        assert_eq!(Dong(234_000).in_words(), "Hai trăm ba mươi tư nghìn đồng");
    }

    #[test]
    fn dots_between_thousands() {
        assert_eq!(Dong(2_530_000).dotted(), "2.530.000 đ");
        assert_eq!(Dong(999).dotted(), "999 đ");
        assert_eq!(Dong(-1_000).dotted(), "-1.000 đ");
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(Dong(5).percent_of(50, 100), Dong(3));
        assert_eq!(Dong(-5).percent_of(50, 100), Dong(-3));
        assert_eq!(Dong(4).percent_of(50, 100), Dong(2));
        assert_eq!(Dong(2_340_000).percent_of(10, 100), Dong(234_000));
    }
}
