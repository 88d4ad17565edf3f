//! What every page shares: start pages, navigation by role, errors in the layout, messages.

use crate::support::*;

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
