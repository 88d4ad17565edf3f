//! Projects of the ledger: create, read, update with a version check, the history of every
//! field, and the filtered, sorted, paged list.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::phases::PlanPhases;
use domain::search::SearchQuery;
use domain::{Field, FieldError, Level, Money, Project, ProjectFields, Stage};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Transaction};

use crate::project_index::{IndexEntry, index_projects};
use crate::{Dialect, Result, Store, StoreError, now, on_unique};

/// Columns of `projects`, in the order [`bind_fields`] binds them.
pub(crate) const FIELD_COLUMNS: &str = "code, name, category, stage, level, tags, industry, region_id, unit_id, \
     lead_department_id, linked_leader, service_officer, content, total_investment_fen, annual_plan_fen, plan_year, \
     period_start, period_end, planned_start, planned_completion, planned_production, actual_start, actual_completion, \
     actual_production, location, funding_sources, expected_output_fen, expected_tax_fen, expected_jobs, owner, remarks, stage_rank, level_rank, plan_phases";
pub(crate) const FIELD_COUNT: usize = 34;

const SELECT_PROJECT: &str = "SELECT p.id, p.version, p.code, p.name, p.category, p.stage, p.level, p.tags, p.industry, \
     p.region_id, p.unit_id, p.lead_department_id, p.linked_leader, p.service_officer, p.content, \
     p.total_investment_fen, p.annual_plan_fen, p.plan_year, p.period_start, p.period_end, p.planned_start, \
     p.planned_completion, p.planned_production, p.actual_start, p.actual_completion, p.actual_production, \
     p.location, p.funding_sources, p.expected_output_fen, p.expected_tax_fen, p.expected_jobs, p.owner, p.remarks, p.plan_phases, \
     p.created_at, p.updated_at, u.name AS unit_name, d.name AS lead_department_name, r.name AS region_name \
     FROM projects p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN units d ON d.id = p.lead_department_id \
     LEFT JOIN regions r ON r.id = p.region_id";

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    version: i64,
    code: Option<String>,
    name: String,
    category: Option<String>,
    stage: Option<String>,
    level: Option<String>,
    tags: String,
    industry: Option<String>,
    region_id: Option<i64>,
    unit_id: Option<i64>,
    lead_department_id: Option<i64>,
    linked_leader: Option<String>,
    service_officer: Option<String>,
    content: Option<String>,
    total_investment_fen: Option<i64>,
    annual_plan_fen: Option<i64>,
    plan_year: Option<i64>,
    period_start: Option<String>,
    period_end: Option<String>,
    planned_start: Option<String>,
    planned_completion: Option<String>,
    planned_production: Option<String>,
    actual_start: Option<String>,
    actual_completion: Option<String>,
    actual_production: Option<String>,
    location: Option<String>,
    funding_sources: String,
    expected_output_fen: Option<i64>,
    expected_tax_fen: Option<i64>,
    expected_jobs: Option<i64>,
    owner: Option<String>,
    remarks: Option<String>,
    plan_phases: Option<String>,
    created_at: i64,
    updated_at: i64,
    unit_name: Option<String>,
    lead_department_name: Option<String>,
    region_name: Option<String>,
}

/// A stored `YYYY-MM-DD` as a date (anything else as none). Read digit by digit: lists of
/// 100,000 problems or reports read a few dates per row, and chrono's format parser costs more
/// than the rest of the row.
pub(crate) fn date(text: Option<String>) -> Option<NaiveDate> {
    let t = text?;
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(digits(0..4)?).ok()?,
        digits(5..7)?,
        digits(8..10)?,
    )
}

/// A date as stored: `YYYY-MM-DD`.
pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    use chrono::Datelike;
    d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

/// Lists are stored `|a|b|` in their row (the tag filter reads `project_tags`).
pub(crate) fn encode_list(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!("|{}|", items.join("|"))
    }
}

