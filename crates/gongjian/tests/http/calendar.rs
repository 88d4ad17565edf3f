//! The working-day calendar page.

use crate::support::*;

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
    TestApp::each_backend(|app| async move {
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
    })
    .await;
}
