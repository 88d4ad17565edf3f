//! Problems on each backend: raising with a deadline in working days, every lifecycle step with
//! who may take it and the version it started from, escalation on a date across National Day.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::problem::{Action, Category, Deadline, Level, Standing, Status};
use domain::{ProjectFields, Stage, UnitKind};
use store::testing::{Backend, TestDb};
use store::{NewProblem, ProblemActor, StepExtra, Store, StoreError};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

const UNIT: ProblemActor = ProblemActor {
    user_id: None,
    standing: Standing {
        raiser: false,
        lead_office: false,
        responsible: true,
    },
};

fn message(err: StoreError) -> String {
    err.to_string()
}

async fn setup(store: &Store) -> (i64, i64, i64) {
    let town = store
        .create_unit("江阴镇", UnitKind::Town, None)
        .await
        .unwrap();
    let power = store
        .create_unit("国网福清供电公司", UnitKind::StateFirm, None)
        .await
        .unwrap();
    let fields = ProjectFields {
        name: "江阴港区污水处理厂二期".into(),
        stage: Some(Stage::ToStart),
        unit_id: Some(town),
        ..ProjectFields::default()
    };
    let project = store
        .create_project(&fields, None, "test")
        .await
        .unwrap()
        .id;
    (project, town, power)
}

fn problem(project: i64, power: i64, deadline: Deadline) -> NewProblem {
    NewProblem {
        project_id: project,
        title: "  施工用电未接入  ".into(),
        description: Some("临时用电报装已受理，线路迁改未完成".into()),
        category: Category::Utilities,
        unit_id: None,
        co_units: vec![power, power],
        raised_on: day(9, 26),
        deadline,
        level: Level::Unit,
    }
}

