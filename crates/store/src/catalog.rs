//! The database's own tables as its catalog lists them, and what each is to the audit log and to
//! a backup. Both are generated from here, so a table a new migration adds is audited and backed
//! up without code of its own; a table that is neither is named in [`DERIVED`] with why.

use sqlx::AssertSqlSafe;

use crate::{Dialect, Result, Store};

/// Tables that hold nothing of their own: rebuilt from the others, caches, or kept only while
/// they matter. Neither audited nor backed up.
pub(crate) const DERIVED: &[&str] = &[
    "_sqlx_migrations",      // which migrations ran: the restoring binary's own
    "audit_context",         // the writing transaction's who and where, cleared when it seals
    "data_generation",       // a counter every change bumps (the status cache's key)
    "report_summary",        // each project's latest report, kept by triggers on `reports`
    "project_search",        // the search index, rewritten from `projects`
    "project_tags",          // the tag filter's rows, rewritten from `projects`
    "project_index_backlog", // projects waiting for those two
    "status_blocks",         // packed copies a status reads, rebuilt when missing
    "status_blocks_stale",   // which of those a change has made stale
    "sessions",              // sign-ins in progress: a restored office signs in again
    "sign_in_failures",      // recent failed sign-ins, kept a day (each one is audited)
    "kept_uploads",          // workbooks waiting a day at most for their import's confirmation
    "password_resets",       // one-time reset links, a day at most (issuing one is audited)
    "job_leases", // which instance runs a scheduled job's slot; the job's effects are audited
];

/// Append-only records of changes made to other tables (a project's field history, a report's
/// or a problem's steps, the projects a publication froze): a row is added with the change the
/// audit log records already, so only an update or deletion of one — a rewrite of history — is
/// an entry of its own.
pub(crate) const APPEND_ONLY: &[&str] = &[
    "project_changes",
    "report_events",
    "problem_events",
    "ranking_projects",
];

/// Tables backed up but not audited: the audit log itself, and the record of every message sent
/// (`notifications` is its own log: what, to whom, which channel, when, the result).
pub(crate) const AUDIT_TABLES: &[&str] = &["audit_log", "audit_head", "notifications"];

/// Columns never written into the audit log (an update records only that one changed).
pub(crate) const SECRETS: &[&str] = &["password_hash", "token_hash", "secret"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Int,
    Real,
    Text,
    Blob,
}

#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns, in order (every table of ours has one).
    pub keys: Vec<String>,
    /// Whether its `id` is generated (an identity on PostgreSQL, AUTOINCREMENT on SQLite).
    pub generated_id: bool,
}

impl Table {
    pub(crate) fn audited(&self) -> bool {
        !DERIVED.contains(&self.name.as_str())
            && !AUDIT_TABLES.contains(&self.name.as_str())
            && !self.name.starts_with("project_search")
    }

    /// Whether an inserted row is an entry (see [`APPEND_ONLY`]).
    pub(crate) fn audits_inserts(&self) -> bool {
        !APPEND_ONLY.contains(&self.name.as_str())
    }

    pub(crate) fn backed_up(&self) -> bool {
        !DERIVED.contains(&self.name.as_str()) && !self.name.starts_with("project_search")
    }
}

fn kind_of(declared: &str) -> ColumnKind {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        ColumnKind::Int
    } else if t.contains("blob") || t.contains("bytea") {
        ColumnKind::Blob
    } else if t.contains("real") || t.contains("double") || t.contains("float") {
        ColumnKind::Real
    } else {
        ColumnKind::Text
    }
}

/// Columns as the catalog names them: name, declared type, and a third value not needed here.
fn columns_of<T>(rows: Vec<(String, String, T)>) -> Vec<Column> {
    rows.into_iter()
        .map(|(name, declared, _)| Column {
            name,
            kind: kind_of(&declared),
        })
        .collect()
}

