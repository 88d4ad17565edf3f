//! The demo in headless Chromium: sign in as the demo admin and find the demo projects in the
//! ledger table. Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); on a
//! machine without them the test says so and passes, unless `CI` or `GONGJIAN_REQUIRE_BROWSER`
//! is set, where a missing browser is a failure.
#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_http(url: &str, within: Duration) {
    let started = Instant::now();
    let client = reqwest::Client::new();
    loop {
        if client.get(url).send().await.is_ok() {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{url} did not answer within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn demo_ledger_in_headless_chromium() {
    let (chromium, driver) = (
        Path::new("/usr/bin/chromium"),
        Path::new("/usr/bin/chromedriver"),
    );
    if !chromium.exists() || !driver.exists() {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("GONGJIAN_REQUIRE_BROWSER").is_some();
        assert!(
            !required,
            "chromium and chromedriver are required here: apt-get install chromium chromium-driver"
        );
        eprintln!("skipped: chromium / chromedriver not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _demo = Killed(
        Command::new(env!("CARGO_BIN_EXE_gongjian"))
            .args([
                "demo",
                "--db",
                dir.path().join("demo.db").to_str().unwrap(),
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    wait_for_http(&format!("{base}/healthz"), Duration::from_secs(60)).await;

    let driver_port = free_port();
    let _driver = Killed(
        Command::new(driver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_http(
        &format!("http://127.0.0.1:{driver_port}/status"),
        Duration::from_secs(30),
    )
    .await;

    let profile = dir.path().join("profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .unwrap();

    let result = async {
        client.goto(&format!("{base}/projects")).await?;
        // Not signed in: the browser lands on the sign-in page.
        client
            .wait()
            .for_element(Locator::Css("input[name=username]"))
            .await?
            .send_keys("admin")
            .await?;
        client
            .find(Locator::Css("input[name=password]"))
            .await?
            .send_keys("gongjian-demo")
            .await?;
        client
            .find(Locator::Css("button.primary"))
            .await?
            .click()
            .await?;
        let table = client.wait().for_element(Locator::Id("ledger")).await?;
        let rows = table.find_all(Locator::Css("tbody tr td.name a")).await?;
        let mut names = Vec::new();
        for row in rows.iter().take(5) {
            names.push(row.text().await?);
        }
        let total = client.find(Locator::Id("total")).await?.text().await?;

        // The overview: its charts are drawn and laid out, its ranking filled.
        client.goto(&format!("{base}/dashboard")).await?;
        client
            .wait()
            .for_element(Locator::Id("dash-ranking"))
            .await?;
        let charts = client
            .execute(
                "return Array.from(document.querySelectorAll('.chart svg')).map(function (s) { \
                   var r = s.getBoundingClientRect(); \
                   return [Math.round(r.width), Math.round(r.height), s.textContent]; });",
                vec![],
            )
            .await?;
        let ranked = client
            .find_all(Locator::Css("#dash-ranking tbody tr"))
            .await?
            .len();
        Ok::<_, fantoccini::error::CmdError>((rows.len(), names, total, charts, ranked))
    }
    .await;
    let _ = client.close().await;
    let (rows, names, total, charts, ranked) = result.unwrap();
    let charts = charts.as_array().cloned().unwrap_or_default();
    assert_eq!(charts.len(), 2, "{charts:?}");
    for chart in &charts {
        assert!(
            chart[0].as_f64().unwrap_or(0.0) > 300.0,
            "laid out: {chart}"
        );
        assert!(
            chart[1].as_f64().unwrap_or(0.0) > 150.0,
            "laid out: {chart}"
        );
    }
    assert!(charts[0][2].as_str().unwrap_or("").contains("累计完成投资"));
    assert!(charts[1][2].as_str().unwrap_or("").contains("红灯"));
    assert!(ranked >= 12, "every unit ranked: {ranked}");
    assert_eq!(rows, 50, "a full first page");
    assert_eq!(total, domain::demo::DEMO_PROJECTS.to_string());
    let demo = domain::demo::demo_campaign();
    assert_eq!(
        names[0], demo.projects[0].fields.name,
        "the demo's first project is first"
    );
}
