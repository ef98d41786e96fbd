//! What typed values are filtered, sorted and compared by: the index key of a stored value, the
//! same key of a value written in a query string, and the canonical form unique fields claim.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use portal_core::text::fold;
use serde_json::Value;

use super::definition::{parse_decimal, FieldType, ValueSpec};

/// What an indexed field's value is filtered and sorted by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum IndexKey {
    Text(String),
    Num(i64),
}

/// The index key of a normalised value: text folded (no diacritics, lower case, so that
/// `filter[noi]=hoi an` finds «Hội An»), numbers (decimals scaled) as integers.
pub fn index_key(spec: &ValueSpec, value: &Value) -> Result<IndexKey, String> {
    match (spec.field_type, value) {
        (FieldType::Text, Value::String(s)) => Ok(IndexKey::Text(fold(s))),
        (FieldType::Enum | FieldType::Date | FieldType::Datetime, Value::String(s)) => {
            Ok(IndexKey::Text(s.clone()))
        }
        (FieldType::Boolean, Value::Bool(b)) => Ok(IndexKey::Text(b.to_string())),
        (FieldType::Integer | FieldType::Money | FieldType::Reference, Value::Number(n)) => n
            .as_i64()
            .map(IndexKey::Num)
            .ok_or_else(|| "a whole number".into()),
        (FieldType::Decimal, Value::String(s)) => parse_decimal(s, spec.scale.unwrap_or(0))
            .map(IndexKey::Num)
            .map_err(str::to_string),
        _ => Err(format!("not a {} value", spec.field_type.as_str())),
    }
}

/// A value written in a query string (`filter[so]=12`) as the JSON value a field holds, before
/// the field's own rules (`values::query_key` applies them).
pub fn query_value(spec: &ValueSpec, raw: &str) -> Result<Value, String> {
    Ok(match spec.field_type {
        FieldType::Integer | FieldType::Money | FieldType::Reference => raw
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "a whole number".to_string())?,
        FieldType::Boolean => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err("true or false".into()),
        },
        FieldType::Date => {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| "a date YYYY-MM-DD")?;
            Value::String(raw.to_string())
        }
        FieldType::Datetime => {
            let t = DateTime::parse_from_rfc3339(raw)
                .map_err(|_| "an RFC 3339 date and time")?
                .with_timezone(&Utc);
            Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
        }
        _ => Value::String(raw.to_string()),
    })
}

/// What a unique field's value is compared by: text folded, the rest as written.
pub(super) fn canonical(spec: &ValueSpec, value: &Value) -> String {
    match (spec.field_type, value) {
        (FieldType::Text, Value::String(s)) => fold(s),
        (_, Value::String(s)) => s.clone(),
        (_, v) => v.to_string(),
    }
}
