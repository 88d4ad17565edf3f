//! The report workflow (填报 → 提交 → 审核通过 / 退回, 更正): who may write which report, how a
//! period's amount and year to date are reconciled with the period before, and how a correction
//! of a locked report keeps the values it replaces.

use chrono::{Datelike, NaiveDate};
use domain::plausibility::{self, Against, Flag, Kind, Limits};
use domain::progress::Period;
use domain::{Bilingual, Money, Stage, bi};
use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Transaction};

use crate::projects::{date, date_text, placeholders};
use crate::{Result, Store, StoreError, now};

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// 暂存: saved by the unit, not yet submitted; it does not count in figures.
    Draft,
    /// 已提交 (待审核): counts in figures, waits for the lead office.
    Submitted,
    /// 已退回: the lead office sent it back with a reason; it does not count until resubmitted.
    Returned,
    /// 已通过 (锁定): locked; a change is a revision with a reason.
    Approved,
}

impl ReportState {
    pub const ALL: [ReportState; 4] = [
        ReportState::Draft,
        ReportState::Submitted,
        ReportState::Returned,
        ReportState::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Returned => "returned",
            ReportState::Approved => "approved",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportState::Draft => "暂存",
            ReportState::Submitted => "待审核",
            ReportState::Returned => "已退回",
            ReportState::Approved => "已通过",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportState::Draft => "Draft",
            ReportState::Submitted => "Submitted",
            ReportState::Returned => "Returned",
            ReportState::Approved => "Approved",
        }
    }

    pub fn label(self, lang: domain::Lang) -> &'static str {
        match lang {
            domain::Lang::Zh => self.label_zh(),
            domain::Lang::En => self.label_en(),
        }
    }

    pub fn parse(code: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether reports in this state count in status figures.
    pub fn counts(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Approved)
    }
}

/// Who files or reviews, and over which projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// `Some(unit)`: only that unit's projects (a responsible unit); `None`: every project.
    pub unit: Option<i64>,
    /// The lead office (and the administrator): approves and returns, corrects locked reports
    /// without sending them back for review.
    pub reviewer: bool,
}

impl Actor {
    /// The command line and the seed: every project, reviewing rights.
    pub const SYSTEM: Actor = Actor {
        user_id: None,
        unit: None,
        reviewer: true,
    };
}

/// One project's report as an editor or a sheet gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportEntry {
    pub project_id: i64,
    /// Investment completed in the period; derived from the year to date when missing.
    pub completed: Option<Money>,
    /// Year to date; derived from the period amount when missing.
    pub year_to_date: Option<Money>,
    /// 是否开工; `None` keeps what the period's report, else the latest earlier one, said.
    pub started: Option<bool>,
    /// 停工 (`true`) or 在建/复工 (`false`); `None` keeps what the period's report said.
    pub halted: Option<bool>,
    pub actual_start: Option<NaiveDate>,
    /// The stage reached, when the report moves the project on.
    pub stage: Option<Stage>,
    /// 形象进度.
    pub progress: Option<String>,
    /// 存在问题.
    pub problems: Option<String>,
    /// The report's version the editor loaded; `None` when the editor saw no report.
    pub version: Option<i64>,
    /// Why a locked (approved) report is corrected.
    pub reason: Option<String>,
}

/// Save as a draft or submit for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    Save,
    Submit,
}

/// How a batch of entries is filed.
#[derive(Debug, Clone, Copy)]
pub struct FilingOptions<'a> {
    pub filing: Filing,
    /// `web`, `api`, `import`, `seed`.
    pub source: &'a str,
    /// Refuse an entry whose `version` is not the stored one (editors); an import replaces.
    pub check_versions: bool,
    /// Check everything, write nothing (an import's dry run).
    pub dry_run: bool,
    /// The day of filing, for the late mark (China's date).
    pub today: NaiveDate,
}

/// A report as it was filed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiledReport {
    pub project_id: i64,
    pub report_id: i64,
    pub state: ReportState,
    pub revision: i64,
    pub version: i64,
    pub completed: Money,
    pub year_to_date: Money,
    /// A locked report corrected by this filing (its old values kept as a revision).
    pub revised: bool,
    /// A unit's correction of an approved report, filed as a request (更正申请) for the lead
    /// office; the report's figures (given here) are still the approved ones.
    pub requested: bool,
}

/// The lead office's decision on submitted reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    Approve,
    /// 退回, with the reason the unit will read.
    Return(String),
}

impl Review {
    /// The reason a return gives (trimmed, within the text limit); a return needs one.
    fn note(&self) -> Result<Option<String>> {
        match self {
            Review::Approve => Ok(None),
            Review::Return(reason) => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(StoreError::Rule(bi(
                        "退回须填写原因",
                        "a return needs a reason",
                    )));
                }
                Ok(Some(reason.chars().take(TEXT_LIMIT).collect()))
            }
        }
    }
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReport {
    pub id: i64,
    pub period: String,
    pub state: ReportState,
    pub version: i64,
    pub revision: i64,
    pub completed: Money,
    pub year_to_date: Money,
    pub started: bool,
    pub actual_start: Option<NaiveDate>,
    pub stage: Option<Stage>,
    pub progress: Option<String>,
    pub problems: Option<String>,
    pub late: bool,
    pub submitted_at: Option<i64>,
    pub review_note: Option<String>,
    pub source: String,
    /// 上期已更正: an earlier period was corrected after this report was approved, and its year
    /// to date recomputed; the lead office confirms it.
    pub prior_corrected: bool,
    /// 停工 (`true`) or 在建/复工 (`false`), when the report says.
    pub halted: Option<bool>,
}

/// A project of a period's report form, with its report if there is one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodReport {
    pub project_id: i64,
    pub code: Option<String>,
    pub name: String,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub annual_plan: Option<Money>,
    /// Year to date of the latest earlier report of the year (the base of this period's sums).
    pub previous_ytd: Money,
    pub report: Option<StoredReport>,
    /// 异常提示 on the report's figures (warnings; an error could not have been filed, but a
    /// report filed before a check existed may carry one).
    pub flags: Vec<Flag>,
    /// The unit's pending correction of the approved report, if any.
    pub correction: Option<CorrectionRequest>,
}

/// A project's annual plan for the year bound as `$4`: the plan on its row when its plan year
/// is that year (or unset), else the plan kept for that year (see migration 0019).
const PLAN_OF_YEAR: &str = "(CASE WHEN p.plan_year IS NULL OR p.plan_year = $4 THEN p.annual_plan_fen \
     ELSE (SELECT a.plan_fen FROM annual_plans a WHERE a.project_id = p.id AND a.year = $4) END)";

/// How a sheet's row finds its project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectKey {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub annual_plan: Option<Money>,
}

/// How far one unit is with a period's reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitReporting {
    pub unit_id: i64,
    pub unit: String,
    /// Projects that must report (those with an annual plan).
    pub due: usize,
    pub draft: usize,
    pub submitted: usize,
    pub returned: usize,
    pub approved: usize,
    pub late: usize,
    /// Of the due projects, those whose report is submitted or approved.
    pub due_in: usize,
    /// Of the due projects, those with no report at all (未报: neither a draft nor a returned
    /// one, which are counted as such).
    pub unreported: usize,
}

