//! Working days: the days on which a deadline for a citizen's case runs.
//!
//! Saturday and Sunday are the weekly rest days of state offices (the 40-hour week of Quyết
//! định 188/1999/QĐ-TTg; Bộ luật Lao động 2019, Điều 111.2 leaves the rest day to the
//! employer). Public holidays are not constants here: they have legal force and change by law
//! and by the Government's yearly announcements, so the caller loads them as dated
//! [`HolidayRule`] rows and the announced changes as [`Override`]s.
//!
//! Coverage: a [`WorkingCalendar`] knows the holidays of the civil years it was built for. On a
//! date outside them only weekends and overrides are rest days, so the caller must build it
//! wide enough for the deadlines it computes (a case received in late December needs the next
//! year) and can ask [`WorkingCalendar::covers`].

use std::collections::{BTreeMap, HashMap};
use std::ops::RangeInclusive;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::lunar::{lunar_to_solar, LunarDate, VIETNAM_UTC_OFFSET_HOURS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarKind {
    Solar,
    Lunar,
}

/// A holiday as the law states it, valid over a span of dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRule {
    pub name: String,
    pub calendar: CalendarKind,
    pub month: u32,
    pub day: u32,
    /// Days from the anchor date to the first day off (Tết: -1, the last day of the lunar year,
    /// which is the day before 1/1 whether the 12th month has 29 or 30 days).
    pub offset_days: i32,
    pub length_days: u32,
    /// Bộ luật Lao động 2019, Điều 111.3: a holiday of Điều 112.1 falling on a weekly rest day
    /// gives the next working day off.
    pub compensate_weekend: bool,
    pub valid_from: NaiveDate,
    /// Inclusive; None = open.
    pub valid_to: Option<NaiveDate>,
}

/// An announced change: a day made off (`working: false`) or a weekend day made a working day
/// (`working: true`), as in the Government's yearly swaps around Tết and 2/9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    pub date: NaiveDate,
    pub working: bool,
}

/// Which days are working days, for the civil years it was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    /// Holidays and compensatory days with their names, inside `covered` only.
    days_off: BTreeMap<NaiveDate, Vec<String>>,
    overrides: HashMap<NaiveDate, bool>,
    covered: Option<(NaiveDate, NaiveDate)>,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn year_span(first: i32, last: i32) -> Option<(NaiveDate, NaiveDate)> {
    let from = NaiveDate::from_ymd_opt(first, 1, 1)?;
    let to = NaiveDate::from_ymd_opt(last, 12, 31)?;
    (from <= to).then_some((from, to))
}

impl HolidayRule {
    /// The date the rule is anchored to in `year` (a lunar year for lunar rules), if it exists
    /// that year: 29 February, or a lunar 30th in a 29-day month, has none.
    fn anchor(&self, year: i32) -> Option<NaiveDate> {
        match self.calendar {
            CalendarKind::Solar => NaiveDate::from_ymd_opt(year, self.month, self.day),
            CalendarKind::Lunar => lunar_to_solar(
                LunarDate {
                    day: self.day,
                    month: self.month,
                    year,
                    leap: false,
                },
                VIETNAM_UTC_OFFSET_HOURS,
            ),
        }
    }

    fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }

    /// The days off this rule gives from the anchor of `year`, within its validity.
    fn days(&self, year: i32) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = self
            .anchor(year)
            .and_then(|anchor| anchor.checked_add_signed(Duration::days(self.offset_days.into())));
        (0..self.length_days)
            .filter_map(move |i| first?.checked_add_signed(Duration::days(i.into())))
            .filter(|day| self.is_valid_on(*day))
    }
}