pub(crate) fn decode_list(text: &str) -> Vec<String> {
    text.split('|')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl ProjectRow {
    fn into_project(self) -> Project {
        Project {
            id: self.id,
            version: self.version,
            fields: ProjectFields {
                code: self.code,
                name: self.name,
                category: self.category,
                stage: self.stage.as_deref().and_then(Stage::parse),
                level: self.level.as_deref().and_then(Level::parse),
                tags: decode_list(&self.tags),
                industry: self.industry,
                region_id: self.region_id,
                unit_id: self.unit_id,
                lead_department_id: self.lead_department_id,
                linked_leader: self.linked_leader,
                service_officer: self.service_officer,
                content: self.content,
                total_investment: self.total_investment_fen.map(Money::from_fen),
                annual_plan: self.annual_plan_fen.map(Money::from_fen),
                plan_year: self.plan_year.and_then(|y| i32::try_from(y).ok()),
                plan_phases: self
                    .plan_phases
                    .as_deref()
                    .and_then(PlanPhases::from_stored),
                period_start: date(self.period_start),
                period_end: date(self.period_end),
                planned_start: date(self.planned_start),
                planned_completion: date(self.planned_completion),
                planned_production: date(self.planned_production),
                actual_start: date(self.actual_start),
                actual_completion: date(self.actual_completion),
                actual_production: date(self.actual_production),
                location: self.location,
                funding_sources: decode_list(&self.funding_sources),
                expected_output: self.expected_output_fen.map(Money::from_fen),
                expected_tax: self.expected_tax_fen.map(Money::from_fen),
                expected_jobs: self.expected_jobs,
                owner: self.owner,
                remarks: self.remarks,
            },
            unit_name: self.unit_name,
            lead_department_name: self.lead_department_name,
            region_name: self.region_name,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Adds the project's fields to `args` in [`FIELD_COLUMNS`] order.
pub(crate) fn bind_fields(args: &mut AnyArguments, f: &ProjectFields) -> Result<()> {
    let fen = |m: Option<Money>| m.map(Money::fen);
    let add = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
    args.add(f.code.clone()).map_err(add)?;
    args.add(f.name.clone()).map_err(add)?;
    args.add(f.category.clone()).map_err(add)?;
    args.add(f.stage.map(|s| s.code().to_string()))
        .map_err(add)?;
    args.add(f.level.map(|s| s.code().to_string()))
        .map_err(add)?;
    args.add(encode_list(&f.tags)).map_err(add)?;
    args.add(f.industry.clone()).map_err(add)?;
    args.add(f.region_id).map_err(add)?;
    args.add(f.unit_id).map_err(add)?;
    args.add(f.lead_department_id).map_err(add)?;
    args.add(f.linked_leader.clone()).map_err(add)?;
    args.add(f.service_officer.clone()).map_err(add)?;
    args.add(f.content.clone()).map_err(add)?;
    args.add(fen(f.total_investment)).map_err(add)?;
    args.add(fen(f.annual_plan)).map_err(add)?;
    args.add(f.plan_year.map(i64::from)).map_err(add)?;
    args.add(date_text(f.period_start)).map_err(add)?;
    args.add(date_text(f.period_end)).map_err(add)?;
    args.add(date_text(f.planned_start)).map_err(add)?;
    args.add(date_text(f.planned_completion)).map_err(add)?;
    args.add(date_text(f.planned_production)).map_err(add)?;
    args.add(date_text(f.actual_start)).map_err(add)?;
    args.add(date_text(f.actual_completion)).map_err(add)?;
    args.add(date_text(f.actual_production)).map_err(add)?;
    args.add(f.location.clone()).map_err(add)?;
    args.add(encode_list(&f.funding_sources)).map_err(add)?;
    args.add(fen(f.expected_output)).map_err(add)?;
    args.add(fen(f.expected_tax)).map_err(add)?;
    args.add(f.expected_jobs).map_err(add)?;
    args.add(f.owner.clone()).map_err(add)?;
    args.add(f.remarks.clone()).map_err(add)?;
    args.add(f.stage.map(Stage::rank)).map_err(add)?;
    args.add(f.level.map(Level::rank)).map_err(add)?;
    args.add(f.plan_phases.as_ref().map(PlanPhases::to_stored))
        .map_err(add)?;
    Ok(())
}

/// `count` placeholders for parameters `from, from+1, …`, bound in that order: `$n` on
/// PostgreSQL, plain `?` on SQLite. SQLite treats `$n` as a *named* parameter and looks each name
/// up in a list, so binding n of them costs n² — a quarter of a 20,000-row import's time.
pub(crate) fn placeholders(dialect: Dialect, from: usize, count: usize) -> String {
    match dialect {
        Dialect::Sqlite => vec!["?"; count].join(", "),
        Dialect::Postgres => (from..from + count)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn duplicate_code(err: sqlx::Error, code: Option<&str>) -> StoreError {
    let code = code.unwrap_or_default();
    on_unique(
        err,
        "code",
        format!("项目编号“{code}”已被其他项目使用"),
        format!("project code “{code}” is already used"),
    )
}

pub(crate) async fn fetch_project<'c, E>(executor: E, id: i64) -> Result<Option<Project>>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    let row: Option<ProjectRow> =
        sqlx::query_as(AssertSqlSafe(format!("{SELECT_PROJECT} WHERE p.id = $1")))
            .bind(id)
            .fetch_optional(executor)
            .await?;
    Ok(row.map(ProjectRow::into_project))
}

/// The projects of `ids` (those that exist), read in a few statements.
pub(crate) async fn fetch_projects(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    ids: &[i64],
) -> Result<HashMap<i64, Project>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "{SELECT_PROJECT} WHERE p.id IN ({})",
            placeholders(dialect, 1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut **tx).await? {
            let p = row.into_project();
            found.insert(p.id, p);
        }
    }
    Ok(found)
}

/// One changed field in the history of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChangeRecord {
    pub id: i64,
    pub version: i64,
    /// A [`Field::key`], or `_created` for the creation of the project.
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub user_name: Option<String>,
    /// Where the change came from: `web`, `api`, `import`, `seed`.
    pub source: String,
    pub at: i64,
}

/// The text of a field for the history: unit and region ids become their names.
pub(crate) async fn describe(
    tx: &mut Transaction<'static, Any>,
    f: &ProjectFields,
    field: Field,
) -> Result<String> {
    let (table, id) = match field {
        Field::Unit => ("units", f.unit_id),
        Field::LeadDepartment => ("units", f.lead_department_id),
        Field::Region => ("regions", f.region_id),
        _ => return Ok(f.display_value(field)),
    };
    let Some(id) = id else {
        return Ok(String::new());
    };
    let sql = if table == "units" {
        "SELECT name FROM units WHERE id = $1"
    } else {
        "SELECT name FROM regions WHERE id = $1"
    };
    let name: Option<(String,)> = sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(name.map(|(n,)| n).unwrap_or_else(|| format!("#{id}")))
}

/// Who made a change, through what, and when: the same for every row a save writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp<'a> {
    pub actor: Option<i64>,
    /// `web`, `api`, `import` or `seed`.
    pub source: &'a str,
    pub at: i64,
}

pub(crate) async fn record_change(
    tx: &mut Transaction<'static, Any>,
    project_id: i64,
    version: i64,
    field: &str,
    old: &str,
    new: &str,
    stamp: Stamp<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO project_changes (project_id, version, field, old_value, new_value, user_id, source, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(project_id)
    .bind(version)
    .bind(field)
    .bind(old)
    .bind(new)
    .bind(stamp.actor)
    .bind(stamp.source)
    .bind(stamp.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn insert_project(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    f: &ProjectFields,
    stamp: Stamp<'_>,
) -> Result<i64> {
    let mut args = AnyArguments::default();
    bind_fields(&mut args, f)?;
    for v in [stamp.at, stamp.at] {
        args.add(v)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(e)))?;
    }
    for v in [stamp.actor, stamp.actor] {
        args.add(v)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(e)))?;
    }
    let sql = format!(
        "INSERT INTO projects ({FIELD_COLUMNS}, created_at, updated_at, created_by, updated_by) VALUES ({}) RETURNING id",
        placeholders(dialect, 1, FIELD_COUNT + 4)
    );
    let (id,): (i64,) = sqlx::query_as_with(AssertSqlSafe(sql), args)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| duplicate_code(e, f.code.as_deref()))?;
    record_change(tx, id, 1, "_created", "", &f.name, stamp).await?;
    index_projects(tx, dialect, &[IndexEntry::of(id, f)], false).await?;
    Ok(id)
}

