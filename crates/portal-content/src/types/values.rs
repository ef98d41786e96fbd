//! An item's typed `data` checked against the version of its type (pure: no database). The
//! answer is the data normalised (NFC text, sanitised HTML, decimals at their scale, datetimes
//! in UTC), the values its indexed fields are filtered by, the values its unique fields claim,
//! and the references to check in the database. Every broken rule names its path (`data.so`,
//! `data.files[2]`).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use portal_core::FieldError;
use serde_json::{Map, Value};

use super::definition::{
    compile, format_decimal, parse_decimal, Definition, FieldDef, FieldType, ValueSpec, MAX_LIST,
    MAX_RICH_TEXT, MAX_TEXT,
};
use crate::html;
use crate::text::{check_url, clean};

/// Integers a browser's JSON reads exactly (2^53 − 1).
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

use super::keys::canonical;
use super::keys::query_value;
pub use super::keys::{index_key, IndexKey};

#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub path: String,
    pub item_id: i64,
    pub target_type: Option<String>,
}

/// Data that passed its type's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub data: Value,
    /// (field, key) for every value of every indexed field, without repeats.
    pub index: Vec<(String, IndexKey)>,
    /// (field, canonical value) of every unique field that holds a value.
    pub unique: Vec<(String, String)>,
    pub references: Vec<Reference>,
}

/// A definition with its patterns compiled once, to check many items.
pub struct Validator<'a> {
    pub definition: &'a Definition,
    patterns: Vec<Option<regex::Regex>>,
}

