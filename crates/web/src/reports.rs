//! Periodic reports on the web: the lead office's overview of a period, one page per unit
//! where the unit fills all its projects' reports and the lead office reviews them, and the
//! JSON API behind the same rules.
//!
//! Scoping: a responsible unit reads and files only its own projects' reports; the lead office
//! and the administrator file, review and correct every unit's; the other roles read.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::{Form, extract::rejection::JsonRejection};
use chrono::Datelike;
use domain::dates::{Edge, parse_date};
use domain::money::AmountUnit;
use domain::progress::Period;
use domain::{Bilingual, Lang, Money, Role, bi};
use serde::{Deserialize, Serialize};
use store::{
    FiledReport, Filing, FilingOptions, PeriodReport, ReportEntry, ReportState, Review,
    SessionUser, StoreError, UnitReporting,
};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{AppError, PageResult, parse_id};
use crate::i18n::Tr;
use crate::pages::{render, render_form, today};
use crate::{layout, policy};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

/// The refusal when a responsible unit asks for another unit's reports.
fn own_unit_only() -> AppError {
    AppError::Refused(bi(
        "只能查看本单位的报告",
        "you may read your own unit's reports only",
    ))
}

fn parse_period(text: &str) -> Result<Period, AppError> {
    Period::parse(text).map_err(AppError::BadRequest)
}

/// The period a page opens on: the latest reported one (a month, or its ten-day part when the
/// campaign reports ten-daily), else last month.
async fn default_period(state: &AppState) -> Result<Period, AppError> {
    let day = match state.store.latest_report_end().await? {
        Some(d) => d,
        None => state
            .today()
            .with_day(1)
            .and_then(|d| d.pred_opt())
            .unwrap_or_else(today),
    };
    let part = match state.store.judging(day).await?.cadence {
        domain::progress::Cadence::Monthly => None,
        domain::progress::Cadence::TenDaily => Some(match day.day() {
            1..=10 => 1,
            11..=20 => 2,
            _ => 3,
        }),
    };
    Ok(Period {
        year: day.year(),
        month: day.month(),
        part,
    })
}

