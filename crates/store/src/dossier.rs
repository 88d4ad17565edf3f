//! The 5专 dossier of a key project — 工作专班 (its team), 专题研究 (meetings held on it) — the
//! bulk assignment of 包联领导 and 首席服务官, and the monthly service push (一月一提升): the
//! service team each lagging project gets for a month and the visits it makes.

use chrono::NaiveDate;
use domain::progress::Period;
use domain::{Bilingual, bi};

use crate::meetings::{Decision, Meeting};
use crate::projects::{Stamp, date, date_text, fetch_project, update_project_tx};
use crate::{Result, Store, StoreError, now};

/// Longest name, role, workplace or phone of a team member, and of a visit's texts.
const SHORT_TEXT: usize = 100;
const LONG_TEXT: usize = 2_000;

/// A member of a project's 工作专班.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub id: i64,
    pub name: String,
    /// 组长, 副组长, 成员, 联络员 … as the office writes it.
    pub role: String,
    pub workplace: Option<String>,
    pub phone: Option<String>,
}

/// A member as the form gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewTeamMember {
    pub name: String,
    pub role: String,
    pub workplace: Option<String>,
    pub phone: Option<String>,
}

/// The service team a lagging project has for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTeam {
    pub project_id: i64,
    pub leader: String,
    pub members: Option<String>,
}

/// A service visit (走访服务): who went, when, what they found, what was promised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: i64,
    pub project_id: i64,
    pub visited_on: NaiveDate,
    pub visitors: String,
    pub found: String,
    pub promised: Option<String>,
}

/// A visit as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewVisit {
    pub visited_on: Option<NaiveDate>,
    pub visitors: String,
    pub found: String,
    pub promised: Option<String>,
}

/// A service month must be a whole month (`2025-06`), not a ten-day part.
fn whole_month(month: &Period) -> Result<()> {
    if month.part.is_some() {
        return Err(StoreError::Rule(bi(
            format!("服务月份应为整月（如 2025-06），不是{}", month.label_zh()),
            format!(
                "a service month is a whole month (like 2025-06), not {}",
                month.key()
            ),
        )));
    }
    Ok(())
}

/// Trimmed, `None` when empty.
fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Checks a text a person typed: required or not, and its length.
fn check_text(
    refused: &mut Vec<Bilingual>,
    text: Option<&str>,
    required: bool,
    max: usize,
    zh: &str,
    en: &str,
) {
    let text = text.map(str::trim).unwrap_or_default();
    if required && text.is_empty() {
        refused.push(bi(format!("请填写{zh}"), format!("{en} is required")));
    } else if text.chars().count() > max {
        refused.push(bi(
            format!("{zh}不能超过 {max} 个字"),
            format!("{en} may be at most {max} characters"),
        ));
    }
}

