//! The weekly meeting's minutes (会议纪要) and its decisions (议定事项): the lead office records a
//! meeting starting from its agenda, each decision with an owner unit and a deadline, and closes
//! decisions off as they are carried out. A unit reads the decisions it owns.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use domain::dates::{Edge, parse_date};
use domain::{Lang, bi};
use serde::Deserialize;
use store::{AgendaItem, MeetingKind, NewDecision, SessionUser};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult, parse_id};
use crate::i18n::Tr;
use crate::layout;
use crate::pages::render_form;
use crate::policy;
use axum::Router;
use axum::routing::{get, post};

pub struct DecisionRow {
    id: i64,
    version: i64,
    text: String,
    unit: String,
    deadline: String,
    done: String,
    problem_id: Option<i64>,
    /// 落实情况 as last reported, with who and when.
    progress: String,
    progress_by: String,
    /// This user may report 落实情况 on it (its owner unit, or the office).
    may_report: bool,
}

pub struct MeetingRow {
    held_on: String,
    title: String,
    minutes: String,
    decisions: Vec<DecisionRow>,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsTemplate {
    tr: Tr,
    user: SessionUser,
    secretary: bool,
    meetings: Vec<MeetingRow>,
    error: Option<String>,
}

async fn meetings_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    error: Option<String>,
) -> PageResult {
    let lang = tr.lang;
    let sees_all = policy::problem_viewer(&user).sees_all;
    let unit = (!sees_all).then_some(user.unit_id);
    let meetings = state
        .store
        .meetings(unit)
        .await?
        .into_iter()
        .map(|m| MeetingRow {
            held_on: m.held_on.to_string(),
            title: m.title,
            minutes: m.minutes.unwrap_or_default(),
            decisions: m
                .decisions
                .into_iter()
                .map(|d| DecisionRow {
                    id: d.id,
                    version: d.version,
                    text: d.text,
                    unit: d.unit.unwrap_or_default(),
                    deadline: d.deadline.to_string(),
                    done: match (d.done_on, lang) {
                        (Some(day), Lang::Zh) => format!(
                            "{day} 已落实{}",
                            d.done_note.map(|n| format!("：{n}")).unwrap_or_default()
                        ),
                        (Some(day), Lang::En) => format!(
                            "done {day}{}",
                            d.done_note.map(|n| format!(": {n}")).unwrap_or_default()
                        ),
                        (None, _) => String::new(),
                    },
                    problem_id: d.problem_id,
                    may_report: d.done_on.is_none()
                        && policy::may_report_on_decision(&user, d.unit_id),
                    progress: d.progress.unwrap_or_default(),
                    progress_by: match (d.progress_by, d.progress_at) {
                        (Some(by), Some(at)) => format!("{by} {}", crate::pages::format_time(at)),
                        (None, Some(at)) => crate::pages::format_time(at),
                        _ => String::new(),
                    },
                })
                .collect(),
        })
        .collect();
    let invalid = error.is_some();
    render_form(
        &MeetingsTemplate {
            secretary: policy::is_office(&user),
            meetings,
            error,
            user,
            tr,
        },
        invalid,
    )
}

/// `GET /meetings`: the meetings and their decisions (a unit: the decisions it owns).
pub async fn list(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    meetings_page(&state, tr, user, None).await
}

#[derive(Deserialize)]
pub struct ProgressForm {
    version: i64,
    #[serde(default)]
    progress: String,
}

