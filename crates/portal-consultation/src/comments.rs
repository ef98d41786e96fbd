//! Comments on a draft (Điều 7.2.n; NĐ 42/2022, Điều 10.1.i "a way to comment"): anyone, anonymous
//! to the API, while the draft is open — through the protections of every public form (the form
//! token and allowance of `portal_feedback::guard`, the honeypot, the text rules, consent per
//! purpose, the commenter's name and contact sealed at rest) — and moderated by the agency
//! before anything is shown. A comment is shown only when its author agreed to it.

use chrono::Duration;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_auth::Acting;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{consultation_comments, consultation_parts};
use portal_db::{now, write_transaction, DbConn};
use portal_feedback::guard::{self, IntakeLimits};
use portal_feedback::intake::{check_notice_version, check_person};
use portal_feedback::model::PersonalData;
use portal_feedback::personal::{mask, DataKey};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::authoring::owned;
use crate::model::{Comment, CommentStatus, Consultation, Phase};
use crate::parts::text;
use crate::views;

pub const MAX_COMMENT_CHARS: usize = 10_000;
pub const MAX_ORGANISATION_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 1_000;
/// The same comment sent again within this window is the first one.
pub const DUPLICATE_WINDOW_HOURS: i64 = 24;

/// Consent per purpose, never pre-set: handling the comment is required, showing it optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommentConsent {
    pub processing: bool,
    pub publication: bool,
}

#[derive(Debug, Clone, Default)]
pub struct NewComment {
    /// The part it is about (its id); none for the draft as a whole.
    pub part: Option<String>,
    pub body: String,
    /// On behalf of an organisation (shown with the comment): a business, an association.
    pub organisation: Option<String>,
    pub person: PersonalData,
    pub consent: CommentConsent,
    pub privacy_notice_version: String,
    pub honeypot: Option<String>,
    pub form_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentReceipt {
    pub id: i64,
    pub duplicate: bool,
    pub status: CommentStatus,
}

/// The name a consultation's comment form signs its tokens with.
pub fn form_name(consultation_id: i64) -> String {
    format!("consultation:{consultation_id}")
}

/// A published consultation of the site; anything else is not found.
pub(crate) fn published_on_site(
    conn: &mut DbConn,
    site_key: &str,
    id: i64,
) -> Result<Consultation, Error> {
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    views::load(conn, id)?
        .filter(|c| c.site_id == site.id && c.published_at.is_some())
        .ok_or_else(|| Error::not_found("consultation", id))
}

fn fingerprint(id: i64, new: &NewComment, body: &str, person: &PersonalData) -> String {
    let mut hash = Sha256::new();
    for part in [
        id.to_string().as_str(),
        new.part.as_deref().unwrap_or(""),
        body,
        person.email.as_deref().unwrap_or(""),
        person.phone.as_deref().unwrap_or(""),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

/// Receives a comment on a published, open draft of the site; it waits for moderation.
pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    key: &DataKey,
    limits: &IntakeLimits,
    site_key: &str,
    id: i64,
    new: &NewComment,
) -> Result<CommentReceipt, Error> {
    let mut errors = Vec::new();
    if let Err(e) = guard::check_form_token(
        key,
        &form_name(id),
        &new.form_token,
        limits,
        chrono::Utc::now(),
    ) {
        errors.push(e);
    }
    if new.honeypot.as_deref().is_some_and(|h| !h.is_empty()) {
        errors.push(FieldError::new(
            "website",
            "must_be_empty",
            "leave this field empty",
        ));
    }
    let body = text(
        &mut errors,
        "body",
        &new.body,
        MAX_COMMENT_CHARS,
        true,
        true,
    );
    let organisation = new
        .organisation
        .as_deref()
        .map(|o| {
            text(
                &mut errors,
                "organisation",
                o,
                MAX_ORGANISATION_CHARS,
                false,
                false,
            )
        })
        .filter(|o| !o.is_empty());
    let person = check_person(&mut errors, &new.person);
    if !new.consent.processing {
        errors.push(FieldError::new(
            "consent.processing",
            "consent_required",
            "a comment can only be considered with consent to process it (Nghị định 13/2023, Điều 11)",
        ));
    }
    check_notice_version(&mut errors, &new.privacy_notice_version);
    let today = portal_feedback::workdays::today_in_vietnam();
    write_transaction(conn, |conn| {
        let consultation = published_on_site(conn, site_key, id)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors.clone()));
        }
        if consultation.phase_on(today) != Phase::Open {
            return Err(Error::Conflict(format!(
                "consultation {id} takes comments from {} to {}",
                consultation.opens_on.format("%d/%m/%Y"),
                consultation.closes_on.format("%d/%m/%Y")
            )));
        }
        if let Some(part) = &new.part {
            let exists = consultation_parts::table
                .filter(consultation_parts::consultation_id.eq(id))
                .filter(consultation_parts::revision.eq(consultation.revision))
                .filter(consultation_parts::part_key.eq(part))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if !exists {
                return Err(Error::field(
                    "part",
                    "unknown_part",
                    format!(
                        "revision {} of the draft has no part '{part}'",
                        consultation.revision
                    ),
                ));
            }
        }
        let print = fingerprint(id, new, &body, &person);
        // The same comment sent twice at once: the second finds the first.
        portal_db::serialise_on(conn, &format!("consultation-comment:{print}"))?;
        let since = now() - Duration::hours(DUPLICATE_WINDOW_HOURS);
        let earlier: Option<(i64, CommentStatus)> = consultation_comments::table
            .filter(consultation_comments::fingerprint.eq(&print))
            .filter(consultation_comments::created_at.ge(since))
            .select((consultation_comments::id, consultation_comments::status))
            .first(conn)
            .optional()?;
        if let Some((id, status)) = earlier {
            return Ok(CommentReceipt {
                id,
                duplicate: true,
                status,
            });
        }
        let has_person = person.name.is_some()
            || person.email.is_some()
            || person.phone.is_some()
            || person.address.is_some();
        let sealed = if has_person {
            Some(key.seal(&person, &format!("consultation-comment:{print}"))?)
        } else {
            None
        };
        let comment_id: i64 = diesel::insert_into(consultation_comments::table)
            .values((
                consultation_comments::consultation_id.eq(id),
                consultation_comments::revision.eq(consultation.revision),
                consultation_comments::part_key.eq(&new.part),
                consultation_comments::body.eq(&body),
                consultation_comments::organisation.eq(&organisation),
                consultation_comments::personal.eq(&sealed),
                consultation_comments::masked.eq(mask(&person)),
                consultation_comments::consent_publication.eq(new.consent.publication),
                consultation_comments::privacy_notice_version.eq(new.privacy_notice_version.trim()),
                consultation_comments::fingerprint.eq(&print),
                consultation_comments::status.eq(CommentStatus::Pending),
                consultation_comments::created_at.eq(now()),
            ))
            .returning(consultation_comments::id)
            .get_result(conn)?;
        portal_audit::append(
            conn,
            actor,
            "consultation.comment_received",
            Some(&format!("consultation:{id}")),
            None,
            Some(&json!({"comment": comment_id, "part": new.part})),
        )?;
        Ok(CommentReceipt {
            id: comment_id,
            duplicate: false,
            status: CommentStatus::Pending,
        })
    })
}

