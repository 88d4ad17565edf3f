//! The campaign page: its time, theme, cadence, thresholds and scoring weights; its key tasks
//! with lead departments; its targets decomposed to units and each unit's progress with them.
//! The lead office (and the administrator) edits; everyone reads.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::dates::{Edge, parse_date};
use domain::money::AmountUnit;
use domain::progress::{Cadence, INDICATORS, Indicator, Rules, Scheme, Window};
use domain::{Bilingual, Lang, Money, UnitKind, bi};
use serde::Deserialize;
use store::{Campaign, CampaignSettings, SessionUser, StoreError, TargetProgress, UnitTarget};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::layout;
use crate::pages::render_form;
use crate::policy;
use crate::rankings::indicator_label;
use axum::Router;
use axum::routing::{get, post};

pub struct WeightField {
    key: &'static str,
    label: &'static str,
    value: String,
}

pub struct TaskRow {
    id: i64,
    name: String,
    lead: String,
}

pub struct TargetRow {
    unit_id: i64,
    unit: String,
    starts: String,
    completions: String,
    productions: String,
    investment: String,
    started: String,
    completed: String,
    produced: String,
    invested: String,
    leads_signed: String,
    leads_over_yi: String,
    signed_investment: String,
    signed: String,
    signed_over_yi: String,
    signed_invested: String,
}