impl Store {
    /// A project's 工作专班, in the order they were listed.
    pub async fn project_team(&self, project_id: i64) -> Result<Vec<TeamMember>> {
        type Row = (i64, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, name, role, workplace, phone FROM project_team WHERE project_id = $1 \
             ORDER BY position, id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, role, workplace, phone)| TeamMember {
                id,
                name,
                role,
                workplace,
                phone,
            })
            .collect())
    }

    /// Adds a member at the end of a project's team.
    pub async fn add_team_member(
        &self,
        project_id: i64,
        member: &NewTeamMember,
        actor: Option<i64>,
    ) -> Result<i64> {
        let mut refused = Vec::new();
        check_text(
            &mut refused,
            Some(&member.name),
            true,
            SHORT_TEXT,
            "姓名",
            "the name",
        );
        check_text(
            &mut refused,
            Some(&member.role),
            true,
            SHORT_TEXT,
            "专班职务",
            "the role",
        );
        check_text(
            &mut refused,
            member.workplace.as_deref(),
            false,
            SHORT_TEXT,
            "工作单位",
            "the workplace",
        );
        check_text(
            &mut refused,
            member.phone.as_deref(),
            false,
            SHORT_TEXT,
            "联系电话",
            "the phone number",
        );
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        if fetch_project(&mut *tx, project_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let (position,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(position) FROM project_team WHERE project_id = $1")
                .bind(project_id)
                .fetch_one(&mut *tx)
                .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO project_team (project_id, name, role, workplace, phone, position, added_at, \
             added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(project_id)
        .bind(member.name.trim())
        .bind(member.role.trim())
        .bind(given(&member.workplace))
        .bind(given(&member.phone))
        .bind(position.unwrap_or(0) + 1)
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Takes a member off a project's team; [`StoreError::NotFound`] when they are not on it
    /// (already removed, or of another project).
    pub async fn remove_team_member(&self, project_id: i64, member_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM project_team WHERE id = $1 AND project_id = $2")
            .bind(member_id)
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// 专题研究 of a project: the meetings held on it, and the other meetings that decided
    /// something about it (with only those decisions), latest first.
    pub async fn project_meetings(&self, project_id: i64) -> Result<Vec<Meeting>> {
        let mut meetings = Vec::new();
        for mut m in self.meetings(None).await? {
            let on_it = m.project_id == Some(project_id);
            if !on_it {
                m.decisions
                    .retain(|d: &Decision| d.project_id == Some(project_id));
                if m.decisions.is_empty() {
                    continue;
                }
            }
            meetings.push(m);
        }
        Ok(meetings)
    }

    /// Sets 包联领导 and/or 首席服务官 of many projects at once, each from the version the
    /// person saw: all of them or, when any moved on meanwhile or is gone, none. `None` leaves a
    /// field as it is; an empty text clears it. Returns how many projects changed.
    pub async fn assign_in_charge(
        &self,
        items: &[(i64, i64)],
        linked_leader: Option<&str>,
        service_officer: Option<&str>,
        actor: Option<i64>,
    ) -> Result<usize> {
        if items.is_empty() {
            return Err(StoreError::Rule(bi(
                "请先勾选项目",
                "choose the projects first",
            )));
        }
        if linked_leader.is_none() && service_officer.is_none() {
            return Err(StoreError::Rule(bi(
                "请填写包联领导或首席服务官",
                "give a linked leader or a service officer",
            )));
        }
        let mut refused = Vec::new();
        check_text(
            &mut refused,
            linked_leader,
            false,
            SHORT_TEXT,
            "包联领导",
            "the linked leader",
        );
        check_text(
            &mut refused,
            service_officer,
            false,
            SHORT_TEXT,
            "首席服务官",
            "the service officer",
        );
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let text = |t: Option<&str>| t.map(|t| given(&Some(t.to_string())));
        let (leader, officer) = (text(linked_leader), text(service_officer));
        let stamp = Stamp {
            actor,
            source: "assign",
            at: now(),
        };
        let mut tx = self.begin_write().await?;
        let mut changed = 0;
        for &(id, version) in items {
            let Some(project) = fetch_project(&mut *tx, id).await? else {
                return Err(StoreError::Rule(bi(
                    format!("项目 {id} 不存在或已删除"),
                    format!("project {id} does not exist"),
                )));
            };
            if project.version != version {
                return Err(StoreError::Rule(bi(
                    format!("“{}”已被他人修改，请刷新后重新指定", project.fields.name),
                    format!(
                        "“{}” was changed by someone else meanwhile; reload and assign again",
                        project.fields.name
                    ),
                )));
            }
            let mut fields = project.fields.clone();
            if let Some(leader) = &leader {
                fields.linked_leader = leader.clone();
            }
            if let Some(officer) = &officer {
                fields.service_officer = officer.clone();
            }
            if update_project_tx(
                &mut tx,
                self.dialect(),
                id,
                version,
                &project.fields,
                &fields,
                stamp,
            )
            .await?
            {
                changed += 1;
            }
        }
        self.commit(tx).await?;
        Ok(changed)
    }

    /// Gives a project its service team for a month (replacing the month's team it had).
    pub async fn set_service_team(
        &self,
        month: Period,
        project_id: i64,
        leader: &str,
        members: Option<&str>,
        actor: Option<i64>,
    ) -> Result<()> {
        let mut refused = Vec::new();
        check_text(
            &mut refused,
            Some(leader),
            true,
            SHORT_TEXT,
            "服务队队长",
            "the team leader",
        );
        check_text(
            &mut refused,
            members,
            false,
            LONG_TEXT,
            "服务队成员",
            "the team members",
        );
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        whole_month(&month)?;
        let mut tx = self.begin_write().await?;
        if fetch_project(&mut *tx, project_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO service_teams (month, project_id, leader, members, assigned_at, assigned_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (month, project_id) DO UPDATE SET \
             leader = excluded.leader, members = excluded.members, assigned_at = excluded.assigned_at, \
             assigned_by = excluded.assigned_by",
        )
        .bind(month.key())
        .bind(project_id)
        .bind(leader.trim())
        .bind(given(&members.map(str::to_string)))
        .bind(now())
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Logs a service visit to a project; the day may not be after `today`.
    pub async fn record_visit(
        &self,
        project_id: i64,
        visit: &NewVisit,
        today: NaiveDate,
        actor: Option<i64>,
    ) -> Result<i64> {
        let mut refused = Vec::new();
        match visit.visited_on {
            None => refused.push(bi("请填写走访日期", "the day of the visit is required")),
            Some(day) if day > today => refused.push(bi(
                format!("走访日期 {day} 晚于今天 {today}"),
                format!("the visit on {day} is after today, {today}"),
            )),
            Some(_) => {}
        }
        check_text(
            &mut refused,
            Some(&visit.visitors),
            true,
            SHORT_TEXT * 3,
            "走访人员",
            "who visited",
        );
        check_text(
            &mut refused,
            Some(&visit.found),
            true,
            LONG_TEXT,
            "发现的问题和情况",
            "what was found",
        );
        check_text(
            &mut refused,
            visit.promised.as_deref(),
            false,
            LONG_TEXT,
            "承诺事项",
            "what was promised",
        );
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        if fetch_project(&mut *tx, project_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO service_visits (project_id, visited_on, visitors, found, promised, \
             recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(project_id)
        .bind(date_text(visit.visited_on))
        .bind(visit.visitors.trim())
        .bind(visit.found.trim())
        .bind(given(&visit.promised))
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// The month's service teams and visits, every project's (the page picks the lagging).
    pub async fn service_month(&self, month: Period) -> Result<(Vec<ServiceTeam>, Vec<Visit>)> {
        whole_month(&month)?;
        let teams: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT project_id, leader, members FROM service_teams WHERE month = $1",
        )
        .bind(month.key())
        .fetch_all(self.pool())
        .await?;
        let visits: Vec<VisitRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_VISIT} WHERE visited_on >= $1 AND visited_on <= $2 ORDER BY visited_on, id"
        )))
        .bind(date_text(month.first_day()))
        .bind(date_text(month.last_day()))
        .fetch_all(self.pool())
        .await?;
        Ok((
            teams
                .into_iter()
                .map(|(project_id, leader, members)| ServiceTeam {
                    project_id,
                    leader,
                    members,
                })
                .collect(),
            visits.into_iter().map(visit_of).collect::<Result<_>>()?,
        ))
    }

    /// A project's service visits, latest first.
    pub async fn project_visits(&self, project_id: i64) -> Result<Vec<Visit>> {
        let rows: Vec<VisitRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_VISIT} WHERE project_id = $1 ORDER BY visited_on DESC, id DESC"
        )))
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(visit_of).collect()
    }
}

type VisitRow = (i64, i64, String, String, String, Option<String>);

const SELECT_VISIT: &str =
    "SELECT id, project_id, visited_on, visitors, found, promised FROM service_visits";

fn visit_of((id, project_id, day, visitors, found, promised): VisitRow) -> Result<Visit> {
    Ok(Visit {
        id,
        project_id,
        visited_on: date(Some(day)).ok_or_else(|| {
            StoreError::Rule(bi(
                "数据库中的走访日期无效",
                "a stored visit date does not read",
            ))
        })?,
        visitors,
        found,
        promised,
    })
}
