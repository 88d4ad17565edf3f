//! The overview (大屏-style, printable): totals against 序时进度, lights by count, investment
//! completed by month against the plan, the ranking and the most lagging projects.

use askama::Template;
use axum::extract::{Query, State};
use chrono::{Datelike, NaiveDate};
use domain::calendar::WorkCalendar;
use domain::progress::Light;
use domain::{Lang, Money, bi};
use plotters::style::RGBColor;
use serde::Deserialize;
use store::SessionUser;

use crate::AppState;
use crate::auth::PageUser;
use crate::charts::{InvestmentLabels, investment_by_month, light_counts};
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::{render, url_encode};
use crate::policy;
use crate::status::percent;
use axum::Router;
use axum::routing::get;

pub struct UnitLine {
    rank: usize,
    unit: String,
    link: String,
    rate: String,
    light: &'static str,
    score: String,
    double_half: bool,
}

pub struct Lagging {
    id: i64,
    name: String,
    unit: String,
    rate: String,
    /// Behind by (万元).
    gap: String,
    light: &'static str,
    why: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    projects: usize,
    rated: usize,
    plan_yi: String,
    ytd_yi: String,
    rate: String,
    expected: String,
    /// 序时进度 weighted by plan, projects starting within the year from their start.
    weighted: String,
    behind: bool,
    /// 已实现 / 未实现, or — while half the year has not passed (not yet applicable).
    double_half: &'static str,
    units_double_half: usize,
    /// 已实现 / 未实现, or — until the first quarter is over.
    strong_start: &'static str,
    /// Why a figure shows —.
    double_half_note: &'static str,
    strong_start_note: &'static str,
    units_strong_start: usize,
    /// 开工率 and 投产率 over every unit's projects: "rate (hit/due)", or — when none is due.
    start_rate: String,
    production_rate: String,
    resumption_rate: String,
    units: Vec<UnitLine>,
    lagging: Vec<Lagging>,
    investment_svg: String,
    lights_svg: String,
    /// For the office: next year's holidays are not loaded yet, though it is near.
    calendar_notice: Option<String>,
    /// 五个一批 this year: each kind's label, count and investment in 亿元.
    five: Vec<(&'static str, usize, String)>,
}

/// From this many days before a year begins, the office is reminded to load its holidays.
const CALENDAR_NOTICE_DAYS: u64 = 60;

/// The banner for the office while the working-day calendar of the current year, or of the
/// next one once it is within [`CALENDAR_NOTICE_DAYS`], is provisional (its State Council
/// notice not imported): what rests on it is marked, and the calendar page takes the notice.
fn calendar_notice(calendar: &WorkCalendar, today: NaiveDate, lang: Lang) -> Option<String> {
    let soon = today.checked_add_days(chrono::Days::new(CALENDAR_NOTICE_DAYS))?;
    let year = (today.year()..=soon.year()).find(|y| calendar.is_provisional(*y))?;
    let m = bi(
        format!(
            "{year} 年的工作日日历为暂定：国务院办公厅节假日安排通知尚未导入，放假日按《全国年节及纪念日放假办法》推算，\
             不含调休上班日；据此计算的日期和期限标有“暂定”。通知发布后，请在“工作日日历”页粘贴全文导入。"
        ),
        format!(
            "The working-day calendar of {year} is provisional: the State Council holiday notice is \
             not imported, the days off follow from the statutory rules without make-up workdays, \
             and dates and deadlines computed from it are marked provisional. Once the notice is \
             out, paste it on the working-day calendar page."
        ),
    );
    Some(m.get(lang).to_string())
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    as_of: String,
}

/// Shares summed over groups as one: "62.5% (5/8)", or "—" when nothing is due.
fn summed(shares: impl Iterator<Item = Option<domain::progress::Share>>) -> String {
    let (hit, due) = shares
        .flatten()
        .fold((0i128, 0i128), |(h, d), s| (h + s.num, d + s.den));
    match domain::progress::Share::new(hit, due) {
        Some(s) => format!("{} ({hit}/{due})", percent(s.to_f64())),
        None => "—".into(),
    }
}

/// Lagging projects on the overview, worst first.
const LAGGING_SHOWN: usize = 10;

/// What the overview reads: the status of its date, the months' sums, and for the office the
/// calendar's notice.
struct Overview {
    as_of: NaiveDate,
    status: std::sync::Arc<store::LedgerStatus>,
    monthly: Vec<(u32, Money)>,
    calendar_notice: Option<String>,
    /// 五个一批 from 1 January to the date.
    five: Vec<domain::batches::FiveCount>,
}

async fn overview(
    state: &AppState,
    user: &SessionUser,
    as_of: &str,
    lang: Lang,
) -> Result<Overview, AppError> {
    let as_of = crate::status::as_of_or_latest(state, as_of).await?;
    let status = state.store.campaign_status(as_of).await?;
    let monthly = state.store.monthly_completed(as_of).await?;
    let five = match NaiveDate::from_ymd_opt(as_of.year(), 1, 1) {
        Some(from) => domain::batches::five_batches(&state.store.happenings().await?, from, as_of),
        None => Vec::new(),
    };
    let calendar_notice = if policy::is_office(user) {
        let today = crate::problems::as_of_or_today(state, "").await?;
        let calendar = state.store.work_calendar().await?;
        calendar_notice(&calendar, today, lang)
    } else {
        None
    };
    Ok(Overview {
        as_of,
        status,
        monthly,
        calendar_notice,
        five,
    })
}

/// The investment chart's words.
fn investment_labels(lang: Lang) -> InvestmentLabels<'static> {
    let zh = lang == Lang::Zh;
    InvestmentLabels {
        month: if zh { "月份" } else { "Month" },
        unit: if zh { "亿元" } else { "100 million yuan" },
        monthly: if zh {
            "当月完成投资"
        } else {
            "Completed in the month"
        },
        cumulative: if zh {
            "累计完成投资"
        } else {
            "Year to date"
        },
        planned: if zh {
            "年度计划序时进度"
        } else {
            "Annual plan, pro rata"
        },
    }
}

