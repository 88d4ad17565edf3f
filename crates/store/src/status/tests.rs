#![allow(clippy::unwrap_used)]

use super::copy::RawSummary;
use super::decode::*;
use super::scan::in_id_order;
use super::*;
use crate::testing::{Backend, TestDb};
use crate::{Actor, Filing, FilingOptions, ReportEntry};
use crate::{
    Dialect, ReportRecord, ReportState, SeedLedger, SeedProject, SeedRegion, SeedReport, SeedUnit,
};
use domain::{ProjectFields, Stage, UnitKind};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

/// A ledger of `n` projects (ids 1 to `n` in a fresh database) in two towns, each with an
/// annual plan of its own size, every fifth still to start. (The demo crate builds on the store,
/// so the store's own tests make their ledgers here.)
fn ledger(n: usize) -> SeedLedger {
    let town = |name: &str| SeedUnit {
        name: name.to_string(),
        kind: UnitKind::Town,
        region: None,
    };
    let projects = (0..n)
        .map(|i| SeedProject {
            fields: ProjectFields {
                code: Some(format!("T-{i:05}")),
                name: format!("测试项目{i}"),
                stage: Some(if i % 5 == 4 {
                    Stage::ToStart
                } else {
                    Stage::UnderConstruction
                }),
                annual_plan: Some(Money::from_wan(100 + (i as i64 * 37) % 900)),
                planned_start: (i % 5 == 4).then(|| day(1 + (i % 6) as u32, 1)),
                ..ProjectFields::default()
            },
            unit: i % 2,
            lead_department: 0,
            region: 0,
        })
        .collect();
    SeedLedger {
        regions: vec![SeedRegion {
            name: "测试县".into(),
            code: None,
            parent: None,
        }],
        units: vec![town("甲镇"), town("乙镇")],
        users: Vec::new(),
        projects,
    }
}

/// Monthly reports January to `through` of 2025 for every project of [`ledger`], written by
/// the bulk load: a share of the plan that differs per project and month, projects to start
/// from their planned month; earlier months approved; of the last, one in ten missing, one in
/// ten a draft, some returned, the rest submitted. Returns how many.
async fn seed_reports(store: &Store, through: u32) -> usize {
    let mut reports = Vec::new();
    for project in store.all_projects().await.unwrap() {
        let id = project.id;
        let plan = project.fields.annual_plan.unwrap_or(Money::ZERO).fen();
        let from = project.fields.planned_start.map_or(1, |d| d.month());
        let mut previous = 0;
        for month in 1..=through {
            let latest = month == through;
            if latest && id % 10 == 0 {
                continue;
            }
            let share = if month < from {
                0
            } else {
                i64::from(month + 1 - from) * (60 + id % 50)
            };
            let ytd = plan * share / 1_200 / 10_000 * 10_000;
            let state = match (latest, id % 10) {
                (false, _) => ReportState::Approved,
                (true, 1) => ReportState::Draft,
                (true, 2) if id % 3 == 0 => ReportState::Returned,
                (true, _) => ReportState::Submitted,
            };
            reports.push(SeedReport {
                record: ReportRecord {
                    project_id: id,
                    period: Period {
                        year: 2025,
                        month,
                        part: None,
                    },
                    completed: Money::from_fen(ytd - previous),
                    year_to_date: Money::from_fen(ytd),
                    started: month >= from,
                    actual_start: None,
                    progress: None,
                    late: (id + i64::from(month)) % 11 == 0,
                },
                state,
                review_note: (state == ReportState::Returned).then(|| "请核实".to_string()),
            });
            previous = ytd;
        }
    }
    store.seed_reports(&reports).await.unwrap()
}

