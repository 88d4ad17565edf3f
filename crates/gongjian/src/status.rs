//! `gongjian status`: 序时进度, every project's light and every unit's score and rank as of a date.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use domain::progress::Scheme;
use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;

use domain::progress::ProjectStatus;
use serde::Serialize;
use serde::ser::SerializeSeq;
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
    let judging = store.judging(as_of).await?;
    if let Some(note) = judging.uncovered_note(as_of) {
        eprintln!("注意：{} / note: {}", note.zh, note.en);
    }
    // The campaign's own scheme unless a file is given.
    let scheme = match scheme {
        Some(s) => s,
        None => judging.scheme.clone(),
    };
    // Computed, not through the cache: one command, one status (caching a million projects'
    // status would copy it).
    let LedgerStatus {
        status, warnings, ..
    } = store.compute_status(as_of, &scheme).await?;
    let expected = status.expected;

    if as_json {
        let out = StatusJson {
            as_of: as_of.to_string(),
            expected_share: rounded(expected.to_f64(), 4),
            weighted_expected_share: status.weighted_expected.map(|e| rounded(e.to_f64(), 4)),
            window: match judging.window {
                domain::progress::Window::Fixed { start, end } => Some(WindowJson {
                    start: start.to_string(),
                    end: end.to_string(),
                }),
                domain::progress::Window::Year(_) => None,
            },
            projects: Lines(&status.projects, &warnings),
            regions: status.regions.iter().map(|u| group_line(u, true)).collect(),
            units: status.units.iter().map(|u| group_line(u, false)).collect(),
        };
        // Streamed: a million projects' lines are never built as one value.
        let mut w = std::io::BufWriter::new(std::io::stdout().lock());
        let written = serde_json::to_writer_pretty(&mut w, &out)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(w))
            .and_then(|()| w.flush());
        return match written {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
            Err(e) => Err(e.into()),
            Ok(()) => Ok(ExitCode::SUCCESS),
        };
    }
    let count = |code: &str| {
        status
            .projects
            .iter()
            .filter(|p| p.judgement.as_ref().map(|j| j.light.code()) == Some(code))
            .count()
    };
    let not_due = status
        .projects
        .iter()
        .filter(|p| p.pending.is_some())
        .count();
    let unrated = status
        .projects
        .iter()
        .filter(|p| p.judgement.is_none() && p.pending.is_none())
        .count();
    let weighted = status.weighted_expected.unwrap_or(expected).to_f64() * 100.0;
    say!(
        "截至 {as_of}，序时进度 {:.1}%（按计划加权 {weighted:.1}%） / as of {as_of}, expected {:.1}% ({weighted:.1}% weighted by plan)",
        expected.to_f64() * 100.0,
        expected.to_f64() * 100.0
    );
    say!(
        "红灯 {} 个，黄灯 {} 个，绿灯 {} 个，未到考核期 {not_due} 个，不考核 {unrated} 个 / red {}, yellow {}, green {}, not yet due {not_due}, unrated {unrated}",
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
    say!("\n排名 rank\t单位 unit\t完成率 rate\t序时进度 expected\t灯 light\t得分 score");
    let share = |s: Option<domain::progress::Share>| {
        s.map(|r| format!("{:.1}%", r.to_f64() * 100.0))
            .unwrap_or_else(|| "—".into())
    };
    for u in &status.units {
        say!(
            "{}\t{}\t{}\t{}\t{}\t{:.2}",
            u.rank,
            u.unit,
            share(u.figures.rate),
            share(u.figures.expected),
            u.figures.light.map_or("—", |l| l.label_zh()),
            u.score
        );
    }
    Ok(ExitCode::SUCCESS)
}

// `--json`'s shape, fields in the order printed (alphabetical, as it has always been).

#[derive(Serialize)]
struct StatusJson<'a> {
    as_of: String,
    expected_share: f64,
    projects: Lines<'a>,
    regions: Vec<GroupLine<'a>>,
    units: Vec<GroupLine<'a>>,
    /// 序时进度 weighted by plan over every project with a plan.
    weighted_expected_share: Option<f64>,
    /// A fixed window's first and last day (攻坚120天): each project's `plan_wan` is then its
    /// target within the window and `ytd_wan` its investment within it; `null` for a year.
    window: Option<WindowJson>,
}

#[derive(Serialize)]
struct WindowJson {
    start: String,
    end: String,
}

/// A unit's or a region's figures, named by `unit` or by `region`.
#[derive(Serialize)]
struct GroupLine<'a> {
    double_half: bool,
    /// Σ amount expected to date / Σ annual plan.
    expected_share: Option<f64>,
    indicators: BTreeMap<&'a str, f64>,
    light: Option<&'static str>,
    /// 投产率: put into production / planned to be by the date, this year.
    production_rate: Option<f64>,
    projects: usize,
    rank: usize,
    rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    /// 复工率: projects at work again / projects halted (停工) on a report this year.
    resumption_rate: Option<f64>,
    score: f64,
    strong_start: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
}

fn group_line(u: &domain::progress::UnitStatus, region: bool) -> GroupLine<'_> {
    GroupLine {
        double_half: u.figures.double_half,
        expected_share: u.figures.expected.map(|e| rounded(e.to_f64(), 4)),
        indicators: u
            .indicators
            .iter()
            .map(|(k, v)| (k.as_str(), rounded(*v, 4)))
            .collect(),
        light: u.figures.light.map(|l| l.code()),
        production_rate: u.figures.production_rate.map(|r| rounded(r.to_f64(), 4)),
        projects: u.projects,
        rank: u.rank,
        rate: u.figures.rate.map(|r| rounded(r.to_f64(), 4)),
        resumption_rate: u.figures.resumption_rate.map(|r| rounded(r.to_f64(), 4)),
        region: region.then_some(&*u.unit),
        score: rounded(u.score, 2),
        strong_start: u.strong_start,
        unit: (!region).then_some(&*u.unit),
    }
}

/// Every project's line, serialized one by one as it is written.
struct Lines<'a>(&'a [ProjectStatus], &'a HashMap<i64, domain::Bilingual>);

impl Serialize for Lines<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            let j = p.judgement.as_ref();
            let mut why: Vec<String> = j
                .map(|j| j.why.iter().map(|w| w.text().zh).collect())
                .unwrap_or_default();
            why.extend(p.pending.map(|r| r.text().zh));
            why.extend(self.1.get(&p.id).map(|w| w.zh.clone()));
            seq.serialize_element(&ProjectLine {
                expected_share: p.expected.map(|e| rounded(e.to_f64(), 4)),
                id: p.id,
                lag_pp: j.and_then(|j| j.expected.map(|_| rounded(j.lag_pp, 2))),
                light: j.map(|j| j.light.code()),
                name: &p.name,
                plan_wan: p.annual_plan.map(|m| m.wan_f64()),
                rate: j.map(|j| rounded(j.rate.to_f64(), 4)),
                unit: p.unit.as_deref(),
                why,
                ytd_wan: p.year_to_date.wan_f64(),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct ProjectLine<'a> {
    /// The project's own 序时进度; null before its investment period.
    expected_share: Option<f64>,
    id: i64,
    lag_pp: Option<f64>,
    light: Option<&'static str>,
    name: &'a str,
    plan_wan: Option<f64>,
    rate: Option<f64>,
    unit: Option<&'a str>,
    why: Vec<String>,
    ytd_wan: f64,
}
