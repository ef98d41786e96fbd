//! A content type's field schema as an operator writes it, and the rules a definition must keep
//! (pure: no database). Every broken rule names its JSON path (`fields[2].options[0].value`).

use chrono::{DateTime, NaiveDate};
use portal_core::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::text::clean;

pub use super::decimal::{format_decimal, parse_decimal};

pub const MAX_FIELDS: usize = 60;
pub const MAX_INDEXED: usize = 10;
pub const MAX_OPTIONS: usize = 200;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_RICH_TEXT: usize = 1_000_000;
/// A longer indexed text would make index keys too large to walk quickly.
pub const MAX_INDEXED_TEXT: usize = 300;
pub const MAX_LIST: usize = 500;
pub const MAX_SCALE: u32 = 6;
pub const MAX_PATTERN: usize = 500;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    /// HTML, sanitised like bodies.
    RichText,
    Integer,
    /// A string with exactly `scale` decimals ("12.50"), never a float.
    Decimal,
    /// An integer number of đồng.
    Money,
    Date,
    Datetime,
    Boolean,
    Enum,
    /// The id of another content item (of `target_type` when set).
    Reference,
    /// A file's address (`https://…`) until the media library lands (issue 15).
    File,
    List,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::RichText => "rich_text",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Money => "money",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Boolean => "boolean",
            FieldType::Enum => "enum",
            FieldType::Reference => "reference",
            FieldType::File => "file",
            FieldType::List => "list",
        }
    }

    /// Whether its index values are numbers (`num_value`) rather than text.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Integer | FieldType::Decimal | FieldType::Money | FieldType::Reference
        )
    }

    fn can_be_indexed(self) -> bool {
        !matches!(
            self,
            FieldType::RichText | FieldType::File | FieldType::List
        )
    }

    fn can_be_unique(self) -> bool {
        !matches!(
            self,
            FieldType::RichText | FieldType::List | FieldType::Boolean | FieldType::File
        )
    }
}

/// One choice of an enum field, with its Vietnamese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumOption {
    pub value: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
}

/// The shape of a field's value (a named field, or the elements of a list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSpec {
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Text: length in characters; integer and money: value; decimal, date, datetime: value as
    /// a string; list: number of elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    /// Text: a regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Decimal: the number of decimals (0–6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// Enum: the choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<EnumOption>,
    /// Reference: the type the referenced item must be of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    /// List: what each element is (any type but a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<ValueSpec>>,
}

/// A named field of a type. On the wire its value spec's keys sit beside its name (no nesting);
/// serde's `flatten` would lose `deny_unknown_fields`, hence the flat wire form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FieldWire", into = "FieldWire")]
pub struct FieldDef {
    /// `a-z`, digits and `_`; the key in an item's `data`.
    pub name: String,
    /// What editors and readers see (Vietnamese).
    pub label: String,
    pub label_en: Option<String>,
    pub help: Option<String>,
    pub spec: ValueSpec,
    pub required: bool,
    /// No two live items of the type (in one site and language) hold the same value.
    pub unique: bool,
    /// Filterable and sortable on the public API.
    pub indexed: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldWire {
    name: String,
    label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(rename = "type")]
    field_type: FieldType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scale: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    options: Vec<EnumOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<Box<ValueSpec>>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    unique: bool,
    #[serde(default)]
    indexed: bool,
}

impl From<FieldWire> for FieldDef {
    fn from(w: FieldWire) -> Self {
        FieldDef {
            name: w.name,
            label: w.label,
            label_en: w.label_en,
            help: w.help,
            spec: ValueSpec {
                field_type: w.field_type,
                min: w.min,
                max: w.max,
                pattern: w.pattern,
                scale: w.scale,
                options: w.options,
                target_type: w.target_type,
                items: w.items,
            },
            required: w.required,
            unique: w.unique,
            indexed: w.indexed,
        }
    }
}

impl From<FieldDef> for FieldWire {
    fn from(f: FieldDef) -> Self {
        FieldWire {
            name: f.name,
            label: f.label,
            label_en: f.label_en,
            help: f.help,
            field_type: f.spec.field_type,
            min: f.spec.min,
            max: f.spec.max,
            pattern: f.spec.pattern,
            scale: f.spec.scale,
            options: f.spec.options,
            target_type: f.spec.target_type,
            items: f.spec.items,
            required: f.required,
            unique: f.unique,
            indexed: f.indexed,
        }
    }
}

/// A version of a type: its fields, in the order forms show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub fields: Vec<FieldDef>,
}

