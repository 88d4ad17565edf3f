//! What a day brings (一天一提醒): the reminders due on it, each to an audience, from the
//! figures the store already has. Nothing is sent here.

use chrono::{Datelike, Days, NaiveDate};
use domain::Bilingual;
use domain::calendar::WorkCalendar;
use domain::problem::{Escalation, Level, Status, risen_on};
use domain::progress::Period;
use domain::remind::{Nudge, nudge};
use serde::Serialize;
use store::{ProblemViewer, Store};

use crate::config::Rhythm;

/// Who a reminder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "to", content = "unit_id")]
pub enum Audience {
    /// A unit's people and its group.
    Unit(i64),
    /// The lead office (总牵头单位) and its group.
    LeadOffice,
    /// The city's leaders, and the lead office's group.
    Leaders,
    /// The administrators and the lead office (the calendar).
    Admins,
}

/// One reminder: what, for whom, and what makes it the same reminder when a day runs again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// `report_due`, `report_overdue`, `report_chase`, `problem_due`, `escalation`,
    /// `decision_due`, `decision_overdue`, `approval_due`, `approval_overdue`, `calendar`.
    pub kind: &'static str,
    /// The object and the occasion: `2025-06:t-1`, `problem:12:level:3`…
    pub object: String,
    /// Whether the same object and occasion on another day is another reminder (the daily
    /// 催报); an escalation is told once.
    pub daily: bool,
    pub to: Audience,
    pub unit_id: Option<i64>,
    pub subject: Bilingual,
    pub body: Bilingual,
    /// The page it is about, from the site's root.
    pub link: String,
}

/// Reminders for `day`, and what could not be worked out (a calendar year missing).
#[derive(Debug, Default)]
pub struct Gathered {
    pub reminders: Vec<Reminder>,
    pub warnings: Vec<Bilingual>,
}

/// The reminders due on `day`, and the documents it announces.
pub async fn gather(store: &Store, day: NaiveDate, rhythm: &Rhythm) -> store::Result<Gathered> {
    let calendar = store.work_calendar().await?;
    let mut g = Gathered::default();
    if let Err(e) = calendar.is_workday(day) {
        g.warnings.push(e.message().clone());
        return Ok(g);
    }
    let cadence = store.judging(day).await?.cadence;
    reports(store, &calendar, day, cadence, &mut g).await?;
    problems(store, &calendar, day, &mut g).await?;
    decisions(store, &calendar, day, &mut g).await?;
    approvals(store, &calendar, day, &mut g).await?;
    next_year(&calendar, day, &mut g);
    documents(&calendar, day, cadence, rhythm, &mut g);
    Ok(g)
}

/// The documents of the campaign's rhythm, announced to the lead office and the leaders with a
/// link to each as of the day: the weekly bulletin (一周一通报) on the configured weekday (or
/// the first working day after it in that week), the analysis of a period (旬分析/月度分析) on
/// the first working day after its reports' deadline.
fn documents(
    calendar: &WorkCalendar,
    day: NaiveDate,
    cadence: domain::progress::Cadence,
    rhythm: &Rhythm,
    g: &mut Gathered,
) {
    let workday = |d: NaiveDate| calendar.is_workday(d).unwrap_or(false);
    let week = day.iso_week();
    let target = NaiveDate::from_isoywd_opt(week.year(), week.week(), rhythm.bulletin_day);
    let bulletin_on = target.and_then(|t| {
        (0..7)
            .map(|i| t + Days::new(i))
            .take_while(|d| d.iso_week() == week)
            .find(|d| workday(*d))
    });
    let announce = |kind: &'static str, object: String, subject: Bilingual, link: String| {
        [Audience::LeadOffice, Audience::Leaders].map(|to| Reminder {
            kind,
            object: object.clone(),
            daily: false,
            to,
            unit_id: None,
            subject: subject.clone(),
            body: bi(
                "已按最新数据生成，可下载后编辑、转发。".into(),
                "Made from the latest figures; download it to edit and forward.".into(),
            ),
            link: link.clone(),
        })
    };
    if bulletin_on == Some(day) {
        let from = day - Days::new(6);
        g.reminders.extend(announce(
            "weekly_bulletin",
            format!("weekly:{}-W{:02}", week.year(), week.week()),
            bi(
                format!("一周通报（{from}至{day}）已生成"),
                format!("The weekly bulletin ({from} to {day}) is ready"),
            ),
            format!("/documents/weekly-bulletin.docx?as_of={day}"),
        ));
    }
    let Some(latest) = Period::latest_ended(day, cadence) else {
        return;
    };
    for period in [latest.previous(), latest] {
        let Some(deadline) = period.deadline() else {
            continue;
        };
        if calendar.add_workdays(deadline, 1).ok() != Some(day) {
            continue;
        }
        let (label, key) = (period.label_zh(), period.key());
        let kind = match cadence {
            domain::progress::Cadence::Monthly => "月度分析",
            domain::progress::Cadence::TenDaily => "旬分析",
        };
        g.reminders.extend(announce(
            "analysis",
            format!("analysis:{key}"),
            bi(
                format!("{label}重点项目推进情况{kind}已生成"),
                format!("The analysis of {key} is ready"),
            ),
            format!("/documents/analysis.docx?as_of={day}"),
        ));
    }
}

