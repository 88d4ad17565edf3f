//! The report workflow on each backend: fill, submit, review, return, lock, correct; scoping
//! to a unit; all-or-nothing batches; the late mark; what counts in figures.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::progress::Period;
use domain::{Money, ProjectFields, Role, Stage, UnitKind};
use store::testing::{Backend, TestDb};
use store::{
    Actor, Filing, FilingOptions, NewUser, ReportEntry, ReportState, Review, Store, StoreError,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn period(text: &str) -> Period {
    Period::parse(text).unwrap()
}

fn options(filing: Filing, today: NaiveDate) -> FilingOptions<'static> {
    FilingOptions {
        filing,
        source: "test",
        check_versions: true,
        dry_run: false,
        today,
    }
}

fn wan(n: i64) -> Option<Money> {
    Some(Money::from_wan(n))
}

async fn project(store: &Store, name: &str, unit: i64, plan_wan: i64) -> i64 {
    let fields = ProjectFields {
        name: name.into(),
        stage: Some(Stage::UnderConstruction),
        unit_id: Some(unit),
        annual_plan: Some(Money::from_wan(plan_wan)),
        ..ProjectFields::default()
    };
    store
        .create_project(&fields, None, "test")
        .await
        .unwrap()
        .id
}

async fn user(store: &Store, name: &str, role: Role, unit: i64) -> i64 {
    store
        .create_user(NewUser {
            username: name,
            display_name: name,
            password: "pw",
            role,
            unit_id: unit,
        })
        .await
        .unwrap()
}

fn message(err: &StoreError) -> String {
    err.to_string()
}

#[tokio::test]
async fn report_workflow() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        story(&store).await;
        store.close().await;
    })
    .await;
}

