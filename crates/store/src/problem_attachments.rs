//! Files attached to a problem (批复、函件、现场照片), stored in the database and read by whoever
//! may read the problem.

use domain::bi;

use crate::problems::ProblemViewer;
use crate::{Result, Store, StoreError, now};

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
    pub uploaded_by: Option<String>,
}

type MetaRow = (i64, i64, String, String, i64, i64, Option<String>);

const SELECT_META: &str = "SELECT a.id, a.problem_id, a.name, a.content_type, a.size, a.uploaded_at, \
     u.display_name FROM problem_attachments a LEFT JOIN users u ON u.id = a.uploaded_by";

fn meta(
    (id, problem_id, name, content_type, size, uploaded_at, uploaded_by): MetaRow,
) -> AttachmentMeta {
    AttachmentMeta {
        id,
        problem_id,
        name,
        content_type,
        size,
        uploaded_at,
        uploaded_by,
    }
}

impl Store {
    /// Attaches a file to a problem this viewer may see ([`StoreError::NotFound`] otherwise);
    /// refused past [`ATTACHMENTS_PER_PROBLEM`].
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
        tx.commit().await?;
        Ok(id)
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

    /// An attachment with its bytes, when this viewer may see its problem.
    pub async fn problem_attachment(
        &self,
        id: i64,
        viewer: &ProblemViewer,
    ) -> Result<Option<(AttachmentMeta, Vec<u8>)>> {
        type Row = (i64, i64, String, String, i64, i64, Option<String>, Vec<u8>);
        let found: Option<Row> = sqlx::query_as(
            "SELECT a.id, a.problem_id, a.name, a.content_type, a.size, a.uploaded_at, \
             u.display_name, a.data FROM problem_attachments a \
             LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some((a, b, c, d, e, f, g, data)) = found else {
            return Ok(None);
        };
        let row = (a, b, c, d, e, f, g);
        let meta = meta(row);
        if self.problem_for(meta.problem_id, viewer).await?.is_none() {
            return Ok(None);
        }
        Ok(Some((meta, data)))
    }
}
