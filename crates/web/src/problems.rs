//! Problems (问题专单) and the weekly meeting's agenda: the list a user may see, one problem with
//! its steps and the steps this user may take, the form that raises a problem on a project, and
//! the JSON API for the same. Who sees what is `store::ProblemViewer`; a problem out of sight is
//! answered as not found, so ids cannot be probed.

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Form, Path, Query, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use domain::dates::{Edge, parse_date};
use domain::problem::{Action, Category, Deadline, Level, Status, transition};
use domain::{Lang, bi};
use serde::{Deserialize, Serialize};
use store::{AgendaItem, NewProblem, Problem, ProblemActor, ProblemLine, SessionUser};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::calendar::Mark;
use crate::error::{AppError, PageResult, parse_id};
use crate::i18n::Tr;
use crate::layout;
use crate::pages::{format_time, render, render_form, today};
use crate::policy;
use crate::reports::bad_json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub(crate) fn level_label(level: Level, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}级·{}", level.number(), level.label()),
        Lang::En => format!("{} · {}", level.number(), level.label_en()),
    }
}

fn status_label(status: Status, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => status.label(),
        Lang::En => status.label_en(),
    }
}

fn category_label(category: Category, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => category.label(),
        Lang::En => category.label_en(),
    }
}

pub struct LineRow {
    pub(crate) id: i64,
    pub(crate) project: String,
    pub(crate) title: String,
    pub(crate) unit: String,
    pub(crate) deadline: String,
    pub(crate) status: &'static str,
    pub(crate) status_code: &'static str,
    pub(crate) level: String,
    pub(crate) overdue: u32,
    /// Beside the deadline: a provisional calendar, or one that does not cover it.
    pub(crate) mark: Mark,
}

fn line_row(l: &ProblemLine, lang: Lang) -> LineRow {
    LineRow {
        id: l.id,
        project: l.project.to_string(),
        title: l.title.clone(),
        unit: l.unit.as_deref().unwrap_or_default().to_string(),
        deadline: l.deadline.to_string(),
        status: status_label(l.status, lang),
        status_code: l.status.code(),
        level: level_label(l.level, lang),
        overdue: l.overdue_workdays,
        mark: Mark::of(l.basis, lang),
    }
}

/// A project's problems that `user` may see, as of today, for the project page.
pub(crate) async fn project_lines(
    state: &AppState,
    user: &SessionUser,
    project_id: i64,
    lang: Lang,
) -> Result<Vec<LineRow>, AppError> {
    let as_of = as_of_or_today(state, "").await?;
    Ok(state
        .store
        .project_problems(&policy::problem_viewer(user), project_id, as_of)
        .await?
        .iter()
        .map(|l| line_row(l, lang))
        .collect())
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ListTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    show: String,
    rows: Vec<LineRow>,
    open: usize,
    overdue: usize,
    meeting: usize,
    /// "3级·周例会及以上": the level a problem is at the weekly meeting from, by its name.
    meeting_label: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    as_of: String,
    /// open (default): 待办 and 办理中; resolved; closed; all.
    #[serde(default)]
    show: String,
}

/// The day people work on: today, or in the demo its date (see [`as_of_or_today`]).
pub(crate) async fn work_day(state: &AppState) -> Result<NaiveDate, AppError> {
    as_of_or_today(state, "").await
}

/// The date asked for, else today; in the demo, whose campaign stands still at the end of its
/// latest reported period, that period's end (as the pages of figures open on): problems are
/// listed, raised and handled on that day there.
pub(crate) async fn as_of_or_today(state: &AppState, text: &str) -> Result<NaiveDate, AppError> {
    match parse_date(text, Edge::End) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => match state.day {
            Some(day) => Ok(day),
            None if state.demo => crate::status::as_of_or_latest(state, "").await,
            None => Ok(today()),
        },
        Err(m) => Err(AppError::BadRequest(m)),
    }
}

fn shown(show: &str, status: Status) -> bool {
    match show {
        "all" => true,
        "resolved" => status == Status::Resolved,
        "closed" => status == Status::Closed,
        _ => status.is_open(),
    }
}

