//! The personal to-do page (待办事项): what waits on this user — problems to handle or to close
//! off, decisions their unit owns, the period's reports to file or to review, approval nodes
//! their department must finish — earliest deadline (so the overdue) first; above them, the
//! problems that have risen to a level this user owns (升级提醒), latest first.

use askama::Template;
use axum::extract::State;
use chrono::NaiveDate;
use domain::calendar::WorkCalendar;
use domain::problem::{Action, Escalation, Level, Status, risen_on, transition};
use domain::progress::Period;
use domain::{Lang, Role};
use store::SessionUser;

use crate::AppState;
use crate::auth::PageUser;
use crate::calendar::Mark;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::render;
use crate::policy;
use axum::Router;
use axum::routing::get;

pub struct TodoRow {
    kind: &'static str,
    title: String,
    link: String,
    due: String,
    overdue: bool,
    detail: String,
    /// Beside the due date: a provisional or uncovered calendar year.
    mark: Mark,
}

/// A problem that rose to a level this user owns (升级提醒).
pub struct EscalationRow {
    title: String,
    link: String,
    level: String,
    since: String,
    overdue: u32,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    escalations: Vec<EscalationRow>,
    rows: Vec<TodoRow>,
}

/// Whether an escalated problem now at `level` concerns this user: the new level's owners (牵头部门:
/// the project's 牵头单位; 周例会: the lead office; 专题研究/市领导: the leaders and the lead
/// office), and the units whose problem it is, who learn that it has gone up.
fn escalation_concerns(user: &SessionUser, l: &store::ProblemLine) -> bool {
    let lead_office = policy::is_office(user);
    let owner = match l.level {
        Level::Unit => false,
        Level::TaskLead => l.project_lead_id == Some(user.unit_id),
        Level::WeeklyMeeting => lead_office,
        Level::Leadership => lead_office || user.role == Role::Leadership,
    };
    let theirs = !policy::reads_only(user)
        && (l.unit_id == Some(user.unit_id) || l.project_unit_id == Some(user.unit_id));
    owner || theirs
}

/// `GET /todo`.
pub async fn page(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    let day = crate::problems::work_day(&state).await?;
    let calendar = state.store.work_calendar().await?;
    let mut todo = Todo::default();
    todo.problems(&state, &user, day, &calendar, &tr).await?;
    todo.decisions(&state, &user, day, &tr).await?;
    todo.reports(&state, &user, day, &tr).await?;
    todo.approvals(&state, &user, day, &calendar, &tr).await?;
    todo.adjustments(&state, &user, day, &tr).await?;
    let Todo {
        mut rows,
        mut escalations,
    } = todo;
    rows.sort_by_key(|a| a.0);
    // The latest escalations first.
    escalations.sort_by_key(|e| std::cmp::Reverse(e.0));
    render(&TodoTemplate {
        as_of: day.to_string(),
        escalations: escalations.into_iter().map(|(_, r)| r).collect(),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        user,
        tr,
    })
}

/// What waits on this user, each with the day it sorts by, gathered source by source.
#[derive(Default)]
struct Todo {
    rows: Vec<(NaiveDate, TodoRow)>,
    escalations: Vec<(NaiveDate, EscalationRow)>,
}

impl Todo {
    async fn problems(
        &mut self,
        state: &AppState,
        user: &SessionUser,
        day: NaiveDate,
        calendar: &WorkCalendar,
        tr: &Tr,
    ) -> Result<(), AppError> {
        let who = policy::problem_viewer(user);
        let lang = tr.lang;
        // Problems: steps that are theirs by how they stand to the problem; the lead office
        // closes off what has been resolved.
        for l in state.store.visible_problems(&who, day).await? {
            if l.status.is_open() && l.level > l.raised_level && escalation_concerns(user, &l) {
                let since = risen_on(
                    l.raised_level,
                    l.level,
                    l.deadline,
                    day,
                    Escalation::default(),
                    calendar,
                );
                self.escalations.push((
                    since.unwrap_or(day),
                    EscalationRow {
                        title: format!("{}：{}", l.project, l.title),
                        link: format!("/problems/{}", l.id),
                        level: crate::problems::level_label(l.level, lang),
                        since: since.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        overdue: l.overdue_workdays,
                    },
                ));
            }
            let mut standing = who.standing_on_line(&l);
            standing.lead_office = false;
            let theirs = [Action::Accept, Action::Resolve, Action::Confirm]
                .iter()
                .find(|a| transition(l.status, a, standing).is_ok())
                .or((who.lead_office && l.status == Status::Resolved).then_some(&Action::Confirm));
            let Some(action) = theirs else { continue };
            let verb = match lang {
                Lang::Zh => action.label(),
                Lang::En => action.label_en(),
            };
            self.rows.push((
                l.deadline,
                TodoRow {
                    kind: tr.t("todo.problem"),
                    title: format!("{}：{}", l.project, l.title),
                    link: format!("/problems/{}", l.id),
                    due: l.deadline.to_string(),
                    overdue: l.overdue_workdays > 0,
                    detail: verb.to_string(),
                    mark: Mark::of(l.basis, lang),
                },
            ));
        }
        Ok(())
    }