impl Store {
    /// Every table of ours, by name, with its columns and key.
    pub(crate) async fn tables(&self) -> Result<Vec<Table>> {
        // The catalogs differ: SQLite's `sqlite_master` and table-valued pragmas against
        // PostgreSQL's information schema.
        let names: Vec<(String,)> = match self.dialect {
            Dialect::Sqlite => {
                sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?
            }
            Dialect::Postgres => {
                sqlx::query_as(
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                     ORDER BY table_name",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        let mut tables = Vec::with_capacity(names.len());
        for (name,) in names {
            if name.starts_with("project_search") {
                continue;
            }
            tables.push(self.table(name).await?);
        }
        Ok(tables)
    }

    async fn table(&self, name: String) -> Result<Table> {
        let (columns, keys, generated_id) = match self.dialect {
            Dialect::Sqlite => {
                let rows: Vec<(String, String, i64)> =
                    sqlx::query_as("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
                        .bind(&name)
                        .fetch_all(&self.pool)
                        .await?;
                let mut keyed: Vec<(i64, String)> = rows
                    .iter()
                    .filter(|r| r.2 > 0)
                    .map(|r| (r.2, r.0.clone()))
                    .collect();
                keyed.sort();
                let sql: Option<(String,)> = sqlx::query_as(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1",
                )
                .bind(&name)
                .fetch_optional(&self.pool)
                .await?;
                let generated = sql.is_some_and(|(s,)| s.contains("AUTOINCREMENT"));
                let columns = columns_of(rows);
                (columns, keyed.into_iter().map(|k| k.1).collect(), generated)
            }
            Dialect::Postgres => {
                let rows: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT column_name::text, data_type::text, is_identity::text \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&self.pool)
                .await?;
                let keys: Vec<(String,)> = sqlx::query_as(
                    "SELECT k.column_name::text FROM information_schema.table_constraints c \
                     JOIN information_schema.key_column_usage k \
                       ON k.constraint_name = c.constraint_name \
                      AND k.table_schema = c.table_schema AND k.table_name = c.table_name \
                     WHERE c.constraint_type = 'PRIMARY KEY' \
                       AND c.table_schema = current_schema() AND c.table_name = $1 \
                     ORDER BY k.ordinal_position",
                )
                .bind(&name)
                .fetch_all(&self.pool)
                .await?;
                let generated = rows.iter().any(|r| r.0 == "id" && r.2 == "YES");
                let columns = columns_of(rows);
                (columns, keys.into_iter().map(|k| k.0).collect(), generated)
            }
        };
        Ok(Table {
            name,
            columns,
            keys,
            generated_id,
        })
    }

    /// The tables in an order that inserts every row after the rows it refers to (by foreign
    /// key; a table's references to itself are kept by inserting in key order).
    pub(crate) async fn tables_in_reference_order(&self) -> Result<Vec<Table>> {
        let tables = self.tables().await?;
        let mut refs: Vec<(String, String)> = Vec::new();
        for t in &tables {
            let rows: Vec<(String,)> = match self.dialect {
                Dialect::Sqlite => {
                    sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                        .bind(&t.name)
                        .fetch_all(&self.pool)
                        .await?
                }
                Dialect::Postgres => {
                    sqlx::query_as(AssertSqlSafe(
                        "SELECT DISTINCT r.relname::text FROM pg_constraint c \
                         JOIN pg_class s ON s.oid = c.conrelid \
                         JOIN pg_class r ON r.oid = c.confrelid \
                         JOIN pg_namespace n ON n.oid = s.relnamespace \
                         WHERE c.contype = 'f' AND n.nspname = current_schema() \
                           AND s.relname = $1"
                            .to_string(),
                    ))
                    .bind(&t.name)
                    .fetch_all(&self.pool)
                    .await?
                }
            };
            refs.extend(
                rows.into_iter()
                    .filter(|r| r.0 != t.name)
                    .map(|r| (t.name.clone(), r.0)),
            );
        }
        let mut ordered: Vec<Table> = Vec::with_capacity(tables.len());
        let mut left = tables;
        while !left.is_empty() {
            let ready = left.iter().position(|t| {
                refs.iter()
                    .filter(|(from, _)| *from == t.name)
                    .all(|(_, to)| {
                        ordered.iter().any(|o| &o.name == to) || !left.iter().any(|l| &l.name == to)
                    })
            });
            // A cycle between tables would leave none ready; take the first then.
            let at = ready.unwrap_or(0);
            ordered.push(left.remove(at));
        }
        Ok(ordered)
    }
}