impl UnitReporting {
    /// Due reports with nothing submitted yet (no report, a draft or a returned one).
    pub fn missing(&self) -> usize {
        self.due.saturating_sub(self.due_in)
    }
}

/// A revision: the values a correction replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRevision {
    pub revision: i64,
    pub completed: Money,
    pub year_to_date: Money,
    pub started: bool,
    pub progress: Option<String>,
    pub replaced_at: i64,
    pub replaced_by: Option<String>,
    pub reason: String,
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEvent {
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub note: Option<String>,
}

/// A project's report of one period with what happened to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportHistory {
    pub report: StoredReport,
    pub revisions: Vec<ReportRevision>,
    pub events: Vec<ReportEvent>,
}

/// Longest 形象进度 / 存在问题 text kept (characters).
const TEXT_LIMIT: usize = 1000;

/// Ids per `IN (…)` list.
const ID_CHUNK: usize = 400;

const REPORT_COLUMNS: &str = "r.id AS r_id, r.period AS r_period, r.status AS r_status, \
     r.version AS r_version, r.revision AS r_revision, r.completed_fen AS r_completed, \
     r.ytd_fen AS r_ytd, r.started AS r_started, r.actual_start AS r_actual_start, \
     r.stage AS r_stage, r.progress AS r_progress, r.problems AS r_problems, r.late AS r_late, \
     r.submitted_at AS r_submitted_at, r.review_note AS r_review_note, r.source AS r_source, \
     r.prior_corrected AS r_prior_corrected, r.halted AS r_halted";

/// The report columns of a row (all absent when a LEFT JOIN found no report).
#[derive(sqlx::FromRow)]
struct ReportCols {
    r_id: Option<i64>,
    r_period: Option<String>,
    r_status: Option<String>,
    r_version: Option<i64>,
    r_revision: Option<i64>,
    r_completed: Option<i64>,
    r_ytd: Option<i64>,
    r_started: Option<i64>,
    r_actual_start: Option<String>,
    r_stage: Option<String>,
    r_progress: Option<String>,
    r_problems: Option<String>,
    r_late: Option<i64>,
    r_submitted_at: Option<i64>,
    r_review_note: Option<String>,
    r_source: Option<String>,
    r_prior_corrected: Option<i64>,
    r_halted: Option<i64>,
}

impl ReportCols {
    fn into_stored(self) -> Option<StoredReport> {
        Some(StoredReport {
            id: self.r_id?,
            period: self.r_period?,
            state: self
                .r_status
                .as_deref()
                .and_then(ReportState::parse)
                .unwrap_or(ReportState::Submitted),
            version: self.r_version?,
            revision: self.r_revision?,
            completed: Money::from_fen(self.r_completed?),
            year_to_date: Money::from_fen(self.r_ytd?),
            started: self.r_started? != 0,
            actual_start: date(self.r_actual_start),
            stage: self.r_stage.as_deref().and_then(Stage::parse),
            progress: self.r_progress,
            problems: self.r_problems,
            late: self.r_late? != 0,
            submitted_at: self.r_submitted_at,
            review_note: self.r_review_note,
            source: self.r_source?,
            prior_corrected: self.r_prior_corrected.unwrap_or(0) != 0,
            halted: self.r_halted.map(|h| h != 0),
        })
    }
}

/// report id, revision, completed, ytd, started, progress, replaced at, by, reason.
type RevisionRow = (
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    i64,
    Option<String>,
    String,
);

/// report id, at, actor, action, note.
type EventRow = (i64, i64, Option<String>, String, Option<String>);

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: i64,
    name: String,
    unit_id: Option<i64>,
    total_investment_fen: Option<i64>,
    annual_plan_fen: Option<i64>,
    plan_year: Option<i64>,
    previous_ytd: Option<i64>,
    previous_started: Option<i64>,
    #[sqlx(flatten)]
    report: ReportCols,
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: i64,
    code: Option<String>,
    name: String,
    unit_id: Option<i64>,
    unit: Option<String>,
    annual_plan: Option<i64>,
    previous_ytd: Option<i64>,
    #[sqlx(flatten)]
    report: ReportCols,
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn invalid_period() -> StoreError {
    StoreError::Rule(bi("报送期无效", "invalid reporting period"))
}

/// The first day of the period's year and the period's own first day: earlier reports of the
/// year lie in `[start, first)`.
fn year_before(period: &Period) -> Result<(String, String)> {
    let first = period.first_day().ok_or_else(invalid_period)?;
    let year_start = NaiveDate::from_ymd_opt(first.year(), 1, 1).ok_or_else(invalid_period)?;
    Ok((day_text(year_start), day_text(first)))
}

fn clean_text(t: &Option<String>) -> Option<String> {
    t.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(TEXT_LIMIT).collect())
}

/// A project as the filing sees it: its unit, its previous year to date, its report of the
/// period if any.
struct Target {
    name: String,
    unit_id: Option<i64>,
    previous_ytd: Money,
    previous_started: bool,
    report: Option<StoredReport>,
    total: Option<Money>,
    /// The annual plan of the period's year.
    plan: Option<Money>,
    /// The period amounts of the year's earlier counted periods, oldest first.
    earlier: Vec<Money>,
}

/// The flags on one entry of a filing, by its place in the entries: errors refuse the filing,
/// warnings (异常提示) go to the reviewer.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFlags {
    pub index: usize,
    pub project_id: i64,
    /// The project's name, `None` when no such project exists.
    pub name: Option<String>,
    pub flags: Vec<Flag>,
}

impl EntryFlags {
    pub fn has_error(&self) -> bool {
        self.flags.iter().any(|f| f.kind.is_error())
    }
}

/// One entry that passed, with its reconciled figures.
struct Vetted<'a> {
    entry: &'a ReportEntry,
    target: &'a Target,
    completed: Money,
    ytd: Money,
    locked: bool,
    reason: Option<String>,
}

/// What vetting a filing found: the entries to write, the flags of every entry (errors and
/// warnings), and the stored version an editor's stale entry conflicts with.
struct Vetting<'a> {
    plans: Vec<Vetted<'a>>,
    flags: Vec<EntryFlags>,
    conflict: Option<i64>,
}

fn flag(kind: Kind, zh: String, en: String) -> Flag {
    Flag {
        kind,
        message: bi(zh, en),
    }
}

/// Checks every entry against its project (and the actor's unit), never stopping at the first
/// refusal: a sheet is answered whole.
/// What an entry makes of its report: the state it is filed in and its values, an entry's
/// omissions kept from the stored report, and whether nothing changes (`same`).
struct Resolved {
    state: ReportState,
    actual_start: Option<NaiveDate>,
    started: bool,
    progress: Option<String>,
    problems: Option<String>,
    stage_value: Option<Stage>,
    halted: Option<bool>,
    same: bool,
}

