//! Reminders on each backend, sent to local stand-ins of the real channels: a mock webhook server
//! for the WeCom and DingTalk robots and an SMS gateway (checking DingTalk's signature and
//! WeCom's body), and an SMTP sink. A day run twice sends nothing new; a failed delivery is
//! recorded and tried again; two instances send each message once.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::post;
use chrono::NaiveDate;
use domain::problem::{Category, Deadline, Level};
use domain::{ProjectFields, Role, Stage, UnitKind};
use notify::config::{RobotConfig, SmsConfig, SmtpConfig};
use notify::{Channels, NotifyConfig, Rhythm, Sender};
use serde_json::{Value, json};
use store::testing::{Backend, TestDb};
use store::{NewProblem, NewUser, Store};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const SECRET: &str = "SEC0123456789abcdef";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

type Params = std::collections::HashMap<String, String>;

/// What the stand-ins received: (path, query, body).
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(String, Params, Value)>>>);

impl Received {
    fn on(&self, path: &str) -> Vec<Value> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, _, b)| b.clone())
            .collect()
    }
}

/// `/robot/{name}`: answers as the robots do; `flaky` fails its first call; `dingtalk` checks
/// the signature of its timestamp with [`SECRET`].
async fn robot(
    State((seen, calls)): State<(Received, Arc<Mutex<u32>>)>,
    Path(name): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    Json(body): Json<Value>,
) -> (axum::http::StatusCode, Json<Value>) {
    if name == "dingtalk" {
        let ts: i64 = query
            .get("timestamp")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let expect = notify::send::dingtalk_sign(ts, SECRET)
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        // axum's Query has already decoded the URL encoding.
        if query.get("sign") != Some(&expect) {
            return (
                axum::http::StatusCode::OK,
                Json(json!({"errcode": 310000, "errmsg": "sign not match"})),
            );
        }
    }
    if name == "flaky" {
        let mut n = calls.lock().unwrap();
        *n += 1;
        if *n == 1 {
            return (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"errcode": -1, "errmsg": "system busy"})),
            );
        }
    }
    seen.0
        .lock()
        .unwrap()
        .push((format!("/robot/{name}"), query, body));
    (
        axum::http::StatusCode::OK,
        Json(json!({"errcode": 0, "errmsg": "ok"})),
    )
}

async fn sms(
    State((seen, _)): State<(Received, Arc<Mutex<u32>>)>,
    Json(body): Json<Value>,
) -> Json<Value> {
    seen.0
        .lock()
        .unwrap()
        .push(("/sms".into(), Default::default(), body));
    Json(json!({"code": 0}))
}

/// Starts the webhook stand-in; its base URL.
async fn webhooks(seen: Received) -> String {
    let app = Router::new()
        .route("/robot/{name}", post(robot))
        .route("/sms", post(sms))
        .with_state((seen, Arc::new(Mutex::new(0))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A minimal SMTP server that takes every message; the port and the messages' DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(vec![]));
    let kept = mails.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let mails = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            mails.lock().unwrap().push(data.take().unwrap_or_default());
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, mails)
}

struct Campaign {
    town: i64,
    problem: i64,
}

/// 龙田镇 with a clerk (mobile and e-mail), the lead office with its clerk, a project of the
/// town and a problem due on Thursday 9 October 2025, the day after National Day's holiday.
async fn campaign(store: &Store) -> Campaign {
    let town = store
        .create_unit("龙田镇", UnitKind::Town, None)
        .await
        .unwrap();
    let office = store
        .create_unit("福清市发改局", UnitKind::Department, None)
        .await
        .unwrap();
    for (username, role, unit) in [
        ("longtian", Role::Responsible, town),
        ("fgj", Role::LeadOffice, office),
    ] {
        store
            .create_user(NewUser {
                username,
                display_name: username,
                password: "a-long-password-1",
                role,
                unit_id: unit,
            })
            .await
            .unwrap();
    }
    store
        .set_contact(
            "longtian",
            Some("13800000001"),
            Some("longtian@example.gov.cn"),
        )
        .await
        .unwrap();
    let fields = ProjectFields {
        name: "龙田镇污水管网工程".into(),
        stage: Some(Stage::UnderConstruction),
        unit_id: Some(town),
        ..ProjectFields::default()
    };
    let project = store
        .create_project(&fields, None, "test")
        .await
        .unwrap()
        .id;
    let problem = store
        .raise_problem(
            &NewProblem {
                project_id: project,
                title: "施工用电未接入".into(),
                description: None,
                category: Category::Utilities,
                unit_id: None,
                co_units: vec![],
                raised_on: day(2025, 9, 20),
                deadline: Deadline::On(day(2025, 10, 9)),
                level: Level::Unit,
            },
            None,
            "test",
        )
        .await
        .unwrap();
    Campaign { town, problem }
}

fn config(base: &str, smtp_port: u16, flaky: bool) -> NotifyConfig {
    NotifyConfig {
        robot: vec![
            RobotConfig {
                kind: "wecom".into(),
                url: format!("{base}/robot/{}", if flaky { "flaky" } else { "wecom" }),
                unit: "龙田镇".into(),
                secret: None,
                format: None,
                name: None,
            },
            RobotConfig {
                kind: "dingtalk".into(),
                url: format!("{base}/robot/dingtalk?access_token=t"),
                unit: "*".into(),
                secret: Some(SECRET.into()),
                format: None,
                name: None,
            },
        ],
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(smtp_port),
            tls: Some("none".into()),
            username: None,
            password: None,
            from: "攻坚系统 <xm@example.gov.cn>".into(),
        }),
        sms: Some(SmsConfig {
            url: format!("{base}/sms"),
            body: r#"{"phone":"{mobile}","content":"{text}"}"#.into(),
            headers: Default::default(),
            kinds: vec![],
        }),
        ..NotifyConfig::default()
    }
}

