//! Messages through the real server: the lead office's one-tap 催报 from the reports overview
//! (once a day), each user's inbox with the header's count, opening and marking only one's own
//! messages, the administrator's channels (secrets masked) and delivery record, users' contact
//! details checked.

use crate::support::*;

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(url).form(form).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// 龙田镇's project with a 2025 plan: its reports are due every month.
async fn town_project(store: &Store, town: i64) -> i64 {
    store
        .create_project(
            &domain::ProjectFields {
                name: "龙田镇标准厂房".into(),
                stage: Some(domain::Stage::UnderConstruction),
                unit_id: Some(town),
                annual_plan: Some(domain::Money::from_wan(800)),
                plan_year: Some(2025),
                ..domain::ProjectFields::default()
            },
            None,
            "test",
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn the_office_chases_and_each_user_reads_their_own_messages() {
    TestApp::each_backend(|app| async move {
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let office = app
            .store
            .unit_by_name("福清市发展和改革局")
            .await
            .unwrap()
            .unwrap()
            .id;
        app.store
            .create_user(NewUser {
                username: "fgj",
                display_name: "fgj",
                password: "secret-pw",
                role: Role::LeadOffice,
                unit_id: office,
            })
            .await
            .unwrap();
        town_project(&app.store, town).await;
        let fgj = app.signed_in("fgj").await;
        let unit = app.signed_in("longtian").await;

        // The overview offers the one-tap 催报 to the office, not to a leader.
        let (_, page) = fetch(&fgj, app.url("/reports?period=2025-09")).await;
        assert!(page.contains("id=\"chase\""), "{page}");
        let (_, page) = fetch(
            &app.signed_in("leader").await,
            app.url("/reports?period=2025-09"),
        )
        .await;
        assert!(!page.contains("id=\"chase\""));

        let r = post(&fgj, app.url("/reports/2025-09/chase"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), "/reports?period=2025-09");
        let (_, page) = fetch(&fgj, app.url("/reports?period=2025-09")).await;
        assert!(page.contains("已向 1 个单位催报"), "{page}");
        // Again the same day: nothing new, and the page says so.
        post(&fgj, app.url("/reports/2025-09/chase"), &[]).await;
        let (_, page) = fetch(&fgj, app.url("/reports?period=2025-09")).await;
        assert!(page.contains("今日已催报过"), "{page}");

        // The town's clerk sees it counted in the header and listed in the inbox.
        let (_, todo) = fetch(&unit, app.url("/todo")).await;
        assert!(todo.contains("id=\"inbox-link\""), "{todo}");
        assert!(todo.contains("title=\"未读\">1</span>"), "{todo}");
        let (_, inbox) = fetch(&unit, app.url("/inbox")).await;
        assert!(
            inbox.contains("【催报】2025年9月项目进度：龙田镇尚有1个项目未提交"),
            "{inbox}"
        );
        let clerk = app
            .store
            .user_by_username("longtian")
            .await
            .unwrap()
            .unwrap();
        let message = app.store.inbox(clerk.id, 10).await.unwrap()[0].id;

        // Another user's message is out of sight, and stays unread.
        let admin = app.signed_in("admin").await;
        for path in ["read", "open"] {
            let r = post(&admin, app.url(&format!("/inbox/{message}/{path}")), &[]).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(app.store.unread_count(clerk.id).await.unwrap(), 1);

        // Opening it marks it read and goes to the unit's reports of the period.
        let r = post(&unit, app.url(&format!("/inbox/{message}/open")), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), format!("/reports/2025-09/units/{town}"));
        assert_eq!(app.store.unread_count(clerk.id).await.unwrap(), 0);
        let (_, todo) = fetch(&unit, app.url("/todo")).await;
        assert!(!todo.contains("title=\"未读\""));
        let r = post(&unit, app.url("/inbox/read-all"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, inbox) = fetch(&unit, app.url("/inbox")).await;
        assert!(inbox.contains("已将 0 条消息标为已读"), "{inbox}");

        // The administrator's record lists the delivery.
        let (status, page) = fetch(&admin, app.url("/admin/notify?channel=inbox")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("longtian") && page.contains("已发送"),
            "{page}"
        );
        let (status, _) = fetch(&fgj, app.url("/admin/notify")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_administrator_sets_up_channels_and_contacts() {
    TestApp::each_backend(|app| async move {
        let admin = app.signed_in("admin").await;
        let key = "693a91f6-7abc-4bc4-97a0-0ec2sifa5aaa";
        let url = format!("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}");
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let town_id = town.to_string();
        // Wrong first: no https, then right.
        let r = post(
            &admin,
            app.url("/admin/notify/channels"),
            &[
                ("kind", "wecom"),
                ("name", "龙田镇工作群"),
                ("unit", &town_id),
                ("url", "qyapi.weixin.qq.com"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("https://"));
        assert!(app.store.stored_channels().await.unwrap().is_empty());
        let r = post(
            &admin,
            app.url("/admin/notify/channels"),
            &[
                ("kind", "wecom"),
                ("name", "龙田镇工作群"),
                ("unit", &town_id),
                ("url", &url),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = fetch(&admin, app.url("/admin/notify")).await;
        assert!(page.contains("已添加通知通道"), "{page}");
        assert!(page.contains("龙田镇工作群"));
        assert!(!page.contains(key), "the robot's key is never shown back");
        assert!(page.contains("key=69••••aa"), "{page}");
        // The same name twice is refused, said beside the form.
        let r = post(
            &admin,
            app.url("/admin/notify/channels"),
            &[
                ("kind", "wecom"),
                ("name", "龙田镇工作群"),
                ("unit", &town_id),
                ("url", &url),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let channels = app.store.stored_channels().await.unwrap();
        assert_eq!(channels.len(), 1);
        assert_eq!(channels[0].unit_id, Some(town));
        let r = post(
            &admin,
            app.url(&format!("/admin/notify/channels/{}/delete", channels[0].id)),
            &[],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(app.store.stored_channels().await.unwrap().is_empty());

        // Contact details: checked, saved, shown back.
        let r = post(
            &admin,
            app.url("/admin/users/longtian/contact"),
            &[("mobile", "1380000"), ("email", "")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("手机号“1380000”无效"));
        let r = post(
            &admin,
            app.url("/admin/users/longtian/contact"),
            &[("mobile", "13800000001"), ("email", "lt@example.gov.cn")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = fetch(&admin, app.url("/admin/users/longtian")).await;
        assert!(page.contains("13800000001") && page.contains("lt@example.gov.cn"));
        assert!(page.contains("已保存联系方式"));
    })
    .await;
}

#[tokio::test]
async fn documents_are_downloaded_from_their_pages() {
    TestApp::each_backend(|app| async move {
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        let project = town_project(&app.store, town).await;
        let unit = app.signed_in("longtian").await;
        let (_, page) = fetch(&unit, app.url("/dashboard?as_of=2025-09-30")).await;
        assert!(
            page.contains("/documents/analysis.docx?as_of=2025-09-30"),
            "{page}"
        );
        let (_, page) = fetch(&unit, app.url(&format!("/projects/{project}/dossier"))).await;
        assert!(page.contains(&format!("/projects/{project}/report.docx")));
        for path in [
            "/documents/analysis.docx?as_of=2025-09-30".to_string(),
            "/documents/weekly-bulletin.docx?as_of=2025-10-15".to_string(),
            format!("/projects/{project}/report.docx?as_of=2025-09-30"),
        ] {
            let r = unit.get(app.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .contains("wordprocessingml"),
                "{path}"
            );
            let bytes = r.bytes().await.unwrap();
            assert_eq!(&bytes[..2], b"PK", "{path}");
        }
        // No ranking published yet: said, in both languages.
        let (status, page) = fetch(
            &unit,
            app.url("/documents/ranking-bulletin.docx?as_of=2025-09-30"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("尚无已发布的排名"), "{page}");
        let (status, _) = fetch(&unit, app.url("/documents/memo.docx")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = fetch(&unit, app.url("/projects/999999/report.docx")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}
