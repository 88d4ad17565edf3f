//! Regions, units, users and their sessions (SPEC §3.10, the base of it).

use argon2::password_hash::PasswordHasher;
use argon2::{Argon2, PasswordHash};
use domain::{Role, Unit, UnitKind};
use sha2::{Digest, Sha256};
use sqlx::{Any, AssertSqlSafe, Transaction};

use crate::{Result, Store, StoreError, now, on_unique};

/// How long a sign-in lasts: a working day and a night.
pub const SESSION_SECONDS: i64 = 16 * 3600;
/// A session not used for this long ends (unless the store is told otherwise).
pub const SESSION_IDLE_SECONDS: i64 = 8 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Region {
    pub id: i64,
    /// GB/T 2260 code, when the region is a county or above.
    pub code: Option<String>,
    pub name: String,
    pub parent_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    name: String,
    kind: String,
    region_id: Option<i64>,
}

impl UnitRow {
    fn into_unit(self) -> Unit {
        Unit {
            id: self.id,
            name: self.name,
            // Kinds are written by this crate only; an unknown one means a newer schema.
            kind: UnitKind::parse(&self.kind).unwrap_or(UnitKind::Department),
            region_id: self.region_id,
        }
    }
}

/// A user as the sign-in check needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_id: i64,
    pub active: i64,
}

/// The signed-in user behind a session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub unit_name: String,
    /// The password was set by someone else (a reset) and must be changed first.
    pub must_change_password: bool,
    /// The region the user is confined to, when they are (`None`: no region scope).
    pub region: Option<RegionScope>,
    /// Unread messages in their inbox (the header's count).
    pub unread: i64,
}

/// A user's region scope (辖区): the region and every region under it. Such a user reads and
/// acts on the projects of these regions only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegionScope {
    pub id: i64,
    pub name: String,
    /// The region and the regions under it, at any depth.
    pub ids: Vec<i64>,
}

impl RegionScope {
    /// Whether a project of `region` lies in the scope (a project with no region does not).
    pub fn holds(&self, region: Option<i64>) -> bool {
        region.is_some_and(|r| self.ids.contains(&r))
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    unit_id: i64,
    unit_name: String,
    must_change_password: i64,
    region_id: Option<i64>,
    region_name: Option<String>,
    unread: i64,
}

/// A user as the administration lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: String,
    /// The region scope's name (`None`: no region scope).
    pub region: Option<String>,
    #[serde(skip)]
    pub region_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    /// Unix seconds.
    pub last_sign_in: Option<i64>,
    /// Sessions still open.
    pub sessions: i64,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub unit_id: i64,
}

/// Hashes a password with argon2id (OWASP parameters). CPU-heavy: call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::BadUrl(format!("password hashing failed: {e}")))
}

thread_local! {
    /// Each thread's argon2 working memory (~19 MB), kept and reused. Allocated afresh for every
    /// check, the allocator keeps the freed blocks per thread (glibc raises its mmap threshold
    /// after the first free), so a burst of sign-ins left a server hundreds of MB larger.
    static ARGON2_BLOCKS: std::cell::RefCell<Vec<argon2::Block>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Checks a password against a stored hash (argon2 in PHC form, with the parameters it was
/// made with), in the calling thread's reused working memory. CPU-heavy: call it off the async
/// threads.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        argon2::Params::try_from(&parsed),
        argon2::Algorithm::try_from(parsed.algorithm.as_str()),
    ) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map(argon2::Version::try_from)
        .transpose()
        .map(Option::unwrap_or_default)
    else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = ARGON2_BLOCKS.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        argon2.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut memory[..blocks],
        )
    });
    // Output's equality is constant-time.
    hashed.is_ok()
        && argon2::password_hash::phc::Output::new(&out).is_ok_and(|computed| computed == *expected)
}

