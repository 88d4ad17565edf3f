//! The command HQ (指挥部, issue 19 §5) and the 智改数转 track (§6): the HQ's working groups
//! with their members and the units each is responsible for (分组包干, a unit in one group's
//! care); and a 技改/智改数转 project's equipment investment, digitalisation items and level.

use domain::{Money, bi};

use crate::{Result, Store, StoreError, VersionedWrite, now, on_unique};

/// A working group of the HQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HqGroup {
    pub id: i64,
    pub name: String,
    pub leader: Option<String>,
    pub duty: Option<String>,
    pub members: Vec<HqMember>,
    /// The units in its care: id, name.
    pub units: Vec<(i64, String)>,
}

/// A member of a working group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HqMember {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub workplace: Option<String>,
    pub phone: Option<String>,
}

/// A `project_digital` row.
type DigitalRow = (i64, i64, Option<String>, Option<String>, i64);

/// A project's 智改数转 figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digital {
    pub project_id: i64,
    pub equipment: Money,
    pub items: Option<String>,
    pub level: Option<String>,
    pub version: i64,
}

fn too_long(text: Option<&str>, max: usize) -> bool {
    text.is_some_and(|t| t.chars().count() > max)
}

impl Store {
    /// Every group, in order, with its members and units.
    pub async fn hq_groups(&self) -> Result<Vec<HqGroup>> {
        let groups: Vec<(i64, String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, name, leader, duty FROM hq_groups ORDER BY position, id")
                .fetch_all(self.pool())
                .await?;
        type Member = (i64, i64, String, String, Option<String>, Option<String>);
        let members: Vec<Member> = sqlx::query_as(
            "SELECT id, group_id, name, role, workplace, phone FROM hq_group_members ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let units: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT g.group_id, u.id, u.name FROM hq_group_units g JOIN units u ON u.id = g.unit_id \
             ORDER BY u.name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(groups
            .into_iter()
            .map(|(id, name, leader, duty)| HqGroup {
                members: members
                    .iter()
                    .filter(|m| m.1 == id)
                    .map(|m| HqMember {
                        id: m.0,
                        name: m.2.clone(),
                        role: m.3.clone(),
                        workplace: m.4.clone(),
                        phone: m.5.clone(),
                    })
                    .collect(),
                units: units
                    .iter()
                    .filter(|u| u.0 == id)
                    .map(|u| (u.1, u.2.clone()))
                    .collect(),
                id,
                name,
                leader,
                duty,
            })
            .collect())
    }

    pub async fn hq_group(&self, id: i64) -> Result<Option<HqGroup>> {
        Ok(self.hq_groups().await?.into_iter().find(|g| g.id == id))
    }

    /// Adds a working group; its id.
    pub async fn create_hq_group(
        &self,
        name: &str,
        leader: Option<&str>,
        duty: Option<&str>,
    ) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid(vec![bi(
                "请填写工作组名称",
                "the group's name is required",
            )]));
        }
        if name.chars().count() > 100 || too_long(leader, 100) || too_long(duty, 2_000) {
            return Err(StoreError::Invalid(vec![bi(
                "名称、组长或职责过长",
                "the name, leader or duty is too long",
            )]));
        }
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO hq_groups (name, leader, duty, position, created_at) VALUES ($1, $2, $3, \
             (SELECT COUNT(*) FROM hq_groups) + 1, $4) RETURNING id",
        )
        .bind(name)
        .bind(leader)
        .bind(duty)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            on_unique(
                e,
                "name",
                format!("已有名为“{name}”的工作组"),
                format!("a group named “{name}” already exists"),
            )
        })?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Adds a member to a group.
    pub async fn add_hq_member(
        &self,
        group: i64,
        name: &str,
        role: &str,
        workplace: Option<&str>,
        phone: Option<&str>,
    ) -> Result<i64> {
        let (name, role) = (name.trim(), role.trim());
        if name.is_empty() || role.is_empty() {
            return Err(StoreError::Invalid(vec![bi(
                "请填写成员姓名和职务",
                "the member's name and role are required",
            )]));
        }
        if [Some(name), Some(role), workplace, phone]
            .into_iter()
            .any(|t| too_long(t, 100))
        {
            return Err(StoreError::Invalid(vec![bi(
                "内容过长",
                "a field is too long",
            )]));
        }
        let mut tx = self.begin_write().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM hq_groups WHERE id = $1")
            .bind(group)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO hq_group_members (group_id, name, role, workplace, phone) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(group)
        .bind(name)
        .bind(role)
        .bind(workplace)
        .bind(phone)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Puts a unit in a group's care (分组包干), moving it from another group if it was in one.
    pub async fn assign_hq_unit(&self, group: i64, unit: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM hq_groups WHERE id = $1")
            .bind(group)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(vec![bi(
                "所选单位不存在",
                "the chosen unit does not exist",
            )]));
        }
        sqlx::query(
            "INSERT INTO hq_group_units (group_id, unit_id) VALUES ($1, $2) \
             ON CONFLICT (unit_id) DO UPDATE SET group_id = excluded.group_id",
        )
        .bind(group)
        .bind(unit)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Takes a unit out of a group's care.
    pub async fn release_hq_unit(&self, group: i64, unit: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM hq_group_units WHERE group_id = $1 AND unit_id = $2")
            .bind(group)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn digital(&self, project: i64) -> Result<Option<Digital>> {
        let row: Option<DigitalRow> = sqlx::query_as(
            "SELECT project_id, equipment_fen, items, level, version FROM project_digital \
             WHERE project_id = $1",
        )
        .bind(project)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(project_id, fen, items, level, version)| Digital {
            project_id,
            equipment: Money::from_fen(fen),
            items,
            level,
            version,
        }))
    }

    /// Every project's 智改数转 figures.
    pub async fn all_digital(&self) -> Result<Vec<Digital>> {
        let rows: Vec<DigitalRow> = sqlx::query_as(
            "SELECT project_id, equipment_fen, items, level, version FROM project_digital \
             ORDER BY project_id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(project_id, fen, items, level, version)| Digital {
                project_id,
                equipment: Money::from_fen(fen),
                items,
                level,
                version,
            })
            .collect())
    }

    /// Records a project's 智改数转 figures at `version` (0 for the first record).
    pub async fn set_digital(
        &self,
        project: i64,
        equipment: Money,
        items: Option<&str>,
        level: Option<&str>,
        version: i64,
        actor: Option<i64>,
    ) -> Result<()> {
        if equipment.is_negative() {
            return Err(StoreError::Invalid(vec![bi(
                "设备投资不能为负数",
                "the equipment investment cannot be negative",
            )]));
        }
        if too_long(items, 2_000) || too_long(level, 50) {
            return Err(StoreError::Invalid(vec![bi(
                "内容过长",
                "a field is too long",
            )]));
        }
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM projects WHERE id = $1")
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let current: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM project_digital WHERE project_id = $1")
                .bind(project)
                .fetch_optional(&mut *tx)
                .await?;
        let write = VersionedWrite::of(current.map(|(v,)| v), version)?;
        let written = match write {
            VersionedWrite::Insert => {
                sqlx::query(
                    "INSERT INTO project_digital (project_id, equipment_fen, items, level, \
                     updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(project)
                .bind(equipment.fen())
                .bind(items)
                .bind(level)
                .bind(now())
                .bind(actor)
                .execute(&mut *tx)
                .await
            }
            VersionedWrite::Update => {
                sqlx::query(
                    "UPDATE project_digital SET equipment_fen = $1, items = $2, level = $3, \
                     updated_at = $4, updated_by = $5, version = version + 1 \
                     WHERE project_id = $6 AND version = $7",
                )
                .bind(equipment.fen())
                .bind(items)
                .bind(level)
                .bind(now())
                .bind(actor)
                .bind(project)
                .bind(version)
                .execute(&mut *tx)
                .await
            }
        };
        write.done(written)?;
        self.commit(tx).await?;
        Ok(())
    }
}

