//! The documents the office forwards (issue 18): the analysis (旬分析/月度分析), the ranking
//! bulletin (亮晒通报), the weekly bulletin (一周一通报) and a project's progress report (进展专报),
//! gathered from the store here — the status for the date, the published rankings, problems,
//! decisions, reports and approval plans — and written by `office::documents`. Shared by the
//! pages and `gongjian document`.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use chrono::{Datelike, Days, NaiveDate};
use domain::problem::{Escalation, Status as ProblemStatus, risen_on};
use domain::progress::{Cadence, Light, Period, ProjectStatus};
use office::documents::{
    AnalysisFacts, BulletinProblem, Document, DueDecision, Figures, LateNode, LitProject,
    MissingReports, ProblemCounts, ProjectFacts, RankedUnit, RankingFacts, WeekFacts,
};
use serde::Deserialize;
use store::{ProblemViewer, Store, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::pages::{DOCX, XLSX, download};
use crate::policy;

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Analysis,
    RankingBulletin,
    WeeklyBulletin,
    ProjectReport,
}

impl Kind {
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "analysis" => Some(Kind::Analysis),
            "ranking-bulletin" => Some(Kind::RankingBulletin),
            "weekly-bulletin" => Some(Kind::WeeklyBulletin),
            "project-report" => Some(Kind::ProjectReport),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::Analysis => "analysis",
            Kind::RankingBulletin => "ranking-bulletin",
            Kind::WeeklyBulletin => "weekly-bulletin",
            Kind::ProjectReport => "project-report",
        }
    }
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{} / {}", .0.zh, .0.en)]
    Refused(domain::Bilingual),
}

impl From<DocumentError> for AppError {
    fn from(e: DocumentError) -> AppError {
        match e {
            DocumentError::Store(e) => e.into(),
            DocumentError::Refused(m) => AppError::BadRequest(m),
        }
    }
}

/// The document of `kind` as of `as_of` (a project's for [`Kind::ProjectReport`]).
pub async fn document(
    store: &Store,
    kind: Kind,
    as_of: NaiveDate,
    project: Option<i64>,
) -> Result<Document, DocumentError> {
    Ok(match kind {
        Kind::Analysis => office::documents::analysis(&analysis_facts(store, as_of).await?),
        Kind::RankingBulletin => {
            office::documents::ranking_bulletin(&ranking_facts(store, as_of).await?)
        }
        Kind::WeeklyBulletin => {
            office::documents::weekly_bulletin(&week_facts(store, as_of).await?)
        }
        Kind::ProjectReport => {
            let id = project.ok_or_else(|| {
                DocumentError::Refused(domain::bi(
                    "请用 --project 指定项目",
                    "name the project with --project",
                ))
            })?;
            office::documents::project_report(&project_facts(store, id, as_of).await?)
        }
    })
}

/// The campaign's name for the heading.
async fn heading(store: &Store, as_of: NaiveDate) -> Result<String, StoreError> {
    Ok(match store.judging(as_of).await?.campaign {
        Some((_, name)) => name,
        None => format!("{}年重点项目攻坚行动", as_of.year()),
    })
}

fn light_label(l: Light) -> String {
    l.label_zh().to_string()
}

/// Sums of plan, year to date and plan × own 序时进度 (fen) over projects with a plan.
#[derive(Default, Clone, Copy)]
struct Sums {
    projects: usize,
    plan: i128,
    done: i128,
    expected: f64,
}

impl Sums {
    fn add(&mut self, p: &ProjectStatus) {
        self.projects += 1;
        let Some(plan) = p.annual_plan.filter(|m| m.fen() > 0) else {
            return;
        };
        self.plan += i128::from(plan.fen());
        self.done += i128::from(p.year_to_date.fen());
        self.expected += plan.fen() as f64 * p.expected.map_or(0.0, |e| e.to_f64());
    }

    fn figures(&self, name: &str) -> Figures {
        let plan = self.plan as f64;
        Figures {
            name: name.to_string(),
            projects: self.projects,
            plan_fen: i64::try_from(self.plan).unwrap_or(i64::MAX),
            done_fen: i64::try_from(self.done).unwrap_or(i64::MAX),
            rate: (self.plan > 0).then(|| self.done as f64 / plan),
            expected: (self.plan > 0).then(|| self.expected / plan),
            light: None,
            rank: None,
        }
    }
}

