//! Messages to people (migration 0036): the outbox that is also the delivery record, the in-app
//! inbox, the leases that make a scheduled job run once across instances, the channels set up
//! in the administration pages, and users' contact details.
//!
//! A message is one recipient on one channel. Its `dedup` key says what makes it the same
//! message, so recording a day's reminders again adds nothing. A message leaves `pending` only
//! by being claimed (`sending`, by one instance); a failure puts it back with a later `next_at`
//! until it is given up (`failed`). A claim an instance never finished is not sent again: the
//! robot may have posted it, and a message is never sent twice.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::AssertSqlSafe;

use crate::{Dialect, Result, Store, StoreError, now};

/// A message to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outgoing {
    pub dedup: String,
    pub as_of: NaiveDate,
    pub kind: String,
    /// `inbox`, `wecom`, `dingtalk`, `email` or `sms`.
    pub channel: String,
    /// The username (inbox), the robot's name, the e-mail address or the mobile number.
    pub target: String,
    pub user_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub subject: String,
    pub subject_en: String,
    pub body: String,
    pub body_en: String,
    pub link: String,
    /// Mobile numbers a group robot @s.
    pub mentions: Vec<String>,
}

/// A message claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub target: String,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub mentions: String,
    pub attempts: i64,
}

impl Claimed {
    pub fn mentions(&self) -> Vec<String> {
        self.mentions
            .split('|')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A message as the inbox and the delivery record show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub as_of: String,
    pub kind: String,
    pub channel: String,
    pub target: String,
    pub user_id: Option<i64>,
    pub subject: String,
    pub subject_en: String,
    pub body: String,
    pub body_en: String,
    pub link: String,
    pub state: String,
    pub attempts: i64,
    /// When it is tried next, while pending.
    pub next_at: i64,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub read_at: Option<i64>,
    pub last_error: Option<String>,
}

const NOTIFICATION: &str = "SELECT id, as_of, kind, channel, target, user_id, subject, \
     subject_en, body, body_en, link, state, attempts, next_at, created_at, sent_at, read_at, \
     last_error \
     FROM notifications";

/// Which deliveries the record lists.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub channel: Option<String>,
    pub state: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub limit: i64,
}

/// A user as messages reach them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: i64,
    pub mobile: Option<String>,
    pub email: Option<String>,
}

/// A channel set up in the administration pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StoredChannel {
    pub id: i64,
    pub kind: String,
    pub name: String,
    /// `None`: the lead office's group.
    pub unit_id: Option<i64>,
    pub url: String,
    #[serde(skip)]
    pub secret: Option<String>,
    pub settings: String,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: i64,
    kind: String,
    name: String,
    unit_id: Option<i64>,
    url: String,
    secret: Option<String>,
    settings: String,
    active: i64,
}

/// A channel to add.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub kind: String,
    pub name: String,
    pub unit_id: Option<i64>,
    pub url: String,
    pub secret: Option<String>,
    pub settings: String,
}

/// How long a claim may stay unfinished before it is taken for interrupted.
pub const SENDING_SECONDS: i64 = 600;