fn resolve(
    e: &ReportEntry,
    t: &Target,
    completed: Money,
    ytd: Money,
    locked: bool,
    actor: &Actor,
    options: &FilingOptions<'_>,
) -> Resolved {
    let submit = options.filing == Filing::Submit;
    // A reviewer's correction of a locked report stays locked; anyone else's goes back
    // for review (or to the drafts when only saved).
    let state = if locked && actor.reviewer {
        ReportState::Approved
    } else if submit {
        ReportState::Submitted
    } else {
        ReportState::Draft
    };
    // What an entry leaves out (`None`) keeps what the report said.
    let stored = t.report.as_ref();
    let actual_start = e.actual_start.or(stored.and_then(|r| r.actual_start));
    let started = actual_start.is_some()
        || e.started
            .unwrap_or_else(|| stored.map_or(t.previous_started, |r| r.started));
    let progress = match &e.progress {
        Some(_) => clean_text(&e.progress),
        None => stored.and_then(|r| r.progress.clone()),
    };
    let problems = match &e.problems {
        Some(_) => clean_text(&e.problems),
        None => stored.and_then(|r| r.problems.clone()),
    };
    let stage_value = e.stage.or(stored.and_then(|r| r.stage));
    let halted = e.halted.or(stored.and_then(|r| r.halted));
    let same = stored.is_some_and(|r| {
        r.completed == completed
            && r.year_to_date == ytd
            && r.started == started
            && r.actual_start == actual_start
            && r.stage == stage_value
            && r.progress == progress
            && r.problems == problems
            && r.halted == halted
    });
    Resolved {
        state,
        actual_start,
        started,
        progress,
        problems,
        stage_value,
        halted,
        same,
    }
}

