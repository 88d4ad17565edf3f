//! Money in and 入库 (issue 19 §7): a project's funding by source, planned and arrived (资金到位),
//! and its registration in the statistics database (入库纳统); the lamps a project gets from its
//! land and its registration as of a date, which the status adds to its light.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::land::{Delivery, land_lamp, registration_lamp};
use domain::progress::{Light, Reason};
use domain::{Money, bi};

use crate::projects::{date, date_text};
use crate::{Result, Store, StoreError, VersionedWrite, now};

/// Longest funding source name.
const SOURCE_TEXT: usize = 50;

/// A project's registration in the statistics database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub project_id: i64,
    /// `None`: recorded as not registered yet.
    pub registered_on: Option<NaiveDate>,
    pub stats_code: Option<String>,
    pub version: i64,
}

/// One source of a project's funding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingLine {
    pub id: i64,
    pub project_id: i64,
    pub source: String,
    pub planned: Money,
    pub arrived: Money,
    pub version: i64,
}

/// A project as the 入库 lists read it: started when, registered when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRow {
    pub project_id: i64,
    pub name: String,
    pub unit: Option<String>,
    pub unit_id: Option<i64>,
    /// 开工: the project's actual start, else its first approved report that says it started.
    pub started_on: Option<NaiveDate>,
    pub registered_on: Option<NaiveDate>,
    /// Whether the office has recorded its registration at all (registered, or not yet): a
    /// project with no record is not judged on it.
    pub recorded: bool,
}

/// The common funding sources, in the order offices list them.
pub const FUNDING_SOURCES: &[&str] = &[
    "专项债",
    "超长期特别国债",
    "中央预算内",
    "省级资金",
    "市级资金",
    "县级资金",
    "银行贷款",
    "企业自筹",
    "其他",
];

