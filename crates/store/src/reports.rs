//! Periodic reports (月报 / 旬报) and the figures of a status: the latest year-to-date of every
//! project by a date, with the ledger fields the lights need.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::phases::PlanPhases;
use domain::progress::{
    Cadence, GroupFacts, Period, ProjectStatus, Rules, Scheme, Status, StatusInput, Window,
    evaluate, evaluate_in, in_window, strong_start,
};
use domain::schedule::schedule;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe};

use crate::projects::{date, date_text, placeholders};
use crate::rows::{select_columns, select_rows, unpack_columns};
use crate::status_blocks::Refresh;
use crate::status_copy::{self, RawLedger, RawSummary};
use crate::{Dialect, Result, Store, StoreError, now};

/// One report as stored: both amounts known (see `domain::progress::reconcile`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRecord {
    pub project_id: i64,
    pub period: Period,
    pub completed: Money,
    pub year_to_date: Money,
    pub started: bool,
    pub actual_start: Option<NaiveDate>,
    pub progress: Option<String>,
    /// Submitted after the period's deadline.
    pub late: bool,
}

/// The summary triggers a bulk load switched off (their SQL on SQLite), to put back.
#[must_use = "put the summary triggers back with Store::resume_summaries"]
pub(crate) struct SuspendedSummaries(Vec<String>);

/// Projects per packed row of a status query on SQLite (see `Store::inputs`); a few in this
/// crate's tests, so that they read the ledger in several parts.
const PACKED_ROWS: i64 = if cfg!(test) { 3 } else { 50_000 };

/// Projects from which a PostgreSQL status reads its ledger in parallel parts (see
/// `copy_parts`); a few in this crate's tests, so that they read in several parts.
const COPY_PART_MIN: i64 = if cfg!(test) { 4 } else { 10_000 };

/// Reports per multi-row INSERT (14 parameters each).
const CHUNK: usize = 300;

impl Store {
    /// Writes reports in one transaction, replacing any report of the same project and period
    /// (an upsert: no delete, so a replaced report keeps its id, revisions and steps). For the
    /// seed and bulk loads; people file through `file_reports`.
    pub async fn put_reports(
        &self,
        reports: &[ReportRecord],
        actor: Option<i64>,
        source: &str,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        self.put_reports_in(&mut tx, reports, actor, source).await?;
        tx.commit().await?;
        Ok(reports.len())
    }

