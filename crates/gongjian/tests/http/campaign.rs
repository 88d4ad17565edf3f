//! The campaign page: settings, tasks, targets (per unit and per project), the next year.

use crate::support::*;

/// The campaign page: readers read; the lead office creates the campaign, sets thresholds
/// (bad ones are refused with the reason and what was typed kept), adds key tasks and targets.
#[tokio::test]
async fn campaign_settings_tasks_and_targets() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    let office = app.signed_in("admin").await;
    let reader = app.signed_in("leader").await;
    let (status, html) = fetch(&reader, app.url("/campaign")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("新建攻坚行动") && html.contains("disabled"));
    let settings = |yellow: &str| {
        pairs(&[
            ("name", "福清市2025年项目攻坚行动".into()),
            ("theme", "奋勇争先落实年".into()),
            ("kind", "year".into()),
            ("year", "2025".into()),
            ("cadence", "monthly".into()),
            ("yellow", yellow.into()),
            ("red", "30".into()),
            ("start_months", "3".into()),
            ("w_investment_progress", "0.6".into()),
            ("w_start_rate", "0.4".into()),
            ("w_completion_rate", "0".into()),
            ("w_on_time_reporting", "".into()),
            ("version", "0".into()),
        ])
    };
    assert_eq!(
        send_form(&reader, app.url("/campaign"), &settings("10"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, html) = send_form(&office, app.url("/campaign"), &settings("40")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("不能大于红灯阈值") && html.contains("value=\"40\""),
        "{html}"
    );
    let (status, _) = send_form(&office, app.url("/campaign"), &settings("10")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let campaign = app.store.campaign().await.unwrap().unwrap();
    assert_eq!(
        campaign.settings.scheme.indicators.len(),
        2,
        "zero and empty weights left out"
    );

    let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
    let dept = app
        .store
        .unit_by_name("福清市发展和改革局")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, _) = send_form(
        &office,
        app.url("/campaign/tasks"),
        &pairs(&[
            ("name", "抓项目谋划生成".into()),
            ("lead", dept.to_string()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let targets = |starts: &str, version: i64| {
        pairs(&[
            ("campaign", campaign.id.to_string()),
            ("version", version.to_string()),
            (&format!("s_{town}"), starts.into()),
            (&format!("i_{town}"), "5000".into()),
        ])
    };
    let (status, html) = send_form(
        &office,
        app.url("/campaign/targets"),
        &targets("-1", campaign.version),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("龙田镇") && html.contains("应为非负整数"),
        "{html}"
    );
    let (status, _) = send_form(
        &office,
        app.url("/campaign/targets"),
        &targets("3", campaign.version),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The same form again (a stale version) is a conflict: the other editor's targets stay.
    let (status, _) = send_form(
        &office,
        app.url("/campaign/targets"),
        &targets("4", campaign.version),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, html) = fetch(&reader, app.url("/campaign")).await;
    assert!(
        html.contains("抓项目谋划生成")
            && html.contains("0 / 3")
            && html.contains("0.00 / 5,000.00"),
        "{html}"
    );
    // A stale settings form is a conflict, nothing lost.
    let (status, _) = send_form(&office, app.url("/campaign"), &settings("12")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// A fixed window's targets per project: pasted by the office as code-or-name and amount lines,
/// all or nothing with every bad line named; the status judges those projects on them and the
/// others on the window's share of their plan; nobody else may set them.
#[tokio::test]
async fn project_targets_in_a_fixed_window() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let mut ids = Vec::new();
        for (code, name) in [
            ("FQ-1", "龙田物流园"),
            ("FQ-2", "龙田污水厂"),
            ("FQ-3", "龙田学校"),
        ] {
            let fields = domain::ProjectFields {
                code: Some(code.into()),
                name: name.into(),
                unit_id: Some(town),
                stage: Some(domain::Stage::UnderConstruction),
                annual_plan: Some(domain::Money::from_wan(3_650)),
                ..domain::ProjectFields::default()
            };
            ids.push(
                app.store
                    .create_project(&fields, None, "test")
                    .await
                    .unwrap()
                    .id,
            );
        }
        let mut settings = store::CampaignSettings::year("攻坚120天", 2025);
        settings.window = domain::progress::Window::Fixed {
            start: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
            end: chrono::NaiveDate::from_ymd_opt(2025, 9, 28).unwrap(),
        };
        let id = app.store.create_campaign(&settings).await.unwrap();
        let version = || {
            let store = app.store.clone();
            async move { store.active_campaign().await.unwrap().unwrap().1 }
        };
        let form = |text: &str, version: i64| {
            pairs(&[
                ("campaign", id.to_string()),
                ("version", version.to_string()),
                ("project_targets", text.into()),
            ])
        };
        let url = app.url("/campaign/project-targets");
        let office = app.signed_in("admin").await;
        for who in ["longtian", "leader"] {
            let client = app.signed_in(who).await;
            let (status, _) =
                send_form(&client, url.clone(), &form("FQ-1\t900", version().await)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        }
        let (status, html) = send_form(
            &office,
            url.clone(),
            &form(
                "FQ-1\t900\n不存在的项目\t100\n龙田物流园\t800\nFQ-3\t-5",
                version().await,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        for says in [
            "第2行：找不到项目“不存在的项目”",
            "第3行：项目“龙田物流园”已在第1行填写",
            "第4行",
        ] {
            assert!(html.contains(says), "{says} {html}");
        }
        assert!(app.store.project_targets(id).await.unwrap().is_empty());
        // The settings shown again with the failed paste keep what is stored (按分月计划 on).
        assert!(
            html.contains(r#"name="phased_plan" value="1" checked"#),
            "{html}"
        );
        let r = office
            .post(url.clone())
            .form(&form(
                "FQ-1\t龙田物流园\t900\n龙田污水厂 1,200.5\n",
                version().await,
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let (_, html) = fetch(&office, app.url(&location)).await;
        assert!(
            html.contains("已保存项目攻坚目标 2 个") && html.contains("1,200.50"),
            "{html}"
        );
        // A stale form is a conflict; the saved targets stay.
        let (status, _) =
            send_form(&office, url.clone(), &form("FQ-1\t1", version().await - 1)).await;
        assert_eq!(status, StatusCode::CONFLICT);
        // The status: targets where set, else 3650 × 120 / 365 = 1200.
        let status = app
            .store
            .campaign_status(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
            .await
            .unwrap();
        let plan = |i: usize| {
            status
                .status
                .projects
                .iter()
                .find(|p| p.id == ids[i])
                .and_then(|p| p.annual_plan)
                .map(|m| m.wan_string())
        };
        assert_eq!(
            (plan(0), plan(1), plan(2)),
            (
                Some("900".into()),
                Some("1200.5".into()),
                Some("1200".into())
            ),
            "{dialect:?}"
        );
    })
    .await;
}

/// The next year's campaign started from the campaign page: only by the administrator or the
/// lead office; the page says what was carried; a second start of the same year is refused;
/// the status page says when no campaign covers a date.
#[tokio::test]
async fn the_campaign_carries_over_through_the_page() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
    for (name, stage) in [
        ("龙田物流园", domain::Stage::UnderConstruction),
        ("龙田安置房", domain::Stage::Completed),
    ] {
        app.store
            .create_project(
                &domain::ProjectFields {
                    name: name.into(),
                    stage: Some(stage),
                    unit_id: Some(town),
                    annual_plan: Some(domain::Money::from_wan(1_000)),
                    plan_year: Some(2025),
                    ..domain::ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap();
    }
    let id = app
        .store
        .create_campaign(&store::CampaignSettings::year(
            "福清市2025年项目攻坚行动",
            2025,
        ))
        .await
        .unwrap();
    let unit = app.signed_in("longtian").await;
    let (status, page) = fetch(&unit, app.url("/campaign")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/campaign/next"));
    let r = unit
        .post(app.url("/campaign/next"))
        .form(&[("campaign", id.to_string()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.campaigns().await.unwrap().len(), 1);

    app.login("admin").await;
    let (_, page) = app.get_text("/status?as_of=2026-01-15").await;
    assert!(page.contains("没有覆盖 2026-01-15 的攻坚行动"), "{page}");
    let (_, page) = app.get_text("/campaign").await;
    assert!(page.contains("/campaign/next"), "{page}");
    let r = app
        .client
        .post(app.url("/campaign/next"))
        .form(&[("campaign", id.to_string()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("carried=1"), "{to}");
    let (_, page) = app.get_text(&to).await;
    assert!(page.contains("福清市2026年项目攻坚行动"), "{page}");
    assert!(page.contains("结转续建项目 1 个"), "{page}");
    let (_, page) = app.get_text("/status?as_of=2026-01-15").await;
    assert!(!page.contains("没有覆盖"), "{page}");
    // The past campaign is still there to read.
    let (status, page) = app.get_text(&format!("/campaign?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("福清市2025年项目攻坚行动"));
    // Once only.
    let r = app
        .client
        .post(app.url("/campaign/next"))
        .form(&[("campaign", id.to_string()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("已有2026年的攻坚行动"));
    assert_eq!(app.store.campaigns().await.unwrap().len(), 2);
}
