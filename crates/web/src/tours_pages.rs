//! 项目拉练 (issue 19 §4): `/tours` — the tours, a new one with its committee and criteria — and
//! `/tours/{id}`: the route, each member's scores entered from their sheet, and the results — the
//! projects ranked by their combined scores, the units by their projects' — exported as the
//! table offices print (`/tours/{id}/export.xlsx`). Everyone reads; the lead office records.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::dates::{Edge, parse_date};
use domain::tours::{GroupResult, ProjectResult, criteria_text, score_groups, score_projects};
use domain::{Bilingual, bi};
use serde::Deserialize;
use store::{NewTour, SessionUser, StoreError, Tour};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::{XLSX, download, render_form};
use crate::{layout, policy};

#[derive(Template)]
#[template(path = "tours.html")]
struct ToursTemplate {
    tr: Tr,
    user: SessionUser,
    tours: Vec<(i64, String, String, usize)>,
    office: bool,
    form: TourForm,
    default_criteria: String,
    errors: Vec<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TourForm {
    name: String,
    held_on: String,
    route: String,
    members: String,
    criteria: String,
    note: String,
}

async fn show_list(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    form: TourForm,
    errors: Vec<Bilingual>,
) -> PageResult {
    let tours = state
        .store
        .tours()
        .await?
        .into_iter()
        .map(|(id, name, on, n)| (id, name, on.to_string(), n))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &ToursTemplate {
            tours,
            office: policy::is_office(&user),
            form,
            default_criteria: criteria_text(&domain::tours::default_criteria()),
            errors: errors.iter().map(|m| m.get(tr.lang).to_string()).collect(),
            tr,
            user,
        },
        invalid,
    )
}

/// `GET /tours`.
async fn list(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    show_list(&state, user, tr, TourForm::default(), Vec::new()).await
}