impl<'a> Validator<'a> {
    pub fn new(definition: &'a Definition) -> Validator<'a> {
        let patterns = definition
            .fields
            .iter()
            .map(|f| {
                let spec = match (&f.spec.field_type, &f.spec.items) {
                    (FieldType::List, Some(items)) => items.as_ref(),
                    _ => &f.spec,
                };
                spec.pattern.as_deref().and_then(|p| compile(p).ok())
            })
            .collect();
        Validator {
            definition,
            patterns,
        }
    }

    /// Checks `data` (an object keyed by field name; null is absent). `overrides` are the
    /// paths whose legacy-encoding finding the editor overrides, as for an item's other fields.
    pub fn check(&self, data: &Value, overrides: &[String]) -> Result<Checked, Vec<FieldError>> {
        let mut e = Vec::new();
        let empty = Map::new();
        let object = match data {
            Value::Object(o) => o,
            Value::Null => &empty,
            _ => {
                return Err(vec![FieldError::new(
                    "data",
                    "not_an_object",
                    "the typed fields, as an object keyed by field name",
                )])
            }
        };
        for key in object.keys() {
            if self.definition.field(key).is_none() {
                e.push(FieldError::new(
                    format!("data.{key}"),
                    "unknown_field",
                    format!("the type has no field '{key}'"),
                ));
            }
        }
        let mut out = Checked {
            data: Value::Object(Map::new()),
            index: Vec::new(),
            unique: Vec::new(),
            references: Vec::new(),
        };
        let mut normalised = Map::new();
        for (i, f) in self.definition.fields.iter().enumerate() {
            let path = format!("data.{}", f.name);
            let value = object.get(&f.name).unwrap_or(&Value::Null);
            let pattern = self.patterns[i].as_ref();
            let cleaned = match (&f.spec.field_type, value) {
                (_, Value::Null) => None,
                (FieldType::List, Value::Array(values)) => {
                    list(f, &path, values, pattern, &mut out, &mut e)
                }
                (FieldType::List, _) => {
                    e.push(FieldError::new(
                        &path,
                        "invalid_type",
                        "a list (JSON array)",
                    ));
                    None
                }
                _ => one(f, &f.spec, &path, value, pattern, &mut out, &mut e),
            };
            match cleaned {
                Some(v) => {
                    if f.unique {
                        out.unique.push((f.name.clone(), canonical(&f.spec, &v)));
                    }
                    normalised.insert(f.name.clone(), v);
                }
                None if f.required && !e.iter().any(|x| x.field.starts_with(&path)) => {
                    e.push(FieldError::new(&path, "required", "must be given"));
                }
                None => {}
            }
        }
        e.retain(|x| !(x.code == "legacy_encoding" && overrides.contains(&x.field)));
        if e.is_empty() {
            out.data = Value::Object(normalised);
            Ok(out)
        } else {
            Err(e)
        }
    }
}

fn list(
    f: &FieldDef,
    path: &str,
    values: &[Value],
    pattern: Option<&regex::Regex>,
    out: &mut Checked,
    e: &mut Vec<FieldError>,
) -> Option<Value> {
    let items = f.spec.items.as_deref()?;
    let (lo, hi) = (
        f.spec.min.as_ref().and_then(Value::as_u64).unwrap_or(0),
        f.spec
            .max
            .as_ref()
            .and_then(Value::as_u64)
            .unwrap_or(MAX_LIST as u64)
            .min(MAX_LIST as u64),
    );
    let n = values.len() as u64;
    if n < lo || n > hi {
        e.push(FieldError::new(
            path,
            "count",
            format!("{lo} to {hi} elements, got {n}"),
        ));
        return None;
    }
    let mut cleaned = Vec::with_capacity(values.len());
    for (j, v) in values.iter().enumerate() {
        let at = format!("{path}[{j}]");
        if v.is_null() {
            e.push(FieldError::new(
                &at,
                "required",
                "an element must not be null",
            ));
            continue;
        }
        if let Some(v) = one(f, items, &at, v, pattern, out, e) {
            cleaned.push(v);
        }
    }
    (!cleaned.is_empty()).then_some(Value::Array(cleaned))
}

fn invalid(e: &mut Vec<FieldError>, path: &str, expected: &str) {
    e.push(FieldError::new(path, "invalid_type", expected));
}

/// One value of `spec`; indexes it under the field's name when the field is indexed.
fn one(
    f: &FieldDef,
    spec: &ValueSpec,
    path: &str,
    value: &Value,
    pattern: Option<&regex::Regex>,
    out: &mut Checked,
    e: &mut Vec<FieldError>,
) -> Option<Value> {
    let before = e.len();
    let cleaned = value_of(f, spec, path, value, pattern, out, e)?;
    if e.len() > before {
        return None;
    }
    if f.indexed {
        if let Ok(key) = index_key(spec, &cleaned) {
            let entry = (f.name.clone(), key);
            if !out.index.contains(&entry) {
                out.index.push(entry);
            }
        }
    }
    Some(cleaned)
}

fn range_error(e: &mut Vec<FieldError>, path: &str, spec: &ValueSpec, what: &str) {
    let show = |v: &Option<Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "—".into(),
    };
    e.push(FieldError::new(
        path,
        "out_of_range",
        format!("{what} from {} to {}", show(&spec.min), show(&spec.max)),
    ));
}

