//! What the administrator does to users beyond creating them: change a user's role or unit,
//! see and end their sessions one by one, and issue a one-time link to set a new password
//! (migration 0034).

use domain::{Role, UnitKind};

use crate::people::token_hash;
use crate::{Result, Store, StoreError, new_token, now};

/// How long a reset link works.
pub const RESET_SECONDS: i64 = 24 * 3600;

/// One of a user's sessions, named by the start of its token's hash (the token itself is
/// never stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    pub last_seen: i64,
    pub expires_at: i64,
}

/// Length of a session's shown id.
const SESSION_ID_CHARS: usize = 16;

impl Store {
    /// Changes a user's role, unit (found or created by name, as when adding a user) and
    /// region scope (`None` lifts it); their sessions end, so what they may do changes at
    /// once. A region that does not exist is [`StoreError::Invalid`] and nothing changes.
    pub async fn change_user(
        &self,
        username: &str,
        role: Role,
        unit: &str,
        kind: UnitKind,
        region_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if let Some(id) = region_id {
            crate::people::region_exists(&mut tx, id).await?;
        }
        let unit_id = crate::people::unit_named(&mut tx, unit, kind).await?.0;
        let done = sqlx::query(
            "UPDATE users SET role = $1, unit_id = $2, region_id = $3, version = version + 1 \
             WHERE username = $4",
        )
        .bind(role.code())
        .bind(unit_id)
        .bind(region_id)
        .bind(username)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    /// A user's live sessions, latest first.
    pub async fn user_sessions(&self, username: &str) -> Result<Vec<SessionInfo>> {
        let at = now();
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT s.token_hash, s.created_at, s.last_seen, s.expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE u.username = $1 AND s.expires_at > $2 AND s.last_seen > $3 \
             ORDER BY s.created_at DESC",
        )
        .bind(username)
        .bind(at)
        .bind(at - self.session_idle)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(hash, created_at, last_seen, expires_at)| SessionInfo {
                id: hash.chars().take(SESSION_ID_CHARS).collect(),
                created_at,
                last_seen,
                expires_at,
            })
            .collect())
    }

    /// Ends one of a user's sessions; [`StoreError::NotFound`] when it is not theirs or over.
    pub async fn revoke_session(&self, username: &str, session: &str) -> Result<()> {
        if session.len() != SESSION_ID_CHARS || !session.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM sessions WHERE substr(token_hash, 1, 16) = $1 \
             AND user_id = (SELECT id FROM users WHERE username = $2)",
        )
        .bind(session)
        .bind(username)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit_note(
            &mut tx,
            "sessions",
            username,
            "revoked",
            serde_json::json!({ "username": username, "session": session }),
        )
        .await?;
        self.commit(tx).await
    }

    /// A one-time link's token for `username` to set a new password, valid a day; earlier
    /// links of theirs stop working.
    pub async fn issue_password_reset(&self, username: &str) -> Result<String> {
        let token = new_token()?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let user: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
        let (user_id,) = user.ok_or(StoreError::NotFound)?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 OR expires_at <= $2")
            .bind(user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(at)
        .bind(at + RESET_SECONDS)
        .execute(&mut *tx)
        .await?;
        self.audit_note(
            &mut tx,
            "password_resets",
            username,
            "issued",
            serde_json::json!({ "username": username, "expires_at": at + RESET_SECONDS }),
        )
        .await?;
        self.commit(tx).await?;
        Ok(token)
    }

    /// The username a reset link is for, while it works.
    pub async fn password_reset_user(&self, token: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT u.username FROM password_resets r JOIN users u ON u.id = r.user_id \
             WHERE r.token_hash = $1 AND r.expires_at > $2 AND u.active = 1",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Uses a reset link: sets the password the user chose (not one to change again) and ends
    /// their sessions; the link works no more. `None` when it does not work (used, expired).
    /// The caller names the user in the audit context first ([`Store::password_reset_user`]).
    pub async fn use_password_reset(&self, token: &str, password: &str) -> Result<Option<String>> {
        let hash = crate::hash_password(password)?;
        let mut tx = self.begin_write().await?;
        let row: Option<(i64,)> = sqlx::query_as(
            "DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2 \
             RETURNING user_id",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id,)) = row else {
            return Ok(None);
        };
        let (username,): (String,) = sqlx::query_as("SELECT username FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = 0, version = version + 1 \
             WHERE id = $2 AND active = 1",
        )
        .bind(hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(Some(username))
    }
}

/// A unit as the units page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitSummary {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
    pub region_id: Option<i64>,
    pub version: i64,
    pub users: i64,
    pub projects: i64,
}

impl Store {
    /// Every unit with how many users and projects it has, by name.
    pub async fn unit_summaries(&self) -> Result<Vec<UnitSummary>> {
        type Row = (i64, String, String, Option<i64>, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT n.id, n.name, n.kind, n.region_id, n.version, \
             (SELECT COUNT(*) FROM users u WHERE u.unit_id = n.id), \
             (SELECT COUNT(*) FROM projects p WHERE p.unit_id = n.id) \
             FROM units n ORDER BY n.name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, kind, region_id, version, users, projects)| UnitSummary {
                    id,
                    name,
                    kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Department),
                    region_id,
                    version,
                    users,
                    projects,
                },
            )
            .collect())
    }

    /// Renames a unit or changes its kind or region; `version` is the one the editor read.
    pub async fn update_unit(
        &self,
        id: i64,
        version: i64,
        name: &str,
        kind: UnitKind,
        region_id: Option<i64>,
    ) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Rule(domain::bi(
                "请填写单位名称",
                "the unit needs a name",
            )));
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE units SET name = $1, kind = $2, region_id = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(name)
        .bind(kind.code())
        .bind(region_id)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            crate::on_unique(
                e,
                "name",
                format!("已有名为“{name}”的单位"),
                format!("there is already a unit named “{name}”"),
            )
        })?;
        if done.rows_affected() == 0 {
            let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM units WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match current {
                Some((current,)) => StoreError::Conflict { current },
                None => StoreError::NotFound,
            });
        }
        self.commit(tx).await
    }
}
