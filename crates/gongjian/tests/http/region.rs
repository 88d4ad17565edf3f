//! A user's region scope (辖区): the administrator confines a user to a region; that user then
//! lists, opens, changes and raises problems on the projects of the region and the regions
//! under it only — through the pages and the API — and the scope can be lifted again.

use crate::support::*;
use domain::problem::{Category, Deadline, Level};
use domain::{Money, ProjectFields, Stage};

struct Towns {
    city: i64,
    longtian: i64,
    /// A project of 龙田镇 and one of 江阴镇 (both under 福清市).
    inside: i64,
    outside: i64,
    /// A problem on each.
    problem_inside: i64,
    problem_outside: i64,
}

async fn towns(store: &Store) -> Towns {
    let city = store
        .create_region("福清市", Some("350181"), None)
        .await
        .unwrap();
    let longtian = store
        .create_region("龙田镇", None, Some(city))
        .await
        .unwrap();
    let jiangyin = store
        .create_region("江阴镇", None, Some(city))
        .await
        .unwrap();
    let unit = store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
    let mut ids = Vec::new();
    for (name, region) in [("龙田镇污水处理厂", longtian), ("江阴港区码头", jiangyin)]
    {
        let id = store
            .create_project(
                &ProjectFields {
                    name: name.into(),
                    unit_id: Some(unit),
                    region_id: Some(region),
                    stage: Some(Stage::UnderConstruction),
                    annual_plan: Some(Money::from_wan(1_000)),
                    ..ProjectFields::default()
                },
                None,
                "test",
            )
            .await
            .unwrap()
            .id;
        ids.push(id);
    }
    let mut problems = Vec::new();
    for (project, title) in [(ids[0], "管网接驳未完成"), (ids[1], "岸线审批未办结")] {
        let problem = store
            .raise_problem(
                &store::NewProblem {
                    project_id: project,
                    title: title.into(),
                    description: None,
                    category: Category::Other,
                    unit_id: None,
                    co_units: Vec::new(),
                    raised_on: chrono::NaiveDate::from_ymd_opt(2025, 10, 10).unwrap(),
                    deadline: Deadline::Workdays(10),
                    level: Level::Unit,
                },
                None,
                "test",
            )
            .await
            .unwrap();
        problems.push(problem);
    }
    Towns {
        city,
        longtian,
        inside: ids[0],
        outside: ids[1],
        problem_inside: problems[0],
        problem_outside: problems[1],
    }
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, String)]) -> (StatusCode, String) {
    send_form(c, url, &pairs(form)).await
}

