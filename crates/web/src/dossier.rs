//! The 5专 dossier of a key project (工作专班, 推进专案, 问题专单, 专题研究, 进展专报) on one
//! printable page; 包联领导 and 首席服务官 assigned to many projects at once; and the monthly
//! service push (一月一提升): every lagging (red or yellow) project's service team for the month
//! and its visits, per unit, with the projects nobody has visited this month first.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use domain::dates::{Edge, parse_date};
use domain::progress::Light;
use domain::progress::Period;
use domain::{Lang, Role, bi};
use serde::Deserialize;
use store::{NewTeamMember, NewVisit, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult, parse_id};
use crate::i18n::Tr;
use crate::layout;
use crate::pages::render_form;
use crate::policy;
use crate::problems::{LineRow, as_of_or_today, project_lines};
use axum::Router;
use axum::routing::{get, post};

fn store_message(e: StoreError, lang: Lang) -> Result<String, AppError> {
    match e {
        StoreError::Invalid(_) | StoreError::Rule(_) => {
            Ok(AppError::from(e).message().get(lang).to_string())
        }
        other => Err(other.into()),
    }
}

pub struct MemberRow {
    id: i64,
    name: String,
    role: String,
    workplace: String,
    phone: String,
}

pub struct MilestoneRow {
    name: String,
    department: String,
    planned: String,
    actual: String,
    overdue: bool,
}

pub struct DecisionLine {
    text: String,
    unit: String,
    deadline: String,
    done: String,
}

pub struct MeetingLine {
    held_on: String,
    title: String,
    special: bool,
    decisions: Vec<DecisionLine>,
}

pub struct LatestReport {
    period: String,
    ytd: String,
    state: &'static str,
    progress: String,
    problems: String,
}

pub struct VisitLine {
    visited_on: String,
    visitors: String,
    found: String,
    promised: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierTemplate {
    tr: Tr,
    user: SessionUser,
    id: i64,
    name: String,
    unit: String,
    linked_leader: String,
    service_officer: String,
    edit_team: bool,
    log_visit: bool,
    can_raise: bool,
    secretary: bool,
    team: Vec<MemberRow>,
    plan: String,
    ytd: String,
    rate: String,
    light: String,
    light_code: &'static str,
    why: String,
    planned_start: String,
    planned_completion: String,
    milestones: Vec<MilestoneRow>,
    problems: Vec<LineRow>,
    meetings: Vec<MeetingLine>,
    latest: Option<LatestReport>,
    visits: Vec<VisitLine>,
    error: Option<String>,
    /// What was typed into a form the store refused, shown again (else empty).
    member: MemberForm,
    visit: VisitForm,
}

/// What a refused dossier form held, to be shown again with the reason.
#[derive(Default)]
struct Drafts {
    member: MemberForm,
    visit: VisitForm,
}

/// `GET /projects/{id}/dossier`: the project's 5专 on one page.
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    dossier_page(&state, tr, user, id, None, Drafts::default()).await
}

