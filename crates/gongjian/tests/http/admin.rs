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
        let routes: [(&str, &[(&str, &str)]); 10] = [
            (
                "/admin/users/longtian",
                &[("role", "admin"), ("unit", "龙田镇")],
            ),
            ("/admin/users/longtian/reset-link", &[]),
            (
                "/admin/users/longtian/sessions/0123456789abcdef/revoke",
                &[],
            ),
            ("/admin/units", &[("name", "新单位"), ("kind", "town")]),
            (
                "/admin/units/1",
                &[("name", "改名"), ("kind", "town"), ("version", "1")],
            ),
            ("/admin/regions", &[("name", "新区域")]),
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
            for page in [
                "/admin/users",
                "/admin/users/longtian",
                "/admin/units",
                "/admin/audit",
            ] {
                let (status, _) = fetch(&c, app.url(page)).await;
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{dialect:?} {refused} reads {page}"
                );
            }
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
        assert!(app.store.unit_by_name("新单位").await.unwrap().is_none());
        assert!(app.store.password_reset_user("x").await.unwrap().is_none());

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

/// A staff move, sessions ended one by one, a one-time reset link, units and regions.
#[tokio::test]
async fn the_administrator_moves_staff_ends_sessions_and_issues_reset_links() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        let admin = app.signed_in("admin").await;
        // Two sessions of one user: the page lists both; ending one leaves the other.
        let phone = app.signed_in("longtian").await;
        let desk = app.signed_in("longtian").await;
        let (status, page) = fetch(&admin, app.url("/admin/users/longtian")).await;
        assert_eq!(status, StatusCode::OK);
        let sessions = app.store.user_sessions("longtian").await.unwrap();
        assert_eq!(sessions.len(), 2, "{dialect:?}");
        assert!(page.contains(&sessions[0].id));
        let first = sessions[0].id.clone();
        let (status, _) = post(
            &admin,
            app.url(&format!("/admin/users/longtian/sessions/{first}/revoke")),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let signed_out = [
            fetch(&phone, app.url("/todo")).await.0,
            fetch(&desk, app.url("/todo")).await.0,
        ];
        assert_eq!(
            signed_out
                .iter()
                .filter(|s| **s == StatusCode::SEE_OTHER)
                .count(),
            1,
            "{dialect:?}: one of the two ended {signed_out:?}"
        );
        let (status, _) = post(
            &admin,
            app.url(&format!("/admin/users/longtian/sessions/{first}/revoke")),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "ended already");

        // A staff move: the new role and unit (created when new); their sessions end.
        let (status, _) = post(
            &admin,
            app.url("/admin/users/longtian"),
            &[("role", "support"), ("unit", "江阴镇")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let moved = app
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "longtian")
            .unwrap();
        assert_eq!((moved.role, moved.unit.as_str()), (Role::Support, "江阴镇"));
        assert!(
            app.store
                .user_sessions("longtian")
                .await
                .unwrap()
                .is_empty()
        );
        let (status, _) = post(
            &admin,
            app.url("/admin/users/admin"),
            &[("role", "support"), ("unit", "发改局")],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not their own admin role"
        );

        // A one-time link: the user sets their own password through it, once.
        let (status, page) = post(&admin, app.url("/admin/users/longtian/reset-link"), &[]).await;
        assert_eq!(status, StatusCode::OK);
        let at = page.find("/account/reset?token=").expect("the link shown");
        let token: String = page[at + 21..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        let user = browser(&app.base);
        let (status, form) = fetch(&user, app.url(&format!("/account/reset?token={token}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("longtian"));
        let set = |password: &'static str| {
            vec![
                ("token".to_string(), token.clone()),
                ("password".to_string(), password.to_string()),
                ("repeat".to_string(), password.to_string()),
            ]
        };
        let (status, _) = send_form(&user, app.url("/account/reset"), &set("short")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) =
            send_form(&user, app.url("/account/reset"), &set("Longtian-own-2025")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, login) = fetch(&user, app.url("/login")).await;
        assert!(
            login.contains("新密码已设置"),
            "the sign-in page says what happened"
        );
        let r = user
            .post(app.url("/api/login"))
            .json(&json!({"username": "longtian", "password": "Longtian-own-2025"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "signs in with the new password");
        let (status, _) =
            send_form(&user, app.url("/account/reset"), &set("Another-pw-2025")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "used once");
        let (status, _) = fetch(&user, app.url("/account/reset?token=0000")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let entries = app
            .store
            .audit_entries(&store::AuditFilter {
                object: Some("users".into()),
                limit: 20,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.actor.as_deref() == Some("longtian")
                    && e.new.as_deref().unwrap_or("").contains("password_hash"))
        );

        // Units and regions.
        let (status, page) = fetch(&admin, app.url("/admin/units")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("龙田镇") && page.contains("江阴镇"));
        let (status, _) = post(
            &admin,
            app.url("/admin/regions"),
            &[("name", "福清市"), ("code", "350181")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, page) = post(
            &admin,
            app.url("/admin/regions"),
            &[("name", "某区"), ("code", "35")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("6 位数字"));
        let region = app.store.regions().await.unwrap()[0].id.to_string();
        let (status, _) = post(
            &admin,
            app.url("/admin/units"),
            &[("name", "海口镇"), ("kind", "town"), ("region", &region)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let unit = app
            .store
            .unit_summaries()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.name == "海口镇")
            .unwrap();
        assert_eq!(unit.region_id.map(|r| r.to_string()), Some(region.clone()));
        let path = format!("/admin/units/{}", unit.id);
        let version = unit.version.to_string();
        let (status, _) = post(
            &admin,
            app.url(&path),
            &[
                ("name", "海口镇人民政府"),
                ("kind", "town"),
                ("version", &version),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = post(
            &admin,
            app.url(&path),
            &[
                ("name", "又一个名字"),
                ("kind", "town"),
                ("version", &version),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "a stale form");
        let (status, page) = post(
            &admin,
            app.url(&path),
            &[
                ("name", "龙田镇"),
                ("kind", "town"),
                ("version", &(unit.version + 1).to_string()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            app.store
                .unit_by_name("海口镇人民政府")
                .await
                .unwrap()
                .is_some()
        );
    })
    .await;
}