fn state_label(state: Option<ReportState>, lang: Lang) -> &'static str {
    match state {
        Some(s) => s.label(lang),
        None => match lang {
            Lang::Zh => "未报",
            Lang::En => "Not reported",
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The overview

pub struct OverviewRow {
    unit_id: i64,
    unit: String,
    due: usize,
    submitted: usize,
    approved: usize,
    draft: usize,
    returned: usize,
    missing: usize,
    late: usize,
}

#[derive(Template)]
#[template(path = "reports_overview.html")]
struct OverviewTemplate {
    tr: Tr,
    user: SessionUser,
    period: String,
    period_label: String,
    deadline: String,
    rows: Vec<OverviewRow>,
    totals: OverviewRow,
    /// Units with reports still missing, when this user may remind them all at once (催报).
    chase: Option<usize>,
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
}

/// `/reports`: every unit's progress with the period's reports; a responsible unit goes
/// straight to its own form.
pub async fn overview(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let period = if q.period.trim().is_empty() {
        default_period(&state).await?
    } else {
        parse_period(&q.period)?
    };
    if policy::files_reports(&user) {
        return Ok(
            Redirect::to(&format!("/reports/{}/units/{}", period.key(), user.unit_id))
                .into_response(),
        );
    }
    let units = state.store.period_overview(&period).await?;
    let row = |u: &UnitReporting| OverviewRow {
        unit_id: u.unit_id,
        unit: u.unit.clone(),
        due: u.due,
        submitted: u.submitted,
        approved: u.approved,
        draft: u.draft,
        returned: u.returned,
        missing: u.unreported,
        late: u.late,
    };
    let mut total = UnitReporting::default();
    for u in &units {
        total.due += u.due;
        total.submitted += u.submitted;
        total.approved += u.approved;
        total.draft += u.draft;
        total.returned += u.returned;
        total.late += u.late;
        total.due_in += u.due_in;
        total.unreported += u.unreported;
    }
    let chase =
        policy::chases_reports(&user).then(|| units.iter().filter(|u| u.missing() > 0).count());
    render(&OverviewTemplate {
        user,
        period: period.key(),
        period_label: period_label(&period, tr.lang),
        deadline: period.deadline().map(|d| d.to_string()).unwrap_or_default(),
        rows: units.iter().map(row).collect(),
        totals: row(&total),
        chase,
        tr,
    })
}

/// `POST /reports/{period}/chase`: the lead office's one-tap 催报 — every unit still missing
/// reports of the period is reminded now on every channel, once a day.
async fn chase(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(period): Path<String>,
) -> PageResult {
    if !policy::chases_reports(&user) {
        return Err(AppError::Forbidden.into());
    }
    let period = parse_period(&period)?;
    let holder = format!("page:{}", user.username);
    let sent = notify::chase_reports(
        &state.store,
        &state.notifier.sender,
        &period,
        state.today(),
        &holder,
    )
    .await?;
    let units: std::collections::BTreeSet<i64> = sent.iter().filter_map(|m| m.unit_id).collect();
    let back = format!("/reports?period={}", period.key());
    Ok(if units.is_empty() {
        layout::done(&back, "done.chased_none", None)
    } else {
        layout::done(&back, "done.chased", Some(units.len() as i64))
    })
}

/// A period as a page names it: 2025年6月 (zh), 2025-06 (en).
pub(crate) fn period_label(period: &Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => period.label_zh(),
        Lang::En => period.key(),
    }
}

// ---------------------------------------------------------------------------------------------
// One unit's reports of a period

pub struct FormRow {
    project_id: i64,
    name: String,
    plan: String,
    previous: String,
    completed: String,
    ytd: String,
    /// The amounts as read (with separators), beside the inputs' plain numbers.
    completed_shown: String,
    ytd_shown: String,
    /// Year to date over the annual plan ("" without a plan or a report).
    rate: String,
    started: bool,
    halted: bool,
    actual_start: String,
    progress: String,
    problems: String,
    reason: String,
    version: String,
    report_id: i64,
    state: &'static str,
    state_label: &'static str,
    late: bool,
    /// Why the report was returned, while it stands returned (a resubmitted report no longer
    /// shows it as if current).
    review_note: String,
    locked: bool,
    reviewable: bool,
    /// 上期已更正, waiting for the lead office to confirm.
    prior_corrected: bool,
    /// "第2版" from the second version on.
    revision: String,
    /// 异常提示: each flag's kind and message.
    flags: Vec<(&'static str, String)>,
    /// A pending 更正申请: its id, version and what it asks, in words.
    correction: Option<(i64, i64, String)>,
    /// The report's photos (id, name), shown beside the figures to the reviewer.
    photos: Vec<(i64, String)>,
    /// Ticked for review (kept when the page comes back with an error).
    picked: bool,
    /// The return reason typed for this row.
    return_reason: String,
    /// What is wrong with this row as typed.
    error: String,
}

#[derive(Template)]
#[template(path = "reports_unit.html")]
struct UnitTemplate {
    tr: Tr,
    user: SessionUser,
    period: String,
    period_label: String,
    deadline: String,
    unit_id: i64,
    unit: String,
    rows: Vec<FormRow>,
    /// The unit's editable form (the unit itself, or the office that chose to correct).
    filing: bool,
    /// The lead office's read-only review with its decision controls.
    reviewing: bool,
    /// The office may switch between reviewing and correcting.
    can_correct: bool,
    overview_link: bool,
    shared_reason: String,
    errors: Vec<String>,
    notice: String,
}

#[derive(Deserialize)]
pub struct UnitQuery {
    #[serde(default)]
    done: String,
    /// `1`: the office opens the unit's form to correct it, instead of reviewing.
    #[serde(default)]
    edit: String,
}

/// A unit's reports of a period, as stored.
struct UnitPeriod {
    period: Period,
    unit_id: i64,
    unit: String,
    rows: Vec<PeriodReport>,
}

/// Loads a unit's period after checking the user may read it.
async fn unit_rows(
    state: &AppState,
    user: &SessionUser,
    period: &str,
    unit: &str,
) -> Result<UnitPeriod, AppError> {
    let period = parse_period(period)?;
    let unit_id = parse_id(unit)?;
    if !policy::may_read_unit_reports(user, Some(unit_id)) {
        return Err(own_unit_only());
    }
    let unit_name = state
        .store
        .units()
        .await?
        .into_iter()
        .find(|u| u.id == unit_id)
        .map(|u| u.name)
        .ok_or(AppError::NotFound)?;
    let rows = state.store.period_reports(&period, Some(unit_id)).await?;
    Ok(UnitPeriod {
        period,
        unit_id,
        unit: unit_name,
        rows,
    })
}

/// "第2版" (zh) or "rev. 2" (en), from the second version on.
fn revision_label(revision: i64, lang: Lang) -> String {
    match (revision > 1, lang) {
        (false, _) => String::new(),
        (true, Lang::Zh) => format!("第{revision}版"),
        (true, Lang::En) => format!("rev. {revision}"),
    }
}

fn form_row(p: &PeriodReport, can_review: bool, lang: domain::Lang) -> FormRow {
    let r = p.report.as_ref();
    let rate = match (r, p.annual_plan) {
        (Some(r), Some(plan)) if plan.fen() > 0 => format!(
            "{:.1}%",
            r.year_to_date.fen() as f64 * 100.0 / plan.fen() as f64
        ),
        _ => String::new(),
    };
    FormRow {
        project_id: p.project_id,
        name: p.name.clone(),
        plan: p.annual_plan.map(|m| m.wan_display()).unwrap_or_default(),
        previous: p.previous_ytd.wan_display(),
        completed: r.map(|r| r.completed.wan_string()).unwrap_or_default(),
        ytd: r.map(|r| r.year_to_date.wan_string()).unwrap_or_default(),
        completed_shown: r.map(|r| r.completed.wan_display()).unwrap_or_default(),
        ytd_shown: r.map(|r| r.year_to_date.wan_display()).unwrap_or_default(),
        rate,
        started: r.is_some_and(|r| r.started),
        halted: r.is_some_and(|r| r.halted == Some(true)),
        actual_start: r
            .and_then(|r| r.actual_start)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        progress: r.and_then(|r| r.progress.clone()).unwrap_or_default(),
        problems: r.and_then(|r| r.problems.clone()).unwrap_or_default(),
        reason: String::new(),
        version: r.map(|r| r.version.to_string()).unwrap_or_default(),
        report_id: r.map_or(0, |r| r.id),
        state: r.map_or("missing", |r| r.state.code()),
        state_label: state_label(r.map(|r| r.state), lang),
        late: r.is_some_and(|r| r.late),
        review_note: r
            .filter(|r| r.state == ReportState::Returned)
            .and_then(|r| r.review_note.clone())
            .unwrap_or_default(),
        locked: r.is_some_and(|r| r.state == ReportState::Approved),
        reviewable: can_review
            && r.is_some_and(|r| {
                r.state == ReportState::Submitted
                    || (r.state == ReportState::Approved && r.prior_corrected)
            }),
        prior_corrected: r.is_some_and(|r| r.prior_corrected),
        revision: revision_label(r.map_or(0, |r| r.revision), lang),
        flags: p
            .flags
            .iter()
            .map(|f| (f.kind.code(), f.message.get(lang).to_string()))
            .collect(),
        correction: p.correction.as_ref().map(|c| {
            let text = match lang {
                domain::Lang::Zh => format!(
                    "本期 {} → {}，累计 {} → {} 万元；原因：{}",
                    c.completed.wan_display(),
                    c.new_completed.wan_display(),
                    c.year_to_date.wan_display(),
                    c.new_year_to_date.wan_display(),
                    c.reason
                ),
                domain::Lang::En => format!(
                    "period {} → {}, year to date {} → {} (10k yuan); reason: {}",
                    c.completed.wan_display(),
                    c.new_completed.wan_display(),
                    c.year_to_date.wan_display(),
                    c.new_year_to_date.wan_display(),
                    c.reason
                ),
            };
            (c.id, c.version, text)
        }),
        photos: Vec::new(),
        picked: false,
        return_reason: String::new(),
        error: String::new(),
    }
}

/// What a unit's page shows besides the stored reports: the form as typed or the review as
/// ticked (after an error), the messages, and whether the office corrects instead of reviewing.
#[derive(Default)]
struct Shown<'a> {
    typed: Option<&'a FilingForm>,
    review: Option<&'a ReviewForm>,
    /// The office opened the form to correct.
    edit: bool,
    errors: Vec<String>,
    /// Errors beside a row, by project.
    row_errors: HashMap<i64, String>,
    notice: String,
}

impl Shown<'_> {
    /// A row as this showing has it: what was typed into it, whether it was ticked and its
    /// return reason, and its error.
    fn fill(&self, row: &mut FormRow, project_id: i64) {
        if let Some(typed) = self.typed.and_then(|f| f.rows.get(&project_id)) {
            row.completed = typed.completed.clone();
            row.ytd = typed.ytd.clone();
            row.started = typed.started;
            row.halted = typed.halted;
            row.actual_start = typed.actual_start.clone();
            row.progress = typed.progress.clone();
            row.problems = typed.problems.clone();
            row.reason = typed.reason.clone();
        }
        if let Some(review) = self.review {
            row.picked = review.picks.iter().any(|(id, _)| *id == row.report_id);
            row.return_reason = review
                .reasons
                .get(&row.report_id)
                .cloned()
                .unwrap_or_default();
        }
        row.error = self
            .row_errors
            .get(&project_id)
            .cloned()
            .unwrap_or_default();
    }

    /// The page's errors: how many rows need correcting first, then the others.
    fn all_errors(&self, lang: Lang) -> Vec<String> {
        let mut errors = self.errors.clone();
        if !self.row_errors.is_empty() {
            errors.insert(
                0,
                match lang {
                    Lang::Zh => format!(
                        "有 {} 个项目填写有误，请按各行提示修改",
                        self.row_errors.len()
                    ),
                    Lang::En => format!(
                        "{} rows need correcting: see each row",
                        self.row_errors.len()
                    ),
                },
            );
        }
        errors
    }
}

