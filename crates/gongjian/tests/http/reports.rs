//! Reports: filing, review, corrections and photos, scoped to each unit.

use crate::support::*;

/// Reports through the pages and the API: a unit fills and submits its own projects only, the
/// lead office returns and approves, a locked report is corrected with a reason and the
/// correction shows on the project page; readers read, and nobody else writes.
#[tokio::test]
async fn reports_are_filed_reviewed_and_scoped() {
    TestApp::each_backend(|app| async move {
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
    })
    .await;
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