/// A group of the status (a unit, a region) with the status's own rate, 序时进度 and light.
fn group_figures(u: &domain::progress::UnitStatus, sums: Option<&Sums>) -> Figures {
    let mut f = sums.copied().unwrap_or_default().figures(&u.unit);
    f.projects = u.projects;
    f.rate = u.figures.rate.map(|r| r.to_f64());
    f.expected = u.figures.expected.map(|e| e.to_f64());
    f.light = u.figures.light.map(light_label);
    f.rank = Some(u.rank);
    f
}

fn why_text(p: &ProjectStatus) -> String {
    p.judgement
        .as_ref()
        .map(|j| {
            j.why
                .iter()
                .map(|r| r.text().zh)
                .collect::<Vec<_>>()
                .join("；")
        })
        .unwrap_or_default()
}

/// The reporting period an analysis of `as_of` is of, and its kind.
fn period_of(as_of: NaiveDate, cadence: Cadence) -> (Period, &'static str) {
    let period = Period::latest_ended(as_of, cadence).unwrap_or_else(|| match cadence {
        Cadence::Monthly => Period::month_of(as_of),
        Cadence::TenDaily => Period::ten_day_of(as_of),
    });
    (
        period,
        match cadence {
            Cadence::Monthly => "月度",
            Cadence::TenDaily => "旬",
        },
    )
}

/// The note a document carries when working days rest on a year not yet published.
async fn calendar_note(store: &Store, as_of: NaiveDate) -> Result<Option<String>, StoreError> {
    let calendar = store.work_calendar().await?;
    Ok(calendar.is_provisional(as_of.year()).then(|| {
        format!(
            "{}年节假日安排尚未发布，文中工作日暂按法定节假日规则推算，发布后以国务院办公厅通知为准。",
            as_of.year()
        )
    }))
}

/// What the analysis of `as_of` is written from.
pub async fn analysis_facts(store: &Store, as_of: NaiveDate) -> Result<AnalysisFacts, StoreError> {
    let judging = store.judging(as_of).await?;
    let shared = store.status(as_of, &judging.scheme).await?;
    let status = &shared.status;
    let (period, kind) = period_of(as_of, judging.cadence);
    let first = period.first_day().unwrap_or(as_of);

    let mut city = Sums::default();
    let mut by_unit: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_region: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_industry: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_stage: BTreeMap<String, Sums> = BTreeMap::new();
    let facets: std::collections::HashMap<i64, store::ProjectFacet> = store
        .project_facets()
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    for p in &status.projects {
        city.add(p);
        if let Some(u) = &p.unit {
            by_unit.entry(u.to_string()).or_default().add(p);
        }
        if let Some(r) = &p.region {
            by_region.entry(r.to_string()).or_default().add(p);
        }
        let facet = facets.get(&p.id);
        let industry = facet
            .and_then(|f| f.industry.clone())
            .unwrap_or_else(|| "未分类".into());
        by_industry.entry(industry).or_default().add(p);
        let stage = facet
            .and_then(|f| f.stage)
            .map_or("未填阶段", |s| s.label_zh())
            .to_string();
        by_stage.entry(stage).or_default().add(p);
    }
    let mut city_figures = city.figures("全市");
    city_figures.projects = status.projects.len();
    city_figures.expected = Some(status.weighted_expected.unwrap_or(status.expected).to_f64());
    let lit = |l: Light| -> Vec<LitProject> {
        let mut v: Vec<&ProjectStatus> = status
            .projects
            .iter()
            .filter(|p| p.judgement.as_ref().map(|j| j.light) == Some(l))
            .collect();
        crate::status::largest_gap_first(&mut v);
        v.into_iter()
            .map(|p| LitProject {
                name: p.name.to_string(),
                unit: p.unit.as_deref().unwrap_or_default().to_string(),
                why: why_text(p),
            })
            .collect()
    };
    let time = status.expected.to_f64();
    let rate = city_figures.rate.unwrap_or(0.0);
    let in_period = |d: Option<NaiveDate>| d.is_some_and(|d| d >= first && d <= as_of);
    let mut started: Vec<String> = vec![];
    let mut completed: Vec<String> = vec![];
    for f in facets.values() {
        if in_period(f.actual_start) {
            started.push(f.name.clone());
        }
        if in_period(f.actual_completion) {
            completed.push(f.name.clone());
        }
    }
    started.sort();
    completed.sort();

    let (counts, _) = problems_between(store, first, as_of).await?;
    let late_nodes = match as_of.checked_sub_days(Days::new(1)) {
        Some(yesterday) => store
            .due_approval_nodes(as_of, yesterday)
            .await?
            .into_iter()
            .map(|n| LateNode {
                project: n.project_name,
                node: n.name,
                department: n.department.unwrap_or_default(),
                planned_finish: n.planned_finish,
            })
            .collect(),
        None => vec![],
    };
    let groups = |list: &[domain::progress::UnitStatus], sums: &BTreeMap<String, Sums>| {
        list.iter()
            .map(|u| group_figures(u, sums.get(&u.unit)))
            .collect::<Vec<_>>()
    };
    let plain = |sums: BTreeMap<String, Sums>| -> Vec<Figures> {
        let mut v: Vec<Figures> = sums.iter().map(|(k, s)| s.figures(k)).collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.plan_fen));
        v
    };
    Ok(AnalysisFacts {
        heading: heading(store, as_of).await?,
        period_label: period.label_zh(),
        kind: kind.into(),
        as_of,
        green: status
            .projects
            .iter()
            .filter(|p| p.judgement.as_ref().map(|j| j.light) == Some(Light::Green))
            .count(),
        pending: status
            .projects
            .iter()
            .filter(|p| p.pending.is_some())
            .count(),
        red: lit(Light::Red),
        yellow: lit(Light::Yellow),
        city: city_figures,
        time_share: time,
        double_half: (time >= 0.5).then_some(rate >= 0.5),
        strong_start: shared.strong_start,
        units: groups(&status.units, &by_unit),
        regions: groups(&status.regions, &by_region),
        industries: plain(by_industry),
        stages: plain(by_stage),
        started,
        completed,
        problems: counts,
        late_nodes,
        note: calendar_note(store, as_of).await?,
    })
}

