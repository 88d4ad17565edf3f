//! Writing a generated campaign (the demo, or a synthetic ledger for benchmarks) in one go.

use domain::demo::DemoCampaign;
use domain::{ProjectFields, Role};

use crate::import::bulk_insert_projects;
use crate::people::{NewUser, hash_password, insert_region, insert_unit, insert_user};
use crate::{Result, Store, now};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOutcome {
    pub projects: usize,
    pub units: usize,
    pub users: usize,
}

impl Store {
    /// Writes regions, units, users (all with `password`) and projects of a generated campaign.
    /// Units, regions and users that exist already (by name) are reused. Projects whose codes are
    /// taken make the whole seed fail with nothing written.
    pub async fn seed_campaign(
        &self,
        campaign: &DemoCampaign,
        password: &str,
    ) -> Result<SeedOutcome> {
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
        tx.commit().await?;
        Ok(SeedOutcome {
            projects: ids.len(),
            units: unit_ids.len(),
            users,
        })
    }
}

impl Store {
    /// Gives demo projects in 前期 and 计划开工 approval plans, as a county's would look on
    /// `today`: plans started over the past year, most nodes due so far finished (a few days
    /// early or late, with 批复文号), about one in nine still open and so overdue. Projects that
    /// already have a plan are left alone. Deterministic for a given ledger and day.
    pub async fn seed_demo_approvals(
        &self,
        calendar: &domain::calendar::WorkCalendar,
        today: chrono::NaiveDate,
        limit: i64,
    ) -> Result<usize> {
        use chrono::{Datelike, Days};
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM projects WHERE stage IN ('pre_work', 'to_start') \
             AND id NOT IN (SELECT project_id FROM approval_plans) ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut made = 0;
        for (i, (id,)) in rows.into_iter().enumerate() {
            let template = match i % 3 {
                2 => "enterprise_filing",
                1 => "enterprise_approval",
                _ => "government",
            };
            // Starts spread over the 300 days before today, none before the calendar.
            let back = 40 + (i as u64 * 37) % 260;
            let Some(start) = today.checked_sub_days(Days::new(back)) else {
                continue;
            };
            let plan = match self
                .create_approval_plan(id, template, start, None, calendar)
                .await
            {
                Ok(plan) => plan,
                // A plan that would run past the calendar's last year is skipped.
                Err(crate::StoreError::Rule(_)) => continue,
                Err(e) => return Err(e),
            };
            let mut done = plan.clone();
            for (k, node) in done.nodes.iter_mut().enumerate() {
                let (Some(ps), Some(pf)) = (node.planned_start, node.planned_finish) else {
                    continue;
                };
                if pf >= today || (i + k) % 9 == 0 {
                    continue;
                }
                let shift = ((i + k) % 5) as i64 - 2;
                let finish = pf
                    .checked_add_signed(chrono::Duration::days(shift))
                    .unwrap_or(pf)
                    .max(ps)
                    .min(today);
                node.actual_start = Some(ps);
                node.actual_finish = Some(finish);
                if matches!(node.key.as_str(), "lixiang" | "keyan" | "chushe") {
                    node.document_no = Some(format!(
                        "融发改审批〔{}〕{}号",
                        finish.year(),
                        10 + (i * 7 + k) % 180
                    ));
                }
            }
            self.save_approval_plan(&done, plan.version, None, calendar)
                .await?;
            made += 1;
        }
        Ok(made)
    }
}