fn bi(zh: String, en: String) -> Bilingual {
    Bilingual { zh, en }
}

/// The nudge of `deadline` on `day`, a calendar problem kept as a warning.
fn nudge_of(
    calendar: &WorkCalendar,
    deadline: NaiveDate,
    day: NaiveDate,
    before: &[u32],
    after: bool,
    g: &mut Gathered,
) -> Option<Nudge> {
    match nudge(calendar, deadline, day, before, after) {
        Ok(n) => n,
        Err(e) => {
            if !g.warnings.contains(e.message()) {
                g.warnings.push(e.message().clone());
            }
            None
        }
    }
}

/// Reports: T-3, T-1 and the due day to each unit with reports missing, then every working day
/// while they are (催报). The period to file now and the next one are looked at.
async fn reports(
    store: &Store,
    calendar: &WorkCalendar,
    day: NaiveDate,
    cadence: domain::progress::Cadence,
    g: &mut Gathered,
) -> store::Result<()> {
    let Some(latest) = Period::latest_ended(day, cadence) else {
        return Ok(());
    };
    for period in [latest, latest.next()] {
        let Some(deadline) = period.deadline() else {
            continue;
        };
        let Some(n) = nudge_of(calendar, deadline, day, &[3, 1], true, g) else {
            continue;
        };
        for u in store.period_overview(&period).await? {
            let missing = u.missing();
            if missing == 0 {
                continue;
            }
            g.reminders.push(report_reminder(
                &period, deadline, n, u.unit_id, &u.unit, missing,
            ));
        }
    }
    Ok(())
}

/// One unit's reminder of its missing reports of a period.
pub fn report_reminder(
    period: &Period,
    deadline: NaiveDate,
    n: Nudge,
    unit_id: i64,
    unit: &str,
    missing: usize,
) -> Reminder {
    let label = period.label_zh();
    let key = period.key();
    let overdue = matches!(n, Nudge::Overdue(_));
    Reminder {
        kind: if overdue {
            "report_overdue"
        } else {
            "report_due"
        },
        object: format!("report:{key}:{}", n.key()),
        daily: overdue,
        to: Audience::Unit(unit_id),
        unit_id: Some(unit_id),
        subject: bi(
            format!(
                "{label}项目进度：{unit}尚有{missing}个项目未提交，{}",
                n.phrase_zh()
            ),
            format!(
                "Progress {key}: {unit} has {missing} project report(s) not submitted, {}",
                n.phrase_en()
            ),
        ),
        body: if overdue {
            bi(
                format!("{label}项目进度截止日{deadline}已过，请尽快在系统中填报并提交。"),
                format!("The progress of {key} was due on {deadline}; file and submit it now."),
            )
        } else {
            bi(
                format!("{label}项目进度截止日为{deadline}，请按时在系统中填报并提交。"),
                format!("The progress of {key} is due on {deadline}; file and submit it in time."),
            )
        },
        link: format!("/reports/{key}/units/{unit_id}"),
    }
}