async fn file(store: &Store, month: u32, ytd_wan: &[(i64, i64)]) {
    let entries: Vec<ReportEntry> = ytd_wan
        .iter()
        .map(|&(project_id, wan)| ReportEntry {
            project_id,
            year_to_date: Some(Money::from_wan(wan)),
            ..ReportEntry::default()
        })
        .collect();
    let options = FilingOptions {
        filing: Filing::Submit,
        source: "test",
        check_versions: false,
        dry_run: false,
        today: day(month, 28),
    };
    let period = Period {
        year: 2025,
        month,
        part: None,
    };
    store
        .file_reports(period, &entries, &Actor::SYSTEM, options)
        .await
        .unwrap();
}

/// The status reads the ledger in packed parts (three projects each in these tests): every
/// project comes back once, in id order, with the figures it has when read alone; 开门红
/// sums the years to date at the end of March, not later.
#[tokio::test]
async fn status_reads_the_ledger_in_parts() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let mut towns = Vec::new();
        for name in ["江阴镇", "龙田镇"] {
            towns.push(store.create_unit(name, UnitKind::Town, None).await.unwrap());
        }
        let mut ids = Vec::new();
        for i in 0..8 {
            let fields = ProjectFields {
                name: format!("项目{i}"),
                stage: Some(Stage::UnderConstruction),
                unit_id: Some(towns[i % 2]),
                annual_plan: Some(Money::from_wan(1_000)),
                ..ProjectFields::default()
            };
            ids.push(
                store
                    .create_project(&fields, None, "test")
                    .await
                    .unwrap()
                    .id,
            );
        }
        // March: 江阴镇's projects 30% (开门红), 龙田镇's 10%; April: 40% each.
        let march: Vec<(i64, i64)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, if i % 2 == 0 { 300 } else { 100 }))
            .collect();
        file(&store, 3, &march).await;
        let april: Vec<(i64, i64)> = ids.iter().map(|id| (*id, 400)).collect();
        file(&store, 4, &april).await;

        let as_of = day(4, 30);
        let status = store
            .compute_status(as_of, &Scheme::default())
            .await
            .unwrap();
        let seen: Vec<i64> = status.status.projects.iter().map(|p| p.id).collect();
        assert_eq!(seen, ids, "{dialect:?}");
        for p in &status.status.projects {
            assert_eq!(p.year_to_date, Money::from_wan(400));
            let alone = store.project_status(p.id, as_of).await.unwrap();
            assert_eq!(alone.as_ref(), Some(p), "{dialect:?}");
        }
        let strong: Vec<(&str, Option<bool>)> = status
            .status
            .units
            .iter()
            .map(|u| (u.unit.as_str(), u.strong_start))
            .collect();
        assert_eq!(
            strong,
            [("江阴镇", Some(true)), ("龙田镇", Some(false))],
            "{dialect:?}"
        );
        // 1,600 of 8,000 (20%) by the end of March, although 50% by April.
        assert_eq!(status.strong_start, Some(false), "{dialect:?}");
        let before = store
            .compute_status(day(3, 15), &Scheme::default())
            .await
            .unwrap();
        assert_eq!(before.strong_start, None);
        assert!(before.status.units.iter().all(|u| u.strong_start.is_none()));
        store.close().await;
    })
    .await;
}

#[test]
fn summaries_come_in_id_order() {
    let row = |id: i64| (id, Some(20250101), id * 10, 0, None, 0);
    let ids = |rows: Vec<RawSummary>| rows.into_iter().map(|r| r.0).collect::<Vec<_>>();
    assert_eq!(
        ids(in_id_order(vec![row(5), row(3), row(4), row(9)])),
        [3, 4, 5, 9]
    );
    // Sparse, or an id twice: sorted.
    assert_eq!(
        ids(in_id_order(vec![row(900), row(3), row(1)])),
        [1, 3, 900]
    );
    assert_eq!(ids(in_id_order(vec![row(2), row(1), row(2)])), [1, 2, 2]);
    assert_eq!(in_id_order(vec![row(8), row(7)])[1], row(8));
    assert!(in_id_order(Vec::new()).is_empty());
}

