//! 计划调整: a unit's request, with a reason, to change figures it is judged on; the lead office
//! approves it (the change is written then, in the same transaction, source `plan_adjustment`)
//! or returns it with a reason. The request and the decision are rows of the project's history
//! too (field `_adjustment`), beside the change itself.

use domain::access::{ADJUSTABLE, set_adjustable};
use domain::{Field, ProjectInput, bi};
use serde::{Deserialize, Serialize};

use crate::projects::{Stamp, fetch_project, record_change, update_project_tx};
use crate::{Result, Store, StoreError, now};

/// One field a request changes, with its value when asked (for the reader) and the value asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustedField {
    /// A [`Field::key`].
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanAdjustment {
    pub id: i64,
    pub project_id: i64,
    pub project: String,
    pub unit_id: Option<i64>,
    pub changes: Vec<AdjustedField>,
    pub reason: String,
    /// pending | approved | returned.
    pub status: String,
    pub requested_by: Option<String>,
    pub requested_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    pub version: i64,
}

type Row = (
    i64,
    i64,
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
);

const SELECT: &str = "SELECT a.id, a.project_id, p.name, p.unit_id, a.changes, a.reason, a.status, \
     r.display_name, a.requested_at, d.display_name, a.decided_at, a.decision_note, a.version \
     FROM plan_adjustments a JOIN projects p ON p.id = a.project_id \
     LEFT JOIN users r ON r.id = a.requested_by LEFT JOIN users d ON d.id = a.decided_by";

fn of_row(r: Row) -> PlanAdjustment {
    PlanAdjustment {
        id: r.0,
        project_id: r.1,
        project: r.2,
        unit_id: r.3,
        // A damaged list hides the fields, not the request.
        changes: serde_json::from_str(&r.4).unwrap_or_default(),
        reason: r.5,
        status: r.6,
        requested_by: r.7,
        requested_at: r.8,
        decided_by: r.9,
        decided_at: r.10,
        decision_note: r.11,
        version: r.12,
    }
}

/// The project's fields with the values asked, checked as the form checks them.
fn parsed(input: &ProjectInput) -> Result<domain::ProjectFields> {
    input.parse().map_err(|errors| {
        StoreError::Invalid(
            errors
                .into_iter()
                .map(|e| bi(e.message_zh, e.message_en))
                .collect(),
        )
    })
}

fn summary(changes: &[AdjustedField]) -> String {
    changes
        .iter()
        .map(|c| {
            let label = match Field::from_key(&c.field) {
                Some(f) => f.label_zh().to_string(),
                None => c.field.clone(),
            };
            format!("{label} {} → {}", c.old, c.new)
        })
        .collect::<Vec<_>>()
        .join("；")
}

