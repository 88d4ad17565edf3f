//! `import reports`: the monthly (or ten-day) progress sheet an office collected, matched to the
//! ledger by 项目编号 or 项目名称 and filed as the period's reports, all or nothing.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use domain::Money;
use domain::plausibility::Kind;
use domain::progress::Period;
use domain::text::clean_name;
use serde::Serialize;
use store::{Actor, Filing, FilingOptions, ReportEntry, StoreError};

use crate::config::Config;

#[derive(Serialize)]
struct Problem {
    sheet: String,
    row: Option<u32>,
    column: Option<String>,
    /// The project the row names, once matched to the ledger.
    project: Option<String>,
    /// What kind of problem: `over_total`, `cumulative_fall`, `over_plan`, `spike`, … (see
    /// `domain::plausibility::Kind`), or `cell`, `unknown_project`, `ambiguous_name`,
    /// `duplicate`, `plan_differs`.
    kind: &'static str,
    message_zh: String,
    message_en: String,
}

#[derive(Serialize)]
struct ImportSummary {
    file: String,
    period: String,
    /// Report rows found in the file.
    reports: usize,
    completed_wan: f64,
    ytd_wan: f64,
    dry_run: bool,
    /// Whether the database was changed.
    written: bool,
    /// Reports written (or that would be, on a dry run).
    filed: usize,
    /// Of those, corrections of approved (locked) reports, kept as revisions.
    revised: usize,
    /// Things to look at that do not stop the import (e.g. 年度计划 differing from the ledger).
    warnings: Vec<Problem>,
    skipped_rows: Vec<office::SkippedRow>,
    errors: Vec<Problem>,
    sheets: Vec<office::SheetSummary>,
}