/// Problems: T-1 and the due day to the unit handling it; every escalation to the new level's
/// owners and to the units whose problem it is.
async fn problems(
    store: &Store,
    calendar: &WorkCalendar,
    day: NaiveDate,
    g: &mut Gathered,
) -> store::Result<()> {
    let everyone = ProblemViewer::everyone();
    for l in store.visible_problems(&everyone, day).await? {
        if !l.status.is_open() {
            continue;
        }
        let handler = l.unit_id.or(l.project_unit_id);
        let name = format!("{}：{}", l.project, l.title);
        if let Some(n) = nudge_of(calendar, l.deadline, day, &[1], false, g)
            && let Some(unit) = handler
        {
            g.reminders.push(Reminder {
                kind: "problem_due",
                object: format!("problem:{}:{}:{}", l.id, l.deadline, n.key()),
                daily: false,
                to: Audience::Unit(unit),
                unit_id: Some(unit),
                subject: bi(
                    format!("问题{}：{name}", n.phrase_zh()),
                    format!("Problem {}: {name}", n.phrase_en()),
                ),
                body: bi(
                    format!(
                        "问题“{}”办理期限为{}，{}，请按时办结并在系统中反馈。",
                        l.title,
                        l.deadline,
                        n.phrase_zh()
                    ),
                    format!(
                        "The problem “{}” is due on {} ({}); resolve it and report in the system.",
                        l.title,
                        l.deadline,
                        n.phrase_en()
                    ),
                ),
                link: format!("/problems/{}", l.id),
            });
        }
        if l.level <= l.raised_level || l.status == Status::Resolved {
            continue;
        }
        // Told once, on the day it rose or within a week after (a day the job did not run).
        let Some(since) = risen_on(
            l.raised_level,
            l.level,
            l.deadline,
            day,
            Escalation::default(),
            calendar,
        ) else {
            continue;
        };
        if since + Days::new(7) <= day {
            continue;
        }
        let mut to = vec![];
        match l.level {
            Level::Unit => {}
            Level::TaskLead => to.extend(l.project_lead_id.map(Audience::Unit)),
            Level::WeeklyMeeting => to.push(Audience::LeadOffice),
            Level::Leadership => to.extend([Audience::LeadOffice, Audience::Leaders]),
        }
        to.extend(l.unit_id.map(Audience::Unit));
        to.extend(l.project_unit_id.map(Audience::Unit));
        to.sort();
        to.dedup();
        for audience in to {
            g.reminders.push(Reminder {
                kind: "escalation",
                object: format!("problem:{}:level:{}", l.id, l.level.number()),
                daily: false,
                to: audience,
                unit_id: l.unit_id,
                subject: bi(
                    format!("问题升级至{}：{name}", l.level.label()),
                    format!("Problem escalated to the {}: {name}", l.level.label_en()),
                ),
                body: bi(
                    format!(
                        "问题“{}”逾期{}个工作日未解决，{}起升级至{}级·{}协调。",
                        l.title,
                        l.overdue_workdays,
                        since,
                        l.level.number(),
                        l.level.label()
                    ),
                    format!(
                        "The problem “{}” is {} working days overdue and went up to level {} ({}) on {}.",
                        l.title,
                        l.overdue_workdays,
                        l.level.number(),
                        l.level.label_en(),
                        since
                    ),
                ),
                link: format!("/problems/{}", l.id),
            });
        }
    }
    Ok(())
}

/// Decisions of the meetings (议定事项): T-1 and the due day, then every working day overdue, to
/// the owner unit (the lead office for one without).
async fn decisions(
    store: &Store,
    calendar: &WorkCalendar,
    day: NaiveDate,
    g: &mut Gathered,
) -> store::Result<()> {
    for d in store.open_decisions().await? {
        let Some(n) = nudge_of(calendar, d.deadline, day, &[1], true, g) else {
            continue;
        };
        let overdue = matches!(n, Nudge::Overdue(_));
        let what = d.text.chars().take(60).collect::<String>();
        g.reminders.push(Reminder {
            kind: if overdue {
                "decision_overdue"
            } else {
                "decision_due"
            },
            object: format!("decision:{}:{}:{}", d.id, d.deadline, n.key()),
            daily: overdue,
            to: d.unit_id.map_or(Audience::LeadOffice, Audience::Unit),
            unit_id: d.unit_id,
            subject: bi(
                format!("议定事项{}：{what}", n.phrase_zh()),
                format!("Meeting decision {}: {what}", n.phrase_en()),
            ),
            body: bi(
                format!(
                    "{}会议议定事项“{what}”完成时限{}，{}，请抓紧落实并在系统中报送落实情况。",
                    d.meeting_date,
                    d.deadline,
                    n.phrase_zh()
                ),
                format!(
                    "The decision “{what}” of the meeting of {} is due on {} ({}); report how it is carried out.",
                    d.meeting_date,
                    d.deadline,
                    n.phrase_en()
                ),
            ),
            link: "/meetings".into(),
        });
    }
    Ok(())
}