async fn dossier_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    id: i64,
    error: Option<String>,
    drafts: Drafts,
) -> PageResult {
    let lang = tr.lang;
    let p = policy::project_for(state, &user, id).await?;
    let day = as_of_or_today(state, "").await?;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let team = state
        .store
        .project_team(id)
        .await?
        .into_iter()
        .map(MemberRow::from)
        .collect();
    let as_of = crate::status::as_of_or_latest(state, "").await?;
    let judged = state
        .store
        .project_status(id, as_of)
        .await?
        .map(|s| (s.year_to_date, s.judgement));
    let (ytd, judgement) = match judged {
        Some((ytd, j)) => (ytd.wan_string(), j),
        None => (String::new(), None),
    };
    let (light, light_code, rate, why) = light_texts(judgement.as_ref(), &tr);
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let milestones = milestone_rows(state.store.approval_plan(id).await?, day);
    // Decisions as on /meetings: a unit reads those it owns, some readers all of them.
    let meetings = meeting_lines(
        state.store.project_meetings(id).await?,
        policy::sees_project_decisions(&user, &p),
        user.unit_id,
        lang,
    );
    let latest = if policy::may_read_unit_reports(&user, p.fields.unit_id) {
        latest_report(state.store.project_reports(id).await?, lang)
    } else {
        None
    };
    let visits = state
        .store
        .project_visits(id)
        .await?
        .into_iter()
        .map(VisitLine::from)
        .collect();
    let problems = project_lines(state, &user, id, lang).await?;
    let invalid = error.is_some();
    render_form(
        &DossierTemplate {
            edit_team: policy::may_edit_team(&user, &p),
            log_visit: policy::may_log_visit(&user, &p),
            can_raise: policy::may_raise_problem(&user, p.fields.unit_id),
            secretary: policy::is_office(&user),
            id,
            unit: text(&p.unit_name),
            linked_leader: text(&p.fields.linked_leader),
            service_officer: text(&p.fields.service_officer),
            plan: p
                .fields
                .annual_plan
                .map(|m| m.wan_string())
                .unwrap_or_default(),
            planned_start: date(p.fields.planned_start),
            planned_completion: date(p.fields.planned_completion),
            name: p.fields.name,
            team,
            ytd,
            rate,
            light,
            light_code,
            why,
            milestones,
            problems,
            meetings,
            latest,
            visits,
            error,
            member: drafts.member,
            visit: VisitForm {
                visited_on: match drafts.visit.visited_on.trim() {
                    "" => day.to_string(),
                    typed => typed.to_string(),
                },
                ..drafts.visit
            },
            user,
            tr,
        },
        invalid,
    )
}

impl From<store::TeamMember> for MemberRow {
    fn from(m: store::TeamMember) -> Self {
        MemberRow {
            id: m.id,
            name: m.name,
            role: m.role,
            workplace: m.workplace.unwrap_or_default(),
            phone: m.phone.unwrap_or_default(),
        }
    }
}

impl From<store::Visit> for VisitLine {
    fn from(v: store::Visit) -> Self {
        VisitLine {
            visited_on: v.visited_on.to_string(),
            visitors: v.visitors,
            found: v.found,
            promised: v.promised.unwrap_or_default(),
        }
    }
}

/// The light, its code, the rate and the reasons, as the dossier shows them (未评 when the
/// project is not judged).
fn light_texts(
    judgement: Option<&domain::progress::Judgement>,
    tr: &Tr,
) -> (String, &'static str, String, String) {
    let lang = tr.lang;
    match judgement {
        Some(j) => (
            j.light.label(lang).to_string(),
            j.light.code(),
            crate::status::percent(j.rate.to_f64()),
            j.why
                .iter()
                .map(|w| w.get(lang))
                .collect::<Vec<_>>()
                .join("；"),
        ),
        None => (
            tr.t("status.unrated").to_string(),
            "",
            String::new(),
            String::new(),
        ),
    }
}