#[tokio::test]
async fn problems_follow_their_lifecycle() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let (project, town, power) = setup(&store).await;

        // Five working days from Friday 26 September: 28th (a worked Sunday), 29th, 30th, then
        // 9 and 10 October after the holiday.
        let id = store
            .raise_problem(
                &problem(project, power, Deadline::Workdays(5)),
                None,
                "test",
            )
            .await
            .unwrap();
        let p = store.problem(id).await.unwrap().unwrap();
        assert_eq!(p.title, "施工用电未接入");
        assert_eq!(p.unit_id, Some(town), "the project's unit by default");
        assert_eq!(p.co_units, vec![power]);
        assert_eq!(p.deadline, day(10, 10));
        assert_eq!(p.deadline_workdays, Some(5));
        assert_eq!(
            (p.status, p.level, p.version),
            (Status::Open, Level::Unit, 1)
        );

        let step = |action: Action, by: ProblemActor, version: i64, on: NaiveDate| {
            let store = store.clone();
            async move {
                store
                    .act_on_problem(id, version, &action, by, on, StepExtra::default())
                    .await
            }
        };
        let p = step(Action::Accept, UNIT, 1, day(9, 29)).await.unwrap();
        assert_eq!((p.status, p.version), (Status::InProgress, 2));
        // Someone who loaded version 1 is refused, and told to reload.
        let stale = step(Action::Resolve, UNIT, 1, day(9, 29))
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::Conflict { current: 2 }),
            "{stale}"
        );
        // Resolved on 15 October, three working days late: the level it had reached is kept.
        let p = store
            .act_on_problem(
                id,
                2,
                &Action::Resolve,
                UNIT,
                day(10, 15),
                StepExtra {
                    note: Some("已接入临时用电"),
                    ..StepExtra::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((p.status, p.level), (Status::Resolved, Level::TaskLead));
        assert_eq!(p.resolution.as_deref(), Some("已接入临时用电"));
        // The unit cannot close its own problem off.
        let own = step(Action::Confirm, UNIT, 3, day(10, 16))
            .await
            .unwrap_err();
        assert!(message(own).contains("只有问题提出人或总牵头单位可以销号"));
        let returned = Action::Return {
            reason: "现场核查仍未通电".into(),
        };
        let p = step(returned, ProblemActor::SYSTEM, 3, day(10, 16))
            .await
            .unwrap();
        assert_eq!(p.status, Status::InProgress);
        let p = step(Action::Resolve, UNIT, 4, day(10, 17)).await.unwrap();
        assert_eq!(p.resolution.as_deref(), Some("已接入临时用电"), "kept");
        let p = step(Action::Confirm, ProblemActor::SYSTEM, 5, day(10, 17))
            .await
            .unwrap();
        assert_eq!(p.status, Status::Closed);
        let blank = Action::Reopen { reason: " ".into() };
        let refused = step(blank, ProblemActor::SYSTEM, 6, day(10, 20))
            .await
            .unwrap_err();
        assert!(message(refused).contains("重新打开须写明原因"));
        let again = step(Action::Accept, ProblemActor::SYSTEM, 6, day(10, 20))
            .await
            .unwrap_err();
        assert!(message(again).contains("问题当前为“已销号”，不能受理"));
        let reopen = Action::Reopen {
            reason: "线路再次断电".into(),
        };
        let p = step(reopen, ProblemActor::SYSTEM, 6, day(10, 20))
            .await
            .unwrap();
        assert_eq!((p.status, p.version), (Status::InProgress, 7));

        let events = store.problem_events(id).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "raise", "accept", "resolve", "return", "resolve", "confirm", "reopen"
            ]
        );
        assert_eq!(events[3].note.as_deref(), Some("现场核查仍未通电"));
        assert_eq!(events[6].from_status, Some(Status::Closed));
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn problems_escalate_by_working_days_overdue() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let (project, _, power) = setup(&store).await;
        // Due the day before National Day 2025.
        let id = store
            .raise_problem(
                &problem(project, power, Deadline::On(day(9, 30))),
                None,
                "test",
            )
            .await
            .unwrap();
        let line = |as_of: NaiveDate| {
            let store = store.clone();
            async move {
                let lines = store.problems_as_of(as_of).await.unwrap();
                lines.into_iter().find(|l| l.id == id)
            }
        };
        assert!(line(day(9, 25)).await.is_none(), "not raised yet");
        let cases = [
            (day(9, 30), 0, Level::Unit),
            (day(10, 8), 0, Level::Unit),
            (day(10, 9), 1, Level::TaskLead),
            (day(10, 15), 6, Level::WeeklyMeeting),
            (day(10, 22), 11, Level::Leadership),
        ];
        for (as_of, overdue, level) in cases {
            let l = line(as_of).await.unwrap();
            assert_eq!((l.overdue_workdays, l.level), (overdue, level), "{as_of}");
            assert_eq!(&*l.project, "江阴港区污水处理厂二期");
            assert_eq!(l.unit.as_deref(), Some("江阴镇"));
        }
        // Resolved on the 15th: the clock stops at the level it had reached.
        store
            .act_on_problem(
                id,
                1,
                &Action::Accept,
                UNIT,
                day(10, 9),
                StepExtra::default(),
            )
            .await
            .unwrap();
        store
            .act_on_problem(
                id,
                2,
                &Action::Resolve,
                UNIT,
                day(10, 15),
                StepExtra::default(),
            )
            .await
            .unwrap();
        let l = line(day(11, 30)).await.unwrap();
        assert_eq!(
            (l.status, l.overdue_workdays, l.level),
            (Status::Resolved, 0, Level::WeeklyMeeting)
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn bad_problems_are_refused_whole() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let (project, _, power) = setup(&store).await;
        let mut blank = problem(project, power, Deadline::Workdays(3));
        blank.title = " \u{3000}".into();
        let mut early = problem(project, power, Deadline::On(day(9, 1)));
        early.title = "用地指标未落实".into();
        let nowhere = problem(project + 100, power, Deadline::Workdays(3));
        let mut unknown_year = problem(project, power, Deadline::Workdays(3));
        unknown_year.raised_on = NaiveDate::from_ymd_opt(2061, 3, 2).unwrap();
        for (bad, word) in [
            (blank, "请填写存在问题"),
            (early, "早于提出时间"),
            (nowhere, "不存在"),
            (unknown_year, "2061"),
        ] {
            let err = store.raise_problem(&bad, None, "test").await.unwrap_err();
            assert!(message(err).contains(word), "{word}");
        }
        assert!(store.problems_as_of(day(12, 31)).await.unwrap().is_empty());
        store.close().await;
    })
    .await;
}