#[tokio::test]
async fn t_minus_one_before_national_day_reaches_every_channel_once() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let c = campaign(&store).await;
        let seen = Received::default();
        let base = webhooks(seen.clone()).await;
        let (port, mails) = smtp_sink().await;
        let channels = Channels::load(&store, &config(&base, port, false))
            .await
            .unwrap();
        assert!(channels.warnings.is_empty(), "{:?}", channels.warnings);
        let sender = Sender::new(channels, Some("https://xm.example.gov.cn".into()));

        // Tuesday 30 September is the last working day before the holiday: T-1 of 9 October.
        let run = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 9, 30),
            false,
            true,
            "a",
        )
        .await
        .unwrap();
        let mut got: Vec<(String, String, String)> = run
            .messages
            .iter()
            .map(|m| (m.channel.clone(), m.to.clone(), m.state.clone()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "email".into(),
                    "longtian@example.gov.cn".into(),
                    "sent".into()
                ),
                ("inbox".into(), "longtian".into(), "sent".into()),
                ("sms".into(), "13800000001".into(), "sent".into()),
                ("wecom".into(), "wecom:龙田镇".into(), "sent".into()),
            ],
            "{run:#?}"
        );
        assert!(run.messages.iter().all(|m| m.kind == "problem_due"));

        // WeCom: a text with the town's clerk @-ed by mobile and the link in full.
        let wecom = seen.on("/robot/wecom");
        assert_eq!(wecom.len(), 1);
        assert_eq!(wecom[0]["msgtype"], "text");
        assert_eq!(
            wecom[0]["text"]["mentioned_mobile_list"],
            json!(["13800000001"])
        );
        let content = wecom[0]["text"]["content"].as_str().unwrap();
        assert!(content.contains("施工用电未接入"), "{content}");
        assert!(content.contains("2025-10-09"), "{content}");
        assert!(
            content.contains(&format!("https://xm.example.gov.cn/problems/{}", c.problem)),
            "{content}"
        );
        // SMS: the template filled as JSON.
        let sms = seen.on("/sms");
        assert_eq!(sms.len(), 1);
        assert_eq!(sms[0]["phone"], "13800000001");
        assert!(
            sms[0]["content"]
                .as_str()
                .unwrap()
                .contains("施工用电未接入")
        );
        // E-mail: one message to the clerk.
        let mail = mails.lock().unwrap().clone();
        assert_eq!(mail.len(), 1);
        assert!(mail[0].contains("longtian@example.gov.cn"), "{}", mail[0]);

        // The holiday itself brings nothing; the same day again sends nothing new.
        for on in [day(2025, 10, 3), day(2025, 9, 30)] {
            let again = notify::run_day(&store, &sender, &Rhythm::default(), on, false, true, "a")
                .await
                .unwrap();
            assert!(again.messages.is_empty(), "{on}: {again:#?}");
        }
        assert_eq!(seen.on("/robot/wecom").len(), 1);
        assert_eq!(mails.lock().unwrap().len(), 1);

        // The due day goes to the same places; the inbox counts it unread until read.
        let user = store.user_by_username("longtian").await.unwrap().unwrap();
        assert_eq!(store.unread_count(user.id).await.unwrap(), 1);
        let due = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 10, 9),
            false,
            true,
            "a",
        )
        .await
        .unwrap();
        let problem_due: Vec<_> = due
            .messages
            .iter()
            .filter(|m| m.kind == "problem_due")
            .collect();
        assert_eq!(problem_due.len(), 4, "{due:#?}");
        assert_eq!(store.unread_count(user.id).await.unwrap(), 2);
        let inbox = store.inbox(user.id, 10).await.unwrap();
        assert!(
            inbox[0].subject.contains("今日到期"),
            "{}",
            inbox[0].subject
        );
        assert_eq!(
            store.mark_read(user.id, Some(inbox[0].id)).await.unwrap(),
            1
        );
        assert_eq!(store.unread_count(user.id).await.unwrap(), 1);
        assert_eq!(store.mark_read(user.id, None).await.unwrap(), 1);
        assert_eq!(store.unread_count(user.id).await.unwrap(), 0);
        let _ = c.town;
    })
    .await;
}

