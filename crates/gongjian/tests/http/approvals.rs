//! Approval plans through the pages.

use crate::support::*;

/// Approval plans through the pages: create from a template, the Gantt chart, node edits with
/// the version check, cycles refused, the due list and the bulletin workbook.
#[tokio::test]
async fn approval_plans_in_pages() {
    TestApp::each_backend(|app| async move {
        app.store
            .seed_ledger(&demo::campaign(20, 3).ledger, "secret-pw")
            .await
            .unwrap();
        app.login("admin").await;

        let (status, html) = app.get_text("/projects/1/approval").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("还没有审批计划") && html.contains("政府投资项目"));

        let post = |path: &'static str, form: Vec<(&'static str, String)>| {
            let req = app.client.post(app.url(path)).form(&form);
            async move { req.send().await.unwrap() }
        };
        let r = post(
            "/projects/1/approval",
            vec![
                ("template", "government".into()),
                ("start", "2025-09-01".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = app.get_text("/projects/1/approval").await;
        assert!(html.contains("<svg") && html.contains("关键路径"), "{html}");
        assert!(html.contains("模拟审批节省") && html.contains("国庆节"));
        let plan = app.store.approval_plan(1).await.unwrap().unwrap();
        assert_eq!((plan.nodes.len(), plan.version), (15, 1));
        // The project page sums it up: the parallel finish and how many nodes are overdue.
        let (_, project_page) = app.get_text("/projects/1").await;
        assert!(project_page.contains("并联审批完成") && project_page.contains("late-text"));
        assert_eq!(
            plan.nodes[0].planned_start.unwrap().to_string(),
            "2025-09-01"
        );

        // Edit a node: a longer 可研 and its 批复文号.
        let edit = |version: &str, duration: &str, after: &[&str]| {
            let mut form: Vec<(&'static str, String)> = vec![
                ("version", version.into()),
                ("original_key", "keyan".into()),
                ("key", "keyan".into()),
                ("name", "可研批复".into()),
                ("duration", duration.into()),
                ("department", "发展和改革局".into()),
                ("actual_finish", "2025年10月20日".into()),
                ("document_no", "融发改审批〔2025〕88号".into()),
            ];
            form.extend(after.iter().map(|a| ("after", a.to_string())));
            form
        };
        let r = post(
            "/projects/1/approval/node",
            edit("1", "30", &["xuanzhi", "yudi", "jieneng"]),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let plan = app.store.approval_plan(1).await.unwrap().unwrap();
        let keyan = plan.nodes.iter().find(|n| n.key == "keyan").unwrap();
        assert_eq!((keyan.duration, plan.version), (30, 2));
        assert_eq!(keyan.actual_finish.unwrap().to_string(), "2025-10-20");
        assert_eq!(keyan.after.len(), 3);

        // A stale form is refused; nothing is overwritten.
        let r = post("/projects/1/approval/node", edit("1", "40", &["yudi"])).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        // A cycle and a bad duration come back to the form with the reason.
        let r = post("/projects/1/approval/node", edit("2", "30", &["chushe"])).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(body.contains("循环依赖"), "{body}");
        let r = post("/projects/1/approval/node", edit("2", "三十", &[])).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("工期"));
        assert_eq!(
            app.store.approval_plan(1).await.unwrap().unwrap().version,
            2
        );

        // Dropping a node drops it from the prerequisites of others.
        let r = post(
            "/projects/1/approval/node/delete",
            vec![("version", "2".into()), ("key", "shuibao".into())],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let plan = app.store.approval_plan(1).await.unwrap().unwrap();
        assert_eq!(plan.nodes.len(), 14);
        assert!(
            plan.nodes
                .iter()
                .all(|n| !n.after.iter().any(|a| a == "shuibao"))
        );

        // Every open node planned in 2025 is overdue by now, listed by department.
        let (status, due) = app.get_text("/approvals?days=5").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            due.contains("自然资源和规划局") && due.contains("用地预审"),
            "{due}"
        );
        assert!(!due.contains(">可研批复<"), "finished nodes are not due");

        let (status, page) = app
            .get_text("/approvals/bulletin?from=2025-10-16&to=2025-10-31")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("本期办结 1 项") && page.contains("融发改审批〔2025〕88号"),
            "{page}"
        );
        assert!(page.contains("逾期未办结"));
        let r = app
            .client
            .get(app.url("/approvals/bulletin.xlsx?from=2025-10-16&to=2025-10-31"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let done = book.worksheet_range("本期办结要件").unwrap();
        let cells: Vec<String> = done.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(
            cells.iter().any(|c| c == "融发改审批〔2025〕88号"),
            "{cells:?}"
        );
        let r = app
            .client
            .get(app.url("/approvals/bulletin.xlsx?from=2025-10-31&to=x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);

        // Read-only roles see the plan but cannot change it.
        app.login("leader").await;
        let (status, html) = app.get_text("/projects/1/approval").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("增加环节"));
        let r = post("/projects/1/approval/node", edit("3", "30", &[])).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    })
    .await;
}
