//! The administrator's audit page (审计日志): every change, newest first, filtered by user,
//! object and time, with what changed (old → new); the chain's head; a check of the whole chain.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use store::{AuditEntry, AuditFilter, SessionUser};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::{format_time, render};
use crate::policy;
use domain::Lang;

/// Entries on one page.
const PAGE: i64 = 100;
/// A value longer than this is cut in the table (the CLI's `audit list --json` has it whole).
const SHOWN_CHARS: usize = 60;

/// The filters as typed; empty fields filter nothing.
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    user: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: Option<i64>,
    #[serde(default)]
    verify: Option<u8>,
}

impl AuditQuery {
    /// The store's filter: dates are China's days, `to` included.
    fn filter(&self) -> AuditFilter {
        let day = |text: &str, days: i64| {
            let parsed = domain::dates::parse_date(text.trim(), domain::dates::Edge::Start);
            parsed.ok().flatten().map(|d: NaiveDate| {
                domain::dates::china_day_start(d + chrono::Duration::days(days))
            })
        };
        AuditFilter {
            actor: Some(self.user.trim().to_string()).filter(|u| !u.is_empty()),
            object: Some(self.object.trim().to_string()).filter(|o| !o.is_empty()),
            from: day(&self.from, 0),
            to: day(&self.to, 1),
            before: self.before,
            limit: PAGE,
        }
    }

    /// This query's URL for the page after `last`.
    fn earlier(&self, last: i64) -> String {
        format!(
            "/admin/audit?user={}&object={}&from={}&to={}&before={last}",
            crate::pages::url_encode(self.user.trim()),
            crate::pages::url_encode(self.object.trim()),
            crate::pages::url_encode(self.from.trim()),
            crate::pages::url_encode(self.to.trim()),
        )
    }
}

struct Row {
    seq: String,
    at: String,
    actor: String,
    source: &'static str,
    address: String,
    object: String,
    action: &'static str,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditTemplate {
    tr: Tr,
    user: SessionUser,
    query: AuditQuery,
    rows: Vec<Row>,
    head_seq: i64,
    head_hash: String,
    check: Option<String>,
    check_ok: bool,
    earlier: Option<String>,
}

/// A timestamp column (unix seconds) is shown as a time.
fn is_time(key: &str) -> bool {
    key.ends_with("_at") || key == "last_sign_in" || key == "last_seen" || key == "at"
}

fn cut(key: &str, value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) if is_time(key) => {
            n.as_i64().map(format_time).unwrap_or_else(|| n.to_string())
        }
        other => other.to_string(),
    };
    if text.chars().count() > SHOWN_CHARS {
        let mut short: String = text.chars().take(SHOWN_CHARS).collect();
        short.push('…');
        short
    } else {
        text
    }
}

fn object_of(text: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
    text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| match v {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// What an entry changed, one `field: old → new` per changed field (an insert its values, a
/// deletion what was there).
pub fn changes(entry: &AuditEntry) -> Vec<String> {
    let old = object_of(entry.old.as_deref());
    let new = object_of(entry.new.as_deref());
    match (entry.old.is_some(), entry.new.is_some()) {
        // A field absent on one side (a secret, which is only said to have changed) is null.
        (true, true) => new
            .iter()
            .filter(|(k, v)| old.get(*k).unwrap_or(&serde_json::Value::Null) != *v)
            .map(|(k, v)| {
                let was = old.get(k).cloned().unwrap_or_default();
                format!("{k}: {} → {}", cut(k, &was), cut(k, v))
            })
            .collect(),
        (false, true) => new
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", cut(k, v)))
            .collect(),
        _ => old
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", cut(k, v)))
            .collect(),
    }
}

fn action_label(action: &str, lang: Lang) -> &'static str {
    let (zh, en) = match action {
        "insert" => ("新增", "added"),
        "update" => ("修改", "changed"),
        "delete" => ("删除", "deleted"),
        "failed" => ("登录失败", "sign-in failed"),
        _ => ("其他", "other"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn row(e: AuditEntry, lang: Lang) -> Row {
    let (zh, en) = store::source_label(&e.source);
    Row {
        seq: e.seq.map_or_else(|| "—".to_string(), |s| s.to_string()),
        at: format_time(e.at),
        actor: e.actor.clone().unwrap_or_else(|| "—".to_string()),
        source: match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        address: e.address.clone().unwrap_or_default(),
        object: match &e.object_id {
            Some(k) if !k.is_empty() => format!("{}:{k}", e.object),
            _ => e.object.clone(),
        },
        action: action_label(&e.action, lang),
        changes: changes(&e),
    }
}

/// `GET /admin/audit`: the log as filtered; `?verify=1` also checks the whole chain.
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(query): Query<AuditQuery>,
) -> PageResult {
    if !policy::reads_audit(&user) {
        Err(AppError::Forbidden)?;
    }
    let lang = tr.lang;
    let entries = state.store.audit_entries(&query.filter()).await?;
    let earlier = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| query.earlier(e.id)))
        .flatten();
    let rows = entries.into_iter().map(|e| row(e, lang)).collect();
    let (head_seq, head_hash) = state.store.audit_head().await?;
    let (check, check_ok) = match query.verify {
        Some(_) => {
            let c = state.store.audit_verify().await?;
            let text = match &c.broken {
                None => tr
                    .t("audit.chain_ok")
                    .replace("{n}", &c.entries.to_string()),
                Some(b) => tr
                    .t("audit.chain_broken")
                    .replace("{seq}", &b.seq.to_string())
                    .replace(
                        "{why}",
                        match lang {
                            Lang::Zh => &b.zh,
                            Lang::En => &b.en,
                        },
                    ),
            };
            (Some(text), c.ok())
        }
        None => (None, true),
    };
    render(&AuditTemplate {
        tr,
        user,
        query,
        rows,
        head_seq,
        head_hash,
        check,
        check_ok,
        earlier,
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, old: Option<&str>, new: Option<&str>) -> AuditEntry {
        AuditEntry {
            id: 1,
            seq: Some(1),
            at: 0,
            actor: None,
            source: "page".into(),
            address: None,
            object: "projects".into(),
            object_id: Some("1".into()),
            action: action.into(),
            old: old.map(str::to_string),
            new: new.map(str::to_string),
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn an_entry_shows_what_changed() {
        let cases = [
            (
                entry(
                    "update",
                    Some(r#"{"name":"甲","version":1,"stage":"在建"}"#),
                    Some(r#"{"name":"乙","version":2,"stage":"在建"}"#),
                ),
                vec!["name: 甲 → 乙", "version: 1 → 2"],
            ),
            (
                entry("insert", None, Some(r#"{"name":"甲","remarks":null}"#)),
                vec!["name: 甲"],
            ),
            (
                entry("delete", Some(r#"{"name":"甲"}"#), None),
                vec!["name: 甲"],
            ),
            (entry("update", Some("not json"), Some("{}")), vec![]),
            // A secret unchanged (SQLite writes its key as null), a time shown as one.
            (
                entry(
                    "update",
                    Some(r#"{"last_sign_in":null}"#),
                    Some(r#"{"last_sign_in":1735693200,"password_hash":null}"#),
                ),
                vec!["last_sign_in: — → 2025-01-01 09:00"],
            ),
        ];
        for (e, want) in cases {
            assert_eq!(changes(&e), want, "{e:?}");
        }
        let long = format!(r#"{{"content":"{}"}}"#, "字".repeat(100));
        let shown = changes(&entry("insert", None, Some(&long)));
        assert_eq!(
            shown[0].chars().count(),
            "content: ".len() + SHOWN_CHARS + 1
        );
    }
}
