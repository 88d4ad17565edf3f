//! 招商 leads (招商项目库, issue 19 §1): each lead with its investor, source, responsible unit and
//! stage dates; every change of its stage or dates a `lead_events` row; the import of a lead
//! sheet all or nothing, matching leads by name; a landed lead made a ledger project, whose
//! reports then give its 开工 and 投产.

use chrono::NaiveDate;
use domain::leads::{Lead, LeadDates, LeadStage};
use domain::{Bilingual, Money, ProjectFields, UnitKind, bi};
use sqlx::{Any, Transaction};

use crate::import::{Resolver, RowProblem, row_problem};
use crate::projects::{Stamp, date, date_text, insert_project};
use crate::report_filing::Actor;
use crate::{Result, Store, StoreError, now, on_unique};

/// Longest name, investor, industry, chain, source or team.
const SHORT_TEXT: usize = 200;
/// Longest note.
const LONG_TEXT: usize = 2_000;

/// What is written of a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadFields {
    pub name: String,
    pub investor: Option<String>,
    pub industry: Option<String>,
    /// 产业链.
    pub chain: Option<String>,
    pub planned_investment: Option<Money>,
    /// 来源: an event (5·18 海交会, 9·8 投洽会), 以商招商, 驻点招商.
    pub source: Option<String>,
    pub unit_id: Option<i64>,
    /// 招商小分队.
    pub team: Option<String>,
    /// 当前阶段.
    pub stage: LeadStage,
    pub dates: LeadDates,
    /// 合同金额.
    pub contract_value: Option<Money>,
    /// 预计产值 and 预计税收 a year.
    pub expected_output: Option<Money>,
    pub expected_tax: Option<Money>,
    pub note: Option<String>,
}

/// A lead as stored, with its unit's and project's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRecord {
    pub id: i64,
    pub fields: LeadFields,
    pub unit: Option<String>,
    /// The day its current stage was first recorded.
    pub stage_recorded_on: NaiveDate,
    pub project_id: Option<i64>,
    pub project_name: Option<String>,
    /// The linked project's start and production, from its fields or its approved reports.
    pub project_started: Option<NaiveDate>,
    pub project_producing: Option<NaiveDate>,
    pub version: i64,
}

impl LeadRecord {
    /// The lead as the funnel counts it: once it is a project, its 开工 and 投产 are the
    /// project's when the project has them.
    pub fn lead(&self) -> Lead {
        let mut dates = self.fields.dates;
        let mut current = self.fields.stage;
        if self.project_id.is_some() {
            for (stage, day) in [
                (LeadStage::Started, self.project_started),
                (LeadStage::Producing, self.project_producing),
            ] {
                if let Some(day) = day {
                    dates.set(stage, Some(day));
                    current = current.max(stage);
                }
            }
        }
        Lead {
            dates,
            current,
            recorded_on: self.stage_recorded_on,
        }
    }
}

/// A step in a lead's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadEvent {
    pub at: i64,
    pub user: Option<String>,
    /// create | import | stage | edit | project
    pub action: String,
    pub from_stage: Option<LeadStage>,
    pub to_stage: Option<LeadStage>,
    /// One line per changed date: `stage-code|old|new` (`-` for none).
    pub detail: String,
}

/// A lead as a sheet gives it, its unit by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadListRow {
    pub sheet: String,
    pub row: u32,
    pub fields: LeadFields,
    pub unit_name: Option<String>,
}

/// What an import of leads did (or would do).
#[derive(Debug, Clone, Default)]
pub struct LeadImportOutcome {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_units: Vec<String>,
    pub problems: Vec<RowProblem>,
    pub rolled_back: bool,
}

