//! Problems: raised, handled, escalated and scoped; the agenda and minutes.

use crate::support::*;

/// Problems through the pages and the API: a unit raises problems on its own projects only and
/// sees its own projects' problems, those assigned to it and no others (a guessed id is not
/// found, by page or API); the assigned department accepts and resolves; only the raiser or the
/// lead office closes off; a stale version is a conflict.
#[tokio::test]
async fn problems_are_raised_handled_and_scoped() {
    TestApp::each_backend(|app| async move {
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
    })
    .await;
}

/// 升级提醒: a problem that rose by escalation shows on the to-do page of the new level's owners
/// (牵头部门: the project's 牵头单位, which may then open it; 周例会: the lead office) and of the
/// unit whose problem it is, with the day it rose; not on anyone else's.
#[tokio::test]
async fn escalations_reach_the_new_levels_owners() {
    use domain::problem::{Category, Deadline, Level};
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
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
            async move { send_upload(&client, url, content_type, body).await }
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
        // Up to 10 MB is taken (9 MB here); more is refused before it is read, saying why.
        let mut big = pdf.to_vec();
        big.resize(9 * 1024 * 1024, b' ');
        let (status, _) = upload(unit.clone(), "扫描件.pdf", &big).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{dialect:?}: 9 MB");
        big.resize(11 * 1024 * 1024, b' ');
        let (status, page) = upload(unit.clone(), "扫描件.pdf", &big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.contains("上传的内容过大（每次最多 10 MB）"), "{page}");
        let files = app.store.problem_attachments(meeting).await.unwrap();
        assert_eq!(files.len(), 2);
        let r = unit.post(remove(files[1].id)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
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
    })
    .await;
}
