//! The status page: 序时进度, how many projects show each light, the units ranked by score, and
//! the lagging projects with the reasons for their lights.

use askama::Template;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use domain::dates::{Edge, parse_date};
use domain::progress::{Light, ProjectStatus};
use serde::Deserialize;
use store::SessionUser;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::render;
use axum::Router;
use axum::routing::get;

pub struct UnitRow {
    rank: usize,
    unit: String,
    /// The unit's own 序时进度 (weighted by plan).
    expected: String,
    unit_link: String,
    projects: usize,
    rate: String,
    light: &'static str,
    light_label: &'static str,
    score: String,
    double_half: bool,
    strong_start: &'static str,
}

/// 开门红 as a table cell: ✓, —, or nothing before the quarter ends.
pub(crate) fn strong_mark(flag: Option<bool>) -> &'static str {
    match flag {
        Some(true) => "✓",
        Some(false) => "—",
        None => "",
    }
}

pub struct ProjectRow {
    id: i64,
    name: String,
    unit: String,
    ytd: String,
    plan: String,
    /// Behind by (万元): plan × expected share − year to date.
    gap: String,
    rate: String,
    light: &'static str,
    light_label: &'static str,
    why: String,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    /// The campaign that judges the date, or a note that none covers it.
    campaign: Option<String>,
    uncovered: Option<String>,
    expected: String,
    weighted: String,
    red: usize,
    yellow: usize,
    green: usize,
    not_due: usize,
    unrated: usize,
    units: Vec<UnitRow>,
    lagging: Vec<ProjectRow>,
    lagging_total: usize,
}

#[derive(Deserialize)]
pub struct StatusQuery {
    #[serde(default)]
    as_of: String,
}

/// Projects listed under "lagging", worst first.
const LAGGING_SHOWN: usize = 100;

/// A share as a page shows it: 37.9%.
pub(crate) fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The date a page of figures shows: the one asked for, else the end of the latest reported
/// period, else today.
pub(crate) async fn as_of_or_latest(state: &AppState, asked: &str) -> Result<NaiveDate, AppError> {
    match parse_date(asked, Edge::End) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Ok(state
            .store
            .latest_report_end()
            .await?
            .unwrap_or_else(|| state.today())),
        Err(m) => Err(AppError::BadRequest(m)),
    }
}

/// The investment a project is behind by, in fen, never below 0 (see `ProjectStatus::gap_fen`).
pub(crate) fn gap(p: &ProjectStatus) -> domain::Money {
    domain::Money::from_fen(i64::try_from(p.gap_fen().max(0)).unwrap_or(i64::MAX))
}

