//! Packed copies of what a status reads, by blocks of [`BLOCK`] project ids (migration 0017):
//! the ledger columns of a status (part `ledger`) and a year's report summaries (part
//! `summary`), each block one `postcard` value in `status_blocks`.
//!
//! A status reads every fresh block from there, a few hundred rows where the tables have a
//! million, and only the blocks a change has marked stale (or that were never written) from
//! the tables. It writes those back afterwards ([`Store::write_blocks`]), but only while
//! nothing has committed since its snapshot, holding the data generation's row (PostgreSQL)
//! or the one writer's lock (SQLite): so the marks it deletes are those of changes it has
//! read, and a block without a mark always holds what the tables hold.

use std::collections::{BTreeMap, HashSet};

use futures_util::TryStreamExt;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe, Row};

use crate::projects::placeholders;
use crate::status::copy::{RawLedger, RawSummary};
use crate::{Dialect, Result, Store, StoreError};

/// Project ids per block: `id / BLOCK`, as migration 0017's triggers mark them.
pub(crate) const BLOCK: i64 = 1024;

/// The layout of a block's `data`, its first byte; a block of another layout reads as stale
/// and is written again. Raise it whenever [`RawLedger`] or [`RawSummary`] (or what their
/// fields mean) changes, so that a database written by an older build is never misread.
const LAYOUT: u8 = 1;

/// Blocks written per transaction: each holds back other writers' commits while it runs.
const WRITE_BATCH: usize = 64;

/// The packed form of a [`RawLedger`] row: the name borrowed from the block when read.
type LedgerRow<'a> = (
    i64,
    &'a str,
    Option<i64>,
    Option<i64>,
    bool,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Rows a block holds: how they are packed, and the project id each belongs to.
pub(crate) trait BlockRow: Sized {
    const PART: &'static str;
    fn project(&self) -> i64;
    fn pack(rows: &[Self]) -> Vec<u8>;
    /// The rows, or `None` for data of another layout or none at all.
    fn unpack(data: &[u8]) -> Option<Vec<Self>>;
}

impl BlockRow for RawLedger {
    const PART: &'static str = "ledger";
    fn project(&self) -> i64 {
        self.0
    }
    fn pack(rows: &[RawLedger]) -> Vec<u8> {
        let rows: Vec<LedgerRow> = rows
            .iter()
            .map(|r| (r.0, &*r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9))
            .collect();
        packed(&rows)
    }
    fn unpack(data: &[u8]) -> Option<Vec<RawLedger>> {
        let rows: Vec<LedgerRow> = unpacked(data)?;
        Some(
            rows.into_iter()
                .map(|r| (r.0, r.1.into(), r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9))
                .collect(),
        )
    }
}

impl BlockRow for RawSummary {
    const PART: &'static str = "summary";
    fn project(&self) -> i64 {
        self.0
    }
    fn pack(rows: &[RawSummary]) -> Vec<u8> {
        packed(&rows)
    }
    fn unpack(data: &[u8]) -> Option<Vec<RawSummary>> {
        unpacked(data)
    }
}

fn packed<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut data = vec![LAYOUT];
    // Writing into a Vec fails only on values serde cannot express, which these are not;
    // an empty block would then merely read as stale.
    if let Ok(body) = postcard::to_allocvec(value) {
        data.extend_from_slice(&body);
    }
    data
}

fn unpacked<'a, T: serde::Deserialize<'a>>(data: &'a [u8]) -> Option<T> {
    let (&LAYOUT, body) = data.split_first()? else {
        return None;
    };
    match postcard::take_from_bytes(body) {
        Ok((value, [])) => Some(value),
        _ => None,
    }
}

/// One part's blocks as a status found them: the rows of every fresh block, and the blocks to
/// read from the tables.
pub(crate) struct Found<R> {
    fresh: BTreeMap<i64, Vec<R>>,
    stale: Vec<i64>,
}

