//! Approval plans (审批要件): a project's nodes with durations in working days, dependencies,
//! planned and actual dates, and the 批复文号 of each; and what is due across projects.
//!
//! Every change is checked by scheduling the changed plan (no cycle, no unknown prerequisite)
//! before it is written, and guarded by the plan's version.

use chrono::NaiveDate;
use domain::approval::{node_type, template};
use domain::calendar::WorkCalendar;
use domain::schedule::{Plan, PlanNode, schedule};
use domain::{Bilingual, bi};
use serde::Serialize;
use sqlx::{Any, Transaction};

use crate::projects::{date, date_text, decode_list, encode_list};
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalNode {
    pub key: String,
    pub name: String,
    pub duration: u32,
    pub after: Vec<String>,
    pub department: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    /// 批复文号.
    pub document_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalPlan {
    pub project_id: i64,
    pub template: String,
    pub start: NaiveDate,
    pub version: i64,
    pub nodes: Vec<ApprovalNode>,
}

impl ApprovalPlan {
    /// The plan as the scheduler reads it.
    pub fn to_plan(&self) -> Plan {
        Plan {
            start: self.start,
            nodes: self
                .nodes
                .iter()
                .map(|n| PlanNode {
                    id: n.key.clone(),
                    name: n.name.clone(),
                    duration: n.duration,
                    after: n.after.clone(),
                    planned_start: n.planned_start,
                    planned_finish: n.planned_finish,
                    actual_finish: n.actual_finish,
                })
                .collect(),
        }
    }
}

/// An open node due by some date, with its project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueNode {
    pub project_id: i64,
    pub project_name: String,
    pub unit_name: Option<String>,
    pub key: String,
    pub name: String,
    pub department: Option<String>,
    pub planned_finish: NaiveDate,
}

/// A node finished (actual finish) in a period, with its project: the bulletin's good news.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinishedNode {
    pub project_id: i64,
    pub project_name: String,
    pub name: String,
    pub department: Option<String>,
    pub actual_finish: NaiveDate,
    pub document_no: Option<String>,
}

type NodeRow = (
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// project id, project name, unit name, node key, node name, department, planned finish
type DueRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
);
/// project id, key, name, duration, after, department, planned start, planned finish
type PlanNodeRow = (
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);
/// project id, project name, node name, department, actual finish, document number
type FinishedRow = (i64, String, String, Option<String>, String, Option<String>);

fn rule(message: Bilingual) -> StoreError {
    StoreError::Rule(message)
}

/// Refuses a plan the scheduler cannot compute (cycle, unknown prerequisite, past the calendar).
fn check(plan: &ApprovalPlan, calendar: &WorkCalendar) -> Result<()> {
    schedule(&plan.to_plan(), calendar)
        .map(|_| ())
        .map_err(|e| rule(e.message()))
}

