//! Importing a 20,000-row ledger workbook end to end: read and validate the .xlsx and write it
//! to a fresh SQLite database in one transaction — as the import does, streamed (the writes
//! overlapping the reading), and for comparison one after the other.
#![allow(clippy::unwrap_used)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use store::testing::TestDb;
use store::{Dialect, LedgerRow};

const ROWS: usize = 20_000;

fn workbook(rt: &tokio::runtime::Runtime) -> Vec<u8> {
    let db = rt.block_on(TestDb::new(Dialect::Sqlite));
    let store = rt.block_on(db.store());
    rt.block_on(store.seed_ledger(&demo::campaign(ROWS, 11).ledger, "bench-password"))
        .unwrap();
    let projects = rt.block_on(store.all_projects()).unwrap();
    rt.block_on(store.close());
    web::export_xlsx(&projects).unwrap()
}

fn rows(bytes: &[u8]) -> Vec<LedgerRow> {
    let parsed = office::read_ledger(bytes);
    assert!(parsed.errors.is_empty());
    web::ledger_rows(parsed.projects)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bytes = workbook(&rt);
    let mut group = c.benchmark_group("import_ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("read_xlsx_20k", |b| b.iter(|| office::read_ledger(&bytes)));
    let parsed = rows(&bytes);
    group.bench_function("write_20k_sqlite", |b| {
        b.iter_batched(
            || {
                let db = rt.block_on(TestDb::new(Dialect::Sqlite));
                let store = rt.block_on(db.store());
                (db, store)
            },
            |(db, store)| {
                let outcome = rt
                    .block_on(store.import_ledger(&parsed, None, false))
                    .unwrap();
                assert_eq!(outcome.created, ROWS);
                rt.block_on(store.close());
                drop(db);
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("end_to_end_streamed_20k_sqlite", |b| {
        b.iter_batched(
            || {
                let db = rt.block_on(TestDb::new(Dialect::Sqlite));
                let store = rt.block_on(db.store());
                (db, store, bytes.clone())
            },
            |(db, store, file)| {
                let report = rt
                    .block_on(web::imports::ledger(&store, file, None, false))
                    .unwrap();
                assert_eq!((report.created, report.written), (ROWS, true));
                rt.block_on(store.close());
                drop(db);
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("end_to_end_read_then_write_20k_sqlite", |b| {
        b.iter_batched(
            || {
                let db = rt.block_on(TestDb::new(Dialect::Sqlite));
                let store = rt.block_on(db.store());
                (db, store)
            },
            |(db, store)| {
                let outcome = rt
                    .block_on(store.import_ledger(&rows(&bytes), None, false))
                    .unwrap();
                assert_eq!(outcome.created, ROWS);
                rt.block_on(store.close());
                drop(db);
            },
            BatchSize::PerIteration,
        )
    });
    // The check before an import (the import page's first step, `--dry-run`): the same rows
    // matched and validated against a database holding the ledger already, nothing written.
    let db = rt.block_on(TestDb::new(Dialect::Sqlite));
    let store = rt.block_on(db.store());
    rt.block_on(store.import_ledger(&parsed, None, false))
        .unwrap();
    group.bench_function("dry_run_20k_sqlite_over_the_same_ledger", |b| {
        b.iter(|| {
            let outcome = rt
                .block_on(store.import_ledger(&parsed, None, true))
                .unwrap();
            assert_eq!(outcome.unchanged, ROWS);
        })
    });
    group.bench_function("dry_run_streamed_20k_sqlite_over_the_same_ledger", |b| {
        b.iter(|| {
            let report = rt
                .block_on(web::imports::ledger(&store, bytes.clone(), None, true))
                .unwrap();
            assert_eq!((report.unchanged, report.written), (ROWS, false));
        })
    });
    rt.block_on(store.close());
    drop(db);
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
