//! The status: every project's figures as of a date, judged against the campaign's window,
//! cadence, thresholds and scheme, cached per data generation.
//!
//! - `mod.rs`: how a date is judged ([`Judging`]), the status and its cache, the per-unit counts
//!   (投产率, 复工率, 开门红) and the dashboard's monthly sums.
//! - `scan`: what a status reads — the ledger and the maintained report summaries, scanned in
//!   parts per backend (packed columns on SQLite, COPY on PostgreSQL), probing the reports where
//!   a summary is newer than the date asked for.
//! - `decode`: reading packed columns in place (days as numbers, stages, texts).
//! - `copy`: the PostgreSQL COPY reader.
//! - `blocks`: the pre-computed status blocks and how writers refresh them.

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

use crate::{Result, Store};

pub(crate) mod blocks;
pub(crate) mod copy;
pub(crate) mod decode;
mod scan;
#[cfg(test)]
mod tests;

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
    pub warnings: HashMap<i64, domain::Bilingual>,
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
            lamps: self.other_lamps(as_of).await?,
            unit_leads: self.unit_leads(as_of).await?,
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
                    domain::bi(
                        format!(
                            "审批计划预计施工许可 {} 办结，晚于计划开工 {planned}",
                            permit.ef
                        ),
                        format!(
                            "the approval plan finishes the construction permit on {}, after the planned start {planned}",
                            permit.ef
                        ),
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
}
