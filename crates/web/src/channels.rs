//! The administrator's messages page (通知设置): the channels messages go out on — group robots
//! per unit and the lead office's, SMTP, an SMS gateway — those of `gongjian.toml` shown beside
//! those set up here, secrets never shown back in full; and the delivery record: every message,
//! to whom, on which channel, when, and how it fared.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::{Bilingual, bi};
use notify::config::{RobotKind, masked};
use serde::Deserialize;
use store::{DeliveryFilter, NewChannel, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::{format_time, render_form};
use crate::{layout, policy};

pub struct ChannelRow {
    id: Option<i64>,
    kind: String,
    name: String,
    group: String,
    url: String,
    secret: String,
}

pub struct DeliveryRow {
    at: String,
    channel: String,
    to: String,
    subject: String,
    state: String,
    failed: bool,
    attempts: i64,
    error: String,
}

#[derive(Template)]
#[template(path = "admin_notify.html")]
struct NotifyTemplate {
    tr: Tr,
    user: SessionUser,
    channels: Vec<ChannelRow>,
    units: Vec<(i64, String)>,
    deliveries: Vec<DeliveryRow>,
    filter: RecordQuery,
    form: ChannelForm,
    errors: Vec<String>,
}

/// The delivery record's filter.
#[derive(Deserialize, Default, Clone)]
pub struct RecordQuery {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    state: String,
}

/// A channel as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ChannelForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// A unit's id, "" for the lead office's group.
    #[serde(default)]
    unit: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
    /// Robots: `text` or `markdown`.
    #[serde(default)]
    format: String,
    /// SMTP: port, `starttls`/`tls`/`none`, username, sender.
    #[serde(default)]
    port: String,
    #[serde(default)]
    tls: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    from: String,
    /// SMS: the JSON body template.
    #[serde(default)]
    body: String,
}

impl ChannelForm {
    /// The channel to store, or what is wrong with the form.
    fn checked(&self) -> Result<NewChannel, Vec<Bilingual>> {
        let mut problems = vec![];
        let kind = self.kind.trim();
        let name = self.name.trim();
        let url = self.url.trim();
        if name.is_empty() || url.is_empty() {
            problems.push(bi(
                "请填写名称和地址（邮件为服务器地址）",
                "give a name and the address (the server's, for e-mail)",
            ));
        }
        let unit_id = match self.unit.trim() {
            "" => None,
            id => match id.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    problems.push(bi("所选单位不存在", "the chosen unit does not exist"));
                    None
                }
            },
        };
        let mut settings = std::collections::BTreeMap::new();
        let robot = RobotKind::parse(kind).is_some();
        if (robot || kind == "sms") && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problems.push(bi(
                "地址应以 https:// 开头",
                "the address should start with https://",
            ));
        }
        match kind {
            _ if robot => {
                if self.format.trim() == "markdown" {
                    settings.insert("format", "markdown".to_string());
                }
            }
            "email" => {
                if !self.port.trim().is_empty() && self.port.trim().parse::<u16>().is_err() {
                    problems.push(bi("端口应为数字", "the port should be a number"));
                }
                if !store::valid_email(
                    self.from
                        .trim()
                        .rsplit_once('<')
                        .map_or(self.from.trim(), |(_, a)| a.trim_end_matches('>')),
                ) {
                    problems.push(bi("请填写有效的发件人地址", "give a valid sender address"));
                }
                for (key, value) in [
                    ("port", &self.port),
                    ("tls", &self.tls),
                    ("username", &self.username),
                    ("from", &self.from),
                ] {
                    if !value.trim().is_empty() {
                        settings.insert(key, value.trim().to_string());
                    }
                }
            }
            "sms" => {
                if let Err(e) =
                    notify::send::fill_template(&self.body, "13800000000", "测试", "测试")
                {
                    problems.push(bi(e.clone(), e));
                }
                settings.insert("body", self.body.trim().to_string());
            }
            _ => problems.push(bi(
                "请选择类型：企业微信、钉钉、邮件或短信",
                "choose a kind: WeCom, DingTalk, e-mail or SMS",
            )),
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewChannel {
            kind: kind.to_string(),
            name: name.to_string(),
            unit_id: if robot { unit_id } else { None },
            url: url.to_string(),
            secret: Some(self.secret.trim().to_string()).filter(|s| !s.is_empty()),
            settings: serde_json::to_string(&settings).unwrap_or_else(|_| "{}".into()),
        })
    }
}

/// A webhook address shown back: the host and path, each query value masked (a WeCom robot's
/// key is its secret).
fn masked_url(url: &str) -> String {
    match url.split_once('?') {
        None => url.to_string(),
        Some((base, query)) => {
            let parts: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) => format!("{k}={}", masked(v)),
                    None => pair.to_string(),
                })
                .collect();
            format!("{base}?{}", parts.join("&"))
        }
    }
}