/// A stale entry refuses a filing as a conflict, an entry's error as invalid (every error named).
fn refuse(conflict: Option<i64>, flags: &[EntryFlags]) -> Result<()> {
    if let Some(current) = conflict {
        return Err(StoreError::Conflict { current });
    }
    let errors: Vec<Bilingual> = flags
        .iter()
        .flat_map(|f| {
            let name = f.name.clone();
            f.flags
                .iter()
                .filter(|g| g.kind.is_error())
                .map(move |g| match &name {
                    Some(n) => bi(
                        format!("“{n}”：{}", g.message.zh),
                        format!("“{n}”: {}", g.message.en),
                    ),
                    None => g.message.clone(),
                })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

fn vet<'a>(
    period: &Period,
    entries: &'a [ReportEntry],
    targets: &'a std::collections::HashMap<i64, Target>,
    actor: &Actor,
    options: &FilingOptions<'_>,
    limits: &Limits,
) -> Result<Vetting<'a>> {
    let key = period.key();
    let label = period.label_zh();
    let mut vetting = Vetting {
        plans: Vec::with_capacity(entries.len()),
        flags: Vec::new(),
        conflict: None,
    };
    let mut seen = std::collections::HashSet::new();
    for (index, e) in entries.iter().enumerate() {
        let mut flags = Vec::new();
        let name = targets.get(&e.project_id).map(|t| t.name.clone());
        let refuse = |flags: Vec<Flag>| EntryFlags {
            index,
            project_id: e.project_id,
            name: name.clone(),
            flags,
        };
        let Some(t) = targets.get(&e.project_id) else {
            vetting.flags.push(refuse(vec![flag(
                Kind::Unknown,
                format!("项目 ID {} 不存在", e.project_id),
                format!("project id {} does not exist", e.project_id),
            )]));
            continue;
        };
        if let Some(unit) = actor.unit
            && t.unit_id != Some(unit)
        {
            return Err(StoreError::Forbidden(bi(
                format!("“{}”不是本单位的项目，不能填报", t.name),
                format!("“{}” is not a project of your unit", t.name),
            )));
        }
        if !seen.insert(e.project_id) {
            vetting.flags.push(refuse(vec![flag(
                Kind::Duplicate,
                "在本次填报中出现了两次".into(),
                "appears twice in this filing".into(),
            )]));
            continue;
        }
        if options.check_versions
            && e.version != t.report.as_ref().map(|r| r.version)
            && vetting.conflict.is_none()
        {
            vetting.conflict = Some(t.report.as_ref().map_or(0, |r| r.version));
        }
        let locked = t
            .report
            .as_ref()
            .is_some_and(|r| r.state == ReportState::Approved);
        let reason = clean_text(&e.reason);
        if locked && reason.is_none() {
            flags.push(flag(
                Kind::NeedsReason,
                format!("{label}报告已审核通过（锁定），更正须填写原因"),
                format!("the {key} report is approved and locked; a correction needs a reason"),
            ));
        }
        if let Some(d) = e.actual_start
            && d > options.today
        {
            flags.push(flag(
                Kind::FutureStart,
                format!("实际开工时间 {d} 晚于今天"),
                format!("actual start {d} is in the future"),
            ));
        }
        match plausibility::reconcile(t.previous_ytd, e.completed, e.year_to_date) {
            Ok((completed, ytd)) => {
                let against = Against {
                    total_investment: t.total,
                    annual_plan: t.plan,
                    earlier: &t.earlier,
                };
                flags.extend(plausibility::check(completed, ytd, &against, limits));
                if !flags.iter().any(|f| f.kind.is_error()) {
                    vetting.plans.push(Vetted {
                        entry: e,
                        target: t,
                        completed,
                        ytd,
                        locked,
                        reason,
                    });
                }
            }
            Err(f) => flags.push(f),
        }
        if !flags.is_empty() {
            vetting.flags.push(refuse(flags));
        }
    }
    Ok(vetting)
}

impl Store {
    /// The pending correction requests, of one unit or of all (and of one period), oldest first.
    pub async fn pending_corrections(
        &self,
        unit: Option<i64>,
        period: Option<&Period>,
    ) -> Result<Vec<CorrectionRequest>> {
        let rows: Vec<CorrectionRow> = sqlx::query_as(
            "SELECT c.id, c.version, r.id, p.id, p.name, p.unit_id, r.period, r.completed_fen, r.ytd_fen, \
             c.completed_fen, c.ytd_fen, c.progress, c.reason, c.requested_at, u.display_name \
             FROM report_corrections c JOIN reports r ON r.id = c.report_id \
             JOIN projects p ON p.id = r.project_id LEFT JOIN users u ON u.id = c.requested_by \
             WHERE c.status = 'pending' AND ($1 = 0 OR p.unit_id = $2) AND ($3 = '' OR r.period = $4) \
             ORDER BY c.id",
        )
        .bind(i64::from(unit.is_some()))
        .bind(unit.unwrap_or(0))
        .bind(period.map(Period::key).unwrap_or_default())
        .bind(period.map(Period::key).unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CorrectionRequest {
                id: r.0,
                version: r.1,
                report_id: r.2,
                project_id: r.3,
                project: r.4,
                unit_id: r.5,
                period: r.6,
                completed: Money::from_fen(r.7),
                year_to_date: Money::from_fen(r.8),
                new_completed: Money::from_fen(r.9),
                new_year_to_date: Money::from_fen(r.10),
                new_progress: r.11,
                reason: r.12,
                requested_at: r.13,
                requested_by: r.14,
            })
            .collect())
    }

    /// The lead office's decision on a correction request (`version` the one it saw): approved,
    /// it is written as the lead office's correction (the old values kept as a revision, the
    /// later periods re-chained), in the same transaction; returned, with a reason, the approved
    /// figures stay.
    pub async fn decide_correction(
        &self,
        id: i64,
        version: i64,
        review: &Review,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<()> {
        if !actor.reviewer {
            return Err(StoreError::Forbidden(bi(
                "只有总牵头单位可以审核更正申请",
                "only the lead office decides correction requests",
            )));
        }
        let note = review.note()?;
        // The campaign's factors, read before the writer's turn is taken.
        let asked: Option<(String,)> = sqlx::query_as(
            "SELECT r.period FROM report_corrections c JOIN reports r ON r.id = c.report_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let limits = match asked.map(|(p,)| Period::parse(&p)) {
            Some(Ok(p)) => self.report_limits(&p).await?,
            _ => Limits::default(),
        };
        let mut tx = self.begin_write().await?;
        type Row = (
            i64,
            String,
            i64,
            String,
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT c.version, c.status, r.project_id, r.period, c.completed_fen, c.started, c.actual_start, \
             c.stage, c.progress, c.problems, c.reason FROM report_corrections c \
             JOIN reports r ON r.id = c.report_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((
            current,
            status,
            project,
            period,
            completed,
            started,
            actual_start,
            stage,
            progress,
            problems,
            reason,
        )) = row
        else {
            return Err(StoreError::NotFound);
        };
        if current != version {
            return Err(StoreError::Conflict { current });
        }
        if status != "pending" {
            return Err(StoreError::Rule(bi(
                "该更正申请已处理",
                "this correction request has been decided already",
            )));
        }
        let at = now();
        let decided = if note.is_some() {
            "returned"
        } else {
            "approved"
        };
        let done = sqlx::query(
            "UPDATE report_corrections SET status = $1, decided_by = $2, decided_at = $3, \
             decision_note = $4, version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(decided)
        .bind(actor.user_id)
        .bind(at)
        .bind(note.clone())
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                current: version + 1,
            });
        }
        let period = Period::parse(&period).map_err(StoreError::Rule)?;
        if note.is_none() {
            let entry = ReportEntry {
                project_id: project,
                completed: Some(Money::from_fen(completed)),
                year_to_date: None,
                started: Some(started != 0),
                halted: None,
                actual_start: date(actual_start),
                stage: stage.as_deref().and_then(Stage::parse),
                progress: Some(progress.unwrap_or_default()),
                problems: Some(problems.unwrap_or_default()),
                version: None,
                reason: Some(format!("批准更正申请：{reason}")),
            };
            let options = FilingOptions {
                filing: Filing::Submit,
                source: "correction",
                check_versions: false,
                dry_run: false,
                today,
            };
            let office = Actor {
                unit: None,
                reviewer: true,
                ..*actor
            };
            self.file_in(&mut tx, period, &[entry], &office, &options, &limits)
                .await?;
        } else {
            let report: Option<(i64,)> =
                sqlx::query_as("SELECT report_id FROM report_corrections WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((report_id,)) = report {
                event(
                    &mut tx,
                    report_id,
                    at,
                    actor.user_id,
                    "request_returned",
                    note,
                )
                .await?;
            }
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// Checks a filing as [`Store::file_reports`] would, writing nothing: every entry's errors
    /// and warnings, each with its kind (an import answers a whole sheet in one pass).
    pub async fn check_reports(
        &self,
        period: Period,
        entries: &[ReportEntry],
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Vec<EntryFlags>> {
        let (year_start, first) = year_before(&period)?;
        let limits = self.report_limits(&period).await?;
        let mut tx = self.pool().begin().await?;
        let ids: Vec<i64> = entries.iter().map(|e| e.project_id).collect();
        let targets = self
            .targets(&mut tx, &ids, &period, &year_start, &first)
            .await?;
        tx.rollback().await?;
        let options = FilingOptions {
            filing: Filing::Submit,
            source: "check",
            check_versions: false,
            dry_run: true,
            today,
        };
        Ok(vet(&period, entries, &targets, actor, &options, &limits)?.flags)
    }

    /// The factors of the campaign covering the period's end (the defaults without one).
    async fn report_limits(&self, period: &Period) -> Result<Limits> {
        let end = period.last_day().ok_or_else(invalid_period)?;
        Ok(self
            .campaign_covering(end)
            .await?
            .map(|(_, _, settings)| settings.limits)
            .unwrap_or_default())
    }

    /// Files reports of one period in one transaction: all of them or, when any entry is
    /// refused, none. Refusals name the project and the reason; an entry for a project outside
    /// the actor's unit refuses the whole batch as forbidden.
    pub async fn file_reports(
        &self,
        period: Period,
        entries: &[ReportEntry],
        actor: &Actor,
        options: FilingOptions<'_>,
    ) -> Result<Vec<FiledReport>> {
        let key = period.key();
        let label = period.label_zh();
        if period.first_day().is_none_or(|d| d > options.today) {
            return Err(StoreError::Rule(bi(
                format!("{label}尚未开始，不能填报"),
                format!("the period {key} has not begun; it cannot be reported yet"),
            )));
        }
        let limits = self.report_limits(&period).await?;
        if options.dry_run {
            return self
                .file_dry(period, entries, actor, &options, &limits)
                .await;
        }
        let mut tx = self.begin_write().await?;
        let filed = self
            .file_in(&mut tx, period, entries, actor, &options, &limits)
            .await?;
        self.commit(tx).await?;
        Ok(filed)
    }

    /// A filing's dry run: read and vetted as [`Store::file_reports`] does, refused the same
    /// way, and nothing written (no lock taken): the reports as they would be filed, without
    /// ids or versions (0).
    async fn file_dry(
        &self,
        period: Period,
        entries: &[ReportEntry],
        actor: &Actor,
        options: &FilingOptions<'_>,
        limits: &Limits,
    ) -> Result<Vec<FiledReport>> {
        let (year_start, first) = year_before(&period)?;
        let ids: Vec<i64> = entries.iter().map(|e| e.project_id).collect();
        let mut tx = self.pool().begin().await?;
        let targets = self
            .targets(&mut tx, &ids, &period, &year_start, &first)
            .await?;
        tx.rollback().await?;
        let Vetting {
            plans,
            flags,
            conflict,
        } = vet(&period, entries, &targets, actor, options, limits)?;
        refuse(conflict, &flags)?;
        Ok(plans
            .into_iter()
            .map(|p| {
                let r = resolve(
                    p.entry,
                    p.target,
                    p.completed,
                    p.ytd,
                    p.locked,
                    actor,
                    options,
                );
                let stored = p.target.report.as_ref();
                // As `file_in` answers: a request for a unit's correction, nothing for an entry
                // that changes nothing, a revision for the lead office's correction.
                let request = p.locked && !actor.reviewer;
                let unchanged = stored.is_some_and(|s| r.same && s.state == r.state);
                FiledReport {
                    project_id: p.entry.project_id,
                    report_id: 0,
                    state: r.state,
                    revision: 0,
                    version: 0,
                    completed: p.completed,
                    year_to_date: p.ytd,
                    revised: p.locked && !request && !unchanged,
                    requested: request && !r.same,
                }
            })
            .collect())
    }

    /// [`Store::file_reports`] within a write transaction the caller ends.
    async fn file_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        period: Period,
        entries: &[ReportEntry],
        actor: &Actor,
        options: &FilingOptions<'_>,
        limits: &Limits,
    ) -> Result<Vec<FiledReport>> {
        let period_end = period.last_day().ok_or_else(invalid_period)?;
        let deadline = period.deadline().ok_or_else(invalid_period)?;
        let (year_start, first) = year_before(&period)?;
        let key = period.key();
        let ids: Vec<i64> = entries.iter().map(|e| e.project_id).collect();
        let targets = self.targets(tx, &ids, &period, &year_start, &first).await?;
        let Vetting {
            plans,
            flags,
            conflict,
        } = vet(&period, entries, &targets, actor, options, limits)?;
        refuse(conflict, &flags)?;

        let at = now();
        let mut filed = Vec::with_capacity(plans.len());
        for Vetted {
            entry: e,
            target: t,
            completed,
            ytd,
            locked,
            reason,
        } in plans
        {
            let Resolved {
                state,
                actual_start,
                started,
                progress,
                problems,
                stage_value,
                halted,
                same,
            } = resolve(e, t, completed, ytd, locked, actor, options);
            let submit = options.filing == Filing::Submit;
            let stored = t.report.as_ref();
            let stage = stage_value.map(|s| s.code());
            // A unit's correction of an approved report is a request (更正申请): the approved
            // figures stay in force until the lead office approves it.
            if let Some(r) = stored.filter(|_| locked && !actor.reviewer) {
                let mut requested = false;
                if !same {
                    let values = CorrectionValues {
                        completed,
                        ytd,
                        started,
                        actual_start,
                        stage,
                        progress: progress.clone(),
                        problems: problems.clone(),
                    };
                    request_correction(tx, r.id, &values, reason.clone(), actor.user_id, at)
                        .await?;
                    event(tx, r.id, at, actor.user_id, "request", reason.clone()).await?;
                    requested = true;
                }
                filed.push(FiledReport {
                    project_id: e.project_id,
                    report_id: r.id,
                    state: r.state,
                    revision: r.revision,
                    version: r.version,
                    completed: r.completed,
                    year_to_date: r.year_to_date,
                    revised: false,
                    requested,
                });
                continue;
            }
            // Nothing would change (e.g. the same sheet imported again): no new version.
            if let Some(r) = stored
                && same
                && r.state == state
            {
                filed.push(FiledReport {
                    project_id: e.project_id,
                    report_id: r.id,
                    state,
                    revision: r.revision,
                    version: r.version,
                    completed,
                    year_to_date: ytd,
                    revised: false,
                    requested: false,
                });
                continue;
            }
            let was_submitted = t.report.as_ref().is_some_and(|r| r.submitted_at.is_some());
            let submitted_now = state == ReportState::Submitted
                || (state == ReportState::Approved && !was_submitted);
            // On time is judged by the first submission.
            let late = match &t.report {
                Some(r) if was_submitted => r.late,
                _ => submitted_now && options.today > deadline,
            };
            let (report_id, revision, version) = match &t.report {
                Some(old) => {
                    let revision = if locked {
                        sqlx::query(
                            "INSERT INTO report_revisions (report_id, revision, completed_fen, ytd_fen, \
                             started, actual_start, stage, progress, problems, replaced_at, replaced_by, reason) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                        )
                        .bind(old.id)
                        .bind(old.revision)
                        .bind(old.completed.fen())
                        .bind(old.year_to_date.fen())
                        .bind(i64::from(old.started))
                        .bind(date_text(old.actual_start))
                        .bind(old.stage.map(|s| s.code()))
                        .bind(old.progress.clone())
                        .bind(old.problems.clone())
                        .bind(at)
                        .bind(actor.user_id)
                        .bind(reason.clone().unwrap_or_default())
                        .execute(&mut **tx)
                        .await?;
                        old.revision + 1
                    } else {
                        old.revision
                    };
                    let done = sqlx::query(
                        "UPDATE reports SET completed_fen = $1, ytd_fen = $2, started = $3, actual_start = $4, \
                         stage = $5, progress = $6, problems = $7, status = $8, late = $9, revision = $10, \
                         source = $11, version = version + 1, \
                         submitted_at = CASE WHEN $12 = 1 THEN $13 ELSE submitted_at END, \
                         submitted_by = CASE WHEN $12 = 1 THEN $14 ELSE submitted_by END, halted = $17 \
                         WHERE id = $15 AND version = $16",
                    )
                    .bind(completed.fen())
                    .bind(ytd.fen())
                    .bind(i64::from(started))
                    .bind(date_text(actual_start))
                    .bind(stage)
                    .bind(progress.clone())
                    .bind(problems.clone())
                    .bind(state.code())
                    .bind(i64::from(late))
                    .bind(revision)
                    .bind(options.source)
                    .bind(i64::from(submitted_now))
                    .bind(at)
                    .bind(actor.user_id)
                    .bind(old.id)
                    .bind(old.version)
                    .bind(halted.map(i64::from))
                    .execute(&mut **tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::Conflict {
                            current: old.version + 1,
                        });
                    }
                    (old.id, revision, old.version + 1)
                }
                None => {
                    // Two first filings at once (PostgreSQL lets both read "no report"): the
                    // second finds the first's row and is told to reload, not refused with 500.
                    let inserted: Option<(i64,)> = sqlx::query_as(
                        "INSERT INTO reports (project_id, period, period_end, completed_fen, ytd_fen, started, \
                         actual_start, stage, progress, problems, status, submitted_at, submitted_by, late, \
                         source, version, revision, halted) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, 1, $16) \
                         ON CONFLICT (project_id, period) DO NOTHING RETURNING id",
                    )
                    .bind(e.project_id)
                    .bind(&key)
                    .bind(day_text(period_end))
                    .bind(completed.fen())
                    .bind(ytd.fen())
                    .bind(i64::from(started))
                    .bind(date_text(actual_start))
                    .bind(stage)
                    .bind(progress.clone())
                    .bind(problems.clone())
                    .bind(state.code())
                    .bind(submitted_now.then_some(at))
                    .bind(if submitted_now { actor.user_id } else { None })
                    .bind(i64::from(late))
                    .bind(options.source)
                    .bind(halted.map(i64::from))
                    .fetch_optional(&mut **tx)
                    .await?;
                    let Some((id,)) = inserted else {
                        return Err(StoreError::Conflict { current: 1 });
                    };
                    (id, 1, 1)
                }
            };
            let action = if locked {
                "revise"
            } else if submit {
                "submit"
            } else {
                "save"
            };
            event(tx, report_id, at, actor.user_id, action, reason).await?;
            filed.push(FiledReport {
                project_id: e.project_id,
                report_id,
                state,
                revision,
                version,
                completed,
                year_to_date: ytd,
                revised: locked,
                requested: false,
            });
        }
        // The later periods of the year follow the figures just written.
        let changed: Vec<i64> = filed.iter().map(|f| f.project_id).collect();
        rechain(tx, self.dialect(), &changed, &period, actor.user_id, at).await?;
        Ok(filed)
    }

    /// The projects named by a filing, with their unit, previous year to date and report.
    async fn targets(
        &self,
        tx: &mut Transaction<'static, Any>,
        ids: &[i64],
        period: &Period,
        year_start: &str,
        first: &str,
    ) -> Result<std::collections::HashMap<i64, Target>> {
        let key = period.key();
        let key = key.as_str();
        let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        let mut unique: Vec<i64> = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        for chunk in unique.chunks(ID_CHUNK) {
            let d = self.dialect();
            let mut args = AnyArguments::default();
            for value in [year_start, first, year_start, first, key] {
                args.add(value.to_string()).map_err(enc)?;
            }
            for id in chunk {
                args.add(*id).map_err(enc)?;
            }
            let sql = format!(
                "SELECT p.id, p.name, p.unit_id, p.total_investment_fen, p.annual_plan_fen, p.plan_year, \
                 (SELECT q.ytd_fen FROM reports q WHERE q.project_id = p.id AND q.period_end >= {} \
                  AND q.period_end < {} AND q.status <> 'returned' ORDER BY q.period_end DESC, q.period DESC LIMIT 1) AS previous_ytd, \
                 (SELECT MAX(q.started) FROM reports q WHERE q.project_id = p.id AND q.period_end >= {} \
                  AND q.period_end < {}) AS previous_started, \
                 {REPORT_COLUMNS} \
                 FROM projects p LEFT JOIN reports r ON r.project_id = p.id AND r.period = {} \
                 WHERE p.id IN ({})",
                placeholders(d, 1, 1),
                placeholders(d, 2, 1),
                placeholders(d, 3, 1),
                placeholders(d, 4, 1),
                placeholders(d, 5, 1),
                placeholders(d, 6, chunk.len()),
            );
            let rows: Vec<TargetRow> = sqlx::query_as_with(AssertSqlSafe(sql), args)
                .fetch_all(&mut **tx)
                .await?;
            for r in rows {
                out.insert(
                    r.id,
                    Target {
                        name: r.name,
                        unit_id: r.unit_id,
                        previous_ytd: Money::from_fen(r.previous_ytd.unwrap_or(0)),
                        previous_started: r.previous_started.unwrap_or(0) != 0,
                        report: r.report.into_stored(),
                        total: r.total_investment_fen.map(Money::from_fen),
                        plan: match r.plan_year {
                            Some(y) if y != i64::from(period.year) => None,
                            _ => r.annual_plan_fen.map(Money::from_fen),
                        },
                        earlier: Vec::new(),
                    },
                );
            }
            // The year's earlier counted amounts, and plans kept for other years than the
            // project's current one.
            let mut args = AnyArguments::default();
            for value in [year_start, first] {
                args.add(value.to_string()).map_err(enc)?;
            }
            for id in chunk {
                args.add(*id).map_err(enc)?;
            }
            let sql = format!(
                "SELECT project_id, completed_fen FROM reports WHERE period_end >= {} AND period_end < {} \
                 AND status IN ('submitted', 'approved') AND project_id IN ({}) \
                 ORDER BY project_id, period_end, period",
                placeholders(d, 1, 1),
                placeholders(d, 2, 1),
                placeholders(d, 3, chunk.len()),
            );
            let earlier: Vec<(i64, i64)> = sqlx::query_as_with(AssertSqlSafe(sql), args)
                .fetch_all(&mut **tx)
                .await?;
            for (id, fen) in earlier {
                if let Some(t) = out.get_mut(&id) {
                    t.earlier.push(Money::from_fen(fen));
                }
            }
            let mut args = AnyArguments::default();
            args.add(i64::from(period.year)).map_err(enc)?;
            for id in chunk {
                args.add(*id).map_err(enc)?;
            }
            let sql = format!(
                "SELECT project_id, plan_fen FROM annual_plans WHERE year = {} AND project_id IN ({})",
                placeholders(d, 1, 1),
                placeholders(d, 2, chunk.len()),
            );
            let kept: Vec<(i64, Option<i64>)> = sqlx::query_as_with(AssertSqlSafe(sql), args)
                .fetch_all(&mut **tx)
                .await?;
            for (id, fen) in kept {
                if let Some(t) = out.get_mut(&id)
                    && t.plan.is_none()
                {
                    t.plan = fen.map(Money::from_fen);
                }
            }
        }
        Ok(out)
    }

    /// Approves or returns submitted reports (the lead office). Each item names the version the
    /// reviewer saw; a report that moved on, or that is not waiting for review, refuses the
    /// whole decision.
    pub async fn review_reports(
        &self,
        items: &[(i64, i64)],
        review: &Review,
        actor: &Actor,
    ) -> Result<usize> {
        let each: Vec<(i64, i64, Review)> = items
            .iter()
            .map(|(id, version)| (*id, *version, review.clone()))
            .collect();
        self.review_each(&each, actor).await
    }

    /// Reviews reports each with its own decision (a return with its own reason), all or
    /// nothing: `(report id, version read, decision)`.
    pub async fn review_each(&self, items: &[(i64, i64, Review)], actor: &Actor) -> Result<usize> {
        if !actor.reviewer {
            return Err(StoreError::Forbidden(bi(
                "只有总牵头单位可以审核报告",
                "only the lead office reviews reports",
            )));
        }
        // Every return's reason is checked before anything is written.
        let notes = items
            .iter()
            .map(|(_, _, review)| review.note())
            .collect::<Result<Vec<_>>>()?;
        let at = now();
        let mut tx = self.begin_write().await?;
        for ((id, version, review), note) in items.iter().zip(notes) {
            let (state, action) = match review {
                Review::Approve => (ReportState::Approved, "approve"),
                Review::Return(_) => (ReportState::Returned, "return"),
            };
            let row: Option<(i64, String, String, i64, String, i64)> = sqlx::query_as(
                "SELECT r.version, r.status, p.name, r.project_id, r.period, r.prior_corrected \
                 FROM reports r JOIN projects p ON p.id = r.project_id WHERE r.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((current, status, name, project, period, prior_corrected)) = row else {
                return Err(StoreError::NotFound);
            };
            if current != *version {
                return Err(StoreError::Conflict { current });
            }
            // Approving a report marked 上期已更正 confirms its recomputed year to date.
            if *review == Review::Approve
                && prior_corrected != 0
                && status == ReportState::Approved.code()
            {
                let done = sqlx::query(
                    "UPDATE reports SET prior_corrected = 0, version = version + 1 \
                     WHERE id = $1 AND version = $2",
                )
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict {
                        current: version + 1,
                    });
                }
                event(&mut tx, *id, at, actor.user_id, "confirm", None).await?;
                continue;
            }
            if status != ReportState::Submitted.code() {
                let label = ReportState::parse(&status).map_or("", |s| s.label_zh());
                return Err(StoreError::Rule(bi(
                    format!("“{name}”的报告{label}，不在待审核状态"),
                    format!("the report of “{name}” is not waiting for review"),
                )));
            }
            let done = sqlx::query(
                "UPDATE reports SET status = $1, reviewed_at = $2, reviewed_by = $3, review_note = $4, \
                 version = version + 1 WHERE id = $5 AND version = $6 AND status = 'submitted'",
            )
            .bind(state.code())
            .bind(at)
            .bind(actor.user_id)
            .bind(note.clone())
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            // Someone changed it between the check and the update.
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict {
                    current: version + 1,
                });
            }
            event(&mut tx, *id, at, actor.user_id, action, note.clone()).await?;
            // A returned report leaves the chain: the later periods follow without it.
            if state == ReportState::Returned
                && let Ok(period) = Period::parse(&period)
            {
                rechain(
                    &mut tx,
                    self.dialect(),
                    &[project],
                    &period,
                    actor.user_id,
                    at,
                )
                .await?;
            }
        }
        self.commit(tx).await?;
        Ok(items.len())
    }

    /// The report form of a period: the projects that must report (those with an annual plan)
    /// and any other project with a report of the period, of one unit or of all, by unit and name.
    pub async fn period_reports(
        &self,
        period: &Period,
        unit: Option<i64>,
    ) -> Result<Vec<PeriodReport>> {
        let (year_start, first) = year_before(period)?;
        let unit_filter = if unit.is_some() {
            " AND p.unit_id = $5"
        } else {
            ""
        };
        // The plan of the period's year: a project carried into the next year keeps its old
        // year's plan (in annual_plans) for that year's last reports.
        let sql = format!(
            "SELECT p.id, p.code, p.name, p.unit_id, u.name AS unit, {PLAN_OF_YEAR} AS annual_plan, \
             (SELECT q.ytd_fen FROM reports q WHERE q.project_id = p.id AND q.period_end >= $1 \
              AND q.period_end < $2 AND q.status <> 'returned' ORDER BY q.period_end DESC, q.period DESC LIMIT 1) AS previous_ytd, \
             {REPORT_COLUMNS} \
             FROM projects p LEFT JOIN units u ON u.id = p.unit_id \
             LEFT JOIN reports r ON r.project_id = p.id AND r.period = $3 \
             WHERE ({PLAN_OF_YEAR} > 0 OR r.id IS NOT NULL){unit_filter} \
             ORDER BY u.name, p.name, p.id"
        );
        let mut query = sqlx::query_as(AssertSqlSafe(sql))
            .bind(year_start.clone())
            .bind(first.clone())
            .bind(period.key())
            .bind(i64::from(period.year));
        if let Some(u) = unit {
            query = query.bind(u);
        }
        let rows: Vec<PeriodRow> = query.fetch_all(self.pool()).await?;
        let mut reports: Vec<PeriodReport> = rows
            .into_iter()
            .map(|r| PeriodReport {
                project_id: r.id,
                code: r.code,
                name: r.name,
                unit_id: r.unit_id,
                unit: r.unit,
                annual_plan: r.annual_plan.map(Money::from_fen),
                previous_ytd: Money::from_fen(r.previous_ytd.unwrap_or(0)),
                report: r.report.into_stored(),
                flags: Vec::new(),
                correction: None,
            })
            .collect();
        let mut pending: std::collections::HashMap<i64, CorrectionRequest> = self
            .pending_corrections(unit, Some(period))
            .await?
            .into_iter()
            .map(|c| (c.project_id, c))
            .collect();
        for r in &mut reports {
            r.correction = pending.remove(&r.project_id);
        }
        // 异常提示 of the reports filed.
        let ids: Vec<i64> = reports
            .iter()
            .filter(|r| r.report.is_some())
            .map(|r| r.project_id)
            .collect();
        if !ids.is_empty() {
            let limits = self.report_limits(period).await?;
            let mut tx = self.pool().begin().await?;
            let targets = self
                .targets(&mut tx, &ids, period, &year_start, &first)
                .await?;
            tx.rollback().await?;
            for r in &mut reports {
                if let (Some(report), Some(t)) = (&r.report, targets.get(&r.project_id)) {
                    let against = Against {
                        total_investment: t.total,
                        annual_plan: t.plan,
                        earlier: &t.earlier,
                    };
                    r.flags = plausibility::check(
                        report.completed,
                        report.year_to_date,
                        &against,
                        &limits,
                    );
                }
            }
        }
        Ok(reports)
    }

    /// Every project's id, code, name and annual plan: what a progress sheet is matched by.
    pub async fn project_keys(&self) -> Result<Vec<ProjectKey>> {
        let rows: Vec<(i64, Option<String>, String, Option<i64>)> =
            sqlx::query_as("SELECT id, code, name, annual_plan_fen FROM projects ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name, plan)| ProjectKey {
                id,
                code,
                name,
                annual_plan: plan.map(Money::from_fen),
            })
            .collect())
    }

    /// Each unit's progress with a period's reports, by unit name.
    pub async fn period_overview(&self, period: &Period) -> Result<Vec<UnitReporting>> {
        let sql = format!(
            "SELECT u.id, u.name, CASE WHEN {plan} > 0 THEN 1 ELSE 0 END, r.status, \
             COALESCE(r.late, 0), COUNT(*) \
             FROM projects p JOIN units u ON u.id = p.unit_id \
             LEFT JOIN reports r ON r.project_id = p.id AND r.period = $1 \
             WHERE {plan} > 0 OR r.id IS NOT NULL \
             GROUP BY u.id, u.name, CASE WHEN {plan} > 0 THEN 1 ELSE 0 END, r.status, \
             COALESCE(r.late, 0) ORDER BY u.name",
            plan = PLAN_OF_YEAR.replace("$4", "$2")
        );
        let rows: Vec<(i64, String, i64, Option<String>, i64, i64)> =
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(period.key())
                .bind(i64::from(period.year))
                .fetch_all(self.pool())
                .await?;
        let mut out: Vec<UnitReporting> = Vec::new();
        for (unit_id, unit, due, status, late, count) in rows {
            if out.last().is_none_or(|u| u.unit_id != unit_id) {
                out.push(UnitReporting {
                    unit_id,
                    unit,
                    ..UnitReporting::default()
                });
            }
            let Some(u) = out.last_mut() else { continue };
            let n = usize::try_from(count).unwrap_or(0);
            if due == 1 {
                u.due += n;
            }
            let state = status.as_deref().and_then(ReportState::parse);
            if due == 1 && state.is_some_and(ReportState::counts) {
                u.due_in += n;
            }
            if due == 1 && state.is_none() {
                u.unreported += n;
            }
            match state {
                Some(ReportState::Draft) => u.draft += n,
                Some(ReportState::Submitted) => u.submitted += n,
                Some(ReportState::Returned) => u.returned += n,
                Some(ReportState::Approved) => u.approved += n,
                None => {}
            }
            if late != 0 {
                u.late += n;
            }
        }
        Ok(out)
    }

    /// Every report of a project, latest period first, with revisions and workflow steps.
    pub async fn project_reports(&self, project_id: i64) -> Result<Vec<ReportHistory>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports r WHERE r.project_id = $1 ORDER BY r.period_end DESC, r.period DESC"
        );
        let reports: Vec<ReportCols> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(project_id)
            .fetch_all(self.pool())
            .await?;
        let revisions: Vec<RevisionRow> = sqlx::query_as(
            "SELECT v.report_id, v.revision, v.completed_fen, v.ytd_fen, v.started, v.progress, \
                 v.replaced_at, u.display_name, v.reason \
                 FROM report_revisions v JOIN reports r ON r.id = v.report_id \
                 LEFT JOIN users u ON u.id = v.replaced_by \
                 WHERE r.project_id = $1 ORDER BY v.report_id, v.revision DESC",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        let events: Vec<EventRow> = sqlx::query_as(
            "SELECT e.report_id, e.at, u.display_name, e.action, e.note \
             FROM report_events e JOIN reports r ON r.id = e.report_id \
             LEFT JOIN users u ON u.id = e.actor \
             WHERE r.project_id = $1 ORDER BY e.report_id, e.id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        Ok(reports
            .into_iter()
            .filter_map(ReportCols::into_stored)
            .map(|report| ReportHistory {
                revisions: revisions
                    .iter()
                    .filter(|v| v.0 == report.id)
                    .map(|v| ReportRevision {
                        revision: v.1,
                        completed: Money::from_fen(v.2),
                        year_to_date: Money::from_fen(v.3),
                        started: v.4 != 0,
                        progress: v.5.clone(),
                        replaced_at: v.6,
                        replaced_by: v.7.clone(),
                        reason: v.8.clone(),
                    })
                    .collect(),
                events: events
                    .iter()
                    .filter(|e| e.0 == report.id)
                    .map(|e| ReportEvent {
                        at: e.1,
                        actor: e.2.clone(),
                        action: e.3.clone(),
                        note: e.4.clone(),
                    })
                    .collect(),
                report,
            })
            .collect())
    }
}

