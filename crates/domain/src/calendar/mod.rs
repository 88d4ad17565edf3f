//! China's official working-day calendar (工作日): weekends off, statutory holidays off, and the
//! make-up workdays (调休) on weekends, as the State Council's yearly notices set them.
//!
//! The facts for 2020–2026 are compiled in from the public dataset NateScarlet/holiday-cn (MIT,
//! notice in `data/holiday-cn/LICENSE`); a newer year is added in the same JSON shape or as the
//! notice's text ([`notice`]). A year from 2025 whose notice is not loaded yet is *provisional*:
//! its days off follow from the statutory rules alone ([`statutory`]), and everything computed
//! from it says so. A date before the first built-in year or past the rules' lunar table is an
//! error, never a guess from the weekday.
//!
//! Working days are numbered (ordinals) once when the calendar is built, so counting and adding
//! working days, and the whole critical-path computation, are array lookups.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Bilingual, bi};

pub mod notice;
pub mod statutory;

/// One year of the official calendar, in the dataset's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayYear {
    pub year: i32,
    /// The notices the year comes from (addresses).
    pub papers: Vec<String>,
    /// Days that differ from the plain week: holidays (`off`) and make-up workdays (not `off`).
    /// A year's list may hold days of the previous December (元旦 starting on 31 December).
    pub days: Vec<HolidayDay>,
    /// Computed from the statutory rules, not read from the State Council's notice.
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayDay {
    pub name: String,
    pub date: NaiveDate,
    pub off: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawYear {
    year: Option<i64>,
    #[serde(default)]
    papers: Vec<String>,
    days: Option<Vec<RawDay>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDay {
    name: Option<String>,
    date: Option<String>,
    is_off_day: Option<bool>,
}

/// Years a calendar may hold: the dataset starts in 2007; far-off years are typing mistakes.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Why a calendar file or question was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} / {}", .0.zh, .0.en)]
pub struct CalendarError(pub Bilingual);

impl CalendarError {
    pub fn message(&self) -> &Bilingual {
        &self.0
    }
}

fn err(zh: impl Into<String>, en: impl Into<String>) -> CalendarError {
    CalendarError(bi(zh, en))
}

impl HolidayYear {
    /// Reads one year file of the holiday-cn dataset, checking every entry.
    pub fn from_json(text: &str) -> Result<HolidayYear, CalendarError> {
        let raw: RawYear = serde_json::from_str(text).map_err(|e| {
            err(
                format!("节假日文件不是有效的 JSON：{e}"),
                format!("the holiday file is not valid JSON: {e}"),
            )
        })?;
        let year = raw
            .year
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| YEARS.contains(y))
            .ok_or_else(|| {
                err(
                    "节假日文件缺少有效的 \"year\"（如 2027）",
                    "the holiday file lacks a valid \"year\" (e.g. 2027)",
                )
            })?;
        let raw_days = raw.days.ok_or_else(|| {
            err(
                "节假日文件缺少 \"days\" 列表",
                "the holiday file has no \"days\" list",
            )
        })?;
        if raw_days.is_empty() {
            return Err(err(
                format!("{year}年的节假日文件没有任何日期"),
                format!("the holiday file for {year} lists no days"),
            ));
        }
        let mut days: BTreeMap<NaiveDate, HolidayDay> = BTreeMap::new();
        for (i, d) in raw_days.into_iter().enumerate() {
            let n = i + 1;
            let text = d.date.unwrap_or_default();
            let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                err(
                    format!("第{n}项的日期“{text}”无效，应为 YYYY-MM-DD"),
                    format!("entry {n}: date “{text}” is not a YYYY-MM-DD date"),
                )
            })?;
            if !belongs_to(date, year) {
                return Err(err(
                    format!("第{n}项的日期 {date} 不在{year}年内（只有元旦可从上一年12月开始）"),
                    format!(
                        "entry {n}: {date} is not in {year} (only 元旦 may begin in the previous December)"
                    ),
                ));
            }
            let off = d.is_off_day.ok_or_else(|| {
                err(
                    format!("第{n}项（{date}）缺少 isOffDay（true 放假 / false 补班）"),
                    format!("entry {n} ({date}) lacks isOffDay (true off / false make-up workday)"),
                )
            })?;
            let day = HolidayDay {
                name: d.name.unwrap_or_default(),
                date,
                off,
            };
            if let Some(before) = days.get(&date)
                && before.off != off
            {
                return Err(err(
                    format!("{date} 同时被列为放假和补班"),
                    format!("{date} is listed both as a day off and as a workday"),
                ));
            }
            days.insert(date, day);
        }
        Ok(HolidayYear {
            year,
            papers: raw.papers,
            days: days.into_values().collect(),
            provisional: false,
        })
    }

    /// The year in holiday-cn's JSON shape (`{"year", "papers", "days": [{"date", "name",
    /// "isOffDay"}]}`, in that order), which [`HolidayYear::from_json`] reads back.
    pub fn holiday_cn(&self) -> HolidayCn<'_> {
        HolidayCn {
            year: self.year,
            papers: &self.papers,
            days: self
                .days
                .iter()
                .map(|d| HolidayCnDay {
                    date: d.date.format("%Y-%m-%d").to_string(),
                    name: &d.name,
                    is_off_day: d.off,
                })
                .collect(),
        }
    }

    /// [`HolidayYear::holiday_cn`] as compact JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.holiday_cn()).unwrap_or_default()
    }
}

