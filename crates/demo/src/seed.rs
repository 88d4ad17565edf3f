//! The demo's campaign half-way through its year, written through the store's public API and
//! its bulk loads: approval plans, reports and their reviews, the campaign and its targets,
//! problems, a weekly meeting, June's service push and May's published ranking. Every part is
//! deterministic for a given ledger and day.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use domain::calendar::WorkCalendar;
use domain::problem::{Category, Deadline, Level, Status};
use domain::progress::{Light, Period};
use domain::{Money, Stage, bi};
use store::{
    CampaignSettings, MeetingKind, NewDecision, NewRanking, NewTeamMember, NewVisit, ProblemLine,
    RankingRow, ReportRecord, ReportState, Result, SeedProblem, SeedReport, Store, StoreError,
    UnitTarget,
};

use crate::ledger::{DemoCampaign, key_tasks};

/// Gives projects in 前期 and 计划开工 approval plans, as a county's would look on `today`:
/// plans started over the past year, most nodes due so far finished (a few days early or late,
/// with 批复文号), about one in nine still open and so overdue. Projects that already have a
/// plan are left alone; at most `limit` plans.
pub async fn approvals(
    store: &Store,
    calendar: &WorkCalendar,
    today: NaiveDate,
    limit: usize,
) -> Result<usize> {
    let planned: HashSet<i64> = store
        .all_approval_plans()
        .await?
        .iter()
        .map(|plan| plan.project_id)
        .collect();
    let ids: Vec<i64> = store
        .all_projects()
        .await?
        .into_iter()
        .filter(|p| {
            matches!(p.fields.stage, Some(Stage::PreWork | Stage::ToStart))
                && !planned.contains(&p.id)
        })
        .map(|p| p.id)
        .take(limit)
        .collect();
    let mut made = 0;
    for (i, id) in ids.into_iter().enumerate() {
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
        let plan = match store
            .create_approval_plan(id, template, start, None, calendar)
            .await
        {
            Ok(plan) => plan,
            // A plan that would run past the calendar's last year is skipped.
            Err(StoreError::Rule(_)) => continue,
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
        store
            .save_approval_plan(&done, plan.version, None, calendar)
            .await?;
        made += 1;
    }
    Ok(made)
}

/// Monthly reports from January to `through` for every project with an annual plan, as a
/// campaign would have them mid-year: most projects near 序时进度, a quarter lagging, one in
/// seven far behind; projects to start begin from their planned month, one in three later;
/// one report in eleven came in after its deadline. Earlier months are reviewed and locked; of
/// the latest, most are submitted and wait for review, some are drafts, a few were returned and
/// one project in ten has not reported. Returns how many reports were written.
pub async fn reports(store: &Store, through: Period) -> Result<usize> {
    let mut reports = Vec::new();
    for project in store.all_projects().await? {
        let id = project.id;
        let Some(plan) = project
            .fields
            .annual_plan
            .map(Money::fen)
            .filter(|f| *f > 0)
        else {
            continue;
        };
        let h = (id as u64).wrapping_mul(2_654_435_761) % 1000;
        // Year-to-date at mid-year as a share of the plan, in thousandths.
        let target = if h < 600 {
            450 + h % 200
        } else if h < 850 {
            220 + h % 170
        } else {
            50 + h % 140
        };
        let planned = project
            .fields
            .planned_start
            .filter(|d| d.year() == through.year);
        let to_start = project.fields.stage == Some(Stage::ToStart);
        let mut previous = 0i64;
        for month in 1..=through.month {
            let period = Period {
                year: through.year,
                month,
                part: None,
            };
            let latest = month == through.month;
            // Not reported at all.
            if latest && id % 10 == 0 {
                continue;
            }
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
            let started =
                !to_start || (planned.is_some_and(|d| d.month() <= month) && !h.is_multiple_of(3));
            let ytd = if started { ytd } else { previous };
            let (state, review_note) = match (latest, id % 10) {
                (false, _) => (ReportState::Approved, None),
                (true, 1) => (ReportState::Draft, None),
                (true, 2) if id % 3 == 0 => (
                    ReportState::Returned,
                    Some("本月完成投资与入库统计数不一致，请核实后重报".to_string()),
                ),
                (true, _) => (ReportState::Submitted, None),
            };
            reports.push(SeedReport {
                record: ReportRecord {
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
                },
                state,
                review_note,
            });
            previous = ytd;
        }
    }
    store.seed_reports(&reports).await
}

/// The demo's campaign: its year, theme and key tasks, and targets for every responsible unit
/// decomposed from its ledger (its 计划开工 projects to start, 计划竣工 to complete, 计划投产 to
/// produce, its annual plans to invest), so each target shows real progress.
pub async fn campaign(store: &Store, demo: &DemoCampaign) -> Result<i64> {
    let mut settings = CampaignSettings::year(&demo.name, demo.year);
    settings.theme = Some(demo.theme.clone());
    let id = store.create_campaign(&settings).await?;
    for (task, lead) in key_tasks() {
        let unit = store.unit_by_name(lead).await?.map(|u| u.id);
        store.add_campaign_task(id, task, unit).await?;
    }
    let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == demo.year);
    // Per unit (by its index in the ledger): starts, completions, productions, plan in fen.
    let mut sums: BTreeMap<usize, (i64, i64, i64, i64)> = BTreeMap::new();
    for p in &demo.ledger.projects {
        let f = &p.fields;
        let sum = sums.entry(p.unit).or_default();
        sum.0 += i64::from(f.stage == Some(Stage::ToStart) || in_year(f.planned_start));
        sum.1 += i64::from(f.stage == Some(Stage::ToComplete) || in_year(f.planned_completion));
        sum.2 += i64::from(in_year(f.planned_production));
        sum.3 += f.annual_plan.map_or(0, Money::fen);
    }
    let positive = |n: i64| Some(n).filter(|n| *n > 0);
    let mut targets = Vec::with_capacity(sums.len());
    for (unit, (starts, completions, productions, plan)) in sums {
        let Some(name) = demo.ledger.units.get(unit).map(|u| u.name.as_str()) else {
            continue;
        };
        let Some(found) = store.unit_by_name(name).await? else {
            continue;
        };
        targets.push(UnitTarget {
            unit_id: found.id,
            unit: found.name,
            starts: positive(starts),
            completions: positive(completions),
            productions: positive(productions),
            // Targets are set in round 万元.
            investment: positive(plan).map(|fen| Money::from_wan(fen / 1_000_000)),
            ..UnitTarget::default()
        });
    }
    targets.sort_by(|a, b| a.unit.cmp(&b.unit));
    store.set_campaign_targets(id, 1, &targets).await?;
    Ok(id)
}

