//! The one read that leaves the `AnyPool`: a PostgreSQL status's ledger and summary rows, a
//! million of each for a province, streamed by binary `COPY … TO STDOUT` on native connections.
//!
//! Through `Any`, every value of every row is a heap value handed across a channel; at a million
//! rows that was three quarters of a status (see BENCHMARKS.md). Here each statement is one
//! `COPY` on its own connection, all under the snapshot the caller's transaction exported
//! (`pg_export_snapshot()`), so together they read exactly what one statement would have, while
//! the server scans and this process decodes them in parallel.

use futures_util::StreamExt;
use sqlx::PgPool;

use crate::{Result, StoreError};

/// A row type a `COPY` stream decodes into: its column count and how to read one row.
pub(crate) trait CopyRow: Sized + Send + 'static {
    const COLUMNS: i16;
    /// The row, or `None` when the data ends before it does.
    fn decode(f: &mut Fields) -> Result<Option<Self>>;
}

/// The raw ledger columns of a status (see `reports::LEDGER_COLUMNS`): id, name, unit,
/// region, whether 计划开工, plan, planned start and completion, actual start and completion
/// (days as `yyyymmdd`).
pub(crate) type RawLedger = (
    i64,
    std::sync::Arc<str>,
    Option<i64>,
    Option<i64>,
    bool,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The raw summary columns (see `reports::SUMMARY_COLUMNS`): project, latest end (as
/// `yyyymmdd`), year to date, started, year to date by March, on-time periods.
pub(crate) type RawSummary = (i64, Option<i64>, i64, i64, Option<i64>, i64);

macro_rules! field {
    ($e:expr) => {
        match $e? {
            Some(v) => v,
            None => return Ok(None),
        }
    };
}

impl CopyRow for RawLedger {
    const COLUMNS: i16 = 10;
    fn decode(f: &mut Fields) -> Result<Option<RawLedger>> {
        let id = field!(f.int()).ok_or_else(|| malformed("a project without id".into()))?;
        Ok(Some((
            id,
            field!(f.text()).unwrap_or_else(|| "".into()),
            field!(f.int()),
            field!(f.int()),
            field!(f.is_text("to_start")),
            field!(f.int()),
            field!(f.day()),
            field!(f.day()),
            field!(f.day()),
            field!(f.day()),
        )))
    }
}

impl CopyRow for RawSummary {
    const COLUMNS: i16 = 6;
    fn decode(f: &mut Fields) -> Result<Option<RawSummary>> {
        let not_null = |v: Option<i64>| v.ok_or_else(|| malformed("a NULL summary column".into()));
        Ok(Some((
            not_null(field!(f.int()))?,
            field!(f.day()),
            not_null(field!(f.int()))?,
            not_null(field!(f.int()))?,
            field!(f.int()),
            not_null(field!(f.int()))?,
        )))
    }
}

/// Checks the shape of a snapshot name (from the server, but spliced into SQL).
pub(crate) fn checked_snapshot(snapshot: &str) -> Result<String> {
    if snapshot.is_empty() || !snapshot.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(malformed(format!("snapshot name {snapshot:?}")));
    }
    Ok(format!("SET TRANSACTION SNAPSHOT '{snapshot}'"))
}

/// Starts `select` as `COPY … (FORMAT binary)` on a connection of its own under the snapshot
/// (`set_snapshot` from [`checked_snapshot`]); its rows once it has read them all.
/// `rows` is how many rows to make room for (an estimate).
pub(crate) fn spawn_read<R: CopyRow>(
    pool: &PgPool,
    set_snapshot: &str,
    select: &str,
    rows: usize,
) -> tokio::task::JoinHandle<Result<Vec<R>>> {
    let pool = pool.clone();
    let set_snapshot = set_snapshot.to_string();
    let statement = format!("COPY ({select}) TO STDOUT (FORMAT binary)");
    tokio::spawn(async move { read_part::<R>(&pool, &set_snapshot, &statement, rows).await })
}

/// The rows of a task from [`spawn_read`].
pub(crate) async fn joined<R>(task: tokio::task::JoinHandle<Result<Vec<R>>>) -> Result<Vec<R>> {
    task.await
        .map_err(|e| malformed(format!("reading task failed: {e}")))?
}

async fn read_part<R: CopyRow>(
    pool: &PgPool,
    set_snapshot: &str,
    statement: &str,
    rows: usize,
) -> Result<Vec<R>> {
    let mut tx = pool.begin().await?;
    for sql in [
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        set_snapshot,
        // Plain scans: compiling them would cost more than it saves.
        "SET LOCAL jit = off",
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut *tx)
            .await?;
    }
    let mut decoder = Decoder::<R>::default();
    decoder.rows.reserve(rows);
    let mut failed = None;
    {
        let mut stream = tx.copy_out_raw(statement).await?;
        // Read to the end even after a bad row: a connection left mid-COPY cannot be reused.
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if failed.is_none()
                && let Err(e) = decoder.feed(&chunk)
            {
                failed = Some(e);
            }
        }
    }
    tx.rollback().await?;
    match failed {
        Some(e) => Err(e),
        None => decoder.finish(),
    }
}