    /// `put_reports` inside a transaction of the caller's.
    pub(crate) async fn put_reports_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        reports: &[ReportRecord],
        actor: Option<i64>,
        source: &str,
    ) -> Result<()> {
        let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
        let at = now();
        for chunk in reports.chunks(CHUNK) {
            let per_row = 14;
            let mut args = AnyArguments::default();
            let mut values = Vec::with_capacity(chunk.len());
            for (i, r) in chunk.iter().enumerate() {
                let end = r.period.last_day().ok_or_else(|| {
                    StoreError::Rule(domain::bi("报送期无效", "invalid reporting period"))
                })?;
                args.add(r.project_id).map_err(enc)?;
                args.add(r.period.key()).map_err(enc)?;
                args.add(end.format("%Y-%m-%d").to_string()).map_err(enc)?;
                args.add(r.completed.fen()).map_err(enc)?;
                args.add(r.year_to_date.fen()).map_err(enc)?;
                args.add(i64::from(r.started)).map_err(enc)?;
                args.add(date_text(r.actual_start)).map_err(enc)?;
                args.add(r.progress.clone()).map_err(enc)?;
                args.add("submitted").map_err(enc)?;
                args.add(at).map_err(enc)?;
                args.add(actor).map_err(enc)?;
                args.add(i64::from(r.late)).map_err(enc)?;
                args.add(source).map_err(enc)?;
                args.add(1i64).map_err(enc)?;
                values.push(format!(
                    "({})",
                    placeholders(self.dialect(), i * per_row + 1, per_row)
                ));
            }
            let sql = format!(
                "INSERT INTO reports (project_id, period, period_end, completed_fen, ytd_fen, started, \
                 actual_start, progress, status, submitted_at, submitted_by, late, source, version) VALUES {} \
                 ON CONFLICT (project_id, period) DO UPDATE SET period_end = excluded.period_end, \
                 completed_fen = excluded.completed_fen, ytd_fen = excluded.ytd_fen, started = excluded.started, \
                 actual_start = excluded.actual_start, progress = excluded.progress, status = excluded.status, \
                 submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, late = excluded.late, \
                 source = excluded.source, version = reports.version + 1",
                values.join(", ")
            );
            sqlx::query_with(AssertSqlSafe(sql), args)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Switches off the triggers that keep `report_summary` (migration 0014) for the rest of
    /// `tx`, for a bulk load that rebuilds the summaries once at the end
    /// ([`Store::resume_summaries`]) instead of once per statement or row. Within the
    /// transaction only: PostgreSQL's `ALTER TABLE` is transactional and holds the table
    /// exclusively until the end (other writers wait, and find the triggers back); SQLite's
    /// `DROP TRIGGER` likewise, under its one writer. Rolled back, nothing changed.
    pub(crate) async fn suspend_summaries(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ) -> Result<SuspendedSummaries> {
        match self.dialect() {
            Dialect::Postgres => {
                sqlx::query(
                    "ALTER TABLE reports DISABLE TRIGGER report_summary_insert, \
                     DISABLE TRIGGER report_summary_update, DISABLE TRIGGER report_summary_delete",
                )
                .execute(&mut **tx)
                .await?;
                Ok(SuspendedSummaries(Vec::new()))
            }
            Dialect::Sqlite => {
                let triggers: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' \
                     AND tbl_name = 'reports' AND name LIKE 'report_summary_%' ORDER BY name",
                )
                .fetch_all(&mut **tx)
                .await?;
                for (name, _) in &triggers {
                    // Names read from the schema, not from input.
                    sqlx::query(AssertSqlSafe(format!("DROP TRIGGER \"{name}\"")))
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(SuspendedSummaries(
                    triggers.into_iter().map(|(_, sql)| sql).collect(),
                ))
            }
        }
    }

    /// Puts the summary triggers back and rebuilds every summary row from the reports.
    pub(crate) async fn resume_summaries(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        suspended: SuspendedSummaries,
    ) -> Result<()> {
        sqlx::query("DELETE FROM report_summary")
            .execute(&mut **tx)
            .await?;
        let pairs = "SELECT DISTINCT project_id, substr(period_end, 1, 4) || '-01-01' AS day \
                     FROM reports WHERE status IN ('submitted', 'approved')";
        match self.dialect() {
            Dialect::Postgres => {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT gongjian_refresh_report_summary(array_agg(project_id), array_agg(day)) \
                     FROM ({pairs}) AS pairs"
                )))
                .execute(&mut **tx)
                .await?;
                // ALTER TABLE refuses while row events wait for the commit: the deferred
                // data-generation bump (migration 0008) runs now instead.
                sqlx::query("SET CONSTRAINTS ALL IMMEDIATE")
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(
                    "ALTER TABLE reports ENABLE TRIGGER report_summary_insert, \
                     ENABLE TRIGGER report_summary_update, ENABLE TRIGGER report_summary_delete",
                )
                .execute(&mut **tx)
                .await?;
            }
            Dialect::Sqlite => {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO report_summary_refresh (project_id, day) {pairs}"
                )))
                .execute(&mut **tx)
                .await?;
                for sql in suspended.0 {
                    sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }

    /// What a status as of `as_of` is computed from: every project with its latest year-to-date
    /// of the year (reports up to `as_of`), whether it has started or completed by then, and
    /// its reports due (`periods_due`, the same for every project) and in on time.
    pub async fn status_inputs(
        &self,
        as_of: NaiveDate,
        periods_due: &[Period],
    ) -> Result<Vec<StatusInput>> {
        Ok(self.inputs(as_of, periods_due, None).await?.0)
    }

    /// The inputs of every project, or of one, each with its year to date at the end of March
    /// (for 开门红; zero until the first quarter has ended).
    ///
    /// Every project's reports of the year are read from its maintained `report_summary` row
    /// (migration 0014) beside its ledger row (see `summarised`). A
    /// project whose latest counted report ends after `as_of` (a status of an earlier date)
    /// is probed in the reports instead, so the figures are those of `as_of` exactly.
    async fn inputs(
        &self,
        as_of: NaiveDate,
        periods_due: &[Period],
        only: Option<i64>,
    ) -> Result<(Vec<StatusInput>, Vec<Money>)> {
        let window = DueWindow::new(as_of, periods_due);
        // One snapshot for all the statements below (PostgreSQL's default, READ COMMITTED, takes
        // one per statement; SQLite's read transaction is one already).
        let mut tx = self.pool().begin().await?;
        if self.dialect() == Dialect::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let (facts, refresh) = match only {
            Some(id) => (self.probe(&mut tx, &window, &[id]).await?, None),
            None => {
                let (facts, refresh) = self.summarised(&mut tx, &window).await?;
                (facts, Some(refresh))
            }
        };
        let other_years = plans_of_other_years(&mut tx, as_of.year(), only).await?;
        tx.rollback().await?;
        if let Some(refresh) = refresh.filter(|r| !r.is_empty()) {
            // The figures are read; a block not written back is read from the tables again.
            match self.write_blocks(refresh).await {
                Ok(true) => {}
                Ok(false) => tracing::debug!("status blocks not written: the data changed"),
                Err(e) => tracing::warn!("status blocks not written: {e}"),
            }
        }
        let due = u32::try_from(periods_due.len()).unwrap_or(u32::MAX);
        let quarter = facts.iter().map(|f| Money::from_fen(f.quarter)).collect();
        let inputs = facts
            .into_iter()
            .map(|f| StatusInput {
                id: f.ledger.id,
                name: f.ledger.name,
                unit: f.ledger.unit,
                region: f.ledger.region,
                to_start: f.ledger.to_start,
                annual_plan: match other_years.get(&f.ledger.id) {
                    Some(kept) => kept.map(Money::from_fen),
                    None => f.ledger.plan.map(Money::from_fen),
                },
                year_to_date: Money::from_fen(f.ytd),
                started: f.started || f.ledger.started_by_date,
                planned_start: f.ledger.planned_start,
                planned_completion: f.ledger.planned_completion,
                completed: f.ledger.completed_by_date,
                reports_due: due,
                reports_on_time: f.on_time.min(due),
            })
            .collect();
        Ok((inputs, quarter))
    }

    /// Every project's facts from the ledger and the report summaries of `as_of`'s year, with
    /// the blocks read from the tables to be written back ([`Store::write_blocks`]).
    ///
    /// Each block of projects no change has touched comes from `status_blocks` (see
    /// `status_blocks`); the others are read from the tables in two scans of the stored values,
    /// merged by id here (joining them costs either engine more). SQLite packs each by column
    /// (see `rows`); PostgreSQL streams them by binary COPY, the ledger in parts, side by side
    /// under this transaction's snapshot (see `status_copy`). Days are read in place as
    /// `yyyymmdd` numbers, so a row allocates one text (the name): at a million projects every
    /// allocation per row counts.
    async fn summarised(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        window: &DueWindow,
    ) -> Result<(Vec<Facts>, Refresh)> {
        let names = |rows: Vec<(i64, String)>| {
            rows.into_iter()
                .map(|(id, name)| (id, Arc::<str>::from(name)))
                .collect::<HashMap<_, _>>()
        };
        let units = names(
            sqlx::query_as("SELECT id, name FROM units")
                .fetch_all(&mut **tx)
                .await?,
        );
        let regions = names(
            sqlx::query_as("SELECT id, name FROM regions")
                .fetch_all(&mut **tx)
                .await?,
        );
        let as_of_number = ymd_number(window.as_of);
        let (from, to) = self.id_range(tx).await?;
        let blocks = self.read_blocks(tx, window.year, from, to).await?;
        let (ledger_ranges, summary_ranges) = (
            blocks.ledger.stale_ranges(from, to),
            blocks.summaries.stale_ranges(from, to),
        );
        let (mut ledger, mut summaries) = match self.dialect() {
            Dialect::Sqlite => {
                self.sqlite_scans(tx, window.year, &ledger_ranges, &summary_ranges)
                    .await?
            }
            Dialect::Postgres => {
                self.postgres_scans(tx, window.year, &ledger_ranges, &summary_ranges)
                    .await?
            }
        };
        // Scanned in storage order, which is id order unless rows moved.
        if !ledger.is_sorted_by_key(|r| r.0) {
            ledger.sort_unstable_by_key(|r| r.0);
        }
        if !summaries.is_sorted_by_key(|r| r.0) {
            summaries = in_id_order(summaries);
        }
        let mut written = Vec::new();
        let ledger = blocks.ledger.merged(ledger, &mut written);
        let summaries = blocks.summaries.merged(summaries, &mut written);
        let refresh = Refresh::new(blocks.generation, window.year, written);
        let by = |day: Option<i64>| day.is_some_and(|d| d <= as_of_number);
        let mut summaries = summaries.into_iter().peekable();
        let mut later = Vec::new();
        let mut facts = Vec::with_capacity(ledger.len());
        for r in ledger {
            while summaries.next_if(|s| s.0 < r.0).is_some() {}
            let mut f = Facts {
                ledger: Ledger {
                    id: r.0,
                    name: r.1,
                    unit: r.2.and_then(|id| units.get(&id).cloned()),
                    region: r.3.and_then(|id| regions.get(&id).cloned()),
                    to_start: r.4,
                    plan: r.5,
                    planned_start: r.6.and_then(number_date),
                    started_by_date: by(r.8),
                    planned_completion: r.7.and_then(number_date),
                    completed_by_date: by(r.9),
                },
                ..Facts::default()
            };
            if let Some((_, latest_end, ytd, started, quarter, mask)) =
                summaries.next_if(|s| s.0 == r.0)
            {
                if latest_end.unwrap_or(0) > as_of_number {
                    later.push(facts.len());
                } else {
                    f.ytd = ytd;
                    f.started = started != 0;
                }
                if window.quarter_ended {
                    f.quarter = quarter.unwrap_or(0);
                }
                f.on_time = (mask & window.due_mask).count_ones();
            }
            facts.push(f);
        }
        // Reports of later periods than `as_of` are in: probe those projects as of `as_of`.
        let ids: Vec<i64> = later.iter().map(|&i| facts[i].ledger.id).collect();
        let mut probed: HashMap<i64, Facts> = self
            .probe(tx, window, &ids)
            .await?
            .into_iter()
            .map(|f| (f.ledger.id, f))
            .collect();
        for i in later {
            if let Some(f) = probed.remove(&facts[i].ledger.id) {
                facts[i] = f;
            }
        }
        Ok((facts, refresh))
    }

    /// The ledger's and the summaries' columns on SQLite within these id ranges, packed by
    /// column in parts of PACKED_ROWS ids: the ledger in `tx`, the summaries side by side on
    /// another connection of the pool when one is idle (never waiting for one, so concurrent
    /// statuses cannot hold the pool between them) and it sees the data generation `tx` sees:
    /// every change of these tables bumps it in its own transaction (migration 0008), so the
    /// same generation is the same data. Otherwise the summaries are read in `tx` after the
    /// ledger.
    async fn sqlite_scans(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        year: i32,
        ledger_ranges: &[(i64, i64)],
        summary_ranges: &[(i64, i64)],
    ) -> Result<(Vec<RawLedger>, Vec<RawSummary>)> {
        let (ledger_parts, summary_parts) =
            (packed_parts(ledger_ranges), packed_parts(summary_ranges));
        let generation =
            || sqlx::query_as::<_, (i64,)>("SELECT n FROM data_generation WHERE id = 1");
        let other = match (ledger_parts.is_empty(), summary_parts.is_empty()) {
            (false, false) => self.pool().try_acquire(),
            _ => None,
        };
        let Some(mut other) = other else {
            let ledger = sqlite_ledger(tx, &ledger_parts).await?;
            return Ok((ledger, sqlite_summaries(tx, &summary_parts, year).await?));
        };
        let (seen,) = generation().fetch_one(&mut **tx).await?;
        let summaries = async {
            let mut other = sqlx::Connection::begin(&mut *other).await?;
            let (n,) = generation().fetch_one(&mut *other).await?;
            let rows = sqlite_summaries(&mut other, &summary_parts, year).await?;
            other.rollback().await?;
            Ok::<_, StoreError>((n, rows))
        };
        let (ledger, summaries) = tokio::join!(sqlite_ledger(tx, &ledger_parts), summaries);
        let ledger = ledger?;
        match summaries? {
            (n, summaries) if n == seen => Ok((ledger, summaries)),
            _ => Ok((ledger, sqlite_summaries(tx, &summary_parts, year).await?)),
        }
    }

    /// The same columns on PostgreSQL within these id ranges, each part of the ledger and the
    /// summaries a binary COPY of its own, all at once, under the snapshot of `tx` (see
    /// `status_copy`).
    async fn postgres_scans(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        year: i32,
        ledger_ranges: &[(i64, i64)],
        summary_ranges: &[(i64, i64)],
    ) -> Result<(Vec<RawLedger>, Vec<RawSummary>)> {
        if ledger_ranges.is_empty() && summary_ranges.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let pool = self.pg.as_ref().ok_or_else(|| {
            StoreError::Db(sqlx::Error::Configuration(
                "no native PostgreSQL pool".into(),
            ))
        })?;
        let (snapshot,): (String,) = sqlx::query_as("SELECT pg_export_snapshot()")
            .fetch_one(&mut **tx)
            .await?;
        let set_snapshot = status_copy::checked_snapshot(&snapshot)?;
        // Numbers of our own making spliced in: COPY takes no parameters.
        let summaries = (!summary_ranges.is_empty()).then(|| {
            status_copy::spawn_read::<RawSummary>(
                pool,
                &set_snapshot,
                &format!(
                    "SELECT {} FROM report_summary s WHERE s.year = {year} AND ({})",
                    SUMMARY_COLUMNS.join(", "),
                    id_filter("s.project_id", summary_ranges)
                ),
                room(summary_ranges),
            )
        });
        let parts: Vec<_> = copy_parts(ledger_ranges)
            .into_iter()
            .map(|ranges| {
                status_copy::spawn_read::<RawLedger>(
                    pool,
                    &set_snapshot,
                    &format!(
                        "SELECT {} FROM projects p WHERE {}",
                        LEDGER_COLUMNS.join(", "),
                        id_filter("p.id", &ranges)
                    ),
                    room(&ranges),
                )
            })
            .collect();
        let mut ledger = Vec::with_capacity(room(ledger_ranges));
        for part in parts {
            ledger.append(&mut status_copy::joined(part).await?);
        }
        let summaries = match summaries {
            Some(read) => status_copy::joined(read).await?,
            None => Vec::new(),
        };
        Ok((ledger, summaries))
    }

    /// The lowest and highest project id (1 and 0 for an empty ledger).
    async fn id_range(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<(i64, i64)> {
        let (first, last): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(id), MAX(id) FROM projects")
                .fetch_one(&mut **tx)
                .await?;
        Ok((first.unwrap_or(1), last.unwrap_or(0)))
    }

    /// These projects' facts (in the order of `ids`, missing ids left out) by index probes
    /// into their reports: the latest counted report of the year by `as_of` and by the end of
    /// March, and the reports in on time.
    async fn probe(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        window: &DueWindow,
        ids: &[i64],
    ) -> Result<Vec<Facts>> {
        type Row = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i64>,
            i64,
            Option<String>,
            Option<i64>,
        );
        // Drafts and returned reports do not count (see `ReportState::counts`).
        let latest_by = |until: &str| {
            format!(
                "FROM reports r WHERE r.project_id = p.id AND r.period_end >= $1 AND r.period_end <= {until} \
                 AND r.status IN ('submitted', 'approved') ORDER BY r.period_end DESC, r.period DESC LIMIT 1"
            )
        };
        let (latest, quarter) = (latest_by("$2"), latest_by("$5"));
        let row = format!(
            "p.id, p.name, u.name, p.stage, p.annual_plan_fen, p.planned_start, p.actual_start, \
             p.planned_completion, p.actual_completion, \
             (SELECT r.ytd_fen {latest}), (SELECT r.started {latest}), \
             (SELECT COUNT(*) FROM reports r WHERE r.project_id = p.id AND r.late = 0 \
              AND r.status IN ('submitted', 'approved') AND r.period_end >= $4 AND r.period_end <= $3), \
             g.name, (SELECT r.ytd_fen {quarter})"
        );
        let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
        let mut rows: Vec<Row> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut args = AnyArguments::default();
            for day in [
                window.year_start,
                window.as_of,
                window.due_end,
                window.due_start,
                window.quarter_end,
            ] {
                args.add(text(day)).map_err(enc)?;
            }
            for id in chunk {
                args.add(*id).map_err(enc)?;
            }
            let from_where = format!(
                "FROM projects p LEFT JOIN units u ON u.id = p.unit_id \
                 LEFT JOIN regions g ON g.id = p.region_id WHERE p.id IN ({})",
                // Numbered on SQLite too: sqlx binds bare `?`s from the first value on, whatever
                // `$n`s come before them (a chunk's few hundred names cost little to bind).
                placeholders(Dialect::Postgres, 6, chunk.len())
            );
            rows.extend(
                select_rows::<Row, _>(&mut **tx, self.dialect(), &row, &from_where, args).await?,
            );
        }
        let mut by_id: HashMap<i64, Row> = rows.into_iter().map(|r| (r.0, r)).collect();
        Ok(ids
            .iter()
            .filter_map(|id| by_id.remove(id))
            .map(|r| Facts {
                ledger: Ledger {
                    id: r.0,
                    name: r.1.into(),
                    unit: r.2.map(Arc::from),
                    region: r.12.map(Arc::from),
                    to_start: r.3.as_deref() == Some("to_start"),
                    plan: r.4,
                    planned_start: date(r.5),
                    started_by_date: date(r.6).is_some_and(|d| d <= window.as_of),
                    planned_completion: date(r.7),
                    completed_by_date: date(r.8).is_some_and(|d| d <= window.as_of),
                },
                ytd: r.9.unwrap_or(0),
                started: r.10.unwrap_or(0) != 0,
                on_time: u32::try_from(r.11).unwrap_or(0),
                quarter: r.13.unwrap_or(0),
            })
            .collect())
    }
}

