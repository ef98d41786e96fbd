//! What a citizen does, anonymous to the API (Điều 11.1): send a case, and follow it through its
//! private status link (the tracking code plus a secret only they were given).

use chrono::Duration;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::text::nfc;
use portal_core::{Error, FieldError};
use portal_db::schema::{feedback_cases, feedback_forwardings};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::guard::{self, IntakeLimits};
use crate::model::{Case, CaseKind, CaseStatus, ForwardingStatus, PersonalData};
use crate::personal::{mask, DataKey};
use crate::rules::tracking::{CodeError, TrackingCode};
use crate::{events, queries, workdays};

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 10_000;
/// The prefix of the province's tracking codes: Quảng Nam.
pub const CODE_PREFIX: &str = "QNA";
/// A second identical submission within this window is the first case, not a new one.
pub const DUPLICATE_WINDOW_HOURS: i64 = 24;

/// The purposes a citizen consents to, each asked separately and never pre-set (NĐ 13/2023,
/// Điều 11): processing the case is required; publication and e-mail are optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Consent {
    pub processing: bool,
    pub publication: bool,
    pub email: bool,
}

#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub site: String,
    pub section_id: Option<i64>,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub person: PersonalData,
    pub consent: Consent,
    pub privacy_notice_version: String,
    /// The form's hidden field: people leave it empty, form-filling robots do not.
    pub honeypot: Option<String>,
    /// How it came: the web form (with its token) or an integrator's app.
    pub channel: Channel,
}

/// How a case reaches the portal.
#[derive(Debug, Clone)]
pub enum Channel {
    /// The portal's form, with the token it was shown with (`guard::form_token`): the minimum
    /// fill time applies.
    Form { token: String },
    /// An integrator's app (Open311) under an API key with `feedback:submit`: the app, not a
    /// form, answers for the submission.
    Integrator(portal_auth::Principal),
}

impl Default for Channel {
    fn default() -> Self {
        Channel::Form {
            token: String::new(),
        }
    }
}

/// The name a site's case form signs its tokens with.
pub fn form_name(site: &str) -> String {
    format!("feedback:{site}")
}

/// What the citizen gets back: the code to quote and, for a new case, the secret of the status
/// link (shown once: only its digest is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub code: String,
    pub secret: Option<String>,
    pub duplicate: bool,
    pub case: Case,
}

fn clean_optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(|v| nfc(v.trim()))
        .filter(|v| !v.is_empty())
}

/// The person as given, cleaned, with every broken rule named by its JSON path (also the rules
/// of a commenter on a draft, `portal-consultation`).
pub fn check_person(errors: &mut Vec<FieldError>, person: &PersonalData) -> PersonalData {
    let cleaned = PersonalData {
        name: clean_optional(&person.name),
        email: clean_optional(&person.email).map(|e| e.to_lowercase()),
        phone: clean_optional(&person.phone),
        address: clean_optional(&person.address),
    };
    for (field, value, max) in [
        ("person.name", &cleaned.name, 200),
        ("person.address", &cleaned.address, 500),
    ] {
        if let Some(v) = value {
            portal_core::text::checked(errors, field, v, max, false, false);
        }
    }
    if let Some(email) = &cleaned.email {
        let ok = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
            && !email.contains(char::is_whitespace);
        if !ok {
            errors.push(FieldError::new(
                "person.email",
                "invalid_email",
                "an e-mail address such as ten@example.vn",
            ));
        }
    }
    if let Some(phone) = &cleaned.phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let ok = (8..=15).contains(&digits)
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        if !ok {
            errors.push(FieldError::new(
                "person.phone",
                "invalid_phone",
                "8 to 15 digits, with spaces, dots, dashes, brackets or a leading + only",
            ));
        }
    }
    cleaned
}

/// The version of the privacy notice a form showed, which consent refers to.
pub fn check_notice_version(errors: &mut Vec<FieldError>, notice: &str) {
    let notice = notice.trim();
    if notice.is_empty()
        || notice.len() > 40
        || !notice
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
    {
        errors.push(FieldError::new(
            "privacy_notice_version",
            "required",
            "the version of the privacy notice shown on the form, e.g. 2026-01",
        ));
    }
}