/// `GET /problems`: the problems this user may see, most escalated and most overdue first.
pub async fn list(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let as_of = as_of_or_today(&state, &q.as_of).await?;
    let mut lines = state
        .store
        .visible_problems(&policy::problem_viewer(&user), as_of)
        .await?;
    let open = lines.iter().filter(|l| l.status.is_open()).count();
    let overdue = lines.iter().filter(|l| l.overdue_workdays > 0).count();
    let meeting = lines
        .iter()
        .filter(|l| l.status.is_open() && l.level >= Level::WeeklyMeeting)
        .count();
    let show = if q.show.is_empty() {
        "open".to_string()
    } else {
        q.show.clone()
    };
    lines.retain(|l| shown(&show, l.status));
    lines.sort_by(|a, b| {
        (b.level, b.overdue_workdays, a.id).cmp(&(a.level, a.overdue_workdays, b.id))
    });
    render(&ListTemplate {
        as_of: as_of.to_string(),
        rows: lines.iter().map(|l| line_row(l, tr.lang)).collect(),
        show,
        open,
        overdue,
        meeting,
        meeting_label: match tr.lang {
            Lang::Zh => format!("{}及以上", level_label(Level::WeeklyMeeting, tr.lang)),
            Lang::En => format!("{} and above", level_label(Level::WeeklyMeeting, tr.lang)),
        },
        user,
        tr,
    })
}

pub struct StepRow {
    at: String,
    /// Who took the step: name · unit.
    by: String,
    action: String,
    status: &'static str,
    level: String,
    note: String,
}

/// A step this user may take now, as a button (with a reason field where one is needed).
pub struct ActionButton {
    code: &'static str,
    label: &'static str,
    needs_reason: bool,
    takes_note: bool,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemTemplate {
    tr: Tr,
    user: SessionUser,
    p: Problem,
    category: &'static str,
    status: &'static str,
    level: String,
    raised_level: String,
    overdue: u32,
    mark: Mark,
    co_units: String,
    steps: Vec<StepRow>,
    actions: Vec<ActionButton>,
    attachments: Vec<AttachmentView>,
    may_attach: bool,
    max_attachment_mb: usize,
    error: Option<String>,
}

pub struct AttachmentView {
    id: i64,
    name: String,
    size: String,
    at: String,
    by: String,
    may_remove: bool,
}

fn action_named(code: &str, reason: String) -> Option<Action> {
    Some(match code {
        "accept" => Action::Accept,
        "resolve" => Action::Resolve,
        "confirm" => Action::Confirm,
        "return" => Action::Return { reason },
        "reopen" => Action::Reopen { reason },
        _ => return None,
    })
}

fn action_label(code: &str, lang: Lang) -> String {
    let action = action_named(code, String::new());
    match (action, lang) {
        (Some(a), Lang::Zh) => a.label().to_string(),
        (Some(a), Lang::En) => a.label_en().to_string(),
        (None, Lang::Zh) => match code {
            "note" => "进展".into(),
            "raise" => "提出".into(),
            "import" => "导入".into(),
            "seed" => "导入".into(),
            other => other.into(),
        },
        (None, Lang::En) => match code {
            "note" => "progress note".into(),
            "raise" => "raised".into(),
            "import" | "seed" => "imported".into(),
            other => other.into(),
        },
    }
}

/// The steps this user may take on a problem standing so, each with whether it needs a reason
/// (退回, 重新打开) or takes a note (已解决).
fn action_buttons(
    status: Status,
    standing: domain::problem::Standing,
    lang: Lang,
) -> Vec<ActionButton> {
    let candidates: [(&'static str, bool, bool); 5] = [
        ("accept", false, false),
        ("resolve", false, true),
        ("confirm", false, false),
        ("return", true, false),
        ("reopen", true, false),
    ];
    candidates
        .into_iter()
        .filter(|(code, _, _)| {
            action_named(code, "-".into()).is_some_and(|a| transition(status, &a, standing).is_ok())
        })
        .map(|(code, needs_reason, takes_note)| ActionButton {
            code,
            label: match action_named(code, String::new()) {
                Some(a) if lang == Lang::En => a.label_en(),
                Some(a) => a.label(),
                None => code,
            },
            needs_reason,
            takes_note,
        })
        .collect()
}

impl StepRow {
    fn new(e: store::ProblemEvent, lang: Lang) -> StepRow {
        StepRow {
            at: format_time(e.at),
            by: match (e.actor_name, e.actor_unit) {
                (Some(name), Some(unit)) => format!("{name} · {unit}"),
                (Some(name), None) => name,
                _ => String::new(),
            },
            action: action_label(&e.action, lang),
            status: status_label(e.to_status, lang),
            level: level_label(e.level, lang),
            note: e.note.unwrap_or_default(),
        }
    }
}

async fn problem_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    id: i64,
    error: Option<String>,
) -> PageResult {
    let lang = tr.lang;
    let who = policy::problem_viewer(&user);
    let p = state
        .store
        .problem_for(id, &who)
        .await?
        .ok_or(AppError::NotFound)?;
    let as_of = as_of_or_today(state, "").await?;
    let (overdue, level, basis) = state.store.problem_on(&p, as_of).await?;
    let standing = who.standing(&p);
    let actions = action_buttons(p.status, standing, lang);
    let steps = state
        .store
        .problem_events(id)
        .await?
        .into_iter()
        .map(|e| StepRow::new(e, lang))
        .collect();
    let units = state.store.units().await?;
    let co_units = p
        .co_units
        .iter()
        .filter_map(|id| units.iter().find(|u| u.id == *id).map(|u| u.name.clone()))
        .collect::<Vec<_>>()
        .join("、");
    let attachments = state
        .store
        .problem_attachments(id)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            may_remove: policy::may_act_on_problems(&user) && a.removable_by(&who, p.status),
            id: a.id,
            name: a.name,
            size: if a.size >= 1_048_576 {
                format!("{:.1} MB", a.size as f64 / 1_048_576.0)
            } else {
                format!("{:.1} KB", a.size as f64 / 1024.0)
            },
            at: format_time(a.uploaded_at),
            by: a.uploaded_by.unwrap_or_default(),
        })
        .collect();
    let invalid = error.is_some();
    render_form(
        &ProblemTemplate {
            attachments,
            may_attach: policy::may_act_on_problems(&user) && p.status != Status::Closed,
            max_attachment_mb: MAX_ATTACHMENT_BYTES / 1_048_576,
            category: category_label(p.category, lang),
            status: status_label(p.status, lang),
            level: level_label(level, lang),
            raised_level: level_label(p.raised_level, lang),
            overdue,
            mark: Mark::of(basis, lang),
            co_units,
            steps,
            actions,
            error,
            p,
            user,
            tr,
        },
        invalid,
    )
}