/// Publishes a month's ranking as the lead office (`fgj`) would: the demo's May ranking.
pub async fn ranking(store: &Store, period: Period) -> Result<i64> {
    let as_of = period
        .last_day()
        .ok_or_else(|| StoreError::Rule(bi("报送期无效", "invalid reporting period")))?;
    let judging = store.judging(as_of).await?;
    let status = store.status(as_of, &judging.scheme).await?;
    let rows = RankingRow::from_status(&status.status);
    let regions = RankingRow::regions_of(&status.status);
    let publisher = store.user_by_username("fgj").await?.map(|u| u.id);
    let scheme = judging.scheme.to_toml();
    let published = store
        .publish_ranking(&NewRanking {
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

/// Problems as offices raise them, by category: what they say and which department usually
/// acts on them (a unit whose name holds that word; the project's own unit when none does).
const PROBLEMS: [(Category, &str, &str); 12] = {
    use Category::*;
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

/// `count` problems over the ledger's projects, raised between `from` and `through`:
/// deadlines of 5, 10 or 15 working days or a date two to six weeks on; of those raised more
/// than two months before `through` three in four closed off (已销号), of the last three weeks'
/// none; the rest resolved and waiting for confirmation, in hand or open; one in ten raised
/// straight to the task lead. Written in one transaction.
pub async fn problems(
    store: &Store,
    count: usize,
    from: NaiveDate,
    through: NaiveDate,
) -> Result<usize> {
    let projects: Vec<(i64, Option<i64>)> = store
        .all_projects()
        .await?
        .into_iter()
        .map(|p| (p.id, p.fields.unit_id))
        .collect();
    if projects.is_empty() || count == 0 {
        return Ok(0);
    }
    let units = store.units().await?;
    let unit_named = |word: &str| units.iter().find(|u| u.name.contains(word)).map(|u| u.id);
    let calendar = store.work_calendar().await?;
    let span = u64::try_from((through - from).num_days()).unwrap_or(0) + 1;
    let mut rows = Vec::with_capacity(count);
    for i in 0..count {
        let h = (i as u64).wrapping_mul(2_654_435_761) % 1_000_003;
        let (project_id, project_unit) = projects[(i * 7_919) % projects.len()];
        let (category, title, department) = PROBLEMS[(h % 12) as usize];
        let raised_on = from + Days::new(h % span);
        let deadline = if h.is_multiple_of(3) {
            Deadline::Workdays(5 * (1 + (h / 3 % 3) as u32))
        } else {
            Deadline::On(raised_on + Days::new(14 + h % 29))
        };
        let due = deadline
            .date(raised_on, &calendar)
            .map_err(StoreError::Calendar)?;
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
        let unit_id = if h.is_multiple_of(2) {
            unit_named(department).or(project_unit)
        } else {
            project_unit
        };
        let deadline_workdays = match deadline {
            Deadline::Workdays(n) => Some(i64::from(n)),
            Deadline::On(_) => None,
        };
        rows.push(SeedProblem {
            project_id,
            title: title.to_string(),
            category,
            raised_on,
            unit_id,
            deadline: due,
            deadline_workdays,
            level,
            status,
        });
    }
    store.seed_problems(&rows).await
}

/// The weekly meeting of `held_on`: it took on the most escalated open problems and gave each
/// an owner and a deadline, one of them already missed.
pub async fn meeting(store: &Store, held_on: NaiveDate) -> Result<usize> {
    let lines = store.problems_as_of(held_on).await?;
    let mut open: Vec<&ProblemLine> = lines.iter().filter(|l| l.status.is_open()).collect();
    open.sort_by_key(|l| {
        (
            std::cmp::Reverse(l.level),
            std::cmp::Reverse(l.overdue_workdays),
        )
    });
    let mut decisions = Vec::new();
    for (i, line) in open.iter().take(4).enumerate() {
        decisions.push(NewDecision {
            text: format!("{}：{}，限期解决并报告进展", line.project, line.title),
            unit_id: line.unit_id,
            project_id: Some(line.project_id),
            problem_id: Some(line.id),
            deadline: Some(held_on + Days::new(if i == 0 { 2 } else { 14 })),
        });
    }
    decisions.retain(|d| d.unit_id.is_some());
    if decisions.is_empty() {
        return Ok(0);
    }
    store
        .record_meeting(
            held_on,
            MeetingKind::Weekly,
            None,
            "重点项目攻坚周例会",
            Some("会议逐项研究了上会问题，明确责任单位和完成时限。"),
            &decisions,
            None,
        )
        .await?;
    Ok(decisions.len())
}
/// The 5专 and 一月一提升 as of the end of `month`: the most lagging projects get a
/// 工作专班, every lagging (red or yellow) project of the month gets a service team, about
/// half of them have been visited, and the most lagging was studied at a 专题研究.
/// Returns how many service visits were logged.
pub async fn service(store: &Store, month: Period) -> Result<usize> {
    let Some(end) = month.last_day() else {
        return Ok(0);
    };
    let status = store.campaign_status(end).await?;
    let mut lagging: Vec<(f64, i64, Option<String>)> = status
        .status
        .projects
        .iter()
        .filter_map(|p| {
            let j = p.judgement.as_ref().filter(|j| j.light != Light::Green)?;
            Some((j.lag_pp, p.id, p.unit.as_deref().map(str::to_string)))
        })
        .collect();
    lagging.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    const LEADERS: [&str; 6] = ["陈志强", "林秀英", "黄建国", "郑丽华", "吴海滨", "刘晓东"];
    const MEMBERS: [&str; 6] = [
        "市发改局 王磊",
        "市自然资源局 张敏",
        "市住建局 李强",
        "市生态环境局 赵静",
        "国网供电公司 周涛",
        "市行政服务中心 许倩",
    ];
    const FOUND: [&str; 4] = [
        "施工用电线路迁改未完成，影响桩基施工",
        "征迁尾数 3 户未签约",
        "规划许可材料缺少消防审查意见",
        "项目资金到位不足，施工队伍减员",
    ];
    const PROMISED: [&str; 4] = [
        "供电公司两周内完成迁改",
        "属地镇街本月底前完成签约",
        "住建局一周内出具审查意见",
        "发改局协调专项债资金下月到位",
    ];
    let mut visits = 0;
    for (i, (_, id, _)) in lagging.iter().enumerate() {
        let leader = LEADERS[i % LEADERS.len()];
        let members = format!(
            "{}、{}",
            MEMBERS[i % MEMBERS.len()],
            MEMBERS[(i + 3) % MEMBERS.len()]
        );
        store
            .set_service_team(month, *id, leader, Some(&members), None)
            .await?;
        if i % 2 == 0 {
            let day = u32::try_from(5 + (i * 3) % 20).unwrap_or(5);
            let visit = NewVisit {
                visited_on: NaiveDate::from_ymd_opt(month.year, month.month, day),
                visitors: format!("{leader}、{}", MEMBERS[i % MEMBERS.len()]),
                found: FOUND[i % FOUND.len()].to_string(),
                promised: Some(PROMISED[i % PROMISED.len()].to_string()),
            };
            store.record_visit(*id, &visit, end, None).await?;
            visits += 1;
        }
    }
    let roles = ["组长", "副组长", "成员", "成员", "联络员"];
    for (i, (_, id, _)) in lagging.iter().take(5).enumerate() {
        for (k, role) in roles.iter().enumerate() {
            let n = i * roles.len() + k;
            let member = NewTeamMember {
                name: LEADERS[n % LEADERS.len()].to_string(),
                role: role.to_string(),
                workplace: Some(
                    MEMBERS[n % MEMBERS.len()]
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
                phone: Some(format!("0591-8531{:04}", 1000 + n)),
            };
            store.add_team_member(*id, &member, None).await?;
        }
    }
    if let Some((_, id, _)) = lagging.first()
        && let Some(project) = store.project(*id).await?
    {
        let unit_id = project.fields.unit_id;
        let held_on = NaiveDate::from_ymd_opt(month.year, month.month, 16).unwrap_or(end);
        let decisions = [
            ("月底前完成施工用电线路迁改", end),
            ("征迁尾数户由属地镇街包户攻坚", end + chrono::Days::new(15)),
        ]
        .map(|(text, deadline)| NewDecision {
            text: text.to_string(),
            unit_id,
            project_id: Some(*id),
            problem_id: None,
            deadline: Some(deadline),
        });
        if unit_id.is_some() {
            store
                .record_meeting(
                    held_on,
                    MeetingKind::Special,
                    Some(*id),
                    &format!("{}专题研究会", project.fields.name),
                    Some("会议研究了项目推进中的用电和征迁问题。"),
                    &decisions,
                    None,
                )
                .await?;
        }
    }
    Ok(visits)
}

/// 招商, 征迁, money and 入库 as 福清 would have them on `today`: leads signed at 5·18 海交会,
/// 9·8 投洽会 and 数字中国建设峰会 or found through 以商招商 and 驻点招商, some landed (two already
/// ledger projects), started or in production; parcels on the big projects in their towns, a
/// few past their planned delivery; started projects mostly registered in the statistics
/// database a few weeks after their start, some not; funding by source for the projects with a
/// total investment. Returns the leads and parcels written.
pub async fn pipeline(store: &Store, today: NaiveDate) -> Result<(usize, usize)> {
    use domain::leads::{LeadDates, LeadStage};
    let units = store.units().await?;
    let unit = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id);
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    // (name, investor, industry, chain, 亿元, source, unit, stage dates: signed, landed,
    // started, producing as (month, day) offsets in 2024/2025)
    type LeadSeed<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        i64,
        &'a str,
        &'a str,
        [Option<NaiveDate>; 4],
    );
    let leads: [LeadSeed; 18] = [
        (
            "年产10GW高效光伏电池组件项目",
            "某新能源科技股份有限公司",
            "新能源",
            "光伏",
            50,
            "9·8投洽会",
            "江阴镇",
            [day(2024, 9, 8), day(2024, 12, 20), day(2025, 3, 18), None],
        ),
        (
            "高端功能性纤维新材料项目",
            "某化纤集团有限公司",
            "化工新材料",
            "化纤",
            35,
            "9·8投洽会",
            "江阴镇",
            [day(2024, 9, 8), day(2025, 1, 10), day(2025, 4, 28), None],
        ),
        (
            "锂电池正极材料一体化项目",
            "某锂电材料有限公司",
            "新能源",
            "锂电",
            80,
            "5·18海交会",
            "江阴镇",
            [day(2025, 5, 18), None, None, None],
        ),
        (
            "海上风电运维母港项目",
            "某海上风电运维有限公司",
            "新能源",
            "风电",
            12,
            "5·18海交会",
            "三山镇",
            [day(2025, 5, 18), day(2025, 6, 20), None, None],
        ),
        (
            "智能玻璃深加工项目",
            "某玻璃科技有限公司",
            "玻璃",
            "汽车玻璃",
            15,
            "以商招商",
            "宏路街道",
            [
                day(2024, 11, 6),
                day(2025, 2, 15),
                day(2025, 4, 2),
                day(2025, 6, 18),
            ],
        ),
        (
            "汽车玻璃配套产业园",
            "某汽车配件有限公司",
            "玻璃",
            "汽车玻璃",
            8,
            "以商招商",
            "宏路街道",
            [day(2025, 3, 12), day(2025, 5, 30), None, None],
        ),
        (
            "食品冷链物流中心",
            "某冷链物流有限公司",
            "现代物流",
            "冷链",
            6,
            "驻点招商",
            "龙田镇",
            [day(2025, 2, 26), None, None, None],
        ),
        (
            "预制菜中央厨房项目",
            "某食品有限公司",
            "食品加工",
            "预制菜",
            4,
            "驻点招商",
            "龙田镇",
            [day(2025, 4, 10), day(2025, 6, 5), None, None],
        ),
        (
            "数字经济产业园",
            "某数字科技有限公司",
            "数字经济",
            "软件信息",
            20,
            "数字中国建设峰会",
            "音西街道",
            [day(2025, 4, 29), None, None, None],
        ),
        (
            "算力中心项目",
            "某云计算有限公司",
            "数字经济",
            "算力",
            30,
            "数字中国建设峰会",
            "音西街道",
            [day(2025, 4, 29), day(2025, 6, 12), None, None],
        ),
        (
            "海洋生物医药产业化项目",
            "某海洋生物科技有限公司",
            "生物医药",
            "海洋生物",
            9,
            "5·18海交会",
            "江镜镇",
            [day(2025, 5, 18), None, None, None],
        ),
        (
            "鳗鱼深加工出口基地",
            "某水产有限公司",
            "食品加工",
            "水产",
            3,
            "以商招商",
            "江镜镇",
            [day(2024, 10, 15), day(2025, 1, 20), day(2025, 3, 1), None],
        ),
        (
            "不锈钢精密制品项目",
            "某金属制品有限公司",
            "冶金",
            "不锈钢",
            11,
            "驻点招商",
            "城头镇",
            [day(2025, 1, 8), day(2025, 4, 1), None, None],
        ),
        (
            "文旅综合体项目",
            "某文旅集团",
            "文化旅游",
            "文旅",
            25,
            "5·18海交会",
            "东张镇",
            [None, None, None, None],
        ),
        (
            "户外运动装备制造项目",
            "某体育用品有限公司",
            "轻工",
            "体育用品",
            2,
            "以商招商",
            "渔溪镇",
            [None, None, None, None],
        ),
        (
            "半导体封装测试项目",
            "某半导体有限公司",
            "电子信息",
            "集成电路",
            40,
            "驻点招商",
            "元洪投资区管委会",
            [None, None, None, None],
        ),
        (
            "新型显示模组项目",
            "某光电有限公司",
            "电子信息",
            "显示",
            18,
            "9·8投洽会",
            "福清融侨经济技术开发区管委会",
            [day(2024, 9, 8), day(2025, 2, 28), day(2025, 5, 20), None],
        ),
        (
            "绿色建材产业园",
            "某建材有限公司",
            "建材",
            "装配式建筑",
            7,
            "以商招商",
            "港头镇",
            [day(2025, 6, 26), None, None, None],
        ),
    ];
    let mut written = 0;
    let office = store::Actor::SYSTEM;
    let mut landed = Vec::new();
    for (
        i,
        (name, investor, industry, chain, yi, source, unit_name, [signed, land, start, produce]),
    ) in leads.iter().enumerate()
    {
        let mut dates = LeadDates::default();
        let first_talk = signed
            .or(day(2025, 3, 1))
            .map(|d| d - Days::new(40 + (i as u64 % 5) * 15));
        dates.set(LeadStage::Planned, first_talk.map(|d| d - Days::new(21)));
        dates.set(LeadStage::Negotiating, first_talk);
        dates.set(LeadStage::Signed, *signed);
        dates.set(LeadStage::Landed, *land);
        dates.set(LeadStage::Started, *start);
        dates.set(LeadStage::Producing, *produce);
        let stage = dates.furthest().unwrap_or(LeadStage::Planned);
        let planned = Money::from_wan(yi * 10_000);
        let fields = store::LeadFields {
            name: name.to_string(),
            investor: Some(investor.to_string()),
            industry: Some(industry.to_string()),
            chain: Some(chain.to_string()),
            planned_investment: Some(planned),
            source: Some(source.to_string()),
            unit_id: unit(unit_name),
            team: Some(format!("招商{}组", i % 5 + 1)),
            stage,
            dates,
            contract_value: signed.map(|_| planned),
            expected_output: Some(Money::from_wan(yi * 10_000 * 3 / 2)),
            expected_tax: Some(Money::from_wan(yi * 600)),
            note: None,
        };
        let recorded = first_talk.unwrap_or(today).min(today);
        let id = store.save_lead(None, 0, &fields, &office, recorded).await?;
        if land.is_some() && start.is_none() {
            landed.push(id);
        }
        written += 1;
    }
    // Two landed leads are already ledger projects, followed monthly.
    for id in landed.into_iter().take(crate::DEMO_LEAD_PROJECTS) {
        if let Some(lead) = store.lead(id).await? {
            store
                .lead_to_project(id, lead.version, &office, today)
                .await?;
        }
    }

    // Parcels on the largest projects of towns, some delivered, a few overdue on `today`.
    let projects = store.all_projects().await?;
    let towns: Vec<(i64, String)> = units
        .iter()
        .filter(|u| u.kind == domain::UnitKind::Town)
        .map(|u| (u.id, u.name.clone()))
        .collect();
    let mut big: Vec<&domain::Project> = projects
        .iter()
        .filter(|p| p.fields.total_investment.is_some())
        .filter(|p| towns.iter().any(|(id, _)| Some(*id) == p.fields.unit_id))
        .collect();
    big.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.fields.total_investment.map_or(0, Money::fen)),
            p.id,
        )
    });
    let mut parcels = 0;
    for (i, p) in big.iter().take(12).enumerate() {
        for k in 0..(1 + i % 3) {
            let n = i * 3 + k;
            let planned = today - Days::new(150) + Days::new((n as u64 * 23) % 200);
            // Delivered early or on time for most of those due; two of three due but a few left.
            let due = planned <= today;
            let actual = (due && n % 4 != 1).then(|| planned - Days::new((n as u64 * 7) % 20));
            let households = 6 + (n as i64 * 13) % 40;
            let graves = (n as i64 * 7) % 25;
            let done = actual.is_some();
            let fields = ParcelFieldsSeed {
                name: format!(
                    "{}-{}号地块",
                    p.fields.name.chars().take(6).collect::<String>(),
                    k + 1
                ),
                area_milli_mu: 20_000 + (n as i64 * 37_500) % 300_000,
                households,
                graves,
                done,
                planned,
                actual,
            };
            store
                .save_parcel(
                    None,
                    0,
                    &store::ParcelFields {
                        name: fields.name,
                        project_id: Some(p.id),
                        town_unit_id: p.fields.unit_id,
                        area_milli_mu: fields.area_milli_mu,
                        households_total: fields.households,
                        households_signed: if fields.done {
                            fields.households
                        } else {
                            fields.households - 3
                        },
                        households_demolished: if fields.done {
                            fields.households
                        } else {
                            fields.households - 5
                        },
                        graves_total: fields.graves,
                        graves_moved: if fields.done {
                            fields.graves
                        } else {
                            fields.graves / 2
                        },
                        planned_delivery: Some(fields.planned),
                        actual_delivery: fields.actual,
                        note: None,
                    },
                    &office,
                )
                .await?;
            parcels += 1;
        }
    }

    // 入库: started projects registered two to five weeks after their start, one in eight not
    // yet (recorded so); funding by source for projects with a total investment.
    for (i, r) in store.registration_rows(today).await?.iter().enumerate() {
        let Some(started) = r.started_on else {
            continue;
        };
        // Long-started projects are all registered; of those started this spring, one in four
        // is not yet (the 入库 lamp).
        let recent = started > today - Days::new(120);
        let registered = (!recent || i % 4 != 3)
            .then(|| started + Days::new(14 + (i as u64 * 5) % 21))
            .filter(|d| *d <= today);
        store
            .set_registration(
                r.project_id,
                registered,
                registered
                    .map(|_| format!("3501812025{:05}", r.project_id))
                    .as_deref(),
                0,
                None,
                today,
            )
            .await?;
    }
    const SOURCES: [(&str, i64); 5] = [
        ("专项债", 30),
        ("超长期特别国债", 10),
        ("中央预算内", 5),
        ("银行贷款", 25),
        ("企业自筹", 30),
    ];
    for (i, p) in projects.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let Some(total) = p.fields.total_investment.filter(|t| t.fen() > 0) else {
            continue;
        };
        for (k, (source, share)) in SOURCES.iter().enumerate() {
            if (i / 3 + k) % 3 == 2 {
                continue;
            }
            let planned = Money::from_fen(total.fen() / 100 * share);
            let arrived_pct = 40 + ((i * 7 + k * 11) % 61) as i64;
            let arrived = Money::from_fen(planned.fen() / 100 * arrived_pct);
            store
                .set_funding(p.id, source, planned, arrived, None)
                .await?;
        }
    }
    Ok((written, parcels))
}

