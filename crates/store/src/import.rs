//! Writing a whole ledger at once: all or nothing, in one transaction.
//!
//! Units and regions named in the sheet are matched by name and created when new, so a fresh
//! installation can start from the office's own sheet. A row matches an existing project by
//! code, or by name when it has no code; a match is updated (with history), the rest inserted.

use std::collections::HashMap;

use domain::{ProjectFields, RegionCode, UnitKind, bi};
use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Transaction};

use crate::people::{insert_region, insert_unit};
use crate::project_index::index_stored;
use crate::projects::{
    FIELD_COLUMNS, FIELD_COUNT, Stamp, bind_fields, fetch_projects, placeholders, update_project_tx,
};
use crate::{Dialect, Result, Store, StoreError, now};

/// Rows per multi-row INSERT (37 parameters each; SQLite allows 32,766 per statement,
/// PostgreSQL 65,535). Measured on the 20,000-row benchmark: see BENCHMARKS.md.
const INSERT_CHUNK: usize = 200;

/// One project row of an imported sheet, with its units and region still as names.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub sheet: String,
    pub row: u32,
    pub fields: ProjectFields,
    pub unit_name: Option<String>,
    pub lead_department_name: Option<String>,
    pub region_name: Option<String>,
}

/// A problem found while matching rows against the database.
#[derive(Debug, Clone, Serialize)]
pub struct RowProblem {
    pub sheet: String,
    pub row: u32,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_units: Vec<String>,
    pub new_regions: Vec<String>,
    pub problems: Vec<RowProblem>,
    /// True when the transaction was rolled back on purpose (dry run) or because of problems.
    pub rolled_back: bool,
}

pub(crate) struct Resolver {
    units: HashMap<String, i64>,
    regions_by_name: HashMap<String, i64>,
    regions_by_code: HashMap<String, i64>,
    /// A dry run: new units and regions are named, not written (their ids are negative).
    dry: bool,
    next_dry_id: i64,
}

impl Resolver {
    pub(crate) async fn load(tx: &mut Transaction<'static, Any>) -> Result<Resolver> {
        let units: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM units")
            .fetch_all(&mut **tx)
            .await?;
        let regions: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT id, name, code FROM regions")
                .fetch_all(&mut **tx)
                .await?;
        Ok(Resolver {
            units: units.into_iter().map(|(id, name)| (name, id)).collect(),
            regions_by_code: regions
                .iter()
                .filter_map(|(id, _, code)| code.clone().map(|c| (c, *id)))
                .collect(),
            regions_by_name: regions
                .into_iter()
                .map(|(id, name, _)| (name, id))
                .collect(),
            dry: false,
            next_dry_id: 0,
        })
    }

    /// For a dry run: what would be created is only counted.
    pub(crate) fn dry(mut self) -> Resolver {
        self.dry = true;
        self
    }

    fn dry_id(&mut self) -> i64 {
        self.next_dry_id -= 1;
        self.next_dry_id
    }

    pub(crate) async fn unit(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        name: &str,
        kind: UnitKind,
        created: &mut Vec<String>,
    ) -> Result<i64> {
        if let Some(id) = self.units.get(name) {
            return Ok(*id);
        }
        let id = if self.dry {
            self.dry_id()
        } else {
            insert_unit(tx, name, kind, None).await?
        };
        self.units.insert(name.to_string(), id);
        created.push(name.to_string());
        Ok(id)
    }

    async fn region(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        text: &str,
        created: &mut Vec<String>,
    ) -> Result<i64> {
        // A code may be typed with full-width digits: compare its normalised form.
        let code = RegionCode::parse(text).ok().map(|c| c.to_string());
        let by_code = code.as_ref().and_then(|c| self.regions_by_code.get(c));
        if let Some(id) = by_code.or_else(|| self.regions_by_name.get(text)) {
            return Ok(*id);
        }
        let id = if self.dry {
            self.dry_id()
        } else {
            insert_region(tx, text, code.as_deref(), None).await?
        };
        self.regions_by_name.insert(text.to_string(), id);
        if let Some(code) = code {
            self.regions_by_code.insert(code, id);
        }
        created.push(text.to_string());
        Ok(id)
    }
}

