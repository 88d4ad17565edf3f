//! 序时进度 and the red/yellow/green lights (SPEC §2 Report, 序时进度, Warning; §3.2, §3.3).
//!
//! Defaults follow a published city rule (银川 2025 "红黄绿灯"); every threshold is a setting of
//! the campaign ([`Rules`]). Shares and rates are exact fractions and every comparison with a
//! threshold is done in integers, so a project exactly 30 points behind is yellow, not red
//! because of a rounding error; floating point is only used to show numbers.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::phases::PlanPhases;
use crate::{Bilingual, Lang, bi};

/// A fraction `num / den` with `den > 0`; equal fractions are equal (6/12 == 1/2).
#[derive(Debug, Clone, Copy)]
pub struct Share {
    pub num: i128,
    pub den: i128,
}

impl Share {
    pub fn new(num: i128, den: i128) -> Option<Share> {
        (den > 0).then_some(Share { num, den })
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Nothing: 0/1.
    pub const ZERO: Share = Share { num: 0, den: 1 };

    fn min_one(self) -> Share {
        if self.num > self.den {
            Share { num: 1, den: 1 }
        } else {
            self
        }
    }
}

impl Default for Share {
    fn default() -> Share {
        Share::ZERO
    }
}

impl PartialEq for Share {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Share {}

impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Share {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

/// How often units report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Monthly,
    /// 上旬 1–10, 中旬 11–20, 下旬 21–end.
    TenDaily,
}

/// The time a campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// A calendar year.
    Year(i32),
    /// A fixed window such as 攻坚120天 from 2021-09-01 (both days included).
    Fixed { start: NaiveDate, end: NaiveDate },
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// Which ten-day part of a month a date falls in (0 上旬, 1 中旬, 2 下旬), and whether the date
/// is the last day of that part.
fn ten_day(date: NaiveDate) -> (u32, bool) {
    let last = month_end(date.year(), date.month()).map_or(31, |d| d.day());
    match date.day() {
        1..=10 => (0, date.day() == 10),
        11..=20 => (1, date.day() == 20),
        _ => (2, date.day() == last),
    }
}

/// 序时进度: the share of the campaign's time that has passed by `as_of`. For a calendar year,
/// completed months / 12 (monthly reporting; the end of June is exactly 1/2) or completed
/// ten-day periods / 36; for a fixed window, elapsed days / window days, from 0 to 1.
pub fn expected_share(window: Window, cadence: Cadence, as_of: NaiveDate) -> Share {
    match window {
        Window::Year(year) => {
            let (done, of) = match cadence {
                Cadence::Monthly => {
                    let completed = if as_of.year() < year {
                        0
                    } else if as_of.year() > year {
                        12
                    } else {
                        let ended = month_end(year, as_of.month()) == Some(as_of);
                        as_of.month() - 1 + u32::from(ended)
                    };
                    (completed, 12)
                }
                Cadence::TenDaily => {
                    let completed = if as_of.year() < year {
                        0
                    } else if as_of.year() > year {
                        36
                    } else {
                        let (part, ended) = ten_day(as_of);
                        (as_of.month() - 1) * 3 + part + u32::from(ended)
                    };
                    (completed, 36)
                }
            };
            Share {
                num: i128::from(done),
                den: of,
            }
        }
        Window::Fixed { start, end } => {
            let days = (end - start).num_days() + 1;
            let elapsed = ((as_of - start).num_days() + 1).clamp(0, days.max(1));
            Share {
                num: i128::from(elapsed),
                den: i128::from(days.max(1)),
            }
        }
    }
}

/// A project's own 序时进度: the campaign's [`expected_share`], unless its planned start falls
/// within the campaign's time after the first period. Such a project is judged from its start
/// period (inclusive): periods completed since then / periods from then to the year's end (for
/// a fixed window, days since its planned start / days from then to the window's end). `None`
/// before its start period, or when its planned start is after the campaign: it is not yet
/// judged on investment.
pub fn project_share(
    window: Window,
    cadence: Cadence,
    as_of: NaiveDate,
    planned_start: Option<NaiveDate>,
) -> Option<Share> {
    let whole = expected_share(window, cadence, as_of);
    let Some(planned) = planned_start else {
        return Some(whole);
    };
    match window {
        Window::Year(year) => {
            if planned.year() < year {
                return Some(whole);
            }
            if planned.year() > year {
                return None;
            }
            let start = match cadence {
                Cadence::Monthly => Period::month_of(planned),
                Cadence::TenDaily => Period::ten_day_of(planned),
            };
            if start.first_day().is_some_and(|first| as_of < first) {
                return None;
            }
            // Periods of the year before the start period.
            let before = i128::from(planned.month() - 1)
                * match cadence {
                    Cadence::Monthly => 1,
                    Cadence::TenDaily => 3,
                }
                + start.part.map_or(0, |p| i128::from(p) - 1);
            Some(Share {
                num: (whole.num - before).max(0),
                den: whole.den - before,
            })
        }
        Window::Fixed { start, end } => {
            if planned <= start {
                Some(whole)
            } else if planned > end || as_of < planned {
                None
            } else {
                let days = (end - planned).num_days() + 1;
                let elapsed = ((as_of - planned).num_days() + 1).clamp(0, days);
                Some(Share {
                    num: i128::from(elapsed),
                    den: i128::from(days),
                })
            }
        }
    }
}

/// A reporting period: a month, or a ten-day part of one (上旬 1–10, 中旬 11–20, 下旬 21–end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
    /// 1 上旬, 2 中旬, 3 下旬; `None` for the whole month.
    pub part: Option<u8>,
}

const PARTS: [&str; 3] = ["上旬", "中旬", "下旬"];

impl Period {
    /// The calendar month `day` falls in.
    pub fn month_of(day: NaiveDate) -> Period {
        Period {
            year: day.year(),
            month: day.month(),
            part: None,
        }
    }

    /// The ten-day period `day` falls in (上旬 1–10, 中旬 11–20, 下旬 21–end).
    pub fn ten_day_of(day: NaiveDate) -> Period {
        Period {
            year: day.year(),
            month: day.month(),
            part: Some(ten_day(day).0 as u8 + 1),
        }
    }

    /// `2025-06`, or `2025-06-上旬` / `2025-06-中旬` / `2025-06-下旬` (also `-1`, `-2`, `-3`).
    pub fn parse(text: &str) -> Result<Period, Bilingual> {
        let bad = || {
            bi(
                format!("报送期“{text}”无效，应为 2025-06 或 2025-06-上旬/中旬/下旬"),
                format!("period “{text}” is not like 2025-06 or 2025-06-上旬/中旬/下旬"),
            )
        };
        let t = text.trim();
        let mut pieces = t.splitn(3, '-');
        let year: i32 = pieces.next().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
        let month: u32 = pieces.next().and_then(|m| m.parse().ok()).ok_or_else(bad)?;
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        let part = match pieces.next() {
            None => None,
            Some(p) => {
                let i = PARTS
                    .iter()
                    .position(|x| *x == p)
                    .or_else(|| {
                        p.parse::<usize>()
                            .ok()
                            .filter(|n| (1..=3).contains(n))
                            .map(|n| n - 1)
                    })
                    .ok_or_else(bad)?;
                Some(i as u8 + 1)
            }
        };
        Ok(Period { year, month, part })
    }

    /// The stored key: `2025-06` or `2025-06-1`; keys sort in time order within a cadence.
    /// The latest period of `cadence` that has ended by `day`: the one to file now.
    pub fn latest_ended(day: NaiveDate, cadence: Cadence) -> Option<Period> {
        let mut p = match cadence {
            Cadence::Monthly => Period::month_of(day),
            Cadence::TenDaily => Period::ten_day_of(day),
        };
        // Step back until the period has ended.
        for _ in 0..3 {
            if p.last_day()? <= day {
                return Some(p);
            }
            p = p.previous();
        }
        None
    }

    /// The period before this one, of the same cadence.
    pub fn previous(&self) -> Period {
        match self.part {
            Some(part) if part > 1 => Period {
                part: Some(part - 1),
                ..*self
            },
            _ => {
                let (year, month) = if self.month == 1 {
                    (self.year - 1, 12)
                } else {
                    (self.year, self.month - 1)
                };
                Period {
                    year,
                    month,
                    part: self.part.map(|_| 3),
                }
            }
        }
    }

    /// The period after this one, of the same cadence.
    pub fn next(&self) -> Period {
        match self.part {
            Some(part) if part < 3 => Period {
                part: Some(part + 1),
                ..*self
            },
            _ => {
                let (year, month) = if self.month == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, self.month + 1)
                };
                Period {
                    year,
                    month,
                    part: self.part.map(|_| 1),
                }
            }
        }
    }

    pub fn key(&self) -> String {
        match self.part {
            None => format!("{}-{:02}", self.year, self.month),
            Some(p) => format!("{}-{:02}-{p}", self.year, self.month),
        }
    }

    /// `2025年6月`, `2025年6月上旬`.
    pub fn label_zh(&self) -> String {
        let part = self.part.map_or("", |p| PARTS[usize::from(p - 1).min(2)]);
        format!("{}年{}月{part}", self.year, self.month)
    }

    pub fn first_day(&self) -> Option<NaiveDate> {
        let day = match self.part {
            None | Some(1) => 1,
            Some(2) => 11,
            Some(_) => 21,
        };
        NaiveDate::from_ymd_opt(self.year, self.month, day)
    }

    pub fn last_day(&self) -> Option<NaiveDate> {
        match self.part {
            Some(1) => NaiveDate::from_ymd_opt(self.year, self.month, 10),
            Some(2) => NaiveDate::from_ymd_opt(self.year, self.month, 20),
            _ => month_end(self.year, self.month),
        }
    }

    /// When the report is due: the 3rd of the next month for a month, three days after the end
    /// for a ten-day period. Later submissions are marked late.
    pub fn deadline(&self) -> Option<NaiveDate> {
        match self.part {
            None => NaiveDate::from_ymd_opt(self.year, self.month, 1)?
                .checked_add_months(Months::new(1))?
                .with_day(3),
            Some(_) => self.last_day()?.checked_add_days(chrono::Days::new(3)),
        }
    }
}

