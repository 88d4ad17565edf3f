//! The filtered ledger list (the page every clerk opens) at 20,000 and 200,000 projects, on
//! SQLite always and on PostgreSQL when `GONGJIAN_TEST_POSTGRES` is set.
#![allow(clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use domain::{Money, Stage};
use store::testing::TestDb;
use store::{Dialect, ProjectFilter, SortColumn, SortOrder, Store};

fn cases(unit_id: i64) -> Vec<(&'static str, ProjectFilter)> {
    vec![
        ("first_page", ProjectFilter::default()),
        (
            "stage_sorted_by_total",
            ProjectFilter {
                stage: Some(Stage::UnderConstruction),
                sort: SortColumn::TotalInvestment,
                order: SortOrder::Desc,
                ..ProjectFilter::default()
            },
        ),
        (
            "unit_and_min_total_sorted_by_name",
            ProjectFilter {
                unit_id: Some(unit_id),
                min_total: Some(Money::from_wan(10_000)),
                sort: SortColumn::Name,
                ..ProjectFilter::default()
            },
        ),
        (
            "text_search",
            ProjectFilter {
                q: Some("污水处理".into()),
                ..ProjectFilter::default()
            },
        ),
        (
            "search_two_chars_sorted_by_total",
            ProjectFilter {
                q: Some("道路".into()),
                sort: SortColumn::TotalInvestment,
                order: SortOrder::Desc,
                ..ProjectFilter::default()
            },
        ),
        (
            "search_one_char",
            ProjectFilter {
                q: Some("路".into()),
                ..ProjectFilter::default()
            },
        ),
        (
            "tag_page_5",
            ProjectFilter {
                tag: Some("亿元以上".into()),
                page: 5,
                ..ProjectFilter::default()
            },
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sizes: Vec<usize> = std::env::var("GONGJIAN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![20_000, 200_000]);
    for dialect in TestDb::backends() {
        for &size in &sizes {
            let db = rt.block_on(TestDb::new(dialect));
            let store: Store = rt.block_on(db.store());
            rt.block_on(store.seed_ledger(&demo::campaign(size, 1).ledger, "bench-password"))
                .unwrap();
            // Fresh statistics, as a live database has them.
            rt.block_on(sqlx::query("ANALYZE").execute(store.pool()))
                .unwrap();
            let unit_id = rt
                .block_on(store.units())
                .unwrap()
                .iter()
                .find(|u| u.kind != domain::UnitKind::Department)
                .unwrap()
                .id;
            let backend = match dialect {
                Dialect::Sqlite => "sqlite",
                Dialect::Postgres => "postgres",
            };
            let mut group = c.benchmark_group(format!("ledger_list/{backend}/{size}"));
            group.sample_size(20);
            for (name, filter) in cases(unit_id) {
                group.bench_function(name, |b| {
                    b.iter(|| rt.block_on(store.list_projects(&filter)).unwrap())
                });
            }
            group.finish();
            rt.block_on(store.close());
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
