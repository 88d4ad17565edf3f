//! Approval plans (审批要件) in pages: a project's plan as a Gantt chart and a node table with
//! the serial-vs-parallel comparison (模拟审批), the node form, what each department must
//! approve in the next working days, and the half-monthly 要件 bulletin as .xlsx.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use chrono::{Datelike, NaiveDate};
use domain::approval::{TEMPLATES, node_type};
use domain::dates::{Edge, parse_date};
use domain::schedule::{Schedule, inversions, schedule};
use domain::{Bilingual, Lang, Project, bi};
use serde::Deserialize;
use store::{ApprovalNode, ApprovalPlan, SessionUser};

use crate::AppState;
use crate::auth::PageUser;
use crate::calendar::Mark;
use crate::error::{AppError, PageResult, parse_id};
use crate::gantt;
use crate::i18n::Tr;
use crate::layout;
use crate::pages::render;
use crate::policy;
use axum::Router;
use axum::routing::{get, post};

pub struct NodeRow {
    key: String,
    name: String,
    department: String,
    duration: u32,
    after: String,
    es: String,
    ef: String,
    slack: u32,
    critical: bool,
    planned: String,
    actual: String,
    document_no: String,
    overdue: bool,
    /// Beside the earliest finish: a provisional or uncovered calendar year.
    mark: Mark,
}

pub struct TemplateOption {
    code: &'static str,
    name: &'static str,
}

#[derive(Template)]
#[template(path = "approval.html")]
struct PlanTemplate {
    tr: Tr,
    user: SessionUser,
    can_edit: bool,
    id: i64,
    name: String,
    has_plan: bool,
    templates: Vec<TemplateOption>,
    default_start: String,
    version: i64,
    template_name: String,
    start: String,
    finish: String,
    finish_mark: Mark,
    serial_finish: String,
    serial_mark: Mark,
    duration: u32,
    serial: u32,
    saved: u32,
    critical_path: String,
    svg: String,
    nodes: Vec<NodeRow>,
    warnings: Vec<String>,
    error: Option<String>,
}

pub async fn plan_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    show_plan(&state, user, tr, &id, None).await
}

/// A node's name by its key (the key itself when no node has it).
fn node_name(plan: &store::ApprovalPlan, key: &str) -> String {
    plan.nodes
        .iter()
        .find(|n| n.key == key)
        .map(|n| n.name.clone())
        .unwrap_or_else(|| key.to_string())
}

/// 环节时间倒挂: every node planned to start before a prerequisite is planned to finish.
fn inversion_warnings(plan: &store::ApprovalPlan, lang: Lang) -> Vec<String> {
    let name_of = |key: &str| node_name(plan, key);
    let mut warnings = Vec::new();
    for inv in inversions(&plan.to_plan()) {
        warnings.push(
            bi(
                format!(
                    "环节时间倒挂：{} 计划 {} 开始，早于前置环节 {} 的计划完成 {}",
                    name_of(&inv.node),
                    inv.planned_start,
                    name_of(&inv.prerequisite),
                    inv.prerequisite_finish
                ),
                format!(
                    "inversion: {} is planned to start {} before its prerequisite {} is planned to finish {}",
                    name_of(&inv.node),
                    inv.planned_start,
                    name_of(&inv.prerequisite),
                    inv.prerequisite_finish
                ),
            )
            .get(lang)
            .to_string(),
        );
    }
    warnings
}

/// The plan's nodes with their schedule: earliest start and finish, slack, the critical ones,
/// planned and actual dates, overdue when unfinished past `today`.
fn node_rows(
    plan: &store::ApprovalPlan,
    timed: &domain::schedule::Schedule,
    calendar: &domain::calendar::WorkCalendar,
    today: NaiveDate,
    lang: Lang,
) -> Vec<NodeRow> {
    let name_of = |key: &str| node_name(plan, key);
    plan.nodes
        .iter()
        .zip(&timed.nodes)
        .map(|(n, t)| NodeRow {
            key: n.key.clone(),
            name: n.name.clone(),
            department: n.department.clone().unwrap_or_default(),
            duration: n.duration,
            after: n
                .after
                .iter()
                .map(|a| name_of(a))
                .collect::<Vec<_>>()
                .join("、"),
            es: t.es.to_string(),
            ef: t.ef.to_string(),
            slack: t.slack,
            critical: t.critical,
            planned: span(n.planned_start, n.planned_finish),
            actual: span(n.actual_start, n.actual_finish),
            document_no: n.document_no.clone().unwrap_or_default(),
            overdue: n.actual_finish.is_none() && n.planned_finish.is_some_and(|f| f < today),
            mark: Mark::of(calendar.basis(t.es, t.ef), lang),
        })
        .collect()
}

