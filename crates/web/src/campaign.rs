//! The campaign page: its time, theme, cadence, thresholds and scoring weights; its key tasks
//! with lead departments; its targets decomposed to units and each unit's progress with them.
//! The lead office (and the administrator) edits; everyone reads.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::dates::{Edge, parse_date};
use domain::money::AmountUnit;
use domain::progress::{Cadence, INDICATORS, Indicator, Rules, Scheme, Window};
use domain::{Bilingual, Money, Role, UnitKind, bi};
use serde::Deserialize;
use store::{Campaign, CampaignSettings, SessionUser, StoreError, TargetProgress, UnitTarget};

use crate::AppState;
use crate::auth::{PageUser, can_edit_ledger};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::{page_result, render_form};
use crate::rankings::indicator_label;

fn may_edit(user: &SessionUser) -> bool {
    matches!(user.role, Role::Admin | Role::LeadOffice)
}

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
    role_label: &'static str,
    can_edit: bool,
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
    weights: Vec<WeightField>,
    tasks: Vec<TaskRow>,
    departments: Vec<Choice>,
    targets: Vec<TargetRow>,
    errors: Vec<String>,
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

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    campaign: Option<Campaign>,
    progress_rows: Vec<TargetProgress>,
    as_of: chrono::NaiveDate,
    typed: Option<&[(String, String)]>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let lang = tr.lang;
    // What was typed, where the failed form had the field; else what is stored.
    let typed_value = |key: &str| -> Option<String> {
        typed.and_then(|fields| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
    };
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
    let (fixed, year, start, end) = match settings.window {
        Window::Year(y) => (false, y.to_string(), String::new(), String::new()),
        Window::Fixed { start, end } => (
            true,
            chrono::Datelike::year(&start).to_string(),
            start.to_string(),
            end.to_string(),
        ),
    };
    let weights = INDICATORS
        .iter()
        .map(|key| {
            let stored = settings
                .scheme
                .indicators
                .iter()
                .find(|i| i.key == *key)
                .map(|i| i.weight.to_string())
                .unwrap_or_default();
            WeightField {
                key,
                label: indicator_label(key, lang),
                value: get(&format!("w_{key}"), stored),
            }
        })
        .collect();
    let units = state.store.units().await?;
    let departments = units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .map(|u| Choice {
            id: u.id,
            name: u.name.clone(),
        })
        .collect();
    // Every unit that owns projects (parks, towns, state firms) gets a row, targets or not.
    let mut targets: Vec<TargetRow> = Vec::new();
    for u in units.iter().filter(|u| u.kind != UnitKind::Department) {
        let p = progress_rows.iter().find(|p| p.target.unit_id == u.id);
        let t = p.map(|p| &p.target);
        let field = |prefix: &str, stored: String| get(&format!("{prefix}_{}", u.id), stored);
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
        });
    }
    let invalid = !errors.is_empty();
    render_form(
        &CampaignTemplate {
            role_label: user.role.label(lang),
            can_edit: can_edit_ledger(&user),
            editable: may_edit(&user),
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
            weights,
            tasks: campaign
                .as_ref()
                .map(|c| {
                    c.tasks
                        .iter()
                        .map(|t| TaskRow {
                            id: t.id,
                            name: t.name.clone(),
                            lead: t.lead_unit.clone().unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            departments,
            targets,
            errors,
            tr,
        },
        invalid,
    )
}

#[derive(Deserialize)]
pub struct CampaignQuery {
    #[serde(default)]
    as_of: String,
}

async fn load(
    state: &AppState,
    as_of: chrono::NaiveDate,
) -> Result<(Option<Campaign>, Vec<TargetProgress>), AppError> {
    let campaign = state.store.campaign().await?;
    let progress = match &campaign {
        Some(c) => state.store.target_progress(c, as_of).await?,
        None => Vec::new(),
    };
    Ok((campaign, progress))
}

/// `/campaign`
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<CampaignQuery>,
) -> Response {
    let result = async {
        let as_of = crate::status::as_of_or_latest(&state, &q.as_of).await?;
        let (campaign, progress) = load(&state, as_of).await?;
        show(
            &state,
            user,
            tr,
            campaign,
            progress,
            as_of,
            None,
            Vec::new(),
        )
        .await
    }
    .await;
    page_result(tr, result)
}

fn value<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.trim())
}

