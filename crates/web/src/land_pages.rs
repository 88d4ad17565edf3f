//! The 征迁交地 page (issue 19 §2): `/land` — each town's parcels, area delivered and whether it
//! has cleared its overdue ones (交地清零), then every parcel with its households, graves and
//! delivery as of a date — and `/land/{id}`, where the lead office records a parcel and a town
//! fills in its own parcels' progress (never their plan). A responsible unit sees its town's
//! parcels and those of its projects; leaders read.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use domain::dates::{Edge, parse_date};
use domain::{Bilingual, bi};
use serde::Deserialize;
use store::{ParcelFields, ParcelRecord, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::leads::{Land, land_of, parcels_workbook};
use crate::pages::{XLSX, download, render_form};
use crate::{layout, policy};

/// A parcel as the form holds it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ParcelForm {
    name: String,
    project: String,
    town: String,
    area_mu: String,
    households_total: String,
    households_signed: String,
    households_demolished: String,
    graves_total: String,
    graves_moved: String,
    planned_delivery: String,
    actual_delivery: String,
    note: String,
    version: String,
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl ParcelForm {
    fn of(r: &ParcelRecord) -> ParcelForm {
        let f = &r.fields;
        ParcelForm {
            name: f.name.clone(),
            project: f.project_id.map(|p| p.to_string()).unwrap_or_default(),
            town: f.town_unit_id.map(|u| u.to_string()).unwrap_or_default(),
            area_mu: domain::land::mu(f.area_milli_mu).to_string(),
            households_total: f.households_total.to_string(),
            households_signed: f.households_signed.to_string(),
            households_demolished: f.households_demolished.to_string(),
            graves_total: f.graves_total.to_string(),
            graves_moved: f.graves_moved.to_string(),
            planned_delivery: day(f.planned_delivery),
            actual_delivery: day(f.actual_delivery),
            note: f.note.clone().unwrap_or_default(),
            version: r.version.to_string(),
        }
    }

    fn checked(&self) -> Result<(ParcelFields, i64), Vec<Bilingual>> {
        let mut problems = Vec::new();
        let mut count = |text: &str, zh: &str, en: &str| -> i64 {
            let t = text.trim();
            if t.is_empty() {
                return 0;
            }
            t.parse::<i64>().unwrap_or_else(|_| {
                problems.push(bi(
                    format!("{zh}“{t}”不是有效数字"),
                    format!("{en} “{t}” is not a whole number"),
                ));
                0
            })
        };
        let households_total = count(&self.households_total, "应签约户数", "households to sign");
        let households_signed = count(&self.households_signed, "已签约户数", "households signed");
        let households_demolished = count(
            &self.households_demolished,
            "已拆除户数",
            "households demolished",
        );
        let graves_total = count(&self.graves_total, "应迁坟数", "graves to move");
        let graves_moved = count(&self.graves_moved, "已迁坟数", "graves moved");
        let area = self.area_mu.trim();
        let area_milli_mu = if area.is_empty() {
            0
        } else {
            match area.parse::<f64>() {
                Ok(v) if (0.0..1e12).contains(&v) => (v * 1000.0).round() as i64,
                _ => {
                    problems.push(bi(
                        format!("面积“{area}”不是有效数字"),
                        format!("the area “{area}” is not a number"),
                    ));
                    0
                }
            }
        };
        let mut date = |text: &str, zh: &str, en: &str| match parse_date(text, Edge::Start) {
            Ok(d) => d,
            Err(e) => {
                problems.push(bi(format!("{zh}：{}", e.zh), format!("{en}: {}", e.en)));
                None
            }
        };
        let planned_delivery = date(&self.planned_delivery, "计划交地时间", "planned delivery");
        let actual_delivery = date(&self.actual_delivery, "实际交地时间", "actual delivery");
        let id = |text: &str| text.trim().parse::<i64>().ok();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok((
            ParcelFields {
                name: self.name.trim().to_string(),
                project_id: id(&self.project),
                town_unit_id: id(&self.town),
                area_milli_mu,
                households_total,
                households_signed,
                households_demolished,
                graves_total,
                graves_moved,
                planned_delivery,
                actual_delivery,
                note: Some(self.note.trim().to_string()).filter(|n| !n.is_empty()),
            },
            self.version.trim().parse().unwrap_or(0),
        ))
    }
}

#[derive(Deserialize, Default)]
pub struct AsOf {
    #[serde(default)]
    as_of: String,
}

#[derive(Template)]
#[template(path = "land.html")]
struct LandTemplate {
    tr: Tr,
    user: SessionUser,
    as_of: String,
    land: Land,
    office: bool,
    projects: Vec<(i64, String)>,
    towns: Vec<(i64, String)>,
    form: ParcelForm,
    errors: Vec<String>,
}

async fn choices(state: &AppState) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), AppError> {
    let projects = state
        .store
        .all_projects()
        .await?
        .into_iter()
        .map(|p| (p.id, p.fields.name))
        .collect();
    let towns = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.kind == domain::UnitKind::Town)
        .map(|u| (u.id, u.name))
        .collect();
    Ok((projects, towns))
}

