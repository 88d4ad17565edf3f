//! The administrator's users page: create with a temporary password, disable (sessions end)
//! and enable, reset; every other role refused on every route, with nothing changed.

use crate::support::*;

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (StatusCode, String) {
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    send_form(c, url, &form).await
}

#[tokio::test]
async fn the_administrator_manages_users() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        let town = app.store.unit_by_name("龙田镇").await.unwrap().unwrap().id;
        // One user of every other role, to be refused.
        let others = [
            ("fgj", Role::LeadOffice),
            ("zjj", Role::TaskLead),
            ("support", Role::Support),
            ("linked", Role::Linked),
        ];
        for (username, role) in others {
            app.store
                .create_user(NewUser {
                    username,
                    display_name: username,
                    password: "secret-pw",
                    role,
                    unit_id: town,
                })
                .await
                .unwrap();
        }
        let before = app.store.users().await.unwrap();
        let new_user = [
            ("username", "huang"),
            ("display_name", "黄丽萍"),
            ("role", "responsible"),
            ("unit", "江阴镇"),
            ("password", "Jiangyin-temp-1"),
        ];
        let routes: [(&str, &[(&str, &str)]); 4] = [
            ("/admin/users", &new_user),
            ("/admin/users/longtian/active", &[("active", "0")]),
            (
                "/admin/users/longtian/reset",
                &[("password", "Temporary-pw-99")],
            ),
            ("/admin/users/leader/active", &[("active", "0")]),
        ];
        for refused in ["fgj", "zjj", "support", "linked", "leader", "longtian"] {
            let c = app.signed_in(refused).await;
            let (status, _) = fetch(&c, app.url("/admin/users")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{dialect:?} {refused} reads");
            for (path, form) in routes {
                let (status, _) = post(&c, app.url(path), form).await;
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{dialect:?} {refused} {path}"
                );
            }
        }
        let after: Vec<_> = app
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .map(|mut u| {
                (u.last_sign_in, u.sessions) = (None, 0);
                u
            })
            .collect();
        let before: Vec<_> = before
            .into_iter()
            .map(|mut u| {
                (u.last_sign_in, u.sessions) = (None, 0);
                u
            })
            .collect();
        assert_eq!(
            after, before,
            "{dialect:?}: nothing changed by refused roles"
        );

        // The administrator: the page, a weak password refused, a new user with a new unit.
        let admin = app.signed_in("admin").await;
        let (status, page) = fetch(&admin, app.url("/admin/users")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("longtian") && page.contains("新增用户"),
            "{page}"
        );
        let mut weak = new_user;
        weak[4].1 = "1234567890";
        let (status, page) = post(&admin, app.url("/admin/users"), &weak).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("常见") && page.contains("黄丽萍"), "{page}");
        let (status, _) = post(&admin, app.url("/admin/users"), &new_user).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{dialect:?}");
        let (status, page) = post(&admin, app.url("/admin/users"), &new_user).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("已被使用"), "{page}");
        assert!(app.store.unit_by_name("江阴镇").await.unwrap().is_some());
        // The new user signs in with the temporary password and must change it first.
        let huang = browser(&app.base);
        let r = huang
            .post(app.url("/api/login"))
            .json(&json!({"username": "huang", "password": "Jiangyin-temp-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (status, _) = fetch(&huang, app.url("/projects")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        // Disabling ends the user's sessions; enabling lets them in again.
        let unit = app.signed_in("longtian").await;
        let (status, _) = post(
            &admin,
            app.url("/admin/users/longtian/active"),
            &[("active", "0")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = fetch(&unit, app.url("/todo")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{dialect:?}: signed out");
        let (status, _) = post(
            &admin,
            app.url("/admin/users/longtian/active"),
            &[("active", "1")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // The administrator cannot lock themselves out.
        let (status, _) = post(
            &admin,
            app.url("/admin/users/admin/active"),
            &[("active", "0")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A reset: a weak temporary password is refused; a good one must be changed.
        let (status, page) = post(
            &admin,
            app.url("/admin/users/longtian/reset"),
            &[("password", "short")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("至少 10 位"), "{page}");
        let (status, _) = post(
            &admin,
            app.url("/admin/users/longtian/reset"),
            &[("password", "Temporary-pw-99")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let users = app.store.users().await.unwrap();
        let longtian = users.iter().find(|u| u.username == "longtian").unwrap();
        assert!(longtian.active && longtian.must_change_password);
        let (status, _) = post(
            &admin,
            app.url("/admin/users/nobody/reset"),
            &[("password", "Temporary-pw-99")],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}
