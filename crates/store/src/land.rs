//! 征迁交地 (issue 19 §2): parcels (地块) with their area, households and graves, the planned
//! and actual delivery (交地) and the town responsible; the import of a parcel sheet all or
//! nothing, matching parcels by project and name.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::land::Delivery;
use domain::{Bilingual, UnitKind, bi};
use sqlx::{Any, Transaction};

use crate::import::{Resolver, RowProblem, row_problem};
use crate::projects::{date, date_text};
use crate::report_filing::Actor;
use crate::{Result, Store, StoreError, now, on_unique};

/// What is written of a parcel. The area is in thousandths of a 亩.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParcelFields {
    pub name: String,
    pub project_id: Option<i64>,
    pub town_unit_id: Option<i64>,
    pub area_milli_mu: i64,
    /// 应签约户数 / 已签约户数 / 已拆除户数.
    pub households_total: i64,
    pub households_signed: i64,
    pub households_demolished: i64,
    /// 应迁坟数 / 已迁坟数.
    pub graves_total: i64,
    pub graves_moved: i64,
    pub planned_delivery: Option<NaiveDate>,
    pub actual_delivery: Option<NaiveDate>,
    pub note: Option<String>,
}

impl ParcelFields {
    pub fn delivery(&self) -> Delivery {
        Delivery {
            planned: self.planned_delivery,
            actual: self.actual_delivery,
        }
    }
}

/// A parcel as stored, with its project's and town's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelRecord {
    pub id: i64,
    pub fields: ParcelFields,
    pub project: Option<String>,
    pub project_unit_id: Option<i64>,
    pub town: Option<String>,
    pub version: i64,
}

/// A parcel as a sheet gives it: its project by code or name, its town by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelListRow {
    pub sheet: String,
    pub row: u32,
    pub fields: ParcelFields,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub town_name: Option<String>,
}

/// What an import of parcels did (or would do).
#[derive(Debug, Clone, Default)]
pub struct ParcelImportOutcome {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_units: Vec<String>,
    pub problems: Vec<RowProblem>,
    pub rolled_back: bool,
}

#[derive(sqlx::FromRow)]
struct ParcelRow {
    id: i64,
    name: String,
    project_id: Option<i64>,
    town_unit_id: Option<i64>,
    area_milli_mu: i64,
    households_total: i64,
    households_signed: i64,
    households_demolished: i64,
    graves_total: i64,
    graves_moved: i64,
    planned_delivery: Option<String>,
    actual_delivery: Option<String>,
    note: Option<String>,
    version: i64,
    project_name: Option<String>,
    project_unit_id: Option<i64>,
    town_name: Option<String>,
}

const SELECT_PARCELS: &str = "SELECT l.id, l.name, l.project_id, l.town_unit_id, \
     l.area_milli_mu, l.households_total, l.households_signed, l.households_demolished, \
     l.graves_total, l.graves_moved, l.planned_delivery, l.actual_delivery, l.note, l.version, \
     p.name AS project_name, p.unit_id AS project_unit_id, u.name AS town_name \
     FROM parcels l LEFT JOIN projects p ON p.id = l.project_id \
     LEFT JOIN units u ON u.id = l.town_unit_id";

impl ParcelRow {
    fn record(self) -> ParcelRecord {
        ParcelRecord {
            id: self.id,
            fields: ParcelFields {
                name: self.name,
                project_id: self.project_id,
                town_unit_id: self.town_unit_id,
                area_milli_mu: self.area_milli_mu,
                households_total: self.households_total,
                households_signed: self.households_signed,
                households_demolished: self.households_demolished,
                graves_total: self.graves_total,
                graves_moved: self.graves_moved,
                planned_delivery: date(self.planned_delivery),
                actual_delivery: date(self.actual_delivery),
                note: self.note,
            },
            project: self.project_name,
            project_unit_id: self.project_unit_id,
            town: self.town_name,
            version: self.version,
        }
    }
}

