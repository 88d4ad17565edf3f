//! The 招商 pages (issue 19 §1): `/leads` — the funnel as of a date (each stage's count and
//! amount, conversion and median days from the stage before), by unit, by event and by
//! industry, and the 招商项目库 itself — and `/leads/{id}`, a lead with its history, where its
//! stage and dates are recorded and the lead office makes a landed lead a ledger project.
//! A responsible unit sees and records only its own leads; leaders read.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use domain::dates::{Edge, parse_date};
use domain::leads::{LeadDates, LeadStage};
use domain::{AmountUnit, Bilingual, Lang, Money, bi};
use serde::Deserialize;
use store::{LeadFields, LeadRecord, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::leads::{Funnel, FunnelGroup, funnel_of, leads_workbook};
use crate::pages::{XLSX, download, format_time, render_form};
use crate::{layout, policy};

/// A lead as the form holds it (strings as typed; amounts in 万元).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LeadForm {
    name: String,
    investor: String,
    industry: String,
    chain: String,
    planned_wan: String,
    source: String,
    unit: String,
    team: String,
    stage: String,
    planned_on: String,
    negotiating_on: String,
    signed_on: String,
    landed_on: String,
    started_on: String,
    producing_on: String,
    contract_wan: String,
    output_wan: String,
    tax_wan: String,
    note: String,
    version: String,
}

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn wan(m: Option<Money>) -> String {
    m.map(Money::wan_string).unwrap_or_default()
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl LeadForm {
    fn of(r: &LeadRecord) -> LeadForm {
        let f = &r.fields;
        let d = |s| day(f.dates.of(s));
        LeadForm {
            name: f.name.clone(),
            investor: f.investor.clone().unwrap_or_default(),
            industry: f.industry.clone().unwrap_or_default(),
            chain: f.chain.clone().unwrap_or_default(),
            planned_wan: wan(f.planned_investment),
            source: f.source.clone().unwrap_or_default(),
            unit: f.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            team: f.team.clone().unwrap_or_default(),
            stage: f.stage.code().to_string(),
            planned_on: d(LeadStage::Planned),
            negotiating_on: d(LeadStage::Negotiating),
            signed_on: d(LeadStage::Signed),
            landed_on: d(LeadStage::Landed),
            started_on: d(LeadStage::Started),
            producing_on: d(LeadStage::Producing),
            contract_wan: wan(f.contract_value),
            output_wan: wan(f.expected_output),
            tax_wan: wan(f.expected_tax),
            note: f.note.clone().unwrap_or_default(),
            version: r.version.to_string(),
        }
    }

    /// The fields to store, or every problem of the form.
    fn checked(&self) -> Result<(LeadFields, i64), Vec<Bilingual>> {
        let mut problems = Vec::new();
        let mut amount = |text: &str, zh: &str, en: &str| match Money::parse(text, AmountUnit::Wan)
        {
            Ok(m) => m,
            Err(e) => {
                problems.push(bi(format!("{zh}：{}", e.zh), format!("{en}: {}", e.en)));
                None
            }
        };
        let planned_investment = amount(&self.planned_wan, "计划投资", "planned investment");
        let contract_value = amount(&self.contract_wan, "合同金额", "contract value");
        let expected_output = amount(&self.output_wan, "预计产值", "expected output");
        let expected_tax = amount(&self.tax_wan, "预计税收", "expected tax");
        let mut dates = LeadDates::default();
        for (stage, text) in [
            (LeadStage::Planned, &self.planned_on),
            (LeadStage::Negotiating, &self.negotiating_on),
            (LeadStage::Signed, &self.signed_on),
            (LeadStage::Landed, &self.landed_on),
            (LeadStage::Started, &self.started_on),
            (LeadStage::Producing, &self.producing_on),
        ] {
            match parse_date(text, Edge::Start) {
                Ok(d) => dates.set(stage, d),
                Err(e) => problems.push(bi(
                    format!("{}时间：{}", stage.label_zh(), e.zh),
                    format!("{}: {}", stage.label_en(), e.en),
                )),
            }
        }
        let stage = match LeadStage::parse(&self.stage) {
            Some(s) => s,
            None => dates.furthest().unwrap_or(LeadStage::Planned),
        };
        let unit_id = match self.unit.trim() {
            "" => None,
            u => match u.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    problems.push(bi("所选单位不存在", "the chosen unit does not exist"));
                    None
                }
            },
        };
        let version = self.version.trim().parse::<i64>().unwrap_or(0);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok((
            LeadFields {
                name: self.name.trim().to_string(),
                investor: opt(&self.investor),
                industry: opt(&self.industry),
                chain: opt(&self.chain),
                planned_investment,
                source: opt(&self.source),
                unit_id,
                team: opt(&self.team),
                stage,
                dates,
                contract_value,
                expected_output,
                expected_tax,
                note: opt(&self.note),
            },
            version,
        ))
    }
}

