//! The lights page and the rankings: live, published, frozen, revised.

use crate::support::*;

/// The status page: 序时进度 as of the latest reported month, the lights, the ranked units and
/// the lagging projects with their reasons.
#[tokio::test]
async fn status_page_shows_lights_and_ranking() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    app.store
        .seed_ledger(&demo::campaign(80, 3).ledger, "secret-pw")
        .await
        .unwrap();
    demo::seed::reports(
        &app.store,
        domain::progress::Period {
            year: 2025,
            month: 6,
            part: None,
        },
    )
    .await
    .unwrap();
    app.login("leader").await;
    let (status, html) = app.get_text("/status").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("2025-06-30") && html.contains("50.0%"),
        "{html}"
    );
    assert!(html.contains("责任单位排名") && html.contains("滞后序时进度"));
    assert!(html.contains("light red") && html.contains("light green"));
    let (_, en) = app.get_text("/status?as_of=2025-03-31&lang=en").await;
    assert!(en.contains("Progress and lights") && en.contains("25.0%"));
    let (status, _) = app.get_text("/status?as_of=2025-02-30").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Each project page shows its own light as of the latest reported month, with the reason.
    let lit = app
        .store
        .status(
            chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            &domain::progress::Scheme::default(),
        )
        .await
        .unwrap();
    let red = lit
        .status
        .projects
        .iter()
        .find(|p| {
            p.judgement
                .as_ref()
                .is_some_and(|j| j.light == domain::progress::Light::Red)
        })
        .unwrap();
    let (_, page) = app.get_text(&format!("/projects/{}?lang=zh", red.id)).await;
    assert!(
        page.contains("亮灯（截至日期 2025-06-30）") && page.contains("light red"),
        "{page}"
    );
    assert!(page.contains("滞后序时进度") || page.contains("开工"));
}