/// The named days off the rules give inside `from..=to` (whole civil years), compensatory days
/// included.
///
/// Holidays are worked out for one year more on each side, so that a compensatory day near
/// the edge of the range sees the holidays next to it, then kept only inside the range.
fn days_off(
    rules: &[HolidayRule],
    (from, to): (NaiveDate, NaiveDate),
) -> BTreeMap<NaiveDate, Vec<String>> {
    let (first, last) = (from.year(), to.year());
    let (pad_from, pad_to) =
        year_span(first.saturating_sub(1), last.saturating_add(1)).unwrap_or((from, to));
    let window = pad_from..=pad_to;
    let mut holidays: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    let mut on_weekend: Vec<(NaiveDate, &str)> = Vec::new();
    // A lunar year's 12th month runs into the next civil year, so anchors start earlier.
    for year in first.saturating_sub(2)..=last.saturating_add(2) {
        for rule in rules {
            for day in rule.days(year).filter(|day| window.contains(day)) {
                let names = holidays.entry(day).or_default();
                if !names.contains(&rule.name) {
                    names.push(rule.name.clone());
                }
                if rule.compensate_weekend && is_weekend(day) {
                    on_weekend.push((day, &rule.name));
                }
            }
        }
    }

    // Điều 111.3: each holiday on a rest day gives the next working day off, taken in date
    // order so that two such days (30/4 and 1/5 on a weekend) get two different days.
    on_weekend.sort_unstable();
    on_weekend.dedup();
    let mut compensatory: BTreeMap<NaiveDate, String> = BTreeMap::new();
    for (day, name) in on_weekend {
        let mut candidate = day.succ_opt();
        while let Some(next) = candidate {
            if !is_weekend(next)
                && !holidays.contains_key(&next)
                && !compensatory.contains_key(&next)
            {
                compensatory.insert(next, format!("{name} (nghỉ bù)"));
                break;
            }
            candidate = next.succ_opt();
        }
    }
    for (day, name) in compensatory {
        holidays.entry(day).or_default().push(name);
    }
    holidays.retain(|day, _| (from..=to).contains(day));
    holidays
}

impl WorkingCalendar {
    /// Builds the calendar for the given civil years (in Vietnam's time zone for lunar
    /// anchors); a rule applies to a holiday day when that day lies in its validity.
    ///
    /// Overrides apply on any date, inside the years or not. Rule offsets are expected to
    /// stay within a year.
    pub fn new(
        rules: &[HolidayRule],
        overrides: &[Override],
        years: RangeInclusive<i32>,
    ) -> WorkingCalendar {
        let covered = year_span(*years.start(), *years.end());
        WorkingCalendar {
            days_off: covered
                .map(|span| days_off(rules, span))
                .unwrap_or_default(),
            overrides: overrides.iter().map(|o| (o.date, o.working)).collect(),
            covered,
        }
    }