/// A lamp's colour, ordered from good to bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    /// The light of a stored code (`green`, `yellow`, `red`).
    pub fn from_code(code: &str) -> Option<Light> {
        [Light::Green, Light::Yellow, Light::Red]
            .into_iter()
            .find(|l| l.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }

    /// The light's name in a page's language.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::Zh => self.label_zh(),
            crate::Lang::En => self.code(),
        }
    }
}

impl fmt::Display for Light {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The thresholds of a campaign. Defaults: 银川 2025.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Investment lamp: yellow from this many points behind 序时进度 (inclusive).
    pub yellow_from_pp: Decimal,
    /// Investment lamp: red when more than this many points behind.
    pub red_above_pp: Decimal,
    /// Start lamp: red once the start is this many months late.
    pub start_red_months: u32,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            yellow_from_pp: Decimal::from(10),
            red_above_pp: Decimal::from(30),
            start_red_months: 3,
        }
    }
}

impl Rules {
    /// Thresholds as a form or a stored campaign gives them: points behind as decimal text,
    /// months as a whole number. Yellow must not be above red; both within 0–100 points; the
    /// start lamp turns red after 1–24 months.
    pub fn from_text(yellow: &str, red: &str, months: &str) -> Result<Rules, Bilingual> {
        let points = |text: &str, zh: &str, en: &str| {
            let t = crate::text::normalize_number_text(text);
            t.parse::<Decimal>()
                .ok()
                .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::from(100))
                .ok_or_else(|| {
                    bi(
                        format!("{zh}“{}”应为 0 到 100 之间的数", text.trim()),
                        format!("{en} “{}” must be a number from 0 to 100", text.trim()),
                    )
                })
        };
        let yellow = points(yellow, "黄灯阈值", "the yellow threshold")?;
        let red = points(red, "红灯阈值", "the red threshold")?;
        if yellow > red {
            return Err(bi(
                format!("黄灯阈值 {yellow} 个百分点不能大于红灯阈值 {red} 个百分点"),
                format!("the yellow threshold ({yellow} points) is above the red one ({red})"),
            ));
        }
        let months = months
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=24).contains(m))
            .ok_or_else(|| {
                bi(
                    format!("开工红灯月数“{}”应为 1 到 24 的整数", months.trim()),
                    format!(
                        "start-lamp months “{}” must be a whole number from 1 to 24",
                        months.trim()
                    ),
                )
            })?;
        Ok(Rules {
            yellow_from_pp: yellow,
            red_above_pp: red,
            start_red_months: months,
        })
    }
}

/// `lag_pp` compared with a threshold, exactly: (expected − rate) × 100 against `pp`.
fn lag_cmp(expected: Share, rate: Share, pp: Decimal) -> Ordering {
    // (e.num/e.den − r.num/r.den) × 100 vs pp.mantissa / 10^scale
    let scale = 10i128.pow(pp.scale());
    let lhs = (expected.num * rate.den - rate.num * expected.den) * 100 * scale;
    let rhs = pp.mantissa() * expected.den * rate.den;
    lhs.cmp(&rhs)
}

/// Points behind 序时进度, for display.
pub fn lag_pp(expected: Share, rate: Share) -> f64 {
    (expected.to_f64() - rate.to_f64()) * 100.0
}

pub fn investment_lamp(expected: Share, rate: Share, rules: &Rules) -> Light {
    if lag_cmp(expected, rate, rules.yellow_from_pp) == Ordering::Less {
        Light::Green
    } else if lag_cmp(expected, rate, rules.red_above_pp) == Ordering::Greater {
        Light::Red
    } else {
        Light::Yellow
    }
}

/// Start lamp of a project planned to start that has not: yellow from the month of its planned
/// start, red once `start_red_months` months late; `None` before the planned month.
pub fn start_lamp(planned: NaiveDate, as_of: NaiveDate, rules: &Rules) -> Option<(Light, i32)> {
    let late =
        (as_of.year() * 12 + as_of.month() as i32) - (planned.year() * 12 + planned.month() as i32);
    if late < 0 {
        None
    } else if late >= rules.start_red_months as i32 {
        Some((Light::Red, late))
    } else {
        Some((Light::Yellow, late))
    }
}

/// What a project's light is judged from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectProgress {
    pub annual_plan: Option<Money>,
    pub year_to_date: Money,
    /// 计划开工 and not started yet: the planned start, for the start lamp.
    pub awaiting_start: Option<NaiveDate>,
}

/// A project's light and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub rate: Share,
    /// The project's own 序时进度 ([`project_share`]); `None` before its investment period,
    /// when only its start lamp is due.
    pub expected: Option<Share>,
    pub lag_pp: f64,
    pub light: Light,
    /// One reason per lamp that is not green.
    pub why: Vec<Reason>,
}

/// Why a lamp is not green. Kept as figures and worded only when shown: a province's status
/// judges a million projects and shows a page of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// Behind 序时进度 by this many percentage points.
    BehindSchedule { lag_pp: f64 },
    /// 计划开工 in this month and not started yet; `months_late` after the planned month.
    StartPending { month: u32, months_late: i32 },
    /// Planned to start in this month (of another year than the campaign's when `year` is
    /// given), not yet in its investment period: no lamp is due.
    NotDue { year: Option<i32>, month: u32 },
    /// Judged by its 分月计划, which plans nothing before this month: no lamp is due yet.
    PhaseNotDue { month: u32 },
    /// The land lamp: a parcel not delivered by its planned date (the earliest such), this many
    /// days ago ([`crate::land::land_lamp`]).
    LandOverdue { planned: NaiveDate, days: i64 },
    /// The 入库 lamp: started and not in the statistics database this many whole months later
    /// ([`crate::land::registration_lamp`]).
    NotRegistered { months: u32 },
}

impl Reason {
    pub fn text(&self) -> Bilingual {
        match *self {
            Reason::BehindSchedule { lag_pp } => bi(
                format!("滞后序时进度 {lag_pp:.1} 个百分点"),
                format!("{lag_pp:.1} points behind schedule"),
            ),
            Reason::StartPending {
                month,
                months_late: 0,
            } => bi(
                format!("计划{month}月开工，尚未开工"),
                format!("planned to start in month {month}, not started yet"),
            ),
            Reason::StartPending { month, months_late } => bi(
                format!("计划{month}月开工，已逾期{months_late}个月"),
                format!("planned to start in month {month}, {months_late} months late"),
            ),
            Reason::NotDue { year: None, month } => bi(
                format!("计划{month}月开工，未到投资考核期"),
                format!("planned to start in month {month}: not yet judged on investment"),
            ),
            Reason::NotDue {
                year: Some(year),
                month,
            } => bi(
                format!("计划{year}年{month}月开工，未到投资考核期"),
                format!("planned to start in {year}-{month:02}: not yet judged on investment"),
            ),
            Reason::PhaseNotDue { month } => bi(
                format!("分月计划自{month}月起，未到投资考核期"),
                format!("its monthly plan starts in month {month}: not yet judged on investment"),
            ),
            Reason::LandOverdue { planned, days } => bi(
                format!("地块计划 {planned} 交地，已逾期 {days} 天"),
                format!("a parcel due for delivery on {planned} is {days} days late"),
            ),
            Reason::NotRegistered { months } => bi(
                format!("已开工 {months} 个月仍未入库纳统"),
                format!("started {months} months ago and not yet in the statistics database"),
            ),
        }
    }

    /// The reason in one language.
    pub fn get(&self, lang: Lang) -> String {
        let text = self.text();
        match lang {
            Lang::Zh => text.zh,
            Lang::En => text.en,
        }
    }
}

/// The worse of the investment lamp (against the project's own 序时进度 `expected`, when it is
/// in its investment period) and the start lamp; `None` without an annual plan (不考核) or
/// when neither lamp is due yet.
pub fn judge(
    p: &ProjectProgress,
    expected: Option<Share>,
    as_of: NaiveDate,
    rules: &Rules,
) -> Option<Judgement> {
    let plan = p.annual_plan.filter(|m| m.fen() > 0)?;
    let rate = Share {
        num: i128::from(p.year_to_date.fen()),
        den: i128::from(plan.fen()),
    };
    let mut light = None;
    let mut lag = 0.0;
    let mut why = Vec::new();
    if let Some(expected) = expected {
        lag = lag_pp(expected, rate);
        let lamp = investment_lamp(expected, rate, rules);
        if lamp != Light::Green {
            why.push(Reason::BehindSchedule { lag_pp: lag });
        }
        light = Some(lamp);
    }
    if let Some(planned) = p.awaiting_start
        && let Some((lamp, late)) = start_lamp(planned, as_of, rules)
    {
        light = Some(light.map_or(lamp, |l| l.max(lamp)));
        why.push(Reason::StartPending {
            month: planned.month(),
            months_late: late,
        });
    }
    Some(Judgement {
        rate,
        expected,
        lag_pp: lag,
        light: light?,
        why,
    })
}

