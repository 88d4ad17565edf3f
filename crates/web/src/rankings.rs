//! Monthly rankings of units (亮晒): the live table, publishing it (which freezes it), its
//! revisions, and the .xlsx laid out like the tables offices print.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use chrono::Datelike;
use domain::progress::{Light, Period, Scheme};
use domain::{Lang, Money, bi};
use office::{TableCell, TableSheet, write_tables};
use serde::Deserialize;
use store::{NewRanking, PublishedRanking, RankingRow, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::layout;
use crate::pages::{format_time, render, url_encode};
use crate::policy;
use axum::Router;
use axum::routing::{get, post};

/// The indicators' names as a ranking table heads them.
pub(crate) fn indicator_label(key: &str, lang: Lang) -> &'static str {
    match (key, lang) {
        ("investment_progress", Lang::Zh) => "投资进度",
        ("investment_progress", Lang::En) => "Investment progress",
        ("start_rate", Lang::Zh) => "开工率",
        ("start_rate", Lang::En) => "Start rate",
        ("completion_rate", Lang::Zh) => "竣工率",
        ("completion_rate", Lang::En) => "Completion rate",
        ("production_rate", Lang::Zh) => "投产率",
        ("production_rate", Lang::En) => "Production rate",
        ("resumption_rate", Lang::Zh) => "复工率",
        ("resumption_rate", Lang::En) => "Resumption rate",
        ("on_time_reporting", Lang::Zh) => "按时报送率",
        ("on_time_reporting", Lang::En) => "On-time reporting",
        ("fulfilment_rate", Lang::Zh) => "签约项目履约率",
        ("fulfilment_rate", Lang::En) => "Leads' fulfilment",
        ("lead_start_rate", Lang::Zh) => "签约项目开工率",
        ("lead_start_rate", Lang::En) => "Signed leads started",
        ("lead_production_rate", Lang::Zh) => "签约项目投产率",
        ("lead_production_rate", Lang::En) => "Signed leads in production",
        (_, Lang::Zh) => "指标",
        (_, Lang::En) => "Indicator",
    }
}

/// A month's ranking computed now.
struct Live {
    units: Vec<RankingRow>,
    regions: Vec<RankingRow>,
    /// 序时进度.
    expected: f64,
    scheme: Scheme,
    /// The status it was taken from (shared with the cache).
    status: std::sync::Arc<store::LedgerStatus>,
}

/// A month's ranking as of its last day, computed now, with 序时进度 and the scheme it used.
/// The period's reports not yet final (submitted but unreviewed, missing), plan adjustments and
/// report corrections pending, with counts: what the office should know before it publishes.
async fn not_final(
    state: &AppState,
    period: &Period,
    lang: domain::Lang,
) -> Result<Option<String>, AppError> {
    let units = state.store.period_overview(period).await?;
    let unreviewed: usize = units.iter().map(|u| u.submitted).sum();
    let missing: usize = units.iter().map(|u| u.missing()).sum();
    let adjustments = state.store.plan_adjustments(None, true).await?.len();
    let corrections = state.store.pending_corrections(None, None).await?.len();
    if unreviewed + missing + adjustments + corrections == 0 {
        return Ok(None);
    }
    Ok(Some(
        bi(
            format!(
                "尚未最终确定：待审核月报 {unreviewed} 份，未报 {missing} 份，待审核计划调整 {adjustments} 件，待审核月报更正 {corrections} 件。发布后排名即冻结，之后的变化只能以更正版发布。"
            ),
            format!(
                "Not final yet: {unreviewed} reports awaiting review, {missing} missing, {adjustments} plan adjustments and {corrections} report corrections pending. Publishing freezes the ranking; later changes are published as a corrected revision."
            ),
        )
        .get(lang)
        .to_string(),
    ))
}

async fn live(state: &AppState, period: &Period) -> Result<Live, AppError> {
    let as_of = period
        .last_day()
        .ok_or_else(|| AppError::BadRequest(bi("报送期无效", "invalid reporting period")))?;
    let scheme = state.store.judging(as_of).await?.scheme;
    let status = state.store.status(as_of, &scheme).await?;
    Ok(Live {
        units: RankingRow::from_status(&status.status),
        regions: RankingRow::regions_of(&status.status),
        expected: status.status.expected.to_f64(),
        scheme,
        status,
    })
}

/// The period a page opens on: the query's, else the latest reported month.
async fn period_of(state: &AppState, text: &str) -> Result<Period, AppError> {
    if !text.trim().is_empty() {
        return Period::parse(text)
            .map(|p| Period { part: None, ..p })
            .map_err(AppError::BadRequest);
    }
    let day = state
        .store
        .latest_report_end()
        .await?
        .unwrap_or_else(|| state.today());
    Ok(Period {
        year: day.year(),
        month: day.month(),
        part: None,
    })
}