/// The page's query: the day the funnel is counted on.
#[derive(Deserialize, Default)]
pub struct AsOf {
    #[serde(default)]
    as_of: String,
}

pub struct LeadRow {
    id: i64,
    name: String,
    investor: String,
    unit: String,
    source: String,
    stage: String,
    stage_on: String,
    amount: String,
    project: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    funnel: Funnel,
    /// By unit, by event, by industry: each table's title and rows.
    tables: Vec<(String, Vec<FunnelGroup>)>,
    rows: Vec<LeadRow>,
    stages: Vec<(&'static str, &'static str)>,
    units: Vec<(i64, String)>,
    may_record: bool,
    /// A responsible unit's own unit (its new leads are its own).
    own_unit: Option<i64>,
    form: LeadForm,
    errors: Vec<String>,
}

fn stage_options(lang: Lang) -> Vec<(&'static str, &'static str)> {
    LeadStage::ALL
        .iter()
        .map(|s| (s.code(), s.label(lang)))
        .collect()
}

fn rows(records: &[LeadRecord], today: NaiveDate, lang: Lang) -> Vec<LeadRow> {
    records
        .iter()
        .map(|r| {
            let lead = r.lead();
            let current = lead.stage_on(today).unwrap_or(lead.current);
            LeadRow {
                id: r.id,
                name: r.fields.name.clone(),
                investor: r.fields.investor.clone().unwrap_or_default(),
                unit: r.unit.clone().unwrap_or_default(),
                source: r.fields.source.clone().unwrap_or_default(),
                stage: current.label(lang).to_string(),
                stage_on: day(lead.dates.of(current)),
                amount: r
                    .fields
                    .contract_value
                    .or(r.fields.planned_investment)
                    .map(Money::yi_display)
                    .unwrap_or_default(),
                project: r
                    .project_id
                    .map(|p| (p, r.project_name.clone().unwrap_or_default())),
            }
        })
        .collect()
}

async fn show_list(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    day: NaiveDate,
    form: LeadForm,
    errors: Vec<Bilingual>,
) -> PageResult {
    let scope = policy::own_unit(&user);
    let records = state.store.leads(scope).await?;
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| scope.is_none_or(|s| s == u.id))
        .map(|u| (u.id, u.name))
        .collect();
    let invalid = !errors.is_empty();
    let funnel = funnel_of(&records, day);
    let tables = vec![
        (tr.t("leads.by_unit").to_string(), funnel.units.clone()),
        (tr.t("leads.by_event").to_string(), funnel.events.clone()),
        (
            tr.t("leads.by_industry").to_string(),
            funnel.industries.clone(),
        ),
    ];
    render_form(
        &LeadsTemplate {
            as_of: day.to_string(),
            funnel,
            tables,
            rows: rows(&records, day, tr.lang),
            stages: stage_options(tr.lang),
            units,
            may_record: policy::records_leads(&user),
            own_unit: scope,
            form,
            errors: errors.iter().map(|m| m.get(tr.lang).to_string()).collect(),
            tr,
            user,
        },
        invalid,
    )
}

/// `GET /leads?as_of=`.
async fn list(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<AsOf>,
) -> PageResult {
    let day = crate::problems::as_of_or_today(&state, &q.as_of).await?;
    let form = LeadForm {
        unit: policy::own_unit(&user)
            .map(|u| u.to_string())
            .unwrap_or_default(),
        ..LeadForm::default()
    };
    show_list(&state, user, tr, day, form, Vec::new()).await
}

