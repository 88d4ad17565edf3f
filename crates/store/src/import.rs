//! Writing a whole ledger at once: all or nothing, in one transaction.
//!
//! Units and regions named in the sheet are matched by name and created when new, so a fresh
//! installation can start from the office's own sheet. A row matches an existing project by
//! code, or by name when it has no code; a match is updated (with history), the rest inserted.

use std::collections::{HashMap, HashSet};

use domain::{Project, ProjectFields, RegionCode, UnitKind, bi};
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
/// history row each, and their search rows.
pub(crate) async fn bulk_insert_projects(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    projects: &[ProjectFields],
    stamp: Stamp<'_>,
) -> Result<Vec<i64>> {
    let ids = insert_projects(tx, dialect, projects, stamp).await?;
    index_stored(tx, dialect, &ids, false).await?;
    Ok(ids)
}

/// [`bulk_insert_projects`] without the search rows, which the caller writes.
async fn insert_projects(
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
        let mut writer = self.ledger_writer(actor, dry_run).await?;
        for batch in rows.chunks(INSERT_CHUNK) {
            writer.rows(batch.to_vec()).await?;
        }
        writer.finish().await
    }

    /// Starts writing a ledger that arrives in parts (see [`LedgerWriter`]); with `dry_run`
    /// nothing is written and the outcome says what the import would do.
    pub async fn ledger_writer(&self, actor: Option<i64>, dry_run: bool) -> Result<LedgerWriter> {
        let mut tx = if dry_run {
            self.pool().begin().await?
        } else {
            self.begin_write().await?
        };
        let mut resolver = Resolver::load(&mut tx).await?;
        if dry_run {
            resolver = resolver.dry();
        }
        let existing: Vec<(i64, Option<String>, String)> =
            sqlx::query_as("SELECT id, code, name FROM projects")
                .fetch_all(&mut *tx)
                .await?;
        let mut by_code: HashMap<String, i64> = HashMap::new();
        let mut by_name: HashMap<String, Vec<(i64, bool)>> = HashMap::new();
        for (id, code, name) in existing {
            by_name.entry(name).or_default().push((id, code.is_some()));
            if let Some(code) = code {
                by_code.insert(code, id);
            }
        }
        Ok(LedgerWriter {
            store: self.clone(),
            tx,
            dry_run,
            actor,
            at: now(),
            resolver,
            by_code,
            by_name,
            pending: Vec::new(),
            inserted: Vec::new(),
            new_codes: HashSet::new(),
            dry_state: HashMap::new(),
            outcome: ImportOutcome::default(),
        })
    }
}

/// A ledger written as its rows arrive, in one transaction, so a workbook can be written while
/// the rest of it is still being read: [`LedgerWriter::rows`] as many times as there are parts,
/// [`LedgerWriter::finish`] at the end. Nothing is committed before `finish`, and nothing at all
/// when a row cannot be matched, on a dry run, or when the writer is abandoned or dropped.
///
/// Rows once handed over stay: there is no savepoint to go back to. (One held over a whole
/// import made SQLite copy every page the import changed into its in-memory sub-journal: an
/// import of 20,000 updates took 165 s and 579 MB instead of 9 s and 117 MB.)
///
/// Memory stays that of one part: rows to insert are written in statements of
/// [`INSERT_CHUNK`] as they come, matched projects are read part by part, and the search rows
/// of new projects are written at the end in steps. A dry run keeps the projects its rows
/// would change (a later row may change one again).
pub struct LedgerWriter {
    store: Store,
    tx: Transaction<'static, Any>,
    dry_run: bool,
    actor: Option<i64>,
    at: i64,
    resolver: Resolver,
    /// The projects stored before the import, by code and by name (with whether each has a
    /// code): a row without a code may match any of a name, a row with a code only one that
    /// has none yet.
    by_code: HashMap<String, i64>,
    by_name: HashMap<String, Vec<(i64, bool)>>,
    /// New projects not inserted yet.
    pending: Vec<ProjectFields>,
    /// Ids of new projects, indexed for search at the end.
    inserted: Vec<i64>,
    /// Codes of new projects (a dry run's check of what the write would refuse).
    new_codes: HashSet<String>,
    /// A dry run: projects as earlier rows would leave them.
    dry_state: HashMap<i64, Project>,
    outcome: ImportOutcome,
}

/// New search rows per statement at the end of an import: few statements (each one a new FTS5
/// segment on SQLite, see `project_index`) with their text held for one step only.
const INDEX_STEP: usize = 5_000;