async fn story(store: &Store) {
    let town_a = store
        .create_unit("龙田镇", UnitKind::Town, None)
        .await
        .unwrap();
    let town_b = store
        .create_unit("江阴镇", UnitKind::Town, None)
        .await
        .unwrap();
    let office = store
        .create_unit("市发改局", UnitKind::Department, None)
        .await
        .unwrap();
    let a1 = project(store, "龙田物流园", town_a, 1_000).await;
    let a2 = project(store, "龙田污水厂", town_a, 500).await;
    let b1 = project(store, "江阴港区码头", town_b, 800).await;
    let clerk = user(store, "longtian", Role::Responsible, town_a).await;
    let lead = user(store, "fgj", Role::LeadOffice, office).await;
    let unit_a = Actor {
        user_id: Some(clerk),
        unit: Some(town_a),
        reviewer: false,
    };
    let office_actor = Actor {
        user_id: Some(lead),
        unit: None,
        reviewer: true,
    };
    let jan = period("2025-01");
    let feb = period("2025-02");

    // January: the unit submits one report and keeps the other as a draft.
    let filed = store
        .file_reports(
            jan,
            &[ReportEntry {
                project_id: a1,
                completed: wan(100),
                progress: Some("  主体结构施工  ".into()),
                ..ReportEntry::default()
            }],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 2)),
        )
        .await
        .unwrap();
    assert_eq!(filed[0].state, ReportState::Submitted);
    assert_eq!(filed[0].year_to_date, Money::from_wan(100), "derived");
    store
        .file_reports(
            jan,
            &[ReportEntry {
                project_id: a2,
                year_to_date: wan(50),
                ..ReportEntry::default()
            }],
            &unit_a,
            options(Filing::Save, day(2025, 2, 2)),
        )
        .await
        .unwrap();

    // Only submitted and approved reports count in figures.
    let inputs = store.status_inputs(day(2025, 1, 31), &[jan]).await.unwrap();
    let ytd = |id: i64| {
        inputs
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.year_to_date)
            .unwrap()
    };
    assert_eq!(ytd(a1), Money::from_wan(100));
    assert_eq!(ytd(a2), Money::ZERO, "a draft does not count");

    // Another unit's project refuses the whole batch; nothing of it is written.
    let err = store
        .file_reports(
            feb,
            &[
                ReportEntry {
                    project_id: a1,
                    completed: wan(10),
                    ..ReportEntry::default()
                },
                ReportEntry {
                    project_id: b1,
                    completed: wan(10),
                    ..ReportEntry::default()
                },
            ],
            &unit_a,
            options(Filing::Submit, day(2025, 3, 1)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert!(message(&err).contains("江阴港区码头"));
    let unit_rows = store.period_reports(&feb, Some(town_a)).await.unwrap();
    assert!(unit_rows.iter().all(|r| r.report.is_none()));
    assert_eq!(unit_rows.len(), 2, "only the unit's own projects");
    let base = |id: i64| {
        unit_rows
            .iter()
            .find(|r| r.project_id == id)
            .map(|r| r.previous_ytd)
            .unwrap()
    };
    assert_eq!(base(a1), Money::from_wan(100));
    assert_eq!(
        base(a2),
        Money::from_wan(50),
        "the unit's own draft is its base"
    );

    // A period amount and year to date that disagree name both numbers; the good entry of the
    // same batch is not written either.
    let err = store
        .file_reports(
            feb,
            &[
                ReportEntry {
                    project_id: a1,
                    completed: wan(100),
                    year_to_date: wan(300),
                    ..ReportEntry::default()
                },
                ReportEntry {
                    project_id: a2,
                    completed: wan(20),
                    ..ReportEntry::default()
                },
            ],
            &unit_a,
            options(Filing::Submit, day(2025, 3, 1)),
        )
        .await
        .unwrap_err();
    let text = message(&err);
    assert!(
        text.contains("龙田物流园") && text.contains("300") && text.contains("100"),
        "{text}"
    );
    assert!(
        store
            .period_reports(&feb, Some(town_a))
            .await
            .unwrap()
            .iter()
            .all(|r| r.report.is_none())
    );

    // An editor who saw no report while someone filed one gets a conflict.
    let err = store
        .file_reports(
            jan,
            &[ReportEntry {
                project_id: a1,
                completed: wan(120),
                version: None,
                ..ReportEntry::default()
            }],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 2)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current: 1 }), "{err}");

    // Review: only the lead office; only submitted reports; a return needs a reason.
    let rows = store.period_reports(&jan, None).await.unwrap();
    let report_of = |id: i64| {
        rows.iter()
            .find(|r| r.project_id == id)
            .and_then(|r| r.report.clone())
            .unwrap()
    };
    let (r1, r2) = (report_of(a1), report_of(a2));
    assert_eq!(r1.progress.as_deref(), Some("主体结构施工"), "trimmed");
    assert_eq!(r2.state, ReportState::Draft);
    let err = store
        .review_reports(&[(r1.id, r1.version)], &Review::Approve, &unit_a)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)));
    let err = store
        .review_reports(&[(r2.id, r2.version)], &Review::Approve, &office_actor)
        .await
        .unwrap_err();
    assert!(message(&err).contains("不在待审核状态"), "{err}");
    let err = store
        .review_reports(
            &[(r1.id, r1.version)],
            &Review::Return("  ".into()),
            &office_actor,
        )
        .await
        .unwrap_err();
    assert!(message(&err).contains("退回须填写原因"));
    let err = store
        .review_reports(&[(r1.id, r1.version + 7)], &Review::Approve, &office_actor)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    store
        .review_reports(&[(r1.id, r1.version)], &Review::Approve, &office_actor)
        .await
        .unwrap();

    // The draft is submitted late (after 3 February), then returned with a reason.
    let filed = store
        .file_reports(
            jan,
            &[ReportEntry {
                project_id: a2,
                year_to_date: wan(50),
                version: Some(r2.version),
                ..ReportEntry::default()
            }],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 5)),
        )
        .await
        .unwrap();
    store
        .review_reports(
            &[(filed[0].report_id, filed[0].version)],
            &Review::Return("累计数与财务报表不符".into()),
            &office_actor,
        )
        .await
        .unwrap();
    let rows = store.period_reports(&jan, Some(town_a)).await.unwrap();
    let r2 = rows
        .iter()
        .find(|r| r.project_id == a2)
        .and_then(|r| r.report.clone())
        .unwrap();
    assert_eq!(r2.state, ReportState::Returned);
    assert_eq!(r2.review_note.as_deref(), Some("累计数与财务报表不符"));
    assert!(r2.late);
    // Resubmitted on time or not, lateness is that of the first submission.
    let filed = store
        .file_reports(
            jan,
            &[ReportEntry {
                project_id: a2,
                year_to_date: wan(40),
                version: Some(r2.version),
                ..ReportEntry::default()
            }],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 6)),
        )
        .await
        .unwrap();
    assert_eq!(filed[0].state, ReportState::Submitted);

    // The approved report is locked: a correction needs a reason and keeps the old values.
    let r1 = store
        .period_reports(&jan, Some(town_a))
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.project_id == a1)
        .and_then(|r| r.report)
        .unwrap();
    assert_eq!(r1.state, ReportState::Approved);
    let correction = |reason: Option<&str>, version: i64| ReportEntry {
        project_id: a1,
        completed: wan(110),
        version: Some(version),
        reason: reason.map(Into::into),
        ..ReportEntry::default()
    };
    let err = store
        .file_reports(
            jan,
            &[correction(None, r1.version)],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 10)),
        )
        .await
        .unwrap_err();
    assert!(message(&err).contains("更正须填写原因"), "{err}");
    let filed = store
        .file_reports(
            jan,
            &[correction(Some("漏报设备款"), r1.version)],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 10)),
        )
        .await
        .unwrap();
    // A unit's correction is a request: the approved figures stay in force.
    assert!(filed[0].requested);
    assert_eq!(
        (filed[0].state, filed[0].revision, filed[0].completed),
        (ReportState::Approved, 1, Money::from_wan(100))
    );
    let pending = store.pending_corrections(Some(town_a), None).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].completed, pending[0].new_completed),
        (Money::from_wan(100), Money::from_wan(110))
    );
    assert!(
        store
            .pending_corrections(Some(town_b), None)
            .await
            .unwrap()
            .is_empty()
    );
    // Only the lead office decides; a return needs a reason and changes nothing.
    let err = store
        .decide_correction(
            pending[0].id,
            pending[0].version,
            &Review::Approve,
            &unit_a,
            day(2025, 2, 11),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    store
        .decide_correction(
            pending[0].id,
            pending[0].version,
            &Review::Return("请附合同".into()),
            &office_actor,
            day(2025, 2, 11),
        )
        .await
        .unwrap();
    assert_eq!(
        store.project_reports(a1).await.unwrap()[0].report.completed,
        Money::from_wan(100)
    );
    // Asked again and approved: written as the lead office's correction, the old kept.
    let r1 = store.project_reports(a1).await.unwrap()[0].report.clone();
    store
        .file_reports(
            jan,
            &[correction(Some("漏报设备款"), r1.version)],
            &unit_a,
            options(Filing::Submit, day(2025, 2, 10)),
        )
        .await
        .unwrap();
    let pending = store.pending_corrections(None, Some(&jan)).await.unwrap();
    let stale = store
        .decide_correction(
            pending[0].id,
            pending[0].version + 1,
            &Review::Approve,
            &office_actor,
            day(2025, 2, 11),
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale}");
    store
        .decide_correction(
            pending[0].id,
            pending[0].version,
            &Review::Approve,
            &office_actor,
            day(2025, 2, 11),
        )
        .await
        .unwrap();
    let again = store
        .decide_correction(
            pending[0].id,
            pending[0].version + 1,
            &Review::Approve,
            &office_actor,
            day(2025, 2, 11),
        )
        .await
        .unwrap_err();
    assert!(message(&again).contains("已处理"), "{again}");
    let approved = store.project_reports(a1).await.unwrap()[0].report.clone();
    assert_eq!(
        (approved.state, approved.revision, approved.completed),
        (ReportState::Approved, 2, Money::from_wan(110))
    );
    // The lead office's own correction stays locked.
    let history = store.project_reports(a1).await.unwrap();
    let version = history[0].report.version;
    let filed = store
        .file_reports(
            jan,
            &[ReportEntry {
                project_id: a1,
                completed: wan(105),
                version: Some(version),
                reason: Some("核减重复计列".into()),
                ..ReportEntry::default()
            }],
            &office_actor,
            options(Filing::Save, day(2025, 2, 12)),
        )
        .await
        .unwrap();
    assert_eq!(filed[0].state, ReportState::Approved);
    assert_eq!(filed[0].revision, 3);
    let history = store.project_reports(a1).await.unwrap();
    let jan_report = &history[0];
    assert_eq!(jan_report.report.completed, Money::from_wan(105));
    assert!(!jan_report.report.late);
    let old: Vec<(i64, Money, &str)> = jan_report
        .revisions
        .iter()
        .map(|v| (v.revision, v.completed, v.reason.as_str()))
        .collect();
    assert_eq!(
        old,
        vec![
            (2, Money::from_wan(110), "核减重复计列"),
            (1, Money::from_wan(100), "批准更正申请：漏报设备款"),
        ]
    );
    // The request's values were written by the lead office that approved them.
    assert_eq!(jan_report.revisions[1].replaced_by.as_deref(), Some("fgj"));
    let actions: Vec<&str> = jan_report
        .events
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "submit",
            "approve",
            "request",
            "request_returned",
            "request",
            "revise",
            "revise"
        ],
        "every step is kept"
    );

    // February builds on January's corrected year to date.
    let filed = store
        .file_reports(
            feb,
            &[ReportEntry {
                project_id: a1,
                year_to_date: wan(255),
                ..ReportEntry::default()
            }],
            &unit_a,
            options(Filing::Submit, day(2025, 3, 3)),
        )
        .await
        .unwrap();
    assert_eq!(filed[0].completed, Money::from_wan(150));

    // The overview counts each unit's reports of the period.
    let overview = store.period_overview(&jan).await.unwrap();
    let a = overview.iter().find(|u| u.unit_id == town_a).unwrap();
    assert_eq!((a.due, a.approved, a.submitted, a.late), (2, 1, 1, 1));
    assert_eq!(a.missing(), 0);
    let b = overview.iter().find(|u| u.unit_id == town_b).unwrap();
    assert_eq!((b.due, b.missing()), (1, 1));
    // 未报 does not overlap 暂存 and 已退回: it counts the due projects with no report at all.
    assert_eq!((a.unreported, b.unreported), (0, 1));

    // What an entry leaves out keeps what the report said; the same values again change
    // nothing (no new version); a period that has not begun is refused.
    let with_problem = store
        .file_reports(
            feb,
            &[ReportEntry {
                project_id: a2,
                completed: wan(5),
                problems: Some("施工用电未接入".into()),
                ..ReportEntry::default()
            }],
            &office_actor,
            options(Filing::Submit, day(2025, 3, 3)),
        )
        .await
        .unwrap();
    let again = store
        .file_reports(
            feb,
            &[ReportEntry {
                project_id: a2,
                completed: wan(5),
                ..ReportEntry::default()
            }],
            &Actor::SYSTEM,
            FilingOptions {
                check_versions: false,
                ..options(Filing::Submit, day(2025, 3, 4))
            },
        )
        .await
        .unwrap();
    assert_eq!(again[0].version, with_problem[0].version, "nothing changed");
    let feb_a2 = store.project_reports(a2).await.unwrap();
    assert_eq!(feb_a2[0].report.problems.as_deref(), Some("施工用电未接入"));
    let err = store
        .file_reports(
            period("2025-04"),
            &[ReportEntry {
                project_id: a2,
                completed: wan(1),
                ..ReportEntry::default()
            }],
            &office_actor,
            options(Filing::Submit, day(2025, 3, 31)),
        )
        .await
        .unwrap_err();
    assert!(message(&err).contains("尚未开始"), "{err}");

    // A project that does not exist is named.
    let err = store
        .file_reports(
            feb,
            &[ReportEntry {
                project_id: 9_999_999,
                completed: wan(1),
                ..ReportEntry::default()
            }],
            &office_actor,
            options(Filing::Submit, day(2025, 3, 3)),
        )
        .await
        .unwrap_err();
    assert!(message(&err).contains("9999999"), "{err}");
    let _ = b1;
}

