//! Wire types of content types, their versions and migrations, and of typed items in lists.

use chrono::{DateTime, Utc};
use portal_content::types::definition::FieldDef;
use portal_content::types::migrate::Outcome;
use portal_content::types::schema::data_schema;
use portal_content::types::TypeView;
use portal_delivery::typed::TypedItem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::problem::ProblemField;

/// What a field holds.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum FieldTypeDto {
    Text,
    /// HTML, sanitised like bodies.
    RichText,
    Integer,
    /// A string with exactly `scale` decimals, never a float.
    Decimal,
    /// An integer number of đồng.
    Money,
    Date,
    Datetime,
    Boolean,
    Enum,
    /// The id of another content item.
    Reference,
    /// A file's https address (until the media library).
    File,
    List,
}

/// A bound: a whole number (lengths, counts, integers, money) or a string (decimals, dates,
/// datetimes).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum BoundDto {
    Number(i64),
    Text(String),
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EnumOptionDto {
    /// Lower-case ASCII, digits, '-' or '_': what `data` and filters carry.
    #[schema(example = "quyet-dinh")]
    pub value: String,
    /// The Vietnamese label.
    #[schema(example = "Quyết định")]
    pub label: String,
    pub label_en: Option<String>,
}

/// The elements of a list field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ValueSpecDto {
    #[serde(rename = "type")]
    pub field_type: FieldTypeDto,
    pub min: Option<BoundDto>,
    pub max: Option<BoundDto>,
    pub pattern: Option<String>,
    pub scale: Option<u32>,
    #[serde(default)]
    pub options: Vec<EnumOptionDto>,
    pub target_type: Option<String>,
}

/// One field of a content type (docs/datasets.md, "Content types").
//
// The schema only: the wire carries `portal_content::types::FieldDef` itself, and a unit test
// checks that this schema names exactly the keys `FieldDef` serializes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FieldDefDto {
    /// a-z, digits and '_', at most 40 characters: the key in an item's `data`.
    #[schema(example = "so_ky_hieu")]
    pub name: String,
    /// What forms and readers show (Vietnamese).
    #[schema(example = "Số, ký hiệu")]
    pub label: String,
    pub label_en: Option<String>,
    pub help: Option<String>,
    #[serde(rename = "type")]
    pub field_type: FieldTypeDto,
    /// Text: least length in characters; list: least elements; integer, money: least value;
    /// decimal, date, datetime: the earliest or least value as a string.
    pub min: Option<BoundDto>,
    pub max: Option<BoundDto>,
    /// Text: a regular expression the whole value must match.
    pub pattern: Option<String>,
    /// Decimal (required): the number of decimals, 0 to 6.
    pub scale: Option<u32>,
    /// Enum (required): 1 to 200 choices.
    #[serde(default)]
    pub options: Vec<EnumOptionDto>,
    /// Reference: the type the referenced item must be of.
    pub target_type: Option<String>,
    /// List (required): what each element is.
    pub items: Option<ValueSpecDto>,
    #[serde(default)]
    pub required: bool,
    /// No two live items of the type in one site and language hold the same value.
    #[serde(default)]
    pub unique: bool,
    /// Filterable and sortable on `/types/{key}/items` (at most 10 per type).
    #[serde(default)]
    pub indexed: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTypeRequest {
    /// Lower-case ASCII words joined by '-', 2 to 60 characters; never changes.
    #[schema(example = "van-ban")]
    pub key: String,
    #[schema(example = "Văn bản chỉ đạo, điều hành")]
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    /// The article the type serves.
    #[schema(example = "Điều 7.2.c; NĐ 42/2022, Điều 10")]
    pub legal_basis: Option<String>,
    #[schema(value_type = Vec<FieldDefDto>)]
    pub fields: Vec<FieldDef>,
    /// Kept with the version.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersionRequest {
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    /// The whole new field list.
    #[schema(value_type = Vec<FieldDefDto>)]
    pub fields: Vec<FieldDef>,
    pub note: Option<String>,
    /// Fields this version removes although items hold data in them: their values go when
    /// those items are migrated. Without it such a removal is refused (409).
    #[serde(default)]
    pub drop_fields: Vec<String>,
}