/// `POST /decisions/{id}/progress`: the owner unit (or the office) reports 落实情况.
pub async fn progress(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<ProgressForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    if policy::reads_only(&user) {
        return Err(AppError::Forbidden.into());
    }
    // Anyone but the office reports for its own unit; the store refuses another unit's
    // decision ([`policy::may_report_on_decision`] in the same terms).
    let unit = (!policy::is_office(&user)).then_some(user.unit_id);
    match state
        .store
        .record_decision_progress(id, form.version, &form.progress, unit, Some(user.id))
        .await
    {
        Ok(()) => Ok(layout::done("/meetings", "done.progress_recorded", None)),
        Err(store::StoreError::NotFound) => Err(AppError::NotFound.into()),
        Err(store::StoreError::Forbidden(m)) => Err(AppError::Refused(m).into()),
        Err(e) => {
            let why = AppError::from(e).message().get(tr.lang).to_string();
            meetings_page(&state, tr, user, Some(why)).await
        }
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    version: i64,
    #[serde(default)]
    note: String,
}

/// `POST /decisions/{id}/close`: a decision carried out (落实销号).
pub async fn close(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let id = parse_id(&id)?;
    let on = crate::problems::work_day(&state).await?;
    let note = (!form.note.trim().is_empty()).then_some(form.note.as_str());
    match state.store.close_decision(id, form.version, on, note).await {
        Ok(()) => Ok(layout::done("/meetings", "done.decision_closed", None)),
        Err(store::StoreError::NotFound) => Err(AppError::NotFound.into()),
        Err(e) => {
            let why = AppError::from(e).message().get(tr.lang).to_string();
            meetings_page(&state, tr, user, Some(why)).await
        }
    }
}

/// One decision row of the minutes form.
#[derive(Default)]
pub struct DraftRow {
    index: usize,
    text: String,
    unit_id: String,
    deadline: String,
    problem_id: String,
    project_id: String,
    /// What is wrong with this row.
    error: String,
}

/// An agenda item (or an open problem of the project met on) offered beside the minutes: one
/// click makes it a decision, its owner preset.
pub struct Pick {
    text: String,
    unit_id: String,
    unit: String,
    problem_id: i64,
    project_id: i64,
}

/// What the minutes may be taken from: the weekly meeting's agenda as of `day`, or a project's
/// open problems.
async fn picks(
    state: &AppState,
    user: &SessionUser,
    project: Option<i64>,
    day: chrono::NaiveDate,
) -> Result<Vec<Pick>, AppError> {
    let lines: Vec<store::ProblemLine> = match project {
        Some(id) => state
            .store
            .project_problems(&policy::problem_viewer(user), id, day)
            .await?
            .into_iter()
            .filter(|l| l.status.is_open())
            .collect(),
        None => state
            .store
            .agenda(day, None)
            .await?
            .items
            .into_iter()
            .filter_map(|item| match item {
                AgendaItem::Problem(l) => Some(l),
                _ => None,
            })
            .collect(),
    };
    Ok(lines
        .into_iter()
        .map(|l| Pick {
            text: if project.is_some() {
                l.title.clone()
            } else {
                format!("{}：{}", l.project, l.title)
            },
            unit_id: l.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            unit: l.unit.as_deref().unwrap_or_default().to_string(),
            problem_id: l.id,
            project_id: l.project_id,
        })
        .collect())
}

/// Blank decision rows for the minutes (more come as items are picked).
fn blank_rows(from: usize, count: usize, unit: &str, project: &str) -> Vec<DraftRow> {
    (from..from + count)
        .map(|index| DraftRow {
            index,
            unit_id: unit.to_string(),
            project_id: project.to_string(),
            ..DraftRow::default()
        })
        .collect()
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MinutesTemplate {
    tr: Tr,
    user: SessionUser,
    held_on: String,
    title: String,
    minutes: String,
    rows: Vec<DraftRow>,
    picks: Vec<Pick>,
    units: Vec<(i64, String)>,
    /// A 专题研究 on this project (id, name), else the weekly meeting.
    project: Option<(i64, String)>,
    errors: Vec<String>,
}

/// Blank decision rows the minutes start with.
const BLANK_ROWS: usize = 5;

#[derive(Deserialize)]
pub struct MinutesQuery {
    #[serde(default)]
    as_of: String,
    /// A 专题研究 on this project.
    #[serde(default)]
    project: String,
}

/// The minutes as the form shows them.
struct Draft {
    held_on: String,
    title: String,
    minutes: String,
    rows: Vec<DraftRow>,
    picks: Vec<Pick>,
    project: Option<(i64, String)>,
}

async fn minutes_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    draft: Draft,
    errors: Vec<String>,
) -> PageResult {
    let Draft {
        held_on,
        title,
        minutes,
        rows,
        picks,
        project,
    } = draft;
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &MinutesTemplate {
            held_on,
            title,
            minutes,
            rows,
            picks,
            units,
            project,
            errors,
            user,
            tr,
        },
        invalid,
    )
}