/// The status is cached per data generation: any change, by this handle or by another instance
/// on the same database, shows at once.
#[tokio::test]
async fn status_follows_every_change() {
    TestDb::each_backend(|Backend { store, url, .. }| async move {
        let other = Store::open(&url).await.unwrap();
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let a1 = project(&store, "龙田物流园", town, 1_000).await;
        let as_of = day(2025, 6, 30);
        let scheme = domain::progress::Scheme::default();
        let ytd = |s: &store::LedgerStatus| s.status.projects[0].year_to_date;
        let first = store.status(as_of, &scheme).await.unwrap();
        assert_eq!(ytd(&first), Money::ZERO);
        assert_eq!(store.status(as_of, &scheme).await.unwrap(), first, "cached");

        // A report filed through another instance.
        other
            .file_reports(
                period("2025-06"),
                &[ReportEntry {
                    project_id: a1,
                    year_to_date: wan(400),
                    ..ReportEntry::default()
                }],
                &Actor::SYSTEM,
                options(Filing::Submit, day(2025, 7, 1)),
            )
            .await
            .unwrap();
        let second = store.status(as_of, &scheme).await.unwrap();
        assert_eq!(ytd(&second), Money::from_wan(400));
        assert_eq!(
            second.status.projects[0]
                .judgement
                .as_ref()
                .map(|j| j.light),
            Some(domain::progress::Light::Yellow),
            "40% against 50%: 10 points behind"
        );

        // A ledger edit (the annual plan) through this one.
        let mut p = store.project(a1).await.unwrap().unwrap();
        p.fields.annual_plan = Some(Money::from_wan(800));
        store
            .update_project(a1, p.version, &p.fields, None, "test")
            .await
            .unwrap();
        let third = store.status(as_of, &scheme).await.unwrap();
        assert_eq!(
            third.status.projects[0].judgement.as_ref().map(|j| j.light),
            Some(domain::progress::Light::Green)
        );
        // Another date is another status.
        let march = store.status(day(2025, 3, 31), &scheme).await.unwrap();
        assert_eq!(ytd(&march), Money::ZERO);
        other.close().await;
        store.close().await;
    })
    .await;
}

