//! Bulk loads of a generated campaign (the demo crate's, or a synthetic ledger for tests and
//! benchmarks): a ledger with its regions, units and users; reports with how far their review
//! went; problems. Each in one transaction, nothing written on an error. What to load is the
//! caller's: the store knows no campaign of its own.

use chrono::NaiveDate;
use domain::problem::{Category, Level, Status};
use domain::{ProjectFields, Role, UnitKind};

use crate::import::bulk_insert_projects;
use crate::people::{NewUser, hash_password, insert_region, insert_unit, insert_user};
use crate::reports::Loaded;
use crate::{ReportRecord, ReportState, Result, Store, now};

/// A region: the county (with its GB/T 2260 code) or one of its towns and streets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedRegion {
    pub name: String,
    /// GB/T 2260 six-digit code for the county; `None` for towns and streets.
    pub code: Option<String>,
    /// Index of the parent region in [`SeedLedger::regions`].
    pub parent: Option<usize>,
}

/// A unit (单位) with the region it sits in (an index into [`SeedLedger::regions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUnit {
    pub name: String,
    pub kind: UnitKind,
    pub region: Option<usize>,
}

/// A user; `unit` is an index into [`SeedLedger::units`]. Passwords are set by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: usize,
}

/// A project. `fields.unit_id`, `fields.lead_department_id` and `fields.region_id` are `None`;
/// the indices below name the unit, the lead department and the region in the campaign's lists.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedProject {
    pub fields: ProjectFields,
    /// 责任单位: index into [`SeedLedger::units`].
    pub unit: usize,
    /// 牵头单位: index into [`SeedLedger::units`], always a department.
    pub lead_department: usize,
    /// 所在区域: index into [`SeedLedger::regions`].
    pub region: usize,
}

/// A whole ledger: regions, units, users and projects, which refer to each other by index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeedLedger {
    pub regions: Vec<SeedRegion>,
    pub units: Vec<SeedUnit>,
    pub users: Vec<SeedUser>,
    pub projects: Vec<SeedProject>,
}

/// A report as loaded, and how far its review went (a returned one with its reason). A draft
/// is not submitted and so never late.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedReport {
    pub record: ReportRecord,
    pub state: ReportState,
    pub review_note: Option<String>,
}

impl Loaded for SeedReport {
    fn record(&self) -> &ReportRecord {
        &self.record
    }
    fn state(&self) -> ReportState {
        self.state
    }
    fn review_note(&self) -> Option<&str> {
        self.review_note.as_deref()
    }
}

/// A problem as loaded: raised at `raised_level`, standing at that level with `status`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedProblem {
    pub project_id: i64,
    pub title: String,
    pub category: Category,
    pub raised_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub deadline: NaiveDate,
    /// The deadline as a number of working days, when it was set so.
    pub deadline_workdays: Option<i64>,
    pub level: Level,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOutcome {
    pub projects: usize,
    pub units: usize,
    pub users: usize,
}

impl Store {
    /// Writes regions, units, users (all with `password`) and projects of a generated ledger.
    /// Units, regions and users that exist already (by name) are reused. Projects whose codes are
    /// taken make the whole seed fail with nothing written.
    pub async fn seed_ledger(&self, campaign: &SeedLedger, password: &str) -> Result<SeedOutcome> {
        let hash = hash_password(password)?;
        let at = now();
        let mut tx = self.begin_write().await?;

        let mut region_ids = Vec::with_capacity(campaign.regions.len());
        for region in &campaign.regions {
            let parent = region.parent.and_then(|i| region_ids.get(i).copied());
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM regions WHERE name = $1")
                .bind(&region.name)
                .fetch_optional(&mut *tx)
                .await?;
            let id = match found {
                Some((id,)) => id,
                None => {
                    insert_region(&mut tx, &region.name, region.code.as_deref(), parent).await?
                }
            };
            region_ids.push(id);
        }

        let mut unit_ids = Vec::with_capacity(campaign.units.len());
        for unit in &campaign.units {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE name = $1")
                .bind(&unit.name)
                .fetch_optional(&mut *tx)
                .await?;
            let id = match found {
                Some((id,)) => id,
                None => {
                    let region = unit.region.and_then(|i| region_ids.get(i).copied());
                    insert_unit(&mut tx, &unit.name, unit.kind, region).await?
                }
            };
            unit_ids.push(id);
        }

        let mut users = 0;
        for user in &campaign.users {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1")
                .bind(&user.username)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                continue;
            }
            let Some(&unit_id) = unit_ids.get(user.unit) else {
                continue;
            };
            let new = NewUser {
                username: &user.username,
                display_name: &user.display_name,
                password,
                role: user.role,
                unit_id,
            };
            insert_user(&mut tx, &new, &hash).await?;
            users += 1;
        }