impl Store {
    /// Records messages; one already recorded (the same `dedup`) is left as it is. Returns, for
    /// each message, whether it is new. Inbox messages are delivered as they are recorded.
    pub async fn record_notifications(&self, messages: &[Outgoing]) -> Result<Vec<bool>> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let mut new = Vec::with_capacity(messages.len());
        for m in messages {
            let inbox = m.channel == "inbox";
            let mentions = if m.mentions.is_empty() {
                String::new()
            } else {
                format!("|{}|", m.mentions.join("|"))
            };
            let id: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO notifications (dedup, as_of, kind, channel, target, user_id, \
                 unit_id, subject, subject_en, body, body_en, link, mentions, state, attempts, \
                 next_at, created_at, sent_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $16, $17) ON CONFLICT (dedup) DO NOTHING RETURNING id",
            )
            .bind(&m.dedup)
            .bind(m.as_of.to_string())
            .bind(&m.kind)
            .bind(&m.channel)
            .bind(&m.target)
            .bind(m.user_id)
            .bind(m.unit_id)
            .bind(&m.subject)
            .bind(&m.subject_en)
            .bind(&m.body)
            .bind(&m.body_en)
            .bind(&m.link)
            .bind(mentions)
            .bind(if inbox { "sent" } else { "pending" })
            .bind(i64::from(inbox))
            .bind(at)
            .bind(inbox.then_some(at))
            .fetch_optional(&mut *tx)
            .await?;
            new.push(id.is_some());
        }
        self.commit(tx).await?;
        Ok(new)
    }

    /// Of these keys, those already recorded (a dry run's "nothing new").
    pub async fn recorded_notifications(&self, dedups: &[String]) -> Result<Vec<bool>> {
        let mut known = Vec::with_capacity(dedups.len());
        for chunk in dedups.chunks(500) {
            let list = crate::projects::placeholders(self.dialect(), 1, chunk.len());
            let sql = format!("SELECT dedup FROM notifications WHERE dedup IN ({list})");
            let mut q = sqlx::query_as::<_, (String,)>(AssertSqlSafe(sql));
            for d in chunk {
                q = q.bind(d);
            }
            let found: std::collections::HashSet<String> = q
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .map(|(d,)| d)
                .collect();
            known.extend(chunk.iter().map(|d| found.contains(d)));
        }
        Ok(known)
    }

    /// Claims up to `limit` messages due for sending for `holder`; no other instance gets them.
    /// Claims left unfinished longer than [`SENDING_SECONDS`] are given up first, not resent.
    pub async fn claim_notifications(&self, holder: &str, limit: i64) -> Result<Vec<Claimed>> {
        let at = now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE notifications SET state = 'failed', holder = NULL, last_error = $1 \
             WHERE state = 'sending' AND next_at < $2",
        )
        .bind("发送中断，为免重复不再重发 / interrupted while sending; not sent again so it is never sent twice")
        .bind(at - SENDING_SECONDS)
        .execute(&mut *tx)
        .await?;
        // PostgreSQL: instances claiming at once pass over each other's rows; SQLite's one
        // writer already takes them in turn.
        let lock = match self.dialect() {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE notifications SET state = 'sending', holder = $1, attempts = attempts + 1, \
             next_at = $2 WHERE id IN (SELECT id FROM notifications \
             WHERE state = 'pending' AND next_at <= $2 ORDER BY id LIMIT $3{lock}) \
             RETURNING id, channel, target, subject, body, link, mentions, attempts"
        );
        let mut claimed: Vec<Claimed> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(holder)
            .bind(at)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        self.commit(tx).await?;
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    /// A claimed message went out.
    pub async fn notification_sent(&self, id: i64, holder: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE notifications SET state = 'sent', sent_at = $1, holder = NULL, \
             last_error = NULL WHERE id = $2 AND holder = $3 AND state = 'sending'",
        )
        .bind(now())
        .bind(id)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    /// A claimed message did not go out: tried again at `retry_at`, or given up with `None`.
    pub async fn notification_failed(
        &self,
        id: i64,
        holder: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE notifications SET state = $1, next_at = $2, holder = NULL, last_error = $3 \
             WHERE id = $4 AND holder = $5 AND state = 'sending'",
        )
        .bind(if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        })
        .bind(retry_at.unwrap_or_else(now))
        .bind(error)
        .bind(id)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    /// A claimed message put back unsent until `next_at` (a robot's rate limit): not an attempt.
    pub async fn notification_later(&self, id: i64, holder: &str, next_at: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE notifications SET state = 'pending', next_at = $1, holder = NULL, \
             attempts = attempts - 1 WHERE id = $2 AND holder = $3 AND state = 'sending'",
        )
        .bind(next_at)
        .bind(id)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    /// The state of messages by key, for a run's report: state and last error.
    pub async fn notification_states(
        &self,
        dedups: &[String],
    ) -> Result<std::collections::HashMap<String, (String, Option<String>)>> {
        let mut found = std::collections::HashMap::new();
        for chunk in dedups.chunks(500) {
            let list = crate::projects::placeholders(self.dialect(), 1, chunk.len());
            let sql = format!(
                "SELECT dedup, state, last_error FROM notifications WHERE dedup IN ({list})"
            );
            let mut q = sqlx::query_as::<_, (String, String, Option<String>)>(AssertSqlSafe(sql));
            for d in chunk {
                q = q.bind(d);
            }
            for (d, state, error) in q.fetch_all(self.pool()).await? {
                found.insert(d, (state, error));
            }
        }
        Ok(found)
    }

    /// A user's inbox, newest first.
    pub async fn inbox(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "{NOTIFICATION} WHERE channel = 'inbox' AND user_id = $1 ORDER BY id DESC LIMIT $2"
        )))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Unread messages in a user's inbox.
    pub async fn unread_count(&self, user_id: i64) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM notifications \
             WHERE channel = 'inbox' AND user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// Marks one of a user's inbox messages read (`None`: all of them). How many were unread.
    pub async fn mark_read(&self, user_id: i64, id: Option<i64>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE channel = 'inbox' AND user_id = $2 \
             AND read_at IS NULL AND ($3 = 0 OR id = $3)",
        )
        .bind(now())
        .bind(user_id)
        .bind(id.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected())
    }

    /// One of a user's inbox messages.
    pub async fn inbox_item(&self, user_id: i64, id: i64) -> Result<Option<Notification>> {
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "{NOTIFICATION} WHERE channel = 'inbox' AND user_id = $1 AND id = $2"
        )))
        .bind(user_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The delivery record, newest first.
    pub async fn deliveries(&self, filter: &DeliveryFilter) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "{NOTIFICATION} WHERE ($1 = '' OR channel = $1) AND ($2 = '' OR state = $2) \
             AND ($3 = '' OR as_of = $3) ORDER BY id DESC LIMIT $4"
        )))
        .bind(filter.channel.clone().unwrap_or_default())
        .bind(filter.state.clone().unwrap_or_default())
        .bind(filter.as_of.map(|d| d.to_string()).unwrap_or_default())
        .bind(if filter.limit > 0 { filter.limit } else { 200 })
        .fetch_all(self.pool())
        .await?)
    }

    /// Takes the lease of a job's slot for `seconds`: true when this holder now runs it. A slot
    /// that ran is never taken again; one whose holder's lease ran out is taken over.
    pub async fn take_lease(
        &self,
        job: &str,
        slot: &str,
        holder: &str,
        seconds: i64,
    ) -> Result<bool> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query(
            "INSERT INTO job_leases (job, slot, holder, lease_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (job, slot) DO UPDATE SET holder = excluded.holder, \
             lease_until = excluded.lease_until \
             WHERE job_leases.done_at IS NULL AND job_leases.lease_until < $5",
        )
        .bind(job)
        .bind(slot)
        .bind(holder)
        .bind(at + seconds)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(taken.rows_affected() == 1)
    }

    /// Marks a job's slot as run by its holder.
    pub async fn finish_lease(&self, job: &str, slot: &str, holder: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE job_leases SET done_at = $1 WHERE job = $2 AND slot = $3 AND holder = $4",
        )
        .bind(now())
        .bind(job)
        .bind(slot)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    /// Every active user with how to reach them.
    pub async fn contacts(&self) -> Result<Vec<Contact>> {
        Ok(sqlx::query_as(
            "SELECT id, username, display_name, role, unit_id, mobile, email FROM users \
             WHERE active = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Sets a user's mobile number and e-mail address (empty: none), checked.
    pub async fn set_contact(
        &self,
        username: &str,
        mobile: Option<&str>,
        email: Option<&str>,
    ) -> Result<()> {
        let mobile = mobile.map(str::trim).filter(|m| !m.is_empty());
        let email = email.map(str::trim).filter(|m| !m.is_empty());
        if let Some(m) = mobile
            && !valid_mobile(m)
        {
            return Err(StoreError::Rule(domain::Bilingual {
                zh: format!("手机号“{m}”无效，应为以1开头的11位数字"),
                en: format!("the mobile number “{m}” is not valid: 11 digits starting with 1"),
            }));
        }
        if let Some(e) = email
            && !valid_email(e)
        {
            return Err(StoreError::Rule(domain::Bilingual {
                zh: format!("电子邮箱“{e}”无效"),
                en: format!("the e-mail address “{e}” is not valid"),
            }));
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET mobile = $1, email = $2 WHERE username = $3")
            .bind(mobile)
            .bind(email)
            .bind(username)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(tx).await
    }

    /// A user's mobile number and e-mail address.
    pub async fn contact_of(&self, user_id: i64) -> Result<(Option<String>, Option<String>)> {
        Ok(
            sqlx::query_as("SELECT mobile, email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?
                .unwrap_or((None, None)),
        )
    }

    /// The channels set up in the administration pages.
    pub async fn stored_channels(&self) -> Result<Vec<StoredChannel>> {
        let rows: Vec<ChannelRow> = sqlx::query_as(
            "SELECT id, kind, name, unit_id, url, secret, settings, active FROM notify_channels \
             ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| StoredChannel {
                id: r.id,
                kind: r.kind,
                name: r.name,
                unit_id: r.unit_id,
                url: r.url,
                secret: r.secret,
                settings: r.settings,
                active: r.active != 0,
            })
            .collect())
    }

    /// Adds a channel (its name is unique).
    pub async fn add_channel(&self, c: &NewChannel) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO notify_channels (kind, name, unit_id, url, secret, settings) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&c.kind)
        .bind(&c.name)
        .bind(c.unit_id)
        .bind(&c.url)
        .bind(&c.secret)
        .bind(&c.settings)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            crate::on_unique(
                e,
                "name",
                format!("已有名为“{}”的通道", c.name),
                format!("a channel named “{}” exists already", c.name),
            )
        })?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Removes a channel.
    pub async fn remove_channel(&self, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM notify_channels WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(tx).await
    }
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn valid_mobile(m: &str) -> bool {
    m.len() == 11 && m.starts_with('1') && m.bytes().all(|b| b.is_ascii_digit())
}

/// An address with one `@`, something before it and a dotted domain after it, no spaces.
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e.chars().any(char::is_whitespace)
}
