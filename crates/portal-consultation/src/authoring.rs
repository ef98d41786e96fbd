//! What an agency does with its own drafts (Điều 7.2.n): write one on a site, publish it for
//! comment, revise it while comments are open, and read its own. Every agency's staff may, for
//! their agency only (`consultations:manage:agency:<code>`); another agency's draft is a 404.

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::text::slugify;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{consultation_parts, consultations};
use portal_db::{now, write_transaction, DbConn};
use portal_sections::model::Agency;
use serde_json::json;

use crate::model::{Consultation, Phase};
use crate::parts::{self, CleanDraft, CleanPart, DraftInput};
use crate::views::{self, ConsultationView};

/// The agency of the path, once the principal may act for it.
fn acting_for(conn: &mut DbConn, who: &Acting, agency_code: &str) -> Result<Agency, Error> {
    who.principal.require_consultations_for(agency_code)?;
    portal_sections::agencies::by_code(conn, agency_code)
}

/// One of the agency's consultations; another agency's is not found.
pub(crate) fn owned(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
) -> Result<Consultation, Error> {
    let agency = acting_for(conn, who, agency_code)?;
    views::load(conn, id)?
        .filter(|c| c.agency_id == agency.id)
        .ok_or_else(|| Error::not_found("consultation", id))
}