#[derive(sqlx::FromRow)]
struct LeadRow {
    id: i64,
    name: String,
    investor: Option<String>,
    industry: Option<String>,
    chain: Option<String>,
    planned_investment_fen: Option<i64>,
    source: Option<String>,
    unit_id: Option<i64>,
    team: Option<String>,
    stage: String,
    stage_recorded_on: String,
    planned_on: Option<String>,
    negotiating_on: Option<String>,
    signed_on: Option<String>,
    landed_on: Option<String>,
    started_on: Option<String>,
    producing_on: Option<String>,
    contract_value_fen: Option<i64>,
    expected_output_fen: Option<i64>,
    expected_tax_fen: Option<i64>,
    note: Option<String>,
    project_id: Option<i64>,
    version: i64,
    unit_name: Option<String>,
    project_name: Option<String>,
    project_started: Option<String>,
    project_producing: Option<String>,
}

const SELECT_LEADS: &str = "SELECT l.id, l.name, l.investor, l.industry, l.chain, \
     l.planned_investment_fen, l.source, l.unit_id, l.team, l.stage, l.stage_recorded_on, \
     l.planned_on, l.negotiating_on, l.signed_on, l.landed_on, l.started_on, l.producing_on, \
     l.contract_value_fen, l.expected_output_fen, l.expected_tax_fen, l.note, l.project_id, \
     l.version, u.name AS unit_name, p.name AS project_name, \
     COALESCE(p.actual_start, (SELECT MIN(COALESCE(r.actual_start, r.period_end)) FROM reports r \
       WHERE r.project_id = p.id AND r.started = 1 AND r.status = 'approved')) AS project_started, \
     p.actual_production AS project_producing \
     FROM leads l LEFT JOIN units u ON u.id = l.unit_id LEFT JOIN projects p ON p.id = l.project_id";

fn money(fen: Option<i64>) -> Option<Money> {
    fen.map(Money::from_fen)
}

impl LeadRow {
    fn record(self) -> LeadRecord {
        let dates = LeadDates([
            date(self.planned_on),
            date(self.negotiating_on),
            date(self.signed_on),
            date(self.landed_on),
            date(self.started_on),
            date(self.producing_on),
        ]);
        LeadRecord {
            id: self.id,
            fields: LeadFields {
                name: self.name,
                investor: self.investor,
                industry: self.industry,
                chain: self.chain,
                planned_investment: money(self.planned_investment_fen),
                source: self.source,
                unit_id: self.unit_id,
                team: self.team,
                stage: LeadStage::parse(&self.stage)
                    .or(dates.furthest())
                    .unwrap_or(LeadStage::Planned),
                dates,
                contract_value: money(self.contract_value_fen),
                expected_output: money(self.expected_output_fen),
                expected_tax: money(self.expected_tax_fen),
                note: self.note,
            },
            unit: self.unit_name,
            stage_recorded_on: date(Some(self.stage_recorded_on)).unwrap_or(NaiveDate::MIN),
            project_id: self.project_id,
            project_name: self.project_name,
            project_started: date(self.project_started),
            project_producing: date(self.project_producing),
            version: self.version,
        }
    }
}

fn check_text(refused: &mut Vec<Bilingual>, text: Option<&str>, max: usize, zh: &str, en: &str) {
    if text.is_some_and(|t| t.chars().count() > max) {
        refused.push(bi(
            format!("{zh}过长（最多 {max} 字）"),
            format!("{en} is too long (at most {max} characters)"),
        ));
    }
}

