//! Workbooks kept between an import's check and its confirmation (migration 0033), each its
//! uploader's, for a day.

use crate::{Result, Store, now};

/// How long an upload waits for its confirmation.
pub const KEPT_SECONDS: i64 = 24 * 3600;

/// An upload waiting for its confirmation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeptUpload {
    pub id: i64,
    /// `ledger`, `reports` or `problems`.
    pub kind: String,
    /// The file's name as uploaded.
    pub name: String,
    /// The reporting period a progress sheet is for.
    pub period: Option<String>,
    pub data: Vec<u8>,
}

impl Store {
    /// Keeps an upload for `user_id`; uploads older than a day go.
    pub async fn keep_upload(
        &self,
        user_id: i64,
        kind: &str,
        name: &str,
        period: Option<&str>,
        data: &[u8],
    ) -> Result<i64> {
        let at = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM kept_uploads WHERE created_at < $1")
            .bind(at - KEPT_SECONDS)
            .execute(&mut *tx)
            .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO kept_uploads (user_id, kind, name, period, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(kind)
        .bind(name)
        .bind(period)
        .bind(data)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// `user_id`'s upload `id`, unless it is someone else's or older than a day.
    pub async fn kept_upload(&self, id: i64, user_id: i64) -> Result<Option<KeptUpload>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, name, period, data FROM kept_uploads \
             WHERE id = $1 AND user_id = $2 AND created_at >= $3",
        )
        .bind(id)
        .bind(user_id)
        .bind(now() - KEPT_SECONDS)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Forgets an upload once imported. Whether it was still there: a second confirmation of
    /// one upload (a double click) finds it gone.
    pub async fn drop_upload(&self, id: i64, user_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM kept_uploads WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }
}
