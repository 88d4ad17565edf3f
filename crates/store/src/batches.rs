//! Batches and 五个一批 (issue 19 §3): the 集中开工 / 集中签约 / 集中竣工投产 events with the
//! projects or leads they gather, and what happened to projects and leads on which day — signed,
//! started, completed, put into production, newly planned — for counting 五个一批 in a period.

use chrono::NaiveDate;
use domain::batches::{BatchKind, FiveKind, Happened};
use domain::{Money, bi};

use crate::projects::date;
use crate::{Result, Store, StoreError, now};

/// A batch event with what it gathers, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: i64,
    pub kind: BatchKind,
    pub name: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub note: Option<String>,
    pub items: Vec<BatchItem>,
}

impl Batch {
    /// The investment the batch gathers: projects' total investment, leads' contract value
    /// (else planned investment).
    pub fn investment(&self) -> Money {
        Money::from_fen(
            self.items
                .iter()
                .map(|i| i.investment.map_or(0, Money::fen))
                .fold(0i64, i64::saturating_add),
        )
    }
}

/// A project or a lead of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    pub id: i64,
    pub project_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub name: String,
    pub unit: Option<String>,
    pub investment: Option<Money>,
}

/// A new batch as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    pub kind: BatchKind,
    pub name: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub note: Option<String>,
}

impl Store {
    /// Records a batch event; its id.
    pub async fn create_batch(&self, b: &NewBatch, actor: Option<i64>) -> Result<i64> {
        let mut refused = Vec::new();
        if b.name.trim().is_empty() {
            refused.push(bi("请填写活动名称", "the event's name is required"));
        }
        if b.name.chars().count() > 200
            || b.place.as_ref().is_some_and(|p| p.chars().count() > 200)
            || b.note.as_ref().is_some_and(|n| n.chars().count() > 2_000)
        {
            refused.push(bi(
                "名称、地点或备注过长",
                "the name, place or note is too long",
            ));
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO batches (kind, name, held_on, place, note, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(b.kind.code())
        .bind(b.name.trim())
        .bind(b.held_on.to_string())
        .bind(b.place.as_deref())
        .bind(b.note.as_deref())
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Every batch, newest first, with its items.
    pub async fn batches(&self) -> Result<Vec<Batch>> {
        type Row = (i64, String, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, name, held_on, place, note FROM batches ORDER BY held_on DESC, id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        type ItemRow = (
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let items: Vec<ItemRow> = sqlx::query_as(
            "SELECT i.id, i.batch_id, i.project_id, i.lead_id, COALESCE(p.name, l.name), \
             COALESCE(pu.name, lu.name), \
             COALESCE(p.total_investment_fen, l.contract_value_fen, l.planned_investment_fen) \
             FROM batch_items i LEFT JOIN projects p ON p.id = i.project_id \
             LEFT JOIN units pu ON pu.id = p.unit_id LEFT JOIN leads l ON l.id = i.lead_id \
             LEFT JOIN units lu ON lu.id = l.unit_id ORDER BY i.id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, kind, name, held_on, place, note)| {
                Some(Batch {
                    id,
                    kind: BatchKind::parse(&kind)?,
                    name,
                    held_on: date(Some(held_on))?,
                    place,
                    note,
                    items: items
                        .iter()
                        .filter(|i| i.1 == id)
                        .map(|i| BatchItem {
                            id: i.0,
                            project_id: i.2,
                            lead_id: i.3,
                            name: i.4.clone().unwrap_or_default(),
                            unit: i.5.clone(),
                            investment: i.6.map(Money::from_fen),
                        })
                        .collect(),
                })
            })
            .collect())
    }

    pub async fn batch(&self, id: i64) -> Result<Option<Batch>> {
        Ok(self.batches().await?.into_iter().find(|b| b.id == id))
    }

    /// Adds a project or a lead to a batch (once).
    pub async fn add_batch_item(
        &self,
        batch: i64,
        project: Option<i64>,
        lead: Option<i64>,
    ) -> Result<i64> {
        if project.is_some() == lead.is_some() {
            return Err(StoreError::Invalid(vec![bi(
                "请选择一个项目或一个招商项目",
                "choose one project or one lead",
            )]));
        }
        let mut tx = self.begin_write().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM batches WHERE id = $1")
            .bind(batch)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let exists: Option<(i64,)> = match (project, lead) {
            (Some(p), _) => {
                sqlx::query_as("SELECT id FROM projects WHERE id = $1")
                    .bind(p)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            (_, Some(l)) => {
                sqlx::query_as("SELECT id FROM leads WHERE id = $1")
                    .bind(l)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            _ => None,
        };
        if exists.is_none() {
            return Err(StoreError::Invalid(vec![bi(
                "所选项目不存在",
                "the chosen project does not exist",
            )]));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO batch_items (batch_id, project_id, lead_id) VALUES ($1, $2, $3) \
             RETURNING id",
        )
        .bind(batch)
        .bind(project)
        .bind(lead)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            crate::on_unique(
                e,
                "project",
                "该项目已在本批次中".into(),
                "the project is already in this batch".into(),
            )
        })?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Takes an item out of its batch.
    pub async fn remove_batch_item(&self, batch: i64, item: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM batch_items WHERE id = $1 AND batch_id = $2")
            .bind(item)
            .bind(batch)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// What happened to projects and leads, each on its day, for 五个一批: a lead signed (its
    /// contract value, else planned investment), a project started (its actual start, else, for
    /// a project planned to start this year, its first approved report that says it started; a
    /// continuing project's reports say nothing of when it began), completed, put into production (a lead in
    /// production that is not yet a project counts too), and newly planned (a project in 谋划
    /// added that day; a lead 策划生成).
    pub async fn happenings(&self) -> Result<Vec<Happened>> {
        type ProjectRow = (
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
        );
        let projects: Vec<ProjectRow> = sqlx::query_as(
            "SELECT p.total_investment_fen, \
             COALESCE(p.actual_start, CASE WHEN p.stage = 'to_start' THEN \
               (SELECT MIN(COALESCE(r.actual_start, r.period_end)) FROM reports r \
               WHERE r.project_id = p.id AND r.started = 1 AND r.status = 'approved') END), \
             p.actual_completion, p.actual_production, p.stage, p.created_at FROM projects p",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        let mut push = |kind, on: Option<NaiveDate>, fen: Option<i64>| {
            if let Some(on) = on {
                out.push(Happened {
                    kind,
                    on,
                    investment: Money::from_fen(fen.unwrap_or(0)),
                });
            }
        };
        for (fen, start, completion, production, stage, created) in projects {
            push(FiveKind::Started, date(start), fen);
            push(FiveKind::Completed, date(completion), fen);
            push(FiveKind::Producing, date(production), fen);
            if stage.as_deref() == Some("planning") {
                let day = domain::dates::china_datetime(created).map(|t| t.date());
                push(FiveKind::Planned, day, fen);
            }
        }
        type LeadRow = (
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let leads: Vec<LeadRow> = sqlx::query_as(
            "SELECT contract_value_fen, planned_investment_fen, signed_on, producing_on, \
             planned_on, project_id FROM leads",
        )
        .fetch_all(self.pool())
        .await?;
        for (contract, planned, signed, producing, planned_on, project) in leads {
            push(FiveKind::Signed, date(signed), contract.or(planned));
            push(FiveKind::Planned, date(planned_on), planned);
            if project.is_none() {
                push(FiveKind::Producing, date(producing), contract.or(planned));
            }
        }
        Ok(out)
    }
}
