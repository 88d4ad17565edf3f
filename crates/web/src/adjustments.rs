//! 计划调整 pages: a unit asks to change the figures it is judged on (`/projects/{id}/adjust`),
//! the lead office approves or returns the requests (`/adjustments`). Who may do which is
//! `domain::access` (a unit asks for its own projects; the office decides).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::ADJUSTABLE;
use domain::{Field, Lang, bi};
use serde::Deserialize;
use store::{PlanAdjustment, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult, parse_id};
use crate::i18n::Tr;
use crate::pages::{format_time, render_form};
use crate::policy;
use axum::Router;
use axum::routing::{get, post};

pub struct FieldRow {
    key: &'static str,
    label: &'static str,
    now: String,
    value: String,
}

pub struct RequestRow {
    id: i64,
    version: i64,
    project_id: i64,
    project: String,
    changes: Vec<String>,
    reason: String,
    status: &'static str,
    status_code: String,
    requested: String,
    decided: String,
}

/// What the user must hear on the page (a rule or values refused); anything else is an error.
fn refusals(e: StoreError, lang: Lang) -> Result<Vec<String>, AppError> {
    match e {
        StoreError::Rule(m) => Ok(vec![m.get(lang).to_string()]),
        StoreError::Invalid(ms) => Ok(ms.iter().map(|m| m.get(lang).to_string()).collect()),
        e => Err(e.into()),
    }
}

fn status_label(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("pending", Lang::Zh) => "待审核",
        ("pending", Lang::En) => "pending",
        ("approved", Lang::Zh) => "已批准",
        ("approved", Lang::En) => "approved",
        (_, Lang::Zh) => "已退回",
        (_, Lang::En) => "returned",
    }
}

fn row(a: PlanAdjustment, lang: Lang) -> RequestRow {
    RequestRow {
        id: a.id,
        version: a.version,
        project_id: a.project_id,
        project: a.project,
        changes: a
            .changes
            .iter()
            .map(|c| {
                let label = Field::from_key(&c.field).map_or("", |f| f.label(lang));
                format!("{label}：{} → {}", c.old, c.new)
            })
            .collect(),
        reason: a.reason,
        status: status_label(&a.status, lang),
        status_code: a.status,
        requested: format!(
            "{} {}",
            a.requested_by.unwrap_or_default(),
            format_time(a.requested_at)
        ),
        decided: match a.decided_at {
            Some(at) => format!(
                "{} {} {}",
                a.decided_by.unwrap_or_default(),
                format_time(at),
                a.decision_note.unwrap_or_default()
            ),
            None => String::new(),
        },
    }
}

#[derive(Template)]
#[template(path = "adjust.html")]
struct AdjustTemplate {
    tr: Tr,
    user: SessionUser,
    id: i64,
    name: String,
    fields: Vec<FieldRow>,
    stages: Vec<(&'static str, &'static str)>,
    reason: String,
    errors: Vec<String>,
    requests: Vec<RequestRow>,
}

#[derive(Template)]
#[template(path = "adjustments.html")]
struct ListTemplate {
    tr: Tr,
    user: SessionUser,
    decide: bool,
    done: Option<String>,
    errors: Vec<String>,
    rows: Vec<RequestRow>,
}

/// A 计划调整 as typed: the adjustable fields given (by their keys) and the reason.
#[derive(Debug, Default)]
pub struct AdjustForm {
    asked: Vec<(Field, String)>,
    reason: String,
}

impl From<Vec<(String, String)>> for AdjustForm {
    fn from(fields: Vec<(String, String)>) -> Self {
        let mut form = AdjustForm::default();
        for (key, value) in fields {
            if key == "reason" {
                form.reason = value;
            } else if let Some(field) = ADJUSTABLE.iter().find(|f| f.key() == key)
                && !form.asked.iter().any(|(f, _)| f == field)
            {
                form.asked.push((*field, value));
            }
        }
        // In the order the rules list them, as the request is recorded.
        form.asked
            .sort_by_key(|(f, _)| ADJUSTABLE.iter().position(|a| a == f));
        form
    }
}