/// `POST /tours`: a new tour (the lead office).
async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<TourForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let saved = match parse_date(&form.held_on, Edge::Start) {
        Ok(Some(held_on)) => {
            let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
            state
                .store
                .create_tour(
                    &NewTour {
                        name: form.name.trim().to_string(),
                        held_on,
                        route: text(&form.route),
                        members: form.members.clone(),
                        criteria: form.criteria.clone(),
                        note: text(&form.note),
                    },
                    Some(user.id),
                )
                .await
        }
        Ok(None) => Err(StoreError::Invalid(vec![bi(
            "请填写拉练日期",
            "the tour's date is required",
        )])),
        Err(e) => Err(StoreError::Invalid(vec![e])),
    };
    match saved {
        Ok(id) => Ok(layout::done(
            &format!("/tours/{id}"),
            "done.tour_saved",
            None,
        )),
        Err(StoreError::Invalid(problems)) => show_list(&state, user, tr, form, problems).await,
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// One project of the tour: its result and the chosen member's scores.
pub struct TourRow {
    id: i64,
    name: String,
    unit: String,
    score: String,
    rank: String,
    members: usize,
    /// The chosen member's score on each criterion, as typed back.
    mine: Vec<String>,
}

pub struct UnitRow {
    unit: String,
    projects: usize,
    score: String,
    rank: String,
}

fn two(score: Option<f64>) -> String {
    score.map(|s| format!("{s:.2}")).unwrap_or_default()
}

fn rank(rank: Option<usize>) -> String {
    rank.map(|r| r.to_string()).unwrap_or_default()
}

/// The tour's results: each project (in route order) and each unit, ranked.
fn results(tour: &Tour) -> (Vec<ProjectResult>, Vec<GroupResult>) {
    let ids: Vec<i64> = tour.projects.iter().map(|p| p.0).collect();
    let projects = score_projects(&tour.criteria, &ids, &tour.marks);
    let by_unit: Vec<(String, Option<f64>)> = tour
        .projects
        .iter()
        .zip(&projects)
        .map(|((_, _, unit), r)| (unit.clone().unwrap_or_default(), r.score))
        .collect();
    (projects, score_groups(&by_unit))
}

#[derive(Template)]
#[template(path = "tour.html")]
struct TourTemplate {
    tr: Tr,
    user: SessionUser,
    tour: Tour,
    criteria: Vec<String>,
    member: String,
    rows: Vec<TourRow>,
    units: Vec<UnitRow>,
    choices: Vec<(i64, String)>,
    office: bool,
}

#[derive(Deserialize, Default)]
pub struct MemberQuery {
    #[serde(default)]
    member: String,
}

/// `GET /tours/{id}?member=`.
async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<MemberQuery>,
) -> PageResult {
    let tour = state.store.tour(id).await?.ok_or(AppError::NotFound)?;
    let member = if tour.members.contains(&q.member) {
        q.member
    } else {
        tour.members.first().cloned().unwrap_or_default()
    };
    let (projects, units) = results(&tour);
    let rows = tour
        .projects
        .iter()
        .zip(&projects)
        .map(|((pid, name, unit), r)| TourRow {
            id: *pid,
            name: name.clone(),
            unit: unit.clone().unwrap_or_default(),
            score: two(r.score),
            rank: rank(r.rank),
            members: r.members,
            mine: (0..tour.criteria.len())
                .map(|c| {
                    tour.marks
                        .iter()
                        .find(|m| m.project == *pid && m.member == member && m.criterion == c)
                        .map(|m| m.score.to_string())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let office = policy::is_office(&user);
    let choices = if office {
        state
            .store
            .all_projects()
            .await?
            .into_iter()
            .filter(|p| !tour.projects.iter().any(|t| t.0 == p.id))
            .map(|p| (p.id, p.fields.name))
            .collect()
    } else {
        Vec::new()
    };
    render_form(
        &TourTemplate {
            criteria: tour
                .criteria
                .iter()
                .map(|c| format!("{}（{}）", c.name, c.weight))
                .collect(),
            member,
            rows,
            units: units
                .into_iter()
                .map(|u| UnitRow {
                    unit: u.group,
                    projects: u.projects,
                    score: two(u.score),
                    rank: rank(u.rank),
                })
                .collect(),
            choices,
            office,
            tour,
            tr,
            user,
        },
        false,
    )
}

#[derive(Deserialize)]
pub struct ProjectForm {
    project: i64,
}

/// `POST /tours/{id}/projects`: a project added to the route.
async fn add_project(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    state
        .store
        .add_tour_project(id, form.project)
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/tours/{id}"),
        "done.tour_project_added",
        None,
    ))
}

/// `POST /tours/{id}/scores`: one member's scores of one project, a field per criterion
/// (`c0`, `c1`, …; empty leaves a criterion unscored).
async fn score(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let tour = state.store.tour(id).await?.ok_or(AppError::NotFound)?;
    let get = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let project: i64 = get("project")
        .parse()
        .map_err(|_| AppError::BadRequest(bi("请选择项目", "choose a project")))?;
    let member = get("member");
    let mut scores = Vec::new();
    for c in 0..tour.criteria.len() {
        let text = get(&format!("c{c}"));
        if text.is_empty() {
            scores.push(None);
            continue;
        }
        let value = domain::text::to_half_width(&text)
            .parse::<f64>()
            .map_err(|_| {
                AppError::BadRequest(bi(
                    format!("评分“{text}”不是数字"),
                    format!("the score “{text}” is not a number"),
                ))
            })?;
        scores.push(Some(value));
    }
    state
        .store
        .score_tour(id, project, &member, &scores, Some(user.id))
        .await
        .map_err(AppError::from)?;
    let back = format!("/tours/{id}?member={}", crate::pages::url_encode(&member));
    Ok(layout::done(&back, "done.tour_scored", None))
}

/// `GET /tours/{id}/export.xlsx`: the results as the table offices print.
async fn export(
    State(state): State<AppState>,
    PageUser { .. }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    use office::TableCell::{Fixed, Number, Text};
    let tour = state.store.tour(id).await?.ok_or(AppError::NotFound)?;
    let (projects, units) = results(&tour);
    let mut headers: Vec<String> = ["名次", "项目名称", "责任单位"].map(String::from).to_vec();
    headers.extend(tour.members.iter().map(|m| format!("{m}评分")));
    headers.push("综合得分".into());
    let member_total = |project: i64, member: &str| {
        let one: Vec<domain::tours::Mark> = tour
            .marks
            .iter()
            .filter(|m| m.project == project && m.member == member)
            .cloned()
            .collect();
        score_projects(&tour.criteria, &[project], &one)
            .first()
            .and_then(|r| r.score)
    };
    let mut order: Vec<usize> = (0..projects.len()).collect();
    order.sort_by_key(|i| (projects[*i].rank.unwrap_or(usize::MAX), *i));
    let rows = order
        .iter()
        .map(|&i| {
            let (pid, name, unit) = &tour.projects[i];
            let mut row = vec![
                projects[i]
                    .rank
                    .map_or(Text(String::new()), |r| Number(r as i64)),
                Text(name.clone()),
                Text(unit.clone().unwrap_or_default()),
            ];
            row.extend(
                tour.members
                    .iter()
                    .map(|m| member_total(*pid, m).map_or(Text(String::new()), Fixed)),
            );
            row.push(projects[i].score.map_or(Text(String::new()), Fixed));
            row
        })
        .collect();
    let unit_rows = units
        .iter()
        .map(|u| {
            vec![
                u.rank.map_or(Text(String::new()), |r| Number(r as i64)),
                Text(u.group.clone()),
                Number(u.projects as i64),
                u.score.map_or(Text(String::new()), Fixed),
            ]
        })
        .collect();
    let subtitle = format!(
        "{}　评分项：{}",
        tour.held_on,
        criteria_text(&tour.criteria)
    );
    let sheets = [
        office::TableSheet {
            name: "项目得分".into(),
            title: format!("{}项目评分排名表", tour.name),
            subtitle: subtitle.clone(),
            headers,
            rows,
        },
        office::TableSheet {
            name: "单位排名".into(),
            title: format!("{}单位排名表", tour.name),
            subtitle,
            headers: ["名次", "责任单位", "项目数", "平均得分"]
                .map(String::from)
                .to_vec(),
            rows: unit_rows,
        },
    ];
    let bytes = office::write_tables(&sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX, &format!("{}.xlsx", tour.name), bytes))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tours", get(list).post(create))
        .route("/tours/{id}", get(page))
        .route("/tours/{id}/projects", post(add_project))
        .route("/tours/{id}/scores", post(score))
        .route("/tours/{id}/export.xlsx", get(export))
}
