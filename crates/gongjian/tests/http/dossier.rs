//! The 5专 dossier, bulk assignment and 一月一提升.

use crate::support::*;

/// The 5专 dossier, 包联领导/首席服务官 assigned in bulk, a 专题研究 recorded on a project, and
/// 一月一提升: who may do each, through the pages.
#[tokio::test]
async fn dossier_assignment_and_service_push() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let other = app
            .store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for (name, unit) in [("龙田物流园", town), ("江阴港区码头", other)] {
            let fields = domain::ProjectFields {
                name: name.into(),
                unit_id: Some(unit),
                stage: Some(domain::Stage::UnderConstruction),
                annual_plan: Some(domain::Money::from_wan(1_000)),
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
        let (own, theirs) = (ids[0], ids[1]);
        // By the end of September 龙田物流园 has done 1% of its plan (red), 江阴港区码头 80%.
        let september = domain::progress::Period {
            year: 2025,
            month: 9,
            part: None,
        };
        let report = |project_id: i64, wan: i64| store::ReportRecord {
            project_id,
            period: september,
            completed: domain::Money::from_wan(wan),
            year_to_date: domain::Money::from_wan(wan),
            started: true,
            actual_start: None,
            progress: Some("主体结构施工".into()),
            late: false,
        };
        app.store
            .put_reports(&[report(own, 10), report(theirs, 800)], None, "test")
            .await
            .unwrap();
        let unit = app.signed_in("longtian").await;
        let office = app.signed_in("admin").await;
        let reader = app.signed_in("leader").await;

        // The dossier: the five parts, readable by everyone.
        let dossier = |id: i64| app.url(&format!("/projects/{id}/dossier"));
        let (status, page) = fetch(&reader, dossier(own)).await;
        assert_eq!(status, StatusCode::OK, "{dialect:?}");
        for part in [
            "工作专班",
            "推进专案",
            "问题专单",
            "专题研究",
            "进展专报",
            "主体结构施工",
        ] {
            assert!(page.contains(part), "{part}: {page}");
        }
        assert_eq!(
            fetch(&reader, dossier(9_999)).await.0,
            StatusCode::NOT_FOUND
        );

        // 工作专班: the unit keeps its own project's team; not another's; leaders only read.
        let member = pairs(&[
            ("name", "林建华".into()),
            ("role", "组长".into()),
            ("workplace", "龙田镇人民政府".into()),
            ("phone", "0591-8536xxxx".into()),
        ]);
        let team = |id: i64| app.url(&format!("/projects/{id}/team"));
        assert_eq!(
            send_form(&unit, team(own), &member).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            send_form(&unit, team(theirs), &member).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send_form(&reader, team(own), &member).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, page) = send_form(
            &unit,
            team(own),
            &pairs(&[("role", "成员".into()), ("phone", "1380000xxxx".into())]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("请填写姓名"), "{page}");
        // What was typed is still there to correct.
        assert!(
            page.contains("value=\"成员\"") && page.contains("value=\"1380000xxxx\""),
            "{page}"
        );
        let members = app.store.project_team(own).await.unwrap();
        assert_eq!(members.len(), 1);
        assert!(
            fetch(&reader, dossier(own))
                .await
                .1
                .contains("龙田镇人民政府")
        );
        let remove = app.url(&format!("/projects/{own}/team/{}/remove", members[0].id));
        assert_eq!(
            send_form(&reader, remove.clone(), &[]).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send_form(&unit, remove.clone(), &[]).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(send_form(&unit, remove, &[]).await.0, StatusCode::NOT_FOUND);

        // Bulk assignment: the lead office only, from the versions it saw, all or nothing.
        assert_eq!(
            fetch(&unit, app.url("/projects/assign")).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, page) = fetch(&office, app.url("/projects/assign")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("{own}:1")) && page.contains(&format!("{theirs}:1")));
        let assign = pairs(&[
            ("pick", format!("{own}:1")),
            ("pick", format!("{theirs}:1")),
            ("leader", "李副市长".into()),
            ("officer", "".into()),
        ]);
        let r = office
            .post(app.url("/projects/assign"))
            .form(&assign)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(r.headers()["location"].to_str().unwrap().contains("done=2"));
        let p = app.store.project(theirs).await.unwrap().unwrap();
        assert_eq!(p.fields.linked_leader.as_deref(), Some("李副市长"));
        assert!(fetch(&reader, dossier(own)).await.1.contains("李副市长"));
        // The same versions again are stale now: refused, named, nothing written.
        let (status, page) = send_form(&office, app.url("/projects/assign"), &assign).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("已被他人修改"), "{page}");
        assert_eq!(app.store.project(own).await.unwrap().unwrap().version, 2);

        // 专题研究 on the project, from the dossier's link; it shows on the dossier.
        let (status, page) = fetch(&office, app.url(&format!("/meetings/new?project={own}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("龙田物流园专题研究会"), "{page}");
        assert_eq!(
            fetch(&unit, app.url(&format!("/meetings/new?project={own}")))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let minutes = pairs(&[
            ("project", own.to_string()),
            ("held_on", "2025-10-15".into()),
            ("title", "龙田物流园专题研究会".into()),
            ("minutes", "".into()),
            ("text_0", "10月底前完成施工用电接入".into()),
            ("unit_0", town.to_string()),
            ("deadline_0", "2025-10-31".into()),
            ("problem_0", "".into()),
            ("project_0", own.to_string()),
        ]);
        let r = office
            .post(app.url("/meetings/new"))
            .form(&minutes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"].to_str().unwrap(),
            format!("/projects/{own}/dossier#meetings")
        );
        let page = fetch(&unit, dossier(own)).await.1;
        assert!(page.contains("10月底前完成施工用电接入"), "{page}");
        assert!(
            !fetch(&unit, dossier(theirs))
                .await
                .1
                .contains("10月底前完成施工用电接入")
        );

        // 一月一提升: September's lagging project, without a team or a visit yet.
        let (status, page) = fetch(&office, app.url("/service?month=2025-09")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("龙田物流园") && !page.contains("江阴港区码头"),
            "{page}"
        );
        assert!(page.contains("本月未走访"));
        assert_eq!(
            fetch(&office, app.url("/service?month=2025-13")).await.0,
            StatusCode::BAD_REQUEST
        );
        let set_team = pairs(&[
            ("month", "2025-09".into()),
            ("project", own.to_string()),
            ("leader", "张队长".into()),
            ("members", "市发改局 陈晓".into()),
        ]);
        assert_eq!(
            send_form(&unit, app.url("/service/teams"), &set_team)
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send_form(&office, app.url("/service/teams"), &set_team)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let visit = |on: &str| {
            pairs(&[
                ("visited_on", on.into()),
                ("visitors", "张队长、陈晓".into()),
                ("found", "施工用电线路迁改未完成".into()),
                ("promised", "协调供电公司两周内接入".into()),
                ("back", "service".into()),
            ])
        };
        let visits = |id: i64| app.url(&format!("/projects/{id}/visits"));
        let r = unit
            .post(visits(own))
            .form(&visit("2025-09-20"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/service?month=2025-09");
        assert_eq!(
            send_form(&unit, visits(theirs), &visit("2025-09-20"))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send_form(&reader, visits(own), &visit("2025-09-20"))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        // The app's day is 2025-10-15.
        let (status, page) = send_form(&unit, visits(own), &visit("2025-10-16")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("晚于今天"), "{page}");
        assert!(
            page.contains("value=\"2025-10-16\"")
                && page.contains("value=\"协调供电公司两周内接入\""),
            "{page}"
        );
        // A refused service team: its form open again, holding what was typed.
        let (status, page) = send_form(
            &office,
            app.url("/service/teams"),
            &pairs(&[
                ("month", "2025-09".into()),
                ("project", own.to_string()),
                ("leader", " ".into()),
                ("members", "市发改局 王磊".into()),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("请填写服务队队长"), "{page}");
        assert!(
            page.contains("value=\"市发改局 王磊\"")
                && page.contains("<details class=\"actions\" open>"),
            "{page}"
        );
        let (_, page) = fetch(&unit, app.url("/service?month=2025-09")).await;
        assert!(
            page.contains("张队长") && page.contains("施工用电线路迁改未完成"),
            "{page}"
        );
        assert!(
            !page.contains("<strong class=\"late-text\">本月未走访</strong>"),
            "{page}"
        );
        assert!(
            fetch(&reader, dossier(own))
                .await
                .1
                .contains("协调供电公司两周内接入")
        );
    })
    .await;
}
