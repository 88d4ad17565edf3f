//! A provisional year: the days off that 《全国年节及纪念日放假办法》 (2024 revision, in force from
//! 2025) itself fixes, for a year whose State Council notice has not been loaded yet.
//!
//! 元旦 1 January; 春节 除夕 and 正月初一 to 初三; 清明节 the day of the 清明 solar term; 劳动节 1–2 May;
//! 端午节 五月初五; 中秋节 八月十五; 国庆节 1–3 October. Article 6: a holiday that falls on a Saturday
//! or Sunday (or on another holiday's day) is given back (补假) on the first working days right
//! after it. No make-up workday (调休) is guessed: only the notice sets those.
//!
//! The lunar dates and the solar term come from [`LUNAR`], a table checked in the tests against
//! the tyme4rs calendar library (寿星天文历's algorithms).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::{HolidayDay, HolidayYear};

/// Per year: 正月初一, the 清明 solar term, 五月初五 and 八月十五 as (month, day) in the Gregorian
/// calendar.
type LunarRow = (i32, (u32, u32), (u32, u32), (u32, u32), (u32, u32));

/// The first year the 2024 rules apply to.
pub const FIRST_RULE_YEAR: i32 = 2025;

const LUNAR: &[LunarRow] = &[
    (2025, (1, 29), (4, 4), (5, 31), (10, 6)),
    (2026, (2, 17), (4, 5), (6, 19), (9, 25)),
    (2027, (2, 6), (4, 5), (6, 9), (9, 15)),
    (2028, (1, 26), (4, 4), (5, 28), (10, 3)),
    (2029, (2, 13), (4, 4), (6, 16), (9, 22)),
    (2030, (2, 3), (4, 5), (6, 5), (9, 12)),
    (2031, (1, 23), (4, 5), (6, 24), (10, 1)),
    (2032, (2, 11), (4, 4), (6, 12), (9, 19)),
    (2033, (1, 31), (4, 4), (6, 1), (9, 8)),
    (2034, (2, 19), (4, 5), (6, 20), (9, 27)),
    (2035, (2, 8), (4, 5), (6, 10), (9, 16)),
    (2036, (1, 28), (4, 4), (5, 30), (10, 4)),
    (2037, (2, 15), (4, 4), (6, 18), (9, 24)),
    (2038, (2, 4), (4, 5), (6, 7), (9, 13)),
    (2039, (1, 24), (4, 5), (5, 27), (10, 2)),
    (2040, (2, 12), (4, 4), (6, 14), (9, 20)),
    (2041, (2, 1), (4, 4), (6, 3), (9, 10)),
    (2042, (1, 22), (4, 4), (6, 22), (9, 28)),
    (2043, (2, 10), (4, 5), (6, 11), (9, 17)),
    (2044, (1, 30), (4, 4), (5, 31), (10, 5)),
    (2045, (2, 17), (4, 4), (6, 19), (9, 25)),
    (2046, (2, 6), (4, 4), (6, 8), (9, 15)),
    (2047, (1, 26), (4, 5), (5, 29), (10, 4)),
    (2048, (2, 14), (4, 4), (6, 15), (9, 22)),
    (2049, (2, 2), (4, 4), (6, 4), (9, 11)),
    (2050, (1, 23), (4, 4), (6, 23), (9, 30)),
    (2051, (2, 11), (4, 5), (6, 13), (9, 19)),
    (2052, (2, 1), (4, 4), (6, 1), (9, 7)),
    (2053, (2, 19), (4, 4), (6, 20), (9, 26)),
    (2054, (2, 8), (4, 4), (6, 10), (9, 16)),
    (2055, (1, 28), (4, 5), (5, 30), (10, 5)),
    (2056, (2, 15), (4, 4), (6, 17), (9, 24)),
    (2057, (2, 4), (4, 4), (6, 6), (9, 13)),
    (2058, (1, 24), (4, 4), (6, 25), (10, 2)),
    (2059, (2, 12), (4, 5), (6, 14), (9, 21)),
    (2060, (2, 2), (4, 4), (6, 3), (9, 9)),
];

/// The years a provisional calendar can be computed for.
pub fn rule_years() -> std::ops::RangeInclusive<i32> {
    let last = LUNAR.last().map_or(FIRST_RULE_YEAR, |row| row.0);
    FIRST_RULE_YEAR..=last
}

/// The 补假 day's name for a holiday: "春节（补假）".
pub fn make_up_name(holiday: &str) -> String {
    format!("{holiday}（补假）")
}