/// A unit's pending correction of an approved report (更正申请), beside the figures in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectionRequest {
    pub id: i64,
    pub version: i64,
    pub report_id: i64,
    pub project_id: i64,
    pub project: String,
    pub unit_id: Option<i64>,
    /// The period's key (`2025-05`).
    pub period: String,
    /// In force (approved).
    pub completed: Money,
    pub year_to_date: Money,
    /// Asked for.
    pub new_completed: Money,
    pub new_year_to_date: Money,
    pub new_progress: Option<String>,
    pub reason: String,
    pub requested_at: i64,
    pub requested_by: Option<String>,
}

/// correction id, version, report id, project id, name, unit, period, completed, ytd, new
/// completed, new ytd, new progress, reason, at, by.
type CorrectionRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    Option<i64>,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    String,
    i64,
    Option<String>,
);

/// A correction's values as they would be written.
struct CorrectionValues {
    completed: Money,
    ytd: Money,
    started: bool,
    actual_start: Option<NaiveDate>,
    stage: Option<&'static str>,
    progress: Option<String>,
    problems: Option<String>,
}

/// Files (or replaces) the pending correction request of an approved report.
async fn request_correction(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
    v: &CorrectionValues,
    reason: Option<String>,
    actor: Option<i64>,
    at: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM report_corrections WHERE report_id = $1 AND status = 'pending'")
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO report_corrections (report_id, completed_fen, ytd_fen, started, actual_start, stage, \
         progress, problems, reason, status, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)",
    )
    .bind(report_id)
    .bind(v.completed.fen())
    .bind(v.ytd.fen())
    .bind(i64::from(v.started))
    .bind(date_text(v.actual_start))
    .bind(v.stage)
    .bind(v.progress.clone())
    .bind(v.problems.clone())
    .bind(reason.unwrap_or_default())
    .bind(actor)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes the year to date of the reports after `period` in its year, for each of these