/// Problems from `from` to `to`: the counts, and the lines of the raised, solved and escalated.
async fn problems_between(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(ProblemCounts, [Vec<BulletinProblem>; 3]), StoreError> {
    let span = store.problem_span(from, to).await?;
    let calendar = store.work_calendar().await?;
    let lines = store.problems_as_of(to).await?;
    let escalated: Vec<BulletinProblem> = lines
        .iter()
        .filter(|l| l.status.is_open() && l.level > l.raised_level)
        .filter_map(|l| {
            let since = risen_on(
                l.raised_level,
                l.level,
                l.deadline,
                to,
                Escalation::default(),
                &calendar,
            )?;
            (since >= from).then(|| BulletinProblem {
                project: l.project.to_string(),
                title: l.title.clone(),
                unit: l.unit.as_deref().unwrap_or_default().to_string(),
                what: format!("{}升级至{}", since, l.level.label()),
            })
        })
        .collect();
    let open = lines
        .iter()
        .filter(|l| matches!(l.status, ProblemStatus::Open | ProblemStatus::InProgress))
        .count();
    let line = |p: &store::SpanProblem, what: &str| BulletinProblem {
        project: p.project.clone(),
        title: p.title.clone(),
        unit: p.unit.clone().unwrap_or_default(),
        what: what.to_string(),
    };
    let raised: Vec<BulletinProblem> = span.raised.iter().map(|p| line(p, "新增")).collect();
    let solved: Vec<BulletinProblem> = span
        .solved
        .iter()
        .map(|p| {
            line(
                p,
                if p.status == "closed" {
                    "已销号"
                } else {
                    "已解决"
                },
            )
        })
        .collect();
    Ok((
        ProblemCounts {
            raised: raised.len(),
            solved: solved.len(),
            escalated: escalated.len(),
            open,
        },
        [raised, solved, escalated],
    ))
}

/// What the ranking bulletin of the latest ranking published by `as_of` is written from.
pub async fn ranking_facts(store: &Store, as_of: NaiveDate) -> Result<RankingFacts, DocumentError> {
    let month = Period::month_of(as_of).key();
    let latest = store
        .ranking_publications()
        .await?
        .into_iter()
        .find(|(period, ..)| period.as_str() <= month.as_str());
    let Some((key, ..)) = latest else {
        return Err(DocumentError::Refused(domain::bi(
            format!("{as_of}前尚无已发布的排名，请先在亮晒排名页发布"),
            format!("no ranking published by {as_of}: publish one on the rankings page first"),
        )));
    };
    let period = Period::parse(&key).map_err(DocumentError::Refused)?;
    let ranking = store
        .published_ranking(&period, None)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = store.published_ranking(&period.previous(), None).await?;
    let previous_rank = |unit: &str| {
        before
            .as_ref()
            .and_then(|b| b.rows.iter().find(|r| r.unit == unit))
            .map(|r| r.rank)
    };
    let units = ranking
        .rows
        .iter()
        .map(|r| RankedUnit {
            rank: r.rank,
            figures: Figures {
                name: r.unit.clone(),
                projects: r.projects,
                plan_fen: r.plan_fen,
                done_fen: r.ytd_fen,
                rate: r.rate,
                expected: Some(ranking.expected),
                light: r
                    .light
                    .as_deref()
                    .and_then(Light::from_code)
                    .map(light_label),
                rank: Some(r.rank),
            },
            score: r.score,
            change: previous_rank(&r.unit).map(|was| was as i64 - r.rank as i64),
        })
        .collect();
    let published_on =
        domain::dates::china_datetime(ranking.published_at).map_or(as_of, |t| t.date());
    Ok(RankingFacts {
        heading: heading(store, ranking.as_of).await?,
        office: "×发改".into(),
        period_label: period.label_zh(),
        dated: as_of,
        published_on,
        revision: ranking.revision,
        units,
        chain_head: ranking.audit_head.map(|(_, hash)| hash),
    })
}

/// What the weekly bulletin of the seven days to `as_of` is written from.
pub async fn week_facts(store: &Store, as_of: NaiveDate) -> Result<WeekFacts, StoreError> {
    let from = as_of - Days::new(6);
    let (_, [raised, closed, escalated]) = problems_between(store, from, as_of).await?;
    let decisions = store
        .open_decisions()
        .await?
        .into_iter()
        .filter(|d| d.deadline <= as_of)
        .map(|d| DueDecision {
            overdue: d.deadline < from,
            text: d.text,
            unit: d.unit.unwrap_or_default(),
            deadline: d.deadline,
        })
        .collect();
    let cadence = store.judging(as_of).await?.cadence;
    let period = Period::latest_ended(as_of, cadence).unwrap_or_else(|| Period::month_of(as_of));
    let missing = store
        .period_overview(&period)
        .await?
        .into_iter()
        .filter(|u| u.missing() > 0)
        .map(|u| MissingReports {
            missing: u.missing(),
            due: u.due,
            unit: u.unit,
        })
        .collect();
    Ok(WeekFacts {
        heading: heading(store, as_of).await?,
        from,
        to: as_of,
        raised,
        closed,
        escalated,
        decisions,
        period_label: period.label_zh(),
        missing,
    })
}

/// What a project's progress report is written from: its ledger row, figures, reports, 工作专班,
/// open problems, unfinished approval nodes and the meetings on it.
pub async fn project_facts(
    store: &Store,
    id: i64,
    as_of: NaiveDate,
) -> Result<ProjectFacts, StoreError> {
    let project = store.project(id).await?.ok_or(StoreError::NotFound)?;
    let judging = store.judging(as_of).await?;
    let shared = store.status(as_of, &judging.scheme).await?;
    let status = shared.status.projects.iter().find(|p| p.id == id);
    let f = &project.fields;
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let money = |m: Option<domain::Money>| {
        m.map_or("—".into(), |m| {
            format!("{}万元", office::documents::wan(m.fen()))
        })
    };
    let date = |d: Option<NaiveDate>| d.map_or("—".into(), |d| d.to_string());
    let basics = vec![
        ("项目名称".into(), f.name.clone()),
        ("项目编号".into(), opt(f.code.clone())),
        ("责任单位".into(), opt(project.unit_name.clone())),
        ("牵头单位".into(), opt(project.lead_department_name.clone())),
        ("所在区域".into(), opt(project.region_name.clone())),
        (
            "建设阶段".into(),
            f.stage.map_or("—".into(), |s| s.label_zh().into()),
        ),
        ("建设内容及规模".into(), opt(f.content.clone())),
        ("总投资".into(), money(f.total_investment)),
        ("计划开工".into(), date(f.planned_start)),
        ("实际开工".into(), date(f.actual_start)),
        ("计划竣工".into(), date(f.planned_completion)),
        ("包联领导".into(), opt(f.linked_leader.clone())),
        ("首席服务官".into(), opt(f.service_officer.clone())),
    ];
    let mut reports: Vec<(String, i64, String)> = store
        .project_reports(id)
        .await?
        .into_iter()
        .map(|h| h.report)
        .filter(|r| {
            matches!(
                r.state,
                store::ReportState::Submitted | store::ReportState::Approved
            )
        })
        .map(|r| (r.period, r.completed.fen(), r.progress.unwrap_or_default()))
        .collect();
    reports.sort_by(|a, b| b.0.cmp(&a.0));
    reports.truncate(6);
    let team = store
        .project_team(id)
        .await?
        .into_iter()
        .map(|m| (m.role, m.name, m.workplace.unwrap_or_default()))
        .collect();
    let everyone = ProblemViewer::everyone();
    let problems = store
        .project_problems(&everyone, id, as_of)
        .await?
        .into_iter()
        .filter(|l| l.status.is_open())
        .map(|l| {
            (
                l.title,
                l.unit.as_deref().unwrap_or_default().to_string(),
                format!("{}级·{}", l.level.number(), l.level.label()),
                l.deadline.to_string(),
            )
        })
        .collect();
    let approvals = store
        .approval_plan(id)
        .await?
        .map(|plan| {
            plan.nodes
                .into_iter()
                .filter(|n| n.actual_finish.is_none_or(|d| d > as_of))
                .map(|n| {
                    let state = match n.planned_finish {
                        Some(d) if d < as_of => "逾期未办结",
                        _ if n.actual_start.is_some_and(|d| d <= as_of) => "办理中",
                        _ => "未开始",
                    };
                    (
                        n.name,
                        n.department.unwrap_or_default(),
                        date(n.planned_finish),
                        state.to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let meetings = store
        .project_meetings(id)
        .await?
        .into_iter()
        .filter(|m| m.held_on <= as_of)
        .map(|m| {
            let decisions: Vec<String> = m.decisions.iter().map(|d| d.text.clone()).collect();
            (m.held_on.to_string(), m.title, decisions.join("；"))
        })
        .collect();
    Ok(ProjectFacts {
        heading: heading(store, as_of).await?,
        as_of,
        name: f.name.clone(),
        basics,
        plan_fen: status.and_then(|s| s.annual_plan).map(|m| m.fen()),
        done_fen: status.map_or(0, |s| s.year_to_date.fen()),
        rate: status
            .and_then(|s| s.judgement.as_ref())
            .map(|j| j.rate.to_f64()),
        expected: status.and_then(|s| s.expected).map(|e| e.to_f64()),
        light: status
            .and_then(|s| s.judgement.as_ref())
            .map(|j| light_label(j.light)),
        why: status.map(why_text).unwrap_or_default(),
        reports,
        team,
        problems,
        approvals,
        meetings,
    })
}

/// The analysis's companion workbook as of `as_of`: its tables with native charts.
pub async fn analysis_workbook(store: &Store, as_of: NaiveDate) -> Result<Vec<u8>, AppError> {
    let facts = analysis_facts(store, as_of).await?;
    office::documents::write_analysis_workbook(&facts)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The file's name: `analysis-2025-06-30.docx`.
pub fn file_name(kind: Kind, as_of: NaiveDate, project: Option<i64>) -> String {
    match (kind, project) {
        (Kind::ProjectReport, Some(id)) => format!("project-{id}-report-{as_of}.docx"),
        _ => format!("{}-{as_of}.docx", kind.code()),
    }
}

#[derive(Deserialize)]
pub struct AsOfQuery {
    #[serde(default)]
    as_of: String,
}

async fn write(state: &AppState, kind: Kind, q: &AsOfQuery, project: Option<i64>) -> PageResult {
    let as_of = crate::problems::as_of_or_today(state, &q.as_of).await?;
    let doc = document(&state.store, kind, as_of, project).await?;
    let bytes =
        office::documents::write_document(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(DOCX, &file_name(kind, as_of, project), bytes))
}

/// `GET /documents/{kind}.docx?as_of=`: the campaign's documents, read by everyone signed in
/// (the campaign is read in the open); `analysis.xlsx`, the analysis's tables with native charts.
async fn campaign_document(
    State(state): State<AppState>,
    PageUser { .. }: PageUser,
    Path(file): Path<String>,
    Query(q): Query<AsOfQuery>,
) -> PageResult {
    if file == "analysis.xlsx" {
        let as_of = crate::problems::as_of_or_today(&state, &q.as_of).await?;
        let bytes = analysis_workbook(&state.store, as_of).await?;
        return Ok(download(XLSX, &format!("analysis-{as_of}.xlsx"), bytes));
    }
    let kind = file
        .strip_suffix(".docx")
        .and_then(Kind::parse)
        .filter(|k| *k != Kind::ProjectReport)
        .ok_or(AppError::NotFound)?;
    write(&state, kind, &q, None).await
}

/// `GET /projects/{id}/report.docx?as_of=`: whoever reads the project.
async fn project_report(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> PageResult {
    let project = policy::project_for(&state, &user, id).await?;
    write(&state, Kind::ProjectReport, &q, Some(project.id)).await
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/documents/{file}", get(campaign_document))
        .route("/projects/{id}/report.docx", get(project_report))
}