/// Every rule a parcel's fields keep, each refusal with its reason.
pub fn check_parcel(f: &ParcelFields) -> Vec<Bilingual> {
    let mut refused = Vec::new();
    if f.name.trim().is_empty() {
        refused.push(bi("请填写地块名称", "the parcel's name is required"));
    }
    if f.name.chars().count() > 200 {
        refused.push(bi(
            "地块名称过长（最多 200 字）",
            "the parcel's name is too long (at most 200 characters)",
        ));
    }
    if f.note.as_ref().is_some_and(|n| n.chars().count() > 2_000) {
        refused.push(bi(
            "备注过长（最多 2000 字）",
            "the note is too long (at most 2000 characters)",
        ));
    }
    for (n, zh, en) in [
        (f.area_milli_mu, "面积", "the area"),
        (f.households_total, "应签约户数", "households to sign"),
        (f.households_signed, "已签约户数", "households signed"),
        (
            f.households_demolished,
            "已拆除户数",
            "households demolished",
        ),
        (f.graves_total, "应迁坟数", "graves to move"),
        (f.graves_moved, "已迁坟数", "graves moved"),
    ] {
        if n < 0 {
            refused.push(bi(
                format!("{zh}不能为负数"),
                format!("{en} cannot be negative"),
            ));
        }
    }
    for (done, of, zh, en) in [
        (
            f.households_signed,
            f.households_total,
            "已签约户数超过应签约户数",
            "more households signed than there are to sign",
        ),
        (
            f.households_demolished,
            f.households_total,
            "已拆除户数超过应签约户数",
            "more households demolished than there are",
        ),
        (
            f.graves_moved,
            f.graves_total,
            "已迁坟数超过应迁坟数",
            "more graves moved than there are to move",
        ),
    ] {
        if done > of {
            refused.push(bi(
                format!("{zh}（{done} > {of}）"),
                format!("{en} ({done} > {of})"),
            ));
        }
    }
    refused
}

fn duplicate(e: sqlx::Error, name: &str) -> StoreError {
    on_unique(
        e,
        "name",
        format!("该项目已有名为“{}”的地块", name.trim()),
        format!("the project already has a parcel named “{}”", name.trim()),
    )
}

async fn insert_parcel(
    tx: &mut Transaction<'static, Any>,
    f: &ParcelFields,
    user: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO parcels (name, project_id, town_unit_id, area_milli_mu, households_total, \
         households_signed, households_demolished, graves_total, graves_moved, \
         planned_delivery, actual_delivery, note, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(f.name.trim())
    .bind(f.project_id)
    .bind(f.town_unit_id)
    .bind(f.area_milli_mu)
    .bind(f.households_total)
    .bind(f.households_signed)
    .bind(f.households_demolished)
    .bind(f.graves_total)
    .bind(f.graves_moved)
    .bind(date_text(f.planned_delivery))
    .bind(date_text(f.actual_delivery))
    .bind(f.note.as_deref())
    .bind(now())
    .bind(user)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| duplicate(e, &f.name))?;
    Ok(id)
}

async fn update_parcel(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    version: i64,
    f: &ParcelFields,
    user: Option<i64>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE parcels SET name = $1, project_id = $2, town_unit_id = $3, area_milli_mu = $4, \
         households_total = $5, households_signed = $6, households_demolished = $7, \
         graves_total = $8, graves_moved = $9, planned_delivery = $10, actual_delivery = $11, \
         note = $12, updated_at = $13, updated_by = $14, version = version + 1 \
         WHERE id = $15 AND version = $16",
    )
    .bind(f.name.trim())
    .bind(f.project_id)
    .bind(f.town_unit_id)
    .bind(f.area_milli_mu)
    .bind(f.households_total)
    .bind(f.households_signed)
    .bind(f.households_demolished)
    .bind(f.graves_total)
    .bind(f.graves_moved)
    .bind(date_text(f.planned_delivery))
    .bind(date_text(f.actual_delivery))
    .bind(f.note.as_deref())
    .bind(now())
    .bind(user)
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(|e| duplicate(e, &f.name))?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM parcels WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Err(match current {
        Some((current,)) => StoreError::Conflict { current },
        None => StoreError::NotFound,
    })
}