impl LedgerWriter {
    fn stamp(&self) -> Stamp<'static> {
        Stamp {
            actor: self.actor,
            source: "import",
            at: self.at,
        }
    }

    /// Matches and writes the next rows.
    pub async fn rows(&mut self, rows: Vec<LedgerRow>) -> Result<()> {
        let dialect = self.store.dialect();
        // Every project these rows may match, read at once; kept as the rows before leave them.
        let mut wanted: Vec<i64> = rows
            .iter()
            .flat_map(|r| {
                let by_this_code = r
                    .fields
                    .code
                    .as_ref()
                    .and_then(|c| self.by_code.get(c))
                    .copied();
                let named = self
                    .by_name
                    .get(&r.fields.name)
                    .into_iter()
                    .flatten()
                    .map(|(id, _)| *id);
                by_this_code.into_iter().chain(named)
            })
            .filter(|id| !self.dry_state.contains_key(id))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut stored = fetch_projects(&mut self.tx, dialect, &wanted).await?;

        for row in rows {
            let LedgerRow {
                sheet,
                row,
                mut fields,
                unit_name,
                lead_department_name,
                region_name,
            } = row;
            let outcome = &mut self.outcome;
            if let Some(name) = &unit_name {
                fields.unit_id = Some(
                    self.resolver
                        .unit(
                            &mut self.tx,
                            name,
                            UnitKind::guess(name),
                            &mut outcome.new_units,
                        )
                        .await?,
                );
            }
            if let Some(name) = &lead_department_name {
                fields.lead_department_id = Some(
                    self.resolver
                        .unit(
                            &mut self.tx,
                            name,
                            UnitKind::Department,
                            &mut outcome.new_units,
                        )
                        .await?,
                );
            }
            if let Some(text) = &region_name {
                fields.region_id = Some(
                    self.resolver
                        .region(&mut self.tx, text, &mut outcome.new_regions)
                        .await?,
                );
            }
            let named: Vec<i64> = self
                .by_name
                .get(&fields.name)
                .map(|found| {
                    found
                        .iter()
                        .filter(|(_, has_code)| fields.code.is_none() || !has_code)
                        .map(|(id, _)| *id)
                        .collect()
                })
                .unwrap_or_default();
            let by_this_code = fields
                .code
                .as_ref()
                .and_then(|c| self.by_code.get(c).copied());
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
                    outcome.problems.push(row_problem(&sheet, row, m));
                    continue;
                }
            };
            let Some(id) = matched else {
                self.insert(&sheet, row, fields);
                continue;
            };
            // As an earlier row of the sheet left it.
            let old = match self.dry_state.get(&id) {
                Some(p) => p.clone(),
                None => stored.get(&id).cloned().ok_or(StoreError::NotFound)?,
            };
            let merged = keep_unstated(&old.fields, fields);
            // The sheet's values are valid alone; together with kept values they may not be.
            if let Some(e) = merged.check().into_iter().next() {
                let m = bi(
                    format!("与台账中已有数据合并后：{}", e.message_zh),
                    format!("together with the ledger's stored values: {}", e.message_en),
                );
                self.outcome.problems.push(row_problem(&sheet, row, m));
                continue;
            }
            let changed = if self.dry_run {
                merged != old.fields
            } else {
                let stamp = self.stamp();
                update_project_tx(
                    &mut self.tx,
                    dialect,
                    id,
                    old.version,
                    &old.fields,
                    &merged,
                    stamp,
                )
                .await?
            };
            if changed {
                self.outcome.updated += 1;
                let mut now = old;
                now.fields = merged;
                now.version += 1;
                if self.dry_run {
                    self.dry_state.insert(id, now);
                } else {
                    stored.insert(id, now);
                }
            } else {
                self.outcome.unchanged += 1;
            }
        }
        if self.pending.len() >= INSERT_CHUNK {
            self.flush().await?;
        }
        Ok(())
    }

    /// A row that matches no project: a new one.
    fn insert(&mut self, sheet: &str, row: u32, fields: ProjectFields) {
        self.outcome.created += 1;
        if self.dry_run {
            // What the write would refuse: one new code twice.
            if let Some(code) = fields.code
                && !self.new_codes.insert(code.clone())
            {
                let m = bi(
                    format!("项目编号“{code}”在表中出现多次"),
                    format!("project code “{code}” appears more than once"),
                );
                self.outcome.problems.push(row_problem(sheet, row, m));
            }
        } else {
            self.pending.push(fields);
        }
    }

    /// Inserts the new projects held.
    async fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let stamp = self.stamp();
        let ids = insert_projects(&mut self.tx, self.store.dialect(), &self.pending, stamp).await?;
        self.inserted.extend(ids);
        self.pending.clear();
        Ok(())
    }

    /// Commits what was written, unless this is a dry run or a row could not be matched; then
    /// nothing is written (`rolled_back`).
    pub async fn finish(mut self) -> Result<ImportOutcome> {
        if self.dry_run || !self.outcome.problems.is_empty() {
            self.tx.rollback().await?;
            self.outcome.rolled_back = true;
            return Ok(self.outcome);
        }
        self.flush().await?;
        let dialect = self.store.dialect();
        for ids in self.inserted.chunks(INDEX_STEP) {
            index_stored(&mut self.tx, dialect, ids, false).await?;
        }
        self.store.commit(self.tx).await?;
        Ok(self.outcome)
    }

    /// Writes nothing: the rows read turned out not to be importable.
    pub async fn abandon(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
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