/// A year as holiday-cn writes it.
#[derive(Debug, Serialize)]
pub struct HolidayCn<'a> {
    pub year: i32,
    pub papers: &'a [String],
    pub days: Vec<HolidayCnDay<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayCnDay<'a> {
    pub date: String,
    pub name: &'a str,
    pub is_off_day: bool,
}

/// Whether a day listed for `year` may stand in its list: a day of the year itself, or of the
/// previous December (a 元旦 block, or its make-up workday, that begins before 1 January).
pub fn belongs_to(date: NaiveDate, year: i32) -> bool {
    date.year() == year || (date.year() == year - 1 && date.month() == 12)
}

/// What a date or a count computed on the calendar rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Every year it touches is from a State Council notice.
    #[default]
    Official,
    /// Some year it touches is provisional (the statutory rules alone).
    Provisional,
    /// Some year it touches is outside the calendar: it could not be computed.
    Unknown,
}

impl Basis {
    pub fn code(self) -> &'static str {
        match self {
            Basis::Official => "official",
            Basis::Provisional => "provisional",
            Basis::Unknown => "unknown",
        }
    }

    /// The mark a page shows beside such a date ("" for an official one).
    pub fn mark(self) -> Bilingual {
        match self {
            Basis::Official => bi("", ""),
            Basis::Provisional => bi("暂定", "provisional"),
            Basis::Unknown => bi("日历未覆盖", "outside the calendar"),
        }
    }

    /// Why it is marked, for a tooltip.
    pub fn explain(self) -> Bilingual {
        match self {
            Basis::Official => bi("", ""),
            Basis::Provisional => bi(
                "按暂定日历计算：该年的国务院办公厅节假日安排通知尚未导入",
                "computed on a provisional calendar: the year's State Council holiday notice is not imported",
            ),
            Basis::Unknown => bi(
                "工作日日历不覆盖该年份，无法按工作日计算",
                "the working-day calendar does not cover the year: working days cannot be counted",
            ),
        }
    }
}

/// The years compiled into the binary.
const BUILTIN: &[&str] = &[
    include_str!("../../data/holiday-cn/2020.json"),
    include_str!("../../data/holiday-cn/2021.json"),
    include_str!("../../data/holiday-cn/2022.json"),
    include_str!("../../data/holiday-cn/2023.json"),
    include_str!("../../data/holiday-cn/2024.json"),
    include_str!("../../data/holiday-cn/2025.json"),
    include_str!("../../data/holiday-cn/2026.json"),
];