pub(crate) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits as hex: session tokens, the one-time setup link.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::BadUrl(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Store {
    pub async fn regions(&self) -> Result<Vec<Region>> {
        Ok(sqlx::query_as(
            "SELECT id, code, name, parent_id FROM regions ORDER BY code IS NULL, code, id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn create_region(
        &self,
        name: &str,
        code: Option<&str>,
        parent_id: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_region(&mut tx, name, code, parent_id).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    pub async fn units(&self) -> Result<Vec<Unit>> {
        let rows: Vec<UnitRow> =
            sqlx::query_as("SELECT id, name, kind, region_id FROM units ORDER BY kind, id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(UnitRow::into_unit).collect())
    }

    pub async fn unit_by_name(&self, name: &str) -> Result<Option<Unit>> {
        let row: Option<UnitRow> =
            sqlx::query_as("SELECT id, name, kind, region_id FROM units WHERE name = $1")
                .bind(name)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(UnitRow::into_unit))
    }

    pub async fn create_unit(
        &self,
        name: &str,
        kind: UnitKind,
        region_id: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_unit(&mut tx, name, kind, region_id).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    pub async fn create_user(&self, user: NewUser<'_>) -> Result<i64> {
        let hash = hash_password(user.password)?;
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, &user, &hash).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Every username, in order.
    pub async fn usernames(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT username FROM users ORDER BY username")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|(name,)| name).collect())
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, username, display_name, password_hash, role, unit_id, active FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Starts a session and returns its token; only the token's hash is stored, so a copy of
    /// the database does not let anyone sign in.
    pub async fn create_session(&self, user_id: i64) -> Result<String> {
        let token = new_token()?;
        let at = now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen) \
             VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(at)
        .bind(at + SESSION_SECONDS)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_sign_in = $1 WHERE id = $2")
            .bind(at)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(token)
    }

    /// The user behind a live session token, or `None` when unknown, expired (sixteen hours
    /// after sign-in, or idle longer than the store's idle time), or deactivated. A use marks
    /// the session as seen (at most once a minute, so reads stay reads).
    pub async fn session_user(&self, token: &str) -> Result<Option<SessionUser>> {
        let at = now();
        let hash = token_hash(token);
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, n.name AS unit_name, \
             u.must_change_password, u.region_id, r.name AS region_name, \
             (SELECT COUNT(*) FROM notifications m WHERE m.channel = 'inbox' \
              AND m.user_id = u.id AND m.read_at IS NULL) AS unread \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN units n ON n.id = u.unit_id \
             LEFT JOIN regions r ON r.id = u.region_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.active = 1",
        )
        .bind(&hash)
        .bind(at)
        .bind(at - self.session_idle)
        .fetch_optional(self.pool())
        .await?;
        if row.is_some() {
            sqlx::query(
                "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $3",
            )
            .bind(at)
            .bind(&hash)
            .bind(at - 60)
            .execute(self.pool())
            .await?;
        }
        let Some(r) = row else { return Ok(None) };
        let region = match r.region_id {
            Some(id) => Some(RegionScope {
                id,
                name: r.region_name.unwrap_or_default(),
                ids: self.regions_under(id).await?,
            }),
            None => None,
        };
        Ok(Role::parse(&r.role).map(|role| SessionUser {
            role,
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            must_change_password: r.must_change_password != 0,
            region,
            unread: r.unread,
        }))
    }

    /// A region and every region under it, at any depth.
    pub async fn regions_under(&self, id: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM regions WHERE id = $1 \
             UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) \
             SELECT id FROM sub ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Every user with their unit, state, last sign-in and open sessions, by username.
    pub async fn users(&self) -> Result<Vec<UserSummary>> {
        self.user_summaries(None).await
    }

    /// One user as the users page lists them, `None` when there is no such user.
    pub async fn user_summary(&self, username: &str) -> Result<Option<UserSummary>> {
        Ok(self
            .user_summaries(Some(username))
            .await?
            .into_iter()
            .next())
    }

    async fn user_summaries(&self, only: Option<&str>) -> Result<Vec<UserSummary>> {
        let filter = if only.is_some() {
            " WHERE u.username = $3"
        } else {
            ""
        };
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            i64,
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            i64,
            i64,
            Option<i64>,
            i64,
        )> = {
            let query = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT u.id, u.username, u.display_name, u.role, n.name, u.region_id, r.name, u.active, \
                 u.must_change_password, u.last_sign_in, \
                 (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > $1 \
                  AND s.last_seen > $2) \
                 FROM users u JOIN units n ON n.id = u.unit_id \
                 LEFT JOIN regions r ON r.id = u.region_id{filter} ORDER BY u.username"
            )))
            .bind(now())
            .bind(now() - self.session_idle);
            match only {
                Some(username) => query.bind(username).fetch_all(self.pool()).await?,
                None => query.fetch_all(self.pool()).await?,
            }
        };
        Ok(rows
            .into_iter()
            .filter_map(
                |(
                    id,
                    username,
                    display_name,
                    role,
                    unit,
                    region_id,
                    region,
                    active,
                    must,
                    last,
                    sessions,
                )| {
                    Some(UserSummary {
                        role: Role::parse(&role)?,
                        id,
                        username,
                        display_name,
                        unit,
                        region,
                        region_id,
                        active: active != 0,
                        must_change_password: must != 0,
                        last_sign_in: last,
                        sessions,
                    })
                },
            )
            .collect())
    }

    /// The first administrator of a new installation, with their unit: written only while the
    /// database has no user at all (checked inside the write, so two at once give one), else
    /// [`StoreError::Conflict`].
    pub async fn add_first_admin(&self, user: &NewUser<'_>, unit: &str) -> Result<i64> {
        let hash = hash_password(user.password)?;
        let mut tx = self.begin_write().await?;
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&mut *tx)
            .await?;
        if users > 0 {
            return Err(StoreError::Conflict { current: users });
        }
        let (unit_id, _) = unit_named(&mut tx, unit, domain::UnitKind::Department).await?;
        let new = NewUser {
            unit_id,
            role: Role::Admin,
            ..*user
        };
        let id = insert_user(&mut tx, &new, &hash).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Adds a user to the unit named `unit`, creating the unit (of `kind`) when there is none:
    /// both or neither (a taken username leaves no new unit behind). `must_change`: the
    /// password is a temporary one, to be changed at the first sign-in. `region_id`: the region
    /// the user is confined to, if any (one that does not exist is [`StoreError::Invalid`] and
    /// nothing is written). Returns the user's id and whether the unit was created.
    pub async fn add_user_in_unit(
        &self,
        user: &NewUser<'_>,
        unit: &str,
        kind: domain::UnitKind,
        must_change: bool,
        region_id: Option<i64>,
    ) -> Result<(i64, bool)> {
        let hash = hash_password(user.password)?;
        let mut tx = self.begin_write().await?;
        if let Some(id) = region_id {
            region_exists(&mut tx, id).await?;
        }
        let (unit_id, created) = unit_named(&mut tx, unit, kind).await?;
        let id = insert_user(&mut tx, &NewUser { unit_id, ..*user }, &hash).await?;
        if region_id.is_some() {
            sqlx::query("UPDATE users SET region_id = $1 WHERE id = $2")
                .bind(region_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if must_change {
            sqlx::query("UPDATE users SET must_change_password = 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        self.commit(tx).await?;
        Ok((id, created))
    }

    /// Disables (or enables again) a user; disabling ends their sessions.
    pub async fn set_user_active(&self, username: &str, active: bool) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET active = $1 WHERE username = $2")
            .bind(i64::from(active))
            .bind(username)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if !active {
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)",
            )
            .bind(username)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// Sets a user's password and ends their sessions. `must_change`: a temporary password set
    /// by an administrator, which its user must replace before anything else.
    pub async fn set_password(
        &self,
        user_id: i64,
        password: &str,
        must_change: bool,
    ) -> Result<()> {
        let hash = hash_password(password)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash(token))
            .bind(now())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// The unit named `name`, created (of `kind`) when there is none; whether it was created.
pub(crate) async fn unit_named(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    kind: domain::UnitKind,
) -> Result<(i64, bool)> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match found {
        Some((id,)) => (id, false),
        None => (insert_unit(tx, name, kind, None).await?, true),
    })
}

/// [`StoreError::Invalid`] unless region `id` exists.
pub(crate) async fn region_exists(tx: &mut Transaction<'static, Any>, id: i64) -> Result<()> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM regions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(vec![domain::bi(
            "所选区域不存在",
            "the chosen region does not exist",
        )])),
    }
}