async fn show_plan(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    id: &str,
    error: Option<Bilingual>,
) -> PageResult {
    let id = parse_id(id)?;
    let project = policy::project_for(state, &user, id).await?;
    let plan = state.store.approval_plan(id).await?;
    let lang = tr.lang;
    let calendar = state.store.work_calendar().await?;
    let today = state.today();
    let mut page = PlanTemplate {
        can_edit: policy::may_plan_approvals(&user, &project),
        user,
        id,
        name: project.fields.name.clone(),
        has_plan: plan.is_some(),
        templates: TEMPLATES
            .iter()
            .map(|t| TemplateOption {
                code: t.code,
                name: if lang == Lang::Zh { t.name } else { t.english },
            })
            .collect(),
        default_start: today.format("%Y-%m-%d").to_string(),
        version: 0,
        template_name: String::new(),
        start: String::new(),
        finish: String::new(),
        finish_mark: Mark::default(),
        serial_finish: String::new(),
        serial_mark: Mark::default(),
        duration: 0,
        serial: 0,
        saved: 0,
        critical_path: String::new(),
        svg: String::new(),
        nodes: Vec::new(),
        warnings: Vec::new(),
        error: error.map(|e| e.get(lang).to_string()),
        tr,
    };
    let Some(plan) = plan else {
        return render(&page);
    };
    let timed = match schedule(&plan.to_plan(), &calendar) {
        Ok(timed) => timed,
        Err(e) => {
            page.error = Some(e.message().get(lang).to_string());
            return render(&page);
        }
    };
    let name_of = |key: &str| node_name(&plan, key);
    page.warnings.extend(inversion_warnings(&plan, lang));
    page.warnings.extend(permit_warning(&timed, &project, lang));
    let labels = gantt::Labels {
        today: tr.t("approval.today"),
        critical: tr.t("approval.critical"),
        overdue: tr.t("approval.overdue"),
        slack: tr.t("approval.slack"),
        holiday: tr.t("approval.day_off"),
    };
    page.svg = gantt::svg(&plan, &timed, &calendar, today, &labels);
    page.nodes = node_rows(&plan, &timed, &calendar, today, lang);
    page.finish_mark = Mark::of(calendar.basis(plan.start, timed.finish), lang);
    page.serial_mark = Mark::of(calendar.basis(plan.start, timed.serial_finish), lang);
    if timed.provisional {
        page.warnings.push(
            bi(
                "计划中有日期落在暂定日历年份（该年节假日安排通知尚未导入），导入通知后自动按正式日历重算",
                "some dates of the plan fall in a provisional calendar year (its holiday notice is not imported yet); they are computed again once it is",
            )
            .get(lang)
            .to_string(),
        );
    }
    page.version = plan.version;
    page.template_name = domain::approval::template(&plan.template)
        .map(|t| if lang == Lang::Zh { t.name } else { t.english })
        .unwrap_or("")
        .to_string();
    page.start = plan.start.to_string();
    page.finish = timed.finish.to_string();
    page.serial_finish = timed.serial_finish.to_string();
    page.duration = timed.duration_workdays;
    page.serial = timed.serial_workdays;
    page.saved = timed.saved_workdays;
    page.critical_path = timed
        .critical_path
        .iter()
        .map(|k| name_of(k))
        .collect::<Vec<_>>()
        .join(" → ");
    render(&page)
}

/// The start of construction (施工许可 finishing) expected after the project's 计划开工.
fn permit_warning(timed: &Schedule, project: &Project, lang: Lang) -> Option<String> {
    let permit = timed.nodes.iter().find(|t| t.id == "shigong_xuke")?;
    let planned = project.fields.planned_start?;
    (permit.ef > planned).then(|| {
        bi(
            format!(
                "按审批计划，施工许可预计 {} 办结，晚于计划开工时间 {}",
                permit.ef, planned
            ),
            format!(
                "by this plan the construction permit is expected on {}, after the planned start {}",
                permit.ef, planned
            ),
        )
        .get(lang)
        .to_string()
    })
}