/// Writes `new` over a project that was at `expected_version`, with one history row per changed
/// field. The caller has read `old` at that version; the UPDATE re-checks it atomically.
pub(crate) async fn update_project_tx(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    id: i64,
    expected_version: i64,
    old: &ProjectFields,
    new: &ProjectFields,
    stamp: Stamp<'_>,
) -> Result<bool> {
    let changed = old.changed_fields(new);
    if changed.is_empty() {
        return Ok(false);
    }
    let set: Vec<String> = FIELD_COLUMNS
        .split(", ")
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let n = FIELD_COUNT;
    let sql = format!(
        "UPDATE projects SET {}, version = version + 1, updated_at = ${}, updated_by = ${} WHERE id = ${} AND version = ${}",
        set.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4
    );
    let mut args = AnyArguments::default();
    bind_fields(&mut args, new)?;
    let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
    args.add(stamp.at).map_err(enc)?;
    args.add(stamp.actor).map_err(enc)?;
    args.add(id).map_err(enc)?;
    args.add(expected_version).map_err(enc)?;
    let done = sqlx::query_with(AssertSqlSafe(sql), args)
        .execute(&mut **tx)
        .await
        .map_err(|e| duplicate_code(e, new.code.as_deref()))?;
    if done.rows_affected() == 0 {
        let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM projects WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        return Err(match current {
            Some((current,)) => StoreError::Conflict { current },
            None => StoreError::NotFound,
        });
    }
    if changed
        .iter()
        .any(|f| matches!(f, Field::Name | Field::Content | Field::Code | Field::Tags))
    {
        index_projects(tx, dialect, &[IndexEntry::of(id, new)], true).await?;
    }
    for field in changed {
        let before = describe(tx, old, field).await?;
        let after = describe(tx, new, field).await?;
        record_change(
            tx,
            id,
            expected_version + 1,
            field.key(),
            &before,
            &after,
            stamp,
        )
        .await?;
    }
    Ok(true)
}

