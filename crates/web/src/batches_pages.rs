//! Batches and 五个一批 (issue 19 §3): `/batches` — 五个一批 month by month for the year (签约,
//! 开工, 竣工, 投产, 谋划: how many and their investment), and the 集中开工 / 集中签约 / 集中竣工投产
//! events with their counts and investment — and `/batches/{id}`, an event's projects or leads.
//! Everyone reads; the lead office records events and what they gather.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use domain::batches::{BatchKind, FiveKind, five_batches};
use domain::dates::{Edge, parse_date};
use domain::{Lang, bi};
use serde::Deserialize;
use store::{Batch, NewBatch, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::render_form;
use crate::{layout, policy};

/// One month of 五个一批: each kind's count and investment (亿元).
pub struct FiveRow {
    month: String,
    cells: Vec<(usize, String)>,
}

pub struct BatchRow {
    id: i64,
    kind: &'static str,
    name: String,
    held_on: String,
    place: String,
    count: usize,
    investment: String,
}

impl BatchRow {
    fn of(b: &Batch, lang: Lang) -> BatchRow {
        BatchRow {
            id: b.id,
            kind: b.kind.label(lang),
            name: b.name.clone(),
            held_on: b.held_on.to_string(),
            place: b.place.clone().unwrap_or_default(),
            count: b.items.len(),
            investment: b.investment().yi_display(),
        }
    }
}

#[derive(Template)]
#[template(path = "batches.html")]
struct BatchesTemplate {
    tr: Tr,
    user: SessionUser,
    year: i32,
    kinds: Vec<&'static str>,
    five: Vec<FiveRow>,
    total: FiveRow,
    batches: Vec<BatchRow>,
    batch_kinds: Vec<(&'static str, &'static str)>,
    office: bool,
    form: BatchForm,
    errors: Vec<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BatchForm {
    kind: String,
    name: String,
    held_on: String,
    place: String,
    note: String,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

/// 五个一批 of `year`, month by month to `today` (the whole year once it has passed), and the
/// year's totals.
async fn five_rows(
    state: &AppState,
    year: i32,
    today: NaiveDate,
) -> Result<(Vec<FiveRow>, FiveRow), AppError> {
    let events = state.store.happenings().await?;
    let cells = |from: NaiveDate, to: NaiveDate| {
        five_batches(&events, from, to)
            .iter()
            .map(|c| (c.count, c.investment.yi_display()))
            .collect::<Vec<_>>()
    };
    let last_month = if year < today.year() {
        12
    } else {
        today.month()
    };
    let mut rows = Vec::new();
    for month in 1..=last_month {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, month, 1),
            domain::progress::Period {
                year,
                month,
                part: None,
            }
            .last_day(),
        ) else {
            continue;
        };
        rows.push(FiveRow {
            month: format!("{year}-{month:02}"),
            cells: cells(from, to),
        });
    }
    let total = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(from), Some(to)) => FiveRow {
            month: String::new(),
            cells: cells(from, to),
        },
        _ => FiveRow {
            month: String::new(),
            cells: Vec::new(),
        },
    };
    Ok((rows, total))
}

async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    year: i32,
    form: BatchForm,
    errors: Vec<domain::Bilingual>,
) -> PageResult {
    let (five, total) = five_rows(state, year, state.today()).await?;
    let batches = state
        .store
        .batches()
        .await?
        .iter()
        .filter(|b| b.held_on.year() == year)
        .map(|b| BatchRow::of(b, tr.lang))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &BatchesTemplate {
            year,
            kinds: FiveKind::ALL.iter().map(|k| k.label(tr.lang)).collect(),
            five,
            total,
            batches,
            batch_kinds: BatchKind::ALL
                .iter()
                .map(|k| (k.code(), k.label(tr.lang)))
                .collect(),
            office: policy::is_office(&user),
            form,
            errors: errors.iter().map(|m| m.get(tr.lang).to_string()).collect(),
            tr,
            user,
        },
        invalid,
    )
}

/// `GET /batches?year=`.
async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| state.today().year());
    show(&state, user, tr, year, BatchForm::default(), Vec::new()).await
}

