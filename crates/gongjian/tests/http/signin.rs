//! Signing in: a wrong password says so; after five failures within fifteen minutes the next
//! attempts wait (429 with Retry-After and a bilingual message), by username and by the
//! client's address; a success clears the username's count.

use crate::support::*;

async fn api_login(
    client: &reqwest::Client,
    app: &TestApp,
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn failed_sign_ins_make_the_next_ones_wait() {
    TestApp::each_backend(|app| async move {
        let dialect = app.dialect;
        let c = browser(&app.base);
        // A wrong password says so (not "please sign in").
        let r = api_login(&c, &app, "longtian", "wrong-pw").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{dialect:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "wrong_password");
        assert_eq!(body["message_zh"], "用户名或密码错误");

        // A success clears the username's failures: four more are still free afterwards.
        for _ in 0..3 {
            let r = api_login(&c, &app, "longtian", "wrong-pw").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let r = api_login(&c, &app, "longtian", "secret-pw").await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{dialect:?}: four failures are free"
        );
        // The address's failures stay: four so far, and a fifth (an unknown username) makes
        // everyone here wait, with the right password too.
        let r = api_login(&c, &app, "no-such-user", "x").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = api_login(&c, &app, "admin", "secret-pw").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{dialect:?}");
        let retry: i64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&retry), "{retry}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "too_many_attempts");
        assert!(
            body["message_zh"]
                .as_str()
                .unwrap()
                .starts_with("登录失败次数过多"),
            "{body}"
        );
        assert!(
            body["message_en"]
                .as_str()
                .unwrap()
                .contains("try again in")
        );

        // The sign-in page says the same, with the same status.
        let r = browser(&app.base)
            .post(app.url("/login"))
            .form(&[
                ("username", "admin"),
                ("password", "secret-pw"),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
        assert!(r.text().await.unwrap().contains("登录失败次数过多"));

        // Recorded with the username and the address; a day's worth is kept.
        let failures = app
            .store
            .sign_in_failures("no-such-user", Some("127.0.0.1"), 0)
            .await
            .unwrap();
        assert_eq!((failures.username.len(), failures.address.len()), (1, 5));
    })
    .await;
}

/// Five failures of one username make it wait whatever the address (here: a store-level
/// check, the address unknown as for an in-process caller).
#[tokio::test]
async fn one_username_waits_after_five_failures() {
    TestApp::each_backend(|app| async move {
        for _ in 0..5 {
            app.store
                .record_sign_in_failure("leader", Some("10.0.0.9"))
                .await
                .unwrap();
        }
        let r = api_login(&browser(&app.base), &app, "leader", "secret-pw").await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{:?}",
            app.dialect
        );
        // Another user from here is not held up by it.
        let r = api_login(&browser(&app.base), &app, "admin", "secret-pw").await;
        assert_eq!(r.status(), StatusCode::OK);
    })
    .await;
}

/// Every response says where its scripts and styles may come from, that it is never framed,
/// and that pages are not cached; a body over the largest upload is refused in both
/// languages, as JSON under /api.
#[tokio::test]
async fn responses_carry_security_headers_and_limits() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    let r = browser(&app.base)
        .get(app.url("/login"))
        .send()
        .await
        .unwrap();
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    let r = browser(&app.base)
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");

    app.login("admin").await;
    let r = app
        .client
        .post(app.url("/api/projects"))
        .header("content-type", "application/json")
        .body(vec![b' '; 11 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "too_large");
    assert!(
        body["message_en"]
            .as_str()
            .unwrap()
            .contains("at most 10 MB")
    );
}

/// A client that opens a connection and never finishes its request's head is dropped once the
/// header timeout passes (here a second), so slow clients cannot hold the server's connections.
#[tokio::test]
async fn a_slow_client_is_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::new(store::Dialect::Sqlite).await;
    let mut state = web::AppState::new(db.store().await, false);
    state.header_timeout = std::time::Duration::from_secs(1);
    let addr = serve(state).await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    // Closed by the server (end of stream, or a 408 first), long before this test gives up.
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), slow.read(&mut buf))
        .await
        .expect("the server closes a connection whose head never ends");
    if let Ok(n) = read
        && n > 0
    {
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    }
    // A client that connects and says nothing is dropped as well.
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), silent.read(&mut buf))
        .await
        .expect("the server closes a connection that never speaks");
    if let Ok(n) = read
        && n > 0
    {
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    }
    // A client that sends its request whole is served as ever.
    let mut quick = tokio::net::TcpStream::connect(addr).await.unwrap();
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    quick.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// After a reset the temporary password leads to the password page before anything else (the
/// API says why); the new password must be good, the current one right; then all is open.
#[tokio::test]
async fn a_temporary_password_is_changed_first() {
    TestApp::each_backend(|app| async move {
        let user = app
            .store
            .user_by_username("longtian")
            .await
            .unwrap()
            .unwrap();
        app.store
            .set_password(user.id, "Temporary-pw-2025", true)
            .await
            .unwrap();
        let c = browser(&app.base);
        let r = api_login(&c, &app, "longtian", "Temporary-pw-2025").await;
        assert_eq!(r.status(), StatusCode::OK, "{:?}", app.dialect);
        let r = c.get(app.url("/api/me")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let body: Value = r.json().await.unwrap();
        assert!(body["message_zh"].as_str().unwrap().contains("修改密码"));
        let r = c.get(app.url("/projects")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/account/password");
        let page = c
            .get(app.url("/account/password"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("临时密码"), "{page}");

        let post = |current: &str, new: &str, repeat: &str| {
            let c = c.clone();
            let url = app.url("/account/password");
            let form = [
                ("current", current.to_string()),
                ("new", new.to_string()),
                ("repeat", repeat.to_string()),
            ];
            async move {
                let r = c.post(url).form(&form).send().await.unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        for (current, new, repeat, says) in [
            ("Temporary-pw-2025", "short", "short", "至少 10 位"),
            (
                "Temporary-pw-2025",
                "Longtian-Town-9",
                "Longtian-Town-8",
                "不一致",
            ),
            (
                "wrong-current",
                "Longtian-Town-9",
                "Longtian-Town-9",
                "当前密码不正确",
            ),
        ] {
            let (status, page) = post(current, new, repeat).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(page.contains(says), "{says}: {page}");
        }
        let (status, _) = post("Temporary-pw-2025", "Longtian-Town-9", "Longtian-Town-9").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // The browser that changed it goes on, told so; the old password no longer works.
        let page = c
            .get(app.url("/projects"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("已修改密码"), "{page}");
        let r = api_login(&browser(&app.base), &app, "longtian", "Temporary-pw-2025").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = api_login(&browser(&app.base), &app, "longtian", "Longtian-Town-9").await;
        assert_eq!(r.status(), StatusCode::OK);
    })
    .await;
}

/// A malformed or mistyped JSON body is refused in the API's terms, without the parser's
/// internals.
#[tokio::test]
async fn json_errors_do_not_echo_the_parser() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    for (body, says) in [
        ("{\"username\": ", "不是有效的 JSON"),
        (
            "{\"username\": 5, \"password\": []}",
            "“username”的类型不对",
        ),
        ("{}", "缺少字段“username”"),
    ] {
        let r = browser(&app.base)
            .post(app.url("/api/login"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        let answer: Value = r.json().await.unwrap();
        let zh = answer["message_zh"].as_str().unwrap();
        let en = answer["message_en"].as_str().unwrap();
        assert!(zh.contains(says), "{body}: {zh}");
        for internal in [
            "Failed to",
            "invalid type",
            "expected",
            "serde",
            "line 1",
            "String",
        ] {
            assert!(!en.contains(internal), "{body}: {en}");
        }
    }
}

/// A new installation: no user, and the first administrator created in the browser through
/// the one-time link; without the link, or once used, the page is not there.
#[tokio::test]
async fn the_first_administrator_is_created_through_a_one_time_link() {
    let db = TestDb::new(store::Dialect::Sqlite).await;
    let store = db.store().await;
    let state = web::AppState::new(store.clone(), false).with_setup_token("t0ken".repeat(8));
    let base = format!("http://{}", serve(state).await);
    let token = "t0ken".repeat(8);
    let c = browser(&base);
    for query in ["", "?token=wrong"] {
        let r = c.get(format!("{base}/setup{query}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{query}");
    }
    let r = c
        .get(format!("{base}/setup?token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("创建系统管理员"));
    let post = |password: &str| {
        let form = [
            ("token", token.clone()),
            ("unit", "福清市发展和改革局".into()),
            ("username", "chen".into()),
            ("display_name", "陈志远".into()),
            ("password", password.into()),
            ("repeat", password.into()),
        ];
        let c = c.clone();
        let url = format!("{base}/setup");
        async move { c.post(url).form(&form).send().await.unwrap() }
    };
    let r = post("1234567890").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("常见"));
    let r = post("Fuqing-fgj-2025").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let me: Value = c
        .get(format!("{base}/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("chen"), Some("admin"))
    );
    assert_eq!(me["unit_name"], "福清市发展和改革局");
    // Used up.
    let r = post("Fuqing-fgj-2026").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .get(format!("{base}/setup?token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(store.usernames().await.unwrap(), ["chen"]);
}

/// Behind an HTTPS reverse proxy (the public URL configured, the proxy trusted): cookies are
/// Secure and HSTS is sent, forms are taken only from the public origin, and sign-in failures
/// count by the address the proxy saw.
#[tokio::test]
async fn behind_an_https_proxy() {
    let db = TestDb::new(store::Dialect::Sqlite).await;
    let store = db.store().await;
    let unit = store
        .create_unit("福清市发展和改革局", UnitKind::Department, None)
        .await
        .unwrap();
    store
        .create_user(NewUser {
            username: "admin",
            display_name: "admin",
            password: "secret-pw",
            role: Role::Admin,
            unit_id: unit,
        })
        .await
        .unwrap();
    let mut state = web::AppState::new(store.clone(), false);
    state.public_origin = Some("https://xm.example.gov.cn".into());
    state.trust_proxy = true;
    let base = format!("http://{}", serve(state).await);
    let public = "https://xm.example.gov.cn".to_string();
    let login =
        |origin: String, from: &'static str, username: &'static str, password: &'static str| {
            let url = format!("{base}/api/login");
            async move {
                client()
                    .post(url)
                    .header("origin", origin)
                    .header("x-forwarded-for", format!("10.0.0.1, {from}"))
                    .json(&json!({"username": username, "password": password}))
                    .send()
                    .await
                    .unwrap()
            }
        };
    let r = login(public.clone(), "203.0.113.7", "admin", "secret-pw").await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    // The server's own address is not the public origin.
    let r = login(base.clone(), "203.0.113.7", "admin", "secret-pw").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Five failures from one address (as the proxy saw it), each for another username: that
    // address waits, another does not.
    for name in ["a1", "a2", "a3", "a4", "a5"] {
        let r = login(public.clone(), "203.0.113.9", name, "wrong-pw").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = login(public.clone(), "203.0.113.9", "admin", "secret-pw").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = login(public.clone(), "203.0.113.10", "admin", "secret-pw").await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// A form posted with neither `Origin` nor `Referer` is refused (a browser names one; another
/// site's page cannot post without); the page's own `Referer` is enough; a JSON body from a
/// script needs neither.
#[tokio::test]
async fn forms_must_name_this_origin() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    let bare = client();
    let form = [
        ("username", "admin"),
        ("password", "secret-pw"),
        ("next", ""),
    ];
    let r = bare
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message_zh"]
            .as_str()
            .unwrap()
            .contains("无法确认请求来自本系统")
    );
    let r = bare
        .post(app.url("/login"))
        .header("referer", app.url("/login?next=/projects"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = bare
        .post(app.url("/login"))
        .header("referer", "https://elsewhere.example/login")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = api_login(&bare, &app, "admin", "secret-pw").await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// Guesses at one account sent all at once count each other: only the first five are checked,
/// the rest wait.
#[tokio::test]
async fn a_parallel_burst_at_one_account_is_counted() {
    let app = TestApp::spawn(store::Dialect::Sqlite).await;
    let c = browser(&app.base);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (c, url) = (c.clone(), app.url("/api/login"));
        set.spawn(async move {
            c.post(url)
                .json(&json!({"username": "leader", "password": "wrong-pw"}))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = set.join_next().await {
        statuses.push(status.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let waiting = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "{statuses:?}");
    assert_eq!(checked + waiting, 20, "{statuses:?}");
}