async fn write_nodes(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    nodes: &[ApprovalNode],
) -> Result<()> {
    sqlx::query("DELETE FROM approval_nodes WHERE project_id = $1")
        .bind(project_id)
        .execute(&mut **tx)
        .await?;
    for (i, n) in nodes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO approval_nodes (project_id, node_key, name, duration, after, department, \
             planned_start, planned_finish, actual_start, actual_finish, document_no, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(project_id)
        .bind(&n.key)
        .bind(&n.name)
        .bind(i64::from(n.duration))
        .bind(encode_list(&n.after))
        .bind(n.department.clone())
        .bind(date_text(n.planned_start))
        .bind(date_text(n.planned_finish))
        .bind(date_text(n.actual_start))
        .bind(date_text(n.actual_finish))
        .bind(n.document_no.clone())
        .bind(i as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    pub async fn approval_plan(&self, project_id: i64) -> Result<Option<ApprovalPlan>> {
        let head: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT template, start_date, version FROM approval_plans WHERE project_id = $1",
        )
        .bind(project_id)
        .fetch_optional(self.pool())
        .await?;
        let Some((template, start, version)) = head else {
            return Ok(None);
        };
        let rows: Vec<NodeRow> = sqlx::query_as(
            "SELECT node_key, name, duration, after, department, planned_start, planned_finish, \
             actual_start, actual_finish, document_no FROM approval_nodes WHERE project_id = $1 \
             ORDER BY position, id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        let start = NaiveDate::parse_from_str(&start, "%Y-%m-%d")
            .map_err(|_| rule(bi("审批计划的开始日期无效", "invalid plan start date")))?;
        Ok(Some(ApprovalPlan {
            project_id,
            template,
            start,
            version,
            nodes: rows
                .into_iter()
                .map(|r| ApprovalNode {
                    key: r.0,
                    name: r.1,
                    duration: u32::try_from(r.2).unwrap_or(0),
                    after: decode_list(&r.3),
                    department: r.4,
                    planned_start: date(r.5),
                    planned_finish: date(r.6),
                    actual_start: date(r.7),
                    actual_finish: date(r.8),
                    document_no: r.9,
                })
                .collect(),
        }))
    }

    /// Every project's approval plan, for checks across the ledger (two queries, not one per
    /// project).
    pub async fn all_approval_plans(&self) -> Result<Vec<ApprovalPlan>> {
        let heads: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT project_id, template, start_date, version FROM approval_plans ORDER BY project_id",
        )
        .fetch_all(self.pool())
        .await?;
        let rows: Vec<PlanNodeRow> = sqlx::query_as(
            "SELECT project_id, node_key, name, duration, after, department, planned_start, \
                 planned_finish FROM approval_nodes ORDER BY project_id, position, id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut plans: Vec<ApprovalPlan> = heads
            .into_iter()
            .filter_map(|(project_id, template, start, version)| {
                Some(ApprovalPlan {
                    project_id,
                    template,
                    start: NaiveDate::parse_from_str(&start, "%Y-%m-%d").ok()?,
                    version,
                    nodes: Vec::new(),
                })
            })
            .collect();
        let mut at = 0;
        for r in rows {
            while at < plans.len() && plans[at].project_id < r.0 {
                at += 1;
            }
            let Some(plan) = plans.get_mut(at).filter(|p| p.project_id == r.0) else {
                continue;
            };
            plan.nodes.push(ApprovalNode {
                key: r.1,
                name: r.2,
                duration: u32::try_from(r.3).unwrap_or(0),
                after: decode_list(&r.4),
                department: r.5,
                planned_start: date(r.6),
                planned_finish: date(r.7),
                actual_start: None,
                actual_finish: None,
                document_no: None,
            });
        }
        Ok(plans)
    }

    /// Gives a project the approval plan of a template, starting on `start`; the planned
    /// dates are the template's schedule (the baseline later progress is measured against).
    pub async fn create_approval_plan(
        &self,
        project_id: i64,
        template_code: &str,
        start: NaiveDate,
        actor: Option<i64>,
        calendar: &WorkCalendar,
    ) -> Result<ApprovalPlan> {
        let t = template(template_code).ok_or_else(|| {
            rule(bi(
                format!("未知的审批模板“{template_code}”"),
                format!("unknown approval template “{template_code}”"),
            ))
        })?;
        let plan = t.plan(start);
        let timed = schedule(&plan, calendar).map_err(|e| rule(e.message()))?;
        // The catalogue names departments as counties usually do ("发展和改革局"); where the
        // installation has such a unit ("福清市发展和改革局"), its own name is used.
        let departments: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM units WHERE kind = 'department' ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let department = |generic: &str| {
            departments
                .iter()
                .find(|(name,)| name.ends_with(generic))
                .map(|(name,)| name.clone())
                .unwrap_or_else(|| generic.to_string())
        };
        let nodes: Vec<ApprovalNode> = plan
            .nodes
            .iter()
            .zip(&timed.nodes)
            .map(|(n, times)| ApprovalNode {
                key: n.id.clone(),
                name: n.name.clone(),
                duration: n.duration,
                after: n.after.clone(),
                department: node_type(&n.id).map(|t| department(t.department)),
                planned_start: Some(times.es),
                planned_finish: Some(times.ef),
                actual_start: None,
                actual_finish: None,
                document_no: None,
            })
            .collect();
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM approval_plans WHERE project_id = $1")
                .bind(project_id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_some() {
            return Err(rule(bi(
                "该项目已有审批计划",
                "the project already has an approval plan",
            )));
        }
        sqlx::query(
            "INSERT INTO approval_plans (project_id, template, start_date, version, updated_at, updated_by) \
             VALUES ($1, $2, $3, 1, $4, $5)",
        )
        .bind(project_id)
        .bind(t.code)
        .bind(start.format("%Y-%m-%d").to_string())
        .bind(now())
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        write_nodes(&mut tx, project_id, &nodes).await?;
        self.commit(tx).await?;
        self.approval_plan(project_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Saves a changed plan (nodes added, edited or dropped) that was read at
    /// `expected_version`. Refused when someone saved in between, or when the plan cannot be
    /// scheduled.
    pub async fn save_approval_plan(
        &self,
        plan: &ApprovalPlan,
        expected_version: i64,
        actor: Option<i64>,
        calendar: &WorkCalendar,
    ) -> Result<ApprovalPlan> {
        check(plan, calendar)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE approval_plans SET version = version + 1, start_date = $1, updated_at = $2, \
             updated_by = $3 WHERE project_id = $4 AND version = $5",
        )
        .bind(plan.start.format("%Y-%m-%d").to_string())
        .bind(now())
        .bind(actor)
        .bind(plan.project_id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let current: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM approval_plans WHERE project_id = $1")
                    .bind(plan.project_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match current {
                Some((current,)) => StoreError::Conflict { current },
                None => StoreError::NotFound,
            });
        }
        write_nodes(&mut tx, plan.project_id, &plan.nodes).await?;
        self.commit(tx).await?;
        self.approval_plan(plan.project_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Nodes still open on `as_of` (no actual finish, or one after it) and planned to finish
    /// on or before `until`, by department, then date: what each department must approve,
    /// overdue first.
    pub async fn due_approval_nodes(
        &self,
        as_of: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<DueNode>> {
        let rows: Vec<DueRow> = sqlx::query_as(
            "SELECT p.id, p.name, u.name, n.node_key, n.name, n.department, n.planned_finish \
                 FROM approval_nodes n JOIN projects p ON p.id = n.project_id \
                 LEFT JOIN units u ON u.id = p.unit_id \
                 WHERE (n.actual_finish IS NULL OR n.actual_finish > $1) AND n.planned_finish <= $2 \
                 ORDER BY n.department, n.planned_finish, p.id",
        )
        .bind(as_of.format("%Y-%m-%d").to_string())
        .bind(until.format("%Y-%m-%d").to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(DueNode {
                    project_id: r.0,
                    project_name: r.1,
                    unit_name: r.2,
                    key: r.3,
                    name: r.4,
                    department: r.5,
                    planned_finish: date(Some(r.6))?,
                })
            })
            .collect())
    }

    /// Nodes finished from `from` to `to` (both included), for the half-monthly bulletin.
    pub async fn finished_approval_nodes(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FinishedNode>> {
        let rows: Vec<FinishedRow> = sqlx::query_as(
            "SELECT p.id, p.name, n.name, n.department, n.actual_finish, n.document_no \
                 FROM approval_nodes n JOIN projects p ON p.id = n.project_id \
                 WHERE n.actual_finish >= $1 AND n.actual_finish <= $2 \
                 ORDER BY n.actual_finish, p.id",
        )
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(to.format("%Y-%m-%d").to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(FinishedNode {
                    project_id: r.0,
                    project_name: r.1,
                    name: r.2,
                    department: r.3,
                    actual_finish: date(Some(r.4))?,
                    document_no: r.5,
                })
            })
            .collect())
    }
}
