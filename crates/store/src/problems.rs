//! Problems (问题专单): raised for a project, handled by a unit before a deadline, escalated
//! while stuck, closed off (销号) once resolved and confirmed. The rules are
//! `domain::problem`'s; this module keeps the rows, checks versions and records every step.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use domain::calendar::Basis;
use domain::problem::{Action, Category, Deadline, Escalation, Level, Standing, Status, escalate};
use domain::{Bilingual, UnitKind, bi};
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Transaction};

use crate::import::{Resolver, RowProblem, row_problem};
use crate::projects::placeholders;
use crate::projects::{date, date_text};
use crate::rows::{select_columns, select_rows, unpack_columns};
use crate::status::decode::{Day, number_date, text_in_place, ymd_text_number};
use crate::{Dialect, Result, Store, StoreError, now};

/// A problem as somebody raises it (or a row of an imported list gives it).
#[derive(Debug, Clone, PartialEq)]
pub struct NewProblem {
    pub project_id: i64,
    /// 存在问题: what is in the way, in a line.
    pub title: String,
    /// 问题描述.
    pub description: Option<String>,
    pub category: Category,
    /// The responsible unit; `None`: the project's own.
    pub unit_id: Option<i64>,
    /// 协办单位.
    pub co_units: Vec<i64>,
    pub raised_on: NaiveDate,
    pub deadline: Deadline,
    /// The level it is raised at (usually 责任单位).
    pub level: Level,
}

/// The columns of a problem's line, in the order of `problem_lines`' rows.
const LINE_COLUMNS: [&str; 9] = [
    "q.id",
    "q.title",
    "q.unit_id",
    "q.deadline",
    "q.status",
    "q.raised_level",
    "q.level",
    "q.project_id",
    "q.raised_by",
];

/// A problem line as read ([`LINE_COLUMNS`]), deadline and status decoded in place.
struct LineRow {
    id: i64,
    title: String,
    unit_id: Option<i64>,
    deadline: Day,
    status: StatusCode,
    raised_level: i64,
    level: i64,
    project_id: i64,
    raised_by: Option<i64>,
}

/// A problem line as PostgreSQL returns it ([`LINE_COLUMNS`]), deadline and status as text.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct StoredLine {
    id: i64,
    title: String,
    unit_id: Option<i64>,
    deadline: String,
    status: String,
    raised_level: i64,
    level: i64,
    project_id: i64,
    raised_by: Option<i64>,
}

/// From this span of problem ids on, SQLite reads the lines in two halves side by side (a few
/// in this crate's tests, so that they do).
const SPLIT_LINES: i64 = if cfg!(test) { 2 } else { 10_000 };

/// Up to this many projects' names are read by id; more, and every project's in one read.
const LINE_PROJECTS_BY_ID: usize = if cfg!(test) { 2 } else { 2_000 };

/// A project as a problem line names it: name, responsible unit, 牵头单位 and region.
type LineProjects = HashMap<i64, (Arc<str>, Option<i64>, Option<i64>, Option<i64>)>;
/// (id, name, unit, 牵头单位, region) as read.
type ProjectNameRow = (i64, String, Option<i64>, Option<i64>, Option<i64>);

/// A problem as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub id: i64,
    pub project_id: i64,
    pub project: String,
    /// The project's responsible unit (it raised the problem, or it is raised for it).
    pub project_unit_id: Option<i64>,
    /// The project's 牵头单位 (level 2 of the escalation is theirs).
    pub project_lead_id: Option<i64>,
    /// The project's region (a user's region scope reads by it).
    pub project_region_id: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub category: Category,
    pub raised_by: Option<i64>,
    pub raised_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub co_units: Vec<i64>,
    pub deadline: NaiveDate,
    /// Given as working days from raising, when it was.
    pub deadline_workdays: Option<u32>,
    pub raised_level: Level,
    /// The level reached when the status last changed.
    pub level: Level,
    pub status: Status,
    pub resolution: Option<String>,
    pub version: i64,
}

/// What a step may carry besides the action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepExtra<'a> {
    /// The resolution when resolving; otherwise a remark kept with the step.
    pub note: Option<&'a str>,
    /// A new deadline, with a return or a reopening.
    pub new_deadline: Option<NaiveDate>,
}

/// Who takes a step: the user (none for the command line) and how they stand to the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemActor {
    pub user_id: Option<i64>,
    pub standing: Standing,
}

impl ProblemActor {
    /// The command line: acts as the lead office.
    pub const SYSTEM: ProblemActor = ProblemActor {
        user_id: None,
        standing: Standing {
            raiser: false,
            lead_office: true,
            responsible: false,
        },
    };
}

/// Who is looking at problems. The lead office, the administrator and the leaders see every
/// problem; a unit sees the problems of its own projects, those assigned to it and those it
/// co-handles.
/// A viewer with a region scope sees, of all that, only the problems of projects in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemViewer {
    pub user_id: i64,
    pub unit_id: i64,
    pub sees_all: bool,
    /// Acts as the lead office (总牵头单位): every step of every problem.
    pub lead_office: bool,
    /// The viewer's region scope (the regions whose projects' problems they see), if any.
    pub within: Option<Arc<[i64]>>,
}

impl ProblemViewer {
    /// Every problem, as the office's own jobs and documents see them (no user, no scope).
    pub fn everyone() -> ProblemViewer {
        ProblemViewer {
            user_id: 0,
            unit_id: 0,
            sees_all: true,
            lead_office: true,
            within: None,
        }
    }

