//! The one read that leaves the `AnyPool`: a PostgreSQL status's ledger-and-summaries rows, a
//! million of them for a province, streamed by binary `COPY … TO STDOUT` on native connections.
//!
//! Through `Any`, every value of every row is a heap value handed across a channel; at a million
//! rows that was three quarters of a status (see BENCHMARKS.md). Here each part of the id range
//! is one `COPY` on its own connection, all under the snapshot the caller's transaction exported
//! (`pg_export_snapshot()`), so the parts together read exactly what one statement would have,
//! while the server joins them and this process decodes them in parallel.

use futures_util::StreamExt;
use sqlx::PgPool;

use crate::{Result, StoreError};

/// One row of the status query: the eight ledger columns and, when the project has a summary
/// of the year, its five columns (see `reports::LEDGER_COLUMNS` and `SUMMARY_COLUMNS`).
pub(crate) type JoinedRow = (
    crate::reports::LedgerRow,
    Option<crate::reports::SummaryRow>,
);

/// Reads `select` (a query with `{from}` and `{to}` where the part's id bounds go, every
/// column `BIGINT` but the second, `TEXT`) for each part of `parts`, each under `snapshot`.
pub(crate) async fn read_parts(
    pool: &PgPool,
    snapshot: &str,
    select: &str,
    parts: &[(i64, i64)],
) -> Result<Vec<JoinedRow>> {
    // The snapshot name comes from the server, but it is spliced into SQL: check its shape.
    if snapshot.is_empty() || !snapshot.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(malformed(format!("snapshot name {snapshot:?}")));
    }
    let mut tasks = Vec::with_capacity(parts.len());
    for &(from, to) in parts {
        let pool = pool.clone();
        let statement = format!(
            "COPY ({}) TO STDOUT (FORMAT binary)",
            select
                .replace("{from}", &from.to_string())
                .replace("{to}", &to.to_string())
        );
        let set_snapshot = format!("SET TRANSACTION SNAPSHOT '{snapshot}'");
        tasks.push(tokio::spawn(async move {
            read_part(&pool, &set_snapshot, &statement).await
        }));
    }
    let mut rows = Vec::new();
    for task in tasks {
        let part = task
            .await
            .map_err(|e| malformed(format!("reading task failed: {e}")))??;
        if rows.is_empty() {
            rows = part;
        } else {
            rows.extend(part);
        }
    }
    Ok(rows)
}

async fn read_part(pool: &PgPool, set_snapshot: &str, statement: &str) -> Result<Vec<JoinedRow>> {
    let mut tx = pool.begin().await?;
    for sql in [
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        set_snapshot,
        // The join hashes one summary row per project: with the default 4 MB it spills to
        // disk in batches (a million projects: 2.6 s in the server instead of 1.3 s).
        "SET LOCAL work_mem = '256MB'",
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut *tx)
            .await?;
    }
    let mut decoder = Decoder::default();
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
#[derive(Default)]
struct Decoder {
    /// Bytes of a row (or the header) not complete yet.
    pending: Vec<u8>,
    header_read: bool,
    ended: bool,
    rows: Vec<JoinedRow>,
}

/// The header: signature, flags (no OIDs), and an extension area's length.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

impl Decoder {
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

    fn finish(self) -> Result<Vec<JoinedRow>> {
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
                Some(13) => match decode_row(&mut row)? {
                    Some(decoded) => {
                        self.rows.push(decoded);
                        at = row.at;
                    }
                    None => return Ok(at),
                },
                Some(n) => return Err(malformed(format!("{n} columns in a row, not 13"))),
            }
        }
        if at != data.len() {
            return Err(malformed("data after the COPY trailer".into()));
        }
        Ok(at)
    }
}