fn fingerprint(
    site: &str,
    kind: CaseKind,
    subject: &str,
    body: &str,
    person: &PersonalData,
) -> String {
    let mut hash = Sha256::new();
    for part in [
        site,
        kind.as_str(),
        subject,
        body,
        person.email.as_deref().unwrap_or(""),
        person.phone.as_deref().unwrap_or(""),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

/// Receives a case: checks it, gives it a tracking code and a deadline in working days from the
/// rule in force on the day it arrived, and records its first event, all in one transaction.
pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    key: &DataKey,
    limits: &IntakeLimits,
    new: &NewCase,
) -> Result<Receipt, Error> {
    let mut errors = Vec::new();
    match &new.channel {
        Channel::Form { token } => {
            if let Err(e) = guard::check_form_token(
                key,
                &form_name(&new.site),
                token,
                limits,
                chrono::Utc::now(),
            ) {
                errors.push(e);
            }
        }
        Channel::Integrator(principal) => principal.require_feedback_submit()?,
    }
    if new.honeypot.as_deref().is_some_and(|h| !h.is_empty()) {
        // Said plainly: a person never sees the field, so this only ever tells a robot.
        errors.push(FieldError::new(
            "website",
            "must_be_empty",
            "leave this field empty",
        ));
    }
    let kind = CaseKind::parse(&new.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            format!("one of {}", CaseKind::spellings()),
        ));
    }
    let subject = nfc(new.subject.trim());
    let body = nfc(new.body.trim());
    portal_core::text::checked(
        &mut errors,
        "subject",
        &subject,
        MAX_SUBJECT_CHARS,
        false,
        true,
    );
    portal_core::text::checked(&mut errors, "body", &body, MAX_BODY_CHARS, true, true);
    let person = check_person(&mut errors, &new.person);
    if !new.consent.processing {
        errors.push(FieldError::new(
            "consent.processing",
            "consent_required",
            "a case can only be handled with consent to process it (Nghị định 13/2023, Điều 11)",
        ));
    }
    if new.consent.email && person.email.is_none() {
        errors.push(FieldError::new(
            "consent.email",
            "email_missing",
            "consent to e-mail needs an address in person.email",
        ));
    }
    check_notice_version(&mut errors, &new.privacy_notice_version);
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let print = fingerprint(&new.site, kind, &subject, &body, &person);
    write_transaction(conn, |conn| {
        let site = portal_sections::sites::by_key(conn, &new.site)?
            .filter(|s| s.active)
            .ok_or_else(|| {
                Error::field(
                    "site",
                    "unknown_site",
                    format!("no active site has the key '{}'", new.site),
                )
            })?;
        if let Some(section_id) = new.section_id {
            let on_site = portal_sections::sections::sites_of(conn, &[section_id])?;
            if !on_site.iter().any(|(site_id, _)| *site_id == site.id) {
                return Err(Error::field(
                    "section_id",
                    "unknown_section",
                    format!("site '{}' has no section {section_id}", site.key),
                ));
            }
        }
        // The same case sent twice at once (a double click, a retrying app): the second waits
        // for the first to commit and then finds it, on PostgreSQL as on SQLite.
        portal_db::serialise_on(conn, &format!("feedback-case:{print}"))?;
        let since = now() - Duration::hours(DUPLICATE_WINDOW_HOURS);
        if let Some(existing) = queries::recent_by_fingerprint(conn, &print, since)? {
            return Ok(Receipt {
                code: existing.code.clone(),
                secret: None,
                duplicate: true,
                case: existing,
            });
        }
        let received_on = workdays::today_in_vietnam();
        let rule = workdays::deadline_rule(conn, kind, received_on)?;
        let calendar = workdays::calendar_around(conn, received_on)?;
        let due_on = calendar.add_working_days(received_on, rule.working_days.unsigned_abs());
        let code = TrackingCode::generate(CODE_PREFIX)
            .map_err(Error::Internal)?
            .as_str()
            .to_string();
        let secret = portal_auth::secrets::random_token()?;
        let sealed = key.seal(&person, &code)?;
        let at = now();
        let id: i64 = diesel::insert_into(feedback_cases::table)
            .values((
                feedback_cases::code.eq(&code),
                feedback_cases::secret_hash.eq(portal_auth::secrets::digest(&secret)),
                feedback_cases::site_id.eq(site.id),
                feedback_cases::section_id.eq(new.section_id),
                feedback_cases::kind.eq(kind),
                feedback_cases::status.eq(CaseStatus::Received),
                feedback_cases::subject.eq(&subject),
                feedback_cases::body.eq(&body),
                feedback_cases::personal_data.eq(&sealed),
                feedback_cases::contact_masked.eq(mask(&person)),
                feedback_cases::consent_processing.eq(new.consent.processing),
                feedback_cases::consent_publication.eq(new.consent.publication),
                feedback_cases::consent_email.eq(new.consent.email),
                feedback_cases::privacy_notice_version.eq(new.privacy_notice_version.trim()),
                feedback_cases::fingerprint.eq(&print),
                feedback_cases::received_on.eq(received_on),
                feedback_cases::deadline_rule_id.eq(rule.id),
                feedback_cases::due_on.eq(due_on),
                feedback_cases::created_at.eq(at),
                feedback_cases::updated_at.eq(at),
            ))
            .returning(feedback_cases::id)
            .get_result(conn)?;
        let case = queries::case_by_id(conn, id)?;
        events::told(
            conn,
            &case,
            "citizen",
            "received",
            Some(&format!("Hạn trả lời: {}", due_on.format("%d/%m/%Y"))),
        )?;
        // The audit names the case, never the person.
        portal_audit::append(
            conn,
            actor,
            "feedback.receive",
            Some(&format!("feedback:{code}")),
            None,
            Some(
                &json!({"kind": kind.as_str(), "site": site.key, "due_on": due_on, "deadline_rule": rule.id}),
            ),
        )?;
        Ok(Receipt {
            code: code.clone(),
            secret: Some(secret),
            duplicate: false,
            case: queries::case_by_id(conn, id)?,
        })
    })
}