/// `GET /problems/{id}`.
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    problem_page(&state, tr, user, id, None).await
}

#[derive(Deserialize)]
pub struct ActForm {
    action: String,
    version: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    /// A new deadline with a return or a reopening (a date, or working days from today).
    #[serde(default)]
    deadline: String,
}

/// Takes one step for a signed-in user who may see the problem.
async fn act(
    state: &AppState,
    user: &SessionUser,
    id: i64,
    form: &ActForm,
) -> Result<Problem, AppError> {
    let who = policy::problem_viewer(user);
    let p = state
        .store
        .problem_for(id, &who)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = action_named(&form.action, form.reason.clone()).ok_or_else(|| {
        AppError::BadRequest(bi(
            format!("未知的操作“{}”", form.action),
            format!("unknown action “{}”", form.action),
        ))
    })?;
    let by = ProblemActor {
        user_id: Some(user.id),
        standing: who.standing(&p),
    };
    let note = (!form.note.trim().is_empty()).then_some(form.note.as_str());
    let on = as_of_or_today(state, "").await?;
    let new_deadline = if form.deadline.trim().is_empty() {
        None
    } else {
        let calendar = state.store.work_calendar().await?;
        let deadline = parse_deadline(&form.deadline).map_err(AppError::BadRequest)?;
        Some(
            deadline
                .date(on, &calendar)
                .map_err(|e| AppError::BadRequest(e.message().clone()))?,
        )
    };
    let extra = store::StepExtra { note, new_deadline };
    Ok(state
        .store
        .act_on_problem(id, form.version, &action, by, on, extra)
        .await?)
}

/// `POST /problems/{id}`: a step from the problem page; a refusal or a conflict shows the page
/// again with why.
pub async fn act_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<ActForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    match act(&state, &user, id, &form).await {
        Ok(_) => Ok(layout::done(
            &format!("/problems/{id}"),
            "done.problem_acted",
            None,
        )),
        Err(AppError::NotFound) => Err(AppError::NotFound.into()),
        Err(e) => {
            let why = e.message().get(tr.lang).to_string();
            problem_page(&state, tr, user, id, Some(why)).await
        }
    }
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    text: String,
}

