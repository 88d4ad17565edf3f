//! `gongjian status` at scale: the latest report of every project by a date plus the ledger
//! fields the lights need (`Store::status_inputs`), then every light, unit score and rank
//! (`domain::progress::evaluate`). Twelve monthly reports per project with an annual plan.
//! Also `Store::status` computed afresh (with the approval-plan warnings) and served from its
//! cache (unchanged data generation). Computed afresh three ways: with every status block
//! fresh (the data unchanged since the last status), after one report was filed (one block
//! stale), and with no blocks at all (after a bulk load: every block read from the tables and
//! written back, as the first status after a load or a month's import does).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use domain::progress::{Cadence, Period, Rules, Scheme, Window, evaluate};
use store::Dialect;
use store::testing::TestDb;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sizes: Vec<usize> = std::env::var("GONGJIAN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![20_000]);
    let as_of = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let due: Vec<Period> = (1..=11)
        .map(|month| Period {
            year: 2025,
            month,
            part: None,
        })
        .collect();
    let mut group = c.benchmark_group("status");
    group.sample_size(10);
    for dialect in TestDb::backends() {
        for &n in &sizes {
            let db = rt.block_on(TestDb::new(dialect));
            let store = rt.block_on(db.store());
            rt.block_on(store.seed_ledger(&demo::campaign(n, 5).ledger, "bench-password"))
                .unwrap();
            let reports = rt
                .block_on(demo::seed::reports(
                    &store,
                    Period {
                        year: 2025,
                        month: 12,
                        part: None,
                    },
                ))
                .unwrap();
            let analyze = match dialect {
                Dialect::Sqlite => "ANALYZE",
                Dialect::Postgres => "VACUUM ANALYZE",
            };
            rt.block_on(sqlx::query(analyze).execute(store.pool()))
                .unwrap();
            let name = format!(
                "{}/{n}_projects_{reports}_reports",
                match dialect {
                    Dialect::Sqlite => "sqlite",
                    Dialect::Postgres => "postgres",
                }
            );
            let compute = || {
                rt.block_on(store.compute_status(as_of, &Scheme::default()))
                    .unwrap()
                    .status
                    .units
                    .len()
            };
            let change = |sql: &'static str| {
                rt.block_on(sqlx::query(sql).execute(store.pool())).unwrap();
            };
            group.bench_function(format!("{name}/store_status_computed"), |b| b.iter(compute));
            group.bench_function(format!("{name}/store_status_after_one_report"), |b| {
                b.iter_batched(
                    || {
                        change(
                            "UPDATE reports SET completed_fen = completed_fen + 1, \
                             ytd_fen = ytd_fen + 1 WHERE project_id = 1500 AND period = '2025-12'",
                        )
                    },
                    |()| compute(),
                    BatchSize::PerIteration,
                )
            });
            group.bench_function(format!("{name}/store_status_no_blocks"), |b| {
                b.iter_batched(
                    || change("DELETE FROM status_blocks"),
                    |()| compute(),
                    BatchSize::PerIteration,
                )
            });
            group.bench_function(format!("{name}/store_status_cached"), |b| {
                b.iter(|| {
                    rt.block_on(store.status(as_of, &Scheme::default()))
                        .unwrap()
                        .status
                        .units
                        .len()
                })
            });
            group.bench_function(format!("{name}/inputs_and_evaluate"), |b| {
                b.iter(|| {
                    let inputs = rt.block_on(store.status_inputs(as_of, &due)).unwrap();
                    evaluate(
                        &inputs,
                        as_of,
                        Window::Year(2025),
                        Cadence::Monthly,
                        &Rules::default(),
                        &Scheme::default(),
                    )
                    .units
                    .len()
                })
            });
            rt.block_on(store.close());
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