    /// Whether a project of `region` lies in the viewer's region scope (always without one).
    pub fn in_region(&self, region: Option<i64>) -> bool {
        self.within
            .as_ref()
            .is_none_or(|ids| region.is_some_and(|r| ids.contains(&r)))
    }

    /// How this viewer stands to a problem they can see.
    /// The project's own unit stands as the raiser of a problem assigned to another unit (it
    /// confirms that unit's work); it never confirms its own.
    pub fn standing(&self, p: &Problem) -> Standing {
        self.standing_to(p.raised_by, p.project_unit_id, p.unit_id)
    }

    /// How this viewer stands to a listed problem, as [`ProblemViewer::standing`].
    pub fn standing_on_line(&self, l: &ProblemLine) -> Standing {
        self.standing_to(l.raised_by, l.project_unit_id, l.unit_id)
    }

    fn standing_to(
        &self,
        raised_by: Option<i64>,
        project_unit: Option<i64>,
        unit: Option<i64>,
    ) -> Standing {
        let responsible = unit == Some(self.unit_id);
        Standing {
            raiser: raised_by == Some(self.user_id)
                || (project_unit == Some(self.unit_id) && !responsible),
            lead_office: self.lead_office,
            responsible,
        }
    }

    /// Whether this viewer may see a problem.
    pub fn sees(&self, p: &Problem) -> bool {
        self.in_region(p.project_region_id)
            && (self.sees_all
                || p.raised_by == Some(self.user_id)
                || p.project_unit_id == Some(self.unit_id)
                || p.project_lead_id == Some(self.unit_id)
                || p.unit_id == Some(self.unit_id)
                || p.co_units.contains(&self.unit_id))
    }
}

/// One step of a problem's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemEvent {
    pub at: i64,
    pub actor: Option<i64>,
    /// Who took the step, and their unit (none for a system step, such as an import).
    pub actor_name: Option<String>,
    pub actor_unit: Option<String>,
    /// raise, accept, resolve, confirm, return, reopen, note.
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub level: Level,
    pub note: Option<String>,
}

/// A problem on a date, as `gongjian problems` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemLine {
    pub id: i64,
    pub project_id: i64,
    /// The project's responsible unit.
    pub project_unit_id: Option<i64>,
    /// The project's 牵头单位.
    pub project_lead_id: Option<i64>,
    /// The project's region.
    pub project_region_id: Option<i64>,
    /// The unit the problem is assigned to.
    pub unit_id: Option<i64>,
    pub raised_by: Option<i64>,
    /// The project's name, shared by the lines of its problems.
    pub project: Arc<str>,
    pub title: String,
    /// The assigned unit's name, shared likewise.
    pub unit: Option<Arc<str>>,
    pub deadline: NaiveDate,
    pub status: Status,
    /// The level it was raised at.
    pub raised_level: Level,
    pub level: Level,
    /// Working days past the deadline by the date; 0 once resolved or closed.
    pub overdue_workdays: u32,
    /// What the deadline and the count rest on (a provisional or uncovered year is marked).
    pub basis: Basis,
}

#[derive(sqlx::FromRow)]
struct ProblemRow {
    id: i64,
    project_id: i64,
    project: String,
    project_unit_id: Option<i64>,
    project_lead_id: Option<i64>,
    project_region_id: Option<i64>,
    title: String,
    description: Option<String>,
    category: String,
    raised_by: Option<i64>,
    raised_on: String,
    unit_id: Option<i64>,
    unit: Option<String>,
    deadline: String,
    deadline_workdays: Option<i64>,
    raised_level: i64,
    level: i64,
    status: String,
    resolution: Option<String>,
    version: i64,
}

const SELECT_PROBLEM: &str = "SELECT q.id, q.project_id, p.name AS project, \
     p.unit_id AS project_unit_id, p.lead_department_id AS project_lead_id, \
     p.region_id AS project_region_id, q.title, q.description, \
     q.category, q.raised_by, q.raised_on, q.unit_id, u.name AS unit, q.deadline, \
     q.deadline_workdays, q.raised_level, q.level, q.status, q.resolution, q.version \
     FROM problems q JOIN projects p ON p.id = q.project_id LEFT JOIN units u ON u.id = q.unit_id";

fn corrupt(what: &str) -> StoreError {
    StoreError::Rule(bi(
        format!("数据库中的问题记录无效：{what}"),
        format!("a stored problem does not read: {what}"),
    ))
}

fn level_of(n: i64) -> Result<Level> {
    u8::try_from(n)
        .ok()
        .and_then(Level::from_number)
        .ok_or_else(|| corrupt("level"))
}

/// A stored status code read in place from a packed column (none if it is no status).
struct StatusCode(Option<Status>);

impl<'de> serde::Deserialize<'de> for StatusCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<StatusCode, D::Error> {
        text_in_place(deserializer, |text| {
            StatusCode(text.and_then(Status::from_code))
        })
    }
}

pub(crate) fn status_of(code: &str) -> Result<Status> {
    Status::from_code(code).ok_or_else(|| corrupt("status"))
}

