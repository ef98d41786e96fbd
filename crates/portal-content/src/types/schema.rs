//! A type version's `data` as JSON Schema (2020-12, the dialect of OpenAPI 3.1), so that a
//! frontend's typed client knows each field: what the server checks, stated once more for
//! tools, generated from the same definition.

use serde_json::{json, Map, Value};

use super::definition::{
    Definition, FieldDef, FieldType, ValueSpec, MAX_LIST, MAX_RICH_TEXT, MAX_TEXT,
};
use super::values::MAX_SAFE_INTEGER;

fn spec_schema(spec: &ValueSpec) -> Value {
    let mut s = Map::new();
    let put = |s: &mut Map<String, Value>, k: &str, v: Value| {
        s.insert(k.to_string(), v);
    };
    match spec.field_type {
        FieldType::Text | FieldType::RichText => {
            put(&mut s, "type", json!("string"));
            let cap = if spec.field_type == FieldType::Text {
                MAX_TEXT
            } else {
                MAX_RICH_TEXT
            } as u64;
            let max = spec
                .max
                .as_ref()
                .and_then(Value::as_u64)
                .map_or(cap, |m| m.min(cap));
            put(&mut s, "maxLength", json!(max));
            if let Some(min) = spec.min.as_ref().and_then(Value::as_u64) {
                put(&mut s, "minLength", json!(min));
            }
            if let Some(p) = &spec.pattern {
                put(&mut s, "pattern", json!(format!("^(?:{p})$")));
            }
            if spec.field_type == FieldType::RichText {
                put(&mut s, "contentMediaType", json!("text/html"));
            }
        }
        FieldType::Integer | FieldType::Money => {
            put(&mut s, "type", json!("integer"));
            let min = spec.min.as_ref().and_then(Value::as_i64).unwrap_or(
                if spec.field_type == FieldType::Money {
                    0
                } else {
                    -MAX_SAFE_INTEGER
                },
            );
            put(&mut s, "minimum", json!(min));
            put(
                &mut s,
                "maximum",
                json!(spec
                    .max
                    .as_ref()
                    .and_then(Value::as_i64)
                    .unwrap_or(MAX_SAFE_INTEGER)),
            );
            if spec.field_type == FieldType::Money {
                put(&mut s, "description", json!("An integer number of đồng."));
            }
        }
        FieldType::Decimal => {
            let scale = spec.scale.unwrap_or(0);
            put(&mut s, "type", json!("string"));
            let pattern = if scale == 0 {
                "^-?[0-9]+$".to_string()
            } else {
                format!("^-?[0-9]+(\\.[0-9]{{1,{scale}}})?$")
            };
            put(&mut s, "pattern", json!(pattern));
            put(
                &mut s,
                "description",
                json!(format!("A decimal with {scale} decimals, as a string (never a float); answers carry exactly {scale}.")),
            );
        }
        FieldType::Date => {
            put(&mut s, "type", json!("string"));
            put(&mut s, "format", json!("date"));
        }
        FieldType::Datetime => {
            put(&mut s, "type", json!("string"));
            put(&mut s, "format", json!("date-time"));
        }
        FieldType::Boolean => put(&mut s, "type", json!("boolean")),
        FieldType::Enum => {
            put(&mut s, "type", json!("string"));
            put(
                &mut s,
                "enum",
                Value::Array(spec.options.iter().map(|o| json!(o.value)).collect()),
            );
            // The Vietnamese labels, by value, for forms and filters.
            put(
                &mut s,
                "x-enum-labels",
                Value::Object(
                    spec.options
                        .iter()
                        .map(|o| (o.value.clone(), json!(o.label)))
                        .collect(),
                ),
            );
        }
        FieldType::Reference => {
            put(&mut s, "type", json!("integer"));
            put(&mut s, "minimum", json!(1));
            put(
                &mut s,
                "description",
                json!(match &spec.target_type {
                    Some(t) => format!("The id of a content item of type '{t}'."),
                    None => "The id of a content item.".to_string(),
                }),
            );
        }
        FieldType::File => {
            put(&mut s, "type", json!("string"));
            put(&mut s, "format", json!("uri"));
            put(&mut s, "maxLength", json!(2000));
        }
        FieldType::List => {
            put(&mut s, "type", json!("array"));
            if let Some(items) = &spec.items {
                put(&mut s, "items", spec_schema(items));
            }
            if let Some(min) = spec.min.as_ref().and_then(Value::as_u64) {
                put(&mut s, "minItems", json!(min));
            }
            put(
                &mut s,
                "maxItems",
                json!(spec
                    .max
                    .as_ref()
                    .and_then(Value::as_u64)
                    .unwrap_or(MAX_LIST as u64)
                    .min(MAX_LIST as u64)),
            );
        }
    }
    Value::Object(s)
}

fn field_schema(f: &FieldDef) -> Value {
    let mut s = spec_schema(&f.spec);
    if let Value::Object(o) = &mut s {
        o.insert("title".into(), json!(f.label));
        if let Some(help) = &f.help {
            let text = match o.get("description").and_then(Value::as_str) {
                Some(d) => format!("{help} {d}"),
                None => help.clone(),
            };
            o.insert("description".into(), json!(text));
        }
        if f.indexed {
            o.insert("x-indexed".into(), json!(true));
        }
        if f.unique {
            o.insert("x-unique".into(), json!(true));
        }
    }
    s
}

/// The schema of an item's `data` under `definition`.
pub fn data_schema(definition: &Definition) -> Value {
    let properties: Map<String, Value> = definition
        .fields
        .iter()
        .map(|f| (f.name.clone(), field_schema(f)))
        .collect();
    let required: Vec<&str> = definition
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_kind_has_its_schema() {
        let d: Definition = serde_json::from_value(json!({"fields": [
            {"name": "so", "label": "Số", "type": "text", "max": 50, "required": true, "indexed": true},
            {"name": "loai", "label": "Loại", "type": "enum", "options": [{"value": "qd", "label": "Quyết định"}]},
            {"name": "ty_le", "label": "Tỷ lệ", "type": "decimal", "scale": 2},
            {"name": "von", "label": "Vốn", "type": "money"},
            {"name": "tep", "label": "Tệp", "type": "list", "items": {"type": "file"}, "max": 3}
        ]}))
        .expect("a definition");
        let s = data_schema(&d);
        assert_eq!(s["required"], json!(["so"]));
        assert_eq!(s["properties"]["so"]["maxLength"], 50);
        assert_eq!(s["properties"]["loai"]["enum"], json!(["qd"]));
        assert_eq!(s["properties"]["loai"]["x-enum-labels"]["qd"], "Quyết định");
        assert_eq!(s["properties"]["ty_le"]["type"], "string");
        assert_eq!(s["properties"]["von"]["minimum"], 0);
        assert_eq!(s["properties"]["tep"]["items"]["format"], "uri");
        assert_eq!(s["properties"]["tep"]["maxItems"], 3);
    }
}