pub struct Row {
    rank: usize,
    unit: String,
    unit_link: String,
    projects: usize,
    plan: String,
    ytd: String,
    rate: String,
    light: &'static str,
    light_label: &'static str,
    indicators: Vec<String>,
    score: String,
    double_half: bool,
    strong_start: &'static str,
}

fn light_of(code: Option<&str>) -> Option<Light> {
    code.and_then(Light::from_code)
}

fn rows(rows: &[RankingRow], as_of: &str, lang: Lang) -> Vec<Row> {
    rows.iter()
        .map(|r| {
            let light = light_of(r.light.as_deref());
            Row {
                rank: r.rank,
                unit: r.unit.clone(),
                unit_link: format!("/status/unit?name={}&as_of={as_of}", url_encode(&r.unit)),
                projects: r.projects,
                plan: Money::from_fen(r.plan_fen).wan_display(),
                ytd: Money::from_fen(r.ytd_fen).wan_display(),
                rate: r.rate.map(crate::status::percent).unwrap_or_default(),
                light: light.map_or("", Light::code),
                light_label: light.map_or("", |l| l.label(lang)),
                indicators: r
                    .indicators
                    .iter()
                    .map(|(_, v)| format!("{:.1}", v * 100.0))
                    .collect(),
                score: format!("{:.2}", r.score),
                double_half: r.double_half,
                strong_start: crate::status::strong_mark(r.strong_start),
            }
        })
        .collect()
}

pub struct Publication {
    revision: i64,
    at: String,
    note: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsTemplate {
    tr: Tr,
    user: SessionUser,
    can_publish: bool,
    /// What is not final in the period's figures yet, said before publishing (empty when all
    /// reports are in and reviewed).
    not_final: Option<String>,
    period: String,
    period_label: String,
    as_of: String,
    expected: String,
    indicator_heads: Vec<&'static str>,
    published: Option<PublishedView>,
    publications: Vec<Publication>,
    live: Vec<Row>,
    live_regions: Vec<Row>,
    live_differs: bool,
    errors: Vec<String>,
}

pub struct PublishedView {
    revision: i64,
    at: String,
    by: String,
    note: String,
    expected: String,
    rows: Vec<Row>,
    regions: Vec<Row>,
    latest: bool,
    /// The audit chain's head at publication, `seq:hash`, to check later.
    audit_head: String,
}

#[derive(Deserialize)]
pub struct RankingQuery {
    #[serde(default)]
    period: String,
    revision: Option<i64>,
}

async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    period: Period,
    revision: Option<i64>,
    errors: Vec<String>,
) -> PageResult {
    let lang = tr.lang;
    let as_of = period.last_day().map(|d| d.to_string()).unwrap_or_default();
    let published = state.store.published_ranking(&period, revision).await?;
    if revision.is_some() && published.is_none() {
        return Err(AppError::NotFound.into());
    }
    let latest = state.store.published_ranking(&period, None).await?;
    let now = live(state, &period).await?;
    let live_differs = latest
        .as_ref()
        .is_some_and(|p| p.rows != now.units || p.regions != now.regions);
    let key = period.key();
    let publications = state
        .store
        .ranking_publications()
        .await?
        .into_iter()
        .filter(|(p, ..)| *p == key)
        .map(|(_, revision, at, note)| Publication {
            revision,
            at: format_time(at),
            note: note.unwrap_or_default(),
            current: published.as_ref().is_some_and(|p| p.revision == revision),
        })
        .collect();
    let latest_revision = latest.as_ref().map(|p| p.revision);
    let view = published.map(|p: PublishedRanking| PublishedView {
        revision: p.revision,
        at: format_time(p.published_at),
        by: p.published_by.clone().unwrap_or_default(),
        note: p.note.clone().unwrap_or_default(),
        expected: crate::status::percent(p.expected),
        audit_head: p
            .audit_head
            .as_ref()
            .map(|(seq, hash)| format!("{seq}:{hash}"))
            .unwrap_or_default(),
        // A published unit opens its projects as published.
        rows: rows(&p.rows, &p.as_of.to_string(), lang)
            .into_iter()
            .map(|mut r| {
                r.unit_link = format!(
                    "/rankings/unit?period={}&revision={}&unit={}",
                    p.period,
                    p.revision,
                    url_encode(&r.unit)
                );
                r
            })
            .collect(),
        regions: rows(&p.regions, "", lang),
        latest: Some(p.revision) == latest_revision,
    });
    render(&RankingsTemplate {
        not_final: if policy::is_office(&user) {
            not_final(state, &period, lang).await?
        } else {
            None
        },
        can_publish: policy::is_office(&user),
        user,
        period: key,
        period_label: crate::reports::period_label(&period, lang),
        expected: crate::status::percent(now.expected),
        indicator_heads: now
            .scheme
            .indicators
            .iter()
            .map(|i| indicator_label(&i.key, lang))
            .collect(),
        live: rows(&now.units, &as_of, lang),
        live_regions: rows(&now.regions, "", lang),
        as_of,
        published: view,
        publications,
        live_differs,
        errors,
        tr,
    })
}