async fn unit_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    unit_period: UnitPeriod,
    shown: Shown<'_>,
) -> PageResult {
    let UnitPeriod {
        period,
        unit_id,
        unit,
        rows,
    } = unit_period;
    let period = &period;
    let actor = policy::report_actor(&user);
    let may_file = actor.is_some_and(|a| a.unit.is_none_or(|u| u == unit_id));
    let can_review = actor.is_some_and(|a| a.reviewer);
    // The reviewer reviews; the unit's form is theirs to fill, or the office's to correct when
    // it asks for it.
    let filing = may_file && (!can_review || shown.edit || shown.typed.is_some());
    let reviewing = can_review && !filing;
    let mut photos: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    if reviewing {
        for p in state.store.period_photos(&period.key(), unit_id).await? {
            photos.entry(p.report_id).or_default().push((p.id, p.name));
        }
    }
    let mut form_rows: Vec<FormRow> = rows
        .iter()
        .map(|p| {
            let mut row = form_row(p, can_review, tr.lang);
            row.photos = photos.remove(&row.report_id).unwrap_or_default();
            shown.fill(&mut row, p.project_id);
            row
        })
        .collect();
    // The reviewer sees what waits for a decision first; the unit what it still has to file.
    if reviewing {
        form_rows.sort_by_key(|r| !r.reviewable);
    } else {
        form_rows.sort_by_key(|r| r.locked);
    }
    let invalid = !shown.errors.is_empty() || !shown.row_errors.is_empty();
    let errors = shown.all_errors(tr.lang);
    render_form(
        &UnitTemplate {
            overview_link: !policy::files_reports(&user),
            user,
            period: period.key(),
            period_label: period_label(period, tr.lang),
            deadline: period.deadline().map(|d| d.to_string()).unwrap_or_default(),
            unit_id,
            unit,
            rows: form_rows,
            filing,
            reviewing,
            can_correct: can_review && may_file,
            shared_reason: shown.review.map(|r| r.reason.clone()).unwrap_or_default(),
            errors,
            notice: shown.notice,
            tr,
        },
        invalid,
    )
}

/// `/reports/{period}/units/{unit}`: the unit's projects of the period — the unit's form to
/// fill and submit, or the lead office's review (`?edit=1`: the form, to correct).
pub async fn unit_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<UnitQuery>,
) -> PageResult {
    let shown_period = unit_rows(&state, &user, &period, &unit).await?;
    let rows = &shown_period.rows;
    let mut notice = match q.done.as_str() {
        "save" => tr.t("reports.saved"),
        "submit" => tr.t("reports.submitted"),
        "approve" => tr.t("reports.approved"),
        "return" => tr.t("reports.returned"),
        "request" => tr.t("reports.requested"),
        "decided" => tr.t("reports.correction_decided"),
        _ => "",
    }
    .to_string();
    // A submission that left projects unreported names them.
    if q.done == "submit" {
        let left: Vec<&str> = rows
            .iter()
            .filter(|p| {
                p.report
                    .as_ref()
                    .is_none_or(|r| matches!(r.state, ReportState::Draft | ReportState::Returned))
            })
            .map(|p| p.name.as_str())
            .collect();
        if !left.is_empty() {
            notice.push_str(&match tr.lang {
                Lang::Zh => format!(
                    "。以下 {} 个项目本期仍未报送：{}",
                    left.len(),
                    left.join("、")
                ),
                Lang::En => format!(
                    ". Still not reported this period ({}): {}",
                    left.len(),
                    left.join(", ")
                ),
            });
        }
    }
    unit_page(
        &state,
        tr,
        user,
        shown_period,
        Shown {
            edit: q.edit == "1",
            notice,
            ..Shown::default()
        },
    )
    .await
}

/// One project's row of a unit's form, as typed.
#[derive(Debug, Clone, Default)]
pub struct RowInput {
    completed: String,
    ytd: String,
    started: bool,
    halted: bool,
    actual_start: String,
    progress: String,
    problems: String,
    version: String,
    reason: String,
}