/// The settings a form gives, or every problem with them.
fn settings_from(fields: &[(String, String)]) -> Result<CampaignSettings, Vec<Bilingual>> {
    let mut errors = Vec::new();
    let name = value(fields, "name").to_string();
    if name.is_empty() {
        errors.push(bi("请填写攻坚行动名称", "the campaign needs a name"));
    }
    let window = if value(fields, "kind") == "fixed" {
        let day = |key: &str, zh: &str, en: &str| match parse_date(value(fields, key), Edge::Start)
        {
            Ok(Some(d)) => Ok(d),
            Ok(None) => Err(bi(format!("请填写{zh}"), format!("give the {en}"))),
            Err(m) => Err(m),
        };
        match (
            day("start", "开始日期", "start date"),
            day("end", "结束日期", "end date"),
        ) {
            (Ok(start), Ok(end)) => Some(Window::Fixed { start, end }),
            (a, b) => {
                errors.extend(a.err());
                errors.extend(b.err());
                None
            }
        }
    } else {
        match value(fields, "year").parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(Window::Year(y)),
            _ => {
                errors.push(bi(
                    format!("年度“{}”无效", value(fields, "year")),
                    format!("year “{}” is not valid", value(fields, "year")),
                ));
                None
            }
        }
    };
    let rules = Rules::from_text(
        value(fields, "yellow"),
        value(fields, "red"),
        value(fields, "start_months"),
    )
    .map_err(|e| errors.push(e))
    .ok();
    let mut indicators = Vec::new();
    for key in INDICATORS {
        let text = value(fields, &format!("w_{key}"));
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>() {
            Ok(0.0) => {}
            Ok(w) if w.is_finite() && w > 0.0 => indicators.push(Indicator {
                key: key.to_string(),
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
    match (window, rules, scheme) {
        (Some(window), Some(rules), Some(scheme)) if errors.is_empty() => Ok(CampaignSettings {
            name,
            theme: Some(value(fields, "theme").to_string()).filter(|t| !t.is_empty()),
            window,
            cadence: if value(fields, "cadence") == "ten_daily" {
                Cadence::TenDaily
            } else {
                Cadence::Monthly
            },
            rules,
            scheme,
        }),
        _ => Err(errors),
    }
}

/// Saves (or creates) the campaign's settings.
pub async fn save(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !may_edit(&user) {
        return page_result(tr, Err(AppError::Forbidden));
    }
    let lang = tr.lang;
    let result = async {
        let as_of = crate::status::as_of_or_latest(&state, "").await?;
        let (campaign, progress) = load(&state, as_of).await?;
        let settings = match settings_from(&fields) {
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
                    Some(&fields),
                    errors,
                )
                .await;
            }
        };
        let saved = match &campaign {
            Some(c) => {
                let version = value(&fields, "version").parse().unwrap_or(-1);
                state
                    .store
                    .update_campaign(c.id, version, &settings)
                    .await
                    .map(|_| ())
            }
            None => state.store.create_campaign(&settings).await.map(|_| ()),
        };
        match saved {
            Ok(()) => Ok(Redirect::to("/campaign").into_response()),
            Err(StoreError::Rule(m)) => {
                show(
                    &state,
                    user,
                    tr,
                    campaign,
                    progress,
                    as_of,
                    Some(&fields),
                    vec![m.get(lang).to_string()],
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    page_result(tr, result)
}

/// Adds or drops a key task.
pub async fn tasks(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !may_edit(&user) {
        return page_result(tr, Err(AppError::Forbidden));
    }
    let result = async {
        let campaign = state.store.campaign().await?.ok_or(AppError::NotFound)?;
        if let Ok(id) = value(&fields, "delete").parse::<i64>() {
            state.store.delete_campaign_task(campaign.id, id).await?;
        } else {
            let lead = value(&fields, "lead").parse::<i64>().ok();
            state
                .store
                .add_campaign_task(campaign.id, value(&fields, "name"), lead)
                .await?;
        }
        Ok(Redirect::to("/campaign#tasks").into_response())
    }
    .await;
    page_result(tr, result)
}

/// Saves every unit's targets at once.
pub async fn targets(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !may_edit(&user) {
        return page_result(tr, Err(AppError::Forbidden));
    }
    let lang = tr.lang;
    let result = async {
        let as_of = crate::status::as_of_or_latest(&state, "").await?;
        let (campaign, progress) = load(&state, as_of).await?;
        let Some(c) = &campaign else {
            return Err(AppError::NotFound);
        };
        let mut errors = Vec::new();
        let mut targets = Vec::new();
        for u in state
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind != UnitKind::Department)
        {
            let mut number = |prefix: &str, what: &str| -> Option<i64> {
                let text = value(&fields, &format!("{prefix}_{}", u.id));
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
            let starts = number("s", tr.t("campaign.starts"));
            let completions = number("c", tr.t("campaign.completions"));
            let productions = number("p", tr.t("campaign.productions"));
            let investment =
                match Money::parse(value(&fields, &format!("i_{}", u.id)), AmountUnit::Wan) {
                    Ok(m) if m.is_none_or(|m| !m.is_negative()) => m,
                    Ok(_) => {
                        errors.push(format!("{}：{}", u.name, tr.t("campaign.negative")));
                        None
                    }
                    Err(m) => {
                        errors.push(format!("{}：{}", u.name, m.get(lang)));
                        None
                    }
                };
            targets.push(UnitTarget {
                unit_id: u.id,
                unit: u.name,
                starts,
                completions,
                productions,
                investment,
            });
        }
        if !errors.is_empty() {
            return show(
                &state,
                user,
                tr,
                campaign.clone(),
                progress,
                as_of,
                Some(&fields),
                errors,
            )
            .await;
        }
        let version = value(&fields, "version").parse().unwrap_or(-1);
        if c.id != value(&fields, "campaign").parse().unwrap_or(-1) {
            return Err(AppError::Conflict { current: c.version });
        }
        state
            .store
            .set_campaign_targets(c.id, version, &targets)
            .await?;
        Ok(Redirect::to("/campaign#targets").into_response())
    }
    .await;
    page_result(tr, result)
}