impl Store {
    pub async fn create_project(
        &self,
        fields: &ProjectFields,
        actor: Option<i64>,
        source: &str,
    ) -> Result<Project> {
        let mut tx = self.begin_write().await?;
        let id = insert_project(
            &mut tx,
            self.dialect(),
            fields,
            Stamp {
                actor,
                source,
                at: now(),
            },
        )
        .await?;
        self.commit(tx).await?;
        self.project(id).await?.ok_or(StoreError::NotFound)
    }

    pub async fn project(&self, id: i64) -> Result<Option<Project>> {
        fetch_project(self.pool(), id).await
    }

    /// Every project, for export, in id order.
    pub async fn all_projects(&self) -> Result<Vec<Project>> {
        let rows: Vec<ProjectRow> =
            sqlx::query_as(AssertSqlSafe(format!("{SELECT_PROJECT} ORDER BY p.id")))
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(ProjectRow::into_project).collect())
    }

    /// Saves an edit that started from `expected_version`. Refused with [`StoreError::Conflict`]
    /// when someone saved in between, so nobody silently overwrites another editor.
    pub async fn update_project(
        &self,
        id: i64,
        expected_version: i64,
        fields: &ProjectFields,
        actor: Option<i64>,
        source: &str,
    ) -> Result<Project> {
        let old = self.project(id).await?.ok_or(StoreError::NotFound)?;
        if old.version != expected_version {
            return Err(StoreError::Conflict {
                current: old.version,
            });
        }
        let mut tx = self.begin_write().await?;
        update_project_tx(
            &mut tx,
            self.dialect(),
            id,
            expected_version,
            &old.fields,
            fields,
            Stamp {
                actor,
                source,
                at: now(),
            },
        )
        .await?;
        self.commit(tx).await?;
        self.project(id).await?.ok_or(StoreError::NotFound)
    }

    /// The history of a project, newest first.
    pub async fn project_history(&self, id: i64) -> Result<Vec<ChangeRecord>> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.version, c.field, c.old_value, c.new_value, u.display_name AS user_name, c.source, c.at
             FROM project_changes c LEFT JOIN users u ON u.id = c.user_id
             WHERE c.project_id = $1 ORDER BY c.id DESC",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every project matching a filter, whole, in the filter's order: for exports.
    pub async fn projects_matching(&self, filter: &ProjectFilter) -> Result<Vec<Project>> {
        let (where_sql, values) = where_clause(filter, self.dialect());
        let sql = format!(
            "{SELECT_PROJECT}{where_sql} ORDER BY {}",
            filter.order_sql()
        );
        let rows: Vec<ProjectRow> = sqlx::query_as_with(AssertSqlSafe(sql), arguments(&values)?)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(ProjectRow::into_project).collect())
    }

    /// The industries in use, for the filter list.
    pub async fn industries(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT industry FROM projects WHERE industry IS NOT NULL ORDER BY industry",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    /// Field errors for a unit, department or region id that does not exist, so a stale form
    /// or a wrong API call gets a message beside the field instead of a database error.
    pub async fn missing_references(&self, f: &ProjectFields) -> Result<Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, id) in [
            (Field::Unit, f.unit_id),
            (Field::LeadDepartment, f.lead_department_id),
            (Field::Region, f.region_id),
        ] {
            let Some(id) = id else { continue };
            let sql = match field {
                Field::Region => "SELECT COUNT(*) FROM regions WHERE id = $1",
                _ => "SELECT COUNT(*) FROM units WHERE id = $1",
            };
            let (n,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(self.pool()).await?;
            if n == 0 {
                errors.push(FieldError::new(
                    field,
                    domain::bi(
                        format!("所选{}不存在（编号 {id}），请重新选择", field.label_zh()),
                        format!("{} #{id} does not exist; choose again", field.label_en()),
                    ),
                ));
            }
        }
        Ok(errors)
    }

    pub async fn count_projects(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM projects")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// One page of the ledger list with the total count under the same filter.
    pub async fn list_projects(&self, filter: &ProjectFilter) -> Result<ProjectPage> {
        let (where_sql, values) = where_clause(filter, self.dialect());
        let n = values.len();

        let (count_sql, count_values) = count_query(filter, self.dialect(), &where_sql, &values);
        let (total,): (i64,) =
            sqlx::query_as_with(AssertSqlSafe(count_sql), arguments(count_values)?)
                .fetch_one(self.pool())
                .await?;

        let per_page = filter.per_page.clamp(1, 500);
        let page = filter.page.max(1);
        let order = filter.order_sql();
        // SQLite's planner prefers a filter's index and then sorts every match; when the
        // matches are many and the sort column has an index, walking that index is far cheaper.
        // (PostgreSQL's planner weighs this itself.)
        let sort_indexed = !matches!(
            filter.sort,
            SortColumn::Unit | SortColumn::LeadDepartment | SortColumn::Region
        );
        let walk = self.dialect() == crate::Dialect::Sqlite
            && sort_indexed
            && total > WALK_SORT_INDEX_ABOVE;
        let (where_sql, mut values) = if walk {
            where_clause_with(filter, self.dialect(), true)
        } else {
            (where_sql, values)
        };
        values.push(Value::Int(per_page));
        values.push(Value::Int((page - 1).saturating_mul(per_page)));
        // Page the ids on the projects table alone (an index walk for most sorts), then join
        // the names for the one page shown.
        let sql = format!(
            "SELECT p.id, p.version, p.code, p.name, p.stage, p.level, p.tags, p.industry, p.total_investment_fen, \
             p.annual_plan_fen, p.planned_start, p.unit_id, p.lead_department_id, p.region_id, \
             u.name AS unit_name, d.name AS lead_department_name, r.name AS region_name \
             FROM (SELECT p.id FROM projects p{sort_join}{where_sql} ORDER BY {order} LIMIT ${} OFFSET ${}) page \
             JOIN projects p ON p.id = page.id \
             LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN units d ON d.id = p.lead_department_id \
             LEFT JOIN regions r ON r.id = p.region_id ORDER BY {order}",
            n + 1,
            n + 2,
            sort_join = filter.sort_join(),
        );
        let rows: Vec<SummaryRow> = sqlx::query_as_with(AssertSqlSafe(sql), arguments(&values)?)
            .fetch_all(self.pool())
            .await?;
        Ok(ProjectPage {
            total,
            page,
            per_page,
            items: rows.into_iter().map(SummaryRow::into_summary).collect(),
        })
    }
}