/// Largest file attached to a problem, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// What a file is by its first bytes, with its name to tell the Office formats apart (a .docx
/// and an .xlsx are both ZIP files): JPEG, PNG, WebP, PDF, Word, Excel (old and new). Anything
/// else is refused, whatever its name says.
fn attachment_type(bytes: &[u8], name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let ends = |ext: &str| lower.ends_with(ext);
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if let Some(image) = crate::reports::image_type(bytes) {
        Some(image)
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(ZIP) && ends(".docx") {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else if bytes.starts_with(ZIP) && ends(".xlsx") {
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    } else if bytes.starts_with(OLE) && ends(".doc") {
        Some("application/msword")
    } else if bytes.starts_with(OLE) && ends(".xls") {
        Some("application/vnd.ms-excel")
    } else {
        None
    }
}

/// `POST /problems/{id}/attachments`: one file (field `file`), checked by its bytes and size.
pub async fn upload_attachment(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    let lang = tr.lang;
    let id = parse_id(&id)?;
    let who = policy::problem_viewer(&user);
    state
        .store
        .problem_for(id, &who)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_act_on_problems(&user) {
        return Err(AppError::Forbidden.into());
    }
    let mb = MAX_ATTACHMENT_BYTES / 1_048_576;
    let mut upload = None;
    let broke = || {
        bi(
            format!("附件过大或上传中断（每个不超过 {mb} MB）"),
            format!("the file is too large or the upload broke off (at most {mb} MB)"),
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return problem_page(&state, tr, user, id, Some(broke().get(lang).into())).await;
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("附件").to_string();
        match field.bytes().await {
            Ok(bytes) => upload = Some((name, bytes)),
            Err(_) => {
                return problem_page(&state, tr, user, id, Some(broke().get(lang).into())).await;
            }
        }
    }
    let refusal = match &upload {
        None => Some(bi("请选择要上传的文件", "choose a file to upload")),
        Some((_, bytes)) if bytes.is_empty() => {
            Some(bi("请选择要上传的文件", "choose a file to upload"))
        }
        Some((name, bytes)) if bytes.len() > MAX_ATTACHMENT_BYTES => Some(bi(
            format!("“{name}”超过 {mb} MB"),
            format!("“{name}” is over {mb} MB"),
        )),
        Some((name, bytes)) if attachment_type(bytes, name).is_none() => Some(bi(
            format!("“{name}”不是图片、PDF、Word 或 Excel 文件"),
            format!("“{name}” is not an image, PDF, Word or Excel file"),
        )),
        Some(_) => None,
    };
    let (Some((name, bytes)), None) = (upload, refusal.clone()) else {
        let m = refusal.unwrap_or_else(|| bi("请选择要上传的文件", "choose a file to upload"));
        return problem_page(&state, tr, user, id, Some(m.get(lang).into())).await;
    };
    let content_type = attachment_type(&bytes, &name).unwrap_or("application/octet-stream");
    match state
        .store
        .add_problem_attachment(id, &who, &name, content_type, &bytes)
        .await
    {
        Ok(_) => Ok(layout::done(
            &format!("/problems/{id}#attachments"),
            "done.attachment_added",
            None,
        )),
        Err(store::StoreError::Rule(m)) => {
            problem_page(&state, tr, user, id, Some(m.get(lang).into())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /attachments/{id}/remove`: takes a file off its problem (its uploader or the lead
/// office, until the problem is closed off).
pub async fn remove_attachment(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let lang = tr.lang;
    let id = parse_id(&id)?;
    if !policy::may_act_on_problems(&user) {
        return Err(AppError::Forbidden.into());
    }
    let who = policy::problem_viewer(&user);
    let problem = state
        .store
        .problem_attachment_meta(id, &who)
        .await?
        .ok_or(AppError::NotFound)?
        .problem_id;
    match state.store.remove_problem_attachment(id, &who).await {
        Ok(problem) => Ok(layout::done(
            &format!("/problems/{problem}#attachments"),
            "done.attachment_removed",
            None,
        )),
        Err(store::StoreError::Rule(m)) => {
            problem_page(&state, tr, user, problem, Some(m.get(lang).into())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A file name for `Content-Disposition: …; filename*=UTF-8''…` (RFC 5987).
fn disposition_name(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /attachments/{id}`: the file, to those who may read its problem (404 to anyone else).
pub async fn attachment(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let (meta, data) = state
        .store
        .problem_attachment(parse_id(&id)?, &policy::problem_viewer(&user))
        .await?
        .ok_or(AppError::NotFound)?;
    // Images and PDF open in the browser; Office files download.
    let inline = meta.content_type.starts_with("image/") || meta.content_type == "application/pdf";
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        disposition_name(&meta.name)
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, meta.content_type),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_string(),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400".to_string(),
            ),
        ],
        data,
    )
        .into_response())
}

/// `POST /problems/{id}/notes`: a progress note from the problem page.
pub async fn note_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    state
        .store
        .problem_for(id, &policy::problem_viewer(&user))
        .await?
        .ok_or(AppError::NotFound)?;
    match state
        .store
        .note_problem(id, &form.text, Some(user.id))
        .await
    {
        Ok(()) => Ok(layout::done(
            &format!("/problems/{id}"),
            "done.note_added",
            None,
        )),
        Err(e) => {
            let why = AppError::from(e).message().get(tr.lang).to_string();
            problem_page(&state, tr, user, id, Some(why)).await
        }
    }
}

#[derive(Template)]
#[template(path = "problem_form.html")]
struct RaiseTemplate {
    tr: Tr,
    user: SessionUser,
    project_id: i64,
    project: String,
    categories: Vec<(&'static str, &'static str)>,
    units: Vec<(i64, String)>,
    form: RaiseForm,
    errors: Vec<String>,
}

/// A problem as raised on the form.
#[derive(Default, Clone)]
pub struct RaiseForm {
    title: String,
    description: String,
    category: String,
    unit_id: String,
    /// 协办单位 ticked in the list (`co_unit`, repeated).
    co_unit: Vec<i64>,
    /// 协办单位 by name, separated by 、 or commas (as pasted, or sent by a script).
    co_units: String,
    /// A date, or a number of working days.
    deadline: String,
    level: String,
}

impl From<Vec<(String, String)>> for RaiseForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = RaiseForm::default();
        for (key, value) in fields {
            match key.as_str() {
                "title" => form.title = value,
                "description" => form.description = value,
                "category" => form.category = value,
                "unit_id" => form.unit_id = value,
                "co_unit" => form.co_unit.extend(value.trim().parse::<i64>().ok()),
                "co_units" => form.co_units = value,
                "deadline" => form.deadline = value,
                "level" => form.level = value,
                _ => {}
            }
        }
        form
    }
}

