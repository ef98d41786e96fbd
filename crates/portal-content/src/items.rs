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

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

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

/// The key of the site of a section: what content scopes name.
pub fn site_key_of_section(conn: &mut DbConn, section_id: i64) -> Result<String, Error> {
    Ok(placement(conn, section_id)?.site_key)
}

fn slug_taken(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, Error> {
    let mut query = content_items::table
        .filter(content_items::site_id.eq(site_id))
        .filter(content_items::language.eq(language))
        .filter(content_items::slug.eq(slug))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(content_items::id.ne(id));
    }
    let items: i64 = query.count().get_result(conn)?;
    // An old slug of a published item keeps resolving to it, so it is not free either.
    let redirects: i64 = slug_redirects::table
        .filter(slug_redirects::site_id.eq(site_id))
        .filter(slug_redirects::language.eq(language))
        .filter(slug_redirects::old_slug.eq(slug))
        .filter(slug_redirects::item_id.ne(except.unwrap_or(-1)))
        .count()
        .get_result(conn)?;
    Ok(items + redirects > 0)
}

/// The slug asked for (which must be free), or one made from the title with a numeric suffix on
/// a clash: "Đà Nẵng đón khách" → `da-nang-don-khach`, then `da-nang-don-khach-2`.
fn choose_slug(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    asked: Option<&str>,
    title: &str,
    kind: Kind,
    except: Option<i64>,
) -> Result<String, Error> {
    if let Some(slug) = asked {
        if slug_taken(conn, site_id, language, slug, except)? {
            return Err(Error::field(
                "slug",
                "taken",
                format!("'{slug}' is already used on this site in this language"),
            ));
        }
        return Ok(slug.to_string());
    }
    let mut base = slugify(title);
    base.truncate(150);
    let base = base.trim_end_matches('-').to_string();
    let base = if base.is_empty() {
        kind.as_str().to_string()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while slug_taken(conn, site_id, language, &candidate, except)? {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
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

fn insert(
    conn: &mut DbConn,
    user_id: Option<i64>,
    new: &NewItem,
    group: &str,
    translation_of: Option<i64>,
    p: &Placement,
    draft: &Draft,
) -> Result<ContentItem, Error> {
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
            content_items::version.eq(1),
            content_items::created_by.eq(user_id),
            content_items::updated_by.eq(user_id),
            content_items::created_at.eq(at),
            content_items::updated_at.eq(at),
        ))
        .returning(content_items::id)
        .get_result(conn)?;
    let item = get(conn, id)?;
    revisions::record(conn, &item, user_id, new.note.as_deref())?;
    Ok(item)
}

/// Creates a draft.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewItem) -> Result<ContentItem, Error> {
    let draft = clean_draft(new.kind, &new.draft).map_err(Error::Validation)?;
    write_transaction(conn, |conn| {
        let p = placement(conn, new.section_id)?;
        check_language(&p, &new.language)?;
        let group = uuid::Uuid::new_v4().simple().to_string();
        let item = insert(conn, actor.user_id, new, &group, None, &p, &draft)?;
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
        let item = insert(
            conn,
            actor.user_id,
            new,
            &source.translation_group,
            Some(original),
            &p,
            &draft,
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

/// A change to some fields; absent fields stay as they are, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub summary: Option<Option<String>>,
    pub body: Option<String>,
    pub author: Option<Option<String>>,
    pub source: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub featured_image_url: Option<Option<String>>,
    pub fields: Option<KindFields>,
    /// Fields whose legacy-encoding finding the editor overrides (audited).
    pub legacy_override: Vec<String>,
}

impl Patch {
    fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.slug.is_none()
            && self.summary.is_none()
            && self.body.is_none()
            && self.author.is_none()
            && self.source.is_none()
            && self.tags.is_none()
            && self.featured_image_url.is_none()
            && self.fields.is_none()
    }

    fn apply(&self, item: &ContentItem) -> Draft {
        Draft {
            title: self.title.clone().unwrap_or_else(|| item.title.clone()),
            slug: Some(self.slug.clone().unwrap_or_else(|| item.slug.clone())),
            summary: self.summary.clone().unwrap_or_else(|| item.summary.clone()),
            body: self.body.clone().unwrap_or_else(|| item.body.clone()),
            author: self.author.clone().unwrap_or_else(|| item.author.clone()),
            source: self.source.clone().unwrap_or_else(|| item.source.clone()),
            tags: self.tags.clone().unwrap_or_else(|| item.tag_list()),
            featured_image_url: self
                .featured_image_url
                .clone()
                .unwrap_or_else(|| item.featured_image_url.clone()),
            fields: self
                .fields
                .clone()
                .unwrap_or_else(|| serde_json::from_str(&item.fields).unwrap_or_default()),
            legacy_override: self.legacy_override.clone(),
        }
    }

    /// The patch that makes an item look like a revision's snapshot again.
    pub fn from_snapshot(snapshot: &serde_json::Value) -> Result<Patch, Error> {
        let text = |f: &str| snapshot.get(f).and_then(|v| v.as_str()).map(str::to_string);
        let fields = snapshot
            .get("fields")
            .cloned()
            .map(serde_json::from_value::<KindFields>)
            .transpose()
            .map_err(|e| Error::Internal(format!("a stored revision does not parse: {e}")))?;
        Ok(Patch {
            title: text("title"),
            slug: text("slug"),
            summary: Some(text("summary")),
            body: text("body"),
            author: Some(text("author")),
            source: Some(text("source")),
            tags: snapshot
                .get("tags")
                .and_then(|t| serde_json::from_value(t.clone()).ok()),
            featured_image_url: Some(text("featured_image_url")),
            fields,
            legacy_override: Vec::new(),
        })
    }
}

fn precondition(current: i64) -> Error {
    Error::PreconditionFailed {
        message: format!("the item changed since the version you edited; it is now at version {current}: reload, merge and retry"),
        current_version: current,
    }
}

/// Saves changes if the item is still at `expected_version`; otherwise 412 with the current one.
/// Never a lost update: the version check and the write are one conditional UPDATE.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    patch: &Patch,
    note: Option<&str>,
) -> Result<ContentItem, Error> {
    save(
        conn,
        actor,
        id,
        expected_version,
        patch,
        note,
        "content.update",
    )
}

fn save(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    patch: &Patch,
    note: Option<&str>,
    action: &str,
) -> Result<ContentItem, Error> {
    if patch.is_empty() {
        return Err(Error::field(
            "body",
            "empty_change",
            "give at least one field to change",
        ));
    }
    let current = get_live(conn, id)?;
    if current.version != expected_version {
        return Err(precondition(current.version));
    }
    let kind = Kind::parse(&current.kind)
        .ok_or_else(|| Error::Internal(format!("item {id} has unknown kind")))?;
    let draft = clean_draft(kind, &patch.apply(&current)).map_err(Error::Validation)?;
    write_transaction(conn, |conn| {
        let before = get_live(conn, id)?;
        if before.version != expected_version {
            return Err(precondition(before.version));
        }
        let slug = if patch.slug.is_some() && draft.slug.as_deref() != Some(before.slug.as_str()) {
            let slug = choose_slug(
                conn,
                before.site_id,
                &before.language,
                draft.slug.as_deref(),
                &draft.title,
                kind,
                Some(id),
            )?;
            if before.published_at.is_some() {
                diesel::insert_into(slug_redirects::table)
                    .values((
                        slug_redirects::site_id.eq(before.site_id),
                        slug_redirects::language.eq(&before.language),
                        slug_redirects::old_slug.eq(&before.slug),
                        slug_redirects::item_id.eq(id),
                        slug_redirects::created_at.eq(now()),
                    ))
                    .execute(conn)?;
            }
            slug
        } else {
            before.slug.clone()
        };
        // Conditional on the state too: a workflow step that moved the item meanwhile (without
        // changing its version) makes this a 412 instead of writing over the step's state.
        let updated = diesel::update(
            content_items::table
                .filter(content_items::id.eq(id))
                .filter(content_items::version.eq(expected_version))
                .filter(content_items::status.eq(&before.status)),
        )
        .set((
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
            content_items::version.eq(expected_version + 1),
            content_items::updated_by.eq(actor.user_id),
            content_items::updated_at.eq(now()),
            // Editing a published item starts a new draft; the published version stays live
            // until the new one is approved.
            content_items::status.eq(if before.status == Status::Published.as_str() {
                Status::Draft.as_str()
            } else {
                before.status.as_str()
            }),
        ))
        .execute(conn)?;
        if updated == 0 {
            let current = get(conn, id)?;
            return Err(precondition(current.version));
        }
        let after = get(conn, id)?;
        revisions::record(conn, &after, actor.user_id, note)?;
        let (old, new) = (snapshot(&before), snapshot(&after));
        let changed: Vec<&str> = revisions::SNAPSHOT_FIELDS
            .iter()
            .copied()
            .filter(|f| old.get(f) != new.get(f))
            .collect();
        portal_audit::append(
            conn,
            actor,
            action,
            Some(&format!("content:{id}")),
            Some(&json!({"version": before.version})),
            Some(
                &json!({"version": after.version, "changed": changed, "note": note, "legacy_override": draft.legacy_override}),
            ),
        )?;
        Ok(after)
    })
}

/// Makes an old revision current again, as a new revision (history is never rewritten).
pub fn restore_revision(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i64,
    expected_version: Option<i64>,
) -> Result<ContentItem, Error> {
    let revision = revisions::get(conn, id, version)?;
    let current = get_live(conn, id)?;
    let expected = expected_version.unwrap_or(current.version);
    let patch = Patch::from_snapshot(&revision.snapshot_json())?;
    let note = format!("restored from version {version}");
    save(
        conn,
        actor,
        id,
        expected,
        &patch,
        Some(&note),
        "content.restore_revision",
    )
}

/// Moves an item to another section of the same site.
pub fn move_to(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    section_id: i64,
    expected_version: Option<i64>,
) -> Result<ContentItem, Error> {
    write_transaction(conn, |conn| {
        let before = get_live(conn, id)?;
        let expected = expected_version.unwrap_or(before.version);
        if before.version != expected {
            return Err(precondition(before.version));
        }
        let p = placement(conn, section_id)?;
        if p.site_id != before.site_id {
            return Err(Error::field(
                "section_id",
                "other_site",
                "an item moves within its site; translate or re-create it for another",
            ));
        }
        let moved = diesel::update(
            content_items::table
                .filter(content_items::id.eq(id))
                .filter(content_items::version.eq(expected))
                .filter(content_items::status.eq(&before.status)),
        )
        .set((
            content_items::section_id.eq(section_id),
            content_items::version.eq(expected + 1),
            content_items::updated_by.eq(actor.user_id),
            content_items::updated_at.eq(now()),
        ))
        .execute(conn)?;
        if moved == 0 {
            return Err(precondition(get(conn, id)?.version));
        }
        let after = get(conn, id)?;
        revisions::record(conn, &after, actor.user_id, Some("moved"))?;
        portal_audit::append(
            conn,
            actor,
            "content.move",
            Some(&format!("content:{id}")),
            Some(&json!({"section_id": before.section_id})),
            Some(&json!({"section_id": section_id})),
        )?;
        Ok(after)
    })
}

/// Soft-deletes a draft: kept, hidden, restorable by the chief editor.
pub fn delete(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let item = get_live(conn, id)?;
        if !matches!(
            Status::parse(&item.status),
            Some(Status::Draft | Status::Returned)
        ) {
            return Err(Error::Conflict(format!(
                "item {id} is {}; only drafts can be deleted (unpublish or archive it instead)",
                item.status
            )));
        }
        diesel::update(content_items::table.filter(content_items::id.eq(id)))
            .set((
                content_items::deleted_at.eq(Some(now())),
                content_items::deleted_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "content.delete",
            Some(&format!("content:{id}")),
            Some(&json!({"title": item.title})),
            None,
        )?;
        Ok(())
    })
}