/// One chain of figures: the lead office corrects an approved May (151.62 → 1,151.62); June,
/// approved, follows (909.71 → 1,909.71) and is marked 上期已更正 until confirmed; the status
/// uses the new chain; a returned period leaves the chain and its refiling puts it back.
#[tokio::test]
async fn corrections_carry_forward() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let id = project(&store, "龙田物流园", town, 4_000).await;
        let fen = |wan: &str| Money::parse(wan, domain::AmountUnit::Wan).unwrap().unwrap();
        let file = |p: &'static str, completed: &'static str, reason: Option<&str>| {
            let entry = ReportEntry {
                project_id: id,
                completed: Some(fen(completed)),
                reason: reason.map(str::to_string),
                ..ReportEntry::default()
            };
            let store = &store;
            async move {
                store
                    .file_reports(
                        period(p),
                        &[entry],
                        &Actor::SYSTEM,
                        FilingOptions {
                            check_versions: false,
                            ..options(Filing::Submit, day(2025, 8, 1))
                        },
                    )
                    .await
            }
        };
        file("2025-04", "600", None).await.unwrap();
        file("2025-05", "151.62", None).await.unwrap();
        file("2025-06", "158.09", None).await.unwrap();
        file("2025-07", "100", None).await.unwrap();
        let reports = |store: &Store| {
            let store = store.clone();
            async move {
                let mut all = store.project_reports(id).await.unwrap();
                all.sort_by(|a, b| a.report.period.cmp(&b.report.period));
                all
            }
        };
        let all = reports(&store).await;
        let items: Vec<(i64, i64)> = all[..3]
            .iter()
            .map(|h| (h.report.id, h.report.version))
            .collect();
        store
            .review_reports(&items, &Review::Approve, &Actor::SYSTEM)
            .await
            .unwrap();
        assert_eq!(all[2].report.year_to_date, fen("909.71"));

        // The lead office corrects May.
        file("2025-05", "1151.62", Some("核实后更正"))
            .await
            .unwrap();
        let all = reports(&store).await;
        let ytd: Vec<Money> = all.iter().map(|h| h.report.year_to_date).collect();
        assert_eq!(
            ytd,
            [fen("600"), fen("1751.62"), fen("1909.71"), fen("2009.71")]
        );
        // Each year to date is the sum of its periods.
        let mut sum = Money::ZERO;
        for h in &all {
            sum = sum.checked_add(h.report.completed).unwrap();
            assert_eq!(h.report.year_to_date, sum, "{}", h.report.period);
        }
        let june = &all[2].report;
        assert!(june.prior_corrected && june.state == ReportState::Approved);
        // July was only submitted: recomputed, not marked.
        assert!(!all[3].report.prior_corrected);
        let steps: Vec<&str> = all[2].events.iter().map(|e| e.action.as_str()).collect();
        assert!(steps.contains(&"recompute"), "{steps:?}");
        let status = store
            .status(day(2025, 6, 30), &domain::progress::Scheme::default())
            .await
            .unwrap();
        assert_eq!(status.status.projects[0].year_to_date, fen("1909.71"));

        // The lead office confirms June.
        store
            .review_reports(&[(june.id, june.version)], &Review::Approve, &Actor::SYSTEM)
            .await
            .unwrap();
        let all = reports(&store).await;
        assert!(!all[2].report.prior_corrected);

        // July returned: it leaves the chain; nothing after it to follow. June returned would
        // take July down with it: July's year to date then stands on May.
        let july = &all[3].report;
        store
            .review_reports(
                &[(july.id, july.version)],
                &Review::Return("核实".into()),
                &Actor::SYSTEM,
            )
            .await
            .unwrap();
        file("2025-07", "100", None).await.unwrap();
        let all = reports(&store).await;
        assert_eq!(all[3].report.year_to_date, fen("2009.71"));
        store.close().await;
    })
    .await;
}

