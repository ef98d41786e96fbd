//! Creating, reading, listing, updating (with optimistic concurrency), moving, translating and
//! soft-deleting items. Each change is one transaction with its revision and audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::text::slugify;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::{content_items, slug_redirects};
use portal_db::{now, write_transaction, DbConn};
use portal_sections::sites::Placement;
use serde_json::json;

use crate::model::{ContentItem, Kind, KindFields, Status};
use crate::revisions::{self, snapshot};
use crate::validate::{clean_draft, Draft};

mod changes;
mod listing;
mod slugs;

pub use changes::*;
pub use listing::*;
pub use slugs::*;

/// The section an item goes into, with its site.
fn placement(conn: &mut DbConn, section_id: i64) -> Result<Placement, Error> {
    portal_sections::sites::placement_of_section(conn, section_id)?.ok_or_else(|| {
        Error::field(
            "section_id",
            "unknown_section",
            format!("section {section_id} does not exist"),
        )
    })
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<ContentItem, Error> {
    content_items::table
        .filter(content_items::id.eq(id))
        .select(ContentItem::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("content item", id))
}

/// An item that is not deleted.
pub fn get_live(conn: &mut DbConn, id: i64) -> Result<ContentItem, Error> {
    let item = get(conn, id)?;
    if item.deleted_at.is_some() {
        return Err(Error::not_found("content item", id));
    }
    Ok(item)
}

pub struct NewItem {
    pub section_id: i64,
    pub kind: Kind,
    /// The content type of a typed item (its current version is the item's); a translation
    /// takes its original's.
    pub content_type: Option<String>,
    pub language: String,
    pub draft: Draft,
    pub note: Option<String>,
}

fn check_language(p: &Placement, language: &str) -> Result<(), Error> {
    if p.languages.iter().any(|l| l == language) {
        Ok(())
    } else {
        Err(Error::field(
            "language",
            "unsupported_language",
            format!(
                "site '{}' publishes in {}; '{language}' is not enabled (Điều 4.3)",
                p.site_key,
                p.languages.join(", ")
            ),
        ))
    }
}

/// Makes the writers of new slugs on one site and language wait for each other: two drafts
/// with the same title, saved at the same moment, would otherwise both pick the same free slug
/// and one would fail on the unique index (PostgreSQL; SQLite's write lock already serialises).
/// Unique typed values of a new item are checked under the same lock.
pub(crate) fn lock_slugs(conn: &mut DbConn, site_id: i64, language: &str) -> Result<(), Error> {
    portal_db::serialise_on(conn, &format!("slugs:{site_id}:{language}"))?;
    Ok(())
}

/// The translation group an item joins, and the original it translates (if any).
struct Lineage<'a> {
    group: &'a str,
    translation_of: Option<i64>,
}

fn insert(
    conn: &mut DbConn,
    user_id: Option<i64>,
    new: &NewItem,
    lineage: Lineage<'_>,
    p: &Placement,
    draft: &Draft,
    typed: Option<&crate::types::TypedData>,
) -> Result<ContentItem, Error> {
    let Lineage {
        group,
        translation_of,
    } = lineage;
    let slug = choose_slug(
        conn,
        p.site_id,
        &new.language,
        draft.slug.as_deref(),
        &draft.title,
        new.kind,
        None,
    )?;
    let at = now();
    let id: i64 = diesel::insert_into(content_items::table)
        .values((
            content_items::site_id.eq(p.site_id),
            content_items::section_id.eq(new.section_id),
            content_items::kind.eq(new.kind.as_str()),
            content_items::language.eq(&new.language),
            content_items::translation_group.eq(group),
            content_items::translation_of.eq(translation_of),
            content_items::title.eq(&draft.title),
            content_items::slug.eq(&slug),
            content_items::summary.eq(draft.summary.as_deref()),
            content_items::body.eq(&draft.body),
            content_items::author.eq(draft.author.as_deref()),
            content_items::source.eq(draft.source.as_deref()),
            content_items::tags
                .eq(serde_json::to_string(&draft.tags).unwrap_or_else(|_| "[]".into())),
            content_items::featured_image_url.eq(draft.featured_image_url.as_deref()),
            content_items::fields
                .eq(serde_json::to_string(&draft.fields).unwrap_or_else(|_| "{}".into())),
            content_items::status.eq(Status::Draft.as_str()),
            content_items::content_type.eq(typed.map(|t| t.key.as_str())),
            content_items::type_version.eq(typed.map(|t| t.version)),
            content_items::data
                .eq(typed.map_or_else(|| "{}".to_string(), |t| t.checked.data.to_string())),
            content_items::version.eq(1),
            content_items::created_by.eq(user_id),
            content_items::updated_by.eq(user_id),
            content_items::created_at.eq(at),
            content_items::updated_at.eq(at),
        ))
        .returning(content_items::id)
        .get_result(conn)?;
    let item = get(conn, id)?;
    if let Some(t) = typed {
        crate::types::typed::claim(conn, &item, &t.checked)?;
    }
    revisions::record(conn, &item, user_id, new.note.as_deref())?;
    Ok(item)
}