/// The next weekly meeting's agenda: problems that reached the meeting, red projects and why,
/// decisions of earlier meetings due by then; decisions are tracked until closed off.
#[tokio::test]
async fn the_weekly_agenda_and_its_decisions() {
    use domain::progress::Period;
    use store::{Actor, AgendaItem, Filing, FilingOptions, MeetingKind, NewDecision, ReportEntry};
    TestDb::each_backend(|Backend { store, .. }| async move {
        let (quiet, town, power) = setup(&store).await;
        let lagging = store
            .create_project(
                &ProjectFields {
                    name: "江阴物流园".into(),
                    stage: Some(Stage::UnderConstruction),
                    unit_id: Some(town),
                    annual_plan: Some(domain::Money::from_wan(1_000)),
                    ..ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap()
            .id;
        // 10% by June; 75% of the year has passed by 15 October.
        let june = FilingOptions {
            filing: Filing::Submit,
            source: "test",
            check_versions: false,
            dry_run: false,
            today: day(7, 1),
        };
        let entry = ReportEntry {
            project_id: lagging,
            year_to_date: Some(domain::Money::from_wan(100)),
            ..ReportEntry::default()
        };
        let period = Period::parse("2025-06").unwrap();
        store
            .file_reports(period, &[entry], &Actor::SYSTEM, june)
            .await
            .unwrap();
        let stuck = store
            .raise_problem(
                &problem(quiet, power, Deadline::On(day(9, 30))),
                None,
                "test",
            )
            .await
            .unwrap();
        let mut young = problem(quiet, power, Deadline::On(day(10, 14)));
        young.title = "临时道路未硬化".into();
        store.raise_problem(&young, None, "test").await.unwrap();

        let decision = |text: &str, deadline: NaiveDate| NewDecision {
            text: text.into(),
            unit_id: Some(power),
            project_id: Some(quiet),
            problem_id: Some(stuck),
            deadline: Some(deadline),
        };
        // A decision without an owner: the whole meeting is refused.
        let mut orphan = decision("协调施工用电", day(10, 10));
        orphan.unit_id = None;
        let refused = store
            .record_meeting(
                day(10, 9),
                MeetingKind::Weekly,
                None,
                "第40次周例会",
                None,
                &[orphan],
                None,
            )
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("没有责任单位"), "{refused}");
        assert!(store.open_decisions().await.unwrap().is_empty());
        store
            .record_meeting(
                day(10, 9),
                MeetingKind::Weekly,
                None,
                "第40次周例会",
                Some("会议研究了施工用电等问题"),
                &[
                    decision("10月10日前完成线路迁改", day(10, 10)),
                    decision("10月底前正式送电", day(10, 31)),
                    decision("10月17日前完成现场核查", day(10, 17)),
                ],
                None,
            )
            .await
            .unwrap();
        let open = store.open_decisions().await.unwrap();
        assert_eq!(open.len(), 3);
        let checked = open.iter().find(|d| d.text.contains("现场核查")).unwrap();
        let stale = store
            .close_decision(checked.id, checked.version + 1, day(10, 15), None)
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::Conflict { .. }));
        store
            .close_decision(checked.id, checked.version, day(10, 15), Some("已核查"))
            .await
            .unwrap();

        let agenda = store.agenda(day(10, 15), None).await.unwrap();
        assert_eq!(agenda.meeting_date, day(10, 20));
        let kinds: Vec<String> = agenda
            .items
            .iter()
            .map(|item| match item {
                AgendaItem::Problem(p) => format!("problem {} {}", p.title, p.level.number()),
                AgendaItem::Project { name, why, .. } => {
                    let why: Vec<&str> = why.iter().map(|w| w.zh.as_str()).collect();
                    format!("project {name} {}", why.join("；"))
                }
                AgendaItem::Decision {
                    decision,
                    overdue_workdays,
                } => format!("decision {} {overdue_workdays}", decision.text),
            })
            .collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert_eq!(kinds[0], "problem 施工用电未接入 3");
        assert!(
            kinds[1].starts_with("project 江阴物流园 滞后序时进度"),
            "{}",
            kinds[1]
        );
        // Due 10 October: the 11th (a worked Saturday), 13th, 14th and 15th have passed.
        assert_eq!(kinds[2], "decision 10月10日前完成线路迁改 4");
        store.close().await;
    })
    .await;
}

/// The seeded problems look like an office's list: every status, deadlines after raising, the
/// first half's escalations on the last June meeting's agenda.
#[tokio::test]
async fn seeded_problems_and_meeting() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        store
            .seed_ledger(&demo::campaign(120, 3).ledger, "pw")
            .await
            .unwrap();
        let n = demo::seed::problems(&store, 300, day(1, 6), day(6, 27))
            .await
            .unwrap();
        assert_eq!(n, 300);
        let lines = store.problems_as_of(day(6, 30)).await.unwrap();
        assert_eq!(lines.len(), 300);
        let count = |s: Status| lines.iter().filter(|l| l.status == s).count();
        // Most of the older ones are closed off, most recent ones in hand.
        assert!(
            (120..=200).contains(&count(Status::Closed)),
            "{}",
            count(Status::Closed)
        );
        for s in [Status::Open, Status::InProgress, Status::Resolved] {
            assert!(count(s) > 15, "{s:?} {}", count(s));
        }
        assert!(lines.iter().any(|l| l.level >= Level::WeeklyMeeting));
        let decisions = demo::seed::meeting(&store, day(6, 23)).await.unwrap();
        assert!(decisions > 0);
        let agenda = store.agenda(day(6, 27), None).await.unwrap();
        assert_eq!(agenda.meeting_date, day(6, 30));
        assert!(
            agenda
                .items
                .iter()
                .any(|i| matches!(i, store::AgendaItem::Decision { .. })),
            "the decision due two days after the meeting"
        );
        store.close().await;
    })
    .await;
}

