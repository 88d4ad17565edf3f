//! The land lamp and the 入库 lamp on a project's light and why, on each backend: a parcel past
//! its planned delivery, a project started and not registered; the status follows each change.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::progress::{Light, Scheme};
use domain::{Money, ProjectFields, Stage, UnitKind};
use store::testing::{Backend, TestDb};
use store::{Actor, ParcelFields, Store};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn light_of(store: &Store, project: i64, as_of: NaiveDate) -> (Option<Light>, Vec<String>) {
    let status = store.status(as_of, &Scheme::default()).await.unwrap();
    let p = status
        .status
        .projects
        .iter()
        .find(|p| p.id == project)
        .unwrap()
        .clone();
    match p.judgement {
        Some(j) => (Some(j.light), j.why.iter().map(|r| r.text().zh).collect()),
        None => (None, Vec::new()),
    }
}

#[tokio::test]
async fn land_and_registration_light_the_project() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        // Under construction since March, on plan (so green on investment), not registered.
        let project = store
            .create_project(
                &ProjectFields {
                    name: "福清至长乐铁路".into(),
                    unit_id: Some(town),
                    stage: Some(Stage::UnderConstruction),
                    annual_plan: Some(Money::from_wan(1_200)),
                    actual_start: Some(day(2025, 3, 10)),
                    ..ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap()
            .id;
        for (key, ytd) in [("2025-07", 700), ("2025-08", 800), ("2025-09", 900)] {
            store
                .file_reports(
                    domain::progress::Period::parse(key).unwrap(),
                    &[store::ReportEntry {
                        project_id: project,
                        year_to_date: Some(Money::from_wan(ytd)),
                        ..store::ReportEntry::default()
                    }],
                    &Actor::SYSTEM,
                    store::FilingOptions {
                        filing: store::Filing::Submit,
                        source: "test",
                        check_versions: false,
                        dry_run: false,
                        today: day(2025, 10, 5),
                    },
                )
                .await
                .unwrap();
        }
        store
            .set_registration(
                project,
                Some(day(2025, 4, 1)),
                Some("350181-001"),
                0,
                None,
                day(2025, 10, 5),
            )
            .await
            .unwrap();
        let parcel = store
            .save_parcel(
                None,
                0,
                &ParcelFields {
                    name: "A-2".into(),
                    project_id: Some(project),
                    town_unit_id: Some(town),
                    area_milli_mu: 80_000,
                    planned_delivery: Some(day(2025, 8, 15)),
                    ..ParcelFields::default()
                },
                &Actor::SYSTEM,
            )
            .await
            .unwrap();

        // Each case: the day, the light, the reasons that name the land.
        for (as_of, light, land) in [
            (day(2025, 8, 15), Light::Green, false),
            (day(2025, 8, 16), Light::Yellow, true),
            (day(2025, 9, 15), Light::Red, true),
        ] {
            let (got, why) = light_of(&store, project, as_of).await;
            assert_eq!(got, Some(light), "{as_of} {why:?}");
            assert_eq!(
                why.iter().any(|w| w.contains("交地")),
                land,
                "{as_of} {why:?}"
            );
        }
        let (_, why) = light_of(&store, project, day(2025, 8, 20)).await;
        assert_eq!(why, ["地块计划 2025-08-15 交地，已逾期 5 天"]);

        // Delivered on 25 August: the lamp is out from then, and the cached status follows.
        let p = store.parcel(parcel).await.unwrap().unwrap();
        let delivered = ParcelFields {
            actual_delivery: Some(day(2025, 8, 25)),
            ..p.fields.clone()
        };
        store
            .save_parcel(Some(parcel), p.version, &delivered, &Actor::SYSTEM)
            .await
            .unwrap();
        assert_eq!(
            light_of(&store, project, day(2025, 9, 15)).await.0,
            Some(Light::Green)
        );
        assert_eq!(
            light_of(&store, project, day(2025, 8, 24)).await.0,
            Some(Light::Yellow)
        );

        // Recorded as not registered: yellow a month after the start, red after two.
        let version = store.registration(project).await.unwrap().unwrap().version;
        store
            .set_registration(project, None, None, version, None, day(2025, 10, 5))
            .await
            .unwrap();
        let (got, why) = light_of(&store, project, day(2025, 9, 30)).await;
        assert_eq!(got, Some(Light::Red), "{why:?}");
        assert_eq!(why, ["已开工 6 个月仍未入库纳统"]);
        // A stale version is refused.
        assert!(matches!(
            store
                .set_registration(
                    project,
                    Some(day(2025, 9, 1)),
                    None,
                    version,
                    None,
                    day(2025, 10, 5)
                )
                .await,
            Err(store::StoreError::Conflict { .. })
        ));
        // A date after today is refused.
        assert!(matches!(
            store
                .set_registration(
                    project,
                    Some(day(2025, 11, 1)),
                    None,
                    version + 1,
                    None,
                    day(2025, 10, 5)
                )
                .await,
            Err(store::StoreError::Invalid(_))
        ));

        // Funding by source, planned and arrived; nothing planned nor arrived removes the line.
        store
            .set_funding(
                project,
                "专项债",
                Money::from_wan(5_000),
                Money::from_wan(3_000),
                None,
            )
            .await
            .unwrap();
        store
            .set_funding(
                project,
                "银行贷款",
                Money::from_wan(2_000),
                Money::ZERO,
                None,
            )
            .await
            .unwrap();
        store
            .set_funding(
                project,
                "专项债",
                Money::from_wan(5_000),
                Money::from_wan(4_000),
                None,
            )
            .await
            .unwrap();
        let lines = store.funding(project).await.unwrap();
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.source.as_str(), l.planned, l.arrived))
                .collect::<Vec<_>>(),
            [
                ("专项债", Money::from_wan(5_000), Money::from_wan(4_000)),
                ("银行贷款", Money::from_wan(2_000), Money::ZERO)
            ]
        );
        store
            .set_funding(project, "银行贷款", Money::ZERO, Money::ZERO, None)
            .await
            .unwrap();
        assert_eq!(store.funding(project).await.unwrap().len(), 1);
        assert!(matches!(
            store
                .set_funding(project, "专项债", Money::from_wan(-1), Money::ZERO, None)
                .await,
            Err(store::StoreError::Invalid(_))
        ));
        store.close().await;
    })
    .await;
}

