//! Coordination meetings (一周一例会, 专题研究), their decisions (议定事项) tracked until closed
//! off, and the agenda of the next weekly meeting: open problems that have reached the meeting,
//! red projects and why, decisions due.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::bi;
use domain::problem::{Level, next_weekly_meeting, overdue_workdays};
use domain::progress::Light;

use crate::problems::ProblemLine;
use crate::projects::{date, date_text};
use crate::{Result, Store, StoreError, now};

/// A weekly coordination meeting, or a meeting on one subject or project (专题研究).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingKind {
    Weekly,
    Special,
}

impl MeetingKind {
    pub fn code(self) -> &'static str {
        match self {
            MeetingKind::Weekly => "weekly",
            MeetingKind::Special => "special",
        }
    }
}

/// A decision as the minutes record it: what, who, by when.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewDecision {
    pub text: String,
    /// The owner unit.
    pub unit_id: Option<i64>,
    pub project_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub deadline: Option<NaiveDate>,
}

/// A decision as stored, with the meeting it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_date: NaiveDate,
    pub text: String,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub project_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub deadline: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: Option<String>,
    /// 落实情况 the owner unit reported last, when and by whom.
    pub progress: Option<String>,
    pub progress_at: Option<i64>,
    pub progress_by: Option<String>,
    pub version: i64,
}

/// A meeting as recorded, with its decisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub id: i64,
    pub held_on: NaiveDate,
    pub weekly: bool,
    /// The project a 专题研究 was held on.
    pub project_id: Option<i64>,
    pub title: String,
    pub minutes: Option<String>,
    pub decisions: Vec<Decision>,
}

