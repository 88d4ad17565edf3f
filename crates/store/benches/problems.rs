//! `gongjian problems` and `gongjian agenda` at scale: 100,000 problems over 20,000 projects
//! (`Store::problems_as_of`, `Store::agenda`). The agenda's red projects come from the status,
//! which is cached per data generation (see the status benchmark for it computed afresh).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use store::Dialect;
use store::testing::TestDb;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    let as_of = day(10, 20);
    let mut group = c.benchmark_group("problems");
    group.sample_size(10);
    for dialect in TestDb::backends() {
        let db = rt.block_on(TestDb::new(dialect));
        let store = rt.block_on(db.store());
        rt.block_on(store.seed_ledger(&demo::campaign(20_000, 5).ledger, "bench-password"))
            .unwrap();
        rt.block_on(demo::seed::problems(&store, 100_000, day(1, 5), as_of))
            .unwrap();
        let analyze = match dialect {
            Dialect::Sqlite => "ANALYZE",
            Dialect::Postgres => "VACUUM ANALYZE",
        };
        rt.block_on(sqlx::query(analyze).execute(store.pool()))
            .unwrap();
        let name = match dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        };
        group.bench_function(format!("{name}/100000_problems/problems_as_of"), |b| {
            b.iter(|| rt.block_on(store.problems_as_of(as_of)).unwrap().len())
        });
        group.bench_function(format!("{name}/100000_problems/agenda"), |b| {
            b.iter(|| rt.block_on(store.agenda(as_of, None)).unwrap().items.len())
        });
        rt.block_on(store.close());
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