/// `POST /leads`: a new lead.
async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<LeadForm>,
) -> PageResult {
    let actor = policy::lead_actor(&user).ok_or(AppError::Forbidden)?;
    let today = state.today();
    let saved = match form.checked() {
        Ok((fields, _)) => state.store.save_lead(None, 0, &fields, &actor, today).await,
        Err(problems) => Err(StoreError::Invalid(problems)),
    };
    match saved {
        Ok(id) => Ok(layout::done(
            &format!("/leads/{id}"),
            "done.lead_saved",
            None,
        )),
        Err(StoreError::Invalid(problems)) => {
            show_list(&state, user, tr, today, form, problems).await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

pub struct EventRow {
    at: String,
    user: String,
    what: String,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "lead.html")]
struct LeadTemplate {
    tr: Tr,
    user: SessionUser,
    lead: LeadRecord,
    stage_now: String,
    stages: Vec<(&'static str, &'static str)>,
    units: Vec<(i64, String)>,
    events: Vec<EventRow>,
    may_edit: bool,
    may_make_project: bool,
    own_unit: Option<i64>,
    form: LeadForm,
    errors: Vec<String>,
}

fn event_row(e: store::LeadEvent, tr: &Tr) -> EventRow {
    let lang = tr.lang;
    let stage = |s: Option<LeadStage>| s.map(|s| s.label(lang)).unwrap_or("—");
    let what = match e.action.as_str() {
        "create" => format!("{}：{}", tr.t("leads.event_create"), stage(e.to_stage)),
        "import" => format!("{}：{}", tr.t("leads.event_import"), stage(e.to_stage)),
        "stage" => format!(
            "{}：{} → {}",
            tr.t("leads.event_stage"),
            stage(e.from_stage),
            stage(e.to_stage)
        ),
        "project" => format!("{} #{}", tr.t("leads.event_project"), e.detail),
        _ => tr.t("leads.event_edit").to_string(),
    };
    let changes = if e.action == "project" {
        Vec::new()
    } else {
        e.detail
            .lines()
            .filter_map(|line| {
                let mut parts = line.split('|');
                let s = LeadStage::parse(parts.next()?)?;
                let (old, new) = (parts.next()?, parts.next()?);
                let show = |t: &str| {
                    if t == "-" {
                        "—".to_string()
                    } else {
                        t.to_string()
                    }
                };
                Some(format!(
                    "{}{}：{} → {}",
                    s.label(lang),
                    tr.t("leads.date_suffix"),
                    show(old),
                    show(new)
                ))
            })
            .collect()
    };
    EventRow {
        at: format_time(e.at),
        user: e.user.unwrap_or_else(|| tr.t("leads.system").to_string()),
        what,
        changes,
    }
}

/// Whether `user` may see the lead: a responsible unit only its own.
fn may_see(user: &SessionUser, lead: &LeadRecord) -> bool {
    policy::own_unit(user).is_none_or(|u| lead.fields.unit_id == Some(u))
}

async fn show_lead(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    id: i64,
    form: Option<LeadForm>,
    errors: Vec<Bilingual>,
) -> PageResult {
    let lead = state.store.lead(id).await?.ok_or(AppError::NotFound)?;
    if !may_see(&user, &lead) {
        return Err(AppError::Refused(policy::not_their_lead()).into());
    }
    let scope = policy::own_unit(&user);
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| scope.is_none_or(|s| s == u.id))
        .map(|u| (u.id, u.name))
        .collect();
    let events = state
        .store
        .lead_events(id)
        .await?
        .into_iter()
        .rev()
        .map(|e| event_row(e, &tr))
        .collect();
    let today = state.today();
    let counted = lead.lead();
    let stage_now = counted
        .stage_on(today)
        .unwrap_or(counted.current)
        .label(tr.lang)
        .to_string();
    let invalid = !errors.is_empty();
    render_form(
        &LeadTemplate {
            stage_now,
            stages: stage_options(tr.lang),
            units,
            events,
            may_edit: policy::lead_actor(&user).is_some(),
            may_make_project: policy::is_office(&user)
                && lead.project_id.is_none()
                && counted.reached(LeadStage::Landed, today),
            own_unit: scope,
            form: form.unwrap_or_else(|| LeadForm::of(&lead)),
            errors: errors.iter().map(|m| m.get(tr.lang).to_string()).collect(),
            lead,
            tr,
            user,
        },
        invalid,
    )
}

/// `GET /leads/{id}`.
async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    show_lead(&state, user, tr, id, None, Vec::new()).await
}

/// `POST /leads/{id}`: the lead saved at the version the form was loaded with.
async fn save(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<LeadForm>,
) -> PageResult {
    let actor = policy::lead_actor(&user).ok_or(AppError::Forbidden)?;
    let saved = match form.checked() {
        Ok((fields, version)) => {
            state
                .store
                .save_lead(Some(id), version, &fields, &actor, state.today())
                .await
        }
        Err(problems) => Err(StoreError::Invalid(problems)),
    };
    match saved {
        Ok(_) => Ok(layout::done(
            &format!("/leads/{id}"),
            "done.lead_saved",
            None,
        )),
        Err(StoreError::Invalid(problems)) => {
            show_lead(&state, user, tr, id, Some(form), problems).await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i64,
}

/// `POST /leads/{id}/project`: a landed lead made a ledger project (the lead office).
async fn make_project(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<VersionForm>,
) -> PageResult {
    let actor = policy::lead_actor(&user).ok_or(AppError::Forbidden)?;
    let project = state
        .store
        .lead_to_project(id, form.version, &actor, state.today())
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/projects/{project}"),
        "done.lead_project",
        None,
    ))
}

/// `GET /leads/export.xlsx`: the 招商项目库 the user may read, in the importer's columns.
async fn export(State(state): State<AppState>, PageUser { user, .. }: PageUser) -> PageResult {
    let records = state.store.leads(policy::own_unit(&user)).await?;
    let bytes = leads_workbook(&records, state.today()).map_err(AppError::from)?;
    Ok(download(XLSX, "招商项目库.xlsx", bytes))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", get(list).post(create))
        .route("/leads/export.xlsx", get(export))
        .route("/leads/{id}", get(page).post(save))
        .route("/leads/{id}/project", post(make_project))
}
