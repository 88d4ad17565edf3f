//! The `[notify]` section of `gongjian.toml`, and the channels in force: the file's beside those
//! set up in the administration pages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use store::Store;

/// `[notify]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Whether `serve` runs the day's reminders and sends messages.
    pub enabled: bool,
    /// China time at which the day's reminders are made, `HH:MM`.
    pub remind_at: String,
    /// The weekday the weekly bulletin (一周一通报) is announced: `mon` … `sun` (default `fri`);
    /// on a day off, the first working day after it in the same week.
    pub bulletin_day: String,
    /// Group robots: `[[notify.robot]] kind = "wecom" url = "…" unit = "龙田镇"`.
    pub robot: Vec<RobotConfig>,
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            enabled: true,
            remind_at: "08:30".into(),
            bulletin_day: "fri".into(),
            robot: vec![],
            smtp: None,
            sms: None,
        }
    }
}

/// A WeCom (企业微信) or DingTalk (钉钉) group robot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobotConfig {
    /// `wecom` or `dingtalk`.
    pub kind: String,
    /// The robot's webhook address.
    #[serde(alias = "webhook")]
    pub url: String,
    /// The unit whose group it posts to, by name; `*` for the lead office's group.
    #[serde(alias = "group")]
    pub unit: String,
    /// DingTalk's signing secret (加签), when the robot has one.
    #[serde(default, alias = "sign_secret")]
    pub secret: Option<String>,
    /// `text` (the default; @ by mobile number) or `markdown`.
    #[serde(default)]
    pub format: Option<String>,
    /// A name for the delivery record (default: kind and unit).
    #[serde(default)]
    pub name: Option<String>,
}

/// An SMTP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 587 with `starttls`, 465 with `tls`, 25 otherwise.
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (required; the default with a username and password), `tls` (implicit, port
    /// 465), `opportunistic` (STARTTLS when the server offers it; the default without
    /// credentials) or `none` (a relay on the office's own network).
    #[serde(default, alias = "security", alias = "encryption")]
    pub tls: Option<String>,
    #[serde(default, alias = "user")]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, as `攻坚系统 <xm@example.gov.cn>`.
    #[serde(alias = "sender")]
    pub from: String,
}

/// A generic HTTP SMS gateway: a POST of a JSON body made from a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub url: String,
    /// The JSON body with `{mobile}`, `{text}` and `{subject}` (each put in as a JSON string's
    /// contents), e.g. `{"phone":"{mobile}","content":"{text}"}`.
    #[serde(alias = "template", alias = "body_template")]
    pub body: String,
    /// Headers sent with it (a token).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The kinds of message sent by SMS (empty: every kind).
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// A robot in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Robot {
    pub name: String,
    pub kind: RobotKind,
    pub url: String,
    pub secret: Option<String>,
    pub markdown: bool,
    /// The unit whose group it is (`None`: the lead office's).
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RobotKind {
    WeCom,
    DingTalk,
}

impl RobotKind {
    pub fn parse(s: &str) -> Option<RobotKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wecom" | "wework" | "企业微信" => Some(RobotKind::WeCom),
            "dingtalk" | "钉钉" => Some(RobotKind::DingTalk),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RobotKind::WeCom => "wecom",
            RobotKind::DingTalk => "dingtalk",
        }
    }
}

/// Every channel in force.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    pub robots: Vec<Robot>,
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    /// What did not read (a robot of an unknown unit or kind), said and left out.
    pub warnings: Vec<domain::Bilingual>,
}

impl Channels {
    /// The channels of the configuration file and of the administration pages.
    pub async fn load(store: &Store, config: &NotifyConfig) -> store::Result<Channels> {
        let units = store.units().await?;
        let mut c = Channels {
            smtp: config.smtp.clone(),
            sms: config.sms.clone(),
            ..Channels::default()
        };
        for r in &config.robot {
            let Some(kind) = RobotKind::parse(&r.kind) else {
                c.warnings.push(domain::bi(
                    format!("机器人类型“{}”无效，应为 wecom 或 dingtalk", r.kind),
                    format!("robot kind “{}” is not wecom or dingtalk", r.kind),
                ));
                continue;
            };
            let unit = r.unit.trim();
            let unit_id = if unit == "*" {
                None
            } else if let Some(u) = units.iter().find(|u| u.name == unit) {
                Some(u.id)
            } else {
                c.warnings.push(domain::bi(
                    format!("机器人所属单位“{unit}”不存在"),
                    format!("the robot's unit “{unit}” does not exist"),
                ));
                continue;
            };
            c.robots.push(Robot {
                name: r
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}:{unit}", kind.code())),
                kind,
                url: r.url.clone(),
                secret: r.secret.clone().filter(|s| !s.is_empty()),
                markdown: r.format.as_deref() == Some("markdown"),
                unit_id,
            });
        }
        for s in store
            .stored_channels()
            .await?
            .into_iter()
            .filter(|s| s.active)
        {
            let settings: BTreeMap<String, String> =
                serde_json::from_str(&s.settings).unwrap_or_default();
            match s.kind.as_str() {
                "email" if c.smtp.is_none() => {
                    c.smtp = Some(SmtpConfig {
                        host: s.url.clone(),
                        port: settings.get("port").and_then(|p| p.parse().ok()),
                        tls: settings.get("tls").cloned(),
                        username: settings.get("username").cloned(),
                        password: s.secret.clone(),
                        from: settings.get("from").cloned().unwrap_or_default(),
                    })
                }
                "sms" if c.sms.is_none() => {
                    c.sms = Some(SmsConfig {
                        url: s.url.clone(),
                        body: settings.get("body").cloned().unwrap_or_default(),
                        headers: s
                            .secret
                            .clone()
                            .map(|t| BTreeMap::from([("Authorization".to_string(), t)]))
                            .unwrap_or_default(),
                        kinds: vec![],
                    })
                }
                kind => {
                    if let Some(kind) = RobotKind::parse(kind) {
                        c.robots.push(Robot {
                            name: s.name.clone(),
                            kind,
                            url: s.url.clone(),
                            secret: s.secret.clone().filter(|s| !s.is_empty()),
                            markdown: settings.get("format").map(String::as_str)
                                == Some("markdown"),
                            unit_id: s.unit_id,
                        });
                    }
                }
            }
        }
        Ok(c)
    }
}

/// The campaign's rhythm beyond reminders: when the documents are announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rhythm {
    /// The weekly bulletin's weekday.
    pub bulletin_day: chrono::Weekday,
}

impl Default for Rhythm {
    fn default() -> Self {
        Rhythm {
            bulletin_day: chrono::Weekday::Fri,
        }
    }
}

impl NotifyConfig {
    /// The rhythm as configured, or why it does not read.
    pub fn rhythm(&self) -> Result<Rhythm, domain::Bilingual> {
        let day = self.bulletin_day.trim();
        let bulletin_day = day.parse::<chrono::Weekday>().map_err(|_| {
            domain::bi(
                format!("notify.bulletin_day“{day}”无效，应为 mon…sun"),
                format!("invalid notify.bulletin_day “{day}”: mon … sun expected"),
            )
        })?;
        Ok(Rhythm { bulletin_day })
    }
}

/// `HH:MM` as minutes after midnight.
pub fn minutes_of(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A secret shown back: its first and last two characters.
pub fn masked(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 6 {
        return "••••".into();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}••••{tail}")
}