/// What the project page shows of the approval plan.
pub struct ApprovalSummary {
    pub finish: String,
    pub overdue: usize,
    pub warning: Option<String>,
}

pub async fn summary(
    state: &AppState,
    project: &Project,
    lang: Lang,
) -> Result<Option<ApprovalSummary>, AppError> {
    let Some(plan) = state.store.approval_plan(project.id).await? else {
        return Ok(None);
    };
    let calendar = state.store.work_calendar().await?;
    let today = state.today();
    let overdue = plan
        .nodes
        .iter()
        .filter(|n| n.actual_finish.is_none() && n.planned_finish.is_some_and(|f| f < today))
        .count();
    Ok(Some(match schedule(&plan.to_plan(), &calendar) {
        Ok(timed) => ApprovalSummary {
            finish: timed.finish.to_string(),
            overdue,
            warning: permit_warning(&timed, project, lang),
        },
        Err(e) => ApprovalSummary {
            finish: String::new(),
            overdue,
            warning: Some(e.message().get(lang).to_string()),
        },
    }))
}

fn span(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (None, None) => String::new(),
        (a, b) => format!(
            "{} ~ {}",
            a.map(|d| d.to_string()).unwrap_or_default(),
            b.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    template: String,
    #[serde(default)]
    start: String,
}

pub async fn create_plan(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<CreateForm>,
) -> PageResult {
    if !policy::may_write_ledger(&user) {
        return Err(AppError::Forbidden.into());
    }
    let pid = parse_id(&id)?;
    let project = policy::project_for(&state, &user, pid).await?;
    may_plan(&user, &project)?;
    let refused = match parse_date(&form.start, Edge::Start) {
        Ok(Some(start)) => {
            let calendar = state.store.work_calendar().await?;
            match state
                .store
                .create_approval_plan(pid, &form.template, start, Some(user.id), &calendar)
                .await
            {
                Ok(_) => {
                    return Ok(layout::done(
                        &format!("/projects/{id}/approval"),
                        "done.plan_created",
                        None,
                    ));
                }
                Err(store::StoreError::Rule(m)) => m,
                Err(e) => return Err(e.into()),
            }
        }
        _ => bi(
            format!("开始日期“{}”无效", form.start),
            format!("“{}” is not a valid start date", form.start),
        ),
    };
    let mut page = show_plan(&state, user, tr, &id, Some(refused)).await?;
    *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page)
}

pub struct AfterOption {
    key: String,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "approval_node.html")]
struct NodeTemplate {
    tr: Tr,
    user: SessionUser,
    id: i64,
    project_name: String,
    /// The node as the form shows it: as stored, or as typed into a form that failed.
    form: NodeForm,
    is_new: bool,
    after: Vec<AfterOption>,
    errors: Vec<String>,
}

#[derive(Deserialize)]
pub struct NodeQuery {
    #[serde(default)]
    key: String,
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

pub async fn node_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Query(q): Query<NodeQuery>,
) -> PageResult {
    let pid = parse_id(&id)?;
    let project = policy::project_for(&state, &user, pid).await?;
    may_plan(&user, &project)?;
    let plan = state
        .store
        .approval_plan(pid)
        .await?
        .ok_or(AppError::NotFound)?;
    let node = if q.key.is_empty() {
        None
    } else {
        Some(
            plan.nodes
                .iter()
                .find(|n| n.key == q.key)
                .cloned()
                .ok_or(AppError::NotFound)?,
        )
    };
    let blank = ApprovalNode {
        key: String::new(),
        name: String::new(),
        duration: 5,
        after: Vec::new(),
        department: None,
        planned_start: None,
        planned_finish: None,
        actual_start: None,
        actual_finish: None,
        document_no: None,
    };
    let n = node.clone().unwrap_or(blank);
    render(&NodeTemplate {
        user,
        id: pid,
        project_name: project.fields.name,
        form: NodeForm::of(&n, plan.version),
        is_new: node.is_none(),
        after: after_options(&plan, &n.key, &n.after),
        errors: Vec::new(),
        tr,
    })
}

fn after_options(plan: &ApprovalPlan, own: &str, checked: &[String]) -> Vec<AfterOption> {
    plan.nodes
        .iter()
        .filter(|n| n.key != own)
        .map(|n| AfterOption {
            key: n.key.clone(),
            name: n.name.clone(),
            checked: checked.contains(&n.key),
        })
        .collect()
}