impl Store {
    /// Monthly reports from January to `through` for every project with an annual plan, as a
    /// campaign would have them mid-year: most projects near 序时进度, a quarter lagging, one in
    /// seven far behind; projects to start begin from their planned month, one in three later;
    /// one report in eleven came in after its deadline. Deterministic for a given ledger.
    pub async fn seed_demo_reports(&self, through: domain::progress::Period) -> Result<usize> {
        use chrono::Datelike;
        use domain::Money;
        use domain::progress::Period;

        let rows: Vec<(i64, i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT id, annual_plan_fen, stage, planned_start FROM projects \
             WHERE annual_plan_fen > 0 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut reports = Vec::new();
        for (id, plan, stage, planned_start) in rows {
            let h = (id as u64).wrapping_mul(2_654_435_761) % 1000;
            // Year-to-date at mid-year as a share of the plan, in thousandths.
            let target = if h < 600 {
                450 + h % 200
            } else if h < 850 {
                220 + h % 170
            } else {
                50 + h % 140
            };
            let planned = planned_start
                .and_then(|t| chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
                .filter(|d| d.year() == through.year);
            let to_start = stage.as_deref() == Some("to_start");
            let mut previous = 0i64;
            for month in 1..=through.month {
                let period = Period {
                    year: through.year,
                    month,
                    part: None,
                };
                // target/1000 at month 6, proportional to the months passed since the planned
                // start when it falls within the year (nothing before it, as 序时进度 expects).
                // Offices report in 万元 with two decimals (100 yuan = 10,000 fen).
                // Months differ as they do on site (80–119% of an even month), so no month
                // repeats the one before.
                let from = planned.map_or(1, |d| d.month());
                let weight = |m: u32| 80 + (h + u64::from(m) * 37) % 40;
                let done: u64 = (from..=month).map(weight).sum();
                let of = 7u32.saturating_sub(from).max(1);
                let ytd = (i128::from(plan) * i128::from(target) * i128::from(done)
                    / (1000 * 100 * i128::from(of) * 10_000)) as i64
                    * 10_000;
                let started = !to_start
                    || (planned.is_some_and(|d| d.month() <= month) && !h.is_multiple_of(3));
                let ytd = if started { ytd } else { previous };
                reports.push(crate::ReportRecord {
                    project_id: id,
                    period,
                    completed: Money::from_fen(ytd - previous),
                    year_to_date: Money::from_fen(ytd),
                    started,
                    actual_start: None,
                    progress: Some(
                        if started {
                            "按计划推进"
                        } else {
                            "前期手续办理中"
                        }
                        .into(),
                    ),
                    late: (id as u64 + u64::from(month)).is_multiple_of(11),
                });
                previous = ytd;
            }
        }
        // One transaction; the report summaries rebuilt once at the end, not per statement.
        let mut tx = self.begin_write().await?;
        let suspended = self.suspend_summaries(&mut tx).await?;
        self.put_reports_in(&mut tx, &reports, None, "seed").await?;
        let written = reports.len();
        // A campaign mid-way: earlier months reviewed and locked; of the latest, most submitted
        // and waiting for review, some still drafts, a few returned, one in ten not reported.
        let at = crate::now();
        let key = through.key();
        sqlx::query(
            "UPDATE reports SET status = 'approved', reviewed_at = $1, version = version + 1 \
             WHERE source = 'seed' AND period < $2",
        )
        .bind(at)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        let missing = sqlx::query(
            "DELETE FROM reports WHERE source = 'seed' AND period = $1 AND project_id % 10 = 0",
        )
        .bind(&key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE reports SET status = 'draft', submitted_at = NULL, late = 0 \
             WHERE source = 'seed' AND period = $1 AND project_id % 10 = 1",
        )
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE reports SET status = 'returned', reviewed_at = $1, \
             review_note = '本月完成投资与入库统计数不一致，请核实后重报' \
             WHERE source = 'seed' AND period = $2 AND project_id % 10 = 2 AND project_id % 3 = 0",
        )
        .bind(at)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        self.resume_summaries(&mut tx, suspended).await?;
        tx.commit().await?;
        Ok(written - usize::try_from(missing).unwrap_or(0))
    }

    /// The demo's campaign: its year, theme and key tasks, and targets for every responsible
    /// unit decomposed from the ledger (its 计划开工 projects to start, 计划竣工 to complete,
    /// its annual plans to invest), so each target shows real progress.
    pub async fn seed_demo_campaign(&self, demo: &DemoCampaign) -> Result<i64> {
        let mut settings = crate::CampaignSettings::year(&demo.name, demo.year);
        settings.theme = Some(demo.theme.clone());
        let id = self.create_campaign(&settings).await?;
        for (task, lead) in domain::demo::key_tasks() {
            let unit = self.unit_by_name(lead).await?.map(|u| u.id);
            self.add_campaign_task(id, task, unit).await?;
        }
        let year_start = format!("{}-01-01", demo.year);
        let year_end = format!("{}-12-31", demo.year);
        let rows: Vec<crate::campaigns::TargetRow> =
            sqlx::query_as(
                "SELECT u.id, u.name, \
                 CAST(SUM(CASE WHEN p.stage = 'to_start' OR (p.planned_start >= $1 AND p.planned_start <= $2) THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN p.stage = 'to_complete' OR (p.planned_completion >= $3 AND p.planned_completion <= $4) THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN p.planned_production >= $5 AND p.planned_production <= $6 THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(COALESCE(p.annual_plan_fen, 0)) AS BIGINT) \
                 FROM units u JOIN projects p ON p.unit_id = u.id GROUP BY u.id, u.name ORDER BY u.name",
            )
            .bind(&year_start)
            .bind(&year_end)
            .bind(&year_start)
            .bind(&year_end)
            .bind(&year_start)
            .bind(&year_end)
            .fetch_all(self.pool())
            .await?;
        let positive = |n: Option<i64>| n.filter(|n| *n > 0);
        let targets: Vec<crate::UnitTarget> = rows
            .into_iter()
            .map(
                |(unit_id, unit, starts, completions, productions, plan)| crate::UnitTarget {
                    unit_id,
                    unit,
                    starts: positive(starts),
                    completions: positive(completions),
                    productions: positive(productions),
                    // Targets are set in round 万元.
                    investment: positive(plan).map(|fen| domain::Money::from_wan(fen / 1_000_000)),
                },
            )
            .collect();
        self.set_campaign_targets(id, 1, &targets).await?;
        Ok(id)
    }

    /// Publishes a month's ranking as the lead office would (the demo's May ranking).
    pub async fn seed_demo_ranking(&self, period: domain::progress::Period) -> Result<i64> {
        let as_of = period.last_day().ok_or_else(|| {
            crate::StoreError::Rule(domain::bi("报送期无效", "invalid reporting period"))
        })?;
        let judging = self.judging(as_of).await?;
        let status = self.status(as_of, &judging.scheme).await?;
        let rows = crate::RankingRow::from_status(&status.status);
        let regions = crate::RankingRow::regions_of(&status.status);
        let publisher = self.user_by_username("fgj").await?.map(|u| u.id);
        let scheme = judging.scheme.to_toml();
        let published = self
            .publish_ranking(&crate::NewRanking {
                period,
                as_of,
                expected: status.status.expected.to_f64(),
                scheme: &scheme,
                rows: &rows,
                regions: &regions,
                projects: &status.status.projects,
                note: None,
                actor: publisher,
            })
            .await?;
        Ok(published.revision)
    }
}

/// Problems as offices raise them, by category: what they say and which department usually
/// acts on them (a unit whose name holds that word; the project's own unit when none does).
const DEMO_PROBLEMS: [(domain::problem::Category, &str, &str); 12] = {
    use domain::problem::Category::*;
    [
        (Land, "用地指标未落实", "自然资源"),
        (Land, "土地未完成挂牌出让", "自然资源"),
        (Planning, "规划方案调整未批复", "自然资源"),
        (Environment, "环评批复未出具", "生态环境"),
        (Approval, "施工图审查未通过", "住房和城乡建设"),
        (Approval, "施工许可证未办理", "住房和城乡建设"),
        (Funding, "专项债资金未到位", "财政"),
        (Expropriation, "征迁户未完成签约", "住房和城乡建设"),
        (Expropriation, "坟墓迁移未完成", "住房和城乡建设"),
        (Utilities, "施工用电未接入", "发展和改革"),
        (Utilities, "燃气管线迁改滞后", "住房和城乡建设"),
        (Construction, "施工进场道路未打通", "交通运输"),
    ]
};

impl Store {
    /// `count` problems over the ledger's projects, raised between `from` and `through`,
    /// deterministic: deadlines of 5, 10 or 15 working days or a date two to six weeks on; of
    /// those raised more than two months before `through` three in four closed off (已销号), of
    /// the last three weeks' none; the rest resolved and waiting for confirmation, in hand or
    /// open; one in ten raised straight to the task lead. Written in one transaction.
    pub async fn seed_demo_problems(
        &self,
        count: usize,
        from: chrono::NaiveDate,
        through: chrono::NaiveDate,
    ) -> Result<usize> {
        use domain::problem::{Deadline, Level, Status};
        let projects: Vec<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, unit_id FROM projects ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        if projects.is_empty() || count == 0 {
            return Ok(0);
        }
        let units: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM units")
            .fetch_all(self.pool())
            .await?;
        let unit_named = |word: &str| {
            units
                .iter()
                .find(|(_, n)| n.contains(word))
                .map(|(id, _)| *id)
        };
        let calendar = self.work_calendar().await?;
        let span = u64::try_from((through - from).num_days()).unwrap_or(0) + 1;
        let at = now();
        let mut rows = Vec::with_capacity(count);
        for i in 0..count {
            let h = (i as u64).wrapping_mul(2_654_435_761) % 1_000_003;
            let (project, project_unit) = projects[(i * 7_919) % projects.len()];
            let (category, title, department) = DEMO_PROBLEMS[(h % 12) as usize];
            let raised_on = from + chrono::Days::new(h % span);
            let deadline = if h.is_multiple_of(3) {
                Deadline::Workdays(5 * (1 + (h / 3 % 3) as u32))
            } else {
                Deadline::On(raised_on + chrono::Days::new(14 + h % 29))
            };
            let due = deadline
                .date(raised_on, &calendar)
                .map_err(crate::StoreError::Calendar)?;
            // Older problems are mostly closed off; the recent ones are still in hand.
            let age = (through - raised_on).num_days();
            let status = match (age, h % 20) {
                (61.., 0..=14) | (21..=60, 0..=5) => Status::Closed,
                (61.., 15..=16) | (21..=60, 6..=10) | (..=20, 0..=1) => Status::Resolved,
                (61.., 17..=18) | (21..=60, 11..=17) | (..=20, 2..=11) => Status::InProgress,
                _ => Status::Open,
            };
            let level = if h % 10 == 7 {
                Level::TaskLead
            } else {
                Level::Unit
            };
            let unit = if h.is_multiple_of(2) {
                unit_named(department).or(project_unit)
            } else {
                project_unit
            };
            let workdays = match deadline {
                Deadline::Workdays(n) => Some(i64::from(n)),
                Deadline::On(_) => None,
            };
            rows.push((
                project, title, category, raised_on, unit, due, workdays, level, status,
            ));
        }
        let mut tx = self.begin_write().await?;
        let (before,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM problems")
            .fetch_one(&mut *tx)
            .await?;
        let enc = |e: sqlx::error::BoxDynError| crate::StoreError::Db(sqlx::Error::Encode(e));
        const PER_ROW: usize = 14;
        for chunk in rows.chunks(300) {
            let mut args = sqlx::any::AnyArguments::default();
            let mut values = Vec::with_capacity(chunk.len());
            for (i, (project, title, category, raised_on, unit, due, workdays, level, status)) in
                chunk.iter().enumerate()
            {
                use sqlx::Arguments;
                args.add(*project).map_err(enc)?;
                args.add(*title).map_err(enc)?;
                args.add(category.code()).map_err(enc)?;
                args.add(crate::projects::date_text(Some(*raised_on)))
                    .map_err(enc)?;
                args.add(*unit).map_err(enc)?;
                args.add(crate::projects::date_text(Some(*due)))
                    .map_err(enc)?;
                args.add(*workdays).map_err(enc)?;
                args.add(i64::from(level.number())).map_err(enc)?;
                args.add(i64::from(level.number())).map_err(enc)?;
                args.add(status.code()).map_err(enc)?;
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
        tx.commit().await?;
        Ok(count)
    }
}

impl Store {
    /// The weekly meeting of `held_on` as the demo shows it: it took on the most escalated open
    /// problems and gave each an owner and a deadline, one of them already missed.
    pub async fn seed_demo_meeting(&self, held_on: chrono::NaiveDate) -> Result<usize> {
        let lines = self.problems_as_of(held_on).await?;
        let mut open: Vec<&crate::ProblemLine> =
            lines.iter().filter(|l| l.status.is_open()).collect();
        open.sort_by_key(|l| {
            (
                std::cmp::Reverse(l.level),
                std::cmp::Reverse(l.overdue_workdays),
            )
        });
        let mut decisions = Vec::new();
        for (i, line) in open.iter().take(4).enumerate() {
            decisions.push(crate::NewDecision {
                text: format!("{}：{}，限期解决并报告进展", line.project, line.title),
                unit_id: line.unit_id,
                project_id: Some(line.project_id),
                problem_id: Some(line.id),
                deadline: Some(held_on + chrono::Days::new(if i == 0 { 2 } else { 14 })),
            });
        }
        decisions.retain(|d| d.unit_id.is_some());
        if decisions.is_empty() {
            return Ok(0);
        }
        self.record_meeting(
            held_on,
            crate::MeetingKind::Weekly,
            None,
            "重点项目攻坚周例会",
            Some("会议逐项研究了上会问题，明确责任单位和完成时限。"),
            &decisions,
            None,
        )
        .await?;
        Ok(decisions.len())
    }
}
