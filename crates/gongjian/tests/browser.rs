//! The demo in headless Chromium: sign in as the demo admin and find the demo projects in the
//! ledger table. Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); on a
//! machine without them the test says so and passes, unless `CI` or `GONGJIAN_REQUIRE_BROWSER`
//! is set, where a missing browser is a failure.
#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};

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

/// The demo served on a free port, chromedriver beside it, and sessions of headless Chromium;
/// everything is stopped when it is dropped.
struct Browser {
    base: String,
    driver_port: u16,
    dir: tempfile::TempDir,
    sessions: usize,
    _demo: Killed,
    _driver: Killed,
}

impl Browser {
    /// `None` (the test passes, saying so) where Chromium is not installed and not required.
    async fn start() -> Option<Browser> {
        let (chromium, driver) = (Path::new(CHROMIUM), Path::new("/usr/bin/chromedriver"));
        if !chromium.exists() || !driver.exists() {
            let required = std::env::var_os("CI").is_some()
                || std::env::var_os("GONGJIAN_REQUIRE_BROWSER").is_some();
            assert!(
                !required,
                "chromium and chromedriver are required here: apt-get install chromium chromium-driver"
            );
            eprintln!("skipped: chromium / chromedriver not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let demo = Killed(
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
        let driver = Killed(
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
        Some(Browser {
            base,
            driver_port,
            dir,
            sessions: 0,
            _demo: demo,
            _driver: driver,
        })
    }

    /// A new browser session (its own profile, so its own cookies) at this window size.
    async fn session(&mut self, width: u32, height: u32) -> Client {
        self.sessions += 1;
        let profile = self.dir.path().join(format!("profile-{}", self.sessions));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                         format!("--window-size={width},{height}"),
                         format!("--user-data-dir={}", profile.display())]
            }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.driver_port))
            .await
            .unwrap()
    }
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Signs in on the sign-in page the browser is on (the browser goes where the app sends it
/// afterwards, once it has left the sign-in page).
async fn fill_sign_in(client: &Client, username: &str) -> Result<(), CmdError> {
    client
        .wait()
        .for_element(Locator::Css("input[name=username]"))
        .await?
        .send_keys(username)
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
    until_url(client, |url| !url.contains("/login")).await?;
    client.wait().for_element(Locator::Css("main")).await?;
    Ok(())
}

/// Opens the sign-in page and signs in.
async fn sign_in(client: &Client, base: &str, username: &str) -> Result<(), CmdError> {
    client.goto(&format!("{base}/login")).await?;
    fill_sign_in(client, username).await
}

/// Waits until the browser's address is what `arrived` wants: the page an action or sign-in
/// leads to, so nothing is read from the page being left.
async fn until_url(client: &Client, arrived: impl Fn(&str) -> bool) -> Result<(), CmdError> {
    let started = Instant::now();
    loop {
        let url = client.current_url().await?;
        if arrived(url.as_str()) {
            return Ok(());
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the browser stayed on {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the page an action leads to (its address holds `needle`), then for its message.
async fn arrived(client: &Client, needle: &str) -> Result<(), CmdError> {
    until_url(client, |url| url.contains(needle)).await?;
    client
        .wait()
        .for_element(Locator::Css("main .notice"))
        .await?;
    Ok(())
}

/// The message the page shows after an action.
async fn message(client: &Client) -> Result<String, CmdError> {
    let notes = client
        .find_all(Locator::Css("main .notice, main .alert"))
        .await?;
    let mut text = Vec::new();
    for n in notes {
        text.push(n.text().await?);
    }
    Ok(text.join(" | "))
}

#[tokio::test]
async fn demo_ledger_in_headless_chromium() {
    let Some(mut browser) = Browser::start().await else {
        return;
    };
    let base = browser.base.clone();
    let client = browser.session(1366, 900).await;

    let result = async {
        client.goto(&format!("{base}/projects")).await?;
        // Not signed in: the browser lands on the sign-in page, and comes back after it.
        fill_sign_in(&client, "admin").await?;
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
    assert_eq!(
        total,
        (demo::DEMO_PROJECTS + demo::DEMO_LEAD_PROJECTS).to_string()
    );
    let demo = demo::demo_campaign();
    assert_eq!(
        names[0], demo.ledger.projects[0].fields.name,
        "the demo's first project is first"
    );
}

/// The four roles' main journeys through the real pages: a unit files and submits; the lead
/// office returns one report with its reason, approves another and publishes the ranking
/// (confirming it); a leader reads the overview on a phone. Each action's message is checked.
#[tokio::test]
async fn four_roles_walk_their_week() {
    let Some(mut browser) = Browser::start().await else {
        return;
    };
    let base = browser.base.clone();

    // 龙田镇 files a missing report at month end and submits.
    let unit = browser.session(1280, 900).await;
    let filed = async {
        sign_in(&unit, &base, "longtian").await?;
        let landed = unit.current_url().await?.path().to_string();
        unit.goto(&format!("{base}/reports")).await?;
        let form_url = unit.current_url().await?.path().to_string();
        let input = unit
            .wait()
            .for_element(Locator::Css("tr.state-missing input[name^=c_]"))
            .await?;
        input.send_keys("12.5").await?;
        unit.find(Locator::Css("button[value=submit]"))
            .await?
            .click()
            .await?;
        arrived(&unit, "done=submit").await?;
        Ok::<_, CmdError>((landed, form_url, message(&unit).await?))
    }
    .await;
    let _ = unit.close().await;
    let (landed, form_url, submitted) = filed.unwrap();
    assert_eq!(landed, "/todo", "a unit lands on its to-do");
    assert!(form_url.starts_with("/reports/"), "{form_url}");
    assert!(submitted.contains("已提交"), "{submitted}");

    // The lead office reviews 龙田镇: returns one with its reason, approves the next, publishes.
    let office = browser.session(1366, 900).await;
    let reviewed = async {
        sign_in(&office, &base, "fgj").await?;
        let landed = office.current_url().await?.path().to_string();
        office.goto(&format!("{base}{form_url}")).await?;
        let editable = office
            .find_all(Locator::Css("input[name^=c_]"))
            .await?
            .len();
        let rows = office
            .wait()
            .for_element(Locator::Css("input[name=pick]"))
            .await?;
        rows.click().await?;
        let first = rows.attr("value").await?.unwrap_or_default();
        office
            .find(Locator::Css(&format!("input[name=reason_{first}]")))
            .await?
            .send_keys("请补充形象进度照片")
            .await?;
        office
            .find(Locator::Css("#review button[value=return]"))
            .await?
            .click()
            .await?;
        arrived(&office, "done=return").await?;
        let returned = message(&office).await?;
        office
            .wait()
            .for_element(Locator::Css("input[name=pick]"))
            .await?
            .click()
            .await?;
        office
            .find(Locator::Css("#review button[value=approve]"))
            .await?
            .click()
            .await?;
        arrived(&office, "done=approve").await?;
        let approved = message(&office).await?;
        office.goto(&format!("{base}/rankings")).await?;
        office
            .wait()
            .for_element(Locator::Css("form[data-confirm] button.primary"))
            .await?
            .click()
            .await?;
        let asked = office.get_alert_text().await?;
        office.accept_alert().await?;
        arrived(&office, "revision=").await?;
        office
            .wait()
            .for_element(Locator::Css("main .notice.done"))
            .await?;
        let published = message(&office).await?;
        Ok::<_, CmdError>((landed, editable, returned, approved, asked, published))
    }
    .await;
    let _ = office.close().await;
    let (landed, editable, returned, approved, asked, published) = reviewed.unwrap();
    assert_eq!(landed, "/todo", "the lead office lands on its to-do");
    assert_eq!(
        editable, 0,
        "the reviewer is not shown the unit's editable form"
    );
    assert!(returned.contains("已退回"), "{returned}");
    assert!(approved.contains("审核通过"), "{approved}");
    assert!(
        asked.contains("确认发布") || asked.contains("尚未最终确定"),
        "{asked}"
    );
    assert!(published.contains("已发布排名"), "{published}");

    // A leader reads the overview on a phone: no sideways page, the menu opens the navigation.
    let leader = browser.session(390, 844).await;
    let read = async {
        sign_in(&leader, &base, "leader").await?;
        let landed = leader.current_url().await?.path().to_string();
        leader.wait().for_element(Locator::Css(".kpis")).await?;
        let wide = leader
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth + 1;",
                vec![],
            )
            .await?;
        let nav_before = leader
            .find(Locator::Id("nav"))
            .await?
            .is_displayed()
            .await?;
        leader
            .find(Locator::Css("header .menu"))
            .await?
            .click()
            .await?;
        let nav_after = leader
            .find(Locator::Id("nav"))
            .await?
            .is_displayed()
            .await?;
        let filing = leader
            .find_all(Locator::Css("#nav a[href='/reports']"))
            .await?
            .len();
        Ok::<_, CmdError>((landed, wide, nav_before, nav_after, filing))
    }
    .await;
    let _ = leader.close().await;
    let (landed, wide, nav_before, nav_after, filing) = read.unwrap();
    assert_eq!(landed, "/dashboard", "a leader lands on the overview");
    assert_eq!(
        wide,
        serde_json::Value::Bool(false),
        "no sideways scrolling"
    );
    assert!(
        !nav_before && nav_after,
        "the menu button opens the navigation"
    );
    assert_eq!(filing, 0, "a leader is never offered 月报填报");
}
