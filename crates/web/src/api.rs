//! The JSON API (documented at `GET /api/openapi.json`). Amounts are exact decimal strings in
//! 万元, dates `YYYY-MM-DD`, codes for stages, levels and roles.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{Money, Project, ProjectInput};
use serde::{Deserialize, Deserializer, Serialize};
use store::{ChangeRecord, ProjectSummary};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody, parse_id};
use crate::pages::LedgerQuery;
use crate::policy;
use axum::Router;
use axum::routing::get;

fn wan(m: Option<Money>) -> Option<String> {
    m.map(Money::wan_string)
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A project with every ledger field.
#[derive(Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: i64,
    /// Send it back with an update; a stale version is refused with 409 (修改冲突).
    pub version: i64,
    pub code: Option<String>,
    pub name: String,
    pub category: Option<String>,
    /// planning | pre_work | to_start | under_construction | to_complete | completed | in_production
    pub stage: Option<String>,
    pub stage_label: Option<String>,
    /// provincial | city | county
    pub level: Option<String>,
    pub tags: Vec<String>,
    pub industry: Option<String>,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub lead_department_id: Option<i64>,
    pub lead_department_name: Option<String>,
    pub linked_leader: Option<String>,
    pub service_officer: Option<String>,
    pub content: Option<String>,
    /// 万元, exact decimal string.
    pub total_investment_wan: Option<String>,
    pub annual_plan_wan: Option<String>,
    /// 分月计划: 12 monthly or 4 quarterly amounts in 万元, adding up to the annual plan; a PUT
    /// takes the same array (numbers or text), or null to clear it.
    pub plan_phases: Option<Vec<String>>,
    pub plan_year: Option<i32>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub planned_start: Option<String>,
    pub planned_completion: Option<String>,
    pub planned_production: Option<String>,
    pub actual_start: Option<String>,
    pub actual_completion: Option<String>,
    pub actual_production: Option<String>,
    pub location: Option<String>,
    pub funding_sources: Vec<String>,
    pub expected_output_wan: Option<String>,
    pub expected_tax_wan: Option<String>,
    pub expected_jobs: Option<i64>,
    pub owner: Option<String>,
    pub remarks: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<Project> for ProjectDto {
    fn from(p: Project) -> Self {
        let f = p.fields;
        ProjectDto {
            id: p.id,
            version: p.version,
            code: f.code,
            name: f.name,
            category: f.category,
            stage: f.stage.map(|s| s.code().into()),
            stage_label: f.stage.map(|s| s.label_zh().into()),
            level: f.level.map(|s| s.code().into()),
            tags: f.tags,
            industry: f.industry,
            region_id: f.region_id,
            region_name: p.region_name,
            unit_id: f.unit_id,
            unit_name: p.unit_name,
            lead_department_id: f.lead_department_id,
            lead_department_name: p.lead_department_name,
            linked_leader: f.linked_leader,
            service_officer: f.service_officer,
            content: f.content,
            total_investment_wan: wan(f.total_investment),
            annual_plan_wan: wan(f.annual_plan),
            plan_phases: f
                .plan_phases
                .as_ref()
                .map(|p| p.amounts().iter().map(|m| m.wan_string()).collect()),
            plan_year: f.plan_year,
            period_start: date(f.period_start),
            period_end: date(f.period_end),
            planned_start: date(f.planned_start),
            planned_completion: date(f.planned_completion),
            planned_production: date(f.planned_production),
            actual_start: date(f.actual_start),
            actual_completion: date(f.actual_completion),
            actual_production: date(f.actual_production),
            location: f.location,
            funding_sources: f.funding_sources,
            expected_output_wan: wan(f.expected_output),
            expected_tax_wan: wan(f.expected_tax),
            expected_jobs: f.expected_jobs,
            owner: f.owner,
            remarks: f.remarks,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A row of the ledger list.
#[derive(Serialize, ToSchema)]
pub struct ProjectSummaryDto {
    pub id: i64,
    pub version: i64,
    pub code: Option<String>,
    pub name: String,
    pub stage: Option<String>,
    pub level: Option<String>,
    pub tags: Vec<String>,
    pub industry: Option<String>,
    pub total_investment_wan: Option<String>,
    pub annual_plan_wan: Option<String>,
    pub planned_start: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub lead_department_id: Option<i64>,
    pub lead_department_name: Option<String>,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
}

impl From<ProjectSummary> for ProjectSummaryDto {
    fn from(p: ProjectSummary) -> Self {
        ProjectSummaryDto {
            id: p.id,
            version: p.version,
            code: p.code,
            name: p.name,
            stage: p.stage.map(|s| s.code().into()),
            level: p.level.map(|s| s.code().into()),
            tags: p.tags,
            industry: p.industry,
            total_investment_wan: wan(p.total_investment),
            annual_plan_wan: wan(p.annual_plan),
            planned_start: date(p.planned_start),
            unit_id: p.unit_id,
            unit_name: p.unit_name,
            lead_department_id: p.lead_department_id,
            lead_department_name: p.lead_department_name,
            region_id: p.region_id,
            region_name: p.region_name,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProjectListDto {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<ProjectSummaryDto>,
}

/// Query of `GET /api/projects`.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListParams {
    /// Stage code or its Chinese name (在建 …).
    stage: String,
    /// provincial | city | county, or 省重点 / 市重点 / 县重点.
    level: String,
    tag: String,
    /// Responsible unit: its id or its exact name.
    unit: String,
    /// Lead department: its id or its exact name.
    lead: String,
    /// Region id.
    region: String,
    industry: String,
    /// Total investment at least this many 万元.
    min_total_wan: String,
    max_total_wan: String,
    /// Free text in name, content or code.
    q: String,
    /// id | code | name | stage | level | unit | lead_department | region | industry | total_investment | annual_plan | planned_start | updated
    sort: String,
    /// asc | desc
    order: String,
    /// 1-based page.
    page: String,
    /// 1–500, default 50.
    per_page: String,
}

/// An item of a list in a project body: text or a number (a 分月计划 takes either).
#[derive(Deserialize, ToSchema, Debug, Clone)]
#[serde(untagged)]
pub enum LooseItem {
    Text(String),
    #[schema(value_type = f64)]
    Number(serde_json::Number),
}

impl LooseItem {
    fn into_text(self) -> String {
        match self {
            LooseItem::Text(t) => t,
            LooseItem::Number(n) => n.to_string(),
        }
    }
}

/// A value of a project body: text, a number, a list (of texts or numbers), or null to clear
/// the field.
#[derive(Deserialize, ToSchema, Debug, Clone)]
#[serde(untagged)]
pub enum Loose {
    Null,
    Text(String),
    #[schema(value_type = f64)]
    Number(serde_json::Number),
    List(Vec<LooseItem>),
}

impl Loose {
    fn into_text(self) -> String {
        match self {
            Loose::Null => String::new(),
            Loose::Text(t) => t,
            Loose::Number(n) => n.to_string(),
            Loose::List(items) => items
                .into_iter()
                .map(LooseItem::into_text)
                .collect::<Vec<_>>()
                .join("、"),
        }
    }
}

/// The construction period as one text from its two ends, each sent (a day, or null to clear)
/// or kept from `stored`. Both cleared clears the period; one end alone is for the parser to
/// refuse, naming the period.
fn period_text(stored: &str, start: Option<Loose>, end: Option<Loose>) -> String {
    let (stored_start, stored_end) = match domain::dates::parse_span(stored) {
        Ok(Some((s, e))) => (s.to_string(), e.to_string()),
        _ => (String::new(), String::new()),
    };
    let start = start.map_or(stored_start, Loose::into_text);
    let end = end.map_or(stored_end, Loose::into_text);
    match (start.trim(), end.trim()) {
        ("", "") => String::new(),
        (s, e) => format!("{s}至{e}"),
    }
}

/// Keeps "absent" apart from "null": absent fields keep their stored value, null clears it.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Loose>, D::Error> {
    Loose::deserialize(d).map(Some)
}

macro_rules! project_body {
    ($($field:ident),+ $(,)?) => {
        /// Fields of a project to create or change: the shape `GET /api/projects/{id}` answers,
        /// so a project read can be changed and sent back as it is. On update, omitted fields
        /// keep their values and `null` clears one. Amounts are 万元 (number or text such as
        /// "1,200.5"), dates `YYYY-MM-DD`, `YYYY-MM` or `2025年3月`, lists as arrays or "a、b".
        /// The construction period is `period_start` and `period_end` (or `period` as one
        /// text, "2024-2026"). What the server keeps (`id`, the names beside the ids,
        /// `stage_label`, the timestamps) may be sent back and is ignored.
        #[derive(Deserialize, ToSchema, Debug, Default)]
        #[serde(deny_unknown_fields)]
        pub struct ProjectBody {
            /// Required on update: the version the change starts from.
            #[serde(default)]
            pub version: Option<i64>,
            $(
                #[serde(default, deserialize_with = "present")]
                #[schema(value_type = Option<Loose>)]
                pub $field: Option<Loose>,
            )+
            /// The first day of the construction period (with `period_end`).
            #[serde(default, deserialize_with = "present")]
            #[schema(value_type = Option<String>)]
            pub period_start: Option<Loose>,
            /// The last day of the construction period (with `period_start`).
            #[serde(default, deserialize_with = "present")]
            #[schema(value_type = Option<String>)]
            pub period_end: Option<Loose>,
            #[serde(default)]
            #[schema(read_only)]
            pub id: Option<serde_json::Value>,
            #[serde(default)]
            #[schema(read_only, value_type = Option<String>)]
            pub stage_label: Option<serde_json::Value>,
            #[serde(default)]
            #[schema(read_only, value_type = Option<String>)]
            pub region_name: Option<serde_json::Value>,
            #[serde(default)]
            #[schema(read_only, value_type = Option<String>)]
            pub unit_name: Option<serde_json::Value>,
            #[serde(default)]
            #[schema(read_only, value_type = Option<String>)]
            pub lead_department_name: Option<serde_json::Value>,
            #[serde(default)]
            #[schema(read_only, value_type = Option<i64>)]
            pub created_at: Option<serde_json::Value>,
            #[serde(default)]
            #[schema(read_only, value_type = Option<i64>)]
            pub updated_at: Option<serde_json::Value>,
        }

        impl ProjectBody {
            fn apply(self, input: &mut ProjectInput) {
                if self.period.is_none() && (self.period_start.is_some() || self.period_end.is_some()) {
                    input.period = period_text(&input.period, self.period_start, self.period_end);
                }
                $( if let Some(v) = self.$field { input.$field = v.into_text(); } )+
            }
        }
    };
}

project_body!(
    code,
    name,
    category,
    stage,
    level,
    tags,
    industry,
    region_id,
    unit_id,
    lead_department_id,
    linked_leader,
    service_officer,
    content,
    total_investment_wan,
    annual_plan_wan,
    plan_phases,
    plan_year,
    period,
    planned_start,
    planned_completion,
    planned_production,
    actual_start,
    actual_completion,
    actual_production,
    location,
    funding_sources,
    expected_output_wan,
    expected_tax_wan,
    expected_jobs,
    owner,
    remarks,
);

/// Reads a JSON body. What is wrong is said in both languages and in the terms of the API, never
/// with the parser's internals (Rust type names, serde's wording).
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(rejection) => Err(AppError::BadRequest(match rejection {
                JsonRejection::MissingJsonContentType(_) => domain::bi(
                    "请以 JSON 发送（Content-Type: application/json）",
                    "send JSON (Content-Type: application/json)",
                ),
                JsonRejection::JsonSyntaxError(_) => domain::bi(
                    "请求内容不是有效的 JSON",
                    "the request body is not valid JSON",
                ),
                JsonRejection::JsonDataError(e) => data_error(&e.body_text()),
                _ => domain::bi("请求内容无法读取", "the request body cannot be read"),
            })),
        }
    }
}

/// What is wrong with a JSON body's fields, named by the API's field names: serde's message
/// ("path: unknown field `x`, expected …") read for the field only.
fn data_error(text: &str) -> domain::Bilingual {
    let named = |marker: &str| {
        let rest = text.split(marker).nth(1)?;
        rest.split('`').next().map(str::to_string)
    };
    let detail = text.rsplit("target type: ").next().unwrap_or_default();
    let path = detail
        .split_once(": ")
        .map(|(path, _)| path)
        .filter(|path| !path.is_empty() && *path != "." && !path.contains(' '));
    let see = (
        "，请对照接口文档 /api/openapi.json",
        "; see the API document /api/openapi.json",
    );
    if let Some(field) = named("unknown field `") {
        domain::bi(
            format!("未知字段“{field}”{}", see.0),
            format!("unknown field “{field}”{}", see.1),
        )
    } else if let Some(field) = named("missing field `") {
        domain::bi(
            format!("缺少字段“{field}”{}", see.0),
            format!("missing field “{field}”{}", see.1),
        )
    } else if let Some(path) = path {
        domain::bi(
            format!("字段“{path}”的类型不对{}", see.0),
            format!("the field “{path}” has the wrong type{}", see.1),
        )
    } else {
        domain::bi(
            format!("请求内容缺少字段或字段类型不对{}", see.0),
            format!("a field is missing or of the wrong type{}", see.1),
        )
    }
}

async fn resolve_unit(state: &AppState, text: &str) -> Result<String, AppError> {
    if text.is_empty() || text.parse::<i64>().is_ok() {
        return Ok(text.to_string());
    }
    Ok(state
        .store
        .unit_by_name(text)
        .await?
        .map(|u| u.id.to_string())
        .unwrap_or_else(|| text.to_string()))
}

/// Lists projects with filters, sorting and paging.
#[utoipa::path(get, path = "/api/projects", params(ListParams), tag = "projects",
    responses((status = 200, body = ProjectListDto), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<ProjectListDto>, AppError> {
    let query = LedgerQuery {
        q: p.q,
        stage: p.stage,
        level: p.level,
        tag: p.tag,
        unit: resolve_unit(&state, p.unit.trim()).await?,
        lead: resolve_unit(&state, p.lead.trim()).await?,
        region: p.region,
        industry: p.industry,
        min: p.min_total_wan,
        max: p.max_total_wan,
        sort: p.sort,
        order: p.order,
        page: p.page,
        per_page: String::new(),
    };
    let (mut filter, notices) = query.to_filter();
    filter.within = policy::scope_filter(&user);
    if let Some(first) = notices.into_iter().next() {
        return Err(AppError::BadRequest(first));
    }
    filter.per_page = if p.per_page.is_empty() {
        50
    } else {
        p.per_page.trim().parse().unwrap_or(50)
    }
    .clamp(1, 500);
    let page = state.store.list_projects(&filter).await?;
    Ok(Json(ProjectListDto {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page
            .items
            .into_iter()
            .map(ProjectSummaryDto::from)
            .collect(),
    }))
}

/// One project with every field.
#[utoipa::path(get, path = "/api/projects/{id}", params(("id" = i64, Path)), tag = "projects",
    responses((status = 200, body = ProjectDto), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ProjectDto>, AppError> {
    let p = policy::project_for(&state, &user, parse_id(&id)?).await?;
    Ok(Json(p.into()))
}

/// Creates a project.
#[utoipa::path(post, path = "/api/projects", request_body = ProjectBody, tag = "projects",
    responses((status = 201, body = ProjectDto), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    JsonBody(body): JsonBody<ProjectBody>,
) -> Result<Response, AppError> {
    if !policy::may_write_ledger(&user) {
        return Err(AppError::Forbidden);
    }
    let mut input = ProjectInput::default();
    body.apply(&mut input);
    let fields = crate::checked_fields(&state.store, &input).await?;
    policy::check_project_change(&user, None, &fields)?;
    let p = state
        .store
        .create_project(&fields, Some(user.id), "api")
        .await?;
    Ok((StatusCode::CREATED, Json(ProjectDto::from(p))).into_response())
}

/// Changes a project. The body names the version it started from; if someone saved in between,
/// the answer is 409 with the current version and nothing is written.
#[utoipa::path(put, path = "/api/projects/{id}", params(("id" = i64, Path)), request_body = ProjectBody, tag = "projects",
    responses((status = 200, body = ProjectDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ProjectBody>,
) -> Result<Json<ProjectDto>, AppError> {
    if !policy::may_write_ledger(&user) {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    let Some(version) = body.version else {
        return Err(AppError::Validation(vec![domain::FieldError {
            field: "version",
            message_zh: "缺少版本号 version：请先读取项目，再带上读到的 version 提交修改".into(),
            message_en: "version is required: read the project first and send the version you read"
                .into(),
        }]));
    };
    let current = policy::project_for(&state, &user, id).await?;
    // Who may change it first: a stale version from someone who may not is a refusal, not a
    // conflict that hands out the current version.
    policy::check_project_change(&user, Some(&current.fields), &current.fields)?;
    if current.version != version {
        return Err(AppError::Conflict {
            current: current.version,
        });
    }
    let mut input = ProjectInput::from_fields(&current.fields);
    body.apply(&mut input);
    let fields = crate::checked_fields(&state.store, &input).await?;
    policy::check_project_change(&user, Some(&current.fields), &fields)?;
    let p = state
        .store
        .update_project(id, version, &fields, Some(user.id), "api")
        .await?;
    Ok(Json(p.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ChangeDto {
    pub version: i64,
    /// A field key (as in ProjectBody), `_created`, or `_adjustment` (a plan adjustment asked or decided).
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub user_name: Option<String>,
    pub source: String,
    pub at: i64,
}

impl From<ChangeRecord> for ChangeDto {
    fn from(c: ChangeRecord) -> Self {
        ChangeDto {
            version: c.version,
            field: c.field,
            old_value: c.old_value,
            new_value: c.new_value,
            user_name: c.user_name,
            source: c.source,
            at: c.at,
        }
    }
}

/// The change history of a project, newest first.
#[utoipa::path(get, path = "/api/projects/{id}/history", params(("id" = i64, Path)), tag = "projects",
    responses((status = 200, body = Vec<ChangeDto>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<ChangeDto>>, AppError> {
    let id = parse_id(&id)?;
    policy::project_for(&state, &user, id).await?;
    Ok(Json(
        state
            .store
            .project_history(id)
            .await?
            .into_iter()
            .map(ChangeDto::from)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    pub name: String,
    /// park | town | state_firm | department
    pub kind: String,
    pub region_id: Option<i64>,
}

/// Units: parks, towns, state firms and departments.
#[utoipa::path(get, path = "/api/units", tag = "people", responses((status = 200, body = Vec<UnitDto>)))]
pub async fn units(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
) -> Result<Json<Vec<UnitDto>>, AppError> {
    let units = state.store.units().await?;
    Ok(Json(
        units
            .into_iter()
            .map(|u| UnitDto {
                id: u.id,
                name: u.name,
                kind: u.kind.code().into(),
                region_id: u.region_id,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct RegionDto {
    pub id: i64,
    /// GB/T 2260 code where known.
    pub code: Option<String>,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// Regions (counties by GB/T 2260 code, towns).
#[utoipa::path(get, path = "/api/regions", tag = "people", responses((status = 200, body = Vec<RegionDto>)))]
pub async fn regions(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
) -> Result<Json<Vec<RegionDto>>, AppError> {
    let regions = state.store.regions().await?;
    Ok(Json(
        regions
            .into_iter()
            .map(|r| RegionDto {
                id: r.id,
                code: r.code,
                name: r.name,
                parent_id: r.parent_id,
            })
            .collect(),
    ))
}

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "session",
            Vec::<String>::new(),
        )]);
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "gongjian API", description = "重点项目攻坚行动平台 JSON API. Sign in with POST /api/login; the session cookie authorises the rest. Amounts in 万元 as exact decimal strings."),
    paths(crate::auth::api_login, crate::auth::api_logout, crate::auth::api_me, list, get_one, create, update, history, units, regions,
        crate::reports::api_list, crate::reports::api_file, crate::reports::api_review,
        crate::reports::api_corrections, crate::reports::api_decide_correction,
        crate::problems::api_list, crate::problems::api_get, crate::problems::api_raise, crate::problems::api_step, crate::problems::api_note,
        crate::adjustments::api_list, crate::adjustments::api_ask, crate::adjustments::api_decide),
    components(schemas(ProjectDto, ProjectSummaryDto, ProjectListDto, ProjectBody, Loose, LooseItem, ChangeDto, UnitDto, RegionDto, ErrorBody, crate::auth::LoginBody, crate::auth::MeBody,
        crate::reports::ApiPeriodReport, crate::reports::ApiStoredReport, crate::reports::ApiEntry,
        crate::reports::ApiFiling, crate::reports::ApiFiled, crate::reports::ApiReview,
        crate::reports::ApiReviewItem, crate::reports::ApiReviewed,
        crate::reports::ApiCorrection, crate::reports::ApiCorrectionDecision,
        crate::reports::ApiDecided, crate::reports::ApiFlag,
        crate::problems::ApiProblem, crate::problems::ApiProblemLine, crate::problems::ApiRaise, crate::problems::ApiStep, crate::problems::ApiNote,
        crate::adjustments::ApiAdjustment, crate::adjustments::ApiAsk, crate::adjustments::ApiDecision)),
    modifiers(&SessionCookie),
    tags((name = "session"), (name = "projects"), (name = "people"), (name = "reports"), (name = "problems"))
)]
pub struct ApiDoc;

pub async fn openapi() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
        Err(e) => AppError::Internal(e.to_string()).into_response(),
    }
}

/// The API routes of this module (under `/api`).
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list).post(create))
        .route("/projects/{id}", get(get_one).put(update))
        .route("/projects/{id}/history", get(history))
        .route("/units", get(units))
        .route("/regions", get(regions))
        .route("/openapi.json", get(openapi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Field;

    /// The API speaks the domain's field keys: every field of a project is a key of what GET
    /// answers (the period as its two ends), so forms, history, errors and the API name a
    /// field the same way.
    #[test]
    fn the_dto_names_every_field_by_its_key() {
        let project = Project {
            id: 1,
            version: 1,
            fields: domain::ProjectFields::default(),
            unit_name: None,
            lead_department_name: None,
            region_name: None,
            created_at: 0,
            updated_at: 0,
        };
        let json = serde_json::to_value(ProjectDto::from(project)).unwrap_or_default();
        let keys = json.as_object().cloned().unwrap_or_default();
        for field in Field::ALL {
            let names: &[&str] = match field {
                Field::Period => &["period_start", "period_end"],
                field => &[field.key()],
            };
            for name in names {
                assert!(keys.contains_key(*name), "{field:?}: no key {name}");
            }
        }
    }
}