async fn adjust_page(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    project: domain::Project,
    typed: Option<&AdjustForm>,
    errors: Vec<String>,
) -> PageResult {
    let lang = tr.lang;
    let value = |field: Field| -> Option<String> {
        typed.and_then(|t| {
            t.asked
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.clone())
        })
    };
    let mut input = domain::ProjectInput::from_fields(&project.fields);
    let fields = ADJUSTABLE
        .iter()
        .map(|f| FieldRow {
            key: f.key(),
            label: f.label(lang),
            now: project.fields.display_value(*f),
            value: value(*f).unwrap_or_else(|| domain::access::adjustable_text(&mut input, *f)),
        })
        .collect();
    let requests = state
        .store
        .plan_adjustments(project.fields.unit_id, false)
        .await?
        .into_iter()
        .filter(|a| a.project_id == project.id)
        .map(|a| row(a, lang))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &AdjustTemplate {
            user,
            id: project.id,
            name: project.fields.name.clone(),
            fields,
            stages: domain::Stage::ALL
                .iter()
                .map(|s| (s.code(), s.label(lang)))
                .collect(),
            reason: typed.map(|t| t.reason.clone()).unwrap_or_default(),
            errors,
            requests,
            tr,
        },
        invalid,
    )
}

/// `GET /projects/{id}/adjust`
pub async fn form(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let project = policy::project_for(&state, &user, id).await?;
    if !policy::may_ask_adjustment(&user, &project) {
        return Err(AppError::Refused(policy::not_theirs()).into());
    }
    adjust_page(&state, user, tr, project, None, Vec::new()).await
}

