//! The campaign (攻坚行动): its time (a year or a fixed window), theme, reporting cadence,
//! thresholds and scoring scheme; key tasks with lead departments; targets decomposed to units
//! (目标责任分解) and how far each unit is with them.

use chrono::{Datelike, NaiveDate};
use domain::plausibility::Limits;
use domain::progress::{Cadence, Rules, Scheme, Window};
use domain::{Money, bi};

use serde::Serialize;

use crate::projects::date;
use crate::{Result, Store, StoreError, now};

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: i64,
    pub version: i64,
    pub settings: CampaignSettings,
    pub tasks: Vec<KeyTask>,
    pub targets: Vec<UnitTarget>,
}

/// A project's own target in a campaign (a fixed window's investment to complete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectTarget {
    pub project_id: i64,
    pub code: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub investment: Money,
}

/// What a campaign is set to; the figures follow these.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSettings {
    pub name: String,
    pub theme: Option<String>,
    pub window: Window,
    pub cadence: Cadence,
    pub rules: Rules,
    pub scheme: Scheme,
    /// The factors of a report's warnings (异常提示).
    pub limits: Limits,
    /// 按分月计划: a project with a 分月计划 is judged on its planned cumulative to date
    /// instead of time passed (a year window only). On by default: a ledger without
    /// breakdowns is judged by time either way.
    pub phased_plan: bool,
}

impl CampaignSettings {
    /// A calendar-year campaign with the default cadence, thresholds and scheme.
    pub fn year(name: &str, year: i32) -> CampaignSettings {
        CampaignSettings {
            name: name.into(),
            theme: None,
            window: Window::Year(year),
            cadence: Cadence::Monthly,
            rules: Rules::default(),
            scheme: Scheme::default(),
            limits: Limits::default(),
            phased_plan: true,
        }
    }

    /// The first and last day of the campaign.
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        match self.window {
            Window::Year(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default(),
            ),
            Window::Fixed { start, end } => (start, end),
        }
    }
}

/// Writes a new campaign's row (settings already checked) in `tx`.
async fn insert_campaign(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    settings: &CampaignSettings,
) -> Result<i64> {
    let (year, start, end) = window_columns(&settings.window);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO campaigns (name, theme, year, window_start, window_end, cadence, yellow_from_pp, \
         red_above_pp, start_red_months, scheme, created_at, over_plan_factor, spike_factor, phased_plan) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(settings.name.trim())
    .bind(settings.theme.clone())
    .bind(year)
    .bind(start)
    .bind(end)
    .bind(cadence_code(settings.cadence))
    .bind(settings.rules.yellow_from_pp.to_string())
    .bind(settings.rules.red_above_pp.to_string())
    .bind(i64::from(settings.rules.start_red_months))
    .bind(settings.scheme.to_toml())
    .bind(now())
    .bind(settings.limits.over_plan.to_string())
    .bind(settings.limits.spike.to_string())
    .bind(i64::from(settings.phased_plan))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// What carrying a campaign over to the next year did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarryOver {
    pub campaign_id: i64,
    pub year: i32,
    /// Unfinished projects carried into the year (续建): plan year set to it, the annual plan
    /// cleared until the year's ledger sheet gives it (the old plan kept for its year).
    pub carried: usize,
    /// Of them, projects started or due to complete that continue under construction.
    pub restaged: usize,
}

/// The settings of the next year's campaign: the same cadence, thresholds, scheme and theme,
/// the year in the name moved on, the window moved to `year` (a fixed window by whole years).
pub fn next_year_settings(old: &CampaignSettings, year: i32) -> CampaignSettings {
    let (start, _) = old.span();
    let shift = year - start.year();
    let window = match old.window {
        Window::Year(_) => Window::Year(year),
        Window::Fixed { start, end } => {
            let moved = |d: NaiveDate| {
                d.with_year(d.year() + shift)
                    .or_else(|| d.pred_opt().and_then(|p| p.with_year(p.year() + shift)))
                    .unwrap_or(d)
            };
            Window::Fixed {
                start: moved(start),
                end: moved(end),
            }
        }
    };
    let old_year = start.year().to_string();
    let name = if old.name.contains(&old_year) {
        old.name.replace(&old_year, &year.to_string())
    } else {
        format!("{year}年{}", old.name)
    };
    CampaignSettings {
        name,
        window,
        ..old.clone()
    }
}

