//! The overview page (`/dashboard`) at scale, through the whole router as a browser calls it:
//! session check, the status of every project (cold: the status is recomputed; warm: served
//! from the status cache of an unchanged data generation), the charts and the HTML.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::progress::Period;
use store::testing::TestDb;
use store::{Dialect, NewUser};
use tower::ServiceExt;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let n: usize = std::env::var("GONGJIAN_BENCH_PROJECTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let mut group = c.benchmark_group("dashboard");
    group.sample_size(10);
    for dialect in TestDb::backends() {
        let db = rt.block_on(TestDb::new(dialect));
        let store = rt.block_on(db.store());
        rt.block_on(store.seed_ledger(&demo::campaign(n, 5).ledger, "bench-password"))
            .unwrap();
        rt.block_on(demo::seed::reports(
            &store,
            Period {
                year: 2025,
                month: 12,
                part: None,
            },
        ))
        .unwrap();
        let unit = rt.block_on(store.units()).unwrap()[0].id;
        let user = rt
            .block_on(store.create_user(NewUser {
                username: "bench-reader",
                display_name: "bench",
                password: "bench-password",
                role: domain::Role::Leadership,
                unit_id: unit,
            }))
            .unwrap();
        let token = rt.block_on(store.create_session(user)).unwrap();
        let app = web::app(web::AppState::new(store.clone(), false));
        let get = |as_of: &str| {
            let request = Request::builder()
                .uri(format!("/dashboard?as_of={as_of}"))
                .header(header::COOKIE, format!("gongjian_session={token}"))
                .body(Body::empty())
                .unwrap();
            let response = rt.block_on(app.clone().oneshot(request)).unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        };
        let name = match dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        };
        // Two dates in turn: the cache holds one status, so every call recomputes.
        let mut flip = false;
        group.bench_function(format!("{name}/{n}_projects/cold"), |b| {
            b.iter(|| {
                flip = !flip;
                get(if flip { "2025-12-31" } else { "2025-11-30" })
            })
        });
        group.bench_function(format!("{name}/{n}_projects/warm"), |b| {
            b.iter(|| get("2025-12-31"))
        });
        rt.block_on(store.close());
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