fn may(user: &SessionUser) -> Result<(), AppError> {
    if policy::manages_channels(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    filter: RecordQuery,
    form: ChannelForm,
    errors: Vec<Bilingual>,
) -> PageResult {
    let lang = tr.lang;
    let units = state.store.units().await?;
    let unit_name = |id: Option<i64>| match id {
        None => tr.t("notify.lead_group").to_string(),
        Some(id) => units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
    };
    let config = &state.notifier.config;
    let mut channels: Vec<ChannelRow> = config
        .robot
        .iter()
        .map(|r| ChannelRow {
            id: None,
            kind: r.kind.clone(),
            name: r
                .name
                .clone()
                .unwrap_or_else(|| format!("{}:{}", r.kind, r.unit)),
            group: if r.unit == "*" {
                tr.t("notify.lead_group").to_string()
            } else {
                r.unit.clone()
            },
            url: masked_url(&r.url),
            secret: r.secret.as_deref().map(masked).unwrap_or_default(),
        })
        .collect();
    if let Some(smtp) = &config.smtp {
        channels.push(ChannelRow {
            id: None,
            kind: "email".into(),
            name: smtp.from.clone(),
            group: String::new(),
            url: smtp.host.clone(),
            secret: smtp.password.as_deref().map(masked).unwrap_or_default(),
        });
    }
    if let Some(sms) = &config.sms {
        channels.push(ChannelRow {
            id: None,
            kind: "sms".into(),
            name: "sms".into(),
            group: String::new(),
            url: masked_url(&sms.url),
            secret: String::new(),
        });
    }
    for c in state.store.stored_channels().await? {
        channels.push(ChannelRow {
            id: Some(c.id),
            group: if RobotKind::parse(&c.kind).is_some() {
                unit_name(c.unit_id)
            } else {
                String::new()
            },
            kind: c.kind,
            name: c.name,
            url: masked_url(&c.url),
            secret: c.secret.as_deref().map(masked).unwrap_or_default(),
        });
    }
    let deliveries = state
        .store
        .deliveries(&DeliveryFilter {
            channel: Some(filter.channel.clone()).filter(|c| !c.is_empty()),
            state: Some(filter.state.clone()).filter(|c| !c.is_empty()),
            as_of: None,
            limit: 200,
        })
        .await?
        .into_iter()
        .map(|n| DeliveryRow {
            at: format_time(n.sent_at.unwrap_or(n.created_at)),
            failed: n.state == "failed",
            state: state_label(&n.state, &tr).to_string(),
            channel: n.channel,
            to: n.target,
            subject: match lang {
                domain::Lang::Zh => n.subject,
                domain::Lang::En => n.subject_en,
            },
            attempts: n.attempts,
            error: n.last_error.unwrap_or_default(),
        })
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &NotifyTemplate {
            units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
            channels,
            deliveries,
            filter,
            form,
            errors: errors.iter().map(|m| m.get(lang).to_string()).collect(),
            tr,
            user,
        },
        invalid,
    )
}

fn state_label(state: &str, tr: &Tr) -> &'static str {
    match state {
        "sent" => tr.t("notify.sent"),
        "pending" => tr.t("notify.pending"),
        "sending" => tr.t("notify.sending"),
        _ => tr.t("notify.failed"),
    }
}

/// `GET /admin/notify`.
async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(filter): Query<RecordQuery>,
) -> PageResult {
    may(&user)?;
    show(&state, user, tr, filter, ChannelForm::default(), vec![]).await
}

/// `POST /admin/notify/channels`.
async fn add(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<ChannelForm>,
) -> PageResult {
    may(&user)?;
    let channel = match form.checked() {
        Ok(c) => c,
        Err(problems) => {
            return show(&state, user, tr, RecordQuery::default(), form, problems).await;
        }
    };
    match state.store.add_channel(&channel).await {
        Ok(_) => {}
        Err(StoreError::Duplicate { zh, en, .. }) => {
            let m = Bilingual { zh, en };
            return show(&state, user, tr, RecordQuery::default(), form, vec![m]).await;
        }
        Err(e) => return Err(e.into()),
    }
    state.notifier.refresh(&state.store).await?;
    Ok(layout::done("/admin/notify", "done.channel_added", None))
}

/// `POST /admin/notify/channels/{id}/delete`.
async fn remove(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    may(&user)?;
    state.store.remove_channel(id).await?;
    state.notifier.refresh(&state.store).await?;
    Ok(layout::done("/admin/notify", "done.channel_removed", None))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/notify", get(page))
        .route("/admin/notify/channels", post(add))
        .route("/admin/notify/channels/{id}/delete", post(remove))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_keys_are_masked() {
        assert_eq!(
            masked_url(
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
            ),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=69••••aa"
        );
        assert_eq!(
            masked_url("https://sms.example/send"),
            "https://sms.example/send"
        );
    }

    #[test]
    fn a_channel_form_says_what_is_wrong() {
        let form = |kind: &str, url: &str| ChannelForm {
            kind: kind.into(),
            name: "龙田镇群".into(),
            url: url.into(),
            ..ChannelForm::default()
        };
        assert!(
            form("wecom", "https://qyapi.weixin.qq.com/x?key=1")
                .checked()
                .is_ok()
        );
        assert!(form("wecom", "qyapi.weixin.qq.com").checked().is_err());
        assert!(form("fax", "https://x").checked().is_err());
        let mut sms = form("sms", "https://sms.example/send");
        sms.body = r#"{"phone":"{mobile}","text":"{text}"}"#.into();
        assert!(sms.checked().is_ok());
        sms.body = "{mobile}".into();
        assert!(sms.checked().is_err());
        let mut mail = form("email", "smtp.example.gov.cn");
        assert!(mail.checked().is_err(), "a sender is needed");
        mail.from = "攻坚系统 <xm@example.gov.cn>".into();
        assert!(mail.checked().is_ok());
    }
}
