//! The audit log (审计日志): every change to every table that holds something of its own, in
//! one chain (migration 0031).
//!
//! - **Written by the database.** Triggers generated from the catalog (`catalog.rs`) append an
//!   entry for each inserted, updated or deleted row — the table, the row's key, the old and
//!   the new row as JSON (secrets left out, files by size) — in the same transaction as the
//!   change (of the append-only history tables, only updates and deletions: `catalog.rs`). No write path can forget it, and a change made by hand outside the application is
//!   recorded too (as source `database`, with nobody's name).
//! - **Who and from where** come from the task's [`AuditContext`], which the web layer sets for
//!   each request (the signed-in user, page or API, the client's address) and the CLI for each
//!   command. [`Store::begin_write`] hands it to the transaction.
//! - **Sealed in a chain.** [`Store::commit`] gives each new entry the next `seq` and
//!   `hash = SHA-256(JSON [seq, prev_hash, at, actor, source, address, object, object_id,
//!   action, old, new])`, and moves the head (`audit_head`), before the transaction commits.
//!   On PostgreSQL the head's row is locked for that moment, so chains do not fork.
//! - [`Store::audit_verify`] recomputes the chain and names the first entry that does not fit;
//!   the head (seq and hash) printed in a bulletin lets a third party check later that nothing
//!   before it was rewritten.

use std::cell::RefCell;
use std::future::Future;

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{Any, AssertSqlSafe, Transaction};

use crate::catalog::{ColumnKind, SECRETS, Table};
use crate::{Dialect, Result, Store, now};

/// Where a change was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditSource {
    /// A page in the browser.
    Page,
    /// The JSON API.
    Api,
    /// An import of a spreadsheet or notice (from either).
    Import,
    /// The command line.
    Cli,
    /// The application on its own (a scheduled task, a test).
    System,
}

impl AuditSource {
    pub fn key(self) -> &'static str {
        match self {
            AuditSource::Page => "page",
            AuditSource::Api => "api",
            AuditSource::Import => "import",
            AuditSource::Cli => "cli",
            AuditSource::System => "system",
        }
    }
}

/// Label of a stored source, Chinese and English (`database`: outside the application).
pub fn source_label(key: &str) -> (&'static str, &'static str) {
    match key {
        "page" => ("页面", "page"),
        "api" => ("接口", "API"),
        "import" => ("导入", "import"),
        "cli" => ("命令行", "command line"),
        "system" => ("系统", "system"),
        "database" => ("数据库直接修改", "changed in the database directly"),
        _ => ("其他", "other"),
    }
}

/// Who is changing things, and from where.
#[derive(Clone, Debug)]
pub struct AuditContext {
    pub actor: Option<String>,
    pub source: AuditSource,
    pub address: Option<String>,
}

impl AuditContext {
    pub fn new(source: AuditSource) -> AuditContext {
        AuditContext {
            actor: None,
            source,
            address: None,
        }
    }
}

tokio::task_local! {
    static CONTEXT: RefCell<AuditContext>;
}

/// Runs `work` with `context` as the author of every change it makes.
pub async fn with_audit<F: Future>(context: AuditContext, work: F) -> F::Output {
    CONTEXT.scope(RefCell::new(context), work).await
}

/// Names the user once they are known (a session read, a sign-in), for the rest of the task.
pub fn audit_actor(username: &str) {
    let _ = CONTEXT.try_with(|c| c.borrow_mut().actor = Some(username.to_string()));
}

/// Marks the rest of the task's changes as an import.
pub fn audit_source(source: AuditSource) {
    let _ = CONTEXT.try_with(|c| c.borrow_mut().source = source);
}

fn current() -> AuditContext {
    CONTEXT
        .try_with(|c| c.borrow().clone())
        .unwrap_or(AuditContext::new(AuditSource::System))
}

/// Entries sealed per read.
const SEAL_BATCH: i64 = 2000;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Its place in the chain; `None` until sealed.
    pub seq: Option<i64>,
    pub at: i64,
    pub actor: Option<String>,
    pub source: String,
    pub address: Option<String>,
    pub object: String,
    pub object_id: Option<String>,
    pub action: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