/// The year's joint events and its mid-year tour: a 集中开工 of the projects started in late
/// March, a 集中签约 of the leads signed at 5·18 海交会, and a 项目拉练 of eight big projects
/// under construction scored by five members. Returns the batches and tours written.
pub async fn batches_and_tours(store: &Store, today: NaiveDate) -> Result<(usize, usize)> {
    use domain::batches::BatchKind;
    let year = today.year();
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(today);
    let projects = store.all_projects().await?;
    let started_march: Vec<i64> = projects
        .iter()
        .filter(|p| {
            p.fields
                .actual_start
                .is_some_and(|d| d >= day(3, 10) && d <= day(3, 31))
        })
        .take(12)
        .map(|p| p.id)
        .collect();
    let start = store
        .create_batch(
            &store::NewBatch {
                kind: BatchKind::Start,
                name: format!("{year}年第一季度重点项目集中开工"),
                held_on: day(3, 28),
                place: Some("江阴港城经济区主会场".into()),
                note: Some("全市设一个主会场、四个分会场".into()),
            },
            None,
        )
        .await?;
    for id in started_march {
        store.add_batch_item(start, Some(id), None).await?;
    }
    let sign = store
        .create_batch(
            &store::NewBatch {
                kind: BatchKind::Sign,
                name: "5·18海交会福清市项目集中签约".into(),
                held_on: day(5, 18),
                place: Some("福州海峡国际会展中心".into()),
                note: None,
            },
            None,
        )
        .await?;
    for lead in store.leads(None).await? {
        if lead.fields.dates.of(domain::leads::LeadStage::Signed) == Some(day(5, 18)) {
            store.add_batch_item(sign, None, Some(lead.id)).await?;
        }
    }
    let tour = store
        .create_tour(
            &store::NewTour {
                name: format!("{year}年上半年重点项目拉练"),
                held_on: day(6, 20),
                route: Some("江阴港城经济区—元洪投资区—融侨开发区—龙田镇".into()),
                members: "何市长、王建华、陈志强、林秀英、黄建国".into(),
                criteria: String::new(),
                note: None,
            },
            None,
        )
        .await?;
    let mut big: Vec<&domain::Project> = projects
        .iter()
        .filter(|p| p.fields.stage == Some(Stage::UnderConstruction))
        .filter(|p| p.fields.unit_id.is_some())
        .collect();
    big.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.fields.total_investment.map_or(0, Money::fen)),
            p.id,
        )
    });
    let members = ["何市长", "王建华", "陈志强", "林秀英", "黄建国"];
    for (i, p) in big.iter().take(8).enumerate() {
        store.add_tour_project(tour, p.id).await?;
        for (k, member) in members.iter().enumerate() {
            let base = 70 + ((i * 7 + k * 3) % 25) as i64;
            let scores =
                [0, 4, 8].map(|d| Some(((base + (d + i as i64 * 2) % 10).min(100)) as f64));
            store.score_tour(tour, p.id, member, &scores, None).await?;
        }
    }
    Ok((2, 1))
}