/// Σ plan × share over `(plan, share)` pairs, in fen: the plans are summed per distinct share
/// (a year has a few dozen) and each sum multiplied and rounded once, so a province's million
/// projects cost additions, not a wide division each.
pub fn amount_expected(pairs: impl Iterator<Item = (Money, Share)>) -> i128 {
    let mut by_share: Vec<(Share, i128)> = Vec::new();
    for (plan, share) in pairs {
        let plan = i128::from(plan.fen());
        match by_share
            .iter_mut()
            .find(|(s, _)| s.num == share.num && s.den == share.den)
        {
            Some((_, sum)) => *sum += plan,
            None => by_share.push((share, plan)),
        }
    }
    by_share
        .into_iter()
        .map(|(share, sum)| {
            let n = sum * share.num;
            let half = share.den / 2;
            if n >= 0 {
                (n + half) / share.den
            } else {
                (n - half) / share.den
            }
        })
        .sum()
}

/// `plan × share` in fen, rounded half away from zero: a project's amount expected to date.
pub fn expected_amount(plan: Money, share: Share) -> i128 {
    let n = i128::from(plan.fen()) * share.num;
    let half = share.den / 2;
    if n >= 0 {
        (n + half) / share.den
    } else {
        (n - half) / share.den
    }
}

/// A unit's or region's figures over its projects.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    /// Σ year-to-date / Σ annual plan over rated projects; `None` when none is rated.
    pub rate: Option<Share>,
    /// The group's 序时进度: Σ amount expected to date / Σ annual plan over the same projects,
    /// each project's amount its plan × its own 序时进度 (none before its investment period).
    pub expected: Option<Share>,
    pub light: Option<Light>,
    /// Started / projects whose planned start has passed (`None` when none has).
    pub start_rate: Option<Share>,
    pub completion_rate: Option<Share>,
    /// 投产率: put into production / planned to be by the date within the year (`None` when
    /// none is planned); counted by the store (see [`GroupFacts`]).
    pub production_rate: Option<Share>,
    /// 复工率: projects at work again / projects halted (停工) on a report this year (`None`
    /// when none was); counted by the store (see [`GroupFacts`]).
    pub resumption_rate: Option<Share>,
    /// Reports in on time / reports due.
    pub on_time_rate: Option<Share>,
    /// 履约率 of the group's 招商 leads: landed / signed by the date (`None` when none signed);
    /// counted by the store (see [`GroupFacts::unit_leads`]).
    pub fulfilment_rate: Option<Share>,
    /// 签约项目开工率: started / signed.
    pub lead_start_rate: Option<Share>,
    /// 签约项目投产率: in production / signed.
    pub lead_production_rate: Option<Share>,
    /// 双过半: time and investment both past half.
    pub double_half: bool,
}

/// One project's part in its unit's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Contribution {
    pub annual_plan: Option<Money>,
    /// The project's own 序时进度; `None` before its investment period (counts as 0).
    pub expected: Option<Share>,
    pub year_to_date: Money,
    pub start_due: bool,
    pub started: bool,
    pub completion_due: bool,
    pub completed: bool,
    pub reports_due: u32,
    pub reports_on_time: u32,
}

/// A group's figures; `time` is the campaign's own 序时进度 (for 双过半).
pub fn group_figures(items: &[Contribution], time: Share, rules: &Rules) -> GroupFigures {
    let rated: Vec<&Contribution> = items
        .iter()
        .filter(|c| c.annual_plan.is_some_and(|m| m.fen() > 0))
        .collect();
    let plan: i128 = rated
        .iter()
        .map(|c| i128::from(c.annual_plan.map_or(0, Money::fen)))
        .sum();
    let done: i128 = rated.iter().map(|c| i128::from(c.year_to_date.fen())).sum();
    let due = amount_expected(rated.iter().filter_map(|c| c.annual_plan.zip(c.expected)));
    let rate = Share::new(done, plan);
    let expected = Share::new(due, plan);
    let count = |due: fn(&Contribution) -> bool, hit: fn(&Contribution) -> bool| {
        let due_n = items.iter().filter(|c| due(c)).count() as i128;
        let hit_n = items.iter().filter(|c| due(c) && hit(c)).count() as i128;
        Share::new(hit_n, due_n)
    };
    let reports_due: i128 = items.iter().map(|c| i128::from(c.reports_due)).sum();
    let on_time: i128 = items.iter().map(|c| i128::from(c.reports_on_time)).sum();
    let half = Share { num: 1, den: 2 };
    GroupFigures {
        rate,
        expected,
        light: rate
            .zip(expected)
            .map(|(r, e)| investment_lamp(e, r, rules)),
        start_rate: count(|c| c.start_due, |c| c.started),
        completion_rate: count(|c| c.completion_due, |c| c.completed),
        production_rate: None,
        resumption_rate: None,
        on_time_rate: Share::new(on_time, reports_due),
        fulfilment_rate: None,
        lead_start_rate: None,
        lead_production_rate: None,
        double_half: time >= half && rate.is_some_and(|r| r >= half),
    }
}

/// One indicator of a scoring scheme and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub weight: f64,
}

/// A scoring scheme: `[[indicator]] key = "investment_progress" weight = 0.5`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

/// The indicators gongjian computes.
pub const INDICATORS: &[&str] = &[
    "investment_progress",
    "start_rate",
    "completion_rate",
    "production_rate",
    "resumption_rate",
    "on_time_reporting",
    "fulfilment_rate",
    "lead_start_rate",
    "lead_production_rate",
];

impl Default for Scheme {
    fn default() -> Scheme {
        let i = |key: &str, weight| Indicator {
            key: key.into(),
            weight,
        };
        Scheme {
            indicators: vec![
                i("investment_progress", 0.5),
                i("start_rate", 0.2),
                i("completion_rate", 0.15),
                i("on_time_reporting", 0.15),
            ],
        }
    }
}