impl Store {
    /// The region whose GB/T 2260 code or name is `text` (a code first; a name held by two
    /// regions is refused as ambiguous), else [`StoreError::Invalid`].
    pub async fn region_named(&self, text: &str) -> Result<i64> {
        let text = text.trim();
        let by_code: Option<(i64,)> = sqlx::query_as("SELECT id FROM regions WHERE code = $1")
            .bind(text)
            .fetch_optional(self.pool())
            .await?;
        if let Some((id,)) = by_code {
            return Ok(id);
        }
        let by_name: Vec<(i64,)> = sqlx::query_as("SELECT id FROM regions WHERE name = $1 LIMIT 2")
            .bind(text)
            .fetch_all(self.pool())
            .await?;
        region_by_name(text, &by_name)
    }
}

fn region_by_name(text: &str, by_name: &[(i64,)]) -> Result<i64> {
    match by_name {
        [(id,)] => Ok(*id),
        [] => Err(StoreError::Invalid(vec![domain::bi(
            format!("没有名称或代码为“{text}”的区域"),
            format!("no region is named or coded “{text}”"),
        )])),
        _ => Err(StoreError::Invalid(vec![domain::bi(
            format!("有多个区域名为“{text}”，请用区域代码"),
            format!("several regions are named “{text}”: give the region's code"),
        )])),
    }
}