async fn show_land(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    as_of: NaiveDate,
    form: ParcelForm,
    errors: Vec<Bilingual>,
) -> PageResult {
    let records = state.store.parcels(policy::own_unit(&user)).await?;
    let office = policy::is_office(&user);
    let (projects, towns) = if office {
        choices(state).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let invalid = !errors.is_empty();
    render_form(
        &LandTemplate {
            as_of: as_of.to_string(),
            land: land_of(&records, as_of),
            office,
            projects,
            towns,
            form,
            errors: errors.iter().map(|m| m.get(tr.lang).to_string()).collect(),
            tr,
            user,
        },
        invalid,
    )
}

/// `GET /land?as_of=`.
async fn list(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<AsOf>,
) -> PageResult {
    let day = crate::problems::as_of_or_today(&state, &q.as_of).await?;
    show_land(&state, user, tr, day, ParcelForm::default(), Vec::new()).await
}

/// `POST /land`: a new parcel (the lead office).
async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<ParcelForm>,
) -> PageResult {
    let actor = policy::lead_actor(&user).ok_or(AppError::Forbidden)?;
    let saved = match form.checked() {
        Ok((fields, _)) => state.store.save_parcel(None, 0, &fields, &actor).await,
        Err(problems) => Err(StoreError::Invalid(problems)),
    };
    match saved {
        Ok(id) => Ok(layout::done(
            &format!("/land/{id}"),
            "done.parcel_saved",
            None,
        )),
        Err(StoreError::Invalid(problems)) => {
            let today = state.today();
            show_land(&state, user, tr, today, form, problems).await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Template)]
#[template(path = "parcel.html")]
struct ParcelTemplate {
    tr: Tr,
    user: SessionUser,
    parcel: ParcelRecord,
    /// The office changes everything; the parcel's town its progress.
    office: bool,
    town: bool,
    projects: Vec<(i64, String)>,
    towns: Vec<(i64, String)>,
    form: ParcelForm,
    errors: Vec<String>,
}

fn may_see(user: &SessionUser, parcel: &ParcelRecord) -> bool {
    policy::own_unit(user)
        .is_none_or(|u| parcel.fields.town_unit_id == Some(u) || parcel.project_unit_id == Some(u))
}

async fn show_parcel(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    id: i64,
    form: Option<ParcelForm>,
    errors: Vec<Bilingual>,
) -> PageResult {
    let parcel = state.store.parcel(id).await?.ok_or(AppError::NotFound)?;
    if !may_see(&user, &parcel) {
        return Err(AppError::Refused(policy::not_their_parcel()).into());
    }
    let office = policy::is_office(&user);
    let town = policy::lead_actor(&user)
        .is_some_and(|a| a.unit.is_some() && a.unit == parcel.fields.town_unit_id);
    let (projects, towns) = if office {
        choices(state).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let invalid = !errors.is_empty();
    render_form(
        &ParcelTemplate {
            office,
            town,
            projects,
            towns,
            form: form.unwrap_or_else(|| ParcelForm::of(&parcel)),
            errors: errors.iter().map(|m| m.get(tr.lang).to_string()).collect(),
            parcel,
            tr,
            user,
        },
        invalid,
    )
}

/// `GET /land/{id}`.
async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    show_parcel(&state, user, tr, id, None, Vec::new()).await
}

/// `POST /land/{id}`: the office saves the parcel; its town, only its progress (a town's form
/// carries the plan as it was loaded, and the store refuses any change of it).
async fn save(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<ParcelForm>,
) -> PageResult {
    let actor = policy::lead_actor(&user).ok_or(AppError::Forbidden)?;
    let checked = form.checked();
    let saved = match checked {
        Ok((mut fields, version)) => {
            if actor.unit.is_some() {
                // A town's form has no plan fields: the parcel's own plan is kept.
                let old = state.store.parcel(id).await?.ok_or(AppError::NotFound)?;
                if old.fields.town_unit_id != actor.unit {
                    return Err(AppError::Refused(policy::not_their_parcel()).into());
                }
                let progress = fields.clone();
                fields = ParcelFields {
                    households_signed: progress.households_signed,
                    households_demolished: progress.households_demolished,
                    graves_moved: progress.graves_moved,
                    actual_delivery: progress.actual_delivery,
                    note: progress.note,
                    ..old.fields
                };
            }
            state
                .store
                .save_parcel(Some(id), version, &fields, &actor)
                .await
        }
        Err(problems) => Err(StoreError::Invalid(problems)),
    };
    match saved {
        Ok(_) => Ok(layout::done(
            &format!("/land/{id}"),
            "done.parcel_saved",
            None,
        )),
        Err(StoreError::Invalid(problems)) => {
            show_parcel(&state, user, tr, id, Some(form), problems).await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// `GET /land/export.xlsx?as_of=`: the parcels the user may read, in the importer's columns.
async fn export(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Query(q): Query<AsOf>,
) -> PageResult {
    let day = crate::problems::as_of_or_today(&state, &q.as_of).await?;
    let records = state.store.parcels(policy::own_unit(&user)).await?;
    let bytes = parcels_workbook(&records, day).map_err(AppError::from)?;
    Ok(download(XLSX, "征迁交地.xlsx", bytes))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/land", get(list).post(create))
        .route("/land/export.xlsx", get(export))
        .route("/land/{id}", get(page).post(save))
}
