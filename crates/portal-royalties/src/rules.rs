//! The formulas, pure (Nghị định 18/2014/NĐ-CP as the province's table applies it):
//!
//! - unit value = base salary × the schedule's unit percentage (10 %), rounded half up to the đồng;
//! - royalty of a work = coefficient × unit value × (the share of a translation or subtitles, when
//!   one applies: 40–65 %, 20–50 %) × (100 % + the sum of the bonuses: minorities +10–20 %, …)
//!   × the site's percentage (100 % on the portal, the schedule's 20 % on a sub-site), computed
//!   exactly in 128-bit integers and rounded **once**, half up, to the đồng;
//! - a co-authored amount is split by shares in basis points, each part rounded down, and the
//!   đồng left over go to the first author, so the parts always sum to the whole;
//! - tax withheld from a statement = the rate of the dated rule × the gross, rounded half up, when
//!   the gross reaches the threshold.

use crate::money::{round_div, Dong};

/// A coefficient or share written as a decimal ("1.5", "2.25", "33.34") as an integer number
/// of hundredths. Never parsed through a float; more than two decimals is refused.
pub fn hundredths(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty()
        || whole.len() > 9
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (text.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole * 100 + fraction)
}

/// "1.50" for 150.
pub fn decimal(hundredths: i64) -> String {
    format!(
        "{}{}.{:02}",
        if hundredths < 0 { "-" } else { "" },
        hundredths.abs() / 100,
        hundredths.abs() % 100
    )
}

pub fn unit_value(base_salary: Dong, unit_percent: i64) -> Dong {
    base_salary.percent_of(unit_percent, 100)
}

/// What a work's amount is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// Hundredths of the coefficient.
    pub coefficient: i64,
    pub unit_value: Dong,
    /// A translation's or subtitles' percentage of the genre's royalty, if one applies.
    pub share_percent: Option<i64>,
    /// Every bonus's percentage, added together.
    pub bonus_percents: Vec<i64>,
    /// 100 on the portal; the schedule's percentage on a sub-site.
    pub site_percent: i64,
}

impl Grade {
    pub fn amount(&self) -> Dong {
        let share = self.share_percent.unwrap_or(100) as i128;
        let bonus: i128 = 100 + self.bonus_percents.iter().map(|p| *p as i128).sum::<i128>();
        let numerator = self.coefficient as i128
            * self.unit_value.0 as i128
            * share
            * bonus
            * self.site_percent as i128;
        // hundredths × percent × percent × percent
        Dong(round_div(numerator, 100 * 100 * 100 * 100) as i64)
    }

    /// The formula with the numbers, as `…/calculation` shows it.
    pub fn formula(&self) -> String {
        let mut out = format!(
            "{} × {}",
            decimal(self.coefficient),
            self.unit_value.dotted()
        );
        if let Some(share) = self.share_percent {
            out.push_str(&format!(" × {share} %"));
        }
        let bonus: i64 = self.bonus_percents.iter().sum();
        if bonus != 0 {
            out.push_str(&format!(" × (100 % + {bonus} %)"));
        }
        if self.site_percent != 100 {
            out.push_str(&format!(" × {} %", self.site_percent));
        }
        format!("{out} = {} (làm tròn đến đồng)", self.amount().dotted())
    }
}

/// Splits `amount` by `shares` (basis points summing to 10,000): each part rounded down, the
/// remainder to the first share.
pub fn split(amount: Dong, shares: &[i64]) -> Vec<Dong> {
    let mut parts: Vec<Dong> = shares
        .iter()
        .map(|bp| Dong((amount.0 as i128 * *bp as i128 / 10_000) as i64))
        .collect();
    let rest = amount - parts.iter().copied().sum();
    if let Some(first) = parts.first_mut() {
        *first = *first + rest;
    }
    parts
}

