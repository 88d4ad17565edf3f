//! What a status reads: every project's ledger fields beside its maintained report summary,
//! scanned in parts (packed columns on SQLite, parallel COPY on PostgreSQL), and the reports
//! themselves where a summary is newer than the date asked for.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::progress::{Period, StatusInput};
use sqlx::Arguments;
use sqlx::any::AnyArguments;

use super::blocks::Refresh;
use super::copy::{self as status_copy, RawLedger, RawSummary};
use super::decode::*;
use super::*;
use crate::projects::{date, placeholders};
use crate::reports::CHUNK;
use crate::rows::{select_columns, select_rows, unpack_columns};
use crate::{Dialect, Result, Store, StoreError};

/// Projects per packed row of a status query on SQLite (see `Store::inputs`); a few in this
/// crate's tests, so that they read the ledger in several parts.
const PACKED_ROWS: i64 = if cfg!(test) { 3 } else { 50_000 };

/// Projects from which a PostgreSQL status reads its ledger in parallel parts (see
/// `copy_parts`); a few in this crate's tests, so that they read in several parts.
const COPY_PART_MIN: i64 = if cfg!(test) { 4 } else { 10_000 };

impl Store {
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
    pub(super) async fn inputs(
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
    pub(super) async fn summarised(
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
    pub(super) async fn probe(
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
pub(super) fn in_id_order(mut rows: Vec<RawSummary>) -> Vec<RawSummary> {
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
