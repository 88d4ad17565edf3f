//! `gongjian problems`: every problem raised by a date, with its level and working days overdue.

use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use crate::config::Config;

pub async fn run(config: &Config, as_of: &str, as_json: bool) -> Result<ExitCode> {
    let as_of = crate::calendar::parse_date(as_of)?;
    let store = crate::open(config).await?;
    let lines = store.problems_as_of(as_of).await?;
    crate::calendar::warn_basis(lines.iter().map(|l| l.basis).max().unwrap_or_default());
    if as_json {
        let problems: Vec<serde_json::Value> = lines
            .iter()
            .map(|l| {
                json!({
                    "id": l.id,
                    "project": l.project,
                    "title": l.title,
                    "unit": l.unit,
                    "deadline": l.deadline.to_string(),
                    "status": l.status.code(),
                    "level": l.level.number(),
                    "overdue_workdays": l.overdue_workdays,
                    "calendar": l.basis.code(),
                })
            })
            .collect();
        let out = json!({ "as_of": as_of.to_string(), "problems": problems });
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let open = lines.iter().filter(|l| l.status.is_open()).count();
    let overdue = lines.iter().filter(|l| l.overdue_workdays > 0).count();
    say!(
        "截至 {as_of}，问题 {} 个，未办结 {open} 个，逾期 {overdue} 个 / as of {as_of}: {} problems, {open} open, {overdue} overdue",
        lines.len(),
        lines.len()
    );
    for l in &lines {
        let late = if l.overdue_workdays > 0 {
            format!("，逾期 {} 个工作日", l.overdue_workdays)
        } else {
            String::new()
        };
        say!(
            "#{} [{}] {}：{}（{}，时限 {}{late}，{}级·{}）",
            l.id,
            l.status.label(),
            l.project,
            l.title,
            l.unit.as_deref().unwrap_or("未定责任单位"),
            l.deadline,
            l.level.number(),
            l.level.label()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `import problems`: a problem list (问题清单) matched to the ledger and written all or nothing.
pub async fn import(
    config: &Config,
    file: &std::path::Path,
    dry_run: bool,
    as_json: bool,
) -> Result<ExitCode> {
    use anyhow::Context;
    let bytes = std::fs::read(file)
        .with_context(|| format!("无法读取文件 {} / cannot read the file", file.display()))?;
    let store = crate::open(config).await?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let today = web::pages::today();
    let summary = web::imports::problems(&store, &bytes, &file_name, None, dry_run, today).await?;
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
        } else if dry_run {
            say!(
                "试导入通过：将导入 {} 个问题，新增单位 {} 个；未写入 / dry run: nothing written",
                summary.created,
                summary.new_units.len()
            );
        } else {
            say!(
                "导入完成：{} 个问题，新增单位 {} 个 / imported {} problems",
                summary.created,
                summary.new_units.len(),
                summary.created
            );
        }
    }
    Ok(if summary.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `gongjian agenda`: the next weekly meeting's agenda as of a date.
pub async fn agenda(
    config: &Config,
    as_of: &str,
    as_json: bool,
    docx: Option<&std::path::Path>,
) -> Result<ExitCode> {
    use anyhow::Context;
    use store::AgendaItem;
    let as_of = crate::calendar::parse_date(as_of)?;
    let store = crate::open(config).await?;
    if let Some(path) = docx {
        let pack = web::meetings::meeting_pack(&store, as_of, None)
            .await
            .map_err(|e| anyhow::anyhow!("{} / {}", e.message().zh, e.message().en))?;
        let bytes = office::write_meeting_pack(&pack)?;
        std::fs::write(path, bytes)
            .with_context(|| format!("写入文件 / writing {}", path.display()))?;
    }
    let agenda = store.agenda(as_of, None).await?;
    let problems_basis = agenda.items.iter().filter_map(|i| match i {
        AgendaItem::Problem(l) => Some(l.basis),
        _ => None,
    });
    crate::calendar::warn_basis(
        problems_basis
            .chain([agenda.basis])
            .max()
            .unwrap_or_default(),
    );
    if as_json {
        let items: Vec<serde_json::Value> = agenda
            .items
            .iter()
            .map(|item| match item {
                AgendaItem::Problem(l) => json!({
                    "kind": "problem",
                    "id": l.id,
                    "project": l.project,
                    "title": l.title,
                    "unit": l.unit,
                    "deadline": l.deadline.to_string(),
                    "status": l.status.code(),
                    "level": l.level.number(),
                    "overdue_workdays": l.overdue_workdays,
                    "calendar": l.basis.code(),
                }),
                AgendaItem::Project {
                    id,
                    name,
                    unit,
                    why,
                } => json!({
                    "kind": "project",
                    "id": id,
                    "name": name,
                    "unit": unit,
                    "light": "red",
                    "why": why.iter().map(|w| w.zh.as_str()).collect::<Vec<_>>(),
                    "why_en": why.iter().map(|w| w.en.as_str()).collect::<Vec<_>>(),
                }),
                AgendaItem::Decision {
                    decision,
                    overdue_workdays,
                } => json!({
                    "kind": "decision",
                    "id": decision.id,
                    "text": decision.text,
                    "unit": decision.unit,
                    "meeting_date": decision.meeting_date.to_string(),
                    "deadline": decision.deadline.to_string(),
                    "overdue_workdays": overdue_workdays,
                }),
            })
            .collect();
        let out = json!({
            "meeting_date": agenda.meeting_date.to_string(),
            "calendar": agenda.basis.code(),
            "items": items,
            "other_red": agenda.other_red,
        });
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{} 周例会议程（截至 {as_of}）/ agenda of the weekly meeting on {}",
        agenda.meeting_date,
        agenda.meeting_date
    );
    if agenda.items.is_empty() {
        say!("  无上会事项 / nothing to discuss");
    }
    for (n, item) in agenda.items.iter().enumerate() {
        let n = n + 1;
        match item {
            AgendaItem::Problem(l) => say!(
                "{n}. 【问题·{}级】{}：{}（{}，逾期 {} 个工作日）",
                l.level.number(),
                l.project,
                l.title,
                l.unit.as_deref().unwrap_or("未定责任单位"),
                l.overdue_workdays
            ),
            AgendaItem::Project {
                name, unit, why, ..
            } => say!(
                "{n}. 【红灯项目】{name}（{}）：{}",
                unit.as_deref().unwrap_or("未定责任单位"),
                why.iter()
                    .map(|w| w.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            AgendaItem::Decision {
                decision,
                overdue_workdays,
            } => say!(
                "{n}. 【议定事项】{}（{}，{} 会议，时限 {}{}）",
                decision.text,
                decision.unit.as_deref().unwrap_or("未定责任单位"),
                decision.meeting_date,
                decision.deadline,
                if *overdue_workdays > 0 {
                    format!("，逾期 {overdue_workdays} 个工作日")
                } else {
                    String::new()
                }
            ),
        }
    }
    if agenda.other_red > 0 {
        say!(
            "  另有 {} 个红灯项目本期首次亮红且无二级以上问题，未列入议程 / {} more red projects not on the agenda (red for the first period, no open problem at level 2 or above)",
            agenda.other_red,
            agenda.other_red
        );
    }
    Ok(ExitCode::SUCCESS)
}
