//! `gongjian funnel`, `gongjian land` and the imports and exports of leads and parcels
//! (issue 19 §1, §2): the 招商 funnel and the land (征迁交地) as of a date.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::config::Config;

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// `gongjian funnel`: each stage's leads as of a date, and each unit's 履约率.
pub async fn funnel(config: &Config, as_of: &str, as_json: bool) -> Result<ExitCode> {
    let as_of = crate::calendar::parse_date(as_of)?;
    let store = crate::open(config).await?;
    let f = web::leads::funnel(&store, as_of, None).await?;
    if as_json {
        say!("{}", serde_json::to_string_pretty(&f)?);
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "截至 {as_of}，招商项目 {} 个 / as of {as_of}: {} leads",
        f.leads,
        f.leads
    );
    for s in &f.stages {
        say!(
            "  {}（{}）：{} 个，{:.0} 万元",
            s.stage,
            s.stage_en,
            s.count,
            s.amount_wan
        );
    }
    say!("单位 / unit：签约 signed · 落地 landed · 开工 started · 履约率 fulfilment");
    for u in &f.units {
        say!(
            "  {}：{} · {} · {} · {}",
            u.unit,
            u.signed,
            u.landed,
            u.started,
            rate(u.fulfilment_rate)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `gongjian land`: each parcel delivered or overdue as of a date, each town's 交地清零.
pub async fn land(config: &Config, as_of: &str, as_json: bool) -> Result<ExitCode> {
    let as_of = crate::calendar::parse_date(as_of)?;
    let store = crate::open(config).await?;
    let land = web::leads::land(&store, as_of, None).await?;
    if as_json {
        say!("{}", serde_json::to_string_pretty(&land)?);
        return Ok(ExitCode::SUCCESS);
    }
    let overdue = land.parcels.iter().filter(|p| p.overdue).count();
    say!(
        "截至 {as_of}，地块 {} 块，逾期未交地 {overdue} 块 / as of {as_of}: {} parcels, {overdue} overdue",
        land.parcels.len(),
        land.parcels.len()
    );
    for t in &land.towns {
        say!(
            "  {}：{} 块，{:.2} 亩，已交 {:.2} 亩，逾期 {} 块{}",
            t.town,
            t.parcels,
            t.area_mu,
            t.delivered_mu,
            t.overdue,
            if t.cleared {
                "，已清零 / cleared"
            } else {
                ""
            }
        );
    }
    for p in land.parcels.iter().filter(|p| p.overdue) {
        say!(
            "  逾期 / overdue：{}（{}，{}）计划 {}，逾期 {} 天",
            p.name,
            p.project.as_deref().unwrap_or("—"),
            p.town,
            p.planned_delivery.as_deref().unwrap_or("—"),
            p.days_overdue.unwrap_or(0)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Which list an import or export is of.
#[derive(Clone, Copy)]
pub enum List {
    Leads,
    Parcels,
}

/// `import leads` / `import parcels`: checked whole, written all or nothing.
pub async fn import(
    config: &Config,
    list: List,
    file: &Path,
    dry_run: bool,
    as_json: bool,
) -> Result<ExitCode> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("无法读取文件 {} / cannot read the file", file.display()))?;
    let store = crate::open(config).await?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let summary = match list {
        List::Leads => {
            web::imports::leads(
                &store,
                &bytes,
                &file_name,
                None,
                dry_run,
                web::pages::today(),
            )
            .await?
        }
        List::Parcels => web::imports::parcels(&store, &bytes, &file_name, None, dry_run).await?,
    };
    let (what_zh, what_en) = match list {
        List::Leads => ("招商项目", "leads"),
        List::Parcels => ("地块", "parcels"),
    };
    if as_json {
        say!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        for e in &summary.errors {
            let place = match (&e.row, &e.column) {
                (Some(row), Some(col)) => format!("{} 第{row}行 {col}列：", e.sheet),
                (Some(row), None) => format!("{} 第{row}行：", e.sheet),
                _ => String::new(),
            };
            say!("  {place}{} / {}", e.message_zh, e.message_en);
        }
        for r in &summary.skipped_rows {
            say!("  跳过 {} 第 {} 行：{}", r.sheet, r.row, r.reason);
        }
        if !summary.errors.is_empty() {
            say!(
                "发现 {} 处错误，未写入任何数据 / {} errors, nothing was written",
                summary.errors.len(),
                summary.errors.len()
            );
        } else {
            say!(
                "{}：新增{what_zh} {} 个，更新 {} 个，未变 {} 个，新增单位 {} 个 / {}: {} {what_en} added, {} updated, {} unchanged",
                if dry_run {
                    "试导入通过，未写入"
                } else {
                    "导入完成"
                },
                summary.created,
                summary.updated,
                summary.unchanged,
                summary.new_units.len(),
                if dry_run {
                    "dry run, nothing written"
                } else {
                    "imported"
                },
                summary.created,
                summary.updated,
                summary.unchanged
            );
        }
    }
    Ok(if summary.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `export leads` / `export parcels`: the list as a workbook the importer reads back.
pub async fn export(
    config: &Config,
    list: List,
    out: &Path,
    as_of: Option<&str>,
) -> Result<ExitCode> {
    let day = match as_of {
        Some(d) => crate::calendar::parse_date(d)?,
        None => web::pages::today(),
    };
    let store = crate::open(config).await?;
    let (bytes, n) = match list {
        List::Leads => {
            let leads = store.leads(None).await?;
            (web::leads::leads_workbook(&leads, day)?, leads.len())
        }
        List::Parcels => {
            let parcels = store.parcels(None).await?;
            (web::leads::parcels_workbook(&parcels, day)?, parcels.len())
        }
    };
    std::fs::write(out, bytes).with_context(|| format!("写入文件 / writing {}", out.display()))?;
    say!("已导出 {n} 行到 {} / wrote {n} rows", out.display());
    Ok(ExitCode::SUCCESS)
}