/// A problem returned or reopened may get a new deadline: its clock starts again from there.
#[tokio::test]
async fn a_reopened_problem_may_get_a_new_deadline() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let (project, _, power) = setup(&store).await;
        let id = store
            .raise_problem(
                &problem(project, power, Deadline::On(day(9, 30))),
                None,
                "test",
            )
            .await
            .unwrap();
        let go = |version: i64, action: Action, on: NaiveDate, new_deadline: Option<NaiveDate>| {
            let store = store.clone();
            async move {
                let extra = StepExtra {
                    note: None,
                    new_deadline,
                };
                store
                    .act_on_problem(id, version, &action, ProblemActor::SYSTEM, on, extra)
                    .await
            }
        };
        go(1, Action::Accept, day(9, 29), None).await.unwrap();
        // Only with a return or a reopening, and not in the past.
        let early = go(2, Action::Resolve, day(9, 29), Some(day(11, 3)))
            .await
            .unwrap_err();
        assert!(early.to_string().contains("只有退回或重新打开"), "{early}");
        go(2, Action::Resolve, day(9, 29), None).await.unwrap();
        go(3, Action::Confirm, day(9, 30), None).await.unwrap();
        let reopen = || Action::Reopen {
            reason: "又停电了".into(),
        };
        let past = go(4, reopen(), day(10, 20), Some(day(10, 1)))
            .await
            .unwrap_err();
        assert!(past.to_string().contains("早于今天"), "{past}");
        let p = go(4, reopen(), day(10, 20), Some(day(11, 3)))
            .await
            .unwrap();
        assert_eq!((p.status, p.deadline), (Status::InProgress, day(11, 3)));
        let line = store.problems_as_of(day(10, 31)).await.unwrap().remove(0);
        assert_eq!((line.overdue_workdays, line.level), (0, Level::Unit));
        let events = store.problem_events(id).await.unwrap();
        assert_eq!(
            events.last().and_then(|e| e.note.clone()).as_deref(),
            Some("又停电了（新办理时限 2025-11-03）")
        );
        store.close().await;
    })
    .await;
}

/// The weekly agenda carries the red projects that need the meeting: red two periods in a row,
/// or red with an open problem at level 2 or above (most money behind first); the other red
/// ones are counted.
#[tokio::test]
async fn the_agenda_carries_the_red_projects_that_need_the_meeting() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for name in ["红两期", "首次红灯", "首次红灯有问题"] {
            let fields = ProjectFields {
                name: name.into(),
                stage: Some(Stage::UnderConstruction),
                unit_id: Some(town),
                annual_plan: Some(domain::Money::from_wan(1_000)),
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
        // May: 0, 15%, 15% of the plan against 41.7% (red, yellow, yellow); June the same
        // against 50% (all red).
        for (month, today) in [(5, day(6, 2)), (6, day(7, 2))] {
            let entries: Vec<store::ReportEntry> = ids
                .iter()
                .zip([0, 150, 150])
                .map(|(&project_id, ytd)| store::ReportEntry {
                    project_id,
                    year_to_date: Some(domain::Money::from_wan(ytd)),
                    ..store::ReportEntry::default()
                })
                .collect();
            store
                .file_reports(
                    domain::progress::Period {
                        year: 2025,
                        month,
                        part: None,
                    },
                    &entries,
                    &store::Actor::SYSTEM,
                    store::FilingOptions {
                        filing: store::Filing::Submit,
                        source: "test",
                        check_versions: false,
                        dry_run: false,
                        today,
                    },
                )
                .await
                .unwrap();
        }
        let with_problem = NewProblem {
            level: Level::TaskLead,
            raised_on: day(6, 10),
            ..problem(ids[2], town, Deadline::On(day(7, 31)))
        };
        store
            .raise_problem(&with_problem, None, "test")
            .await
            .unwrap();
        let agenda = store.agenda(day(6, 30), None).await.unwrap();
        let red: Vec<(&str, String)> = agenda
            .items
            .iter()
            .filter_map(|i| match i {
                store::AgendaItem::Project { name, why, .. } => {
                    let why: Vec<&str> = why.iter().map(|w| w.zh.as_str()).collect();
                    Some((name.as_str(), why.join("；")))
                }
                _ => None,
            })
            .collect();
        assert_eq!(red.len(), 2, "{red:?}");
        assert_eq!(red[0].0, "红两期");
        assert!(red[0].1.contains("连续两期红灯"), "{}", red[0].1);
        assert_eq!(red[1].0, "首次红灯有问题");
        assert!(red[1].1.contains("二级以上"), "{}", red[1].1);
        assert_eq!(agenda.other_red, 1);
        store.close().await;
    })
    .await;
}
