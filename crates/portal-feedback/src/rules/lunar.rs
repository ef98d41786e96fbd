//! The Vietnamese lunar calendar (âm lịch), computed for a given time zone.
//!
//! This is the astronomical method published by Hồ Ngọc Đức, written afresh here:
//!
//! - new moons from Jean Meeus' series (*Astronomical Algorithms*, ch. 49, truncated);
//! - a lunar month starts on the civil day, in the given zone, that holds the new moon;
//! - month 11 is the month that holds the winter solstice (the sun at 270°);
//! - when 13 months run from one month 11 to the next, the first month in which the sun
//!   crosses no major term (a multiple of 30° of longitude) is the leap month, and it takes the
//!   number of the month before it.
//!
//! The zone is a parameter because the day on which a new moon falls depends on it. Vietnam
//! reckons its calendar at UTC+7 (the North since 1967, hence two Tết Mậu Thân in 1968; the
//! whole country since 1976), China at UTC+8, and in some years the two put Tết on different
//! days: 1985, 2007, 2030 and 2053 between 1969 and 2099, by a new moon between 16:00 and
//! 17:00 UT or by a leap month one side has and the other has not. Vietnamese civil dates use
//! [`VIETNAM_UTC_OFFSET_HOURS`].
//!
//! The truncated series is accurate to minutes for roughly 1800–2199; for 1901–2099 the Tết
//! dates and leap months it gives at UTC+7 and UTC+8 were checked against the full lunar
//! theory of an ephemeris library. Dates are proleptic Gregorian.

use chrono::{Datelike, NaiveDate};
use std::f64::consts::PI;

/// The offset of the time zone in which Vietnam's lunar calendar is reckoned (UTC+7).
pub const VIETNAM_UTC_OFFSET_HOURS: f64 = 7.0;

/// A day of the lunar calendar. `year` is the lunar year by its Gregorian number: the lunar
/// year that starts at Tết 2026 is 2026 (Bính Ngọ), and its 12th month ends in 2027.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunarDate {
    pub day: u32,
    pub month: u32,
    pub year: i32,
    /// The leap month (tháng nhuận) that follows the month of the same number.
    pub leap: bool,
}

/// Julian day number of 0000-12-31, so that JDN = chrono's days from the common era + this.
const JDN_OF_CE_DAY_ZERO: i64 = 1_721_425;
/// Julian day (UT) of the mean new moon numbered 0 in this series (1900-01-01 13:51 UT).
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;
/// Mean length of the synodic month in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CE_DAY_ZERO
}

fn date_of_jdn(jdn: i64) -> Option<NaiveDate> {
    i32::try_from(jdn - JDN_OF_CE_DAY_ZERO)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// JDN of 31 December of `year`, by arithmetic, so that a year at chrono's limit still works.
fn jdn_of_december_31(year: i32) -> i64 {
    // The usual Gregorian day-number formula with March as the first month; 31 December is in
    // month 10 of the shifted year.
    let y = i64::from(year) + 4800;
    let m = 9;
    31 + (153 * m + 2) / 5 + 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
        - 32045
}

/// The civil day (as a JDN) in the zone on which new moon number `k` falls.
fn new_moon_day(k: i64, utc_offset_hours: f64) -> i64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900 January 0.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    // Anomalies of the sun (m) and the moon (mpr), and the moon's argument of latitude (f).
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let sin = |deg: f64| (deg * dr).sin();
    let correction = (0.1734 - 0.000_393 * t) * sin(m) + 0.0021 * sin(2.0 * m) - 0.4068 * sin(mpr)
        + 0.0161 * sin(2.0 * mpr)
        - 0.0004 * sin(3.0 * mpr)
        + 0.0104 * sin(2.0 * f)
        - 0.0051 * sin(m + mpr)
        - 0.0074 * sin(m - mpr)
        + 0.0004 * sin(2.0 * f + m)
        - 0.0004 * sin(2.0 * f - m)
        - 0.0006 * sin(2.0 * f + mpr)
        + 0.0010 * sin(2.0 * f - mpr)
        + 0.0005 * sin(2.0 * mpr + m);
    // ΔT (TT − UT) in days, from the fit Hồ Ngọc Đức uses.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    let julian_day = mean + correction - delta_t;
    (julian_day + 0.5 + utc_offset_hours / 24.0).floor() as i64
}