/// Inserts many projects with multi-row statements and returns their ids; one `_created`
/// history row each.
pub(crate) async fn bulk_insert_projects(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    projects: &[ProjectFields],
    stamp: Stamp<'_>,
) -> Result<Vec<i64>> {
    let Stamp { actor, source, at } = stamp;
    let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
    let per_row = FIELD_COUNT + 4;
    let mut ids = Vec::with_capacity(projects.len());
    for chunk in projects.chunks(INSERT_CHUNK) {
        let mut args = AnyArguments::default();
        let mut values = Vec::with_capacity(chunk.len());
        for (i, fields) in chunk.iter().enumerate() {
            bind_fields(&mut args, fields)?;
            args.add(at).map_err(enc)?;
            args.add(at).map_err(enc)?;
            args.add(actor).map_err(enc)?;
            args.add(actor).map_err(enc)?;
            values.push(format!(
                "({})",
                placeholders(dialect, i * per_row + 1, per_row)
            ));
        }
        let sql = format!(
            "INSERT INTO projects ({FIELD_COLUMNS}, created_at, updated_at, created_by, updated_by) VALUES {} RETURNING id",
            values.join(", ")
        );
        let rows: Vec<(i64,)> = sqlx::query_as_with(AssertSqlSafe(sql), args)
            .fetch_all(&mut **tx)
            .await
            .map_err(|e| {
                crate::on_unique(
                    e,
                    "code",
                    "项目编号与已有项目重复".into(),
                    "a project code is already used by another project".into(),
                )
            })?;
        let chunk_ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
        // The creation rows copy each project's own name, so RETURNING's order does not matter.
        let mut args = AnyArguments::default();
        args.add(actor).map_err(enc)?;
        args.add(source).map_err(enc)?;
        args.add(at).map_err(enc)?;
        for id in &chunk_ids {
            args.add(*id).map_err(enc)?;
        }
        let sql = format!(
            "INSERT INTO project_changes (project_id, version, field, old_value, new_value, user_id, source, at)
             SELECT id, 1, '_created', '', name, {} FROM projects WHERE id IN ({})",
            placeholders(dialect, 1, 3),
            placeholders(dialect, 4, chunk_ids.len())
        );
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut **tx)
            .await?;
        ids.extend(chunk_ids);
    }
    index_stored(tx, dialect, &ids, false).await?;
    Ok(ids)
}

