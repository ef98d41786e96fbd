//! JSON request bodies: parsed as actix's `web::Json` does (size limit, content type, syntax:
//! 400/413/415 from `JsonConfig`), then checked for control characters anywhere, then fitted to
//! the request type with the JSON path of whatever does not fit (`fields.issued_date`,
//! `tags[2]`), so a 422 names the real field on both backends before anything is written.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::http::problem::{ApiError, Problem, ProblemField};

/// A JSON body of type `T`; use it in handlers instead of `web::Json`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let raw = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = raw.await?.into_inner();
            from_value(value).map(Json).map_err(Into::into)
        })
    }
}

/// Parses a body given as bytes (an optional body read by hand): 400 when it is not JSON.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::from(Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-body",
            format!("the body is not valid JSON: {e}"),
        ))
    })?;
    from_value(value)
}

/// Checks control characters, then deserialises `T`, naming the JSON path of any failure.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    // Every request body is an object. Serde would also build a struct from an array of its
    // fields in order (`[null, null]`), which no document describes.
    if !value.is_object() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "the body must be a JSON object",
        )
        .with_errors(vec![ProblemField {
            field: "$".into(),
            code: "invalid_type".into(),
            message: "expected a JSON object".into(),
        }])
        .into());
    }
    let mut errors = Vec::new();
    find_control_characters(&value, &mut String::new(), &mut errors);
    if !errors.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "the body contains control characters; only tab and line breaks are allowed in text",
        )
        .with_errors(errors)
        .into());
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = json_path(e.path());
        let inner = e.into_inner();
        let message = inner.to_string();
        let (field, code) = name_field(&path, &message);
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            format!("the body does not fit the schema at `{field}`: {message}"),
        )
        .with_errors(vec![ProblemField {
            field,
            code: code.into(),
            message,
        }])
        .into()
    })
}

/// `fields.issued_date`, `tags[2]`; empty for the body itself.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { variant } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(variant);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// The failing field's full path and a code. Serde reports a missing or unknown field at its
/// parent, naming the field in the message; the two are joined here.
fn name_field(path: &str, message: &str) -> (String, &'static str) {
    if let Some((name, code)) = crate::http::problem::serde_field(message) {
        // An unknown field's path already ends at it; a missing one's is its parent.
        let field = if path.is_empty() {
            name
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path.to_string()
        } else {
            format!("{path}.{name}")
        };
        return (field, code);
    }
    let code = if message.starts_with("invalid type") {
        "invalid_type"
    } else if message.starts_with("unknown variant") {
        "unknown_value"
    } else if message.starts_with("invalid value") || message.contains("out of range") {
        "invalid_value"
    } else {
        "invalid"
    };
    let field = if path.is_empty() { "$" } else { path };
    (field.to_string(), code)
}

/// Control characters are refused in every string and key of a body: NUL (which PostgreSQL
/// cannot store) and the rest of C0 and C1 alike, except tab, line feed and carriage return,
/// which multi-line fields may hold (single-line fields refuse them in the domain).
fn find_control_characters(value: &Value, path: &mut String, errors: &mut Vec<ProblemField>) {
    let bad = |s: &str| {
        s.chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    fn report(errors: &mut Vec<ProblemField>, path: &str, c: char) {
        if errors.len() < 20 {
            errors.push(ProblemField {
                field: if path.is_empty() {
                    "$".into()
                } else {
                    path.to_string()
                },
                code: "control_character".into(),
                message: format!(
                    "contains the control character U+{:04X}; only tab and line breaks are allowed",
                    c as u32
                ),
            });
        }
    }
    match value {
        Value::String(s) => {
            if let Some(c) = bad(s) {
                report(errors, path, c);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                find_control_characters(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                if let Some(c) = bad(key) {
                    report(errors, path, c);
                }
                find_control_characters(item, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        issued_date: chrono::NaiveDate,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        title: String,
        tags: Option<Vec<String>>,
        fields: Option<Inner>,
    }

    fn fails(body: Value) -> ProblemField {
        let problem = from_value::<Outer>(body).unwrap_err().0;
        assert_eq!(problem.status, 422);
        problem.errors[0].clone()
    }

    #[test]
    fn type_errors_name_the_json_path() {
        let e = fails(serde_json::json!({"title": "x", "fields": {"issued_date": 5}}));
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("fields.issued_date", "invalid_type")
        );
        let e = fails(serde_json::json!({"title": "x", "tags": ["a", 3]}));
        assert_eq!(e.field, "tags[1]");
        let e = fails(
            serde_json::json!({"title": "x", "fields": {"issued_date": "2026-01-01", "x": 1}}),
        );
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("fields.x", "unknown_field")
        );
        let e = fails(serde_json::json!({"tags": []}));
        assert_eq!((e.field.as_str(), e.code.as_str()), ("title", "required"));
        let e = fails(serde_json::json!({"title": 1}));
        assert_eq!(e.field, "title", "never `body`, which is a content field");
        let e = fails(serde_json::json!("text"));
        assert_eq!(e.field, "$");
    }

    #[test]
    fn control_characters_are_refused_with_their_path() {
        let e = fails(serde_json::json!({"title": "a\u{0}b"}));
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("title", "control_character")
        );
        let e = fails(serde_json::json!({"title": "x", "tags": ["ok", "\u{1b}[31m"]}));
        assert_eq!(e.field, "tags[1]");
        let e = fails(serde_json::json!({"title": "x", "fields": {"a\u{7}": 1}}));
        assert_eq!(e.field, "fields.a\u{7}");
        assert!(from_value::<Outer>(serde_json::json!({"title": "dòng\tmột\r\nhai"})).is_ok());
    }
}
