//! `gongjian status`: 序时进度, every project's light and every unit's score and rank as of a date.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use domain::progress::Scheme;
use serde_json::{Value, json};
use store::LedgerStatus;

use crate::config::Config;

fn rounded(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

pub async fn run(
    config: &Config,
    as_of: &str,
    scheme: Option<&Path>,
    as_json: bool,
) -> Result<ExitCode> {
    let as_of = crate::calendar::parse_date(as_of)?;
    let scheme = match scheme {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("读取文件 / reading {}", path.display()))?;
            Some(Scheme::from_toml(&text).map_err(|m| anyhow!("{} / {}", m.zh, m.en))?)
        }
        None => None,
    };
    let store = crate::open(config).await?;
    // The campaign's own scheme unless a file is given.
    let scheme = match scheme {
        Some(s) => s,
        None => store.judging(as_of).await?.scheme,
    };
    // Computed, not through the cache: one command, one status (caching a million projects'
    // status would copy it).
    let LedgerStatus {
        status, warnings, ..
    } = store.compute_status(as_of, &scheme).await?;
    let expected = status.expected;

    let group = |u: &domain::progress::UnitStatus| {
        let indicators: serde_json::Map<String, Value> = u
            .indicators
            .iter()
            .map(|(k, v)| (k.clone(), json!(rounded(*v, 4))))
            .collect();
        json!({
            "unit": u.unit,
            "projects": u.projects,
            "rate": u.figures.rate.map(|r| rounded(r.to_f64(), 4)),
            "light": u.figures.light.map(|l| l.code()),
            "score": rounded(u.score, 2),
            "rank": u.rank,
            "double_half": u.figures.double_half,
            "strong_start": u.strong_start,
            "indicators": indicators,
        })
    };
    let units: Vec<Value> = status.units.iter().map(group).collect();
    let regions: Vec<Value> = status
        .regions
        .iter()
        .map(|r| {
            let mut v = group(r);
            if let Some(o) = v.as_object_mut() {
                o.remove("unit");
                o.insert("region".into(), json!(r.unit));
            }
            v
        })
        .collect();
    if as_json {
        // Every project's line only when it is printed (a million of them take seconds).
        let projects: Vec<Value> = status
            .projects
            .iter()
            .map(|p| {
                let j = p.judgement.as_ref();
                json!({
                    "id": p.id,
                    "name": &*p.name,
                    "unit": p.unit.as_deref(),
                    "ytd_wan": p.year_to_date.wan_f64(),
                    "plan_wan": p.annual_plan.map(|m| m.wan_f64()),
                    "rate": j.map(|j| rounded(j.rate.to_f64(), 4)),
                    "lag_pp": j.map(|j| rounded(j.lag_pp, 2)),
                    "light": j.map(|j| j.light.code()),
                    "why": j
                        .map(|j| j.why.iter().map(|w| w.text().zh).collect::<Vec<_>>())
                        .unwrap_or_default()
                        .into_iter()
                        .chain(warnings.get(&p.id).cloned())
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        let out = json!({
            "as_of": as_of.to_string(),
            "expected_share": rounded(expected.to_f64(), 4),
            "projects": projects,
            "units": units,
            "regions": regions,
        });
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let count = |code: &str| {
        status
            .projects
            .iter()
            .filter(|p| p.judgement.as_ref().map(|j| j.light.code()) == Some(code))
            .count()
    };
    let unrated = status
        .projects
        .iter()
        .filter(|p| p.judgement.is_none())
        .count();
    say!(
        "截至 {as_of}，序时进度 {:.1}% / as of {as_of}, expected {:.1}%",
        expected.to_f64() * 100.0,
        expected.to_f64() * 100.0
    );
    say!(
        "红灯 {} 个，黄灯 {} 个，绿灯 {} 个，不考核 {unrated} 个 / red {}, yellow {}, green {}, unrated {unrated}",
        count("red"),
        count("yellow"),
        count("green"),
        count("red"),
        count("yellow"),
        count("green")
    );
    if !warnings.is_empty() {
        say!(
            "审批计划预计施工许可晚于计划开工的项目 {} 个 / {} projects whose approval plan ends after their planned start",
            warnings.len(),
            warnings.len()
        );
    }
    say!("\n排名 rank\t单位 unit\t完成率 rate\t灯 light\t得分 score");
    for u in &status.units {
        say!(
            "{}\t{}\t{}\t{}\t{:.2}",
            u.rank,
            u.unit,
            u.figures
                .rate
                .map(|r| format!("{:.1}%", r.to_f64() * 100.0))
                .unwrap_or_else(|| "—".into()),
            u.figures.light.map_or("—", |l| l.label_zh()),
            u.score
        );
    }
    Ok(ExitCode::SUCCESS)
}