fn where_clause(filter: &ProjectFilter, dialect: Dialect) -> (String, Vec<Value>) {
    where_clause_with(filter, dialect, false)
}

/// With `walk_sort_index`, equality and range terms are written `+p.col` (SQLite's way of
/// saying "do not use an index for this term"), so the planner walks the sort column's index
/// and stops after one page instead of sorting every matching row.
/// Tags and search go through their derived tables (`project_tags`, `project_search`) as a
/// `p.id IN (…)` term (an `EXISTS` probe for tags while walking).
fn where_clause_with(
    filter: &ProjectFilter,
    dialect: Dialect,
    walk_sort_index: bool,
) -> (String, Vec<Value>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut push = |sql: &str, value: Value| {
        values.push(value);
        let sql = sql.replace("$?", &format!("${}", values.len()));
        let unindexed = walk_sort_index && sql.starts_with("p.");
        conditions.push(if unindexed { format!("+{sql}") } else { sql });
    };
    if let Some(stage) = filter.stage {
        push("p.stage = $?", Value::Text(stage.code().to_string()));
    }
    if let Some(level) = filter.level {
        push("p.level = $?", Value::Text(level.code().to_string()));
    }
    if let Some(tag) = filter.tag_term() {
        // While walking, a lookup per visited row beats collecting every tagged id first.
        let sql = if walk_sort_index {
            "EXISTS (SELECT 1 FROM project_tags t WHERE t.tag = $? AND t.project_id = p.id)"
        } else {
            "p.id IN (SELECT project_id FROM project_tags WHERE tag = $?)"
        };
        push(sql, Value::Text(tag.to_string()));
    }
    if let Some(industry) = filter.industry.as_deref().filter(|t| !t.is_empty()) {
        push("p.industry = $?", Value::Text(industry.to_string()));
    }
    if let Some(q) = filter.search_term() {
        match dialect {
            Dialect::Sqlite => push(
                "p.id IN (SELECT rowid FROM project_search WHERE project_search MATCH $?)",
                Value::Text(q.fts5()),
            ),
            Dialect::Postgres => push(
                "p.id IN (SELECT project_id FROM project_search WHERE terms @@ CAST($? AS tsquery))",
                Value::Text(q.tsquery()),
            ),
        }
    }
    if let Some(id) = filter.unit_id {
        push("p.unit_id = $?", Value::Int(id));
    }
    if let Some(id) = filter.lead_department_id {
        push("p.lead_department_id = $?", Value::Int(id));
    }
    if let Some(id) = filter.region_id {
        push("p.region_id = $?", Value::Int(id));
    }
    if let Some(min) = filter.min_total {
        push("p.total_investment_fen >= $?", Value::Int(min.fen()));
    }
    if let Some(max) = filter.max_total {
        push("p.total_investment_fen <= $?", Value::Int(max.fen()));
    }
    if let Some(ids) = &filter.within {
        // Bound one by one (never spliced); a scope always holds its own region, and an empty
        // one matches nothing.
        let ids: &[i64] = if ids.is_empty() { &[-1] } else { ids };
        let marks: Vec<String> = (1..=ids.len())
            .map(|n| format!("${}", values.len() + n))
            .collect();
        conditions.push(format!("p.region_id IN ({})", marks.join(", ")));
        values.extend(ids.iter().map(|id| Value::Int(*id)));
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    (where_sql, values)
}

/// The count of a list: from the derived table alone when the filter is only a tag or only a
/// search (each project has one search row and its tag rows, see `project_index`), which saves
/// a lookup of every match in `projects` (45 ms for 80,000 tagged projects); otherwise over
/// `projects` with the list's own conditions.
fn count_query<'v>(
    filter: &ProjectFilter,
    dialect: Dialect,
    where_sql: &str,
    values: &'v [Value],
) -> (String, &'v [Value]) {
    let general = || {
        (
            format!("SELECT COUNT(*) FROM projects p{where_sql}"),
            values,
        )
    };
    // One bound value is one condition.
    if values.len() != 1 {
        return general();
    }
    let sql = match (filter.tag_term(), filter.search_term(), dialect) {
        (Some(_), None, _) => "SELECT COUNT(*) FROM project_tags WHERE tag = $1",
        (None, Some(_), Dialect::Sqlite) => {
            "SELECT COUNT(*) FROM project_search WHERE project_search MATCH $1"
        }
        (None, Some(_), Dialect::Postgres) => {
            "SELECT COUNT(*) FROM project_search WHERE terms @@ CAST($1 AS tsquery)"
        }
        _ => return general(),
    };
    (sql.to_string(), values)
}