/// The node form as posted: its text fields as typed (trimmed), the prerequisites ticked
/// (repeated `after`), and which node it edits (`original_key`, empty for a new one) from which
/// version of the plan.
#[derive(Debug, Default, Clone)]
pub struct NodeForm {
    original_key: String,
    version: String,
    key: String,
    name: String,
    duration: String,
    department: String,
    planned_start: String,
    planned_finish: String,
    actual_start: String,
    actual_finish: String,
    document_no: String,
    after: Vec<String>,
}

impl From<Vec<(String, String)>> for NodeForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = NodeForm::default();
        for (key, value) in fields {
            let value = value.trim().to_string();
            let slot = match key.as_str() {
                "original_key" => &mut form.original_key,
                "version" => &mut form.version,
                "key" => &mut form.key,
                "name" => &mut form.name,
                "duration" => &mut form.duration,
                "department" => &mut form.department,
                "planned_start" => &mut form.planned_start,
                "planned_finish" => &mut form.planned_finish,
                "actual_start" => &mut form.actual_start,
                "actual_finish" => &mut form.actual_finish,
                "document_no" => &mut form.document_no,
                "after" => {
                    if !value.is_empty() {
                        form.after.push(value);
                    }
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        form
    }
}

impl NodeForm {
    /// The form of a stored node (a new one: blank) in the plan's `version`.
    fn of(n: &ApprovalNode, version: i64) -> NodeForm {
        NodeForm {
            original_key: n.key.clone(),
            version: version.to_string(),
            key: n.key.clone(),
            name: n.name.clone(),
            duration: n.duration.to_string(),
            department: n.department.clone().unwrap_or_default(),
            planned_start: date_text(n.planned_start),
            planned_finish: date_text(n.planned_finish),
            actual_start: date_text(n.actual_start),
            actual_finish: date_text(n.actual_finish),
            document_no: n.document_no.clone().unwrap_or_default(),
            after: n.after.clone(),
        }
    }

    /// The node, or the message of every field that does not read.
    fn node(&self, lang: Lang) -> Result<ApprovalNode, Vec<String>> {
        let mut errors = Vec::new();
        if self.name.is_empty() {
            errors.push(
                bi("请填写环节名称", "enter the node's name")
                    .get(lang)
                    .to_string(),
            );
        }
        let key = if self.key.is_empty() {
            self.name.clone()
        } else {
            self.key.clone()
        };
        let duration = match self.duration.parse::<u32>() {
            Ok(d) if d <= 2000 => d,
            _ => {
                errors.push(
                    bi(
                        format!("工期“{}”无效，应为 0–2000 的工作日数", self.duration),
                        format!("duration “{}” must be 0–2000 working days", self.duration),
                    )
                    .get(lang)
                    .to_string(),
                );
                0
            }
        };
        let mut date = |text: &str, edge: Edge, zh: &str, en: &str| match parse_date(text, edge) {
            Ok(d) => d,
            Err(_) => {
                errors.push(
                    bi(
                        format!("{zh}“{text}”不是有效日期"),
                        format!("{en} “{text}” is not a valid date"),
                    )
                    .get(lang)
                    .to_string(),
                );
                None
            }
        };
        let planned_start = date(
            &self.planned_start,
            Edge::Start,
            "计划开始",
            "planned start",
        );
        let planned_finish = date(
            &self.planned_finish,
            Edge::End,
            "计划完成",
            "planned finish",
        );
        let actual_start = date(&self.actual_start, Edge::Start, "实际开始", "actual start");
        let actual_finish = date(&self.actual_finish, Edge::End, "实际完成", "actual finish");
        let optional = |v: &str| (!v.is_empty()).then(|| v.to_string());
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ApprovalNode {
            key,
            name: self.name.clone(),
            duration,
            after: self.after.clone(),
            department: optional(&self.department),
            planned_start,
            planned_finish,
            actual_start,
            actual_finish,
            document_no: optional(&self.document_no),
        })
    }
}

/// Puts `node` in the place of the node keyed `original` (a new node when empty or gone); a
/// renamed key follows into the prerequisites of the other nodes.
fn put_node(plan: &mut store::ApprovalPlan, original: &str, node: ApprovalNode) {
    let Some(slot) = plan
        .nodes
        .iter_mut()
        .find(|n| n.key == original && !original.is_empty())
    else {
        plan.nodes.push(node);
        return;
    };
    let old_key = std::mem::replace(slot, node.clone()).key;
    if old_key != node.key {
        for a in plan.nodes.iter_mut().flat_map(|n| n.after.iter_mut()) {
            if *a == old_key {
                a.clone_from(&node.key);
            }
        }
    }
}