impl Store {
    /// Files a request to change judged figures of a project. Each value is checked as the form
    /// would check it (and against the rest of the project, e.g. a plan above the total), the
    /// reason is required, and a project has one pending request at a time.
    pub async fn request_plan_adjustment(
        &self,
        project_id: i64,
        asked: &[(Field, String)],
        reason: &str,
        actor: Option<i64>,
    ) -> Result<i64> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Rule(bi(
                "请填写调整理由",
                "give the reason for the adjustment",
            )));
        }
        let mut tx = self.begin_write().await?;
        let project = fetch_project(&mut *tx, project_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut input = ProjectInput::from_fields(&project.fields);
        for (field, value) in asked {
            if !ADJUSTABLE.contains(field)
                || !set_adjustable(&mut input, *field, value.trim().into())
            {
                return Err(StoreError::Rule(bi(
                    format!("“{}”不能通过计划调整修改", field.label_zh()),
                    format!("“{}” is not changed by a plan adjustment", field.label_en()),
                )));
            }
        }
        let wanted = parsed(&input)?;
        let changes: Vec<AdjustedField> = project
            .fields
            .changed_fields(&wanted)
            .into_iter()
            .map(|f| AdjustedField {
                field: f.key().into(),
                old: project.fields.display_value(f),
                new: wanted.display_value(f),
            })
            .collect();
        if changes.is_empty() {
            return Err(StoreError::Rule(bi(
                "申请的数值与现有数值相同，没有需要调整的内容",
                "the values asked are the values now: nothing to adjust",
            )));
        }
        let pending: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM plan_adjustments WHERE project_id = $1 AND status = 'pending'",
        )
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id,)) = pending {
            return Err(StoreError::Rule(bi(
                format!("该项目已有待审核的计划调整申请（#{id}），请等待总牵头单位处理"),
                format!("the project already has a pending plan adjustment (#{id})"),
            )));
        }
        let at = now();
        let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO plan_adjustments (project_id, changes, reason, status, requested_by, requested_at) \
             VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id",
        )
        .bind(project_id)
        .bind(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into()))
        .bind(reason)
        .bind(actor)
        .bind(at)
        .fetch_one(&mut *tx)
        .await;
        let (id,) = match inserted {
            Ok(row) => row,
            // Another request for the project was filed at the same moment.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::Rule(bi(
                    "该项目已有待审核的计划调整申请，请等待总牵头单位处理",
                    "the project already has a pending plan adjustment",
                )));
            }
            Err(e) => return Err(e.into()),
        };
        let stamp = Stamp {
            actor,
            source: "plan_adjustment",
            at,
        };
        let note = format!("申请计划调整 #{id}：{}；理由：{reason}", summary(&changes));
        record_change(
            &mut tx,
            project_id,
            project.version,
            "_adjustment",
            "",
            &note,
            stamp,
        )
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Requests, newest first: of one unit's projects, or all; pending ones only, or all.
    pub async fn plan_adjustments(
        &self,
        unit: Option<i64>,
        pending_only: bool,
    ) -> Result<Vec<PlanAdjustment>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR p.unit_id = $1) AND ($2 = 0 OR a.status = 'pending') \
             ORDER BY a.id DESC LIMIT 500"
        )))
        .bind(unit)
        .bind(i64::from(pending_only))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(of_row).collect())
    }

    pub async fn plan_adjustment(&self, id: i64) -> Result<Option<PlanAdjustment>> {
        let row: Option<Row> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1")))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(of_row))
    }

    /// The lead office approves (the values asked are written, checked again against the
    /// project as it is now) or returns (a reason required) a pending request; `version` is the
    /// one the decider read. All or nothing.
    pub async fn decide_plan_adjustment(
        &self,
        id: i64,
        version: i64,
        approve: bool,
        note: &str,
        actor: Option<i64>,
    ) -> Result<PlanAdjustment> {
        let note = note.trim();
        if !approve && note.is_empty() {
            return Err(StoreError::Rule(bi(
                "退回请说明理由",
                "say why the request is returned",
            )));
        }
        let mut tx = self.begin_write().await?;
        // Takes the request's row first, so two decisions take turns.
        let taken = sqlx::query(
            "UPDATE plan_adjustments SET version = version + 1 WHERE id = $1 AND version = $2 AND status = 'pending'",
        )
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        let row: Option<Row> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let request = row.map(of_row).ok_or(StoreError::NotFound)?;
        if taken.rows_affected() == 0 {
            if request.status != "pending" {
                return Err(StoreError::Rule(bi(
                    format!("该申请已处理（#{id}）"),
                    format!("the request #{id} has been decided already"),
                )));
            }
            return Err(StoreError::Conflict {
                current: request.version,
            });
        }
        let project = fetch_project(&mut *tx, request.project_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let at = now();
        let stamp = Stamp {
            actor,
            source: "plan_adjustment",
            at,
        };
        let mut version_after = project.version;
        if approve {
            let mut input = ProjectInput::from_fields(&project.fields);
            for c in &request.changes {
                if let Some(field) = Field::from_key(&c.field) {
                    set_adjustable(&mut input, field, c.new.clone());
                }
            }
            let fields = parsed(&input)?;
            if update_project_tx(
                &mut tx,
                self.dialect(),
                project.id,
                project.version,
                &project.fields,
                &fields,
                stamp,
            )
            .await?
            {
                version_after += 1;
            }
        }
        sqlx::query(
            "UPDATE plan_adjustments SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
             WHERE id = $5",
        )
        .bind(if approve { "approved" } else { "returned" })
        .bind(actor)
        .bind(at)
        .bind(Some(note).filter(|n| !n.is_empty()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let said = if approve {
            format!("批准计划调整 #{id}：{}", summary(&request.changes))
        } else {
            format!("退回计划调整 #{id}：{note}")
        };
        record_change(
            &mut tx,
            project.id,
            version_after,
            "_adjustment",
            "",
            &said,
            stamp,
        )
        .await?;
        self.commit(tx).await?;
        self.plan_adjustment(id).await?.ok_or(StoreError::NotFound)
    }
}