#[test]
fn stored_days_read_in_place() {
    assert_eq!(ymd_text_number("2025-03-31"), Some(20250331));
    for bad in [
        "2025-02-30",
        "2025-3-31",
        "2025/03/31",
        "２０２５-03-31",
        "",
        "2025-03-3x",
    ] {
        assert_eq!(ymd_text_number(bad), None, "{bad}");
    }
    let days: Vec<Day> = serde_json::from_str(r#"["2025-01-02",null,"x"]"#).unwrap();
    let days: Vec<Option<i64>> = days.into_iter().map(|d| d.0).collect();
    assert_eq!(days, [Some(20250102), None, None]);
    let stages: Vec<ToStart> = serde_json::from_str(r#"["to_start",null,"completed"]"#).unwrap();
    let stages: Vec<bool> = stages.into_iter().map(|s| s.0).collect();
    assert_eq!(stages, [true, false, false]);
}

/// `summarised` (the maintained summaries) and `probe` (the reports) give the same facts
/// for every project, as of dates before, within and after the reports of 2024–2025.
async fn assert_summaries_agree(store: &Store, dialect: Dialect, label: &str) {
    for (y, m, d) in [
        (2024, 12, 31),
        (2025, 1, 15),
        (2025, 2, 28),
        (2025, 3, 30),
        (2025, 3, 31),
        (2025, 4, 12),
        (2025, 6, 20),
        (2025, 9, 30),
        (2025, 12, 31),
        (2026, 3, 1),
    ] {
        let as_of = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let due = periods_due(
            NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
            Cadence::Monthly,
            as_of,
        );
        let window = DueWindow::new(as_of, &due);
        let mut tx = store.pool().begin().await.unwrap();
        let (summarised, refresh) = store.summarised(&mut tx, &window).await.unwrap();
        let ids: Vec<i64> = summarised.iter().map(|f| f.ledger.id).collect();
        let probed = store.probe(&mut tx, &window, &ids).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(summarised, probed, "{dialect:?} {label} as of {as_of}");
        // Written back to the status blocks, and read from them: the same.
        assert!(store.write_blocks(refresh).await.unwrap(), "{dialect:?}");
        let mut tx = store.pool().begin().await.unwrap();
        let (from_blocks, refresh) = store.summarised(&mut tx, &window).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(
            refresh.is_empty(),
            "{dialect:?} {label}: read from the blocks"
        );
        assert_eq!(from_blocks, probed, "{dialect:?} {label} as of {as_of}");
    }
}

/// A status reads the status blocks of every block no change has touched, and the tables
/// for the rest: after each kind of change, the figures are those of the tables alone, and
/// only the changed blocks were read from them and written back.
#[tokio::test]
async fn status_blocks_follow_every_change() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        // Ids 1–2,600: blocks 0, 1 and 2.
        store
            .seed_ledger(&ledger(2_600), "pw-not-used-here")
            .await
            .unwrap();
        let june = Period {
            year: 2025,
            month: 6,
            part: None,
        };
        seed_reports(&store, 6).await;
        let as_of = day(6, 30);
        let scheme = Scheme::default();
        let window = DueWindow::new(as_of, &periods_due(day(1, 1), Cadence::Monthly, as_of));
        let sql = |q: &'static str| sqlx::query(q).execute(store.pool());
        let store = &store;
        let count = |q: &'static str| async move {
            let (n,): (i64,) = sqlx::query_as(q).fetch_one(store.pool()).await.unwrap();
            n
        };
        // Which blocks a status would read from the tables now (written back after).
        let read_from_tables = || async {
            let mut tx = store.pool().begin().await.unwrap();
            let (_, refresh) = store.summarised(&mut tx, &window).await.unwrap();
            tx.rollback().await.unwrap();
            refresh.blocks()
        };
        // The figures of the tables alone.
        let from_tables = || async {
            sql("DELETE FROM status_blocks").await.unwrap();
            store.compute_status(as_of, &scheme).await.unwrap()
        };
        let all: Vec<(&str, i64)> = vec![
            ("ledger", 0),
            ("ledger", 1),
            ("ledger", 2),
            ("summary", 0),
            ("summary", 1),
            ("summary", 2),
        ];
        assert_eq!(
            read_from_tables().await,
            all,
            "{dialect:?}: none written yet"
        );
        let first = store.compute_status(as_of, &scheme).await.unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM status_blocks").await, 6);
        assert_eq!(count("SELECT COUNT(*) FROM status_blocks_stale").await, 0);
        assert!(read_from_tables().await.is_empty(), "{dialect:?}");
        assert_eq!(store.compute_status(as_of, &scheme).await.unwrap(), first);

        // A project's plan (block 1), a report (block 2's summary), a project deleted
        // with its reports (block 0, both parts).
        sql("UPDATE projects SET annual_plan_fen = annual_plan_fen * 3 WHERE id = 1500")
            .await
            .unwrap();
        let id: i64 = 2_400;
        store
            .put_reports(
                &[ReportRecord {
                    project_id: id,
                    period: june,
                    completed: Money::from_wan(1),
                    year_to_date: Money::from_wan(98_765),
                    started: true,
                    actual_start: None,
                    progress: None,
                    late: false,
                }],
                None,
                "test",
            )
            .await
            .unwrap();
        sql("DELETE FROM projects WHERE id = 7").await.unwrap();
        assert_eq!(
            read_from_tables().await,
            [("ledger", 0), ("ledger", 1), ("summary", 0), ("summary", 2)],
            "{dialect:?}"
        );
        let changed = store.compute_status(as_of, &scheme).await.unwrap();
        assert_ne!(changed, first, "{dialect:?}");
        assert!(changed.status.projects.iter().all(|p| p.id != 7));
        assert!(read_from_tables().await.is_empty(), "{dialect:?}");
        assert_eq!(changed, from_tables().await, "{dialect:?}");

        // Exactly the changed blocks are marked and read again.
        sql("UPDATE projects SET stage = 'to_start' WHERE id = 1100")
            .await
            .unwrap();
        assert_eq!(read_from_tables().await, [("ledger", 1)], "{dialect:?}");

        // Damaged blocks read as stale (block 1 is still marked).
        sql("UPDATE status_blocks SET data = substr(data, 1, 1) WHERE block = 2")
            .await
            .unwrap();
        assert_eq!(
            read_from_tables().await,
            [("ledger", 1), ("ledger", 2), ("summary", 2)],
            "{dialect:?}"
        );
        let mended = store.compute_status(as_of, &scheme).await.unwrap();
        assert_eq!(mended, from_tables().await, "{dialect:?}");

        // A change committed after a status's snapshot: nothing is written back, and its
        // mark stays, so the next status reads that block from the tables.
        store.compute_status(as_of, &scheme).await.unwrap();
        sql("UPDATE projects SET stage = 'completed' WHERE id = 2000")
            .await
            .unwrap();
        let mut tx = store.pool().begin().await.unwrap();
        let (_, refresh) = store.summarised(&mut tx, &window).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(refresh.blocks(), [("ledger", 1)]);
        sql("UPDATE projects SET stage = 'to_start' WHERE id = 1800")
            .await
            .unwrap();
        assert!(!store.write_blocks(refresh).await.unwrap(), "{dialect:?}");
        assert_eq!(read_from_tables().await, [("ledger", 1)], "{dialect:?}");
        let last = store.compute_status(as_of, &scheme).await.unwrap();
        assert_eq!(last, from_tables().await, "{dialect:?}");
        store.close().await;
    })
    .await;
}

