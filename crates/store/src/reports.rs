//! Periodic reports (月报 / 旬报) as stored: bulk writes (the seed and imports), the summary
//! triggers a bulk load suspends, and the latest period reported. Filing and review by people are
//! `report_filing`; what a status reads of them is `status`.

use chrono::NaiveDate;
use domain::Money;
use domain::progress::Period;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe};

use crate::projects::{date, date_text, placeholders};
use crate::{Dialect, ReportState, Result, Store, StoreError, now};

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

/// A report as a bulk load writes it: a [`ReportRecord`] (submitted, by default) or a
/// [`crate::SeedReport`] that also says how far its review went.
pub(crate) trait Loaded {
    fn record(&self) -> &ReportRecord;
    fn state(&self) -> ReportState {
        ReportState::Submitted
    }
    fn review_note(&self) -> Option<&str> {
        None
    }
}

impl Loaded for ReportRecord {
    fn record(&self) -> &ReportRecord {
        self
    }
}

/// The summary triggers a bulk load switched off (their SQL on SQLite), to put back.
#[must_use = "put the summary triggers back with Store::resume_summaries"]
pub(crate) struct SuspendedSummaries(Vec<String>);

/// Reports per multi-row INSERT (16 parameters each).
pub(crate) const CHUNK: usize = 300;

impl Store {
    /// Writes reports in one transaction, replacing any report of the same project and period
    /// (an upsert: no delete, so a replaced report keeps its id, revisions and steps; a review
    /// of the figures it replaces no longer stands). For the seed and bulk loads; people file
    /// through `file_reports`.
    pub async fn put_reports(
        &self,
        reports: &[ReportRecord],
        actor: Option<i64>,
        source: &str,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        self.put_reports_in(&mut tx, reports, actor, source).await?;
        self.commit(tx).await?;
        Ok(reports.len())
    }

    /// `put_reports` inside a transaction of the caller's.
    pub(crate) async fn put_reports_in<R: Loaded>(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        reports: &[R],
        actor: Option<i64>,
        source: &str,
    ) -> Result<()> {
        let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
        let at = now();
        for chunk in reports.chunks(CHUNK) {
            let per_row = 16;
            let mut args = AnyArguments::default();
            let mut values = Vec::with_capacity(chunk.len());
            for (i, loaded) in chunk.iter().enumerate() {
                let r = loaded.record();
                let state = loaded.state();
                let end = r.period.last_day().ok_or_else(|| {
                    StoreError::Rule(domain::bi("报送期无效", "invalid reporting period"))
                })?;
                let submitted = state != ReportState::Draft;
                let reviewed = matches!(state, ReportState::Returned | ReportState::Approved);
                args.add(r.project_id).map_err(enc)?;
                args.add(r.period.key()).map_err(enc)?;
                args.add(end.format("%Y-%m-%d").to_string()).map_err(enc)?;
                args.add(r.completed.fen()).map_err(enc)?;
                args.add(r.year_to_date.fen()).map_err(enc)?;
                args.add(i64::from(r.started)).map_err(enc)?;
                args.add(date_text(r.actual_start)).map_err(enc)?;
                args.add(r.progress.clone()).map_err(enc)?;
                args.add(state.code()).map_err(enc)?;
                args.add(submitted.then_some(at)).map_err(enc)?;
                args.add(actor).map_err(enc)?;
                args.add(i64::from(submitted && r.late)).map_err(enc)?;
                args.add(source).map_err(enc)?;
                args.add(reviewed.then_some(at)).map_err(enc)?;
                args.add(loaded.review_note().map(str::to_string))
                    .map_err(enc)?;
                // A review is a write: a reviewed report is at its second version.
                args.add(if reviewed { 2i64 } else { 1 }).map_err(enc)?;
                values.push(format!(
                    "({})",
                    placeholders(self.dialect(), i * per_row + 1, per_row)
                ));
            }
            let sql = format!(
                "INSERT INTO reports (project_id, period, period_end, completed_fen, ytd_fen, started, \
                 actual_start, progress, status, submitted_at, submitted_by, late, source, reviewed_at, \
                 review_note, version) VALUES {} \
                 ON CONFLICT (project_id, period) DO UPDATE SET period_end = excluded.period_end, \
                 completed_fen = excluded.completed_fen, ytd_fen = excluded.ytd_fen, started = excluded.started, \
                 actual_start = excluded.actual_start, progress = excluded.progress, status = excluded.status, \
                 submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, late = excluded.late, \
                 source = excluded.source, reviewed_at = excluded.reviewed_at, \
                 review_note = excluded.review_note, version = reports.version + 1",
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
}

impl Store {
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
