//! `import ledger` and `export ledger`: the office's workbook in and out of the database.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use web::imports::LedgerImport;

use crate::config::Config;

pub async fn import(config: &Config, file: &Path, dry_run: bool, json: bool) -> Result<ExitCode> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("无法读取文件 {} / cannot read the file", file.display()))?;
    let store = crate::open(config).await?;
    let report = web::imports::ledger(&store, bytes, None, dry_run).await?;
    if json {
        say!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(r: &LedgerImport) {
    for s in &r.sheets {
        say!(
            "工作表“{}”：表头在第 {} 行，金额单位 {}",
            s.sheet,
            s.header_row,
            s.amount_unit
        );
        if !s.ignored_columns.is_empty() {
            say!("  未导入的列：{}", s.ignored_columns.join("、"));
        }
    }
    for s in &r.skipped_rows {
        say!("  跳过 {} 第 {} 行：{}", s.sheet, s.row, s.reason);
    }
    say!(
        "共 {} 个项目，总投资 {:.2} 万元，年度计划投资 {:.2} 万元 / {} projects",
        r.projects,
        r.total_investment_wan,
        r.annual_plan_wan,
        r.projects
    );
    if !r.new_units.is_empty() {
        say!("新单位 / new units：{}", r.new_units.join("、"));
    }
    if !r.new_regions.is_empty() {
        say!("新区域 / new regions：{}", r.new_regions.join("、"));
    }
    if !r.errors.is_empty() {
        say!(
            "发现 {} 处错误，未写入任何数据 / {} errors, nothing was written:",
            r.errors.len(),
            r.errors.len()
        );
        for e in &r.errors {
            let place = match (&e.row, &e.column) {
                (Some(row), Some(col)) => format!("{} 第{}行 {}列", e.sheet, row, col),
                (Some(row), None) => format!("{} 第{}行", e.sheet, row),
                _ => e.sheet.clone(),
            };
            say!("  {place}：{} / {}", e.message_zh, e.message_en);
        }
    } else if r.dry_run {
        say!(
            "试导入通过：将新增 {} 个、更新 {} 个项目；未写入 / dry run: nothing written",
            r.created,
            r.updated
        );
    } else {
        say!(
            "导入完成：新增 {} 个、更新 {} 个、未变 {} 个项目 / imported",
            r.created,
            r.updated,
            r.unchanged
        );
    }
}

pub async fn export(config: &Config, out: &Path) -> Result<ExitCode> {
    let store = crate::open(config).await?;
    let projects = store.all_projects().await?;
    let bytes =
        web::export_xlsx(&projects).context("生成Excel失败 / writing the workbook failed")?;
    std::fs::write(out, bytes)
        .with_context(|| format!("无法写入 {} / cannot write the file", out.display()))?;
    say!(
        "已导出 {} 个项目到 {} / exported",
        projects.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
