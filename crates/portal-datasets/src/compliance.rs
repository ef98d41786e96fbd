//! Compliance and timeliness (Điều 8.1, 25.2): for a site and a period, each mandatory category
//! of the rule pack in force at the period's end, per agency that must supply it — present,
//! missing or stale (not updated within its frequency) — and each item's time from the event it
//! reports to its first publication, in working days of the calendar, against the limit of the
//! pack in force on the event's day. A score per agency, and the counts of Điều 25.2: items
//! posted by kind, on time, late.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime};
use portal_auth::{Principal, Scope};
use portal_content::types::typed::{newest_by_section, published_in, PublishedTyped};
use portal_core::Error;
use portal_db::DbConn;
use portal_feedback::rules::calendar::WorkingCalendar;
use serde_json::Value;

use crate::packs::{self, Category, Pack};

/// The longest period a report covers.
pub const MAX_DAYS: i64 = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Present,
    Missing,
    /// Present, but nothing new within the category's frequency.
    Stale,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Missing => "missing",
            Presence::Stale => "stale",
        }
    }
}

/// An item published after its time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateItem {
    pub item_id: i64,
    pub title: String,
    pub slug: String,
    pub event_on: NaiveDate,
    pub published_on: NaiveDate,
    pub working_days: u32,
    pub limit_days: i32,
    /// The pack whose limit applied (the one in force on the event's day).
    pub pack: String,
}

#[derive(Debug, Clone)]
pub struct CategoryStatus {
    pub code: String,
    pub name: String,
    /// What fills it: a content type's items, or a section's.
    pub content_type: Option<String>,
    pub section_slug: Option<String>,
    pub legal_basis: String,
    pub presence: Presence,
    pub frequency_days: Option<i32>,
    /// When the agency's newest item of the category last changed.
    pub newest_at: Option<NaiveDateTime>,
    /// Items first published in the period.
    pub items: i64,
    pub on_time: i64,
    pub late: i64,
    /// Items whose event date is not given (timeliness unknown).
    pub undated: i64,
    pub late_items: Vec<LateItem>,
}

impl CategoryStatus {
    fn met(&self) -> bool {
        self.presence == Presence::Present && self.late == 0
    }
}

#[derive(Debug, Clone)]
pub struct AgencyReport {
    pub code: String,
    pub name: String,
    pub categories: Vec<CategoryStatus>,
    /// Categories met (present, fresh, nothing late) out of all, as a percentage.
    pub score: u32,
    /// Điều 25.2: every item the agency's sections first published in the period, by kind.
    pub by_kind: BTreeMap<String, i64>,
    pub on_time: i64,
    pub late: i64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub site: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub pack: String,
    pub pack_name: String,
    pub pack_legal_basis: String,
    pub agencies: Vec<AgencyReport>,
}

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The day in Việt Nam of a stored UTC time.
pub fn day_in_vietnam(at: NaiveDateTime) -> NaiveDate {
    at.and_utc().with_timezone(&vietnam()).date_naive()
}

/// The event date an item's data carries in `field` (a date, or a datetime's day in Việt Nam).
pub fn event_date(data: &Value, field: &str) -> Option<NaiveDate> {
    let text = data.get(field)?.as_str()?;
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&vietnam()).date_naive())
}

/// Whether an item was late: working days after its event up to its first publication against
/// the limit of `code` in the pack in force on the event's day (the item's own rule, even when
/// a later pack governs the report). None when it was on time.
pub fn lateness(
    calendar: &WorkingCalendar,
    all_packs: &[Pack],
    code: &str,
    event_on: NaiveDate,
    published_on: NaiveDate,
) -> Option<(u32, i32, String)> {
    let pack = all_packs.iter().find(|p| p.covers(event_on))?;
    let limit = pack.limit_of(code);
    let days = calendar.working_days_between(event_on, published_on);
    (days > limit.unsigned_abs()).then(|| (days, limit, pack.row.key.clone()))
}

fn score(categories: &[CategoryStatus]) -> u32 {
    if categories.is_empty() {
        return 100;
    }
    let met = categories.iter().filter(|c| c.met()).count();
    ((met * 100 + categories.len() / 2) / categories.len()) as u32
}

struct Agencies {
    /// section id → owning agency id
    owner: HashMap<i64, i64>,
    /// agency id → (code, Vietnamese name)
    names: HashMap<i64, (String, String)>,
}

/// What every category of a report is judged by.
struct Context<'a> {
    to: NaiveDate,
    calendar: &'a WorkingCalendar,
    packs: &'a [Pack],
    agencies: &'a Agencies,
}

