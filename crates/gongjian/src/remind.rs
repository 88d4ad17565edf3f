//! `gongjian notify`: one day's reminders by hand; `gongjian document`: the documents the office
//! forwards; `gongjian user contact`.

use std::process::ExitCode;

use anyhow::Result;

use crate::config::Config;

/// The sender of the channels in force (the configuration file's and the administration
/// pages'); links start with the public URL when there is one.
async fn sender(config: &Config, store: &store::Store) -> Result<notify::Sender> {
    let channels = notify::Channels::load(store, &config.notify).await?;
    Ok(notify::Sender::new(channels, config.public_origin()?))
}

/// Records the reminders of `as_of` and sends the new ones (or, with `dry_run`, lists what would
/// be sent); a day run twice sends nothing new.
pub async fn run(config: &Config, as_of: &str, dry_run: bool, json: bool) -> Result<ExitCode> {
    let day = crate::calendar::parse_date(as_of)?;
    let store = crate::open(config).await?;
    let sender = sender(config, &store).await?;
    let holder = format!("cli:{}", std::process::id());
    let rhythm = config
        .notify
        .rhythm()
        .map_err(|m| anyhow::anyhow!("{} / {}", m.zh, m.en))?;
    let run = notify::run_day(&store, &sender, &rhythm, day, dry_run, true, &holder).await?;
    if json {
        say!("{}", serde_json::to_string_pretty(&run)?);
        return Ok(ExitCode::SUCCESS);
    }
    for w in &run.warnings {
        eprintln!("注意 / note: {} / {}", w.zh, w.en);
    }
    if run.messages.is_empty() {
        say!("{day}：没有新的提醒 / {day}: nothing new to send");
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if dry_run {
        "将发送 / would send"
    } else {
        "已处理 / processed"
    };
    say!("{day} {verb} {} 条消息 / messages:", run.messages.len());
    for m in &run.messages {
        say!(
            "  [{}] {} → {}：{}（{}）{}",
            m.channel,
            m.kind,
            m.to,
            m.subject,
            m.state,
            m.error.as_deref().unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Sets a user's mobile number and e-mail address.
pub async fn contact(
    config: &Config,
    username: &str,
    mobile: Option<&str>,
    email: Option<&str>,
) -> Result<ExitCode> {
    let store = crate::open(config).await?;
    store.set_contact(username.trim(), mobile, email).await?;
    say!("已更新 {username} 的联系方式 / contact details of {username} updated");
    Ok(ExitCode::SUCCESS)
}

/// Writes the document of `kind` as of `as_of` to `out`.
pub async fn document(
    config: &Config,
    kind: &str,
    as_of: &str,
    out: &std::path::Path,
    project: Option<i64>,
) -> Result<ExitCode> {
    let Some(kind) = web::documents::Kind::parse(kind.trim()) else {
        anyhow::bail!(
            "未知文档类型“{kind}”，可选：analysis、ranking-bulletin、weekly-bulletin、project-report / unknown document kind"
        );
    };
    let day = crate::calendar::parse_date(as_of)?;
    let store = crate::open(config).await?;
    let workbook = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if workbook {
        if kind != web::documents::Kind::Analysis {
            anyhow::bail!(
                "只有 analysis 另有 .xlsx 图表版，其余文档请写为 .docx / only the analysis has an .xlsx companion"
            );
        }
        let facts = web::documents::analysis_facts(&store, day).await?;
        let bytes = office::documents::write_analysis_workbook(&facts)?;
        std::fs::write(out, &bytes).map_err(|e| {
            anyhow::anyhow!(
                "写入 {} 失败 / writing {}: {e}",
                out.display(),
                out.display()
            )
        })?;
        say!(
            "已生成分析图表工作簿：{} / wrote {}",
            out.display(),
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let doc = web::documents::document(&store, kind, day, project).await?;
    let bytes = office::documents::write_document(&doc)?;
    std::fs::write(out, &bytes).map_err(|e| {
        anyhow::anyhow!(
            "写入 {} 失败 / writing {}: {e}",
            out.display(),
            out.display()
        )
    })?;
    say!(
        "已生成《{}》：{} / wrote {}",
        doc.title,
        out.display(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
