//! Periodic reports (月报 / 旬报) and the figures of a status: the latest year-to-date of every
//! project by a date, with the ledger fields the lights need.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::progress::{
    Cadence, Period, ProjectStatus, Rules, Scheme, Status, StatusInput, Window, evaluate,
    expected_share, strong_start,
};
use domain::schedule::schedule;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe};

use crate::projects::{date, date_text, placeholders};
use crate::rows::select_rows;
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

/// Projects per packed row of a status query on SQLite (see `Store::inputs`); a few in this
/// crate's tests, so that they read the ledger in several parts.
const PACKED_ROWS: i64 = if cfg!(test) { 3 } else { 50_000 };

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
        let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
        let at = now();
        let mut tx = self.pool().begin().await?;
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
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(reports.len())
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
    async fn inputs(
        &self,
        as_of: NaiveDate,
        periods_due: &[Period],
        only: Option<i64>,
    ) -> Result<(Vec<StatusInput>, Vec<Money>)> {
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        // Reports count as on time within the periods due (the last one due bounds the range).
        let due_end = periods_due
            .iter()
            .filter_map(Period::last_day)
            .max()
            .unwrap_or(year_start.pred_opt().unwrap_or(year_start));
        let due_start = periods_due
            .iter()
            .filter_map(Period::first_day)
            .min()
            .unwrap_or(year_start)
            .max(year_start);
        // Before the quarter has ended its range is empty, and its probe finds nothing at once.
        let quarter_end = NaiveDate::from_ymd_opt(as_of.year(), 3, 31)
            .filter(|end| *end <= as_of)
            .unwrap_or(year_start.pred_opt().unwrap_or(year_start));
        // Index probes per project (latest counted report of the year and of its first quarter,
        // reports in on time) in one pass over the ledger.
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
        let (latest, quarter) = (latest_by("$2"), latest_by("$7"));
        let row = format!(
            "p.id, p.name, u.name, p.stage, p.annual_plan_fen, p.planned_start, p.actual_start, \
             p.planned_completion, p.actual_completion, \
             (SELECT r.ytd_fen {latest}), (SELECT r.started {latest}), \
             (SELECT COUNT(*) FROM reports r WHERE r.project_id = p.id AND r.late = 0 \
              AND r.status IN ('submitted', 'approved') AND r.period_end >= $4 AND r.period_end <= $3), \
             g.name, (SELECT r.ytd_fen {quarter})"
        );
        let from_where = "FROM projects p LEFT JOIN units u ON u.id = p.unit_id \
             LEFT JOIN regions g ON g.id = p.region_id WHERE p.id >= $5 AND p.id <= $6";
        // One snapshot for all the statements below.
        let mut tx = self.pool().begin().await?;
        let (first, last) = match only {
            Some(id) => (id, id),
            None => {
                let (first, last): (Option<i64>, Option<i64>) =
                    sqlx::query_as("SELECT MIN(id), MAX(id) FROM projects")
                        .fetch_one(&mut *tx)
                        .await?;
                (first.unwrap_or(1), last.unwrap_or(0))
            }
        };
        let args = |from: i64, to: i64| -> Result<AnyArguments> {
            let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
            let mut args = AnyArguments::default();
            for day in [year_start, as_of, due_end, due_start] {
                args.add(text(day)).map_err(enc)?;
            }
            args.add(from).map_err(enc)?;
            args.add(to).map_err(enc)?;
            args.add(text(quarter_end)).map_err(enc)?;
            Ok(args)
        };
        let mut projects: Vec<Row> = Vec::new();
        match self.dialect() {
            // Packed (see `rows`) in parts of PACKED_ROWS projects, by id ranges rather than
            // GROUP BY, which would sort every packed row first.
            Dialect::Sqlite => {
                let mut from = first;
                while from <= last {
                    // The id PACKED_ROWS projects on (ids may have gaps).
                    let (to,): (Option<i64>,) = sqlx::query_as(
                        "SELECT MAX(id) FROM (SELECT id FROM projects WHERE id >= $1 AND id <= $2 \
                         ORDER BY id LIMIT $3) AS part",
                    )
                    .bind(from)
                    .bind(last)
                    .bind(PACKED_ROWS)
                    .fetch_one(&mut *tx)
                    .await?;
                    let to = to.unwrap_or(last);
                    let part: Vec<Row> =
                        select_rows(&mut *tx, Dialect::Sqlite, &row, from_where, args(from, to)?)
                            .await?;
                    projects.extend(part);
                    from = to.saturating_add(1);
                }
            }
            Dialect::Postgres => {
                projects = select_rows(
                    &mut *tx,
                    Dialect::Postgres,
                    &row,
                    from_where,
                    args(first, last)?,
                )
                .await?;
            }
        }
        tx.rollback().await?;
        projects.sort_unstable_by_key(|r| r.0);
        let due = u32::try_from(periods_due.len()).unwrap_or(u32::MAX);
        let quarter = projects
            .iter()
            .map(|r| Money::from_fen(r.13.unwrap_or(0)))
            .collect();
        let inputs = projects
            .into_iter()
            .map(|r| {
                let (ytd, reported_start) = (r.9.unwrap_or(0), r.10.unwrap_or(0) != 0);
                let actual_start = date(r.6);
                let actual_completion = date(r.8);
                StatusInput {
                    id: r.0,
                    name: r.1,
                    unit: r.2,
                    region: r.12,
                    to_start: r.3.as_deref() == Some("to_start"),
                    annual_plan: r.4.map(Money::from_fen),
                    year_to_date: Money::from_fen(ytd),
                    started: reported_start || actual_start.is_some_and(|d| d <= as_of),
                    planned_start: date(r.5),
                    planned_completion: date(r.7),
                    completed: actual_completion.is_some_and(|d| d <= as_of),
                    reports_due: due,
                    reports_on_time: u32::try_from(r.11).unwrap_or(0).min(due),
                }
            })
            .collect();
        Ok((inputs, quarter))
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
            let sums = q.units.entry(unit.clone()).or_default();
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
}