fn part_args(from: i64, to: i64, year: Option<i32>) -> Result<AnyArguments> {
    let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
    let mut args = AnyArguments::default();
    args.add(from).map_err(enc)?;
    args.add(to).map_err(enc)?;
    if let Some(year) = year {
        args.add(i64::from(year)).map_err(enc)?;
    }
    Ok(args)
}

/// The ledger's status columns on SQLite, packed by column, part by part.
async fn sqlite_ledger(
    conn: &mut sqlx::AnyConnection,
    parts: &[(i64, i64)],
) -> Result<Vec<RawLedger>> {
    let mut ledger = Vec::new();
    for &(from, to) in parts {
        let columns = select_columns(
            &mut *conn,
            &LEDGER_COLUMNS,
            "FROM projects p WHERE p.id >= $1 AND p.id <= $2",
            part_args(from, to, None)?,
        )
        .await?;
        let part = unpack_columns!(columns =>
            id: i64,
            name: String,
            unit: Option<i64>,
            region: Option<i64>,
            to_start: ToStart,
            plan: Option<i64>,
            planned_start: Day,
            planned_completion: Day,
            actual_start: Day,
            actual_completion: Day,
        )?;
        ledger.extend(part.into_iter().map(|r| {
            (
                r.0,
                Arc::from(r.1),
                r.2,
                r.3,
                r.4.0,
                r.5,
                r.6.0,
                r.7.0,
                r.8.0,
                r.9.0,
            )
        }));
    }
    Ok(ledger)
}

/// The summaries' status columns of `year` on SQLite, packed by column, part by part.
async fn sqlite_summaries(
    conn: &mut sqlx::AnyConnection,
    parts: &[(i64, i64)],
    year: i32,
) -> Result<Vec<RawSummary>> {
    let mut summaries = Vec::new();
    for &(from, to) in parts {
        let columns = select_columns(
            &mut *conn,
            &SUMMARY_COLUMNS,
            "FROM report_summary s WHERE s.project_id >= $1 AND s.project_id <= $2 \
             AND s.year = $3",
            part_args(from, to, Some(year))?,
        )
        .await?;
        let part = unpack_columns!(columns =>
            project: i64,
            latest_end: Day,
            ytd: i64,
            started: i64,
            quarter: Option<i64>,
            mask: i64,
        )?;
        summaries.extend(part.into_iter().map(|s| (s.0, s.1.0, s.2, s.3, s.4, s.5)));
    }
    Ok(summaries)
}

/// The columns of `projects` a status reads (see [`Ledger`]): the stored values, compared
/// and parsed here (see [`Day`]). SQLite spends ~0.3 µs a row on a `CAST(REPLACE(…))` or a
/// `CASE`, PostgreSQL about as much, more than handing the text over and reading it in place.
const LEDGER_COLUMNS: [&str; 10] = [
    "p.id",
    "p.name",
    "p.unit_id",
    "p.region_id",
    "p.stage",
    "p.annual_plan_fen",
    "p.planned_start",
    "p.planned_completion",
    "p.actual_start",
    "p.actual_completion",
];

/// The columns of `report_summary` a status reads.
const SUMMARY_COLUMNS: [&str; 6] = [
    "s.project_id",
    "s.latest_end",
    "s.ytd_fen",
    "s.started",
    "s.q1_ytd_fen",
    "s.on_time_mask",
];

/// Summaries in project id order. Rewritten rows scatter them over the table; their ids are
/// unique and dense, so each is placed by its id (a counting sort, a third of the time of
/// sorting a million) unless they are sparse.
fn in_id_order(mut rows: Vec<RawSummary>) -> Vec<RawSummary> {
    let (Some(lo), Some(hi)) = (
        rows.iter().map(|r| r.0).min(),
        rows.iter().map(|r| r.0).max(),
    ) else {
        return rows;
    };
    let span = usize::try_from(hi - lo).unwrap_or(usize::MAX);
    if span / 2 > rows.len() {
        rows.sort_unstable_by_key(|r| r.0);
        return rows;
    }
    let mut slot = vec![u32::MAX; span + 1];
    for (i, r) in rows.iter().enumerate() {
        let at = &mut slot[usize::try_from(r.0 - lo).unwrap_or(0)];
        match u32::try_from(i) {
            Ok(i) if *at == u32::MAX => *at = i,
            // A repeated id (or more rows than u32 counts): sort instead.
            _ => {
                rows.sort_unstable_by_key(|r| r.0);
                return rows;
            }
        }
    }
    slot.into_iter()
        .filter(|&i| i != u32::MAX)
        .map(|i| rows[i as usize])
        .collect()
}

/// The ids of these ranges, for the room rows of them take (ids of deleted projects leave
/// gaps; capped, so that a sparse range does not reserve much: untouched room costs address
/// space only).
fn room(ranges: &[(i64, i64)]) -> usize {
    ranges
        .iter()
        .map(|&(a, b)| usize::try_from(b.saturating_sub(a).saturating_add(1)).unwrap_or(0))
        .sum::<usize>()
        .min(4_000_000)
}