/// Reads a tracking code as typed: a wrong check character is a 400 with a hint (a typo), a
/// wrong shape too; a well-formed code that is not ours is the caller's 404.
pub fn read_code(text: &str) -> Result<TrackingCode, Error> {
    TrackingCode::parse(text).map_err(|e| match e {
        CodeError::CheckFailed => Error::invalid_parameter(
            "code",
            "the code's last character does not match the others: check it for a typing mistake",
        ),
        CodeError::Malformed => {
            Error::invalid_parameter("code", "a tracking code looks like QNA-7K3M-X9P2")
        }
    })
}

/// The case behind a status link. A wrong secret is the same 404 as an unknown code, so the
/// link tells nobody that a code exists.
pub fn case_for_link(conn: &mut DbConn, code: &str, secret: &str) -> Result<Case, Error> {
    let code = read_code(code)?;
    let not_found = || Error::not_found("case", code.as_str());
    let case = queries::case_by_code(conn, code.as_str())?.ok_or_else(not_found)?;
    if !portal_auth::secrets::same(&portal_auth::secrets::digest(secret), &case.secret_hash) {
        return Err(not_found());
    }
    Ok(case)
}

/// What the case shows of its sender once they asked for erasure.
pub const ERASED_MASK: &str = "(đã xoá theo yêu cầu)";

/// The sender asks, through the status link, for their personal data to be destroyed
/// (NĐ 13/2023, Điều 16): the case stays, anonymous, and the erasure is a public step and an audit
/// event. Asking again changes nothing.
pub fn erase(conn: &mut DbConn, actor: &Actor, code: &str, secret: &str) -> Result<(), Error> {
    write_transaction(conn, |conn| {
        let case = case_for_link(conn, code, secret)?;
        if case.personal_data.is_none() {
            return Ok(());
        }
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::personal_data.eq(None::<String>),
                feedback_cases::contact_masked.eq(ERASED_MASK),
                // No address is left to write to.
                feedback_cases::consent_email.eq(false),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        events::record(
            conn,
            case.id,
            "citizen",
            "personal_data_erased",
            Some("Thông tin cá nhân đã được xoá theo yêu cầu"),
            true,
        )?;
        portal_audit::append(
            conn,
            actor,
            "feedback.erase",
            Some(&format!("feedback:{}", case.code)),
            None,
            Some(&json!({"fields": ["name", "email", "phone", "address"]})),
        )?;
        Ok(())
    })
}

/// The citizen answers a request for more information through the status link: the clock runs
/// again, and the case's due date (and that of every unsigned forwarding) moves on by the
/// working days it stood (`rules::deadline::after_pause`).
pub fn reply(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    secret: &str,
    text: &str,
) -> Result<(), Error> {
    let text = nfc(text.trim());
    let mut errors = Vec::new();
    portal_core::text::checked(&mut errors, "text", &text, MAX_BODY_CHARS, true, true);
    write_transaction(conn, |conn| {
        let case = case_for_link(conn, code, secret)?;
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let Some(since) = case.paused_since else {
            return Err(Error::Conflict(format!(
                "case {} is not waiting for more information",
                case.code
            )));
        };
        let today = workdays::today_in_vietnam();
        let calendar = workdays::calendar_around(conn, since)?;
        let (due_on, paused) =
            crate::rules::deadline::after_pause(&calendar, case.due_on, since, today);
        let paused_total = case
            .paused_working_days
            .saturating_add(i32::try_from(paused).unwrap_or(i32::MAX));
        diesel::update(feedback_cases::table.filter(feedback_cases::id.eq(case.id)))
            .set((
                feedback_cases::paused_since.eq(None::<chrono::NaiveDate>),
                feedback_cases::paused_working_days.eq(paused_total),
                feedback_cases::due_on.eq(due_on),
                feedback_cases::updated_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(
            feedback_forwardings::table
                .filter(feedback_forwardings::case_id.eq(case.id))
                .filter(feedback_forwardings::status.ne(ForwardingStatus::Signed)),
        )
        .set(feedback_forwardings::due_on.eq(due_on))
        .execute(conn)?;
        events::record(
            conn,
            case.id,
            "citizen",
            "information_given",
            Some(&text),
            true,
        )?;
        portal_audit::append(
            conn,
            actor,
            "feedback.reply",
            Some(&format!("feedback:{}", case.code)),
            Some(&json!({"due_on": case.due_on, "paused_since": since})),
            Some(&json!({"due_on": due_on, "paused_working_days": paused})),
        )?;
        Ok(())
    })
}