fn category_status(
    cx: &Context<'_>,
    c: &Category,
    agency: i64,
    items: &[PublishedTyped],
    newest: &[(i64, NaiveDateTime)],
) -> CategoryStatus {
    let (to, calendar, all_packs, agencies) = (cx.to, cx.calendar, cx.packs, cx.agencies);
    let mine = |section: i64| agencies.owner.get(&section) == Some(&agency);
    let newest_at = newest
        .iter()
        .filter(|(s, _)| mine(*s))
        .map(|(_, at)| *at)
        .max();
    let presence = match (newest_at, c.frequency_days) {
        (None, _) => Presence::Missing,
        (Some(at), Some(days)) if day_in_vietnam(at) + Duration::days(i64::from(days)) < to => {
            Presence::Stale
        }
        _ => Presence::Present,
    };
    let mut status = CategoryStatus {
        code: c.code.clone(),
        name: c.name.clone(),
        content_type: c.content_type.clone(),
        section_slug: c.section_slug.clone(),
        legal_basis: c.legal_basis.clone(),
        presence,
        frequency_days: c.frequency_days,
        newest_at,
        items: 0,
        on_time: 0,
        late: 0,
        undated: 0,
        late_items: Vec::new(),
    };
    for item in items.iter().filter(|i| mine(i.section_id)) {
        status.items += 1;
        let Some(field) = &c.event_field else {
            continue;
        };
        let Some(event_on) = event_date(item.data.value(), field) else {
            status.undated += 1;
            continue;
        };
        let published_on = day_in_vietnam(item.published_at);
        match lateness(calendar, all_packs, &c.code, event_on, published_on) {
            None => status.on_time += 1,
            Some((working_days, limit_days, pack)) => {
                status.late += 1;
                status.late_items.push(LateItem {
                    item_id: item.item_id,
                    title: item.title.clone(),
                    slug: item.slug.clone(),
                    event_on,
                    published_on,
                    working_days,
                    limit_days,
                    pack,
                });
            }
        }
    }
    status
}

