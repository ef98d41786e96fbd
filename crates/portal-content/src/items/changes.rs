//! Changes to an item: edits with optimistic concurrency (a new revision each), restored revisions, moves, deletion and restoring.

use super::*;

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
    /// The typed fields (items of a content type), whole: checked against the item's version.
    pub data: Option<serde_json::Value>,
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
            && self.data.is_none()
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
                .unwrap_or_else(|| item.fields.value().clone()),
            // A typed item's data is checked on every save, given or not.
            data: self.data.clone().or_else(|| {
                item.content_type
                    .as_ref()
                    .map(|_| item.data.value().clone())
            }),
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
            // An untyped item's snapshot holds `{}`: restoring it changes nothing.
            data: snapshot
                .get("data")
                .filter(|d| d.as_object().is_some_and(|o| !o.is_empty()))
                .cloned(),
            legacy_override: Vec::new(),
        })
    }
}

pub(super) fn precondition(current: i64) -> Error {
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

pub(super) fn save(
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
    let kind = current.kind;
    let draft = clean_draft(kind, &patch.apply(&current)).map_err(Error::Validation)?;
    write_transaction(conn, |conn| {
        let before = get_live(conn, id)?;
        if before.version != expected_version {
            return Err(precondition(before.version));
        }
        let typed =
            crate::types::for_edit(conn, &before, draft.data.as_ref(), &draft.legacy_override)?;
        let data = typed
            .as_ref()
            .map_or_else(|| before.data.value().clone(), |t| t.checked.data.clone());
        let slug = if patch.slug.is_some() && draft.slug.as_deref() != Some(before.slug.as_str()) {
            lock_slugs(conn, before.site_id, &before.language)?;
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
            content_items::data.eq(data.to_string()),
            content_items::version.eq(expected_version + 1),
            content_items::updated_by.eq(actor.user_id),
            content_items::updated_at.eq(now()),
            // Editing a published item starts a new draft; the published version stays live
            // until the new one is approved.
            content_items::status.eq(if before.status == Status::Published {
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
        if let Some(typed) = &typed {
            crate::types::typed::claim(conn, &after, &typed.checked)?;
        }
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
        if !matches!(item.status, Status::Draft | Status::Returned) {
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
        crate::types::typed::release(conn, id)?;
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
        // Its unique values are claimed again, unless another item took one meanwhile.
        if let (Some(key), Some(version)) = (&item.content_type, item.type_version) {
            let place = crate::types::Place {
                site_id: item.site_id,
                language: &item.language,
                item_id: Some(item.id),
            };
            let checked = crate::types::typed::check(
                conn,
                key,
                version,
                item.data.value(),
                &crate::types::typed::all_paths(item.data.value()),
                &place,
            )
            .map_err(|e| {
                Error::Conflict(format!(
                    "item {id} cannot come back as it is: {e}; change the other item first"
                ))
            })?;
            crate::types::typed::claim(conn, &item, &checked)?;
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