pub async fn save_node(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    if !policy::may_write_ledger(&user) {
        return Err(AppError::Forbidden.into());
    }
    let form = NodeForm::from(fields);
    let lang = tr.lang;
    let pid = parse_id(&id)?;
    let project = policy::project_for(&state, &user, pid).await?;
    may_plan(&user, &project)?;
    let mut plan = state
        .store
        .approval_plan(pid)
        .await?
        .ok_or(AppError::NotFound)?;
    let original = form.original_key.clone();
    let version: i64 = form.version.parse().unwrap_or(-1);
    let as_read = plan.clone();
    // The form again with its messages, as typed (the prerequisites as read, once they read).
    let again = |errors: Vec<String>, node: Option<&ApprovalNode>| {
        let after = node.map_or(&form.after, |n| &n.after);
        render(&NodeTemplate {
            user: user.clone(),
            id: pid,
            project_name: project.fields.name.clone(),
            form: form.clone(),
            is_new: original.is_empty(),
            after: after_options(&as_read, &original, after),
            errors,
            tr,
        })
        .map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            r
        })
    };
    let node = match form.node(lang) {
        Ok(node) => node,
        Err(errors) => return again(errors, None),
    };
    if version != plan.version {
        return Err(AppError::Conflict {
            current: plan.version,
        }
        .into());
    }
    let clash = plan
        .nodes
        .iter()
        .any(|n| n.key == node.key && n.key != original);
    if clash {
        let m = bi(
            format!("环节“{}”已存在", node.key),
            format!("node “{}” already exists", node.key),
        );
        return again(vec![m.get(lang).to_string()], Some(&node));
    }
    let node = ApprovalNode {
        department: node
            .department
            .clone()
            .or_else(|| node_type(&node.key).map(|t| t.department.to_string())),
        ..node
    };
    put_node(&mut plan, &original, node.clone());
    let calendar = state.store.work_calendar().await?;
    match state
        .store
        .save_approval_plan(&plan, version, Some(user.id), &calendar)
        .await
    {
        Ok(_) => Ok(layout::done(
            &format!("/projects/{pid}/approval"),
            "done.node_saved",
            None,
        )),
        Err(store::StoreError::Rule(m)) => again(vec![m.get(lang).to_string()], Some(&node)),
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    version: String,
}

/// Approval plans are kept by the office and by the project's own unit (or its lead department).
fn may_plan(user: &SessionUser, project: &domain::Project) -> Result<(), AppError> {
    if policy::editor(user).may_edit(&project.fields) {
        Ok(())
    } else {
        Err(AppError::Refused(policy::not_theirs()))
    }
}

