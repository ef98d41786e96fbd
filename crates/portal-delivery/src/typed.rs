//! Published items of a content type, filtered and sorted by the type's indexed fields.
//!
//! Each filter is checked against the type's current definition (an unknown or unindexed field,
//! or a value the field would refuse, is a 400 naming `filter[<field>]`). The query walks an
//! index: with no filter, `published_items (site_id, content_type, published_at, item_id)`;
//! otherwise one field's rows in `published_field_values (site_id, content_type, field, value,
//! published_at, item_id)` drive it — the sorted field's, else the first filter's — and every
//! other filter is an `EXISTS` probe of `(item_id, field)`. The SQL is written here per backend
//! because the number of filters is the reader's, and diesel's boxed DSL cannot alias a table
//! against itself.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::sqlite::Sqlite;
use portal_content::types::definition::FieldType;
use portal_content::types::values::query_key;
use portal_content::types::{FieldDef, IndexKey, ValueSpec};
use portal_core::page::{parse_time_id_key, time_id_key};
use portal_core::{Cursor, Error, Page, PageRequest};
use portal_db::schema::published_items;
use portal_db::{DbConn, JsonText};

pub const MAX_FILTERS: usize = 5;
pub const MAX_IN: usize = 50;

/// A published typed item as lists show it: no body.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = published_items)]
pub struct TypedItem {
    pub item_id: i64,
    pub site_id: i64,
    pub section_id: i64,
    pub language: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub content_type: Option<String>,
    pub data: JsonText<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Gte,
    Lte,
    In,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "eq" => Some(Op::Eq),
            "gte" => Some(Op::Gte),
            "lte" => Some(Op::Lte),
            "in" => Some(Op::In),
            _ => None,
        }
    }
}

/// A filter as the reader wrote it (`filter[loai]=quyet-dinh`, `filter[ngay][gte]=2026-01-01`,
/// `filter[loai][in]=a,b`).
#[derive(Debug, Clone)]
pub struct RawFilter {
    pub field: String,
    pub op: Op,
    pub value: String,
}

/// `-field` newest/largest first, `field` oldest/smallest first; `published_at` is the
/// default (newest first).
#[derive(Debug, Clone, Default)]
pub struct TypedSelection {
    pub site_id: i64,
    pub language: Option<String>,
    /// Words of the full text (title, summary, body and the data's text), without diacritics.
    pub q: Option<String>,
    pub filters: Vec<RawFilter>,
    pub sort: Option<String>,
}

struct Filter<'a> {
    field: &'a FieldDef,
    op: Op,
    keys: Vec<IndexKey>,
}

enum Bind {
    Text(String),
    Int(i64),
    Time(NaiveDateTime),
}

/// SQL with `?` placeholders and its values in order.
#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, b: Bind) -> &mut Self {
        self.text.push('?');
        self.binds.push(b);
        self
    }

    fn key(&mut self, k: &IndexKey) -> &mut Self {
        match k {
            IndexKey::Text(t) => self.bind(Bind::Text(t.clone())),
            IndexKey::Num(n) => self.bind(Bind::Int(*n)),
        }
    }
}

fn element(f: &FieldDef) -> &ValueSpec {
    match (f.spec.field_type, &f.spec.items) {
        (FieldType::List, Some(items)) => items,
        _ => &f.spec,
    }
}

fn column(f: &FieldDef) -> &'static str {
    if element(f).field_type.is_numeric() {
        "num_value"
    } else {
        "text_value"
    }
}

fn indexed<'a>(fields: &'a [FieldDef], name: &str, parameter: &str) -> Result<&'a FieldDef, Error> {
    fields
        .iter()
        .find(|f| f.name == name && f.indexed)
        .ok_or_else(|| {
            let names: Vec<&str> = fields
                .iter()
                .filter(|f| f.indexed)
                .map(|f| f.name.as_str())
                .collect();
            Error::invalid_parameter(
                parameter,
                format!(
                    "'{name}' is not an indexed field of this type (indexed: {})",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            )
        })
}

