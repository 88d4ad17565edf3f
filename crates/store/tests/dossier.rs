//! The 5专 dossier and the monthly service push on each backend: a project's 工作专班, its
//! 专题研究, 包联领导/首席服务官 assigned in bulk all or nothing, service teams and visits.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::progress::Period;
use domain::{ProjectFields, Stage, UnitKind};
use store::testing::{Backend, TestDb};
use store::{MeetingKind, NewDecision, NewTeamMember, NewVisit, Store, StoreError};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

async fn projects(store: &Store, n: usize) -> (i64, Vec<i64>) {
    let town = store
        .create_unit("江阴镇", UnitKind::Town, None)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let fields = ProjectFields {
            name: format!("江阴港区项目{i}"),
            stage: Some(Stage::UnderConstruction),
            unit_id: Some(town),
            linked_leader: Some("原包联领导".into()),
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
    (town, ids)
}

fn said(err: StoreError) -> String {
    match err {
        StoreError::Invalid(all) => all
            .iter()
            .map(|b| b.zh.clone())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn a_team_is_listed_in_order_and_checked() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let (_, ids) = projects(&store, 2).await;
        let member = |name: &str, role: &str| NewTeamMember {
            name: name.into(),
            role: role.into(),
            workplace: Some(" 市发改局 ".into()),
            phone: Some(String::new()),
        };
        let lead = store
            .add_team_member(ids[0], &member("林建华", "组长"), None)
            .await
            .unwrap();
        store
            .add_team_member(ids[0], &member("陈晓", "联络员"), None)
            .await
            .unwrap();
        let team = store.project_team(ids[0]).await.unwrap();
        let names: Vec<(&str, &str)> = team
            .iter()
            .map(|m| (m.name.as_str(), m.role.as_str()))
            .collect();
        assert_eq!(
            names,
            [("林建华", "组长"), ("陈晓", "联络员")],
            "{dialect:?}"
        );
        assert_eq!(team[0].workplace.as_deref(), Some("市发改局"));
        assert_eq!(team[0].phone, None);

        let refused = store
            .add_team_member(ids[0], &member(" ", ""), None)
            .await
            .unwrap_err();
        let text = said(refused);
        assert!(
            text.contains("请填写姓名") && text.contains("请填写专班职务"),
            "{text}"
        );
        assert!(matches!(
            store
                .add_team_member(9_999, &member("林建华", "组长"), None)
                .await,
            Err(StoreError::NotFound)
        ));
        // A member is removed from their own project only.
        assert!(matches!(
            store.remove_team_member(ids[1], lead).await,
            Err(StoreError::NotFound)
        ));
        store.remove_team_member(ids[0], lead).await.unwrap();
        assert_eq!(store.project_team(ids[0]).await.unwrap().len(), 1);
        assert!(store.project_team(ids[1]).await.unwrap().is_empty());
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn leaders_are_assigned_in_bulk_all_or_nothing() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let (_, ids) = projects(&store, 3).await;
        let items: Vec<(i64, i64)> = ids.iter().map(|id| (*id, 1)).collect();
        let changed = store
            .assign_in_charge(&items[..2], None, Some(" 王首席 "), None)
            .await
            .unwrap();
        assert_eq!(changed, 2, "{dialect:?}");
        let first = store.project(ids[0]).await.unwrap().unwrap();
        assert_eq!(first.fields.service_officer.as_deref(), Some("王首席"));
        assert_eq!(first.fields.linked_leader.as_deref(), Some("原包联领导"));
        assert_eq!(first.version, 2);
        let history = store.project_history(ids[0]).await.unwrap();
        assert!(
            history
                .iter()
                .any(|c| c.field == "service_officer" && c.new_value == "王首席"),
            "{history:?}"
        );

        // Project 1 moved on to version 2: the whole batch is refused and names it.
        let stale = [(ids[2], 1), (ids[1], 1)];
        let refused = store
            .assign_in_charge(&stale, Some("李副市长"), None, None)
            .await
            .unwrap_err();
        assert!(said(refused).contains("江阴港区项目1"), "{dialect:?}");
        let untouched = store.project(ids[2]).await.unwrap().unwrap();
        assert_eq!(
            untouched.fields.linked_leader.as_deref(),
            Some("原包联领导")
        );
        assert_eq!(untouched.version, 1);

        // An empty text clears; nothing given is refused.
        store
            .assign_in_charge(&[(ids[2], 1)], Some(""), None, None)
            .await
            .unwrap();
        let cleared = store.project(ids[2]).await.unwrap().unwrap();
        assert_eq!(cleared.fields.linked_leader, None);
        assert!(
            store
                .assign_in_charge(&[(ids[2], 2)], None, None, None)
                .await
                .is_err()
        );
        assert!(
            store
                .assign_in_charge(&[], Some("李"), None, None)
                .await
                .is_err()
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_projects_meetings_are_those_on_it_and_those_that_decided_on_it() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let (town, ids) = projects(&store, 2).await;
        let decision = |project: i64, text: &str| NewDecision {
            text: text.into(),
            unit_id: Some(town),
            project_id: Some(project),
            problem_id: None,
            deadline: Some(day(7, 31)),
        };
        let special = store
            .record_meeting(
                day(7, 2),
                MeetingKind::Special,
                Some(ids[0]),
                "项目0专题研究会",
                None,
                &[decision(ids[0], "7月底前完成用地报批")],
                None,
            )
            .await
            .unwrap();
        let weekly = store
            .record_meeting(
                day(7, 7),
                MeetingKind::Weekly,
                None,
                "第27次周例会",
                None,
                &[
                    decision(ids[0], "协调施工用电"),
                    decision(ids[1], "督促项目1开工"),
                ],
                None,
            )
            .await
            .unwrap();
        let on_0 = store.project_meetings(ids[0]).await.unwrap();
        let seen: Vec<(i64, usize)> = on_0.iter().map(|m| (m.id, m.decisions.len())).collect();
        assert_eq!(seen, [(weekly, 1), (special, 1)], "{dialect:?}");
        assert_eq!(on_0[1].project_id, Some(ids[0]));
        assert_eq!(on_0[0].decisions[0].text, "协调施工用电");
        let on_1 = store.project_meetings(ids[1]).await.unwrap();
        assert_eq!(on_1.len(), 1);

        let refused = store
            .record_meeting(
                day(7, 7),
                MeetingKind::Weekly,
                Some(ids[0]),
                "周例会",
                None,
                &[],
                None,
            )
            .await
            .unwrap_err();
        assert!(said(refused).contains("专题研究"));
        assert!(matches!(
            store
                .record_meeting(
                    day(7, 7),
                    MeetingKind::Special,
                    Some(9_999),
                    "专题",
                    None,
                    &[],
                    None
                )
                .await,
            Err(StoreError::NotFound)
        ));
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn service_teams_and_visits_are_kept_by_month() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let (_, ids) = projects(&store, 2).await;
        let june = Period::parse("2025-6").unwrap();
        assert_eq!(june.key(), "2025-06");
        assert_eq!(june, Period::month_of(day(6, 18)));
        assert_eq!(june.last_day(), Some(day(6, 30)));
        assert!(Period::parse("2025-13").is_err());
        assert_eq!(
            Period::parse("2025-12").unwrap().last_day(),
            Some(day(12, 31))
        );
        // A service month is a whole month.
        let ten_days = Period::parse("2025-06-上旬").unwrap();
        let text = said(
            store
                .set_service_team(ten_days, ids[0], "张队长", None, None)
                .await
                .unwrap_err(),
        );
        assert!(text.contains("整月"), "{text}");
        store
            .set_service_team(june, ids[0], "张队长", Some("发改局 李明"), None)
            .await
            .unwrap();
        // Given again, the month's team is replaced, not doubled.
        store
            .set_service_team(june, ids[0], "赵队长", None, None)
            .await
            .unwrap();
        let text = said(
            store
                .set_service_team(june, ids[1], " ", None, None)
                .await
                .unwrap_err(),
        );
        assert!(text.contains("服务队队长"), "{text}");

        let visit = |on: NaiveDate| NewVisit {
            visited_on: Some(on),
            visitors: "张队长、李明".into(),
            found: "施工用电未接入".into(),
            promised: Some("协调供电公司两周内接入".into()),
        };
        store
            .record_visit(ids[0], &visit(day(6, 12)), day(6, 20), None)
            .await
            .unwrap();
        store
            .record_visit(ids[0], &visit(day(5, 30)), day(6, 20), None)
            .await
            .unwrap();
        let text = said(
            store
                .record_visit(ids[1], &visit(day(6, 21)), day(6, 20), None)
                .await
                .unwrap_err(),
        );
        assert!(text.contains("晚于今天"), "{text}");
        let empty = NewVisit {
            visited_on: None,
            ..NewVisit::default()
        };
        let text = said(
            store
                .record_visit(ids[1], &empty, day(6, 20), None)
                .await
                .unwrap_err(),
        );
        assert!(
            text.contains("走访日期") && text.contains("走访人员") && text.contains("发现"),
            "{text}"
        );

        let (teams, visits) = store.service_month(june).await.unwrap();
        assert_eq!(teams.len(), 1, "{dialect:?}");
        assert_eq!(
            (teams[0].leader.as_str(), teams[0].members.as_deref()),
            ("赵队长", None)
        );
        let days: Vec<NaiveDate> = visits.iter().map(|v| v.visited_on).collect();
        assert_eq!(days, [day(6, 12)]);
        let all = store.project_visits(ids[0]).await.unwrap();
        let days: Vec<NaiveDate> = all.iter().map(|v| v.visited_on).collect();
        assert_eq!(days, [day(6, 12), day(5, 30)]);
        store.close().await;
    })
    .await;
}