/// One item of a meeting's agenda.
#[derive(Debug, Clone, PartialEq)]
pub enum AgendaItem {
    /// An open problem at level 3 (周例会) or 4.
    Problem(ProblemLine),
    /// A project with a red light, and why.
    Project {
        id: i64,
        name: String,
        unit: Option<String>,
        why: Vec<domain::Bilingual>,
    },
    /// A decision of an earlier meeting, still open and due by this meeting.
    Decision {
        decision: Decision,
        overdue_workdays: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agenda {
    pub meeting_date: NaiveDate,
    /// What the meeting's day rests on (a provisional or uncovered year is marked).
    pub basis: domain::calendar::Basis,
    pub items: Vec<AgendaItem>,
    /// Red projects not on the agenda (red this period only, no open problem at level 2 or
    /// above): counted, for the list of red lights.
    pub other_red: usize,
}

/// Checks, inside a write, that a decision exists, is still open and is at `version`; with
/// `unit`, that the unit owns it.
async fn open_decision(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    version: i64,
    unit: Option<i64>,
) -> Result<()> {
    let row: Option<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT status, version, unit_id FROM decisions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((status, current, owner)) = row else {
        return Err(StoreError::NotFound);
    };
    if let Some(unit) = unit
        && owner != Some(unit)
    {
        return Err(StoreError::Forbidden(bi(
            "只能填报本单位承办的议定事项",
            "you report only on the decisions your unit owns",
        )));
    }
    if current != version {
        return Err(StoreError::Conflict { current });
    }
    if status != "open" {
        return Err(StoreError::Rule(bi(
            "该议定事项已落实销号",
            "this decision is already closed off",
        )));
    }
    Ok(())
}

/// A decision as stored, with its meeting's day and its owner's name.
#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    meeting_id: i64,
    held_on: String,
    text: String,
    unit_id: Option<i64>,
    unit: Option<String>,
    project_id: Option<i64>,
    problem_id: Option<i64>,
    deadline: String,
    done_on: Option<String>,
    done_note: Option<String>,
    progress: Option<String>,
    progress_at: Option<i64>,
    progress_by: Option<String>,
    version: i64,
}

const SELECT_DECISION: &str = "SELECT d.id, d.meeting_id, m.held_on, d.text, d.unit_id, u.name AS unit, \
     d.project_id, d.problem_id, d.deadline, d.done_on, d.done_note, d.progress, d.progress_at, \
     w.display_name AS progress_by, d.version \
     FROM decisions d JOIN meetings m ON m.id = d.meeting_id LEFT JOIN units u ON u.id = d.unit_id \
     LEFT JOIN users w ON w.id = d.progress_by";

fn decision_of(r: DecisionRow) -> Result<Decision> {
    let corrupt = || {
        StoreError::Rule(bi(
            "数据库中的议定事项日期无效",
            "a stored decision's date does not read",
        ))
    };
    Ok(Decision {
        id: r.id,
        meeting_id: r.meeting_id,
        meeting_date: date(Some(r.held_on)).ok_or_else(corrupt)?,
        text: r.text,
        unit_id: r.unit_id,
        unit: r.unit,
        project_id: r.project_id,
        problem_id: r.problem_id,
        deadline: date(Some(r.deadline)).ok_or_else(corrupt)?,
        done_on: date(r.done_on),
        done_note: r.done_note,
        progress: r.progress,
        progress_at: r.progress_at,
        progress_by: r.progress_by,
        version: r.version,
    })
}

impl Store {
    /// Records a meeting with its decisions, all at once; every decision needs its text, an
    /// owner unit and a deadline on or after the meeting. A 专题研究 may be held on one project
    /// (`project_id`). Returns the meeting's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_meeting(
        &self,
        held_on: NaiveDate,
        kind: MeetingKind,
        project_id: Option<i64>,
        title: &str,
        minutes: Option<&str>,
        decisions: &[NewDecision],
        actor: Option<i64>,
    ) -> Result<i64> {
        let mut refused = Vec::new();
        for (i, d) in decisions.iter().enumerate() {
            let n = i + 1;
            if d.text.trim().is_empty() {
                refused.push(bi(
                    format!("第{n}项议定事项没有内容"),
                    format!("decision {n} says nothing"),
                ));
            }
            if d.unit_id.is_none() {
                refused.push(bi(
                    format!("第{n}项议定事项没有责任单位"),
                    format!("decision {n} has no owner unit"),
                ));
            }
            match d.deadline {
                None => refused.push(bi(
                    format!("第{n}项议定事项没有完成时限"),
                    format!("decision {n} has no deadline"),
                )),
                Some(day) if day < held_on => refused.push(bi(
                    format!("第{n}项议定事项的时限 {day} 早于会议日期 {held_on}"),
                    format!("decision {n} is due {day}, before the meeting on {held_on}"),
                )),
                Some(_) => {}
            }
        }
        if title.trim().is_empty() {
            refused.push(bi("请填写会议名称", "the meeting needs a title"));
        }
        if project_id.is_some() && kind == MeetingKind::Weekly {
            refused.push(bi(
                "周例会不针对单个项目；针对一个项目请选专题研究",
                "a weekly meeting is not on one project; choose 专题研究 for that",
            ));
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        if let Some(id) = project_id
            && crate::projects::fetch_project(&mut *tx, id)
                .await?
                .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let (meeting,): (i64,) = sqlx::query_as(
            "INSERT INTO meetings (held_on, kind, project_id, title, minutes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(date_text(Some(held_on)))
        .bind(kind.code())
        .bind(project_id)
        .bind(title.trim())
        .bind(minutes.map(str::trim).filter(|m| !m.is_empty()))
        .bind(actor)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for d in decisions {
            sqlx::query(
                "INSERT INTO decisions (meeting_id, text, unit_id, project_id, problem_id, deadline, \
                 status, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', 1, $7)",
            )
            .bind(meeting)
            .bind(d.text.trim())
            .bind(d.unit_id)
            .bind(d.project_id)
            .bind(d.problem_id)
            .bind(date_text(d.deadline))
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await?;
        Ok(meeting)
    }

    /// Meetings, latest first, with their decisions; with `unit`, only the decisions that unit
    /// owns (and only the meetings that gave it one).
    pub async fn meetings(&self, unit: Option<i64>) -> Result<Vec<Meeting>> {
        type Row = (i64, String, String, Option<i64>, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, held_on, kind, project_id, title, minutes FROM meetings \
             ORDER BY held_on DESC, id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let all: Vec<DecisionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_DECISION} ORDER BY d.deadline, d.id"
        )))
        .fetch_all(self.pool())
        .await?;
        let mut decisions = Vec::with_capacity(all.len());
        for row in all {
            let decision = decision_of(row)?;
            if unit.is_none_or(|u| decision.unit_id == Some(u)) {
                decisions.push(decision);
            }
        }
        let mut out = Vec::new();
        for (id, held_on, kind, project_id, title, minutes) in rows {
            let mine: Vec<Decision> = decisions
                .iter()
                .filter(|d| d.meeting_id == id)
                .cloned()
                .collect();
            if unit.is_some() && mine.is_empty() {
                continue;
            }
            out.push(Meeting {
                id,
                held_on: date(Some(held_on)).ok_or_else(|| {
                    StoreError::Rule(bi(
                        "数据库中的会议日期无效",
                        "a stored meeting date does not read",
                    ))
                })?,
                weekly: kind == MeetingKind::Weekly.code(),
                project_id,
                title,
                minutes,
                decisions: mine,
            });
        }
        Ok(out)
    }

