//! Files attached to a problem (批复、函件、现场照片), stored in the database and read by whoever
//! may read the problem.

use domain::bi;
use domain::problem::Status;

use crate::problems::ProblemViewer;
use crate::{Dialect, Result, Store, StoreError, now};

/// Files one problem may carry.
pub const ATTACHMENTS_PER_PROBLEM: i64 = 20;

/// An attachment without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: i64,
    pub problem_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
    /// The uploader's name, and their user id (who may remove it, with the lead office).
    pub uploaded_by: Option<String>,
    pub uploader_id: Option<i64>,
}

type MetaRow = (
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
);

const SELECT_META: &str = "SELECT a.id, a.problem_id, a.name, a.content_type, a.size, a.uploaded_at, \
     u.display_name, a.uploaded_by FROM problem_attachments a LEFT JOIN users u ON u.id = a.uploaded_by";

fn meta(
    (id, problem_id, name, content_type, size, uploaded_at, uploaded_by, uploader_id): MetaRow,
) -> AttachmentMeta {
    AttachmentMeta {
        id,
        problem_id,
        name,
        content_type,
        size,
        uploaded_at,
        uploaded_by,
        uploader_id,
    }
}

impl AttachmentMeta {
    /// Whether this viewer may remove it: its uploader or the lead office, while its problem
    /// is not closed off (see [`Store::remove_problem_attachment`]).
    pub fn removable_by(&self, viewer: &ProblemViewer, problem: Status) -> bool {
        problem != Status::Closed
            && (viewer.lead_office || self.uploader_id.is_some_and(|id| id == viewer.user_id))
    }
}

/// Refused once a problem is closed off (已销号): its file is complete; reopen it to change it.
fn closed_refusal() -> StoreError {
    StoreError::Rule(bi(
        "问题已销号，附件不能再增删；如需补充，请先重新打开问题",
        "the problem is closed off: its attachments can no longer change; reopen it first",
    ))
}

impl Store {
    /// The problem's status, its row locked for the rest of `tx` on PostgreSQL (SQLite's
    /// write transaction holds the one writer's lock already): so two uploads to one problem
    /// take turns and the count check holds.
    async fn locked_problem_status(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        problem_id: i64,
    ) -> Result<Status> {
        let sql = match self.dialect() {
            Dialect::Postgres => "SELECT status FROM problems WHERE id = $1 FOR UPDATE",
            Dialect::Sqlite => "SELECT status FROM problems WHERE id = $1",
        };
        let (status,): (String,) = sqlx::query_as(sql)
            .bind(problem_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        crate::problems::status_of(&status)
    }
}

impl Store {
    /// Attaches a file to a problem this viewer may see ([`StoreError::NotFound`] otherwise);
    /// refused past [`ATTACHMENTS_PER_PROBLEM`] and once the problem is closed off.
    pub async fn add_problem_attachment(
        &self,
        problem_id: i64,
        viewer: &ProblemViewer,
        name: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<i64> {
        if self.problem_for(problem_id, viewer).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let name: String = name.trim().chars().take(200).collect();
        let name = if name.is_empty() {
            "附件".to_string()
        } else {
            name
        };
        let mut tx = self.begin_write().await?;
        if self.locked_problem_status(&mut tx, problem_id).await? == Status::Closed {
            return Err(closed_refusal());
        }
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM problem_attachments WHERE problem_id = $1")
                .bind(problem_id)
                .fetch_one(&mut *tx)
                .await?;
        if count >= ATTACHMENTS_PER_PROBLEM {
            return Err(StoreError::Rule(bi(
                format!("每个问题最多 {ATTACHMENTS_PER_PROBLEM} 个附件"),
                format!("a problem takes at most {ATTACHMENTS_PER_PROBLEM} attachments"),
            )));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO problem_attachments (problem_id, name, content_type, size, data, uploaded_at, \
             uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(problem_id)
        .bind(name)
        .bind(content_type)
        .bind(i64::try_from(data.len()).unwrap_or(i64::MAX))
        .bind(data.to_vec())
        .bind(now())
        .bind(Some(viewer.user_id).filter(|id| *id > 0))
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Removes an attachment: its uploader may, and the lead office, while the problem is not
    /// closed off; recorded as a step of the problem (who and which file). The problem's id.
    /// [`StoreError::NotFound`] for an attachment of a problem this viewer may not see.
    pub async fn remove_problem_attachment(&self, id: i64, viewer: &ProblemViewer) -> Result<i64> {
        let Some(found) = self.problem_attachment_meta(id, viewer).await? else {
            return Err(StoreError::NotFound);
        };
        let mut tx = self.begin_write().await?;
        let status = self
            .locked_problem_status(&mut tx, found.problem_id)
            .await?;
        if status == Status::Closed {
            return Err(closed_refusal());
        }
        if !found.removable_by(viewer, status) {
            return Err(StoreError::Forbidden(bi(
                "只有上传者或总牵头单位可以删除附件",
                "only its uploader or the lead office may remove an attachment",
            )));
        }
        let gone = sqlx::query("DELETE FROM problem_attachments WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        crate::problems::note_in(
            &mut tx,
            found.problem_id,
            Some(viewer.user_id).filter(|id| *id > 0),
            &format!("删除附件：{}", found.name),
        )
        .await?;
        self.commit(tx).await?;
        Ok(found.problem_id)
    }

    /// A problem's attachments, in the order they came.
    pub async fn problem_attachments(&self, problem_id: i64) -> Result<Vec<AttachmentMeta>> {
        let rows: Vec<MetaRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_META} WHERE a.problem_id = $1 ORDER BY a.id"
        )))
        .bind(problem_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(meta).collect())
    }

