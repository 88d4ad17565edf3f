//! Imports in the browser: a check writes nothing and lists every problem by sheet, row and
//! column; a confirmation imports the kept file once, as the signed-in user; only the office
//! may import.

use crate::support::*;

fn ledger_sheet(bad: bool) -> Vec<u8> {
    let amount = if bad { "三千" } else { "30,000" };
    let first = format!("#1|江阴港区7号泊位工程|江阴港城经济区管委会|#120000|{amount}");
    let lines = [
        "福清市2025年重点项目台账",
        "单位：万元",
        "序号|项目名称|责任单位|总投资|2025年计划投资",
        first.as_str(),
        "#2|龙田镇污水处理厂提标改造工程|龙田镇|#8000|#2000.5",
    ];
    office::testing::sheet("在建项目", &lines)
}

/// The multipart body of the import form.
fn form(kind: &str, period: &str, file: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gongjian-import-boundary";
    let mut body = Vec::new();
    for (name, value) in [("kind", kind), ("period", period)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn check(
    c: &reqwest::Client,
    app: &TestApp,
    body: (String, Vec<u8>),
) -> (StatusCode, String) {
    let r = c
        .post(app.url("/import/check"))
        .header("Content-Type", body.0)
        .body(body.1)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The kept upload's id in a checked page's confirmation form.
fn confirm_id(html: &str) -> String {
    let at = html
        .find("name=\"id\" value=\"")
        .expect("a confirmation form");
    html[at + 17..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_office_checks_then_imports_a_workbook() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        app.login("admin").await;
        // A bad amount: named by sheet, row and column; nothing kept, nothing written.
        let (status, html) = check(
            &app.client,
            &app,
            form("ledger", "", "台账.xlsx", &ledger_sheet(true)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{dialect:?}");
        assert!(
            html.contains("id=\"import-errors\"") && html.contains("三千"),
            "{html}"
        );
        assert!(html.contains("<td>在建项目</td>"));
        assert!(!html.contains("import-confirm"));
        assert_eq!(app.store.count_projects().await.unwrap(), 0);

        // A clean file: the figures, the new units, a confirmation; still nothing written.
        let (status, html) = check(
            &app.client,
            &app,
            form("ledger", "", "台账.xlsx", &ledger_sheet(false)),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("检查通过") && html.contains("江阴港城经济区管委会"));
        assert_eq!(
            app.store.count_projects().await.unwrap(),
            0,
            "a check writes nothing"
        );
        let id = confirm_id(&html);

        // Another user cannot confirm it.
        let other = app.signed_in("admin").await;
        app.store
            .create_user(NewUser {
                username: "fgj",
                display_name: "发改局",
                password: "secret-pw",
                role: Role::LeadOffice,
                unit_id: app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id,
            })
            .await
            .unwrap();
        let fgj = app.signed_in("fgj").await;
        let (status, html) = send_form(
            &fgj,
            app.url("/import/confirm"),
            &pairs(&[("id", id.clone())]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("已导入或已过期"));
        drop(other);

        // Confirmed: written as the admin, once.
        let (status, html) = send_form(
            &app.client,
            app.url("/import/confirm"),
            &pairs(&[("id", id.clone())]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("已导入"), "{html}");
        assert_eq!(app.store.count_projects().await.unwrap(), 2);
        let first = app.store.all_projects().await.unwrap()[0].id;
        let history = app.store.project_history(first).await.unwrap();
        assert!(
            !history.is_empty()
                && history
                    .iter()
                    .all(|c| c.user_name.as_deref() == Some("admin")),
            "修改人 names the importing user: {history:?}"
        );
        let entries = app
            .store
            .audit_entries(&store::AuditFilter {
                object: Some(format!("projects:{first}")),
                limit: 5,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            (entries[0].actor.as_deref(), entries[0].source.as_str()),
            (Some("admin"), "import")
        );
        let (status, html) = send_form(
            &app.client,
            app.url("/import/confirm"),
            &pairs(&[("id", id)]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("已导入或已过期"));
        assert_eq!(app.store.count_projects().await.unwrap(), 2);

        // A progress sheet for a period, and a problem list.
        let progress = office::testing::sheet(
            "Sheet1",
            &[
                "项目名称|本月完成投资|1-6月累计完成投资|是否开工",
                "龙田镇污水处理厂提标改造工程|#100|#100|是",
            ],
        );
        let (status, html) = check(
            &app.client,
            &app,
            form("reports", "2025-06", "进度.xlsx", &progress),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let (status, html) = send_form(
            &app.client,
            app.url("/import/confirm"),
            &pairs(&[("id", confirm_id(&html))]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let second = app.store.all_projects().await.unwrap()[1].id;
        let reports = app.store.project_reports(second).await.unwrap();
        assert_eq!(reports.len(), 1, "{dialect:?}");
        let (status, html) = check(
            &app.client,
            &app,
            form("reports", "2025-13", "进度.xlsx", &progress),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a bad period: {html}"
        );
        let problems = office::testing::sheet(
            "Sheet1",
            &[
                "项目名称|存在问题|问题类别|责任单位|办理时限",
                "龙田镇污水处理厂提标改造工程|用地指标未落实|用地|龙田镇|10个工作日",
            ],
        );
        let (status, html) = check(
            &app.client,
            &app,
            form("problems", "", "问题.xlsx", &problems),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let (status, _) = send_form(
            &app.client,
            app.url("/import/confirm"),
            &pairs(&[("id", confirm_id(&html))]),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Not a workbook at all: one clear message.
        let (status, html) = check(
            &app.client,
            &app,
            form("ledger", "", "a.xlsx", b"not a workbook"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("无法读取文件"), "{html}");

        // Only the office imports.
        for refused in ["leader", "longtian"] {
            let c = app.signed_in(refused).await;
            assert_eq!(fetch(&c, app.url("/import")).await.0, StatusCode::FORBIDDEN);
            let (status, _) = check(
                &c,
                &app,
                form("ledger", "", "台账.xlsx", &ledger_sheet(false)),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
            let (status, _) = send_form(
                &c,
                app.url("/import/confirm"),
                &pairs(&[("id", "1".into())]),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        }
        assert_eq!(app.store.count_projects().await.unwrap(), 2);
    })
    .await;
}