/// The draft of a 专题研究 on one project: held today, one decision row per open problem of the
/// project (owner: the problem's unit) and a few blank rows about the project.
async fn special_draft(
    state: &AppState,
    tr: Tr,
    user: &SessionUser,
    project: &str,
) -> Result<Draft, AppError> {
    let id = parse_id(project)?;
    let p = policy::project_for(state, user, id).await?;
    let day = crate::problems::work_day(state).await?;
    let unit = p.fields.unit_id.map(|u| u.to_string()).unwrap_or_default();
    let rows = blank_rows(0, BLANK_ROWS, &unit, &id.to_string());
    let picks = picks(state, user, Some(id), day).await?;
    let title = match tr.lang {
        Lang::Zh => format!("{}专题研究会", p.fields.name),
        Lang::En => format!("Meeting on {}", p.fields.name),
    };
    Ok(Draft {
        held_on: day.to_string(),
        title,
        minutes: String::new(),
        rows,
        picks,
        project: Some((id, p.fields.name)),
    })
}

/// `GET /meetings/new`: the minutes of the next weekly meeting, one decision row per problem on
/// its agenda (owner: the problem's unit) and a few blank rows.
pub async fn new_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<MinutesQuery>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    if !q.project.trim().is_empty() {
        let draft = special_draft(&state, tr, &user, &q.project).await?;
        return minutes_page(&state, tr, user, draft, Vec::new()).await;
    }
    let as_of = crate::problems::as_of_or_today(&state, &q.as_of).await?;
    let agenda = state.store.agenda(as_of, None).await?;
    let draft = Draft {
        held_on: agenda.meeting_date.to_string(),
        title: tr.t("meetings.default_title").to_string(),
        minutes: String::new(),
        rows: blank_rows(0, BLANK_ROWS, "", ""),
        picks: picks(&state, &user, None, as_of).await?,
        project: None,
    };
    minutes_page(&state, tr, user, draft, Vec::new()).await
}

/// The minutes as posted: the meeting's day, name and minutes, the project of a 专题研究, and
/// the decision rows (`text_{i}`, `unit_{i}`, `deadline_{i}`, `problem_{i}`, `project_{i}`), in
/// the order of their numbers (rows added in the browser included).
#[derive(Default)]
pub struct MinutesForm {
    held_on: String,
    title: String,
    minutes: String,
    project: String,
    rows: Vec<DraftRow>,
}

impl From<Vec<(String, String)>> for MinutesForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = MinutesForm::default();
        let mut rows: std::collections::BTreeMap<usize, DraftRow> = Default::default();
        for (key, value) in fields {
            let value = value.trim().to_string();
            match key.as_str() {
                "held_on" => form.held_on = value,
                "title" => form.title = value,
                "minutes" => form.minutes = value,
                "project" => form.project = value,
                _ => {
                    let Some((name, index)) = key.rsplit_once('_') else {
                        continue;
                    };
                    let Ok(index) = index.parse::<usize>() else {
                        continue;
                    };
                    let row = rows.entry(index).or_insert_with(|| DraftRow {
                        index,
                        ..DraftRow::default()
                    });
                    match name {
                        "text" => row.text = value,
                        "unit" => row.unit_id = value,
                        "deadline" => row.deadline = value,
                        "problem" => row.problem_id = value,
                        "project" => row.project_id = value,
                        _ => {}
                    }
                }
            }
        }
        // Renumbered from 0, so the form shown again posts the same rows.
        form.rows = rows
            .into_values()
            .enumerate()
            .map(|(index, row)| DraftRow { index, ..row })
            .collect();
        form
    }
}

impl MinutesForm {
    /// The meeting's date, which the minutes must have.
    fn held_on(&self) -> Result<chrono::NaiveDate, domain::Bilingual> {
        parse_date(&self.held_on, Edge::Start)?
            .ok_or_else(|| bi("请填写会议日期", "give the meeting's date"))
    }

    /// The decisions of the rows that say something; what is wrong with a row is put beside it.
    fn decisions(&mut self, lang: Lang) -> Vec<NewDecision> {
        let mut decisions = Vec::new();
        for row in self.rows.iter_mut().filter(|r| !r.text.is_empty()) {
            // Said beside the row; the store checks the same again.
            let deadline = match parse_date(&row.deadline, Edge::End) {
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    row.error = bi("该项议定事项没有完成时限", "this decision has no deadline")
                        .get(lang)
                        .to_string();
                    None
                }
                Err(m) => {
                    row.error = m.get(lang).to_string();
                    None
                }
            };
            if row.unit_id.parse::<i64>().is_err() {
                row.error = bi("请选择责任单位", "choose the owner unit")
                    .get(lang)
                    .to_string();
            }
            decisions.push(NewDecision {
                text: row.text.clone(),
                unit_id: row.unit_id.parse().ok(),
                project_id: row.project_id.parse().ok(),
                problem_id: row.problem_id.parse().ok(),
                deadline,
            });
        }
        decisions
    }
}