/// SQL for a column within these id ranges (numbers of our own making).
fn id_filter(column: &str, ranges: &[(i64, i64)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| format!("({column} >= {a} AND {column} <= {b})"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// These ranges cut into parts of at most PACKED_ROWS ids, each read packed on SQLite (see
/// `rows`).
fn packed_parts(ranges: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut parts = Vec::new();
    for &(mut a, b) in ranges {
        while a <= b {
            let end = a.saturating_add(PACKED_ROWS - 1).min(b);
            parts.push((a, end));
            a = end.saturating_add(1);
        }
    }
    parts
}

/// The ranges a PostgreSQL status reads the ledger in, grouped into the parts it reads side by
/// side: one per core (up to four) once they span enough ids for the extra connections to pay,
/// each part about as many ids.
fn copy_parts(ranges: &[(i64, i64)]) -> Vec<Vec<(i64, i64)>> {
    let span: i64 = ranges
        .iter()
        .map(|&(a, b)| b.saturating_sub(a).saturating_add(1))
        .sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let n = if span < COPY_PART_MIN {
        1
    } else {
        cores as i64
    };
    let step = span / n + 1;
    let mut parts: Vec<Vec<(i64, i64)>> = vec![Vec::new()];
    let mut room = step;
    for &(mut a, b) in ranges {
        while a <= b {
            let end = b.min(a.saturating_add(room - 1));
            if let Some(part) = parts.last_mut() {
                part.push((a, end));
            }
            room -= end - a + 1;
            a = end.saturating_add(1);
            if room == 0 {
                parts.push(Vec::new());
                room = step;
            }
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// A stored `YYYY-MM-DD` (or NULL) read from a packed column as the number `yyyymmdd`, in
/// place: no string is allocated. Text that is not such a day reads as none.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Day(pub(crate) Option<i64>);

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        text_in_place(deserializer, |text| Day(text.and_then(ymd_text_number)))
    }
}

/// A text or null of a packed column, read in place by `read` (serde_json borrows a string
/// without escapes from the input).
pub(crate) fn text_in_place<'de, D, T>(
    deserializer: D,
    read: fn(Option<&str>) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visit<T>(fn(Option<&str>) -> T);
    impl<'de, T> serde::de::Visitor<'de> for Visit<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a text, or null")
        }
        fn visit_none<E>(self) -> Result<T, E> {
            Ok((self.0)(None))
        }
        fn visit_unit<E>(self) -> Result<T, E> {
            Ok((self.0)(None))
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E>(self, text: &str) -> Result<T, E> {
            Ok((self.0)(Some(text)))
        }
    }
    deserializer.deserialize_option(Visit(read))
}

/// `YYYY-MM-DD` as `yyyymmdd`, checked to be a day of the calendar.
pub(crate) fn ymd_text_number(text: &str) -> Option<i64> {
    ymd_bytes_number(text.as_bytes())
}

/// [`ymd_text_number`] of bytes: digits and the ranges checked here, the calendar only for
/// the 29th–31st (a million projects' four days each add up).
pub(crate) fn ymd_bytes_number(b: &[u8]) -> Option<i64> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *b else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
    let year = digit(y1)? * 1000 + digit(y2)? * 100 + digit(y3)? * 10 + digit(y4)?;
    let month = digit(m1)? * 10 + digit(m2)?;
    let day = digit(d1)? * 10 + digit(d2)?;
    let n = year * 10_000 + month * 100 + day;
    match (month, day) {
        (1..=12, 1..=28) => Some(n),
        (1..=12, 29..=31) => number_date(n).map(|_| n),
        _ => None,
    }
}

/// A stored stage read from a packed column as whether it is 计划开工 (`to_start`), in place.
#[derive(Debug, Clone, Copy, Default)]
struct ToStart(bool);

impl<'de> serde::Deserialize<'de> for ToStart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ToStart, D::Error> {
        text_in_place(deserializer, |text| ToStart(text == Some("to_start")))
    }
}

/// A day as the number `yyyymmdd`.
fn ymd_number(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day())
}

/// The day of a `yyyymmdd` number (none if it is not a day).
pub(crate) fn number_date(n: i64) -> Option<NaiveDate> {
    let year = i32::try_from(n / 10_000).ok()?;
    let month = u32::try_from(n / 100 % 100).ok()?;
    let day = u32::try_from(n % 100).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The ledger fields of a project a status reads, with its unit's and region's names, and
/// whether its actual start and completion fall by the date asked for.
#[derive(Debug, Default, PartialEq)]
struct Ledger {
    id: i64,
    name: Arc<str>,
    unit: Option<Arc<str>>,
    region: Option<Arc<str>>,
    to_start: bool,
    plan: Option<i64>,
    planned_start: Option<NaiveDate>,
    started_by_date: bool,
    planned_completion: Option<NaiveDate>,
    completed_by_date: bool,
}

/// A project's ledger fields and what its reports say as of a date: the latest counted year to
/// date and whether it has started, its reports in on time within the periods due, and its year
/// to date at the end of March (zero before the quarter has ended).
#[derive(Debug, Default, PartialEq)]
struct Facts {
    ledger: Ledger,
    ytd: i64,
    started: bool,
    on_time: u32,
    quarter: i64,
}

/// The days a status as of a date reads reports between.
struct DueWindow {
    year: i32,
    year_start: NaiveDate,
    as_of: NaiveDate,
    /// Reports count as on time within the periods due: the first day of the earliest and the
    /// last day of the latest (an empty range, ending before the year, when none is due).
    due_start: NaiveDate,
    due_end: NaiveDate,
    /// The same periods as bits of `report_summary.on_time_mask`: every month and ten-day of
    /// the year that ends within the range.
    due_mask: i64,
    /// The end of March, or the day before the year before the quarter has ended (an empty
    /// range, whose probe finds nothing at once).
    quarter_end: NaiveDate,
    quarter_ended: bool,
}

impl DueWindow {
    fn new(as_of: NaiveDate, periods_due: &[Period]) -> DueWindow {
        let year = as_of.year();
        let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(as_of);
        let before = year_start.pred_opt().unwrap_or(year_start);
        let due_end = periods_due
            .iter()
            .filter_map(Period::last_day)
            .max()
            .unwrap_or(before);
        let due_start = periods_due
            .iter()
            .filter_map(Period::first_day)
            .min()
            .unwrap_or(year_start)
            .max(year_start);
        let mut due_mask = 0i64;
        for month in 1..=12u32 {
            for part in [None, Some(1u8), Some(2), Some(3)] {
                let period = Period { year, month, part };
                if period
                    .last_day()
                    .is_some_and(|end| end >= due_start && end <= due_end)
                {
                    due_mask |= 1i64 << summary_bit(&period);
                }
            }
        }
        let quarter_end = NaiveDate::from_ymd_opt(year, 3, 31).filter(|end| *end <= as_of);
        DueWindow {
            year,
            year_start,
            as_of,
            due_start,
            due_end,
            due_mask,
            quarter_end: quarter_end.unwrap_or(before),
            quarter_ended: quarter_end.is_some(),
        }
    }
}

/// A period's bit in `report_summary.on_time_mask` (as the triggers of migration 0014 set it):
/// months 0–11, ten-days 12–47.
fn summary_bit(period: &Period) -> u32 {
    match period.part {
        None => period.month - 1,
        Some(part) => 8 + 3 * period.month + u32::from(part),
    }
}

/// The first quarter's plan and year to date, by unit and in all.
#[derive(Debug, Default)]
struct FirstQuarter {
    units: HashMap<String, (Money, Money)>,
    plan: Money,
    done: Money,
}

/// Annual plan and year to date at the end of March (`quarter_ytd`, beside each input), by unit
/// and in all, over projects with a plan; `None` before the first quarter of `as_of`'s year has
/// ended.
fn first_quarter(
    as_of: NaiveDate,
    inputs: &[StatusInput],
    quarter_ytd: &[Money],
) -> Option<FirstQuarter> {
    let end = NaiveDate::from_ymd_opt(as_of.year(), 3, 31)?;
    if as_of < end {
        return None;
    }
    let add = |a: Money, b: Money| Money::from_fen(a.fen().saturating_add(b.fen()));
    let mut q = FirstQuarter::default();
    for (p, done) in inputs.iter().zip(quarter_ytd) {
        let Some(plan) = p.annual_plan.filter(|plan| plan.fen() > 0) else {
            continue;
        };
        q.plan = add(q.plan, plan);
        q.done = add(q.done, *done);
        if let Some(unit) = &p.unit {
            let sums = q.units.entry(unit.to_string()).or_default();
            *sums = (add(sums.0, plan), add(sums.1, *done));
        }
    }
    Some(q)
}

/// A status with the warnings that sit on lights without changing them.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerStatus {
    /// 开门红 of the whole campaign; `None` before the end of March.
    pub strong_start: Option<bool>,
    pub status: Status,
    /// Project id → why its light carries a warning: the approval plan expects the construction
    /// permit after the project's 计划开工.
    pub warnings: HashMap<i64, String>,
}

/// The reporting periods of `as_of`'s year, from the campaign's first day, whose deadline has
/// passed by `as_of`: months, or 上旬/中旬/下旬.
fn periods_due(from: NaiveDate, cadence: Cadence, as_of: NaiveDate) -> Vec<Period> {
    let parts: &[Option<u8>] = match cadence {
        Cadence::Monthly => &[None],
        Cadence::TenDaily => &[Some(1), Some(2), Some(3)],
    };
    (1..=12)
        .flat_map(|month| {
            parts.iter().map(move |part| Period {
                year: as_of.year(),
                month,
                part: *part,
            })
        })
        .filter(|p| p.first_day().is_some_and(|d| d >= from))
        .filter(|p| p.deadline().is_some_and(|d| d <= as_of))
        .collect()
}

/// The annual plans of `year` for the projects whose plan year (计划年度) is another: the plan
/// kept for `year` in `annual_plans`, or none (not rated that year). Projects without a plan
/// year, or planned for `year`, are judged by the plan on their row and are not listed.
/// A rate's counts (hit, of) summed per unit and per region, by name, from rows of (unit,
/// region, hit, of).
type GroupCounts = HashMap<String, (i64, i64)>;