fn problem(sheet: &str, row: u32, kind: &'static str, zh: String, en: String) -> Problem {
    Problem {
        sheet: sheet.into(),
        row: Some(row),
        column: None,
        project: None,
        kind,
        message_zh: zh,
        message_en: en,
    }
}

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
    let parsed = office::read_reports(&bytes);
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut summary = ImportSummary {
        file: file_name.clone(),
        period: period.key(),
        reports: parsed.reports.len(),
        completed_wan: parsed
            .reports
            .iter()
            .filter_map(|r| r.completed)
            .sum::<Money>()
            .wan_f64(),
        ytd_wan: parsed
            .reports
            .iter()
            .filter_map(|r| r.year_to_date)
            .sum::<Money>()
            .wan_f64(),
        dry_run,
        written: false,
        filed: 0,
        revised: 0,
        warnings: Vec::new(),
        skipped_rows: parsed.skipped_rows,
        errors: parsed
            .errors
            .into_iter()
            .map(|e| Problem {
                sheet: e.sheet,
                row: e.row,
                column: e.column,
                project: None,
                kind: "cell",
                message_zh: e.message_zh,
                message_en: e.message_en,
            })
            .collect(),
        sheets: parsed.sheets,
    };

    // Every row is matched and checked even when others are wrong: the whole file is answered
    // in one pass.
    {
        let store = crate::open(config).await?;
        let keys = store.project_keys().await?;
        let by_code: HashMap<&str, usize> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.code.as_deref().map(|c| (c, i)))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            by_name.entry(clean_name(&k.name)).or_default().push(i);
        }
        let mut entries = Vec::new();
        let mut rows_of: HashMap<i64, (String, u32)> = HashMap::new();
        // Each entry's row and project name.
        let mut places: Vec<(office::ImportedReport, String)> = Vec::new();
        for r in &parsed.reports {
            let found = match (&r.code, &r.name) {
                (Some(code), _) if by_code.contains_key(code.as_str()) => {
                    Ok(by_code[code.as_str()])
                }
                (code, Some(name)) => match by_name.get(&clean_name(name)).map(Vec::as_slice) {
                    Some([one]) => Ok(*one),
                    Some([_, _, ..]) => Err(problem(
                        &r.sheet,
                        r.row,
                        "ambiguous_name",
                        format!("项目名称“{name}”在台账中有多个，请填写项目编号"),
                        format!("several projects are named “{name}”; give the 项目编号"),
                    )),
                    _ => Err(problem(
                        &r.sheet,
                        r.row,
                        "unknown_project",
                        match code {
                            Some(c) => format!("台账中没有项目“{name}”（编号 {c}）"),
                            None => format!("台账中没有项目“{name}”"),
                        },
                        format!("no project “{name}” in the ledger"),
                    )),
                },
                (Some(code), None) => Err(problem(
                    &r.sheet,
                    r.row,
                    "unknown_project",
                    format!("台账中没有编号为“{code}”的项目"),
                    format!("no project with code “{code}” in the ledger"),
                )),
                (None, None) => continue,
            };
            let key = match found {
                Ok(i) => &keys[i],
                Err(p) => {
                    summary.errors.push(p);
                    continue;
                }
            };
            if let Some((sheet, row)) = rows_of.get(&key.id) {
                summary.errors.push(problem(
                    &r.sheet,
                    r.row,
                    "duplicate",
                    format!("“{}”与{sheet}第{row}行重复", key.name),
                    format!("“{}” repeats {sheet} row {row}", key.name),
                ));
                continue;
            }
            rows_of.insert(key.id, (r.sheet.clone(), r.row));
            if let Some(plan) = r.annual_plan
                && key.annual_plan != Some(plan)
            {
                let ledger = key.annual_plan.map_or_else(
                    || "未填".to_string(),
                    |m| format!("{} 万元", m.wan_display()),
                );
                summary.warnings.push(Problem {
                    project: Some(key.name.clone()),
                    ..problem(
                    &r.sheet,
                    r.row,
                    "plan_differs",
                    format!(
                        "“{}”年度计划投资 {} 万元与台账（{ledger}）不一致，以台账为准",
                        key.name,
                        plan.wan_display()
                    ),
                    format!(
                        "“{}”: annual plan {} differs from the ledger's ({ledger}); the ledger's counts",
                        key.name,
                        plan.wan_display()
                    ),
                )});
            }
            places.push((r.clone(), key.name.clone()));
            entries.push(ReportEntry {
                project_id: key.id,
                completed: r.completed,
                year_to_date: r.year_to_date,
                started: r.started,
                halted: r.halted,
                actual_start: r.actual_start,
                stage: None,
                progress: r.progress.clone(),
                problems: None,
                version: None,
                reason: Some(format!("导入 {file_name}")),
            });
        }
        // 异常提示 of every matched row: errors refuse the file, warnings are listed.
        let today = web::pages::today();
        let checks = store
            .check_reports(period, &entries, &Actor::SYSTEM, today)
            .await?;
        for check in checks {
            let Some((r, name)) = places.get(check.index) else {
                continue;
            };
            for f in check.flags {
                // The cell a figure came from: the period's column for a negative amount, the
                // year to date's for the rest (else whichever the sheet has).
                let column = match f.kind {
                    Kind::Negative | Kind::Spike | Kind::Repeated => {
                        r.completed_column.clone().or(r.ytd_column.clone())
                    }
                    _ => r.ytd_column.clone().or(r.completed_column.clone()),
                };
                let p = Problem {
                    project: Some(name.clone()),
                    column,
                    ..problem(
                        &r.sheet,
                        r.row,
                        f.kind.code(),
                        format!("“{name}”：{}", f.message.zh),
                        format!("“{name}”: {}", f.message.en),
                    )
                };
                if f.kind.is_error() {
                    summary.errors.push(p);
                } else {
                    summary.warnings.push(p);
                }
            }
        }
        // In the workbook's order: sheet by sheet, row by row.
        let sheet_order = |name: &str| summary.sheets.iter().position(|s| s.sheet == name);
        let mut errors = std::mem::take(&mut summary.errors);
        errors.sort_by_key(|p| (sheet_order(&p.sheet), p.row));
        summary.errors = errors;
        let mut warnings = std::mem::take(&mut summary.warnings);
        warnings.sort_by_key(|p| (sheet_order(&p.sheet), p.row));
        summary.warnings = warnings;
        if summary.errors.is_empty() {
            let options = FilingOptions {
                filing: Filing::Submit,
                source: "import",
                check_versions: false,
                dry_run,
                today,
            };
            match store
                .file_reports(period, &entries, &Actor::SYSTEM, options)
                .await
            {
                Ok(filed) => {
                    summary.filed = filed.len();
                    summary.revised = filed.iter().filter(|f| f.revised).count();
                    summary.written = !dry_run;
                    if let Some(end) = period.last_day().filter(|_| !dry_run) {
                        // The figures ready for the first status after the import.
                        store.prepare_status(end).await?;
                    }
                }
                Err(StoreError::Invalid(messages)) => {
                    summary.errors.extend(messages.into_iter().map(|m| Problem {
                        sheet: String::new(),
                        row: None,
                        column: None,
                        project: None,
                        kind: "refused",
                        message_zh: m.zh,
                        message_en: m.en,
                    }));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

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

fn place(p: &Problem) -> String {
    match (&p.row, &p.column) {
        (Some(row), Some(col)) => format!("{} 第{}行 {}列：", p.sheet, row, col),
        (Some(row), None) => format!("{} 第{}行：", p.sheet, row),
        _ if p.sheet.is_empty() => String::new(),
        _ => format!("{}：", p.sheet),
    }
}

fn print_summary(s: &ImportSummary) {
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
