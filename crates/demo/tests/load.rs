//! The whole demo written into a fresh store on each backend: what `gongjian demo` shows.
#![allow(clippy::unwrap_used)]

use domain::progress::Period;
use store::testing::{Backend, TestDb};

#[tokio::test]
async fn the_demo_loads_half_a_year_of_a_campaign() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let campaign = demo::demo_campaign();
        let loaded = demo::load(&store, &campaign, "demo-pw").await.unwrap();
        assert_eq!(loaded.ledger.projects, demo::DEMO_PROJECTS, "{dialect:?}");
        assert_eq!(loaded.approval_plans, 60, "{dialect:?}");
        assert_eq!(store.all_approval_plans().await.unwrap().len(), 60);
        let admin = store.user_by_username("admin").await.unwrap().unwrap();
        assert!(store::verify_password("demo-pw", &admin.password_hash));

        // The campaign with its key tasks and a target for every unit with projects.
        let stored = store.campaign().await.unwrap().unwrap();
        assert_eq!(stored.settings.name, campaign.name);
        assert_eq!(stored.tasks.len(), demo::ledger::key_tasks().len());
        assert!(stored.targets.len() >= 20, "{}", stored.targets.len());
        assert!(stored.targets.iter().all(|t| t.investment.is_some()));

        // May reviewed; June coming in: submitted, drafts, returned and some not reported.
        let month = |month| Period {
            year: 2025,
            month,
            part: None,
        };
        let may = store.period_overview(&month(5)).await.unwrap();
        let june = store.period_overview(&month(6)).await.unwrap();
        let sum = |rows: &[store::UnitReporting], f: fn(&store::UnitReporting) -> usize| {
            rows.iter().map(f).sum::<usize>()
        };
        assert!(sum(&may, |u| u.approved) > 500, "{dialect:?}");
        assert_eq!(sum(&may, |u| u.submitted + u.draft + u.returned), 0);
        for (what, n) in [
            ("submitted", sum(&june, |u| u.submitted)),
            ("draft", sum(&june, |u| u.draft)),
            ("returned", sum(&june, |u| u.returned)),
            ("unreported", sum(&june, |u| u.missing())),
            ("late", sum(&june, |u| u.late)),
        ] {
            assert!(n > 0, "{dialect:?}: no {what} report in June");
        }

        // Problems of the first half (some closed off), a weekly and a special meeting, May's
        // ranking published once.
        let problems = store
            .problems_as_of(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
            .await
            .unwrap();
        assert_eq!(problems.len(), 140, "{dialect:?}");
        assert!(problems.iter().any(|p| !p.status.is_open()));
        assert_eq!(store.meetings(None).await.unwrap().len(), 2, "{dialect:?}");
        let published = store.ranking_publications().await.unwrap();
        assert_eq!(published.len(), 1, "{dialect:?}: {published:?}");
        assert_eq!(published[0].0, "2025-05");
        store.close().await;
    })
    .await;
}