/// Above this many matching rows a SQLite page walks the sort index instead of sorting matches.
const WALK_SORT_INDEX_ABOVE: i64 = 3_000;

/// A value bound into dynamically built SQL.
enum Value {
    Text(String),
    Int(i64),
}

fn arguments(values: &[Value]) -> Result<AnyArguments> {
    let mut args = AnyArguments::default();
    for value in values {
        match value {
            Value::Text(t) => args.add(t.clone()),
            Value::Int(i) => args.add(*i),
        }
        .map_err(|e| StoreError::Db(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
}

/// Filters of the ledger list (SPEC §3.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectFilter {
    pub stage: Option<Stage>,
    pub level: Option<Level>,
    pub tag: Option<String>,
    pub unit_id: Option<i64>,
    pub lead_department_id: Option<i64>,
    pub region_id: Option<i64>,
    /// The reader's region scope: only projects of these regions (set from the session, never
    /// from a request).
    #[serde(skip)]
    pub within: Option<Vec<i64>>,
    pub industry: Option<String>,
    pub min_total: Option<Money>,
    pub max_total: Option<Money>,
    /// Free text found in the name, the construction content or the code.
    pub q: Option<String>,
    pub sort: SortColumn,
    pub order: SortOrder,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

impl ProjectFilter {
    /// The tag to filter on, if one was given.
    fn tag_term(&self) -> Option<&str> {
        self.tag.as_deref().filter(|t| !t.is_empty())
    }

    /// The search to run, if the text holds more than spaces.
    fn search_term(&self) -> Option<SearchQuery> {
        self.q.as_deref().and_then(SearchQuery::parse)
    }

    /// The sort key, then the id so paging is stable. Empty values come first ascending and
    /// last descending, SQLite's own order, said explicitly for PostgreSQL: a plain column
    /// order that the sort indexes of both backends can serve without sorting the table.
    fn order_sql(&self) -> String {
        let key = self.sort.sql();
        let nullable = !matches!(
            self.sort,
            SortColumn::Id | SortColumn::Name | SortColumn::Updated
        );
        match (self.order, nullable) {
            (SortOrder::Asc, true) => format!("{key} ASC NULLS FIRST, p.id ASC"),
            (SortOrder::Desc, true) => format!("{key} DESC NULLS LAST, p.id DESC"),
            (SortOrder::Asc, false) => format!("{key} ASC, p.id ASC"),
            (SortOrder::Desc, false) => format!("{key} DESC, p.id DESC"),
        }
    }

    /// The join a sort by a unit's or region's name needs in the paging subquery.
    fn sort_join(&self) -> &'static str {
        match self.sort {
            SortColumn::Unit => " LEFT JOIN units u ON u.id = p.unit_id",
            SortColumn::LeadDepartment => " LEFT JOIN units d ON d.id = p.lead_department_id",
            SortColumn::Region => " LEFT JOIN regions r ON r.id = p.region_id",
            _ => "",
        }
    }
}

impl Default for ProjectFilter {
    fn default() -> Self {
        ProjectFilter {
            stage: None,
            level: None,
            tag: None,
            unit_id: None,
            lead_department_id: None,
            region_id: None,
            within: None,
            industry: None,
            min_total: None,
            max_total: None,
            q: None,
            sort: SortColumn::Id,
            order: SortOrder::Asc,
            page: 1,
            per_page: 50,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// Columns the list can be sorted by: every column it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    Id,
    Code,
    Name,
    Stage,
    Level,
    Unit,
    LeadDepartment,
    Region,
    Industry,
    TotalInvestment,
    AnnualPlan,
    PlannedStart,
    Updated,
}

impl SortColumn {
    pub const ALL: &'static [SortColumn] = &[
        SortColumn::Id,
        SortColumn::Code,
        SortColumn::Name,
        SortColumn::Stage,
        SortColumn::Level,
        SortColumn::Unit,
        SortColumn::LeadDepartment,
        SortColumn::Region,
        SortColumn::Industry,
        SortColumn::TotalInvestment,
        SortColumn::AnnualPlan,
        SortColumn::PlannedStart,
        SortColumn::Updated,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SortColumn::Id => "id",
            SortColumn::Code => "code",
            SortColumn::Name => "name",
            SortColumn::Stage => "stage",
            SortColumn::Level => "level",
            SortColumn::Unit => "unit",
            SortColumn::LeadDepartment => "lead_department",
            SortColumn::Region => "region",
            SortColumn::Industry => "industry",
            SortColumn::TotalInvestment => "total_investment",
            SortColumn::AnnualPlan => "annual_plan",
            SortColumn::PlannedStart => "planned_start",
            SortColumn::Updated => "updated",
        }
    }

    pub fn parse(key: &str) -> Option<SortColumn> {
        SortColumn::ALL.iter().copied().find(|c| c.key() == key)
    }

    /// The SQL expression sorted on. Stages and levels sort in their natural order, not by code.
    fn sql(self) -> &'static str {
        match self {
            SortColumn::Id => "p.id",
            SortColumn::Code => "p.code",
            SortColumn::Name => "p.name",
            SortColumn::Stage => "p.stage_rank",
            SortColumn::Level => "p.level_rank",
            SortColumn::Unit => "u.name",
            SortColumn::LeadDepartment => "d.name",
            SortColumn::Region => "r.name",
            SortColumn::Industry => "p.industry",
            SortColumn::TotalInvestment => "p.total_investment_fen",
            SortColumn::AnnualPlan => "p.annual_plan_fen",
            SortColumn::PlannedStart => "p.planned_start",
            SortColumn::Updated => "p.updated_at",
        }
    }
}

/// A row of the ledger list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSummary {
    pub id: i64,
    pub version: i64,
    pub code: Option<String>,
    pub name: String,
    pub stage: Option<Stage>,
    pub level: Option<Level>,
    pub tags: Vec<String>,
    pub industry: Option<String>,
    pub total_investment: Option<Money>,
    pub annual_plan: Option<Money>,
    pub planned_start: Option<NaiveDate>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub lead_department_id: Option<i64>,
    pub lead_department_name: Option<String>,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    version: i64,
    code: Option<String>,
    name: String,
    stage: Option<String>,
    level: Option<String>,
    tags: String,
    industry: Option<String>,
    total_investment_fen: Option<i64>,
    annual_plan_fen: Option<i64>,
    planned_start: Option<String>,
    unit_id: Option<i64>,
    lead_department_id: Option<i64>,
    region_id: Option<i64>,
    unit_name: Option<String>,
    lead_department_name: Option<String>,
    region_name: Option<String>,
}