impl<R: BlockRow> Found<R> {
    /// The id ranges of the stale blocks within `from..=to`, adjacent blocks joined.
    pub(crate) fn stale_ranges(&self, from: i64, to: i64) -> Vec<(i64, i64)> {
        let mut ranges: Vec<(i64, i64)> = Vec::new();
        for &block in &self.stale {
            let start = block.saturating_mul(BLOCK);
            let (a, b) = (start.max(from), start.saturating_add(BLOCK - 1).min(to));
            match ranges.last_mut() {
                _ if a > b => {}
                Some(last) if last.1.saturating_add(1) >= a => last.1 = b,
                _ => ranges.push((a, b)),
            }
        }
        ranges
    }

    /// Every row in project id order: the fresh blocks' and `read`, the rows of the stale
    /// blocks read from the tables (in id order), which are also packed into `out` to be
    /// written back.
    pub(crate) fn merged(self, read: Vec<R>, out: &mut Vec<Written>) -> Vec<R> {
        let mut read = read.into_iter().peekable();
        let mut rows = Vec::with_capacity(
            self.fresh.values().map(Vec::len).sum::<usize>() + read.size_hint().0,
        );
        let mut stale = self.stale.into_iter().peekable();
        let mut fresh = self.fresh.into_iter().peekable();
        loop {
            let take_stale = match (stale.peek(), fresh.peek()) {
                (Some(s), Some((f, _))) => s < f,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_stale {
                let Some(s) = stale.next() else { break };
                let start = rows.len();
                while let Some(row) = read.next_if(|r| r.project().div_euclid(BLOCK) <= s) {
                    rows.push(row);
                }
                out.push(Written {
                    part: R::PART,
                    block: s,
                    data: R::pack(&rows[start..]),
                });
            } else if let Some((_, mut block)) = fresh.next() {
                rows.append(&mut block);
            }
        }
        // Rows of no stale block would mean the tables were read outside the stale ranges.
        rows.extend(read);
        rows
    }
}

/// A block packed from the tables, to be written back.
pub(crate) struct Written {
    part: &'static str,
    block: i64,
    data: Vec<u8>,
}

/// What a status found in the blocks of its year, in its snapshot.
pub(crate) struct Blocks {
    pub(crate) generation: i64,
    pub(crate) ledger: Found<RawLedger>,
    pub(crate) summaries: Found<RawSummary>,
}

/// The blocks a status read from the tables, packed, and the data generation it read them at.
pub(crate) struct Refresh {
    generation: i64,
    year: i32,
    blocks: Vec<Written>,
}

impl Refresh {
    pub(crate) fn new(generation: i64, year: i32, blocks: Vec<Written>) -> Refresh {
        Refresh {
            generation,
            year,
            blocks,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The parts and blocks to write, in order.
    #[cfg(test)]
    pub(crate) fn blocks(&self) -> Vec<(&'static str, i64)> {
        self.blocks.iter().map(|w| (w.part, w.block)).collect()
    }
}

impl Store {
    /// The blocks of the ledger and of `year`'s summaries covering project ids `from..=to`, as
    /// `tx` sees them: decoded where fresh, listed where stale, missing or unreadable.
    pub(crate) async fn read_blocks(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        year: i32,
        from: i64,
        to: i64,
    ) -> Result<Blocks> {
        let (generation,): (i64,) = sqlx::query_as("SELECT n FROM data_generation WHERE id = 1")
            .fetch_one(&mut **tx)
            .await?;
        let year = i64::from(year);
        let marked: HashSet<(String, i64)> = sqlx::query_as(
            "SELECT DISTINCT part, block FROM status_blocks_stale \
             WHERE (part = 'ledger' AND year = 0) OR (part = 'summary' AND year = $1)",
        )
        .bind(year)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
        let (first, last) = (from.div_euclid(BLOCK), to.div_euclid(BLOCK));
        let mut ledger = BTreeMap::new();
        let mut summaries = BTreeMap::new();
        {
            let mut rows = sqlx::query(
                "SELECT part, block, data FROM status_blocks \
                 WHERE ((part = 'ledger' AND year = 0) OR (part = 'summary' AND year = $1)) \
                 AND block >= $2 AND block <= $3",
            )
            .bind(year)
            .bind(first)
            .bind(last)
            .fetch(&mut **tx);
            // Decoded as they arrive, while the engine reads the next.
            while let Some(row) = rows.try_next().await? {
                let part: String = row.try_get(0)?;
                let block: i64 = row.try_get(1)?;
                if marked.contains(&(part.clone(), block)) {
                    continue;
                }
                let data: Vec<u8> = row.try_get(2)?;
                match part.as_str() {
                    "ledger" => {
                        if let Some(rows) = RawLedger::unpack(&data) {
                            ledger.insert(block, rows);
                        }
                    }
                    "summary" => {
                        if let Some(rows) = RawSummary::unpack(&data) {
                            summaries.insert(block, rows);
                        }
                    }
                    _ => {}
                }
            }
        }
        fn stale<V>(first: i64, last: i64, fresh: &BTreeMap<i64, V>) -> Vec<i64> {
            (first..=last).filter(|b| !fresh.contains_key(b)).collect()
        }
        Ok(Blocks {
            generation,
            ledger: Found {
                stale: stale(first, last, &ledger),
                fresh: ledger,
            },
            summaries: Found {
                stale: stale(first, last, &summaries),
                fresh: summaries,
            },
        })
    }

    /// Writes back the blocks a status read from the tables, and deletes their stale marks,
    /// batch by batch, each only if nothing has committed since the status's snapshot (its
    /// data generation is still current); otherwise it stops, and the blocks stay stale for the
    /// next status. Never waits for another writer (an import holding SQLite's lock, a bulk load
    /// holding the generation's row): it gives up instead, and the status it follows is not
    /// held up. Whether every block was written.
    pub(crate) async fn write_blocks(&self, refresh: Refresh) -> Result<bool> {
        let mut conn = self.pool().acquire().await?;
        let sqlite = self.dialect() == Dialect::Sqlite;
        if sqlite {
            sqlx::query("PRAGMA busy_timeout = 0")
                .execute(&mut *conn)
                .await?;
        }
        let written = self.write_batches(&mut conn, refresh).await;
        if sqlite {
            let restore = format!("PRAGMA busy_timeout = {}", crate::SQLITE_BUSY_TIMEOUT_MS);
            if sqlx::query(AssertSqlSafe(restore))
                .execute(&mut *conn)
                .await
                .is_err()
            {
                conn.close_on_drop();
            }
        }
        match written {
            Err(StoreError::Db(sqlx::Error::Database(e))) if another_writer(&*e) => Ok(false),
            written => written,
        }
    }

    async fn write_batches(
        &self,
        conn: &mut sqlx::AnyConnection,
        refresh: Refresh,
    ) -> Result<bool> {
        let year = i64::from(refresh.year);
        let year_of = |part: &str| if part == "ledger" { 0 } else { year };
        let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
        let mut blocks = refresh.blocks.into_iter().peekable();
        while blocks.peek().is_some() {
            let mut tx = match self.dialect() {
                Dialect::Sqlite => {
                    sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?
                }
                Dialect::Postgres => {
                    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                    sqlx::query("SET LOCAL lock_timeout = '200ms'")
                        .execute(&mut *tx)
                        .await?;
                    tx
                }
            };
            // A write first: SQLite's writer lock, PostgreSQL's lock on the one row every
            // committing change updates (migration 0008), held to the end of this batch.
            let (n,): (i64,) =
                sqlx::query_as("UPDATE data_generation SET n = n WHERE id = 1 RETURNING n")
                    .fetch_one(&mut *tx)
                    .await?;
            if n != refresh.generation {
                tx.rollback().await?;
                return Ok(false);
            }
            let mut args = AnyArguments::default();
            let mut values = Vec::with_capacity(WRITE_BATCH);
            let mut written: Vec<(&str, i64)> = Vec::with_capacity(WRITE_BATCH);
            for (i, w) in blocks.by_ref().take(WRITE_BATCH).enumerate() {
                args.add(w.part).map_err(enc)?;
                args.add(year_of(w.part)).map_err(enc)?;
                args.add(w.block).map_err(enc)?;
                args.add(w.data).map_err(enc)?;
                values.push(format!("({})", placeholders(self.dialect(), i * 4 + 1, 4)));
                written.push((w.part, w.block));
            }
            let sql = format!(
                "INSERT INTO status_blocks (part, year, block, data) VALUES {} \
                 ON CONFLICT (part, year, block) DO UPDATE SET data = excluded.data",
                values.join(", ")
            );
            sqlx::query_with(AssertSqlSafe(sql), args)
                .execute(&mut *tx)
                .await?;
            for part in ["ledger", "summary"] {
                let of_part: Vec<i64> = written
                    .iter()
                    .filter(|(p, _)| *p == part)
                    .map(|(_, b)| *b)
                    .collect();
                if of_part.is_empty() {
                    continue;
                }
                let mut args = AnyArguments::default();
                args.add(part).map_err(enc)?;
                args.add(year_of(part)).map_err(enc)?;
                for b in &of_part {
                    args.add(*b).map_err(enc)?;
                }
                let sql = format!(
                    "DELETE FROM status_blocks_stale WHERE part = $1 AND year = $2 AND block IN ({})",
                    placeholders(Dialect::Postgres, 3, of_part.len())
                );
                sqlx::query_with(AssertSqlSafe(sql), args)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(true)
    }
}

/// Whether a database refused because another writer holds what it needed: SQLite's lock
/// (`SQLITE_BUSY`, 5, and its extended codes) or PostgreSQL's `lock_timeout` (55P03).
fn another_writer(e: &dyn sqlx::error::DatabaseError) -> bool {
    let code = e.code();
    let code = code.as_deref().unwrap_or_default();
    code == "55P03" || code.parse::<i64>().is_ok_and(|n| n & 0xff == 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(id: i64, name: &str) -> RawLedger {
        (
            id,
            name.into(),
            Some(3),
            None,
            id % 2 == 0,
            Some(id * 100),
            Some(20250301),
            None,
            Some(20250315),
            None,
        )
    }

    #[test]
    fn blocks_pack_and_unpack() {
        let rows = vec![ledger(1, "福清项目"), ledger(1023, ""), ledger(-5, "x")];
        assert_eq!(RawLedger::unpack(&RawLedger::pack(&rows)), Some(rows));
        let sums: Vec<RawSummary> = vec![(7, Some(20250630), -12, 1, None, 0b1011)];
        assert_eq!(RawSummary::unpack(&RawSummary::pack(&sums)), Some(sums));
        assert_eq!(RawSummary::unpack(&RawSummary::pack(&[])), Some(Vec::new()));
        // Another layout, cut short, trailing bytes, or nothing: stale, not an error.
        let mut other = RawLedger::pack(&[ledger(1, "a")]);
        other[0] = LAYOUT + 1;
        assert_eq!(RawLedger::unpack(&other), None);
        let whole = RawLedger::pack(&[ledger(1, "福清项目")]);
        for cut in 0..whole.len() {
            assert_eq!(RawLedger::unpack(&whole[..cut]), None, "{cut}");
        }
        let mut longer = whole.clone();
        longer.push(0);
        assert_eq!(RawLedger::unpack(&longer), None);
    }

    #[test]
    fn stale_blocks_merge_with_fresh_ones_in_id_order() {
        let fresh: BTreeMap<i64, Vec<RawSummary>> = [
            (0, vec![(5, None, 1, 0, None, 0)]),
            (2, vec![(2050, None, 3, 0, None, 0)]),
        ]
        .into();
        let found = Found {
            fresh,
            stale: vec![1, 3, 4],
        };
        assert_eq!(found.stale_ranges(5, 4500), [(1024, 2047), (3072, 4500)]);
        let read = vec![(1030, None, 2, 0, None, 0), (4200, None, 4, 0, None, 0)];
        let mut out = Vec::new();
        let rows = found.merged(read, &mut out);
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(ids, [5, 1030, 2050, 4200]);
        let written: Vec<(i64, usize)> = out
            .iter()
            .map(|w| {
                let rows = RawSummary::unpack(&w.data).map_or(usize::MAX, |r| r.len());
                (w.block, rows)
            })
            .collect();
        // Block 3 holds none of these projects: written empty, so it is not read again.
        assert_eq!(written, [(1, 1), (3, 0), (4, 1)]);
    }
}