/// Writing the blocks back gives way to another writer instead of waiting for it: the
/// status it follows is never held up by an import, and its blocks stay stale meanwhile;
/// `prepare_status` writes them once the writer is gone.
#[tokio::test]
async fn status_blocks_give_way_to_writers() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        store
            .seed_ledger(&ledger(40), "pw-not-used-here")
            .await
            .unwrap();
        let as_of = day(6, 30);
        let window = DueWindow::new(as_of, &periods_due(day(1, 1), Cadence::Monthly, as_of));
        let read = || async {
            let mut tx = store.pool().begin().await.unwrap();
            let (_, refresh) = store.summarised(&mut tx, &window).await.unwrap();
            tx.rollback().await.unwrap();
            refresh
        };
        let refresh = read().await;
        assert!(!refresh.is_empty(), "{dialect:?}");
        // Another writer holds SQLite's lock, or the row PostgreSQL's commits take.
        let mut other = store.begin_write().await.unwrap();
        sqlx::query("UPDATE data_generation SET n = n WHERE id = 1")
            .execute(&mut *other)
            .await
            .unwrap();
        assert!(!store.write_blocks(refresh).await.unwrap(), "{dialect:?}");
        let status = store
            .compute_status(as_of, &Scheme::default())
            .await
            .unwrap();
        assert_eq!(status.status.projects.len(), 40);
        other.rollback().await.unwrap();
        assert!(!read().await.is_empty(), "{dialect:?}: still stale");
        // A bulk load ends with them written.
        store.prepare_status(as_of).await.unwrap();
        assert!(read().await.is_empty(), "{dialect:?}: prepared");
        sqlx::query("DELETE FROM status_blocks")
            .execute(store.pool())
            .await
            .unwrap();
        store
            .compute_status(as_of, &Scheme::default())
            .await
            .unwrap();
        assert!(read().await.is_empty(), "{dialect:?}: written once free");
        store.close().await;
    })
    .await;
}

