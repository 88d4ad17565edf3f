//! Batches, 五个一批 and tours on each backend: what happened counted in its month, a batch's
//! items once each, a tour's scores all or nothing and ranked.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::batches::{BatchKind, five_batches};
use domain::tours::score_projects;
use domain::{Money, ProjectFields, Stage};
use store::testing::{Backend, TestDb};
use store::{NewBatch, NewTour, StoreError};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn five_batches_batches_and_tours() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let project =
            |name: &str, start: Option<NaiveDate>, done: Option<NaiveDate>| ProjectFields {
                name: name.into(),
                stage: Some(Stage::UnderConstruction),
                total_investment: Some(Money::from_wan(10_000)),
                actual_start: start,
                actual_completion: done,
                ..ProjectFields::default()
            };
        let a = store
            .create_project(
                &project("江阴港区物流园", Some(day(2025, 6, 28)), None),
                None,
                "t",
            )
            .await
            .unwrap()
            .id;
        let b = store
            .create_project(
                &project("龙田污水厂", Some(day(2024, 3, 1)), Some(day(2025, 6, 10))),
                None,
                "t",
            )
            .await
            .unwrap()
            .id;
        // Each case: the span, then the counts of 签约, 开工, 竣工, 投产, 谋划.
        let happened = store.happenings().await.unwrap();
        for (from, to, want) in [
            (day(2025, 6, 1), day(2025, 6, 30), [0, 1, 1, 0, 0]),
            (day(2024, 3, 1), day(2024, 3, 31), [0, 1, 0, 0, 0]),
            (day(2025, 7, 1), day(2025, 7, 31), [0, 0, 0, 0, 0]),
        ] {
            let got: Vec<usize> = five_batches(&happened, from, to)
                .iter()
                .map(|c| c.count)
                .collect();
            assert_eq!(got, want, "{from}..{to}");
        }

        // A batch gathers each project once.
        let batch = store
            .create_batch(
                &NewBatch {
                    kind: BatchKind::Start,
                    name: "第二季度集中开工".into(),
                    held_on: day(2025, 6, 28),
                    place: None,
                    note: None,
                },
                None,
            )
            .await
            .unwrap();
        store.add_batch_item(batch, Some(a), None).await.unwrap();
        store.add_batch_item(batch, Some(b), None).await.unwrap();
        assert!(matches!(
            store.add_batch_item(batch, Some(a), None).await,
            Err(StoreError::Duplicate { .. })
        ));
        assert!(matches!(
            store.add_batch_item(batch, None, None).await,
            Err(StoreError::Invalid(_))
        ));
        let stored = store.batch(batch).await.unwrap().unwrap();
        assert_eq!(stored.items.len(), 2);
        assert_eq!(stored.investment(), Money::from_wan(20_000));
        let first = stored.items[0].id;
        store.remove_batch_item(batch, first).await.unwrap();
        assert!(matches!(
            store.remove_batch_item(batch, first).await,
            Err(StoreError::NotFound)
        ));

        // A tour: scores all or nothing, only by its members, 0 to 100.
        let tour = store
            .create_tour(
                &NewTour {
                    name: "上半年拉练".into(),
                    held_on: day(2025, 7, 10),
                    route: None,
                    members: "甲、乙".into(),
                    criteria: String::new(),
                    note: None,
                },
                None,
            )
            .await
            .unwrap();
        store.add_tour_project(tour, a).await.unwrap();
        store.add_tour_project(tour, b).await.unwrap();
        assert!(matches!(
            store.add_tour_project(tour, a).await,
            Err(StoreError::Duplicate { .. })
        ));
        for (member, project, scores) in [
            ("甲", a, [90.0, 80.0, 70.0]),
            ("乙", a, [70.0, 70.0, 70.0]),
            ("甲", b, [60.0, 60.0, 60.0]),
        ] {
            store
                .score_tour(tour, project, member, &scores.map(Some), None)
                .await
                .unwrap();
        }
        for (member, scores) in [("丁", [Some(80.0); 3]), ("甲", [Some(101.0), None, None])] {
            assert!(matches!(
                store.score_tour(tour, a, member, &scores, None).await,
                Err(StoreError::Invalid(_))
            ));
        }
        let t = store.tour(tour).await.unwrap().unwrap();
        assert_eq!(t.members, ["甲", "乙"]);
        let results = score_projects(&t.criteria, &[a, b], &t.marks);
        let got: Vec<(Option<f64>, Option<usize>)> =
            results.iter().map(|r| (r.score, r.rank)).collect();
        assert_eq!(got, [(Some(75.5), Some(1)), (Some(60.0), Some(2))]);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn hq_groups_and_the_digital_track() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("龙田镇", domain::UnitKind::Town, None)
            .await
            .unwrap();
        let park = store
            .create_unit("元洪投资区管委会", domain::UnitKind::Park, None)
            .await
            .unwrap();
        let a = store
            .create_hq_group("要素保障组", Some("王建华"), None)
            .await
            .unwrap();
        let b = store
            .create_hq_group("项目推进组", None, None)
            .await
            .unwrap();
        assert!(matches!(
            store.create_hq_group("要素保障组", None, None).await,
            Err(StoreError::Duplicate { .. })
        ));
        store.assign_hq_unit(a, town).await.unwrap();
        store.assign_hq_unit(a, park).await.unwrap();
        // A unit is in one group's care: assigning it elsewhere moves it.
        store.assign_hq_unit(b, park).await.unwrap();
        store
            .add_hq_member(a, "林秀英", "副组长", Some("市发改局"), None)
            .await
            .unwrap();
        assert!(matches!(
            store.add_hq_member(a, "", "成员", None, None).await,
            Err(StoreError::Invalid(_))
        ));
        let groups = store.hq_groups().await.unwrap();
        let names = |g: &store::HqGroup| g.units.iter().map(|u| u.1.clone()).collect::<Vec<_>>();
        assert_eq!(names(&groups[0]), ["龙田镇"]);
        assert_eq!(names(&groups[1]), ["元洪投资区管委会"]);
        assert_eq!(groups[0].members.len(), 1);
        store.release_hq_unit(a, town).await.unwrap();
        assert!(matches!(
            store.release_hq_unit(a, town).await,
            Err(StoreError::NotFound)
        ));

        // The 智改数转 track: projects by their tags, started in the span, equipment summed.
        let campaign = store
            .create_campaign(&store::CampaignSettings::year("2025年攻坚行动", 2025))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for (name, tags, start) in [
            ("纺织智能化改造", vec!["智改数转"], Some(day(2025, 4, 1))),
            (
                "玻璃技改扩产",
                vec!["技改", "省重点"],
                Some(day(2024, 11, 1)),
            ),
            ("物流园", vec![], Some(day(2025, 3, 1))),
        ] {
            let fields = ProjectFields {
                name: name.into(),
                tags: tags.into_iter().map(String::from).collect(),
                actual_start: start,
                ..ProjectFields::default()
            };
            ids.push(store.create_project(&fields, None, "t").await.unwrap().id);
        }
        store
            .set_digital(
                ids[0],
                Money::from_wan(3_000),
                Some("MES、WMS"),
                Some("数字化车间"),
                0,
                None,
            )
            .await
            .unwrap();
        store
            .set_digital(ids[1], Money::from_wan(1_500), None, None, 0, None)
            .await
            .unwrap();
        assert!(matches!(
            store
                .set_digital(ids[1], Money::from_wan(1), None, None, 0, None)
                .await,
            Err(StoreError::Conflict { .. })
        ));
        store
            .set_digital_target(campaign, Some(10), Some(Money::from_wan(50_000)), 0)
            .await
            .unwrap();
        let track = store
            .digital_track(campaign, day(2025, 1, 1), day(2025, 12, 31))
            .await
            .unwrap();
        assert_eq!(
            (
                track.projects,
                track.started,
                track.equipment,
                track.target_projects
            ),
            (2, 1, Money::from_wan(4_500), Some(10))
        );
        assert!(matches!(
            store.set_digital_target(campaign, Some(-1), None, 1).await,
            Err(StoreError::Invalid(_))
        ));
        store.close().await;
    })
    .await;
}
