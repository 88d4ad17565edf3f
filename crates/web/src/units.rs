//! The administrator's units and regions (单位与区域): every unit with its kind, region, users
//! and projects, renamed or moved in place; new units and regions.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::{Bilingual, UnitKind, bi};
use serde::Deserialize;
use store::{Region, SessionUser, StoreError, UnitSummary};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::render_form;
use crate::{layout, policy};

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsTemplate {
    tr: Tr,
    user: SessionUser,
    units: Vec<UnitSummary>,
    regions: Vec<Region>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

impl UnitsTemplate {
    fn region_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.regions.iter().find(|r| r.id == id))
            .map(|r| r.name.clone())
            .unwrap_or_default()
    }
}

fn may(user: &SessionUser) -> Result<(), AppError> {
    if policy::manages_users(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn show(state: &AppState, user: SessionUser, tr: Tr, errors: Vec<Bilingual>) -> PageResult {
    let lang = tr.lang;
    let invalid = !errors.is_empty();
    render_form(
        &UnitsTemplate {
            units: state.store.unit_summaries().await?,
            regions: state.store.regions().await?,
            kinds: UnitKind::ALL
                .iter()
                .map(|k| (k.code(), k.label(lang)))
                .collect(),
            errors: errors.iter().map(|m| m.get(lang).to_string()).collect(),
            tr,
            user,
        },
        invalid,
    )
}

/// Back to the page saying what was done; a name already taken is said on the page.
async fn answer(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    done: Result<(), StoreError>,
    key: &'static str,
) -> PageResult {
    match done {
        Ok(()) => Ok(layout::done("/admin/units", key, None)),
        Err(StoreError::Duplicate { zh, en, .. }) => show(state, user, tr, vec![bi(zh, en)]).await,
        Err(e) => Err(e.into()),
    }
}

/// `GET /admin/units`.
pub async fn page(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    may(&user)?;
    show(&state, user, tr, Vec::new()).await
}

/// A unit as typed (new, or edited with the version read).
#[derive(Deserialize, Default)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    version: i64,
}

impl UnitForm {
    fn checked(&self) -> Result<(String, UnitKind, Option<i64>), Bilingual> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(bi("请填写单位名称", "the unit needs a name"));
        }
        let kind = UnitKind::parse(self.kind.trim()).unwrap_or_else(|| UnitKind::guess(name));
        let region = match self.region.trim() {
            "" => None,
            text => Some(
                text.parse::<i64>()
                    .map_err(|_| bi("所属区域无效", "the region is not valid"))?,
            ),
        };
        Ok((name.to_string(), kind, region))
    }
}

/// `POST /admin/units`: a new unit.
pub async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<UnitForm>,
) -> PageResult {
    may(&user)?;
    let (name, kind, region) = match form.checked() {
        Ok(v) => v,
        Err(m) => return show(&state, user, tr, vec![m]).await,
    };
    let done = state
        .store
        .create_unit(&name, kind, region)
        .await
        .map(|_| ());
    answer(&state, user, tr, done, "done.unit_created").await
}

/// `POST /admin/units/{id}`: renames a unit or changes its kind or region.
pub async fn update(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> PageResult {
    may(&user)?;
    let (name, kind, region) = match form.checked() {
        Ok(v) => v,
        Err(m) => return show(&state, user, tr, vec![m]).await,
    };
    match state
        .store
        .update_unit(id, form.version, &name, kind, region)
        .await
    {
        Ok(()) => Ok(layout::done("/admin/units", "done.unit_saved", None)),
        Err(StoreError::Duplicate { zh, en, .. }) => show(&state, user, tr, vec![bi(zh, en)]).await,
        Err(e) => Err(e.into()),
    }
}

/// A region as typed.
#[derive(Deserialize, Default)]
pub struct RegionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    parent: String,
}

/// `POST /admin/regions`: a new region.
pub async fn create_region(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<RegionForm>,
) -> PageResult {
    may(&user)?;
    let name = form.name.trim();
    let code = Some(form.code.trim()).filter(|c| !c.is_empty());
    let parent = form.parent.trim().parse::<i64>().ok();
    if name.is_empty() {
        return show(
            &state,
            user,
            tr,
            vec![bi("请填写区域名称", "the region needs a name")],
        )
        .await;
    }
    if let Some(c) = code
        && !(c.len() == 6 && c.chars().all(|d| d.is_ascii_digit()))
    {
        let m = bi(
            "行政区划代码应为 6 位数字（GB/T 2260）",
            "the code is six digits (GB/T 2260)",
        );
        return show(&state, user, tr, vec![m]).await;
    }
    let done = state
        .store
        .create_region(name, code, parent)
        .await
        .map(|_| ());
    answer(&state, user, tr, done, "done.region_created").await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/units", get(page).post(create))
        .route("/admin/units/{id}", post(update))
        .route("/admin/regions", post(create_region))
}