/// A key task (重点任务) and the department that leads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyTask {
    pub id: i64,
    pub name: String,
    pub lead_unit_id: Option<i64>,
    pub lead_unit: Option<String>,
}

/// A unit's targets; `None` where it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitTarget {
    pub unit_id: i64,
    pub unit: String,
    /// Projects to start (开工).
    pub starts: Option<i64>,
    /// Projects to complete (竣工).
    pub completions: Option<i64>,
    /// Projects to put into production (投产).
    pub productions: Option<i64>,
    /// Investment to complete.
    pub investment: Option<Money>,
    /// 招商: leads to sign, of them 亿元以上, and the investment to sign for.
    pub leads_signed: Option<i64>,
    pub leads_over_yi: Option<i64>,
    pub signed_investment: Option<Money>,
}

/// How far a unit is with its targets, as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    pub target: UnitTarget,
    pub started: i64,
    pub completed: i64,
    pub produced: i64,
    pub invested: Money,
    /// Leads signed in the campaign by the date, of them 亿元以上, and what they were signed for.
    pub signed: i64,
    pub signed_over_yi: i64,
    pub signed_investment: Money,
}

type CampaignRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

/// unit id, unit name, starts, completions, productions, investment (fen).
pub(crate) type TargetRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// unit id, started, completed, produced, invested (fen).
type ProgressRow = (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

fn bad_stored(what: &str) -> StoreError {
    StoreError::Rule(bi(
        format!("已保存的攻坚行动设置无法读取（{what}）"),
        format!("the stored campaign settings do not read ({what})"),
    ))
}

fn settings_of(r: &CampaignRow) -> Result<CampaignSettings> {
    let window = match (r.4, date(r.5.clone()), date(r.6.clone())) {
        (_, Some(start), Some(end)) => Window::Fixed { start, end },
        (Some(y), _, _) => Window::Year(i32::try_from(y).map_err(|_| bad_stored("year"))?),
        _ => return Err(bad_stored("window")),
    };
    let cadence = match r.7.as_str() {
        "ten_daily" => Cadence::TenDaily,
        _ => Cadence::Monthly,
    };
    let rules = Rules::from_text(&r.8, &r.9, &r.10.to_string()).map_err(StoreError::Rule)?;
    let scheme = match &r.11 {
        Some(t) => Scheme::from_toml(t).map_err(StoreError::Rule)?,
        None => Scheme::default(),
    };
    let limits = Limits::from_text(
        r.12.as_deref().unwrap_or_default(),
        r.13.as_deref().unwrap_or_default(),
    )
    .map_err(StoreError::Rule)?;
    Ok(CampaignSettings {
        name: r.2.clone(),
        theme: r.3.clone(),
        window,
        cadence,
        rules,
        scheme,
        limits,
        phased_plan: r.14 != 0,
    })
}

/// Moves a campaign's version on from the one the editor read, in `tx`; a stale or missing
/// campaign is refused as [`stale`] says.
async fn bump_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    campaign: i64,
    version: i64,
) -> Result<()> {
    let done =
        sqlx::query("UPDATE campaigns SET version = version + 1 WHERE id = $1 AND version = $2")
            .bind(campaign)
            .bind(version)
            .execute(&mut **tx)
            .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(stale(&mut **tx, campaign).await)
    }
}

/// Why a version-checked write of a campaign touched nothing: it moved on, or it is gone.
async fn stale<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>, id: i64) -> StoreError {
    let current: std::result::Result<Option<(i64,)>, _> =
        sqlx::query_as("SELECT version FROM campaigns WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await;
    match current {
        Ok(Some((current,))) => StoreError::Conflict { current },
        Ok(None) => StoreError::NotFound,
        Err(e) => StoreError::Db(e),
    }
}

fn window_columns(w: &Window) -> (Option<i64>, Option<String>, Option<String>) {
    match w {
        Window::Year(y) => (Some(i64::from(*y)), None, None),
        Window::Fixed { start, end } => (
            Some(i64::from(start.year())),
            Some(start.to_string()),
            Some(end.to_string()),
        ),
    }
}

fn cadence_code(c: Cadence) -> &'static str {
    match c {
        Cadence::Monthly => "monthly",
        Cadence::TenDaily => "ten_daily",
    }
}

