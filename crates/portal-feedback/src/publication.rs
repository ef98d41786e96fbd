//! Answers published as public Q&A (Điều 11; Điều 5.3 and NĐ 13/2023 for what may not be shown):
//! the editorial board of the case's site publishes a signed answer of general interest when the
//! citizen consented to publication, with the question and the answer as the board edited them —
//! and refused (422 naming the field) while the text still holds the sender's name, e-mail, phone
//! or address, or anything shaped like an e-mail address or a phone or ID number.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::text::fold;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::{feedback_cases, feedback_publications};
use portal_db::{now, write_transaction, DbConn};
use serde_json::json;

use crate::model::{Case, CaseKind, CaseStatus, ForwardingStatus, PersonalData};
use crate::personal::DataKey;
use crate::triage::{written, MAX_LETTER_CHARS};
use crate::{answers::MAX_ANSWER_CHARS, events, queries, views};

/// Words a search may hold, and the longest query.
pub const MAX_SEARCH_WORDS: usize = 8;
pub const MAX_SEARCH_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = feedback_publications)]
struct Row {
    id: i64,
    case_id: i64,
    site_id: i64,
    title: String,
    question: String,
    answer: String,
    answered_by: String,
    published_at: NaiveDateTime,
}

/// A published question and its answer, as anyone reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedQa {
    pub id: i64,
    pub site: String,
    pub kind: CaseKind,
    pub field: Option<String>,
    pub title: String,
    pub question: String,
    pub answer: String,
    /// The agencies whose heads signed the answer.
    pub answered_by: String,
    pub asked_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub published_at: NaiveDateTime,
}

/// What the board writes: the texts as they will be shown.
pub struct NewPublication {
    pub title: String,
    pub question: String,
    pub answer: String,
}

/// Runs of digits (with spaces, dots or dashes between) at least this long look like a phone
/// or ID number (a CCCD has 12 digits, a phone 10).
const NUMBER_RUN: usize = 9;

fn longest_digit_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            run += 1;
            best = best.max(run);
        } else if !(matches!(c, ' ' | '.' | '-')
            && run > 0
            && chars.peek().is_some_and(|n| n.is_ascii_digit()))
        {
            run = 0;
        }
    }
    best
}

fn looks_like_email(text: &str) -> bool {
    text.split_whitespace().any(|word| {
        word.split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
    })
}

/// What in a text would show who wrote it.
fn personal_data_in(text: &str, person: Option<&PersonalData>) -> Option<&'static str> {
    let folded = fold(text);
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if let Some(p) = person {
        let holds = |value: &Option<String>| {
            value
                .as_deref()
                .map(fold)
                .is_some_and(|v| v.trim().chars().count() >= 3 && folded.contains(v.trim()))
        };
        if holds(&p.name) {
            return Some("the sender's name");
        }
        if holds(&p.email) {
            return Some("the sender's e-mail address");
        }
        if holds(&p.address) {
            return Some("the sender's address");
        }
        let phone: String = p
            .phone
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if phone.len() >= 6 && digits.contains(&phone) {
            return Some("the sender's phone number");
        }
    }
    if looks_like_email(text) {
        return Some("an e-mail address");
    }
    if longest_digit_run(text) >= NUMBER_RUN {
        return Some("a phone or identity number");
    }
    None
}