async fn send(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> (StatusCode, Value) {
    let r = c.request(method, url).json(&body).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_user_confined_to_a_region_reaches_its_projects_only() {
    TestApp::each_backend(|app| async move {
        let t = towns(&app.store).await;
        let admin = app.signed_in("admin").await;
        // The administrator confines a new leader and a new office clerk to 龙田镇.
        for (username, role) in [("zhen", "leadership"), ("pian", "lead_office")] {
            let (status, _) = post(
                &admin,
                app.url("/admin/users"),
                &[
                    ("username", username.into()),
                    ("display_name", username.into()),
                    ("role", role.into()),
                    ("unit", "福清市发展和改革局".into()),
                    ("region", t.longtian.to_string()),
                    ("password", "Longtian-temp-1".into()),
                ],
            )
            .await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{username}");
            app.store
                .set_password(
                    app.store
                        .user_by_username(username)
                        .await
                        .unwrap()
                        .unwrap()
                        .id,
                    "secret-pw",
                    false,
                )
                .await
                .unwrap();
        }
        let summary = app.store.user_summary("zhen").await.unwrap().unwrap();
        assert_eq!(summary.region.as_deref(), Some("龙田镇"));
        let (_, page) = fetch(&admin, app.url("/admin/users")).await;
        assert!(page.contains("龙田镇") && page.contains("辖区"), "{page}");
        // A region that does not exist is refused and nobody is added.
        let (status, page) = post(
            &admin,
            app.url("/admin/users"),
            &[
                ("username", "ghost".into()),
                ("display_name", "ghost".into()),
                ("role", "leadership".into()),
                ("unit", "福清市发展和改革局".into()),
                ("region", "999999".into()),
                ("password", "Longtian-temp-1".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("所选区域不存在"), "{page}");
        assert!(app.store.user_by_username("ghost").await.unwrap().is_none());

        for username in ["zhen", "pian"] {
            let c = app.signed_in(username).await;
            let get = |path: String| {
                let c = c.clone();
                async move {
                    let r = c.get(path).send().await.unwrap();
                    let status = r.status();
                    (status, r.text().await.unwrap())
                }
            };
            // The ledger, the API's list and the export hold the region's project only.
            let (status, body) = get(app.url("/api/projects")).await;
            assert_eq!(status, StatusCode::OK);
            let list: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(names(&list), ["龙田镇污水处理厂"], "{username}");
            assert_eq!(list["total"], 1);
            let (_, page) = get(app.url("/projects")).await;
            assert!(page.contains("龙田镇污水处理厂") && !page.contains("江阴港区码头"));
            assert!(
                page.contains("仅含本辖区：龙田镇"),
                "the list says it is the region's"
            );
            // Its own project opens; another region's is refused, saying why.
            let (status, _) = get(app.url(&format!("/projects/{}", t.inside))).await;
            assert_eq!(status, StatusCode::OK, "{username}");
            for path in [
                format!("/projects/{}", t.outside),
                format!("/api/projects/{}", t.outside),
                format!("/api/projects/{}/history", t.outside),
                format!("/projects/{}/dossier", t.outside),
                format!("/projects/{}/approval", t.outside),
            ] {
                let (status, body) = get(app.url(&path)).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}");
                assert!(body.contains("辖区"), "{path}: {body}");
            }
            // Problems: the region's only, in the list and one by one.
            let (_, body) = get(app.url("/api/problems?as_of=2025-10-15")).await;
            let problems: Value = serde_json::from_str(&body).unwrap();
            let titles: Vec<&str> = problems
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["title"].as_str().unwrap())
                .collect();
            assert_eq!(titles, ["管网接驳未完成"], "{username}");
            let (status, _) = get(app.url(&format!("/api/problems/{}", t.problem_inside))).await;
            assert_eq!(status, StatusCode::OK);
            let (status, _) = get(app.url(&format!("/api/problems/{}", t.problem_outside))).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (_, page) = get(app.url("/problems")).await;
            assert!(page.contains("管网接驳未完成") && !page.contains("岸线审批未办结"));
        }

        // The office clerk changes the region's project, not another's, and creates projects
        // only inside the region.
        let pian = app.signed_in("pian").await;
        let before = app.store.project(t.outside).await.unwrap().unwrap();
        let (status, body) = send(
            &pian,
            reqwest::Method::PUT,
            app.url(&format!("/api/projects/{}", t.outside)),
            json!({"version": before.version, "linked_leader": "王副市长"}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(app.store.project(t.outside).await.unwrap().unwrap(), before);
        let inside = app.store.project(t.inside).await.unwrap().unwrap();
        let (status, body) = send(
            &pian,
            reqwest::Method::PUT,
            app.url(&format!("/api/projects/{}", t.inside)),
            json!({"version": inside.version, "linked_leader": "王副市长"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Moving its project out of the region is refused too.
        let inside = app.store.project(t.inside).await.unwrap().unwrap();
        let (status, _) = send(
            &pian,
            reqwest::Method::PUT,
            app.url(&format!("/api/projects/{}", t.inside)),
            json!({"version": inside.version, "region_id": t.city}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let count = app.store.count_projects().await.unwrap();
        for (region, expected) in [
            (Value::Null, StatusCode::FORBIDDEN),
            (json!(t.city), StatusCode::FORBIDDEN),
            (json!(t.longtian), StatusCode::CREATED),
        ] {
            let (status, body) = send(
                &pian,
                reqwest::Method::POST,
                app.url("/api/projects"),
                json!({"name": "龙田镇新建项目", "region_id": region}),
            )
            .await;
            assert_eq!(status, expected, "{region}: {body}");
        }
        assert_eq!(app.store.count_projects().await.unwrap(), count + 1);
        // Raising a problem on another region's project is refused.
        let (status, _) = send(
            &pian,
            reqwest::Method::POST,
            app.url("/api/problems"),
            json!({"project_id": t.outside, "title": "用地指标", "deadline": "10"}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A scope over the city holds both towns under it; lifting it shows every project.
        let (status, _) = post(
            &admin,
            app.url("/admin/users/zhen"),
            &[
                ("role", "leadership".into()),
                ("unit", "福清市发展和改革局".into()),
                ("region", t.city.to_string()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let zhen = app.signed_in("zhen").await;
        let (_, body) = fetch(&zhen, app.url("/api/projects")).await;
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["total"], 3, "{body}");
        let (status, _) = post(
            &admin,
            app.url("/admin/users/zhen"),
            &[
                ("role", "leadership".into()),
                ("unit", "福清市发展和改革局".into()),
                ("region", String::new()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.store
                .user_summary("zhen")
                .await
                .unwrap()
                .unwrap()
                .region,
            None
        );
    })
    .await;
}