/// Statuses computed at once (more than the pool has connections) all finish, each with
/// the same figures: a status never waits for a second connection while holding one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_statuses_share_the_pool() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        store
            .seed_ledger(&ledger(40), "pw-not-used-here")
            .await
            .unwrap();
        seed_reports(&store, 6).await;
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let scheme = Scheme::default();
        let one = || store.compute_status(as_of, &scheme);
        let (a, b, c, d, e, f, g, h) =
            tokio::join!(one(), one(), one(), one(), one(), one(), one(), one());
        let first = a.unwrap();
        for other in [b, c, d, e, f, g, h] {
            assert_eq!(other.unwrap(), first, "{dialect:?}");
        }
        store.close().await;
    })
    .await;
}

/// The seed writes its reports with the summary triggers off and rebuilds the summaries
/// once: they agree with the reports, and the triggers are back afterwards.
#[tokio::test]
async fn bulk_seed_rebuilds_summaries() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let triggers = || async {
            let sql = match dialect {
                Dialect::Sqlite => {
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' \
                     AND tbl_name = 'reports' AND name LIKE 'report_summary_%'"
                }
                Dialect::Postgres => {
                    "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'reports'::regclass \
                     AND tgname LIKE 'report_summary_%' AND tgenabled = 'O'"
                }
            };
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.pool()).await.unwrap();
            n
        };
        assert_eq!(triggers().await, 3, "{dialect:?}");
        store
            .seed_ledger(&ledger(80), "pw-not-used-here")
            .await
            .unwrap();
        let written = seed_reports(&store, 9).await;
        assert!(written > 300, "{dialect:?}: {written}");
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM report_summary")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(rows > 50, "{dialect:?}: {rows}");
        assert_summaries_agree(&store, dialect, "seeded").await;
        assert_eq!(triggers().await, 3, "{dialect:?}");
        // The triggers work again: the reports of the last month, approved, count.
        sqlx::query("UPDATE reports SET status = 'approved' WHERE period = '2025-09'")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM reports WHERE period = '2025-08' AND project_id % 4 = 0")
            .execute(store.pool())
            .await
            .unwrap();
        assert_summaries_agree(&store, dialect, "changed after the seed").await;
        store.close().await;
    })
    .await;
}