/// `GET /dashboard?as_of=`: the overview of a date (the latest reported by default).
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    let data = overview(&state, &user, &q.as_of, tr.lang).await?;
    render(&DashboardTemplate::new(data, tr, user)?)
}

impl DashboardTemplate {
    /// The overview as the page shows it: totals, the KPIs, the charts, the ranking and the
    /// most lagging projects.
    fn new(data: Overview, tr: Tr, user: SessionUser) -> Result<DashboardTemplate, AppError> {
        let lang = tr.lang;
        let Overview {
            as_of,
            status: shared,
            monthly,
            calendar_notice,
            five,
        } = data;
        let store::LedgerStatus {
            status,
            strong_start,
            ..
        } = &*shared;
        let rated: Vec<&domain::progress::ProjectStatus> = status
            .projects
            .iter()
            .filter(|p| p.annual_plan.is_some_and(|m| m.fen() > 0))
            .collect();
        let plan: Money = rated.iter().filter_map(|p| p.annual_plan).sum();
        let ytd: Money = rated.iter().map(|p| p.year_to_date).sum();
        let rate = if plan.fen() > 0 {
            ytd.fen() as f64 / plan.fen() as f64
        } else {
            0.0
        };
        let expected = status.expected.to_f64();
        let weighted = status.weighted_expected.map_or(expected, |s| s.to_f64());
        let count = |l: Option<Light>| {
            status
                .projects
                .iter()
                .filter(|p| p.judgement.as_ref().map(|j| j.light) == l)
                .count()
        };
        let yi = |m: Money| m.wan_f64() / 10_000.0;
        let monthly: Vec<(u32, f64)> = monthly.into_iter().map(|(m, v)| (m, yi(v))).collect();
        let investment_svg = investment_by_month(&monthly, yi(plan), &investment_labels(lang))
            .map_err(|e| AppError::Internal(format!("chart: {e}")))?;
        let lights_svg = light_counts(&[
            (
                Light::Red.label(lang),
                count(Some(Light::Red)),
                RGBColor(0xd9, 0x30, 0x25),
            ),
            (
                Light::Yellow.label(lang),
                count(Some(Light::Yellow)),
                RGBColor(0xf2, 0xb7, 0x05),
            ),
            (
                Light::Green.label(lang),
                count(Some(Light::Green)),
                RGBColor(0x1e, 0x8e, 0x3e),
            ),
            (
                tr.t("status.unrated"),
                count(None),
                RGBColor(0xb0, 0xb8, 0xc4),
            ),
        ])
        .map_err(|e| AppError::Internal(format!("chart: {e}")))?;
        let mut lagging: Vec<&domain::progress::ProjectStatus> = status
            .projects
            .iter()
            .filter(|p| {
                p.judgement
                    .as_ref()
                    .is_some_and(|j| j.light != Light::Green)
            })
            .collect();
        crate::status::largest_gap_first(&mut lagging);
        let as_of_text = as_of.to_string();
        Ok(DashboardTemplate {
            five: five
                .iter()
                .map(|c| (c.kind.label(lang), c.count, c.investment.yi_display()))
                .collect(),
            user,
            projects: status.projects.len(),
            rated: rated.len(),
            plan_yi: format!("{:.2}", yi(plan)),
            ytd_yi: format!("{:.2}", yi(ytd)),
            rate: percent(rate),
            expected: percent(expected),
            weighted: percent(weighted),
            behind: rate < weighted,
            double_half: match (expected >= 0.5, rate >= 0.5) {
                (false, _) => "—",
                (true, true) => tr.t("dashboard.yes"),
                (true, false) => tr.t("dashboard.no"),
            },
            double_half_note: if expected >= 0.5 {
                ""
            } else {
                tr.t("dashboard.half_pending")
            },
            strong_start: match strong_start {
                Some(true) => tr.t("dashboard.yes"),
                Some(false) => tr.t("dashboard.no"),
                None => "—",
            },
            strong_start_note: if strong_start.is_none() {
                tr.t("dashboard.pending")
            } else {
                ""
            },
            start_rate: summed(status.units.iter().map(|u| u.figures.start_rate)),
            production_rate: summed(status.units.iter().map(|u| u.figures.production_rate)),
            resumption_rate: summed(status.units.iter().map(|u| u.figures.resumption_rate)),
            units_strong_start: status
                .units
                .iter()
                .filter(|u| u.strong_start == Some(true))
                .count(),
            units_double_half: status
                .units
                .iter()
                .filter(|u| u.figures.double_half)
                .count(),
            units: status
                .units
                .iter()
                .map(|u| UnitLine {
                    rank: u.rank,
                    unit: u.unit.clone(),
                    link: format!(
                        "/status/unit?name={}&as_of={as_of_text}",
                        url_encode(&u.unit)
                    ),
                    rate: u
                        .figures
                        .rate
                        .map(|r| percent(r.to_f64()))
                        .unwrap_or_default(),
                    light: u.figures.light.map_or("", Light::code),
                    score: format!("{:.1}", u.score),
                    double_half: u.figures.double_half,
                })
                .collect(),
            lagging: lagging
                .into_iter()
                .take(LAGGING_SHOWN)
                .filter_map(|p| {
                    let j = p.judgement.as_ref()?;
                    Some(Lagging {
                        id: p.id,
                        name: p.name.to_string(),
                        unit: p.unit.as_deref().unwrap_or_default().to_string(),
                        rate: percent(j.rate.to_f64()),
                        gap: crate::status::gap(p).wan_display(),
                        light: j.light.code(),
                        why: j
                            .why
                            .iter()
                            .map(|w| w.get(lang))
                            .collect::<Vec<_>>()
                            .join("；"),
                    })
                })
                .collect(),
            as_of: as_of_text,
            investment_svg,
            lights_svg,
            calendar_notice,
            tr,
        })
    }
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_is_reminded_while_a_year_is_provisional() {
        let official = domain::calendar::builtin_years().unwrap();
        let calendar = WorkCalendar::new(official.clone()).unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            calendar_notice(&calendar, day(2026, 10, 31), Lang::Zh),
            None
        );
        let notice = calendar_notice(&calendar, day(2026, 11, 2), Lang::Zh).unwrap();
        assert!(
            notice.contains("2027 年") && notice.contains("暂定"),
            "{notice}"
        );
        let notice = calendar_notice(&calendar, day(2026, 12, 1), Lang::En).unwrap();
        assert!(notice.contains("2027 is provisional"), "{notice}");
        // In the provisional year itself, until its notice is loaded.
        let notice = calendar_notice(&calendar, day(2027, 3, 1), Lang::Zh).unwrap();
        assert!(notice.contains("2027 年"), "{notice}");
        let mut with_next = official;
        with_next.push(
            domain::calendar::HolidayYear::from_json(
                r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
            )
            .unwrap(),
        );
        let with_next = WorkCalendar::new(with_next).unwrap();
        assert_eq!(
            calendar_notice(&with_next, day(2026, 12, 1), Lang::Zh),
            None
        );
        assert_eq!(calendar_notice(&with_next, day(2027, 3, 1), Lang::Zh), None);
    }
}