/// `/rankings?period=2025-06[&revision=N]`.
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<RankingQuery>,
) -> PageResult {
    let period = period_of(&state, &q.period).await?;
    show(&state, user, tr, period, q.revision, Vec::new()).await
}

#[derive(Deserialize)]
pub struct PublishForm {
    period: String,
    #[serde(default)]
    note: String,
}

/// Publishes the live ranking of a month (the lead office).
pub async fn publish(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<PublishForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let period = period_of(&state, &form.period).await?;
    let as_of = period
        .last_day()
        .ok_or_else(|| AppError::BadRequest(bi("报送期无效", "invalid reporting period")))?;
    let now = live(&state, &period).await?;
    let scheme = now.scheme.to_toml();
    let new = NewRanking {
        period,
        as_of,
        expected: now.expected,
        scheme: &scheme,
        rows: &now.units,
        regions: &now.regions,
        projects: &now.status.status.projects,
        note: Some(form.note.as_str()),
        actor: Some(user.id),
    };
    match state.store.publish_ranking(&new).await {
        Ok(p) => Ok(layout::done(
            &format!("/rankings?period={}&revision={}", p.period, p.revision),
            "done.published",
            Some(p.revision),
        )),
        Err(StoreError::Rule(m)) => {
            let mut page = show(
                &state,
                user,
                tr,
                period,
                None,
                vec![m.get(tr.lang).to_string()],
            )
            .await?;
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "ranking_unit.html")]
struct RankingUnitTemplate {
    tr: Tr,
    user: SessionUser,
    period: String,
    period_label: String,
    revision: i64,
    published_at: String,
    as_of: String,
    unit: String,
    live_link: String,
    row: Option<Row>,
    projects: Vec<FrozenRow>,
}

pub struct FrozenRow {
    id: i64,
    name: String,
    ytd: String,
    plan: String,
    expected: String,
    rate: String,
    light: &'static str,
    light_label: &'static str,
    why: String,
    reports: String,
}

#[derive(Deserialize)]
pub struct RankingUnitQuery {
    #[serde(default)]
    period: String,
    revision: Option<i64>,
    #[serde(default)]
    unit: String,
}

/// `/rankings/unit?period=2025-06&revision=N&unit=…`: a unit's projects as the ranking was
/// published — the frozen lines and the report versions they came from — with a link to the
/// live figures.
pub async fn unit_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<RankingUnitQuery>,
) -> PageResult {
    let lang = tr.lang;
    let period = period_of(&state, &q.period).await?;
    let published = state
        .store
        .published_ranking(&period, q.revision)
        .await?
        .ok_or(AppError::NotFound)?;
    let as_of = published.as_of.to_string();
    let row = published
        .rows
        .iter()
        .find(|r| r.unit == q.unit)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let projects = state
        .store
        .frozen_projects(published.id, Some(&q.unit))
        .await?
        .into_iter()
        .map(|p| {
            let light = light_of(p.light.as_deref());
            let rate = p
                .plan
                .filter(|m| m.fen() > 0)
                .map(|m| crate::status::percent(p.year_to_date.fen() as f64 / m.fen() as f64))
                .unwrap_or_default();
            FrozenRow {
                id: p.project_id,
                name: p.name.clone(),
                ytd: p.year_to_date.wan_display(),
                plan: p.plan.map(|m| m.wan_display()).unwrap_or_default(),
                expected: p.expected.map(crate::status::percent).unwrap_or_default(),
                rate,
                light: light.map_or("", Light::code),
                light_label: match light {
                    Some(l) => l.label(lang),
                    None if p.not_due => tr.t("status.not_due"),
                    None => tr.t("status.unrated"),
                },
                why: match lang {
                    Lang::Zh => p.why_zh.clone(),
                    Lang::En => p.why_en.clone(),
                },
                reports: p.reports_text(lang),
            }
        })
        .collect();
    render(&RankingUnitTemplate {
        user,
        period: period.key(),
        period_label: crate::reports::period_label(&period, lang),
        revision: published.revision,
        published_at: format_time(published.published_at),
        live_link: format!("/status/unit?name={}&as_of={as_of}", url_encode(&row.unit)),
        row: rows(std::slice::from_ref(&row), &as_of, lang)
            .into_iter()
            .next(),
        unit: row.unit,
        as_of,
        projects,
        tr,
    })
}