/// The tax withheld from a statement's gross under a rule of `rate_percent` from `threshold` up.
pub fn tax(gross: Dong, rate_percent: i64, threshold: Dong) -> Dong {
    if gross.0 > 0 && gross >= threshold {
        gross.percent_of(rate_percent, 100)
    } else {
        Dong::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(coefficient: i64, unit: i64) -> Grade {
        Grade {
            coefficient,
            unit_value: Dong(unit),
            share_percent: None,
            bonus_percents: vec![],
            site_percent: 100,
        }
    }

    #[test]
    fn decimals_are_read_without_floats() {
        assert_eq!(hundredths("1.5"), Some(150));
        assert_eq!(hundredths("2"), Some(200));
        assert_eq!(hundredths("0.05"), Some(5));
        assert_eq!(hundredths("33.34"), Some(3334));
        for bad in ["", "1.", ".5", "1.234", "-1", "1,5", "1e2", "NaN", "1.5.0"] {
            assert_eq!(hundredths(bad), None, "{bad}");
        }
        assert_eq!(decimal(150), "1.50");
        assert_eq!(decimal(5), "0.05");
    }

    #[test]
    fn the_unit_value_is_ten_percent_of_the_base_salary() {
        assert_eq!(unit_value(Dong(2_340_000), 10), Dong(234_000));
        assert_eq!(unit_value(Dong(2_530_000), 10), Dong(253_000));
    }

    #[test]
    fn worked_examples_of_the_ninh_thuan_table() {
        // News with a photo, 1.5, before and after the base salary changed on 01/07/2026.
        assert_eq!(grade(150, 234_000).amount(), Dong(351_000));
        assert_eq!(grade(150, 253_000).amount(), Dong(379_500));
        // Commentary at 2.75 on a district's sub-site (20 %).
        let sub = Grade {
            site_percent: 20,
            ..grade(275, 253_000)
        };
        assert_eq!(sub.amount(), Dong(139_150));
        // A translated research article (3.0, translation at 40 %) for ethnic minorities (+10 %).
        let translated = Grade {
            share_percent: Some(40),
            bonus_percents: vec![10],
            ..grade(300, 253_000)
        };
        assert_eq!(translated.amount(), Dong(333_960));
        assert_eq!(
            translated.formula(),
            "3.00 × 253.000 đ × 40 % × (100 % + 10 %) = 333.960 đ (làm tròn đến đồng)"
        );
    }

    #[test]
    fn one_rounding_at_the_end_half_up() {
        // 1.01 × 1,005 đ × 65 % = 659.7825 exactly, rounded once to 660.
        let g = Grade {
            share_percent: Some(65),
            ..grade(101, 1_005)
        };
        assert_eq!(g.amount(), Dong(660));
        // Exactly half a đồng rounds up: 0.50 × 1 đ = 0.5 → 1.
        assert_eq!(grade(50, 1).amount(), Dong(1));
    }

    #[test]
    fn splits_give_the_remainder_to_the_first_author() {
        assert_eq!(
            split(Dong(100), &[3334, 3333, 3333]),
            vec![Dong(34), Dong(33), Dong(33)]
        );
        assert_eq!(
            split(Dong(351_001), &[5000, 5000]),
            vec![Dong(175_501), Dong(175_500)]
        );
        let parts = split(Dong(379_500), &[7000, 2000, 1000]);
        assert_eq!(parts.iter().copied().sum::<Dong>(), Dong(379_500));
        assert_eq!(split(Dong(7), &[10_000]), vec![Dong(7)]);
    }

    #[test]
    fn tax_from_the_threshold_up() {
        assert_eq!(tax(Dong(1_999_999), 10, Dong(2_000_000)), Dong::ZERO);
        assert_eq!(tax(Dong(2_000_000), 10, Dong(2_000_000)), Dong(200_000));
        assert_eq!(tax(Dong(2_530_005), 10, Dong(2_000_000)), Dong(253_001));
    }
}