async fn project_for_raising(
    state: &AppState,
    user: &SessionUser,
    id: i64,
) -> Result<(String, Option<i64>), AppError> {
    let project = policy::project_for(state, user, id).await?;
    if !policy::may_raise_problem(user, project.fields.unit_id) {
        return Err(AppError::Refused(bi(
            "只能为本单位的项目提出问题",
            "you may raise problems on your own unit's projects only",
        )));
    }
    Ok((project.fields.name, project.fields.unit_id))
}

async fn raise_page(
    state: &AppState,
    tr: Tr,
    user: SessionUser,
    project_id: i64,
    form: RaiseForm,
    errors: Vec<String>,
) -> PageResult {
    let (project, _) = project_for_raising(state, &user, project_id).await?;
    let lang = tr.lang;
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &RaiseTemplate {
            project_id,
            project,
            categories: Category::ALL
                .iter()
                .map(|c| (c.code(), category_label(*c, lang)))
                .collect(),
            units,
            form,
            errors,
            user,
            tr,
        },
        invalid,
    )
}

/// `GET /projects/{id}/problems/new`.
pub async fn raise_form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let form = RaiseForm {
        deadline: "10".into(),
        ..RaiseForm::default()
    };
    raise_page(&state, tr, user, id, form, Vec::new()).await
}

/// A deadline as a form or the API gives it: a date in any office form, or a whole number of
/// working days.
fn parse_deadline(text: &str) -> Result<Deadline, domain::Bilingual> {
    let t = text.trim();
    if let Ok(n) = t.parse::<u32>() {
        return Ok(Deadline::Workdays(n));
    }
    match parse_date(t, Edge::End) {
        Ok(Some(d)) => Ok(Deadline::On(d)),
        Ok(None) => Err(bi(
            "请填写办理时限（日期或工作日数）",
            "give a deadline: a date or a number of working days",
        )),
        Err(m) => Err(m),
    }
}

