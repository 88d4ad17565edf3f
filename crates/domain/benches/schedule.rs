//! Scheduling 10,000 approval plans of 15 nodes (the 政府投资 template with varied durations and
//! start dates), and `calendar add` for N up to 10,000 working days.
#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use domain::approval::template;
use domain::calendar::{HolidayYear, WorkCalendar, builtin_years};
use domain::schedule::{Plan, schedule};

fn plans(n: usize) -> Vec<Plan> {
    let t = template("government").unwrap();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let mut plan = t.plan(first + Days::new((i * 7 % 1500) as u64));
            for (k, node) in plan.nodes.iter_mut().enumerate() {
                node.duration = node.duration * (1 + (i + k) as u32 % 3) / 2;
            }
            plan
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let calendar = WorkCalendar::builtin().unwrap();
    let all = plans(10_000);
    let mut group = c.benchmark_group("schedule");
    group.sample_size(20);
    group.throughput(Throughput::Elements(all.len() as u64));
    group.bench_function("10000_plans_x_15_nodes", |b| {
        b.iter(|| {
            all.iter()
                .map(|p| schedule(p, &calendar).unwrap().saved_workdays)
                .sum::<u32>()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("calendar");
    group.bench_function("build_builtin_2020_2026", |b| {
        b.iter(|| WorkCalendar::builtin().unwrap())
    });
    // Years past 2026 without holidays, so that 10,000 working days fit (about 40 years).
    let mut years = builtin_years().unwrap();
    years.extend((2027..=2070).map(|year| HolidayYear {
        year,
        papers: Vec::new(),
        days: Vec::new(),
        provisional: false,
    }));
    let long = WorkCalendar::new(years).unwrap();
    let start = NaiveDate::from_ymd_opt(2020, 1, 2).unwrap();
    for n in [1u32, 100, 1_000, 10_000] {
        group.bench_with_input(BenchmarkId::new("add", n), &n, |b, &n| {
            b.iter(|| long.add_workdays(start, n).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
