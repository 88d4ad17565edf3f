//! Photos attached to a report (形象进度照片): stored in the database, scoped like the report.

use domain::bi;
use domain::progress::Period;
use serde::Serialize;

use crate::report_filing::{Actor, ReportState};
use crate::{Result, Store, StoreError, now};

/// Photos one report may carry.
pub const PHOTOS_PER_REPORT: i64 = 9;

/// A photo without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoMeta {
    pub id: i64,
    pub report_id: i64,
    pub period: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
    pub uploaded_by: Option<String>,
}

/// A photo with its bytes and the unit of its project (for scoping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub meta: PhotoMeta,
    pub unit_id: Option<i64>,
    pub data: Vec<u8>,
}

type MetaRow = (i64, i64, String, String, String, i64, i64, Option<String>);

/// The metadata columns, the project's unit and the bytes.
type PhotoRow = (
    i64,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Vec<u8>,
);

/// Project name, its unit, the report's id and state.
type TargetRow = (String, Option<i64>, Option<i64>, Option<String>);

fn meta(
    (id, report_id, period, name, content_type, size, uploaded_at, uploaded_by): MetaRow,
) -> PhotoMeta {
    PhotoMeta {
        id,
        report_id,
        period,
        name,
        content_type,
        size,
        uploaded_at,
        uploaded_by,
    }
}

impl Store {
    /// Attaches a photo to a project's report of a period. The report must exist; a locked
    /// (approved) report takes photos from the lead office only.
    pub async fn add_report_photo(
        &self,
        project_id: i64,
        period: &Period,
        name: &str,
        content_type: &str,
        data: &[u8],
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let row: Option<TargetRow> = sqlx::query_as(
            "SELECT p.name, p.unit_id, r.id, r.status FROM projects p \
             LEFT JOIN reports r ON r.project_id = p.id AND r.period = $1 WHERE p.id = $2",
        )
        .bind(period.key())
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((project, unit, report, status)) = row else {
            return Err(StoreError::NotFound);
        };
        if let Some(own) = actor.unit
            && unit != Some(own)
        {
            return Err(StoreError::Forbidden(bi(
                format!("“{project}”不是本单位的项目"),
                format!("“{project}” is not a project of your unit"),
            )));
        }
        let Some(report) = report else {
            return Err(StoreError::Rule(bi(
                format!("请先填报“{project}”{}的报告，再上传照片", period.label_zh()),
                format!(
                    "file the {} report of “{project}” before adding photos",
                    period.key()
                ),
            )));
        };
        if status.as_deref() == Some(ReportState::Approved.code()) && !actor.reviewer {
            return Err(StoreError::Rule(bi(
                format!("“{project}”的报告已审核通过（锁定），不能再添加照片"),
                format!("the report of “{project}” is approved and locked"),
            )));
        }
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM report_photos WHERE report_id = $1")
                .bind(report)
                .fetch_one(&mut *tx)
                .await?;
        if count >= PHOTOS_PER_REPORT {
            return Err(StoreError::Rule(bi(
                format!("每份报告最多 {PHOTOS_PER_REPORT} 张照片"),
                format!("a report takes at most {PHOTOS_PER_REPORT} photos"),
            )));
        }
        let name: String = name.trim().chars().take(120).collect();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO report_photos (report_id, name, content_type, size, data, uploaded_at, uploaded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(report)
        .bind(if name.is_empty() { "photo".to_string() } else { name })
        .bind(content_type)
        .bind(i64::try_from(data.len()).unwrap_or(i64::MAX))
        .bind(data.to_vec())
        .bind(now())
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO report_events (report_id, at, actor, action, note) VALUES ($1, $2, $3, 'photo', $4)",
        )
        .bind(report)
        .bind(now())
        .bind(actor.user_id)
        .bind(format!("#{id}"))
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// The photos of a project's reports, latest first.
    pub async fn project_photos(&self, project_id: i64) -> Result<Vec<PhotoMeta>> {
        let rows: Vec<MetaRow> = sqlx::query_as(
            "SELECT f.id, f.report_id, r.period, f.name, f.content_type, f.size, f.uploaded_at, u.display_name \
             FROM report_photos f JOIN reports r ON r.id = f.report_id LEFT JOIN users u ON u.id = f.uploaded_by \
             WHERE r.project_id = $1 ORDER BY r.period_end DESC, f.id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(meta).collect())
    }

    /// The photos of one period's reports of a unit's projects, by report (what a reviewer
    /// sees beside the figures).
    pub async fn period_photos(&self, period: &str, unit_id: i64) -> Result<Vec<PhotoMeta>> {
        let rows: Vec<MetaRow> = sqlx::query_as(
            "SELECT f.id, f.report_id, r.period, f.name, f.content_type, f.size, f.uploaded_at, u.display_name \
             FROM report_photos f JOIN reports r ON r.id = f.report_id JOIN projects p ON p.id = r.project_id \
             LEFT JOIN users u ON u.id = f.uploaded_by \
             WHERE r.period = $1 AND p.unit_id = $2 ORDER BY f.report_id, f.id",
        )
        .bind(period)
        .bind(unit_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(meta).collect())
    }

    /// One photo with its bytes.
    pub async fn photo(&self, id: i64) -> Result<Option<Photo>> {
        let row: Option<PhotoRow> =
            sqlx::query_as(
                "SELECT f.id, f.report_id, r.period, f.name, f.content_type, f.size, f.uploaded_at, u.display_name, \
                 p.unit_id, f.data FROM report_photos f JOIN reports r ON r.id = f.report_id \
                 JOIN projects p ON p.id = r.project_id LEFT JOIN users u ON u.id = f.uploaded_by WHERE f.id = $1",
            )
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| Photo {
            meta: meta((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7)),
            unit_id: r.8,
            data: r.9,
        }))
    }
}
