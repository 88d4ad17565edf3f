//! The ledger through the API and the pages: sign-in, validation, versions, who may change what, 计划调整.

use crate::support::*;

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
    TestApp::each_backend(|app| async move {
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
    })
    .await;
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
        .seed_ledger(&demo::campaign(60, 3).ledger, "secret-pw")
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

/// Who may change which project (issue 15 §1), every ledger write route as each role on its own
/// and on another unit's project, on both backends: a responsible unit changes only its own
/// projects, creates only for itself, plans approvals only on its own, and never changes the
/// figures it is judged on; read-only roles change nothing; the office changes everything.
#[tokio::test]
async fn ledger_writes_follow_who_may_change_what() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
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
    })
    .await;
}

/// 计划调整: a unit asks with a reason to change its own project's judged figures; nothing
/// changes until the lead office approves; a return needs a reason; another unit, a reader or a
/// second decision is refused; the request, the decision and the change are in the history.
#[tokio::test]
async fn plan_adjustments_are_asked_and_decided() {
    TestApp::each_backend(|app| async move {
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
    })
    .await;
}