/// Every rule a lead's fields must keep, each refusal with its reason.
pub fn check_lead(f: &LeadFields) -> Vec<Bilingual> {
    let mut refused = Vec::new();
    if f.name.trim().is_empty() {
        refused.push(bi("请填写项目名称", "the lead's name is required"));
    }
    check_text(
        &mut refused,
        Some(&f.name),
        SHORT_TEXT,
        "项目名称",
        "the name",
    );
    for (text, zh, en) in [
        (&f.investor, "投资方", "the investor"),
        (&f.industry, "所属行业", "the industry"),
        (&f.chain, "产业链", "the chain"),
        (&f.source, "招商来源", "the source"),
        (&f.team, "招商小分队", "the team"),
    ] {
        check_text(&mut refused, text.as_deref(), SHORT_TEXT, zh, en);
    }
    check_text(
        &mut refused,
        f.note.as_deref(),
        LONG_TEXT,
        "备注",
        "the note",
    );
    for (amount, zh, en) in [
        (f.planned_investment, "计划投资", "the planned investment"),
        (f.contract_value, "合同金额", "the contract value"),
        (f.expected_output, "预计产值", "the expected output"),
        (f.expected_tax, "预计税收", "the expected tax"),
    ] {
        if amount.is_some_and(Money::is_negative) {
            refused.push(bi(
                format!("{zh}不能为负数"),
                format!("{en} cannot be negative"),
            ));
        }
    }
    if let Err(m) = f.dates.check(f.stage) {
        refused.push(m);
    }
    refused
}

/// The lines of a change of dates: `stage|old|new`.
fn date_changes(old: &LeadDates, new: &LeadDates) -> String {
    let show = |d: Option<NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    LeadStage::ALL
        .iter()
        .filter(|s| old.of(**s) != new.of(**s))
        .map(|s| format!("{}|{}|{}", s.code(), show(old.of(*s)), show(new.of(*s))))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn insert_lead(
    tx: &mut Transaction<'static, Any>,
    f: &LeadFields,
    today: NaiveDate,
) -> Result<i64> {
    let at = now();
    let d = |s: LeadStage| date_text(f.dates.of(s));
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO leads (name, investor, industry, chain, planned_investment_fen, source, \
         unit_id, team, stage, stage_recorded_on, planned_on, negotiating_on, signed_on, \
         landed_on, started_on, producing_on, contract_value_fen, expected_output_fen, \
         expected_tax_fen, note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
    )
    .bind(f.name.trim())
    .bind(f.investor.as_deref())
    .bind(f.industry.as_deref())
    .bind(f.chain.as_deref())
    .bind(f.planned_investment.map(Money::fen))
    .bind(f.source.as_deref())
    .bind(f.unit_id)
    .bind(f.team.as_deref())
    .bind(f.stage.code())
    .bind(today.to_string())
    .bind(d(LeadStage::Planned))
    .bind(d(LeadStage::Negotiating))
    .bind(d(LeadStage::Signed))
    .bind(d(LeadStage::Landed))
    .bind(d(LeadStage::Started))
    .bind(d(LeadStage::Producing))
    .bind(f.contract_value.map(Money::fen))
    .bind(f.expected_output.map(Money::fen))
    .bind(f.expected_tax.map(Money::fen))
    .bind(f.note.as_deref())
    .bind(at)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| duplicate_name(e, &f.name))?;
    Ok(id)
}

fn duplicate_name(e: sqlx::Error, name: &str) -> StoreError {
    on_unique(
        e,
        "name",
        format!("招商项目库中已有名为“{}”的项目", name.trim()),
        format!("a lead named “{}” already exists", name.trim()),
    )
}