/// The row's 13 fields, or `None` when `data` ends before the row does.
fn decode_row(f: &mut Fields) -> Result<Option<JoinedRow>> {
    macro_rules! field {
        ($e:expr) => {
            match $e? {
                Some(v) => v,
                None => return Ok(None),
            }
        };
    }
    let id = field!(f.int()).ok_or_else(|| malformed("a project without id".into()))?;
    let name = field!(f.text()).unwrap_or_default();
    let unit = field!(f.int());
    let region = field!(f.int());
    let flags = field!(f.int()).unwrap_or(0);
    let plan = field!(f.int());
    let planned_start = field!(f.int());
    let planned_completion = field!(f.int());
    let latest_end = field!(f.int());
    let ytd = field!(f.int());
    let started = field!(f.int());
    let quarter = field!(f.int());
    let mask = field!(f.int());
    let summary = match (latest_end, ytd, started, mask) {
        (Some(end), Some(ytd), Some(started), Some(mask)) => {
            Some((id, end, ytd, started, quarter, mask))
        }
        _ => None,
    };
    Ok(Some((
        (
            id,
            name,
            unit,
            region,
            flags,
            plan,
            planned_start,
            planned_completion,
        ),
        summary,
    )))
}

/// A cursor over one row's bytes. Each read gives `Ok(None)` when the data ends first.
struct Fields<'a> {
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

    fn int(&mut self) -> Result<Option<Option<i64>>> {
        Ok(match self.field()? {
            None => None,
            Some(None) => Some(None),
            Some(Some(bytes)) => {
                let bytes: [u8; 8] = bytes
                    .try_into()
                    .map_err(|_| malformed(format!("a {}-byte BIGINT", bytes.len())))?;
                Some(Some(i64::from_be_bytes(bytes)))
            }
        })
    }

    fn text(&mut self) -> Result<Option<Option<String>>> {
        Ok(match self.field()? {
            None => None,
            Some(None) => Some(None),
            Some(Some(bytes)) => Some(Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| malformed("a name that is not UTF-8".into()))?
                    .to_owned(),
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

    /// A stream of two rows (one with a summary, one with NULLs), cut at every byte.
    #[test]
    fn decodes_rows_split_anywhere() {
        let mut stream = SIGNATURE.to_vec();
        stream.extend(0u32.to_be_bytes());
        stream.extend(0u32.to_be_bytes());
        let int = |s: &mut Vec<u8>, v: Option<i64>| match v {
            Some(v) => {
                s.extend(8i32.to_be_bytes());
                s.extend(v.to_be_bytes());
            }
            None => s.extend((-1i32).to_be_bytes()),
        };
        for (id, name, summary) in [(7i64, "污水处理厂", true), (9, "道路", false)] {
            stream.extend(13i16.to_be_bytes());
            int(&mut stream, Some(id));
            stream.extend((name.len() as i32).to_be_bytes());
            stream.extend(name.as_bytes());
            for v in [Some(3), None, Some(5), Some(1_000), Some(20250315), None] {
                int(&mut stream, v);
            }
            for v in [Some(20251231), Some(600), Some(1), None, Some(0b101)] {
                int(&mut stream, v.filter(|_| summary));
            }
        }
        stream.extend((-1i16).to_be_bytes());
        let expected: Vec<JoinedRow> = vec![
            (
                (
                    7,
                    "污水处理厂".into(),
                    Some(3),
                    None,
                    5,
                    Some(1_000),
                    Some(20250315),
                    None,
                ),
                Some((7, 20251231, 600, 1, None, 0b101)),
            ),
            (
                (
                    9,
                    "道路".into(),
                    Some(3),
                    None,
                    5,
                    Some(1_000),
                    Some(20250315),
                    None,
                ),
                None,
            ),
        ];
        for cut in 0..=stream.len() {
            let mut d = Decoder::default();
            d.feed(&stream[..cut]).unwrap();
            d.feed(&stream[cut..]).unwrap();
            assert_eq!(d.finish().unwrap(), expected, "cut at {cut}");
        }
        // Byte by byte.
        let mut d = Decoder::default();
        for b in &stream {
            d.feed(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(d.finish().unwrap(), expected);
        // Cut short, or with a column too many: an error, not a panic.
        let mut d = Decoder::default();
        d.feed(&stream[..stream.len() - 3]).unwrap();
        assert!(d.finish().is_err());
        let mut wrong = stream.clone();
        wrong[SIGNATURE.len() + 8 + 1] = 14;
        assert!(Decoder::default().feed(&wrong).is_err());
        assert!(Decoder::default().feed(b"PGCOPY\nxxxxxxxxxxxxxxx").is_err());
    }
}