/// The agency shows a comment or turns it down (with a reason, kept in the back office), until
/// its conclusion is published.
pub fn moderate(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
    comment_id: i64,
    approve: bool,
    reason: Option<&str>,
) -> Result<Comment, Error> {
    let mut errors = Vec::new();
    let reason = reason
        .map(|r| text(&mut errors, "reason", r, MAX_REASON_CHARS, true, false))
        .filter(|r| !r.is_empty());
    if !approve && reason.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "reason",
            "required",
            "say why the comment is turned down",
        ));
    }
    write_transaction(conn, |conn| {
        let consultation = owned(conn, who, agency_code, id)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors.clone()));
        }
        if consultation.result_published_at.is_some() {
            return Err(Error::Conflict(format!(
                "the conclusion of consultation {id} is published: its comments are settled"
            )));
        }
        let comment = one(conn, id, comment_id)?;
        let status = if approve {
            CommentStatus::Approved
        } else {
            CommentStatus::Rejected
        };
        diesel::update(consultation_comments::table.find(comment_id))
            .set((
                consultation_comments::status.eq(status),
                consultation_comments::moderation_reason.eq(&reason),
                consultation_comments::moderated_by.eq(&who.actor.label),
                consultation_comments::moderated_at.eq(now()),
                // A comment turned down is not disposed of in the conclusion.
                consultation_comments::disposition.eq(comment.disposition.filter(|_| approve)),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "consultation.comment_moderated",
            Some(&format!("consultation:{id}")),
            Some(&json!({"comment": comment_id, "status": comment.status.as_str()})),
            Some(&json!({"comment": comment_id, "status": status.as_str(), "reason": reason})),
        )?;
        one(conn, id, comment_id)
    })
}

pub(crate) fn one(conn: &mut DbConn, id: i64, comment_id: i64) -> Result<Comment, Error> {
    consultation_comments::table
        .find(comment_id)
        .filter(consultation_comments::consultation_id.eq(id))
        .select(Comment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("comment", comment_id))
}

/// The agency's moderation list: oldest first, optionally of one status; contact details masked.
pub fn list_for_agency(
    conn: &mut DbConn,
    who: &Acting,
    agency_code: &str,
    id: i64,
    status: Option<CommentStatus>,
    page: &PageRequest,
) -> Result<Page<Comment>, Error> {
    owned(conn, who, agency_code, id)?;
    let mut query = consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(id))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(consultation_comments::status.eq(status));
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(consultation_comments::id.gt(after));
    }
    let rows = query
        .order(consultation_comments::id.asc())
        .limit(page.fetch_limit())
        .select(Comment::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |c| c.id.to_string()))
}

/// The commenter's name and contact, for the agency that must answer them; audited.
pub fn contact_of(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    comment: &Comment,
) -> Result<PersonalData, Error> {
    let person = contact_of_unaudited(key, comment)?;
    portal_audit::append(
        conn,
        &who.actor,
        "consultation.comment_contact_viewed",
        Some(&format!("consultation:{}", comment.consultation_id)),
        None,
        Some(&json!({"comment": comment.id})),
    )?;
    Ok(person)
}

/// The sealed contact opened; the caller audits the view.
pub(crate) fn contact_of_unaudited(
    key: &DataKey,
    comment: &Comment,
) -> Result<PersonalData, Error> {
    match &comment.personal {
        None => Ok(PersonalData::default()),
        Some(sealed) => key.open(
            sealed,
            &format!("consultation-comment:{}", comment.fingerprint),
        ),
    }
}