fn problem_of(r: ProblemRow, co_units: Vec<i64>) -> Result<Problem> {
    Ok(Problem {
        id: r.id,
        project_id: r.project_id,
        project: r.project,
        project_unit_id: r.project_unit_id,
        project_lead_id: r.project_lead_id,
        project_region_id: r.project_region_id,
        title: r.title,
        description: r.description,
        category: Category::from_code(&r.category).ok_or_else(|| corrupt("category"))?,
        raised_by: r.raised_by,
        raised_on: date(Some(r.raised_on)).ok_or_else(|| corrupt("raised_on"))?,
        unit_id: r.unit_id,
        unit: r.unit,
        co_units,
        deadline: date(Some(r.deadline)).ok_or_else(|| corrupt("deadline"))?,
        deadline_workdays: r.deadline_workdays.and_then(|n| u32::try_from(n).ok()),
        raised_level: level_of(r.raised_level)?,
        level: level_of(r.level)?,
        status: status_of(&r.status)?,
        resolution: r.resolution,
        version: r.version,
    })
}

fn refused(message: Bilingual) -> StoreError {
    StoreError::Rule(message)
}

/// A problem's working days overdue and level on `as_of`: an open problem rises from the level
/// it was raised at (never below the level it had already reached); a resolved or closed one
/// keeps the level it reached, its clock stopped. With what the count rests on: where the
/// calendar does not cover the span, the problem keeps its level and counts nothing overdue,
/// marked [`Basis::Unknown`], instead of failing the list.
fn on_date(
    status: Status,
    raised_at: Level,
    reached: Level,
    deadline: NaiveDate,
    as_of: NaiveDate,
    calendar: &domain::calendar::WorkCalendar,
) -> (u32, Level, Basis) {
    let basis = calendar.basis(deadline, as_of);
    if !status.is_open() {
        return (0, reached, calendar.basis(deadline, deadline));
    }
    match escalate(raised_at, deadline, as_of, Escalation::default(), calendar) {
        Ok((overdue, level)) => (overdue, level.max(reached), basis),
        Err(_) => (0, reached, Basis::Unknown),
    }
}

/// One row of `problem_events`.
struct Step<'a> {
    action: &'a str,
    from: Option<Status>,
    to: Status,
    level: Level,
    note: Option<&'a str>,
}

/// A progress note on a problem in `tx`: a step that keeps its status and level.
pub(crate) async fn note_in(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    actor: Option<i64>,
    text: &str,
) -> Result<()> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT status, level FROM problems WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((status, level)) = row else {
        return Err(StoreError::NotFound);
    };
    let status = status_of(&status)?;
    let step = Step {
        action: "note",
        from: Some(status),
        to: status,
        level: level_of(level)?,
        note: Some(text),
    };
    record(tx, id, actor, step).await
}

