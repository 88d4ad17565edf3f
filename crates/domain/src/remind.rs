//! When a deadline is reminded (一天一提醒): on working days only, a few working days before it,
//! on its day, and on every working day after it while the thing is still outstanding.
//!
//! A deadline on a holiday is reminded on the last working day before it, and "T-1" of a
//! deadline just after a holiday goes out on the last working day before the holiday: the
//! counting is in working days of the official calendar.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{CalendarError, WorkCalendar};

/// Which reminder of a deadline falls on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "when", content = "days", rename_all = "snake_case")]
pub enum Nudge {
    /// This many working days before the deadline (T-n).
    Before(u32),
    /// The deadline's day, or the last working day before a deadline that falls on a holiday.
    Due,
    /// This many working days after the deadline.
    Overdue(u32),
}

impl Nudge {
    /// A stable key, part of what makes a reminder the same one when a day is run again.
    pub fn key(self) -> String {
        match self {
            Nudge::Before(n) => format!("t-{n}"),
            Nudge::Due => "due".into(),
            Nudge::Overdue(n) => format!("late-{n}"),
        }
    }

    /// Words for a message: "还有3个工作日到期", "今日到期", "已逾期2个工作日".
    pub fn phrase_zh(self) -> String {
        match self {
            Nudge::Before(1) => "明日（下一工作日）到期".into(),
            Nudge::Before(n) => format!("还有{n}个工作日到期"),
            Nudge::Due => "今日到期".into(),
            Nudge::Overdue(n) => format!("已逾期{n}个工作日"),
        }
    }

    pub fn phrase_en(self) -> String {
        match self {
            Nudge::Before(1) => "due on the next working day".into(),
            Nudge::Before(n) => format!("due in {n} working days"),
            Nudge::Due => "due today".into(),
            Nudge::Overdue(1) => "1 working day overdue".into(),
            Nudge::Overdue(n) => format!("{n} working days overdue"),
        }
    }
}

/// The reminder of `deadline` that falls on `day`, if any: `Before(n)` for each `n` in `before`,
/// `Due`, and `Overdue` on every working day after it when `after` is set. Nothing on a day off.
pub fn nudge(
    calendar: &WorkCalendar,
    deadline: NaiveDate,
    day: NaiveDate,
    before: &[u32],
    after: bool,
) -> Result<Option<Nudge>, CalendarError> {
    if !calendar.is_workday(day)? {
        return Ok(None);
    }
    // `day` is a working day, so it has an ordinal.
    let Some(today) = calendar.ordinal_on_or_before(day)? else {
        return Ok(None);
    };
    if day > deadline {
        // Working days after the deadline, up to and including `day`.
        let Some(last_in_time) = calendar.ordinal_on_or_before(deadline)? else {
            return Ok(None);
        };
        let late = today.saturating_sub(last_in_time);
        return Ok((after && late > 0).then_some(Nudge::Overdue(late)));
    }
    // The day it is reminded as due: itself, or the last working day before a day off.
    let Some(due) = calendar.ordinal_on_or_before(deadline)? else {
        return Ok(None);
    };
    if today == due {
        return Ok(Some(Nudge::Due));
    }
    let ahead = due.saturating_sub(today);
    Ok(before.contains(&ahead).then_some(Nudge::Before(ahead)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Each case: the deadline, the day, what is sent. 2025: 国庆 1–8 October off, Sunday 28
    /// September and Saturday 11 October working days.
    #[test]
    fn reminders_fall_on_working_days() {
        let calendar = WorkCalendar::builtin().unwrap();
        let before = [3, 1];
        let cases: &[(NaiveDate, NaiveDate, Option<Nudge>)] = &[
            // An ordinary week: 3 July (Thursday) is due.
            (day(2025, 7, 3), day(2025, 6, 30), Some(Nudge::Before(3))),
            (day(2025, 7, 3), day(2025, 7, 1), None),
            (day(2025, 7, 3), day(2025, 7, 2), Some(Nudge::Before(1))),
            (day(2025, 7, 3), day(2025, 7, 3), Some(Nudge::Due)),
            (day(2025, 7, 3), day(2025, 7, 4), Some(Nudge::Overdue(1))),
            // The weekend in between is not a reminder day and not counted.
            (day(2025, 7, 3), day(2025, 7, 5), None),
            (day(2025, 7, 3), day(2025, 7, 7), Some(Nudge::Overdue(2))),
            // Due right after National Day: T-1 is the last working day before the holiday.
            (day(2025, 10, 9), day(2025, 9, 30), Some(Nudge::Before(1))),
            (day(2025, 10, 9), day(2025, 9, 28), Some(Nudge::Before(3))),
            (day(2025, 10, 9), day(2025, 10, 3), None),
            (day(2025, 10, 9), day(2025, 10, 9), Some(Nudge::Due)),
            // Due on a holiday: reminded as due on the last working day before it.
            (day(2025, 10, 5), day(2025, 9, 30), Some(Nudge::Due)),
            (day(2025, 10, 5), day(2025, 9, 29), Some(Nudge::Before(1))),
            (day(2025, 10, 5), day(2025, 10, 9), Some(Nudge::Overdue(1))),
            // A make-up Saturday is a working day.
            (day(2025, 10, 13), day(2025, 10, 11), Some(Nudge::Before(1))),
        ];
        for &(deadline, on, expect) in cases {
            assert_eq!(
                nudge(&calendar, deadline, on, &before, true).unwrap(),
                expect,
                "deadline {deadline}, day {on}"
            );
        }
        // Without reminders after the deadline.
        assert_eq!(
            nudge(&calendar, day(2025, 7, 3), day(2025, 7, 4), &before, false).unwrap(),
            None
        );
    }
}