fn per_unit_and_region(
    rows: impl IntoIterator<Item = (Option<String>, Option<String>, i64, i64)>,
) -> (GroupCounts, GroupCounts) {
    let (mut units, mut regions) = (GroupCounts::new(), GroupCounts::new());
    for (unit, region, hit, of) in rows {
        for (map, name) in [(&mut units, unit), (&mut regions, region)] {
            if let Some(name) = name {
                let e = map.entry(name).or_default();
                e.0 += hit;
                e.1 += of;
            }
        }
    }
    (units, regions)
}

async fn plans_of_other_years(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    year: i32,
    only: Option<i64>,
) -> Result<HashMap<i64, Option<i64>>> {
    let rows: Vec<(i64, Option<i64>)> = match only {
        Some(id) => {
            sqlx::query_as(
                "SELECT p.id, a.plan_fen FROM projects p \
                 LEFT JOIN annual_plans a ON a.project_id = p.id AND a.year = $1 \
                 WHERE p.id = $2 AND (p.plan_year < $1 OR p.plan_year > $1)",
            )
            .bind(i64::from(year))
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT p.id, a.plan_fen FROM projects p \
                 LEFT JOIN annual_plans a ON a.project_id = p.id AND a.year = $1 \
                 WHERE p.plan_year < $1 OR p.plan_year > $1",
            )
            .bind(i64::from(year))
            .fetch_all(&mut **tx)
            .await?
        }
    };
    Ok(rows.into_iter().collect())
}

/// How a status is judged: the campaign's window, cadence, thresholds and scheme when `as_of`
/// falls within the campaign, else the calendar year of `as_of` with the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Judging {
    pub window: Window,
    pub cadence: Cadence,
    pub rules: Rules,
    pub scheme: Scheme,
    /// The first day periods are due from.
    pub from: NaiveDate,
    /// The campaign that covers the date (id, name); `None`: no campaign does, and the date
    /// is judged by its calendar year with the defaults.
    pub campaign: Option<(i64, String)>,
    /// Projects with a 分月计划 are judged by it (the campaign's 按分月计划).
    pub phased_plan: bool,
}

impl Judging {
    fn of_year(as_of: NaiveDate) -> Judging {
        Judging {
            window: Window::Year(as_of.year()),
            cadence: Cadence::Monthly,
            rules: Rules::default(),
            scheme: Scheme::default(),
            from: NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of),
            campaign: None,
            phased_plan: true,
        }
    }

    /// What a page or the command line says when no campaign covers the date.
    pub fn uncovered_note(&self, as_of: NaiveDate) -> Option<domain::Bilingual> {
        self.campaign.is_none().then(|| {
            domain::bi(
                format!(
                    "没有覆盖 {as_of} 的攻坚行动：按{}自然年和默认规则评价，项目只按{}年度计划考核",
                    as_of.year(),
                    as_of.year()
                ),
                format!(
                    "no campaign covers {as_of}: judged by the calendar year {} with the default rules, against the {} annual plans only",
                    as_of.year(),
                    as_of.year()
                ),
            )
        })
    }
}

/// One value computed from the database, kept with the data generation and the key (date,
/// scheme) it was computed for; reused while both still hold.
pub(crate) struct GenerationCache<K, V>(std::sync::Arc<std::sync::Mutex<Option<(i64, K, V)>>>);

impl<K, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        GenerationCache(std::sync::Arc::default())
    }
}

impl<K, V> Clone for GenerationCache<K, V> {
    fn clone(&self) -> Self {
        GenerationCache(self.0.clone())
    }
}

impl<K: PartialEq, V: Clone> GenerationCache<K, V> {
    fn get(&self, generation: i64, key: &K) -> Option<V> {
        let cache = self.0.lock().ok()?;
        let (g, k, v) = cache.as_ref()?;
        (*g == generation && k == key).then(|| v.clone())
    }

    fn put(&self, generation: i64, key: K, value: V) {
        if let Ok(mut cache) = self.0.lock() {
            *cache = Some((generation, key, value));
        }
    }
}

impl Store {
    /// The data generation: bumped by every change of the tables a status reads (triggers of
    /// migration 0008), in the same transaction as the change.
    async fn data_generation(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT n FROM data_generation WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// The status of the ledger as of a date, for a calendar-year campaign with monthly reports
    /// and the default thresholds. Computed once per data generation, date and scheme: the
    /// pages that show it (overview, lights, rankings, a unit) share it until the data changes.
    /// Shared, not copied: at a million projects a copy would cost each page half a second.
    pub async fn status(&self, as_of: NaiveDate, scheme: &Scheme) -> Result<Arc<LedgerStatus>> {
        // Read before computing: a change committed meanwhile only makes the cache look older
        // than it is, and the next call recomputes.
        let generation = self.data_generation().await?;
        let key = (as_of, scheme.clone());
        if let Some(status) = self.status_cache.get(generation, &key) {
            return Ok(status);
        }
        let status = Arc::new(self.compute_status(as_of, scheme).await?);
        self.status_cache.put(generation, key, status.clone());
        Ok(status)
    }

    /// How a status as of `as_of` is judged (see [`Judging`]).
    pub async fn judging(&self, as_of: NaiveDate) -> Result<Judging> {
        let Some((id, _, settings)) = self.campaign_covering(as_of).await? else {
            return Ok(Judging::of_year(as_of));
        };
        let (start, _) = settings.span();
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        Ok(Judging {
            window: settings.window,
            cadence: settings.cadence,
            rules: settings.rules,
            scheme: settings.scheme,
            from: start.max(year_start),
            campaign: Some((id, settings.name)),
            phased_plan: settings.phased_plan,
        })
    }

    /// Writes the status blocks of the ledger and of `as_of`'s year (see `status_blocks`), for
    /// a bulk load to end with: the first status after it then reads them, not the tables (at
    /// a million projects 0.8 s instead of 2.5–3 s). Gives way to other writers like any status.
    pub async fn prepare_status(&self, as_of: NaiveDate) -> Result<()> {
        self.inputs(as_of, &[], None).await.map(|_| ())
    }

    /// The status as of a date with the campaign's own scoring scheme.
    pub async fn campaign_status(&self, as_of: NaiveDate) -> Result<Arc<LedgerStatus>> {
        let scheme = self.judging(as_of).await?.scheme;
        self.status(as_of, &scheme).await
    }

    /// The status, computed from the database now.
    pub async fn compute_status(&self, as_of: NaiveDate, scheme: &Scheme) -> Result<LedgerStatus> {
        let judging = self.judging(as_of).await?;
        let due = periods_due(judging.from, judging.cadence, as_of);
        let started = std::time::Instant::now();
        let (mut inputs, quarter_ytd) = self.inputs(as_of, &due, None).await?;
        let unit_targets = self.window_figures(&judging, as_of, &mut inputs).await?;
        let (unit_production, region_production) = self.production_counts(as_of).await?;
        let (unit_resumption, region_resumption) = self.resumption_counts(as_of).await?;
        let phases = match judging.window {
            Window::Year(_) if judging.phased_plan => {
                self.plan_phases_of_year(as_of.year()).await?
            }
            _ => HashMap::new(),
        };
        let facts = GroupFacts {
            unit_targets,
            unit_production,
            region_production,
            unit_resumption,
            region_resumption,
            phases,
        };
        let read = started.elapsed();
        let mut status = evaluate_in(
            &inputs,
            as_of,
            judging.window,
            judging.cadence,
            &judging.rules,
            scheme,
            &facts,
        );
        let evaluated = started.elapsed();
        let quarter = first_quarter(as_of, &inputs, &quarter_ytd);
        for u in &mut status.units {
            u.strong_start = quarter.as_ref().map(|q| {
                q.units
                    .get(&u.unit)
                    .is_some_and(|(plan, done)| strong_start(*plan, *done))
            });
        }
        let strong_start = quarter.map(|q| strong_start(q.plan, q.done));
        let calendar = self.work_calendar().await?;
        let planned_start: HashMap<i64, NaiveDate> = inputs
            .iter()
            .filter(|p| p.to_start && !p.started)
            .filter_map(|p| p.planned_start.map(|d| (p.id, d)))
            .collect();
        let mut warnings = HashMap::new();
        for plan in self.all_approval_plans().await? {
            let Some(planned) = planned_start.get(&plan.project_id) else {
                continue;
            };
            let Ok(timed) = schedule(&plan.to_plan(), &calendar) else {
                continue;
            };
            if let Some(permit) = timed.nodes.iter().find(|t| t.id == "shigong_xuke")
                && permit.ef > *planned
            {
                warnings.insert(
                    plan.project_id,
                    format!(
                        "审批计划预计施工许可 {} 办结，晚于计划开工 {planned}",
                        permit.ef
                    ),
                );
            }
        }
        tracing::debug!(
            projects = inputs.len(),
            read_ms = read.as_millis(),
            evaluated_ms = evaluated.as_millis(),
            total_ms = started.elapsed().as_millis(),
            "status computed as of {as_of}"
        );
        Ok(LedgerStatus {
            status,
            warnings,
            strong_start,
        })
    }

    /// A fixed window's figures (see `domain::progress::in_window`): each project's year to
    /// date less its year to date on the window's eve (the latest counted report before the
    /// window, when it starts within `as_of`'s year), its plan the window's share; and the
    /// units' investment targets of the campaign, by name. Nothing for a year window.
    async fn window_figures(
        &self,
        judging: &Judging,
        as_of: NaiveDate,
        inputs: &mut [StatusInput],
    ) -> Result<HashMap<String, Money>> {
        let Window::Fixed { start, .. } = judging.window else {
            return Ok(HashMap::new());
        };
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let mut baselines: HashMap<i64, Money> = HashMap::new();
        if start > year_start && start.year() == as_of.year() {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT project_id, ytd_fen FROM reports WHERE status IN ('submitted', 'approved') \
                 AND period_end >= $1 AND period_end < $2 ORDER BY project_id, period_end, period",
            )
            .bind(year_start.format("%Y-%m-%d").to_string())
            .bind(start.format("%Y-%m-%d").to_string())
            .fetch_all(self.pool())
            .await?;
            // Ordered by period: the last of each project is its latest.
            for (id, ytd) in rows {
                baselines.insert(id, Money::from_fen(ytd));
            }
        }
        let project_targets: HashMap<i64, Money> = match &judging.campaign {
            Some((id, _)) => self
                .project_targets(*id)
                .await?
                .into_iter()
                .map(|t| (t.project_id, t.investment))
                .collect(),
            None => HashMap::new(),
        };
        in_window(inputs, judging.window, &baselines, &project_targets);
        let targets = match &judging.campaign {
            Some((id, _)) => self
                .campaign_by_id(*id)
                .await?
                .map(|c| {
                    c.targets
                        .into_iter()
                        .filter_map(|t| t.investment.map(|m| (t.unit, m)))
                        .collect()
                })
                .unwrap_or_default(),
            None => HashMap::new(),
        };
        Ok(targets)
    }