impl Judging {
    fn of_year(as_of: NaiveDate) -> Judging {
        Judging {
            window: Window::Year(as_of.year()),
            cadence: Cadence::Monthly,
            rules: Rules::default(),
            scheme: Scheme::default(),
            from: NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of),
        }
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
    pub async fn status(&self, as_of: NaiveDate, scheme: &Scheme) -> Result<LedgerStatus> {
        // Read before computing: a change committed meanwhile only makes the cache look older
        // than it is, and the next call recomputes.
        let generation = self.data_generation().await?;
        let key = (as_of, scheme.clone());
        if let Some(status) = self.status_cache.get(generation, &key) {
            return Ok(status);
        }
        let status = self.compute_status(as_of, scheme).await?;
        self.status_cache.put(generation, key, status.clone());
        Ok(status)
    }

    /// How a status as of `as_of` is judged (see [`Judging`]).
    pub async fn judging(&self, as_of: NaiveDate) -> Result<Judging> {
        let Some((_, _, settings)) = self.active_campaign().await? else {
            return Ok(Judging::of_year(as_of));
        };
        let (start, end) = settings.span();
        if as_of < start || as_of.year() > end.year() {
            return Ok(Judging::of_year(as_of));
        }
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        Ok(Judging {
            window: settings.window,
            cadence: settings.cadence,
            rules: settings.rules,
            scheme: settings.scheme,
            from: start.max(year_start),
        })
    }

    /// The status as of a date with the campaign's own scoring scheme.
    pub async fn campaign_status(&self, as_of: NaiveDate) -> Result<LedgerStatus> {
        let scheme = self.judging(as_of).await?.scheme;
        self.status(as_of, &scheme).await
    }

    /// The status, computed from the database now.
    pub async fn compute_status(&self, as_of: NaiveDate, scheme: &Scheme) -> Result<LedgerStatus> {
        let judging = self.judging(as_of).await?;
        let expected = expected_share(judging.window, judging.cadence, as_of);
        let due = periods_due(judging.from, judging.cadence, as_of);
        let (inputs, quarter_ytd) = self.inputs(as_of, &due, None).await?;
        let mut status = evaluate(&inputs, as_of, expected, &judging.rules, scheme);
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
        Ok(LedgerStatus {
            status,
            warnings,
            strong_start,
        })
    }

    /// One project's light as of a date (its unit's figures are not computed).
    pub async fn project_status(&self, id: i64, as_of: NaiveDate) -> Result<Option<ProjectStatus>> {
        let judging = self.judging(as_of).await?;
        let expected = expected_share(judging.window, judging.cadence, as_of);
        let due = periods_due(judging.from, judging.cadence, as_of);
        let (inputs, _) = self.inputs(as_of, &due, Some(id)).await?;
        let status = evaluate(&inputs, as_of, expected, &judging.rules, &judging.scheme);
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
}
