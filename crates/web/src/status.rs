//! The status page: 序时进度, how many projects show each light, the units ranked by score, and
//! the lagging projects with the reasons for their lights.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::dates::{Edge, parse_date};
use domain::progress::{Light, Scheme};
use serde::Deserialize;
use store::SessionUser;

use crate::AppState;
use crate::auth::{PageUser, can_edit_ledger};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::{page_result, render};

pub struct UnitRow {
    rank: usize,
    unit: String,
    projects: usize,
    rate: String,
    light: &'static str,
    light_label: &'static str,
    score: String,
    double_half: bool,
}

pub struct ProjectRow {
    id: i64,
    name: String,
    unit: String,
    ytd: String,
    plan: String,
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
    role_label: &'static str,
    can_edit: bool,
    as_of: String,
    expected: String,
    red: usize,
    yellow: usize,
    green: usize,
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

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<StatusQuery>,
) -> Response {
    let result = async {
        let lang = tr.lang;
        let as_of = match parse_date(&q.as_of, Edge::End) {
            Ok(Some(d)) => d,
            Ok(None) => state
                .store
                .latest_report_end()
                .await?
                .unwrap_or_else(crate::pages::today),
            Err(m) => return Err(AppError::BadRequest(m)),
        };
        let store::LedgerStatus { status, warnings } =
            state.store.status(as_of, &Scheme::default()).await?;
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
        lagging.sort_by(|a, b| {
            let key = |p: &domain::progress::ProjectStatus| {
                p.judgement.as_ref().map(|j| (j.light, j.lag_pp))
            };
            key(b)
                .partial_cmp(&key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let lagging_total = lagging.len();
        render(&StatusTemplate {
            role_label: user.role.label(lang),
            can_edit: can_edit_ledger(&user),
            user,
            as_of: as_of.to_string(),
            expected: percent(status.expected.to_f64()),
            red: count(Light::Red),
            yellow: count(Light::Yellow),
            green: count(Light::Green),
            unrated: status
                .projects
                .iter()
                .filter(|p| p.judgement.is_none())
                .count(),
            units: status
                .units
                .iter()
                .map(|u| UnitRow {
                    rank: u.rank,
                    unit: u.unit.clone(),
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
                })
                .collect(),
            lagging: lagging
                .into_iter()
                .take(LAGGING_SHOWN)
                .filter_map(|p| {
                    let j = p.judgement.as_ref()?;
                    let mut why: Vec<String> =
                        j.why.iter().map(|w| w.get(lang).to_string()).collect();
                    why.extend(warnings.get(&p.id).cloned());
                    Some(ProjectRow {
                        id: p.id,
                        name: p.name.clone(),
                        unit: p.unit.clone().unwrap_or_default(),
                        ytd: p.year_to_date.wan_display(),
                        plan: p.annual_plan.map(|m| m.wan_display()).unwrap_or_default(),
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
    .await;
    page_result(tr, result)
}