#[tokio::test]
async fn escalations_reach_the_lead_offices_dingtalk_group_signed() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let c = campaign(&store).await;
        let seen = Received::default();
        let base = webhooks(seen.clone()).await;
        let (port, _mails) = smtp_sink().await;
        let office = store.user_by_username("fgj").await.unwrap().unwrap();
        store
            .set_contact("fgj", Some("13900000002"), None)
            .await
            .unwrap();
        let sender = Sender::new(
            Channels::load(&store, &config(&base, port, false))
                .await
                .unwrap(),
            None,
        );
        // The 6th working day after 9 October the problem reaches the weekly meeting (level 3):
        // 10, 11 (a worked Saturday), 13, 14, 15, 16 October. Told the day after, all the same.
        let run = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 10, 17),
            false,
            true,
            "a",
        )
        .await
        .unwrap();
        let escalations: Vec<_> = run
            .messages
            .iter()
            .filter(|m| m.kind == "escalation")
            .collect();
        assert!(
            escalations
                .iter()
                .any(|m| m.channel == "dingtalk" && m.state == "sent"),
            "{run:#?}"
        );
        assert!(
            escalations
                .iter()
                .any(|m| m.channel == "inbox" && m.to == "fgj")
        );
        // Friday 17 October also announces the weekly bulletin to the same group.
        let posts: Vec<Value> = seen
            .on("/robot/dingtalk")
            .into_iter()
            .filter(|p| p["text"]["content"].as_str().unwrap().contains("问题升级"))
            .collect();
        assert_eq!(
            posts.len(),
            1,
            "one post, signed (a bad signature is refused)"
        );
        assert_eq!(posts[0]["at"]["atMobiles"], json!(["13900000002"]));
        assert!(
            posts[0]["text"]["content"]
                .as_str()
                .unwrap()
                .contains("周例会")
        );
        let inbox = store.inbox(office.id, 10).await.unwrap();
        assert!(
            inbox
                .iter()
                .any(|n| n.link == format!("/problems/{}", c.problem))
        );
        // Told once: the next working day does not repeat it.
        let next = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 10, 20),
            false,
            true,
            "a",
        )
        .await
        .unwrap();
        assert!(
            next.messages.iter().all(|m| m.kind != "escalation"),
            "{next:#?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_failed_delivery_is_recorded_and_tried_again() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        campaign(&store).await;
        let seen = Received::default();
        let base = webhooks(seen.clone()).await;
        let (port, _mails) = smtp_sink().await;
        let sender = Sender::new(
            Channels::load(&store, &config(&base, port, true))
                .await
                .unwrap(),
            None,
        );
        let run = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 9, 30),
            false,
            true,
            "a",
        )
        .await
        .unwrap();
        let robot = run.messages.iter().find(|m| m.channel == "wecom").unwrap();
        assert_eq!(robot.state, "pending");
        assert!(robot.error.as_deref().unwrap().contains("500"), "{robot:?}");
        let record = store
            .deliveries(&store::DeliveryFilter {
                channel: Some("wecom".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(record.len(), 1);
        assert_eq!(
            (record[0].attempts, record[0].state.as_str()),
            (1, "pending")
        );
        assert!(record[0].next_at > chrono::Utc::now().timestamp() + 30);

        // Not before its backoff ends; then it goes, recorded with its second attempt.
        assert_eq!(
            notify::deliver(&store, &sender, "a", false).await.unwrap(),
            0
        );
        sqlx::query("UPDATE notifications SET next_at = 0 WHERE state = 'pending'")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(
            notify::deliver(&store, &sender, "a", false).await.unwrap(),
            1
        );
        let record = store
            .deliveries(&store::DeliveryFilter {
                channel: Some("wecom".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((record[0].attempts, record[0].state.as_str()), (2, "sent"));
        assert!(record[0].sent_at.is_some());
        assert_eq!(seen.on("/robot/flaky").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn two_instances_run_a_day_once_and_send_each_message_once() {
    TestDb::each_backend(|Backend { store, url, .. }| async move {
        campaign(&store).await;
        let other = Store::open(&url).await.unwrap();
        let seen = Received::default();
        let base = webhooks(seen.clone()).await;
        let (port, mails) = smtp_sink().await;
        let config = config(&base, port, false);
        let a = Sender::new(Channels::load(&store, &config).await.unwrap(), None);
        let b = Sender::new(Channels::load(&other, &config).await.unwrap(), None);
        let on = day(2025, 9, 30);
        let rhythm = Rhythm::default();
        let (ra, rb) = tokio::join!(
            notify::remind_once(&store, &a, &rhythm, on, "instance-a"),
            notify::remind_once(&other, &b, &rhythm, on, "instance-b"),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(
            ra.is_some() != rb.is_some(),
            "exactly one instance ran the day"
        );
        // Both send what waits, at once: still one of each.
        let (sa, sb) = tokio::join!(
            notify::deliver(&store, &a, "instance-a", true),
            notify::deliver(&other, &b, "instance-b", true),
        );
        let _ = (sa.unwrap(), sb.unwrap());
        assert_eq!(seen.on("/robot/wecom").len(), 1);
        assert_eq!(seen.on("/sms").len(), 1);
        assert_eq!(mails.lock().unwrap().len(), 1);
        // The slot is done: a later start of either does not run it again.
        assert!(
            notify::remind_once(&other, &b, &Rhythm::default(), on, "instance-c")
                .await
                .unwrap()
                .is_none()
        );
        other.close().await;
    })
    .await;
}

#[tokio::test]
async fn missing_reports_are_chased_before_on_and_after_their_deadline() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let c = campaign(&store).await;
        // A project with an annual plan must report monthly; June's reports are due 3 July.
        let fields = ProjectFields {
            name: "龙田镇标准厂房".into(),
            stage: Some(Stage::UnderConstruction),
            unit_id: Some(c.town),
            annual_plan: Some(domain::Money::from_wan(1200)),
            plan_year: Some(2025),
            ..ProjectFields::default()
        };
        store.create_project(&fields, None, "test").await.unwrap();
        let sender = Sender::new(Channels::default(), None);
        let kinds = |run: &notify::DayRun| -> Vec<(String, String)> {
            run.messages
                .iter()
                .filter(|m| m.kind.starts_with("report"))
                .map(|m| (m.kind.clone(), m.subject.clone()))
                .collect()
        };
        let cases = [
            (day(2025, 6, 30), Some("还有3个工作日到期")),
            (day(2025, 7, 1), None),
            (day(2025, 7, 2), Some("明日（下一工作日）到期")),
            (day(2025, 7, 3), Some("今日到期")),
            (day(2025, 7, 4), Some("已逾期1个工作日")),
            (day(2025, 7, 5), None),
            (day(2025, 7, 7), Some("已逾期2个工作日")),
        ];
        for (on, expect) in cases {
            let run = notify::run_day(&store, &sender, &Rhythm::default(), on, false, false, "a")
                .await
                .unwrap();
            let got = kinds(&run);
            match expect {
                None => assert!(got.is_empty(), "{on}: {got:?}"),
                Some(phrase) => {
                    assert_eq!(got.len(), 1, "{on}: {got:?}");
                    assert!(got[0].1.contains("2025年6月"), "{on}: {got:?}");
                    assert!(got[0].1.contains("1个项目未提交"), "{on}: {got:?}");
                    assert!(got[0].1.contains(phrase), "{on}: {got:?}");
                }
            }
        }
        // The lead office's one-tap 催报: once a day per unit, whatever the day.
        let june = domain::progress::Period::parse("2025-06").unwrap();
        let first = notify::chase_reports(&store, &sender, &june, day(2025, 7, 8), "a")
            .await
            .unwrap();
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(first[0].subject.starts_with("【催报】"), "{first:?}");
        let again = notify::chase_reports(&store, &sender, &june, day(2025, 7, 8), "a")
            .await
            .unwrap();
        assert!(again.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_weekly_bulletin_and_the_analysis_are_announced_on_their_days() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        campaign(&store).await;
        let sender = Sender::new(Channels::default(), None);
        let announced = |run: &notify::DayRun| -> Vec<(String, String)> {
            run.messages
                .iter()
                .filter(|m| matches!(m.kind.as_str(), "weekly_bulletin" | "analysis"))
                .map(|m| (m.kind.clone(), m.to.clone()))
                .collect()
        };
        let friday = Rhythm::default();
        let saturday = Rhythm {
            bulletin_day: chrono::Weekday::Sat,
        };
        let sunday = Rhythm {
            bulletin_day: chrono::Weekday::Sun,
        };
        // (rhythm, day, what is announced to the lead office). September's reports were due on
        // 3 October, in the holiday: the analysis comes on the first working day after, the 9th.
        let cases: [(&Rhythm, NaiveDate, &[&str]); 6] = [
            (&friday, day(2025, 10, 9), &["analysis"]),
            (&friday, day(2025, 10, 10), &["weekly_bulletin"]),
            // A make-up Saturday is a working day.
            (&saturday, day(2025, 10, 11), &["weekly_bulletin"]),
            // A Sunday off, the last day of its week: no bulletin that week.
            (&sunday, day(2025, 10, 12), &[]),
            // Friday 3 October is a holiday and so is the rest of that week.
            (&friday, day(2025, 10, 3), &[]),
            (&friday, day(2025, 9, 4), &["analysis"]),
        ];
        for (rhythm, on, expect) in cases {
            let run = notify::run_day(&store, &sender, rhythm, on, true, false, "a")
                .await
                .unwrap();
            let got: Vec<String> = announced(&run).into_iter().map(|(k, _)| k).collect();
            assert_eq!(got, *expect, "{on}");
            assert!(announced(&run).iter().all(|(_, to)| to == "fgj"), "{on}");
        }
        let run = notify::run_day(
            &store,
            &sender,
            &friday,
            day(2025, 10, 10),
            false,
            false,
            "a",
        )
        .await
        .unwrap();
        assert!(!announced(&run).is_empty());
        let office = store.user_by_username("fgj").await.unwrap().unwrap();
        let inbox = store.inbox(office.id, 20).await.unwrap();
        assert!(
            inbox
                .iter()
                .any(|n| n.link == "/documents/weekly-bulletin.docx?as_of=2025-10-10"),
            "{inbox:#?}"
        );
    })
    .await;
}

#[tokio::test]
async fn mail_goes_to_an_office_relay_and_a_password_needs_starttls() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        campaign(&store).await;
        let (port, mails) = smtp_sink().await;
        let smtp = |tls: Option<&str>, password: Option<&str>| NotifyConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port: Some(port),
                tls: tls.map(str::to_string),
                username: password.map(|_| "xm".to_string()),
                password: password.map(str::to_string),
                from: "攻坚系统 <xm@example.gov.cn>".into(),
            }),
            ..NotifyConfig::default()
        };
        // No setting and no password: the relay offers no STARTTLS, the mail goes in plain.
        let sender = Sender::new(
            Channels::load(&store, &smtp(None, None)).await.unwrap(),
            None,
        );
        let run = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 9, 30),
            false,
            false,
            "a",
        )
        .await
        .unwrap();
        let mail = run.messages.iter().find(|m| m.channel == "email").unwrap();
        assert_eq!(mail.state, "sent", "{mail:?}");
        assert_eq!(mails.lock().unwrap().len(), 1);
        // A password is never sent in plain: STARTTLS is required, and this relay has none.
        let sender = Sender::new(
            Channels::load(&store, &smtp(None, Some("secret")))
                .await
                .unwrap(),
            None,
        );
        let run = notify::run_day(
            &store,
            &sender,
            &Rhythm::default(),
            day(2025, 10, 9),
            false,
            false,
            "a",
        )
        .await
        .unwrap();
        let mail = run.messages.iter().find(|m| m.channel == "email").unwrap();
        assert_eq!(mail.state, "pending", "{mail:?}");
        assert!(
            mail.error.as_deref().unwrap().contains("邮件发送失败"),
            "{mail:?}"
        );
        assert_eq!(mails.lock().unwrap().len(), 1);
    })
    .await;
}
