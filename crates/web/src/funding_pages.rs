//! Money in and 入库 (issue 19 §7): `/funding` — 资金到位率 by source and by unit, and the
//! 应入未入 list (projects started and not yet in the statistics database, with their 入库
//! lamp) — and `/projects/{id}/funding`, where the lead office records a project's funding by
//! source and its registration. A responsible unit reads its own projects; leaders read.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::dates::{Edge, parse_date};
use domain::land::registration_lamp;
use domain::progress::Light;
use domain::{AmountUnit, Money, bi};
use serde::Deserialize;
use store::{DIGITAL_TAGS, FUNDING_SOURCES, SessionUser};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::leads::pct;
use crate::pages::render;
use crate::{layout, policy};

/// Planned and arrived money of a group (a source, a unit).
pub struct FundingSum {
    name: String,
    planned: Money,
    arrived: Money,
}

impl FundingSum {
    fn add(&mut self, planned: Money, arrived: Money) {
        self.planned = Money::from_fen(self.planned.fen().saturating_add(planned.fen()));
        self.arrived = Money::from_fen(self.arrived.fen().saturating_add(arrived.fen()));
    }
    pub fn planned_yi(&self) -> String {
        self.planned.yi_display()
    }
    pub fn arrived_yi(&self) -> String {
        self.arrived.yi_display()
    }
    /// 资金到位率: arrived of planned.
    pub fn rate(&self) -> String {
        pct((self.planned.fen() > 0).then(|| self.arrived.fen() as f64 / self.planned.fen() as f64))
    }
}

/// A project started and not in the statistics database by the day.
pub struct Unregistered {
    id: i64,
    name: String,
    started_on: String,
    months: u32,
    light: &'static str,
}

#[derive(Template)]
#[template(path = "funding.html")]
struct FundingTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    /// By source, by unit: each table's title and rows.
    tables: Vec<(String, Vec<FundingSum>)>,
    total: FundingSum,
    /// Per unit: its projects started and not registered (应入未入).
    unregistered: Vec<(String, Vec<Unregistered>)>,
}

#[derive(Deserialize, Default)]
pub struct AsOf {
    #[serde(default)]
    as_of: String,
}

fn sum(name: &str) -> FundingSum {
    FundingSum {
        name: name.to_string(),
        planned: Money::ZERO,
        arrived: Money::ZERO,
    }
}

/// `GET /funding?as_of=`.
async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<AsOf>,
) -> PageResult {
    let day = crate::problems::as_of_or_today(&state, &q.as_of).await?;
    let scope = policy::own_unit(&user);
    let rows = state.store.registration_rows(day).await?;
    let units_of: std::collections::HashMap<i64, (Option<i64>, String)> = rows
        .iter()
        .map(|r| {
            (
                r.project_id,
                (r.unit_id, r.unit.clone().unwrap_or_default()),
            )
        })
        .collect();
    let mine = |project: i64| {
        scope.is_none_or(|u| units_of.get(&project).is_some_and(|(id, _)| *id == Some(u)))
    };
    let mut sources: BTreeMap<usize, FundingSum> = BTreeMap::new();
    let mut units: BTreeMap<String, FundingSum> = BTreeMap::new();
    let mut total = sum("");
    for line in state.store.all_funding().await? {
        if !mine(line.project_id) {
            continue;
        }
        // The common sources in their order, others after them.
        let order = FUNDING_SOURCES
            .iter()
            .position(|s| *s == line.source)
            .unwrap_or(FUNDING_SOURCES.len() + sources.len());
        let key = sources
            .iter()
            .find(|(_, s)| s.name == line.source)
            .map_or(order, |(k, _)| *k);
        sources
            .entry(key)
            .or_insert_with(|| sum(&line.source))
            .add(line.planned, line.arrived);
        let unit = units_of
            .get(&line.project_id)
            .map(|(_, u)| u.clone())
            .unwrap_or_default();
        units
            .entry(unit.clone())
            .or_insert_with(|| sum(&unit))
            .add(line.planned, line.arrived);
        total.add(line.planned, line.arrived);
    }
    let mut unregistered: BTreeMap<String, Vec<Unregistered>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.recorded && mine(r.project_id)) {
        if let Some((light, months)) = registration_lamp(r.started_on, r.registered_on, day) {
            unregistered
                .entry(r.unit.clone().unwrap_or_default())
                .or_default()
                .push(Unregistered {
                    id: r.project_id,
                    name: r.name.clone(),
                    started_on: r.started_on.map(|d| d.to_string()).unwrap_or_default(),
                    months,
                    light: if light == Light::Red { "red" } else { "yellow" },
                });
        }
    }
    let tables = vec![
        (
            tr.t("funding.by_source").to_string(),
            sources.into_values().collect(),
        ),
        (
            tr.t("funding.by_unit").to_string(),
            units.into_values().collect(),
        ),
    ];
    render(&FundingTemplate {
        as_of: day.to_string(),
        tables,
        total,
        unregistered: unregistered.into_iter().collect(),
        tr,
        user,
    })
}

pub struct LineRow {
    source: String,
    planned: String,
    arrived: String,
    rate: String,
}