/// The campaign's settings drive the figures: its thresholds, its fixed window's 序时进度, its
/// ten-day cadence; its targets show each unit's progress.
#[tokio::test]
async fn the_campaign_sets_how_figures_are_judged() {
    use domain::progress::{Cadence, Light, Rules, Window};
    use store::{CampaignSettings, UnitTarget};
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let dept = store
            .create_unit("福清市住房和城乡建设局", UnitKind::Department, None)
            .await
            .unwrap();
        let a1 = project(&store, "龙田物流园", town, 1_000).await;
        let jun = period("2025-06");
        store
            .file_reports(
                jun,
                &[ReportEntry {
                    project_id: a1,
                    year_to_date: wan(430),
                    started: Some(true),
                    ..ReportEntry::default()
                }],
                &Actor::SYSTEM,
                options(Filing::Submit, day(2025, 7, 1)),
            )
            .await
            .unwrap();
        let as_of = day(2025, 6, 30);
        let light =
            |s: &store::LedgerStatus| s.status.projects[0].judgement.as_ref().map(|j| j.light);
        // No campaign: the calendar year with the defaults; 7 points behind is green.
        assert_eq!(
            light(&store.campaign_status(as_of).await.unwrap()),
            Some(Light::Green)
        );

        // A campaign with stricter thresholds makes it yellow.
        let mut settings = CampaignSettings::year("福清市2025年项目攻坚行动", 2025);
        settings.rules = Rules::from_text("5", "20", "3").unwrap();
        let id = store.create_campaign(&settings).await.unwrap();
        assert_eq!(
            light(&store.campaign_status(as_of).await.unwrap()),
            Some(Light::Yellow)
        );

        // A fixed window, 攻坚120天 from 2025-06-01 to 2025-09-28: investment within the window
        // (May filed late at 300: June's 430 now follows it, 730 for the year) against the
        // window's share of the plan (1,000 × 120 / 365 = 328.77), 序时 within the window (30
        // of 120 days at the end of June).
        store
            .file_reports(
                period("2025-05"),
                &[ReportEntry {
                    project_id: a1,
                    year_to_date: wan(300),
                    ..ReportEntry::default()
                }],
                &Actor::SYSTEM,
                FilingOptions {
                    check_versions: false,
                    ..options(Filing::Submit, day(2025, 7, 1))
                },
            )
            .await
            .unwrap();
        let campaign = store.campaign().await.unwrap().unwrap();
        settings.window = Window::Fixed {
            start: day(2025, 6, 1),
            end: day(2025, 9, 28),
        };
        let version = store
            .update_campaign(id, campaign.version, &settings)
            .await
            .unwrap();
        let status = store.campaign_status(as_of).await.unwrap();
        assert_eq!(
            status.status.expected,
            domain::progress::Share::new(30, 120).unwrap()
        );
        let p = &status.status.projects[0];
        assert_eq!(
            (p.year_to_date, p.annual_plan),
            (Money::from_wan(430), Some(Money::from_fen(328_767_123)))
        );
        assert_eq!(light(&status), Some(Light::Green), "131% against 25%");
        let end = store.campaign_status(day(2025, 9, 28)).await.unwrap();
        assert_eq!(end.status.expected.to_f64(), 1.0);
        let stale = store.update_campaign(id, campaign.version, &settings).await;
        assert!(matches!(stale, Err(StoreError::Conflict { .. })));

        // Ten-day reporting in a year: the end of 上旬 of June is 16/36.
        settings.window = Window::Year(2025);
        settings.cadence = Cadence::TenDaily;
        store.update_campaign(id, version, &settings).await.unwrap();
        let status = store.campaign_status(day(2025, 6, 10)).await.unwrap();
        assert_eq!(
            (status.status.expected.num, status.status.expected.den),
            (16, 36)
        );

        // Key tasks and targets with progress.
        store
            .add_campaign_task(id, "抓计划开工项目按期开工", Some(dept))
            .await
            .unwrap();
        assert!(store.add_campaign_task(id, "  ", None).await.is_err());
        let read = store.campaign().await.unwrap().unwrap().version;
        store
            .set_campaign_targets(
                id,
                read,
                &[UnitTarget {
                    unit_id: town,
                    unit: "龙田镇".into(),
                    starts: Some(2),
                    investment: Some(Money::from_wan(800)),
                    ..UnitTarget::default()
                }],
            )
            .await
            .unwrap();
        let campaign = store.campaign().await.unwrap().unwrap();
        assert_eq!(
            campaign.tasks[0].lead_unit.as_deref(),
            Some("福清市住房和城乡建设局")
        );
        let progress = store.target_progress(&campaign, as_of).await.unwrap();
        assert_eq!(progress.len(), 1);
        assert_eq!(progress[0].invested, Money::from_wan(730));
        assert_eq!(
            progress[0].started, 0,
            "under construction, no start this year"
        );
        // Back to the window: the unit is judged against its own target, and the status and
        // the targets page give the same figures (430 of 800 invested in the window).
        settings.window = Window::Fixed {
            start: day(2025, 6, 1),
            end: day(2025, 9, 28),
        };
        settings.cadence = Cadence::Monthly;
        store
            .update_campaign(id, campaign.version, &settings)
            .await
            .unwrap();
        let campaign = store.campaign().await.unwrap().unwrap();
        let progress = store.target_progress(&campaign, as_of).await.unwrap();
        assert_eq!(progress[0].invested, Money::from_wan(430));
        let status = store.campaign_status(as_of).await.unwrap();
        let unit = &status.status.units[0];
        assert_eq!(
            unit.figures.rate,
            domain::progress::Share::new(
                i128::from(Money::from_wan(430).fen()),
                i128::from(Money::from_wan(800).fen())
            )
        );
        assert_eq!(unit.figures.light, Some(Light::Green), "53.75% against 25%");
        // At the window's end, 53.75% against 100% is red.
        let end = store.campaign_status(day(2025, 9, 28)).await.unwrap();
        assert_eq!(end.status.units[0].figures.light, Some(Light::Red));
        assert!(
            store
                .create_campaign(&CampaignSettings::year(" ", 2025))
                .await
                .is_err()
        );
        store.close().await;
    })
    .await;
}