impl Store {
    pub async fn registration(&self, project: i64) -> Result<Option<Registration>> {
        let row: Option<(i64, Option<String>, Option<String>, i64)> = sqlx::query_as(
            "SELECT project_id, registered_on, stats_code, version FROM project_registrations \
             WHERE project_id = $1",
        )
        .bind(project)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(project_id, on, code, version)| Registration {
            project_id,
            registered_on: date(on),
            stats_code: code,
            version,
        }))
    }

    /// Records whether and when a project entered the statistics database, at `version` (0 for
    /// the first record). The date may not be in the future.
    pub async fn set_registration(
        &self,
        project: i64,
        registered_on: Option<NaiveDate>,
        stats_code: Option<&str>,
        version: i64,
        actor: Option<i64>,
        today: NaiveDate,
    ) -> Result<()> {
        if let Some(day) = registered_on
            && day > today
        {
            return Err(StoreError::Invalid(vec![bi(
                format!("入库时间 {day} 晚于今天 {today}"),
                format!("the registration date {day} is after today, {today}"),
            )]));
        }
        if stats_code.is_some_and(|c| c.chars().count() > SOURCE_TEXT) {
            return Err(StoreError::Invalid(vec![bi(
                "统计库项目编码过长",
                "the statistics code is too long",
            )]));
        }
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM projects WHERE id = $1")
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let current: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM project_registrations WHERE project_id = $1")
                .bind(project)
                .fetch_optional(&mut *tx)
                .await?;
        let write = VersionedWrite::of(current.map(|(v,)| v), version)?;
        let written = match write {
            VersionedWrite::Insert => {
                sqlx::query(
                    "INSERT INTO project_registrations (project_id, registered_on, stats_code, \
                     updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(project)
                .bind(date_text(registered_on))
                .bind(stats_code)
                .bind(now())
                .bind(actor)
                .execute(&mut *tx)
                .await
            }
            VersionedWrite::Update => {
                sqlx::query(
                    "UPDATE project_registrations SET registered_on = $1, stats_code = $2, \
                     updated_at = $3, updated_by = $4, version = version + 1 \
                     WHERE project_id = $5 AND version = $6",
                )
                .bind(date_text(registered_on))
                .bind(stats_code)
                .bind(now())
                .bind(actor)
                .bind(project)
                .bind(version)
                .execute(&mut *tx)
                .await
            }
        };
        write.done(written)?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Every project with its start and registration as of `day`: what the 应入未入 lists read. A
    /// start counts once it is on or before `day`.
    pub async fn registration_rows(&self, day: NaiveDate) -> Result<Vec<RegistrationRow>> {
        self.registration_rows_where(day, false).await
    }

    /// The projects whose registration was recorded, with their start as of `day`: what the 入库
    /// lamp judges. Only these rows probe the reports for a start, so a province's status pays
    /// for the registrations recorded, not for every project.
    async fn recorded_registrations(&self, day: NaiveDate) -> Result<Vec<RegistrationRow>> {
        self.registration_rows_where(day, true).await
    }

    async fn registration_rows_where(
        &self,
        day: NaiveDate,
        recorded_only: bool,
    ) -> Result<Vec<RegistrationRow>> {
        type Row = (
            i64,
            String,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let join = if recorded_only { "JOIN" } else { "LEFT JOIN" };
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.id, p.name, u.name, p.unit_id, \
             COALESCE(p.actual_start, (SELECT MIN(COALESCE(r.actual_start, r.period_end)) \
               FROM reports r WHERE r.project_id = p.id AND r.started = 1 \
               AND r.status = 'approved' AND r.period_end <= $1)), \
             g.registered_on, g.project_id \
             FROM projects p LEFT JOIN units u ON u.id = p.unit_id \
             {join} project_registrations g ON g.project_id = p.id ORDER BY p.id"
        )))
        .bind(day.to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(project_id, name, unit, unit_id, started, registered, recorded)| {
                    RegistrationRow {
                        project_id,
                        name,
                        unit,
                        unit_id,
                        started_on: date(started).filter(|d| *d <= day),
                        registered_on: date(registered),
                        recorded: recorded.is_some(),
                    }
                },
            )
            .collect())
    }

    /// The land lamp and the 入库 lamp of every project that has one lit as of `day`. The 入库
    /// lamp judges only projects whose registration the office has recorded (registered, or
    /// not yet): one never recorded is unknown, not condemned.
    pub async fn other_lamps(&self, day: NaiveDate) -> Result<HashMap<i64, Vec<(Light, Reason)>>> {
        let mut lamps: HashMap<i64, Vec<(Light, Reason)>> = HashMap::new();
        let parcels: Vec<(i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT project_id, planned_delivery, actual_delivery FROM parcels \
             WHERE project_id IS NOT NULL AND planned_delivery IS NOT NULL",
        )
        .fetch_all(self.pool())
        .await?;
        let mut by_project: HashMap<i64, Vec<Delivery>> = HashMap::new();
        for (project, planned, actual) in parcels {
            by_project.entry(project).or_default().push(Delivery {
                planned: date(planned),
                actual: date(actual),
            });
        }
        for (project, deliveries) in by_project {
            if let Some((light, planned)) = land_lamp(&deliveries, day) {
                lamps.entry(project).or_default().push((
                    light,
                    Reason::LandOverdue {
                        planned,
                        days: (day - planned).num_days(),
                    },
                ));
            }
        }
        for r in self.recorded_registrations(day).await? {
            if let Some((light, months)) = registration_lamp(r.started_on, r.registered_on, day) {
                lamps
                    .entry(r.project_id)
                    .or_default()
                    .push((light, Reason::NotRegistered { months }));
            }
        }
        Ok(lamps)
    }

    /// A project's funding, by source.
    pub async fn funding(&self, project: i64) -> Result<Vec<FundingLine>> {
        self.funding_where(Some(project)).await
    }

    /// Every project's funding.
    pub async fn all_funding(&self) -> Result<Vec<FundingLine>> {
        self.funding_where(None).await
    }

    async fn funding_where(&self, project: Option<i64>) -> Result<Vec<FundingLine>> {
        type Row = (i64, i64, String, i64, i64, i64);
        let rows: Vec<Row> = match project {
            Some(project) => {
                sqlx::query_as(
                    "SELECT id, project_id, source, planned_fen, arrived_fen, version \
                     FROM project_funding WHERE project_id = $1 ORDER BY id",
                )
                .bind(project)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT id, project_id, source, planned_fen, arrived_fen, version \
                     FROM project_funding ORDER BY project_id, id",
                )
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(
                |(id, project_id, source, planned, arrived, version)| FundingLine {
                    id,
                    project_id,
                    source,
                    planned: Money::from_fen(planned),
                    arrived: Money::from_fen(arrived),
                    version,
                },
            )
            .collect())
    }

    /// Sets a project's funding from `source` (planned and arrived), adding the source the first
    /// time; a line of nothing planned and nothing arrived is removed.
    pub async fn set_funding(
        &self,
        project: i64,
        source: &str,
        planned: Money,
        arrived: Money,
        actor: Option<i64>,
    ) -> Result<()> {
        let source = domain::text::clean_name(source);
        let mut refused = Vec::new();
        if source.is_empty() {
            refused.push(bi("请填写资金来源", "the funding source is required"));
        }
        if source.chars().count() > SOURCE_TEXT {
            refused.push(bi(
                "资金来源名称过长",
                "the funding source's name is too long",
            ));
        }
        if planned.is_negative() || arrived.is_negative() {
            refused.push(bi("金额不能为负数", "amounts cannot be negative"));
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM projects WHERE id = $1")
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        if planned.fen() == 0 && arrived.fen() == 0 {
            sqlx::query("DELETE FROM project_funding WHERE project_id = $1 AND source = $2")
                .bind(project)
                .bind(&source)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO project_funding (project_id, source, planned_fen, arrived_fen, \
                 updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (project_id, source) DO UPDATE SET planned_fen = excluded.planned_fen, \
                 arrived_fen = excluded.arrived_fen, updated_at = excluded.updated_at, \
                 updated_by = excluded.updated_by, version = project_funding.version + 1",
            )
            .bind(project)
            .bind(&source)
            .bind(planned.fen())
            .bind(arrived.fen())
            .bind(now())
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }
}
