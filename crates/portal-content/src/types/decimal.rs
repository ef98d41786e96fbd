//! Decimals as fixed-scale integers: a field's value is written as a string ("12.50", never a
//! float, which could not hold 0.1 exactly), stored and compared as the integer 1250.

/// "12.5" with scale 2 → 1250. Refuses floats' forms (exponents), more decimals than the
/// scale, and values outside i64 once scaled.
pub fn parse_decimal(s: &str, scale: u32) -> Result<i64, &'static str> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (digits.contains('.') && frac.is_empty())
    {
        return Err("a decimal number written with digits and at most one '.', e.g. \"12.50\"");
    }
    if frac.len() > scale as usize {
        return Err("more decimals than the field's scale");
    }
    let padded = format!("{whole}{frac:0<width$}", width = scale as usize);
    let n: i64 = padded.parse().map_err(|_| "too large")?;
    Ok(if negative { -n } else { n })
}

/// 1250 with scale 2 → "12.50".
pub fn format_decimal(n: i64, scale: u32) -> String {
    if scale == 0 {
        return n.to_string();
    }
    let p = 10i64.pow(scale);
    let sign = if n < 0 { "-" } else { "" };
    let a = n.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        a / p as u64,
        a % p as u64,
        width = scale as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_strings_with_a_fixed_scale() {
        assert_eq!(parse_decimal("12.5", 2), Ok(1250));
        assert_eq!(parse_decimal("-0.05", 2), Ok(-5));
        assert_eq!(parse_decimal("7", 0), Ok(7));
        assert!(parse_decimal("1.234", 2).is_err());
        assert!(parse_decimal("1e3", 2).is_err());
        assert!(parse_decimal("1.", 2).is_err());
        assert!(parse_decimal("", 2).is_err());
        assert_eq!(format_decimal(1250, 2), "12.50");
        assert_eq!(format_decimal(-5, 2), "-0.05");
    }
}