/// A campaign carried into the next year: tasks and rules copied, unfinished projects carried
/// (续建) with their plan year moved on and the old plan kept for its year; each year's status
/// is judged by the campaign covering it and that year's plans; a date no campaign covers says
/// so and reads no other year's plan.
#[tokio::test]
async fn campaigns_carry_over_into_the_next_year() {
    use domain::progress::{Rules, Window};
    use store::CampaignSettings;
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let make = |name: &'static str, stage: Stage, started: bool, plan: i64, year: bool| {
            ProjectFields {
                name: name.into(),
                stage: Some(stage),
                unit_id: Some(town),
                annual_plan: Some(Money::from_wan(plan)),
                plan_year: year.then_some(2026),
                actual_start: started.then(|| day(2026, 3, 1)),
                ..ProjectFields::default()
            }
        };
        let mut ids = Vec::new();
        for fields in [
            make("龙田物流园", Stage::UnderConstruction, true, 1_000, true),
            make("龙田污水厂", Stage::ToStart, true, 500, true),
            make("龙田安置房", Stage::Completed, true, 300, true),
            make("龙田学校", Stage::ToStart, false, 200, false),
        ] {
            ids.push(
                store
                    .create_project(&fields, None, "test")
                    .await
                    .unwrap()
                    .id,
            );
        }
        let mut settings = CampaignSettings::year("福清市2026年项目攻坚行动", 2026);
        settings.rules = Rules::from_text("5", "20", "3").unwrap();
        let first = store.create_campaign(&settings).await.unwrap();
        store
            .add_campaign_task(first, "重点项目百日攻坚", None)
            .await
            .unwrap();
        store
            .file_reports(
                period("2026-06"),
                &[ReportEntry {
                    project_id: ids[0],
                    year_to_date: wan(600),
                    started: Some(true),
                    ..ReportEntry::default()
                }],
                &Actor::SYSTEM,
                options(Filing::Submit, day(2026, 7, 1)),
            )
            .await
            .unwrap();
        let plans = |s: &store::LedgerStatus| -> Vec<Option<Money>> {
            ids.iter()
                .map(|id| {
                    s.status
                        .projects
                        .iter()
                        .find(|p| p.id == *id)
                        .and_then(|p| p.annual_plan)
                })
                .collect()
        };
        let mid_2026 = day(2026, 6, 30);
        let before = store.campaign_status(mid_2026).await.unwrap();
        assert_eq!(
            plans(&before),
            [wan(1_000), wan(500), wan(300), wan(200)],
            "{dialect:?}"
        );

        // 2027 before any campaign covers it: said so, and no 2026 plan is used.
        let early_2027 = day(2027, 1, 15);
        let judging = store.judging(early_2027).await.unwrap();
        assert!(judging.campaign.is_none());
        assert!(
            judging
                .uncovered_note(early_2027)
                .unwrap()
                .zh
                .contains("没有覆盖")
        );
        let status = store.campaign_status(early_2027).await.unwrap();
        // Planned for 2026: nothing to judge 2027 by; without a plan year: its plan stands.
        assert_eq!(plans(&status), [None, None, None, wan(200)]);

        // Carried over: a year only right after the campaign's, once.
        for year in [2026, 2028] {
            assert!(matches!(
                store.carry_over_campaign(first, year, None).await,
                Err(StoreError::Rule(_))
            ));
        }
        let carried = store.carry_over_campaign(first, 2027, None).await.unwrap();
        assert_eq!((carried.carried, carried.restaged), (3, 1), "{dialect:?}");
        assert!(matches!(
            store.carry_over_campaign(first, 2027, None).await,
            Err(StoreError::Rule(_))
        ));
        let next = store.campaign().await.unwrap().unwrap();
        assert_eq!(next.id, carried.campaign_id);
        assert_eq!(next.settings.name, "福清市2027年项目攻坚行动");
        assert_eq!(next.settings.window, Window::Year(2027));
        assert_eq!(next.settings.rules, settings.rules);
        assert_eq!(next.tasks.len(), 1);
        assert!(next.targets.is_empty());
        // The projects: carried ones planned for 2027 with no plan yet; the completed one not.
        let a = store.project(ids[0]).await.unwrap().unwrap();
        assert_eq!(
            (a.fields.plan_year, a.fields.annual_plan),
            (Some(2027), None)
        );
        let b = store.project(ids[1]).await.unwrap().unwrap();
        assert_eq!(b.fields.stage, Some(Stage::UnderConstruction));
        let c = store.project(ids[2]).await.unwrap().unwrap();
        assert_eq!(c.fields.plan_year, Some(2026));
        let history = store.project_history(ids[0]).await.unwrap();
        assert!(history.iter().any(|h| h.source == "carry_over"
            && h.field == "annual_plan_wan"
            && h.old_value == "1000"));

        // December's reports are still due for the carried projects, against their 2026 plans.
        let december = store
            .period_reports(&period("2026-12"), Some(town))
            .await
            .unwrap();
        let due: Vec<(i64, Option<Money>)> = december
            .iter()
            .map(|r| (r.project_id, r.annual_plan))
            .collect();
        assert!(due.contains(&(ids[0], wan(1_000))), "{due:?}");
        let overview = store.period_overview(&period("2026-12")).await.unwrap();
        assert_eq!(overview[0].due, 4, "{overview:?}");

        // 2026 still reads as it was, from the plans kept for it; judged by its own campaign.
        let again = store.campaign_status(mid_2026).await.unwrap();
        assert_eq!(plans(&again), plans(&before));
        assert_eq!(
            store.judging(mid_2026).await.unwrap().campaign.unwrap().0,
            first
        );

        // The 2027 sheet gives the new plans; 2027 is judged by them and its own campaign.
        let mut fields = a.fields.clone();
        fields.annual_plan = Some(Money::from_wan(2_000));
        store
            .update_project(ids[0], a.version, &fields, None, "import")
            .await
            .unwrap();
        let in_2027 = store.campaign_status(day(2027, 1, 31)).await.unwrap();
        assert_eq!(plans(&in_2027)[0], wan(2_000));
        assert_eq!(
            plans(&in_2027)[2],
            None,
            "the completed project is not carried"
        );
        assert_eq!(
            store
                .judging(day(2027, 1, 31))
                .await
                .unwrap()
                .campaign
                .unwrap()
                .0,
            carried.campaign_id
        );
        assert_eq!(
            plans(&store.campaign_status(mid_2026).await.unwrap()),
            plans(&before)
        );
        store.close().await;
    })
    .await;
}