fn malformed(what: String) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!(
        "状态数据读取异常 / unexpected status data from PostgreSQL: {what}"
    )))
}

/// PostgreSQL's binary COPY format, fed in chunks of any size: a header, then per row a field
/// count and each field as a length (−1 for NULL) and its bytes, then a trailer (count −1).
struct Decoder<R> {
    /// Bytes of a row (or the header) not complete yet.
    pending: Vec<u8>,
    header_read: bool,
    ended: bool,
    rows: Vec<R>,
}

impl<R> Default for Decoder<R> {
    fn default() -> Self {
        Decoder {
            pending: Vec::new(),
            header_read: false,
            ended: false,
            rows: Vec::new(),
        }
    }
}

/// The header: signature, flags (no OIDs), and an extension area's length.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

impl<R: CopyRow> Decoder<R> {
    fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        if self.pending.is_empty() {
            let used = self.parse(chunk)?;
            self.pending.extend_from_slice(&chunk[used..]);
        } else {
            let mut data = std::mem::take(&mut self.pending);
            data.extend_from_slice(chunk);
            let used = self.parse(&data)?;
            data.drain(..used);
            self.pending = data;
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<R>> {
        if !self.ended || !self.pending.is_empty() {
            return Err(malformed("the COPY stream ended early".into()));
        }
        Ok(self.rows)
    }

    /// Decodes every complete row of `data`; returns how many bytes they took.
    fn parse(&mut self, data: &[u8]) -> Result<usize> {
        let mut at = 0;
        if !self.header_read {
            let fixed = SIGNATURE.len() + 8;
            if data.len() < fixed {
                return Ok(0);
            }
            if &data[..SIGNATURE.len()] != SIGNATURE {
                return Err(malformed("not a binary COPY stream".into()));
            }
            let extension = be_u32(&data[SIGNATURE.len() + 4..fixed]) as usize;
            if data.len() < fixed + extension {
                return Ok(0);
            }
            at = fixed + extension;
            self.header_read = true;
        }
        while !self.ended {
            let mut row = Fields { data, at };
            match row.count() {
                None => return Ok(at),
                Some(-1) => {
                    self.ended = true;
                    at = row.at;
                }
                Some(n) if n == R::COLUMNS => match R::decode(&mut row)? {
                    Some(decoded) => {
                        self.rows.push(decoded);
                        at = row.at;
                    }
                    None => return Ok(at),
                },
                Some(n) => {
                    return Err(malformed(format!(
                        "{n} columns in a row, not {}",
                        R::COLUMNS
                    )));
                }
            }
        }
        if at != data.len() {
            return Err(malformed("data after the COPY trailer".into()));
        }
        Ok(at)
    }
}

/// A cursor over one row's bytes. Each read gives `Ok(None)` when the data ends first.
pub(crate) struct Fields<'a> {
    data: &'a [u8],
    at: usize,
}