/// `POST /projects/{id}/problems/new`.
pub async fn raise_submit(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = RaiseForm::from(fields);
    let project_id = parse_id(&id)?;
    project_for_raising(&state, &user, project_id).await?;
    let lang = tr.lang;
    let mut errors = Vec::new();
    let deadline = parse_deadline(&form.deadline)
        .map_err(|m| errors.push(m.get(lang).to_string()))
        .ok();
    let category = Category::from_code(&form.category).unwrap_or(Category::Other);
    let level = form
        .level
        .parse::<u8>()
        .ok()
        .and_then(Level::from_number)
        .unwrap_or(Level::Unit);
    let unit_id = form.unit_id.parse::<i64>().ok();
    let units = state.store.units().await?;
    let mut co_units: Vec<i64> = form
        .co_unit
        .iter()
        .copied()
        .filter(|id| units.iter().any(|u| u.id == *id))
        .collect();
    for name in form
        .co_units
        .split(['、', '，', ',', '；', ';'])
        .map(domain::text::clean_name)
        .filter(|n| !n.is_empty())
    {
        match units.iter().find(|u| u.name == name) {
            Some(u) if !co_units.contains(&u.id) => co_units.push(u.id),
            Some(_) => {}
            None => errors.push(match lang {
                Lang::Zh => format!("协办单位“{name}”不存在，请按单位全称填写"),
                Lang::En => format!("there is no unit “{name}”; give its full name"),
            }),
        }
    }
    if let (Some(deadline), true) = (deadline, errors.is_empty()) {
        let new = NewProblem {
            project_id,
            title: form.title.clone(),
            description: Some(form.description.clone()),
            category,
            unit_id,
            co_units,
            raised_on: as_of_or_today(&state, "").await?,
            deadline,
            level,
        };
        match state.store.raise_problem(&new, Some(user.id), "web").await {
            Ok(id) => {
                return Ok(layout::done(
                    &format!("/problems/{id}"),
                    "done.problem_raised",
                    None,
                ));
            }
            Err(e) => errors.push(AppError::from(e).message().get(lang).to_string()),
        }
    }
    raise_page(&state, tr, user, project_id, form, errors).await
}

pub struct AgendaRow {
    kind: &'static str,
    link: String,
    title: String,
    detail: String,
    mark: Mark,
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    meeting_date: String,
    meeting_mark: Mark,
    rows: Vec<AgendaRow>,
    /// Red projects not on the agenda, and the sentence that counts them.
    other_red: usize,
    other_red_text: String,
}

/// `GET /agenda`: the next weekly meeting's agenda.
pub async fn agenda(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let lang = tr.lang;
    let as_of = as_of_or_today(&state, &q.as_of).await?;
    let agenda = state
        .store
        .agenda(as_of, Some(&policy::problem_viewer(&user)))
        .await?;
    let days = |n: u32| match (lang, n) {
        (Lang::Zh, 0) => "未逾期".to_string(),
        (Lang::En, 0) => "not overdue".to_string(),
        (Lang::Zh, n) => format!("逾期 {n} 个工作日"),
        (Lang::En, n) => format!("{n} working days overdue"),
    };
    let rows = agenda
        .items
        .iter()
        .map(|item| match item {
            AgendaItem::Problem(l) => AgendaRow {
                kind: tr.t("agenda.problem"),
                link: format!("/problems/{}", l.id),
                title: format!("{}：{}", l.project, l.title),
                detail: format!(
                    "{} · {} · {}",
                    l.unit.clone().unwrap_or_default(),
                    level_label(l.level, lang),
                    days(l.overdue_workdays)
                ),
                mark: Mark::of(l.basis, lang),
            },
            AgendaItem::Project {
                id,
                name,
                unit,
                why,
            } => AgendaRow {
                kind: tr.t("agenda.red"),
                link: format!("/projects/{id}"),
                title: name.clone(),
                detail: format!(
                    "{} · {}",
                    unit.clone().unwrap_or_default(),
                    why.iter()
                        .map(|w| w.get(lang))
                        .collect::<Vec<_>>()
                        .join(if lang == Lang::Zh { "；" } else { "; " })
                ),
                mark: Mark::default(),
            },
            AgendaItem::Decision {
                decision,
                overdue_workdays,
            } => AgendaRow {
                kind: tr.t("agenda.decision"),
                link: decision
                    .problem_id
                    .map(|p| format!("/problems/{p}"))
                    .unwrap_or_default(),
                title: decision.text.clone(),
                detail: format!(
                    "{} · {} {} · {}",
                    decision.unit.clone().unwrap_or_default(),
                    tr.t("agenda.due"),
                    decision.deadline,
                    days(*overdue_workdays)
                ),
                mark: Mark::default(),
            },
        })
        .collect();
    render(&AgendaTemplate {
        as_of: as_of.to_string(),
        meeting_date: agenda.meeting_date.to_string(),
        meeting_mark: Mark::of(agenda.basis, lang),
        rows,
        other_red: agenda.other_red,
        other_red_text: match lang {
            Lang::Zh => format!(
                "另有 {} 个红灯项目本期首次亮红且无二级以上问题，未列入议程。",
                agenda.other_red
            ),
            Lang::En => format!(
                "{} more red projects are red for the first period and have no open problem at level 2 or above; not on the agenda.",
                agenda.other_red
            ),
        },
        user,
        tr,
    })
}