/// The county HQ's nine working groups, each with its leader, members and the towns and parks
/// in its care; the 智改数转 track: the ledger's upgrade projects tagged, their equipment
/// investment and level recorded, and the campaign's targets for the track. Returns the groups
/// and the track's projects.
pub async fn hq_and_track(store: &Store) -> Result<(usize, usize)> {
    const GROUPS: [(&str, &str, &str); 9] = [
        ("综合协调组", "何市长", "统筹调度、周例会议程和督办通报"),
        ("项目推进组", "王建华", "在建项目进度调度和亮灯项目帮扶"),
        ("要素保障组", "陈志强", "用地、用林、用海和能耗指标保障"),
        ("征迁攻坚组", "林秀英", "征地拆迁、交地清零"),
        ("审批服务组", "黄建国", "前期审批提速、模拟审批"),
        ("招商引资组", "郑丽华", "招商项目签约、落地和履约"),
        (
            "资金保障组",
            "吴海滨",
            "专项债、超长期特别国债申报和资金到位",
        ),
        ("督查考评组", "刘晓东", "督查通报和月度亮晒"),
        ("宣传报道组", "许倩", "集中开工、签约活动宣传"),
    ];
    let units = store.units().await?;
    let cared: Vec<i64> = units
        .iter()
        .filter(|u| matches!(u.kind, domain::UnitKind::Town | domain::UnitKind::Park))
        .map(|u| u.id)
        .collect();
    for (i, (name, leader, duty)) in GROUPS.iter().enumerate() {
        let group = store
            .create_hq_group(name, Some(leader), Some(duty))
            .await?;
        store
            .add_hq_member(group, leader, "组长", Some("市政府"), None)
            .await?;
        store
            .add_hq_member(
                group,
                "市发改局 王磊",
                "联络员",
                Some("市发改局"),
                Some("0591-85312345"),
            )
            .await?;
        // 分组包干: the towns and parks dealt round the groups that go out to them.
        if i >= 1 {
            for unit in cared.iter().skip(i - 1).step_by(GROUPS.len() - 1) {
                store.assign_hq_unit(group, *unit).await?;
            }
        }
    }
    let mut track = 0;
    for p in store.all_projects().await? {
        let name = &p.fields.name;
        let level = if name.contains("数字化车间") {
            "数字化车间"
        } else if name.contains("智能化") {
            "智能工厂"
        } else if name.contains("设备更新") || name.contains("技术改造") {
            "设备更新"
        } else {
            continue;
        };
        let mut fields = p.fields.clone();
        if !fields.tags.iter().any(|t| t == "智改数转") {
            fields.tags.push("智改数转".into());
            store
                .update_project(p.id, p.version, &fields, None, "seed")
                .await?;
        }
        let equipment = Money::from_fen(p.fields.total_investment.map_or(0, Money::fen) / 5 * 2);
        store
            .set_digital(
                p.id,
                equipment,
                Some("生产线自动化、MES系统、设备联网"),
                Some(level),
                0,
                None,
            )
            .await?;
        track += 1;
    }
    if let Some(c) = store.campaign().await? {
        let target = i64::try_from(track).unwrap_or(0) * 3 / 4;
        store
            .set_digital_target(c.id, Some(target.max(1)), Some(Money::from_wan(150_000)), 0)
            .await?;
    }
    Ok((GROUPS.len(), track))
}

/// A parcel's figures as the demo makes them.
struct ParcelFieldsSeed {
    name: String,
    area_milli_mu: i64,
    households: i64,
    graves: i64,
    done: bool,
    planned: NaiveDate,
    actual: Option<NaiveDate>,
}