/// The published ranking as the .xlsx offices print: title, date line, rank, unit, figures,
/// indicators, score, light. Unpublished months export the live table, titled as such.
pub async fn export(
    State(state): State<AppState>,
    PageUser { user: _, tr: _ }: PageUser,
    Query(q): Query<RankingQuery>,
) -> PageResult {
    let period = period_of(&state, &q.period).await?;
    let published = state.store.published_ranking(&period, q.revision).await?;
    if q.revision.is_some() && published.is_none() {
        return Err(AppError::NotFound.into());
    }
    let (units, regions, subtitle) = match &published {
        Some(p) => (
            p.rows.clone(),
            p.regions.clone(),
            format!(
                "截至 {} · 序时进度 {:.1}% · 第{}版，发布于 {}{}{}",
                p.as_of,
                p.expected * 100.0,
                p.revision,
                format_time(p.published_at),
                p.note
                    .as_deref()
                    .map(|n| format!(" · 更正说明：{n}"))
                    .unwrap_or_default(),
                p.audit_head
                    .as_ref()
                    .map(|(seq, hash)| format!(" · 审计链头 {seq}:{hash}"))
                    .unwrap_or_default()
            ),
        ),
        None => {
            let now = live(&state, &period).await?;
            let as_of = period.last_day().unwrap_or_else(|| state.today());
            let subtitle = format!(
                "截至 {as_of} · 序时进度 {:.1}% · 未发布（实时数据，导出于 {}）",
                now.expected * 100.0,
                state.today()
            );
            (now.units, now.regions, subtitle)
        }
    };
    let edition = published
        .as_ref()
        .map(|p| {
            if p.revision > 1 {
                format!("（第{}版）", p.revision)
            } else {
                String::new()
            }
        })
        .unwrap_or_else(|| "（未发布）".into());
    let sheet = |rows: &[RankingRow], who: &str, name: String| TableSheet {
        name,
        title: format!(
            "{}重点项目攻坚行动{who}亮晒排名{edition}",
            period.label_zh()
        ),
        subtitle: subtitle.clone(),
        headers: ranking_headers(rows, who),
        rows: rows.iter().map(ranking_cells).collect(),
    };
    let bytes = write_tables(&[
        sheet(&units, "责任单位", format!("{}排名", period.label_zh())),
        sheet(&regions, "区域", "区域排名".into()),
    ])
    .map_err(|e| AppError::Internal(format!("ranking xlsx: {e}")))?;
    let file = format!("ranking-{}.xlsx", period.key());
    Ok(crate::pages::download(crate::pages::XLSX, &file, bytes))
}

/// The heads of a printed ranking; the indicators' heads come from the rows themselves (frozen
/// with the ranking).
fn ranking_headers(rows: &[RankingRow], who: &str) -> Vec<String> {
    let mut headers: Vec<String> = [
        "排名",
        who,
        "项目数",
        "年度计划（万元）",
        "累计完成（万元）",
        "完成率（%）",
        "亮灯",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    headers.extend(rows.first().into_iter().flat_map(|r| {
        r.indicators
            .iter()
            .map(|(key, _)| format!("{}（%）", indicator_label(key, Lang::Zh)))
    }));
    headers.extend(["综合得分", "双过半", "开门红"].map(String::from));
    headers
}

/// One printed line of a ranking.
fn ranking_cells(r: &RankingRow) -> Vec<TableCell> {
    let yes_no = |b: Option<bool>| {
        TableCell::Text(
            match b {
                Some(true) => "是",
                Some(false) => "否",
                None => "",
            }
            .into(),
        )
    };
    let mut cells = vec![
        TableCell::Number(i64::try_from(r.rank).unwrap_or(0)),
        TableCell::Text(r.unit.clone()),
        TableCell::Number(i64::try_from(r.projects).unwrap_or(0)),
        TableCell::Fixed(Money::from_fen(r.plan_fen).wan_f64()),
        TableCell::Fixed(Money::from_fen(r.ytd_fen).wan_f64()),
        r.rate.map_or(TableCell::Text(String::new()), |x| {
            TableCell::Fixed(x * 100.0)
        }),
        TableCell::Text(
            light_of(r.light.as_deref())
                .map_or("不考核", Light::label_zh)
                .to_string(),
        ),
    ];
    cells.extend(
        r.indicators
            .iter()
            .map(|(_, v)| TableCell::Fixed(v * 100.0)),
    );
    cells.push(TableCell::Fixed(r.score));
    cells.push(yes_no(Some(r.double_half)));
    cells.push(yes_no(r.strong_start));
    cells
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rankings", get(page))
        .route("/rankings/publish", post(publish))
        .route("/rankings/unit", get(unit_page))
        .route("/rankings/export.xlsx", get(export))
}