/// The compiled-in years (2020–2026).
pub fn builtin_years() -> Result<Vec<HolidayYear>, CalendarError> {
    BUILTIN.iter().map(|t| HolidayYear::from_json(t)).collect()
}

/// A working-day calendar over the years it knows.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    years: BTreeMap<i32, HolidayYear>,
    /// 1 January of the first known year: day index 0.
    first: NaiveDate,
    /// Per day: whether its year is known.
    known: Vec<bool>,
    /// Per day: the number of working days before it (so a working day's ordinal).
    before: Vec<u32>,
    /// Per day: whether it is a working day.
    working: Vec<bool>,
    /// Day index of each working day, by ordinal.
    workdays: Vec<u32>,
}

impl WorkCalendar {
    /// The calendar of the compiled-in years.
    pub fn builtin() -> Result<WorkCalendar, CalendarError> {
        WorkCalendar::new(builtin_years()?)
    }

    /// A calendar of these years; a later entry for the same year replaces an earlier one. Every
    /// year the statutory rules cover and no entry gives is added as provisional.
    pub fn new(years: Vec<HolidayYear>) -> Result<WorkCalendar, CalendarError> {
        let mut years: BTreeMap<i32, HolidayYear> =
            years.into_iter().map(|y| (y.year, y)).collect();
        for year in statutory::rule_years() {
            if !years.contains_key(&year)
                && let Some(provisional) = statutory::provisional_year(year)
            {
                years.insert(year, provisional);
            }
        }
        let (Some(&min), Some(&max)) = (years.keys().next(), years.keys().next_back()) else {
            return Err(err("日历中没有任何年份", "the calendar holds no year"));
        };
        let first = NaiveDate::from_ymd_opt(min, 1, 1)
            .ok_or_else(|| err("日历年份无效", "invalid calendar year"))?;
        let end = NaiveDate::from_ymd_opt(max + 1, 1, 1)
            .ok_or_else(|| err("日历年份无效", "invalid calendar year"))?;
        let len = usize::try_from((end - first).num_days()).unwrap_or(0);
        // Overrides by day index: a year's own file wins over a neighbour's entry for the same
        // date. (Vectors, not maps: the calendar is built on every request that needs it.)
        let mut overrides: Vec<Option<(bool, bool)>> = vec![None; len];
        for y in years.values() {
            for d in &y.days {
                let own = d.date.year() == y.year;
                let Ok(i) = usize::try_from((d.date - first).num_days()) else {
                    continue;
                };
                match overrides.get(i) {
                    Some(Some((_, true))) if !own => {}
                    Some(_) => overrides[i] = Some((d.off, own)),
                    None => {}
                }
            }
        }
        let mut known = Vec::with_capacity(len);
        let mut working = Vec::with_capacity(len);
        let mut before = Vec::with_capacity(len);
        let mut workdays = Vec::with_capacity(len);
        let mut count = 0u32;
        let mut weekday = first.weekday().num_days_from_monday();
        let (mut year, mut is_known) = (first.year(), years.contains_key(&first.year()));
        for (i, date) in first.iter_days().take(len).enumerate() {
            if date.year() != year {
                year = date.year();
                is_known = years.contains_key(&year);
            }
            let weekend = weekday >= 5;
            weekday = (weekday + 1) % 7;
            let is_working = is_known
                && match overrides[i] {
                    Some((off, _)) => !off,
                    None => !weekend,
                };
            known.push(is_known);
            working.push(is_working);
            before.push(count);
            if is_working {
                workdays.push(u32::try_from(i).unwrap_or(u32::MAX));
                count += 1;
            }
        }
        Ok(WorkCalendar {
            years,
            first,
            known,
            before,
            working,
            workdays,
        })
    }

