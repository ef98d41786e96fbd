//! The rules a rate schedule's fields follow: codes, labels in NFC, percentages and coefficient
//! ranges, and no genre above the national maximum of its family (NĐ 18/2014) in force on the
//! schedule's first day. Every broken rule is a `FieldError` naming its JSON path.

use portal_core::text::checked;
use portal_core::{Error, FieldError};

use crate::model::{Adjustment, AdjustmentKind, Family, Genre, Maximum};
use crate::rules::hundredths;
use crate::schedules::{ScheduleInput, MAX_ADJUSTMENTS, MAX_GENRES};

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The schedule's fields cleaned, or every broken rule; the maxima are those in force on its
/// first day.
pub(crate) fn cleaned(
    input: &ScheduleInput,
    maxima: &[Maximum],
) -> Result<(ScheduleInput, Vec<Genre>, Vec<Adjustment>), Error> {
    let mut errors = Vec::new();
    let mut out = input.clone();
    out.name = checked(&mut errors, "name", &input.name, 200, false, true);
    out.legal_basis = checked(
        &mut errors,
        "legal_basis",
        &input.legal_basis,
        1_000,
        true,
        true,
    );
    out.decision = checked(&mut errors, "decision", &input.decision, 1_000, true, true);
    if let Some(until) = input.valid_until {
        if until < input.valid_from {
            errors.push(FieldError::new(
                "valid_until",
                "before_start",
                "ends before valid_from",
            ));
        }
    }
    for (field, value, min, max) in [
        ("unit_percent", input.unit_percent, 1, 100),
        ("subsite_percent", input.subsite_percent, 1, 100),
        ("incentive_cap_percent", input.incentive_cap_percent, 0, 100),
        (
            "remuneration_cap_percent",
            input.remuneration_cap_percent,
            0,
            100,
        ),
        ("payment_days", input.payment_days, 1, 366),
    ] {
        if !(min..=max).contains(&value) {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                format!("from {min} to {max}"),
            ));
        }
    }
    if input.genres.is_empty() || input.genres.len() > MAX_GENRES {
        errors.push(FieldError::new(
            "genres",
            "count",
            format!("from 1 to {MAX_GENRES} genres"),
        ));
    }
    if input.adjustments.len() > MAX_ADJUSTMENTS {
        errors.push(FieldError::new(
            "adjustments",
            "count",
            format!("at most {MAX_ADJUSTMENTS}"),
        ));
    }
    let mut codes = std::collections::HashSet::new();
    let mut genres = Vec::new();
    for (i, g) in input.genres.iter().enumerate() {
        let field = |name: &str| format!("genres[{i}].{name}");
        if !valid_code(&g.code) {
            errors.push(FieldError::new(
                field("code"),
                "invalid",
                "a-z, 0-9 and _, at most 40",
            ));
        } else if !codes.insert(g.code.clone()) {
            errors.push(FieldError::new(
                field("code"),
                "repeated",
                format!("{} twice", g.code),
            ));
        }
        let label = checked(&mut errors, &field("label"), &g.label, 200, false, true);
        let Some(family) = Family::parse(&g.family) else {
            errors.push(FieldError::new(
                field("family"),
                "unknown_family",
                format!("one of {}", Family::spellings()),
            ));
            continue;
        };
        let mut number = |name: &str, text: &str| {
            let value = hundredths(text);
            if value.is_none() {
                errors.push(FieldError::new(
                    field(name),
                    "not_a_coefficient",
                    "a decimal with at most two places, e.g. \"1.5\"",
                ));
            }
            value.unwrap_or(0)
        };
        let (min, max, default) = (
            number("min", &g.min),
            number("max", &g.max),
            number("default", &g.default),
        );
        if min <= 0 || min > max || !(min..=max).contains(&default) {
            errors.push(FieldError::new(
                field("default"),
                "out_of_range",
                "0 < min ≤ default ≤ max",
            ));
        }
        match maxima.iter().find(|m| m.family == family.as_str()) {
            Some(m) if max > m.max_coefficient as i64 => errors.push(FieldError::new(
                field("max"),
                "above_national_maximum",
                format!(
                    "the national maximum for {} is {} ({})",
                    family.as_str(),
                    crate::rules::decimal(m.max_coefficient as i64),
                    m.legal_basis
                ),
            )),
            Some(_) => {}
            None => errors.push(FieldError::new(
                field("family"),
                "no_national_maximum",
                format!(
                    "no national maximum for {} in force on valid_from",
                    family.as_str()
                ),
            )),
        }
        genres.push(Genre {
            code: g.code.clone(),
            label,
            family,
            min,
            max,
            default,
        });
    }
    let mut adjustments = Vec::new();
    for (i, a) in input.adjustments.iter().enumerate() {
        let field = |name: &str| format!("adjustments[{i}].{name}");
        if !valid_code(&a.code) {
            errors.push(FieldError::new(
                field("code"),
                "invalid",
                "a-z, 0-9 and _, at most 40",
            ));
        } else if !codes.insert(a.code.clone()) {
            errors.push(FieldError::new(
                field("code"),
                "repeated",
                format!("{} twice", a.code),
            ));
        }
        let label = checked(&mut errors, &field("label"), &a.label, 200, false, true);
        let Some(kind) = AdjustmentKind::parse(&a.kind) else {
            errors.push(FieldError::new(
                field("kind"),
                "unknown_kind",
                format!("one of {}", AdjustmentKind::spellings()),
            ));
            continue;
        };
        if a.min < 1 || a.min > a.max || a.max > 100 || !(a.min..=a.max).contains(&a.default) {
            errors.push(FieldError::new(
                field("default"),
                "out_of_range",
                "1 ≤ min ≤ default ≤ max ≤ 100 (percent)",
            ));
        }
        adjustments.push(Adjustment {
            code: a.code.clone(),
            label,
            kind,
            min: a.min,
            max: a.max,
            default: a.default,
        });
    }
    if errors.is_empty() {
        Ok((out, genres, adjustments))
    } else {
        Err(Error::Validation(errors))
    }
}