/// Creates a draft.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewItem) -> Result<ContentItem, Error> {
    let draft = clean_draft(new.kind, &new.draft).map_err(Error::Validation)?;
    write_transaction(conn, |conn| {
        let p = placement(conn, new.section_id)?;
        check_language(&p, &new.language)?;
        lock_slugs(conn, p.site_id, &new.language)?;
        let place = crate::types::Place {
            site_id: p.site_id,
            language: &new.language,
            item_id: None,
        };
        let typed = crate::types::for_new_item(
            conn,
            new.content_type.as_deref(),
            draft.data.as_ref(),
            &draft.legacy_override,
            &place,
        )?;
        let group = uuid::Uuid::new_v4().simple().to_string();
        let item = insert(
            conn,
            actor.user_id,
            new,
            Lineage {
                group: &group,
                translation_of: None,
            },
            &p,
            &draft,
            typed.as_ref(),
        )?;
        portal_audit::append(
            conn,
            actor,
            "content.create",
            Some(&format!("content:{}", item.id)),
            None,
            Some(
                &json!({"section_id": item.section_id, "kind": item.kind, "language": item.language, "title": item.title, "slug": item.slug,
                        "legacy_override": draft.legacy_override}),
            ),
        )?;
        Ok(item)
    })
}

/// Creates the translation of `source_id` in `new.language`, in the same translation group
/// (one item per language per group; Điều 4.3).
pub fn translate(
    conn: &mut DbConn,
    actor: &Actor,
    source_id: i64,
    new: &NewItem,
) -> Result<ContentItem, Error> {
    let draft = clean_draft(new.kind, &new.draft).map_err(Error::Validation)?;
    write_transaction(conn, |conn| {
        let source = get_live(conn, source_id)?;
        let p = placement(conn, new.section_id)?;
        if p.site_id != source.site_id {
            return Err(Error::field(
                "section_id",
                "other_site",
                "a translation stays on the site of its original",
            ));
        }
        check_language(&p, &new.language)?;
        lock_slugs(conn, p.site_id, &new.language)?;
        let exists: i64 = content_items::table
            .filter(content_items::translation_group.eq(&source.translation_group))
            .filter(content_items::language.eq(&new.language))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(Error::Conflict(format!(
                "item {source_id} already has a '{}' translation",
                new.language
            )));
        }
        let original = source.translation_of.unwrap_or(source.id);
        // A translation is of its original's type; without data of its own it starts from
        // the original's (checked against the type's current version).
        let place = crate::types::Place {
            site_id: p.site_id,
            language: &new.language,
            item_id: None,
        };
        let data = draft.data.clone().or_else(|| {
            source
                .content_type
                .as_ref()
                .map(|_| source.data.value().clone())
        });
        let typed = crate::types::for_new_item(
            conn,
            source.content_type.as_deref(),
            data.as_ref(),
            &draft.legacy_override,
            &place,
        )?;
        let item = insert(
            conn,
            actor.user_id,
            new,
            Lineage {
                group: &source.translation_group,
                translation_of: Some(original),
            },
            &p,
            &draft,
            typed.as_ref(),
        )?;
        portal_audit::append(
            conn,
            actor,
            "content.translate",
            Some(&format!("content:{}", item.id)),
            None,
            Some(
                &json!({"translation_of": original, "language": item.language, "title": item.title}),
            ),
        )?;
        Ok(item)
    })
}

/// The other languages of an item: (language, id, slug), deleted ones left out.
pub fn translations(
    conn: &mut DbConn,
    item: &ContentItem,
) -> Result<Vec<(String, i64, String)>, Error> {
    Ok(content_items::table
        .filter(content_items::translation_group.eq(&item.translation_group))
        .filter(content_items::id.ne(item.id))
        .filter(content_items::deleted_at.is_null())
        .order(content_items::language.asc())
        .select((
            content_items::language,
            content_items::id,
            content_items::slug,
        ))
        .load(conn)?)
}
