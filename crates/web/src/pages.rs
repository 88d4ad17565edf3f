//! Server-rendered pages: sign-in, the ledger list, the project page and its forms.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use chrono::{FixedOffset, NaiveDate, TimeZone};
use domain::{
    Bilingual, Field, FieldError, Lang, Level, Money, Project, ProjectInput, Stage, Unit, UnitKind,
};
use serde::{Deserialize, Serialize};
use store::{ProjectFilter, SessionUser, SortColumn, SortOrder};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageError, PageResult, parse_id};
use crate::i18n::{Tr, lang_of};
use crate::layout;
use crate::policy;
use axum::Router;
use axum::routing::get;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a query value or path component keeps unescaped (RFC 3986 unreserved, and `/` so a
/// local path passed as `next` stays readable).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a query value or path component (UTF-8).
pub fn url_encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Renders a page.
pub(crate) fn render(template: &impl Template) -> PageResult {
    Ok(Html(template.render().map_err(AppError::from)?).into_response())
}

/// A page that shows a form again with what was wrong: 422 when there are errors.
pub(crate) fn render_form(template: &impl Template, invalid: bool) -> PageResult {
    let mut response = render(template)?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// A workbook's media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// A Word document's media type.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A file to save: its type, and its name (as is when ASCII, else in RFC 5987's encoding).
pub fn download(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = if name.is_ascii() && !name.contains(['"', '\\']) {
        format!("attachment; filename=\"{name}\"")
    } else {
        format!("attachment; filename*=UTF-8''{}", url_encode(name))
    };
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// China Standard Time, UTC+08:00 all year (no daylight saving, no tz database).
fn china() -> Option<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
}

/// Today in China Standard Time.
pub fn today() -> NaiveDate {
    let now = chrono::Utc::now();
    match china() {
        Some(cst) => now.with_timezone(&cst).date_naive(),
        None => now.date_naive(),
    }
}

/// A timestamp as a person reads it, in China Standard Time.
pub fn format_time(unix: i64) -> String {
    let Some(cst) = china() else {
        return String::new();
    };
    cst.timestamp_opt(unix, 0)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate<'a> {
    tr: Tr,
    username: &'a str,
    next: &'a str,
    error: Option<&'a str>,
    demo: bool,
}

pub fn login_page(
    tr: Tr,
    username: &str,
    next: &str,
    error: Option<Bilingual>,
    demo: bool,
) -> Response {
    let message = error.as_ref().map(|e| e.get(tr.lang));
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let page = LoginTemplate {
        tr,
        username,
        next,
        error: message,
        demo,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<NextQuery>,
) -> Response {
    // What sent the browser here may have something to say ("new password set: sign in").
    let tr = Tr {
        lang: lang_of(&headers, &uri),
        flash: crate::layout::flash_of(&headers),
    };
    login_page(tr, "", &q.next, None, state.demo)
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn options<T>(
    items: impl IntoIterator<Item = T>,
    selected: &str,
    f: impl Fn(&T) -> (String, String),
) -> Vec<SelectOption> {
    items
        .into_iter()
        .map(|item| {
            let (value, label) = f(&item);
            SelectOption {
                selected: value == selected,
                value,
                label,
            }
        })
        .collect()
}

/// Every unit, departments last (responsible units) or first (lead departments): a unit an
/// import created under an unexpected kind must still be selectable, or saving would erase it.
fn unit_options(units: &[Unit], selected: &str, departments_first: bool) -> Vec<SelectOption> {
    let mut sorted: Vec<&Unit> = units.iter().collect();
    sorted.sort_by_key(|u| (u.kind == UnitKind::Department) != departments_first);
    options(sorted, selected, |u| (u.id.to_string(), u.name.clone()))
}

/// The ledger list's query string, kept as text so a bad value can be shown back and ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LedgerQuery {
    pub q: String,
    pub stage: String,
    pub level: String,
    pub tag: String,
    pub unit: String,
    pub lead: String,
    pub region: String,
    pub industry: String,
    pub min: String,
    pub max: String,
    pub sort: String,
    pub order: String,
    pub page: String,
    pub per_page: String,
}

impl LedgerQuery {
    /// The filter it asks for, and a notice for each value that could not be understood.
    pub fn to_filter(&self) -> (ProjectFilter, Vec<Bilingual>) {
        let mut notices = Vec::new();
        let mut bad = |what: &str, what_en: &str, value: &str| {
            notices.push(domain::bi(
                format!("筛选条件“{what}”的值“{value}”无效，已忽略"),
                format!("the {what_en} filter “{value}” is not valid and was ignored"),
            ));
        };
        let id = |text: &str| text.trim().parse::<i64>().ok();
        let nonempty = |t: &str| (!t.trim().is_empty()).then(|| t.trim().to_string());
        let mut filter = ProjectFilter {
            q: nonempty(&self.q),
            tag: nonempty(&self.tag),
            industry: nonempty(&self.industry),
            ..ProjectFilter::default()
        };
        if !self.stage.is_empty() {
            filter.stage = Stage::parse(&self.stage);
            if filter.stage.is_none() {
                bad("阶段", "stage", &self.stage);
            }
        }
        if !self.level.is_empty() {
            filter.level = Level::parse(&self.level);
            if filter.level.is_none() {
                bad("级别", "level", &self.level);
            }
        }
        for (text, slot, zh, en) in [
            (&self.unit, &mut filter.unit_id, "责任单位", "unit"),
            (
                &self.lead,
                &mut filter.lead_department_id,
                "牵头单位",
                "lead department",
            ),
            (&self.region, &mut filter.region_id, "区域", "region"),
        ] {
            if !text.is_empty() {
                *slot = id(text);
                if slot.is_none() {
                    bad(zh, en, text);
                }
            }
        }
        for (text, slot, zh, en) in [
            (
                &self.min,
                &mut filter.min_total,
                "总投资下限",
                "minimum total",
            ),
            (
                &self.max,
                &mut filter.max_total,
                "总投资上限",
                "maximum total",
            ),
        ] {
            match Money::parse(text, domain::AmountUnit::Wan) {
                Ok(m) => *slot = m,
                Err(_) => bad(zh, en, text),
            }
        }
        if let Some(sort) = SortColumn::parse(&self.sort) {
            filter.sort = sort;
        }
        filter.order = if self.order == "desc" {
            SortOrder::Desc
        } else {
            SortOrder::Asc
        };
        filter.page = self.page.parse().unwrap_or(1).max(1);
        filter.per_page = self.per_page.parse().unwrap_or(50).clamp(10, 200);
        (filter, notices)
    }

    fn href(&self) -> String {
        format!(
            "/projects?{}",
            serde_urlencoded::to_string(self).unwrap_or_default()
        )
    }
}

pub struct Header {
    label: &'static str,
    href: String,
    active: bool,
    desc: bool,
    numeric: bool,
}

pub struct Row {
    id: i64,
    code: String,
    name: String,
    tags: Vec<String>,
    stage: &'static str,
    stage_code: &'static str,
    level: &'static str,
    unit: String,
    lead: String,
    region: String,
    industry: String,
    total: String,
    plan: String,
    start: String,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerTemplate {
    tr: Tr,
    user: SessionUser,
    q: LedgerQuery,
    notices: Vec<String>,
    stages: Vec<SelectOption>,
    levels: Vec<SelectOption>,
    tags: Vec<SelectOption>,
    units: Vec<SelectOption>,
    departments: Vec<SelectOption>,
    regions: Vec<SelectOption>,
    industries: Vec<SelectOption>,
    headers: Vec<Header>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    export_href: String,
}

fn text_or_empty(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

pub async fn ledger(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<LedgerQuery>,
) -> PageResult {
    ledger_page(state, user, tr, q).await
}

/// The ledger's sortable column headers: each links to its sort, the active one flips it.
fn sort_headers(q: &LedgerQuery, filter: &ProjectFilter, tr: &Tr) -> Vec<Header> {
    let sort_columns: [(SortColumn, &str, bool); 11] = [
        (SortColumn::Code, "col.code", false),
        (SortColumn::Name, "col.name", false),
        (SortColumn::Stage, "col.stage", false),
        (SortColumn::Level, "col.level", false),
        (SortColumn::Unit, "col.unit", false),
        (SortColumn::LeadDepartment, "col.lead", false),
        (SortColumn::Region, "col.region", false),
        (SortColumn::Industry, "col.industry", false),
        (SortColumn::TotalInvestment, "col.total", true),
        (SortColumn::AnnualPlan, "col.plan", true),
        (SortColumn::PlannedStart, "col.start", false),
    ];
    sort_columns
        .iter()
        .map(|(col, key, numeric)| {
            let active = filter.sort == *col;
            let desc = active && filter.order == SortOrder::Desc;
            // Amounts sort largest first on the first click; text sorts A→Z.
            let next_desc = if active { !desc } else { *numeric };
            let href = LedgerQuery {
                sort: col.key().into(),
                order: if next_desc {
                    "desc".into()
                } else {
                    "asc".into()
                },
                page: String::new(),
                ..q.clone()
            }
            .href();
            Header {
                label: tr.t(key),
                href,
                active,
                desc,
                numeric: *numeric,
            }
        })
        .collect()
}

impl Row {
    fn new(p: store::ProjectSummary, lang: Lang) -> Row {
        Row {
            id: p.id,
            code: text_or_empty(&p.code),
            name: p.name,
            tags: p.tags,
            stage: p.stage.map(|s| s.label(lang)).unwrap_or(""),
            stage_code: p.stage.map(|s| s.code()).unwrap_or(""),
            level: p.level.map(|s| s.label(lang)).unwrap_or(""),
            unit: text_or_empty(&p.unit_name),
            lead: text_or_empty(&p.lead_department_name),
            region: text_or_empty(&p.region_name),
            industry: text_or_empty(&p.industry),
            total: p
                .total_investment
                .map(Money::wan_display)
                .unwrap_or_default(),
            plan: p.annual_plan.map(Money::wan_display).unwrap_or_default(),
            start: p
                .planned_start
                .map(|d| d.format("%Y-%m").to_string())
                .unwrap_or_default(),
        }
    }
}

async fn ledger_page(state: AppState, user: SessionUser, tr: Tr, q: LedgerQuery) -> PageResult {
    let (mut filter, notices) = q.to_filter();
    filter.within = policy::scope_filter(&user);
    let page = state.store.list_projects(&filter).await?;
    let lists = state.lists().await?;
    let lang = tr.lang;

    let headers = sort_headers(&q, &filter, &tr);
    let rows = page.items.into_iter().map(|p| Row::new(p, lang)).collect();

    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let page_href = |n: i64| {
        LedgerQuery {
            page: n.to_string(),
            ..q.clone()
        }
        .href()
    };
    let export_href = format!(
        "/projects/export.xlsx?{}",
        serde_urlencoded::to_string(&q).unwrap_or_default()
    );
    let stage_sel = filter.stage.map(|s| s.code()).unwrap_or("");
    let level_sel = filter.level.map(|s| s.code()).unwrap_or("");
    let template = LedgerTemplate {
        user,
        notices: notices.iter().map(|n| n.get(lang).to_string()).collect(),
        stages: options(Stage::ALL.iter(), stage_sel, |s| {
            (s.code().into(), s.label(lang).into())
        }),
        levels: options(Level::ALL.iter(), level_sel, |s| {
            (s.code().into(), s.label(lang).into())
        }),
        tags: options(domain::project::KNOWN_TAGS.iter(), q.tag.trim(), |t| {
            (t.to_string(), t.to_string())
        }),
        units: unit_options(&lists.units, q.unit.trim(), false),
        departments: unit_options(&lists.units, q.lead.trim(), true),
        regions: options(lists.regions.iter(), q.region.trim(), |r| {
            (r.id.to_string(), r.name.clone())
        }),
        industries: options(lists.industries.iter(), q.industry.trim(), |i| {
            (i.to_string(), i.to_string())
        }),
        headers,
        rows,
        total: page.total,
        page: page.page,
        pages,
        prev_href: (page.page > 1).then(|| page_href(page.page - 1)),
        next_href: (page.page < pages).then(|| page_href(page.page + 1)),
        export_href,
        q,
        tr,
    };
    render(&template)
}

/// The fields of the project page and form, grouped as a clerk reads a ledger row.
pub const FIELD_GROUPS: &[(&str, &[Field])] = &[
    (
        "group.basic",
        &[
            Field::Code,
            Field::Name,
            Field::Category,
            Field::Stage,
            Field::Level,
            Field::Tags,
            Field::Industry,
            Field::Region,
            Field::Location,
            Field::Owner,
        ],
    ),
    (
        "group.responsibility",
        &[
            Field::Unit,
            Field::LeadDepartment,
            Field::LinkedLeader,
            Field::ServiceOfficer,
        ],
    ),
    (
        "group.investment",
        &[
            Field::TotalInvestment,
            Field::AnnualPlan,
            Field::PlanPhases,
            Field::PlanYear,
            Field::FundingSources,
        ],
    ),
    ("group.content", &[Field::Content, Field::Period]),
    (
        "group.schedule",
        &[
            Field::PlannedStart,
            Field::PlannedCompletion,
            Field::PlannedProduction,
            Field::ActualStart,
            Field::ActualCompletion,
            Field::ActualProduction,
        ],
    ),
    (
        "group.benefit",
        &[
            Field::ExpectedOutput,
            Field::ExpectedTax,
            Field::ExpectedJobs,
        ],
    ),
    ("group.other", &[Field::Remarks]),
];

pub struct GroupView {
    title: &'static str,
    rows: Vec<(&'static str, String)>,
}

pub struct HistoryView {
    at: String,
    who: String,
    field: &'static str,
    old: String,
    new: String,
    source: &'static str,
    created: bool,
    /// A step of a plan adjustment (request, decision): `new` is its text.
    note: bool,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectTemplate {
    tr: Tr,
    user: SessionUser,
    id: i64,
    name: String,
    version: i64,
    updated: String,
    groups: Vec<GroupView>,
    history: Vec<HistoryView>,
    approval: Option<crate::approvals::ApprovalSummary>,
    light: Option<LightView>,
    reports: Vec<ReportView>,
    /// The project's problems this user may see.
    problems: Vec<crate::problems::LineRow>,
    can_raise: bool,
    /// May open this project's editor (its own unit's, or the office).
    may_edit: bool,
    /// May ask for a plan adjustment of it (a unit on its own project).
    may_adjust: bool,
}

/// A report of the project, with the values its corrections replaced and its steps.
pub struct ReportView {
    period: String,
    period_label: String,
    unit_id: i64,
    completed: String,
    ytd: String,
    state: &'static str,
    state_label: &'static str,
    late: bool,
    revision: i64,
    progress: String,
    review_note: String,
    revisions: Vec<RevisionView>,
    steps: Vec<String>,
    /// Photo ids and names.
    photos: Vec<(i64, String)>,
}

pub struct RevisionView {
    revision: i64,
    completed: String,
    ytd: String,
    at: String,
    who: String,
    reason: String,
}

fn report_views(
    history: Vec<store::ReportHistory>,
    photos: &[store::PhotoMeta],
    unit_id: i64,
    tr: Tr,
) -> Vec<ReportView> {
    let lang = tr.lang;
    history
        .into_iter()
        .map(|h| {
            let r = h.report;
            let period = domain::progress::Period::parse(&r.period).ok();
            ReportView {
                photos: photos
                    .iter()
                    .filter(|f| f.report_id == r.id)
                    .map(|f| (f.id, f.name.clone()))
                    .collect(),
                period_label: period
                    .map(|p| crate::reports::period_label(&p, lang))
                    .unwrap_or_else(|| r.period.clone()),
                period: r.period.clone(),
                unit_id,
                completed: r.completed.wan_display(),
                ytd: r.year_to_date.wan_display(),
                state: r.state.code(),
                state_label: r.state.label(lang),
                late: r.late,
                revision: r.revision,
                progress: r.progress.unwrap_or_default(),
                review_note: r.review_note.unwrap_or_default(),
                revisions: h
                    .revisions
                    .into_iter()
                    .map(|v| RevisionView {
                        revision: v.revision,
                        completed: v.completed.wan_display(),
                        ytd: v.year_to_date.wan_display(),
                        at: format_time(v.replaced_at),
                        who: v.replaced_by.unwrap_or_else(|| "—".into()),
                        reason: v.reason,
                    })
                    .collect(),
                steps: h
                    .events
                    .into_iter()
                    .map(|e| {
                        let action = tr.t(match e.action.as_str() {
                            "save" => "reports.step.save",
                            "submit" => "reports.step.submit",
                            "approve" => "reports.step.approve",
                            "return" => "reports.step.return",
                            "revise" => "reports.step.revise",
                            "recompute" => "reports.step.recompute",
                            "confirm" => "reports.step.confirm",
                            "request" => "reports.step.request",
                            "request_returned" => "reports.step.request_returned",
                            "photo" => "reports.step.photo",
                            _ => "reports.step.other",
                        });
                        let mut line = format!(
                            "{} {} {}",
                            format_time(e.at),
                            e.actor.unwrap_or_else(|| "—".into()),
                            action
                        );
                        if let Some(note) = e.note {
                            line.push('：');
                            line.push_str(&note);
                        }
                        line
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The project's light on the page: as of the latest reported period.
pub struct LightView {
    code: &'static str,
    label: &'static str,
    as_of: String,
    rate: String,
    why: Vec<String>,
}

/// A field's value as the project page shows it: names for ids, labels for codes, 万元 amounts.
fn shown_value(p: &Project, field: Field, lang: Lang) -> String {
    let f = &p.fields;
    let wan = |m: Option<Money>| {
        m.map(|m| format!("{} 万元", m.wan_display()))
            .unwrap_or_default()
    };
    match field {
        Field::Unit => text_or_empty(&p.unit_name),
        Field::LeadDepartment => text_or_empty(&p.lead_department_name),
        Field::Region => text_or_empty(&p.region_name),
        Field::Stage => f
            .stage
            .map(|s| s.label(lang).to_string())
            .unwrap_or_default(),
        Field::Level => f
            .level
            .map(|s| s.label(lang).to_string())
            .unwrap_or_default(),
        Field::TotalInvestment => match f.total_investment {
            // Speeches use 亿元: show both once the amount is that large.
            Some(m) if m >= Money::from_wan(10_000) => {
                format!("{}（{} 亿元）", wan(Some(m)), m.yi_display())
            }
            m => wan(m),
        },
        Field::AnnualPlan => wan(f.annual_plan),
        Field::ExpectedOutput => wan(f.expected_output),
        Field::ExpectedTax => wan(f.expected_tax),
        _ => f.display_value(field),
    }
}

/// A recorded value as the history shows it: stages and levels in the page's language (the
/// history keeps their Chinese names), amounts with their unit.
fn history_value(field: Option<Field>, value: &str, lang: Lang) -> String {
    if value.is_empty() {
        return String::new();
    }
    match field {
        Some(Field::Stage) => {
            Stage::parse(value).map_or(value.to_string(), |s| s.label(lang).to_string())
        }
        Some(Field::Level) => {
            Level::parse(value).map_or(value.to_string(), |l| l.label(lang).to_string())
        }
        Some(
            Field::TotalInvestment | Field::AnnualPlan | Field::ExpectedOutput | Field::ExpectedTax,
        ) => match Money::parse(value, domain::AmountUnit::Wan) {
            Ok(Some(m)) => format!("{} 万元", m.wan_display()),
            _ => value.to_string(),
        },
        _ => value.to_string(),
    }
}

fn source_key(source: &str) -> &'static str {
    match source {
        "api" => "source.api",
        "import" => "source.import",
        "seed" => "source.seed",
        "assign" => "source.assign",
        "plan_adjustment" => "source.plan_adjustment",
        "carry_over" => "source.carry_over",
        _ => "source.web",
    }
}

pub async fn project(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    project_page(state, user, tr, &id).await
}

async fn project_page(state: AppState, user: SessionUser, tr: Tr, id: &str) -> PageResult {
    let id = parse_id(id)?;
    let p = policy::project_for(&state, &user, id).await?;
    let history = state.store.project_history(id).await?;
    let lang = tr.lang;
    let groups = FIELD_GROUPS
        .iter()
        .map(|(title, fields)| GroupView {
            title: tr.t(title),
            rows: fields
                .iter()
                .map(|f| (f.label(lang), shown_value(&p, *f, lang)))
                .collect(),
        })
        .collect();
    let history = history
        .into_iter()
        .map(|c| {
            let field = Field::from_key(&c.field);
            HistoryView {
                at: format_time(c.at),
                who: c.user_name.unwrap_or_else(|| "—".into()),
                field: match (field, c.field.as_str()) {
                    (Some(f), _) => f.label(lang),
                    (None, "_adjustment") => tr.t("adjust.list"),
                    _ => "",
                },
                created: c.field == "_created",
                note: c.field == "_adjustment",
                old: history_value(field, &c.old_value, lang),
                new: history_value(field, &c.new_value, lang),
                source: tr.t(source_key(&c.source)),
            }
        })
        .collect();
    let approval = crate::approvals::summary(&state, &p, lang).await?;
    let light = match state.store.latest_report_end().await? {
        Some(as_of) => state
            .store
            .project_status(p.id, as_of)
            .await?
            .and_then(|s| s.judgement)
            .map(|j| LightView {
                code: j.light.code(),
                label: j.light.label(lang),
                as_of: as_of.to_string(),
                rate: crate::status::percent(j.rate.to_f64()),
                why: j.why.iter().map(|w| w.get(lang)).collect(),
            }),
        None => None,
    };
    let reports = match p.fields.unit_id {
        Some(unit) if policy::may_read_unit_reports(&user, Some(unit)) => {
            let photos = state.store.project_photos(p.id).await?;
            report_views(state.store.project_reports(p.id).await?, &photos, unit, tr)
        }
        _ => Vec::new(),
    };
    let problems = crate::problems::project_lines(&state, &user, p.id, lang).await?;
    let can_raise = policy::may_raise_problem(&user, p.fields.unit_id);
    let may_edit = policy::editor(&user).may_edit(&p.fields);
    render(&ProjectTemplate {
        approval,
        light,
        reports,
        problems,
        can_raise,
        may_edit,
        may_adjust: may_edit && !policy::editor(&user).is_office(),
        user,
        id: p.id,
        name: p.fields.name.clone(),
        version: p.version,
        updated: format_time(p.updated_at),
        groups,
        history,
        tr,
    })
}

pub struct FormField {
    key: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    options: Vec<SelectOption>,
    error: Option<String>,
    hint: &'static str,
    required: bool,
    numeric: bool,
}

pub struct FormGroup {
    title: &'static str,
    fields: Vec<FormField>,
}

#[derive(Template)]
#[template(path = "project_form.html")]
struct FormTemplate {
    tr: Tr,
    user: SessionUser,
    heading: &'static str,
    id: i64,
    version: i64,
    groups: Vec<FormGroup>,
    has_errors: bool,
    conflict: bool,
    cancel_href: String,
}

/// The form as posted: the project's fields plus the version the editor started from.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectForm {
    #[serde(flatten)]
    pub input: ProjectInput,
    #[serde(default)]
    pub version: String,
}

struct FormState {
    id: i64,
    version: i64,
    input: ProjectInput,
    errors: Vec<FieldError>,
    conflict: bool,
    /// The errors are figures this user may not change (403, not 422).
    refused: bool,
}

/// What the form shows in a field: as typed (or as stored, on a first showing).
fn input_value(input: &ProjectInput, field: Field) -> String {
    match field {
        Field::Code => input.code.clone(),
        Field::Name => input.name.clone(),
        Field::Category => input.category.clone(),
        Field::Stage => input.stage.clone(),
        Field::Level => input.level.clone(),
        Field::Tags => input.tags.clone(),
        Field::Industry => input.industry.clone(),
        Field::Region => input.region_id.clone(),
        Field::Unit => input.unit_id.clone(),
        Field::LeadDepartment => input.lead_department_id.clone(),
        Field::LinkedLeader => input.linked_leader.clone(),
        Field::ServiceOfficer => input.service_officer.clone(),
        Field::Content => input.content.clone(),
        Field::TotalInvestment => input.total_investment_wan.clone(),
        Field::AnnualPlan => input.annual_plan_wan.clone(),
        Field::PlanPhases => input.plan_phases.clone(),
        Field::PlanYear => input.plan_year.clone(),
        Field::Period => input.period.clone(),
        Field::PlannedStart => input.planned_start.clone(),
        Field::PlannedCompletion => input.planned_completion.clone(),
        Field::PlannedProduction => input.planned_production.clone(),
        Field::ActualStart => input.actual_start.clone(),
        Field::ActualCompletion => input.actual_completion.clone(),
        Field::ActualProduction => input.actual_production.clone(),
        Field::Location => input.location.clone(),
        Field::FundingSources => input.funding_sources.clone(),
        Field::ExpectedOutput => input.expected_output_wan.clone(),
        Field::ExpectedTax => input.expected_tax_wan.clone(),
        Field::ExpectedJobs => input.expected_jobs.clone(),
        Field::Owner => input.owner.clone(),
        Field::Remarks => input.remarks.clone(),
    }
}

/// One field of the project form: its input kind and choices, the value, its error and hint.
fn form_field(field: Field, form: &FormState, lists: &crate::Lists, tr: &Tr) -> FormField {
    let lang = tr.lang;
    let value = input_value(&form.input, field);
    let (kind, options) = match field {
        Field::Stage => (
            "select",
            options(Stage::ALL.iter(), &value, |s| {
                (s.code().into(), s.label(lang).into())
            }),
        ),
        Field::Level => (
            "select",
            options(Level::ALL.iter(), &value, |s| {
                (s.code().into(), s.label(lang).into())
            }),
        ),
        Field::Category => {
            // A category typed in an imported sheet stays selectable.
            let mut categories: Vec<&str> = domain::project::CATEGORIES.to_vec();
            if !value.is_empty() && !categories.contains(&value.as_str()) {
                categories.push(&value);
            }
            let opts = options(categories.iter(), &value, |c| {
                (c.to_string(), c.to_string())
            });
            ("select", opts)
        }
        Field::Unit => ("select", unit_options(&lists.units, &value, false)),
        Field::LeadDepartment => ("select", unit_options(&lists.units, &value, true)),
        Field::Region => (
            "select",
            options(lists.regions.iter(), &value, |r| {
                (r.id.to_string(), r.name.clone())
            }),
        ),
        Field::Content | Field::Remarks | Field::PlanPhases => ("textarea", Vec::new()),
        _ => ("text", Vec::new()),
    };
    let hint = match field {
        Field::Tags | Field::FundingSources => tr.t("form.list_hint"),
        Field::Period => tr.t("form.period_hint"),
        Field::PlanPhases => tr.t("form.phases_hint"),
        Field::PlannedStart
        | Field::PlannedCompletion
        | Field::PlannedProduction
        | Field::ActualStart
        | Field::ActualCompletion
        | Field::ActualProduction => tr.t("form.date_hint"),
        _ => "",
    };
    let error = form
        .errors
        .iter()
        .find(|e| e.field == field.key())
        .map(|e| match lang {
            Lang::Zh => e.message_zh.clone(),
            Lang::En => e.message_en.clone(),
        });
    let numeric = matches!(
        field,
        Field::TotalInvestment
            | Field::AnnualPlan
            | Field::ExpectedOutput
            | Field::ExpectedTax
            | Field::ExpectedJobs
            | Field::PlanYear
    );
    FormField {
        key: field.key(),
        label: field.label(lang),
        kind,
        value,
        options,
        error,
        hint,
        required: field == Field::Name,
        numeric,
    }
}

async fn form_page(state: &AppState, user: SessionUser, tr: Tr, form: FormState) -> PageResult {
    let lists = state.lists().await?;
    let groups = FIELD_GROUPS
        .iter()
        .map(|(title, fields)| FormGroup {
            title: tr.t(title),
            fields: fields
                .iter()
                .map(|&field| form_field(field, &form, &lists, &tr))
                .collect(),
        })
        .collect();
    let status = if form.conflict {
        StatusCode::CONFLICT
    } else if form.refused {
        StatusCode::FORBIDDEN
    } else if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let template = FormTemplate {
        heading: tr.t(if form.id == 0 {
            "form.new"
        } else {
            "form.edit"
        }),
        user,
        id: form.id,
        version: form.version,
        has_errors: !form.errors.is_empty(),
        conflict: form.conflict,
        cancel_href: if form.id == 0 {
            "/projects".into()
        } else {
            format!("/projects/{}", form.id)
        },
        groups,
        tr,
    };
    Ok((status, Html(template.render()?)).into_response())
}

fn require_editor(user: &SessionUser) -> Result<(), AppError> {
    if policy::may_write_ledger(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
) -> PageResult {
    require_editor(&user)?;
    if !policy::may_create_project(&user) {
        return Err(AppError::Forbidden.into());
    }
    // A responsible unit creates projects for itself.
    let mut input = ProjectInput::default();
    if user.role == domain::Role::Responsible {
        input.unit_id = user.unit_id.to_string();
    }
    if let Some(scope) = &user.region {
        input.region_id = scope.id.to_string();
    }
    let form = FormState {
        id: 0,
        version: 0,
        input,
        errors: Vec::new(),
        conflict: false,
        refused: false,
    };
    form_page(&state, user, tr, form).await
}

/// Shows the form again with what the user must correct (field errors, or a conflict with a
/// newer version); any other outcome passes through.
async fn or_form_again(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    form: FormState,
    saved: Result<Response, AppError>,
) -> PageResult {
    match saved {
        Err(AppError::Validation(errors)) => {
            form_page(state, user, tr, FormState { errors, ..form }).await
        }
        Err(AppError::RefusedFields(errors)) => {
            form_page(
                state,
                user,
                tr,
                FormState {
                    errors,
                    refused: true,
                    ..form
                },
            )
            .await
        }
        Err(AppError::Conflict { .. }) => {
            form_page(
                state,
                user,
                tr,
                FormState {
                    conflict: true,
                    ..form
                },
            )
            .await
        }
        other => Ok(other?),
    }
}

pub async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    require_editor(&user)?;
    let saved = async {
        let fields = crate::checked_fields(&state.store, &form.input).await?;
        policy::check_project_change(&user, None, &fields)?;
        let p = state
            .store
            .create_project(&fields, Some(user.id), "web")
            .await?;
        Ok(layout::done(
            &format!("/projects/{}", p.id),
            "done.project_created",
            None,
        ))
    }
    .await;
    let again = FormState {
        id: 0,
        version: 0,
        input: form.input,
        errors: Vec::new(),
        conflict: false,
        refused: false,
    };
    or_form_again(&state, user, tr, again, saved).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    require_editor(&user)?;
    let id = parse_id(&id)?;
    let p = policy::project_for(&state, &user, id).await?;
    if !policy::editor(&user).may_edit(&p.fields) {
        return Err(AppError::Refused(policy::not_theirs()).into());
    }
    let form = FormState {
        id,
        version: p.version,
        input: ProjectInput::from_fields(&p.fields),
        errors: Vec::new(),
        conflict: false,
        refused: false,
    };
    form_page(&state, user, tr, form).await
}

pub async fn update(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    require_editor(&user)?;
    let id = parse_id(&id)?;
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return Err(AppError::BadRequest(domain::bi(
            "缺少版本号，请刷新页面后重试",
            "the form has no version; reload the page",
        ))
        .into());
    };
    let current = policy::project_for(&state, &user, id).await?;
    if !policy::editor(&user).may_edit(&current.fields) {
        return Err(AppError::Refused(policy::not_theirs()).into());
    }
    let saved = async {
        // A form read before someone else's save is a conflict, whatever it changes.
        if current.version != version {
            return Err(AppError::Conflict {
                current: current.version,
            });
        }
        let fields = crate::checked_fields(&state.store, &form.input).await?;
        policy::check_project_change(&user, Some(&current.fields), &fields)?;
        state
            .store
            .update_project(id, version, &fields, Some(user.id), "web")
            .await?;
        Ok(layout::done(
            &format!("/projects/{id}"),
            "done.project_saved",
            None,
        ))
    }
    .await;
    let again = FormState {
        id,
        version,
        input: form.input,
        errors: Vec::new(),
        conflict: false,
        refused: false,
    };
    or_form_again(&state, user, tr, again, saved).await
}

/// The ledger under the current filters as an .xlsx a clerk can forward.
pub async fn export(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Query(q): Query<LedgerQuery>,
) -> PageResult {
    let (mut filter, _) = q.to_filter();
    filter.within = policy::scope_filter(&user);
    let projects = state.store.projects_matching(&filter).await?;
    let bytes = crate::export_xlsx(&projects).map_err(|e| AppError::Internal(e.to_string()))?;
    let today = format_time(chrono::Utc::now().timestamp());
    let name = format!(
        "项目台账-{}.xlsx",
        today.get(..10).unwrap_or("").replace('-', "")
    );
    Ok(download(XLSX, &name, bytes))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(ledger))
        .route("/projects/export.xlsx", get(export))
        .route("/projects/new", get(new_form).post(create))
        .route("/projects/{id}", get(project))
        .route("/projects/{id}/edit", get(edit_form).post(update))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_values_follow_the_page_language() {
        assert_eq!(
            history_value(Some(Field::Stage), "在建", Lang::En),
            "Under construction"
        );
        assert_eq!(history_value(Some(Field::Stage), "在建", Lang::Zh), "在建");
        assert_eq!(
            history_value(Some(Field::TotalInvestment), "12000.5", Lang::Zh),
            "12,000.50 万元"
        );
        assert_eq!(history_value(Some(Field::Name), "x", Lang::En), "x");
        assert_eq!(history_value(Some(Field::Stage), "", Lang::En), "");
    }

    #[test]
    fn encodes_urls() {
        assert_eq!(
            url_encode("/projects?q=污水"),
            "/projects%3Fq%3D%E6%B1%A1%E6%B0%B4"
        );
    }

    #[test]
    fn bad_filters_are_reported_and_ignored() {
        let q = LedgerQuery {
            stage: "在建".into(),
            min: "abc".into(),
            unit: "x".into(),
            sort: "total_investment".into(),
            order: "desc".into(),
            ..LedgerQuery::default()
        };
        let (f, notices) = q.to_filter();
        assert_eq!(f.stage, Some(Stage::UnderConstruction));
        assert_eq!(f.sort, SortColumn::TotalInvestment);
        assert_eq!(f.order, SortOrder::Desc);
        assert_eq!((f.min_total, f.unit_id), (None, None));
        assert_eq!(notices.len(), 2);
    }
}