/// A content type at one of its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct TypeDto {
    #[schema(example = "van-ban")]
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    /// The version shown.
    pub version: i32,
    /// The version new items are written with.
    pub current_version: i32,
    #[schema(value_type = Vec<FieldDefDto>)]
    pub fields: Vec<FieldDef>,
    /// The note of the version shown.
    pub note: Option<String>,
    /// The JSON Schema (2020-12) of an item's `data` at this version.
    #[schema(value_type = Object)]
    pub data_schema: serde_json::Value,
    pub version_created_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TypeView> for TypeDto {
    fn from(v: TypeView) -> Self {
        TypeDto {
            data_schema: data_schema(&v.definition),
            key: v.row.key,
            name: v.row.name,
            name_en: v.row.name_en,
            description: v.row.description,
            legal_basis: v.row.legal_basis,
            version: v.version,
            current_version: v.row.current_version,
            fields: v.definition.fields,
            note: v.note,
            version_created_at: v.version_created_at.and_utc(),
            created_at: v.row.created_at.and_utc(),
            updated_at: v.row.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TypePage {
    pub items: Vec<TypeDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TypeVersionDto {
    pub version: i32,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Live items written with this version (not yet migrated).
    pub items: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MigrationFailureDto {
    pub item_id: i64,
    pub title: String,
    pub from_version: i32,
    /// Each broken rule of the new version, naming its `data.<field>`.
    pub errors: Vec<ProblemField>,
}

/// What a dry run found, or what a migration did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MigrationDto {
    pub to_version: i32,
    /// Items at an older version looked at.
    pub checked: i64,
    /// Those that pass the version (dry run) or were moved to it (migration).
    pub passed: i64,
    pub failed: i64,
    /// Items still at an older version: a migration moves a batch per call.
    pub remaining: i64,
    /// The fields removed, with consent, by the versions up to this one.
    pub dropped_fields: Vec<String>,
    /// The first 100 failures.
    pub failures: Vec<MigrationFailureDto>,
}

impl From<Outcome> for MigrationDto {
    fn from(o: Outcome) -> Self {
        MigrationDto {
            to_version: o.to_version,
            checked: o.checked,
            passed: o.passed,
            failed: o.failed,
            remaining: o.remaining,
            dropped_fields: o.dropped_fields,
            failures: o
                .failures
                .into_iter()
                .map(|f| MigrationFailureDto {
                    item_id: f.item_id,
                    title: f.title,
                    from_version: f.from_version,
                    errors: f.errors.into_iter().map(Into::into).collect(),
                })
                .collect(),
        }
    }
}

/// A published item of a content type, as its lists show it (no body).
#[derive(Debug, Serialize, ToSchema)]
pub struct TypedItemDto {
    pub id: i64,
    pub site: String,
    pub section_id: i64,
    #[schema(value_type = crate::enums::LanguageCode)]
    pub language: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The typed fields (`/api/v1/types/{key}/openapi.json` gives their schema).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl TypedItemDto {
    pub(crate) fn of(item: TypedItem, site: &str) -> Self {
        TypedItemDto {
            id: item.item_id,
            site: site.to_string(),
            section_id: item.section_id,
            language: item.language,
            slug: item.slug,
            title: item.title,
            summary: item.summary,
            published_at: item.published_at.and_utc(),
            updated_at: item.updated_at.and_utc(),
            data: item.data.into_value(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TypedItemPage {
    /// The type's key and the version whose fields the filters were checked against.
    #[serde(rename = "type")]
    pub content_type: String,
    pub version: i32,
    pub items: Vec<TypedItemDto>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    /// The documented schema and the type on the wire name the same keys.
    #[test]
    fn the_field_schema_names_every_key_of_a_field() {
        let every: FieldDef = serde_json::from_value(serde_json::json!({
            "name": "a", "label": "A", "label_en": "A", "help": "h", "type": "list",
            "min": 1, "max": 2, "pattern": "x", "scale": 1, "options": [{"value": "v", "label": "V"}],
            "target_type": "t", "items": {"type": "text"}, "required": true, "unique": true, "indexed": true
        }))
        .expect("parses");
        let wire = serde_json::to_value(&every).expect("serializes");
        let mut wire: Vec<String> = wire.as_object().expect("object").keys().cloned().collect();
        let schema = serde_json::to_value(FieldDefDto::schema()).expect("serializes");
        let mut documented: Vec<String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        wire.sort();
        documented.sort();
        assert_eq!(wire, documented);
    }
}
