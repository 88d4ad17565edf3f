//! `gongjian calendar …` and `gongjian schedule`: the working-day calendar and approval plans.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use chrono::{Datelike, NaiveDate};
use domain::calendar::{Basis, WorkCalendar};
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

/// Reads a year's holidays (the notice's text or holiday-cn JSON). With a database, stores it
/// (or, with `--dry-run`, only says what it would change); without one, `--dry-run` only reads.
pub async fn import(
    config: &Config,
    file: &Path,
    dry_run: bool,
    as_json: bool,
) -> Result<ExitCode> {
    let bytes =
        std::fs::read(file).with_context(|| format!("读取文件 / reading {}", file.display()))?;
    // UTF-8, UTF-16 with its mark, or GBK as Notepad saves it on a Chinese Windows.
    let text = office::read_text(&bytes).map_err(|m| {
        anyhow!(
            "{}：{} / {}: {}",
            file.display(),
            m.zh,
            file.display(),
            m.en
        )
    })?;
    let import = match (config.database_url(), dry_run) {
        (Err(_), true) => None,
        (Err(e), false) => return Err(e),
        (Ok(_), _) => {
            let store = crate::open(config).await?;
            Some(if dry_run {
                store.preview_calendar_import(&text).await?
            } else {
                store.import_calendar_year(&text, None).await?
            })
        }
    };
    let year = match &import {
        Some(i) => i.year.clone(),
        None => domain::calendar::notice::read_calendar_text(&text)?,
    };
    if as_json {
        say!("{}", serde_json::to_string_pretty(&year.holiday_cn())?);
    }
    let off = year.days.iter().filter(|d| d.off).count();
    let worked = year.days.len() - off;
    let verb = if dry_run {
        ("读出", "read (nothing stored)")
    } else {
        ("已导入", "imported")
    };
    let summary = format!(
        "{}{}年节假日安排：放假 {off} 天，调休上班 {worked} 天 / {} {}: {off} days off, {worked} make-up workdays",
        verb.0, year.year, verb.1, year.year
    );
    // With --json the summary goes to stderr, so stdout stays one JSON value.
    if as_json {
        eprintln!("{summary}");
    } else {
        say!("{summary}");
        for d in &year.days {
            say!(
                "{}\t{}\t{}",
                d.date.format("%Y-%m-%d"),
                if d.off { "放假" } else { "上班" },
                d.name
            );
        }
    }
    if let Some(import) = &import {
        let moved = if import.changes.is_empty() {
            "与此前的日历相比没有变化 / no day changes against the calendar before".to_string()
        } else {
            format!(
                "与此前{}日历相比有 {} 天变化 / {} days change against the {} calendar before",
                if import.was_provisional { "暂定" } else { "" },
                import.changes.len(),
                import.changes.len(),
                if import.was_provisional {
                    "provisional"
                } else {
                    "official"
                }
            )
        };
        if as_json {
            eprintln!("{moved}");
        } else {
            say!("{moved}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Warns on stderr when an answer rests on a provisional year.
fn warn_provisional(calendar: &WorkCalendar, from: NaiveDate, to: NaiveDate) -> bool {
    let provisional = calendar.provisional_between(from, to);
    if provisional {
        let years: Vec<String> = (from.min(to).year()..=from.max(to).year())
            .filter(|y| calendar.is_provisional(*y))
            .map(|y| y.to_string())
            .collect();
        eprintln!(
            "注意：{}年为暂定日历（按《全国年节及纪念日放假办法》推算，尚未导入国务院办公厅通知，不含调休上班日） / warning: {} is a provisional calendar (from the statutory rules; the State Council notice is not imported, no make-up workdays)",
            years.join("、"),
            years.join(", ")
        );
    }
    provisional
}

/// Warns on stderr when dates printed rest on a provisional year, or on none the calendar has.
pub fn warn_basis(basis: Basis) {
    match basis {
        Basis::Official => {}
        Basis::Provisional => eprintln!(
            "注意：部分日期按暂定日历计算（该年国务院办公厅节假日安排通知尚未导入） / warning: some dates rest on a provisional calendar (the year's holiday notice is not imported)"
        ),
        Basis::Unknown => eprintln!(
            "注意：部分日期超出工作日日历覆盖的年份，未按工作日计算 / warning: some dates are outside the working-day calendar's years and were not counted in working days"
        ),
    }
}

#[derive(Serialize)]
struct WorkdaysOut {
    workdays: u32,
    provisional: bool,
}

#[derive(Serialize)]
struct DateOut {
    date: String,
    provisional: bool,
}

pub async fn workdays(config: &Config, from: &str, to: &str, as_json: bool) -> Result<ExitCode> {
    let (from, to) = (parse_date(from)?, parse_date(to)?);
    let calendar = load(config).await?;
    let n = calendar.workdays_between(from, to)?;
    let provisional = warn_provisional(&calendar, from, to);
    if as_json {
        say!(
            "{}",
            serde_json::to_string(&WorkdaysOut {
                workdays: n,
                provisional
            })?
        );
    } else {
        say!("{n}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn add(config: &Config, date: &str, n: &str, as_json: bool) -> Result<ExitCode> {
    let date = parse_date(date)?;
    let n: u32 = n.trim().parse().map_err(|_| {
        anyhow!("工作日数“{n}”无效，应为 0 或正整数 / “{n}” is not a whole number of working days")
    })?;
    let calendar = load(config).await?;
    let end = calendar.add_workdays(date, n)?;
    let provisional = warn_provisional(&calendar, date, end);
    let text = end.format("%Y-%m-%d").to_string();
    if as_json {
        say!(
            "{}",
            serde_json::to_string(&DateOut {
                date: text,
                provisional
            })?
        );
    } else {
        say!("{text}");
    }
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
    if result.provisional {
        warn_provisional(
            &calendar,
            plan.start,
            result.finish.max(result.serial_finish),
        );
    }
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
