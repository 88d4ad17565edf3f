//! The audit log through the server: a change made from a page and one through the API are
//! entries naming the user, the way and the address; a failed sign-in is one too; the audit
//! page is the administrator's alone and checks the chain.

use crate::support::*;

#[tokio::test]
async fn changes_made_through_the_server_are_audited() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        app.login("admin").await;
        // A project through the API, then changed through the form.
        let (status, body) = app
            .post_json(
                "/api/projects",
                json!({"name": "审计测试项目", "stage": "planning"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_i64().unwrap();
        let version = body["version"].as_i64().unwrap().to_string();
        let r = app
            .client
            .post(app.url(&format!("/projects/{id}/edit")))
            .form(&[
                ("version", version.as_str()),
                ("name", "改名后的项目"),
                ("stage", "planning"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // A wrong password.
        let r = browser(&app.base)
            .post(app.url("/api/login"))
            .json(&json!({"username": "longtian", "password": "not-the-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        let entries = app
            .store
            .audit_entries(&store::AuditFilter {
                object: Some(format!("projects:{id}")),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let sources: Vec<(&str, Option<&str>, &str)> = entries
            .iter()
            .map(|e| (e.action.as_str(), e.actor.as_deref(), e.source.as_str()))
            .collect();
        assert_eq!(
            sources,
            [
                ("update", Some("admin"), "page"),
                ("insert", Some("admin"), "api")
            ],
            "{dialect:?}"
        );
        assert_eq!(entries[0].address.as_deref(), Some("127.0.0.1"));
        assert!(entries[0].old.as_deref().unwrap().contains("审计测试项目"));
        assert!(entries[0].new.as_deref().unwrap().contains("改名后的项目"));
        let failed = app
            .store
            .audit_entries(&store::AuditFilter {
                object: Some("sign_in:longtian".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(failed.len(), 1, "{dialect:?} {failed:?}");
        assert_eq!(failed[0].action, "failed");

        // The page: the administrator's, with the change and the head; a check on demand.
        let (status, html) = app.get_text("/admin/audit?user=admin").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("改名后的项目") && html.contains("审计测试项目"));
        let (seq, hash) = app.store.audit_head().await.unwrap();
        assert!(html.contains(&hash), "head shown");
        let (_, html) = app.get_text("/admin/audit?verify=1").await;
        assert!(
            html.contains(&format!("审计链完整：共 {seq} 条")),
            "{dialect:?}"
        );
        let (status, html) = app
            .get_text(&format!(
                "/admin/audit?object=projects:{id}&from=2000-01-01&to=2099-12-31"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(html.matches("<tr>").count(), 3, "header and two entries");
        let (status, _) = app.get_text("/admin/audit?from=not-a-date").await;
        assert_eq!(status, StatusCode::OK, "a bad date filters nothing");
        for refused in ["leader", "longtian"] {
            let c = app.signed_in(refused).await;
            let (status, _) = fetch(&c, app.url("/admin/audit")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{dialect:?} {refused}");
        }
    })
    .await;
}