/// Which 30° sector (0..=11, 0 = from the March equinox) the sun is in at local midnight that
/// starts the civil day `day`: a change of sector is a major term (trung khí).
fn sun_sector(day: i64, utc_offset_hours: f64) -> i64 {
    let t = (day as f64 - 2_451_545.5 - utc_offset_hours / 24.0) / 36525.0; // since J2000
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin()
        + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin()
        + 0.000_290 * (dr * 3.0 * m).sin();
    let longitude = ((l0 + centre) * dr).rem_euclid(2.0 * PI);
    (longitude / PI * 6.0).floor() as i64
}

/// The first day (JDN) of month 11 of lunar year `year`: the month holding that December's
/// winter solstice.
fn month_11_start(year: i32, utc_offset_hours: f64) -> i64 {
    let k = ((jdn_of_december_31(year) - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k, utc_offset_hours);
    // A month starting with the sun at 270° or beyond starts after the solstice.
    if sun_sector(start, utc_offset_hours) >= 9 {
        new_moon_day(k - 1, utc_offset_hours)
    } else {
        start
    }
}

/// The number of the new moon that starts the month beginning on `day`.
fn new_moon_number(day: i64) -> i64 {
    ((day as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// In a 13-month span starting at month 11 (on `a11`), how many months after it the leap month
/// is: the first month with no major term, i.e. whose start and the next month's start see the
/// sun in the same sector.
fn leap_month_offset(a11: i64, utc_offset_hours: f64) -> i64 {
    let k = new_moon_number(a11);
    let mut i = 1;
    let mut sector = sun_sector(new_moon_day(k + 1, utc_offset_hours), utc_offset_hours);
    loop {
        let previous = sector;
        i += 1;
        sector = sun_sector(new_moon_day(k + i, utc_offset_hours), utc_offset_hours);
        if sector == previous || i >= 14 {
            return i - 1;
        }
    }
}

/// The lunar date of a civil date in the zone `utc_offset_hours` hours east of UTC.
pub fn solar_to_lunar(date: NaiveDate, utc_offset_hours: f64) -> LunarDate {
    let day = jdn(date);
    let k = ((day as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i64;
    let mut month_start = new_moon_day(k + 1, utc_offset_hours);
    if month_start > day {
        month_start = new_moon_day(k, utc_offset_hours);
    }
    let civil_year = date.year();
    let mut a11 = month_11_start(civil_year, utc_offset_hours);
    let mut b11 = a11;
    let mut year = if a11 >= month_start {
        a11 = month_11_start(civil_year - 1, utc_offset_hours);
        civil_year
    } else {
        b11 = month_11_start(civil_year + 1, utc_offset_hours);
        civil_year + 1
    };
    // Months since month 11; new moons are 29 or 30 days apart, so dividing by 29 counts them.
    let diff = (month_start - a11) / 29;
    let mut month = diff + 11;
    let mut leap = false;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11, utc_offset_hours);
        if diff >= leap_offset {
            month = diff + 10;
            leap = diff == leap_offset;
        }
    }
    if month > 12 {
        month -= 12;
    }
    // Months 11 and 12 before the new year belong to the previous lunar year.
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate {
        day: u32::try_from(day - month_start + 1).unwrap_or(1),
        month: u32::try_from(month).unwrap_or(1),
        year,
        leap,
    }
}

/// The civil date of a lunar date in the zone `utc_offset_hours` hours east of UTC.
///
/// None when the date does not exist (e.g. a leap month the year does not have, day 30 of a
/// 29-day month).
pub fn lunar_to_solar(lunar: LunarDate, utc_offset_hours: f64) -> Option<NaiveDate> {
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return None;
    }
    let month = i64::from(lunar.month);
    // The span from one month 11 to the next that holds this month.
    let (a11, b11) = if month < 11 {
        (
            month_11_start(lunar.year.checked_sub(1)?, utc_offset_hours),
            month_11_start(lunar.year, utc_offset_hours),
        )
    } else {
        (
            month_11_start(lunar.year, utc_offset_hours),
            month_11_start(lunar.year.checked_add(1)?, utc_offset_hours),
        )
    };
    let k = new_moon_number(a11);
    let mut offset = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11, utc_offset_hours);
        let leap_month = (leap_offset - 2).rem_euclid(12);
        if lunar.leap && month != leap_month {
            return None;
        }
        if lunar.leap || offset >= leap_offset {
            offset += 1;
        }
    } else if lunar.leap {
        return None;
    }
    let month_start = new_moon_day(k + offset, utc_offset_hours);
    let month_length = new_moon_day(k + offset + 1, utc_offset_hours) - month_start;
    if i64::from(lunar.day) > month_length {
        return None;
    }
    date_of_jdn(month_start + i64::from(lunar.day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHINA_UTC_OFFSET_HOURS: f64 = 8.0;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn lunar(day: u32, month: u32, year: i32, leap: bool) -> LunarDate {
        LunarDate {
            day,
            month,
            year,
            leap,
        }
    }

    fn tet(year: i32, offset: f64) -> Option<NaiveDate> {
        lunar_to_solar(lunar(1, 1, year, false), offset)
    }

    #[test]
    fn arithmetic_december_31_matches_chrono() {
        for year in [1, 1600, 1900, 1985, 2000, 2024, 2100, 2400] {
            assert_eq!(jdn_of_december_31(year), jdn(ymd(year, 12, 31)), "{year}");
        }
        assert_eq!(jdn(ymd(2000, 1, 1)), 2_451_545);
    }

    /// Asserts that `lunar` is the civil date `date` (YYYY-MM-DD) in Vietnam, both ways.
    fn both_ways(lunar: LunarDate, date: &str) {
        let date: NaiveDate = date.parse().unwrap();
        assert_eq!(
            lunar_to_solar(lunar, VIETNAM_UTC_OFFSET_HOURS),
            Some(date),
            "{lunar:?}"
        );
        assert_eq!(
            solar_to_lunar(date, VIETNAM_UTC_OFFSET_HOURS),
            lunar,
            "{date}"
        );
    }

    #[test]
    fn tet_in_vietnam_2020_to_2030() {
        // 2030 is not 02-03, the Chinese date: the new moon is at 16:07 UT on 2 February,
        // 23:07 in Hà Nội but 00:07 on the 3rd in Beijing.
        let expected = "2020-01-25 2021-02-12 2022-02-01 2023-01-22 2024-02-10 2025-01-29 \
            2026-02-17 2027-02-06 2028-01-26 2029-02-13 2030-02-02";
        for (year, date) in (2020..=2030).zip(expected.split_whitespace()) {
            both_ways(lunar(1, 1, year, false), date);
            let eve = date.parse::<NaiveDate>().unwrap().pred_opt().unwrap();
            let eve = solar_to_lunar(eve, VIETNAM_UTC_OFFSET_HOURS);
            assert_eq!((eve.month, eve.year, eve.leap), (12, year - 1, false));
            assert!(eve.day == 29 || eve.day == 30, "{eve:?}");
        }
    }

    #[test]
    fn tet_differs_between_vietnam_and_china_in_1985_2007_and_2030() {
        assert_eq!(tet(1985, VIETNAM_UTC_OFFSET_HOURS), Some(ymd(1985, 1, 21)));
        assert_eq!(tet(1985, CHINA_UTC_OFFSET_HOURS), Some(ymd(1985, 2, 20)));
        assert_eq!(tet(2007, VIETNAM_UTC_OFFSET_HOURS), Some(ymd(2007, 2, 17)));
        assert_eq!(tet(2007, CHINA_UTC_OFFSET_HOURS), Some(ymd(2007, 2, 18)));
        assert_eq!(tet(2030, VIETNAM_UTC_OFFSET_HOURS), Some(ymd(2030, 2, 2)));
        assert_eq!(tet(2030, CHINA_UTC_OFFSET_HOURS), Some(ymd(2030, 2, 3)));
        // The same civil day read in the two zones.
        let day = ymd(2007, 2, 17);
        assert_eq!(solar_to_lunar(day, 7.0), lunar(1, 1, 2007, false));
        let china = solar_to_lunar(day, 8.0);
        assert_eq!((china.month, china.year, china.leap), (12, 2006, false));
    }

    #[test]
    fn gio_to_hung_vuong_10th_day_of_3rd_month() {
        both_ways(lunar(10, 3, 2024, false), "2024-04-18");
        both_ways(lunar(10, 3, 2025, false), "2025-04-07");
        both_ways(lunar(10, 3, 2026, false), "2026-04-26");
    }

    #[test]
    fn round_trip_every_day_2000_to_2040() {
        let first = ymd(2000, 1, 1);
        let mut previous = solar_to_lunar(first.pred_opt().unwrap(), VIETNAM_UTC_OFFSET_HOURS);
        let mut leap_months = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= ymd(2040, 12, 31)) {
            let day = solar_to_lunar(date, VIETNAM_UTC_OFFSET_HOURS);
            let back = lunar_to_solar(day, VIETNAM_UTC_OFFSET_HOURS);
            assert_eq!(back, Some(date), "{date} read as {day:?}");
            // Consecutive days: the next day of the month, or day 1 after day 29 or 30.
            if day.day == 1 {
                assert!(previous.day == 29 || previous.day == 30, "{date}");
                if day.leap {
                    leap_months.push(format!("{}/{}", day.month, day.year));
                }
            } else {
                assert_eq!(
                    lunar(
                        previous.day + 1,
                        previous.month,
                        previous.year,
                        previous.leap
                    ),
                    day
                );
            }
            previous = day;
        }
        // Every leap month of the span; 2033's is the rare one after the solstice, tháng 11
        // nhuận, which the leap test of the month-11-to-month-11 span must still find.
        let expected = "4/2001 2/2004 7/2006 5/2009 4/2012 9/2014 6/2017 4/2020 2/2023 6/2025 \
            5/2028 3/2031 11/2033 6/2036 5/2039";
        assert_eq!(leap_months.join(" "), expected);
    }

    #[test]
    fn leap_months_of_2023_and_2025() {
        both_ways(lunar(1, 2, 2023, false), "2023-02-20");
        both_ways(lunar(30, 2, 2023, false), "2023-03-21");
        both_ways(lunar(1, 2, 2023, true), "2023-03-22");
        both_ways(lunar(1, 3, 2023, false), "2023-04-20");
        both_ways(lunar(1, 6, 2025, false), "2025-06-25");
        both_ways(lunar(1, 6, 2025, true), "2025-07-25");
    }

    #[test]
    fn dates_that_do_not_exist_are_none() {
        let none =
            |day, month, year, leap| lunar_to_solar(lunar(day, month, year, leap), 7.0).is_none();
        // 2024 has no leap month; 2023's is the 2nd, not the 3rd; 2025's the 6th.
        assert!(none(1, 4, 2024, true) && none(1, 3, 2023, true) && none(1, 7, 2025, true));
        assert!(!none(1, 6, 2025, true));
        // Tháng Chạp of Giáp Thìn (12/2024) had 29 days: no "30 Tết" before Tết 2025.
        both_ways(lunar(29, 12, 2024, false), "2025-01-28");
        assert!(none(30, 12, 2024, false));
        assert!(none(0, 1, 2024, false) && none(31, 1, 2024, false) && none(1, 13, 2024, false));
    }
}
