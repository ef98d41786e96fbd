//! The clock of a case (Điều 11; the time limits of NĐ 43/2011 Điều 17 and its successors): it
//! runs in working days from receipt and stops while the agency waits for the citizen's answer to
//! a request for more information, so the agency is not charged for the citizen's time.

use chrono::NaiveDate;

use super::calendar::WorkingCalendar;

/// The due date after a pause from `paused_since` to `resumed_on`, and the working days the pause
/// took (those after `paused_since` up to and including `resumed_on`: asked on Monday and
/// answered on Tuesday is one day).
pub fn after_pause(
    calendar: &WorkingCalendar,
    due_on: NaiveDate,
    paused_since: NaiveDate,
    resumed_on: NaiveDate,
) -> (NaiveDate, u32) {
    let paused = calendar.working_days_between(paused_since, resumed_on);
    (calendar.add_working_days(due_on, paused), paused)
}

/// Working days the agency has used: from receipt to `until`, less the days the clock stood.
pub fn days_used(
    calendar: &WorkingCalendar,
    received_on: NaiveDate,
    until: NaiveDate,
    paused_days_before: u32,
    paused_since: Option<NaiveDate>,
) -> u32 {
    let running_pause = paused_since.map_or(0, |since| calendar.working_days_between(since, until));
    calendar
        .working_days_between(received_on, until)
        .saturating_sub(paused_days_before + running_pause)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    /// Weekends only: the counts below can be checked on a wall calendar.
    fn weekends() -> WorkingCalendar {
        WorkingCalendar::new(&[], &[], 2026..=2027)
    }

    #[test]
    fn a_pause_moves_the_due_date_by_the_working_days_it_took() {
        let cal = weekends();
        // Due Friday 20/11/2026; asked Monday 09/11, answered Thursday 12/11: three working days
        // (Tue, Wed, Thu), so due three working days after Friday: Wednesday 25/11.
        let (due, paused) = after_pause(
            &cal,
            date(2026, 11, 20),
            date(2026, 11, 9),
            date(2026, 11, 12),
        );
        assert_eq!(paused, 3);
        assert_eq!(due, date(2026, 11, 25));
        // Asked on Friday, answered on Monday: the weekend costs nothing, Monday one day.
        let (due, paused) = after_pause(
            &cal,
            date(2026, 11, 20),
            date(2026, 11, 13),
            date(2026, 11, 16),
        );
        assert_eq!((due, paused), (date(2026, 11, 23), 1));
        // Answered the same day: no day lost.
        let (due, paused) = after_pause(
            &cal,
            date(2026, 11, 20),
            date(2026, 11, 9),
            date(2026, 11, 9),
        );
        assert_eq!((due, paused), (date(2026, 11, 20), 0));
    }

    #[test]
    fn days_used_leave_out_the_pauses() {
        let cal = weekends();
        // Received Monday 02/11; by Friday 13/11 nine working days have passed.
        assert_eq!(
            days_used(&cal, date(2026, 11, 2), date(2026, 11, 13), 0, None),
            9
        );
        // Two of them were an earlier pause, and one more day the clock has been standing since.
        assert_eq!(
            days_used(
                &cal,
                date(2026, 11, 2),
                date(2026, 11, 13),
                2,
                Some(date(2026, 11, 12))
            ),
            6
        );
    }
}