/// `POST /projects/{id}/adjust`: files the request (fields left as they are are not asked).
pub async fn file(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let typed = AdjustForm::from(fields);
    let id = parse_id(&id)?;
    let project = policy::project_for(&state, &user, id).await?;
    if !policy::may_ask_adjustment(&user, &project) {
        return Err(AppError::Refused(policy::not_theirs()).into());
    }
    match state
        .store
        .request_plan_adjustment(id, &typed.asked, &typed.reason, Some(user.id))
        .await
    {
        Ok(request) => Ok(Redirect::to(&format!("/adjustments?filed={request}")).into_response()),
        Err(e) => {
            let errors = refusals(e, tr.lang)?;
            adjust_page(&state, user, tr, project, Some(&typed), errors).await
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    filed: String,
    #[serde(default)]
    decided: String,
}

async fn list_page(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    done: Option<String>,
    errors: Vec<String>,
) -> PageResult {
    let lang = tr.lang;
    // A unit reads its own projects' requests; the office and the readers all of them.
    let unit = policy::own_unit(&user);
    let rows = state
        .store
        .plan_adjustments(unit, false)
        .await?
        .into_iter()
        .map(|a| row(a, lang))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &ListTemplate {
            decide: policy::is_office(&user),
            user,
            done,
            errors,
            rows,
            tr,
        },
        invalid,
    )
}

/// `GET /adjustments`
pub async fn list(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let done = if let Ok(id) = q.filed.trim().parse::<i64>() {
        Some(bi(
            format!("已提交计划调整申请 #{id}，等待总牵头单位审核；批准前考核仍按原数值。"),
            format!(
                "Plan adjustment #{id} is filed for the lead office to review; until it is approved, the figures stand."
            ),
        ))
    } else if let Ok(id) = q.decided.trim().parse::<i64>() {
        Some(bi(
            format!("计划调整申请 #{id} 已处理。"),
            format!("Plan adjustment #{id} is decided."),
        ))
    } else {
        None
    };
    list_page(
        &state,
        user,
        tr,
        done.map(|m| m.get(tr.lang).to_string()),
        Vec::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// A request the user may decide: one on a project within their region scope (403 for
/// another, 404 for none).
async fn request_in_scope(state: &AppState, user: &SessionUser, id: i64) -> Result<(), AppError> {
    if user.region.is_none() {
        return Ok(());
    }
    let request = state
        .store
        .plan_adjustment(id)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::project_for(state, user, request.project_id).await?;
    Ok(())
}

/// `POST /adjustments/{id}`: the lead office approves or returns.
pub async fn decide(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let id = parse_id(&id)?;
    request_in_scope(&state, &user, id).await?;
    let version = form.version.trim().parse::<i64>().unwrap_or(-1);
    let approve = match form.decision.as_str() {
        "approve" => true,
        "return" => false,
        _ => {
            return Err(
                AppError::BadRequest(bi("请选择批准或退回", "choose approve or return")).into(),
            );
        }
    };
    match state
        .store
        .decide_plan_adjustment(id, version, approve, &form.note, Some(user.id))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/adjustments?decided={id}")).into_response()),
        Err(e) => {
            let errors = refusals(e, tr.lang)?;
            list_page(&state, user, tr, None, errors).await
        }
    }
}

/// A plan adjustment as the API gives it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiAdjustment {
    pub id: i64,
    pub project_id: i64,
    pub project: String,
    /// Field key → {old, new}, as in the project's history.
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<store::AdjustedField>,
    pub reason: String,
    /// pending | approved | returned.
    pub status: String,
    pub requested_by: Option<String>,
    pub requested_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

impl From<PlanAdjustment> for ApiAdjustment {
    fn from(a: PlanAdjustment) -> ApiAdjustment {
        ApiAdjustment {
            id: a.id,
            project_id: a.project_id,
            project: a.project,
            changes: a.changes,
            reason: a.reason,
            status: a.status,
            requested_by: a.requested_by,
            requested_at: a.requested_at,
            decided_by: a.decided_by,
            decided_at: a.decided_at,
            decision_note: a.decision_note,
            version: a.version,
        }
    }
}

/// A request: the judged fields asked (keys `annual_plan_wan`, `total_investment_wan`,
/// `planned_start`, `planned_completion`, `stage`, values as a form gives them) and the reason.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiAsk {
    #[schema(value_type = Object)]
    pub changes: std::collections::BTreeMap<String, String>,
    pub reason: String,
}

/// A decision: `approve` or `return` (a note required to return), on the version read.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiDecision {
    pub version: i64,
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// `GET /api/adjustments`: the requests this user may read (a responsible unit: its own
/// projects'), newest first.
#[utoipa::path(get, path = "/api/adjustments", tag = "projects",
    responses((status = 200, body = Vec<ApiAdjustment>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    crate::auth::ApiUser(user): crate::auth::ApiUser,
) -> Result<axum::Json<Vec<ApiAdjustment>>, AppError> {
    let unit = policy::own_unit(&user);
    let list = state.store.plan_adjustments(unit, false).await?;
    Ok(axum::Json(
        list.into_iter().map(ApiAdjustment::from).collect(),
    ))
}

/// `POST /api/projects/{id}/adjustments`: a unit asks to change judged figures of its own
/// project (403 for another unit's or a reader; 400 for a value or reason refused).
#[utoipa::path(post, path = "/api/projects/{id}/adjustments", params(("id" = i64, Path)),
    request_body = ApiAsk, tag = "projects",
    responses((status = 201, body = ApiAdjustment), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_ask(
    State(state): State<AppState>,
    crate::auth::ApiUser(user): crate::auth::ApiUser,
    Path(id): Path<String>,
    crate::api::JsonBody(body): crate::api::JsonBody<ApiAsk>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let project = policy::project_for(&state, &user, id).await?;
    if !policy::may_ask_adjustment(&user, &project) {
        return Err(AppError::Refused(policy::not_theirs()));
    }
    let mut asked = Vec::new();
    for (key, value) in body.changes {
        let field = Field::from_key(&key)
            .filter(|f| ADJUSTABLE.contains(f))
            .ok_or_else(|| {
                AppError::BadRequest(bi(
                    format!("“{key}”不能通过计划调整修改"),
                    format!("“{key}” is not changed by a plan adjustment"),
                ))
            })?;
        asked.push((field, value));
    }
    let request = state
        .store
        .request_plan_adjustment(id, &asked, &body.reason, Some(user.id))
        .await?;
    let stored = state
        .store
        .plan_adjustment(request)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(ApiAdjustment::from(stored)),
    )
        .into_response())
}

/// `POST /api/adjustments/{id}/decision`: the lead office approves or returns (409 on a stale
/// version; 400 when decided already or a return without a note).
#[utoipa::path(post, path = "/api/adjustments/{id}/decision", params(("id" = i64, Path)),
    request_body = ApiDecision, tag = "projects",
    responses((status = 200, body = ApiAdjustment), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_decide(
    State(state): State<AppState>,
    crate::auth::ApiUser(user): crate::auth::ApiUser,
    Path(id): Path<String>,
    crate::api::JsonBody(body): crate::api::JsonBody<ApiDecision>,
) -> Result<axum::Json<ApiAdjustment>, AppError> {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    let approve = match body.decision.as_str() {
        "approve" => true,
        "return" => false,
        _ => {
            return Err(AppError::BadRequest(bi(
                "decision 应为 approve 或 return",
                "decision must be approve or return",
            )));
        }
    };
    request_in_scope(&state, &user, id).await?;
    let decided = state
        .store
        .decide_plan_adjustment(id, body.version, approve, &body.note, Some(user.id))
        .await?;
    Ok(axum::Json(ApiAdjustment::from(decided)))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/adjust", get(form).post(file))
        .route("/adjustments", get(list))
        .route("/adjustments/{id}", post(decide))
}

/// The API routes of this module (under `/api`).
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/adjustments", get(api_list))
        .route("/projects/{id}/adjustments", post(api_ask))
        .route("/adjustments/{id}/decision", post(api_decide))
}