/// Brings a deleted item back.
pub fn undelete(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<ContentItem, Error> {
    write_transaction(conn, |conn| {
        let item = get(conn, id)?;
        if item.deleted_at.is_none() {
            return Ok(item);
        }
        diesel::update(content_items::table.filter(content_items::id.eq(id)))
            .set((
                content_items::deleted_at.eq(None::<NaiveDateTime>),
                content_items::deleted_by.eq(None::<i64>),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            actor,
            "content.undelete",
            Some(&format!("content:{id}")),
            None,
            None,
        )?;
        get(conn, id)
    })
}

/// Which items a caller may see in lists: whole sites, and single sections.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    pub site_keys: Vec<String>,
    pub section_ids: Vec<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub site: Option<String>,
    pub section_id: Option<i64>,
    pub kind: Option<Kind>,
    pub language: Option<String>,
    pub status: Option<Status>,
    /// Part of the byline.
    pub author: Option<String>,
    /// Id of the user who created the item.
    pub created_by: Option<i64>,
    /// Part of the title or summary.
    pub q: Option<String>,
    pub updated_from: Option<NaiveDateTime>,
    pub updated_to: Option<NaiveDateTime>,
    /// Deleted items instead of live ones.
    pub deleted: bool,
}

fn page_key(item: &ContentItem) -> String {
    format!(
        "{}|{}",
        item.updated_at.and_utc().timestamp_micros(),
        item.id
    )
}

fn parse_key(raw: &str) -> Result<(NaiveDateTime, i64), Error> {
    let bad = || Error::invalid_parameter("cursor", "is not a cursor of this list");
    let (micros, id) = raw.split_once('|').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(bad)?
        .naive_utc();
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// Most recently updated first, within what the caller may see.
pub fn list(
    conn: &mut DbConn,
    filter: &Filter,
    visibility: &Visibility,
    page: &PageRequest,
) -> Result<Page<ContentItem>, Error> {
    let site_ids = portal_sections::sites::ids_of(conn, &visibility.site_keys)?;
    let mut query = content_items::table
        .select(ContentItem::as_select())
        .filter(
            content_items::site_id
                .eq_any(site_ids)
                .or(content_items::section_id.eq_any(visibility.section_ids.clone())),
        )
        .into_boxed();
    query = if filter.deleted {
        query.filter(content_items::deleted_at.is_not_null())
    } else {
        query.filter(content_items::deleted_at.is_null())
    };
    if let Some(site) = &filter.site {
        let id = portal_sections::sites::ids_of(conn, std::slice::from_ref(site))?
            .first()
            .copied()
            .unwrap_or(-1);
        query = query.filter(content_items::site_id.eq(id));
    }
    if let Some(section) = filter.section_id {
        query = query.filter(content_items::section_id.eq(section));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(content_items::kind.eq(kind.as_str()));
    }
    if let Some(language) = &filter.language {
        query = query.filter(content_items::language.eq(language.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(content_items::status.eq(status.as_str()));
    }
    if let Some(author) = &filter.author {
        query = query.filter(
            lower(content_items::author.assume_not_null())
                .like(format!("%{}%", author.to_lowercase())),
        );
    }
    if let Some(created_by) = filter.created_by {
        query = query.filter(content_items::created_by.eq(created_by));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        query = query.filter(
            lower(content_items::title)
                .like(pattern.clone())
                .or(lower(content_items::summary.assume_not_null()).like(pattern)),
        );
    }
    if let Some(from) = filter.updated_from {
        query = query.filter(content_items::updated_at.ge(from));
    }
    if let Some(to) = filter.updated_to {
        query = query.filter(content_items::updated_at.lt(to));
    }
    if let Some(after) = &page.after {
        let (at, id) = parse_key(after)?;
        query = query.filter(
            content_items::updated_at
                .lt(at)
                .or(content_items::updated_at
                    .eq(at)
                    .and(content_items::id.lt(id))),
        );
    }
    let rows = query
        .order((content_items::updated_at.desc(), content_items::id.desc()))
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, page_key))
}

/// Checks that no item would be orphaned before a section is deleted.
pub fn count_in_section(conn: &mut DbConn, section_id: i64) -> Result<i64, Error> {
    Ok(content_items::table
        .filter(content_items::section_id.eq(section_id))
        .count()
        .get_result(conn)?)
}

/// The item a former slug of the site's `language` now leads to, if any (a renamed item keeps
/// its old addresses working).
pub fn redirected_slug(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    old_slug: &str,
) -> Result<Option<i64>, Error> {
    Ok(slug_redirects::table
        .filter(slug_redirects::site_id.eq(site_id))
        .filter(slug_redirects::language.eq(language))
        .filter(slug_redirects::old_slug.eq(old_slug))
        .select(slug_redirects::item_id)
        .first(conn)
        .optional()?)
}
