//! Backup and restore: every table that holds something of its own (`catalog.rs`), read in one
//! snapshot while the server runs, written as gzip-compressed JSON lines, and read back into an
//! empty database of either backend in one transaction.
//!
//! The archive: a header line (`format`, `version`, the schema's last migration, when, from
//! which backend), then for each table a line naming it and its columns followed by one JSON
//! array per row (files in base64), in an order that puts every row after the rows it refers
//! to, and last a line with each table's row count and the SHA-256 of every line before it.
//! A restore checks that line before it commits, so a cut or altered file restores nothing.
//!
//! Derived tables (the search index, the report summaries, the status blocks) are rebuilt after
//! the copy; sessions are not kept, so everyone signs in again on the restored database.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use base64::Engine as _;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::catalog::{ColumnKind, Table};
use crate::{Dialect, Result, Store, StoreError, now};

const FORMAT: &str = "gongjian-backup";
const VERSION: i64 = 1;
/// The longest line a restore reads (a row with a 10 MB file is about 14 MB).
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// What a backup wrote.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct BackupSummary {
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// The schema's last migration.
    pub schema: i64,
    /// The audit chain's head when the snapshot was taken.
    pub audit_seq: i64,
    pub audit_hash: String,
    pub sha256: String,
}

/// What a restore read.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RestoreSummary {
    pub tables: BTreeMap<String, u64>,
    pub schema: i64,
    pub created_at: i64,
    pub from: String,
}

fn bad(zh: impl Into<String>, en: impl Into<String>) -> StoreError {
    StoreError::Rule(domain::bi(zh, en))
}

fn write_failed(e: std::io::Error) -> StoreError {
    bad(
        format!("无法写入备份：{e}"),
        format!("cannot write the backup: {e}"),
    )
}

/// A writer that hashes every line it passes on.
struct Lines<W: Write> {
    out: W,
    hash: Sha256,
}

impl<W: Write> Lines<W> {
    fn line(&mut self, value: &serde_json::Value) -> Result<()> {
        let mut text = value.to_string();
        text.push('\n');
        self.hash.update(text.as_bytes());
        self.out.write_all(text.as_bytes()).map_err(write_failed)
    }
}

fn value(row: &AnyRow, i: usize, kind: ColumnKind) -> Result<serde_json::Value> {
    use serde_json::Value;
    Ok(match kind {
        ColumnKind::Int => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Real => row
            .try_get::<Option<f64>, _>(i)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Blob => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, |b| {
                Value::from(base64::engine::general_purpose::STANDARD.encode(b))
            }),
    })
}

impl Store {
    async fn schema_version(&self) -> Result<i64> {
        let (v,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success = true")
                .fetch_one(&self.pool)
                .await?;
        Ok(v.unwrap_or_default())
    }

    /// The tables a backup holds, each after the tables it refers to.
    async fn backed_up_tables(&self) -> Result<Vec<Table>> {
        let mut tables = self.tables_in_reference_order().await?;
        tables.retain(|t| t.backed_up());
        Ok(tables)
    }

    /// Writes a consistent copy of everything to `out` (one read snapshot; writers go on).
    pub async fn backup<W: Write>(&self, out: W) -> Result<BackupSummary> {
        let out = GzEncoder::new(out, Compression::default());
        let tables = self.backed_up_tables().await?;
        let schema = self.schema_version().await?;
        // One snapshot for every table: SQLite's read transaction in WAL mode, PostgreSQL's
        // repeatable read.
        let mut tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin().await?,
            Dialect::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        let mut lines = Lines {
            out,
            hash: Sha256::new(),
        };
        let (audit_seq, audit_hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        lines.line(&serde_json::json!({
            "format": FORMAT,
            "version": VERSION,
            "schema": schema,
            "created_at": now(),
            "from": match self.dialect {
                Dialect::Sqlite => "sqlite",
                Dialect::Postgres => "postgres",
            },
            "audit_seq": audit_seq,
            "audit_hash": audit_hash,
        }))?;
        let mut counts = BTreeMap::new();
        for t in &tables {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            lines.line(&serde_json::json!({ "table": t.name, "columns": names }))?;
            let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            let order = if t.keys.is_empty() {
                "1".to_string()
            } else {
                t.keys
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // Names from the catalog, not from input.
            let sql = format!(
                "SELECT {} FROM \"{}\" ORDER BY {order}",
                quoted.join(", "),
                t.name
            );
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
            let mut n = 0u64;
            while let Some(row) = rows.try_next().await? {
                let values = t
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| value(&row, i, c.kind))
                    .collect::<Result<Vec<_>>>()?;
                lines.line(&serde_json::Value::Array(values))?;
                n += 1;
            }
            counts.insert(t.name.clone(), n);
        }
        tx.rollback().await?;
        let sha256 = format!("{:x}", lines.hash.clone().finalize());
        let end = serde_json::json!({ "end": true, "tables": counts, "sha256": sha256 });
        let mut text = end.to_string();
        text.push('\n');
        lines
            .out
            .write_all(text.as_bytes())
            .and_then(|_| lines.out.try_finish())
            .and_then(|_| lines.out.get_mut().flush())
            .map_err(write_failed)?;
        Ok(BackupSummary {
            tables: counts,
            schema,
            audit_seq,
            audit_hash,
            sha256,
        })
    }

    /// Whether the database holds anything of an office's own (users, units, projects or
    /// audit entries): a restore goes only into an empty one.
    pub async fn holds_no_data(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM units) \
             + (SELECT COUNT(*) FROM projects) + (SELECT COUNT(*) FROM audit_log)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 0)
    }