fn checked_filters<'a>(
    fields: &'a [FieldDef],
    raw: &[RawFilter],
) -> Result<Vec<Filter<'a>>, Error> {
    if raw.len() > MAX_FILTERS {
        return Err(Error::invalid_parameter(
            "filter",
            format!("at most {MAX_FILTERS} filters"),
        ));
    }
    raw.iter()
        .map(|r| {
            let parameter = match r.op {
                Op::Eq => format!("filter[{}]", r.field),
                Op::Gte => format!("filter[{}][gte]", r.field),
                Op::Lte => format!("filter[{}][lte]", r.field),
                Op::In => format!("filter[{}][in]", r.field),
            };
            let f = indexed(fields, &r.field, &parameter)?;
            let spec = element(f);
            let ordered = !matches!(spec.field_type, FieldType::Enum | FieldType::Boolean);
            if f.spec.field_type == FieldType::List && r.op != Op::Eq {
                return Err(Error::invalid_parameter(
                    parameter,
                    "a list field is filtered by one value (filter[field]=value)",
                ));
            }
            if matches!(r.op, Op::Gte | Op::Lte) && !ordered {
                return Err(Error::invalid_parameter(
                    parameter,
                    format!(
                        "a {} field has no order; use eq or in",
                        spec.field_type.as_str()
                    ),
                ));
            }
            let values: Vec<&str> = if r.op == Op::In {
                r.value.split(',').collect()
            } else {
                vec![r.value.as_str()]
            };
            if values.len() > MAX_IN {
                return Err(Error::invalid_parameter(
                    parameter,
                    format!("at most {MAX_IN} values"),
                ));
            }
            let keys = values
                .iter()
                .map(|v| query_key(f, v).map_err(|why| Error::invalid_parameter(&parameter, why)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Filter {
                field: f,
                op: r.op,
                keys,
            })
        })
        .collect()
}

fn condition(sql: &mut Sql, alias: &str, f: &Filter<'_>) {
    let col = format!("{alias}.{}", column(f.field));
    match f.op {
        Op::Eq => sql.push(&format!(" AND {col} = ")).key(&f.keys[0]),
        Op::Gte => sql.push(&format!(" AND {col} >= ")).key(&f.keys[0]),
        Op::Lte => sql.push(&format!(" AND {col} <= ")).key(&f.keys[0]),
        Op::In => {
            sql.push(&format!(" AND {col} IN ("));
            for (i, k) in f.keys.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.key(k);
            }
            sql.push(")")
        }
    };
}

/// How a page is ordered and where the previous one ended.
enum Sort<'a> {
    Published { desc: bool },
    Field { field: &'a FieldDef, desc: bool },
}