/// Rankings: the live table, publishing freezes it, a later correction shows beside it and is
/// published as a revision with a reason; the .xlsx as offices print it; the overview with its
/// charts; a unit's score taken apart.
#[tokio::test]
async fn rankings_publish_freeze_and_revise() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        app.store
            .seed_ledger(&demo::campaign(80, 3).ledger, "secret-pw")
            .await
            .unwrap();
        demo::seed::reports(
            &app.store,
            domain::progress::Period {
                year: 2025,
                month: 6,
                part: None,
            },
        )
        .await
        .unwrap();
        let office = app.signed_in("admin").await;
        let reader = app.signed_in("leader").await;
        let publish = |note: &str| pairs(&[("period", "2025-06".into()), ("note", note.into())]);

        let (status, html) = fetch(&reader, app.url("/rankings?period=2025-06")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("尚未发布") && !html.contains("发布排名"),
            "{html}"
        );
        let (status, _) = send_form(&reader, app.url("/rankings/publish"), &publish("")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!html.contains("尚未最终确定"));
        // Before publishing, the office is told what is not final, with counts, and asked.
        let (_, html) = fetch(&office, app.url("/rankings?period=2025-06")).await;
        assert!(
            html.contains("尚未最终确定：待审核月报") && html.contains("data-confirm"),
            "{html}"
        );

        let r = office
            .post(app.url("/rankings/publish"))
            .form(&publish(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"],
            "/rankings?period=2025-06&revision=1"
        );
        let period = domain::progress::Period::parse("2025-06").unwrap();
        let first = app
            .store
            .published_ranking(&period, Some(1))
            .await
            .unwrap()
            .unwrap();
        let (status, html) = send_form(&office, app.url("/rankings/publish"), &publish("")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("无需重新发布"), "{html}");
        // Nothing changed since publishing: the page does not say so.
        let (_, html) = fetch(&office, app.url("/rankings?period=2025-06")).await;
        assert!(!html.contains("数据已变化"), "{html}");

        // A correction after publication: the published table does not move; the page says
        // the figures changed; a revision needs a reason.
        let top = &first.rows[0];
        let project = app
            .store
            .period_reports(&period, None)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.unit.as_deref() == Some(top.unit.as_str()) && p.report.is_some())
            .unwrap();
        let report = project.report.unwrap();
        app.store
            .file_reports(
                period,
                &[store::ReportEntry {
                    project_id: project.project_id,
                    year_to_date: Some(
                        report
                            .year_to_date
                            .checked_add(domain::Money::from_wan(5_000))
                            .unwrap(),
                    ),
                    reason: Some("补报设备购置款".into()),
                    ..store::ReportEntry::default()
                }],
                &store::Actor::SYSTEM,
                store::FilingOptions {
                    filing: store::Filing::Submit,
                    source: "test",
                    check_versions: false,
                    dry_run: false,
                    today: chrono::NaiveDate::from_ymd_opt(2025, 7, 10).unwrap(),
                },
            )
            .await
            .unwrap();
        let again = app
            .store
            .published_ranking(&period, Some(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.rows, first.rows, "a published table never changes");
        let (_, html) = fetch(&reader, app.url("/rankings?period=2025-06")).await;
        assert!(
            html.contains("数据已变化") && html.contains("已发布"),
            "{html}"
        );
        let (status, html) = send_form(&office, app.url("/rankings/publish"), &publish(" ")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("须说明原因"));
        let (status, _) = send_form(
            &office,
            app.url("/rankings/publish"),
            &publish("补报设备购置款"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = fetch(&reader, app.url("/rankings?period=2025-06&revision=1")).await;
        assert!(
            html.contains("已被更正版取代") && html.contains("补报设备购置款"),
            "{html}"
        );
        // The drill-down shows each revision as published — revision 1 the figures before the
        // correction, revision 2 after it, each with the report versions it came from — and
        // links to the live figures; the published table links its units there.
        let frozen = |id: i64| {
            let store = app.store.clone();
            let unit = top.unit.clone();
            let project_id = project.project_id;
            async move {
                store
                    .frozen_projects(id, Some(&unit))
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|p| p.project_id == project_id)
                    .unwrap()
            }
        };
        let second = app
            .store
            .published_ranking(&period, Some(2))
            .await
            .unwrap()
            .unwrap();
        let (before, after) = (frozen(first.id).await, frozen(second.id).await);
        assert_eq!(before.year_to_date, report.year_to_date, "{dialect:?}");
        assert_eq!(
            Some(after.year_to_date),
            report
                .year_to_date
                .checked_add(domain::Money::from_wan(5_000))
        );
        // The June report as each revision used it: first filed, then changed once more (a
        // submitted report is changed in place: the same revision, a later version).
        let june = |p: &store::FrozenProject| {
            let r = p.reports.last().unwrap();
            (r.period.clone(), r.revision, r.version)
        };
        assert_eq!(
            june(&before),
            ("2025-06".to_string(), report.revision, report.version)
        );
        assert_eq!(
            june(&after),
            ("2025-06".to_string(), report.revision, report.version + 1)
        );
        // A project without a light for want of a due lamp is told apart from one without a plan.
        let all = app.store.frozen_projects(first.id, None).await.unwrap();
        assert!(all.iter().any(|p| p.not_due), "{dialect:?}");
        for p in &all {
            assert_eq!(p.not_due, p.why_zh.contains("未到投资考核期"), "{p:?}");
            assert!(!(p.not_due && p.light.is_some()), "{p:?}");
        }
        let drill = |revision: i64| {
            app.url(&format!(
                "/rankings/unit?period=2025-06&revision={revision}&unit={}",
                web::pages::url_encode(&top.unit)
            ))
        };
        let (status, html) = fetch(&reader, drill(1)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(&project.name)
                && html.contains(&report.year_to_date.wan_display())
                && html.contains("查看实时数据")
                && html.contains("发布时的数据"),
            "{html}"
        );
        let (_, html) = fetch(&reader, drill(2)).await;
        assert!(html.contains("2025-01 至 2025-06（6期）"), "{html}");
        let (_, html) = fetch(&reader, app.url("/rankings?period=2025-06&revision=1")).await;
        assert!(
            html.contains("/rankings/unit?period=2025-06&#38;revision=1&#38;unit="),
            "{html}"
        );
        assert_eq!(
            fetch(
                &reader,
                app.url("/rankings/unit?period=2025-06&revision=1&unit=%E6%97%A0")
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            fetch(&reader, app.url("/rankings?period=2025-06&revision=9"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );

        // The .xlsx of revision 1: title, date line, headers, the frozen first row.
        let r = reader
            .get(app.url("/rankings/export.xlsx?period=2025-06&revision=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        use calamine::Reader;
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let cell = |r: u32, c: u32| {
            range
                .get_value((r, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        assert!(cell(0, 0).contains("2025年6月") && cell(0, 0).contains("亮晒排名"));
        assert!(cell(1, 0).contains("截至 2025-06-30") && cell(1, 0).contains("第1版"));
        assert_eq!((cell(2, 0), cell(2, 1)), ("排名".into(), "责任单位".into()));
        assert_eq!(
            (cell(3, 0), cell(3, 1)),
            ("1".into(), first.rows[0].unit.clone())
        );
        // Regions ranked the same way, on their own sheet and on the page.
        assert!(!first.regions.is_empty());
        let regions = book.worksheet_range("区域排名").unwrap();
        assert_eq!(
            regions.get_value((2, 1)).map(|v| v.to_string()),
            Some("区域".into())
        );
        assert_eq!(
            regions.get_value((3, 1)).map(|v| v.to_string()),
            Some(first.regions[0].unit.clone())
        );
        let (_, html) = fetch(&reader, app.url("/rankings?period=2025-06&revision=1")).await;
        assert!(html.contains("published-regions") && html.contains(&first.regions[0].unit));

        // The overview draws its charts on the server.
        let (status, html) = fetch(&reader, app.url("/dashboard")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("项目攻坚总览")
                && html.matches("<svg").count() >= 2
                && html.contains("累计完成投资"),
            "{html}"
        );
        assert_eq!(
            fetch(&reader, app.url("/dashboard?as_of=2025-02-31"))
                .await
                .0,
            StatusCode::BAD_REQUEST
        );

        // A unit's score taken apart: indicators, weights, the projects behind them.
        let unit = &first.rows[0].unit;
        let (status, html) = fetch(
            &reader,
            app.url(&format!(
                "/status/unit?name={}&as_of=2025-06-30",
                web::pages::url_encode(unit)
            )),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("得分构成") && html.contains("投资进度") && html.contains("#reports")
        );
        assert_eq!(
            fetch(&reader, app.url("/status/unit?name=nobody")).await.0,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}