impl Scheme {
    /// The scheme as the TOML it is read from.
    pub fn to_toml(&self) -> String {
        self.indicators
            .iter()
            .map(|i| {
                format!(
                    "[[indicator]]\nkey = \"{}\"\nweight = {:?}\n",
                    i.key, i.weight
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads a scheme from TOML, refusing unknown keys and weights that are not positive.
    pub fn from_toml(text: &str) -> Result<Scheme, Bilingual> {
        let scheme: Scheme = toml::from_str(text).map_err(|e| {
            bi(
                format!("评分方案无效：{e}"),
                format!("invalid scoring scheme: {e}"),
            )
        })?;
        if scheme.indicators.is_empty() {
            return Err(bi(
                "评分方案没有指标",
                "the scoring scheme has no indicator",
            ));
        }
        for ind in &scheme.indicators {
            if !INDICATORS.contains(&ind.key.as_str()) {
                return Err(bi(
                    format!("未知指标“{}”，可用：{}", ind.key, INDICATORS.join("、")),
                    format!(
                        "unknown indicator “{}”; known: {}",
                        ind.key,
                        INDICATORS.join(", ")
                    ),
                ));
            }
            if !(ind.weight.is_finite() && ind.weight > 0.0) {
                return Err(bi(
                    format!("指标“{}”的权重应为正数", ind.key),
                    format!("the weight of “{}” must be positive", ind.key),
                ));
            }
        }
        Ok(scheme)
    }

    /// Each indicator's value (0..1, investment progress up to 1.5) and the score 0..100+.
    /// Investment progress is the rate over the group's own 序时进度 (Σ year to date / Σ amount
    /// expected to date); full marks while nothing is expected yet.
    pub fn score(&self, f: &GroupFigures) -> (Vec<(String, f64)>, f64) {
        let due_or_one = |s: Option<Share>| s.map_or(1.0, |s| s.min_one().to_f64());
        let values: Vec<(String, f64)> = self
            .indicators
            .iter()
            .map(|ind| {
                let v = match ind.key.as_str() {
                    "investment_progress" => match (f.rate, f.expected) {
                        (Some(r), Some(e)) if e.num > 0 => {
                            (r.to_f64() / e.to_f64()).clamp(0.0, 1.5)
                        }
                        _ => 1.0,
                    },
                    "start_rate" => due_or_one(f.start_rate),
                    "completion_rate" => due_or_one(f.completion_rate),
                    "production_rate" => due_or_one(f.production_rate),
                    "resumption_rate" => due_or_one(f.resumption_rate),
                    "on_time_reporting" => due_or_one(f.on_time_rate),
                    "fulfilment_rate" => due_or_one(f.fulfilment_rate),
                    "lead_start_rate" => due_or_one(f.lead_start_rate),
                    "lead_production_rate" => due_or_one(f.lead_production_rate),
                    _ => 0.0,
                };
                (ind.key.clone(), v)
            })
            .collect();
        let total: f64 = self.indicators.iter().map(|i| i.weight).sum();
        let weighted: f64 = self
            .indicators
            .iter()
            .zip(&values)
            .map(|(i, (_, v))| i.weight * v)
            .sum();
        let score = if total > 0.0 {
            100.0 * weighted / total
        } else {
            0.0
        };
        (values, score)
    }
}

/// Ranks by score (desc), ties by rate (desc, unrated last), then name; returns the order and
/// each entry's rank (equal score and rate share a rank).
pub fn rank<'a>(entries: &[(&'a str, f64, Option<Share>)]) -> Vec<(&'a str, usize)> {
    let mut order: Vec<&(&str, f64, Option<Share>)> = entries.iter().collect();
    let key_cmp = |a: &&(&str, f64, Option<Share>), b: &&(&str, f64, Option<Share>)| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(Ordering::Equal)
            .then_with(|| match (a.2, b.2) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
    };
    order.sort_by(|a, b| key_cmp(a, b).then_with(|| a.0.cmp(b.0)));
    let mut out = Vec::with_capacity(order.len());
    for (i, e) in order.iter().enumerate() {
        let rank = match out.last() {
            Some(&(_, r)) if key_cmp(&order[i - 1], e) == Ordering::Equal => r,
            _ => i + 1,
        };
        out.push((e.0, rank));
    }
    out
}

/// Period amount and year to date as a report gives them: either may be missing, and the
/// other is derived from the year to date of the period before (`previous`); when both are
/// given they must agree.
pub fn reconcile(
    previous: Money,
    completed: Option<Money>,
    year_to_date: Option<Money>,
) -> Result<(Money, Money), Bilingual> {
    let wan = |m: Money| m.wan_display();
    match (completed, year_to_date) {
        (Some(c), Some(y)) => {
            if previous.checked_add(c) == Some(y) {
                Ok((c, y))
            } else {
                Err(bi(
                    format!(
                        "累计完成投资 {} 万元与上期累计 {} 万元加本期完成 {} 万元不符",
                        wan(y),
                        wan(previous),
                        wan(c)
                    ),
                    format!(
                        "year to date {} (10k yuan) is not the previous {} plus this period's {}",
                        wan(y),
                        wan(previous),
                        wan(c)
                    ),
                ))
            }
        }
        (Some(c), None) => previous
            .checked_add(c)
            .map(|y| (c, y))
            .ok_or_else(|| bi("金额过大", "amount too large")),
        (None, Some(y)) => {
            let c = Money::from_fen(y.fen() - previous.fen());
            if c.is_negative() {
                Err(bi(
                    format!(
                        "累计完成投资 {} 万元小于上期累计 {} 万元",
                        wan(y),
                        wan(previous)
                    ),
                    format!(
                        "year to date {} (10k yuan) is below the previous period's {}",
                        wan(y),
                        wan(previous)
                    ),
                ))
            } else {
                Ok((c, y))
            }
        }
        (None, None) => Err(bi(
            "本期完成投资和累计完成投资至少填写一项",
            "give the period's or the year-to-date investment",
        )),
    }
}

/// What the status of one project is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusInput {
    pub id: i64,
    /// Names are shared (`Arc<str>`): a province's status holds a million projects, each
    /// naming one of a few dozen units and regions.
    pub name: Arc<str>,
    pub unit: Option<Arc<str>>,
    /// 所在区域, by name.
    pub region: Option<Arc<str>>,
    pub to_start: bool,
    pub annual_plan: Option<Money>,
    pub year_to_date: Money,
    pub started: bool,
    pub planned_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    pub completed: bool,
    pub reports_due: u32,
    pub reports_on_time: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectStatus {
    pub id: i64,
    pub name: Arc<str>,
    pub unit: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
    pub year_to_date: Money,
    pub annual_plan: Option<Money>,
    /// The project's own 序时进度 ([`project_share`]); `None` before its investment period.
    pub expected: Option<Share>,
    pub judgement: Option<Judgement>,
    /// Why a project with a plan has no light yet ([`Reason::NotDue`]).
    pub pending: Option<Reason>,
}

impl ProjectStatus {
    /// Plan × its own 序时进度 − year to date, in fen: how far behind in money (negative ahead).
    pub fn gap_fen(&self) -> i128 {
        let expected = match (self.annual_plan, self.expected) {
            (Some(p), Some(e)) => expected_amount(p, e),
            _ => 0,
        };
        expected - i128::from(self.year_to_date.fen())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitStatus {
    pub unit: String,
    pub projects: usize,
    pub figures: GroupFigures,
    pub indicators: Vec<(String, f64)>,
    pub score: f64,
    pub rank: usize,
    /// 开门红: the first quarter's year to date reached a quarter of the annual plan; `None`
    /// before the quarter has ended (see [`strong_start`]).
    pub strong_start: Option<bool>,
}

/// 开门红: investment completed by the end of the first quarter is at least a quarter of the
/// annual plan (序时进度 at the end of March). Nothing planned is no 开门红.
pub fn strong_start(annual_plan: Money, first_quarter: Money) -> bool {
    annual_plan.fen() > 0 && i128::from(first_quarter.fen()) * 4 >= i128::from(annual_plan.fen())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub as_of: NaiveDate,
    /// The campaign's 序时进度: time passed (months / 12 for a year of monthly reports).
    pub expected: Share,
    /// Σ amount expected to date / Σ annual plan over every project with a plan: 序时进度
    /// weighted by plan, with projects that start within the year judged from their start.
    pub weighted_expected: Option<Share>,
    pub projects: Vec<ProjectStatus>,
    /// Ranked.
    pub units: Vec<UnitStatus>,
    /// Regions (所在区域) ranked the same way.
    pub regions: Vec<UnitStatus>,
}

/// Every project's light and every unit's figures, score and rank as of a date, in a campaign
/// of `window` reported by `cadence`.
pub fn evaluate(
    inputs: &[StatusInput],
    as_of: NaiveDate,
    window: Window,
    cadence: Cadence,
    rules: &Rules,
    scheme: &Scheme,
) -> Status {
    evaluate_in(
        inputs,
        as_of,
        window,
        cadence,
        rules,
        scheme,
        &GroupFacts::default(),
    )
}

/// What a status knows of its groups beyond their projects' inputs, by group name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupFacts {
    /// A unit's own investment target for the campaign: a unit with one is judged on its
    /// projects' investment against it, its 序时进度 the campaign's time.
    pub unit_targets: std::collections::HashMap<String, Money>,
    /// 投产率 per unit and per region: (put into production, planned to be by the date).
    pub unit_production: std::collections::HashMap<String, (i64, i64)>,
    pub region_production: std::collections::HashMap<String, (i64, i64)>,
    /// 复工率 per unit and per region: (at work again, halted this year).
    pub unit_resumption: std::collections::HashMap<String, (i64, i64)>,
    pub region_resumption: std::collections::HashMap<String, (i64, i64)>,
    /// 分月计划 by project id, when the campaign judges by them: such a project's 序时进度 is
    /// its planned cumulative to date over its annual plan ([`PlanPhases::share`]). Used in a
    /// year window; a fixed window keeps its share of the plan.
    pub phases: std::collections::HashMap<i64, PlanPhases>,
    /// A unit's 招商 leads by the date: (signed, landed, started, in production of the signed),
    /// for 履约率, 签约项目开工率 and 投产率.
    pub unit_leads: std::collections::HashMap<String, (i64, i64, i64, i64)>,
    /// Lamps a project gets besides its investment and start (the land lamp, the 入库 lamp), by
    /// project id: each is part of its light and why ([`with_lamps`]).
    pub lamps: std::collections::HashMap<i64, Vec<(Light, Reason)>>,
}

/// A project's judgement with its other lamps: the light the worst of them all, each lamp that
/// is not green one more reason. A project with a plan but no lamp due yet gets its light from
/// these lamps alone; one without a plan (不考核) stays unjudged.
pub fn with_lamps(
    judgement: Option<Judgement>,
    annual_plan: Option<Money>,
    year_to_date: Money,
    expected: Option<Share>,
    lamps: &[(Light, Reason)],
) -> Option<Judgement> {
    if lamps.is_empty() {
        return judgement;
    }
    let mut j = match judgement {
        Some(j) => j,
        None => {
            let plan = annual_plan.filter(|m| m.fen() > 0)?;
            Judgement {
                rate: Share {
                    num: i128::from(year_to_date.fen()),
                    den: i128::from(plan.fen()),
                },
                expected,
                lag_pp: 0.0,
                light: Light::Green,
                why: Vec::new(),
            }
        }
    };
    for (light, reason) in lamps {
        j.light = j.light.max(*light);
        if *light != Light::Green {
            j.why.push(*reason);
        }
    }
    Some(j)
}

/// [`evaluate`] with what is known of the groups beyond their projects ([`GroupFacts`]).
pub fn evaluate_in(
    inputs: &[StatusInput],
    as_of: NaiveDate,
    window: Window,
    cadence: Cadence,
    rules: &Rules,
    scheme: &Scheme,
    facts: &GroupFacts,
) -> Status {
    let expected = expected_share(window, cadence, as_of);
    // Most projects started before the year: their share is the campaign's.
    let year_start = window_start(window);
    let phased = |p: &StatusInput| match (window, p.annual_plan) {
        (Window::Year(_), Some(plan)) if plan.fen() > 0 => {
            facts.phases.get(&p.id).map(|ph| (ph, plan))
        }
        _ => None,
    };
    let shares: Vec<Option<Share>> = inputs
        .iter()
        .map(|p| match (phased(p), p.planned_start) {
            (Some((ph, plan)), _) => {
                ph.share(plan, cadence, u32::try_from(expected.num).unwrap_or(0))
            }
            (None, Some(d)) if d > year_start => project_share(window, cadence, as_of, Some(d)),
            _ => Some(expected),
        })
        .collect();
    let projects: Vec<ProjectStatus> = inputs
        .iter()
        .zip(&shares)
        .map(|(p, share)| {
            let judgement = judge(
                &ProjectProgress {
                    annual_plan: p.annual_plan,
                    year_to_date: p.year_to_date,
                    awaiting_start: if p.to_start && !p.started {
                        p.planned_start
                    } else {
                        None
                    },
                },
                *share,
                as_of,
                rules,
            );
            let judgement = match facts.lamps.get(&p.id) {
                Some(lamps) => with_lamps(judgement, p.annual_plan, p.year_to_date, *share, lamps),
                None => judgement,
            };
            // No light although there is a plan: why no lamp is due yet.
            let pending = match (&judgement, p.annual_plan) {
                (None, Some(plan)) if plan.fen() > 0 && share.is_none() => {
                    match (phased(p), p.planned_start) {
                        (Some((ph, _)), _) => {
                            ph.first_month().map(|month| Reason::PhaseNotDue { month })
                        }
                        (None, Some(planned)) => Some(Reason::NotDue {
                            year: (planned.year() != window_year(window)).then_some(planned.year()),
                            month: planned.month(),
                        }),
                        (None, None) => None,
                    }
                }
                _ => None,
            };
            ProjectStatus {
                id: p.id,
                name: p.name.clone(),
                unit: p.unit.clone(),
                region: p.region.clone(),
                year_to_date: p.year_to_date,
                annual_plan: p.annual_plan,
                expected: *share,
                judgement,
                pending,
            }
        })
        .collect();
    let rated = || {
        inputs
            .iter()
            .zip(&shares)
            .filter_map(|(p, s)| p.annual_plan.filter(|m| m.fen() > 0).map(|m| (m, *s)))
    };
    let plan: i128 = rated().map(|(m, _)| i128::from(m.fen())).sum();
    let weighted_expected = Share::new(
        amount_expected(rated().filter_map(|(m, s)| s.map(|s| (m, s)))),
        plan,
    );
    Status {
        as_of,
        expected,
        weighted_expected,
        projects,
        units: rank_groups(
            inputs,
            &shares,
            |p| p.unit.as_deref(),
            as_of,
            expected,
            rules,
            scheme,
            &facts.unit_targets,
            &facts.unit_production,
            &facts.unit_resumption,
            &facts.unit_leads,
        ),
        regions: rank_groups(
            inputs,
            &shares,
            |p| p.region.as_deref(),
            as_of,
            expected,
            rules,
            scheme,
            &std::collections::HashMap::new(),
            &facts.region_production,
            &facts.region_resumption,
            &std::collections::HashMap::new(),
        ),
    }
}

/// A fixed window's figures (攻坚120天, 百日攻坚): each project judged on its investment within
/// the window — its year to date less `baselines` (the year to date on the window's eve) —
/// against its window target: `targets` where set, else its annual plan × window days / days
/// in the year. A year window leaves the inputs as they are.
pub fn in_window(
    inputs: &mut [StatusInput],
    window: Window,
    baselines: &std::collections::HashMap<i64, Money>,
    targets: &std::collections::HashMap<i64, Money>,
) {
    let Window::Fixed { start, end } = window else {
        return;
    };
    let days = i128::from((end - start).num_days() + 1).max(1);
    let year_days = if NaiveDate::from_ymd_opt(start.year(), 2, 29).is_some() {
        366
    } else {
        365
    };
    let share = Share {
        num: days.min(year_days),
        den: year_days,
    };
    for p in inputs {
        let before = baselines.get(&p.id).copied().unwrap_or(Money::ZERO);
        p.year_to_date = Money::from_fen(p.year_to_date.fen().saturating_sub(before.fen()));
        p.annual_plan = match targets.get(&p.id) {
            Some(t) => Some(*t),
            None => p.annual_plan.map(|plan| {
                Money::from_fen(i64::try_from(expected_amount(plan, share)).unwrap_or(i64::MAX))
            }),
        };
    }
}

/// The first day of a campaign's time.
fn window_start(window: Window) -> NaiveDate {
    match window {
        Window::Year(year) => NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        Window::Fixed { start, .. } => start,
    }
}

/// The year a window's projects are planned in: its own, or the year a fixed window starts.
fn window_year(window: Window) -> i32 {
    match window {
        Window::Year(year) => year,
        Window::Fixed { start, .. } => start.year(),
    }
}

/// The figures, score and rank of each group of projects (a unit, a region) that `group`
/// names; projects it names no group for are left out.
/// `shares` are the projects' own 序时进度, beside `inputs`; `time` the campaign's; `targets`
/// the groups' own investment targets, if any; `production` and `resumption` their 投产 and 复工
/// counts.
#[allow(clippy::too_many_arguments)]
pub fn rank_groups<'a>(
    inputs: &'a [StatusInput],
    shares: &[Option<Share>],
    group: impl Fn(&'a StatusInput) -> Option<&'a str>,
    as_of: NaiveDate,
    time: Share,
    rules: &Rules,
    scheme: &Scheme,
    targets: &std::collections::HashMap<String, Money>,
    production: &std::collections::HashMap<String, (i64, i64)>,
    resumption: &std::collections::HashMap<String, (i64, i64)>,
    leads: &std::collections::HashMap<String, (i64, i64, i64, i64)>,
) -> Vec<UnitStatus> {
    let mut by_unit: std::collections::BTreeMap<&str, Vec<Contribution>> = Default::default();
    for (p, share) in inputs.iter().zip(shares) {
        let Some(unit) = group(p) else {
            continue;
        };
        by_unit.entry(unit).or_default().push(Contribution {
            annual_plan: p.annual_plan,
            expected: *share,
            year_to_date: p.year_to_date,
            start_due: p.planned_start.is_some_and(|d| d <= as_of),
            started: p.started,
            completion_due: p.planned_completion.is_some_and(|d| d <= as_of),
            completed: p.completed,
            reports_due: p.reports_due,
            reports_on_time: p.reports_on_time,
        });
    }
    let mut units: Vec<UnitStatus> = by_unit
        .into_iter()
        .map(|(unit, items)| {
            let mut figures = group_figures(&items, time, rules);
            figures.production_rate = production
                .get(unit)
                .and_then(|&(hit, due)| Share::new(i128::from(hit), i128::from(due)));
            figures.resumption_rate = resumption
                .get(unit)
                .and_then(|&(hit, due)| Share::new(i128::from(hit), i128::from(due)));
            if let Some(&(signed, landed, started, producing)) = leads.get(unit) {
                let of_signed = |n: i64| Share::new(i128::from(n), i128::from(signed));
                figures.fulfilment_rate = of_signed(landed);
                figures.lead_start_rate = of_signed(started);
                figures.lead_production_rate = of_signed(producing);
            }
            if let Some(target) = targets.get(unit).filter(|t| t.fen() > 0) {
                // The unit's own target: its projects' investment against it, on the
                // campaign's time.
                let done: i128 = items.iter().map(|c| i128::from(c.year_to_date.fen())).sum();
                let rate = Share::new(done, i128::from(target.fen()));
                figures.rate = rate;
                figures.expected = Some(time);
                figures.light = rate.map(|r| investment_lamp(time, r, rules));
                figures.double_half = time >= Share { num: 1, den: 2 }
                    && rate.is_some_and(|r| r >= Share { num: 1, den: 2 });
            }
            let (indicators, score) = scheme.score(&figures);
            UnitStatus {
                unit: unit.to_string(),
                projects: items.len(),
                figures,
                indicators,
                score,
                rank: 0,
                strong_start: None,
            }
        })
        .collect();
    let entries: Vec<(&str, f64, Option<Share>)> = units
        .iter()
        .map(|u| (u.unit.as_str(), u.score, u.figures.rate))
        .collect();
    let ranks: Vec<(String, usize)> = rank(&entries)
        .into_iter()
        .map(|(u, r)| (u.to_string(), r))
        .collect();
    units.sort_by_key(|u| ranks.iter().position(|(name, _)| *name == u.unit));
    for (u, (_, r)) in units.iter_mut().zip(&ranks) {
        u.rank = *r;
    }
    units
}

#[cfg(test)]
mod campaign_setting_tests {
    use super::*;

