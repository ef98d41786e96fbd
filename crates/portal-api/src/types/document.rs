//! One content type's own OpenAPI 3.1 document: the list of its published items with a query
//! parameter per filter its indexed fields allow, and the schemas of its items, generated from
//! the type's current version. The main document (`/api/openapi.json`) cannot hold these: types
//! are defined at run time, and it is built without a database.

use portal_content::types::definition::FieldType;
use portal_content::types::schema::data_schema;
use portal_content::types::{FieldDef, TypeView};
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

/// `van-ban-phap-luat` → `VanBanPhapLuat`.
fn pascal(key: &str) -> String {
    key.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn element(f: &FieldDef) -> FieldType {
    match (f.spec.field_type, &f.spec.items) {
        (FieldType::List, Some(items)) => items.field_type,
        (t, _) => t,
    }
}

fn parameter(name: String, description: String, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// The filters a field allows, as query parameters.
fn filters(f: &FieldDef, data: &Value) -> Vec<Value> {
    let mut one = data["properties"][&f.name].clone();
    if f.spec.field_type == FieldType::List {
        one = one["items"].clone();
    }
    let mut out = vec![parameter(
        format!("filter[{}]", f.name),
        format!("{} equals (text without diacritics or case).", f.label),
        one.clone(),
    )];
    if f.spec.field_type == FieldType::List {
        return out;
    }
    if !matches!(element(f), FieldType::Enum | FieldType::Boolean) {
        for (op, what) in [("gte", "at least"), ("lte", "at most")] {
            out.push(parameter(
                format!("filter[{}][{op}]", f.name),
                format!("{} {what}.", f.label),
                one.clone(),
            ));
        }
    }
    out.push(parameter(
        format!("filter[{}][in]", f.name),
        format!(
            "{} is one of these, separated by commas (at most 50).",
            f.label
        ),
        json!({"type": "string"}),
    ));
    out
}

/// The document of `view` (its current version).
pub fn of(view: &TypeView) -> Value {
    let key = &view.row.key;
    let name = pascal(key);
    let data = data_schema(&view.definition);
    let indexed: Vec<&FieldDef> = view
        .definition
        .fields
        .iter()
        .filter(|f| f.indexed)
        .collect();
    let mut sorts = vec![json!("published_at"), json!("-published_at")];
    for f in indexed
        .iter()
        .filter(|f| f.spec.field_type != FieldType::List)
    {
        sorts.push(json!(f.name));
        sorts.push(json!(format!("-{}", f.name)));
    }
    let mut parameters = vec![
        json!({"name": "site", "in": "query", "required": true, "description": "The site's key.", "schema": {"type": "string"}}),
        parameter(
            "language".into(),
            "Content language.".into(),
            json!({"type": "string", "enum": ["vi", "en"]}),
        ),
        parameter(
            "sort".into(),
            "The order; `-` first for descending.".into(),
            json!({"type": "string", "enum": sorts, "default": "-published_at"}),
        ),
        parameter(
            "limit".into(),
            "Page size.".into(),
            json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
        ),
        parameter(
            "cursor".into(),
            "`next_cursor` of the previous page.".into(),
            json!({"type": "string"}),
        ),
    ];
    for f in &indexed {
        parameters.extend(filters(f, &data));
    }
    let problem = json!({"description": "A problem document (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    let mut schemas = Map::new();
    schemas.insert(format!("{name}Data"), data);
    schemas.insert(
        format!("{name}Item"),
        json!({
            "type": "object",
            "required": ["id", "site", "section_id", "language", "slug", "title", "published_at", "updated_at", "data"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "site": {"type": "string"},
                "section_id": {"type": "integer", "format": "int64"},
                "language": {"type": "string"},
                "slug": {"type": "string"},
                "title": {"type": "string"},
                "summary": {"type": ["string", "null"]},
                "published_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "data": {"$ref": format!("#/components/schemas/{name}Data")},
            },
        }),
    );
    schemas.insert(
        format!("{name}Page"),
        json!({
            "type": "object",
            "required": ["type", "version", "items"],
            "properties": {
                "type": {"type": "string", "const": key},
                "version": {"type": "integer"},
                "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{name}Item")}},
                "next_cursor": {"type": ["string", "null"]},
            },
        }),
    );
    // The problem schemas, as the main document defines them.
    let main = serde_json::to_value(crate::openapi::ApiDoc::openapi()).unwrap_or(Value::Null);
    for s in ["Problem", "ProblemField"] {
        if let Some(schema) = main["components"]["schemas"].get(s) {
            schemas.insert(s.to_string(), schema.clone());
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("Portal CMS — {}", view.row.name),
            "description": format!(
                "The published items of the content type `{key}` (version {}){}. Generated from the type's definition; the whole API is described at /api/openapi.json.",
                view.version,
                view.row.legal_basis.as_deref().map(|b| format!(", {b}")).unwrap_or_default()
            ),
            "version": format!("{key}@{}", view.version),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "types", "description": "Content types and their items"}],
        "paths": {
            format!("/api/v1/types/{key}/items"): {
                "get": {
                    "tags": ["types"],
                    "security": [],
                    "operationId": format!("list_{}", key.replace('-', "_")),
                    "summary": format!("Published items of {}", view.row.name),
                    "description": "Filtered and sorted by the type's indexed fields, newest first by default, with cursor pagination.",
                    "parameters": parameters,
                    "responses": {
                        "200": {"description": "One page", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}Page")}}}},
                        "304": {"description": "Unchanged since the client's copy"},
                        "400": problem.clone(),
                        "404": problem,
                    },
                },
            },
        },
        "components": {"schemas": schemas},
    })
}

#[cfg(test)]
mod tests {
    use super::pascal;

    #[test]
    fn keys_become_schema_names() {
        assert_eq!(pascal("van-ban-phap-luat"), "VanBanPhapLuat");
        assert_eq!(pascal("du-an2"), "DuAn2");
    }
}