impl SummaryRow {
    fn into_summary(self) -> ProjectSummary {
        ProjectSummary {
            id: self.id,
            version: self.version,
            code: self.code,
            name: self.name,
            stage: self.stage.as_deref().and_then(Stage::parse),
            level: self.level.as_deref().and_then(Level::parse),
            tags: decode_list(&self.tags),
            industry: self.industry,
            total_investment: self.total_investment_fen.map(Money::from_fen),
            annual_plan: self.annual_plan_fen.map(Money::from_fen),
            planned_start: date(self.planned_start),
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            lead_department_id: self.lead_department_id,
            lead_department_name: self.lead_department_name,
            region_id: self.region_id,
            region_name: self.region_name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<ProjectSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_stored() {
        for (y, m, d) in [(2025, 1, 5), (2025, 12, 31), (2024, 2, 29), (1999, 10, 1)] {
            let day = NaiveDate::from_ymd_opt(y, m, d);
            let text = date_text(day);
            assert_eq!(text, day.map(|d| d.format("%Y-%m-%d").to_string()));
            assert_eq!(date(text), day);
        }
        for bad in [
            "2025-02-30",
            "2025-1-05",
            "2025/01/05",
            "2025-01-0x",
            "+025-01-05",
            "",
            "2025-01-055",
        ] {
            assert_eq!(date(Some(bad.to_string())), None, "{bad}");
        }
    }

    #[test]
    fn lists_round_trip() {
        let items = vec!["亿元以上".to_string(), "省督办".to_string()];
        assert_eq!(encode_list(&items), "|亿元以上|省督办|");
        assert_eq!(decode_list(&encode_list(&items)), items);
        assert_eq!(encode_list(&[]), "");
        assert_eq!(FIELD_COLUMNS.split(", ").count(), FIELD_COUNT);
    }
}