/// A problem in the API.
#[derive(Serialize, ToSchema)]
pub struct ApiProblem {
    pub id: i64,
    /// Send it back with a step; a stale version is refused with 409 (修改冲突).
    pub version: i64,
    pub project_id: i64,
    pub project: String,
    pub title: String,
    pub description: Option<String>,
    /// land | planning | environment | approval | funding | expropriation | utilities | construction | other
    pub category: String,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub co_units: Vec<i64>,
    pub raised_on: String,
    pub deadline: String,
    /// open | in_progress | resolved | closed
    pub status: String,
    /// 1 责任单位, 2 牵头部门, 3 周例会, 4 专题研究/市领导: the level reached at the last step.
    pub level: u8,
    pub raised_level: u8,
    pub resolution: Option<String>,
}

impl From<Problem> for ApiProblem {
    fn from(p: Problem) -> Self {
        ApiProblem {
            id: p.id,
            version: p.version,
            project_id: p.project_id,
            project: p.project,
            title: p.title,
            description: p.description,
            category: p.category.code().into(),
            unit_id: p.unit_id,
            unit: p.unit,
            co_units: p.co_units,
            raised_on: p.raised_on.to_string(),
            deadline: p.deadline.to_string(),
            status: p.status.code().into(),
            level: p.level.number(),
            raised_level: p.raised_level.number(),
            resolution: p.resolution,
        }
    }
}

/// A problem on a date, as listed.
#[derive(Serialize, ToSchema)]
pub struct ApiProblemLine {
    pub id: i64,
    pub project: String,
    pub title: String,
    pub unit: Option<String>,
    pub deadline: String,
    pub status: String,
    /// The level on the date: risen for each started block of 5 overdue working days.
    pub level: u8,
    pub overdue_workdays: u32,
}

#[derive(Deserialize, IntoParams)]
pub struct ApiListQuery {
    /// YYYY-MM-DD; today (China time) when left out.
    #[serde(default)]
    as_of: Option<String>,
}

/// `GET /api/problems`: the problems this user may see, as of a date.
#[utoipa::path(get, path = "/api/problems", params(ApiListQuery), tag = "problems",
    responses((status = 200, body = Vec<ApiProblemLine>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<Vec<ApiProblemLine>>, AppError> {
    let as_of = as_of_or_today(&state, q.as_of.as_deref().unwrap_or_default()).await?;
    let lines = state
        .store
        .visible_problems(&policy::problem_viewer(&user), as_of)
        .await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| ApiProblemLine {
                id: l.id,
                project: l.project.to_string(),
                title: l.title,
                unit: l.unit.as_deref().map(str::to_string),
                deadline: l.deadline.to_string(),
                status: l.status.code().into(),
                level: l.level.number(),
                overdue_workdays: l.overdue_workdays,
            })
            .collect(),
    ))
}

/// `GET /api/problems/{id}`: 404 for a problem this user may not see.
#[utoipa::path(get, path = "/api/problems/{id}", tag = "problems",
    responses((status = 200, body = ApiProblem), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ApiProblem>, AppError> {
    let id = parse_id(&id)?;
    let p = state
        .store
        .problem_for(id, &policy::problem_viewer(&user))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(p.into()))
}

/// A problem to raise.
#[derive(Deserialize, ToSchema)]
pub struct ApiRaise {
    pub project_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// A category code; other when left out.
    #[serde(default)]
    pub category: Option<String>,
    /// The responsible unit; the project's own when left out.
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub co_units: Vec<i64>,
    /// A date (YYYY-MM-DD), or a whole number of working days from today.
    pub deadline: String,
    /// 1–4; 1 when left out.
    #[serde(default)]
    pub level: Option<u8>,
}