/// The report of `site` over [from, to] (days in Việt Nam), for one agency or all that must
/// supply something or own a section; `reports:read`.
pub fn report(
    conn: &mut DbConn,
    who: &Principal,
    site_key: &str,
    from: NaiveDate,
    to: NaiveDate,
    agency: Option<&str>,
) -> Result<Report, Error> {
    who.require(Scope::ReportsRead)?;
    if to < from {
        return Err(Error::invalid_parameter("to", "must not be before from"));
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err(Error::invalid_parameter(
            "to",
            format!("a report covers at most {MAX_DAYS} days"),
        ));
    }
    let site = portal_sections::sites::active_by_key(conn, site_key)?;
    let all_packs = packs::every(conn)?;
    let pack = all_packs
        .iter()
        .find(|p| p.covers(to))
        .cloned()
        .ok_or_else(|| Error::not_found("rule pack in force on", to))?;
    // Events up to a year or so before the period's first publications still count.
    let calendar = portal_feedback::workdays::working_calendar(
        conn,
        chrono::Datelike::year(&from) - 2..=chrono::Datelike::year(&to) + 1,
    )?;
    let sections = portal_sections::sections::all_of_site(conn, site.id)?;
    let owner: HashMap<i64, i64> = sections.iter().map(|s| (s.id, s.owner_agency_id)).collect();
    let mut ids: Vec<i64> = owner.values().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut by_code: HashMap<String, i64> = HashMap::new();
    for c in &pack.categories {
        if let Some(code) = &c.agency_code {
            if let Some(a) = portal_sections::agencies::find_by_code(conn, code)? {
                by_code.insert(code.clone(), a.id);
                if !ids.contains(&a.id) {
                    ids.push(a.id);
                }
            }
        }
    }
    let agencies = Agencies {
        owner,
        names: portal_sections::agencies::names_by_id(conn, &ids)?,
    };
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(7);
    let end = (to + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        - Duration::hours(7);
    let mut per_agency: BTreeMap<String, AgencyReport> = BTreeMap::new();
    // The report's entry of an agency (made on first use), unless another agency was asked for.
    let entry = |per_agency: &mut BTreeMap<String, AgencyReport>, id: i64| -> Option<String> {
        let (code, name) = agencies.names.get(&id)?.clone();
        if agency.is_some_and(|a| a != code) {
            return None;
        }
        per_agency
            .entry(code.clone())
            .or_insert_with(|| AgencyReport {
                code: code.clone(),
                name,
                categories: Vec::new(),
                score: 100,
                by_kind: BTreeMap::new(),
                on_time: 0,
                late: 0,
            });
        Some(code)
    };
    let cx = Context {
        to,
        calendar: &calendar,
        packs: &all_packs,
        agencies: &agencies,
    };
    let kind_counts =
        portal_content::published::counts_by_section_and_kind(conn, site.id, start, end)?;
    for c in &pack.categories {
        // A type's items anywhere on the site, or a section's items of any kind.
        let (items, newest, in_sections) = match (&c.content_type, &c.section_slug) {
            (Some(key), _) => (
                published_in(conn, key, site.id, start, end)?,
                newest_by_section(conn, key, site.id)?,
                Vec::new(),
            ),
            (None, Some(slug)) => {
                let ids: Vec<i64> = sections
                    .iter()
                    .filter(|s| &s.slug == slug)
                    .map(|s| s.id)
                    .collect();
                (
                    Vec::new(),
                    portal_content::published::newest_in_sections(conn, &ids)?,
                    ids,
                )
            }
            (None, None) => continue,
        };
        let suppliers: Vec<i64> = match &c.agency_code {
            Some(code) => by_code.get(code).copied().into_iter().collect(),
            None if !in_sections.is_empty() => {
                let mut owners: Vec<i64> = in_sections
                    .iter()
                    .filter_map(|s| agencies.owner.get(s).copied())
                    .collect();
                owners.dedup();
                owners
            }
            None => {
                let mut owners: Vec<i64> = agencies.owner.values().copied().collect();
                owners.sort_unstable();
                owners.dedup();
                owners
            }
        };
        for a in suppliers {
            let Some(code) = entry(&mut per_agency, a) else {
                continue;
            };
            let mut status = category_status(&cx, c, a, &items, &newest);
            // A section's items carry no event date: counted, never judged late.
            let section_items: i64 = kind_counts
                .iter()
                .filter(|(s, _, _)| in_sections.contains(s) && agencies.owner.get(s) == Some(&a))
                .map(|(_, _, n)| n)
                .sum();
            status.items += section_items;
            status.undated += section_items;
            if let Some(r) = per_agency.get_mut(&code) {
                r.on_time += status.on_time;
                r.late += status.late;
                r.categories.push(status);
            }
        }
    }
    for (section, kind, n) in kind_counts {
        let Some(a) = agencies.owner.get(&section).copied() else {
            continue;
        };
        if let Some(code) = entry(&mut per_agency, a) {
            if let Some(r) = per_agency.get_mut(&code) {
                *r.by_kind.entry(kind).or_insert(0) += n;
            }
        }
    }
    let mut agencies: Vec<AgencyReport> = per_agency.into_values().collect();
    for a in &mut agencies {
        a.score = score(&a.categories);
    }
    // The lowest score first: whom Sở TT&TT calls first.
    agencies.sort_by(|a, b| a.score.cmp(&b.score).then_with(|| a.code.cmp(&b.code)));
    Ok(Report {
        site: site.key,
        from,
        to,
        pack: pack.row.key.clone(),
        pack_name: pack.row.name.clone(),
        pack_legal_basis: pack.row.legal_basis.clone(),
        agencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_event_date_is_read_from_a_date_or_a_datetime_in_vietnam() {
        let data = json!({"ngay": "2026-03-05", "luc": "2026-03-04T18:30:00Z"});
        assert_eq!(
            event_date(&data, "ngay"),
            NaiveDate::from_ymd_opt(2026, 3, 5)
        );
        assert_eq!(
            event_date(&data, "luc"),
            NaiveDate::from_ymd_opt(2026, 3, 5)
        );
        assert_eq!(event_date(&data, "khac"), None);
    }

    #[test]
    fn a_score_is_the_share_of_categories_met() {
        let c = |presence, late| CategoryStatus {
            code: String::new(),
            name: String::new(),
            content_type: None,
            section_slug: None,
            legal_basis: String::new(),
            presence,
            frequency_days: None,
            newest_at: None,
            items: 0,
            on_time: 0,
            late,
            undated: 0,
            late_items: Vec::new(),
        };
        assert_eq!(
            score(&[
                c(Presence::Present, 0),
                c(Presence::Missing, 0),
                c(Presence::Present, 1)
            ]),
            33
        );
        assert_eq!(score(&[c(Presence::Present, 0), c(Presence::Stale, 0)]), 50);
        assert_eq!(score(&[]), 100);
    }
}
