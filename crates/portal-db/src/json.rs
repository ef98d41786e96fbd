//! JSON stored in a `TEXT` column (the common subset of SQLite and PostgreSQL has no JSON type):
//! rows carry the parsed value, and the text it was read from is written back unchanged, so a
//! round trip never reorders or reformats what is stored. A stored text that does not parse is
//! a deserialization error naming the column's type, not a silent empty value.

use diesel::backend::Backend;
use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{Output, ToSql};
use diesel::sql_types::Text;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct JsonText<T> {
    text: String,
    value: T,
}

impl<T: Serialize> JsonText<T> {
    pub fn new(value: T) -> Self {
        // Vec, map and struct values with string keys always serialize; `null` keeps the type
        // total for the rest.
        let text = serde_json::to_string(&value).unwrap_or_else(|_| "null".into());
        Self { text, value }
    }
}

impl<T> JsonText<T> {
    pub fn value(&self) -> &T {
        &self.value
    }

    pub fn into_value(self) -> T {
        self.value
    }

    /// The stored text, as written.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<T, DB> FromSql<Text, DB> for JsonText<T>
where
    T: DeserializeOwned,
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
        let value = serde_json::from_str(&text)
            .map_err(|e| format!("stored JSON is not a {}: {e}", std::any::type_name::<T>()))?;
        Ok(Self { text, value })
    }
}

impl<T, DB> ToSql<Text, DB> for JsonText<T>
where
    T: std::fmt::Debug,
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> diesel::serialize::Result {
        <str as ToSql<Text, DB>>::to_sql(self.text.as_str(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_kept_as_written() {
        let tags = JsonText::new(vec!["Quảng Nam".to_string()]);
        assert_eq!(tags.text(), r#"["Quảng Nam"]"#);
        assert_eq!(tags.value(), &["Quảng Nam"]);
    }
}