#[derive(Template)]
#[template(path = "project_funding.html")]
struct ProjectFundingTemplate {
    tr: Tr,
    user: SessionUser,
    id: i64,
    name: String,
    lines: Vec<LineRow>,
    total: FundingSum,
    sources: &'static [&'static str],
    registered_on: String,
    stats_code: String,
    registration_version: i64,
    registered: bool,
    office: bool,
    /// 智改数转: equipment investment (万元), items, level, version; whether the user may edit.
    equipment_wan: String,
    digital_items: String,
    digital_level: String,
    digital_version: i64,
    digital_editable: bool,
    /// Tagged 技改 or 智改数转.
    digital_track: bool,
}

/// `GET /projects/{id}/funding`.
async fn project_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let project = policy::project_for(&state, &user, id).await?;
    let lines = state.store.funding(id).await?;
    let mut total = sum("");
    let rows = lines
        .iter()
        .map(|l| {
            total.add(l.planned, l.arrived);
            let mut one = sum(&l.source);
            one.add(l.planned, l.arrived);
            LineRow {
                source: l.source.clone(),
                planned: l.planned.wan_string(),
                arrived: l.arrived.wan_string(),
                rate: one.rate(),
            }
        })
        .collect();
    let registration = state.store.registration(id).await?;
    let digital = state.store.digital(id).await?;
    let digital_track = project
        .fields
        .tags
        .iter()
        .any(|t| DIGITAL_TAGS.contains(&t.as_str()));
    render(&ProjectFundingTemplate {
        id,
        name: project.fields.name.clone(),
        lines: rows,
        total,
        sources: FUNDING_SOURCES,
        registered_on: registration
            .as_ref()
            .and_then(|r| r.registered_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        stats_code: registration
            .as_ref()
            .and_then(|r| r.stats_code.clone())
            .unwrap_or_default(),
        registration_version: registration.as_ref().map_or(0, |r| r.version),
        registered: registration.is_some_and(|r| r.registered_on.is_some()),
        office: policy::is_office(&user),
        equipment_wan: digital
            .as_ref()
            .map(|d| d.equipment.wan_string())
            .unwrap_or_default(),
        digital_items: digital
            .as_ref()
            .and_then(|d| d.items.clone())
            .unwrap_or_default(),
        digital_level: digital
            .as_ref()
            .and_then(|d| d.level.clone())
            .unwrap_or_default(),
        digital_version: digital.as_ref().map_or(0, |d| d.version),
        digital_editable: policy::may_edit_digital(&user, &project),
        digital_track,
        tr,
        user,
    })
}

#[derive(Deserialize)]
pub struct DigitalForm {
    #[serde(default)]
    equipment_wan: String,
    #[serde(default)]
    items: String,
    #[serde(default)]
    level: String,
    version: i64,
}

/// `POST /projects/{id}/digital`: the project's 智改数转 figures (whoever may edit the project).
async fn set_digital(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<DigitalForm>,
) -> PageResult {
    let project = policy::project_for(&state, &user, id).await?;
    if !policy::may_edit_digital(&user, &project) {
        return Err(AppError::Refused(policy::not_theirs()).into());
    }
    let equipment = Money::parse(&form.equipment_wan, AmountUnit::Wan)
        .map_err(|e| {
            AppError::BadRequest(bi(
                format!("设备投资：{}", e.zh),
                format!("equipment investment: {}", e.en),
            ))
        })?
        .unwrap_or(Money::ZERO);
    let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
    state
        .store
        .set_digital(
            id,
            equipment,
            text(&form.items).as_deref(),
            text(&form.level).as_deref(),
            form.version,
            Some(user.id),
        )
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/projects/{id}/funding"),
        "done.digital_saved",
        None,
    ))
}

#[derive(Deserialize)]
pub struct FundingForm {
    source: String,
    #[serde(default)]
    planned_wan: String,
    #[serde(default)]
    arrived_wan: String,
}

/// `POST /projects/{id}/funding`: one source's planned and arrived amounts (the lead office).
async fn set_funding(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FundingForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    policy::project_for(&state, &user, id).await?;
    let amount = |text: &str, zh: &str, en: &str| {
        Money::parse(text, AmountUnit::Wan)
            .map(|m| m.unwrap_or(Money::ZERO))
            .map_err(|e| {
                AppError::BadRequest(bi(format!("{zh}：{}", e.zh), format!("{en}: {}", e.en)))
            })
    };
    let planned = amount(&form.planned_wan, "计划金额", "planned")?;
    let arrived = amount(&form.arrived_wan, "到位金额", "arrived")?;
    state
        .store
        .set_funding(id, &form.source, planned, arrived, Some(user.id))
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/projects/{id}/funding"),
        "done.funding_saved",
        None,
    ))
}

#[derive(Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    registered_on: String,
    #[serde(default)]
    stats_code: String,
    version: i64,
}

/// `POST /projects/{id}/registration`: registered in the statistics database on a date, or not
/// yet (the lead office).
async fn set_registration(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<RegistrationForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    policy::project_for(&state, &user, id).await?;
    let on = parse_date(&form.registered_on, Edge::Start).map_err(AppError::BadRequest)?;
    let code = Some(form.stats_code.trim()).filter(|c| !c.is_empty());
    state
        .store
        .set_registration(id, on, code, form.version, Some(user.id), state.today())
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/projects/{id}/funding"),
        "done.registration_saved",
        None,
    ))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/funding", get(page))
        .route(
            "/projects/{id}/funding",
            get(project_page).post(set_funding),
        )
        .route("/projects/{id}/registration", post(set_registration))
        .route("/projects/{id}/digital", post(set_digital))
}