/// A unit's form as posted: per project `c_{id}` (本期完成), `y_` (累计), `s_` (已开工), `h_`
/// (停工), `d_` (实际开工), `p_` (形象进度), `q_` (存在问题), `v_` (the version read), `r_`
/// (the reason of a correction); `action` save | submit.
#[derive(Debug, Default)]
pub struct FilingForm {
    submit: bool,
    rows: HashMap<i64, RowInput>,
}

impl From<Vec<(String, String)>> for FilingForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = FilingForm::default();
        for (key, value) in fields {
            if key == "action" {
                form.submit = value == "submit";
                continue;
            }
            let Some((prefix, id)) = key.split_once('_') else {
                continue;
            };
            let Ok(id) = id.parse::<i64>() else { continue };
            let row = form.rows.entry(id).or_default();
            let value = value.trim().to_string();
            match prefix {
                "c" => row.completed = value,
                "y" => row.ytd = value,
                "s" => row.started = !value.is_empty(),
                "h" => row.halted = !value.is_empty(),
                "d" => row.actual_start = value,
                "p" => row.progress = value,
                "q" => row.problems = value,
                "v" => row.version = value,
                "r" => row.reason = value,
                _ => {}
            }
        }
        form
    }
}

impl FilingForm {
    fn filing(&self) -> Filing {
        if self.submit {
            Filing::Submit
        } else {
            Filing::Save
        }
    }

    /// The entries this form files against the stored reports: rows whose values differ from
    /// the stored report, and on submit also the drafts and returned reports as they stand.
    /// When both amounts are shown and the clerk changed one, the other (unchanged) is left to
    /// be derived. What cannot be read comes back by project.
    fn entries(
        &self,
        rows: &[PeriodReport],
        lang: Lang,
    ) -> Result<Vec<ReportEntry>, HashMap<i64, String>> {
        let mut entries = Vec::new();
        let mut errors = HashMap::new();
        let none = RowInput::default();
        for p in rows {
            let typed = self.rows.get(&p.project_id).unwrap_or(&none);
            let money = |text: &str| Money::parse(text, AmountUnit::Wan);
            let (completed, ytd) = match (money(&typed.completed), money(&typed.ytd)) {
                (Ok(c), Ok(y)) => (c, y),
                (Err(m), _) | (_, Err(m)) => {
                    errors.insert(p.project_id, m.get(lang).to_string());
                    continue;
                }
            };
            let actual_start = match parse_date(&typed.actual_start, Edge::Start) {
                Ok(d) => d,
                Err(m) => {
                    errors.insert(p.project_id, m.get(lang).to_string());
                    continue;
                }
            };
            let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
            let mut entry = ReportEntry {
                project_id: p.project_id,
                completed,
                year_to_date: ytd,
                started: Some(typed.started),
                halted: Some(typed.halted),
                actual_start,
                stage: None,
                // Always given: an emptied field clears what was there.
                progress: Some(typed.progress.clone()),
                problems: Some(typed.problems.clone()),
                version: typed.version.parse().ok(),
                reason: text(&typed.reason),
            };
            match &p.report {
                None => {
                    let empty = entry.completed.is_none()
                        && entry.year_to_date.is_none()
                        && typed.progress.is_empty()
                        && typed.problems.is_empty()
                        && entry.started != Some(true);
                    if empty {
                        continue;
                    }
                }
                Some(r) => {
                    let same_amounts = entry.completed == Some(r.completed)
                        && entry.year_to_date == Some(r.year_to_date);
                    let unchanged = same_amounts
                        && entry.started == Some(r.started)
                        && entry.halted.unwrap_or(false) == r.halted.unwrap_or(false)
                        && entry.actual_start == r.actual_start
                        && text(&typed.progress) == r.progress
                        && text(&typed.problems) == r.problems;
                    let pending = matches!(r.state, ReportState::Draft | ReportState::Returned);
                    if unchanged && !(self.submit && pending) {
                        continue;
                    }
                    if entry.completed == Some(r.completed)
                        && entry.year_to_date != Some(r.year_to_date)
                    {
                        entry.completed = None;
                    } else if entry.year_to_date == Some(r.year_to_date)
                        && entry.completed != Some(r.completed)
                    {
                        entry.year_to_date = None;
                    }
                }
            }
            entries.push(entry);
        }
        if errors.is_empty() {
            Ok(entries)
        } else {
            Err(errors)
        }
    }
}

/// Saves or submits a unit's form.
pub async fn file_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path((period, unit)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = FilingForm::from(fields);
    let lang = tr.lang;
    let shown_period = unit_rows(&state, &user, &period, &unit).await?;
    let (period, unit_id, rows) = (
        shown_period.period,
        shown_period.unit_id,
        &shown_period.rows,
    );
    let actor = policy::report_actor(&user)
        .filter(|a| a.unit.is_none_or(|u| u == unit_id))
        .ok_or(AppError::Forbidden)?;
    let shown = match form.entries(rows, lang) {
        Err(row_errors) => Shown {
            row_errors,
            ..Shown::default()
        },
        Ok(entries) if entries.is_empty() => Shown {
            errors: vec![tr.t("reports.nothing").to_string()],
            ..Shown::default()
        },
        Ok(entries) => {
            let options = FilingOptions {
                filing: form.filing(),
                source: "web",
                check_versions: true,
                dry_run: false,
                today: state.today(),
            };
            let errors = match state
                .store
                .file_reports(period, &entries, &actor, options)
                .await
            {
                Ok(filed) => {
                    let done = if filed.iter().any(|f| f.requested) {
                        "request"
                    } else if form.submit {
                        "submit"
                    } else {
                        "save"
                    };
                    return Ok(Redirect::to(&format!(
                        "/reports/{}/units/{unit_id}?done={done}",
                        period.key()
                    ))
                    .into_response());
                }
                Err(StoreError::Invalid(messages)) => {
                    messages.iter().map(|m| m.get(lang).to_string()).collect()
                }
                Err(StoreError::Rule(m)) => vec![m.get(lang).to_string()],
                Err(e) => return Err(AppError::from(e).into()),
            };
            Shown {
                errors,
                ..Shown::default()
            }
        }
    };
    unit_page(
        &state,
        tr,
        user,
        shown_period,
        Shown {
            typed: Some(&form),
            ..shown
        },
    )
    .await
}