    /// An attachment without its bytes, when this viewer may see its problem.
    pub async fn problem_attachment_meta(
        &self,
        id: i64,
        viewer: &ProblemViewer,
    ) -> Result<Option<AttachmentMeta>> {
        let found: Option<MetaRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_META} WHERE a.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(found) = found.map(meta) else {
            return Ok(None);
        };
        let visible = self.problem_for(found.problem_id, viewer).await?.is_some();
        Ok(visible.then_some(found))
    }

    /// An attachment with its bytes, when this viewer may see its problem (the bytes are read
    /// only then).
    pub async fn problem_attachment(
        &self,
        id: i64,
        viewer: &ProblemViewer,
    ) -> Result<Option<(AttachmentMeta, Vec<u8>)>> {
        let Some(meta) = self.problem_attachment_meta(id, viewer).await? else {
            return Ok(None);
        };
        let data: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT data FROM problem_attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(data.map(|(data,)| (meta, data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_remove_an_attachment() {
        let file = |uploader: Option<i64>| AttachmentMeta {
            id: 1,
            problem_id: 2,
            name: "批复.pdf".into(),
            content_type: "application/pdf".into(),
            size: 10,
            uploaded_at: 0,
            uploaded_by: None,
            uploader_id: uploader,
        };
        let viewer = |user_id: i64, lead_office: bool| ProblemViewer {
            user_id,
            unit_id: 9,
            sees_all: lead_office,
            lead_office,
            within: None,
        };
        assert!(file(Some(5)).removable_by(&viewer(5, false), Status::InProgress));
        assert!(!file(Some(5)).removable_by(&viewer(6, false), Status::InProgress));
        assert!(!file(None).removable_by(&viewer(0, false), Status::Open));
        assert!(file(Some(5)).removable_by(&viewer(6, true), Status::Resolved));
        // Closed off: nobody.
        assert!(!file(Some(5)).removable_by(&viewer(5, false), Status::Closed));
        assert!(!file(Some(5)).removable_by(&viewer(6, true), Status::Closed));
    }
}