/// 履约率 and 签约项目开工率 are indicators a scheme may weigh: a unit's signed leads, landed and
/// started by the date; the cached status follows a lead's change.
#[tokio::test]
async fn leads_count_on_the_ranking() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        use domain::leads::{LeadDates, LeadStage};
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        store
            .create_project(
                &ProjectFields {
                    name: "龙田物流园".into(),
                    unit_id: Some(town),
                    annual_plan: Some(Money::from_wan(1_000)),
                    ..ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let lead = |name: &str, signed, landed| {
            let mut dates = LeadDates::default();
            dates.set(LeadStage::Signed, Some(signed));
            dates.set(LeadStage::Landed, landed);
            store::LeadFields {
                name: name.into(),
                investor: None,
                industry: None,
                chain: None,
                planned_investment: None,
                source: None,
                unit_id: Some(town),
                team: None,
                stage: dates.furthest().unwrap(),
                dates,
                contract_value: None,
                expected_output: None,
                expected_tax: None,
                note: None,
            }
        };
        for fields in [
            lead("光伏组件", day(2025, 5, 18), Some(day(2025, 7, 1))),
            lead("冷链物流", day(2025, 6, 2), None),
        ] {
            store
                .save_lead(None, 0, &fields, &Actor::SYSTEM, day(2025, 5, 1))
                .await
                .unwrap();
        }
        let scheme =
            Scheme::from_toml("[[indicator]]\nkey = \"fulfilment_rate\"\nweight = 1.0\n").unwrap();
        let score = |s: &store::LedgerStatus| s.status.units[0].score;
        let july = store.status(day(2025, 7, 31), &scheme).await.unwrap();
        assert!((score(&july) - 50.0).abs() < 1e-9, "{}", score(&july));
        let june = store.status(day(2025, 6, 30), &scheme).await.unwrap();
        assert!((score(&june) - 0.0).abs() < 1e-9, "{}", score(&june));
        // The second lead lands: the cached July status follows.
        let cold = store
            .leads(None)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.fields.name == "冷链物流")
            .unwrap();
        store
            .save_lead(
                Some(cold.id),
                cold.version,
                &lead("冷链物流", day(2025, 6, 2), Some(day(2025, 7, 15))),
                &Actor::SYSTEM,
                day(2025, 7, 20),
            )
            .await
            .unwrap();
        let july = store.status(day(2025, 7, 31), &scheme).await.unwrap();
        assert!((score(&july) - 100.0).abs() < 1e-9, "{}", score(&july));

        // The unit's 招商 targets on the campaign and how far it has got by a date.
        let campaign = store
            .create_campaign(&store::CampaignSettings::year("2025年攻坚行动", 2025))
            .await
            .unwrap();
        let version = store.campaign().await.unwrap().unwrap().version;
        store
            .set_campaign_targets(
                campaign,
                version,
                &[store::UnitTarget {
                    unit_id: town,
                    unit: "龙田镇".into(),
                    leads_signed: Some(3),
                    leads_over_yi: Some(1),
                    signed_investment: Some(Money::from_wan(20_000)),
                    ..store::UnitTarget::default()
                }],
            )
            .await
            .unwrap();
        let c = store.campaign().await.unwrap().unwrap();
        assert_eq!(c.targets[0].leads_signed, Some(3));
        for (as_of, signed) in [(day(2025, 5, 31), 1), (day(2025, 6, 30), 2)] {
            let progress = store.target_progress(&c, as_of).await.unwrap();
            assert_eq!(
                (progress[0].signed, progress[0].signed_over_yi),
                (signed, 0),
                "{as_of}"
            );
        }
        store.close().await;
    })
    .await;
}
