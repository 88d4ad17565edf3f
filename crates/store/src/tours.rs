//! 项目拉练 (issue 19 §4): a tour with its day, route, committee and criteria, the projects it
//! visits in order, and each member's score of each project on each criterion (hundredths, so
//! nothing is a float in the database). The ranking is `domain::tours`'.

use chrono::NaiveDate;
use domain::tours::{Criterion, Mark, criteria_text, parse_criteria};
use domain::{Bilingual, bi};

use crate::projects::date;
use crate::{Result, Store, StoreError, now};

/// A tour as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    pub id: i64,
    pub name: String,
    pub held_on: NaiveDate,
    pub route: Option<String>,
    pub members: Vec<String>,
    pub criteria: Vec<Criterion>,
    pub note: Option<String>,
    /// The projects visited, in order: id, name, unit.
    pub projects: Vec<(i64, String, Option<String>)>,
    pub marks: Vec<Mark>,
}

/// A new tour as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTour {
    pub name: String,
    pub held_on: NaiveDate,
    pub route: Option<String>,
    /// 评委, separated by 、，, or spaces.
    pub members: String,
    /// "看块头 40、看效益 30、看前景 30"; empty for the default.
    pub criteria: String,
    pub note: Option<String>,
}

/// Splits the committee as typed.
pub fn split_members(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in text
        .split(['、', '，', ',', '；', ';', ' ', '\u{3000}', '\n'])
        .map(domain::text::clean_name)
        .filter(|m| !m.is_empty())
    {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

impl Store {
    /// Records a tour; its id.
    pub async fn create_tour(&self, t: &NewTour, actor: Option<i64>) -> Result<i64> {
        let mut refused: Vec<Bilingual> = Vec::new();
        if t.name.trim().is_empty() {
            refused.push(bi("请填写拉练名称", "the tour's name is required"));
        }
        let members = split_members(&t.members);
        if members.is_empty() {
            refused.push(bi("请填写评委", "name the committee's members"));
        }
        if members.iter().any(|m| m.chars().count() > 50) || t.name.chars().count() > 200 {
            refused.push(bi("名称或评委姓名过长", "a name is too long"));
        }
        let criteria = if t.criteria.trim().is_empty() {
            Ok(domain::tours::default_criteria())
        } else {
            parse_criteria(&t.criteria)
        };
        let criteria = match criteria {
            Ok(c) => c,
            Err(m) => {
                refused.push(m);
                Vec::new()
            }
        };
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO tours (name, held_on, route, members, criteria, note, created_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(t.name.trim())
        .bind(t.held_on.to_string())
        .bind(t.route.as_deref())
        .bind(format!("|{}|", members.join("|")))
        .bind(criteria_text(&criteria))
        .bind(t.note.as_deref())
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Every tour, newest first (without their projects and marks).
    pub async fn tours(&self) -> Result<Vec<(i64, String, NaiveDate, usize)>> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT t.id, t.name, t.held_on, (SELECT COUNT(*) FROM tour_projects p \
             WHERE p.tour_id = t.id) FROM tours t ORDER BY t.held_on DESC, t.id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, on, n)| {
                Some((id, name, date(Some(on))?, usize::try_from(n).unwrap_or(0)))
            })
            .collect())
    }

    pub async fn tour(&self, id: i64) -> Result<Option<Tour>> {
        type Row = (
            String,
            String,
            Option<String>,
            String,
            String,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT name, held_on, route, members, criteria, note FROM tours WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some((name, held_on, route, members, criteria, note)) = row else {
            return Ok(None);
        };
        let projects: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT p.id, p.name, u.name FROM tour_projects t JOIN projects p ON p.id = t.project_id \
             LEFT JOIN units u ON u.id = p.unit_id WHERE t.tour_id = $1 ORDER BY t.position, t.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let marks: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT project_id, member, criterion, score_centi FROM tour_scores \
             WHERE tour_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(Tour {
            id,
            name,
            held_on: date(Some(held_on)).unwrap_or_default(),
            route,
            members: members
                .split('|')
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect(),
            criteria: parse_criteria(&criteria).unwrap_or_default(),
            note,
            projects,
            marks: marks
                .into_iter()
                .map(|(project, member, criterion, centi)| Mark {
                    member,
                    project,
                    criterion: usize::try_from(criterion).unwrap_or(usize::MAX),
                    score: centi as f64 / 100.0,
                })
                .collect(),
        }))
    }

    /// Adds a project to the tour's route (once), at its end.
    pub async fn add_tour_project(&self, tour: i64, project: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM tours WHERE id = $1")
            .bind(tour)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM projects WHERE id = $1")
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(vec![bi(
                "所选项目不存在",
                "the chosen project does not exist",
            )]));
        }
        sqlx::query(
            "INSERT INTO tour_projects (tour_id, project_id, position) VALUES ($1, $2, \
             (SELECT COUNT(*) FROM tour_projects WHERE tour_id = $3) + 1)",
        )
        .bind(tour)
        .bind(project)
        .bind(tour)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            crate::on_unique(
                e,
                "project",
                "该项目已在拉练路线中".into(),
                "the project is already on the tour".into(),
            )
        })?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Records one member's scores of one project (one per criterion, `None` to leave one
    /// unscored), all or nothing. The member must be on the committee and the project on the
    /// route.
    pub async fn score_tour(
        &self,
        tour: i64,
        project: i64,
        member: &str,
        scores: &[Option<f64>],
        actor: Option<i64>,
    ) -> Result<()> {
        let t = self.tour(tour).await?.ok_or(StoreError::NotFound)?;
        let mut refused = Vec::new();
        if !t.members.iter().any(|m| m == member) {
            refused.push(bi(
                format!("“{member}”不是本次拉练的评委"),
                format!("“{member}” is not on the tour's committee"),
            ));
        }
        if !t.projects.iter().any(|(p, _, _)| *p == project) {
            refused.push(bi(
                "该项目不在本次拉练路线中",
                "the project is not on the tour",
            ));
        }
        if scores.len() != t.criteria.len() {
            refused.push(bi("评分项数目不符", "the scores do not match the criteria"));
        }
        for s in scores.iter().flatten() {
            if let Err(m) = domain::tours::check_score(*s) {
                refused.push(m);
            }
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let mut tx = self.begin_write().await?;
        for (criterion, score) in scores.iter().enumerate() {
            let criterion = i64::try_from(criterion).unwrap_or(i64::MAX);
            sqlx::query(
                "DELETE FROM tour_scores WHERE tour_id = $1 AND project_id = $2 AND member = $3 \
                 AND criterion = $4",
            )
            .bind(tour)
            .bind(project)
            .bind(member)
            .bind(criterion)
            .execute(&mut *tx)
            .await?;
            if let Some(score) = score {
                sqlx::query(
                    "INSERT INTO tour_scores (tour_id, project_id, member, criterion, \
                     score_centi, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tour)
                .bind(project)
                .bind(member)
                .bind(criterion)
                .bind((score * 100.0).round() as i64)
                .bind(now())
                .bind(actor)
                .execute(&mut *tx)
                .await
                .map_err(|e| match &e {
                    // Another save of the same score at once: this one comes second.
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        StoreError::Conflict { current: 0 }
                    }
                    _ => StoreError::Db(e),
                })?;
            }
        }
        self.commit(tx).await?;
        Ok(())
    }
}