/// One page of a type's published items in the reader's order, read on one connection: the
/// page's ids by an index walk, then their rows.
pub fn list(
    conn: &mut DbConn,
    key: &str,
    fields: &[FieldDef],
    selection: &TypedSelection,
    visible_sections: &[i64],
    page: &PageRequest,
) -> Result<Page<TypedItem>, Error> {
    let filters = checked_filters(fields, &selection.filters)?;
    let (name, desc) = match selection.sort.as_deref() {
        None => ("published_at", true),
        Some(s) => match s.strip_prefix('-') {
            Some(n) => (n, true),
            None => (s, false),
        },
    };
    let sort = if name == "published_at" {
        Sort::Published { desc }
    } else {
        let f = indexed(fields, name, "sort")?;
        if f.spec.field_type == FieldType::List {
            return Err(Error::invalid_parameter(
                "sort",
                "a list field holds several values and cannot order a list",
            ));
        }
        Sort::Field { field: f, desc }
    };
    if visible_sections.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let sections = visible_sections
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (dir, cmp) = if matches!(
        sort,
        Sort::Published { desc: true } | Sort::Field { desc: true, .. }
    ) {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    let mut sql = Sql::default();
    // The driving rows: the sorted field's, else the first filter's, else the items' own.
    let driver: Option<&FieldDef> = match &sort {
        Sort::Field { field, .. } => Some(field),
        Sort::Published { .. } => filters.first().map(|f| f.field),
    };
    let rest: Vec<&Filter<'_>> = match driver {
        Some(d) => filters.iter().filter(|f| f.field.name != d.name).collect(),
        None => Vec::new(),
    };
    match driver {
        Some(d) => {
            // The sort value is read back as text on both backends, so one row type serves.
            let value = if column(d) == "num_value" {
                "CAST(v.num_value AS TEXT)"
            } else {
                "v.text_value"
            };
            sql.push(&format!("SELECT v.item_id, v.published_at, {value} AS sort_text FROM published_field_values v JOIN published_items p ON p.item_id = v.item_id WHERE v.site_id = "))
                .bind(Bind::Int(selection.site_id))
                .push(" AND v.content_type = ")
                .bind(Bind::Text(key.to_string()))
                .push(" AND v.field = ")
                .bind(Bind::Text(d.name.clone()));
            for f in filters.iter().filter(|f| f.field.name == d.name) {
                condition(&mut sql, "v", f);
            }
        }
        None => {
            sql.push("SELECT p.item_id, p.published_at, CAST(NULL AS TEXT) AS sort_text FROM published_items p WHERE p.site_id = ")
                .bind(Bind::Int(selection.site_id))
                .push(" AND p.content_type = ")
                .bind(Bind::Text(key.to_string()));
        }
    }
    sql.push(&format!(" AND p.section_id IN ({sections})"));
    // The document search of NĐ 42/2022: the full-text index narrows, the walk above orders.
    if let Some(q) = &selection.q {
        let words = crate::search::query_words(q)?;
        match conn {
            DbConn::Sqlite(_) => {
                let quoted: Vec<String> = words.words.iter().map(|w| format!("\"{w}\"")).collect();
                sql.push(" AND p.item_id IN (SELECT rowid FROM published_search WHERE published_search MATCH ")
                    .bind(Bind::Text(quoted.join(" ")))
                    .push(")");
            }
            DbConn::Pg(_) => {
                sql.push(" AND p.search_vector @@ plainto_tsquery('simple', ")
                    .bind(Bind::Text(words.folded_terms.clone()))
                    .push(")");
            }
        }
    }
    if let Some(language) = &selection.language {
        sql.push(" AND p.language = ")
            .bind(Bind::Text(language.clone()));
    }
    for f in rest {
        sql.push(" AND EXISTS (SELECT 1 FROM published_field_values w WHERE w.item_id = p.item_id AND w.field = ")
            .bind(Bind::Text(f.field.name.clone()));
        condition(&mut sql, "w", f);
        sql.push(")");
    }
    let t = if driver.is_some() { "v" } else { "p" };
    if let Some(after) = &page.after {
        match &sort {
            Sort::Published { .. } => {
                let (at, id) = parse_time_id_key(after)?;
                sql.push(&format!(" AND ({t}.published_at {cmp} "))
                    .bind(Bind::Time(at))
                    .push(&format!(" OR ({t}.published_at = "))
                    .bind(Bind::Time(at))
                    .push(&format!(" AND {t}.item_id {cmp} "))
                    .bind(Bind::Int(id))
                    .push("))");
            }
            Sort::Field { field, .. } => {
                let (value, at, id) = parse_field_key(field, after)?;
                let col = format!("v.{}", column(field));
                sql.push(&format!(" AND ({col} {cmp} "))
                    .key(&value)
                    .push(&format!(" OR ({col} = "))
                    .key(&value)
                    .push(" AND (v.published_at ")
                    .push(cmp)
                    .push(" ")
                    .bind(Bind::Time(at))
                    .push(" OR (v.published_at = ")
                    .bind(Bind::Time(at))
                    .push(&format!(" AND v.item_id {cmp} "))
                    .bind(Bind::Int(id))
                    .push("))))");
            }
        }
    }
    match &sort {
        Sort::Published { .. } => sql.push(&format!(
            " ORDER BY {t}.published_at {dir}, {t}.item_id {dir} LIMIT "
        )),
        Sort::Field { field, .. } => sql.push(&format!(
            " ORDER BY v.{} {dir}, v.published_at {dir}, v.item_id {dir} LIMIT ",
            column(field)
        )),
    }
    .bind(Bind::Int(page.fetch_limit()));
    let rows = run(conn, sql)?;
    let has_more = rows.len() as i64 > page.limit;
    let rows: Vec<Row> = rows.into_iter().take(page.limit as usize).collect();
    let next_cursor = match (has_more, rows.last()) {
        (true, Some(last)) => Some(Cursor::encode(&match &sort {
            Sort::Published { .. } => time_id_key(last.published_at, last.item_id),
            Sort::Field { field, .. } => field_key(field, last),
        })),
        _ => None,
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
    let mut found: Vec<TypedItem> = published_items::table
        .filter(published_items::item_id.eq_any(&ids))
        .select(TypedItem::as_select())
        .load(conn)?;
    found.sort_by_key(|i| ids.iter().position(|id| *id == i.item_id));
    Ok(Page {
        items: found,
        next_cursor,
    })
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    item_id: i64,
    #[diesel(sql_type = Timestamp)]
    published_at: NaiveDateTime,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    sort_text: Option<String>,
}

fn field_key(field: &FieldDef, row: &Row) -> String {
    let micros = time_id_key(row.published_at, row.item_id);
    let value = row.sort_text.clone().unwrap_or_default();
    if element(field).field_type.is_numeric() {
        format!("n{value}|{micros}")
    } else {
        format!(
            "t{}|{micros}",
            value.replace('%', "%25").replace('|', "%7C")
        )
    }
}

fn parse_field_key(field: &FieldDef, raw: &str) -> Result<(IndexKey, NaiveDateTime, i64), Error> {
    let bad = || Error::invalid_parameter("cursor", "is not a cursor of this list");
    let (value, rest) = raw.split_once('|').ok_or_else(bad)?;
    let (at, id) = parse_time_id_key(rest)?;
    let key = match (
        value.split_at_checked(1),
        element(field).field_type.is_numeric(),
    ) {
        (Some(("n", n)), true) => IndexKey::Num(n.parse().map_err(|_| bad())?),
        (Some(("t", t)), false) => IndexKey::Text(t.replace("%7C", "|").replace("%25", "%")),
        _ => return Err(bad()),
    };
    Ok((key, at, id))
}

fn run(conn: &mut DbConn, sql: Sql) -> Result<Vec<Row>, Error> {
    let text = sql.text;
    Ok(match conn {
        DbConn::Sqlite(c) => {
            let mut q = diesel::sql_query(text).into_boxed::<Sqlite>();
            for b in sql.binds {
                q = match b {
                    Bind::Text(t) => q.bind::<Text, _>(t),
                    Bind::Int(n) => q.bind::<BigInt, _>(n),
                    Bind::Time(t) => q.bind::<Timestamp, _>(t),
                };
            }
            q.load(c)?
        }
        DbConn::Pg(c) => {
            let mut numbered = String::with_capacity(text.len() + 16);
            let mut n = 0;
            for ch in text.chars() {
                if ch == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(ch);
                }
            }
            let mut q = diesel::sql_query(numbered).into_boxed::<Pg>();
            for b in sql.binds {
                q = match b {
                    Bind::Text(t) => q.bind::<Text, _>(t),
                    Bind::Int(n) => q.bind::<BigInt, _>(n),
                    Bind::Time(t) => q.bind::<Timestamp, _>(t),
                };
            }
            q.load(c)?
        }
    })
}