impl Fields<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let bytes = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(bytes)
    }

    fn count(&mut self) -> Option<i16> {
        self.take(2).map(|b| i16::from_be_bytes([b[0], b[1]]))
    }

    /// A field's bytes: `Some(None)` for NULL.
    fn field(&mut self) -> Result<Option<Option<&[u8]>>> {
        let Some(len) = self.take(4).map(be_i32) else {
            return Ok(None);
        };
        if len == -1 {
            return Ok(Some(None));
        }
        let len = usize::try_from(len).map_err(|_| malformed(format!("field length {len}")))?;
        Ok(self.take(len).map(Some))
    }

    /// A BIGINT, INTEGER or SMALLINT field.
    fn int(&mut self) -> Result<Option<Option<i64>>> {
        Ok(match self.field()? {
            None => None,
            Some(None) => Some(None),
            Some(Some(b)) => Some(Some(match *b {
                [a, b] => i64::from(i16::from_be_bytes([a, b])),
                [a, b, c, d] => i64::from(i32::from_be_bytes([a, b, c, d])),
                [a, b, c, d, e, f, g, h] => i64::from_be_bytes([a, b, c, d, e, f, g, h]),
                _ => return Err(malformed(format!("a {}-byte integer", b.len()))),
            })),
        })
    }

    /// A stored `YYYY-MM-DD` as `yyyymmdd`, read in place (none for NULL or not a day).
    fn day(&mut self) -> Result<Option<Option<i64>>> {
        Ok(self
            .field()?
            .map(|b| b.and_then(crate::status::decode::ymd_bytes_number)))
    }

    /// Whether a text field is `text` (false for NULL), read in place.
    fn is_text(&mut self, text: &str) -> Result<Option<bool>> {
        Ok(self.field()?.map(|b| b == Some(text.as_bytes())))
    }

    /// A text field, shared.
    fn text(&mut self) -> Result<Option<Option<std::sync::Arc<str>>>> {
        Ok(match self.field()? {
            None => None,
            Some(None) => Some(None),
            Some(Some(bytes)) => Some(Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| malformed("a name that is not UTF-8".into()))?
                    .into(),
            )),
        })
    }
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &mut Vec<u8>, v: Option<i64>) {
        match v {
            Some(v) => {
                s.extend(8i32.to_be_bytes());
                s.extend(v.to_be_bytes());
            }
            None => s.extend((-1i32).to_be_bytes()),
        }
    }

    fn text(s: &mut Vec<u8>, v: Option<&str>) {
        match v {
            Some(v) => {
                s.extend(i32::try_from(v.len()).unwrap().to_be_bytes());
                s.extend(v.as_bytes());
            }
            None => s.extend((-1i32).to_be_bytes()),
        }
    }

    /// A stream of two ledger rows (one with NULLs and a malformed day), cut at every byte.
    #[test]
    fn decodes_rows_split_anywhere() {
        let mut stream = SIGNATURE.to_vec();
        stream.extend(0u32.to_be_bytes());
        stream.extend(0u32.to_be_bytes());
        for (id, name, full) in [(7i64, "污水处理厂", true), (9, "道路", false)] {
            stream.extend(10i16.to_be_bytes());
            int(&mut stream, Some(id));
            text(&mut stream, Some(name));
            int(&mut stream, Some(3));
            int(&mut stream, None.filter(|_: &i64| full));
            text(&mut stream, full.then_some("to_start"));
            // A 4-byte INTEGER reads as well as a BIGINT.
            stream.extend(4i32.to_be_bytes());
            stream.extend(1_000i32.to_be_bytes());
            text(&mut stream, Some("2025-03-15"));
            text(&mut stream, full.then_some("2025-12-31"));
            text(
                &mut stream,
                Some(if full { "2025-04-01" } else { "2025-02-30" }),
            );
            text(&mut stream, None);
        }
        stream.extend((-1i16).to_be_bytes());
        let expected: Vec<RawLedger> = vec![
            (
                7,
                "污水处理厂".into(),
                Some(3),
                None,
                true,
                Some(1_000),
                Some(20250315),
                Some(20251231),
                Some(20250401),
                None,
            ),
            (
                9,
                "道路".into(),
                Some(3),
                None,
                false,
                Some(1_000),
                Some(20250315),
                None,
                None,
                None,
            ),
        ];
        for cut in 0..=stream.len() {
            let mut d = Decoder::<RawLedger>::default();
            d.feed(&stream[..cut]).unwrap();
            d.feed(&stream[cut..]).unwrap();
            assert_eq!(d.finish().unwrap(), expected, "cut at {cut}");
        }
        // Byte by byte.
        let mut d = Decoder::<RawLedger>::default();
        for b in &stream {
            d.feed(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(d.finish().unwrap(), expected);
        // Cut short, read as the wrong row type, or not COPY data at all: an error, no panic.
        let mut d = Decoder::<RawLedger>::default();
        d.feed(&stream[..stream.len() - 3]).unwrap();
        assert!(d.finish().is_err());
        assert!(Decoder::<RawSummary>::default().feed(&stream).is_err());
        assert!(
            Decoder::<RawLedger>::default()
                .feed(b"PGCOPY\nxxxxxxxxxxxxxxx")
                .is_err()
        );
        assert!(checked_snapshot("00000003-0000001B-1").is_ok());
        assert!(checked_snapshot("x'; DROP TABLE projects; --").is_err());
    }

    /// A summary with a NULL where none may be is an error.
    #[test]
    fn summaries_must_be_whole() {
        let mut stream = SIGNATURE.to_vec();
        stream.extend([0u8; 8]);
        stream.extend(6i16.to_be_bytes());
        int(&mut stream, Some(1));
        text(&mut stream, Some("2025-12-31"));
        int(&mut stream, None);
        for _ in 0..3 {
            int(&mut stream, Some(0));
        }
        stream.extend((-1i16).to_be_bytes());
        assert!(Decoder::<RawSummary>::default().feed(&stream).is_err());
    }
}