impl Definition {
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A type key: lower-case ASCII words joined by '-', 2–60 characters.
pub fn is_type_key(s: &str) -> bool {
    (2..=60).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn label(path: &str, value: &str, e: &mut Vec<FieldError>) -> String {
    let cleaned = clean(path, value, 200, false, e);
    if cleaned.is_empty() {
        e.push(FieldError::new(path, "required", "must not be empty"));
    }
    cleaned
}

/// Checks a definition and returns it cleaned (labels in NFC), or every broken rule.
pub fn check(def: &Definition) -> Result<Definition, Vec<FieldError>> {
    let mut e = Vec::new();
    if def.fields.is_empty() {
        e.push(FieldError::new(
            "fields",
            "required",
            "a type needs at least one field",
        ));
    }
    if def.fields.len() > MAX_FIELDS {
        e.push(FieldError::new(
            "fields",
            "too_many",
            format!("at most {MAX_FIELDS} fields"),
        ));
    }
    let indexed = def.fields.iter().filter(|f| f.indexed).count();
    if indexed > MAX_INDEXED {
        e.push(FieldError::new(
            "fields",
            "too_many_indexed",
            format!("at most {MAX_INDEXED} indexed fields, got {indexed}"),
        ));
    }
    let mut out = def.clone();
    let mut names = std::collections::HashSet::new();
    for (i, f) in def.fields.iter().enumerate() {
        let at = format!("fields[{i}]");
        if !is_name(&f.name) {
            e.push(FieldError::new(
                format!("{at}.name"),
                "invalid_name",
                "a lower-case ASCII letter, then letters, digits or '_', at most 40 characters",
            ));
        } else if !names.insert(f.name.clone()) {
            e.push(FieldError::new(
                format!("{at}.name"),
                "duplicate",
                format!("another field is already named '{}'", f.name),
            ));
        }
        out.fields[i].label = label(&format!("{at}.label"), &f.label, &mut e);
        if let Some(en) = &f.label_en {
            out.fields[i].label_en = Some(label(&format!("{at}.label_en"), en, &mut e));
        }
        if let Some(help) = &f.help {
            out.fields[i].help = Some(clean(&format!("{at}.help"), help, 1_000, true, &mut e));
        }
        out.fields[i].spec = check_spec(&at, &f.spec, &mut e);
        let t = f.spec.field_type;
        if f.indexed {
            let element = match (&f.spec.items, t) {
                (Some(items), FieldType::List) => items.field_type,
                _ => t,
            };
            if !element.can_be_indexed() {
                e.push(FieldError::new(
                    format!("{at}.indexed"),
                    "not_indexable",
                    format!("a {} field cannot be indexed", element.as_str()),
                ));
            }
            if element == FieldType::Text {
                let max = match (&f.spec.items, t) {
                    (Some(items), FieldType::List) => items.max.as_ref(),
                    _ => f.spec.max.as_ref(),
                };
                if max
                    .and_then(Value::as_u64)
                    .is_none_or(|m| m as usize > MAX_INDEXED_TEXT)
                {
                    e.push(FieldError::new(
                        format!("{at}.max"),
                        "required_for_index",
                        format!("an indexed text field needs a max of at most {MAX_INDEXED_TEXT} characters"),
                    ));
                }
            }
        }
        if f.unique && !t.can_be_unique() {
            e.push(FieldError::new(
                format!("{at}.unique"),
                "not_unique_kind",
                format!("a {} field cannot be unique", t.as_str()),
            ));
        }
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

fn check_spec(at: &str, spec: &ValueSpec, e: &mut Vec<FieldError>) -> ValueSpec {
    let mut out = spec.clone();
    let t = spec.field_type;
    let not_for = |e: &mut Vec<FieldError>, what: &str| {
        e.push(FieldError::new(
            format!("{at}.{what}"),
            "not_for_type",
            format!("'{what}' does not apply to a {} field", t.as_str()),
        ))
    };
    if spec.pattern.is_some() && t != FieldType::Text {
        not_for(e, "pattern");
    }
    if spec.scale.is_some() && t != FieldType::Decimal {
        not_for(e, "scale");
    }
    if !spec.options.is_empty() && t != FieldType::Enum {
        not_for(e, "options");
    }
    if spec.target_type.is_some() && t != FieldType::Reference {
        not_for(e, "target_type");
    }
    if spec.items.is_some() && t != FieldType::List {
        not_for(e, "items");
    }
    if matches!(
        t,
        FieldType::Boolean | FieldType::Enum | FieldType::Reference | FieldType::File
    ) {
        for bound in ["min", "max"] {
            let given = if bound == "min" { &spec.min } else { &spec.max };
            if given.is_some() {
                not_for(e, bound);
            }
        }
    }
    let (min, max) = (
        bound(at, "min", t, spec, spec.min.as_ref(), e),
        bound(at, "max", t, spec, spec.max.as_ref(), e),
    );
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            e.push(FieldError::new(
                format!("{at}.max"),
                "below_min",
                "max must not be below min",
            ));
        }
    }
    match t {
        FieldType::Text => {
            if let Some(p) = &spec.pattern {
                if p.chars().count() > MAX_PATTERN {
                    e.push(FieldError::new(
                        format!("{at}.pattern"),
                        "too_long",
                        format!("at most {MAX_PATTERN} characters"),
                    ));
                } else if let Err(err) = compile(p) {
                    e.push(FieldError::new(
                        format!("{at}.pattern"),
                        "invalid_pattern",
                        format!("not a regular expression: {err}"),
                    ));
                }
            }
        }
        FieldType::Decimal => match spec.scale {
            Some(s) if s <= MAX_SCALE => {}
            Some(_) => e.push(FieldError::new(
                format!("{at}.scale"),
                "out_of_range",
                format!("0 to {MAX_SCALE} decimals"),
            )),
            None => e.push(FieldError::new(
                format!("{at}.scale"),
                "required",
                "a decimal field names its number of decimals",
            )),
        },
        FieldType::Enum => {
            if spec.options.is_empty() || spec.options.len() > MAX_OPTIONS {
                e.push(FieldError::new(
                    format!("{at}.options"),
                    "count",
                    format!("1 to {MAX_OPTIONS} options"),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for (j, o) in spec.options.iter().enumerate() {
                let oat = format!("{at}.options[{j}]");
                if !is_type_key(&o.value) && !is_name(&o.value) {
                    e.push(FieldError::new(
                        format!("{oat}.value"),
                        "invalid_value",
                        "lower-case ASCII letters, digits, '-' or '_' (the label carries the Vietnamese)",
                    ));
                } else if !seen.insert(o.value.clone()) {
                    e.push(FieldError::new(
                        format!("{oat}.value"),
                        "duplicate",
                        format!("'{}' is listed twice", o.value),
                    ));
                }
                out.options[j].label = label(&format!("{oat}.label"), &o.label, e);
                if let Some(en) = &o.label_en {
                    out.options[j].label_en = Some(label(&format!("{oat}.label_en"), en, e));
                }
            }
        }
        FieldType::Reference => {
            if let Some(target) = &spec.target_type {
                if !is_type_key(target) {
                    e.push(FieldError::new(
                        format!("{at}.target_type"),
                        "invalid_key",
                        "a type key",
                    ));
                }
            }
        }
        FieldType::List => match &spec.items {
            Some(items) if items.field_type == FieldType::List => e.push(FieldError::new(
                format!("{at}.items.type"),
                "nested_list",
                "a list holds values, not lists",
            )),
            Some(items) => out.items = Some(Box::new(check_spec(&format!("{at}.items"), items, e))),
            None => e.push(FieldError::new(
                format!("{at}.items"),
                "required",
                "a list says what its elements are",
            )),
        },
        _ => {}
    }
    out
}

/// A bound as a comparable integer (a length, a count, a value, a scaled decimal, days or
/// seconds since the epoch), or None when absent or wrong (the error is pushed).
fn bound(
    at: &str,
    which: &str,
    t: FieldType,
    spec: &ValueSpec,
    value: Option<&Value>,
    e: &mut Vec<FieldError>,
) -> Option<i64> {
    let value = value?;
    let path = format!("{at}.{which}");
    let parsed = match t {
        FieldType::Text | FieldType::RichText | FieldType::List => {
            value.as_u64().and_then(|n| i64::try_from(n).ok())
        }
        FieldType::Integer | FieldType::Money => value.as_i64(),
        FieldType::Decimal => value
            .as_str()
            .and_then(|s| parse_decimal(s, spec.scale.unwrap_or(0)).ok()),
        FieldType::Date => value
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|d| i64::from(chrono::Datelike::num_days_from_ce(&d))),
        FieldType::Datetime => value
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.timestamp()),
        _ => return None,
    };
    if parsed.is_none() {
        let expected = match t {
            FieldType::Text | FieldType::RichText => "a length in characters (a whole number ≥ 0)",
            FieldType::List => "a number of elements (a whole number ≥ 0)",
            FieldType::Integer | FieldType::Money => "a whole number",
            FieldType::Decimal => "a decimal as a string, with at most `scale` decimals",
            FieldType::Date => "a date YYYY-MM-DD",
            _ => "an RFC 3339 date and time",
        };
        e.push(FieldError::new(path, "invalid_bound", expected));
    }
    parsed
}

/// The pattern compiled to match the whole value, with a bound on the compiled size.
pub fn compile(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .build()
}

#[cfg(test)]
#[path = "definition_tests.rs"]
mod tests;