/// `POST /meetings/new`: records the meeting with the decision rows that say something, all at
/// once; a row without an owner or a deadline sends the form back with why.
pub async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let mut form = MinutesForm::from(fields);
    let lang = tr.lang;
    let mut errors = Vec::new();
    let held_on = form
        .held_on()
        .map_err(|m| errors.push(m.get(lang).to_string()))
        .ok();
    let decisions = form.decisions(lang);
    let MinutesForm {
        held_on: held_on_text,
        title,
        minutes,
        project,
        rows,
    } = form;
    let project = match project.as_str() {
        "" => None,
        id => {
            let id = parse_id(id)?;
            let p = policy::project_for(&state, &user, id).await?;
            Some((id, p.fields.name))
        }
    };
    let kind = match project {
        Some(_) => MeetingKind::Special,
        None => MeetingKind::Weekly,
    };
    let row_errors = rows.iter().filter(|r| !r.error.is_empty()).count();
    if row_errors > 0 {
        errors.push(match lang {
            Lang::Zh => format!("有 {row_errors} 项议定事项需要修改，见各行提示"),
            Lang::En => format!("{row_errors} decisions need correcting: see each row"),
        });
    }
    if let (Some(held_on), true) = (held_on, errors.is_empty()) {
        let title = if title.is_empty() {
            tr.t("meetings.default_title").to_string()
        } else {
            title.clone()
        };
        let minutes = (!minutes.is_empty()).then_some(minutes.as_str());
        match state
            .store
            .record_meeting(
                held_on,
                kind,
                project.as_ref().map(|p| p.0),
                &title,
                minutes,
                &decisions,
                Some(user.id),
            )
            .await
        {
            Ok(_) => {
                let back = match &project {
                    Some((id, _)) => format!("/projects/{id}/dossier#meetings"),
                    None => "/meetings".to_string(),
                };
                return Ok(layout::done(
                    &back,
                    "done.meeting_saved",
                    i64::try_from(decisions.len()).ok(),
                ));
            }
            Err(store::StoreError::Invalid(messages)) => {
                errors.extend(messages.iter().map(|m| m.get(lang).to_string()));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let day = crate::problems::work_day(&state).await?;
    let picks = picks(&state, &user, project.as_ref().map(|p| p.0), day).await?;
    let draft = Draft {
        held_on: held_on_text,
        title,
        minutes,
        rows,
        picks,
        project,
    };
    minutes_page(&state, tr, user, draft, errors).await
}

/// The pack's note on working days that rest on a provisional year (or on none the calendar
/// has); none when every date is official.
fn calendar_note(agenda: &store::Agenda) -> Option<String> {
    let basis = agenda
        .items
        .iter()
        .filter_map(|item| match item {
            store::AgendaItem::Problem(l) => Some(l.basis),
            _ => None,
        })
        .chain([agenda.basis])
        .max()
        .unwrap_or_default();
    match basis {
        domain::calendar::Basis::Official => None,
        domain::calendar::Basis::Provisional => Some(
            "会议时间、期限和逾期工作日按暂定工作日日历计算（该年国务院办公厅节假日安排通知尚未导入），导入后可能调整。"
                .to_string(),
        ),
        domain::calendar::Basis::Unknown => Some(
            "部分日期超出工作日日历覆盖的年份，未按工作日计算。".to_string(),
        ),
    }
}

/// The weekly meeting's pack (会议材料) as of a date: the agenda's problems and red projects, and
/// the decisions of the meeting before it (done or not) with any older ones still open and due.
/// With `viewer`, what that user may see of it (as the agenda page).
pub async fn meeting_pack(
    store: &store::Store,
    as_of: chrono::NaiveDate,
    viewer: Option<&store::ProblemViewer>,
) -> Result<office::MeetingPack, AppError> {
    let agenda = store.agenda(as_of, viewer).await?;
    let calendar = store.work_calendar().await?;
    let heading = store
        .judging(as_of)
        .await?
        .campaign
        .map_or_else(|| "重点项目攻坚行动".to_string(), |(_, name)| name);
    // Working days that rest on a provisional year (or none the calendar has) are noted.
    let note = calendar_note(&agenda);
    let mut pack = office::MeetingPack {
        heading,
        meeting_date: agenda.meeting_date,
        as_of,
        problems: Vec::new(),
        red_projects: Vec::new(),
        decisions: Vec::new(),
        note,
    };
    let state_of = |d: &store::Decision| -> String {
        match d.done_on {
            Some(day) => format!("已落实（{day}）"),
            None => match domain::problem::overdue_workdays(d.deadline, as_of, &calendar) {
                Ok(n) if n > 0 => format!("逾期 {n} 个工作日"),
                _ => "未到期".to_string(),
            },
        }
    };
    let mut seen = Vec::new();
    for item in &agenda.items {
        match item {
            AgendaItem::Problem(l) => pack.problems.push(office::PackProblem {
                project: l.project.to_string(),
                title: l.title.clone(),
                unit: l.unit.as_deref().unwrap_or_default().to_string(),
                level: format!("{}级·{}", l.level.number(), l.level.label()),
                overdue_workdays: l.overdue_workdays,
                deadline: l.deadline,
            }),
            AgendaItem::Project {
                name, unit, why, ..
            } => pack.red_projects.push(office::PackProject {
                name: name.clone(),
                unit: unit.clone().unwrap_or_default(),
                // The pack is a Chinese document.
                why: why
                    .iter()
                    .map(|w| w.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
            }),
            AgendaItem::Decision { decision, .. } => {
                seen.push(decision.id);
                pack.decisions.push(office::PackDecision {
                    text: decision.text.clone(),
                    unit: decision.unit.clone().unwrap_or_default(),
                    meeting_date: decision.meeting_date,
                    deadline: decision.deadline,
                    state: state_of(decision),
                });
            }
        }
    }
    let unit = viewer.filter(|v| !v.sees_all).map(|v| v.unit_id);
    let previous = store
        .meetings(unit)
        .await?
        .into_iter()
        .find(|m| m.weekly && m.held_on < agenda.meeting_date);
    if let Some(m) = previous {
        for d in m.decisions.iter().filter(|d| !seen.contains(&d.id)) {
            pack.decisions.push(office::PackDecision {
                text: d.text.clone(),
                unit: d.unit.clone().unwrap_or_default(),
                meeting_date: d.meeting_date,
                deadline: d.deadline,
                state: state_of(d),
            });
        }
    }
    Ok(pack)
}

/// `GET /agenda/pack.docx?as_of=`: the meeting pack to edit and forward.
pub async fn pack_docx(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Query(q): Query<MinutesQuery>,
) -> PageResult {
    let as_of = crate::problems::as_of_or_today(&state, &q.as_of).await?;
    let who = policy::problem_viewer(&user);
    let pack = meeting_pack(&state.store, as_of, Some(&who)).await?;
    let bytes = office::write_meeting_pack(&pack).map_err(|e| AppError::Internal(e.to_string()))?;
    let file = format!("meeting-{}.docx", pack.meeting_date);
    Ok(crate::pages::download(crate::pages::DOCX, &file, bytes))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/agenda/pack.docx", get(pack_docx))
        .route("/meetings", get(list))
        .route("/meetings/new", get(new_form).post(create))
        .route("/decisions/{id}/close", post(close))
        .route("/decisions/{id}/progress", post(progress))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_every_row_and_say_what_is_wrong_beside_it() {
        let fields: Vec<(String, String)> = [
            ("held_on", "2025-10-20"),
            ("text_0", "岸线审批"),
            ("unit_0", "3"),
            ("deadline_0", "2025-10-31"),
            ("text_1", ""),
            // A row added in the browser after a gap.
            ("text_7", "供电接入"),
            ("unit_7", ""),
            ("deadline_7", ""),
            ("project_7", "12"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
        let mut form = MinutesForm::from(fields);
        assert_eq!(form.rows.len(), 3);
        assert_eq!(
            form.rows.iter().map(|r| r.index).collect::<Vec<_>>(),
            vec![0, 1, 2],
            "renumbered, so the form shown again posts the same rows"
        );
        let decisions = form.decisions(Lang::Zh);
        assert_eq!(decisions.len(), 2, "blank rows say nothing");
        assert_eq!(decisions[1].project_id, Some(12));
        assert!(form.rows[0].error.is_empty());
        assert!(form.rows[1].error.is_empty());
        assert_eq!(form.rows[2].error, "请选择责任单位");
    }
}