/// Writes `f` over the lead `id` at `version`; the stage's recorded day moves when the stage
/// does. `Conflict` when someone saved it since.
async fn update_lead(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    version: i64,
    f: &LeadFields,
    stage_moved: bool,
    today: NaiveDate,
) -> Result<()> {
    let d = |s: LeadStage| date_text(f.dates.of(s));
    let done = sqlx::query(
        "UPDATE leads SET name = $1, investor = $2, industry = $3, chain = $4, \
         planned_investment_fen = $5, source = $6, unit_id = $7, team = $8, stage = $9, \
         stage_recorded_on = CASE WHEN $10 = 1 THEN $11 ELSE stage_recorded_on END, \
         planned_on = $12, negotiating_on = $13, signed_on = $14, landed_on = $15, \
         started_on = $16, producing_on = $17, contract_value_fen = $18, \
         expected_output_fen = $19, expected_tax_fen = $20, note = $21, updated_at = $22, \
         version = version + 1 WHERE id = $23 AND version = $24",
    )
    .bind(f.name.trim())
    .bind(f.investor.as_deref())
    .bind(f.industry.as_deref())
    .bind(f.chain.as_deref())
    .bind(f.planned_investment.map(Money::fen))
    .bind(f.source.as_deref())
    .bind(f.unit_id)
    .bind(f.team.as_deref())
    .bind(f.stage.code())
    .bind(i64::from(stage_moved))
    .bind(today.to_string())
    .bind(d(LeadStage::Planned))
    .bind(d(LeadStage::Negotiating))
    .bind(d(LeadStage::Signed))
    .bind(d(LeadStage::Landed))
    .bind(d(LeadStage::Started))
    .bind(d(LeadStage::Producing))
    .bind(f.contract_value.map(Money::fen))
    .bind(f.expected_output.map(Money::fen))
    .bind(f.expected_tax.map(Money::fen))
    .bind(f.note.as_deref())
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(|e| duplicate_name(e, &f.name))?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM leads WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Err(match current {
        Some((current,)) => StoreError::Conflict { current },
        None => StoreError::NotFound,
    })
}

