//! Many narrow rows out of the database quickly.
//!
//! sqlx hands SQLite rows over one at a time through its worker thread (every value copied, a
//! channel send and a wake-up per row, ~7 µs): for queries that return tens of thousands of
//! rows that handover, not the query, is most of the time. On SQLite such queries return their
//! rows packed into one JSON array (`json_group_array(json_array(…))`) and serde_json unpacks
//! them; PostgreSQL's rows come over cheaply, and building JSON there costs more than it saves.

use serde::de::DeserializeOwned;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AssertSqlSafe, FromRow};

use crate::{Dialect, Result, StoreError};

/// The rows of `SELECT {columns} {rest}`, each as `R` (a tuple of the columns' types), in no
/// particular order: sort them if order matters (`ORDER BY` in `rest` does not survive the
/// packing).
pub(crate) async fn select_rows<'c, R, E>(
    executor: E,
    dialect: Dialect,
    columns: &str,
    rest: &str,
    args: AnyArguments,
) -> Result<Vec<R>>
where
    E: sqlx::Executor<'c, Database = Any>,
    R: for<'r> FromRow<'r, AnyRow> + DeserializeOwned + Send + Unpin,
{
    match dialect {
        Dialect::Sqlite => {
            let sql = format!("SELECT json_group_array(json_array({columns})) {rest}");
            let (json,): (Option<String>,) = sqlx::query_as_with(AssertSqlSafe(sql), args)
                .fetch_one(executor)
                .await?;
            match json {
                Some(json) => serde_json::from_str(&json)
                    .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e)))),
                None => Ok(Vec::new()),
            }
        }
        Dialect::Postgres => {
            let sql = format!("SELECT {columns} {rest}");
            Ok(sqlx::query_as_with(AssertSqlSafe(sql), args)
                .fetch_all(executor)
                .await?)
        }
    }
}

/// On SQLite, the columns of `SELECT {columns} {rest}` each packed as one JSON array
/// (`json_group_array(column)`), in the same row order: cheaper for SQLite to build than an
/// array per row (status of 20,000 projects: 25 → 18 ms for ten columns of the ledger). Unpack
/// each with [`column`].
pub(crate) async fn select_columns<'c, E>(
    executor: E,
    columns: &[&str],
    rest: &str,
    args: AnyArguments,
) -> Result<Vec<String>>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    use sqlx::Row;
    let packed: Vec<String> = columns
        .iter()
        .map(|c| format!("json_group_array({c})"))
        .collect();
    let sql = format!("SELECT {} {rest}", packed.join(", "));
    let row = sqlx::query_with(AssertSqlSafe(sql), args)
        .fetch_one(executor)
        .await?;
    (0..columns.len())
        .map(|i| Ok(row.try_get::<String, _>(i)?))
        .collect()
}

/// One column packed by [`select_columns`].
pub(crate) fn column<T: DeserializeOwned>(json: &str) -> Result<Vec<T>> {
    serde_json::from_str(json).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// Rows (tuples of the named columns, in order) out of the JSON columns of [`select_columns`]:
/// `unpack_columns!(columns => id: i64, name: String)` is a `Vec<(i64, String)>`. Evaluates to
/// a `Result`; a column that does not parse as its type is an error.
macro_rules! unpack_columns {
    // Into rows of a named struct.
    ($columns:expr => $row:ident { $($name:ident: $t:ty),+ $(,)? }) => {{
        (|| -> $crate::Result<Vec<$row>> {
            let mut columns = $columns.into_iter();
            $(
                let mut $name = $crate::rows::column::<$t>(&columns.next().unwrap_or_default())?
                    .into_iter();
            )+
            let mut rows = Vec::with_capacity(0 $(.max($name.len()))+);
            loop {
                $( let Some($name) = $name.next() else { break }; )+
                rows.push($row { $($name),+ });
            }
            Ok(rows)
        })()
    }};
    // Into tuples.
    ($columns:expr => $($name:ident: $t:ty),+ $(,)?) => {{
        (|| -> $crate::Result<Vec<($($t),+)>> {
            let mut columns = $columns.into_iter();
            $(
                let mut $name = $crate::rows::column::<$t>(&columns.next().unwrap_or_default())?
                    .into_iter();
            )+
            let mut rows = Vec::with_capacity(0 $(.max($name.len()))+);
            loop {
                $( let Some($name) = $name.next() else { break }; )+
                rows.push(($($name),+));
            }
            Ok(rows)
        })()
    }};
}
pub(crate) use unpack_columns;
