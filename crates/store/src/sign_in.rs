//! Failed sign-ins, so that further attempts wait (`domain::signin`): by the username tried
//! and by the client's address. Stored, not held in memory, so several instances behind one
//! PostgreSQL share the count. An attempt is recorded as a failure of its username before its
//! password is checked (attempts at one account made at once count each other), charged to
//! its address when it fails, and forgotten if it succeeds.

use crate::{Result, Store, now};

/// Failures are kept this long (the rule looks back fifteen minutes).
const KEPT_SECS: i64 = 24 * 60 * 60;

/// The recent failures (unix seconds) of one username and of one client address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInFailures {
    pub username: Vec<i64>,
    pub address: Vec<i64>,
}

impl Store {
    /// The failures since `since` of `username` (as typed, trimmed) and of `address`.
    pub async fn sign_in_failures(
        &self,
        username: &str,
        address: Option<&str>,
        since: i64,
    ) -> Result<SignInFailures> {
        self.sign_in_failures_before(username, address, since, i64::MAX)
            .await
    }

    /// The failures since `since` recorded before attempt `before` (its id): what an attempt
    /// recorded at its start is judged by.
    pub async fn sign_in_failures_before(
        &self,
        username: &str,
        address: Option<&str>,
        since: i64,
        before: i64,
    ) -> Result<SignInFailures> {
        let username: Vec<(i64,)> = sqlx::query_as(
            "SELECT at FROM sign_in_failures WHERE username = $1 AND at >= $2 AND cleared = 0 \
             AND id < $3",
        )
        .bind(username.trim())
        .bind(since)
        .bind(before)
        .fetch_all(self.pool())
        .await?;
        let address: Vec<(i64,)> =
            match address {
                Some(address) => sqlx::query_as(
                    "SELECT at FROM sign_in_failures WHERE address = $1 AND at >= $2 AND id < $3",
                )
                .bind(address)
                .bind(since)
                .bind(before)
                .fetch_all(self.pool())
                .await?,
                None => Vec::new(),
            };
        Ok(SignInFailures {
            username: username.into_iter().map(|(at,)| at).collect(),
            address: address.into_iter().map(|(at,)| at).collect(),
        })
    }

    /// Records a sign-in attempt as failed until it is known to have succeeded (and forgets
    /// failures older than a day); returns its id.
    pub async fn record_sign_in_failure(
        &self,
        username: &str,
        address: Option<&str>,
    ) -> Result<i64> {
        let at = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
            .bind(at - KEPT_SECS)
            .execute(&mut *tx)
            .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO sign_in_failures (username, address, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(username.trim())
        .bind(address)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// An attempt that failed, charged to the address it came from. (Recorded without one at
    /// its start: while in flight it counts against its username only, so many people signing
    /// in at once behind one office address are not slowed by each other.)
    pub async fn charge_sign_in_attempt(&self, id: i64, address: Option<&str>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let username: Option<(String,)> = sqlx::query_as(
            "UPDATE sign_in_failures SET address = $1 WHERE id = $2 RETURNING username",
        )
        .bind(address)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((username,)) = username {
            // The failures table is kept a day; the log keeps each failure.
            self.audit_note(
                &mut tx,
                "sign_in",
                &username,
                "failed",
                serde_json::json!({ "username": username, "address": address }),
            )
            .await?;
        }
        self.commit(tx).await
    }

    /// An attempt that turned out not to be a failure (it succeeded, or was never tried
    /// because it had to wait) is forgotten.
    pub async fn forget_sign_in_attempt(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// After a successful sign-in: the username's failures no longer count (its address's do,
    /// so one place trying many accounts stays slowed).
    pub async fn clear_sign_in_failures(&self, username: &str) -> Result<()> {
        sqlx::query("UPDATE sign_in_failures SET cleared = 1 WHERE username = $1")
            .bind(username.trim())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