impl Store {
    /// Writes an imported ledger, all or nothing: when any row cannot be matched nothing is
    /// written. A `dry_run` reads and checks the same way and writes nothing at all (no lock
    /// taken, no id used up): the outcome says what the import would do.
    pub async fn import_ledger(
        &self,
        rows: &[LedgerRow],
        actor: Option<i64>,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let stamp = Stamp {
            actor,
            source: "import",
            at: now(),
        };
        let mut tx = if dry_run {
            self.pool().begin().await?
        } else {
            self.begin_write().await?
        };
        let mut outcome = ImportOutcome::default();
        let mut resolver = Resolver::load(&mut tx).await?;
        if dry_run {
            resolver = resolver.dry();
        }

        let existing: Vec<(i64, Option<String>, String)> =
            sqlx::query_as("SELECT id, code, name FROM projects")
                .fetch_all(&mut *tx)
                .await?;
        let mut by_code: HashMap<String, i64> = HashMap::new();
        // Every project by name, with whether it has a code: a row without a code may match any
        // of them, a row with a code only one that has none yet.
        let mut by_name: HashMap<String, Vec<(i64, bool)>> = HashMap::new();
        for (id, code, name) in existing {
            by_name.entry(name).or_default().push((id, code.is_some()));
            if let Some(code) = code {
                by_code.insert(code, id);
            }
        }

        // Every project a row may match, read at once; kept as the rows before leave them.
        let mut wanted: Vec<i64> = rows
            .iter()
            .flat_map(|r| {
                let by_this_code = r.fields.code.as_ref().and_then(|c| by_code.get(c)).copied();
                let named = by_name
                    .get(&r.fields.name)
                    .into_iter()
                    .flatten()
                    .map(|(id, _)| *id);
                by_this_code.into_iter().chain(named)
            })
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut stored = fetch_projects(&mut tx, self.dialect(), &wanted).await?;

        let mut inserts = Vec::new();
        let mut insert_rows = Vec::new();
        for row in rows {
            let mut fields = row.fields.clone();
            if let Some(name) = &row.unit_name {
                fields.unit_id = Some(
                    resolver
                        .unit(&mut tx, name, UnitKind::guess(name), &mut outcome.new_units)
                        .await?,
                );
            }
            if let Some(name) = &row.lead_department_name {
                fields.lead_department_id = Some(
                    resolver
                        .unit(&mut tx, name, UnitKind::Department, &mut outcome.new_units)
                        .await?,
                );
            }
            if let Some(text) = &row.region_name {
                fields.region_id = Some(
                    resolver
                        .region(&mut tx, text, &mut outcome.new_regions)
                        .await?,
                );
            }
            let named: Vec<i64> = by_name
                .get(&fields.name)
                .map(|found| {
                    found
                        .iter()
                        .filter(|(_, has_code)| fields.code.is_none() || !has_code)
                        .map(|(id, _)| *id)
                        .collect()
                })
                .unwrap_or_default();
            let by_this_code = fields.code.as_ref().and_then(|c| by_code.get(c).copied());
            let matched = match (by_this_code, named.as_slice()) {
                (Some(id), _) => Some(id),
                (None, [id]) => Some(*id),
                (None, []) => None,
                (None, [_, _, ..]) => {
                    let m = bi(
                        format!(
                            "台账中已有多个名为“{}”的项目，请在表中填写项目编号以区分",
                            fields.name
                        ),
                        format!(
                            "the ledger already has several projects named “{}”; add their codes to the sheet",
                            fields.name
                        ),
                    );
                    outcome.problems.push(problem(row, m));
                    continue;
                }
            };
            match matched {
                Some(id) => {
                    // As an earlier row of the sheet left it.
                    let old = stored.get(&id).cloned().ok_or(StoreError::NotFound)?;
                    let merged = keep_unstated(&old.fields, fields);
                    // The sheet's values are valid alone; together with kept values they may not be.
                    if let Some(e) = merged.check().into_iter().next() {
                        let m = bi(
                            format!("与台账中已有数据合并后：{}", e.message_zh),
                            format!("together with the ledger's stored values: {}", e.message_en),
                        );
                        outcome.problems.push(problem(row, m));
                        continue;
                    }
                    let changed = if dry_run {
                        merged != old.fields
                    } else {
                        update_project_tx(
                            &mut tx,
                            self.dialect(),
                            id,
                            old.version,
                            &old.fields,
                            &merged,
                            stamp,
                        )
                        .await?
                    };
                    if changed && let Some(p) = stored.get_mut(&id) {
                        p.fields = merged;
                        p.version += 1;
                    }
                    if changed {
                        outcome.updated += 1;
                    } else {
                        outcome.unchanged += 1;
                    }
                }
                None => {
                    inserts.push(fields);
                    insert_rows.push(row);
                }
            }
        }
        outcome.created = if dry_run {
            // What the write would refuse: one new code twice.
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (f, row) in inserts.iter().zip(&insert_rows) {
                if let Some(code) = f.code.as_deref()
                    && seen.insert(code, row.row as usize).is_some()
                {
                    let m = bi(
                        format!("项目编号“{code}”在表中出现多次"),
                        format!("project code “{code}” appears more than once"),
                    );
                    outcome.problems.push(problem(row, m));
                }
            }
            inserts.len()
        } else {
            bulk_insert_projects(&mut tx, self.dialect(), &inserts, stamp)
                .await?
                .len()
        };

        if dry_run || !outcome.problems.is_empty() {
            tx.rollback().await?;
            outcome.rolled_back = true;
        } else {
            self.commit(tx).await?;
        }
        Ok(outcome)
    }
}

fn problem(row: &LedgerRow, message: domain::Bilingual) -> RowProblem {
    row_problem(&row.sheet, row.row, message)
}

pub(crate) fn row_problem(sheet: &str, row: u32, message: domain::Bilingual) -> RowProblem {
    RowProblem {
        sheet: sheet.to_string(),
        row,
        message_zh: message.zh,
        message_en: message.en,
    }
}

/// A sheet usually holds only some columns; fields it leaves empty keep their stored values,
/// so importing a sheet with fewer columns never erases what the ledger knows.
fn keep_unstated(old: &ProjectFields, mut new: ProjectFields) -> ProjectFields {
    // A breakdown belongs to its plan: kept only while the sheet states neither, for the same
    // year. A new plan without its breakdown drops the old breakdown (the history shows it).
    if new.plan_phases.is_none()
        && new.annual_plan.is_none()
        && new.plan_year.is_none_or(|y| Some(y) == old.plan_year)
    {
        new.plan_phases = old.plan_phases.clone();
    }
    macro_rules! keep {
        ($($f:ident),+) => { $( if new.$f.is_none() { new.$f = old.$f.clone(); } )+ };
    }
    keep!(
        code,
        category,
        stage,
        level,
        industry,
        region_id,
        unit_id,
        lead_department_id,
        linked_leader,
        service_officer,
        content,
        total_investment,
        annual_plan,
        plan_year,
        period_start,
        period_end,
        planned_start,
        planned_completion,
        planned_production,
        actual_start,
        actual_completion,
        actual_production,
        location,
        expected_output,
        expected_tax,
        expected_jobs,
        owner,
        remarks
    );
    if new.tags.is_empty() {
        new.tags = old.tags.clone();
    }
    if new.funding_sources.is_empty() {
        new.funding_sources = old.funding_sources.clone();
    }
    new
}