/// The lead office's review as posted: `pick` (report ids, with `rv_{id}`, the version read),
/// `reason_{id}` (a return's reason for that row) or `reason` (for every row without one), and
/// `action` approve | return.
#[derive(Debug, Default)]
pub struct ReviewForm {
    approve: bool,
    picks: Vec<(i64, Option<i64>)>,
    reasons: HashMap<i64, String>,
    reason: String,
}

impl TryFrom<Vec<(String, String)>> for ReviewForm {
    type Error = AppError;

    fn try_from(fields: Vec<(String, String)>) -> Result<Self, AppError> {
        let mut form = ReviewForm::default();
        let mut seen: HashMap<i64, i64> = HashMap::new();
        for (key, value) in fields {
            match key.as_str() {
                "action" => form.approve = value == "approve",
                "reason" => form.reason = value.trim().to_string(),
                // A pick that is not a report id is a report that does not exist.
                "pick" => form
                    .picks
                    .push((value.trim().parse().map_err(|_| AppError::NotFound)?, None)),
                _ => {
                    if let Some(id) = key.strip_prefix("rv_").and_then(|id| id.parse().ok()) {
                        if let Ok(v) = value.trim().parse() {
                            seen.insert(id, v);
                        }
                    } else if let Some(id) =
                        key.strip_prefix("reason_").and_then(|id| id.parse().ok())
                    {
                        form.reasons.insert(id, value.trim().to_string());
                    }
                }
            }
        }
        for (id, version) in &mut form.picks {
            *version = seen.get(id).copied();
        }
        Ok(form)
    }
}

impl ReviewForm {
    /// Each ticked report with the version read (else the stored one) and its decision.
    fn decisions(&self, stored: &HashMap<i64, i64>) -> Result<Vec<(i64, i64, Review)>, AppError> {
        self.picks
            .iter()
            .map(|(id, seen)| {
                let stored = stored.get(id).ok_or(AppError::NotFound)?;
                let review = if self.approve {
                    Review::Approve
                } else {
                    let own = self.reasons.get(id).filter(|r| !r.is_empty());
                    Review::Return(own.unwrap_or(&self.reason).clone())
                };
                Ok((*id, seen.unwrap_or(*stored), review))
            })
            .collect()
    }
}

/// Approves or returns the ticked reports of a unit, each return with its reason.
pub async fn review_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path((period, unit)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = ReviewForm::try_from(fields)?;
    let lang = tr.lang;
    let shown_period = unit_rows(&state, &user, &period, &unit).await?;
    let (period, unit_id, rows) = (
        shown_period.period,
        shown_period.unit_id,
        &shown_period.rows,
    );
    let actor = policy::report_actor(&user)
        .filter(|a| a.reviewer)
        .ok_or(AppError::Forbidden)?;
    let stored: HashMap<i64, i64> = rows
        .iter()
        .filter_map(|p| p.report.as_ref().map(|r| (r.id, r.version)))
        .collect();
    let decisions = form.decisions(&stored)?;
    let refused = if decisions.is_empty() {
        tr.t("reports.pick_none").to_string()
    } else {
        match state.store.review_each(&decisions, &actor).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/reports/{}/units/{unit_id}?done={}",
                    period.key(),
                    if form.approve { "approve" } else { "return" }
                ))
                .into_response());
            }
            Err(StoreError::Rule(m)) => m.get(lang).to_string(),
            Err(e) => return Err(AppError::from(e).into()),
        }
    };
    unit_page(
        &state,
        tr,
        user,
        shown_period,
        Shown {
            review: Some(&form),
            errors: vec![refused],
            ..Shown::default()
        },
    )
    .await
}

