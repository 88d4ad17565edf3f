//! Periodic reports (月报 / 旬报) and the figures of a status: the latest year-to-date of every
//! project by a date, with the ledger fields the lights need.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::progress::{Period, StatusInput};
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe};

use crate::projects::placeholders;
use crate::{Result, Store, StoreError, now};

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

/// Reports per multi-row INSERT (14 parameters each).
const CHUNK: usize = 300;

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

impl Store {
    /// Writes reports in one transaction, replacing any report of the same project and period.
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
            let mut args = AnyArguments::default();
            for r in chunk {
                args.add(r.project_id).map_err(enc)?;
                args.add(r.period.key()).map_err(enc)?;
            }
            let pairs: Vec<String> = (0..chunk.len())
                .map(|i| {
                    format!(
                        "(project_id = {} AND period = {})",
                        placeholders(self.dialect(), 2 * i + 1, 1),
                        placeholders(self.dialect(), 2 * i + 2, 1)
                    )
                })
                .collect();
            let sql = format!("DELETE FROM reports WHERE {}", pairs.join(" OR "));
            sqlx::query_with(AssertSqlSafe(sql), args)
                .execute(&mut *tx)
                .await?;

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
                 actual_start, progress, status, submitted_at, submitted_by, late, source, version) VALUES {}",
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
        let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let (from, to) = (
            year_start.format("%Y-%m-%d").to_string(),
            as_of.format("%Y-%m-%d").to_string(),
        );
        let latest: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT r.project_id, r.ytd_fen, r.started FROM reports r \
             JOIN (SELECT project_id, MAX(period_end) AS last_end FROM reports \
                   WHERE period_end >= $1 AND period_end <= $2 GROUP BY project_id) m \
             ON m.project_id = r.project_id AND m.last_end = r.period_end",
        )
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        let latest: HashMap<i64, (i64, bool)> = latest
            .into_iter()
            .map(|(id, ytd, started)| (id, (ytd, started != 0)))
            .collect();

        let keys: Vec<String> = periods_due.iter().map(Period::key).collect();
        let mut on_time: HashMap<i64, u32> = HashMap::new();
        if !keys.is_empty() {
            let mut args = AnyArguments::default();
            for k in &keys {
                args.add(k.clone())
                    .map_err(|e| StoreError::Db(sqlx::Error::Encode(e)))?;
            }
            let sql = format!(
                "SELECT project_id, COUNT(*) FROM reports WHERE late = 0 AND period IN ({}) GROUP BY project_id",
                placeholders(self.dialect(), 1, keys.len())
            );
            let rows: Vec<(i64, i64)> = sqlx::query_as_with(AssertSqlSafe(sql), args)
                .fetch_all(self.pool())
                .await?;
            on_time = rows
                .into_iter()
                .map(|(id, n)| (id, u32::try_from(n).unwrap_or(0)))
                .collect();
        }

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
        );
        let projects: Vec<Row> = sqlx::query_as(
            "SELECT p.id, p.name, u.name, p.stage, p.annual_plan_fen, p.planned_start, p.actual_start, \
             p.planned_completion, p.actual_completion FROM projects p LEFT JOIN units u ON u.id = p.unit_id \
             ORDER BY p.id",
        )
        .fetch_all(self.pool())
        .await?;
        let due = u32::try_from(keys.len()).unwrap_or(u32::MAX);
        Ok(projects
            .into_iter()
            .map(|r| {
                let (ytd, reported_start) = latest.get(&r.0).copied().unwrap_or((0, false));
                let actual_start = date(r.6);
                let actual_completion = date(r.8);
                StatusInput {
                    id: r.0,
                    name: r.1,
                    unit: r.2,
                    to_start: r.3.as_deref() == Some("to_start"),
                    annual_plan: r.4.map(Money::from_fen),
                    year_to_date: Money::from_fen(ytd),
                    started: reported_start || actual_start.is_some_and(|d| d <= as_of),
                    planned_start: date(r.5),
                    planned_completion: date(r.7),
                    completed: actual_completion.is_some_and(|d| d <= as_of),
                    reports_due: due,
                    reports_on_time: on_time.get(&r.0).copied().unwrap_or(0).min(due),
                }
            })
            .collect())
    }
}