/// 投产率: projects put into production over those planned to be by the date within the year, per
/// unit and region; a scheme may weigh it.
#[tokio::test]
async fn production_rate_per_unit() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let cases = [
            // planned, actual: due and done; due, not done; planned later; last year's.
            (Some(day(2025, 3, 31)), Some(day(2025, 4, 20))),
            (Some(day(2025, 5, 31)), None),
            (Some(day(2025, 9, 30)), None),
            (Some(day(2024, 11, 30)), Some(day(2024, 12, 20))),
        ];
        for (i, (planned, actual)) in cases.into_iter().enumerate() {
            let fields = ProjectFields {
                name: format!("投产项目{i}"),
                stage: Some(Stage::ToComplete),
                unit_id: Some(town),
                annual_plan: Some(Money::from_wan(100)),
                planned_production: planned,
                actual_production: actual,
                ..ProjectFields::default()
            };
            store.create_project(&fields, None, "test").await.unwrap();
        }
        let scheme = domain::progress::Scheme::from_toml(
            "[[indicator]]\nkey = \"production_rate\"\nweight = 1\n",
        )
        .unwrap();
        let status = store.status(day(2025, 6, 30), &scheme).await.unwrap();
        let unit = &status.status.units[0];
        assert_eq!(
            unit.figures.production_rate,
            domain::progress::Share::new(1, 2)
        );
        assert!((unit.score - 50.0).abs() < 1e-9, "{}", unit.score);
        store.close().await;
    })
    .await;
}

/// 复工率: of the projects a report this year says halted (停工), those at work again by the
/// date; a report that leaves 停工 out keeps what the period's report said.
#[tokio::test]
async fn resumption_rate_per_unit() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let a = project(&store, "停工后复工", town, 1_000).await;
        let b = project(&store, "停工未复工", town, 1_000).await;
        let c = project(&store, "一直在建", town, 1_000).await;
        let file = |month: &'static str, rows: Vec<(i64, i64, Option<bool>)>| {
            let store = store.clone();
            async move {
                let entries: Vec<ReportEntry> = rows
                    .into_iter()
                    .map(|(project_id, ytd, halted)| ReportEntry {
                        project_id,
                        year_to_date: wan(ytd),
                        halted,
                        ..ReportEntry::default()
                    })
                    .collect();
                store
                    .file_reports(
                        period(month),
                        &entries,
                        &Actor::SYSTEM,
                        FilingOptions {
                            check_versions: false,
                            ..options(Filing::Submit, day(2025, 7, 1))
                        },
                    )
                    .await
                    .unwrap();
            }
        };
        file(
            "2025-04",
            vec![(a, 100, Some(true)), (b, 100, None), (c, 100, Some(false))],
        )
        .await;
        file(
            "2025-05",
            vec![(a, 100, None), (b, 100, Some(true)), (c, 200, Some(false))],
        )
        .await;
        file(
            "2025-06",
            vec![(a, 300, Some(false)), (b, 100, Some(true)), (c, 300, None)],
        )
        .await;
        let resumption = |as_of| {
            let store = store.clone();
            async move {
                store
                    .status(as_of, &domain::progress::Scheme::default())
                    .await
                    .unwrap()
                    .status
                    .units[0]
                    .figures
                    .resumption_rate
            }
        };
        // May: both halted, neither back at work; June: one of two.
        assert_eq!(
            resumption(day(2025, 5, 31)).await,
            domain::progress::Share::new(0, 2)
        );
        assert_eq!(
            resumption(day(2025, 6, 30)).await,
            domain::progress::Share::new(1, 2)
        );
        assert_eq!(resumption(day(2025, 3, 31)).await, None);
        let june = store.project_reports(a).await.unwrap();
        assert!(june.iter().any(|h| h.report.halted == Some(false)));
        store.close().await;
    })
    .await;
}