/// The approval plan's nodes with their planned and actual finish, overdue when unfinished
/// past `day`.
fn milestone_rows(plan: Option<store::ApprovalPlan>, day: NaiveDate) -> Vec<MilestoneRow> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    plan.map(|plan| {
        plan.nodes
            .into_iter()
            .map(|n| MilestoneRow {
                overdue: n.actual_finish.is_none() && n.planned_finish.is_some_and(|f| f < day),
                name: n.name,
                department: n.department.unwrap_or_default(),
                planned: date(n.planned_finish),
                actual: date(n.actual_finish),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The meetings on the project with the decisions this reader sees (`sees_all`, or those its
/// unit owns); a meeting with none of them is left out for a reader who does not see all.
fn meeting_lines(
    meetings: Vec<store::Meeting>,
    sees_all: bool,
    unit_id: i64,
    lang: Lang,
) -> Vec<MeetingLine> {
    meetings
        .into_iter()
        .map(|m| MeetingLine {
            held_on: m.held_on.to_string(),
            title: m.title,
            special: !m.weekly,
            decisions: m
                .decisions
                .into_iter()
                .filter(|d| sees_all || d.unit_id == Some(unit_id))
                .map(|d| DecisionLine {
                    text: d.text,
                    unit: d.unit.unwrap_or_default(),
                    deadline: d.deadline.to_string(),
                    done: match d.done_on {
                        Some(on) => match lang {
                            Lang::Zh => format!("{on} 已落实"),
                            Lang::En => format!("done {on}"),
                        },
                        None => String::new(),
                    },
                })
                .collect(),
        })
        .filter(|m| sees_all || !m.decisions.is_empty())
        .collect()
}

/// The latest report that counts (submitted or approved), as the dossier shows it.
fn latest_report(reports: Vec<store::ReportHistory>, lang: Lang) -> Option<LatestReport> {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    reports
        .into_iter()
        .map(|h| h.report)
        .filter(|r| r.state.counts())
        .max_by(|a, b| a.period.cmp(&b.period))
        .map(|r| LatestReport {
            period: domain::progress::Period::parse(&r.period)
                .map(|p| p.label_zh())
                .unwrap_or(r.period),
            ytd: r.year_to_date.wan_string(),
            state: r.state.label(lang),
            progress: text(&r.progress),
            problems: text(&r.problems),
        })
}

#[derive(Deserialize, Default)]
pub struct MemberForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    workplace: String,
    #[serde(default)]
    phone: String,
}

/// `POST /projects/{id}/team`: adds a member to the 工作专班.
pub async fn add_member(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<MemberForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    let p = policy::project_for(&state, &user, id).await?;
    if !policy::may_edit_team(&user, &p) {
        return Err(AppError::Forbidden.into());
    }
    let member = NewTeamMember {
        name: form.name.clone(),
        role: form.role.clone(),
        workplace: Some(form.workplace.clone()),
        phone: Some(form.phone.clone()),
    };
    match state
        .store
        .add_team_member(id, &member, Some(user.id))
        .await
    {
        Ok(_) => Ok(layout::done(
            &format!("/projects/{id}/dossier#team"),
            "done.team_saved",
            None,
        )),
        Err(e) => {
            let why = store_message(e, tr.lang)?;
            let drafts = Drafts {
                member: form,
                ..Drafts::default()
            };
            dossier_page(&state, tr, user, id, Some(why), drafts).await
        }
    }
}

/// `POST /projects/{id}/team/{member}/remove`: takes a member off the 工作专班.
pub async fn remove_member(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path((id, member)): Path<(String, String)>,
) -> PageResult {
    let (id, member) = (parse_id(&id)?, parse_id(&member)?);
    let p = policy::project_for(&state, &user, id).await?;
    if !policy::may_edit_team(&user, &p) {
        return Err(AppError::Forbidden.into());
    }
    state.store.remove_team_member(id, member).await?;
    Ok(layout::done(
        &format!("/projects/{id}/dossier#team"),
        "done.team_saved",
        None,
    ))
}

#[derive(Deserialize, Default)]
pub struct VisitForm {
    #[serde(default)]
    visited_on: String,
    #[serde(default)]
    visitors: String,
    #[serde(default)]
    found: String,
    #[serde(default)]
    promised: String,
    /// `service` to go back to the month's page, else the dossier.
    #[serde(default)]
    back: String,
}

/// `POST /projects/{id}/visits`: logs a service visit.
pub async fn log_visit(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<VisitForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    let p = policy::project_for(&state, &user, id).await?;
    if !policy::may_log_visit(&user, &p) {
        return Err(AppError::Forbidden.into());
    }
    let today = as_of_or_today(&state, "").await?;
    let visited_on = match parse_date(&form.visited_on, Edge::Start) {
        Ok(day) => day,
        Err(m) => {
            let why = m.get(tr.lang).to_string();
            let drafts = Drafts {
                visit: form,
                ..Drafts::default()
            };
            return dossier_page(&state, tr, user, id, Some(why), drafts).await;
        }
    };
    let visit = NewVisit {
        visited_on,
        visitors: form.visitors.clone(),
        found: form.found.clone(),
        promised: Some(form.promised.clone()),
    };
    let back = |month: Option<NaiveDate>| match (form.back.as_str(), month) {
        ("service", Some(day)) => format!("/service?month={}", Period::month_of(day).key()),
        _ => format!("/projects/{id}/dossier#visits"),
    };
    match state
        .store
        .record_visit(id, &visit, today, Some(user.id))
        .await
    {
        Ok(_) => Ok(layout::done(
            &back(visit.visited_on),
            "done.visit_logged",
            None,
        )),
        Err(e) => {
            let why = store_message(e, tr.lang)?;
            let drafts = Drafts {
                visit: form,
                ..Drafts::default()
            };
            dossier_page(&state, tr, user, id, Some(why), drafts).await
        }
    }
}

pub struct AssignRow {
    id: i64,
    version: i64,
    name: String,
    unit: String,
    linked_leader: String,
    service_officer: String,
}

#[derive(Template)]
#[template(path = "assign.html")]
struct AssignTemplate {
    tr: Tr,
    user: SessionUser,
    units: Vec<(i64, String)>,
    unit: String,
    q: String,
    rows: Vec<AssignRow>,
    more: bool,
    leader: String,
    officer: String,
    done: Option<usize>,
    error: Option<String>,
}

/// Projects the assignment page lists at most.
const ASSIGN_ROWS: usize = 500;

#[derive(Deserialize, Default)]
pub struct AssignQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: Option<usize>,
}

async fn assign_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    query: AssignQuery,
    typed: (String, String),
    error: Option<String>,
) -> PageResult {
    let units: Vec<(i64, String)> = state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let names: HashMap<i64, String> = units.iter().cloned().collect();
    let filter = store::ProjectFilter {
        unit_id: query.unit.parse().ok(),
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        within: policy::scope_filter(&user),
        ..store::ProjectFilter::default()
    };
    let matching = state.store.projects_matching(&filter).await?;
    let more = matching.len() > ASSIGN_ROWS;
    let rows = matching
        .into_iter()
        .take(ASSIGN_ROWS)
        .map(|p| AssignRow {
            id: p.id,
            version: p.version,
            unit: p
                .fields
                .unit_id
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            linked_leader: p.fields.linked_leader.unwrap_or_default(),
            service_officer: p.fields.service_officer.unwrap_or_default(),
            name: p.fields.name,
        })
        .collect();
    let invalid = error.is_some();
    render_form(
        &AssignTemplate {
            units,
            unit: query.unit,
            q: query.q,
            rows,
            more,
            leader: typed.0,
            officer: typed.1,
            done: query.done,
            error,
            user,
            tr,
        },
        invalid,
    )
}

/// `GET /projects/assign?unit=&q=`: the projects to assign 包联领导/首席服务官 to, filtered.
pub async fn assign_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(query): Query<AssignQuery>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    assign_page(&state, tr, user, query, Default::default(), None).await
}

/// The bulk assignment as posted: the ticked projects (`pick` = `id:version`), the leader and
/// officer typed, the "clear" boxes, and the list's filter to come back to.
#[derive(Debug, Default)]
pub struct AssignForm {
    picks: Vec<(i64, i64)>,
    leader: String,
    officer: String,
    clear_leader: bool,
    clear_officer: bool,
    unit: String,
    q: String,
}

impl TryFrom<Vec<(String, String)>> for AssignForm {
    type Error = AppError;

    fn try_from(fields: Vec<(String, String)>) -> Result<Self, AppError> {
        let mut form = AssignForm::default();
        for (key, value) in fields {
            let value = value.trim().to_string();
            match key.as_str() {
                "pick" => {
                    let parsed = value
                        .split_once(':')
                        .and_then(|(id, version)| Some((id.parse().ok()?, version.parse().ok()?)));
                    form.picks.push(parsed.ok_or_else(|| {
                        AppError::BadRequest(bi(
                            format!("无法识别的项目“{value}”"),
                            format!("“{value}” is not a project of this form"),
                        ))
                    })?);
                }
                "leader" => form.leader = value,
                "officer" => form.officer = value,
                "clear_leader" => form.clear_leader = value == "1",
                "clear_officer" => form.clear_officer = value == "1",
                "unit" => form.unit = value,
                "q" => form.q = value,
                _ => {}
            }
        }
        Ok(form)
    }
}

/// `POST /projects/assign`: the ticked projects get the leader and/or officer typed; a ticked
/// "clear" box empties that field instead; all or nothing.
pub async fn assign(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let form = AssignForm::try_from(fields)?;
    let items = form.picks.clone();
    let (leader, officer) = (form.leader.clone(), form.officer.clone());
    fn pick(typed: &str, cleared: bool) -> Option<&str> {
        if cleared {
            Some("")
        } else {
            Some(typed).filter(|t| !t.is_empty())
        }
    }
    let query = AssignQuery {
        unit: form.unit.clone(),
        q: form.q.clone(),
        done: None,
    };
    match state
        .store
        .assign_in_charge(
            &items,
            pick(&leader, form.clear_leader),
            pick(&officer, form.clear_officer),
            Some(user.id),
        )
        .await
    {
        Ok(n) => {
            let back = format!(
                "/projects/assign?{}",
                serde_urlencoded::to_string([
                    ("unit", query.unit.as_str()),
                    ("q", query.q.as_str()),
                    ("done", n.to_string().as_str()),
                ])
                .unwrap_or_default()
            );
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => {
            let why = store_message(e, tr.lang)?;
            assign_page(&state, tr, user, query, (leader, officer), Some(why)).await
        }
    }
}

pub struct ServiceRow {
    id: i64,
    may_visit: bool,
    name: String,
    light: &'static str,
    light_label: &'static str,
    why: String,
    leader: String,
    members: String,
    /// Its team form open, holding what was typed, after the store refused it.
    refused: bool,
    visits: Vec<VisitLine>,
}

pub struct ServiceUnit {
    unit: String,
    lagging: usize,
    with_team: usize,
    unvisited: usize,
    rows: Vec<ServiceRow>,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServiceTemplate {
    tr: Tr,
    user: SessionUser,
    secretary: bool,
    month: String,
    month_label: String,
    as_of: String,
    today: String,
    units: Vec<ServiceUnit>,
    lagging: usize,
    unvisited: usize,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct ServiceQuery {
    #[serde(default)]
    month: String,
}

/// `GET /service?month=2025-06`: 一月一提升.
pub async fn service(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<ServiceQuery>,
) -> PageResult {
    service_page(&state, tr, user, &q.month, None, None).await
}

async fn service_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    month: &str,
    error: Option<String>,
    draft: Option<(i64, TeamForm)>,
) -> PageResult {
    let lang = tr.lang;
    let today = as_of_or_today(state, "").await?;
    let month = if month.trim().is_empty() {
        Period::month_of(today)
    } else {
        Period::parse(month).map_err(AppError::BadRequest)?
    };
    // The lights of the month's end, or of today while the month runs.
    let as_of = month.last_day().map_or(today, |end| {
        end.min(today.max(month.first_day().unwrap_or(end)))
    });
    let status = state.store.campaign_status(as_of).await?;
    let (teams, visits) = state.store.service_month(month).await?;
    let by_unit = service_units(&status.status, teams, visits, &user, draft.as_ref(), lang);
    let lagging = by_unit.iter().map(|u| u.lagging).sum();
    let unvisited = by_unit.iter().map(|u| u.unvisited).sum();
    let invalid = error.is_some();
    render_form(
        &ServiceTemplate {
            secretary: policy::is_office(&user),
            month: month.key(),
            month_label: match lang {
                Lang::Zh => month.label_zh(),
                Lang::En => month.key(),
            },
            as_of: as_of.to_string(),
            // A visit logged from a past month's page defaults to that month's last day.
            today: as_of.min(today).to_string(),
            units: by_unit,
            lagging,
            unvisited,
            error,
            user,
            tr,
        },
        invalid,
    )
}

/// The lagging (red or yellow) projects of the month by unit, with their service team (or what
/// was typed into a refused team form) and visits: per unit the projects without a visit first,
/// red before yellow, then by name; the units with most unvisited first. A unit sees its own.
fn service_units(
    status: &domain::progress::Status,
    teams: Vec<store::ServiceTeam>,
    visits: Vec<store::Visit>,
    user: &SessionUser,
    draft: Option<&(i64, TeamForm)>,
    lang: Lang,
) -> Vec<ServiceUnit> {
    let teams: HashMap<i64, store::ServiceTeam> =
        teams.into_iter().map(|t| (t.project_id, t)).collect();
    let mut visits_of: HashMap<i64, Vec<VisitLine>> = HashMap::new();
    for v in visits {
        visits_of
            .entry(v.project_id)
            .or_default()
            .push(VisitLine::from(v));
    }
    let mut by_unit: Vec<ServiceUnit> = Vec::new();
    for p in &status.projects {
        let Some(j) = p.judgement.as_ref().filter(|j| j.light != Light::Green) else {
            continue;
        };
        let unit = p.unit.as_deref().unwrap_or_default().to_string();
        if user.role == Role::Responsible && unit != user.unit_name {
            continue;
        }
        let team = teams.get(&p.id);
        let typed = draft.filter(|(id, _)| *id == p.id).map(|(_, f)| f);
        let row = ServiceRow {
            id: p.id,
            // Leaders read; a unit logs its own projects' visits (only those are listed for it).
            may_visit: !policy::reads_only(user),
            name: p.name.to_string(),
            light: j.light.code(),
            light_label: j.light.label(lang),
            why: j
                .why
                .iter()
                .map(|w| w.get(lang))
                .collect::<Vec<_>>()
                .join("；"),
            leader: match typed {
                Some(f) => f.leader.clone(),
                None => team.map(|t| t.leader.clone()).unwrap_or_default(),
            },
            members: match typed {
                Some(f) => f.members.clone(),
                None => team.and_then(|t| t.members.clone()).unwrap_or_default(),
            },
            refused: typed.is_some(),
            visits: visits_of.remove(&p.id).unwrap_or_default(),
        };
        let group = match by_unit.iter_mut().position(|u| u.unit == unit) {
            Some(i) => &mut by_unit[i],
            None => {
                by_unit.push(ServiceUnit {
                    unit: unit.clone(),
                    lagging: 0,
                    with_team: 0,
                    unvisited: 0,
                    rows: Vec::new(),
                });
                let last = by_unit.len() - 1;
                &mut by_unit[last]
            }
        };
        group.lagging += 1;
        group.with_team += usize::from(team.is_some());
        group.unvisited += usize::from(row.visits.is_empty());
        group.rows.push(row);
    }
    // Per unit: projects without a visit first, red before yellow, then by name.
    for u in &mut by_unit {
        u.rows.sort_by(|a, b| {
            (!a.visits.is_empty(), a.light != "red", &a.name).cmp(&(
                !b.visits.is_empty(),
                b.light != "red",
                &b.name,
            ))
        });
    }
    by_unit.sort_by(|a, b| (b.unvisited, &a.unit).cmp(&(a.unvisited, &b.unit)));
    by_unit
}

#[derive(Deserialize, Default)]
pub struct TeamForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    project: String,
    #[serde(default)]
    leader: String,
    #[serde(default)]
    members: String,
}

/// `POST /service/teams`: a lagging project's service team for the month.
pub async fn set_team(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<TeamForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let month = Period::parse(&form.month).map_err(AppError::BadRequest)?;
    let project = parse_id(&form.project)?;
    let members = Some(form.members.as_str()).filter(|m| !m.trim().is_empty());
    match state
        .store
        .set_service_team(month, project, &form.leader, members, Some(user.id))
        .await
    {
        Ok(()) => Ok(layout::done(
            &format!("/service?month={}#p{project}", month.key()),
            "done.service_team_saved",
            None,
        )),
        Err(e) => {
            let why = store_message(e, tr.lang)?;
            let draft = Some((project, form));
            service_page(&state, tr, user, &month.key(), Some(why), draft).await
        }
    }
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/assign", get(assign_form).post(assign))
        .route("/projects/{id}/dossier", get(page))
        .route("/projects/{id}/team", post(add_member))
        .route("/projects/{id}/team/{member}/remove", post(remove_member))
        .route("/projects/{id}/visits", post(log_visit))
        .route("/service", get(service))
        .route("/service/teams", post(set_team))
}