    /// Whether the calendar knows the holidays of this date's year.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.covered
            .is_some_and(|(from, to)| (from..=to).contains(&date))
    }

    /// Saturday and Sunday are rest days, and so are the holidays, unless an override says
    /// otherwise.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if let Some(&working) = self.overrides.get(&date) {
            return working;
        }
        !is_weekend(date) && !self.days_off.contains_key(&date)
    }

    /// The holidays of a year with their names, for listing (date, name), compensatory days
    /// named "<name> (nghỉ bù)", in date order.
    ///
    /// Holidays that fall on a weekend are listed too. A holiday an override makes a working
    /// day is left out; days an override makes off are not listed, having no name here.
    pub fn holidays(&self, year: i32) -> Vec<(NaiveDate, String)> {
        let Some((from, to)) = year_span(year, year) else {
            return Vec::new();
        };
        self.days_off
            .range(from..=to)
            .filter(|(day, _)| self.overrides.get(day) != Some(&true))
            .flat_map(|(day, names)| names.iter().map(|name| (*day, name.clone())))
            .collect()
    }

    /// The date on which `working_days` working days after `start` have passed: the start day
    /// itself does not count (a case received on Monday with 1 day is due Tuesday). 0 returns
    /// start. Stops at the last date chrono can represent.
    pub fn add_working_days(&self, start: NaiveDate, working_days: u32) -> NaiveDate {
        let mut date = start;
        let mut left = working_days;
        while left > 0 {
            let Some(next) = date.succ_opt() else {
                return date;
            };
            date = next;
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `from` up to and including `to` (0 when to <= from).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let count = from
            .iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .filter(|day| self.is_working_day(*day))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn rule(name: &str, calendar: CalendarKind, (day_, month): (u32, u32)) -> HolidayRule {
        HolidayRule {
            name: name.to_string(),
            calendar,
            month,
            day: day_,
            offset_days: 0,
            length_days: 1,
            compensate_weekend: true,
            // Bộ luật Lao động 2019 (45/2019/QH14) took effect on 1 January 2021.
            valid_from: day("2021-01-01"),
            valid_to: None,
        }
    }

    /// Bộ luật Lao động 2019, Điều 112.1, as the rows a database would hold.
    fn dieu_112() -> Vec<HolidayRule> {
        use CalendarKind::{Lunar, Solar};
        vec![
            rule("Tết Dương lịch", Solar, (1, 1)),
            HolidayRule {
                // Điều 112.3: the Prime Minister fixes the five days each year; the rows hold
                // the usual pattern and the announcement comes as overrides.
                offset_days: -1,
                length_days: 5,
                compensate_weekend: false,
                ..rule("Tết Âm lịch", Lunar, (1, 1))
            },
            rule("Giỗ Tổ Hùng Vương", Lunar, (10, 3)),
            rule("Ngày Chiến thắng", Solar, (30, 4)),
            rule("Ngày Quốc tế Lao động", Solar, (1, 5)),
            // 2/9 and one day before or after it (Điều 112.1.đ); the day after by default.
            HolidayRule {
                length_days: 2,
                ..rule("Quốc khánh", Solar, (2, 9))
            },
        ]
    }

    fn overrides(list: &[(&str, bool)]) -> Vec<Override> {
        let made = |&(date, working): &(&str, bool)| Override {
            date: day(date),
            working,
        };
        list.iter().map(made).collect()
    }

    fn calendar(years: RangeInclusive<i32>) -> WorkingCalendar {
        WorkingCalendar::new(&dieu_112(), &[], years)
    }

    /// Asserts which of the `days` days from `from` are not working days, as "MM-DD".
    #[track_caller]
    fn assert_rest(cal: &WorkingCalendar, from: &str, days: usize, expected: &str) {
        let rest: Vec<String> = (day(from).iter_days().take(days))
            .filter(|d| !cal.is_working_day(*d))
            .map(|d| d.format("%m-%d").to_string())
            .collect();
        assert_eq!(rest.join(" "), expected, "from {from}");
    }

    #[track_caller]
    fn assert_due(cal: &WorkingCalendar, start: &str, working_days: u32, expected: &str) {
        let due = cal.add_working_days(day(start), working_days);
        assert_eq!(due, day(expected), "{start} + {working_days}");
    }

    /// The year's holidays as "MM-DD name", joined by "; ".
    fn listing(cal: &WorkingCalendar, year: i32) -> String {
        let list: Vec<String> = cal
            .holidays(year)
            .into_iter()
            .map(|(d, name)| format!("{} {name}", d.format("%m-%d")))
            .collect();
        list.join("; ")
    }

    #[test]
    fn tet_2026_is_16_to_20_february() {
        let cal = calendar(2026..=2026);
        // Thursday 12 to Tuesday 24: the weekends 14–15 and 21–22 around Tết 16–20.
        let expected = "02-14 02-15 02-16 02-17 02-18 02-19 02-20 02-21 02-22";
        assert_rest(&cal, "2026-02-12", 13, expected);
        // Tết 2024 (9–13/2) took in a weekend, and its row does not compensate: Wednesday 14
        // works unless the year's announcement (29 Tết to mùng 5, 8–14/2) comes as overrides.
        let cal = calendar(2024..=2024);
        assert_rest(&cal, "2024-02-08", 8, "02-09 02-10 02-11 02-12 02-13");
        let announced = overrides(&[("2024-02-08", false), ("2024-02-14", false)]);
        let cal = WorkingCalendar::new(&dieu_112(), &announced, 2024..=2024);
        let week = "02-08 02-09 02-10 02-11 02-12 02-13 02-14";
        assert_rest(&cal, "2024-02-07", 9, week);
    }

    #[test]
    fn holidays_of_2026_with_gio_to_on_sunday() {
        // 30/4 and 1/5 are Thursday and Friday: nothing to compensate. Giỗ Tổ is on Sunday.
        let expected = "01-01 Tết Dương lịch; 02-16 Tết Âm lịch; 02-17 Tết Âm lịch; \
            02-18 Tết Âm lịch; 02-19 Tết Âm lịch; 02-20 Tết Âm lịch; 04-26 Giỗ Tổ Hùng Vương; \
            04-27 Giỗ Tổ Hùng Vương (nghỉ bù); 04-30 Ngày Chiến thắng; \
            05-01 Ngày Quốc tế Lao động; 09-02 Quốc khánh; 09-03 Quốc khánh";
        let cal = calendar(2026..=2026);
        assert_eq!(listing(&cal, 2026), expected);
        let around_30_4 = "04-25 04-26 04-27 04-30 05-01 05-02 05-03";
        assert_rest(&cal, "2026-04-24", 11, around_30_4);
    }

    #[test]
    fn fifteen_working_days_from_10_february_2026_skip_tet() {
        // From Tuesday 10/2: 11, 12, 13 (3); 14–15 weekend; 16–20 Tết; 21–22 weekend;
        // 23–27 (8); 28/2–1/3 weekend; 2–6/3 (13); 7–8 weekend; 9/3 (14), 10/3 (15).
        let cal = calendar(2026..=2026);
        assert_due(&cal, "2026-02-10", 15, "2026-03-10");
        assert_due(&cal, "2026-03-02", 1, "2026-03-03");
        assert_due(&cal, "2026-03-02", 0, "2026-03-02");
        // Received on Friday: due the Monday.
        assert_due(&cal, "2026-03-06", 1, "2026-03-09");
    }

    #[test]
    fn weekend_holidays_give_the_following_weekdays_off() {
        let cal = calendar(2023..=2028);
        // 1/1/2028 is a Saturday: Monday 3/1 is off.
        assert_rest(&cal, "2027-12-31", 5, "01-01 01-02 01-03");
        // 2/9/2028 and 3/9 are Saturday and Sunday: Monday 4/9 and Tuesday 5/9 are off.
        assert_rest(&cal, "2028-09-01", 6, "09-02 09-03 09-04 09-05");
        assert!(listing(&cal, 2028).ends_with(
            "09-02 Quốc khánh; 09-03 Quốc khánh; 09-04 Quốc khánh (nghỉ bù); 09-05 Quốc khánh (nghỉ bù)"
        ));
        // 2023: Giỗ Tổ on Saturday 29/4, 30/4 on Sunday, 1/5 on Monday: the compensatory days
        // skip the holiday Monday and fall on Tuesday 2/5 and Wednesday 3/5.
        assert!(listing(&cal, 2023).contains(
            "05-01 Ngày Quốc tế Lao động; 05-02 Giỗ Tổ Hùng Vương (nghỉ bù); \
             05-03 Ngày Chiến thắng (nghỉ bù); 09-02"
        ));
        assert_rest(&cal, "2023-04-28", 7, "04-29 04-30 05-01 05-02 05-03");
        // The order of the rows does not matter: compensation goes by date.
        let reversed: Vec<HolidayRule> = dieu_112().into_iter().rev().collect();
        let same = WorkingCalendar::new(&reversed, &[], 2023..=2028);
        assert_eq!(same.holidays(2023), cal.holidays(2023));
        // 1/1/2023 was a Sunday; the compensation is found though 2022 is not in the range.
        assert_rest(&cal, "2023-01-01", 3, "01-01 01-02");
    }

    #[test]
    fn overrides_win() {
        let list = [
            ("2026-02-07", true),
            ("2026-02-23", false),
            ("2026-09-03", true),
        ];
        let cal = WorkingCalendar::new(&dieu_112(), &overrides(&list), 2026..=2026);
        // A Saturday made a working day, in exchange for a weekday made off.
        assert_rest(&cal, "2026-02-06", 4, "02-08");
        assert_due(&cal, "2026-02-06", 1, "2026-02-07");
        let between = cal.working_days_between(day("2026-02-06"), day("2026-02-09"));
        assert_eq!(between, 2);
        assert_due(&cal, "2026-02-13", 1, "2026-02-24");
        // A holiday cancelled: a working day, and no longer listed.
        assert_rest(&cal, "2026-09-01", 4, "09-02");
        assert!(listing(&cal, 2026).ends_with("09-02 Quốc khánh"));
    }

    #[test]
    fn rules_apply_only_within_their_validity() {
        let mut rules = dieu_112();
        // Bộ luật Lao động 2012, Điều 115: Quốc khánh was one day, until the 2019 code.
        rules.push(HolidayRule {
            valid_from: day("2013-05-01"),
            valid_to: Some(day("2020-12-31")),
            ..rule("Quốc khánh", CalendarKind::Solar, (2, 9))
        });
        let cal = WorkingCalendar::new(&rules, &[], 2020..=2021);
        assert_rest(&cal, "2020-09-01", 4, "09-02");
        assert_rest(&cal, "2021-09-01", 6, "09-02 09-03 09-04 09-05");
        assert!(listing(&cal, 2021).ends_with("; 09-02 Quốc khánh; 09-03 Quốc khánh"));
        let only_2012 = WorkingCalendar::new(&rules[rules.len() - 1..], &[], 2020..=2021);
        assert_rest(&only_2012, "2021-09-02", 1, "");
        // The 2019 rows start in 2021: 1/1/2020 (a Wednesday) is a working day here.
        assert!(cal.is_working_day(day("2020-01-01")));
        assert!(!cal.is_working_day(day("2021-01-01")));
    }

    #[test]
    fn a_lunar_12th_month_falls_in_the_next_civil_year() {
        // Not a public holiday: a row to show where 23 tháng Chạp of lunar 2024 lands.
        let tao_quan = rule("Ông Công ông Táo", CalendarKind::Lunar, (23, 12));
        let cal = WorkingCalendar::new(&[tao_quan], &[], 2025..=2025);
        assert_eq!(listing(&cal, 2025), "01-22 Ông Công ông Táo");
    }

    #[test]
    fn outside_the_built_years_only_weekends_rest() {
        let cal = calendar(2026..=2026);
        assert!(cal.covers(day("2026-12-31")));
        assert!(!cal.covers(day("2027-01-01")));
        assert_rest(&cal, "2027-01-01", 4, "01-02 01-03");
        assert!(!calendar(2027..=2027).is_working_day(day("2027-01-01")));
        let last = std::hint::black_box(2026);
        let empty = WorkingCalendar::new(&dieu_112(), &[], 2027..=last);
        assert!(!empty.covers(day("2026-06-01")));
        assert!(empty.holidays(2026).is_empty());
    }

    #[test]
    fn working_days_between_inverts_add_working_days() {
        let cal = calendar(2025..=2027);
        // Every start from 1 December 2025 to 31 January 2027.
        for start in day("2025-12-01").iter_days().take(427) {
            for n in 0..=25 {
                let due = cal.add_working_days(start, n);
                assert_eq!(cal.working_days_between(start, due), n, "{start} + {n}");
                if n > 0 {
                    assert!(cal.is_working_day(due), "{start} + {n} = {due}");
                    let before = due.pred_opt().unwrap();
                    assert_eq!(cal.working_days_between(start, before), n - 1);
                }
            }
        }
        let (from, to) = (day("2026-03-10"), day("2026-02-10"));
        assert_eq!(cal.working_days_between(from, to), 0);
        assert_eq!(cal.working_days_between(from, from), 0);
    }
}