    /// Every project's 分月计划 for `year`: from its row when its plan year is that year, else
    /// the one kept for the year (see migration 0026).
    pub async fn plan_phases_of_year(&self, year: i32) -> Result<HashMap<i64, PlanPhases>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, plan_phases FROM projects WHERE (plan_year = $1 OR plan_year IS NULL) \
             AND plan_phases IS NOT NULL \
             UNION ALL SELECT a.project_id, a.plan_phases FROM annual_plans a \
             JOIN projects p ON p.id = a.project_id \
             WHERE a.year = $1 AND a.plan_phases IS NOT NULL AND (p.plan_year IS NULL OR p.plan_year <> $1)",
        )
        .bind(i64::from(year))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, text)| PlanPhases::from_stored(&text).map(|p| (id, p)))
            .collect())
    }

    /// 投产率's counts per unit and per region (by name): projects planned to be put into
    /// production from the first of `as_of`'s year to `as_of`, and of those the ones put into
    /// production by `as_of` (the ledger's 实际投产时间). A range on the planned date's index.
    async fn production_counts(&self, as_of: NaiveDate) -> Result<(GroupCounts, GroupCounts)> {
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let rows: Vec<(Option<String>, Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT u.name, g.name, CAST(SUM(CASE WHEN p.actual_production IS NOT NULL \
             AND p.actual_production <= $1 THEN 1 ELSE 0 END) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
             FROM projects p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN regions g ON g.id = p.region_id \
             WHERE p.planned_production >= $2 AND p.planned_production <= $3 \
             GROUP BY u.name, g.name",
        )
        .bind(as_of.format("%Y-%m-%d").to_string())
        .bind(year_start.format("%Y-%m-%d").to_string())
        .bind(as_of.format("%Y-%m-%d").to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(per_unit_and_region(rows))
    }

    /// 复工率's counts per unit and per region (by name): projects a counted report of
    /// `as_of`'s year says halted (停工), and of those the ones whose latest counted report
    /// saying either is at work again (复工) by `as_of`. The halted reports are found through
    /// their own index.
    async fn resumption_counts(&self, as_of: NaiveDate) -> Result<(GroupCounts, GroupCounts)> {
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let (from, to) = (
            year_start.format("%Y-%m-%d").to_string(),
            as_of.format("%Y-%m-%d").to_string(),
        );
        let rows: Vec<(Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT u.name, g.name, (SELECT r.halted FROM reports r WHERE r.project_id = h.project_id \
             AND r.status IN ('submitted', 'approved') AND r.halted IS NOT NULL \
             AND r.period_end >= $1 AND r.period_end <= $2 ORDER BY r.period_end DESC, r.period DESC LIMIT 1) \
             FROM (SELECT DISTINCT project_id FROM reports WHERE halted = 1 \
               AND status IN ('submitted', 'approved') AND period_end >= $3 AND period_end <= $4) h \
             JOIN projects p ON p.id = h.project_id LEFT JOIN units u ON u.id = p.unit_id \
             LEFT JOIN regions g ON g.id = p.region_id",
        )
        .bind(&from)
        .bind(&to)
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        Ok(per_unit_and_region(rows.into_iter().map(
            |(unit, region, last)| (unit, region, i64::from(last == Some(0)), 1),
        )))
    }

    /// One project's light as of a date (its unit's figures are not computed).
    pub async fn project_status(&self, id: i64, as_of: NaiveDate) -> Result<Option<ProjectStatus>> {
        let judging = self.judging(as_of).await?;
        let due = periods_due(judging.from, judging.cadence, as_of);
        let (mut inputs, _) = self.inputs(as_of, &due, Some(id)).await?;
        self.window_figures(&judging, as_of, &mut inputs).await?;
        let status = evaluate(
            &inputs,
            as_of,
            judging.window,
            judging.cadence,
            &judging.rules,
            &judging.scheme,
        );
        Ok(status.projects.into_iter().next())
    }

    /// Investment completed in each month of `as_of`'s year up to `as_of`, by the monthly
    /// reports that count (submitted or approved); reused while the data generation holds.
    pub async fn monthly_completed(&self, as_of: NaiveDate) -> Result<Vec<(u32, Money)>> {
        let generation = self.data_generation().await?;
        if let Some(months) = self.monthly_cache.get(generation, &as_of) {
            return Ok(months);
        }
        let months = self.sum_months(as_of).await?;
        self.monthly_cache.put(generation, as_of, months.clone());
        Ok(months)
    }

    async fn sum_months(&self, as_of: NaiveDate) -> Result<Vec<(u32, Money)>> {
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
            "SELECT SUBSTR(period, 1, 7), CAST(SUM(completed_fen) AS BIGINT) FROM reports \
             WHERE period_end >= $1 AND period_end <= $2 AND status IN ('submitted', 'approved') \
             GROUP BY SUBSTR(period, 1, 7) ORDER BY SUBSTR(period, 1, 7)",
        )
        .bind(year_start.format("%Y-%m-%d").to_string())
        .bind(as_of.format("%Y-%m-%d").to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(period, sum)| {
                let p = Period::parse(&period).ok()?;
                Some((p.month, Money::from_fen(sum.unwrap_or(0))))
            })
            .collect())
    }

    /// The last day of the latest reported period, the natural "as of" of a status page.
    pub async fn latest_report_end(&self) -> Result<Option<NaiveDate>> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT MAX(period_end) FROM reports WHERE status IN ('submitted', 'approved')",
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(date(row.and_then(|(d,)| d)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::testing::TestDb;
    use crate::{Actor, Filing, FilingOptions, ReportEntry};
    use domain::{ProjectFields, Stage, UnitKind};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    async fn file(store: &Store, month: u32, ytd_wan: &[(i64, i64)]) {
        let entries: Vec<ReportEntry> = ytd_wan
            .iter()
            .map(|&(project_id, wan)| ReportEntry {
                project_id,
                year_to_date: Some(Money::from_wan(wan)),
                ..ReportEntry::default()
            })
            .collect();
        let options = FilingOptions {
            filing: Filing::Submit,
            source: "test",
            check_versions: false,
            dry_run: false,
            today: day(month, 28),
        };
        let period = Period {
            year: 2025,
            month,
            part: None,
        };
        store
            .file_reports(period, &entries, &Actor::SYSTEM, options)
            .await
            .unwrap();
    }

    /// The status reads the ledger in packed parts (three projects each in these tests): every
    /// project comes back once, in id order, with the figures it has when read alone; 开门红
    /// sums the years to date at the end of March, not later.
    #[tokio::test]
    async fn status_reads_the_ledger_in_parts() {
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let store = db.store().await;
            let mut towns = Vec::new();
            for name in ["江阴镇", "龙田镇"] {
                towns.push(store.create_unit(name, UnitKind::Town, None).await.unwrap());
            }
            let mut ids = Vec::new();
            for i in 0..8 {
                let fields = ProjectFields {
                    name: format!("项目{i}"),
                    stage: Some(Stage::UnderConstruction),
                    unit_id: Some(towns[i % 2]),
                    annual_plan: Some(Money::from_wan(1_000)),
                    ..ProjectFields::default()
                };
                ids.push(
                    store
                        .create_project(&fields, None, "test")
                        .await
                        .unwrap()
                        .id,
                );
            }
            // March: 江阴镇's projects 30% (开门红), 龙田镇's 10%; April: 40% each.
            let march: Vec<(i64, i64)> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| (*id, if i % 2 == 0 { 300 } else { 100 }))
                .collect();
            file(&store, 3, &march).await;
            let april: Vec<(i64, i64)> = ids.iter().map(|id| (*id, 400)).collect();
            file(&store, 4, &april).await;

            let as_of = day(4, 30);
            let status = store
                .compute_status(as_of, &Scheme::default())
                .await
                .unwrap();
            let seen: Vec<i64> = status.status.projects.iter().map(|p| p.id).collect();
            assert_eq!(seen, ids, "{dialect:?}");
            for p in &status.status.projects {
                assert_eq!(p.year_to_date, Money::from_wan(400));
                let alone = store.project_status(p.id, as_of).await.unwrap();
                assert_eq!(alone.as_ref(), Some(p), "{dialect:?}");
            }
            let strong: Vec<(&str, Option<bool>)> = status
                .status
                .units
                .iter()
                .map(|u| (u.unit.as_str(), u.strong_start))
                .collect();
            assert_eq!(
                strong,
                [("江阴镇", Some(true)), ("龙田镇", Some(false))],
                "{dialect:?}"
            );
            // 1,600 of 8,000 (20%) by the end of March, although 50% by April.
            assert_eq!(status.strong_start, Some(false), "{dialect:?}");
            let before = store
                .compute_status(day(3, 15), &Scheme::default())
                .await
                .unwrap();
            assert_eq!(before.strong_start, None);
            assert!(before.status.units.iter().all(|u| u.strong_start.is_none()));
            store.close().await;
        }
    }

    #[test]
    fn summaries_come_in_id_order() {
        let row = |id: i64| (id, Some(20250101), id * 10, 0, None, 0);
        let ids = |rows: Vec<RawSummary>| rows.into_iter().map(|r| r.0).collect::<Vec<_>>();
        assert_eq!(
            ids(in_id_order(vec![row(5), row(3), row(4), row(9)])),
            [3, 4, 5, 9]
        );
        // Sparse, or an id twice: sorted.
        assert_eq!(
            ids(in_id_order(vec![row(900), row(3), row(1)])),
            [1, 3, 900]
        );
        assert_eq!(ids(in_id_order(vec![row(2), row(1), row(2)])), [1, 2, 2]);
        assert_eq!(in_id_order(vec![row(8), row(7)])[1], row(8));
        assert!(in_id_order(Vec::new()).is_empty());
    }

    #[test]
    fn stored_days_read_in_place() {
        assert_eq!(ymd_text_number("2025-03-31"), Some(20250331));
        for bad in [
            "2025-02-30",
            "2025-3-31",
            "2025/03/31",
            "２０２５-03-31",
            "",
            "2025-03-3x",
        ] {
            assert_eq!(ymd_text_number(bad), None, "{bad}");
        }
        let days: Vec<Day> = serde_json::from_str(r#"["2025-01-02",null,"x"]"#).unwrap();
        let days: Vec<Option<i64>> = days.into_iter().map(|d| d.0).collect();
        assert_eq!(days, [Some(20250102), None, None]);
        let stages: Vec<ToStart> =
            serde_json::from_str(r#"["to_start",null,"completed"]"#).unwrap();
        let stages: Vec<bool> = stages.into_iter().map(|s| s.0).collect();
        assert_eq!(stages, [true, false, false]);
    }

    /// `summarised` (the maintained summaries) and `probe` (the reports) give the same facts
    /// for every project, as of dates before, within and after the reports of 2024–2025.
    async fn assert_summaries_agree(store: &Store, dialect: Dialect, label: &str) {
        for (y, m, d) in [
            (2024, 12, 31),
            (2025, 1, 15),
            (2025, 2, 28),
            (2025, 3, 30),
            (2025, 3, 31),
            (2025, 4, 12),
            (2025, 6, 20),
            (2025, 9, 30),
            (2025, 12, 31),
            (2026, 3, 1),
        ] {
            let as_of = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let due = periods_due(
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
                Cadence::Monthly,
                as_of,
            );
            let window = DueWindow::new(as_of, &due);
            let mut tx = store.pool().begin().await.unwrap();
            let (summarised, refresh) = store.summarised(&mut tx, &window).await.unwrap();
            let ids: Vec<i64> = summarised.iter().map(|f| f.ledger.id).collect();
            let probed = store.probe(&mut tx, &window, &ids).await.unwrap();
            tx.rollback().await.unwrap();
            assert_eq!(summarised, probed, "{dialect:?} {label} as of {as_of}");
            // Written back to the status blocks, and read from them: the same.
            assert!(store.write_blocks(refresh).await.unwrap(), "{dialect:?}");
            let mut tx = store.pool().begin().await.unwrap();
            let (from_blocks, refresh) = store.summarised(&mut tx, &window).await.unwrap();
            tx.rollback().await.unwrap();
            assert!(
                refresh.is_empty(),
                "{dialect:?} {label}: read from the blocks"
            );
            assert_eq!(from_blocks, probed, "{dialect:?} {label} as of {as_of}");
        }
    }

    /// A status reads the status blocks of every block no change has touched, and the tables
    /// for the rest: after each kind of change, the figures are those of the tables alone, and
    /// only the changed blocks were read from them and written back.
    #[tokio::test]
    async fn status_blocks_follow_every_change() {
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let store = db.store().await;
            // Ids 1–2,600: blocks 0, 1 and 2.
            store
                .seed_campaign(&domain::demo::campaign(2_600, 11), "pw-not-used-here")
                .await
                .unwrap();
            let june = Period {
                year: 2025,
                month: 6,
                part: None,
            };
            store.seed_demo_reports(june).await.unwrap();
            let as_of = day(6, 30);
            let scheme = Scheme::default();
            let window = DueWindow::new(as_of, &periods_due(day(1, 1), Cadence::Monthly, as_of));
            let sql = |q: &'static str| sqlx::query(q).execute(store.pool());
            let store = &store;
            let count = |q: &'static str| async move {
                let (n,): (i64,) = sqlx::query_as(q).fetch_one(store.pool()).await.unwrap();
                n
            };
            // Which blocks a status would read from the tables now (written back after).
            let read_from_tables = || async {
                let mut tx = store.pool().begin().await.unwrap();
                let (_, refresh) = store.summarised(&mut tx, &window).await.unwrap();
                tx.rollback().await.unwrap();
                refresh.blocks()
            };
            // The figures of the tables alone.
            let from_tables = || async {
                sql("DELETE FROM status_blocks").await.unwrap();
                store.compute_status(as_of, &scheme).await.unwrap()
            };
            let all: Vec<(&str, i64)> = vec![
                ("ledger", 0),
                ("ledger", 1),
                ("ledger", 2),
                ("summary", 0),
                ("summary", 1),
                ("summary", 2),
            ];
            assert_eq!(
                read_from_tables().await,
                all,
                "{dialect:?}: none written yet"
            );
            let first = store.compute_status(as_of, &scheme).await.unwrap();
            assert_eq!(count("SELECT COUNT(*) FROM status_blocks").await, 6);
            assert_eq!(count("SELECT COUNT(*) FROM status_blocks_stale").await, 0);
            assert!(read_from_tables().await.is_empty(), "{dialect:?}");
            assert_eq!(store.compute_status(as_of, &scheme).await.unwrap(), first);

            // A project's plan (block 1), a report (block 2's summary), a project deleted
            // with its reports (block 0, both parts).
            sql("UPDATE projects SET annual_plan_fen = annual_plan_fen * 3 WHERE id = 1500")
                .await
                .unwrap();
            let id: i64 = 2_400;
            store
                .put_reports(
                    &[ReportRecord {
                        project_id: id,
                        period: june,
                        completed: Money::from_wan(1),
                        year_to_date: Money::from_wan(98_765),
                        started: true,
                        actual_start: None,
                        progress: None,
                        late: false,
                    }],
                    None,
                    "test",
                )
                .await
                .unwrap();
            sql("DELETE FROM projects WHERE id = 7").await.unwrap();
            assert_eq!(
                read_from_tables().await,
                [("ledger", 0), ("ledger", 1), ("summary", 0), ("summary", 2)],
                "{dialect:?}"
            );
            let changed = store.compute_status(as_of, &scheme).await.unwrap();
            assert_ne!(changed, first, "{dialect:?}");
            assert!(changed.status.projects.iter().all(|p| p.id != 7));
            assert!(read_from_tables().await.is_empty(), "{dialect:?}");
            assert_eq!(changed, from_tables().await, "{dialect:?}");

            // Exactly the changed blocks are marked and read again.
            sql("UPDATE projects SET stage = 'to_start' WHERE id = 1100")
                .await
                .unwrap();
            assert_eq!(read_from_tables().await, [("ledger", 1)], "{dialect:?}");

            // Damaged blocks read as stale (block 1 is still marked).
            sql("UPDATE status_blocks SET data = substr(data, 1, 1) WHERE block = 2")
                .await
                .unwrap();
            assert_eq!(
                read_from_tables().await,
                [("ledger", 1), ("ledger", 2), ("summary", 2)],
                "{dialect:?}"
            );
            let mended = store.compute_status(as_of, &scheme).await.unwrap();
            assert_eq!(mended, from_tables().await, "{dialect:?}");

            // A change committed after a status's snapshot: nothing is written back, and its
            // mark stays, so the next status reads that block from the tables.
            store.compute_status(as_of, &scheme).await.unwrap();
            sql("UPDATE projects SET stage = 'completed' WHERE id = 2000")
                .await
                .unwrap();
            let mut tx = store.pool().begin().await.unwrap();
            let (_, refresh) = store.summarised(&mut tx, &window).await.unwrap();
            tx.rollback().await.unwrap();
            assert_eq!(refresh.blocks(), [("ledger", 1)]);
            sql("UPDATE projects SET stage = 'to_start' WHERE id = 1800")
                .await
                .unwrap();
            assert!(!store.write_blocks(refresh).await.unwrap(), "{dialect:?}");
            assert_eq!(read_from_tables().await, [("ledger", 1)], "{dialect:?}");
            let last = store.compute_status(as_of, &scheme).await.unwrap();
            assert_eq!(last, from_tables().await, "{dialect:?}");
            store.close().await;
        }
    }

    /// Writing the blocks back gives way to another writer instead of waiting for it: the
    /// status it follows is never held up by an import, and its blocks stay stale meanwhile;
    /// `prepare_status` writes them once the writer is gone.
    #[tokio::test]
    async fn status_blocks_give_way_to_writers() {
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let store = db.store().await;
            store
                .seed_campaign(&domain::demo::campaign(40, 3), "pw-not-used-here")
                .await
                .unwrap();
            let as_of = day(6, 30);
            let window = DueWindow::new(as_of, &periods_due(day(1, 1), Cadence::Monthly, as_of));
            let read = || async {
                let mut tx = store.pool().begin().await.unwrap();
                let (_, refresh) = store.summarised(&mut tx, &window).await.unwrap();
                tx.rollback().await.unwrap();
                refresh
            };
            let refresh = read().await;
            assert!(!refresh.is_empty(), "{dialect:?}");
            // Another writer holds SQLite's lock, or the row PostgreSQL's commits take.
            let mut other = store.begin_write().await.unwrap();
            sqlx::query("UPDATE data_generation SET n = n WHERE id = 1")
                .execute(&mut *other)
                .await
                .unwrap();
            assert!(!store.write_blocks(refresh).await.unwrap(), "{dialect:?}");
            let status = store
                .compute_status(as_of, &Scheme::default())
                .await
                .unwrap();
            assert_eq!(status.status.projects.len(), 40);
            other.rollback().await.unwrap();
            assert!(!read().await.is_empty(), "{dialect:?}: still stale");
            // A bulk load ends with them written.
            store.prepare_status(as_of).await.unwrap();
            assert!(read().await.is_empty(), "{dialect:?}: prepared");
            sqlx::query("DELETE FROM status_blocks")
                .execute(store.pool())
                .await
                .unwrap();
            store
                .compute_status(as_of, &Scheme::default())
                .await
                .unwrap();
            assert!(read().await.is_empty(), "{dialect:?}: written once free");
            store.close().await;
        }
    }

    /// Statuses computed at once (more than the pool has connections) all finish, each with
    /// the same figures: a status never waits for a second connection while holding one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_statuses_share_the_pool() {
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let store = db.store().await;
            store
                .seed_campaign(&domain::demo::campaign(40, 3), "pw-not-used-here")
                .await
                .unwrap();
            store
                .seed_demo_reports(Period {
                    year: 2025,
                    month: 6,
                    part: None,
                })
                .await
                .unwrap();
            let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
            let scheme = Scheme::default();
            let one = || store.compute_status(as_of, &scheme);
            let (a, b, c, d, e, f, g, h) =
                tokio::join!(one(), one(), one(), one(), one(), one(), one(), one());
            let first = a.unwrap();
            for other in [b, c, d, e, f, g, h] {
                assert_eq!(other.unwrap(), first, "{dialect:?}");
            }
            store.close().await;
        }
    }

    /// The seed writes its reports with the summary triggers off and rebuilds the summaries
    /// once: they agree with the reports, and the triggers are back afterwards.
    #[tokio::test]
    async fn bulk_seed_rebuilds_summaries() {
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let store = db.store().await;
            let triggers = || async {
                let sql = match dialect {
                    Dialect::Sqlite => {
                        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' \
                         AND tbl_name = 'reports' AND name LIKE 'report_summary_%'"
                    }
                    Dialect::Postgres => {
                        "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'reports'::regclass \
                         AND tgname LIKE 'report_summary_%' AND tgenabled = 'O'"
                    }
                };
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.pool()).await.unwrap();
                n
            };
            assert_eq!(triggers().await, 3, "{dialect:?}");
            store
                .seed_campaign(&domain::demo::campaign(80, 7), "pw-not-used-here")
                .await
                .unwrap();
            let through = Period {
                year: 2025,
                month: 9,
                part: None,
            };
            let written = store.seed_demo_reports(through).await.unwrap();
            assert!(written > 300, "{dialect:?}: {written}");
            let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM report_summary")
                .fetch_one(store.pool())
                .await
                .unwrap();
            assert!(rows > 50, "{dialect:?}: {rows}");
            assert_summaries_agree(&store, dialect, "seeded").await;
            assert_eq!(triggers().await, 3, "{dialect:?}");
            // The triggers work again: the reports of the last month, approved, count.
            sqlx::query("UPDATE reports SET status = 'approved' WHERE period = '2025-09'")
                .execute(store.pool())
                .await
                .unwrap();
            sqlx::query("DELETE FROM reports WHERE period = '2025-08' AND project_id % 4 = 0")
                .execute(store.pool())
                .await
                .unwrap();
            assert_summaries_agree(&store, dialect, "changed after the seed").await;
            store.close().await;
        }
    }

    /// The maintained summaries (migration 0014) say what probing the reports says, for dates
    /// before, within and after the reports, after every kind of change the triggers see:
    /// inserts and upserts, monthly and ten-day periods, late reports, drafts and returned
    /// reports, corrected amounts, a report moved to another year, reports and a project
    /// deleted.
    #[tokio::test]
    async fn summaries_agree_with_probes() {
        // A small deterministic generator: the same cases on every run.
        let mut seed = 0x2545_f491_u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let store = db.store().await;
            let town = store
                .create_unit("江阴镇", UnitKind::Town, None)
                .await
                .unwrap();
            let mut ids = Vec::new();
            for i in 0..12u32 {
                // Stages, planned and actual dates on both sides of the dates checked.
                let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(2025, m, d);
                let fields = ProjectFields {
                    name: format!("项目{i}"),
                    stage: Some(if i % 2 == 0 {
                        Stage::ToStart
                    } else {
                        Stage::UnderConstruction
                    }),
                    unit_id: Some(town),
                    annual_plan: (i != 7).then(|| Money::from_wan(1_000)),
                    planned_start: on(i + 1, 15),
                    actual_start: (i % 3 == 0).then(|| on(3, 31)).flatten(),
                    planned_completion: (i % 2 == 1).then(|| on(12, 31)).flatten(),
                    actual_completion: (i % 4 == 1).then(|| on(6, 30)).flatten(),
                    ..ProjectFields::default()
                };
                let id = store
                    .create_project(&fields, None, "test")
                    .await
                    .unwrap()
                    .id;
                ids.push(id);
            }
            let mut records = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                for year in [2024, 2025] {
                    for month in 1..=12 {
                        if next(4) == 0 {
                            continue;
                        }
                        // Every third project reports by ten-days, some of them twice a month.
                        let parts: Vec<Option<u8>> = if i % 3 == 0 {
                            (1..=3).filter(|_| next(3) != 0).map(Some).collect()
                        } else {
                            vec![None]
                        };
                        for part in parts {
                            let ytd = i64::from(month) * 80 + i64::try_from(next(50)).unwrap();
                            records.push(ReportRecord {
                                project_id: *id,
                                period: Period { year, month, part },
                                completed: Money::from_wan(10),
                                year_to_date: Money::from_wan(ytd),
                                started: next(2) == 0,
                                actual_start: None,
                                progress: None,
                                late: next(3) == 0,
                            });
                        }
                    }
                }
            }
            store.put_reports(&records, None, "test").await.unwrap();
            let check = |label: &'static str| assert_summaries_agree(&store, dialect, label);
            check("inserted").await;
            store
                .put_reports(&records[..40], None, "test")
                .await
                .unwrap();
            check("upserted").await;
            let report_ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM reports ORDER BY id")
                .fetch_all(store.pool())
                .await
                .unwrap();
            for (n, (id,)) in report_ids.iter().enumerate() {
                let sql = match n % 9 {
                    0 => "UPDATE reports SET status = 'draft' WHERE id = $1",
                    1 => "UPDATE reports SET status = 'returned' WHERE id = $1",
                    2 => "UPDATE reports SET status = 'approved' WHERE id = $1",
                    3 => "UPDATE reports SET ytd_fen = ytd_fen + 123 WHERE id = $1",
                    4 => "UPDATE reports SET late = 1 - late WHERE id = $1",
                    5 => "UPDATE reports SET started = 1 - started WHERE id = $1",
                    _ => continue,
                };
                sqlx::query(sql)
                    .bind(id)
                    .execute(store.pool())
                    .await
                    .unwrap();
            }
            check("updated").await;
            // One statement changing many reports at once (PostgreSQL's statement triggers).
            sqlx::query("UPDATE reports SET status = 'submitted' WHERE status = 'draft'")
                .execute(store.pool())
                .await
                .unwrap();
            check("updated together").await;
            // A report moved to the last day of the year before.
            sqlx::query(
                "UPDATE reports SET period = '2024-12-2', period_end = '2024-12-20' \
                 WHERE id = (SELECT MAX(id) FROM reports WHERE period = '2025-05')",
            )
            .execute(store.pool())
            .await
            .unwrap();
            check("moved").await;
            sqlx::query("DELETE FROM reports WHERE period LIKE '2025-12%' OR period = '2025-03'")
                .execute(store.pool())
                .await
                .unwrap();
            check("reports deleted").await;
            sqlx::query("DELETE FROM projects WHERE id = $1")
                .bind(ids[4])
                .execute(store.pool())
                .await
                .unwrap();
            check("project deleted").await;
            let (orphans,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM report_summary WHERE project_id NOT IN (SELECT id FROM projects)",
            )
            .fetch_one(store.pool())
            .await
            .unwrap();
            assert_eq!(orphans, 0, "{dialect:?}");
            store.close().await;
        }
    }
}