    #[test]
    fn strong_start_is_a_quarter_by_march() {
        let wan = Money::from_wan;
        assert!(strong_start(wan(1_000), wan(250)));
        assert!(!strong_start(
            wan(1_000),
            Money::from_fen(wan(250).fen() - 1)
        ));
        assert!(!strong_start(Money::ZERO, wan(10)));
    }

    #[test]
    fn thresholds_from_forms_and_schemes_round_trip() {
        let r = Rules::from_text("５", "20.5", "2").unwrap_or_default();
        assert_eq!(r.yellow_from_pp, Decimal::from(5));
        assert_eq!(r.red_above_pp.to_string(), "20.5");
        assert_eq!(r.start_red_months, 2);
        for (y, red, m, says) in [
            ("30", "10", "3", "不能大于"),
            ("abc", "30", "3", "黄灯阈值"),
            ("10", "130", "3", "红灯阈值"),
            ("10", "30", "0", "开工红灯月数"),
        ] {
            let e = Rules::from_text(y, red, m)
                .err()
                .map(|e| e.zh)
                .unwrap_or_default();
            assert!(e.contains(says), "{y} {red} {m}: {e}");
        }
        let scheme = Scheme::default();
        assert_eq!(Scheme::from_toml(&scheme.to_toml()).ok(), Some(scheme));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn share(num: i128, den: i128) -> Share {
        Share { num, den }
    }

    #[test]
    fn the_period_to_file_is_the_latest_ended() {
        let key = |day: &str, c| Period::latest_ended(d(day), c).map(|p| p.key());
        let cases = [
            ("2025-06-30", Cadence::Monthly, "2025-06"),
            ("2025-07-02", Cadence::Monthly, "2025-06"),
            ("2026-01-15", Cadence::Monthly, "2025-12"),
            ("2025-07-12", Cadence::TenDaily, "2025-07-1"),
            ("2025-07-05", Cadence::TenDaily, "2025-06-3"),
            ("2025-01-05", Cadence::TenDaily, "2024-12-3"),
        ];
        for (day, cadence, expect) in cases {
            assert_eq!(key(day, cadence).as_deref(), Some(expect), "{day}");
        }
        let p = |s: &str| Period::parse(s).unwrap();
        assert_eq!(p("2025-12").next(), p("2026-01"));
        assert_eq!(p("2025-12-3").next(), p("2026-01-1"));
        assert_eq!(p("2025-06-1").next(), p("2025-06-2"));
        assert_eq!(p("2026-01").previous(), p("2025-12"));
        assert_eq!(p("2026-01-1").previous(), p("2025-12-3"));
    }

    #[test]
    fn expected_share_by_cadence_and_window() {
        let year = Window::Year(2025);
        for (as_of, monthly, ten_daily) in [
            ("2025-01-01", (0, 12), (0, 36)),
            ("2025-01-10", (0, 12), (1, 36)),
            ("2025-01-31", (1, 12), (3, 36)),
            ("2025-02-28", (2, 12), (6, 36)),
            ("2025-06-15", (5, 12), (16, 36)),
            ("2025-06-30", (6, 12), (18, 36)),
            ("2025-12-31", (12, 12), (36, 36)),
            ("2026-03-01", (12, 12), (36, 36)),
            ("2024-12-31", (0, 12), (0, 36)),
        ] {
            let m = expected_share(year, Cadence::Monthly, d(as_of));
            assert_eq!((m.num, m.den), monthly, "{as_of} monthly");
            let t = expected_share(year, Cadence::TenDaily, d(as_of));
            assert_eq!((t.num, t.den), ten_daily, "{as_of} ten-daily");
        }
        assert_eq!(
            expected_share(year, Cadence::Monthly, d("2025-06-30")),
            share(1, 2)
        );
        // 攻坚120天 from 2021-09-01: day 60 is half, after the end it stays 1.
        let window = Window::Fixed {
            start: d("2021-09-01"),
            end: d("2021-12-29"),
        };
        assert_eq!(
            expected_share(window, Cadence::Monthly, d("2021-10-30")),
            share(60, 120)
        );
        assert_eq!(
            expected_share(window, Cadence::Monthly, d("2022-02-01")),
            share(120, 120)
        );
        assert_eq!(
            expected_share(window, Cadence::Monthly, d("2021-08-01")),
            share(0, 120)
        );
    }

    #[test]
    fn reports_reconcile_with_the_period_before() {
        let w = Money::from_wan;
        assert_eq!(reconcile(w(100), Some(w(50)), None), Ok((w(50), w(150))));
        assert_eq!(reconcile(w(100), None, Some(w(180))), Ok((w(80), w(180))));
        assert_eq!(
            reconcile(w(100), Some(w(80)), Some(w(180))),
            Ok((w(80), w(180)))
        );
        let e = reconcile(w(100), Some(w(50)), Some(w(180))).unwrap_err();
        assert!(
            e.zh.contains("180") && e.zh.contains("100") && e.zh.contains("50"),
            "{}",
            e.zh
        );
        assert!(reconcile(w(100), None, Some(w(90))).is_err());
        assert!(reconcile(w(100), None, None).is_err());
    }

    #[test]
    fn status_lights_and_ranks_units() {
        let input = |id, unit: &str, plan: i64, ytd: i64| StatusInput {
            id,
            name: format!("项目{id}").into(),
            unit: Some(unit.into()),
            region: None,
            to_start: false,
            annual_plan: (plan > 0).then(|| Money::from_wan(plan)),
            year_to_date: Money::from_wan(ytd),
            started: true,
            planned_start: None,
            planned_completion: None,
            completed: false,
            reports_due: 6,
            reports_on_time: 6,
        };
        let status = evaluate(
            &[
                input(1, "龙田镇", 1000, 500),
                input(2, "龙田镇", 1000, 100),
                input(3, "江阴镇", 1000, 450),
                input(4, "江阴镇", 0, 20),
            ],
            d("2025-06-30"),
            Window::Year(2025),
            Cadence::Monthly,
            &Rules::default(),
            &Scheme::default(),
        );
        let light = |id: i64| {
            status.projects[(id - 1) as usize]
                .judgement
                .as_ref()
                .map(|j| j.light)
        };
        assert_eq!(light(1), Some(Light::Green));
        assert_eq!(light(2), Some(Light::Red));
        assert_eq!(light(4), None);
        assert_eq!(status.units[0].unit, "江阴镇");
        assert_eq!((status.units[0].rank, status.units[1].rank), (1, 2));
        assert_eq!(status.units[1].figures.light, Some(Light::Yellow)); // 30% of plan: 20 points behind
    }

    #[test]
    fn periods() {
        let june = Period::parse("2025-06").unwrap();
        assert_eq!(
            (june.key(), june.label_zh()),
            ("2025-06".into(), "2025年6月".into())
        );
        assert_eq!(june.last_day(), Some(d("2025-06-30")));
        assert_eq!(june.deadline(), Some(d("2025-07-03")));
        let dec = Period::parse("2025-12").unwrap();
        assert_eq!(dec.deadline(), Some(d("2026-01-03")));
        let late = Period::parse("2025-02-下旬").unwrap();
        assert_eq!(late.key(), "2025-02-3");
        assert_eq!(
            (late.first_day(), late.last_day()),
            (Some(d("2025-02-21")), Some(d("2025-02-28")))
        );
        assert_eq!(late.deadline(), Some(d("2025-03-03")));
        assert_eq!(
            Period::parse("2025-06-2").unwrap().label_zh(),
            "2025年6月中旬"
        );
        for bad in [
            "2025",
            "2025-13",
            "2025-06-末旬",
            "六月",
            "1999-01",
            "2025-06-4",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn investment_lamp_edges_are_exact() {
        let rules = Rules::default();
        let half = share(1, 2);
        for (done, plan, light) in [
            (50, 100, Light::Green),
            (41, 100, Light::Green),   // 9 points
            (40, 100, Light::Yellow),  // exactly 10
            (20, 100, Light::Yellow), // exactly 30 ((0.5 − 0.2) × 100 is 30.000000000000004 in f64)
            (1999, 10000, Light::Red), // 30.01
            (0, 100, Light::Red),
            (90, 100, Light::Green), // ahead
        ] {
            assert_eq!(
                investment_lamp(half, share(done, plan), &rules),
                light,
                "{done}/{plan}"
            );
        }
        // A third of the year and a rate of 7/30: exactly 10 points.
        assert_eq!(
            investment_lamp(share(4, 12), share(7, 30), &rules),
            Light::Yellow
        );
        let strict = Rules {
            yellow_from_pp: Decimal::new(125, 1),
            ..Rules::default()
        };
        assert_eq!(investment_lamp(half, share(38, 100), &strict), Light::Green);
        assert_eq!(
            investment_lamp(half, share(375, 1000), &strict),
            Light::Yellow
        );
    }

    #[test]
    fn start_lamp_counts_months() {
        let r = Rules::default();
        let planned = d("2025-03-15");
        assert_eq!(start_lamp(planned, d("2025-02-28"), &r), None);
        assert_eq!(
            start_lamp(planned, d("2025-03-01"), &r),
            Some((Light::Yellow, 0))
        );
        assert_eq!(
            start_lamp(planned, d("2025-05-31"), &r),
            Some((Light::Yellow, 2))
        );
        assert_eq!(
            start_lamp(planned, d("2025-06-01"), &r),
            Some((Light::Red, 3))
        );
        assert_eq!(
            start_lamp(d("2024-11-20"), d("2025-01-05"), &r),
            Some((Light::Yellow, 2))
        );
    }

    #[test]
    fn a_project_s_light_is_its_worse_lamp() {
        let r = Rules::default();
        let half = share(1, 2);
        let p = ProjectProgress {
            annual_plan: Some(Money::from_wan(1000)),
            year_to_date: Money::from_wan(375),
            awaiting_start: Some(d("2025-03-01")),
        };
        let j = judge(&p, Some(half), d("2025-06-30"), &r).unwrap();
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.why.len(), 2);
        assert_eq!(j.why[0].text().zh, "滞后序时进度 12.5 个百分点");
        assert_eq!(j.why[1].get(Lang::Zh), "计划3月开工，已逾期3个月");
        assert_eq!(
            j.why[1].get(Lang::En),
            "planned to start in month 3, 3 months late"
        );
        let on_track = ProjectProgress {
            awaiting_start: None,
            year_to_date: Money::from_wan(500),
            ..p
        };
        let j = judge(&on_track, Some(half), d("2025-06-30"), &r).unwrap();
        assert_eq!((j.light, j.why.len()), (Light::Green, 0));
        // No annual plan: 不考核.
        let unrated = ProjectProgress {
            annual_plan: None,
            ..p
        };
        assert_eq!(judge(&unrated, Some(half), d("2025-06-30"), &r), None);
        let zero = ProjectProgress {
            annual_plan: Some(Money::ZERO),
            ..p
        };
        assert_eq!(judge(&zero, Some(half), d("2025-06-30"), &r), None);
    }

    /// A project's own 序时进度: from its start period when it starts within the year, none
    /// before; fixed windows by days from the planned start.
    #[test]
    fn a_project_s_own_share() {
        let year = Window::Year(2025);
        let window = Window::Fixed {
            start: d("2025-06-01"),
            end: d("2025-09-28"),
        };
        type Case = (
            Window,
            Cadence,
            &'static str,
            Option<&'static str>,
            Option<(i128, i128)>,
        );
        let cases: &[Case] = &[
            // No planned start, or one before the year: the year's share.
            (year, Cadence::Monthly, "2025-06-30", None, Some((6, 12))),
            (
                year,
                Cadence::Monthly,
                "2025-06-30",
                Some("2023-05-01"),
                Some((6, 12)),
            ),
            (
                year,
                Cadence::Monthly,
                "2025-06-30",
                Some("2025-01-20"),
                Some((6, 12)),
            ),
            // Starts in March: March–June of March–December.
            (
                year,
                Cadence::Monthly,
                "2025-06-30",
                Some("2025-03-15"),
                Some((4, 10)),
            ),
            (
                year,
                Cadence::Monthly,
                "2025-06-29",
                Some("2025-03-15"),
                Some((3, 10)),
            ),
            // Starts in June, judged at its end: one of seven.
            (
                year,
                Cadence::Monthly,
                "2025-06-30",
                Some("2025-06-30"),
                Some((1, 7)),
            ),
            // In its start month, not yet ended: in its period, nothing expected yet.
            (
                year,
                Cadence::Monthly,
                "2025-06-10",
                Some("2025-06-05"),
                Some((0, 7)),
            ),
            // Starts in October, judged in June: not yet.
            (
                year,
                Cadence::Monthly,
                "2025-06-30",
                Some("2025-10-01"),
                None,
            ),
            (
                year,
                Cadence::Monthly,
                "2025-09-30",
                Some("2025-10-31"),
                None,
            ),
            (
                year,
                Cadence::Monthly,
                "2025-10-31",
                Some("2025-10-31"),
                Some((1, 3)),
            ),
            (
                year,
                Cadence::Monthly,
                "2025-12-31",
                Some("2025-10-31"),
                Some((3, 3)),
            ),
            // Planned for next year: never within this one.
            (
                year,
                Cadence::Monthly,
                "2025-12-31",
                Some("2026-02-01"),
                None,
            ),
            // Ten-day periods: 中旬 of June is period 17 of 36.
            (
                year,
                Cadence::TenDaily,
                "2025-06-30",
                Some("2025-06-15"),
                Some((2, 20)),
            ),
            (
                year,
                Cadence::TenDaily,
                "2025-06-10",
                Some("2025-06-15"),
                None,
            ),
            // A fixed window: days.
            (
                window,
                Cadence::Monthly,
                "2025-06-30",
                None,
                Some((30, 120)),
            ),
            (
                window,
                Cadence::Monthly,
                "2025-06-30",
                Some("2025-05-01"),
                Some((30, 120)),
            ),
            (
                window,
                Cadence::Monthly,
                "2025-07-31",
                Some("2025-07-01"),
                Some((31, 90)),
            ),
            (
                window,
                Cadence::Monthly,
                "2025-06-30",
                Some("2025-07-01"),
                None,
            ),
            (
                window,
                Cadence::Monthly,
                "2025-09-28",
                Some("2025-10-01"),
                None,
            ),
        ];
        for (window, cadence, as_of, planned, want) in cases {
            let got = project_share(*window, *cadence, d(as_of), planned.map(d));
            assert_eq!(
                got,
                want.map(|(n, m)| share(n, m)),
                "{window:?} {cadence:?} {as_of} {planned:?}"
            );
        }
    }

    /// A project due to start in October is not red in June: it has no light yet and says why;
    /// its unit's 序时进度 is weighted by plan, counting it as nothing expected.
    #[test]
    fn projects_not_yet_due_and_weighted_units() {
        let input = |id, plan: i64, ytd: i64, start: Option<&str>| StatusInput {
            id,
            name: format!("项目{id}").into(),
            unit: Some("龙田镇".into()),
            region: None,
            to_start: start.is_some(),
            annual_plan: (plan > 0).then(|| Money::from_wan(plan)),
            year_to_date: Money::from_wan(ytd),
            started: false,
            planned_start: start.map(d),
            planned_completion: None,
            completed: false,
            reports_due: 6,
            reports_on_time: 6,
        };
        let status = evaluate(
            &[
                input(1, 1000, 400, None),
                input(2, 3000, 0, Some("2025-10-08")),
                input(3, 1000, 0, Some("2025-05-08")),
            ],
            d("2025-06-30"),
            Window::Year(2025),
            Cadence::Monthly,
            &Rules::default(),
            &Scheme::default(),
        );
        let october = &status.projects[1];
        assert_eq!(october.judgement, None);
        assert_eq!(october.expected, None);
        assert_eq!(
            october.pending.map(|r| r.text()),
            Some(bi(
                "计划10月开工，未到投资考核期",
                "planned to start in month 10: not yet judged on investment"
            ))
        );
        assert_eq!(october.gap_fen(), 0);
        // Starts in May: 2 of 8 months expected; nothing done (25 points behind, yellow) and a
        // month late to start (yellow).
        let may = status.projects[2].judgement.as_ref().unwrap();
        assert_eq!(may.expected, Some(share(2, 8)));
        assert_eq!(may.light, Light::Yellow);
        assert_eq!(status.projects[2].gap_fen(), 250 * 1_000_000);
        // The unit: 1000 × 1/2 + 3000 × 0 + 1000 × 1/4 = 750 of 5000 expected; 400 done.
        let unit = &status.units[0];
        assert_eq!(unit.figures.expected, Some(share(750, 5000)));
        assert_eq!(unit.figures.rate, Some(share(400, 5000)));
        assert_eq!(unit.indicators[0].0, "investment_progress");
        assert!((unit.indicators[0].1 - 400.0 / 750.0).abs() < 1e-12);
        // 8% against 15%: 7 points behind, green.
        assert_eq!(unit.figures.light, Some(Light::Green));
        assert_eq!(status.expected, share(1, 2));
        assert_eq!(status.weighted_expected, Some(share(750, 5000)));
    }

    /// 分月计划: a project with a breakdown is judged on its planned cumulative to date, one
    /// that plans nothing yet has no light and says why, the others keep their own share; the
    /// unit's 序时进度 weighs them all. A fixed window ignores breakdowns.
    #[test]
    fn phased_plans() {
        use crate::phases::PlanPhases;
        let input = |id, plan: i64, ytd: i64| StatusInput {
            id,
            name: format!("项目{id}").into(),
            unit: Some("龙田镇".into()),
            region: None,
            to_start: false,
            annual_plan: Some(Money::from_wan(plan)),
            year_to_date: Money::from_wan(ytd),
            started: true,
            planned_start: None,
            planned_completion: None,
            completed: false,
            reports_due: 6,
            reports_on_time: 6,
        };
        let months = |m: [i64; 12]| PlanPhases::Months(m.map(Money::from_wan));
        let mut facts = GroupFacts::default();
        // Back-loaded: 100 a month to June, 300 after (2400); 600 due by June.
        facts.phases.insert(
            1,
            months([100, 100, 100, 100, 100, 100, 300, 300, 300, 300, 300, 300]),
        );
        // Nothing before September.
        facts
            .phases
            .insert(2, months([0, 0, 0, 0, 0, 0, 0, 0, 400, 400, 400, 0]));
        // Quarters: 0, 600, 300, 300; by the end of May two thirds of the second quarter.
        facts.phases.insert(
            3,
            PlanPhases::Quarters([0, 600, 300, 300].map(Money::from_wan)),
        );
        let inputs = [
            input(1, 2400, 540),
            input(2, 1200, 0),
            input(3, 1200, 200),
            input(4, 1200, 100),
        ];
        let year = |as_of: &str| {
            evaluate_in(
                &inputs,
                d(as_of),
                Window::Year(2025),
                Cadence::Monthly,
                &Rules::default(),
                &Scheme::default(),
                &facts,
            )
        };
        let june = year("2025-06-30");
        // (project, expected share, light)
        let cases = [
            (0, Some(share(600, 2400)), Some(Light::Green)),
            (1, None, None),
            (2, Some(share(600, 1200)), Some(Light::Red)),
            (3, Some(share(1, 2)), Some(Light::Red)),
        ];
        for (i, expected, light) in cases {
            let p = &june.projects[i];
            assert_eq!(p.expected, expected, "project {}", p.id);
            assert_eq!(
                p.judgement.as_ref().map(|j| j.light),
                light,
                "project {}",
                p.id
            );
        }
        assert_eq!(
            june.projects[1].pending.map(|r| r.text().zh),
            Some("分月计划自9月起，未到投资考核期".into())
        );
        let may = year("2025-05-31");
        assert_eq!(may.projects[2].expected, Some(share(400, 1200)));
        // The unit: 600 + 0 + 600 + 600 expected of 6000.
        assert_eq!(june.units[0].figures.expected, Some(share(1800, 6000)));
        assert_eq!(june.weighted_expected, Some(share(1800, 6000)));
        // A fixed window keeps the window's time share.
        let window = Window::Fixed {
            start: d("2025-06-01"),
            end: d("2025-09-28"),
        };
        let fixed = evaluate_in(
            &inputs,
            d("2025-06-30"),
            window,
            Cadence::Monthly,
            &Rules::default(),
            &Scheme::default(),
            &facts,
        );
        assert_eq!(fixed.projects[1].expected, Some(share(30, 120)));
    }

    /// A fixed window's figures: in-window investment against the window's share of the plan
    /// (or a target); a year window untouched.
    #[test]
    fn figures_within_a_window() {
        let input = |id: i64, plan: Option<i64>, ytd: i64| StatusInput {
            id,
            name: "项目".into(),
            unit: None,
            region: None,
            to_start: false,
            annual_plan: plan.map(Money::from_wan),
            year_to_date: Money::from_wan(ytd),
            started: true,
            planned_start: None,
            planned_completion: None,
            completed: false,
            reports_due: 0,
            reports_on_time: 0,
        };
        let window = Window::Fixed {
            start: d("2025-06-01"),
            end: d("2025-09-28"),
        };
        let mut inputs = vec![
            input(1, Some(365), 500),
            input(2, Some(1000), 80),
            input(3, None, 9),
        ];
        let baselines = [(1, Money::from_wan(300)), (3, Money::from_wan(9))].into();
        let targets = [(2, Money::from_wan(50))].into();
        let mut year = inputs.clone();
        in_window(&mut year, Window::Year(2025), &baselines, &targets);
        assert_eq!(year, inputs);
        in_window(&mut inputs, window, &baselines, &targets);
        let got: Vec<(Option<Money>, Money)> = inputs
            .iter()
            .map(|p| (p.annual_plan, p.year_to_date))
            .collect();
        assert_eq!(
            got,
            [
                (Some(Money::from_wan(120)), Money::from_wan(200)),
                (Some(Money::from_wan(50)), Money::from_wan(80)),
                (None, Money::ZERO),
            ]
        );
    }

    /// A project between its start period and its start lamp, reported by ten-day periods:
    /// the start lamp alone decides, with no investment lag.
    #[test]
    fn the_start_lamp_alone() {
        let p = ProjectProgress {
            annual_plan: Some(Money::from_wan(1000)),
            year_to_date: Money::ZERO,
            awaiting_start: Some(d("2025-06-25")),
        };
        let j = judge(&p, None, d("2025-06-15"), &Rules::default()).unwrap();
        assert_eq!((j.light, j.expected, j.lag_pp), (Light::Yellow, None, 0.0));
        assert_eq!(j.why.len(), 1);
        let not_due = ProjectProgress {
            awaiting_start: Some(d("2025-07-02")),
            ..p
        };
        assert_eq!(
            judge(&not_due, None, d("2025-06-15"), &Rules::default()),
            None
        );
    }

    #[test]
    fn unit_figures_and_scores() {
        let r = Rules::default();
        let half = share(1, 2);
        let c = |plan: i64, ytd: i64| Contribution {
            annual_plan: (plan > 0).then(|| Money::from_wan(plan)),
            expected: Some(half),
            year_to_date: Money::from_wan(ytd),
            ..Contribution::default()
        };
        let items = [
            Contribution {
                start_due: true,
                started: true,
                reports_due: 6,
                reports_on_time: 5,
                ..c(1000, 600)
            },
            Contribution {
                start_due: true,
                reports_due: 6,
                reports_on_time: 6,
                ..c(1000, 300)
            },
            c(0, 50), // unrated: its year-to-date does not count
        ];
        let f = group_figures(&items, half, &r);
        assert_eq!(f.rate, Some(share(9_000_000_000, 20_000_000_000)));
        assert_eq!(f.light, Some(Light::Green)); // 45%: 5 points behind
        assert_eq!(f.start_rate.map(Share::to_f64), Some(0.5));
        assert_eq!(f.completion_rate, None);
        assert_eq!(f.on_time_rate.map(|s| (s.num, s.den)), Some((11, 12)));
        assert!(!f.double_half);
        let (values, score) = Scheme::default().score(&f);
        assert_eq!(values[0], ("investment_progress".into(), 0.9));
        assert_eq!(values[2], ("completion_rate".into(), 1.0)); // nothing due
        let expected = 100.0 * (0.5 * 0.9 + 0.2 * 0.5 + 0.15 * 1.0 + 0.15 * 11.0 / 12.0) / 1.0;
        assert!((score - expected).abs() < 1e-9, "{score} vs {expected}");
    }

    #[test]
    fn schemes_from_toml() {
        let s = Scheme::from_toml(
            "[[indicator]]\nkey = \"investment_progress\"\nweight = 0.7\n[[indicator]]\nkey = \"start_rate\"\nweight = 0.3\n",
        )
        .unwrap();
        assert_eq!(s.indicators.len(), 2);
        for bad in [
            "",
            "[[indicator]]\nkey = \"beauty\"\nweight = 1",
            "[[indicator]]\nkey = \"start_rate\"\nweight = 0",
            "[[indicator]]\nkey = \"start_rate\"\nweight = -1",
            "not toml [",
        ] {
            let e = Scheme::from_toml(bad).unwrap_err();
            assert!(!e.zh.is_empty() && !e.en.is_empty(), "{bad}");
        }
    }

    #[test]
    fn ranking_ties() {
        let ranked = rank(&[
            ("龙田镇", 80.0, Some(share(1, 2))),
            ("江阴镇", 90.0, Some(share(1, 3))),
            ("高山镇", 80.0, Some(share(2, 3))),
            ("东张镇", 80.0, Some(share(1, 2))),
            ("海口镇", 80.0, None),
        ]);
        assert_eq!(
            ranked,
            vec![
                ("江阴镇", 1),
                ("高山镇", 2),
                ("东张镇", 3),
                ("龙田镇", 3),
                ("海口镇", 5)
            ]
        );
    }

    /// Each case: the judgement's light (or none), the lamps, the light after, the reasons after.
    #[test]
    fn other_lamps_join_the_light_and_its_reasons() {
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        let land = |light| {
            (
                light,
                Reason::LandOverdue {
                    planned: day(8, 15),
                    days: 17,
                },
            )
        };
        let registered = (Light::Red, Reason::NotRegistered { months: 2 });
        let judged = |light| Judgement {
            rate: Share { num: 1, den: 2 },
            expected: Some(Share { num: 1, den: 2 }),
            lag_pp: 0.0,
            light,
            why: Vec::new(),
        };
        let plan = Some(Money::from_wan(1_000));
        type Case = (
            Option<Light>,
            Option<Money>,
            Vec<(Light, Reason)>,
            Option<Light>,
            usize,
        );
        let cases: Vec<Case> = vec![
            (
                Some(Light::Green),
                plan,
                vec![land(Light::Yellow)],
                Some(Light::Yellow),
                1,
            ),
            (
                Some(Light::Red),
                plan,
                vec![land(Light::Yellow)],
                Some(Light::Red),
                1,
            ),
            (
                Some(Light::Green),
                plan,
                vec![land(Light::Yellow), registered],
                Some(Light::Red),
                2,
            ),
            // Not due on investment yet: the land lamp alone lights it.
            (
                None,
                plan,
                vec![land(Light::Yellow)],
                Some(Light::Yellow),
                1,
            ),
            // 不考核 (no plan) stays unjudged.
            (None, None, vec![land(Light::Red)], None, 0),
            (Some(Light::Green), plan, vec![], Some(Light::Green), 0),
        ];
        for (before, plan, lamps, light, reasons) in cases {
            let j = with_lamps(before.map(judged), plan, Money::from_wan(500), None, &lamps);
            assert_eq!(j.as_ref().map(|j| j.light), light, "{before:?} {lamps:?}");
            assert_eq!(
                j.map_or(0, |j| j.why.len()),
                reasons,
                "{before:?} {lamps:?}"
            );
        }
        assert_eq!(
            land(Light::Yellow).1.text().zh,
            "地块计划 2025-08-15 交地，已逾期 17 天"
        );
    }
}