type EntryRow = (
    i64,
    Option<i64>,
    i64,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

const ENTRY_COLUMNS: &str = "id, seq, at, actor, source, address, object, object_id, action, \
                             old, new, prev_hash, hash";

fn entry(r: EntryRow) -> AuditEntry {
    AuditEntry {
        id: r.0,
        seq: r.1,
        at: r.2,
        actor: r.3,
        source: r.4,
        address: r.5,
        object: r.6,
        object_id: r.7,
        action: r.8,
        old: r.9,
        new: r.10,
        prev_hash: r.11,
        hash: r.12,
    }
}

/// The hash of an entry at `seq` after `prev`: SHA-256 of its content as one JSON array.
pub fn entry_hash(seq: i64, prev: &str, e: &AuditEntry) -> String {
    let content = serde_json::json!([
        seq,
        prev,
        e.at,
        e.actor,
        e.source,
        e.address,
        e.object,
        e.object_id,
        e.action,
        e.old,
        e.new
    ]);
    hex(&Sha256::digest(content.to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// A table, or `table:key` for one row.
    pub object: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// What a verification found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditCheck {
    /// Sealed entries checked.
    pub entries: i64,
    /// The last sealed entry's seq and hash, as the head records them.
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry that does not fit, and why.
    pub broken: Option<BrokenEntry>,
    /// Entries not yet sealed (written in the database directly since the last change made
    /// through the application).
    pub unsealed: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BrokenEntry {
    pub seq: i64,
    pub id: i64,
    pub zh: String,
    pub en: String,
}

impl AuditCheck {
    pub fn ok(&self) -> bool {
        self.broken.is_none()
    }
}

/// The SQLite triggers for one table: after insert, update (when anything changed) and delete.
fn sqlite_triggers(t: &Table) -> Vec<String> {
    // A row as JSON: files by size, secrets left out — except that the new row of an update
    // says which secret changed.
    let json = |row: &str, update: bool| -> String {
        let parts: Vec<String> = t
            .columns
            .iter()
            .filter_map(|c| {
                let n = &c.name;
                if SECRETS.contains(&n.as_str()) {
                    update.then(|| {
                        format!(
                            "'{n}', CASE WHEN OLD.\"{n}\" IS NOT NEW.\"{n}\" THEN 'changed' END"
                        )
                    })
                } else if c.kind == ColumnKind::Blob {
                    Some(format!("'{n}', length({row}.\"{n}\")"))
                } else {
                    Some(format!("'{n}', {row}.\"{n}\""))
                }
            })
            .collect();
        format!("json_object({})", parts.join(", "))
    };
    let key = |row: &str| -> String {
        let keys: Vec<String> = t
            .keys
            .iter()
            .map(|k| format!("COALESCE(CAST({row}.\"{k}\" AS TEXT), '')"))
            .collect();
        if keys.is_empty() {
            "NULL".to_string()
        } else {
            keys.join(" || ':' || ")
        }
    };
    let changed: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("OLD.\"{0}\" IS NOT NEW.\"{0}\"", c.name))
        .collect();
    let name = &t.name;
    let insert_into = "INSERT INTO audit_log (at, actor, source, address, object, object_id, \
                       action, old, new) SELECT CAST(strftime('%s', 'now') AS INTEGER), actor, \
                       COALESCE(source, 'database'), address";
    let on = "FROM audit_context WHERE id = 1";
    let live = "(SELECT off FROM audit_context WHERE id = 1) = 0";
    let mut triggers = Vec::with_capacity(3);
    if t.audits_inserts() {
        triggers.push(format!(
            "CREATE TRIGGER audit_{name}_insert AFTER INSERT ON \"{name}\" WHEN {live} BEGIN \
             {insert_into}, '{name}', {}, 'insert', NULL, {} {on}; END",
            key("NEW"),
            json("NEW", false)
        ));
    }
    triggers.extend([
        format!(
            "CREATE TRIGGER audit_{name}_update AFTER UPDATE ON \"{name}\" WHEN {live} AND ({}) \
             BEGIN {insert_into}, '{name}', {}, 'update', {}, {} {on}; END",
            changed.join(" OR "),
            key("NEW"),
            json("OLD", false),
            json("NEW", true)
        ),
        format!(
            "CREATE TRIGGER audit_{name}_delete AFTER DELETE ON \"{name}\" WHEN {live} BEGIN \
             {insert_into}, '{name}', {}, 'delete', {}, NULL {on}; END",
            key("OLD"),
            json("OLD", false)
        ),
    ]);
    triggers
}

/// The PostgreSQL trigger for one table, calling the one function of migration 0031.
fn postgres_trigger(t: &Table) -> String {
    let list = |names: Vec<&str>| names.join(",");
    let secrets = list(
        t.columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| SECRETS.contains(n))
            .collect(),
    );
    let blobs = list(
        t.columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Blob)
            .map(|c| c.name.as_str())
            .collect(),
    );
    let events = if t.audits_inserts() {
        "INSERT OR UPDATE OR DELETE"
    } else {
        "UPDATE OR DELETE"
    };
    format!(
        "CREATE OR REPLACE TRIGGER audit_row AFTER {events} ON \"{}\" \
         FOR EACH ROW EXECUTE FUNCTION audit_row('{}', '{}', '{}')",
        t.name,
        t.keys.join(","),
        secrets,
        blobs
    )
}

impl Store {
    /// Installs the audit triggers of every audited table, when the schema has changed since
    /// they were last installed (called by `migrate`).
    pub(crate) async fn install_audit_triggers(&self) -> Result<()> {
        let tables: Vec<Table> = self
            .tables()
            .await?
            .into_iter()
            .filter(|t| t.audited())
            .collect();
        let statements: Vec<String> = match self.dialect {
            Dialect::Sqlite => tables.iter().flat_map(sqlite_triggers).collect(),
            Dialect::Postgres => tables.iter().map(postgres_trigger).collect(),
        };
        let signature = hex(&Sha256::digest(statements.join(";\n").as_bytes()));
        let (installed,): (String,) =
            sqlx::query_as("SELECT triggers FROM audit_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        if installed == signature {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        if self.dialect == Dialect::Postgres {
            // Two instances starting at once install one after the other.
            sqlx::query("SELECT pg_advisory_xact_lock(70310031)")
                .execute(&mut *tx)
                .await?;
        }
        let (installed,): (String,) =
            sqlx::query_as("SELECT triggers FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        if installed != signature {
            if self.dialect == Dialect::Sqlite {
                let old: Vec<(String,)> = sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (name,) in old {
                    sqlx::query(AssertSqlSafe(format!("DROP TRIGGER \"{name}\"")))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for statement in &statements {
                sqlx::query(AssertSqlSafe(statement.clone()))
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE audit_head SET triggers = $1 WHERE id = 1")
                .bind(&signature)
                .execute(&mut *tx)
                .await?;
        }
        self.commit(tx).await
    }

    /// Hands the task's audit context to a write transaction that has just begun.
    pub(crate) async fn set_audit_context(&self, tx: &mut Transaction<'static, Any>) -> Result<()> {
        let c = current();
        // SQLite has no session settings: its one writer keeps the context in a row.
        match self.dialect {
            Dialect::Sqlite => {
                sqlx::query(
                    "UPDATE audit_context SET actor = $1, source = $2, address = $3 WHERE id = 1",
                )
                .bind(c.actor)
                .bind(c.source.key())
                .bind(c.address)
                .execute(&mut **tx)
                .await?;
            }
            Dialect::Postgres => {
                sqlx::query(
                    "SELECT set_config('gongjian.actor', $1, true), \
                     set_config('gongjian.source', $2, true), \
                     set_config('gongjian.address', $3, true)",
                )
                .bind(c.actor.unwrap_or_default())
                .bind(c.source.key())
                .bind(c.address.unwrap_or_default())
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Stops or resumes the audit triggers for the rest of the transaction (a restore copies
    /// entries already in the log).
    pub(crate) async fn set_audit_off(
        &self,
        tx: &mut Transaction<'static, Any>,
        off: bool,
    ) -> Result<()> {
        match self.dialect {
            Dialect::Sqlite => {
                sqlx::query("UPDATE audit_context SET off = $1 WHERE id = 1")
                    .bind(i64::from(off))
                    .execute(&mut **tx)
                    .await?;
            }
            Dialect::Postgres => {
                sqlx::query("SELECT set_config('gongjian.audit_off', $1, true)")
                    .bind(if off { "1" } else { "" })
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Seals the transaction's new entries into the chain, then commits. Every write
    /// transaction ends here.
    pub(crate) async fn commit(&self, mut tx: Transaction<'static, Any>) -> Result<()> {
        self.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The next `limit` entries not sealed yet, in the order they were written.
    async fn unsealed(
        &self,
        tx: &mut Transaction<'static, Any>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT {limit}"
        )))
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    async fn seal(&self, tx: &mut Transaction<'static, Any>) -> Result<()> {
        if self.dialect == Dialect::Sqlite {
            sqlx::query(
                "UPDATE audit_context SET actor = NULL, source = NULL, address = NULL WHERE id = 1",
            )
            .execute(&mut **tx)
            .await?;
        }
        if self.unsealed(tx, 1).await?.is_empty() {
            return Ok(());
        }
        // PostgreSQL: the head's row locked until the commit, so transactions chain one after
        // the other; entries another committed unsealed while this one waited are taken too.
        let lock = match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        };
        let (mut seq, mut prev): (i64, String) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT seq, hash FROM audit_head WHERE id = 1{lock}"
        )))
        .fetch_one(&mut **tx)
        .await?;
        // In batches, so a large import's entries are never all in memory at once.
        loop {
            let entries = self.unsealed(tx, SEAL_BATCH).await?;
            if entries.is_empty() {
                break;
            }
            let mut sealed: Vec<(i64, i64, String, String)> = Vec::with_capacity(entries.len());
            for e in &entries {
                seq += 1;
                let hash = entry_hash(seq, &prev, e);
                sealed.push((e.id, seq, prev, hash.clone()));
                prev = hash;
            }
            for chunk in sealed.chunks(crate::reports::CHUNK) {
                self.write_seals(tx, chunk).await?;
            }
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Writes (id, seq, prev_hash, hash) of sealed entries.
    async fn write_seals(
        &self,
        tx: &mut Transaction<'static, Any>,
        chunk: &[(i64, i64, String, String)],
    ) -> Result<()> {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "({})",
                    crate::projects::placeholders(self.dialect, i * 4 + 1, 4)
                )
            })
            .collect();
        let sql = format!(
            "UPDATE audit_log SET seq = v.column2, prev_hash = v.column3, hash = v.column4 \
             FROM (VALUES {}) AS v WHERE audit_log.id = v.column1",
            values.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (id, seq, prev, hash) in chunk {
            q = q.bind(*id).bind(*seq).bind(prev.clone()).bind(hash.clone());
        }
        q.execute(&mut **tx).await?;
        Ok(())
    }

    /// Adds an entry no row change makes (a failed sign-in, a revoked session), in `tx`.
    pub(crate) async fn audit_note(
        &self,
        tx: &mut Transaction<'static, Any>,
        object: &str,
        object_id: &str,
        action: &str,
        new: serde_json::Value,
    ) -> Result<()> {
        let c = current();
        sqlx::query(
            "INSERT INTO audit_log (at, actor, source, address, object, object_id, action, new) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(now())
        .bind(c.actor)
        .bind(c.source.key())
        .bind(c.address)
        .bind(object)
        .bind(object_id)
        .bind(action)
        .bind(new.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The chain's head: the last sealed entry's seq and hash.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        Ok(
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Entries, newest first, as `filter` asks.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE 1 = 1");
        let mut n = 0;
        let mut next = |sql: &mut String, clause: &str| {
            n += 1;
            sql.push_str(&clause.replace('?', &format!("${n}")));
        };
        let (object, object_id) = match filter.object.as_deref().map(str::trim) {
            Some(o) if !o.is_empty() => match o.split_once(':') {
                Some((t, k)) => (Some(t.to_string()), Some(k.to_string())),
                None => (Some(o.to_string()), None),
            },
            _ => (None, None),
        };
        let actor = filter
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if actor.is_some() {
            next(&mut sql, " AND actor = ?");
        }
        if object.is_some() {
            next(&mut sql, " AND object = ?");
        }
        if object_id.is_some() {
            next(&mut sql, " AND object_id = ?");
        }
        if filter.from.is_some() {
            next(&mut sql, " AND at >= ?");
        }
        if filter.to.is_some() {
            next(&mut sql, " AND at < ?");
        }
        if filter.before.is_some() {
            next(&mut sql, " AND id < ?");
        }
        sql.push_str(&format!(
            " ORDER BY id DESC LIMIT {}",
            filter.limit.clamp(1, 1000)
        ));
        let mut q = sqlx::query_as::<_, EntryRow>(AssertSqlSafe(sql));
        if let Some(a) = actor {
            q = q.bind(a.to_string());
        }
        if let Some(o) = object {
            q = q.bind(o);
        }
        if let Some(k) = object_id {
            q = q.bind(k);
        }
        for v in [filter.from, filter.to, filter.before]
            .into_iter()
            .flatten()
        {
            q = q.bind(v);
        }
        Ok(q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(entry)
            .collect())
    }

    /// Recomputes the chain from the first entry and names the first that does not fit: a
    /// gap in the sequence, a link to another hash than the previous entry's, or content that
    /// no longer gives its hash. The head must be the last entry.
    pub async fn audit_verify(&self) -> Result<AuditCheck> {
        let mut conn = self.pool.acquire().await?;
        let mut rows = sqlx::query_as::<_, EntryRow>(AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq IS NOT NULL ORDER BY seq"
        )))
        .fetch(&mut *conn);
        let mut expected = 0i64;
        let mut prev = GENESIS.to_string();
        let mut broken = None;
        while let Some(row) = rows.try_next().await? {
            let e = entry(row);
            expected += 1;
            let seq = e.seq.unwrap_or_default();
            let why = if seq != expected {
                Some((
                    format!("序号应为 {expected}，实为 {seq}（有条目被删除或插入）"),
                    format!(
                        "sequence should be {expected} but is {seq} (an entry was removed or inserted)"
                    ),
                ))
            } else if e.prev_hash.as_deref() != Some(prev.as_str()) {
                Some((
                    "所记前一条哈希与前一条不符".to_string(),
                    "its link does not match the previous entry's hash".to_string(),
                ))
            } else if e.hash.as_deref() != Some(entry_hash(seq, &prev, &e).as_str()) {
                Some((
                    "内容与哈希不符（条目被改动）".to_string(),
                    "its content does not give its hash (the entry was changed)".to_string(),
                ))
            } else {
                None
            };
            if let Some((zh, en)) = why {
                broken = Some(BrokenEntry {
                    seq,
                    id: e.id,
                    zh,
                    en,
                });
                break;
            }
            prev = e.hash.unwrap_or_default();
        }
        drop(rows);
        let (head_seq, head_hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?;
        if broken.is_none() && (head_seq != expected || head_hash != prev) {
            broken = Some(BrokenEntry {
                seq: head_seq,
                id: 0,
                zh: format!(
                    "链头记为第 {head_seq} 条，日志止于第 {expected} 条（末尾条目被删除或链头被改动）"
                ),
                en: format!(
                    "the head records entry {head_seq} but the log ends at {expected} (entries at the end were removed or the head was changed)"
                ),
            });
        }
        let (unsealed,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
                .fetch_one(&mut *conn)
                .await?;
        Ok(AuditCheck {
            entries: expected,
            head_seq,
            head_hash,
            broken,
            unsealed,
        })
    }

    /// The hash of entry `seq`, to check a head published earlier against the chain.
    pub async fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }
}