/// The fields a town may change of its own parcel: its progress, not the plan it is judged
/// against (area, households and graves to clear, the planned delivery, the project, the town).
fn judged_unchanged(old: &ParcelFields, new: &ParcelFields) -> bool {
    old.name == new.name
        && old.project_id == new.project_id
        && old.town_unit_id == new.town_unit_id
        && old.area_milli_mu == new.area_milli_mu
        && old.households_total == new.households_total
        && old.graves_total == new.graves_total
        && old.planned_delivery == new.planned_delivery
}

impl Store {
    /// Every parcel, or only those of one town (or of one unit's projects), by town and name.
    pub async fn parcels(&self, unit: Option<i64>) -> Result<Vec<ParcelRecord>> {
        let order = "ORDER BY u.name, p.name, l.name";
        let rows: Vec<ParcelRow> = match unit {
            Some(unit) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT_PARCELS} WHERE l.town_unit_id = $1 OR p.unit_id = $2 {order}"
                )))
                .bind(unit)
                .bind(unit)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_PARCELS} {order}")))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        Ok(rows.into_iter().map(ParcelRow::record).collect())
    }

    pub async fn parcel(&self, id: i64) -> Result<Option<ParcelRecord>> {
        let row: Option<ParcelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_PARCELS} WHERE l.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(ParcelRow::record))
    }

    /// Adds a parcel (`id` None; the lead office only) or saves one at `version`. A town
    /// (`actor.unit`) updates only its own parcels' progress — households signed and
    /// demolished, graves moved, the actual delivery, the note — never the plan it is judged
    /// against.
    pub async fn save_parcel(
        &self,
        id: Option<i64>,
        version: i64,
        f: &ParcelFields,
        actor: &Actor,
    ) -> Result<i64> {
        let refused = check_parcel(f);
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        if let Some(project) = f.project_id {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM projects WHERE id = $1")
                .bind(project)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StoreError::Invalid(vec![bi(
                    "关联项目不存在",
                    "the linked project does not exist",
                )]));
            }
        }
        let id = match id {
            None => {
                if actor.unit.is_some() {
                    return Err(StoreError::Forbidden(bi(
                        "地块由牵头部门登记",
                        "the lead office records parcels",
                    )));
                }
                insert_parcel(&mut tx, f, actor.user_id).await?
            }
            Some(id) => {
                let row: Option<ParcelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT_PARCELS} WHERE l.id = $1"
                )))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let old = row.map(ParcelRow::record).ok_or(StoreError::NotFound)?;
                if let Some(unit) = actor.unit {
                    if old.fields.town_unit_id != Some(unit) {
                        return Err(StoreError::Forbidden(bi(
                            "只能填报本乡镇负责的地块",
                            "a town updates only its own parcels",
                        )));
                    }
                    if !judged_unchanged(&old.fields, f) {
                        return Err(StoreError::Forbidden(bi(
                            "面积、应签约户数、应迁坟数、计划交地时间等计划由牵头部门调整",
                            "the plan (area, households and graves to clear, planned delivery) \
                             is changed by the lead office",
                        )));
                    }
                }
                if old.version != version {
                    return Err(StoreError::Conflict {
                        current: old.version,
                    });
                }
                update_parcel(&mut tx, id, version, f, actor.user_id).await?;
                id
            }
        };
        self.commit(tx).await?;
        Ok(id)
    }

    /// Imports a parcel sheet all or nothing: a parcel of the same project and name is updated,
    /// the others added; towns named and not known are created (named only, on a dry run).
    pub async fn import_parcels(
        &self,
        rows: &[ParcelListRow],
        actor: Option<i64>,
        dry_run: bool,
    ) -> Result<ParcelImportOutcome> {
        let mut tx = if dry_run {
            self.pool().begin().await?
        } else {
            self.begin_write().await?
        };
        let mut outcome = ParcelImportOutcome::default();
        let mut resolver = Resolver::load(&mut tx).await?;
        if dry_run {
            resolver = resolver.dry();
        }
        let projects: Vec<(i64, Option<String>, String)> =
            sqlx::query_as("SELECT id, code, name FROM projects")
                .fetch_all(&mut *tx)
                .await?;
        let mut by_code: HashMap<&str, i64> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<i64>> = HashMap::new();
        for (id, code, name) in &projects {
            if let Some(code) = code {
                by_code.insert(code, *id);
            }
            by_name.entry(name).or_default().push(*id);
        }
        let existing: Vec<ParcelRow> = sqlx::query_as(SELECT_PARCELS).fetch_all(&mut *tx).await?;
        let mut known: HashMap<(Option<i64>, String), ParcelRecord> = existing
            .into_iter()
            .map(|r| {
                let r = r.record();
                ((r.fields.project_id, r.fields.name.clone()), r)
            })
            .collect();
        let mut seen: HashMap<(Option<i64>, String), u32> = HashMap::new();
        for row in rows {
            let project = match (&row.project_code, &row.project_name) {
                (None, None) => Ok(None),
                (Some(code), name) => match by_code.get(code.as_str()) {
                    Some(id) => Ok(Some(*id)),
                    None => match name.as_deref().and_then(|n| by_name.get(n)) {
                        Some(ids) if ids.len() == 1 => Ok(Some(ids[0])),
                        _ => Err(bi(
                            format!("台账中没有编号为“{code}”的项目"),
                            format!("the ledger has no project with the code “{code}”"),
                        )),
                    },
                },
                (None, Some(name)) => match by_name.get(name.as_str()).map(Vec::as_slice) {
                    Some([one]) => Ok(Some(*one)),
                    Some([_, _, ..]) => Err(bi(
                        format!("台账中有多个名为“{name}”的项目，请填写项目编号以区分"),
                        format!(
                            "the ledger has several projects named “{name}”; add the project code"
                        ),
                    )),
                    _ => Err(bi(
                        format!("台账中没有名为“{name}”的项目"),
                        format!("the ledger has no project named “{name}”"),
                    )),
                },
            };
            let project = match project {
                Ok(p) => p,
                Err(m) => {
                    outcome.problems.push(row_problem(&row.sheet, row.row, m));
                    continue;
                }
            };
            let name = row.fields.name.trim().to_string();
            if let Some(first) = seen.insert((project, name.clone()), row.row) {
                outcome.problems.push(row_problem(
                    &row.sheet,
                    row.row,
                    bi(
                        format!("地块“{name}”在第 {first} 行已出现"),
                        format!("the parcel “{name}” is already on row {first}"),
                    ),
                ));
                continue;
            }
            let refused = check_parcel(&row.fields);
            if !refused.is_empty() {
                for m in refused {
                    outcome.problems.push(row_problem(&row.sheet, row.row, m));
                }
                continue;
            }
            let mut f = row.fields.clone();
            f.name = name.clone();
            f.project_id = project;
            if let Some(town) = &row.town_name {
                f.town_unit_id = Some(
                    resolver
                        .unit(&mut tx, town, UnitKind::guess(town), &mut outcome.new_units)
                        .await?,
                );
            }
            match known.get_mut(&(project, name)) {
                None => {
                    outcome.created += 1;
                    if !dry_run {
                        insert_parcel(&mut tx, &f, actor).await?;
                    }
                }
                Some(old) => {
                    if row.town_name.is_none() {
                        f.town_unit_id = old.fields.town_unit_id;
                    }
                    if old.fields == f {
                        outcome.unchanged += 1;
                        continue;
                    }
                    outcome.updated += 1;
                    if !dry_run {
                        update_parcel(&mut tx, old.id, old.version, &f, actor).await?;
                    }
                }
            }
        }
        if dry_run || !outcome.problems.is_empty() {
            tx.rollback().await?;
            outcome.rolled_back = true;
        } else {
            self.commit(tx).await?;
        }
        Ok(outcome)
    }
}