/// Approval nodes: three working days ahead, on the day, and then every fifth working day while
/// overdue (the 1st, 6th, 11th…), to the node's department (the lead office when the department
/// is not a unit of the system).
async fn approvals(
    store: &Store,
    calendar: &WorkCalendar,
    day: NaiveDate,
    g: &mut Gathered,
) -> store::Result<()> {
    let until = day + Days::new(14);
    let units = store.units().await?;
    for node in store.due_approval_nodes(day, until).await? {
        let Some(n) = nudge_of(calendar, node.planned_finish, day, &[3], true, g) else {
            continue;
        };
        if let Nudge::Overdue(k) = n
            && k % 5 != 1
        {
            continue;
        }
        let unit = node
            .department
            .as_deref()
            .and_then(|d| units.iter().find(|u| u.name == d))
            .map(|u| u.id);
        let overdue = matches!(n, Nudge::Overdue(_));
        let dept = node.department.clone().unwrap_or_default();
        g.reminders.push(Reminder {
            kind: if overdue {
                "approval_overdue"
            } else {
                "approval_due"
            },
            object: format!(
                "approval:{}:{}:{}:{}",
                node.project_id,
                node.key,
                node.planned_finish,
                n.key()
            ),
            daily: false,
            to: unit.map_or(Audience::LeadOffice, Audience::Unit),
            unit_id: unit,
            subject: bi(
                format!(
                    "审批节点{}：{}·{}",
                    n.phrase_zh(),
                    node.project_name,
                    node.name
                ),
                format!(
                    "Approval {}: {} · {}",
                    n.phrase_en(),
                    node.project_name,
                    node.name
                ),
            ),
            body: bi(
                format!(
                    "{dept}办理的“{}”审批节点计划{}完成，{}。",
                    node.name,
                    node.planned_finish,
                    n.phrase_zh()
                ),
                format!(
                    "The approval step “{}” ({dept}) is planned to finish on {}: {}.",
                    node.name,
                    node.planned_finish,
                    n.phrase_en()
                ),
            ),
            link: format!("/projects/{}/approval", node.project_id),
        });
    }
    Ok(())
}

/// From November, on the first working day of each week while next year's holidays are not
/// imported (the calendar then counts it by the statutory rules, marked 暂定): ask the
/// administrators to import the State Council's notice.
fn next_year(calendar: &WorkCalendar, day: NaiveDate, g: &mut Gathered) {
    let next = day.year() + 1;
    if day.month() < 11 || calendar.official_years().contains(&next) {
        return;
    }
    let week = day.iso_week();
    let monday = NaiveDate::from_isoywd_opt(week.year(), week.week(), chrono::Weekday::Mon);
    let first_working = monday.and_then(|m| {
        (0..7)
            .map(|i| m + Days::new(i))
            .find(|d| calendar.is_workday(*d).unwrap_or(false))
    });
    if first_working != Some(day) {
        return;
    }
    g.reminders.push(Reminder {
        kind: "calendar",
        object: format!("calendar:{next}:{}-W{:02}", week.year(), week.week()),
        daily: false,
        to: Audience::Admins,
        unit_id: None,
        subject: bi(
            format!("{next}年节假日安排尚未导入"),
            format!("The holidays of {next} are not imported yet"),
        ),
        body: bi(
            format!(
                "{next}年的工作日目前按法定节假日规则暂定推算。国务院办公厅通知发布后，请在“工作日历”页粘贴通知全文导入。"
            ),
            format!(
                "Working days of {next} are provisional, counted by the statutory rules. Once the State Council's notice is out, paste it on the calendar page."
            ),
        ),
        link: "/calendar".into(),
    });
}