/// Dates again, on `calendar`, every open problem whose deadline was given in working days (and
/// not moved to a date since) and whose span reaches into `year` (from the previous December,
/// where a 元旦 block may begin): after a year's holidays are imported, such a deadline follows
/// the official calendar. A resolved or closed problem keeps the deadline it was handled
/// against. Each move is recorded as a step ("截止日期随…调整"); the count moved is returned.
pub(crate) async fn redate_workday_deadlines(
    tx: &mut Transaction<'static, Any>,
    calendar: &domain::calendar::WorkCalendar,
    year: i32,
    actor: Option<i64>,
) -> Result<usize> {
    let from = format!("{:04}-12-01", year - 1);
    let to = format!("{year:04}-12-31");
    let rows: Vec<(i64, String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT id, raised_on, deadline, deadline_workdays, status, level FROM problems \
         WHERE deadline_workdays IS NOT NULL AND deadline >= $1 AND raised_on <= $2 \
         AND status IN ('open', 'in_progress') ORDER BY id",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut **tx)
    .await?;
    let mut moved = 0;
    for (id, raised_on, deadline, workdays, status, level) in rows {
        let (Some(raised), Some(old), Ok(n)) = (
            date(Some(raised_on)),
            date(Some(deadline)),
            u32::try_from(workdays),
        ) else {
            continue;
        };
        let Ok(new) = calendar.add_workdays(raised, n) else {
            continue;
        };
        if new == old {
            continue;
        }
        sqlx::query("UPDATE problems SET deadline = $1, version = version + 1 WHERE id = $2")
            .bind(date_text(Some(new)))
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let status = status_of(&status)?;
        let note = format!(
            "截止日期随{year}年节假日安排调整：{old} → {new}（{n}个工作日） / deadline moved with the {year} holiday arrangements: {old} → {new} ({n} working days)"
        );
        let step = Step {
            action: "note",
            from: Some(status),
            to: status,
            level: level_of(level)?,
            note: Some(&note),
        };
        record(tx, id, actor, step).await?;
        moved += 1;
    }
    Ok(moved)
}

async fn record(
    tx: &mut Transaction<'static, Any>,
    problem: i64,
    actor: Option<i64>,
    step: Step<'_>,
) -> Result<()> {
    let Step {
        action,
        from,
        to,
        level,
        note,
    } = step;
    sqlx::query(
        "INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, level, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(problem)
    .bind(now())
    .bind(actor)
    .bind(action)
    .bind(from.map(Status::code))
    .bind(to.code())
    .bind(i64::from(level.number()))
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The row of a new problem, its co-units and its first step.
struct Insert<'a> {
    project_id: i64,
    title: &'a str,
    description: Option<&'a str>,
    category: Category,
    raised_by: Option<i64>,
    raised_on: NaiveDate,
    unit_id: Option<i64>,
    co_units: &'a [i64],
    deadline: NaiveDate,
    deadline_workdays: Option<u32>,
    level: Level,
    status: Status,
    source: &'a str,
    /// The first step: raise, or import (with the status the list gave).
    action: &'a str,
}

async fn insert_problem(tx: &mut Transaction<'static, Any>, p: Insert<'_>) -> Result<i64> {
    let at = now();
    let level = i64::from(p.level.number());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO problems (project_id, title, description, category, raised_by, raised_on, \
         unit_id, deadline, deadline_workdays, raised_level, level, status, source, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15) RETURNING id",
    )
    .bind(p.project_id)
    .bind(p.title)
    .bind(p.description.map(str::trim).filter(|d| !d.is_empty()))
    .bind(p.category.code())
    .bind(p.raised_by)
    .bind(date_text(Some(p.raised_on)))
    .bind(p.unit_id)
    .bind(date_text(Some(p.deadline)))
    .bind(p.deadline_workdays.map(i64::from))
    .bind(level)
    .bind(level)
    .bind(p.status.code())
    .bind(p.source)
    .bind(at)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    let mut co_units = p.co_units.to_vec();
    co_units.sort_unstable();
    co_units.dedup();
    for unit in co_units.into_iter().filter(|u| Some(*u) != p.unit_id) {
        sqlx::query("INSERT INTO problem_co_units (problem_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(unit)
            .execute(&mut **tx)
            .await?;
    }
    let step = Step {
        action: p.action,
        from: None,
        to: p.status,
        level: p.level,
        note: None,
    };
    record(tx, id, p.raised_by, step).await?;
    Ok(id)
}

/// A row of an imported problem list, its project and units still as names.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemListRow {
    pub sheet: String,
    pub row: u32,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub category: Category,
    pub unit_name: Option<String>,
    pub co_unit_names: Vec<String>,
    pub raised_on: NaiveDate,
    pub deadline: Deadline,
    pub status: Status,
}

/// What an import of a problem list did, or would do.
#[derive(Debug, Clone, Default)]
pub struct ProblemImportOutcome {
    pub created: usize,
    pub new_units: Vec<String>,
    pub problems: Vec<RowProblem>,
    /// True when nothing was written: a dry run, or problems found.
    pub rolled_back: bool,
}

impl Store {
    /// Writes an imported problem list, all or nothing: each row's project found by code, else
    /// by its exact name (a name several projects share needs the code); units named in the list
    /// created when new; deadlines in working days dated from the day each problem was raised.
    /// When any row cannot be matched nothing is written; a `dry_run` reads and checks the same
    /// way and writes nothing at all.
    pub async fn import_problems(
        &self,
        rows: &[ProblemListRow],
        actor: Option<i64>,
        dry_run: bool,
    ) -> Result<ProblemImportOutcome> {
        let calendar = self.work_calendar().await?;
        let mut tx = if dry_run {
            self.pool().begin().await?
        } else {
            self.begin_write().await?
        };
        let mut outcome = ProblemImportOutcome::default();
        let mut resolver = Resolver::load(&mut tx).await?;
        if dry_run {
            resolver = resolver.dry();
        }
        let projects: Vec<(i64, Option<String>, String, Option<i64>)> =
            sqlx::query_as("SELECT id, code, name, unit_id FROM projects")
                .fetch_all(&mut *tx)
                .await?;
        let mut by_code: HashMap<&str, (i64, Option<i64>)> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<(i64, Option<i64>)>> = HashMap::new();
        for (id, code, name, unit) in &projects {
            if let Some(code) = code {
                by_code.insert(code, (*id, *unit));
            }
            by_name.entry(name).or_default().push((*id, *unit));
        }
        for row in rows {
            let found = match (&row.project_code, &row.project_name) {
                (Some(code), name) => by_code
                    .get(code.as_str())
                    .copied()
                    .ok_or_else(|| {
                        bi(
                            format!("台账中没有编号为“{code}”的项目"),
                            format!("the ledger has no project with the code “{code}”"),
                        )
                    })
                    .or_else(|e| match name.as_deref().and_then(|n| by_name.get(n)) {
                        Some(found) if found.len() == 1 => Ok(found[0]),
                        _ => Err(e),
                    }),
                (None, Some(name)) => match by_name.get(name.as_str()).map(Vec::as_slice) {
                    Some([one]) => Ok(*one),
                    Some([_, _, ..]) => Err(bi(
                        format!("台账中有多个名为“{name}”的项目，请在表中填写项目编号以区分"),
                        format!(
                            "the ledger has several projects named “{name}”; add the project code"
                        ),
                    )),
                    _ => Err(bi(
                        format!("台账中没有名为“{name}”的项目"),
                        format!("the ledger has no project named “{name}”"),
                    )),
                },
                (None, None) => Err(bi("缺少项目名称或项目编号", "the row names no project")),
            };
            let (project_id, project_unit) = match found {
                Ok(found) => found,
                Err(m) => {
                    outcome.problems.push(row_problem(&row.sheet, row.row, m));
                    continue;
                }
            };
            let dated = row
                .deadline
                .date(row.raised_on, &calendar)
                .and_then(|d| calendar.is_workday(d).map(|_| d));
            let deadline = match dated {
                Ok(d) => d,
                Err(e) => {
                    outcome
                        .problems
                        .push(row_problem(&row.sheet, row.row, e.message().clone()));
                    continue;
                }
            };
            let unit_id = match &row.unit_name {
                Some(name) => Some(
                    resolver
                        .unit(&mut tx, name, UnitKind::guess(name), &mut outcome.new_units)
                        .await?,
                ),
                None => project_unit,
            };
            let mut co_units = Vec::new();
            for name in &row.co_unit_names {
                co_units.push(
                    resolver
                        .unit(&mut tx, name, UnitKind::guess(name), &mut outcome.new_units)
                        .await?,
                );
            }
            if dry_run {
                outcome.created += 1;
                continue;
            }
            insert_problem(
                &mut tx,
                Insert {
                    project_id,
                    title: row.title.trim(),
                    description: row.description.as_deref(),
                    category: row.category,
                    raised_by: actor,
                    raised_on: row.raised_on,
                    unit_id,
                    co_units: &co_units,
                    deadline,
                    deadline_workdays: match row.deadline {
                        Deadline::Workdays(n) => Some(n),
                        Deadline::On(_) => None,
                    },
                    level: Level::Unit,
                    status: row.status,
                    source: "import",
                    action: "import",
                },
            )
            .await?;
            outcome.created += 1;
        }
        if dry_run || !outcome.problems.is_empty() {
            tx.rollback().await?;
            outcome.rolled_back = true;
        } else {
            self.commit(tx).await?;
        }
        Ok(outcome)
    }

    /// Raises a problem: checked, its deadline dated on the working-day calendar, written with
    /// its co-units and a `raise` step, all at once. Returns its id.
    pub async fn raise_problem(
        &self,
        new: &NewProblem,
        actor: Option<i64>,
        source: &str,
    ) -> Result<i64> {
        let title = new.title.trim();
        if title.is_empty() {
            return Err(refused(bi("请填写存在问题", "say what the problem is")));
        }
        let calendar = self.work_calendar().await?;
        let deadline = new
            .deadline
            .date(new.raised_on, &calendar)
            .map_err(StoreError::Calendar)?;
        // Both days on the calendar, so the problem's working days overdue can be counted.
        calendar
            .is_workday(deadline)
            .map_err(StoreError::Calendar)?;
        if deadline < new.raised_on {
            return Err(refused(bi(
                format!("办理时限 {deadline} 早于提出时间 {}", new.raised_on),
                format!(
                    "the deadline {deadline} is before the day the problem was raised, {}",
                    new.raised_on
                ),
            )));
        }
        let mut tx = self.begin_write().await?;
        let project: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT unit_id FROM projects WHERE id = $1")
                .bind(new.project_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((project_unit,)) = project else {
            return Err(refused(bi(
                format!("项目 {} 不存在", new.project_id),
                format!("there is no project {}", new.project_id),
            )));
        };
        for unit in new.unit_id.iter().chain(&new.co_units) {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE id = $1")
                .bind(*unit)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(refused(bi(
                    format!("单位 {unit} 不存在"),
                    format!("there is no unit {unit}"),
                )));
            }
        }
        let id = insert_problem(
            &mut tx,
            Insert {
                project_id: new.project_id,
                title,
                description: new.description.as_deref(),
                category: new.category,
                raised_by: actor,
                raised_on: new.raised_on,
                unit_id: new.unit_id.or(project_unit),
                co_units: &new.co_units,
                deadline,
                deadline_workdays: match new.deadline {
                    Deadline::Workdays(n) => Some(n),
                    Deadline::On(_) => None,
                },
                level: new.level,
                status: Status::Open,
                source,
                action: "raise",
            },
        )
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// One problem with its co-units.
    pub async fn problem(&self, id: i64) -> Result<Option<Problem>> {
        let row: Option<ProblemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_PROBLEM} WHERE q.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let co: Vec<(i64,)> = sqlx::query_as(
            "SELECT unit_id FROM problem_co_units WHERE problem_id = $1 ORDER BY unit_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        problem_of(row, co.into_iter().map(|(u,)| u).collect()).map(Some)
    }

    /// Every step of a problem, oldest first.
    pub async fn problem_events(&self, id: i64) -> Result<Vec<ProblemEvent>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            at: i64,
            actor: Option<i64>,
            actor_name: Option<String>,
            actor_unit: Option<String>,
            action: String,
            from_status: Option<String>,
            to_status: String,
            level: i64,
            note: Option<String>,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT e.at, e.actor, u.display_name AS actor_name, n.name AS actor_unit, e.action, \
             e.from_status, e.to_status, e.level, e.note FROM problem_events e \
             LEFT JOIN users u ON u.id = e.actor LEFT JOIN units n ON n.id = u.unit_id \
             WHERE e.problem_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ProblemEvent {
                    at: r.at,
                    actor: r.actor,
                    actor_name: r.actor_name,
                    actor_unit: r.actor_unit,
                    action: r.action,
                    from_status: r.from_status.as_deref().map(status_of).transpose()?,
                    to_status: status_of(&r.to_status)?,
                    level: level_of(r.level)?,
                    note: r.note,
                })
            })
            .collect()
    }

    /// Takes one step of a problem's lifecycle on `today`, from the version the person saw.
    /// Refused when somebody changed the problem meanwhile (修改冲突), or when the lifecycle
    /// does not allow the step to this person (see `domain::problem::transition`). Resolving
    /// records the level the problem had reached by then; `extra.note` is the resolution when
    /// resolving, else kept with the step; `extra.new_deadline` moves the deadline of a problem
    /// returned or reopened (from today on), so its clock starts again from there.
    pub async fn act_on_problem(
        &self,
        id: i64,
        version: i64,
        action: &Action,
        by: ProblemActor,
        today: NaiveDate,
        extra: StepExtra<'_>,
    ) -> Result<Problem> {
        let StepExtra { note, new_deadline } = extra;
        let calendar = self.work_calendar().await?;
        if let Some(day) = new_deadline {
            if !matches!(action, Action::Return { .. } | Action::Reopen { .. }) {
                return Err(refused(bi(
                    "只有退回或重新打开时可以重新确定办理时限",
                    "a new deadline comes with a return or a reopening only",
                )));
            }
            if day < today {
                return Err(refused(bi(
                    format!("新的办理时限 {day} 早于今天 {today}"),
                    format!("the new deadline {day} is before today, {today}"),
                )));
            }
            calendar.is_workday(day).map_err(StoreError::Calendar)?;
        }
        let mut tx = self.begin_write().await?;
        let row: Option<(String, i64, i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT status, version, raised_level, level, deadline, resolution FROM problems WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, current, raised_level, level, deadline, resolution)) = row else {
            return Err(StoreError::NotFound);
        };
        if current != version {
            return Err(StoreError::Conflict { current });
        }
        let from = status_of(&status)?;
        let to = domain::problem::transition(from, action, by.standing).map_err(refused)?;
        let mut level = level_of(level)?;
        if from.is_open() && !to.is_open() {
            let deadline = date(Some(deadline)).ok_or_else(|| corrupt("deadline"))?;
            let (_, reached) = escalate(
                level_of(raised_level)?,
                deadline,
                today,
                Escalation::default(),
                &calendar,
            )
            .map_err(StoreError::Calendar)?;
            level = level.max(reached);
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let reason = match action {
            Action::Return { reason } | Action::Reopen { reason } => Some(reason.trim()),
            _ => None,
        };
        let resolution = match action {
            Action::Resolve => note.map(str::to_string).or(resolution),
            _ => resolution,
        };
        let done = sqlx::query(
            "UPDATE problems SET status = $1, level = $2, resolution = $3, version = version + 1, \
             updated_at = $4, deadline = COALESCE($7, deadline), \
             deadline_workdays = CASE WHEN $8 = 1 THEN NULL ELSE deadline_workdays END \
             WHERE id = $5 AND version = $6",
        )
        .bind(to.code())
        .bind(i64::from(level.number()))
        .bind(resolution)
        .bind(now())
        .bind(id)
        .bind(version)
        .bind(date_text(new_deadline))
        .bind(i64::from(new_deadline.is_some()))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                current: version + 1,
            });
        }
        let action_code = match action {
            Action::Accept => "accept",
            Action::Resolve => "resolve",
            Action::Confirm => "confirm",
            Action::Return { .. } => "return",
            Action::Reopen { .. } => "reopen",
        };
        let said = reason.or(note).map(str::to_string);
        let said = match new_deadline {
            Some(day) => Some(match said {
                Some(s) => format!("{s}（新办理时限 {day}）"),
                None => format!("新办理时限 {day}"),
            }),
            None => said,
        };
        let step = Step {
            action: action_code,
            from: Some(from),
            to,
            level,
            note: said.as_deref(),
        };
        record(&mut tx, id, by.user_id, step).await?;
        self.commit(tx).await?;
        self.problem(id).await?.ok_or(StoreError::NotFound)
    }

    /// Adds a progress note (进展情况) to a problem: who, when and what, kept as a step that does
    /// not change the status. Anyone who may see the problem may write one (a leader's 批示 too).
    pub async fn note_problem(&self, id: i64, text: &str, actor: Option<i64>) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Err(refused(bi("请填写进展情况", "write what has happened")));
        }
        let mut tx = self.begin_write().await?;
        note_in(&mut tx, id, actor, text).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Every problem raised by `as_of`, with its level and working days overdue on that date:
    /// an open problem rises from the level it was raised at for each started block of five
    /// working days past its deadline; a resolved or closed one shows the level it reached.
    /// (The status is the current one; each step's date is in [`Store::problem_events`].)
    pub async fn problems_as_of(&self, as_of: NaiveDate) -> Result<Vec<ProblemLine>> {
        self.problem_lines(as_of, false, None, None).await
    }

    /// The lines of [`Store::problems_as_of`] that `viewer` may see.
    pub async fn visible_problems(
        &self,
        viewer: &ProblemViewer,
        as_of: NaiveDate,
    ) -> Result<Vec<ProblemLine>> {
        let limit = (!viewer.sees_all).then_some((viewer.unit_id, viewer.user_id));
        let mut lines = self.problem_lines(as_of, false, limit, None).await?;
        lines.retain(|l| viewer.in_region(l.project_region_id));
        Ok(lines)
    }

    /// The lines of one project's problems that `viewer` may see (for its page).
    pub async fn project_problems(
        &self,
        viewer: &ProblemViewer,
        project_id: i64,
        as_of: NaiveDate,
    ) -> Result<Vec<ProblemLine>> {
        let limit = (!viewer.sees_all).then_some((viewer.unit_id, viewer.user_id));
        let mut lines = self
            .problem_lines(as_of, false, limit, Some(project_id))
            .await?;
        lines.retain(|l| viewer.in_region(l.project_region_id));
        Ok(lines)
    }

    /// A problem's working days overdue and level on `as_of` (as [`Store::problems_as_of`]
    /// lists it).
    pub async fn problem_on(&self, p: &Problem, as_of: NaiveDate) -> Result<(u32, Level, Basis)> {
        let calendar = self.work_calendar().await?;
        Ok(on_date(
            p.status,
            p.raised_level,
            p.level,
            p.deadline,
            as_of,
            &calendar,
        ))
    }

    /// One problem, if `viewer` may see it (a problem they may not see is as good as absent,
    /// so guessing ids tells nothing).
    pub async fn problem_for(&self, id: i64, viewer: &ProblemViewer) -> Result<Option<Problem>> {
        Ok(self.problem(id).await?.filter(|p| viewer.sees(p)))
    }

    /// The lines of [`Store::problems_as_of`]; with `meeting`, only those that can have reached
    /// the weekly meeting by `as_of`: open, and raised there or past their deadline; with
    /// `visible_to` (unit, user), only those that unit or user may see (see [`ProblemViewer`]);
    /// with `project`, only that project's.
    pub(crate) async fn problem_lines(
        &self,
        as_of: NaiveDate,
        meeting: bool,
        visible_to: Option<(i64, i64)>,
        project: Option<i64>,
    ) -> Result<Vec<ProblemLine>> {
        let started = std::time::Instant::now();
        let calendar = self.work_calendar().await?;
        let calendar_read = started.elapsed();
        let (unit, user) = visible_to.unwrap_or((0, 0));
        // The arguments, with the problem ids `ids` to read.
        let args = |ids: (i64, i64)| -> Result<AnyArguments> {
            let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
            let mut args = AnyArguments::default();
            args.add(date_text(Some(as_of))).map_err(enc)?;
            args.add(i64::from(Level::WeeklyMeeting.number()))
                .map_err(enc)?;
            args.add(unit).map_err(enc)?;
            args.add(user).map_err(enc)?;
            args.add(project.unwrap_or(0)).map_err(enc)?;
            args.add(ids.0).map_err(enc)?;
            args.add(ids.1).map_err(enc)?;
            Ok(args)
        };
        let only = if meeting {
            " AND q.status IN ('open', 'in_progress') \
             AND (q.deadline < $1 OR q.level >= $2 OR q.raised_level >= $2)"
        } else {
            " AND $2 > 0"
        };
        // The problems alone: joining each to its (wide) project row was most of the time. A
        // viewer's projects are one set, computed once; names come after, by id.
        // The meeting's open problems are most of the open ones: SQLite would look each up
        // through `problems_by_status`, three times slower than reading the table through.
        let table = match (self.dialect(), meeting) {
            (Dialect::Sqlite, true) => "problems q NOT INDEXED",
            _ => "problems q",
        };
        let rest = format!(
            "FROM {table} WHERE q.raised_on <= $1{only} \
             AND ($3 = 0 OR q.raised_by = $4 OR q.unit_id = $3 \
             OR q.project_id IN (SELECT id FROM projects WHERE unit_id = $3 OR lead_department_id = $3) \
             OR EXISTS (SELECT 1 FROM problem_co_units c WHERE c.problem_id = q.id AND c.unit_id = $3)) \
             AND ($5 = 0 OR q.project_id = $5) AND q.id >= $6 AND q.id <= $7"
        );
        // Deadline and status read in place on SQLite (a hundred thousand lines add up).
        let mut rows: Vec<LineRow> = match self.dialect() {
            Dialect::Sqlite => {
                let unpack = |columns: Vec<String>| {
                    unpack_columns!(columns => LineRow {
                        id: i64,
                        title: String,
                        unit_id: Option<i64>,
                        deadline: Day,
                        status: StatusCode,
                        raised_level: i64,
                        level: i64,
                        project_id: i64,
                        raised_by: Option<i64>,
                    })
                };
                let (lo, hi): (Option<i64>, Option<i64>) =
                    sqlx::query_as("SELECT MIN(id), MAX(id) FROM problems")
                        .fetch_one(self.pool())
                        .await?;
                let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(0));
                let mut first = self.pool().acquire().await?;
                // Many lines: read in two halves side by side when a second connection is idle
                // (never waiting for one while holding the first). Each problem is read once,
                // in one half; like the names read after, the halves are separate reads.
                let second = if project.is_none() && hi - lo >= SPLIT_LINES {
                    self.pool().try_acquire()
                } else {
                    None
                };
                match second {
                    Some(mut second) => {
                        let mid = lo + (hi - lo) / 2;
                        let (a, b) = tokio::join!(
                            select_columns(&mut *first, &LINE_COLUMNS, &rest, args((lo, mid))?),
                            select_columns(
                                &mut *second,
                                &LINE_COLUMNS,
                                &rest,
                                args((mid + 1, hi))?
                            ),
                        );
                        let mut rows = unpack(a?)?;
                        rows.extend(unpack(b?)?);
                        rows
                    }
                    None => unpack(
                        select_columns(&mut *first, &LINE_COLUMNS, &rest, args((lo, hi))?).await?,
                    )?,
                }
            }
            Dialect::Postgres => {
                let rows: Vec<StoredLine> = select_rows(
                    self.pool(),
                    Dialect::Postgres,
                    &LINE_COLUMNS.join(", "),
                    &rest,
                    args((i64::MIN, i64::MAX))?,
                )
                .await?;
                rows.into_iter()
                    .map(|r| LineRow {
                        deadline: Day(ymd_text_number(&r.deadline)),
                        status: StatusCode(Status::from_code(&r.status)),
                        id: r.id,
                        title: r.title,
                        unit_id: r.unit_id,
                        raised_level: r.raised_level,
                        level: r.level,
                        project_id: r.project_id,
                        raised_by: r.raised_by,
                    })
                    .collect()
            }
        };
        let problems_read = started.elapsed();
        rows.sort_unstable_by_key(|r| r.id);
        // As many lines as would read every project anyway: no need to list theirs.
        let wanted = if rows.len() > LINE_PROJECTS_BY_ID {
            None
        } else {
            let mut ids: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
            ids.sort_unstable();
            ids.dedup();
            Some(ids)
        };
        let projects = self.line_projects(wanted.as_deref()).await?;
        let units: HashMap<i64, Arc<str>> =
            sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM units")
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .map(|(id, name)| (id, name.into()))
                .collect();
        let names_read = started.elapsed();
        let lines = rows
            .into_iter()
            .filter_map(|r| projects.get(&r.project_id).map(|p| (r, p)))
            .map(
                |(r, (name, project_unit_id, project_lead_id, project_region_id))| {
                    let deadline = r
                        .deadline
                        .0
                        .and_then(number_date)
                        .ok_or_else(|| corrupt("deadline"))?;
                    let status = r.status.0.ok_or_else(|| corrupt("status"))?;
                    let (raised_level, level) = (level_of(r.raised_level)?, level_of(r.level)?);
                    let (overdue_workdays, level, basis) =
                        on_date(status, raised_level, level, deadline, as_of, &calendar);
                    Ok(ProblemLine {
                        id: r.id,
                        project_id: r.project_id,
                        project_unit_id: *project_unit_id,
                        project_lead_id: *project_lead_id,
                        project_region_id: *project_region_id,
                        unit_id: r.unit_id,
                        raised_by: r.raised_by,
                        project: name.clone(),
                        title: r.title,
                        unit: r.unit_id.and_then(|u| units.get(&u).cloned()),
                        deadline,
                        status,
                        raised_level,
                        level,
                        overdue_workdays,
                        basis,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        tracing::debug!(
            lines = lines.len(),
            calendar_ms = calendar_read.as_millis(),
            problems_ms = problems_read.as_millis(),
            names_ms = names_read.as_millis(),
            total_ms = started.elapsed().as_millis(),
            "problem lines as of {as_of}"
        );
        Ok(lines)
    }

    /// Name, responsible unit, 牵头单位 and region of these projects (ids sorted), or of
    /// every project: in one read when they are many, else by id.
    async fn line_projects(&self, ids: Option<&[i64]>) -> Result<LineProjects> {
        let mut rows = Vec::new();
        match ids {
            Some(ids) if ids.len() <= LINE_PROJECTS_BY_ID => {
                for chunk in ids.chunks(LINE_PROJECTS_BY_ID.min(500)) {
                    let rest = format!(
                        "FROM projects WHERE id IN ({})",
                        placeholders(self.dialect(), 1, chunk.len())
                    );
                    rows.extend(self.project_names(&rest, chunk).await?);
                }
            }
            _ => rows = self.project_names("FROM projects", &[]).await?,
        }
        Ok(rows
            .into_iter()
            .map(|(id, name, unit, lead, region)| (id, (name.into(), unit, lead, region)))
            .collect())
    }

    /// (id, name, unit, 牵头单位, region) of `SELECT … {rest}`, `ids` bound in order.
    async fn project_names(&self, rest: &str, ids: &[i64]) -> Result<Vec<ProjectNameRow>> {
        const COLUMNS: [&str; 5] = ["id", "name", "unit_id", "lead_department_id", "region_id"];
        let mut args = AnyArguments::default();
        for id in ids {
            args.add(*id)
                .map_err(|e| StoreError::Db(sqlx::Error::Encode(e)))?;
        }
        match self.dialect() {
            Dialect::Sqlite => {
                let columns = select_columns(self.pool(), &COLUMNS, rest, args).await?;
                unpack_columns!(columns =>
                    id: i64,
                    name: String,
                    unit_id: Option<i64>,
                    lead: Option<i64>,
                    region: Option<i64>,
                )
            }
            Dialect::Postgres => {
                select_rows(
                    self.pool(),
                    Dialect::Postgres,
                    &COLUMNS.join(", "),
                    rest,
                    args,
                )
                .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::testing::{Backend, TestDb};
    use domain::{ProjectFields, UnitKind};

    /// Lines name their projects the same whether few projects are read by id (chunks of two
    /// in these tests) or many in one read of the whole ledger.
    #[tokio::test]
    async fn lines_name_their_projects_however_they_are_read() {
        TestDb::each_backend(|Backend { store, dialect, .. }| async move {
            let town = store
                .create_unit("龙田镇", UnitKind::Town, None)
                .await
                .unwrap();
            let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
            let mut projects = Vec::new();
            for i in 0..5 {
                let fields = ProjectFields {
                    name: format!("项目{i}"),
                    unit_id: Some(town),
                    ..ProjectFields::default()
                };
                let id = store
                    .create_project(&fields, None, "test")
                    .await
                    .unwrap()
                    .id;
                projects.push(id);
                let problem = NewProblem {
                    project_id: id,
                    title: format!("问题{i}"),
                    description: None,
                    category: Category::Land,
                    unit_id: None,
                    co_units: Vec::new(),
                    raised_on: day(9, 1),
                    deadline: Deadline::On(day(9, 30)),
                    level: Level::Unit,
                };
                store.raise_problem(&problem, None, "test").await.unwrap();
            }
            let all = store.problems_as_of(day(10, 20)).await.unwrap();
            let named: Vec<(String, String)> = all
                .iter()
                .map(|l| (l.project.to_string(), l.title.clone()))
                .collect();
            let expected: Vec<(String, String)> = (0..5)
                .map(|i| (format!("项目{i}"), format!("问题{i}")))
                .collect();
            assert_eq!(named, expected, "{dialect:?}");
            assert!(all.iter().all(|l| l.project_unit_id == Some(town)));
            for (i, id) in projects.iter().enumerate() {
                let one = store
                    .problem_lines(day(10, 20), false, None, Some(*id))
                    .await
                    .unwrap();
                assert_eq!(one.len(), 1);
                assert_eq!(&*one[0].project, format!("项目{i}"));
            }
            store.close().await;
        })
        .await;
    }
}
