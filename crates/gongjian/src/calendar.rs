//! `gongjian calendar …` and `gongjian schedule`: the working-day calendar and approval plans.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use domain::calendar::WorkCalendar;
use domain::schedule::{Inversion, Overdue, Plan, Schedule, inversions, overdue, schedule};
use serde::Serialize;

use crate::config::Config;

/// A date typed on the command line: `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        anyhow!(
            "日期“{text}”无效，应为 YYYY-MM-DD（如 2025-09-30）/ “{text}” is not a YYYY-MM-DD date"
        )
    })
}

/// The calendar with the database's imported years when a database is configured, else the
/// compiled-in years.
async fn load(config: &Config) -> Result<WorkCalendar> {
    match config.database_url() {
        Ok(_) => Ok(crate::open(config).await?.work_calendar().await?),
        Err(_) => Ok(WorkCalendar::builtin()?),
    }
}

pub async fn import(config: &Config, file: &Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("读取文件 / reading {}", file.display()))?;
    let store = crate::open(config).await?;
    let year = store.import_calendar_year(&text).await?;
    let off = year.days.iter().filter(|d| d.off).count();
    let worked = year.days.len() - off;
    say!(
        "已导入{}年节假日安排：放假 {off} 天，调休上班 {worked} 天 / imported {}: {off} days off, {worked} make-up workdays",
        year.year,
        year.year
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn workdays(config: &Config, from: &str, to: &str) -> Result<ExitCode> {
    let (from, to) = (parse_date(from)?, parse_date(to)?);
    let calendar = load(config).await?;
    say!("{}", calendar.workdays_between(from, to)?);
    Ok(ExitCode::SUCCESS)
}

pub async fn add(config: &Config, date: &str, n: &str) -> Result<ExitCode> {
    let date = parse_date(date)?;
    let n: u32 = n.trim().parse().map_err(|_| {
        anyhow!("工作日数“{n}”无效，应为 0 或正整数 / “{n}” is not a whole number of working days")
    })?;
    let calendar = load(config).await?;
    say!("{}", calendar.add_workdays(date, n)?.format("%Y-%m-%d"));
    Ok(ExitCode::SUCCESS)
}

/// `schedule --json`: the schedule's fields in order, then the checks.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    schedule: &'a Schedule,
    inversions: &'a [Inversion],
    #[serde(skip_serializing_if = "Option::is_none")]
    overdue: Option<&'a [Overdue]>,
}

pub async fn plan(
    config: &Config,
    file: &Path,
    as_of: Option<&str>,
    as_json: bool,
) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("读取文件 / reading {}", file.display()))?;
    let plan: Plan = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "计划文件无效（应为 {{\"start\": \"YYYY-MM-DD\", \"nodes\": [{{\"id\", \"name\", \"duration\", \"after\": []}}]}}）：{e} / invalid plan file: {e}"
        )
    })?;
    let as_of = as_of.map(parse_date).transpose()?;
    let calendar = load(config).await?;
    let result = schedule(&plan, &calendar).map_err(|e| {
        let m = e.message();
        anyhow!("{} / {}", m.zh, m.en)
    })?;
    let inverted = inversions(&plan);
    let late = match as_of {
        Some(day) => overdue(&plan, day, &calendar)?,
        None => Vec::new(),
    };
    if as_json {
        let out = Report {
            schedule: &result,
            inversions: &inverted,
            overdue: as_of.map(|_| late.as_slice()),
        };
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let name = |id: &str| {
        plan.nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| {
                if n.name.is_empty() {
                    n.id.clone()
                } else {
                    n.name.clone()
                }
            })
            .unwrap_or_else(|| id.to_string())
    };
    say!(
        "按依赖并联：{} 完成，{} 个工作日 / parallel finish {}\n逐项串联：{} 完成，{} 个工作日 / serial finish {}\n模拟审批节省 {} 个工作日 / saved {} working days",
        result.finish,
        result.duration_workdays,
        result.finish,
        result.serial_finish,
        result.serial_workdays,
        result.serial_finish,
        result.saved_workdays,
        result.saved_workdays
    );
    say!(
        "\n环节 / node\t最早开始 ES\t最早完成 EF\t最晚开始 LS\t最晚完成 LF\t机动 slack\t关键 critical"
    );
    for t in &result.nodes {
        say!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            name(&t.id),
            t.es,
            t.ef,
            t.ls,
            t.lf,
            t.slack,
            if t.critical { "是" } else { "" }
        );
    }
    let path: Vec<String> = result.critical_path.iter().map(|id| name(id)).collect();
    say!("\n关键路径 / critical path: {}", path.join(" → "));
    for i in &inverted {
        say!(
            "环节时间倒挂 / inversion: {} 计划 {} 开始，早于前置环节 {} 的计划完成 {}",
            name(&i.node),
            i.planned_start,
            name(&i.prerequisite),
            i.prerequisite_finish
        );
    }
    for o in &late {
        say!(
            "逾期 / overdue: {} 计划 {} 完成，已逾期 {} 个工作日",
            name(&o.node),
            o.planned_finish,
            o.overdue_workdays
        );
    }
    Ok(ExitCode::SUCCESS)
}