pub async fn delete_node(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> PageResult {
    if !policy::may_write_ledger(&user) {
        return Err(AppError::Forbidden.into());
    }
    let pid = parse_id(&id)?;
    let project = policy::project_for(&state, &user, pid).await?;
    may_plan(&user, &project)?;
    let mut plan = state
        .store
        .approval_plan(pid)
        .await?
        .ok_or(AppError::NotFound)?;
    let version: i64 = form.version.parse().unwrap_or(-1);
    if version != plan.version {
        return Err(AppError::Conflict {
            current: plan.version,
        }
        .into());
    }
    let before = plan.nodes.len();
    plan.nodes.retain(|n| n.key != form.key);
    if plan.nodes.len() == before {
        return Err(AppError::NotFound.into());
    }
    // Whoever waited for the dropped node now waits for what it waited for.
    for n in plan.nodes.iter_mut() {
        n.after.retain(|a| *a != form.key);
    }
    let calendar = state.store.work_calendar().await?;
    match state
        .store
        .save_approval_plan(&plan, version, Some(user.id), &calendar)
        .await
    {
        Ok(_) => Ok(layout::done(
            &format!("/projects/{pid}/approval"),
            "done.node_deleted",
            None,
        )),
        Err(store::StoreError::Rule(m)) => Err(AppError::BadRequest(m).into()),
        Err(e) => Err(AppError::from(e).into()),
    }
}

pub struct DueRow {
    project_id: i64,
    project: String,
    unit: String,
    node: String,
    planned_finish: String,
    overdue_days: u32,
    mark: Mark,
}

pub struct DueGroup {
    department: String,
    rows: Vec<DueRow>,
}

#[derive(Template)]
#[template(path = "approvals_due.html")]
struct DueTemplate {
    tr: Tr,
    user: SessionUser,
    days: u32,
    until: String,
    until_mark: Mark,
    today: String,
    groups: Vec<DueGroup>,
    total: usize,
    overdue: usize,
    bulletin_from: String,
    bulletin_to: String,
}

#[derive(Deserialize)]
pub struct DueQuery {
    #[serde(default)]
    days: Option<String>,
}

/// The current half-month (1–15 or 16–end), the bulletin's default period.
fn half_month(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    if day.day() <= 15 {
        (first, first.with_day(15).unwrap_or(day))
    } else {
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(day);
        (
            first.with_day(16).unwrap_or(day),
            next.pred_opt().unwrap_or(day),
        )
    }
}

pub async fn due_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<DueQuery>,
) -> PageResult {
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse::<u32>().ok())
        .unwrap_or(10)
        .min(250);
    let calendar = state.store.work_calendar().await?;
    let today = state.today();
    // Past the calendar's years the window is counted in calendar days (a working week
    // is seven days), marked as such, so the page still opens.
    let (until, until_basis) = match calendar.add_workdays(today, days) {
        Ok(until) => (until, calendar.basis(today, until)),
        Err(_) => (
            today + chrono::Days::new(u64::from(days) * 7 / 5),
            domain::calendar::Basis::Unknown,
        ),
    };
    let due = state.store.due_approval_nodes(today, until).await?;
    let total = due.len();
    let mut groups: Vec<DueGroup> = Vec::new();
    let mut overdue = 0;
    for n in due {
        let late = if n.planned_finish < today {
            overdue += 1;
            n.planned_finish
                .succ_opt()
                .and_then(|d| calendar.workdays_between(d, today).ok())
                .unwrap_or(0)
        } else {
            0
        };
        let department = n.department.clone().unwrap_or_else(|| "—".into());
        let row = DueRow {
            project_id: n.project_id,
            project: n.project_name,
            unit: n.unit_name.unwrap_or_default(),
            node: n.name,
            mark: Mark::of(calendar.basis(n.planned_finish, today), tr.lang),
            planned_finish: n.planned_finish.to_string(),
            overdue_days: late,
        };
        match groups.iter_mut().find(|g| g.department == department) {
            Some(g) => g.rows.push(row),
            None => groups.push(DueGroup {
                department,
                rows: vec![row],
            }),
        }
    }
    let (from, to) = half_month(today);
    render(&DueTemplate {
        user,
        days,
        until: until.to_string(),
        until_mark: Mark::of(until_basis, tr.lang),
        today: today.to_string(),
        groups,
        total,
        overdue,
        bulletin_from: from.to_string(),
        bulletin_to: to.to_string(),
        tr,
    })
}

#[derive(Deserialize)]
pub struct BulletinQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl BulletinQuery {
    /// The bulletin's period: the dates asked for, each defaulting to the half-month of `today`.
    fn period(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
        let bad = |text: &str| {
            AppError::BadRequest(bi(
                format!("日期“{text}”无效"),
                format!("“{text}” is not a valid date"),
            ))
        };
        let (default_from, default_to) = half_month(today);
        let from = match parse_date(&self.from, Edge::Start) {
            Ok(Some(d)) => d,
            Ok(None) => default_from,
            Err(_) => return Err(bad(&self.from)),
        };
        let to = match parse_date(&self.to, Edge::End) {
            Ok(Some(d)) => d,
            Ok(None) => default_to,
            Err(_) => return Err(bad(&self.to)),
        };
        if from > to {
            return Err(AppError::BadRequest(bi(
                "开始日期晚于结束日期",
                "the period starts after it ends",
            )));
        }
        Ok((from, to))
    }
}