    /// Decisions not closed off yet, earliest deadline first.
    pub async fn open_decisions(&self) -> Result<Vec<Decision>> {
        let rows: Vec<DecisionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_DECISION} WHERE d.status = 'open' ORDER BY d.deadline, d.id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(decision_of).collect()
    }

    /// Closes a decision off (落实完毕), from the version the person saw.
    /// Records 落实情况 on an open decision: its owner unit (`unit`), or the lead office
    /// (`None`). Version-checked; a closed decision takes no more.
    pub async fn record_decision_progress(
        &self,
        id: i64,
        version: i64,
        text: &str,
        unit: Option<i64>,
        user_id: Option<i64>,
    ) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Rule(bi(
                "请填写落实情况",
                "say how the decision is being carried out",
            )));
        }
        let mut tx = self.begin_write().await?;
        open_decision(&mut tx, id, version, unit).await?;
        let done = sqlx::query(
            "UPDATE decisions SET progress = $1, progress_at = $2, progress_by = $3, \
             version = version + 1, updated_at = $2 WHERE id = $4 AND version = $5",
        )
        .bind(text)
        .bind(now())
        .bind(user_id)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                current: version + 1,
            });
        }
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn close_decision(
        &self,
        id: i64,
        version: i64,
        done_on: NaiveDate,
        note: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        open_decision(&mut tx, id, version, None).await?;
        let done = sqlx::query(
            "UPDATE decisions SET status = 'done', done_on = $1, done_note = $2, \
             version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(date_text(Some(done_on)))
        .bind(note.map(str::trim).filter(|n| !n.is_empty()))
        .bind(now())
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                current: version + 1,
            });
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// The agenda of the next weekly meeting on or after `as_of` (see
    /// `domain::problem::next_weekly_meeting`): every open problem at level 3 or 4 as of
    /// `as_of`, most escalated and most overdue first; the projects red as of `as_of` that need
    /// the meeting (red at the end of the period before too, or with an open problem at level
    /// 2 or above), most money behind first, and why, the other red ones counted; every open decision of an earlier meeting due by the meeting day. With
    /// `viewer`, only the problems they may see and the decisions their unit owns (the lights
    /// are everyone's to read).
    pub async fn agenda(
        &self,
        as_of: NaiveDate,
        viewer: Option<&crate::ProblemViewer>,
    ) -> Result<Agenda> {
        let limit = viewer
            .filter(|v| !v.sees_all)
            .map(|v| (v.unit_id, v.user_id));
        let calendar = self.work_calendar().await?;
        // Past the calendar's years the meeting is the coming Monday, marked as not computed
        // on working days, so the agenda still opens.
        let (meeting_date, basis) = match next_weekly_meeting(as_of, &calendar) {
            Ok(day) => (day, calendar.basis(as_of, day)),
            Err(_) => {
                let ahead = (7 - chrono::Datelike::weekday(&as_of).num_days_from_monday()) % 7;
                (
                    as_of + chrono::Days::new(u64::from(ahead)),
                    domain::calendar::Basis::Unknown,
                )
            }
        };
        let mut items = Vec::new();

        let mut problems: Vec<ProblemLine> = self
            .problem_lines(as_of, true, limit, None)
            .await?
            .into_iter()
            .filter(|p| p.status.is_open() && p.level >= Level::WeeklyMeeting)
            .filter(|p| viewer.is_none_or(|v| v.in_region(p.project_region_id)))
            .collect();
        problems.sort_by(|a, b| {
            (b.level, b.overdue_workdays, a.id).cmp(&(a.level, a.overdue_workdays, b.id))
        });
        items.extend(problems.into_iter().map(AgendaItem::Problem));

        // The red projects that need the meeting: red for two periods in a row, or red with an
        // open problem at level 2 or above; the rest are counted.
        let status = self.campaign_status(as_of).await?;
        let is_red = |p: &domain::progress::ProjectStatus| {
            p.judgement.as_ref().is_some_and(|j| j.light == Light::Red)
        };
        let red_now: Vec<&domain::progress::ProjectStatus> = status
            .status
            .projects
            .iter()
            .filter(|p| is_red(p))
            .collect();
        let mut other_red = 0;
        if !red_now.is_empty() {
            let judging = self.judging(as_of).await?;
            let before = previous_period_end(as_of, judging.cadence);
            let earlier: HashSet<i64> = match before {
                Some(day) if day >= judging.from => self
                    .compute_status(day, &judging.scheme)
                    .await?
                    .status
                    .projects
                    .iter()
                    .filter(|p| is_red(p))
                    .map(|p| p.id)
                    .collect(),
                _ => HashSet::new(),
            };
            let with_problem: HashSet<i64> = self
                .problem_lines(as_of, false, None, None)
                .await?
                .into_iter()
                .filter(|p| p.status.is_open() && p.level >= Level::TaskLead)
                .map(|p| p.project_id)
                .collect();
            let mut red: Vec<(i128, AgendaItem)> = Vec::new();
            for p in red_now {
                let twice = earlier.contains(&p.id);
                let problem = with_problem.contains(&p.id);
                if !twice && !problem {
                    other_red += 1;
                    continue;
                }
                let Some(j) = p.judgement.as_ref() else {
                    continue;
                };
                let mut why: Vec<domain::Bilingual> = j.why.iter().map(|w| w.text()).collect();
                if twice {
                    why.push(bi("连续两期红灯", "red two periods running"));
                }
                if problem {
                    why.push(bi(
                        "有二级以上未销号问题",
                        "an open problem at level 2 or above",
                    ));
                }
                why.extend(status.warnings.get(&p.id).cloned());
                red.push((
                    p.gap_fen(),
                    AgendaItem::Project {
                        id: p.id,
                        name: p.name.to_string(),
                        unit: p.unit.as_deref().map(str::to_string),
                        why,
                    },
                ));
            }
            // The most money behind first.
            red.sort_by_key(|r| std::cmp::Reverse(r.0));
            items.extend(red.into_iter().map(|(_, item)| item));
        }

        for decision in self.open_decisions().await? {
            let theirs = limit.is_none_or(|(unit, _)| decision.unit_id == Some(unit));
            if !theirs || decision.deadline > meeting_date || decision.meeting_date >= meeting_date
            {
                continue;
            }
            // A deadline the calendar does not cover counts nothing overdue.
            let overdue_workdays =
                overdue_workdays(decision.deadline, as_of, &calendar).unwrap_or(0);
            items.push(AgendaItem::Decision {
                decision,
                overdue_workdays,
            });
        }
        Ok(Agenda {
            meeting_date,
            basis,
            items,
            other_red,
        })
    }
}