    /// The years this calendar knows, official or provisional.
    pub fn years(&self) -> BTreeSet<i32> {
        self.years.keys().copied().collect()
    }

    /// The years read from a State Council notice (built in or imported).
    pub fn official_years(&self) -> BTreeSet<i32> {
        self.years
            .values()
            .filter(|y| !y.provisional)
            .map(|y| y.year)
            .collect()
    }

    /// Whether `year` is known only from the statutory rules.
    pub fn is_provisional(&self, year: i32) -> bool {
        self.years.get(&year).is_some_and(|y| y.provisional)
    }

    /// Whether anything from `from` to `to` (either order) rests on a provisional year.
    pub fn provisional_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year()).any(|y| self.is_provisional(y))
    }

    /// What a computation spanning `from` to `to` (either order) rests on.
    pub fn basis(&self, from: NaiveDate, to: NaiveDate) -> Basis {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        let mut basis = Basis::Official;
        for year in a.year()..=b.year() {
            match self.years.get(&year) {
                None => return Basis::Unknown,
                Some(y) if y.provisional => basis = Basis::Provisional,
                Some(_) => {}
            }
        }
        basis
    }

    /// The first provisional year from `year` on, if any (the one whose notice is awaited).
    pub fn first_provisional_from(&self, year: i32) -> Option<i32> {
        self.years
            .range(year..)
            .find(|(_, y)| y.provisional)
            .map(|(&y, _)| y)
    }

    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.get(&year)
    }

    fn unknown(&self, date: NaiveDate) -> CalendarError {
        let (first, last) = (
            self.years.keys().next().copied().unwrap_or_default(),
            self.years.keys().next_back().copied().unwrap_or_default(),
        );
        err(
            format!(
                "日历中没有{}年的节假日安排（工作日日历覆盖{first}—{last}年），请先用 gongjian calendar import 导入",
                date.year(),
            ),
            format!(
                "the calendar does not know the year {} (it covers {first}–{last}); add it with gongjian calendar import",
                date.year(),
            ),
        )
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        let i = (date - self.first).num_days();
        match usize::try_from(i) {
            Ok(i) if self.known.get(i) == Some(&true) => Ok(i),
            _ => Err(self.unknown(date)),
        }
    }

    fn date_at(&self, index: u32) -> NaiveDate {
        self.first + Days::new(u64::from(index))
    }

    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.working[self.index(date)?])
    }

    /// The name of the holiday or make-up day on `date`, if any ("国庆节", "春节"…).
    pub fn day_name(&self, date: NaiveDate) -> Option<&str> {
        let own = self.years.get(&date.year());
        let neighbours = [date.year() + 1, date.year() - 1].map(|y| self.years.get(&y));
        std::iter::once(own)
            .chain(neighbours)
            .flatten()
            .flat_map(|y| y.days.iter())
            .find(|d| d.date == date)
            .map(|d| d.name.as_str())
    }

    /// Working days from `from` to `to`, both included.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        if from > to {
            return Err(err(
                format!("起始日期 {from} 晚于结束日期 {to}"),
                format!("the start {from} is after the end {to}"),
            ));
        }
        let (a, b) = (self.index(from)?, self.index(to)?);
        self.check_known_between(from, to)?;
        Ok(self.before[b] + u32::from(self.working[b]) - self.before[a])
    }

    /// The date `n` working days after `date` (`date` itself not counted); `n = 0` is `date`.
    pub fn add_workdays(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        if n == 0 {
            return Ok(date);
        }
        // Ordinal of the first working day after `date`, then n - 1 further.
        let next = self.before[i] + u32::from(self.working[i]);
        let end = self.workday(next.saturating_add(n - 1))?;
        self.check_known_between(date, end)?;
        Ok(end)
    }

    /// Ordinal of the first working day on or after `date`.
    pub fn ordinal_on_or_after(&self, date: NaiveDate) -> Result<u32, CalendarError> {
        let i = self.index(date)?;
        let ordinal = self.before[i];
        // Make sure that working day exists within the known years.
        self.workday(ordinal)?;
        Ok(ordinal)
    }

    /// Ordinal of `date` if it is a working day, else of the last working day before it, and
    /// whether `date` itself is one. `None` when no working day precedes it in the calendar.
    pub fn ordinal_on_or_before(&self, date: NaiveDate) -> Result<Option<u32>, CalendarError> {
        let i = self.index(date)?;
        let through = self.before[i] + u32::from(self.working[i]);
        Ok(through.checked_sub(1))
    }

    /// The date of the working day with this ordinal.
    pub fn workday(&self, ordinal: u32) -> Result<NaiveDate, CalendarError> {
        match self.workdays.get(ordinal as usize) {
            Some(&i) => Ok(self.date_at(i)),
            None => {
                let last = self.years.keys().next_back().copied().unwrap_or_default();
                Err(err(
                    format!("日期超出日历已知的年份（至{last}年），请先导入下一年的节假日安排"),
                    format!(
                        "the date runs past the years the calendar knows (up to {last}); import the next year first"
                    ),
                ))
            }
        }
    }

    /// A span crossing a year the calendar lacks (a gap between known years) is refused.
    fn check_known_between(&self, from: NaiveDate, to: NaiveDate) -> Result<(), CalendarError> {
        for year in from.year()..=to.year() {
            if !self.years.contains_key(&year) {
                let date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(from);
                return Err(self.unknown(date));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin().unwrap()
    }

    #[test]
    fn every_builtin_year_parses() {
        let years = builtin_years().unwrap();
        assert_eq!(
            years.iter().map(|y| y.year).collect::<Vec<_>>(),
            (2020..=2026).collect::<Vec<_>>()
        );
        assert!(years.iter().all(|y| y.days.len() > 20));
    }

    /// Facts checked against the State Council's notices.
    #[test]
    fn holidays_and_make_up_days() {
        let c = cal();
        // 国庆 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
        assert_eq!(c.add_workdays(d("2025-09-30"), 1).unwrap(), d("2025-10-09"));
        assert!(c.is_workday(d("2025-09-28")).unwrap());
        assert!(c.is_workday(d("2025-10-11")).unwrap());
        assert!(!c.is_workday(d("2025-10-08")).unwrap());
        // 春节 2026: Saturday 14 February is a make-up workday.
        assert!(c.is_workday(d("2026-02-14")).unwrap());
        assert_eq!(c.day_name(d("2026-02-14")), Some("春节"));
        // A plain weekend and a plain weekday.
        assert!(!c.is_workday(d("2025-11-22")).unwrap());
        assert!(c.is_workday(d("2025-11-21")).unwrap());
        // 元旦 2023 began on Saturday 31 December 2022 (listed in the 2023 file).
        assert!(!c.is_workday(d("2023-01-02")).unwrap());
        assert_eq!(c.day_name(d("2022-12-31")), Some("元旦"));
    }

    /// The big holidays of every built-in year, from the State Council's notices: the last
    /// working day before, plus one working day, is the first working day after; the make-up
    /// days (调休) are worked even on a weekend.
    #[test]
    fn every_year_s_spring_festival_and_national_day() {
        let c = cal();
        let cases = [
            ("2020-01-23", "2020-02-03", &["2020-01-19"][..]),
            ("2020-09-30", "2020-10-09", &["2020-09-27", "2020-10-10"]),
            ("2021-02-10", "2021-02-18", &["2021-02-07", "2021-02-20"]),
            ("2021-09-30", "2021-10-08", &["2021-09-26", "2021-10-09"]),
            ("2022-01-30", "2022-02-07", &["2022-01-29", "2022-01-30"]),
            ("2022-09-30", "2022-10-08", &["2022-10-08", "2022-10-09"]),
            ("2023-01-20", "2023-01-28", &["2023-01-28", "2023-01-29"]),
            ("2023-09-28", "2023-10-07", &["2023-10-07", "2023-10-08"]),
            ("2024-02-09", "2024-02-18", &["2024-02-04", "2024-02-18"]),
            ("2024-04-30", "2024-05-06", &["2024-04-28", "2024-05-11"]),
            ("2024-09-30", "2024-10-08", &["2024-09-29", "2024-10-12"]),
            ("2025-01-27", "2025-02-05", &["2025-01-26", "2025-02-08"]),
            ("2025-04-30", "2025-05-06", &["2025-04-27"]),
            ("2025-09-30", "2025-10-09", &["2025-09-28", "2025-10-11"]),
            ("2026-02-14", "2026-02-24", &["2026-02-14", "2026-02-28"]),
            ("2026-09-30", "2026-10-08", &["2026-09-20", "2026-10-10"]),
        ];
        for (before, after, make_up) in cases {
            assert_eq!(c.add_workdays(d(before), 1).unwrap(), d(after), "{before}");
            // Nothing between them is worked.
            assert_eq!(
                c.workdays_between(d(before), d(after)).unwrap(),
                2,
                "{before}"
            );
            for day in make_up {
                assert!(c.is_workday(d(day)).unwrap(), "{day} is a make-up workday");
            }
        }
    }

    #[test]
    fn counts_and_adds_working_days() {
        let c = cal();
        // October 2025: 23 weekdays, 6 of them off (1–3 and 6–8), plus the make-up Saturday 11th.
        assert_eq!(
            c.workdays_between(d("2025-10-01"), d("2025-10-31"))
                .unwrap(),
            18
        );
        assert_eq!(
            c.workdays_between(d("2025-10-01"), d("2025-10-01"))
                .unwrap(),
            0
        );
        assert_eq!(
            c.workdays_between(d("2025-10-09"), d("2025-10-09"))
                .unwrap(),
            1
        );
        assert_eq!(c.add_workdays(d("2025-10-04"), 0).unwrap(), d("2025-10-04"));
        // Across a year end: Wednesday 31 December 2025, then 元旦 1–3 January 2026 off,
        // Sunday 4 January worked.
        assert_eq!(c.add_workdays(d("2025-12-31"), 1).unwrap(), d("2026-01-04"));
        assert_eq!(
            c.workdays_between(d("2025-12-31"), d("2026-01-05"))
                .unwrap(),
            3
        );
        // Adding then counting agree.
        for n in [1, 5, 20, 250, 1000] {
            let end = c.add_workdays(d("2020-03-02"), n).unwrap();
            assert_eq!(c.workdays_between(d("2020-03-03"), end).unwrap(), n);
        }
    }

    #[test]
    fn years_past_the_notices_are_provisional() {
        let c = cal();
        assert!(!c.is_provisional(2026) && c.is_provisional(2027));
        assert_eq!(c.official_years(), (2020..=2026).collect());
        assert!(c.provisional_between(d("2026-12-30"), d("2027-01-04")));
        assert!(c.provisional_between(d("2027-01-04"), d("2026-12-30")));
        assert!(!c.provisional_between(d("2026-01-01"), d("2026-12-31")));
        assert_eq!(c.first_provisional_from(2025), Some(2027));
        assert_eq!(c.basis(d("2026-01-01"), d("2026-12-31")), Basis::Official);
        assert_eq!(
            c.basis(d("2027-01-01"), d("2026-12-31")),
            Basis::Provisional
        );
        assert_eq!(c.basis(d("2019-12-31"), d("2020-01-02")), Basis::Unknown);
        assert_eq!(c.basis(d("2060-12-31"), d("2061-01-02")), Basis::Unknown);
        assert_eq!(c.add_workdays(d("2026-12-31"), 1).unwrap(), d("2027-01-04"));
        assert_eq!(c.day_name(d("2027-02-09")), Some("春节（补假）"));
        // The rules cover at least 2035.
        assert!(c.is_workday(d("2035-12-31")).is_ok());
    }

    #[test]
    fn unknown_years_are_errors_not_guesses() {
        let c = cal();
        let last = *statutory::rule_years().end();
        let past = NaiveDate::from_ymd_opt(last + 1, 3, 1).unwrap();
        let e = c.is_workday(past).unwrap_err();
        assert!(e.0.zh.contains(&(last + 1).to_string()), "{e:?}");
        assert!(e.0.en.contains(&(last + 1).to_string()));
        let e = c.is_workday(d("2019-12-31")).unwrap_err();
        assert!(e.0.zh.contains("2019") && e.0.en.contains("2019"), "{e:?}");
        assert!(
            c.add_workdays(NaiveDate::from_ymd_opt(last, 12, 30).unwrap(), 5)
                .is_err()
        );
        assert!(
            c.workdays_between(d("2019-12-30"), d("2020-01-03"))
                .is_err()
        );
        assert!(
            c.workdays_between(d("2025-01-03"), d("2025-01-02"))
                .is_err()
        );
        // A gap between known years is refused too.
        let mut years = builtin_years().unwrap();
        years.retain(|y| y.year != 2023);
        let gap = WorkCalendar::new(years).unwrap();
        assert!(gap.add_workdays(d("2022-12-20"), 30).is_err());
        assert!(
            gap.workdays_between(d("2022-12-01"), d("2024-01-31"))
                .is_err()
        );
    }

    #[test]
    fn a_new_year_is_added_and_bad_files_refused() {
        let next = r#"{"year": 2027, "papers": [], "days": [
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "春节", "date": "2027-02-20", "isOffDay": false}]}"#;
        let mut years = builtin_years().unwrap();
        years.push(HolidayYear::from_json(next).unwrap());
        let c = WorkCalendar::new(years).unwrap();
        assert!(!c.is_workday(d("2027-01-01")).unwrap());
        assert!(c.is_workday(d("2027-02-20")).unwrap());
        assert!(c.is_workday(d("2027-03-01")).unwrap());
        // The imported year is official; its 端午 is no longer the rules' guess alone.
        assert!(!c.is_provisional(2027));
        assert!(c.is_workday(d("2027-06-09")).unwrap());
        // The previous December may open the year's 元旦.
        let early = r#"{"year": 2027, "days": [
            {"name": "元旦", "date": "2026-12-31", "isOffDay": true}]}"#;
        assert_eq!(HolidayYear::from_json(early).unwrap().days.len(), 1);

        for bad in [
            "not json",
            r#"{"days": []}"#,
            r#"{"year": 2027}"#,
            r#"{"year": 2027, "days": []}"#,
            r#"{"year": 1027, "days": [{"name": "x", "date": "1027-01-01", "isOffDay": true}]}"#,
            r#"{"year": 2027, "days": [{"name": "x", "date": "2027-02-30", "isOffDay": true}]}"#,
            r#"{"year": 2027, "days": [{"name": "x", "date": "2031-01-01", "isOffDay": true}]}"#,
            r#"{"year": 2027, "days": [{"name": "x", "date": "2028-01-01", "isOffDay": true}]}"#,
            r#"{"year": 2027, "days": [{"name": "x", "date": "2026-11-30", "isOffDay": true}]}"#,
            r#"{"year": 2027, "days": [{"name": "x", "date": "2027-01-01"}]}"#,
            r#"{"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": true},
                                       {"name": "x", "date": "2027-01-01", "isOffDay": false}]}"#,
        ] {
            let e = HolidayYear::from_json(bad).unwrap_err();
            assert!(!e.0.zh.is_empty() && !e.0.en.is_empty(), "{bad}");
        }
    }
}