/// The lead office's decision on a 更正申请, from the unit's page.
#[derive(Debug, Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    version: String,
    /// approve | return
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// `POST /reports/corrections/{id}`: the lead office approves or returns a unit's 更正申请 from
/// the unit's page.
pub async fn correction_form(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<CorrectionForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    let actor = policy::report_actor(&user)
        .filter(|a| a.reviewer)
        .ok_or(AppError::Forbidden)?;
    let asked = state
        .store
        .pending_corrections(None, None)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    let back = |done: &str| {
        format!(
            "/reports/{}/units/{}?done={done}",
            asked.period,
            asked.unit_id.unwrap_or(0)
        )
    };
    let version = form.version.trim().parse::<i64>().unwrap_or(asked.version);
    let review = if form.action == "approve" {
        Review::Approve
    } else {
        Review::Return(form.reason.trim().to_string())
    };
    match state
        .store
        .decide_correction(id, version, &review, &actor, state.today())
        .await
    {
        Ok(()) => Ok(Redirect::to(&back("decided")).into_response()),
        Err(StoreError::Rule(m)) => Err(AppError::BadRequest(m).into()),
        Err(StoreError::Invalid(ms)) => Err(AppError::BadRequest(domain::bi(
            ms.iter()
                .map(|m| m.zh.clone())
                .collect::<Vec<_>>()
                .join("；"),
            ms.iter()
                .map(|m| m.en.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ))
        .into()),
        Err(e) => Err(AppError::from(e).into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON API

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiPeriodQuery {
    /// `2025-06`, or `2025-06-上旬` for a ten-day period.
    period: String,
    /// A unit's id; a responsible unit may only name its own (and gets it by default).
    unit: Option<i64>,
}

/// One project of a period with its report (amounts in 万元).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiPeriodReport {
    project_id: i64,
    code: Option<String>,
    name: String,
    unit: Option<String>,
    plan_wan: Option<f64>,
    previous_ytd_wan: f64,
    report: Option<ApiStoredReport>,
    /// 异常提示 on the report's figures.
    flags: Vec<ApiFlag>,
    /// The id of a pending 更正申请 of the approved report (see `/api/reports/corrections`).
    correction_pending: Option<i64>,
}

/// One 异常提示: `kind` (`over_plan`, `spike`, `repeated`, …) and what it says.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiFlag {
    kind: &'static str,
    message_zh: String,
    message_en: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiStoredReport {
    id: i64,
    /// draft, submitted, returned, approved.
    state: &'static str,
    version: i64,
    revision: i64,
    completed_wan: f64,
    ytd_wan: f64,
    started: bool,
    actual_start: Option<String>,
    /// The stage reached, as a code.
    stage: Option<&'static str>,
    progress: Option<String>,
    problems: Option<String>,
    late: bool,
    review_note: Option<String>,
    /// 停工 (`true`) or 在建/复工 (`false`), when the report says.
    halted: Option<bool>,
    /// 上期已更正: its year to date was recomputed after an earlier period's correction, and the
    /// lead office has not confirmed it yet.
    prior_corrected: bool,
}

/// `GET /api/reports?period=2025-06[&unit=ID]`
#[utoipa::path(get, path = "/api/reports", params(ApiPeriodQuery), tag = "reports",
    responses((status = 200, body = Vec<ApiPeriodReport>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ApiPeriodQuery>,
) -> Result<Json<Vec<ApiPeriodReport>>, AppError> {
    let period = parse_period(&q.period)?;
    let unit = match (user.role, q.unit) {
        (Role::Responsible, None) => Some(user.unit_id),
        (_, u) => u,
    };
    if !policy::may_read_unit_reports(&user, unit) {
        return Err(own_unit_only());
    }
    let rows = state.store.period_reports(&period, unit).await?;
    Ok(Json(
        rows.into_iter()
            .map(|p| ApiPeriodReport {
                project_id: p.project_id,
                code: p.code,
                name: p.name,
                unit: p.unit,
                plan_wan: p.annual_plan.map(Money::wan_f64),
                previous_ytd_wan: p.previous_ytd.wan_f64(),
                flags: p
                    .flags
                    .iter()
                    .map(|f| ApiFlag {
                        kind: f.kind.code(),
                        message_zh: f.message.zh.clone(),
                        message_en: f.message.en.clone(),
                    })
                    .collect(),
                correction_pending: p.correction.as_ref().map(|c| c.id),
                report: p.report.map(|r| ApiStoredReport {
                    id: r.id,
                    state: r.state.code(),
                    version: r.version,
                    revision: r.revision,
                    completed_wan: r.completed.wan_f64(),
                    ytd_wan: r.year_to_date.wan_f64(),
                    started: r.started,
                    actual_start: r.actual_start.map(|d| d.to_string()),
                    stage: r.stage.map(domain::Stage::code),
                    progress: r.progress,
                    problems: r.problems,
                    late: r.late,
                    review_note: r.review_note,
                    prior_corrected: r.prior_corrected,
                    halted: r.halted,
                }),
            })
            .collect(),
    ))
}

/// One report to file. Amounts are decimal text in 万元 (exact), either may be left out.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiEntry {
    project_id: i64,
    completed_wan: Option<String>,
    ytd_wan: Option<String>,
    /// Left out: as the period's (or the latest earlier) report said.
    started: Option<bool>,
    /// 停工 (`true`) or 在建/复工 (`false`); left out keeps what the report said.
    #[serde(default)]
    halted: Option<bool>,
    actual_start: Option<String>,
    /// The stage reached (code or 中文 label: under_construction / 在建, to_complete / 计划竣工 …).
    stage: Option<String>,
    progress: Option<String>,
    problems: Option<String>,
    /// The version read; leave out when there was no report.
    version: Option<i64>,
    /// Required to correct an approved (locked) report.
    reason: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiFiling {
    period: String,
    /// `true` submits for review; `false` saves drafts.
    #[serde(default)]
    submit: bool,
    reports: Vec<ApiEntry>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiFiled {
    project_id: i64,
    report_id: i64,
    state: &'static str,
    version: i64,
    revision: i64,
    completed_wan: f64,
    ytd_wan: f64,
    /// A unit's correction of an approved report, filed as a 更正申请 for the lead office; the
    /// figures given are still the approved ones.
    requested: bool,
}

impl From<FiledReport> for ApiFiled {
    fn from(f: FiledReport) -> Self {
        ApiFiled {
            project_id: f.project_id,
            report_id: f.report_id,
            state: f.state.code(),
            version: f.version,
            revision: f.revision,
            completed_wan: f.completed.wan_f64(),
            ytd_wan: f.year_to_date.wan_f64(),
            requested: f.requested,
        }
    }
}

pub(crate) fn bad_json(rejection: JsonRejection) -> AppError {
    AppError::BadRequest(bi(
        format!("请求内容无效：{}", rejection.body_text()),
        format!("invalid request body: {}", rejection.body_text()),
    ))
}

/// `POST /api/reports`: files a period's reports, all or none.
#[utoipa::path(post, path = "/api/reports", request_body = ApiFiling, tag = "reports",
    responses((status = 200, body = Vec<ApiFiled>), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_file(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<ApiFiling>, JsonRejection>,
) -> Result<Json<Vec<ApiFiled>>, AppError> {
    let Json(body) = body.map_err(bad_json)?;
    let actor = policy::report_actor(&user).ok_or(AppError::Forbidden)?;
    let period = parse_period(&body.period)?;
    let mut entries = Vec::with_capacity(body.reports.len());
    for e in body.reports {
        let money = |t: &Option<String>| match t {
            Some(t) => Money::parse(t, AmountUnit::Wan).map_err(AppError::BadRequest),
            None => Ok(None),
        };
        let actual_start = match &e.actual_start {
            Some(t) => parse_date(t, Edge::Start).map_err(AppError::BadRequest)?,
            None => None,
        };
        let stage = match e.stage.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(domain::Stage::parse(t).ok_or_else(|| {
                AppError::BadRequest(bi(
                    format!("项目阶段“{t}”无效"),
                    format!("stage “{t}” is not known"),
                ))
            })?),
            None => None,
        };
        entries.push(ReportEntry {
            project_id: e.project_id,
            completed: money(&e.completed_wan)?,
            year_to_date: money(&e.ytd_wan)?,
            started: e.started,
            halted: e.halted,
            actual_start,
            stage,
            progress: e.progress,
            problems: e.problems,
            version: e.version,
            reason: e.reason,
        });
    }
    let options = FilingOptions {
        filing: if body.submit {
            Filing::Submit
        } else {
            Filing::Save
        },
        source: "api",
        check_versions: true,
        dry_run: false,
        today: state.today(),
    };
    let filed = state
        .store
        .file_reports(period, &entries, &actor, options)
        .await?;
    Ok(Json(filed.into_iter().map(ApiFiled::from).collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiReviewItem {
    id: i64,
    version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiReview {
    /// `true` approves (locks); `false` returns with `reason`.
    approve: bool,
    reason: Option<String>,
    reports: Vec<ApiReviewItem>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiReviewed {
    reviewed: usize,
}

/// `POST /api/reports/review`: the lead office approves or returns submitted reports.
#[utoipa::path(post, path = "/api/reports/review", request_body = ApiReview, tag = "reports",
    responses((status = 200, body = ApiReviewed), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<ApiReview>, JsonRejection>,
) -> Result<Json<ApiReviewed>, AppError> {
    let Json(body) = body.map_err(bad_json)?;
    let actor = policy::report_actor(&user).ok_or(AppError::Forbidden)?;
    let items: Vec<(i64, i64)> = body.reports.iter().map(|r| (r.id, r.version)).collect();
    let review = if body.approve {
        Review::Approve
    } else {
        Review::Return(body.reason.unwrap_or_default())
    };
    let reviewed = state.store.review_reports(&items, &review, &actor).await?;
    Ok(Json(ApiReviewed { reviewed }))
}

/// A pending 更正申请 (amounts in 万元).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiCorrection {
    id: i64,
    version: i64,
    report_id: i64,
    project_id: i64,
    project: String,
    period: String,
    /// In force (approved).
    completed_wan: f64,
    ytd_wan: f64,
    /// Asked for.
    new_completed_wan: f64,
    new_ytd_wan: f64,
    reason: String,
    requested_by: Option<String>,
}

/// `GET /api/reports/corrections`: the pending correction requests (a responsible unit's own).
#[utoipa::path(get, path = "/api/reports/corrections", tag = "reports",
    responses((status = 200, body = [ApiCorrection]), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_corrections(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ApiCorrection>>, AppError> {
    let unit = match policy::report_actor(&user) {
        Some(a) => a.unit,
        None if policy::may_read_unit_reports(&user, None) => None,
        None => return Err(AppError::Forbidden),
    };
    let list = state.store.pending_corrections(unit, None).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| ApiCorrection {
                id: c.id,
                version: c.version,
                report_id: c.report_id,
                project_id: c.project_id,
                project: c.project,
                period: c.period,
                completed_wan: c.completed.wan_f64(),
                ytd_wan: c.year_to_date.wan_f64(),
                new_completed_wan: c.new_completed.wan_f64(),
                new_ytd_wan: c.new_year_to_date.wan_f64(),
                reason: c.reason,
                requested_by: c.requested_by,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiCorrectionDecision {
    /// The request's version as read.
    version: i64,
    /// `true` writes the correction (the lead office's); `false` returns it with `reason`.
    approve: bool,
    reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiDecided {
    id: i64,
    approved: bool,
}

/// `POST /api/reports/corrections/{id}/decision`: the lead office approves or returns a 更正申请.
#[utoipa::path(post, path = "/api/reports/corrections/{id}/decision", request_body = ApiCorrectionDecision,
    tag = "reports", params(("id" = i64, Path, description = "the request")),
    responses((status = 200, body = ApiDecided), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_decide_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<ApiCorrectionDecision>, JsonRejection>,
) -> Result<Json<ApiDecided>, AppError> {
    let id = parse_id(&id)?;
    let Json(body) = body.map_err(bad_json)?;
    let actor = policy::report_actor(&user)
        .filter(|a| a.reviewer)
        .ok_or(AppError::Forbidden)?;
    let review = if body.approve {
        Review::Approve
    } else {
        Review::Return(body.reason.unwrap_or_default())
    };
    state
        .store
        .decide_correction(id, body.version, &review, &actor, state.today())
        .await?;
    Ok(Json(ApiDecided {
        id,
        approved: body.approve,
    }))
}

// ---------------------------------------------------------------------------------------------
// Photos (形象进度照片)

/// Largest photo taken, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The image type by the file's first bytes (never the name or the browser's word): JPEG, PNG
/// or WebP.
pub(crate) fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

pub struct PhotoView {
    id: i64,
    name: String,
    size: String,
    at: String,
    by: String,
}

#[derive(Template)]
#[template(path = "report_photos.html")]
struct PhotosTemplate {
    tr: Tr,
    user: SessionUser,
    period: String,
    period_label: String,
    project_id: i64,
    project: String,
    unit_id: i64,
    photos: Vec<PhotoView>,
    can_upload: bool,
    max_photos: i64,
    errors: Vec<String>,
}

async fn photos_page(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    period: &Period,
    project_id: i64,
    errors: Vec<String>,
) -> PageResult {
    let project = policy::project_for(state, &user, project_id).await?;
    let unit = project.fields.unit_id;
    if !policy::may_read_unit_reports(&user, unit) {
        return Err(own_unit_only().into());
    }
    let key = period.key();
    let photos = state
        .store
        .project_photos(project_id)
        .await?
        .into_iter()
        .filter(|p| p.period == key)
        .map(|p| PhotoView {
            id: p.id,
            name: p.name,
            size: format!("{:.1} MB", p.size as f64 / 1_048_576.0),
            at: crate::pages::format_time(p.uploaded_at),
            by: p.uploaded_by.unwrap_or_default(),
        })
        .collect();
    let can_upload =
        policy::report_actor(&user).is_some_and(|a| a.unit.is_none_or(|u| Some(u) == unit));
    let invalid = !errors.is_empty();
    render_form(
        &PhotosTemplate {
            user,
            period: key,
            period_label: period_label(period, tr.lang),
            project_id,
            project: project.fields.name.clone(),
            unit_id: unit.unwrap_or(0),
            photos,
            can_upload,
            max_photos: store::PHOTOS_PER_REPORT,
            errors,
            tr,
        },
        invalid,
    )
}

/// `/reports/{period}/projects/{id}/photos`: a report's photos and the upload form.
pub async fn photos(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path((period, id)): Path<(String, String)>,
) -> PageResult {
    let period = parse_period(&period)?;
    let id = parse_id(&id)?;
    photos_page(&state, user, tr, &period, id, Vec::new()).await
}

/// Takes one uploaded photo (field `photo`), checked by its bytes and size.
pub async fn upload_photo(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path((period, id)): Path<(String, String)>,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    let lang = tr.lang;
    let period = parse_period(&period)?;
    let id = parse_id(&id)?;
    let actor = policy::report_actor(&user).ok_or(AppError::Forbidden)?;
    let mut upload = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("photo") {
            continue;
        }
        let name = field.file_name().unwrap_or("photo").to_string();
        match field.bytes().await {
            Ok(bytes) => upload = Some((name, bytes)),
            Err(_) => {
                let m = bi(
                    format!(
                        "照片过大或上传中断（每张不超过 {} MB）",
                        MAX_PHOTO_BYTES / 1_048_576
                    ),
                    format!(
                        "the photo is too large or the upload broke off (at most {} MB)",
                        MAX_PHOTO_BYTES / 1_048_576
                    ),
                );
                return photos_page(&state, user, tr, &period, id, vec![m.get(lang).into()]).await;
            }
        }
    }
    let refuse = |m: Bilingual| vec![m.get(lang).to_string()];
    let Some((name, bytes)) = upload.filter(|(_, b)| !b.is_empty()) else {
        let m = bi("请选择要上传的照片", "choose a photo to upload");
        return photos_page(&state, user, tr, &period, id, refuse(m)).await;
    };
    if bytes.len() > MAX_PHOTO_BYTES {
        let m = bi(
            format!("照片“{name}”超过 {} MB", MAX_PHOTO_BYTES / 1_048_576),
            format!("“{name}” is over {} MB", MAX_PHOTO_BYTES / 1_048_576),
        );
        return photos_page(&state, user, tr, &period, id, refuse(m)).await;
    }
    let Some(content_type) = image_type(&bytes) else {
        let m = bi(
            format!("“{name}”不是 JPEG、PNG 或 WebP 图片"),
            format!("“{name}” is not a JPEG, PNG or WebP image"),
        );
        return photos_page(&state, user, tr, &period, id, refuse(m)).await;
    };
    match state
        .store
        .add_report_photo(id, &period, &name, content_type, &bytes, &actor)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/reports/{}/projects/{id}/photos", period.key()))
                .into_response(),
        ),
        Err(StoreError::Rule(m)) => photos_page(&state, user, tr, &period, id, refuse(m)).await,
        Err(e) => Err(e.into()),
    }
}

/// `/photos/{id}`: the image, to those who may read its report.
pub async fn photo(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let photo = state
        .store
        .photo(parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_read_unit_reports(&user, photo.unit_id) {
        return Err(AppError::Forbidden.into());
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, photo.meta.content_type),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400".to_string(),
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_string(),
            ),
        ],
        photo.data,
    )
        .into_response())
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(overview))
        .route(
            "/reports/{period}/units/{unit}",
            get(unit_form).post(file_form),
        )
        .route("/reports/{period}/units/{unit}/review", post(review_form))
        .route("/reports/{period}/chase", post(chase))
        .route("/reports/corrections/{id}", post(correction_form))
        .route(
            "/reports/{period}/projects/{id}/photos",
            get(photos)
                .post(upload_photo)
                .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 64 * 1024)),
        )
        .route("/photos/{id}", get(photo))
}

/// The API routes of this module (under `/api`).
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(api_list).post(api_file))
        .route("/reports/review", post(api_review))
        .route("/reports/corrections", get(api_corrections))
        .route(
            "/reports/corrections/{id}/decision",
            post(api_decide_correction),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn a_review_decides_each_row_with_its_own_reason() {
        let stored: HashMap<i64, i64> = [(7, 3), (8, 5)].into();
        let form = ReviewForm::try_from(fields(&[
            ("pick", "7"),
            ("rv_7", "2"),
            ("pick", "8"),
            ("reason_7", " 缺凭证 "),
            ("reason", "数据不实"),
            ("action", "return"),
        ]))
        .unwrap();
        assert_eq!(
            form.decisions(&stored).unwrap(),
            vec![
                (7, 2, Review::Return("缺凭证".into())),
                (8, 5, Review::Return("数据不实".into())),
            ],
            "the row's own reason, else the shared one; the version read, else the stored"
        );
        let approve =
            ReviewForm::try_from(fields(&[("pick", "8"), ("action", "approve")])).unwrap();
        assert_eq!(
            approve.decisions(&stored).unwrap(),
            vec![(8, 5, Review::Approve)]
        );
        let unknown =
            ReviewForm::try_from(fields(&[("pick", "9"), ("action", "approve")])).unwrap();
        assert!(matches!(
            unknown.decisions(&stored),
            Err(AppError::NotFound)
        ));
        assert!(ReviewForm::try_from(fields(&[("pick", "x")])).is_err());
    }

    #[test]
    fn a_filing_form_reads_each_row() {
        let form = FilingForm::from(fields(&[
            ("c_3", " 120 "),
            ("s_3", "1"),
            ("p_3", "主体封顶"),
            ("v_3", "4"),
            ("x_3", "ignored"),
            ("c_x", "ignored"),
            ("action", "submit"),
        ]));
        assert!(form.submit);
        let row = &form.rows[&3];
        assert_eq!(
            (
                row.completed.as_str(),
                row.started,
                row.progress.as_str(),
                row.version.as_str()
            ),
            ("120", true, "主体封顶", "4")
        );
        assert_eq!(form.rows.len(), 1);
    }

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_type(b"GIF89a"), None);
    }
}