/// The tags that put a project on the 智改数转 track.
pub const DIGITAL_TAGS: &[&str] = &["技改", "智改数转", "技术改造", "数字化改造"];

/// The 智改数转 track of a campaign: its projects, those started in the campaign's span, their
/// equipment investment, and the campaign's targets for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalTrack {
    pub projects: usize,
    pub started: usize,
    pub equipment: Money,
    pub target_projects: Option<i64>,
    pub target_equipment: Option<Money>,
    pub version: i64,
}

impl Store {
    /// The track as of its campaign's span `from`..=`to`: a project is on it by its tags
    /// ([`DIGITAL_TAGS`]); started when its actual start falls in the span.
    pub async fn digital_track(
        &self,
        campaign: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<DigitalTrack> {
        type Row = (i64, Option<String>, Option<String>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT p.id, p.tags, p.actual_start, d.equipment_fen FROM projects p \
             LEFT JOIN project_digital d ON d.project_id = p.id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut track = DigitalTrack {
            projects: 0,
            started: 0,
            equipment: Money::ZERO,
            target_projects: None,
            target_equipment: None,
            version: 0,
        };
        for (_, tags, start, equipment) in rows {
            let on =
                tags.is_some_and(|t| t.split('|').any(|tag| DIGITAL_TAGS.contains(&tag.trim())));
            if !on {
                continue;
            }
            track.projects += 1;
            if crate::projects::date(start).is_some_and(|d| d >= from && d <= to) {
                track.started += 1;
            }
            track.equipment =
                Money::from_fen(track.equipment.fen().saturating_add(equipment.unwrap_or(0)));
        }
        let target: Option<(Option<i64>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT projects_target, equipment_target_fen, version FROM track_targets \
             WHERE campaign_id = $1 AND track = 'digital'",
        )
        .bind(campaign)
        .fetch_optional(self.pool())
        .await?;
        if let Some((projects, equipment, version)) = target {
            track.target_projects = projects;
            track.target_equipment = equipment.map(Money::from_fen);
            track.version = version;
        }
        Ok(track)
    }

    /// Sets the campaign's 智改数转 targets at `version` (0 for the first).
    pub async fn set_digital_target(
        &self,
        campaign: i64,
        projects: Option<i64>,
        equipment: Option<Money>,
        version: i64,
    ) -> Result<()> {
        if projects.is_some_and(|p| p < 0) || equipment.is_some_and(Money::is_negative) {
            return Err(StoreError::Invalid(vec![bi(
                "目标不能为负数",
                "targets cannot be negative",
            )]));
        }
        let mut tx = self.begin_write().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM campaigns WHERE id = $1")
            .bind(campaign)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let current: Option<(i64,)> = sqlx::query_as(
            "SELECT version FROM track_targets WHERE campaign_id = $1 AND track = 'digital'",
        )
        .bind(campaign)
        .fetch_optional(&mut *tx)
        .await?;
        let write = VersionedWrite::of(current.map(|(v,)| v), version)?;
        let written = match write {
            VersionedWrite::Insert => {
                sqlx::query(
                    "INSERT INTO track_targets (campaign_id, track, projects_target, \
                     equipment_target_fen, updated_at) VALUES ($1, 'digital', $2, $3, $4)",
                )
                .bind(campaign)
                .bind(projects)
                .bind(equipment.map(Money::fen))
                .bind(now())
                .execute(&mut *tx)
                .await
            }
            VersionedWrite::Update => {
                sqlx::query(
                    "UPDATE track_targets SET projects_target = $1, equipment_target_fen = $2, \
                     updated_at = $3, version = version + 1 \
                     WHERE campaign_id = $4 AND track = 'digital' AND version = $5",
                )
                .bind(projects)
                .bind(equipment.map(Money::fen))
                .bind(now())
                .bind(campaign)
                .bind(version)
                .execute(&mut *tx)
                .await
            }
        };
        write.done(written)?;
        self.commit(tx).await?;
        Ok(())
    }
}