/// projects that has any: each the year to date before it plus its own period amount, over the
/// reports that count in a chain (all but returned ones), so no stored year to date differs
/// from the sum of its periods. A recomputed report that was approved is marked 上期已更正 for
/// the lead office to confirm; each change is a `recompute` event with old → new.
pub(crate) async fn rechain(
    tx: &mut Transaction<'static, Any>,
    dialect: crate::Dialect,
    projects: &[i64],
    period: &Period,
    actor: Option<i64>,
    at: i64,
) -> Result<()> {
    let (year_start, _) = year_before(period)?;
    let end = day_text(period.last_day().ok_or_else(invalid_period)?);
    let year_end = format!("{}-12-31", period.year);
    let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
    let mut later = Vec::new();
    for chunk in projects.chunks(ID_CHUNK) {
        let mut args = AnyArguments::default();
        for value in [&end, &year_end] {
            args.add(value.clone()).map_err(enc)?;
        }
        for id in chunk {
            args.add(*id).map_err(enc)?;
        }
        let sql = format!(
            "SELECT DISTINCT project_id FROM reports WHERE period_end > {} AND period_end <= {} \
             AND project_id IN ({})",
            placeholders(dialect, 1, 1),
            placeholders(dialect, 2, 1),
            placeholders(dialect, 3, chunk.len()),
        );
        let ids: Vec<(i64,)> = sqlx::query_as_with(AssertSqlSafe(sql), args)
            .fetch_all(&mut **tx)
            .await?;
        later.extend(ids.into_iter().map(|(id,)| id));
    }
    for project in later {
        let rows: Vec<(i64, String, i64, i64, String, i64)> = sqlx::query_as(
            "SELECT id, period_end, completed_fen, ytd_fen, status, version FROM reports \
             WHERE project_id = $1 AND period_end >= $2 AND period_end <= $3 AND status <> 'returned' \
             ORDER BY period_end, period",
        )
        .bind(project)
        .bind(&year_start)
        .bind(&year_end)
        .fetch_all(&mut **tx)
        .await?;
        let mut running = 0i64;
        for (id, period_end, completed, ytd, status, version) in rows {
            if period_end <= end {
                running = ytd;
                continue;
            }
            let due = running.saturating_add(completed);
            running = due;
            if due == ytd {
                continue;
            }
            let approved = status == ReportState::Approved.code();
            sqlx::query(
                "UPDATE reports SET ytd_fen = $1, version = version + 1, \
                 prior_corrected = CASE WHEN $2 = 1 THEN 1 ELSE prior_corrected END \
                 WHERE id = $3 AND version = $4",
            )
            .bind(due)
            .bind(i64::from(approved))
            .bind(id)
            .bind(version)
            .execute(&mut **tx)
            .await?;
            let (old, new) = (Money::from_fen(ytd), Money::from_fen(due));
            event(
                tx,
                id,
                at,
                actor,
                "recompute",
                Some(format!(
                    "上期已更正，累计完成投资 {} → {} 万元",
                    old.wan_display(),
                    new.wan_display()
                )),
            )
            .await?;
        }
    }
    Ok(())
}

async fn event(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
    at: i64,
    actor: Option<i64>,
    action: &str,
    note: Option<String>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_events (report_id, at, actor, action, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(report_id)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