    /// Reads a backup into this database, which must be empty, in one transaction: all of it
    /// or, on any error (a cut or altered file, another schema), nothing.
    pub async fn restore<R: Read>(&self, input: R) -> Result<RestoreSummary> {
        let mut input = BufReader::new(GzDecoder::new(input));
        if !self.holds_no_data().await? {
            return Err(bad(
                "目标数据库已有数据（用户、单位、项目或审计日志），只能恢复到空数据库",
                "the target database already holds data (users, units, projects or audit entries); restore only into an empty one",
            ));
        }
        let ordered = self.backed_up_tables().await?;
        let schema = self.schema_version().await?;
        let mut hash = Sha256::new();
        let mut buf = String::new();
        let mut read = |hash: &mut Sha256, buf: &mut String| -> Result<Option<serde_json::Value>> {
            buf.clear();
            // A line is one row; the longest holds a file of 10 MB in base64.
            let n = (&mut input).take(MAX_LINE).read_line(buf).map_err(|e| {
                bad(
                    format!("无法读取备份（文件不完整或不是备份）：{e}"),
                    format!("cannot read the backup (cut short or not a backup): {e}"),
                )
            })?;
            if n == 0 {
                return Ok(None);
            }
            if n as u64 == MAX_LINE && !buf.ends_with('\n') {
                return Err(bad(
                    "备份文件已损坏（某行过长）",
                    "the backup is damaged (a line is too long)",
                ));
            }
            let value: serde_json::Value = serde_json::from_str(buf).map_err(|_| {
                bad(
                    "备份文件已损坏（某行不是有效数据）",
                    "the backup is damaged (a line is not valid data)",
                )
            })?;
            if value.get("end").is_none() {
                hash.update(buf.as_bytes());
            }
            Ok(Some(value))
        };
        let header =
            read(&mut hash, &mut buf)?.ok_or_else(|| bad("备份文件为空", "the backup is empty"))?;
        if header.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(bad(
                "这不是 gongjian 的备份文件",
                "this is not a gongjian backup",
            ));
        }
        let their_schema = header
            .get("schema")
            .and_then(|v| v.as_i64())
            .unwrap_or_default();
        if their_schema != schema {
            return Err(bad(
                format!(
                    "备份来自数据库结构第 {their_schema} 版，本程序为第 {schema} 版：请用相同版本的程序恢复"
                ),
                format!(
                    "the backup has schema version {their_schema} and this program {schema}: restore with the same version"
                ),
            ));
        }
        let mut tx = self.begin_write().await?;
        self.set_audit_off(&mut tx, true).await?;
        if self.dialect == Dialect::Sqlite {
            // Rows come table by table; the references hold when it commits.
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *tx)
                .await?;
        }
        // What migrations put into a new database (the audit head, default rows) is replaced.
        for t in ordered.iter().rev() {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM \"{}\"", t.name)))
                .execute(&mut *tx)
                .await?;
        }
        let tables: BTreeMap<String, Table> =
            ordered.into_iter().map(|t| (t.name.clone(), t)).collect();
        let suspended = self.suspend_summaries(&mut tx).await?;
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let mut current: Option<(&Table, Vec<(String, ColumnKind)>)> = None;
        let mut pending: Vec<Vec<serde_json::Value>> = Vec::new();
        let mut end = None;
        while let Some(line) = read(&mut hash, &mut buf)? {
            if let Some(name) = line.get("table").and_then(|t| t.as_str()) {
                if let Some((t, cols)) = &current {
                    self.insert_rows(&mut tx, t, cols, &mut pending).await?;
                }
                let t = tables.get(name).ok_or_else(|| {
                    bad(
                        format!("备份中有本程序没有的表“{name}”"),
                        format!("the backup has a table “{name}” this program does not know"),
                    )
                })?;
                let mut cols = Vec::new();
                for c in line
                    .get("columns")
                    .and_then(|c| c.as_array())
                    .into_iter()
                    .flatten()
                {
                    let c = c.as_str().unwrap_or_default();
                    let column = t.columns.iter().find(|k| k.name == c).ok_or_else(|| {
                        bad(
                            format!("备份中表“{name}”有本程序没有的列“{c}”"),
                            format!("the backup's table “{name}” has a column “{c}” this program does not know"),
                        )
                    })?;
                    cols.push((column.name.clone(), column.kind));
                }
                counts.insert(name.to_string(), 0);
                current = Some((t, cols));
            } else if let Some(row) = line.as_array() {
                let Some((t, cols)) = &current else {
                    return Err(bad(
                        "备份文件已损坏（行不属于任何表）",
                        "the backup is damaged (a row outside any table)",
                    ));
                };
                if row.len() != cols.len() {
                    return Err(bad(
                        "备份文件已损坏（某行列数不符）",
                        "the backup is damaged (a row with the wrong number of columns)",
                    ));
                }
                *counts.entry(t.name.clone()).or_default() += 1;
                pending.push(row.clone());
                if pending.len() >= 200 {
                    self.insert_rows(&mut tx, t, cols, &mut pending).await?;
                }
            } else if line.get("end").is_some() {
                end = Some(line);
                break;
            }
        }
        if let Some((t, cols)) = &current {
            self.insert_rows(&mut tx, t, cols, &mut pending).await?;
        }
        let Some(end) = end else {
            return Err(bad(
                "备份文件不完整（缺少结尾），未恢复任何数据",
                "the backup is cut short (no end line); nothing was restored",
            ));
        };
        let digest = format!("{:x}", hash.finalize());
        let counted: BTreeMap<String, u64> =
            serde_json::from_value(end.get("tables").cloned().unwrap_or_default())
                .unwrap_or_default();
        if end.get("sha256").and_then(|s| s.as_str()) != Some(digest.as_str()) || counted != counts
        {
            return Err(bad(
                "备份文件校验不符（已被改动或损坏），未恢复任何数据",
                "the backup does not match its checksum (altered or damaged); nothing was restored",
            ));
        }
        self.resume_summaries(&mut tx, suspended).await?;
        sqlx::query("INSERT INTO project_index_backlog (project_id) SELECT id FROM projects")
            .execute(&mut *tx)
            .await?;
        if self.dialect == Dialect::Postgres {
            // Identity columns go on after the highest id restored.
            for t in tables.values().filter(|t| t.generated_id) {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('\"{0}\"', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \"{0}\"",
                    t.name
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        self.set_audit_off(&mut tx, false).await?;
        self.commit(tx).await?;
        self.drain_index_backlog().await?;
        Ok(RestoreSummary {
            tables: counts,
            schema,
            created_at: header
                .get("created_at")
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
            from: header
                .get("from")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
        })
    }

    async fn insert_rows(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        t: &Table,
        cols: &[(String, ColumnKind)],
        rows: &mut Vec<Vec<serde_json::Value>>,
    ) -> Result<()> {
        if rows.is_empty() || cols.is_empty() {
            rows.clear();
            return Ok(());
        }
        let names: Vec<String> = cols.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let tuples: Vec<String> = (0..rows.len())
            .map(|i| {
                format!(
                    "({})",
                    crate::projects::placeholders(self.dialect, i * cols.len() + 1, cols.len())
                )
            })
            .collect();
        // PostgreSQL's identity columns take a given id only when told to.
        let overriding = if self.dialect == Dialect::Postgres && t.generated_id {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let sql = format!(
            "INSERT INTO \"{}\" ({}){overriding} VALUES {}",
            t.name,
            names.join(", "),
            tuples.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        let damaged = || {
            bad(
                "备份文件已损坏（某值类型不符）",
                "the backup is damaged (a value of the wrong type)",
            )
        };
        for row in rows.iter() {
            for ((_, kind), v) in cols.iter().zip(row) {
                q = match kind {
                    ColumnKind::Int => q.bind(match v {
                        serde_json::Value::Null => None,
                        v => Some(v.as_i64().ok_or_else(damaged)?),
                    }),
                    ColumnKind::Real => q.bind(match v {
                        serde_json::Value::Null => None,
                        v => Some(v.as_f64().ok_or_else(damaged)?),
                    }),
                    ColumnKind::Text => q.bind(match v {
                        serde_json::Value::Null => None,
                        v => Some(v.as_str().ok_or_else(damaged)?.to_string()),
                    }),
                    ColumnKind::Blob => q.bind(match v {
                        serde_json::Value::Null => None,
                        v => Some(
                            base64::engine::general_purpose::STANDARD
                                .decode(v.as_str().ok_or_else(damaged)?)
                                .map_err(|_| damaged())?,
                        ),
                    }),
                };
            }
        }
        q.execute(&mut **tx).await?;
        rows.clear();
        Ok(())
    }
}
