//! The command HQ (指挥部, issue 19 §5): `/hq` — its working groups, each with its leader, members
//! and the units in its care (分组包干), and each group's figures — and `/hq/{id}`, one group's
//! page: its units' investment and lights, their open problems and this month's service visits
//! to their projects. Everyone reads; the lead office sets the groups up.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Datelike;
use domain::progress::{Light, Period};
use serde::Deserialize;
use store::{HqGroup, SessionUser};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::render;
use crate::status::percent;
use crate::{layout, policy};

/// A unit's figures on a group's page.
pub struct UnitFigures {
    id: i64,
    name: String,
    projects: usize,
    rate: String,
    red: usize,
    yellow: usize,
    open_problems: usize,
}

pub struct GroupRow {
    group: HqGroup,
    projects: usize,
    red: usize,
    open_problems: usize,
}

#[derive(Template)]
#[template(path = "hq.html")]
struct HqTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    groups: Vec<GroupRow>,
    unassigned: Vec<String>,
    office: bool,
}

/// Each unit's figures from the status and the problems of one day: projects, investment rate,
/// red and yellow projects, open problems assigned to it.
fn unit_figures(
    status: &store::LedgerStatus,
    problems: &[store::ProblemLine],
    units: &[(i64, String)],
) -> Vec<UnitFigures> {
    units
        .iter()
        .map(|(id, name)| {
            let mine = status
                .status
                .projects
                .iter()
                .filter(|p| p.unit.as_deref() == Some(name.as_str()));
            let lights: Vec<Option<Light>> = mine
                .clone()
                .map(|p| p.judgement.as_ref().map(|j| j.light))
                .collect();
            let figures = status.status.units.iter().find(|u| u.unit == *name);
            UnitFigures {
                id: *id,
                name: name.clone(),
                projects: lights.len(),
                rate: figures
                    .and_then(|u| u.figures.rate)
                    .map(|r| percent(r.to_f64()))
                    .unwrap_or_else(|| "—".into()),
                red: lights.iter().filter(|l| **l == Some(Light::Red)).count(),
                yellow: lights.iter().filter(|l| **l == Some(Light::Yellow)).count(),
                open_problems: problems
                    .iter()
                    .filter(|p| p.unit_id == Some(*id) && p.status.is_open())
                    .count(),
            }
        })
        .collect()
}

/// `GET /hq`.
async fn page(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    let groups = state.store.hq_groups().await?;
    let today = state.today();
    let status = state.store.campaign_status(today).await?;
    let problems = state.store.problems_as_of(today).await?;
    let mut rows = Vec::new();
    for group in groups {
        let figures = unit_figures(&status, &problems, &group.units);
        rows.push(GroupRow {
            projects: figures.iter().map(|f| f.projects).sum(),
            red: figures.iter().map(|f| f.red).sum(),
            open_problems: figures.iter().map(|f| f.open_problems).sum(),
            group,
        });
    }
    let assigned: Vec<i64> = rows
        .iter()
        .flat_map(|r| r.group.units.iter().map(|u| u.0))
        .collect();
    let unassigned = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| matches!(u.kind, domain::UnitKind::Town | domain::UnitKind::Park))
        .filter(|u| !assigned.contains(&u.id))
        .map(|u| u.name)
        .collect();
    render(&HqTemplate {
        as_of: state.today().to_string(),
        groups: rows,
        unassigned,
        office: policy::is_office(&user),
        tr,
        user,
    })
}

#[derive(Deserialize)]
pub struct GroupForm {
    name: String,
    #[serde(default)]
    leader: String,
    #[serde(default)]
    duty: String,
}

fn opt(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// `POST /hq`: a new working group (the lead office).
async fn create(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Form(form): Form<GroupForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let id = state
        .store
        .create_hq_group(&form.name, opt(&form.leader), opt(&form.duty))
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/hq/{id}"),
        "done.hq_group_saved",
        None,
    ))
}

pub struct VisitRow {
    project: String,
    project_id: i64,
    visited_on: String,
    visitors: String,
    found: String,
}

#[derive(Template)]
#[template(path = "hq_group.html")]
struct GroupTemplate {
    tr: Tr,
    user: SessionUser,
    group: HqGroup,
    units: Vec<UnitFigures>,
    problems: Vec<(i64, String, String, String, u32)>,
    visits: Vec<VisitRow>,
    month: String,
    choices: Vec<(i64, String)>,
    office: bool,
}

/// `GET /hq/{id}`.
async fn group_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let group = state.store.hq_group(id).await?.ok_or(AppError::NotFound)?;
    let today = state.today();
    let status = state.store.campaign_status(today).await?;
    let lines = state.store.problems_as_of(today).await?;
    let units = unit_figures(&status, &lines, &group.units);
    let unit_ids: Vec<i64> = group.units.iter().map(|u| u.0).collect();
    let problems = lines
        .into_iter()
        .filter(|p| p.status.is_open())
        .filter(|p| {
            p.unit_id.is_some_and(|u| unit_ids.contains(&u))
                || p.project_unit_id.is_some_and(|u| unit_ids.contains(&u))
        })
        .map(|p| {
            (
                p.id,
                p.project.to_string(),
                p.title.clone(),
                p.unit.as_deref().unwrap_or_default().to_string(),
                p.overdue_workdays,
            )
        })
        .collect();
    let month = Period {
        year: today.year(),
        month: today.month(),
        part: None,
    };
    let projects = state.store.all_projects().await?;
    let (_, month_visits) = state.store.service_month(month).await?;
    let visits = month_visits
        .into_iter()
        .filter_map(|v| {
            let p = projects.iter().find(|p| p.id == v.project_id)?;
            p.fields
                .unit_id
                .is_some_and(|u| unit_ids.contains(&u))
                .then(|| VisitRow {
                    project: p.fields.name.clone(),
                    project_id: p.id,
                    visited_on: v.visited_on.to_string(),
                    visitors: v.visitors,
                    found: v.found,
                })
        })
        .collect();
    let office = policy::is_office(&user);
    let choices = if office {
        state
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| !unit_ids.contains(&u.id))
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        Vec::new()
    };
    render(&GroupTemplate {
        group,
        units,
        problems,
        visits,
        month: format!("{}-{:02}", month.year, month.month),
        choices,
        office,
        tr,
        user,
    })
}

#[derive(Deserialize)]
pub struct MemberForm {
    name: String,
    role: String,
    #[serde(default)]
    workplace: String,
    #[serde(default)]
    phone: String,
}

/// `POST /hq/{id}/members`.
async fn add_member(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    state
        .store
        .add_hq_member(
            id,
            &form.name,
            &form.role,
            opt(&form.workplace),
            opt(&form.phone),
        )
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/hq/{id}"),
        "done.hq_member_added",
        None,
    ))
}

#[derive(Deserialize)]
pub struct UnitForm {
    unit: i64,
}

/// `POST /hq/{id}/units`: a unit put in the group's care (from another group, if it was).
async fn assign(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    state
        .store
        .assign_hq_unit(id, form.unit)
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/hq/{id}"),
        "done.hq_unit_assigned",
        None,
    ))
}

/// `POST /hq/{id}/units/{unit}/release`.
async fn release(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path((id, unit)): Path<(i64, i64)>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    state
        .store
        .release_hq_unit(id, unit)
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/hq/{id}"),
        "done.hq_unit_released",
        None,
    ))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hq", get(page).post(create))
        .route("/hq/{id}", get(group_page))
        .route("/hq/{id}/members", post(add_member))
        .route("/hq/{id}/units", post(assign))
        .route("/hq/{id}/units/{unit}/release", post(release))
}