/// `POST /batches`: a new batch event (the lead office).
async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<BatchForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let mut problems = Vec::new();
    let kind = BatchKind::parse(&form.kind);
    if kind.is_none() {
        problems.push(bi(
            "请选择活动类型：集中开工、集中签约或集中竣工投产",
            "choose the kind: joint groundbreaking, signing or completion",
        ));
    }
    let held_on = match parse_date(&form.held_on, Edge::Start) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(bi("请填写活动日期", "the event's date is required"));
            None
        }
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let saved = match (kind, held_on, problems.is_empty()) {
        (Some(kind), Some(held_on), true) => {
            let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
            state
                .store
                .create_batch(
                    &NewBatch {
                        kind,
                        name: form.name.trim().to_string(),
                        held_on,
                        place: text(&form.place),
                        note: text(&form.note),
                    },
                    Some(user.id),
                )
                .await
        }
        _ => Err(StoreError::Invalid(problems)),
    };
    match saved {
        Ok(id) => Ok(layout::done(
            &format!("/batches/{id}"),
            "done.batch_saved",
            None,
        )),
        Err(StoreError::Invalid(problems)) => {
            let year = state.today().year();
            show(&state, user, tr, year, form, problems).await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

pub struct ItemRow {
    id: i64,
    href: String,
    name: String,
    unit: String,
    investment: String,
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchTemplate {
    tr: Tr,
    user: SessionUser,
    batch: BatchRow,
    note: String,
    items: Vec<ItemRow>,
    /// The batch gathers leads (集中签约) rather than projects.
    of_leads: bool,
    choices: Vec<(i64, String)>,
    office: bool,
}

/// `GET /batches/{id}`.
async fn batch_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let batch = state.store.batch(id).await?.ok_or(AppError::NotFound)?;
    let of_leads = batch.kind == BatchKind::Sign;
    let office = policy::is_office(&user);
    let choices = if !office {
        Vec::new()
    } else if of_leads {
        state
            .store
            .leads(None)
            .await?
            .into_iter()
            .map(|l| (l.id, l.fields.name))
            .collect()
    } else {
        state
            .store
            .all_projects()
            .await?
            .into_iter()
            .map(|p| (p.id, p.fields.name))
            .collect()
    };
    let items = batch
        .items
        .iter()
        .map(|i| ItemRow {
            id: i.id,
            href: match (i.project_id, i.lead_id) {
                (Some(p), _) => format!("/projects/{p}"),
                (_, Some(l)) => format!("/leads/{l}"),
                _ => String::new(),
            },
            name: i.name.clone(),
            unit: i.unit.clone().unwrap_or_default(),
            investment: i.investment.map(|m| m.yi_display()).unwrap_or_default(),
        })
        .collect();
    render_form(
        &BatchTemplate {
            batch: BatchRow::of(&batch, tr.lang),
            note: batch.note.clone().unwrap_or_default(),
            items,
            of_leads,
            choices,
            office,
            tr,
            user,
        },
        false,
    )
}

#[derive(Deserialize)]
pub struct ItemForm {
    item: i64,
}

/// `POST /batches/{id}/items`: a project (or, for a 集中签约, a lead) added.
async fn add_item(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<ItemForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let batch = state.store.batch(id).await?.ok_or(AppError::NotFound)?;
    let (project, lead) = if batch.kind == BatchKind::Sign {
        (None, Some(form.item))
    } else {
        (Some(form.item), None)
    };
    state
        .store
        .add_batch_item(id, project, lead)
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/batches/{id}"),
        "done.batch_item_added",
        None,
    ))
}

/// `POST /batches/{id}/items/{item}/remove`.
async fn remove_item(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path((id, item)): Path<(i64, i64)>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    state
        .store
        .remove_batch_item(id, item)
        .await
        .map_err(AppError::from)?;
    Ok(layout::done(
        &format!("/batches/{id}"),
        "done.batch_item_removed",
        None,
    ))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/batches", get(page).post(create))
        .route("/batches/{id}", get(batch_page))
        .route("/batches/{id}/items", post(add_item))
        .route("/batches/{id}/items/{item}/remove", post(remove_item))
}
