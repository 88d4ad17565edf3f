//! The real HTTP server on a random port over a fresh database: sign-in, the API, the pages.
#![allow(clippy::unwrap_used)]

use domain::{Role, UnitKind};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;
use store::{NewUser, Store};

struct TestApp {
    base: String,
    client: reqwest::Client,
    store: Store,
    _db: TestDb,
}

impl TestApp {
    async fn spawn(dialect: store::Dialect) -> TestApp {
        let db = TestDb::new(dialect).await;
        let store = db.store().await;
        let unit = store
            .create_unit("福清市发展和改革局", UnitKind::Department, None)
            .await
            .unwrap();
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        for (username, role, unit_id) in [
            ("admin", Role::Admin, unit),
            ("leader", Role::Leadership, unit),
            ("longtian", Role::Responsible, town),
        ] {
            store
                .create_user(NewUser {
                    username,
                    display_name: username,
                    password: "secret-pw",
                    role,
                    unit_id,
                })
                .await
                .unwrap();
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        // Problems and minutes are worked on a fixed day, so their deadlines in working days
        // stay on the built-in calendar whenever the tests run.
        let state = web::AppState::new(store.clone(), false)
            .on_day(chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap());
        tokio::spawn(async move {
            web::serve(state, "127.0.0.1:0".parse().unwrap(), move |addr| {
                let _ = tx.send(addr);
            })
            .await
            .unwrap();
        });
        let addr = rx.await.unwrap();
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            base: format!("http://{addr}"),
            client,
            store,
            _db: db,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn login(&self, username: &str) {
        let r = self
            .client
            .post(self.url("/api/login"))
            .json(&json!({"username": username, "password": "secret-pw"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// A second browser, signed in as another user.
    async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = client
            .post(self.url("/api/login"))
            .json(&json!({"username": username, "password": "secret-pw"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        client
    }

    async fn post_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn put_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .put(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

#[tokio::test]
async fn everything_but_login_needs_a_session() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    let (status, body) = app.get_json("/api/projects").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthorized");
    assert!(body["message_zh"].as_str().unwrap().contains("登录"));
    for path in ["/api/projects/1", "/api/units", "/api/me"] {
        assert_eq!(
            app.get_json(path).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let r = app
        .client
        .get(app.url("/projects?stage=在建"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=/projects%3Fstage%3D")
    );
    let (status, html) = app.get_text("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("登录"));

    let (status, _) = app
        .post_json(
            "/api/login",
            json!({"username": "admin", "password": "wrong"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .post_json(
            "/api/login",
            json!({"username": "nobody", "password": "wrong"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    app.login("admin").await;
    assert_eq!(app.get_json("/api/projects").await.0, StatusCode::OK);
    let (status, me) = app.get_json("/api/me").await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("admin"))
    );
    let r = app
        .client
        .post(app.url("/api/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_json("/api/projects").await.0,
        StatusCode::UNAUTHORIZED
    );

    // Assets and the API document are public: the sign-in page needs its CSS.
    assert_eq!(app.get_text("/static/app.css").await.0, StatusCode::OK);
    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/login",
        "/api/logout",
        "/api/projects",
        "/api/projects/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}

#[tokio::test]
async fn projects_through_the_api_on_every_backend() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        app.login("admin").await;

        // Validation: every bad field is named, in Chinese and English.
        let (status, body) = app
            .post_json("/api/projects", json!({"name": "", "total_investment_wan": "abc", "planned_start": "2025-13", "stage": "开挖"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let fields: Vec<&str> = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        for f in ["name", "total_investment_wan", "planned_start", "stage"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let (status, body) = app
            .post_json("/api/projects", json!({"name": "x", "nme": "typo"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["message_en"].as_str().unwrap().contains("nme"));
        assert_eq!(
            app.store.count_projects().await.unwrap(),
            0,
            "nothing written by bad requests"
        );

        let units = app.get_json("/api/units").await.1;
        let town = units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == "龙田镇")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (status, created) = app
            .post_json(
                "/api/projects",
                json!({
                    "name": "龙田镇污水处理厂提标改造工程", "code": "LT-2025-01", "stage": "在建", "level": "county",
                    "tags": ["亿元以上", "省督办"], "unit_id": town, "total_investment_wan": 12000.5,
                    "annual_plan_wan": "3,000", "planned_start": "2025年3月", "period": "2025-2026"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["total_investment_wan"], "12000.5");
        assert_eq!(created["annual_plan_wan"], "3000");
        assert_eq!(created["planned_start"], "2025-03-01");
        assert_eq!(created["period_end"], "2026-12-31");
        assert_eq!(created["unit_name"], "龙田镇");
        assert_eq!(created["version"], 1);
        let id = created["id"].as_i64().unwrap();

        // Update names its version; omitted fields keep their values.
        let (status, updated) = app
            .put_json(
                &format!("/api/projects/{id}"),
                json!({"version": 1, "stage": "completed"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(
            (updated["version"].as_i64(), updated["stage"].as_str()),
            (Some(2), Some("completed"))
        );
        assert_eq!(updated["code"], "LT-2025-01");

        // A second editor who read version 1 is refused and told the current version.
        let (status, body) = app
            .put_json(
                &format!("/api/projects/{id}"),
                json!({"version": 1, "name": "别人的改动"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["current_version"], 2);
        assert!(body["message_zh"].as_str().unwrap().contains("修改冲突"));
        assert_eq!(
            app.get_json(&format!("/api/projects/{id}")).await.1["name"],
            "龙田镇污水处理厂提标改造工程"
        );
        let (status, _) = app
            .put_json(
                &format!("/api/projects/{id}"),
                json!({"name": "no version"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (_, history) = app.get_json(&format!("/api/projects/{id}/history")).await;
        assert_eq!(history[0]["field"], "stage");
        assert_eq!(
            (
                history[0]["old_value"].as_str(),
                history[0]["new_value"].as_str()
            ),
            (Some("在建"), Some("竣工"))
        );

        // List with filters; the unit may be named.
        app.post_json(
            "/api/projects",
            json!({"name": "元洪食品产业园", "stage": "to_start"}),
        )
        .await;
        let (_, all) = app.get_json("/api/projects").await;
        assert_eq!(all["total"], 2);
        let (_, one) = app
            .get_json("/api/projects?stage=completed&unit=龙田镇&q=污水&page=1&per_page=10")
            .await;
        assert_eq!(one["total"], 1);
        assert_eq!(one["items"][0]["id"], id);
        let (status, body) = app.get_json("/api/projects?stage=nonsense").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            app.get_json("/api/projects/999999").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get_json("/api/projects/abc").await.0,
            StatusCode::NOT_FOUND
        );

        // What GET answers, PUT takes back as it is; the period's ends change like any field.
        let (_, read) = app.get_json(&format!("/api/projects/{id}")).await;
        let (status, same) = app
            .put_json(&format!("/api/projects/{id}"), read.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{same}");
        for key in [
            "name",
            "period_start",
            "period_end",
            "tags",
            "total_investment_wan",
            "unit_id",
        ] {
            assert_eq!(same[key], read[key], "{key} round-trips");
        }
        let mut back = same.clone();
        back["period_end"] = json!("2027-06-30");
        let (status, changed) = app.put_json(&format!("/api/projects/{id}"), back).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["period_start"], read["period_start"]);
        assert_eq!(changed["period_end"], "2027-06-30");
        let mut half = changed.clone();
        half["period_start"] = Value::Null;
        let (status, body) = app.put_json(&format!("/api/projects/{id}"), half).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "period", "{body}");
    }
}

#[tokio::test]
async fn read_only_roles_cannot_write() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    app.login("leader").await;
    let (status, _) = app.post_json("/api/projects", json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_text("/projects/new").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_list_show_edit_and_refuse_stale_forms() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    app.store
        .seed_campaign(&domain::demo::campaign(60, 3), "secret-pw")
        .await
        .unwrap();
    app.login("admin").await;

    let (status, html) = app.get_text("/projects").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("项目台账") && html.contains("id=\"ledger\""));
    let first = app.store.project(1).await.unwrap().unwrap();
    assert!(
        html.contains(&askama_escape(&first.fields.name)),
        "first project listed"
    );
    let (_, en) = app.get_text("/projects?lang=en").await;
    assert!(en.contains("Project ledger"));
    let (_, filtered) = app
        .get_text(
            "/projects?stage=under_construction&sort=total_investment&order=desc&min=abc&lang=zh",
        )
        .await;
    assert!(
        filtered.contains("已忽略"),
        "bad filter value is reported: {filtered}"
    );

    let (status, page) = app.get_text("/projects/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("变更记录") && page.contains("责任体系"));

    // An invalid form comes back with the message beside the field and the input kept.
    let form = [
        ("version", "1"),
        ("name", "改过的名字"),
        ("total_investment_wan", "十亿"),
        ("stage", "under_construction"),
    ];
    let r = app
        .client
        .post(app.url("/projects/1/edit"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"e-total_investment_wan\""),
        "error beside the field"
    );
    assert!(html.contains("“十亿”不是有效的金额数字"));
    assert!(html.contains("改过的名字"));

    let ok = [
        ("version", "1"),
        ("name", "改过的名字"),
        ("total_investment_wan", "1000"),
        ("stage", "under_construction"),
    ];
    let r = app
        .client
        .post(app.url("/projects/1/edit"))
        .form(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_text("/projects/1").await;
    assert!(page.contains("改过的名字") && page.contains("<del>"));

    // The same stale form again: refused as a conflict, nothing overwritten.
    let stale = [("version", "1"), ("name", "第二个人的名字")];
    let r = app
        .client
        .post(app.url("/projects/1/edit"))
        .form(&stale)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("修改冲突"));
    assert_eq!(
        app.store.project(1).await.unwrap().unwrap().fields.name,
        "改过的名字"
    );

    // Creating through the form.
    let new = [
        ("version", "0"),
        ("name", "新建测试项目"),
        ("stage", "planning"),
    ];
    let r = app
        .client
        .post(app.url("/projects/new"))
        .form(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A cross-site form post is refused.
    let r = app
        .client
        .post(app.url("/projects/new"))
        .header("Origin", "http://evil.example")
        .form(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Export of the filtered list is a workbook.
    let r = app
        .client
        .get(app.url("/projects/export.xlsx?stage=planning"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let back = office::read_ledger(&bytes);
    assert!(back.errors.is_empty());
    assert!(
        back.projects
            .iter()
            .all(|p| p.fields.stage == Some(domain::Stage::Planning))
    );
    assert!(
        back.projects
            .iter()
            .any(|p| p.fields.name == "新建测试项目")
    );
}

fn askama_escape(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Approval plans through the pages: create from a template, the Gantt chart, node edits with
/// the version check, cycles refused, the due list and the bulletin workbook.
#[tokio::test]
async fn approval_plans_in_pages() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        app.store
            .seed_campaign(&domain::demo::campaign(20, 3), "secret-pw")
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
    }
}

/// The status page: 序时进度 as of the latest reported month, the lights, the ranked units and
/// the lagging projects with their reasons.
#[tokio::test]
async fn status_page_shows_lights_and_ranking() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    app.store
        .seed_campaign(&domain::demo::campaign(80, 3), "secret-pw")
        .await
        .unwrap();
    app.store
        .seed_demo_reports(domain::progress::Period {
            year: 2025,
            month: 6,
            part: None,
        })
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

async fn send_json(client: &reqwest::Client, url: String, body: Value) -> (StatusCode, Value) {
    let r = client.post(url).json(&body).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn send_form(
    client: &reqwest::Client,
    url: String,
    form: &[(String, String)],
) -> (StatusCode, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn fetch(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn pairs(items: &[(&str, String)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

/// Reports through the pages and the API: a unit fills and submits its own projects only, the
/// lead office returns and approves, a locked report is corrected with a reason and the
/// correction shows on the project page; readers read, and nobody else writes.
#[tokio::test]
async fn reports_are_filed_reviewed_and_scoped() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let other = app
            .store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        let project = |name: &str, unit: i64| domain::ProjectFields {
            name: name.into(),
            unit_id: Some(unit),
            annual_plan: Some(domain::Money::from_wan(1_000)),
            ..domain::ProjectFields::default()
        };
        let mut ids = Vec::new();
        for (name, unit) in [
            ("龙田物流园", town),
            ("龙田污水厂", town),
            ("江阴港区码头", other),
        ] {
            ids.push(
                app.store
                    .create_project(&project(name, unit), None, "test")
                    .await
                    .unwrap()
                    .id,
            );
        }
        let (a1, a2, b1) = (ids[0], ids[1], ids[2]);
        let unit = app.signed_in("longtian").await;
        let office = app.signed_in("admin").await;
        let reader = app.signed_in("leader").await;
        let own = app.url(&format!("/reports/2025-06/units/{town}"));
        let theirs = app.url(&format!("/reports/2025-06/units/{other}"));

        // The unit lands on its own form and cannot open another unit's, by page or API.
        let r = unit
            .get(app.url("/reports?period=2025-06"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"],
            format!("/reports/2025-06/units/{town}").as_str()
        );
        assert_eq!(fetch(&unit, theirs.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, body) = {
            let r = unit
                .get(app.url(&format!("/api/reports?period=2025-06&unit={other}")))
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        };
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let list: Value = unit
            .get(app.url("/api/reports?period=2025-06"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
        let (status, body) = send_json(
            &unit,
            app.url("/api/reports"),
            json!({"period": "2025-06", "submit": true,
                   "reports": [{"project_id": b1, "completed_wan": "5"}]}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body["message_zh"]
                .as_str()
                .unwrap()
                .contains("江阴港区码头")
        );
        let (status, _) = send_form(
            &unit,
            theirs.clone(),
            &pairs(&[
                (&format!("c_{b1}"), "5".into()),
                ("action", "submit".into()),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A bad amount names the project and keeps what was typed; nothing is written.
        let (status, html) = send_form(
            &unit,
            own.clone(),
            &pairs(&[
                (&format!("c_{a1}"), "120".into()),
                (&format!("y_{a2}"), "12万".into()),
                ("action", "submit".into()),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("龙田污水厂") && html.contains("不是有效的金额数字"),
            "{html}"
        );
        assert!(html.contains("value=\"120\""));
        assert!(app.store.project_reports(a1).await.unwrap().is_empty());

        // The unit submits one report through the form.
        let (status, _) = send_form(
            &unit,
            own.clone(),
            &pairs(&[
                (&format!("c_{a1}"), "120".into()),
                (&format!("p_{a1}"), "主体封顶".into()),
                ("action", "submit".into()),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = fetch(&unit, format!("{own}?done=submit")).await;
        assert!(html.contains("已提交") && html.contains("待审核"), "{html}");
        // The submission names what it left unreported.
        assert!(html.contains("仍未报送：龙田污水厂"), "{html}");

        // The lead office reviews read-only, with a reason per row; it corrects only when it
        // opens the form for that.
        let (_, html) = fetch(&office, own.clone()).await;
        assert!(
            html.contains("name=\"reason_") && !html.contains(&format!("name=\"c_{a1}\"")),
            "{html}"
        );
        assert!(html.contains("录入或更正本单位报表") && html.contains("主体封顶"));
        let (_, html) = fetch(&office, format!("{own}?edit=1")).await;
        assert!(html.contains(&format!("name=\"c_{a1}\"")), "{html}");

        // A reader sees the form without inputs and cannot file.
        let (status, html) = fetch(&reader, own.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("主体封顶") && !html.contains(&format!("name=\"c_{a1}\"")));
        let (status, _) = send_form(
            &reader,
            own.clone(),
            &pairs(&[(&format!("c_{a2}"), "5".into()), ("action", "save".into())]),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The lead office returns it (a reason is required), the unit sees why.
        let report = app.store.project_reports(a1).await.unwrap()[0]
            .report
            .clone();
        let review = |action: &str, reason: &str, version: i64| {
            pairs(&[
                ("pick", report.id.to_string()),
                (&format!("rv_{}", report.id), version.to_string()),
                ("action", action.into()),
                ("reason", reason.into()),
            ])
        };
        let review_url = format!("{own}/review");
        let (status, html) = send_form(
            &office,
            review_url.clone(),
            &review("return", " ", report.version),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("退回须填写原因"));
        assert!(
            html.contains(&format!("value=\"{}\" form=\"review\" checked", report.id)),
            "the tick survives the error: {html}"
        );
        let (status, _) = send_form(
            &unit,
            review_url.clone(),
            &review("approve", "", report.version),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "units do not review");
        let (status, _) = send_form(
            &office,
            review_url.clone(),
            &review("return", "请补充设备款凭证", report.version),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = fetch(&unit, own.clone()).await;
        assert!(html.contains("已退回") && html.contains("请补充设备款凭证"));

        // Resubmitted through the API with the version read; a stale version is a conflict.
        let stale = report.version;
        let returned = app.store.project_reports(a1).await.unwrap()[0]
            .report
            .clone();
        let (status, body) = send_json(
            &unit,
            app.url("/api/reports"),
            json!({"period": "2025-06", "submit": true,
                   "reports": [{"project_id": a1, "ytd_wan": "130", "version": stale}]}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = send_json(
            &unit,
            app.url("/api/reports"),
            json!({"period": "2025-06", "submit": true,
                   "reports": [{"project_id": a1, "ytd_wan": "130", "version": returned.version}]}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body[0]["state"], "submitted");
        assert_eq!(body[0]["completed_wan"], 130.0);
        let (_, html) = fetch(&unit, own.clone()).await;
        assert!(
            !html.contains("请补充设备款凭证"),
            "a resubmitted report no longer shows why it was returned"
        );
        let (status, body) = send_json(
            &office,
            app.url("/api/reports/review"),
            json!({"approve": true, "reports": [{"id": body[0]["report_id"], "version": body[0]["version"]}]}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Locked: a correction needs a reason, and the old value stays visible.
        let locked = app.store.project_reports(a1).await.unwrap()[0]
            .report
            .clone();
        let correction = |reason: Option<&str>| {
            json!({"period": "2025-06", "submit": true,
                   "reports": [{"project_id": a1, "ytd_wan": "128.5", "version": locked.version,
                                "reason": reason}]})
        };
        let (status, body) = send_json(&unit, app.url("/api/reports"), correction(None)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message_zh"]
                .as_str()
                .unwrap()
                .contains("更正须填写原因")
        );
        let (status, body) = send_json(
            &unit,
            app.url("/api/reports"),
            correction(Some("统计口径调整")),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A unit's correction is a request: the approved figures stay until the office decides.
        assert_eq!(
            (
                &body[0]["revision"],
                &body[0]["requested"],
                &body[0]["ytd_wan"]
            ),
            (&json!(1), &json!(true), &json!(130.0))
        );
        let (status, list) = fetch(&unit, app.url("/api/reports/corrections")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let list: Value = serde_json::from_str(&list).unwrap();
        assert_eq!(list[0]["new_ytd_wan"], 128.5);
        let (_, period) = fetch(&office, app.url("/api/reports?period=2025-06")).await;
        let period: Value = serde_json::from_str(&period).unwrap();
        let row = period
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["project_id"] == a1)
            .unwrap();
        assert_eq!(row["correction_pending"], list[0]["id"], "{row}");
        assert_eq!(row["report"]["prior_corrected"], false);
        let decide = |approve: bool, version: &Value| json!({"approve": approve, "version": version, "reason": "请附依据"});
        let url = app.url(&format!(
            "/api/reports/corrections/{}/decision",
            list[0]["id"]
        ));
        let (status, _) = send_json(&unit, url.clone(), decide(true, &list[0]["version"])).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nor through the page, nor as a reader: the request stays pending.
        let page = app.url(&format!("/reports/corrections/{}", list[0]["id"]));
        let form = pairs(&[
            ("version", list[0]["version"].to_string()),
            ("action", "approve".to_string()),
        ]);
        let (status, _) = send_form(&unit, page.clone(), &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = send_form(&reader, page, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = send_json(&reader, url.clone(), decide(true, &list[0]["version"])).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.store
                .pending_corrections(None, None)
                .await
                .unwrap()
                .len(),
            1
        );
        let (_, form) = fetch(&office, app.url(&format!("/reports/2025-06/units/{town}"))).await;
        assert!(
            form.contains("更正申请待审核") && form.contains("统计口径调整"),
            "{form}"
        );
        let (status, body) =
            send_json(&office, url.clone(), decide(true, &list[0]["version"])).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = send_json(&office, url, decide(true, &list[0]["version"])).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let corrected = app.store.project_reports(a1).await.unwrap()[0]
            .report
            .clone();
        assert_eq!(corrected.revision, 2);
        let (_, page) = fetch(&office, app.url(&format!("/projects/{a1}"))).await;
        assert!(
            page.contains("更正前")
                && page.contains("统计口径调整")
                && page.contains("<del>130.00</del>"),
            "{page}"
        );
        // Another unit's project page does not show its reports to a responsible unit.
        let (_, page) = fetch(&unit, app.url(&format!("/projects/{b1}"))).await;
        assert!(!page.contains("id=\"reports\""));

        // The lead office's overview counts the unit's reports.
        let (_, html) = fetch(&office, app.url("/reports?period=2025-06")).await;
        assert!(html.contains("龙田镇") && html.contains("江阴镇"), "{html}");
    }
}

/// Rankings: the live table, publishing freezes it, a later correction shows beside it and is
/// published as a revision with a reason; the .xlsx as offices print it; the overview with its
/// charts; a unit's score taken apart.
#[tokio::test]
async fn rankings_publish_freeze_and_revise() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        app.store
            .seed_campaign(&domain::demo::campaign(80, 3), "secret-pw")
            .await
            .unwrap();
        app.store
            .seed_demo_reports(domain::progress::Period {
                year: 2025,
                month: 6,
                part: None,
            })
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
    }
}

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
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
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
    }
}

/// A multipart body with one file field, as a browser sends it.
fn multipart(field: &str, file: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gongjian-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Photos of a report: only images (by their bytes), only the unit's own projects, only onto a
/// filed report; served to those who may read the report.
#[tokio::test]
async fn report_photos_are_checked_and_scoped() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
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
    let unit = app.signed_in("longtian").await;
    let reader = app.signed_in("leader").await;
    let upload = |client: &reqwest::Client, project: i64, file: &str, bytes: &[u8]| {
        let (content_type, body) = multipart("photo", file, bytes);
        client
            .post(app.url(&format!("/reports/2025-06/projects/{project}/photos")))
            .header("content-type", content_type)
            .body(body)
    };
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    // No report yet: file it first.
    let r = upload(&unit, ids[0], "site.png", png).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请先填报"));
    let (status, _) = send_json(
        &unit,
        app.url("/api/reports"),
        json!({"period": "2025-06", "submit": true, "reports": [{"project_id": ids[0], "completed_wan": "10"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Not an image; too large; another unit's project.
    let r = upload(&unit, ids[0], "x.svg", b"<svg onload=alert(1)>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不是 JPEG、PNG 或 WebP"));
    let mut big = png.to_vec();
    big.resize(web::reports::MAX_PHOTO_BYTES + 1, 0);
    let r = upload(&unit, ids[0], "big.png", &big).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("5 MB"));
    let r = upload(&unit, ids[1], "site.png", png).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = upload(&reader, ids[0], "site.png", png)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "readers do not upload");

    // A good one lands, shows on the project page and is served as what its bytes say.
    let r = upload(&unit, ids[0], "工地.png", png).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let photo = app.store.project_photos(ids[0]).await.unwrap();
    assert_eq!(photo.len(), 1);
    assert_eq!(photo[0].content_type, "image/png");
    let r = reader
        .get(app.url(&format!("/photos/{}", photo[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), png);
    let (_, page) = fetch(&reader, app.url(&format!("/projects/{}", ids[0]))).await;
    assert!(page.contains(&format!("/photos/{}", photo[0].id)) && page.contains("上传照片"));
    // A unit reads only its own projects' photos.
    let (_, _) = send_json(
        &app.signed_in("admin").await,
        app.url("/api/reports"),
        json!({"period": "2025-06", "submit": true, "reports": [{"project_id": ids[1], "completed_wan": "1"}]}),
    )
    .await;
    let admin = app.signed_in("admin").await;
    let r = upload(&admin, ids[1], "dock.png", png)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let theirs = app.store.project_photos(ids[1]).await.unwrap();
    let r = unit
        .get(app.url(&format!("/photos/{}", theirs[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// Problems through the pages and the API: a unit raises problems on its own projects only and
/// sees its own projects' problems, those assigned to it and no others (a guessed id is not
/// found, by page or API); the assigned department accepts and resolves; only the raiser or the
/// lead office closes off; a stale version is a conflict.
#[tokio::test]
async fn problems_are_raised_handled_and_scoped() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let other = app
            .store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        let land = app
            .store
            .create_unit("市自然资源局", UnitKind::Department, None)
            .await
            .unwrap();
        app.store
            .create_user(NewUser {
                username: "ziran",
                display_name: "自然资源局",
                password: "secret-pw",
                role: Role::Support,
                unit_id: land,
            })
            .await
            .unwrap();
        let mut ids = Vec::new();
        for (name, unit) in [("龙田物流园", town), ("江阴港区码头", other)] {
            let fields = domain::ProjectFields {
                name: name.into(),
                unit_id: Some(unit),
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
        let unit = app.signed_in("longtian").await;
        let dept = app.signed_in("ziran").await;
        let office = app.signed_in("admin").await;
        let reader = app.signed_in("leader").await;

        // The unit raises one on its own project through the form, assigned to the department.
        let form = pairs(&[
            ("title", "用地指标未落实".into()),
            ("description", "需调剂新增建设用地指标".into()),
            ("category", "land".into()),
            ("unit_id", land.to_string()),
            ("co_units", "江阴镇".into()),
            ("deadline", "5".into()),
            ("level", "1".into()),
        ]);
        let r = unit
            .post(app.url(&format!("/projects/{own}/problems/new")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let mine: i64 = location.trim_start_matches("/problems/").parse().unwrap();
        // Not on another unit's project, by page or API; a blank deadline names the field.
        let (status, _) = send_form(
            &unit,
            app.url(&format!("/projects/{theirs}/problems/new")),
            &form,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let raise = |project: i64| json!({"project_id": project, "title": "岸线审批未办结", "category": "approval", "deadline": "2099-01-01"});
        let (status, _) = send_json(&unit, app.url("/api/problems"), raise(theirs)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let mut blank = form.clone();
        blank.retain(|(k, _)| k != "deadline");
        blank.push(("deadline".into(), " ".into()));
        let (status, page) = send_form(
            &unit,
            app.url(&format!("/projects/{own}/problems/new")),
            &blank,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("请填写办理时限"), "{page}");
        let mut stranger = form.clone();
        stranger.retain(|(k, _)| k != "co_units");
        stranger.push(("co_units".into(), "江阴镇、城关镇".into()));
        let (status, page) = send_form(
            &unit,
            app.url(&format!("/projects/{own}/problems/new")),
            &stranger,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("协办单位“城关镇”不存在"), "{page}");
        let r = unit
            .get(app.url(&format!("/api/problems/{mine}")))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["co_units"], json!([other]), "{body}");

        // The lead office raises one on the other town's project.
        let (status, body) = send_json(&office, app.url("/api/problems"), json!({"project_id": theirs, "title": "岸线审批未办结", "category": "approval", "deadline": "10"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let hidden = body["id"].as_i64().unwrap();
        assert_eq!(body["unit"], "江阴镇");

        // The unit sees its own, and the other is not found however it asks.
        for client in [&unit, &dept] {
            let list: Value = client
                .get(app.url("/api/problems"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let seen: Vec<i64> = list
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect();
            assert_eq!(seen, vec![mine]);
            assert_eq!(
                fetch(client, app.url(&format!("/problems/{hidden}")))
                    .await
                    .0,
                StatusCode::NOT_FOUND
            );
            let r = client
                .get(app.url(&format!("/api/problems/{hidden}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            let (status, _) = send_json(
                client,
                app.url(&format!("/api/problems/{hidden}/steps")),
                json!({"action": "accept", "version": 1}),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (status, _) = send_form(
                client,
                app.url(&format!("/problems/{hidden}")),
                &pairs(&[("action", "accept".into()), ("version", "1".into())]),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (_, page) = fetch(client, app.url("/problems")).await;
            assert!(page.contains("用地指标未落实") && !page.contains("岸线审批未办结"));
        }
        let all: Value = reader
            .get(app.url("/api/problems"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(all.as_array().unwrap().len(), 2, "leaders read all");
        // A reader may not handle it.
        let (status, body) = send_json(
            &reader,
            app.url(&format!("/api/problems/{hidden}/steps")),
            json!({"action": "accept", "version": 1}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message_zh"]
                .as_str()
                .unwrap()
                .contains("只有责任单位或总牵头单位")
        );

        // Raised, it waits on the department it is assigned to.
        let (status, todo) = fetch(&dept, app.url("/todo")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            todo.contains("用地指标未落实") && todo.contains("受理"),
            "{todo}"
        );
        // The department accepts and resolves; a stale version is a conflict.
        let step = |action: &str, version: i64| json!({"action": action, "version": version, "note": "已调剂指标"});
        let (status, body) = send_json(
            &dept,
            app.url(&format!("/api/problems/{mine}/steps")),
            step("accept", 1),
        )
        .await;
        assert_eq!(
            (status, body["status"].as_str()),
            (StatusCode::OK, Some("in_progress")),
            "{body}"
        );
        let (status, body) = send_json(
            &dept,
            app.url(&format!("/api/problems/{mine}/steps")),
            step("resolve", 1),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = send_json(
            &dept,
            app.url(&format!("/api/problems/{mine}/steps")),
            step("resolve", 2),
        )
        .await;
        assert_eq!(
            (status, body["resolution"].as_str()),
            (StatusCode::OK, Some("已调剂指标"))
        );
        // The department cannot close its own work off; the unit that raised it does, by the page.
        let (status, body) = send_json(
            &dept,
            app.url(&format!("/api/problems/{mine}/steps")),
            step("confirm", 3),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (_, page) = fetch(&unit, app.url(&format!("/problems/{mine}"))).await;
        assert!(
            page.contains("value=\"confirm\"") && page.contains("value=\"return\""),
            "{page}"
        );
        // The step log names who took each step.
        assert!(page.contains("longtian · 龙田镇"), "{page}");
        // It waits on the unit that raised it now (销号), not on the department.
        let (_, todo) = fetch(&unit, app.url("/todo")).await;
        assert!(
            todo.contains("用地指标未落实") && todo.contains("销号"),
            "{todo}"
        );
        let (_, todo) = fetch(&dept, app.url("/todo")).await;
        assert!(!todo.contains("用地指标未落实"), "{todo}");
        let r = unit
            .post(app.url(&format!("/problems/{mine}")))
            .form(&pairs(&[
                ("action", "confirm".into()),
                ("version", "3".into()),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, body) = {
            let r = unit
                .get(app.url(&format!("/api/problems/{mine}")))
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        };
        assert_eq!(body["status"], "closed");
        // A stale form shows the page again with the conflict.
        let (status, page) = send_form(
            &unit,
            app.url(&format!("/problems/{mine}")),
            &pairs(&[
                ("action", "reopen".into()),
                ("version", "3".into()),
                ("reason", "又出现".into()),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("修改冲突"), "{page}");

        // A problem the lead office assigns to the unit's own project: the unit handles it but
        // cannot close its own work off.
        let (_, body) = send_json(
            &office,
            app.url("/api/problems"),
            json!({"project_id": own, "title": "施工许可证未办理", "deadline": "3"}),
        )
        .await;
        let assigned = body["id"].as_i64().unwrap();
        for (action, version) in [("accept", 1), ("resolve", 2)] {
            let (status, body) = send_json(
                &unit,
                app.url(&format!("/api/problems/{assigned}/steps")),
                json!({"action": action, "version": version}),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{action} {body}");
        }
        let (status, _) = send_json(
            &unit,
            app.url(&format!("/api/problems/{assigned}/steps")),
            json!({"action": "confirm", "version": 3}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = send_json(
            &office,
            app.url(&format!("/api/problems/{assigned}/steps")),
            json!({"action": "confirm", "version": 3}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // A department raising on another unit's project keeps sight of what it raised.
        let (status, body) = send_json(&dept, app.url("/api/problems"), json!({"project_id": theirs, "title": "用地预审未批复", "category": "land", "deadline": "5"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let raised = body["id"].as_i64().unwrap();
        let r = dept
            .get(app.url(&format!("/api/problems/{raised}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // A unit that does not exist is refused, not a server error.
        let (status, body) = send_json(
            &office,
            app.url("/api/problems"),
            json!({"project_id": own, "title": "资金未到位", "unit_id": 999_999, "deadline": "5"}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        // On the agenda a unit sees its own problems only; the lead office sees all.
        let stuck = store::NewProblem {
            project_id: theirs,
            title: "岸线使用审批卡壳".into(),
            description: None,
            category: domain::problem::Category::Approval,
            unit_id: None,
            co_units: Vec::new(),
            raised_on: chrono::NaiveDate::from_ymd_opt(2025, 9, 26).unwrap(),
            deadline: domain::problem::Deadline::On(
                chrono::NaiveDate::from_ymd_opt(2025, 9, 30).unwrap(),
            ),
            level: domain::problem::Level::Unit,
        };
        app.store.raise_problem(&stuck, None, "test").await.unwrap();
        let (_, page) = fetch(&office, app.url("/agenda?as_of=2025-10-15")).await;
        assert!(page.contains("岸线使用审批卡壳"));
        let (_, page) = fetch(&unit, app.url("/agenda?as_of=2025-10-15")).await;
        assert!(!page.contains("岸线使用审批卡壳"));
        // The meeting pack likewise.
        for (client, shows) in [(&office, true), (&unit, false)] {
            let r = client
                .get(app.url("/agenda/pack.docx?as_of=2025-10-15"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .contains("wordprocessingml")
            );
            let bytes = r.bytes().await.unwrap();
            let xml = {
                use std::io::Read;
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
                let mut xml = String::new();
                zip.by_name("word/document.xml")
                    .unwrap()
                    .read_to_string(&mut xml)
                    .unwrap();
                xml
            };
            assert_eq!(xml.contains("岸线使用审批卡壳"), shows);
        }

        // Progress notes: with who and when on the problem's page; none on a hidden problem.
        let r = unit
            .post(app.url(&format!("/problems/{mine}/notes")))
            .form(&pairs(&[("text", "已召开现场协调会".into())]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = fetch(&office, app.url(&format!("/problems/{mine}"))).await;
        assert!(page.contains("已召开现场协调会") && page.contains("进展"));
        let (status, _) = send_json(
            &unit,
            app.url(&format!("/api/problems/{hidden}/notes")),
            json!({"text": "看看"}),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = send_json(
            &unit,
            app.url(&format!("/api/problems/{mine}/notes")),
            json!({"text": " "}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // The project page lists its problems; the agenda page and the API document are there.
        let (_, page) = fetch(&unit, app.url(&format!("/projects/{own}"))).await;
        assert!(page.contains("用地指标未落实") && page.contains("提出问题"));
        let (status, page) = fetch(&office, app.url("/agenda?as_of=2025-10-15")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("2025-10-20"), "{page}");
        let (_, doc) = fetch(&office, app.url("/api/openapi.json")).await;
        assert!(doc.contains("/api/problems/{id}/steps"));

        // Minutes: the lead office starts from the agenda; every decision needs an owner and a
        // deadline; a unit reads only the decisions it owns; decisions are closed off once.
        assert_eq!(
            fetch(&unit, app.url("/meetings/new")).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, page) = fetch(&office, app.url("/meetings/new?as_of=2025-10-15")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("江阴港区码头：岸线使用审批卡壳"), "{page}");
        // The minutes start empty, the agenda beside them as a pick list.
        assert!(
            page.contains("data-pick") && !page.contains("岸线使用审批卡壳</textarea>"),
            "{page}"
        );
        let mut minutes = pairs(&[
            ("held_on", "2025-10-20".into()),
            ("title", "第42次周例会".into()),
            ("minutes", "研究岸线审批".into()),
            ("text_0", "江阴港区码头：岸线使用审批卡壳".into()),
            ("unit_0", other.to_string()),
            ("deadline_0", String::new()),
            ("problem_0", String::new()),
            ("project_0", theirs.to_string()),
            ("text_1", String::new()),
            ("unit_1", String::new()),
            ("deadline_1", String::new()),
        ]);
        let (status, page) = send_form(&office, app.url("/meetings/new"), &minutes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("没有完成时限"), "{page}");
        minutes[5].1 = "2025-10-31".into();
        let r = office
            .post(app.url("/meetings/new"))
            .form(&minutes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = fetch(&office, app.url("/meetings")).await;
        assert!(
            page.contains("第42次周例会") && page.contains("落实销号"),
            "{page}"
        );
        let (_, page) = fetch(&unit, app.url("/meetings")).await;
        assert!(
            !page.contains("岸线使用审批卡壳"),
            "another unit's decision"
        );
        let decision = app.store.open_decisions().await.unwrap().remove(0);
        // 落实情况: only the owner unit (江阴镇 here) or the office reports it.
        let progress = app.url(&format!("/decisions/{}/progress", decision.id));
        let report = pairs(&[
            ("version", decision.version.to_string()),
            ("progress", "已报省厅".into()),
        ]);
        assert_eq!(
            send_form(&unit, progress.clone(), &report).await.0,
            StatusCode::FORBIDDEN
        );
        let r = office.post(progress).form(&report).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = fetch(&office, app.url("/meetings")).await;
        assert!(
            page.contains("已报送落实情况") && page.contains("已报省厅"),
            "{page}"
        );
        let decision = app.store.open_decisions().await.unwrap().remove(0);
        assert_eq!(decision.progress.as_deref(), Some("已报省厅"));
        let close = pairs(&[
            ("version", decision.version.to_string()),
            ("note", "已批复".into()),
        ]);
        let url = app.url(&format!("/decisions/{}/close", decision.id));
        assert_eq!(
            send_form(&unit, url.clone(), &close).await.0,
            StatusCode::FORBIDDEN
        );
        let r = office.post(url.clone()).form(&close).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (status, page) = send_form(&office, url, &close).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("修改冲突"));
        let (_, page) = fetch(&office, app.url("/meetings")).await;
        assert!(page.contains("已落实：已批复"), "{page}");
    }
}

/// The 5专 dossier, 包联领导/首席服务官 assigned in bulk, a 专题研究 recorded on a project, and
/// 一月一提升: who may do each, through the pages.
#[tokio::test]
async fn dossier_assignment_and_service_push() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
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
    }
}

/// 升级提醒: a problem that rose by escalation shows on the to-do page of the new level's owners
/// (牵头部门: the project's 牵头单位, which may then open it; 周例会: the lead office) and of the
/// unit whose problem it is, with the day it rose; not on anyone else's.
#[tokio::test]
async fn escalations_reach_the_new_levels_owners() {
    use domain::problem::{Category, Deadline, Level};
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let housing = app
            .store
            .create_unit("市住建局", UnitKind::Department, None)
            .await
            .unwrap();
        let other = app
            .store
            .create_unit("市水利局", UnitKind::Department, None)
            .await
            .unwrap();
        for (username, unit) in [("zhujian", housing), ("shuili", other)] {
            app.store
                .create_user(NewUser {
                    username,
                    display_name: username,
                    password: "secret-pw",
                    role: Role::TaskLead,
                    unit_id: unit,
                })
                .await
                .unwrap();
        }
        let fields = domain::ProjectFields {
            name: "龙田物流园".into(),
            unit_id: Some(town),
            lead_department_id: Some(housing),
            ..domain::ProjectFields::default()
        };
        let project = app
            .store
            .create_project(&fields, None, "test")
            .await
            .unwrap()
            .id;
        let raise = |title: &str, deadline: chrono::NaiveDate| store::NewProblem {
            project_id: project,
            title: title.into(),
            description: None,
            category: Category::Utilities,
            unit_id: None,
            co_units: Vec::new(),
            raised_on: chrono::NaiveDate::from_ymd_opt(2025, 9, 25).unwrap(),
            deadline: Deadline::On(deadline),
            level: Level::Unit,
        };
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        // The app's day is 2025-10-15. Due 30 September: 6 working days overdue (1–8 October
        // are off), at the weekly meeting since 15 October. Due 10 October: 4 days (Saturday
        // 11 October is worked), at the 牵头部门 since 11 October.
        let meeting = app
            .store
            .raise_problem(&raise("施工用电未接入", day(9, 30)), None, "test")
            .await
            .unwrap();
        let lead = app
            .store
            .raise_problem(&raise("规划许可未办结", day(10, 10)), None, "test")
            .await
            .unwrap();
        let todo = |client: reqwest::Client| {
            let url = app.url("/todo");
            async move {
                let (status, page) = fetch(&client, url).await;
                assert_eq!(status, StatusCode::OK);
                page.split("id=\"escalations\"")
                    .nth(1)
                    .and_then(|rest| rest.split("</section>").next())
                    .unwrap_or_default()
                    .to_string()
            }
        };
        let office = todo(app.signed_in("admin").await).await;
        assert!(
            office.contains("施工用电未接入") && office.contains("2025-10-15"),
            "{dialect:?} {office}"
        );
        assert!(
            office.contains("周例会") && !office.contains("规划许可未办结"),
            "{office}"
        );
        let department = todo(app.signed_in("zhujian").await).await;
        assert!(
            department.contains("规划许可未办结") && department.contains("2025-10-11"),
            "{department}"
        );
        assert!(!department.contains("施工用电未接入"), "{department}");
        let unit = todo(app.signed_in("longtian").await).await;
        assert!(
            unit.contains("施工用电未接入") && unit.contains("规划许可未办结"),
            "{unit}"
        );
        assert!(todo(app.signed_in("shuili").await).await.is_empty());
        assert!(todo(app.signed_in("leader").await).await.is_empty());
        // The 牵头单位 opens the problem on its project; another department does not.
        let zhujian = app.signed_in("zhujian").await;
        let shuili = app.signed_in("shuili").await;
        for id in [lead, meeting] {
            let url = app.url(&format!("/problems/{id}"));
            assert_eq!(fetch(&zhujian, url.clone()).await.0, StatusCode::OK);
            assert_eq!(fetch(&shuili, url).await.0, StatusCode::NOT_FOUND);
        }

        // Attachments: checked by their bytes, read by whoever reads the problem.
        let upload = |client: reqwest::Client, file: &str, bytes: &[u8]| {
            let (content_type, body) = multipart("file", file, bytes);
            let url = app.url(&format!("/problems/{meeting}/attachments"));
            async move {
                let r = client
                    .post(url)
                    .header("content-type", content_type)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        let unit = app.signed_in("longtian").await;
        let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";
        let (status, _) = upload(unit.clone(), "供电方案批复.pdf", pdf).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{dialect:?}");
        let (status, page) = upload(unit.clone(), "方案.docx", b"not really a docx").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("不是图片、PDF、Word 或 Excel 文件"), "{page}");
        let (status, _) = upload(app.signed_in("leader").await, "批复.pdf", pdf).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = upload(shuili.clone(), "批复.pdf", pdf).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let files = app.store.problem_attachments(meeting).await.unwrap();
        assert_eq!(files.len(), 1);
        let (_, page) = fetch(&zhujian, app.url(&format!("/problems/{meeting}"))).await;
        assert!(page.contains("供电方案批复.pdf"), "{page}");
        let url = app.url(&format!("/attachments/{}", files[0].id));
        let r = zhujian.get(url.clone()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.starts_with("inline; filename*=UTF-8''%E4%BE%9B"),
            "{disposition}"
        );
        assert_eq!(r.bytes().await.unwrap().as_ref(), pdf);
        assert_eq!(fetch(&shuili, url).await.0, StatusCode::NOT_FOUND);

        // Its uploader may remove a file (so may the lead office), nobody else, and nobody
        // once the problem is closed off; the removal is a step of the problem.
        let problem_url = app.url(&format!("/problems/{meeting}"));
        let remove = |id: i64| app.url(&format!("/attachments/{id}/remove"));
        let button = format!("/attachments/{}/remove", files[0].id);
        assert!(fetch(&unit, problem_url.clone()).await.1.contains(&button));
        assert!(
            !fetch(&zhujian, problem_url.clone())
                .await
                .1
                .contains(&button)
        );
        assert_eq!(
            send_form(&zhujian, remove(files[0].id), &[]).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send_form(&shuili, remove(files[0].id), &[]).await.0,
            StatusCode::NOT_FOUND
        );
        let (status, _) = upload(unit.clone(), "现场照片.pdf", pdf).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let files = app.store.problem_attachments(meeting).await.unwrap();
        assert_eq!(files.len(), 2);
        let r = unit.post(remove(files[1].id)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"],
            format!("/problems/{meeting}#attachments").as_str()
        );
        assert_eq!(
            app.store.problem_attachments(meeting).await.unwrap().len(),
            1
        );
        let events = app.store.problem_events(meeting).await.unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.note.as_deref() == Some("删除附件：现场照片.pdf")),
            "{events:?}"
        );
        // 办理 → 已解决 → 已销号, by the lead office (the command line's standing).
        loop {
            use domain::problem::{Action, Status};
            let p = app.store.problem(meeting).await.unwrap().unwrap();
            let action = match p.status {
                Status::Open => Action::Accept,
                Status::InProgress => Action::Resolve,
                Status::Resolved => Action::Confirm,
                Status::Closed => break,
            };
            app.store
                .act_on_problem(
                    meeting,
                    p.version,
                    &action,
                    store::ProblemActor::SYSTEM,
                    chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap(),
                    store::StepExtra {
                        note: Some("已接入施工用电"),
                        new_deadline: None,
                    },
                )
                .await
                .unwrap();
        }
        let (status, page) = upload(unit.clone(), "补充材料.pdf", pdf).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("问题已销号"), "{page}");
        let (status, page) = send_form(&unit, remove(files[0].id), &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("问题已销号"), "{page}");
        assert!(!page.contains(&button), "{page}");
        assert_eq!(
            app.store.problem_attachments(meeting).await.unwrap().len(),
            1
        );
    }
}

/// A multipart body with one plain text field, as a browser sends a textarea.
fn multipart_text(field: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "gongjian-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// The 2027 notice as an office pastes it (its make-up days an assumption of the test).
const NOTICE_2027: &str = "国务院办公厅关于2027年部分节假日安排的通知
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
　　四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
　　五、端午节：6月9日（周三）放假1天，不调休。
　　六、中秋节：9月15日（周三）放假1天，不调休。
　　七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。";

/// The working-day calendar page: a provisional 2027 shown and marked; the notice pasted,
/// previewed (nothing stored), confirmed; a problem's deadline in working days dated again;
/// only the administrator and the lead office may import; a bad text is refused whole.
#[tokio::test]
async fn the_calendar_takes_the_notice_through_the_page() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let project = app
            .store
            .create_project(
                &domain::ProjectFields {
                    name: "龙田物流园".into(),
                    unit_id: Some(town),
                    ..domain::ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap()
            .id;
        // Raised on Wednesday 3 February 2027 with three working days: on the provisional
        // calendar 4, 11 and 12 February.
        let problem = app
            .store
            .raise_problem(
                &store::NewProblem {
                    project_id: project,
                    title: "施工用电未接入".into(),
                    description: None,
                    category: domain::problem::Category::Other,
                    unit_id: None,
                    co_units: Vec::new(),
                    raised_on: chrono::NaiveDate::from_ymd_opt(2027, 2, 3).unwrap(),
                    deadline: domain::problem::Deadline::Workdays(3),
                    level: domain::problem::Level::Unit,
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let deadline = |p: store::Problem| p.deadline.to_string();
        assert_eq!(
            deadline(app.store.problem(problem).await.unwrap().unwrap()),
            "2027-02-12"
        );

        app.login("admin").await;
        let (status, page) = app.get_text("/calendar?year=2027").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("暂定") && page.contains("/calendar/preview"),
            "{page}"
        );
        // The provisional 2027: 248 working days, 补假 on 9 February.
        assert!(page.contains("工作日 248"), "{page}");
        assert!(page.contains("春节（补假）"));

        // Responsible units and leaders read, but may not import.
        for who in ["longtian", "leader"] {
            let client = app.signed_in(who).await;
            let (status, page) = fetch(&client, app.url("/calendar")).await;
            assert_eq!(status, StatusCode::OK, "{who}");
            assert!(!page.contains("/calendar/preview"), "{who}");
            let (ct, body) = multipart_text("text", NOTICE_2027);
            let r = client
                .post(app.url("/calendar/preview"))
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
            let r = client
                .post(app.url("/calendar/import"))
                .form(&[("source", NOTICE_2027)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
        }
        assert!(app.store.calendar_imports().await.unwrap().is_empty());

        // A text that is not the notice, or a line that cannot be read: refused, kept in the
        // box, nothing stored.
        for (text, said) in [
            ("请各单位做好节日值班。", "节假日安排通知"),
            (
                "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周一）放假。",
                "第2行",
            ),
        ] {
            let (ct, body) = multipart_text("text", text);
            let r = app
                .client
                .post(app.url("/calendar/preview"))
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let page = r.text().await.unwrap();
            assert!(page.contains(said), "{said}: {page}");
            assert!(page.contains("做好节日值班") || page.contains("1月1日（周一）"));
        }
        let r = app
            .client
            .post(app.url("/calendar/import"))
            .form(&[("source", "一、元旦：1月1日放假。")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app.store.calendar_imports().await.unwrap().is_empty());

        // The notice previewed: the days it changes, nothing stored yet.
        let (ct, body) = multipart_text("text", NOTICE_2027);
        let r = app
            .client
            .post(app.url("/calendar/preview"))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("预览") && page.contains("/calendar/import"),
            "{page}"
        );
        assert!(
            page.contains("2027-02-20"),
            "the make-up Saturday is a change"
        );
        assert!(app.store.calendar_imports().await.unwrap().is_empty());
        assert!(
            app.store
                .work_calendar()
                .await
                .unwrap()
                .is_provisional(2027)
        );

        // Confirmed: stored, the page says what happened, the deadline follows.
        let r = app
            .client
            .post(app.url("/calendar/import"))
            .form(&[("source", NOTICE_2027)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/calendar?imported=2027"), "{to}");
        assert!(to.ends_with("&moved=1"), "{to}");
        let (_, page) = app.get_text(&to).await;
        assert!(page.contains("已导入2027年节假日安排"), "{page}");
        assert!(page.contains("正式"), "{page}");
        let calendar = app.store.work_calendar().await.unwrap();
        assert!(!calendar.is_provisional(2027));
        let kept = app.store.calendar_imports().await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].user.as_deref(), Some("admin"));
        assert_eq!(kept[0].format, "notice");
        assert!(kept[0].title.contains("2027年部分节假日安排"));
        assert_eq!(
            deadline(app.store.problem(problem).await.unwrap().unwrap()),
            "2027-02-15"
        );
        let events = app.store.problem_events(problem).await.unwrap();
        assert!(events.iter().any(|e| {
            e.note
                .as_deref()
                .unwrap_or("")
                .contains("2027-02-12 → 2027-02-15")
        }));

        // A holiday-cn file uploaded instead: read as JSON; a day outside its year refused.
        let (ct, body) = multipart(
            "file",
            "2027.json",
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}]}"#
                .as_bytes(),
        );
        let r = app
            .client
            .post(app.url("/calendar/preview"))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("2028-01-01"));
        let (ct, body) = multipart(
            "file",
            "2027.json",
            &std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../domain/data/holiday-cn/2026.json"
            ))
            .unwrap(),
        );
        let r = app
            .client
            .post(app.url("/calendar/preview"))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        assert!(page.contains("与现有日历相比没有变化"), "{page}");
    }
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

/// Who may change which project (issue 15 §1), every ledger write route as each role on its own
/// and on another unit's project, on both backends: a responsible unit changes only its own
/// projects, creates only for itself, plans approvals only on its own, and never changes the
/// figures it is judged on; read-only roles change nothing; the office changes everything.
#[tokio::test]
async fn ledger_writes_follow_who_may_change_what() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        let own_unit = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let other_unit = app
            .store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        let office_unit = app
            .store
            .unit_by_name("福清市发展和改革局")
            .await
            .unwrap()
            .unwrap()
            .id;
        for (username, role, unit_id) in [
            ("fgj", Role::LeadOffice, office_unit),
            ("support", Role::Support, office_unit),
            ("jiangyin", Role::Responsible, other_unit),
        ] {
            app.store
                .create_user(NewUser {
                    username,
                    display_name: username,
                    password: "secret-pw",
                    role,
                    unit_id,
                })
                .await
                .unwrap();
        }
        let make = |name: &str, unit: i64, plan: i64| domain::ProjectFields {
            name: name.into(),
            unit_id: Some(unit),
            stage: Some(domain::Stage::UnderConstruction),
            annual_plan: Some(domain::Money::from_wan(plan)),
            total_investment: Some(domain::Money::from_wan(26_900)),
            ..domain::ProjectFields::default()
        };
        let own = app
            .store
            .create_project(&make("龙田物流园", own_unit, 8_170), None, "test")
            .await
            .unwrap()
            .id;
        let other = app
            .store
            .create_project(&make("江阴港区码头", other_unit, 3_710), None, "test")
            .await
            .unwrap()
            .id;
        let version = |id: i64| {
            let store = app.store.clone();
            async move { store.project(id).await.unwrap().unwrap().version }
        };
        let plan_of = |id: i64| {
            let store = app.store.clone();
            async move {
                store
                    .project(id)
                    .await
                    .unwrap()
                    .unwrap()
                    .fields
                    .annual_plan
                    .map(|m| m.wan_string())
            }
        };
        let put = |client: reqwest::Client, id: i64, body: Value| {
            let url = app.url(&format!("/api/projects/{id}"));
            async move {
                let r = client.put(url).json(&body).send().await.unwrap();
                let status = r.status();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };

        let unit = app.signed_in("longtian").await;
        // Another unit's project: neither a plain field nor moving it to itself.
        for body in [
            json!({"remarks": "已进场"}),
            json!({"unit_id": own_unit.to_string()}),
        ] {
            let mut body = body;
            body["version"] = json!(version(other).await);
            let (status, answer) = put(unit.clone(), other, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{dialect:?} {answer}");
        }
        // A stale version does not turn the refusal into a conflict that shows the version.
        let (status, answer) = put(
            unit.clone(),
            other,
            json!({"version": version(other).await - 1, "remarks": "已进场"}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        let moved = app.store.project(other).await.unwrap().unwrap();
        assert_eq!(moved.fields.unit_id, Some(other_unit));
        // Its own project: plain fields yes, judged figures no (each named), nothing written.
        let (status, answer) = put(
            unit.clone(),
            own,
            json!({"version": version(own).await, "remarks": "已进场"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        for (key, value) in [
            ("annual_plan_wan", json!("5000")),
            ("total_investment_wan", json!("30000")),
            ("planned_start", json!("2025-03-01")),
            ("planned_completion", json!("2027-12-31")),
            ("stage", json!("completed")),
            ("unit_id", json!(other_unit.to_string())),
            ("plan_year", json!("2027")),
            (
                "plan_phases",
                json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8170]),
            ),
        ] {
            let mut body = json!({"version": version(own).await});
            body[key] = value;
            let (status, answer) = put(unit.clone(), own, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{key}: {answer}");
            assert_eq!(answer["fields"][0]["field"], key, "{answer}");
            assert!(answer["message_zh"].as_str().unwrap().contains("考核依据"));
        }
        assert_eq!(plan_of(own).await.as_deref(), Some("8170"));
        // The office sets the 分月计划 (numbers or text); one not adding up to the plan is
        // refused and names the field; the unit's own form still saves around it.
        let office = app.signed_in("fgj").await;
        let (status, answer) = put(
            office.clone(),
            own,
            json!({"version": version(own).await, "plan_phases": [1000, "2,000", 2170, 3000]}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(
            answer["plan_phases"],
            json!(["1000", "2000", "2170", "3000"])
        );
        let (status, answer) = put(
            office.clone(),
            own,
            json!({"version": version(own).await, "plan_phases": [1000, 2000, 2170, 2000]}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["fields"][0]["field"], "plan_phases", "{answer}");
        let (status, answer) = put(
            unit.clone(),
            own,
            json!({"version": version(own).await, "remarks": "按季推进"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, answer) = put(
            unit.clone(),
            own,
            json!({"version": version(own).await, "plan_phases": null}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        // Creating: for itself only.
        let r = unit
            .post(app.url("/api/projects"))
            .json(&json!({"name": "江阴新码头", "unit_id": other_unit.to_string()}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = unit
            .post(app.url("/api/projects"))
            .json(&json!({"name": "龙田新厂房", "unit_id": own_unit.to_string()}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        // Pages: another unit's editor and save are refused; its own plan is refused on the form.
        let (status, _) = fetch(&unit, app.url(&format!("/projects/{other}/edit"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, form) = fetch(&unit, app.url(&format!("/projects/{own}/edit"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("8170"));
        let fields = |id_version: i64, plan: &str| {
            vec![
                ("version".to_string(), id_version.to_string()),
                ("name".to_string(), "龙田物流园".to_string()),
                ("unit_id".to_string(), own_unit.to_string()),
                ("stage".to_string(), "under_construction".to_string()),
                ("total_investment_wan".to_string(), "26900".to_string()),
                ("annual_plan_wan".to_string(), plan.to_string()),
            ]
        };
        let r = unit
            .post(app.url(&format!("/projects/{own}/edit")))
            .form(&fields(version(own).await, "100"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("考核依据"));
        assert_eq!(plan_of(own).await.as_deref(), Some("8170"));
        let r = unit
            .post(app.url(&format!("/projects/{other}/edit")))
            .form(&fields(version(other).await, "3710"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Approval plans: only on its own projects.
        let plan_form = [("template", "government"), ("start", "2025-03-03")];
        let r = unit
            .post(app.url(&format!("/projects/{other}/approval")))
            .form(&plan_form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(app.store.approval_plan(other).await.unwrap().is_none());
        let r = unit
            .post(app.url(&format!("/projects/{own}/approval")))
            .form(&plan_form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // Read-only roles change nothing, their own unit's or not.
        for who in ["leader", "support"] {
            let client = app.signed_in(who).await;
            for id in [own, other] {
                let (status, _) = put(
                    client.clone(),
                    id,
                    json!({"version": version(id).await, "remarks": "x"}),
                )
                .await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
            }
        }
        // The office changes every project and every figure.
        for who in ["fgj", "admin"] {
            let client = app.signed_in(who).await;
            let (status, answer) = put(
                client,
                other,
                json!({"version": version(other).await, "annual_plan_wan": "3800"}),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{who}: {answer}");
        }
        assert_eq!(plan_of(other).await.as_deref(), Some("3800"));
    }
}

/// 计划调整: a unit asks with a reason to change its own project's judged figures; nothing
/// changes until the lead office approves; a return needs a reason; another unit, a reader or a
/// second decision is refused; the request, the decision and the change are in the history.
#[tokio::test]
async fn plan_adjustments_are_asked_and_decided() {
    for dialect in TestDb::backends() {
        let app = TestApp::spawn(dialect).await;
        let own_unit = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let other_unit = app
            .store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        app.store
            .create_user(NewUser {
                username: "jiangyin",
                display_name: "jiangyin",
                password: "secret-pw",
                role: Role::Responsible,
                unit_id: other_unit,
            })
            .await
            .unwrap();
        let project = app
            .store
            .create_project(
                &domain::ProjectFields {
                    name: "龙田物流园".into(),
                    unit_id: Some(own_unit),
                    annual_plan: Some(domain::Money::from_wan(8_170)),
                    total_investment: Some(domain::Money::from_wan(26_900)),
                    ..domain::ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap()
            .id;
        let plan = || {
            let store = app.store.clone();
            async move {
                store
                    .project(project)
                    .await
                    .unwrap()
                    .unwrap()
                    .fields
                    .annual_plan
                    .map(|m| m.wan_string())
            }
        };
        let unit = app.signed_in("longtian").await;
        let ask = |client: reqwest::Client, plan: &'static str, reason: &'static str| {
            let url = app.url(&format!("/projects/{project}/adjust"));
            async move {
                client
                    .post(url)
                    .form(&[("annual_plan_wan", plan), ("reason", reason)])
                    .send()
                    .await
                    .unwrap()
            }
        };
        let (status, page) = fetch(&unit, app.url(&format!("/projects/{project}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("/projects/{project}/adjust")));
        // Another unit and a reader may not ask; a request needs its reason and a real change;
        // a value the form refuses is refused (a plan above the total investment).
        let other = app.signed_in("jiangyin").await;
        assert_eq!(
            ask(other, "5000", "拆迁延期").await.status(),
            StatusCode::FORBIDDEN
        );
        let leader = app.signed_in("leader").await;
        assert_eq!(
            ask(leader, "5000", "拆迁延期").await.status(),
            StatusCode::FORBIDDEN
        );
        for (value, reason, said) in [
            ("5000", " ", "请填写调整理由"),
            ("8170", "拆迁延期", "没有需要调整的内容"),
            ("30000", "拆迁延期", "大于总投资"),
        ] {
            let r = ask(unit.clone(), value, reason).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{value}");
            assert!(r.text().await.unwrap().contains(said), "{said}");
        }
        let r = ask(unit.clone(), "5,000", "征迁延期，下半年才能进场").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let (_, page) = fetch(&unit, app.url(&to)).await;
        assert!(page.contains("已提交计划调整申请"), "{page}");
        // Pending: the figure stands; a second request waits.
        assert_eq!(plan().await.as_deref(), Some("8170"));
        let r = ask(unit.clone(), "4000", "再调").await;
        assert!(r.text().await.unwrap().contains("待审核"));
        let pending = app.store.plan_adjustments(None, true).await.unwrap();
        assert_eq!(pending.len(), 1);
        let request = &pending[0];

        // Only the office decides; a return needs a reason.
        let decide =
            |client: reqwest::Client, version: i64, decision: &'static str, note: &'static str| {
                let url = app.url(&format!("/adjustments/{}", request.id));
                async move {
                    client
                        .post(url)
                        .form(&[
                            ("version", version.to_string().as_str()),
                            ("decision", decision),
                            ("note", note),
                        ])
                        .send()
                        .await
                        .unwrap()
                }
            };
        assert_eq!(
            decide(unit.clone(), request.version, "approve", "")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        app.login("admin").await;
        let (_, todo) = app.get_text("/todo").await;
        assert!(todo.contains("/adjustments"), "{todo}");
        let r = decide(app.client.clone(), request.version, "return", "").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = decide(app.client.clone(), request.version, "approve", "同意").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(plan().await.as_deref(), Some("5000"));
        // Once only; a stale version is a conflict, not a second change.
        let r = decide(app.client.clone(), request.version + 1, "return", "重复").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("已处理"));
        let history = app.store.project_history(project).await.unwrap();
        let notes: Vec<&str> = history
            .iter()
            .filter(|h| h.field == "_adjustment")
            .map(|h| h.new_value.as_str())
            .collect();
        assert_eq!(notes.len(), 2);
        assert!(notes[0].starts_with("批准计划调整") && notes[1].starts_with("申请计划调整"));
        assert!(history.iter().any(|h| h.field == "annual_plan_wan"
            && h.source == "plan_adjustment"
            && h.old_value == "8170"
            && h.new_value == "5000"));
        let (_, page) = fetch(&unit, app.url(&format!("/projects/{project}"))).await;
        assert!(
            page.contains("申请计划调整 #"),
            "the history shows the request"
        );

        // The same through the API: ask, list, return with a note.
        let body = json!({"changes": {"planned_start": "2025-09-01"}, "reason": "用地报批延后"});
        let jiangyin = app.signed_in("jiangyin").await;
        let (status, _) = send_json(
            &jiangyin,
            app.url(&format!("/api/projects/{project}/adjustments")),
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, asked) = send_json(
            &unit,
            app.url(&format!("/api/projects/{project}/adjustments")),
            body,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{asked}");
        assert_eq!(asked["status"], "pending");
        assert_eq!(asked["changes"][0]["field"], "planned_start");
        let (status, _) = send_json(
            &unit,
            app.url(&format!("/api/projects/{project}/adjustments")),
            json!({"changes": {"unit_id": "1"}, "reason": "x"}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (_, list) = app.get_json("/api/adjustments").await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let id = asked["id"].as_i64().unwrap();
        let (status, decided) = app
            .post_json(
                &format!("/api/adjustments/{id}/decision"),
                json!({"version": asked["version"], "decision": "return", "note": "请补充用地批复"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        assert_eq!(decided["status"], "returned");
        let (status, _) = send_json(
            &unit,
            app.url(&format!("/api/adjustments/{id}/decision")),
            json!({"version": decided["version"], "decision": "approve"}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

/// The layout: each role's navigation and start page, a failure drawn inside the layout with the
/// asker's navigation, and an action's message shown once on the page it leads to.
#[tokio::test]
async fn pages_say_what_happened_and_keep_the_layout() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    app.login("admin").await;

    // Start pages by role.
    let start = |client: reqwest::Client| {
        let url = app.url("/");
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            r.headers()["location"].to_str().unwrap().to_string()
        }
    };
    assert_eq!(start(app.client.clone()).await, "/todo");
    let leader = app.signed_in("leader").await;
    assert_eq!(start(leader.clone()).await, "/dashboard");
    assert_eq!(start(app.signed_in("longtian").await).await, "/todo");
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(start(anonymous).await, "/login");

    // Navigation by role: a leader reads, never files and never sees the API.
    let (_, page) = fetch(&leader, app.url("/dashboard")).await;
    assert!(page.contains("href=\"/rankings\"") && page.contains("href=\"/dashboard\""));
    assert!(!page.contains("href=\"/reports\"") && !page.contains("href=\"/api/openapi.json\""));
    let (_, page) = app.get_text("/projects").await;
    assert!(page.contains("href=\"/reports\"") && page.contains("href=\"/campaign\""));
    assert!(page.contains("填报审核") && page.contains("排名与报告"));

    // A page that is not there, and a refusal, keep the layout and the navigation.
    let (status, page) = app.get_text("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("找不到该记录") && page.contains("href=\"/projects\""),
        "{page}"
    );
    let (status, page) = fetch(&leader, app.url("/projects/new")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("<nav") && page.contains("href=\"/dashboard\""),
        "{page}"
    );
    let (status, page) = app.get_text("/no/such/page?lang=en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("not found") && page.contains("Rankings"),
        "{page}"
    );
    app.get_text("/projects?lang=zh").await;
    let (status, body) = app.get_json("/api/no/such").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    // An action says what it did, once.
    let r = app
        .client
        .post(app.url("/projects/new"))
        .form(&[("name", "新建的项目"), ("stage", "在建")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (status, page) = app.get_text(&to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("已新增项目"), "the message shows: {page}");
    let (_, again) = app.get_text(&to).await;
    assert!(!again.contains("已新增项目"), "and only once");
}