fn insert_parts(
    conn: &mut DbConn,
    consultation_id: i64,
    revision: i32,
    parts: &[CleanPart],
) -> Result<(), Error> {
    // One statement per part: batch inserts do not compile over the MultiConnection
    // (design-notes.md), and a draft has at most `parts::MAX_PARTS` parts.
    for (position, p) in (0i32..).zip(parts) {
        diesel::insert_into(consultation_parts::table)
            .values((
                consultation_parts::consultation_id.eq(consultation_id),
                consultation_parts::revision.eq(revision),
                consultation_parts::position.eq(position),
                consultation_parts::part_key.eq(&p.key),
                consultation_parts::label.eq(&p.label),
                consultation_parts::heading.eq(&p.heading),
                consultation_parts::body.eq(&p.body),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A slug free on the site: the one asked for (409 when taken) or one made from the title.
fn free_slug(
    conn: &mut DbConn,
    site_id: i64,
    asked: Option<&str>,
    title: &str,
) -> Result<String, Error> {
    let taken = |conn: &mut DbConn, slug: &str| -> Result<bool, Error> {
        Ok(consultations::table
            .filter(consultations::site_id.eq(site_id))
            .filter(consultations::slug.eq(slug))
            .count()
            .get_result::<i64>(conn)?
            > 0)
    };
    if let Some(slug) = asked {
        if taken(conn, slug)? {
            return Err(Error::Conflict(format!(
                "a consultation on this site already has the slug '{slug}'"
            )));
        }
        return Ok(slug.to_string());
    }
    let mut base = slugify(title);
    base.truncate(100);
    let base = base.trim_end_matches('-').to_string();
    let base = if base.is_empty() {
        "du-thao".to_string()
    } else {
        base
    };
    for n in 1..1000 {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if !taken(conn, &slug)? {
            return Ok(slug);
        }
    }
    Err(Error::Conflict(format!(
        "too many consultations named '{base}'"
    )))
}

fn audit_json(c: &CleanDraft, revision: i32) -> serde_json::Value {
    json!({
        "title": c.title,
        "kind": c.kind.as_str(),
        "opens_on": c.opens_on,
        "closes_on": c.closes_on,
        "revision": revision,
        "parts": c.parts.iter().map(|p| &p.key).collect::<Vec<_>>(),
    })
}

/// A new draft of the agency on a site; not public until published.
pub fn create(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    site_key: &str,
    input: &DraftInput,
) -> Result<ConsultationView, Error> {
    who.principal.require_consultations_for(agency_code)?;
    let draft = parts::clean(input)?;
    write_transaction(conn, |conn| {
        let agency = acting_for(conn, who, agency_code)?;
        let site = portal_sections::sites::by_key(conn, site_key)?
            .filter(|s| s.active)
            .ok_or_else(|| {
                Error::field(
                    "site",
                    "unknown_site",
                    format!("no active site has the key '{site_key}'"),
                )
            })?;
        let slug = free_slug(conn, site.id, draft.slug.as_deref(), &draft.title)?;
        let at = now();
        let attachments = serde_json::to_string(&draft.attachments)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let id: i64 = diesel::insert_into(consultations::table)
            .values((
                consultations::site_id.eq(site.id),
                consultations::agency_id.eq(agency.id),
                consultations::slug.eq(&slug),
                consultations::kind.eq(draft.kind),
                consultations::title.eq(&draft.title),
                consultations::summary.eq(&draft.summary),
                consultations::receiving_unit.eq(&draft.receiving_unit),
                consultations::contact.eq(&draft.contact),
                consultations::attachments.eq(&attachments),
                consultations::opens_on.eq(draft.opens_on),
                consultations::closes_on.eq(draft.closes_on),
                consultations::revision.eq(1),
                consultations::created_by.eq(&who.actor.label),
                consultations::created_at.eq(at),
                consultations::updated_at.eq(at),
            ))
            .returning(consultations::id)
            .get_result(conn)?;
        insert_parts(conn, id, 1, &draft.parts)?;
        portal_audit::append(
            conn,
            &who.actor,
            "consultation.created",
            Some(&format!("consultation:{id}")),
            None,
            Some(&audit_json(&draft, 1)),
        )?;
        let row = views::load(conn, id)?.ok_or_else(|| Error::not_found("consultation", id))?;
        views::full(conn, row)
    })
}

/// Changes a draft. Before publication it is rewritten in place; once published and until it
/// closes, a change of its parts makes a new revision (comments keep the revision they were made
/// on, and unchanged parts keep their ids); after closing nothing changes.
pub fn update(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
    site_key: Option<&str>,
    input: &DraftInput,
) -> Result<ConsultationView, Error> {
    who.principal.require_consultations_for(agency_code)?;
    let draft = parts::clean(input)?;
    let today = portal_feedback::workdays::today_in_vietnam();
    write_transaction(conn, |conn| {
        let current = owned(conn, who, agency_code, id)?;
        if let Some(key) = site_key {
            if portal_sections::sites::key_of(conn, current.site_id)? != key {
                return Err(Error::field(
                    "site",
                    "fixed",
                    "a consultation stays on the site it was written for",
                ));
            }
        }
        let phase = current.phase_on(today);
        if matches!(phase, Phase::Closed | Phase::Concluded) {
            return Err(Error::Conflict(format!(
                "consultation {id} closed on {}: a closed draft is not changed",
                current.closes_on
            )));
        }
        if phase == Phase::Open && draft.opens_on != current.opens_on {
            return Err(Error::field(
                "opens_on",
                "already_open",
                format!(
                    "comments opened on {}: the day cannot move",
                    current.opens_on
                ),
            ));
        }
        if phase != Phase::Draft && draft.closes_on < today {
            return Err(Error::field(
                "closes_on",
                "in_the_past",
                format!("a published consultation closes today ({today}) or later"),
            ));
        }
        let slug = match &draft.slug {
            Some(slug) if *slug != current.slug => {
                if phase != Phase::Draft {
                    return Err(Error::field(
                        "slug",
                        "published",
                        "a published consultation keeps its address",
                    ));
                }
                free_slug(conn, current.site_id, Some(slug), &draft.title)?
            }
            _ => current.slug.clone(),
        };
        let old_parts = views::parts_of(conn, id, current.revision)?;
        let unchanged = old_parts.len() == draft.parts.len()
            && old_parts.iter().zip(&draft.parts).all(|(old, new)| {
                old.part_key == new.key && old.label == new.label && old.heading == new.heading
            });
        let revision = if unchanged || phase == Phase::Draft {
            current.revision
        } else {
            current.revision + 1
        };
        if !unchanged {
            if revision == current.revision {
                diesel::delete(
                    consultation_parts::table
                        .filter(consultation_parts::consultation_id.eq(id))
                        .filter(consultation_parts::revision.eq(revision)),
                )
                .execute(conn)?;
            }
            insert_parts(conn, id, revision, &draft.parts)?;
        }
        let attachments = serde_json::to_string(&draft.attachments)
            .map_err(|e| Error::Internal(e.to_string()))?;
        diesel::update(consultations::table.find(id))
            .set((
                consultations::slug.eq(&slug),
                consultations::kind.eq(draft.kind),
                consultations::title.eq(&draft.title),
                consultations::summary.eq(&draft.summary),
                consultations::receiving_unit.eq(&draft.receiving_unit),
                consultations::contact.eq(&draft.contact),
                consultations::attachments.eq(&attachments),
                consultations::opens_on.eq(draft.opens_on),
                consultations::closes_on.eq(draft.closes_on),
                consultations::revision.eq(revision),
                consultations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let action = if revision > current.revision {
            "consultation.revised"
        } else {
            "consultation.updated"
        };
        portal_audit::append(
            conn,
            &who.actor,
            action,
            Some(&format!("consultation:{id}")),
            Some(&json!({"revision": current.revision, "closes_on": current.closes_on})),
            Some(&audit_json(&draft, revision)),
        )?;
        let row = views::load(conn, id)?.ok_or_else(|| Error::not_found("consultation", id))?;
        views::full(conn, row)
    })
}

/// Puts a draft out for comment: public from now, open for comment from its opening day.
pub fn publish(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
) -> Result<ConsultationView, Error> {
    let today = portal_feedback::workdays::today_in_vietnam();
    write_transaction(conn, |conn| {
        let current = owned(conn, who, agency_code, id)?;
        if current.published_at.is_some() {
            return Err(Error::Conflict(format!(
                "consultation {id} is already published"
            )));
        }
        if current.closes_on < today {
            return Err(Error::Validation(vec![FieldError::new(
                "closes_on",
                "in_the_past",
                format!(
                    "it closed on {}: set a closing day from today ({today}) on",
                    current.closes_on
                ),
            )]));
        }
        diesel::update(consultations::table.find(id))
            .set((
                consultations::published_at.eq(now()),
                consultations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "consultation.published",
            Some(&format!("consultation:{id}")),
            None,
            Some(&json!({"opens_on": current.opens_on, "closes_on": current.closes_on})),
        )?;
        let row = views::load(conn, id)?.ok_or_else(|| Error::not_found("consultation", id))?;
        views::full(conn, row)
    })
}

/// The agency's consultations, newest first (drafts included).
pub fn list_own(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    page: &PageRequest,
) -> Result<Page<ConsultationView>, Error> {
    let agency = acting_for(conn, who, agency_code)?;
    let mut query = consultations::table
        .filter(consultations::agency_id.eq(agency.id))
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(consultations::id.lt(after));
    }
    let rows = query
        .order(consultations::id.desc())
        .limit(page.fetch_limit())
        .select(Consultation::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |c| c.id.to_string());
    let next_cursor = page.next_cursor;
    let mut items = Vec::with_capacity(page.items.len());
    for row in page.items {
        let mut view = views::summaries(conn, vec![row])?;
        if let Some(mut v) = view.pop() {
            v.counts = views::counts_of(conn, v.consultation.id)?;
            items.push(v);
        }
    }
    Ok(Page { items, next_cursor })
}

/// One of the agency's consultations, in full.
pub fn get_own(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
) -> Result<ConsultationView, Error> {
    let row = owned(conn, who, agency_code, id)?;
    views::full(conn, row)
}