fn ymd(year: i32, (month, day): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The statutory holidays of `year`, each with its days, in calendar order.
pub fn statutory_holidays(year: i32) -> Option<Vec<(&'static str, Vec<NaiveDate>)>> {
    let &(_, spring, qingming, duanwu, mid_autumn) = LUNAR.iter().find(|row| row.0 == year)?;
    let new_year = ymd(year, (1, 1))?;
    let first = ymd(year, spring)?;
    let eve = first.pred_opt()?;
    let span = |start: NaiveDate, n: u64| -> Vec<NaiveDate> {
        (0..n)
            .filter_map(|i| start.checked_add_days(Days::new(i)))
            .collect()
    };
    Some(vec![
        ("元旦", vec![new_year]),
        ("春节", span(eve, 4)),
        ("清明节", vec![ymd(year, qingming)?]),
        ("劳动节", span(ymd(year, (5, 1))?, 2)),
        ("端午节", vec![ymd(year, duanwu)?]),
        ("中秋节", vec![ymd(year, mid_autumn)?]),
        ("国庆节", span(ymd(year, (10, 1))?, 3)),
    ])
}

/// The provisional calendar of `year`: its statutory days off and their 补假, no make-up
/// workdays. `None` for a year the rules or the lunar table do not cover.
pub fn provisional_year(year: i32) -> Option<HolidayYear> {
    if !rule_years().contains(&year) {
        return None;
    }
    let holidays = statutory_holidays(year)?;
    let mut off: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut days: Vec<HolidayDay> = Vec::new();
    // Statutory days first; a day two holidays share (中秋 on 1 October) is owed back once more.
    let mut owed: Vec<(&str, NaiveDate, usize)> = Vec::new();
    for (name, dates) in &holidays {
        let mut back = 0;
        for &date in dates {
            if weekend(date) || !off.insert(date) {
                back += 1;
            }
            if !days.iter().any(|d| d.date == date) {
                days.push(HolidayDay {
                    name: (*name).to_string(),
                    date,
                    off: true,
                });
            }
        }
        if let Some(&last) = dates.last() {
            owed.push((name, last, back));
        }
    }
    // Then each holiday's 补假 on the first working days after its last day.
    for (name, last, back) in owed {
        let mut date = last;
        let mut left = back;
        while left > 0 {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            if weekend(date) || off.contains(&date) {
                continue;
            }
            off.insert(date);
            days.push(HolidayDay {
                name: make_up_name(name),
                date,
                off: true,
            });
            left -= 1;
        }
    }
    days.sort_by_key(|d| d.date);
    Some(HolidayYear {
        year,
        papers: Vec::new(),
        days,
        provisional: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{WorkCalendar, builtin_years};
    use tyme4rs::tyme::lunar::LunarDay;
    use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn solar(day: SolarDay) -> (u32, u32) {
        (day.get_month() as u32, day.get_day() as u32)
    }

    /// Every row of the table is what tyme4rs computes.
    #[test]
    fn lunar_table_agrees_with_tyme4rs() {
        assert!(rule_years().end() >= &2035);
        for (i, &(year, spring, qingming, duanwu, mid_autumn)) in LUNAR.iter().enumerate() {
            assert_eq!(year, FIRST_RULE_YEAR + i as i32, "years follow each other");
            let y = year as isize;
            assert_eq!(
                solar(LunarDay::from_ymd(y, 1, 1).get_solar_day()),
                spring,
                "{year} 春节"
            );
            assert_eq!(
                solar(
                    SolarTerm::from_name(y, "清明")
                        .get_julian_day()
                        .get_solar_day()
                ),
                qingming,
                "{year} 清明"
            );
            assert_eq!(
                solar(LunarDay::from_ymd(y, 5, 5).get_solar_day()),
                duanwu,
                "{year} 端午"
            );
            assert_eq!(
                solar(LunarDay::from_ymd(y, 8, 15).get_solar_day()),
                mid_autumn,
                "{year} 中秋"
            );
            // 除夕 is the day before 正月初一: the twelfth month's last day.
            let eve = ymd(year, spring).unwrap().pred_opt().unwrap();
            let lunar =
                SolarDay::from_ymd(y, eve.month() as usize, eve.day() as usize).get_lunar_day();
            assert_eq!(lunar.get_lunar_month().get_month(), 12, "{year} 除夕");
        }
    }

    fn off_days(year: &HolidayYear) -> Vec<NaiveDate> {
        year.days.iter().filter(|d| d.off).map(|d| d.date).collect()
    }

    /// The example of the issue: 2027 as the rules alone give it.
    #[test]
    fn provisional_2027() {
        let y = provisional_year(2027).unwrap();
        let expected: Vec<NaiveDate> = [
            "2027-01-01",
            "2027-02-05",
            "2027-02-06",
            "2027-02-07",
            "2027-02-08",
            "2027-02-09",
            "2027-02-10",
            "2027-04-05",
            "2027-05-01",
            "2027-05-02",
            "2027-05-03",
            "2027-05-04",
            "2027-06-09",
            "2027-09-15",
            "2027-10-01",
            "2027-10-02",
            "2027-10-03",
            "2027-10-04",
            "2027-10-05",
        ]
        .into_iter()
        .map(d)
        .collect();
        assert_eq!(off_days(&y), expected);
        assert!(
            y.days.iter().all(|d| d.off),
            "no make-up workday is guessed"
        );
        assert_eq!(
            y.days
                .iter()
                .find(|x| x.date == d("2027-02-09"))
                .unwrap()
                .name,
            "春节（补假）"
        );
        let mut years = builtin_years().unwrap();
        years.push(y);
        let c = WorkCalendar::new(years).unwrap();
        assert_eq!(
            c.workdays_between(d("2027-01-01"), d("2027-12-31"))
                .unwrap(),
            248
        );
        assert_eq!(c.add_workdays(d("2027-02-04"), 1).unwrap(), d("2027-02-11"));
        assert_eq!(c.add_workdays(d("2027-09-30"), 1).unwrap(), d("2027-10-06"));
    }

    /// Each year's statutory days and 补假, 2025–2035: 11 statutory days, one day back for each
    /// that falls on a weekend or on another holiday, every one of them a weekday; nothing on a
    /// weekend but the statutory days themselves.
    #[test]
    fn statutory_days_and_make_up_days_2025_to_2035() {
        for year in 2025..=2035 {
            let holidays = statutory_holidays(year).unwrap();
            let statutory: Vec<NaiveDate> = holidays
                .iter()
                .flat_map(|(_, days)| days.iter().copied())
                .collect();
            assert_eq!(statutory.len(), 13, "{year}: 13 holiday days");
            let distinct: BTreeSet<NaiveDate> = statutory.iter().copied().collect();
            let owed = statutory.iter().filter(|d| weekend(**d)).count()
                + (statutory.len() - distinct.len());
            let y = provisional_year(year).unwrap();
            let back: Vec<&HolidayDay> = y
                .days
                .iter()
                .filter(|d| d.name.ends_with("（补假）"))
                .collect();
            assert_eq!(back.len(), owed, "{year}");
            assert!(
                back.iter().all(|d| !weekend(d.date)),
                "{year}: 补假 on weekdays"
            );
            assert!(
                y.days.iter().all(|d| d.date.year() == year),
                "{year}: no day of another year"
            );
            // Each 补假 follows its holiday with nothing worked in between.
            let off: BTreeSet<NaiveDate> = off_days(&y).into_iter().collect();
            for b in &back {
                let name = b.name.trim_end_matches("（补假）");
                let last = holidays
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap()
                    .1
                    .last()
                    .copied();
                let mut day = last.unwrap();
                while day < b.date {
                    day = day.succ_opt().unwrap();
                    assert!(
                        off.contains(&day) || weekend(day),
                        "{year}: gap before {}",
                        b.date
                    );
                }
            }
        }
        // 2031: 中秋 falls on 1 October with 国庆; the shared day is given back too.
        let y = provisional_year(2031).unwrap();
        let back: Vec<NaiveDate> = y
            .days
            .iter()
            .filter(|d| d.name == "国庆节（补假）")
            .map(|d| d.date)
            .collect();
        assert_eq!(back, [d("2031-10-06")]);
        assert!(provisional_year(2024).is_none());
        assert!(provisional_year(*rule_years().end() + 1).is_none());
    }

    /// The rules never give a day off the official calendars of 2025 and 2026 did not.
    #[test]
    fn provisional_days_off_are_official_days_off() {
        let official = WorkCalendar::new(builtin_years().unwrap()).unwrap();
        for year in [2025, 2026] {
            for day in provisional_year(year).unwrap().days {
                assert!(
                    !official.is_workday(day.date).unwrap(),
                    "{} ({}) is worked in the official {year}",
                    day.date,
                    day.name
                );
            }
        }
    }
}