pub(crate) async fn insert_region(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    code: Option<&str>,
    parent_id: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO regions (code, name, parent_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(parent_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        on_unique(
            e,
            "code",
            format!("行政区划代码 {} 已存在", code.unwrap_or_default()),
            format!("region code {} already exists", code.unwrap_or_default()),
        )
    })?;
    Ok(id)
}

pub(crate) async fn insert_unit(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    kind: UnitKind,
    region_id: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO units (name, kind, region_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(kind.code())
    .bind(region_id)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| on_unique(e, "name", format!("单位“{name}”已存在"), format!("unit “{name}” already exists")))?;
    Ok(id)
}

pub(crate) async fn insert_user(
    tx: &mut Transaction<'static, Any>,
    user: &NewUser<'_>,
    hash: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (username, display_name, password_hash, role, unit_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.username)
    .bind(user.display_name)
    .bind(hash)
    .bind(user.role.code())
    .bind(user.unit_id)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        on_unique(
            e,
            "username",
            format!("用户名“{}”已被使用", user.username),
            format!("username “{}” is taken", user.username),
        )
    })?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use argon2::password_hash::PasswordHasher;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("gongjian-demo").unwrap();
        assert!(verify_password("gongjian-demo", &hash));
        assert!(!verify_password("gongjian-dem0", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    /// A stored hash checks out whatever parameters it was made with (the reused working memory
    /// grows to the largest), and a wrong password, a damaged hash or another algorithm's
    /// string does not.
    #[test]
    fn passwords_check_against_their_hashes() {
        let default = hash_password("Longtian-2025-lin").unwrap();
        let small = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(1024, 2, 1, None).unwrap(),
        )
        .hash_password(b"Small-memory-pw")
        .unwrap()
        .to_string();
        for _ in 0..2 {
            assert!(verify_password("Longtian-2025-lin", &default));
            assert!(!verify_password("Longtian-2025-lim", &default));
            assert!(verify_password("Small-memory-pw", &small));
            assert!(!verify_password("Longtian-2025-lin", &small));
        }
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password(
            "x",
            &default.replace("argon2id", "argon2x")
        ));
        assert!(!verify_password("x", ""));
    }
}