pub struct Choice {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignTemplate {
    tr: Tr,
    user: SessionUser,
    editable: bool,
    exists: bool,
    campaign_id: i64,
    version: i64,
    as_of: String,
    name: String,
    theme: String,
    fixed: bool,
    year: String,
    start: String,
    end: String,
    ten_daily: bool,
    yellow: String,
    red: String,
    start_months: String,
    /// 异常提示 factors.
    over_plan: String,
    spike: String,
    phased_plan: bool,
    weights: Vec<WeightField>,
    tasks: Vec<TaskRow>,
    departments: Vec<Choice>,
    targets: Vec<TargetRow>,
    /// A fixed window's targets per project, and the text that sets them (one line each).
    project_targets: Vec<ProjectTargetRow>,
    project_targets_text: String,
    /// The 智改数转 track: started / target, equipment 亿元 / target, projects, version.
    track: Option<TrackView>,
    errors: Vec<String>,
    /// What the last action did.
    done: Option<String>,
    /// Every campaign, newest first, to switch between years.
    campaigns: Vec<CampaignLink>,
    /// The year the newest campaign carries over to, for those who may start it.
    next_year: Option<i32>,
}

pub struct ProjectTargetRow {
    id: i64,
    name: String,
    unit: String,
    amount: String,
}

pub struct CampaignLink {
    id: i64,
    name: String,
    current: bool,
}

fn count(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Projects done against a target: "3 / 4 (75%)", or "3" without a target.
fn count_progress(done: i64, target: Option<i64>) -> String {
    match target {
        Some(t) if t > 0 => format!("{done} / {t} ({:.0}%)", done as f64 * 100.0 / t as f64),
        Some(t) => format!("{done} / {t}"),
        None => done.to_string(),
    }
}

/// Investment done against a target, in 万元: "1,200.00 / 5,000.00 (24.0%)".
fn money_progress(done: Money, target: Option<Money>) -> String {
    match target {
        Some(t) if t.fen() > 0 => format!(
            "{} / {} ({:.1}%)",
            done.wan_display(),
            t.wan_display(),
            done.fen() as f64 * 100.0 / t.fen() as f64
        ),
        Some(t) => format!("{} / {}", done.wan_display(), t.wan_display()),
        None => done.wan_display(),
    }
}

/// Every unit that owns projects (parks, towns, state firms) gets a row, targets or not: its
/// targets (as typed, after a failed form) and its progress with each.
fn target_rows(
    units: &[domain::Unit],
    progress_rows: &[TargetProgress],
    typed: Option<&(dyn Typed + Sync)>,
) -> Vec<TargetRow> {
    let mut targets: Vec<TargetRow> = Vec::new();
    for u in units.iter().filter(|u| u.kind != UnitKind::Department) {
        let p = progress_rows.iter().find(|p| p.target.unit_id == u.id);
        let t = p.map(|p| &p.target);
        let field = |prefix: &str, stored: String| {
            typed
                .and_then(|form| form.typed(&format!("{prefix}_{}", u.id)))
                .unwrap_or(stored)
        };
        targets.push(TargetRow {
            unit_id: u.id,
            unit: u.name.clone(),
            starts: field("s", count(t.and_then(|t| t.starts))),
            completions: field("c", count(t.and_then(|t| t.completions))),
            productions: field("p", count(t.and_then(|t| t.productions))),
            investment: field(
                "i",
                t.and_then(|t| t.investment)
                    .map(|m| m.wan_string())
                    .unwrap_or_default(),
            ),
            started: p
                .map(|p| count_progress(p.started, t.and_then(|t| t.starts)))
                .unwrap_or_default(),
            completed: p
                .map(|p| count_progress(p.completed, t.and_then(|t| t.completions)))
                .unwrap_or_default(),
            produced: p
                .map(|p| count_progress(p.produced, t.and_then(|t| t.productions)))
                .unwrap_or_default(),
            invested: p
                .map(|p| money_progress(p.invested, t.and_then(|t| t.investment)))
                .unwrap_or_default(),
            leads_signed: field("ls", count(t.and_then(|t| t.leads_signed))),
            leads_over_yi: field("ly", count(t.and_then(|t| t.leads_over_yi))),
            signed_investment: field(
                "li",
                t.and_then(|t| t.signed_investment)
                    .map(|m| m.wan_string())
                    .unwrap_or_default(),
            ),
            signed: p
                .map(|p| count_progress(p.signed, t.and_then(|t| t.leads_signed)))
                .unwrap_or_default(),
            signed_over_yi: p
                .map(|p| count_progress(p.signed_over_yi, t.and_then(|t| t.leads_over_yi)))
                .unwrap_or_default(),
            signed_invested: p
                .map(|p| money_progress(p.signed_investment, t.and_then(|t| t.signed_investment)))
                .unwrap_or_default(),
        });
    }
    targets
}

/// The project targets as the paste box shows them: code (or name) and amount per line.
fn pasted_targets(targets: &[store::ProjectTarget]) -> String {
    targets
        .iter()
        .map(|t| {
            format!(
                "{}\t{}",
                t.code.clone().unwrap_or_else(|| t.name.clone()),
                t.investment.wan_string()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each scoring indicator's weight: as typed after a failed form, else as the scheme has it.
fn weight_fields(
    scheme: &Scheme,
    typed: Option<&(dyn Typed + Sync)>,
    lang: Lang,
) -> Vec<WeightField> {
    INDICATORS
        .iter()
        .map(|key| {
            let stored = scheme
                .indicators
                .iter()
                .find(|i| i.key == *key)
                .map(|i| i.weight.to_string())
                .unwrap_or_default();
            WeightField {
                key,
                label: indicator_label(key, lang),
                value: typed
                    .and_then(|form| form.typed(&format!("w_{key}")))
                    .unwrap_or(stored),
            }
        })
        .collect()
}

impl From<&store::KeyTask> for TaskRow {
    fn from(t: &store::KeyTask) -> Self {
        TaskRow {
            id: t.id,
            name: t.name.clone(),
            lead: t.lead_unit.clone().unwrap_or_default(),
        }
    }
}

impl From<store::ProjectTarget> for ProjectTargetRow {
    fn from(t: store::ProjectTarget) -> Self {
        ProjectTargetRow {
            id: t.project_id,
            name: t.name,
            unit: t.unit.unwrap_or_default(),
            amount: t.investment.wan_display(),
        }
    }
}

/// The window as the form shows it: fixed or not, the year, and the fixed dates.
fn window_texts(window: &Window) -> (bool, String, String, String) {
    match *window {
        Window::Year(y) => (false, y.to_string(), String::new(), String::new()),
        Window::Fixed { start, end } => (
            true,
            start.year().to_string(),
            start.to_string(),
            end.to_string(),
        ),
    }
}

impl CampaignLink {
    /// Every campaign, newest first, the one shown marked.
    fn all(campaigns: Vec<(i64, i64, CampaignSettings)>, shown: Option<i64>) -> Vec<CampaignLink> {
        campaigns
            .into_iter()
            .map(|(id, _, s)| CampaignLink {
                id,
                name: s.name,
                current: Some(id) == shown,
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    campaign: Option<Campaign>,
    progress_rows: Vec<TargetProgress>,
    as_of: chrono::NaiveDate,
    typed: Option<&(dyn Typed + Sync)>,
    errors: Vec<String>,
    done: Option<String>,
) -> PageResult {
    let lang = tr.lang;
    // What was typed, where the failed form had the field; else what is stored.
    let typed_value = |key: &str| -> Option<String> { typed.and_then(|form| form.typed(key)) };
    let get = |key: &str, stored: String| -> String { typed_value(key).unwrap_or(stored) };
    let settings = campaign
        .as_ref()
        .map(|c| c.settings.clone())
        .unwrap_or_else(|| {
            CampaignSettings::year(
                &format!("{}年项目攻坚行动", chrono::Datelike::year(&state.today())),
                chrono::Datelike::year(&state.today()),
            )
        });
    let (fixed, year, start, end) = window_texts(&settings.window);
    let weights = weight_fields(&settings.scheme, typed, lang);
    let units = state.store.units().await?;
    let departments = units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .map(|u| Choice {
            id: u.id,
            name: u.name.clone(),
        })
        .collect();
    let targets = target_rows(&units, &progress_rows, typed);
    let all = state.store.campaigns().await?;
    let newest = all.first().map(|(id, _, _)| *id);
    let next_year = match (&campaign, policy::is_office(&user)) {
        (Some(c), true) if Some(c.id) == newest => Some(c.settings.span().0.year() + 1),
        _ => None,
    };
    let campaigns = CampaignLink::all(all, campaign.as_ref().map(|c| c.id));
    let project_targets = match &campaign {
        Some(c) => state.store.project_targets(c.id).await?,
        None => Vec::new(),
    };
    let track = match &campaign {
        Some(c) => {
            let (from, to) = c.settings.span();
            let t = state.store.digital_track(c.id, from, to).await?;
            Some(TrackView {
                projects: t.projects,
                started: t.started,
                equipment_yi: t.equipment.yi_display(),
                target_projects: t.target_projects.map(|n| n.to_string()).unwrap_or_default(),
                target_equipment_wan: t
                    .target_equipment
                    .map(|m| m.wan_string())
                    .unwrap_or_default(),
                target_equipment_yi: t
                    .target_equipment
                    .map(|m| m.yi_display())
                    .unwrap_or_default(),
                version: t.version,
            })
        }
        None => None,
    };
    let invalid = !errors.is_empty();
    render_form(
        &CampaignTemplate {
            track,
            done,
            campaigns,
            next_year,
            editable: policy::is_office(&user),
            user,
            exists: campaign.is_some(),
            campaign_id: campaign.as_ref().map_or(0, |c| c.id),
            version: campaign.as_ref().map_or(0, |c| c.version),
            as_of: as_of.to_string(),
            name: get("name", settings.name.clone()),
            theme: get("theme", settings.theme.clone().unwrap_or_default()),
            fixed: typed_value("kind").map_or(fixed, |k| k == "fixed"),
            year: get("year", year),
            start: get("start", start),
            end: get("end", end),
            ten_daily: typed_value("cadence")
                .map_or(settings.cadence == Cadence::TenDaily, |c| c == "ten_daily"),
            yellow: get("yellow", settings.rules.yellow_from_pp.to_string()),
            red: get("red", settings.rules.red_above_pp.to_string()),
            start_months: get("start_months", settings.rules.start_red_months.to_string()),
            over_plan: get("over_plan", settings.limits.over_plan.to_string()),
            spike: get("spike", settings.limits.spike.to_string()),
            // An unticked box is absent from the form: read it only from the settings form
            // itself (which has a name), not from the targets forms shown again.
            phased_plan: match typed_value("name") {
                Some(_) => typed_value("phased_plan").as_deref() == Some("1"),
                None => settings.phased_plan,
            },
            weights,
            tasks: campaign
                .as_ref()
                .map(|c| c.tasks.iter().map(TaskRow::from).collect())
                .unwrap_or_default(),
            departments,
            targets,
            project_targets_text: get("project_targets", pasted_targets(&project_targets)),
            project_targets: project_targets
                .into_iter()
                .map(ProjectTargetRow::from)
                .collect(),
            errors,
            tr,
        },
        invalid,
    )
}

/// The 智改数转 track as the campaign page shows it.
pub struct TrackView {
    projects: usize,
    started: usize,
    equipment_yi: String,
    target_projects: String,
    target_equipment_wan: String,
    target_equipment_yi: String,
    version: i64,
}

#[derive(Deserialize)]
pub struct TrackForm {
    campaign: i64,
    #[serde(default)]
    projects: String,
    #[serde(default)]
    equipment_wan: String,
    version: i64,
}

/// `POST /campaign/track`: the campaign's 智改数转 targets (the lead office).
pub async fn track(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Form(form): Form<TrackForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let projects = match form.projects.trim() {
        "" => None,
        t => Some(t.parse::<i64>().map_err(|_| {
            AppError::BadRequest(bi(
                format!("开工项目目标“{t}”应为整数"),
                format!("the projects target “{t}” must be a whole number"),
            ))
        })?),
    };
    let equipment = Money::parse(&form.equipment_wan, domain::AmountUnit::Wan).map_err(|e| {
        AppError::BadRequest(bi(
            format!("设备投资目标：{}", e.zh),
            format!("equipment target: {}", e.en),
        ))
    })?;
    state
        .store
        .set_digital_target(form.campaign, projects, equipment, form.version)
        .await
        .map_err(AppError::from)?;
    Ok(crate::layout::done(
        &format!("/campaign?id={}#track", form.campaign),
        "done.track_saved",
        None,
    ))
}

#[derive(Deserialize)]
pub struct CampaignQuery {
    #[serde(default)]
    as_of: String,
    /// A campaign other than the newest (a past year's).
    #[serde(default)]
    id: String,
    /// After a carry-over: the projects carried and restaged.
    #[serde(default)]
    carried: String,
    #[serde(default)]
    restaged: String,
    /// After saving targets per project: how many are set.
    #[serde(default)]
    project_targets: String,
}

/// The campaign asked for by id (`campaign` in a form, `id` in the address), else the newest,
/// and its units' progress as of `as_of` (a past campaign's as of its last day at the latest).
async fn load(
    state: &AppState,
    as_of: chrono::NaiveDate,
    id: &str,
) -> Result<(Option<Campaign>, Vec<TargetProgress>), AppError> {
    let campaign = match id.trim().parse::<i64>() {
        Ok(id) => Some(
            state
                .store
                .campaign_by_id(id)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        Err(_) => state.store.campaign().await?,
    };
    let progress = match &campaign {
        Some(c) => {
            let (_, end) = c.settings.span();
            state.store.target_progress(c, as_of.min(end)).await?
        }
        None => Vec::new(),
    };
    Ok((campaign, progress))
}

/// `/campaign`
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<CampaignQuery>,
) -> PageResult {
    let as_of = crate::status::as_of_or_latest(&state, &q.as_of).await?;
    let (campaign, progress) = load(&state, as_of, &q.id).await?;
    let done = q.carried.trim().parse::<usize>().ok().map(|carried| {
        let restaged = q.restaged.trim().parse::<usize>().unwrap_or(0);
        bi(
            format!(
                "已开启新年度攻坚行动：复制了重点任务、亮灯规则和评分办法；结转续建项目 {carried} 个（其中 {restaged} 个转为在建），其年度计划待导入新年度台账后填入，上年计划已按年度保存。"
            ),
            format!(
                "The new year's campaign is started: key tasks, light rules and scoring copied; {carried} unfinished projects carried over ({restaged} now under construction), their annual plans to come from the new year's ledger sheet, last year's kept by year."
            ),
        )
        .get(tr.lang)
        .to_string()
    });
    let done = done.or_else(|| {
        let n = q.project_targets.trim().parse::<usize>().ok()?;
        Some(
            bi(
                format!("已保存项目攻坚目标 {n} 个，亮灯和排名按新目标计算。"),
                format!("{n} project targets saved; lights and rankings follow them."),
            )
            .get(tr.lang)
            .to_string(),
        )
    });
    show(
        &state,
        user,
        tr,
        campaign,
        progress,
        as_of,
        None,
        Vec::new(),
        done,
    )
    .await
}

/// A campaign form shown again after an error: what was typed in each of its fields, by the
/// field's name in the page; `None` where the form has no such field (the stored value shows).
trait Typed {
    fn typed(&self, key: &str) -> Option<String>;
}

/// The settings form as posted (trimmed): the window (a year, or fixed dates), the cadence, the
/// light thresholds, the plausibility limits, the weight of each scoring indicator and whether
/// lights follow 分月计划.
#[derive(Debug, Default)]
pub struct SettingsForm {
    campaign: String,
    version: String,
    name: String,
    theme: String,
    kind: String,
    year: String,
    start: String,
    end: String,
    cadence: String,
    yellow: String,
    red: String,
    start_months: String,
    over_plan: String,
    spike: String,
    /// (indicator key, weight as typed), in the order of `INDICATORS`.
    weights: Vec<(String, String)>,
    /// An unticked box is absent from the form.
    phased_plan: bool,
}

impl From<Vec<(String, String)>> for SettingsForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = SettingsForm {
            weights: INDICATORS
                .iter()
                .map(|k| (k.to_string(), String::new()))
                .collect(),
            ..SettingsForm::default()
        };
        for (key, value) in fields {
            let value = value.trim().to_string();
            let slot = match key.as_str() {
                "campaign" => &mut form.campaign,
                "version" => &mut form.version,
                "name" => &mut form.name,
                "theme" => &mut form.theme,
                "kind" => &mut form.kind,
                "year" => &mut form.year,
                "start" => &mut form.start,
                "end" => &mut form.end,
                "cadence" => &mut form.cadence,
                "yellow" => &mut form.yellow,
                "red" => &mut form.red,
                "start_months" => &mut form.start_months,
                "over_plan" => &mut form.over_plan,
                "spike" => &mut form.spike,
                "phased_plan" => {
                    form.phased_plan = value == "1";
                    continue;
                }
                other => match other
                    .strip_prefix("w_")
                    .and_then(|k| form.weights.iter_mut().find(|(key, _)| key == k))
                {
                    Some((_, weight)) => weight,
                    None => continue,
                },
            };
            *slot = value;
        }
        form
    }
}

impl Typed for SettingsForm {
    fn typed(&self, key: &str) -> Option<String> {
        let text = match key {
            "name" => &self.name,
            "theme" => &self.theme,
            "kind" => &self.kind,
            "year" => &self.year,
            "start" => &self.start,
            "end" => &self.end,
            "cadence" => &self.cadence,
            "yellow" => &self.yellow,
            "red" => &self.red,
            "start_months" => &self.start_months,
            "over_plan" => &self.over_plan,
            "spike" => &self.spike,
            "phased_plan" => return self.phased_plan.then(|| "1".to_string()),
            other => {
                let k = other.strip_prefix("w_")?;
                &self.weights.iter().find(|(key, _)| key == k)?.1
            }
        };
        Some(text.clone())
    }
}

impl SettingsForm {
    /// The settings the form gives, or every problem with them.
    fn settings(&self) -> Result<CampaignSettings, Vec<Bilingual>> {
        let mut errors = Vec::new();
        let name = self.name.clone();
        if name.is_empty() {
            errors.push(bi("请填写攻坚行动名称", "the campaign needs a name"));
        }
        let window = if self.kind == "fixed" {
            let day = |text: &str, zh: &str, en: &str| match parse_date(text, Edge::Start) {
                Ok(Some(d)) => Ok(d),
                Ok(None) => Err(bi(format!("请填写{zh}"), format!("give the {en}"))),
                Err(m) => Err(m),
            };
            match (
                day(&self.start, "开始日期", "start date"),
                day(&self.end, "结束日期", "end date"),
            ) {
                (Ok(start), Ok(end)) => Some(Window::Fixed { start, end }),
                (a, b) => {
                    errors.extend(a.err());
                    errors.extend(b.err());
                    None
                }
            }
        } else {
            match self.year.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => Some(Window::Year(y)),
                _ => {
                    errors.push(bi(
                        format!("年度“{}”无效", self.year),
                        format!("year “{}” is not valid", self.year),
                    ));
                    None
                }
            }
        };
        let rules = Rules::from_text(&self.yellow, &self.red, &self.start_months)
            .map_err(|e| errors.push(e))
            .ok();
        let limits = domain::plausibility::Limits::from_text(&self.over_plan, &self.spike)
            .map_err(|e| errors.push(e))
            .ok();
        let mut indicators = Vec::new();
        for (key, text) in &self.weights {
            let text = text.as_str();
            if text.is_empty() {
                continue;
            }
            match text.parse::<f64>() {
                Ok(0.0) => {}
                Ok(w) if w.is_finite() && w > 0.0 => indicators.push(Indicator {
                    key: key.clone(),
                    weight: w,
                }),
                _ => errors.push(bi(
                    format!("权重“{text}”应为非负数"),
                    format!("weight “{text}” must be a number ≥ 0"),
                )),
            }
        }
        let scheme = Scheme::from_toml(&Scheme { indicators }.to_toml())
            .map_err(|e| errors.push(e))
            .ok();
        match (window, rules, scheme, limits) {
            (Some(window), Some(rules), Some(scheme), Some(limits)) if errors.is_empty() => {
                Ok(CampaignSettings {
                    name,
                    theme: Some(self.theme.clone()).filter(|t| !t.is_empty()),
                    window,
                    cadence: if self.cadence == "ten_daily" {
                        Cadence::TenDaily
                    } else {
                        Cadence::Monthly
                    },
                    rules,
                    scheme,
                    limits,
                    phased_plan: self.phased_plan,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Saves (or creates) the campaign's settings.
pub async fn save(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let form = SettingsForm::from(fields);
    let lang = tr.lang;
    let as_of = crate::status::as_of_or_latest(&state, "").await?;
    let (campaign, progress) = load(&state, as_of, &form.campaign).await?;
    let settings = match form.settings() {
        Ok(s) => s,
        Err(errors) => {
            let errors = errors.iter().map(|m| m.get(lang).to_string()).collect();
            return show(
                &state,
                user,
                tr,
                campaign,
                progress,
                as_of,
                Some(&form),
                errors,
                None,
            )
            .await;
        }
    };
    let saved = match &campaign {
        Some(c) => {
            let version = form.version.parse().unwrap_or(-1);
            state
                .store
                .update_campaign(c.id, version, &settings)
                .await
                .map(|_| ())
        }
        None => state.store.create_campaign(&settings).await.map(|_| ()),
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!(
            "/campaign?id={}",
            campaign
                .as_ref()
                .map_or(String::new(), |c| c.id.to_string())
        ))
        .into_response()),
        Err(StoreError::Rule(m)) => {
            show(
                &state,
                user,
                tr,
                campaign,
                progress,
                as_of,
                Some(&form),
                vec![m.get(lang).to_string()],
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct NextForm {
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    year: String,
}

/// `POST /campaign/next`: starts the next year's campaign from this one and carries the
/// unfinished projects over (the lead office and the administrator).
pub async fn next(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<NextForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let lang = tr.lang;
    let from = form
        .campaign
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let year = form.year.trim().parse::<i32>().map_err(|_| {
        AppError::BadRequest(bi(
            format!("年度“{}”无效", form.year.trim()),
            format!("year “{}” is not valid", form.year.trim()),
        ))
    })?;
    match state
        .store
        .carry_over_campaign(from, year, Some(user.id))
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!(
            "/campaign?id={}&carried={}&restaged={}",
            done.campaign_id, done.carried, done.restaged
        ))
        .into_response()),
        Err(StoreError::Rule(m)) => {
            let as_of = crate::status::as_of_or_latest(&state, "").await?;
            let (campaign, progress) = load(&state, as_of, &form.campaign).await?;
            show(
                &state,
                user,
                tr,
                campaign,
                progress,
                as_of,
                None,
                vec![m.get(lang).to_string()],
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A key task added (its name and lead department) or dropped (`delete`, its id).
#[derive(Deserialize)]
pub struct TasksForm {
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    delete: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    lead: String,
}

/// Adds or drops a key task.
pub async fn tasks(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Form(form): Form<TasksForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let (campaign, _) = load(&state, state.today(), form.campaign.trim()).await?;
    let campaign = campaign.ok_or(AppError::NotFound)?;
    if let Ok(id) = form.delete.trim().parse::<i64>() {
        state.store.delete_campaign_task(campaign.id, id).await?;
    } else {
        let lead = form.lead.trim().parse::<i64>().ok();
        state
            .store
            .add_campaign_task(campaign.id, form.name.trim(), lead)
            .await?;
    }
    Ok(layout::done(
        &format!("/campaign?id={}#tasks", campaign.id),
        "done.tasks_saved",
        None,
    ))
}

/// The units' targets as posted: per unit (by id) the counts to start, complete and put into
/// production (`s_`, `c_`, `p_`) and the investment in 万元 (`i_`), as typed.
#[derive(Debug, Default)]
pub struct TargetsForm {
    campaign: String,
    version: String,
    units: HashMap<i64, [String; 7]>,
}

/// The prefixes of a unit's target fields, in the order `TargetsForm::units` keeps them.
const TARGET_FIELDS: [&str; 7] = ["s", "c", "p", "i", "ls", "ly", "li"];

/// "s_12" → (0, 12): which target of which unit a field is.
fn target_field(key: &str) -> Option<(usize, i64)> {
    let (prefix, unit) = key.split_once('_')?;
    let at = TARGET_FIELDS.iter().position(|p| *p == prefix)?;
    Some((at, unit.parse().ok()?))
}

impl From<Vec<(String, String)>> for TargetsForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = TargetsForm::default();
        for (key, value) in fields {
            let value = value.trim().to_string();
            match key.as_str() {
                "campaign" => form.campaign = value,
                "version" => form.version = value,
                key => {
                    if let Some((at, unit)) = target_field(key) {
                        form.units.entry(unit).or_default()[at] = value;
                    }
                }
            }
        }
        form
    }
}

impl Typed for TargetsForm {
    fn typed(&self, key: &str) -> Option<String> {
        let (at, unit) = target_field(key)?;
        self.units.get(&unit).map(|texts| texts[at].clone())
    }
}

impl TargetsForm {
    /// The targets of the units that own projects, or every problem, each naming its unit.
    fn targets(&self, units: Vec<domain::Unit>, tr: &Tr) -> Result<Vec<UnitTarget>, Vec<String>> {
        let mut errors = Vec::new();
        let mut targets = Vec::new();
        let empty: [String; 7] = Default::default();
        for u in units.into_iter().filter(|u| u.kind != UnitKind::Department) {
            let [
                starts,
                completions,
                productions,
                investment,
                leads_signed,
                leads_over_yi,
                signed_investment,
            ] = self.units.get(&u.id).unwrap_or(&empty);
            let mut number = |text: &str, what: &str| -> Option<i64> {
                if text.is_empty() {
                    return None;
                }
                match text.parse::<i64>() {
                    Ok(n) if n >= 0 => Some(n),
                    _ => {
                        errors.push(format!(
                            "{}：{what}“{text}”{}",
                            u.name,
                            tr.t("campaign.bad_count")
                        ));
                        None
                    }
                }
            };
            let starts = number(starts, tr.t("campaign.starts"));
            let completions = number(completions, tr.t("campaign.completions"));
            let productions = number(productions, tr.t("campaign.productions"));
            let leads_signed = number(leads_signed, tr.t("campaign.leads_signed"));
            let leads_over_yi = number(leads_over_yi, tr.t("campaign.leads_over_yi"));
            let mut money = |text: &str| match Money::parse(text, AmountUnit::Wan) {
                Ok(m) if m.is_none_or(|m| !m.is_negative()) => m,
                Ok(_) => {
                    errors.push(format!("{}：{}", u.name, tr.t("campaign.negative")));
                    None
                }
                Err(m) => {
                    errors.push(format!("{}：{}", u.name, m.get(tr.lang)));
                    None
                }
            };
            let investment = money(investment);
            let signed_investment = money(signed_investment);
            targets.push(UnitTarget {
                unit_id: u.id,
                unit: u.name,
                starts,
                completions,
                productions,
                investment,
                leads_signed,
                leads_over_yi,
                signed_investment,
            });
        }
        if errors.is_empty() {
            Ok(targets)
        } else {
            Err(errors)
        }
    }
}

/// Saves every unit's targets at once.
pub async fn targets(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let form = TargetsForm::from(fields);
    let as_of = crate::status::as_of_or_latest(&state, "").await?;
    let (campaign, progress) = load(&state, as_of, &form.campaign).await?;
    let Some(c) = &campaign else {
        return Err(AppError::NotFound.into());
    };
    let targets = match form.targets(state.store.units().await?, &tr) {
        Ok(targets) => targets,
        Err(errors) => {
            return show(
                &state,
                user,
                tr,
                campaign.clone(),
                progress,
                as_of,
                Some(&form),
                errors,
                None,
            )
            .await;
        }
    };
    let version = form.version.parse().unwrap_or(-1);
    if c.id != form.campaign.parse().unwrap_or(-1) {
        return Err(AppError::Conflict { current: c.version }.into());
    }
    state
        .store
        .set_campaign_targets(c.id, version, &targets)
        .await?;
    Ok(layout::done(
        &format!("/campaign?id={}#targets", c.id),
        "done.targets_saved",
        None,
    ))
}

/// One line of the project targets a clerk pastes from Excel: the project (its code or exact
/// name; a pasted row may carry both, tab-separated) and the amount in 万元, last.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    /// 1-based.
    pub line: usize,
    /// The texts that may name the project, most specific first.
    pub keys: Vec<String>,
    pub amount: Money,
}

/// A problem with one pasted line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    /// 1-based.
    pub line: usize,
    pub message: Bilingual,
}

impl LineError {
    fn new(line: usize, zh: String, en: String) -> LineError {
        LineError {
            line,
            message: bi(zh, en),
        }
    }

    /// "第3行：…" / "line 3: …".
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("第{}行：{}", self.line, self.message.zh),
            Lang::En => format!("line {}: {}", self.line, self.message.en),
        }
    }
}

/// Reads pasted project targets: the lines that read, and every problem with its line.
pub fn target_lines(text: &str) -> (Vec<TargetLine>, Vec<LineError>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let Some((key, amount)) = raw.rsplit_once(|c: char| c == '\t' || c.is_whitespace()) else {
            errors.push(LineError::new(
                line,
                "应为“项目编号或名称 金额（万元）”".into(),
                "give the project's code or name, then the amount (10k yuan)".into(),
            ));
            continue;
        };
        let key = key.trim();
        let mut keys = vec![domain::text::clean_name(key)];
        for part in key.split('\t') {
            let part = domain::text::clean_name(part);
            if !part.is_empty() && !keys.contains(&part) {
                keys.push(part);
            }
        }
        let amount = amount.trim();
        match Money::parse(amount, AmountUnit::Wan) {
            Ok(Some(m)) if !m.is_negative() => lines.push(TargetLine {
                line,
                keys,
                amount: m,
            }),
            Ok(_) => errors.push(LineError::new(
                line,
                format!("目标“{amount}”应为不小于0的金额"),
                format!("the target “{amount}” must be an amount ≥ 0"),
            )),
            Err(e) => errors.push(LineError { line, message: e }),
        }
    }
    (lines, errors)
}

#[derive(Deserialize)]
pub struct ProjectTargetsForm {
    campaign: i64,
    version: i64,
    #[serde(default)]
    project_targets: String,
}

impl Typed for ProjectTargetsForm {
    fn typed(&self, key: &str) -> Option<String> {
        (key == "project_targets").then(|| self.project_targets.clone())
    }
}

/// Saves a fixed window's targets per project, pasted as lines of code-or-name and amount.
/// All or nothing: any unknown project, bad amount or project named twice keeps every target
/// as it was and shows the lines.
pub async fn project_targets(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<ProjectTargetsForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let lang = tr.lang;
    let as_of = crate::status::as_of_or_latest(&state, "").await?;
    let (campaign, progress) = load(&state, as_of, &form.campaign.to_string()).await?;
    let Some(c) = &campaign else {
        return Err(AppError::NotFound.into());
    };
    let keys = state.store.project_keys().await?;
    // Collected backwards so that the first project of a shared name is the one found.
    let (by_code, by_name): (HashMap<&str, _>, HashMap<&str, _>) = (
        keys.iter()
            .rev()
            .filter_map(|p| p.code.as_deref().map(|c| (c, p)))
            .collect(),
        keys.iter().rev().map(|p| (p.name.as_str(), p)).collect(),
    );
    let (lines, mut errors) = target_lines(&form.project_targets);
    let mut targets: Vec<(i64, Money)> = Vec::new();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for l in lines {
        let found = l
            .keys
            .iter()
            .find_map(|k| by_code.get(k.as_str()).or_else(|| by_name.get(k.as_str())));
        match found {
            None => errors.push(LineError::new(
                l.line,
                format!("找不到项目“{}”", l.keys[0]),
                format!("no project “{}”", l.keys[0]),
            )),
            Some(p) => match seen.insert(p.id, l.line) {
                Some(first) => errors.push(LineError::new(
                    l.line,
                    format!("项目“{}”已在第{first}行填写", p.name),
                    format!("“{}” is already on line {first}", p.name),
                )),
                None => targets.push((p.id, l.amount)),
            },
        }
    }
    // In line order, whichever check found them.
    errors.sort_by_key(|e| e.line);
    if !errors.is_empty() {
        return show(
            &state,
            user,
            tr,
            campaign.clone(),
            progress,
            as_of,
            Some(&form),
            errors.iter().map(|e| e.text(lang)).collect(),
            None,
        )
        .await;
    }
    state
        .store
        .set_project_targets(c.id, form.version, &targets)
        .await?;
    Ok(Redirect::to(&format!(
        "/campaign?id={}&project_targets={}#project-targets",
        c.id,
        targets.len()
    ))
    .into_response())
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/campaign", get(page).post(save))
        .route("/campaign/tasks", post(tasks))
        .route("/campaign/next", post(next))
        .route("/campaign/targets", post(targets))
        .route("/campaign/project-targets", post(project_targets))
        .route("/campaign/track", post(track))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The settings form reads its fields and weights (unknown indicators ignored), shows back
    /// what was typed, and turns into settings or names every field that does not read.
    #[test]
    fn settings_form_as_posted() {
        let form = SettingsForm::from(posted(&[
            ("campaign", "3"),
            ("name", " 2026年项目攻坚行动 "),
            ("kind", "year"),
            ("year", "2026"),
            ("cadence", "ten_daily"),
            ("yellow", "10"),
            ("red", "30"),
            ("start_months", "2"),
            ("over_plan", "1.5"),
            ("spike", "3"),
            ("w_investment_progress", "2"),
            ("w_nonsense", "9"),
            ("phased_plan", "1"),
        ]));
        assert_eq!(form.typed("name").as_deref(), Some("2026年项目攻坚行动"));
        assert_eq!(form.typed("w_investment_progress").as_deref(), Some("2"));
        assert_eq!(form.typed("w_nonsense"), None);
        assert_eq!(form.typed("phased_plan").as_deref(), Some("1"));
        let settings = form.settings().unwrap();
        assert_eq!(settings.window, Window::Year(2026));
        assert_eq!(settings.cadence, Cadence::TenDaily);
        assert!(settings.phased_plan);
        assert_eq!(settings.scheme.indicators.len(), 1);

        let bad = SettingsForm::from(posted(&[
            ("kind", "fixed"),
            ("start", "2026-13-01"),
            ("w_start_rate", "-1"),
        ]));
        assert_eq!(bad.typed("phased_plan"), None);
        let errors = bad.settings().unwrap_err();
        let text: Vec<&str> = errors.iter().map(|m| m.zh.as_str()).collect();
        for expected in ["名称", "结束日期", "权重"] {
            assert!(
                text.iter().any(|t| t.contains(expected)),
                "{expected}: {text:?}"
            );
        }
    }

    /// Unit targets read per unit; a bad count or a negative amount names its unit, and the
    /// form shows back what was typed.
    #[test]
    fn targets_form_as_posted() {
        let town = |id: i64, name: &str| domain::Unit {
            id,
            name: name.to_string(),
            kind: UnitKind::Town,
            region_id: None,
        };
        let units = || vec![town(1, "龙田镇"), town(2, "江阴镇")];
        let tr = Tr::new(Lang::Zh);
        let form = TargetsForm::from(posted(&[
            ("campaign", "1"),
            ("s_1", "3"),
            ("i_1", "1,200"),
            ("c_2", "1"),
            ("x_2", "ignored"),
        ]));
        assert_eq!(form.typed("i_1").as_deref(), Some("1,200"));
        let targets = form.targets(units(), &tr).unwrap();
        assert_eq!(targets[0].starts, Some(3));
        assert_eq!(targets[0].investment, Some(Money::from_wan(1200)));
        assert_eq!(targets[1].completions, Some(1));
        assert_eq!(targets[1].starts, None);

        let bad = TargetsForm::from(posted(&[("s_1", "三"), ("i_2", "-5")]));
        let errors = bad.targets(units(), &tr).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("龙田镇") && errors[1].starts_with("江阴镇"));
    }

    #[test]
    fn target_lines_as_pasted() {
        let wan = |n: i64| Money::from_wan(n);
        let (got, errors) =
            target_lines("FQ-1\t900\n\n龙田物流园\t FQ-2 \t1,200\n龙田 污水厂 300\n");
        assert!(errors.is_empty());
        let keys: Vec<(usize, Vec<&str>, Money)> = got
            .iter()
            .map(|l| {
                (
                    l.line,
                    l.keys.iter().map(String::as_str).collect(),
                    l.amount,
                )
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                (1, vec!["FQ-1"], wan(900)),
                (3, vec!["龙田物流园 FQ-2", "龙田物流园", "FQ-2"], wan(1_200)),
                (4, vec!["龙田 污水厂"], wan(300)),
            ]
        );
        for (text, says) in [
            ("FQ-1", "第1行：应为"),
            ("FQ-1\t-3", "不小于0"),
            ("FQ-1\t三百", "第1行"),
            ("FQ-1\t1,2", "第1行"),
        ] {
            let (_, errors) = target_lines(text);
            let shown = errors[0].text(Lang::Zh);
            assert!(shown.contains(says), "{text}: {shown}");
        }
    }
}