fn check(settings: &CampaignSettings) -> Result<()> {
    if settings.name.trim().is_empty() {
        return Err(StoreError::Rule(bi(
            "请填写攻坚行动名称",
            "the campaign needs a name",
        )));
    }
    if let Window::Fixed { start, end } = settings.window
        && end < start
    {
        return Err(StoreError::Rule(bi(
            format!("结束日期 {end} 早于开始日期 {start}"),
            format!("the end {end} is before the start {start}"),
        )));
    }
    Ok(())
}

impl Store {
    /// The campaign the figures follow: the latest active one.
    pub async fn campaign(&self) -> Result<Option<Campaign>> {
        let Some((id, version, settings)) = self.active_campaign().await? else {
            return Ok(None);
        };
        self.campaign_with(id, version, settings).await.map(Some)
    }

    /// One campaign by id, past or current.
    pub async fn campaign_by_id(&self, id: i64) -> Result<Option<Campaign>> {
        let Some((id, version, settings)) = self
            .campaigns()
            .await?
            .into_iter()
            .find(|(c, _, _)| *c == id)
        else {
            return Ok(None);
        };
        self.campaign_with(id, version, settings).await.map(Some)
    }

    async fn campaign_with(
        &self,
        id: i64,
        version: i64,
        settings: CampaignSettings,
    ) -> Result<Campaign> {
        let tasks: Vec<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT t.id, t.name, t.lead_unit_id, u.name FROM campaign_tasks t \
             LEFT JOIN units u ON u.id = t.lead_unit_id WHERE t.campaign_id = $1 ORDER BY t.position, t.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let targets: Vec<TargetRow> =
            sqlx::query_as(
                "SELECT t.unit_id, u.name, t.starts, t.completions, t.productions, t.investment_fen, \
                 t.leads_signed, t.leads_over_yi, t.signed_investment_fen \
                 FROM campaign_targets t JOIN units u ON u.id = t.unit_id WHERE t.campaign_id = $1 ORDER BY u.name",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        Ok(Campaign {
            id,
            version,
            settings,
            tasks: tasks
                .into_iter()
                .map(|(id, name, lead_unit_id, lead_unit)| KeyTask {
                    id,
                    name,
                    lead_unit_id,
                    lead_unit,
                })
                .collect(),
            targets: targets
                .into_iter()
                .map(|t| UnitTarget {
                    unit_id: t.0,
                    unit: t.1,
                    starts: t.2,
                    completions: t.3,
                    productions: t.4,
                    investment: t.5.map(Money::from_fen),
                    leads_signed: t.6,
                    leads_over_yi: t.7,
                    signed_investment: t.8.map(Money::from_fen),
                })
                .collect(),
        })
    }

    /// Every active campaign's id, version and settings, newest first.
    pub async fn campaigns(&self) -> Result<Vec<(i64, i64, CampaignSettings)>> {
        let rows: Vec<CampaignRow> = sqlx::query_as(
            "SELECT id, version, name, theme, year, window_start, window_end, cadence, yellow_from_pp, \
             red_above_pp, start_red_months, scheme, over_plan_factor, spike_factor, phased_plan FROM campaigns WHERE active = 1 ORDER BY id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.0, r.1, settings_of(r)?)))
            .collect()
    }

    /// The campaign whose time covers `day` (the newest, where two do), if any. A campaign
    /// covers from its first day to the end of the year it ends in: a fixed window's figures
    /// are still read, and judged by it, after its last day.
    pub async fn campaign_covering(
        &self,
        day: NaiveDate,
    ) -> Result<Option<(i64, i64, CampaignSettings)>> {
        Ok(self.campaigns().await?.into_iter().find(|(_, _, s)| {
            let (start, end) = s.span();
            start <= day && day.year() <= end.year()
        }))
    }

    /// The id, version and settings of the newest campaign (the one the office works on now),
    /// without its tasks and targets.
    pub async fn active_campaign(&self) -> Result<Option<(i64, i64, CampaignSettings)>> {
        let row: Option<CampaignRow> = sqlx::query_as(
            "SELECT id, version, name, theme, year, window_start, window_end, cadence, yellow_from_pp, \
             red_above_pp, start_red_months, scheme, over_plan_factor, spike_factor, phased_plan FROM campaigns WHERE active = 1 ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok((r.0, r.1, settings_of(&r)?))).transpose()
    }

    /// Starts a campaign; it becomes the one the figures follow.
    pub async fn create_campaign(&self, settings: &CampaignSettings) -> Result<i64> {
        check(settings)?;
        let mut tx = self.begin_write().await?;
        let id = insert_campaign(&mut tx, settings).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Starts the next year's campaign from `from` (tasks, thresholds, scheme and cadence
    /// copied, the window set to `year`; targets are set anew) and carries the unfinished
    /// projects into it (续建): their plan year becomes `year` and their annual plan is cleared
    /// until the year's ledger sheet gives it, the old plan kept for its year (`annual_plans`);
    /// a project started, or due to complete, continues as 在建. Every change is in the
    /// project's history (source `carry_over`). All or nothing.
    pub async fn carry_over_campaign(
        &self,
        from: i64,
        year: i32,
        actor: Option<i64>,
    ) -> Result<CarryOver> {
        let old = self
            .campaign_by_id(from)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The next campaign starts a year after this one (a window across New Year, such as
        // July to June, moves by a whole year too).
        let (old_start, old_end) = old.settings.span();
        if year != old_start.year() + 1 {
            return Err(StoreError::Rule(bi(
                format!("只能结转到{}年", old_start.year() + 1),
                format!(
                    "this campaign carries over to {} only",
                    old_start.year() + 1
                ),
            )));
        }
        let settings = next_year_settings(&old.settings, year);
        check(&settings)?;
        let mut tx = self.begin_write().await?;
        // Two carry-overs of one campaign take turns (the row's lock on PostgreSQL, the
        // writer's on SQLite), so the second sees the year the first made.
        sqlx::query("UPDATE campaigns SET version = version WHERE id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        let (new_start, _) = settings.span();
        let taken: Vec<(String, Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT name, year, window_start FROM campaigns WHERE active = 1")
                .fetch_all(&mut *tx)
                .await?;
        if let Some((name, _, _)) = taken.iter().find(|(_, y, start)| {
            let first = date(start.clone())
                .map(|d| d.year())
                .or_else(|| y.and_then(|y| i32::try_from(y).ok()));
            first == Some(new_start.year())
        }) {
            return Err(StoreError::Rule(bi(
                format!("已有{year}年的攻坚行动“{name}”"),
                format!("{year} already has a campaign, “{name}”"),
            )));
        }
        let id = insert_campaign(&mut tx, &settings).await?;
        for (position, task) in old.tasks.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_tasks (campaign_id, position, name, lead_unit_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX) + 1)
            .bind(&task.name)
            .bind(task.lead_unit_id)
            .execute(&mut *tx)
            .await?;
        }
        type Row = (
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, version, stage, actual_start, plan_year, annual_plan_fen FROM projects \
             WHERE (stage IS NULL OR stage NOT IN ('completed', 'in_production')) \
             AND (plan_year IS NULL OR plan_year < $1) ORDER BY id",
        )
        .bind(i64::from(year))
        .fetch_all(&mut *tx)
        .await?;
        let stamp = crate::projects::Stamp {
            actor,
            source: "carry_over",
            at: now(),
        };
        let old_year = old_start.year().max(old_end.year());
        let wan = |fen: Option<i64>| {
            fen.map(|f| Money::from_fen(f).wan_string())
                .unwrap_or_default()
        };
        let mut restaged = 0;
        for (project, version, stage, actual_start, plan_year, plan) in &rows {
            let continues = match stage.as_deref() {
                Some("to_complete") => true,
                Some("to_start") => actual_start.is_some(),
                _ => false,
            };
            let new_stage = if continues {
                restaged += 1;
                Some("under_construction")
            } else {
                stage.as_deref()
            };
            // A plan without a plan year was the old campaign's.
            if plan_year.is_none() {
                sqlx::query(
                    "INSERT INTO annual_plans (project_id, year, plan_fen) VALUES ($1, $2, $3) \
                     ON CONFLICT (project_id, year) DO UPDATE SET plan_fen = excluded.plan_fen",
                )
                .bind(project)
                .bind(i64::from(old_year))
                .bind(plan)
                .execute(&mut *tx)
                .await?;
            }
            // Only as read: a project someone saved meanwhile makes the carry-over start again.
            let updated = sqlx::query(
                "UPDATE projects SET plan_year = $1, annual_plan_fen = NULL, plan_phases = NULL, stage = $2, \
                 version = version + 1 WHERE id = $3 AND version = $4",
            )
            .bind(i64::from(year))
            .bind(new_stage)
            .bind(project)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::Conflict { current: *version });
            }
            let v = version + 1;
            let record = |field: &'static str, old: String, new: String| (field, old, new);
            let mut changes = vec![record(
                "plan_year",
                plan_year.map(|y| y.to_string()).unwrap_or_default(),
                year.to_string(),
            )];
            if plan.is_some() {
                changes.push(record("annual_plan_wan", wan(*plan), String::new()));
            }
            if continues {
                let label = |code: &str| {
                    domain::Stage::parse(code)
                        .map(|s| s.label_zh().to_string())
                        .unwrap_or_else(|| code.to_string())
                };
                changes.push(record(
                    "stage",
                    label(stage.as_deref().unwrap_or_default()),
                    label("under_construction"),
                ));
            }
            for (field, old, new) in changes {
                crate::projects::record_change(&mut tx, *project, v, field, &old, &new, stamp)
                    .await?;
            }
        }
        self.commit(tx).await?;
        Ok(CarryOver {
            campaign_id: id,
            year,
            carried: rows.len(),
            restaged,
        })
    }

    /// Changes a campaign's settings; `version` is the one the editor read.
    pub async fn update_campaign(
        &self,
        id: i64,
        version: i64,
        settings: &CampaignSettings,
    ) -> Result<i64> {
        check(settings)?;
        let (year, start, end) = window_columns(&settings.window);
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE campaigns SET name = $1, theme = $2, year = $3, window_start = $4, window_end = $5, \
             cadence = $6, yellow_from_pp = $7, red_above_pp = $8, start_red_months = $9, scheme = $10, \
             over_plan_factor = $11, spike_factor = $12, phased_plan = $13, version = version + 1 \
             WHERE id = $14 AND version = $15",
        )
        .bind(settings.name.trim())
        .bind(settings.theme.clone())
        .bind(year)
        .bind(start)
        .bind(end)
        .bind(cadence_code(settings.cadence))
        .bind(settings.rules.yellow_from_pp.to_string())
        .bind(settings.rules.red_above_pp.to_string())
        .bind(i64::from(settings.rules.start_red_months))
        .bind(settings.scheme.to_toml())
        .bind(settings.limits.over_plan.to_string())
        .bind(settings.limits.spike.to_string())
        .bind(i64::from(settings.phased_plan))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            self.commit(tx).await?;
            return Ok(version + 1);
        }
        drop(tx);
        Err(stale(self.pool(), id).await)
    }

    /// Replaces a campaign's targets per project (a fixed window's investment target for each
    /// project, 万元 as Money); `version` is the one the editor read.
    pub async fn set_project_targets(
        &self,
        campaign: i64,
        version: i64,
        targets: &[(i64, Money)],
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        bump_version(&mut tx, campaign, version).await?;
        sqlx::query("DELETE FROM campaign_project_targets WHERE campaign_id = $1")
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
        for (project, amount) in targets {
            sqlx::query(
                "INSERT INTO campaign_project_targets (campaign_id, project_id, investment_fen) \
                 VALUES ($1, $2, $3)",
            )
            .bind(campaign)
            .bind(*project)
            .bind(amount.fen())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                crate::on_unique(
                    e,
                    "project",
                    "同一项目填写了两个目标".into(),
                    "a project has two targets".into(),
                )
            })?;
        }
        self.commit(tx).await?;
        Ok(version + 1)
    }

    /// A campaign's targets per project, by project name.
    pub async fn project_targets(&self, campaign: i64) -> Result<Vec<ProjectTarget>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            code: Option<String>,
            name: String,
            unit: Option<String>,
            investment_fen: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT p.id, p.code, p.name, u.name AS unit, t.investment_fen FROM campaign_project_targets t \
             JOIN projects p ON p.id = t.project_id LEFT JOIN units u ON u.id = p.unit_id \
             WHERE t.campaign_id = $1 ORDER BY p.name, p.id",
        )
        .bind(campaign)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ProjectTarget {
                project_id: r.id,
                code: r.code,
                name: r.name,
                unit: r.unit,
                investment: Money::from_fen(r.investment_fen),
            })
            .collect())
    }

    /// Adds a key task at the end of the list.
    pub async fn add_campaign_task(
        &self,
        campaign: i64,
        name: &str,
        lead_unit: Option<i64>,
    ) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Rule(bi(
                "请填写任务名称",
                "the task needs a name",
            )));
        }
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO campaign_tasks (campaign_id, position, name, lead_unit_id) VALUES ($1, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM campaign_tasks WHERE campaign_id = $2), $3, $4) RETURNING id",
        )
        .bind(campaign)
        .bind(campaign)
        .bind(name)
        .bind(lead_unit)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    pub async fn delete_campaign_task(&self, campaign: i64, task: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM campaign_tasks WHERE id = $1 AND campaign_id = $2")
            .bind(task)
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }

    /// Replaces the campaign's unit targets in one transaction; `version` is the campaign's
    /// version the editor read (the targets are part of it).
    pub async fn set_campaign_targets(
        &self,
        campaign: i64,
        version: i64,
        targets: &[UnitTarget],
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        bump_version(&mut tx, campaign, version).await?;
        sqlx::query("DELETE FROM campaign_targets WHERE campaign_id = $1")
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
        for t in targets {
            let empty = t.starts.is_none()
                && t.completions.is_none()
                && t.productions.is_none()
                && t.investment.is_none()
                && t.leads_signed.is_none()
                && t.leads_over_yi.is_none()
                && t.signed_investment.is_none();
            if empty {
                continue;
            }
            sqlx::query(
                "INSERT INTO campaign_targets (campaign_id, unit_id, starts, completions, productions, investment_fen, \
                 leads_signed, leads_over_yi, signed_investment_fen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(campaign)
            .bind(t.unit_id)
            .bind(t.starts)
            .bind(t.completions)
            .bind(t.productions)
            .bind(t.investment.map(Money::fen))
            .bind(t.leads_signed)
            .bind(t.leads_over_yi)
            .bind(t.signed_investment.map(Money::fen))
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await?;
        Ok(version + 1)
    }

    /// Each unit's progress with its targets as of a date: projects started (the ledger's actual
    /// start in the campaign, or a 计划开工 project reported started), completed and put into
    /// production in the campaign, and investment completed in the campaign by the counted
    /// reports' years to date (the latest by the date, less the latest before the campaign).
    pub async fn target_progress(
        &self,
        campaign: &Campaign,
        as_of: NaiveDate,
    ) -> Result<Vec<TargetProgress>> {
        let (start, end) = campaign.settings.span();
        let until_day = as_of.min(end);
        let until = until_day.to_string();
        let from = start.to_string();
        // Investment: the year to date at the end, less the year to date on the eve of the
        // campaign when it starts within the same year (reports carry years to date).
        let year_start_day = NaiveDate::from_ymd_opt(until_day.year(), 1, 1).unwrap_or(until_day);
        let year_start = year_start_day.to_string();
        let before = start.max(year_start_day).to_string();
        let rows: Vec<ProgressRow> = sqlx::query_as(
            "SELECT p.unit_id, \
             CAST(SUM(CASE WHEN (p.actual_start >= $1 AND p.actual_start <= $2) OR (p.stage = 'to_start' AND EXISTS \
               (SELECT 1 FROM reports r WHERE r.project_id = p.id AND r.started = 1 AND r.status IN ('submitted', 'approved') \
                AND r.period_end >= $3 AND r.period_end <= $4)) THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN p.actual_completion >= $5 AND p.actual_completion <= $6 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN p.actual_production >= $7 AND p.actual_production <= $8 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(COALESCE((SELECT r.ytd_fen FROM reports r WHERE r.project_id = p.id \
               AND r.status IN ('submitted', 'approved') AND r.period_end >= $9 AND r.period_end <= $10 \
               ORDER BY r.period_end DESC, r.period DESC LIMIT 1), 0) \
               - COALESCE((SELECT r.ytd_fen FROM reports r WHERE r.project_id = p.id \
               AND r.status IN ('submitted', 'approved') AND r.period_end >= $11 AND r.period_end < $12 \
               ORDER BY r.period_end DESC, r.period DESC LIMIT 1), 0)) AS BIGINT) \
             FROM projects p WHERE p.unit_id IS NOT NULL GROUP BY p.unit_id",
        )
        .bind(&from)
        .bind(&until)
        .bind(&from)
        .bind(&until)
        .bind(&from)
        .bind(&until)
        .bind(&from)
        .bind(&until)
        .bind(&year_start)
        .bind(&until)
        .bind(&year_start)
        .bind(&before)
        .fetch_all(self.pool())
        .await?;
        // 招商: leads signed within the campaign by the date, by unit.
        let leads = self.leads(None).await?;
        let yi = Money::from_wan(10_000).fen();
        let signed_by = |unit: i64| {
            leads
                .iter()
                .filter(|l| l.fields.unit_id == Some(unit))
                .filter(|l| {
                    let lead = l.lead();
                    lead.reached(domain::leads::LeadStage::Signed, until_day)
                        && !lead.reached(
                            domain::leads::LeadStage::Signed,
                            start.pred_opt().unwrap_or(start),
                        )
                })
                .map(|l| {
                    l.fields
                        .contract_value
                        .or(l.fields.planned_investment)
                        .map_or(0, Money::fen)
                })
                .fold((0i64, 0i64, 0i64), |(n, big, sum), fen| {
                    (n + 1, big + i64::from(fen >= yi), sum.saturating_add(fen))
                })
        };
        Ok(campaign
            .targets
            .iter()
            .map(|t| {
                let r = rows.iter().find(|r| r.0 == t.unit_id);
                let (signed, signed_over_yi, signed_fen) = signed_by(t.unit_id);
                TargetProgress {
                    signed,
                    signed_over_yi,
                    signed_investment: Money::from_fen(signed_fen),
                    target: t.clone(),
                    started: r.and_then(|r| r.1).unwrap_or(0),
                    completed: r.and_then(|r| r.2).unwrap_or(0),
                    produced: r.and_then(|r| r.3).unwrap_or(0),
                    invested: Money::from_fen(r.and_then(|r| r.4).unwrap_or(0)),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The next year's settings: a year window moves on, a fixed window (also one across New
    /// Year) by a whole year, the year in the name follows.
    #[test]
    fn the_next_year_s_window_and_name() {
        let year = CampaignSettings::year("福清市2026年项目攻坚行动", 2026);
        let next = next_year_settings(&year, 2027);
        assert_eq!(
            (next.name.as_str(), next.window),
            ("福清市2027年项目攻坚行动", Window::Year(2027))
        );
        let mut across = CampaignSettings::year("项目攻坚行动", 2025);
        across.window = Window::Fixed {
            start: day(2025, 7, 1),
            end: day(2026, 6, 30),
        };
        let next = next_year_settings(&across, 2026);
        assert_eq!(
            next.window,
            Window::Fixed {
                start: day(2026, 7, 1),
                end: day(2027, 6, 30)
            }
        );
        assert_eq!(next.name, "2026年项目攻坚行动");
        // 29 February moves to the 28th.
        let mut leap = CampaignSettings::year("2024年百日攻坚", 2024);
        leap.window = Window::Fixed {
            start: day(2024, 2, 29),
            end: day(2024, 6, 7),
        };
        assert_eq!(
            next_year_settings(&leap, 2025).window,
            Window::Fixed {
                start: day(2025, 2, 28),
                end: day(2025, 6, 7)
            }
        );
    }
}