fn value_of(
    f: &FieldDef,
    spec: &ValueSpec,
    path: &str,
    value: &Value,
    pattern: Option<&regex::Regex>,
    out: &mut Checked,
    e: &mut Vec<FieldError>,
) -> Option<Value> {
    let int_bound = |b: &Option<Value>| b.as_ref().and_then(Value::as_i64);
    match spec.field_type {
        FieldType::Text | FieldType::RichText => {
            let Some(s) = value.as_str() else {
                invalid(e, path, "a string");
                return None;
            };
            let rich = spec.field_type == FieldType::RichText;
            let cap = if rich { MAX_RICH_TEXT } else { MAX_TEXT };
            let max = spec
                .max
                .as_ref()
                .and_then(Value::as_u64)
                .map_or(cap, |m| (m as usize).min(cap));
            let single_line = !rich && (f.indexed || f.unique || pattern.is_some());
            let text = clean(path, s, max, !single_line, e);
            let text = if rich { html::sanitize(&text) } else { text };
            if text.trim().is_empty() {
                return None;
            }
            let chars = text.chars().count() as u64;
            if spec
                .min
                .as_ref()
                .and_then(Value::as_u64)
                .is_some_and(|m| chars < m)
            {
                range_error(e, path, spec, "a length in characters");
            }
            if let Some(p) = pattern {
                if !p.is_match(&text) {
                    e.push(FieldError::new(
                        path,
                        "pattern",
                        format!("must match {}", spec.pattern.as_deref().unwrap_or_default()),
                    ));
                }
            }
            Some(Value::String(text))
        }
        FieldType::Integer | FieldType::Money => {
            let Some(n) = value.as_i64().filter(|n| n.abs() <= MAX_SAFE_INTEGER) else {
                invalid(
                    e,
                    path,
                    if spec.field_type == FieldType::Money {
                        "a whole number of đồng"
                    } else {
                        "a whole number"
                    },
                );
                return None;
            };
            let lo = int_bound(&spec.min).or((spec.field_type == FieldType::Money).then_some(0));
            if lo.is_some_and(|lo| n < lo) || int_bound(&spec.max).is_some_and(|hi| n > hi) {
                range_error(e, path, spec, "a value");
            }
            Some(Value::from(n))
        }
        FieldType::Decimal => {
            let scale = spec.scale.unwrap_or(0);
            let Some(s) = value.as_str() else {
                invalid(e, path, "a decimal as a string (\"12.50\"), never a number");
                return None;
            };
            match parse_decimal(s.trim(), scale) {
                Ok(n) => {
                    let bound = |b: &Option<Value>| {
                        b.as_ref()
                            .and_then(Value::as_str)
                            .and_then(|s| parse_decimal(s, scale).ok())
                    };
                    if bound(&spec.min).is_some_and(|lo| n < lo)
                        || bound(&spec.max).is_some_and(|hi| n > hi)
                    {
                        range_error(e, path, spec, "a value");
                    }
                    Some(Value::String(format_decimal(n, scale)))
                }
                Err(why) => {
                    e.push(FieldError::new(path, "invalid_decimal", why));
                    None
                }
            }
        }
        FieldType::Date => {
            let parsed = value
                .as_str()
                .filter(|s| s.len() == 10)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
            let Some(d) = parsed else {
                invalid(e, path, "a date YYYY-MM-DD");
                return None;
            };
            let bound = |b: &Option<Value>| {
                b.as_ref()
                    .and_then(Value::as_str)
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            };
            if bound(&spec.min).is_some_and(|lo| d < lo)
                || bound(&spec.max).is_some_and(|hi| d > hi)
            {
                range_error(e, path, spec, "a date");
            }
            Some(Value::String(d.format("%Y-%m-%d").to_string()))
        }
        FieldType::Datetime => {
            let Some(t) = value
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc))
            else {
                invalid(e, path, "an RFC 3339 date and time with its offset");
                return None;
            };
            let bound = |b: &Option<Value>| {
                b.as_ref()
                    .and_then(Value::as_str)
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            };
            if bound(&spec.min).is_some_and(|lo| t < lo)
                || bound(&spec.max).is_some_and(|hi| t > hi)
            {
                range_error(e, path, spec, "a time");
            }
            Some(Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true)))
        }
        FieldType::Boolean => match value {
            Value::Bool(b) => Some(Value::Bool(*b)),
            _ => {
                invalid(e, path, "true or false");
                None
            }
        },
        FieldType::Enum => {
            let Some(s) = value.as_str() else {
                invalid(e, path, "one of the options' values");
                return None;
            };
            if spec.options.iter().any(|o| o.value == s) {
                Some(Value::String(s.to_string()))
            } else {
                e.push(FieldError::new(
                    path,
                    "not_an_option",
                    format!(
                        "one of {}",
                        spec.options
                            .iter()
                            .map(|o| o.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                None
            }
        }
        FieldType::Reference => {
            let Some(id) = value.as_i64().filter(|id| *id > 0) else {
                invalid(e, path, "the id of a content item");
                return None;
            };
            out.references.push(Reference {
                path: path.to_string(),
                item_id: id,
                target_type: spec.target_type.clone(),
            });
            Some(Value::from(id))
        }
        FieldType::File => {
            let Some(s) = value.as_str() else {
                invalid(e, path, "the file's address");
                return None;
            };
            Some(Value::String(check_url(path, s, e)))
        }
        FieldType::List => None,
    }
}

/// The index key of a value written in a query string (`filter[so]=12`), checked as the
/// field checks what it holds (its type, options, range, length, pattern, text rules): a filter
/// no item could match is a mistake to name, not an empty page.
pub fn query_key(field: &FieldDef, raw: &str) -> Result<IndexKey, String> {
    let spec = match (field.spec.field_type, &field.spec.items) {
        (FieldType::List, Some(items)) => items.as_ref(),
        _ => &field.spec,
    };
    let value = query_value(spec, raw)?;
    let pattern = spec.pattern.as_deref().and_then(|p| compile(p).ok());
    let mut scratch = Checked {
        data: Value::Null,
        index: Vec::new(),
        unique: Vec::new(),
        references: Vec::new(),
    };
    let mut e = Vec::new();
    let cleaned = value_of(
        field,
        spec,
        "filter",
        &value,
        pattern.as_ref(),
        &mut scratch,
        &mut e,
    );
    match (cleaned, e.into_iter().next()) {
        (_, Some(error)) => Err(error.message),
        (Some(v), None) => index_key(spec, &v),
        (None, None) => Err("must not be empty".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition() -> Definition {
        serde_json::from_value(json!({"fields": [
            {"name": "so", "label": "Số ký hiệu", "type": "text", "max": 50, "required": true, "unique": true, "indexed": true, "pattern": "[0-9]+/[A-ZĐ-]+"},
            {"name": "loai", "label": "Loại", "type": "enum", "indexed": true, "options": [{"value": "quyet-dinh", "label": "Quyết định"}, {"value": "chi-thi", "label": "Chỉ thị"}]},
            {"name": "ngay", "label": "Ngày ban hành", "type": "date", "min": "2000-01-01", "indexed": true},
            {"name": "luc", "label": "Lúc", "type": "datetime"},
            {"name": "von", "label": "Vốn", "type": "money", "max": 1000000000},
            {"name": "ty_le", "label": "Tỷ lệ", "type": "decimal", "scale": 2, "max": "100.00", "indexed": true},
            {"name": "so_lan", "label": "Số lần", "type": "integer", "min": 1},
            {"name": "con_hieu_luc", "label": "Còn hiệu lực", "type": "boolean"},
            {"name": "tom_tat", "label": "Trích yếu", "type": "rich_text"},
            {"name": "thay_the", "label": "Thay thế", "type": "reference", "target_type": "van-ban"},
            {"name": "tep", "label": "Tệp", "type": "list", "max": 2, "items": {"type": "file"}},
            {"name": "nhan", "label": "Nhãn", "type": "list", "indexed": true, "items": {"type": "text", "max": 30}}
        ]}))
        .expect("a definition")
    }

    #[test]
    fn good_data_comes_back_normalised_with_its_index_values() {
        let d = definition();
        let v = Validator::new(&d);
        let c = v
            .check(
                &json!({
                    "so": " 12/QĐ-UBND ", "loai": "quyet-dinh", "ngay": "2026-03-05",
                    "luc": "2026-03-05T08:30:00+07:00", "von": 5000000, "ty_le": "12.5",
                    "so_lan": 2, "con_hieu_luc": true, "tom_tat": "<p onclick=\"x\">Về việc</p>",
                    "thay_the": 7, "tep": ["https://quangnam.gov.vn/a.pdf"], "nhan": ["Hội An", "hoi an", "Đà Nẵng"]
                }),
                &[],
            )
            .expect("valid");
        assert_eq!(c.data["so"], "12/QĐ-UBND");
        assert_eq!(c.data["luc"], "2026-03-05T01:30:00Z");
        assert_eq!(c.data["ty_le"], "12.50");
        assert_eq!(c.data["tom_tat"], "<p>Về việc</p>");
        assert!(c.index.contains(&("ty_le".into(), IndexKey::Num(1250))));
        assert!(c
            .index
            .contains(&("so".into(), IndexKey::Text("12/qd-ubnd".into()))));
        assert_eq!(
            c.index.iter().filter(|(f, _)| f == "nhan").count(),
            2,
            "«Hội An» and «hoi an» index once"
        );
        assert_eq!(c.unique, [("so".to_string(), "12/qd-ubnd".to_string())]);
        assert_eq!(c.references[0].item_id, 7);
    }

    #[test]
    fn every_field_kind_names_its_broken_rule() {
        let d = definition();
        let v = Validator::new(&d);
        let errors = v
            .check(
                &json!({
                    "so": "mười hai", "loai": "nghi-quyet", "ngay": "1999-12-31", "luc": "05/03/2026",
                    "von": -1, "ty_le": 12.5, "so_lan": 1.5, "con_hieu_luc": "có",
                    "thay_the": "7", "tep": ["a", "b", "c"], "nhan": [null], "khac": 1
                }),
                &[],
            )
            .expect_err("invalid");
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        for want in [
            ("data.khac", "unknown_field"),
            ("data.so", "pattern"),
            ("data.loai", "not_an_option"),
            ("data.ngay", "out_of_range"),
            ("data.luc", "invalid_type"),
            ("data.von", "out_of_range"),
            ("data.ty_le", "invalid_type"),
            ("data.so_lan", "invalid_type"),
            ("data.con_hieu_luc", "invalid_type"),
            ("data.thay_the", "invalid_type"),
            ("data.tep", "count"),
            ("data.nhan[0]", "required"),
        ] {
            assert!(got.contains(&want), "{want:?} in {got:?}");
        }
        let missing = v.check(&json!({}), &[]).expect_err("so is required");
        assert_eq!(missing[0].field, "data.so");
        assert_eq!(missing[0].code, "required");
    }

    #[test]
    fn text_rules_apply_inside_data() {
        let d = definition();
        let v = Validator::new(&d);
        let errors = v
            .check(&json!({"so": "1/A\u{0}", "nhan": ["Qu¶ng Nam"]}), &[])
            .expect_err("invalid");
        let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
        assert!(codes.contains(&"control_character"), "{codes:?}");
        assert!(codes.contains(&"legacy_encoding"), "{codes:?}");
    }

    #[test]
    fn query_values_are_checked_like_field_values() {
        let d = definition();
        let field = |name: &str| d.field(name).expect("a field");
        assert!(query_key(field("loai"), "nghi-quyet").is_err());
        assert_eq!(query_key(field("ty_le"), "12.5"), Ok(IndexKey::Num(1250)));
        assert!(query_key(field("ty_le"), "100.01").is_err(), "above max");
        assert!(
            query_key(field("so"), &"1".repeat(51)).is_err(),
            "longer than max"
        );
        assert!(
            query_key(field("so"), "mười hai").is_err(),
            "off the pattern"
        );
        assert_eq!(
            query_key(field("so"), "12/QĐ-UBND"),
            Ok(IndexKey::Text("12/qd-ubnd".into()))
        );
        assert_eq!(
            query_key(field("nhan"), "Hội An"),
            Ok(IndexKey::Text("hoi an".into()))
        );
    }
}