/// 滞后最多: the largest investment gap in 万元 first (then red before yellow, then points behind).
pub(crate) fn largest_gap_first(projects: &mut [&ProjectStatus]) {
    projects.sort_by(|a, b| {
        b.gap_fen().cmp(&a.gap_fen()).then_with(|| {
            let key = |p: &ProjectStatus| p.judgement.as_ref().map(|j| (j.light, j.lag_pp));
            key(b)
                .partial_cmp(&key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    });
}

/// Red before yellow before green, then the most points behind; unrated last.
pub(crate) fn worst_first(projects: &mut [&ProjectStatus]) {
    let key = |p: &ProjectStatus| p.judgement.as_ref().map(|j| (j.light, j.lag_pp));
    projects.sort_by(|a, b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

impl UnitRow {
    fn new(u: &domain::progress::UnitStatus, lang: domain::Lang) -> UnitRow {
        UnitRow {
            rank: u.rank,
            unit: u.unit.clone(),
            expected: u
                .figures
                .expected
                .map(|e| percent(e.to_f64()))
                .unwrap_or_default(),
            unit_link: crate::pages::url_encode(&u.unit),
            projects: u.projects,
            rate: u
                .figures
                .rate
                .map(|r| percent(r.to_f64()))
                .unwrap_or_default(),
            light: u.figures.light.map_or("", Light::code),
            light_label: u.figures.light.map_or("", |l| l.label(lang)),
            score: format!("{:.2}", u.score),
            double_half: u.figures.double_half,
            strong_start: strong_mark(u.strong_start),
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<StatusQuery>,
) -> PageResult {
    let lang = tr.lang;
    let as_of = as_of_or_latest(&state, &q.as_of).await?;
    let shared = state.store.campaign_status(as_of).await?;
    let judging = state.store.judging(as_of).await?;
    let store::LedgerStatus {
        status, warnings, ..
    } = &*shared;
    let count = |l: Light| {
        status
            .projects
            .iter()
            .filter(|p| p.judgement.as_ref().map(|j| j.light) == Some(l))
            .count()
    };
    let mut lagging: Vec<&domain::progress::ProjectStatus> = status
        .projects
        .iter()
        .filter(|p| {
            p.judgement
                .as_ref()
                .is_some_and(|j| j.light != Light::Green)
        })
        .collect();
    largest_gap_first(&mut lagging);
    let lagging_total = lagging.len();
    render(&StatusTemplate {
        user,
        as_of: as_of.to_string(),
        campaign: judging.campaign.as_ref().map(|(_, name)| name.clone()),
        uncovered: judging
            .uncovered_note(as_of)
            .map(|m| m.get(lang).to_string()),
        expected: percent(status.expected.to_f64()),
        weighted: percent(status.weighted_expected.unwrap_or(status.expected).to_f64()),
        red: count(Light::Red),
        yellow: count(Light::Yellow),
        green: count(Light::Green),
        not_due: status
            .projects
            .iter()
            .filter(|p| p.pending.is_some())
            .count(),
        unrated: status
            .projects
            .iter()
            .filter(|p| p.judgement.is_none() && p.pending.is_none())
            .count(),
        units: status.units.iter().map(|u| UnitRow::new(u, lang)).collect(),
        lagging: lagging
            .into_iter()
            .take(LAGGING_SHOWN)
            .filter_map(|p| {
                let j = p.judgement.as_ref()?;
                let mut why: Vec<String> = j.why.iter().map(|w| w.get(lang)).collect();
                why.extend(warnings.get(&p.id).map(|w| w.get(lang).to_string()));
                Some(ProjectRow {
                    id: p.id,
                    name: p.name.to_string(),
                    unit: p.unit.as_deref().unwrap_or_default().to_string(),
                    ytd: p.year_to_date.wan_display(),
                    plan: p.annual_plan.map(|m| m.wan_display()).unwrap_or_default(),
                    gap: gap(p).wan_display(),
                    rate: percent(j.rate.to_f64()),
                    light: j.light.code(),
                    light_label: j.light.label(lang),
                    why: why.join("；"),
                })
            })
            .collect(),
        lagging_total,
        tr,
    })
}

pub struct IndicatorRow {
    label: &'static str,
    weight: String,
    value: String,
    basis: String,
    points: String,
}

#[derive(Template)]
#[template(path = "status_unit.html")]
struct UnitTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    expected: String,
    /// The unit's own 序时进度, weighted by plan.
    unit_expected: String,
    unit: String,
    unit_id: Option<i64>,
    period: String,
    rank: usize,
    units: usize,
    score: String,
    rate: String,
    light: &'static str,
    light_label: &'static str,
    indicators: Vec<IndicatorRow>,
    projects: Vec<ProjectRow>,
}

#[derive(Deserialize)]
pub struct UnitQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    as_of: String,
}

fn share_text(s: Option<domain::progress::Share>, lang: domain::Lang) -> String {
    match s {
        Some(s) => format!("{}/{} = {}", s.num, s.den, percent(s.to_f64())),
        None => match lang {
            domain::Lang::Zh => "无应考核项（按满分计）".into(),
            domain::Lang::En => "nothing due (full marks)".into(),
        },
    }
}

/// Each indicator of the scheme for a unit: its weight, value, what it is computed from and
/// the points it gives.
fn indicator_rows(
    scheme: &domain::progress::Scheme,
    unit: &domain::progress::UnitStatus,
    tr: &Tr,
) -> Vec<IndicatorRow> {
    let lang = tr.lang;
    let total_weight: f64 = scheme.indicators.iter().map(|i| i.weight).sum();
    let f = &unit.figures;
    scheme
        .indicators
        .iter()
        .zip(&unit.indicators)
        .map(|(ind, (_, v))| {
            let basis = match ind.key.as_str() {
                "investment_progress" => match (f.rate, f.expected) {
                    (Some(r), Some(e)) => format!(
                        "{} ÷ {} ({}, {})",
                        percent(r.to_f64()),
                        percent(e.to_f64()),
                        tr.t("status.expected"),
                        tr.t("status.weighted")
                    ),
                    _ => share_text(None, lang),
                },
                "start_rate" => share_text(f.start_rate, lang),
                "completion_rate" => share_text(f.completion_rate, lang),
                "production_rate" => share_text(f.production_rate, lang),
                "resumption_rate" => share_text(f.resumption_rate, lang),
                "on_time_reporting" => share_text(f.on_time_rate, lang),
                "fulfilment_rate" => share_text(f.fulfilment_rate, lang),
                "lead_start_rate" => share_text(f.lead_start_rate, lang),
                "lead_production_rate" => share_text(f.lead_production_rate, lang),
                _ => String::new(),
            };
            IndicatorRow {
                label: crate::rankings::indicator_label(&ind.key, lang),
                weight: format!("{}", ind.weight),
                value: format!("{:.1}", v * 100.0),
                basis,
                points: if total_weight > 0.0 {
                    format!("{:.2}", 100.0 * ind.weight * v / total_weight)
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

impl ProjectRow {
    /// A project on its unit's page: its light with every reason (the rule's, a period not yet
    /// due, the approval plan's warning).
    fn of_unit(
        p: &domain::progress::ProjectStatus,
        warnings: &std::collections::HashMap<i64, domain::Bilingual>,
        tr: &Tr,
    ) -> ProjectRow {
        let lang = tr.lang;
        let j = p.judgement.as_ref();
        let mut why: Vec<String> = j
            .map(|j| j.why.iter().map(|w| w.get(lang)).collect())
            .unwrap_or_default();
        why.extend(p.pending.map(|r| r.get(lang)));
        why.extend(warnings.get(&p.id).map(|w| w.get(lang).to_string()));
        let unrated = if p.pending.is_some() {
            tr.t("status.not_due")
        } else {
            tr.t("status.unrated")
        };
        ProjectRow {
            id: p.id,
            name: p.name.to_string(),
            unit: String::new(),
            ytd: p.year_to_date.wan_display(),
            plan: p.annual_plan.map(|m| m.wan_display()).unwrap_or_default(),
            gap: String::new(),
            rate: j.map(|j| percent(j.rate.to_f64())).unwrap_or_default(),
            light: j.map_or("", |j| j.light.code()),
            light_label: j.map_or(unrated, |j| j.light.label(lang)),
            why: why.join("；"),
        }
    }
}

/// `/status/unit?name=…&as_of=…`: how a unit's score comes about: each indicator with its
/// weight and basis, then every project behind the figures, each linking to its reports.
pub async fn unit_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<UnitQuery>,
) -> PageResult {
    let lang = tr.lang;
    let as_of = as_of_or_latest(&state, &q.as_of).await?;
    let scheme = state.store.judging(as_of).await?.scheme;
    let shared = state.store.status(as_of, &scheme).await?;
    let store::LedgerStatus {
        status, warnings, ..
    } = &*shared;
    let unit = status
        .units
        .iter()
        .find(|u| u.unit == q.name)
        .ok_or(AppError::NotFound)?;
    let unit_id = state.store.unit_by_name(&unit.unit).await?.map(|u| u.id);
    let f = &unit.figures;
    let indicators = indicator_rows(&scheme, unit, &tr);
    let mut projects: Vec<&domain::progress::ProjectStatus> = status
        .projects
        .iter()
        .filter(|p| p.unit.as_deref() == Some(unit.unit.as_str()))
        .collect();
    worst_first(&mut projects);
    let projects = projects
        .into_iter()
        .map(|p| ProjectRow::of_unit(p, warnings, &tr))
        .collect();
    render(&UnitTemplate {
        user,
        as_of: as_of.to_string(),
        expected: percent(status.expected.to_f64()),
        unit_expected: f.expected.map(|e| percent(e.to_f64())).unwrap_or_default(),
        unit: unit.unit.clone(),
        unit_id,
        period: format!("{}", as_of.format("%Y-%m")),
        rank: unit.rank,
        units: status.units.len(),
        score: format!("{:.2}", unit.score),
        rate: f.rate.map(|r| percent(r.to_f64())).unwrap_or_default(),
        light: f.light.map_or("", Light::code),
        light_label: f.light.map_or("", |l| l.label(lang)),
        indicators,
        projects,
        tr,
    })
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/status", get(page))
        .route("/status/unit", get(unit_page))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use domain::Money;
    use domain::progress::{Judgement, Light};

    fn project(id: i64, plan: i64, ytd: i64, light: Light, lag_pp: f64) -> ProjectStatus {
        let half = domain::progress::Share::new(1, 2).unwrap();
        ProjectStatus {
            id,
            name: format!("项目{id}").into(),
            unit: None,
            region: None,
            year_to_date: Money::from_wan(ytd),
            annual_plan: Some(Money::from_wan(plan)),
            expected: Some(half),
            pending: None,
            judgement: Some(Judgement {
                rate: domain::progress::Share::new(i128::from(ytd), i128::from(plan.max(1)))
                    .unwrap(),
                expected: Some(half),
                lag_pp,
                light,
                why: Vec::new(),
            }),
        }
    }

    /// 滞后最多 is the money behind (plan × 序时进度 − year to date), not the points behind: a
    /// small project at 0% comes after a large one half as far behind.
    #[test]
    fn the_largest_gap_comes_first() {
        let small = project(1, 100, 0, Light::Red, 50.0);
        let large = project(2, 10_000, 4_000, Light::Yellow, 10.0);
        let middle = project(3, 1_000, 0, Light::Red, 50.0);
        let mut list = vec![&small, &large, &middle];
        largest_gap_first(&mut list);
        assert_eq!(list.iter().map(|p| p.id).collect::<Vec<_>>(), [2, 3, 1]);
        assert_eq!(gap(&large), Money::from_wan(1_000));
        let ahead = project(4, 100, 80, Light::Green, 0.0);
        assert_eq!(ahead.gap_fen(), -i128::from(Money::from_wan(30).fen()));
        assert_eq!(gap(&ahead), Money::ZERO);
    }
}