        let projects: Vec<ProjectFields> = campaign
            .projects
            .iter()
            .map(|p| ProjectFields {
                unit_id: unit_ids.get(p.unit).copied(),
                lead_department_id: unit_ids.get(p.lead_department).copied(),
                region_id: region_ids.get(p.region).copied(),
                ..p.fields.clone()
            })
            .collect();
        let actor: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM users WHERE role = $1 ORDER BY id LIMIT 1")
                .bind(Role::Admin.code())
                .fetch_optional(&mut *tx)
                .await?;
        let stamp = crate::projects::Stamp {
            actor: actor.map(|(id,)| id),
            source: "seed",
            at,
        };
        let ids = bulk_insert_projects(&mut tx, self.dialect(), &projects, stamp).await?;
        self.commit(tx).await?;
        Ok(SeedOutcome {
            projects: ids.len(),
            units: unit_ids.len(),
            users,
        })
    }
}

impl Store {
    /// Writes reports and how far each one's review went, in one transaction, with the report
    /// summaries rebuilt once at the end rather than per statement. Returns how many.
    pub async fn seed_reports(&self, reports: &[SeedReport]) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let suspended = self.suspend_summaries(&mut tx).await?;
        self.put_reports_in(&mut tx, reports, None, "seed").await?;
        self.resume_summaries(&mut tx, suspended).await?;
        self.commit(tx).await?;
        Ok(reports.len())
    }

    /// Writes problems, each with the step that raised it, in one transaction.
    pub async fn seed_problems(&self, problems: &[SeedProblem]) -> Result<usize> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let (before,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM problems")
            .fetch_one(&mut *tx)
            .await?;
        let enc = |e: sqlx::error::BoxDynError| crate::StoreError::Db(sqlx::Error::Encode(e));
        const PER_ROW: usize = 14;
        for chunk in problems.chunks(300) {
            let mut args = sqlx::any::AnyArguments::default();
            let mut values = Vec::with_capacity(chunk.len());
            for (i, p) in chunk.iter().enumerate() {
                use sqlx::Arguments;
                args.add(p.project_id).map_err(enc)?;
                args.add(p.title.as_str()).map_err(enc)?;
                args.add(p.category.code()).map_err(enc)?;
                args.add(crate::projects::date_text(Some(p.raised_on)))
                    .map_err(enc)?;
                args.add(p.unit_id).map_err(enc)?;
                args.add(crate::projects::date_text(Some(p.deadline)))
                    .map_err(enc)?;
                args.add(p.deadline_workdays).map_err(enc)?;
                args.add(i64::from(p.level.number())).map_err(enc)?;
                args.add(i64::from(p.level.number())).map_err(enc)?;
                args.add(p.status.code()).map_err(enc)?;
                args.add("seed").map_err(enc)?;
                args.add(1i64).map_err(enc)?;
                args.add(at).map_err(enc)?;
                args.add(at).map_err(enc)?;
                values.push(format!(
                    "({})",
                    crate::projects::placeholders(self.dialect(), i * PER_ROW + 1, PER_ROW)
                ));
            }
            let sql = format!(
                "INSERT INTO problems (project_id, title, category, raised_on, unit_id, deadline, \
                 deadline_workdays, raised_level, level, status, source, version, created_at, \
                 updated_at) VALUES {}",
                values.join(", ")
            );
            sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, level, note) \
             SELECT id, created_at, NULL, 'seed', NULL, status, level, NULL FROM problems WHERE id > $1",
        )
        .bind(before.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(problems.len())
    }
}