/// 分月计划: stored with the project, shown in its history, kept for its year when the plan
/// year moves on; a campaign that judges by it rates a back-loaded project by its planned
/// cumulative to date, and says why a project planning nothing yet has no light.
#[tokio::test]
async fn phased_plans_judge_by_the_planned_cumulative() {
    use domain::phases::PlanPhases;
    use store::CampaignSettings;
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let months = |m: [i64; 12]| Some(PlanPhases::Months(m.map(Money::from_wan)));
        let make = |name: &str, plan: i64, phases: Option<PlanPhases>| ProjectFields {
            name: name.into(),
            stage: Some(Stage::UnderConstruction),
            unit_id: Some(town),
            annual_plan: Some(Money::from_wan(plan)),
            plan_year: Some(2025),
            plan_phases: phases,
            ..ProjectFields::default()
        };
        let back_loaded = store
            .create_project(
                &make(
                    "龙田物流园",
                    2400,
                    months([100, 100, 100, 100, 100, 100, 300, 300, 300, 300, 300, 300]),
                ),
                None,
                "test",
            )
            .await
            .unwrap();
        let autumn = store
            .create_project(
                &make(
                    "龙田污水厂",
                    1200,
                    months([0, 0, 0, 0, 0, 0, 0, 0, 400, 400, 400, 0]),
                ),
                None,
                "test",
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .project(back_loaded.id)
                .await
                .unwrap()
                .unwrap()
                .fields
                .plan_phases,
            make(
                "",
                0,
                months([100, 100, 100, 100, 100, 100, 300, 300, 300, 300, 300, 300])
            )
            .plan_phases
        );
        store
            .file_reports(
                period("2025-06"),
                &[ReportEntry {
                    project_id: back_loaded.id,
                    year_to_date: wan(420),
                    ..ReportEntry::default()
                }],
                &Actor::SYSTEM,
                options(Filing::Submit, day(2025, 7, 1)),
            )
            .await
            .unwrap();
        let june = day(2025, 6, 30);
        let light_of = |s: &store::LedgerStatus, id: i64| {
            let p = s.status.projects.iter().find(|p| p.id == id).unwrap();
            (p.expected, p.judgement.as_ref().map(|j| j.light))
        };
        // Switched off: time passed (50%), 420 of 2400 is red; the autumn one is red too.
        let mut settings = CampaignSettings::year("2025年项目攻坚行动", 2025);
        assert!(settings.phased_plan);
        settings.phased_plan = false;
        let id = store.create_campaign(&settings).await.unwrap();
        let plain = store.campaign_status(june).await.unwrap();
        assert_eq!(
            light_of(&plain, back_loaded.id).1,
            Some(domain::progress::Light::Red),
            "{dialect:?}"
        );
        // With it: 600 of 2400 due, 420 done (7.5 points behind): green; the autumn one has no
        // light yet.
        settings.phased_plan = true;
        let version = store.active_campaign().await.unwrap().unwrap().1;
        store.update_campaign(id, version, &settings).await.unwrap();
        assert!(store.judging(june).await.unwrap().phased_plan);
        let phased = store.campaign_status(june).await.unwrap();
        assert_eq!(
            light_of(&phased, back_loaded.id),
            (
                domain::progress::Share::new(600, 2400),
                Some(domain::progress::Light::Green)
            ),
            "{dialect:?}"
        );
        let p = phased
            .status
            .projects
            .iter()
            .find(|p| p.id == autumn.id)
            .unwrap();
        assert_eq!(p.judgement, None);
        assert_eq!(
            p.pending.map(|r| r.text().zh).as_deref(),
            Some("分月计划自9月起，未到投资考核期")
        );
        assert_eq!(
            phased.status.units[0].figures.expected,
            domain::progress::Share::new(600, 3600)
        );

        // The history shows the change.
        let mut fields = store.project(autumn.id).await.unwrap().unwrap();
        fields.fields.plan_phases = months([0, 0, 0, 0, 0, 0, 0, 300, 300, 300, 300, 0]);
        let updated = store
            .update_project(autumn.id, fields.version, &fields.fields, None, "test")
            .await
            .unwrap();
        let history = store.project_history(autumn.id).await.unwrap();
        assert!(
            history.iter().any(|h| h.field == "plan_phases"
                && h.old_value.contains("9月 400")
                && h.new_value.contains("8月 300")),
            "{dialect:?}"
        );
        // Moving on to 2026 keeps 2025's breakdown for 2025.
        let mut next = updated.fields.clone();
        next.plan_year = Some(2026);
        next.annual_plan = Some(Money::from_wan(100));
        next.plan_phases = None;
        store
            .update_project(autumn.id, updated.version, &next, None, "test")
            .await
            .unwrap();
        let kept = store.plan_phases_of_year(2025).await.unwrap();
        assert_eq!(
            kept.get(&autumn.id),
            months([0, 0, 0, 0, 0, 0, 0, 300, 300, 300, 300, 0]).as_ref(),
            "{dialect:?}"
        );
        assert!(
            !store
                .plan_phases_of_year(2026)
                .await
                .unwrap()
                .contains_key(&autumn.id)
        );
        store.close().await;
    })
    .await;
}

/// Two first filings of one report at once: one is written, the other is told to reload
/// (a conflict), never a database error — on PostgreSQL both read "no report yet" and race
/// to insert it. Many rounds, each on a new project, so the race is met.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_first_filings_conflict_not_fail() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        for round in 0..20 {
            let id = project(&store, &format!("项目{round}"), town, 1_000).await;
            let file = |wan_ytd: i64| {
                let store = store.clone();
                async move {
                    let entry = ReportEntry {
                        project_id: id,
                        year_to_date: wan(wan_ytd),
                        ..ReportEntry::default()
                    };
                    store
                        .file_reports(
                            period("2025-06"),
                            &[entry],
                            &Actor::SYSTEM,
                            options(Filing::Submit, day(2025, 6, 28)),
                        )
                        .await
                }
            };
            let (a, b) = tokio::join!(file(100), file(200));
            for result in [&a, &b] {
                match result {
                    Ok(_) | Err(StoreError::Conflict { .. }) => {}
                    Err(e) => panic!("{dialect:?} round {round}: {e}"),
                }
            }
            assert!(
                a.is_ok() || b.is_ok(),
                "{dialect:?} round {round}: one is written"
            );
            let reports = store.project_reports(id).await.unwrap();
            assert_eq!(reports.len(), 1, "{dialect:?} round {round}");
        }
        store.close().await;
    })
    .await;
}
