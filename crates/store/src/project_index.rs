//! Rows derived from a project so the ledger list can find it fast: its search terms
//! (`project_search`, see `domain::search`) and one row per tag (`project_tags`).
//!
//! Architecture Invariant: every write of a project's name, content, code or tags rewrites its
//! derived rows in the same transaction, so search and the tag filter never disagree with the
//! ledger. Projects that existed before the derived tables did are queued in
//! `project_index_backlog`, which [`Store::migrate`] drains.

use domain::ProjectFields;
use domain::search::{index_text, tsvector};
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Transaction};

use crate::projects::{decode_list, placeholders};
use crate::{Dialect, Result, Store, StoreError};

/// Projects per statement: 4 parameters each at most.
const CHUNK: usize = 500;

/// The parts of a project its derived rows come from.
pub(crate) struct IndexEntry<'a> {
    pub id: i64,
    pub name: &'a str,
    pub content: Option<&'a str>,
    pub code: Option<&'a str>,
    pub tags: &'a [String],
}

impl<'a> IndexEntry<'a> {
    pub fn of(id: i64, fields: &'a ProjectFields) -> IndexEntry<'a> {
        IndexEntry {
            id,
            name: &fields.name,
            content: fields.content.as_deref(),
            code: fields.code.as_deref(),
            tags: &fields.tags,
        }
    }
}

fn encode_err(e: sqlx::error::BoxDynError) -> StoreError {
    StoreError::Db(sqlx::Error::Encode(e))
}

/// SQLite search rows per statement. FTS5 writes its pending terms out as a new segment at every
/// statement that opens a savepoint (any multi-row statement in the transaction), and merges
/// those segments again later: one statement for a whole import's rows, after every other write,
/// keeps that to one segment. 500-row statements cost a 20,000-row import ~0.5 s more.
const SQLITE_SEARCH_CHUNK: usize = 50_000;

/// Writes the derived rows of `entries`; with `replace`, their old rows are removed first
/// (a new project has none). The search rows are written last, see [`SQLITE_SEARCH_CHUNK`].
pub(crate) async fn index_projects(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    entries: &[IndexEntry<'_>],
    replace: bool,
) -> Result<()> {
    if replace {
        for chunk in entries.chunks(CHUNK) {
            remove(tx, dialect, chunk.iter().map(|e| e.id)).await?;
        }
    }
    let mut tag_rows: Vec<(&str, i64)> = Vec::new();
    for e in entries {
        let mut tags: Vec<&str> = e.tags.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        tag_rows.extend(tags.into_iter().map(|t| (t, e.id)));
    }
    for rows in tag_rows.chunks(CHUNK) {
        let mut args = AnyArguments::default();
        let mut values = Vec::with_capacity(rows.len());
        for (i, (tag, id)) in rows.iter().enumerate() {
            args.add(*tag).map_err(encode_err)?;
            args.add(*id).map_err(encode_err)?;
            values.push(format!("({})", placeholders(dialect, 2 * i + 1, 2)));
        }
        let sql = format!(
            "INSERT INTO project_tags (tag, project_id) VALUES {}",
            values.join(", ")
        );
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut **tx)
            .await?;
    }
    match dialect {
        Dialect::Sqlite => {
            for chunk in entries.chunks(SQLITE_SEARCH_CHUNK) {
                insert_sqlite_search(tx, chunk).await?;
            }
        }
        Dialect::Postgres => {
            for chunk in entries.chunks(CHUNK) {
                insert_postgres_search(tx, chunk).await?;
            }
        }
    }
    Ok(())
}

/// All of `entries` in one statement: their tokens as one JSON array of
/// `[id, name, content, code]`, unpacked by `json_each` (a single bound value, however many rows).
async fn insert_sqlite_search(
    tx: &mut Transaction<'static, Any>,
    entries: &[IndexEntry<'_>],
) -> Result<()> {
    let rows: Vec<(i64, String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e.id,
                index_text(e.name),
                index_text(e.content.unwrap_or_default()),
                index_text(e.code.unwrap_or_default()),
            )
        })
        .collect();
    let json = serde_json::to_string(&rows).map_err(|e| encode_err(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO project_search (rowid, name, content, code)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each($1)",
    )
    .bind(json)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_postgres_search(
    tx: &mut Transaction<'static, Any>,
    entries: &[IndexEntry<'_>],
) -> Result<()> {
    let mut args = AnyArguments::default();
    let mut values = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let texts = [
            e.name,
            e.content.unwrap_or_default(),
            e.code.unwrap_or_default(),
        ];
        args.add(e.id).map_err(encode_err)?;
        args.add(tsvector(&texts)).map_err(encode_err)?;
        values.push(format!(
            "(${}, CAST(${} AS tsvector))",
            2 * i + 1,
            2 * i + 2
        ));
    }
    let sql = format!(
        "INSERT INTO project_search (project_id, terms) VALUES {}",
        values.join(", ")
    );
    sqlx::query_with(AssertSqlSafe(sql), args)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn remove(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    ids: impl Iterator<Item = i64>,
) -> Result<()> {
    let ids: Vec<i64> = ids.collect();
    let search_key = match dialect {
        Dialect::Sqlite => "rowid",
        Dialect::Postgres => "project_id",
    };
    for (table, key) in [
        ("project_tags", "project_id"),
        ("project_search", search_key),
    ] {
        let mut args = AnyArguments::default();
        for id in &ids {
            args.add(*id).map_err(encode_err)?;
        }
        let sql = format!(
            "DELETE FROM {table} WHERE {key} IN ({})",
            placeholders(dialect, 1, ids.len())
        );
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// id, name, content, code, tags as stored
type StoredRow = (i64, String, Option<String>, Option<String>, String);

/// Writes the derived rows of the projects with these ids, as stored (for rows whose fields
/// the caller cannot pair with ids, e.g. after a multi-row INSERT … RETURNING, whose order
/// is not promised).
pub(crate) async fn index_stored(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    ids: &[i64],
    replace: bool,
) -> Result<()> {
    let mut rows: Vec<StoredRow> = Vec::with_capacity(ids.len());
    for ids in ids.chunks(CHUNK) {
        let mut args = AnyArguments::default();
        for id in ids {
            args.add(*id).map_err(encode_err)?;
        }
        let sql = format!(
            "SELECT id, name, content, code, tags FROM projects WHERE id IN ({})",
            placeholders(dialect, 1, ids.len())
        );
        rows.extend(
            sqlx::query_as_with::<_, StoredRow, _>(AssertSqlSafe(sql), args)
                .fetch_all(&mut **tx)
                .await?,
        );
    }
    let tags: Vec<Vec<String>> = rows.iter().map(|r| decode_list(&r.4)).collect();
    let entries: Vec<IndexEntry<'_>> = rows
        .iter()
        .zip(&tags)
        .map(|((id, name, content, code, _), tags)| IndexEntry {
            id: *id,
            name,
            content: content.as_deref(),
            code: code.as_deref(),
            tags,
        })
        .collect();
    index_projects(tx, dialect, &entries, replace).await
}

/// Backlog rows handled per transaction, so a large ledger is indexed in steps.
const BACKLOG_STEP: i64 = 2_000;

impl Store {
    /// Writes the derived rows of every project queued in `project_index_backlog`.
    pub(crate) async fn drain_index_backlog(&self) -> Result<usize> {
        let mut done = 0;
        loop {
            let mut tx = self.begin_write().await?;
            let queued: Vec<(i64,)> = sqlx::query_as(
                "SELECT project_id FROM project_index_backlog ORDER BY project_id LIMIT $1",
            )
            .bind(BACKLOG_STEP)
            .fetch_all(&mut *tx)
            .await?;
            let Some(&(last,)) = queued.last() else {
                tx.rollback().await?;
                return Ok(done);
            };
            let ids: Vec<i64> = queued.into_iter().map(|(id,)| id).collect();
            index_stored(&mut tx, self.dialect(), &ids, true).await?;
            sqlx::query("DELETE FROM project_index_backlog WHERE project_id <= $1")
                .bind(last)
                .execute(&mut *tx)
                .await?;
            self.commit(tx).await?;
            done += ids.len();
        }
    }
}