/// `POST /api/problems`: raises a problem on a project (a responsible unit on its own only).
#[utoipa::path(post, path = "/api/problems", request_body = ApiRaise, tag = "problems",
    responses((status = 200, body = ApiProblem), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_raise(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<ApiRaise>, JsonRejection>,
) -> Result<Json<ApiProblem>, AppError> {
    let Json(body) = body.map_err(bad_json)?;
    project_for_raising(&state, &user, body.project_id).await?;
    let category = match body.category.as_deref() {
        None => Category::Other,
        Some(code) => Category::from_code(code)
            .or_else(|| Category::parse(code))
            .ok_or_else(|| {
                AppError::BadRequest(bi(
                    format!("问题类别“{code}”无效"),
                    format!("unknown category “{code}”"),
                ))
            })?,
    };
    let level = match body.level {
        None => Level::Unit,
        Some(n) => Level::from_number(n)
            .ok_or_else(|| AppError::BadRequest(bi("问题层级应为 1–4", "the level is 1 to 4")))?,
    };
    let new = NewProblem {
        project_id: body.project_id,
        title: body.title,
        description: body.description,
        category,
        unit_id: body.unit_id,
        co_units: body.co_units,
        raised_on: as_of_or_today(&state, "").await?,
        deadline: parse_deadline(&body.deadline).map_err(AppError::BadRequest)?,
        level,
    };
    let id = state
        .store
        .raise_problem(&new, Some(user.id), "api")
        .await?;
    let p = state.store.problem(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(p.into()))
}

/// One step of a problem's lifecycle.
#[derive(Deserialize, ToSchema)]
pub struct ApiStep {
    /// accept | resolve | confirm | return | reopen
    pub action: String,
    /// The version the client last saw.
    pub version: i64,
    /// Why, for return and reopen.
    #[serde(default)]
    pub reason: String,
    /// The resolution, for resolve.
    #[serde(default)]
    pub note: String,
    /// With return or reopen: a new deadline, a date or a number of working days from today.
    #[serde(default)]
    pub deadline: String,
}

/// `POST /api/problems/{id}/steps`: 404 for a problem this user may not see, 400 for a step the
/// lifecycle or this user's standing does not allow, 409 for a stale version.
#[utoipa::path(post, path = "/api/problems/{id}/steps", request_body = ApiStep, tag = "problems",
    responses((status = 200, body = ApiProblem), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<ApiStep>, JsonRejection>,
) -> Result<Json<ApiProblem>, AppError> {
    let Json(body) = body.map_err(bad_json)?;
    let id = parse_id(&id)?;
    let form = ActForm {
        action: body.action,
        version: body.version,
        reason: body.reason,
        note: body.note,
        deadline: body.deadline,
    };
    Ok(Json(act(&state, &user, id, &form).await?.into()))
}

/// A progress note.
#[derive(Deserialize, ToSchema)]
pub struct ApiNote {
    pub text: String,
}

/// `POST /api/problems/{id}/notes`: adds a progress note; 404 for a problem this user may not
/// see.
#[utoipa::path(post, path = "/api/problems/{id}/notes", request_body = ApiNote, tag = "problems",
    responses((status = 204), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_note(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<ApiNote>, JsonRejection>,
) -> Result<axum::http::StatusCode, AppError> {
    let Json(body) = body.map_err(bad_json)?;
    let id = parse_id(&id)?;
    state
        .store
        .problem_for(id, &policy::problem_viewer(&user))
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .store
        .note_problem(id, &body.text, Some(user.id))
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/problems", get(list))
        .route("/problems/{id}", get(page).post(act_form))
        .route(
            "/projects/{id}/problems/new",
            get(raise_form).post(raise_submit),
        )
        .route("/problems/{id}/notes", post(note_form))
        .route(
            "/problems/{id}/attachments",
            post(upload_attachment).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route("/attachments/{id}", get(attachment))
        .route("/attachments/{id}/remove", post(remove_attachment))
        .route("/agenda", get(agenda))
}

/// The API routes of this module (under `/api`).
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/problems", get(api_list).post(api_raise))
        .route("/problems/{id}", get(api_get))
        .route("/problems/{id}/steps", post(api_step))
        .route("/problems/{id}/notes", post(api_note))
}