/// The half-monthly pre-work bulletin of the "百日攻坚" kind: which projects finished which 要件
/// in the period, and which were late at its end. Without dates: the current half-month.
async fn bulletin_sheets(
    state: &AppState,
    q: &BulletinQuery,
) -> Result<(NaiveDate, NaiveDate, Vec<office::TableSheet>), AppError> {
    use office::{TableCell as C, TableSheet};
    let (from, to) = q.period(state.today())?;
    let calendar = state.store.work_calendar().await?;
    let finished = state.store.finished_approval_nodes(from, to).await?;
    let late = state
        .store
        .due_approval_nodes(to, to.pred_opt().unwrap_or(to))
        .await?;
    let period = format!("{from} 至 {to}");
    let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let sheets = vec![
        TableSheet {
            name: "本期办结要件".into(),
            title: format!(
                "前期要件办理通报（{period}）：本期办结 {} 项",
                finished.len()
            ),
            subtitle: format!("数据截至{to}"),
            headers: headers(&[
                "序号",
                "项目名称",
                "要件",
                "审批部门",
                "办结日期",
                "批复文号",
            ]),
            rows: finished
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    vec![
                        C::Number(i as i64 + 1),
                        C::Text(n.project_name.clone()),
                        C::Text(n.name.clone()),
                        C::Text(n.department.clone().unwrap_or_default()),
                        C::Text(n.actual_finish.to_string()),
                        C::Text(n.document_no.clone().unwrap_or_default()),
                    ]
                })
                .collect(),
        },
        TableSheet {
            name: "逾期未办结要件".into(),
            title: format!(
                "前期要件办理通报（{period}）：截至 {to} 逾期未办结 {} 项",
                late.len()
            ),
            // Working days counted on a provisional year are noted under the title.
            subtitle: late
                .iter()
                .map(|n| calendar.basis(n.planned_finish, to))
                .max()
                .filter(|b| *b != domain::calendar::Basis::Official)
                .map(|b| format!("注：逾期工作日{}。", b.explain().zh))
                .unwrap_or_default(),
            headers: headers(&[
                "序号",
                "项目名称",
                "责任单位",
                "要件",
                "审批部门",
                "计划办结",
                "逾期工作日",
            ]),
            rows: late
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let days = n
                        .planned_finish
                        .succ_opt()
                        .and_then(|d| calendar.workdays_between(d, to).ok())
                        .unwrap_or(0);
                    vec![
                        C::Number(i as i64 + 1),
                        C::Text(n.project_name.clone()),
                        C::Text(n.unit_name.clone().unwrap_or_default()),
                        C::Text(n.name.clone()),
                        C::Text(n.department.clone().unwrap_or_default()),
                        C::Text(n.planned_finish.to_string()),
                        C::Number(i64::from(days)),
                    ]
                })
                .collect(),
        },
    ];
    Ok((from, to, sheets))
}

pub struct BulletinTable {
    title: String,
    subtitle: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "approvals_bulletin.html")]
struct BulletinTemplate {
    tr: Tr,
    user: SessionUser,
    from: String,
    to: String,
    tables: Vec<BulletinTable>,
}

pub async fn bulletin_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<BulletinQuery>,
) -> PageResult {
    let (from, to, sheets) = bulletin_sheets(&state, &q).await?;
    render(&BulletinTemplate {
        user,
        from: from.to_string(),
        to: to.to_string(),
        tables: sheets
            .into_iter()
            .map(|s| BulletinTable {
                title: s.title,
                subtitle: s.subtitle,
                headers: s.headers,
                rows: s
                    .rows
                    .into_iter()
                    .map(|r| {
                        r.into_iter()
                            .map(|c| match c {
                                office::TableCell::Text(t) => t,
                                office::TableCell::Number(n) => n.to_string(),
                                office::TableCell::Fixed(x) => format!("{x:.2}"),
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect(),
        tr,
    })
}

pub async fn bulletin(
    State(state): State<AppState>,
    PageUser { user: _, tr: _ }: PageUser,
    Query(q): Query<BulletinQuery>,
) -> PageResult {
    let (from, to, sheets) = bulletin_sheets(&state, &q).await?;
    let bytes = office::write_tables(&sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    let filename = format!("bulletin-{from}-{to}.xlsx");
    Ok(crate::pages::download(crate::pages::XLSX, &filename, bytes))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/approval", get(plan_page).post(create_plan))
        .route(
            "/projects/{id}/approval/node",
            get(node_form).post(save_node),
        )
        .route("/projects/{id}/approval/node/delete", post(delete_node))
        .route("/approvals", get(due_page))
        .route("/approvals/bulletin", get(bulletin_page))
        .route("/approvals/bulletin.xlsx", get(bulletin))
}