async fn record_event(
    tx: &mut Transaction<'static, Any>,
    lead: i64,
    user: Option<i64>,
    action: &str,
    from: Option<LeadStage>,
    to: Option<LeadStage>,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO lead_events (lead_id, at, user_id, action, from_stage, to_stage, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(lead)
    .bind(now())
    .bind(user)
    .bind(action)
    .bind(from.map(LeadStage::code))
    .bind(to.map(LeadStage::code))
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes a changed lead and its history row: `stage` when the stage moved, `edit` otherwise.
async fn change_lead(
    tx: &mut Transaction<'static, Any>,
    old: &LeadRecord,
    f: &LeadFields,
    user: Option<i64>,
    action: &str,
    today: NaiveDate,
) -> Result<()> {
    let moved = old.fields.stage != f.stage;
    update_lead(tx, old.id, old.version, f, moved, today).await?;
    let detail = date_changes(&old.fields.dates, &f.dates);
    let action = if moved { "stage" } else { action };
    record_event(
        tx,
        old.id,
        user,
        action,
        Some(old.fields.stage),
        Some(f.stage),
        &detail,
    )
    .await
}

impl Store {
    /// Every lead, or only one unit's, by name.
    pub async fn leads(&self, unit: Option<i64>) -> Result<Vec<LeadRecord>> {
        let rows: Vec<LeadRow> = match unit {
            Some(unit) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT_LEADS} WHERE l.unit_id = $1 ORDER BY l.name"
                )))
                .bind(unit)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT_LEADS} ORDER BY l.name"
                )))
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(rows.into_iter().map(LeadRow::record).collect())
    }

    /// Each unit's leads signed by `day`, and of those the landed, the started and those in
    /// production: what 履约率, 签约项目开工率 and 投产率 on the ranking are counted from.
    pub async fn unit_leads(
        &self,
        day: NaiveDate,
    ) -> Result<std::collections::HashMap<String, (i64, i64, i64, i64)>> {
        let mut out: std::collections::HashMap<String, (i64, i64, i64, i64)> = Default::default();
        for r in self.leads(None).await? {
            let Some(unit) = r.unit.clone() else {
                continue;
            };
            let lead = r.lead();
            if !lead.reached(LeadStage::Signed, day) {
                continue;
            }
            let e = out.entry(unit).or_default();
            e.0 += 1;
            e.1 += i64::from(lead.reached(LeadStage::Landed, day));
            e.2 += i64::from(lead.reached(LeadStage::Started, day));
            e.3 += i64::from(lead.reached(LeadStage::Producing, day));
        }
        Ok(out)
    }

    pub async fn lead(&self, id: i64) -> Result<Option<LeadRecord>> {
        let row: Option<LeadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_LEADS} WHERE l.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(LeadRow::record))
    }

    /// A lead's history, oldest first.
    pub async fn lead_events(&self, id: i64) -> Result<Vec<LeadEvent>> {
        type Row = (
            i64,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT e.at, u.display_name, e.action, e.from_stage, e.to_stage, e.detail \
             FROM lead_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.lead_id = $1 \
             ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, user, action, from, to, detail)| LeadEvent {
                at,
                user,
                action,
                from_stage: from.as_deref().and_then(LeadStage::parse),
                to_stage: to.as_deref().and_then(LeadStage::parse),
                detail,
            })
            .collect())
    }

    /// Adds a lead (`id` None) or saves one at `version`. A responsible unit (`actor.unit`)
    /// adds and changes only its own leads and cannot give one to another unit.
    pub async fn save_lead(
        &self,
        id: Option<i64>,
        version: i64,
        f: &LeadFields,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<i64> {
        let refused = check_lead(f);
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        if let Some(unit) = actor.unit
            && f.unit_id != Some(unit)
        {
            return Err(StoreError::Forbidden(bi(
                "只能登记本单位负责的招商项目",
                "a unit records only its own leads",
            )));
        }
        let mut tx = self.begin_write().await?;
        let id = match id {
            None => {
                let id = insert_lead(&mut tx, f, today).await?;
                let detail = date_changes(&LeadDates::default(), &f.dates);
                record_event(
                    &mut tx,
                    id,
                    actor.user_id,
                    "create",
                    None,
                    Some(f.stage),
                    &detail,
                )
                .await?;
                id
            }
            Some(id) => {
                let row: Option<LeadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT_LEADS} WHERE l.id = $1"
                )))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let old = row.map(LeadRow::record).ok_or(StoreError::NotFound)?;
                if actor.unit.is_some() && old.fields.unit_id != actor.unit {
                    return Err(StoreError::Forbidden(bi(
                        "只能修改本单位负责的招商项目",
                        "a unit changes only its own leads",
                    )));
                }
                if old.version != version {
                    return Err(StoreError::Conflict {
                        current: old.version,
                    });
                }
                change_lead(&mut tx, &old, f, actor.user_id, "edit", today).await?;
                id
            }
        };
        self.commit(tx).await?;
        Ok(id)
    }

    /// Makes a landed lead a ledger project (名称, 责任单位, 行业, 总投资 from its planned
    /// investment or contract value, 建设内容 from its investor and source), linked to it.
    /// Only the lead office does this. Returns the project's id.
    pub async fn lead_to_project(
        &self,
        id: i64,
        version: i64,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<i64> {
        if !actor.reviewer {
            return Err(StoreError::Forbidden(bi(
                "只有牵头部门可以将招商项目转入项目台账",
                "only the lead office turns a lead into a ledger project",
            )));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<LeadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_LEADS} WHERE l.id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let lead = row.map(LeadRow::record).ok_or(StoreError::NotFound)?;
        if lead.version != version {
            return Err(StoreError::Conflict {
                current: lead.version,
            });
        }
        if lead.project_id.is_some() {
            return Err(StoreError::Rule(bi(
                "该招商项目已转入项目台账",
                "this lead is already a ledger project",
            )));
        }
        if !lead.lead().reached(LeadStage::Landed, today) {
            return Err(StoreError::Rule(bi(
                "招商项目落地（注册、供地）后才能转入项目台账",
                "a lead becomes a ledger project once it has landed (registered, given land)",
            )));
        }
        let f = &lead.fields;
        let content = [
            f.investor.as_ref().map(|i| format!("投资方：{i}")),
            f.source.as_ref().map(|s| format!("招商来源：{s}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("；");
        let fields = ProjectFields {
            name: f.name.clone(),
            unit_id: f.unit_id,
            industry: f.industry.clone(),
            total_investment: f.planned_investment.or(f.contract_value),
            planned_start: None,
            actual_start: f.dates.of(LeadStage::Started),
            actual_production: f.dates.of(LeadStage::Producing),
            stage: Some(if f.dates.of(LeadStage::Started).is_some() {
                domain::Stage::UnderConstruction
            } else {
                domain::Stage::PreWork
            }),
            owner: f.investor.clone(),
            content: (!content.is_empty()).then_some(content),
            expected_output: f.expected_output,
            expected_tax: f.expected_tax,
            tags: vec!["招商项目".to_string()],
            ..ProjectFields::default()
        };
        let project = insert_project(
            &mut tx,
            self.dialect(),
            &fields,
            Stamp {
                actor: actor.user_id,
                source: "lead",
                at: now(),
            },
        )
        .await?;
        sqlx::query(
            "UPDATE leads SET project_id = $1, version = version + 1, updated_at = $2 \
             WHERE id = $3",
        )
        .bind(project)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record_event(
            &mut tx,
            id,
            actor.user_id,
            "project",
            Some(f.stage),
            Some(f.stage),
            &project.to_string(),
        )
        .await?;
        self.commit(tx).await?;
        Ok(project)
    }

    /// Imports a lead sheet all or nothing: a lead named as one already in the 库 is updated
    /// (its history says so), the others added; units named and not known are created (named
    /// only, on a dry run).
    pub async fn import_leads(
        &self,
        rows: &[LeadListRow],
        actor: Option<i64>,
        dry_run: bool,
        today: NaiveDate,
    ) -> Result<LeadImportOutcome> {
        let mut tx = if dry_run {
            self.pool().begin().await?
        } else {
            self.begin_write().await?
        };
        let mut outcome = LeadImportOutcome::default();
        let mut resolver = Resolver::load(&mut tx).await?;
        if dry_run {
            resolver = resolver.dry();
        }
        let existing: Vec<LeadRow> = sqlx::query_as(SELECT_LEADS).fetch_all(&mut *tx).await?;
        let mut by_name: std::collections::HashMap<String, LeadRecord> = existing
            .into_iter()
            .map(|r| {
                let r = r.record();
                (r.fields.name.clone(), r)
            })
            .collect();
        let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for row in rows {
            let name = row.fields.name.trim().to_string();
            if let Some(first) = seen.insert(name.clone(), row.row) {
                outcome.problems.push(row_problem(
                    &row.sheet,
                    row.row,
                    bi(
                        format!("项目“{name}”在第 {first} 行已出现"),
                        format!("the lead “{name}” is already on row {first}"),
                    ),
                ));
                continue;
            }
            let refused = check_lead(&row.fields);
            if !refused.is_empty() {
                for m in refused {
                    outcome.problems.push(row_problem(&row.sheet, row.row, m));
                }
                continue;
            }
            let mut f = row.fields.clone();
            f.name = name.clone();
            if let Some(unit) = &row.unit_name {
                f.unit_id = Some(
                    resolver
                        .unit(&mut tx, unit, UnitKind::guess(unit), &mut outcome.new_units)
                        .await?,
                );
            }
            match by_name.get_mut(&name) {
                None => {
                    outcome.created += 1;
                    if !dry_run {
                        let id = insert_lead(&mut tx, &f, today).await?;
                        let detail = date_changes(&LeadDates::default(), &f.dates);
                        record_event(&mut tx, id, actor, "import", None, Some(f.stage), &detail)
                            .await?;
                    }
                }
                Some(old) => {
                    // A sheet that leaves the unit out keeps the lead's.
                    if row.unit_name.is_none() {
                        f.unit_id = old.fields.unit_id;
                    }
                    if old.fields == f {
                        outcome.unchanged += 1;
                        continue;
                    }
                    outcome.updated += 1;
                    if !dry_run {
                        change_lead(&mut tx, old, &f, actor, "import", today).await?;
                    }
                }
            }
        }
        if dry_run || !outcome.problems.is_empty() {
            tx.rollback().await?;
            outcome.rolled_back = true;
        } else {
            self.commit(tx).await?;
        }
        Ok(outcome)
    }
}
