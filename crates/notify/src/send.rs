//! The channels that carry messages out: WeCom and DingTalk group robots, SMTP, an SMS gateway.
//! Each send either goes, or fails with a reason; the caller records which and retries.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use hmac::{Hmac, Mac};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::{Value, json};
use sha2::Sha256;
use store::Claimed;

use crate::config::{Channels, Robot, RobotKind, SmsConfig, SmtpConfig};

/// Posts a group robot takes a minute (both WeCom's and DingTalk's limit).
pub const ROBOT_PER_MINUTE: usize = 20;

/// How a message fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Not sent; worth trying again.
    Failed(String),
    /// The robot's minute is full: wait until this many seconds from now, no attempt spent.
    Later(u64),
}

/// Sends messages on the channels in force.
pub struct Sender {
    http: reqwest::Client,
    /// Replaced when the administration pages change a channel.
    channels: std::sync::RwLock<Channels>,
    /// What links start with (`https://xm.example.gov.cn`), else they are paths.
    link_base: Option<String>,
    /// Each robot's posts of the last minute.
    posted: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Sender {
    pub fn new(channels: Channels, link_base: Option<String>) -> Sender {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Sender {
            http,
            channels: std::sync::RwLock::new(channels),
            link_base: link_base.map(|b| b.trim_end_matches('/').to_string()),
            posted: Mutex::new(HashMap::new()),
        }
    }

    /// The channels in force now.
    pub fn channels(&self) -> Channels {
        self.channels
            .read()
            .map_or_else(|p| p.into_inner().clone(), |c| c.clone())
    }

    /// Puts new channels in force (read again after the administration pages change one).
    pub fn set_channels(&self, channels: Channels) {
        match self.channels.write() {
            Ok(mut c) => *c = channels,
            Err(p) => *p.into_inner() = channels,
        }
    }

    fn link(&self, path: &str) -> String {
        match &self.link_base {
            Some(base) => format!("{base}{path}"),
            None => path.to_string(),
        }
    }

    /// Sends one claimed message.
    pub async fn send(&self, m: &Claimed) -> Outcome {
        let channels = self.channels();
        let result = match m.channel.as_str() {
            "wecom" | "dingtalk" => {
                let Some(robot) = channels.robots.iter().find(|r| r.name == m.target) else {
                    return Outcome::Failed(format!(
                        "机器人“{}”已不在配置中 / the robot “{}” is no longer configured",
                        m.target, m.target
                    ));
                };
                if let Some(wait) = self.robot_minute_full(&robot.name) {
                    return Outcome::Later(wait);
                }
                self.robot(robot, m).await
            }
            "email" => match &channels.smtp {
                Some(smtp) => self.email(smtp, m).await,
                None => Err("未配置邮件服务器 / no SMTP server configured".into()),
            },
            "sms" => match &channels.sms {
                Some(sms) => self.sms(sms, m).await,
                None => Err("未配置短信网关 / no SMS gateway configured".into()),
            },
            other => Err(format!("未知通道 {other} / unknown channel {other}")),
        };
        match result {
            Ok(()) => Outcome::Sent,
            Err(e) => Outcome::Failed(e),
        }
    }

    /// Seconds to wait when the robot has posted its 20 of the last minute; else records one.
    fn robot_minute_full(&self, name: &str) -> Option<u64> {
        let now = Instant::now();
        let mut posted = self.posted.lock().unwrap_or_else(|p| p.into_inner());
        let times = posted.entry(name.to_string()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            times.pop_front();
        }
        if times.len() >= ROBOT_PER_MINUTE {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = 60u64
                .saturating_sub(now.duration_since(oldest).as_secs())
                .max(1);
            return Some(wait);
        }
        times.push_back(now);
        None
    }

    async fn robot(&self, robot: &Robot, m: &Claimed) -> Result<(), String> {
        let link = self.link(&m.link);
        let mentions = m.mentions();
        let text = format!("【项目攻坚】{}\n{}\n{}", m.subject, m.body, link);
        let markdown = format!("**{}**\n\n{}\n\n[查看详情]({})", m.subject, m.body, link);
        let (url, body) = match robot.kind {
            RobotKind::WeCom => {
                let body = if robot.markdown {
                    json!({"msgtype": "markdown", "markdown": {"content": markdown}})
                } else {
                    json!({"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mentions}})
                };
                (robot.url.clone(), body)
            }
            RobotKind::DingTalk => {
                let at = json!({"atMobiles": mentions, "isAtAll": false});
                let ats: String = mentions.iter().map(|m| format!(" @{m}")).collect();
                let body = if robot.markdown {
                    json!({"msgtype": "markdown", "markdown": {"title": m.subject, "text": format!("{markdown}{ats}")}, "at": at})
                } else {
                    json!({"msgtype": "text", "text": {"content": format!("{text}{ats}")}, "at": at})
                };
                let url = match &robot.secret {
                    Some(secret) => {
                        let ts = chrono::Utc::now().timestamp_millis();
                        let sep = if robot.url.contains('?') { '&' } else { '?' };
                        format!(
                            "{}{sep}timestamp={ts}&sign={}",
                            robot.url,
                            dingtalk_sign(ts, secret)
                        )
                    }
                    None => robot.url.clone(),
                };
                (url, body)
            }
        };
        let response = self
            .http
            .post(&url)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("无法连接机器人 / the robot could not be reached: {e}"))?;
        let status = response.status();
        let reply: Value = response.json().await.unwrap_or(Value::Null);
        let code = reply.get("errcode").and_then(Value::as_i64);
        if status.is_success() && code == Some(0) {
            Ok(())
        } else {
            let msg = reply
                .get("errmsg")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Err(format!(
                "机器人拒收 / the robot refused: HTTP {status}, errcode {}, {msg}",
                code.map_or_else(|| "—".into(), |c| c.to_string())
            ))
        }
    }

    async fn email(&self, smtp: &SmtpConfig, m: &Claimed) -> Result<(), String> {
        let bad = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
        let from = smtp
            .from
            .parse()
            .map_err(|e| bad("发件人地址无效 / invalid sender", &e))?;
        let to = m
            .target
            .parse()
            .map_err(|e| bad("收件人地址无效 / invalid recipient", &e))?;
        let email = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(&m.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(format!("{}\n\n{}\n", m.body, self.link(&m.link)))
            .map_err(|e| bad("邮件无法生成 / the e-mail could not be made", &e))?;
        // STARTTLS required when asked for, or whenever a password goes over the line; without
        // credentials and without a setting, an office relay that offers no STARTTLS is
        // written to in plain (opportunistic).
        let credentials = smtp.username.is_some() && smtp.password.is_some();
        let tls = smtp
            .tls
            .as_deref()
            .map(str::trim)
            .unwrap_or(if credentials {
                "starttls"
            } else {
                "opportunistic"
            });
        let params = || {
            TlsParameters::new(smtp.host.clone())
                .map_err(|e| bad("TLS 设置无效 / invalid TLS set-up", &e))
        };
        let (security, default_port) = match tls {
            "tls" | "ssl" => (Tls::Wrapper(params()?), 465),
            "none" | "plain" | "off" => (Tls::None, 25),
            "opportunistic" => (Tls::Opportunistic(params()?), 25),
            _ => (Tls::Required(params()?), 587),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .tls(security)
            .port(smtp.port.unwrap_or(default_port))
            .timeout(Some(Duration::from_secs(15)));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        builder
            .build()
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| bad("邮件发送失败 / the e-mail was not sent", &e))
    }

    async fn sms(&self, sms: &SmsConfig, m: &Claimed) -> Result<(), String> {
        let text = format!("【项目攻坚】{}", m.subject);
        let body = fill_template(&sms.body, &m.target, &text, &m.subject)?;
        let mut request = self
            .http
            .post(&sms.url)
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in &sms.headers {
            request = request.header(name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("无法连接短信网关 / the SMS gateway could not be reached: {e}"))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!(
                "短信网关拒收 / the SMS gateway refused: HTTP {status}"
            ))
        }
    }
}

/// DingTalk's signature of a robot call: HMAC-SHA256 of `timestamp\nsecret` keyed by the
/// secret, in base64, URL-encoded.
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    let sign = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    sign.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// The SMS body from its template, each value put in as a JSON string's contents; a template
/// that is not a JSON object once filled is refused.
pub fn fill_template(
    template: &str,
    mobile: &str,
    text: &str,
    subject: &str,
) -> Result<String, String> {
    let inner = |s: &str| {
        let quoted = Value::String(s.to_string()).to_string();
        quoted[1..quoted.len() - 1].to_string()
    };
    let body = template
        .replace("{mobile}", &inner(mobile))
        .replace("{text}", &inner(text))
        .replace("{subject}", &inner(subject));
    match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(_)) => Ok(body),
        Ok(_) => Err(
            "短信模板应为JSON对象，如 {\"phone\":\"{mobile}\",\"content\":\"{text}\"} / the SMS template should be a JSON object"
                .into(),
        ),
        Err(e) => Err(format!(
            "短信模板填入后不是有效的JSON / the SMS template is not JSON once filled: {e}"
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn dingtalk_signs_as_its_documentation_says() {
        // Recomputed independently: HMAC-SHA256("SECabc", "1700000000000\nSECabc"), base64.
        let sign = dingtalk_sign(1_700_000_000_000, "SECabc");
        let decoded = sign
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(decoded)
            .unwrap();
        assert_eq!(bytes.len(), 32);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"SECabc").unwrap();
        mac.update(b"1700000000000\nSECabc");
        mac.verify_slice(&bytes).unwrap();
        assert!(!sign.contains('+') && !sign.contains('/') && !sign.contains('='));
    }

    #[test]
    fn a_robot_posts_twenty_a_minute() {
        let sender = Sender::new(Channels::default(), None);
        for _ in 0..ROBOT_PER_MINUTE {
            assert_eq!(sender.robot_minute_full("wecom:龙田镇"), None);
        }
        let wait = sender.robot_minute_full("wecom:龙田镇").unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        // Another robot has its own minute.
        assert_eq!(sender.robot_minute_full("wecom:*"), None);
    }

    #[test]
    fn sms_templates_take_any_text_as_json() {
        let t = r#"{"phone":"{mobile}","content":"{text}"}"#;
        let body = fill_template(t, "13800000000", "他说\"好\"\n第二行", "s").unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["content"], "他说\"好\"\n第二行");
        assert!(fill_template("{text", "1", "x", "s").is_err());
    }
}