/// The last day of the period before the latest one completed by `as_of` (a month, or a
/// ten-day period): where "red two periods in a row" looks back to.
fn previous_period_end(as_of: NaiveDate, cadence: domain::progress::Cadence) -> Option<NaiveDate> {
    use domain::progress::{Cadence, Period};
    let completed_by = |day: NaiveDate| -> Option<Period> {
        let period = match cadence {
            Cadence::Monthly => Period::month_of(day),
            Cadence::TenDaily => Period::ten_day_of(day),
        };
        if period.last_day() == Some(day) {
            Some(period)
        } else {
            let before = period.first_day()?.pred_opt()?;
            Some(match cadence {
                Cadence::Monthly => Period::month_of(before),
                Cadence::TenDaily => Period::ten_day_of(before),
            })
        }
    };
    let latest = completed_by(as_of)?;
    let before = latest.first_day()?.pred_opt()?;
    completed_by(before)?.last_day()
}

#[cfg(test)]
mod period_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use domain::progress::Cadence;

    #[test]
    fn the_period_before() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let cases = [
            ("2025-06-30", Cadence::Monthly, "2025-05-31"),
            ("2025-07-03", Cadence::Monthly, "2025-05-31"),
            ("2025-01-31", Cadence::Monthly, "2024-12-31"),
            ("2025-06-30", Cadence::TenDaily, "2025-06-20"),
            ("2025-06-15", Cadence::TenDaily, "2025-05-31"),
        ];
        for (as_of, cadence, want) in cases {
            assert_eq!(
                previous_period_end(d(as_of), cadence),
                Some(d(want)),
                "{as_of}"
            );
        }
    }
}