    async fn decisions(
        &mut self,
        state: &AppState,
        user: &SessionUser,
        day: NaiveDate,
        tr: &Tr,
    ) -> Result<(), AppError> {
        let who = policy::problem_viewer(user);
        // Decisions their unit owns (the lead office: every open one).
        for d in state.store.open_decisions().await? {
            if !(who.lead_office || d.unit_id == Some(user.unit_id)) {
                continue;
            }
            self.rows.push((
                d.deadline,
                TodoRow {
                    kind: tr.t("agenda.decision"),
                    title: d.text.clone(),
                    link: "/meetings".into(),
                    due: d.deadline.to_string(),
                    overdue: d.deadline < day,
                    detail: format!("{} {}", d.meeting_date, d.unit.unwrap_or_default()),
                    mark: Mark::default(),
                },
            ));
        }
        Ok(())
    }

    async fn reports(
        &mut self,
        state: &AppState,
        user: &SessionUser,
        day: NaiveDate,
        tr: &Tr,
    ) -> Result<(), AppError> {
        let lang = tr.lang;
        // The period's reports: a unit's to file, the lead office's to review.
        let cadence = state.store.judging(day).await?.cadence;
        if let Some(period) = Period::latest_ended(day, cadence)
            && let Some(deadline) = period.deadline()
        {
            for u in state.store.period_overview(&period).await? {
                let (count, what) = match user.role {
                    Role::Responsible if u.unit_id == user.unit_id => {
                        (u.missing(), tr.t("todo.reports_missing"))
                    }
                    Role::Admin | Role::LeadOffice => (u.submitted, tr.t("todo.reports_review")),
                    _ => (0, ""),
                };
                if count == 0 {
                    continue;
                }
                self.rows.push((
                    deadline,
                    TodoRow {
                        kind: tr.t("todo.reports"),
                        title: format!(
                            "{} {}",
                            u.unit,
                            crate::reports::period_label(&period, lang)
                        ),
                        link: format!("/reports/{}/units/{}", period.key(), u.unit_id),
                        due: deadline.to_string(),
                        overdue: deadline < day && user.role == Role::Responsible,
                        detail: format!("{what} {count}"),
                        mark: Mark::default(),
                    },
                ));
            }
        }
        Ok(())
    }

    async fn approvals(
        &mut self,
        state: &AppState,
        user: &SessionUser,
        day: NaiveDate,
        calendar: &WorkCalendar,
        tr: &Tr,
    ) -> Result<(), AppError> {
        let lang = tr.lang;
        // Approval nodes the department must finish within two weeks (or is late with).
        if matches!(user.role, Role::TaskLead | Role::Support) {
            let until = day + chrono::Days::new(14);
            for n in state.store.due_approval_nodes(day, until).await? {
                if n.department.as_deref() != Some(user.unit_name.as_str()) {
                    continue;
                }
                self.rows.push((
                    n.planned_finish,
                    TodoRow {
                        kind: tr.t("todo.approval"),
                        title: format!("{}：{}", n.project_name, n.name),
                        link: format!("/projects/{}/approval", n.project_id),
                        due: n.planned_finish.to_string(),
                        overdue: n.planned_finish < day,
                        detail: n.unit_name.unwrap_or_default(),
                        mark: Mark::of(calendar.basis(n.planned_finish, n.planned_finish), lang),
                    },
                ));
            }
        }
        Ok(())
    }

    async fn adjustments(
        &mut self,
        state: &AppState,
        user: &SessionUser,
        day: NaiveDate,
        tr: &Tr,
    ) -> Result<(), AppError> {
        // Plan adjustments waiting for the lead office.
        if policy::is_office(user) {
            for a in state.store.plan_adjustments(None, true).await? {
                let day_asked = chrono::DateTime::from_timestamp(a.requested_at, 0)
                    .map_or(day, |t| t.date_naive());
                self.rows.push((
                    day_asked,
                    TodoRow {
                        kind: tr.t("adjust.list"),
                        title: format!("{} #{}", a.project, a.id),
                        link: "/adjustments".into(),
                        due: day_asked.to_string(),
                        overdue: false,
                        detail: a.reason,
                        mark: Mark::default(),
                    },
                ));
            }
        }
        Ok(())
    }
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/todo", get(page))
}
