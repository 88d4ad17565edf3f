//! `import reports`: the monthly (or ten-day) progress sheet an office collected, matched to the
//! ledger by 项目编号 or 项目名称 and filed as the period's reports, all or nothing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use domain::progress::Period;
use store::Actor;
use web::imports::{ImportProblem, ReportsImport};

use crate::config::Config;

pub async fn import(
    config: &Config,
    file: &Path,
    period: &str,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    let period = match Period::parse(period) {
        Ok(p) => p,
        Err(m) => {
            say!("{} / {}", m.zh, m.en);
            return Ok(ExitCode::from(2));
        }
    };
    let bytes = std::fs::read(file)
        .with_context(|| format!("无法读取文件 {} / cannot read the file", file.display()))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let store = crate::open(config).await?;
    let today = web::pages::today();
    let summary = web::imports::reports(
        &store,
        &bytes,
        &file_name,
        period,
        &Actor::SYSTEM,
        dry_run,
        today,
    )
    .await?;
    if json {
        say!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary);
    }
    Ok(if summary.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn place(p: &ImportProblem) -> String {
    match (&p.row, &p.column) {
        (Some(row), Some(col)) => format!("{} 第{}行 {}列：", p.sheet, row, col),
        (Some(row), None) => format!("{} 第{}行：", p.sheet, row),
        _ if p.sheet.is_empty() => String::new(),
        _ => format!("{}：", p.sheet),
    }
}

fn print_summary(s: &ReportsImport) {
    for sheet in &s.sheets {
        say!(
            "工作表“{}”：表头在第 {} 行，金额单位 {}，识别的列：{}",
            sheet.sheet,
            sheet.header_row,
            sheet.amount_unit,
            sheet.columns.join("、")
        );
    }
    for r in &s.skipped_rows {
        say!("  跳过 {} 第 {} 行：{}", r.sheet, r.row, r.reason);
    }
    say!(
        "{} 期：{} 个项目，本期完成 {:.2} 万元，累计完成 {:.2} 万元 / {} reports",
        s.period,
        s.reports,
        s.completed_wan,
        s.ytd_wan,
        s.reports
    );
    for w in &s.warnings {
        say!("  提示 {}{} / {}", place(w), w.message_zh, w.message_en);
    }
    if !s.errors.is_empty() {
        say!(
            "发现 {} 处错误，未写入任何数据 / {} errors, nothing was written:",
            s.errors.len(),
            s.errors.len()
        );
        for e in &s.errors {
            say!("  {}{} / {}", place(e), e.message_zh, e.message_en);
        }
    } else if s.dry_run {
        say!(
            "试导入通过：将报送 {} 份报告（其中更正已锁定报告 {} 份）；未写入 / dry run: nothing written",
            s.filed,
            s.revised
        );
    } else {
        say!(
            "导入完成：报送 {} 份报告，待总牵头单位审核（其中更正已锁定报告 {} 份，原值留痕）/ imported",
            s.filed,
            s.revised
        );
    }
}