/// The board publishes (or publishes again, after editing or a withdrawal) a case's answer.
pub fn publish(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    code: &str,
    input: &NewPublication,
) -> Result<PublishedQa, Error> {
    who.principal.require_publish_somewhere()?;
    let code = crate::intake::read_code(code)?;
    let mut errors = Vec::new();
    let title = written(&mut errors, "title", &input.title, 300);
    let question = written(
        &mut errors,
        "question",
        &input.question,
        MAX_LETTER_CHARS * 2,
    );
    let answer = written(&mut errors, "answer", &input.answer, MAX_ANSWER_CHARS);
    write_transaction(conn, |conn| {
        let case = queries::case_by_code(conn, code.as_str())?
            .ok_or_else(|| Error::not_found("case", code.as_str()))?;
        let site = portal_sections::sites::key_of(conn, case.site_id)?;
        who.principal.require_publish_on(&site)?;
        if case.status != CaseStatus::Answered {
            return Err(Error::Conflict(format!(
                "case {} is {}: only a signed answer is published",
                case.code,
                case.status.as_str()
            )));
        }
        if !case.consent_publication {
            return Err(Error::Conflict(format!(
                "the sender of case {} did not consent to its publication",
                case.code
            )));
        }
        // Compared, never shown: the board sees no personal data here.
        let person = match &case.personal_data {
            Some(sealed) => Some(key.open(sealed, &case.code)?),
            None => None,
        };
        for (field, text) in [
            ("title", &title),
            ("question", &question),
            ("answer", &answer),
        ] {
            if let Some(what) = personal_data_in(text, person.as_ref()) {
                errors.push(FieldError::new(
                    field,
                    "personal_data",
                    format!("holds {what}: published Q&A carries no personal data (Điều 5.3)"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let answered_by = answering_agencies(conn, &case)?;
        let search_text = fold(&format!("{title}\n{question}\n{answer}"));
        let at = now();
        let earlier: Option<(i64, Option<NaiveDateTime>)> = feedback_publications::table
            .filter(feedback_publications::case_id.eq(case.id))
            .select((
                feedback_publications::id,
                feedback_publications::withdrawn_at,
            ))
            .first(conn)
            .optional()?;
        let existing = earlier.map(|(id, _)| id);
        // A withdrawn Q&A published again is new to a mirror; a live one edited is an update.
        let change = match earlier {
            Some((_, None)) => "updated",
            _ => "published",
        };
        let values = (
            feedback_publications::title.eq(&title),
            feedback_publications::question.eq(&question),
            feedback_publications::answer.eq(&answer),
            feedback_publications::answered_by.eq(&answered_by),
            feedback_publications::search_text.eq(&search_text),
            feedback_publications::published_by.eq(&who.actor.label),
        );
        let id = match existing {
            Some(id) => {
                diesel::update(
                    feedback_publications::table.filter(feedback_publications::id.eq(id)),
                )
                .set((
                    values,
                    feedback_publications::withdrawn_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
                id
            }
            None => diesel::insert_into(feedback_publications::table)
                .values((
                    values,
                    feedback_publications::case_id.eq(case.id),
                    feedback_publications::site_id.eq(case.site_id),
                    feedback_publications::published_at.eq(at),
                ))
                .returning(feedback_publications::id)
                .get_result(conn)?,
        };
        if existing.is_none() {
            events::told(conn, &case, &who.actor.label, "published", Some(&title))?;
        }
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.publish",
            Some(&format!("feedback:{}", case.code)),
            None,
            Some(
                &json!({"publication": id, "site": site, "title": title, "checked_for_personal_data": true}),
            ),
        )?;
        crate::qa_changes::record(conn, id, case.site_id, change)?;
        one_published(conn, id)?.ok_or_else(|| Error::Internal("a publication vanished".into()))
    })
}

fn answering_agencies(conn: &mut DbConn, case: &Case) -> Result<String, Error> {
    let signed: Vec<_> = queries::forwardings_of(conn, case.id)?
        .into_iter()
        .filter(|f| f.active() && f.status == ForwardingStatus::Signed)
        .collect();
    let views = views::forwarding_views(conn, signed)?;
    Ok(views
        .into_iter()
        .map(|v| v.agency_name)
        .collect::<Vec<_>>()
        .join("; "))
}

/// The board takes a published Q&A down; publishing it again brings it back.
pub fn withdraw(conn: &mut DbConn, who: &Acting, code: &str) -> Result<(), Error> {
    who.principal.require_publish_somewhere()?;
    let code = crate::intake::read_code(code)?;
    write_transaction(conn, |conn| {
        let not_published = || Error::not_found("published question of case", code.as_str());
        let case = queries::case_by_code(conn, code.as_str())?.ok_or_else(not_published)?;
        let id: i64 = feedback_publications::table
            .filter(feedback_publications::case_id.eq(case.id))
            .select(feedback_publications::id)
            .first(conn)
            .optional()?
            .ok_or_else(not_published)?;
        let row = live(conn, id)?.ok_or_else(not_published)?;
        let site = portal_sections::sites::key_of(conn, row.site_id)?;
        who.principal.require_publish_on(&site)?;
        diesel::update(feedback_publications::table.filter(feedback_publications::id.eq(id)))
            .set(feedback_publications::withdrawn_at.eq(now()))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "feedback.withdraw",
            Some(&format!("feedback:{}", case.code)),
            None,
            Some(&json!({"publication": id, "site": site, "withdrawn": true})),
        )?;
        crate::qa_changes::record(conn, id, row.site_id, "withdrawn")?;
        Ok(())
    })
}

fn live(conn: &mut DbConn, id: i64) -> Result<Option<Row>, Error> {
    Ok(feedback_publications::table
        .filter(feedback_publications::id.eq(id))
        .filter(feedback_publications::withdrawn_at.is_null())
        .select(Row::as_select())
        .first(conn)
        .optional()?)
}

/// What a published Q&A shows of its case: id, kind, field, received and answered dates.
type CaseFacts = (i64, CaseKind, Option<String>, NaiveDate, Option<NaiveDate>);

fn to_views(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<PublishedQa>, Error> {
    let case_ids: Vec<i64> = rows.iter().map(|r| r.case_id).collect();
    let cases: Vec<CaseFacts> = feedback_cases::table
        .filter(feedback_cases::id.eq_any(&case_ids))
        .select((
            feedback_cases::id,
            feedback_cases::kind,
            feedback_cases::field,
            feedback_cases::received_on,
            feedback_cases::answered_on,
        ))
        .load(conn)?;
    let site_ids: Vec<i64> = rows.iter().map(|r| r.site_id).collect();
    let sites = portal_sections::sites::keys_by_id(conn, &site_ids)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let (_, kind, field, asked_on, answered_on) =
                cases.iter().find(|c| c.0 == r.case_id)?.clone();
            Some(PublishedQa {
                id: r.id,
                site: sites.get(&r.site_id).cloned().unwrap_or_default(),
                kind,
                field,
                title: r.title,
                question: r.question,
                answer: r.answer,
                answered_by: r.answered_by,
                asked_on,
                answered_on,
                published_at: r.published_at,
            })
        })
        .collect())
}

/// The live (not withdrawn) Q&A among `ids`.
pub(crate) fn live_by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<PublishedQa>, Error> {
    let rows = feedback_publications::table
        .filter(feedback_publications::id.eq_any(ids))
        .filter(feedback_publications::withdrawn_at.is_null())
        .select(Row::as_select())
        .load(conn)?;
    to_views(conn, rows)
}

fn one_published(conn: &mut DbConn, id: i64) -> Result<Option<PublishedQa>, Error> {
    let Some(row) = live(conn, id)? else {
        return Ok(None);
    };
    Ok(to_views(conn, vec![row])?.pop())
}

/// The words of a search, folded ("quang nam" finds "Quảng Nam"), bounded, LIKE-safe.
fn search_words(q: &str) -> Result<Vec<String>, Error> {
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::invalid_parameter(
            "q",
            format!("at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    let words: Vec<String> = fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.len() > MAX_SEARCH_WORDS {
        return Err(Error::invalid_parameter(
            "q",
            format!("at most {MAX_SEARCH_WORDS} words"),
        ));
    }
    Ok(words)
}

/// A site's published Q&A, newest first, optionally those holding every word of `q`.
pub fn list(
    conn: &mut DbConn,
    site_key: &str,
    q: Option<&str>,
    page: &PageRequest,
) -> Result<Page<PublishedQa>, Error> {
    let words = q.map(search_words).transpose()?.unwrap_or_default();
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    let mut query = feedback_publications::table
        .filter(feedback_publications::site_id.eq(site.id))
        .filter(feedback_publications::withdrawn_at.is_null())
        .into_boxed();
    // A scan of the site's Q&A, bounded by what a site publishes (hundreds a year); the words
    // are letters and digits only, so none is a LIKE wildcard.
    for word in &words {
        query = query.filter(feedback_publications::search_text.like(format!("%{word}%")));
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(feedback_publications::id.lt(after));
    }
    let rows = query
        .order(feedback_publications::id.desc())
        .limit(page.fetch_limit())
        .select(Row::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |r| r.id.to_string());
    let next_cursor = page.next_cursor;
    Ok(Page {
        items: to_views(conn, page.items)?,
        next_cursor,
    })
}

/// One published Q&A of a site; 404 when withdrawn or on another site.
pub fn get(conn: &mut DbConn, site_key: &str, id: i64) -> Result<PublishedQa, Error> {
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    one_published(conn, id)?
        .filter(|qa| qa.site == site.key)
        .ok_or_else(|| Error::not_found("published question", id))
}

/// An answered case the board may publish: the texts to start its edit from, no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub code: String,
    pub kind: CaseKind,
    pub subject: String,
    pub body: String,
    pub answers: Vec<views::SignedAnswer>,
    pub answered_on: Option<NaiveDate>,
    pub published_id: Option<i64>,
}

/// What the board of a site may publish: answered cases whose senders consented, newest first.
pub fn candidates(
    conn: &mut DbConn,
    who: &Acting,
    site_key: &str,
    page: &PageRequest,
) -> Result<Page<Candidate>, Error> {
    who.principal.require_publish_on(site_key)?;
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    let mut query = feedback_cases::table
        .filter(feedback_cases::site_id.eq(site.id))
        .filter(feedback_cases::status.eq(CaseStatus::Answered))
        .filter(feedback_cases::consent_publication.eq(true))
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(feedback_cases::id.lt(after));
    }
    let rows = query
        .order(feedback_cases::id.desc())
        .limit(page.fetch_limit())
        .select(Case::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, page, |c| c.id.to_string());
    let mut items = Vec::new();
    for case in page.items {
        let published_id = feedback_publications::table
            .filter(feedback_publications::case_id.eq(case.id))
            .filter(feedback_publications::withdrawn_at.is_null())
            .select(feedback_publications::id)
            .first(conn)
            .optional()?;
        items.push(Candidate {
            answers: views::signed_answers(conn, case.id)?,
            code: case.code,
            kind: case.kind,
            subject: case.subject,
            body: case.body,
            answered_on: case.answered_on,
            published_id,
        });
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_addresses_that_identify_someone_are_found() {
        assert_eq!(longest_digit_run("gọi 0905 123 456"), 10);
        assert_eq!(longest_digit_run("CCCD 049.201.000.123"), 12);
        // Decrees and dates stay under the threshold even where their digits join up.
        assert_eq!(
            longest_digit_run("Nghị định 42/2022/NĐ-CP, ngày 24-06-2022"),
            8
        );
        assert!(longest_digit_run("giai đoạn 2021-2025, năm 2026") < NUMBER_RUN);
        assert!(looks_like_email("viết cho an@example.vn nhé"));
        assert!(!looks_like_email("@quangnam và quangnam.gov.vn"));
    }

    #[test]
    fn the_senders_own_data_is_found_without_diacritics_or_spacing() {
        let person = PersonalData {
            name: Some("Nguyễn Văn An".into()),
            email: None,
            phone: Some("0905-123-456".into()),
            address: Some("12 Phan Châu Trinh, Tam Kỳ".into()),
        };
        assert_eq!(
            personal_data_in("Ông NGUYEN VAN AN hỏi", Some(&person)),
            Some("the sender's name")
        );
        assert_eq!(
            personal_data_in("số 0905123456", Some(&person)),
            Some("the sender's phone number")
        );
        assert_eq!(
            personal_data_in("nhà ở 12 phan chau trinh, tam ky", Some(&person)),
            Some("the sender's address")
        );
        assert_eq!(
            personal_data_in("Thủ tục cấp phép xây dựng", Some(&person)),
            None
        );
    }
}
