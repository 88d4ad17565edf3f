//! What every HTTP test shares: one `TestApp` (the real server on a random port over a fresh
//! database, on a fixed day), typed helpers for requests, and a prelude of the crates' types.

pub(crate) use domain::{Role, UnitKind};
pub(crate) use reqwest::StatusCode;
pub(crate) use serde_json::{Value, json};
pub(crate) use store::testing::TestDb;
pub(crate) use store::{NewUser, Store};

pub(crate) struct TestApp {
    pub(crate) base: String,
    /// A browser signed in as nobody until `login`; redirects are not followed.
    pub(crate) client: reqwest::Client,
    pub(crate) store: Store,
    pub(crate) dialect: store::Dialect,
    _db: TestDb,
}

impl TestApp {
    pub(crate) async fn spawn(dialect: store::Dialect) -> TestApp {
        let db = TestDb::new(dialect).await;
        let store = db.store().await;
        let unit = store
            .create_unit("福清市发展和改革局", UnitKind::Department, None)
            .await
            .unwrap();
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        for (username, role, unit_id) in [
            ("admin", Role::Admin, unit),
            ("leader", Role::Leadership, unit),
            ("longtian", Role::Responsible, town),
        ] {
            store
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
        // Problems and minutes are worked on a fixed day, so their deadlines in working days
        // stay on the built-in calendar whenever the tests run.
        let state = web::AppState::new(store.clone(), false)
            .on_day(chrono::NaiveDate::from_ymd_opt(2025, 10, 15).unwrap());
        let addr = serve(state).await;
        let client = browser(&format!("http://{addr}"));
        TestApp {
            base: format!("http://{addr}"),
            client,
            store,
            dialect,
            _db: db,
        }
    }

    /// Runs `test` on a fresh app over each backend the machine has (SQLite always,
    /// PostgreSQL when `GONGJIAN_TEST_POSTGRES` is set), one after the other.
    pub(crate) async fn each_backend<F, Fut>(test: F)
    where
        F: Fn(TestApp) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        for dialect in TestDb::backends() {
            test(TestApp::spawn(dialect).await).await;
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) async fn login(&self, username: &str) {
        let r = self
            .client
            .post(self.url("/api/login"))
            .json(&json!({"username": username, "password": "secret-pw"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// A second browser, signed in as another user.
    pub(crate) async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = browser(&self.base);
        let r = client
            .post(self.url("/api/login"))
            .json(&json!({"username": username, "password": "secret-pw"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        client
    }

    pub(crate) async fn post_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn put_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .put(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

/// A text as the pages show it: escaped by askama's own HTML escaper.
/// The real server over `state` on a random port, in the background; its address.
pub(crate) async fn serve(state: web::AppState) -> std::net::SocketAddr {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        web::serve(state, "127.0.0.1:0".parse().unwrap(), move |addr| {
            let _ = tx.send(addr);
        })
        .await
        .unwrap();
    });
    rx.await.unwrap()
}

/// A client that behaves as a browser on this app's pages: it keeps cookies, does not follow
/// redirects, and names the page's origin on what it sends (as browsers do), so forms pass the
/// same-origin check.
pub(crate) fn browser(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ORIGIN,
        reqwest::header::HeaderValue::from_str(base).unwrap(),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

pub(crate) fn askama_escape(text: &str) -> String {
    match askama::filters::escape(text, askama::filters::Html) {
        Ok(safe) => safe.to_string(),
        Err(never) => match never {},
    }
}

pub(crate) async fn send_json(
    client: &reqwest::Client,
    url: String,
    body: Value,
) -> (StatusCode, Value) {
    let r = client.post(url).json(&body).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn send_form(
    client: &reqwest::Client,
    url: String,
    form: &[(String, String)],
) -> (StatusCode, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

pub(crate) async fn fetch(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

pub(crate) fn pairs(items: &[(&str, String)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

/// Posts a multipart body. A refusal is answered before the body is read, and the connection
/// closed: a client still writing the body may see a broken pipe instead of the answer. A
/// refused upload stores nothing and one whose body was not sent in full is not taken, so it is
/// sent again.
pub(crate) async fn send_upload(
    client: &reqwest::Client,
    url: String,
    content_type: String,
    body: Vec<u8>,
) -> (StatusCode, String) {
    let mut tries = 0;
    let r = loop {
        let sent = client
            .post(url.clone())
            .header("content-type", content_type.clone())
            .body(body.clone())
            .send()
            .await;
        match sent {
            Err(e) if e.is_request() && tries < 5 => tries += 1,
            sent => break sent.unwrap(),
        }
    };
    (r.status(), r.text().await.unwrap())
}

/// A multipart body with one file field, as a browser sends it.
pub(crate) fn multipart(field: &str, file: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gongjian-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart body with one plain text field, as a browser sends a textarea.
pub(crate) fn multipart_text(field: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "gongjian-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}