/// The maintained summaries (migration 0014) say what probing the reports says, for dates
/// before, within and after the reports, after every kind of change the triggers see:
/// inserts and upserts, monthly and ten-day periods, late reports, drafts and returned
/// reports, corrected amounts, a report moved to another year, reports and a project
/// deleted.
#[tokio::test]
async fn summaries_agree_with_probes() {
    // A small deterministic generator: the same cases on every run.
    let mut seed = 0x2545_f491_u64;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let town = store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..12u32 {
            // Stages, planned and actual dates on both sides of the dates checked.
            let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(2025, m, d);
            let fields = ProjectFields {
                name: format!("项目{i}"),
                stage: Some(if i % 2 == 0 {
                    Stage::ToStart
                } else {
                    Stage::UnderConstruction
                }),
                unit_id: Some(town),
                annual_plan: (i != 7).then(|| Money::from_wan(1_000)),
                planned_start: on(i + 1, 15),
                actual_start: (i % 3 == 0).then(|| on(3, 31)).flatten(),
                planned_completion: (i % 2 == 1).then(|| on(12, 31)).flatten(),
                actual_completion: (i % 4 == 1).then(|| on(6, 30)).flatten(),
                ..ProjectFields::default()
            };
            let id = store
                .create_project(&fields, None, "test")
                .await
                .unwrap()
                .id;
            ids.push(id);
        }
        let mut records = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            for year in [2024, 2025] {
                for month in 1..=12 {
                    if next(4) == 0 {
                        continue;
                    }
                    // Every third project reports by ten-days, some of them twice a month.
                    let parts: Vec<Option<u8>> = if i % 3 == 0 {
                        (1..=3).filter(|_| next(3) != 0).map(Some).collect()
                    } else {
                        vec![None]
                    };
                    for part in parts {
                        let ytd = i64::from(month) * 80 + i64::try_from(next(50)).unwrap();
                        records.push(ReportRecord {
                            project_id: *id,
                            period: Period { year, month, part },
                            completed: Money::from_wan(10),
                            year_to_date: Money::from_wan(ytd),
                            started: next(2) == 0,
                            actual_start: None,
                            progress: None,
                            late: next(3) == 0,
                        });
                    }
                }
            }
        }
        store.put_reports(&records, None, "test").await.unwrap();
        let check = |label: &'static str| assert_summaries_agree(&store, dialect, label);
        check("inserted").await;
        store
            .put_reports(&records[..40], None, "test")
            .await
            .unwrap();
        check("upserted").await;
        let report_ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM reports ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
        for (n, (id,)) in report_ids.iter().enumerate() {
            let sql = match n % 9 {
                0 => "UPDATE reports SET status = 'draft' WHERE id = $1",
                1 => "UPDATE reports SET status = 'returned' WHERE id = $1",
                2 => "UPDATE reports SET status = 'approved' WHERE id = $1",
                3 => "UPDATE reports SET ytd_fen = ytd_fen + 123 WHERE id = $1",
                4 => "UPDATE reports SET late = 1 - late WHERE id = $1",
                5 => "UPDATE reports SET started = 1 - started WHERE id = $1",
                _ => continue,
            };
            sqlx::query(sql)
                .bind(id)
                .execute(store.pool())
                .await
                .unwrap();
        }
        check("updated").await;
        // One statement changing many reports at once (PostgreSQL's statement triggers).
        sqlx::query("UPDATE reports SET status = 'submitted' WHERE status = 'draft'")
            .execute(store.pool())
            .await
            .unwrap();
        check("updated together").await;
        // A report moved to the last day of the year before.
        sqlx::query(
            "UPDATE reports SET period = '2024-12-2', period_end = '2024-12-20' \
             WHERE id = (SELECT MAX(id) FROM reports WHERE period = '2025-05')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        check("moved").await;
        sqlx::query("DELETE FROM reports WHERE period LIKE '2025-12%' OR period = '2025-03'")
            .execute(store.pool())
            .await
            .unwrap();
        check("reports deleted").await;
        sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(ids[4])
            .execute(store.pool())
            .await
            .unwrap();
        check("project deleted").await;
        let (orphans,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM report_summary WHERE project_id NOT IN (SELECT id FROM projects)",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(orphans, 0, "{dialect:?}");
        store.close().await;
    })
    .await;
}
