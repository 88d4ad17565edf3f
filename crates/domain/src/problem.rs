//! Problems (问题专单): obstacles raised for a project (堵点、痛点), handled by a unit before a
//! deadline, escalated while they stay stuck, and closed off (销号) only once the unit has
//! resolved them and the raiser or the lead office has confirmed it.
//!
//! The lifecycle, as the offices run it:
//!
//! ```text
//! 待办 ──受理──▶ 办理中 ──办结──▶ 已解决 ──销号──▶ 已销号
//!                  ▲                 │                │
//!                  └──────退回───────┘                │
//!                  └──────────────重新打开─────────────┘
//! ```
//!
//! A problem escalates one level (责任单位 → 牵头部门 → 周例会 → 专题研究/市领导) for each
//! started block of five working days past its deadline, counted on the official working-day
//! calendar, while it is 待办 or 办理中. Once the unit says it is resolved the clock stops; a
//! return starts it again (the days spent waiting count, as they do for the project).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkCalendar};
use crate::{Bilingual, bi};

/// What kind of obstacle (问题类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 用地: land quota, land supply.
    Land,
    /// 规划: planning permission, zoning.
    Planning,
    /// 环评: environmental impact approval.
    Environment,
    /// 审批: other approvals and procedures.
    Approval,
    /// 资金: funding.
    Funding,
    /// 征迁: expropriation and relocation.
    Expropriation,
    /// 水电气: water, power, gas and other utilities.
    Utilities,
    /// 施工: on-site construction.
    Construction,
    /// 其他.
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Land,
        Category::Planning,
        Category::Environment,
        Category::Approval,
        Category::Funding,
        Category::Expropriation,
        Category::Utilities,
        Category::Construction,
        Category::Other,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Category::Land => "land",
            Category::Planning => "planning",
            Category::Environment => "environment",
            Category::Approval => "approval",
            Category::Funding => "funding",
            Category::Expropriation => "expropriation",
            Category::Utilities => "utilities",
            Category::Construction => "construction",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Land => "用地",
            Category::Planning => "规划",
            Category::Environment => "环评",
            Category::Approval => "审批",
            Category::Funding => "资金",
            Category::Expropriation => "征迁",
            Category::Utilities => "水电气",
            Category::Construction => "施工",
            Category::Other => "其他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Category::Land => "land",
            Category::Planning => "planning",
            Category::Environment => "environmental approval",
            Category::Approval => "approvals",
            Category::Funding => "funding",
            Category::Expropriation => "expropriation",
            Category::Utilities => "utilities",
            Category::Construction => "construction",
            Category::Other => "other",
        }
    }

    /// A category as offices write it: the label, or a word they use for it ("土地", "征地拆迁",
    /// "供电"). `None` for anything else, so an importer can name the cell.
    pub fn parse(text: &str) -> Option<Category> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.is_empty() {
            return None;
        }
        if let Some(c) = Category::ALL
            .into_iter()
            .find(|c| c.label() == t || c.code() == t.to_lowercase())
        {
            return Some(c);
        }
        const WORDS: [(&str, Category); 20] = [
            ("土地", Category::Land),
            ("用地", Category::Land),
            ("规划", Category::Planning),
            ("环评", Category::Environment),
            ("环境", Category::Environment),
            ("环保", Category::Environment),
            ("审批", Category::Approval),
            ("手续", Category::Approval),
            ("资金", Category::Funding),
            ("融资", Category::Funding),
            ("征迁", Category::Expropriation),
            ("征地", Category::Expropriation),
            ("拆迁", Category::Expropriation),
            ("水电", Category::Utilities),
            ("供电", Category::Utilities),
            ("供水", Category::Utilities),
            ("燃气", Category::Utilities),
            ("管线", Category::Utilities),
            ("施工", Category::Construction),
            ("其它", Category::Other),
        ];
        WORDS
            .into_iter()
            .find(|(word, _)| t.contains(word))
            .map(|(_, c)| c)
    }
}

/// Who handles a problem now (问题层级): it starts with the responsible unit and rises while
/// it stays stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// 1 责任单位.
    Unit = 1,
    /// 2 牵头部门.
    TaskLead = 2,
    /// 3 周例会: on the weekly coordination meeting's agenda.
    WeeklyMeeting = 3,
    /// 4 专题研究/市领导.
    Leadership = 4,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Unit,
        Level::TaskLead,
        Level::WeeklyMeeting,
        Level::Leadership,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.number() == n)
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Unit => "责任单位",
            Level::TaskLead => "牵头部门",
            Level::WeeklyMeeting => "周例会",
            Level::Leadership => "专题研究/市领导",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Level::Unit => "responsible unit",
            Level::TaskLead => "task lead department",
            Level::WeeklyMeeting => "weekly meeting",
            Level::Leadership => "city leaders",
        }
    }

    /// `steps` levels higher, at most [`Level::Leadership`].
    pub fn raised(self, steps: u32) -> Level {
        let n = u32::from(self.number()).saturating_add(steps).min(4);
        Level::from_number(u8::try_from(n).unwrap_or(4)).unwrap_or(Level::Leadership)
    }
}

/// Where a problem is in its lifecycle (办理状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 待办: raised, not yet accepted.
    Open,
    /// 办理中: accepted by the unit (or returned to it).
    InProgress,
    /// 已解决: the unit says it is resolved; waiting for confirmation.
    Resolved,
    /// 已销号: confirmed and closed off.
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "待办",
            Status::InProgress => "办理中",
            Status::Resolved => "已解决",
            Status::Closed => "已销号",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed off",
        }
    }

    /// A status as offices write it in their lists: the label or a usual synonym.
    pub fn parse(text: &str) -> Option<Status> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match t.as_str() {
            "待办" | "未办理" | "未受理" | "待受理" | "新提出" => Some(Status::Open),
            "办理中" | "正在办理" | "处理中" | "推进中" | "已受理" => {
                Some(Status::InProgress)
            }
            "已解决" | "已办结" | "已完成" | "办结" => Some(Status::Resolved),
            "已销号" | "销号" => Some(Status::Closed),
            other => Status::from_code(other),
        }
    }

    /// Still on someone's desk: the deadline runs and the problem escalates.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
}

/// What somebody does to a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// 受理: the unit takes it on.
    Accept,
    /// 办结: the unit says it is resolved.
    Resolve,
    /// 销号: the raiser or the lead office confirms and closes it off.
    Confirm,
    /// 退回: not resolved after all; back to the unit, with why.
    Return { reason: String },
    /// 重新打开: a closed problem is back, with why.
    Reopen { reason: String },
}

impl Action {
    pub fn label(&self) -> &'static str {
        match self {
            Action::Accept => "受理",
            Action::Resolve => "办结",
            Action::Confirm => "销号",
            Action::Return { .. } => "退回",
            Action::Reopen { .. } => "重新打开",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Resolve => "resolve",
            Action::Confirm => "close off",
            Action::Return { .. } => "return",
            Action::Reopen { .. } => "reopen",
        }
    }
}

/// How the person acting stands to the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// Raised it.
    pub raiser: bool,
    /// The lead office (总牵头单位) or an administrator: may do anything.
    pub lead_office: bool,
    /// Belongs to the responsible unit.
    pub responsible: bool,
}

/// The status after `action`, or why it is refused: a transition the lifecycle does not have,
/// somebody it is not theirs to take, or a return or reopening without a reason.
pub fn transition(from: Status, action: &Action, who: Standing) -> Result<Status, Bilingual> {
    let to = match (from, action) {
        (Status::Open, Action::Accept) => Status::InProgress,
        (Status::InProgress, Action::Resolve) => Status::Resolved,
        (Status::Resolved, Action::Confirm) => Status::Closed,
        (Status::Resolved, Action::Return { .. }) => Status::InProgress,
        (Status::Closed, Action::Reopen { .. }) => Status::InProgress,
        _ => {
            return Err(bi(
                format!("问题当前为“{}”，不能{}", from.label(), action.label()),
                format!(
                    "the problem is {}: it cannot be {}",
                    from.label_en(),
                    match action {
                        Action::Accept => "accepted",
                        Action::Resolve => "resolved",
                        Action::Confirm => "closed off",
                        Action::Return { .. } => "returned",
                        Action::Reopen { .. } => "reopened",
                    }
                ),
            ));
        }
    };
    let (allowed, whose_zh, whose_en) = match action {
        Action::Accept | Action::Resolve => (
            who.responsible || who.lead_office,
            "责任单位或总牵头单位",
            "the responsible unit or the lead office",
        ),
        Action::Confirm | Action::Return { .. } | Action::Reopen { .. } => (
            who.raiser || who.lead_office,
            "问题提出人或总牵头单位",
            "whoever raised the problem or the lead office",
        ),
    };
    if !allowed {
        return Err(bi(
            format!("只有{whose_zh}可以{}", action.label()),
            format!("only {whose_en} may {} this problem", action.label_en()),
        ));
    }
    if let Action::Return { reason } | Action::Reopen { reason } = action
        && reason.trim().is_empty()
    {
        return Err(bi(
            format!("{}须写明原因", action.label()),
            format!("say why when you {}", action.label_en()),
        ));
    }
    Ok(to)
}

/// When a problem must be handled by (办理时限): a date, or a number of working days from the
/// day it was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    On(NaiveDate),
    Workdays(u32),
}

impl Deadline {
    /// The date itself, or `n` working days after `raised_on` (that day not counted).
    pub fn date(
        self,
        raised_on: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        match self {
            Deadline::On(d) => Ok(d),
            Deadline::Workdays(n) => calendar.add_workdays(raised_on, n),
        }
    }
}

/// How problems escalate; configurable per installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    /// Each started block of this many overdue working days raises a problem one level.
    pub step_workdays: u32,
}

impl Default for Escalation {
    fn default() -> Self {
        Escalation { step_workdays: 5 }
    }
}

impl Escalation {
    /// Levels gained after `overdue` working days: 0 → 0, 1–5 → 1, 6–10 → 2, … (default step).
    pub fn steps(self, overdue: u32) -> u32 {
        overdue.div_ceil(self.step_workdays.max(1))
    }
}

/// Working days after `deadline` up to and including `as_of`; 0 when `as_of` is not past it.
pub fn overdue_workdays(
    deadline: NaiveDate,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Result<u32, CalendarError> {
    match deadline.succ_opt() {
        Some(next) if next <= as_of => calendar.workdays_between(next, as_of),
        _ => Ok(0),
    }
}

/// Where an open problem stands on `as_of`: its working days overdue and its level, risen from
/// the level it was raised at for each started block of overdue days, up to 专题研究/市领导.
/// (A resolved or closed problem keeps the level it had reached; its clock has stopped.)
pub fn escalate(
    raised_at: Level,
    deadline: NaiveDate,
    as_of: NaiveDate,
    rule: Escalation,
    calendar: &WorkCalendar,
) -> Result<(u32, Level), CalendarError> {
    let overdue = overdue_workdays(deadline, as_of, calendar)?;
    Ok((overdue, raised_at.raised(rule.steps(overdue))))
}

/// The day a problem raised at `raised_at` reached `level` by escalation: the working day on
/// which its overdue days started the block that took it there (`None` when `level` is not
/// above `raised_at`). With the default rule: the 1st, 6th, 11th working day after the deadline.
pub fn escalated_on(
    raised_at: Level,
    level: Level,
    deadline: NaiveDate,
    rule: Escalation,
    calendar: &WorkCalendar,
) -> Result<Option<NaiveDate>, CalendarError> {
    let steps = u32::from(level.number().saturating_sub(raised_at.number()));
    if steps == 0 {
        return Ok(None);
    }
    let overdue = rule.step_workdays.max(1) * (steps - 1) + 1;
    calendar.add_workdays(deadline, overdue).map(Some)
}

/// The day a problem now at `level` rose to it by its deadline, as of `as_of`: `None` when it
/// holds a level reached otherwise (its deadline moved by 退回/重新打开 after it rose), when
/// it has not risen, or when the calendar does not reach that far.
pub fn risen_on(
    raised_at: Level,
    level: Level,
    deadline: NaiveDate,
    as_of: NaiveDate,
    rule: Escalation,
    calendar: &WorkCalendar,
) -> Option<NaiveDate> {
    escalate(raised_at, deadline, as_of, rule, calendar)
        .ok()
        .filter(|(_, by_deadline)| *by_deadline == level)
        .and_then(|_| escalated_on(raised_at, level, deadline, rule, calendar).ok())
        .flatten()
        .filter(|on| *on <= as_of)
}

/// The day of the next weekly coordination meeting (一周一例会) on or after `as_of`: Monday, or
/// the first working day after it when that Monday is a holiday.
pub fn next_weekly_meeting(
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, CalendarError> {
    use chrono::Datelike;
    let ahead = (7 - as_of.weekday().num_days_from_monday()) % 7;
    let monday = as_of + chrono::Days::new(u64::from(ahead));
    if calendar.is_workday(monday)? {
        Ok(monday)
    } else {
        calendar.add_workdays(monday, 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const UNIT: Standing = Standing {
        raiser: false,
        lead_office: false,
        responsible: true,
    };
    const RAISER: Standing = Standing {
        raiser: true,
        lead_office: false,
        responsible: false,
    };
    const LEAD: Standing = Standing {
        raiser: false,
        lead_office: true,
        responsible: false,
    };
    const NOBODY: Standing = Standing {
        raiser: false,
        lead_office: false,
        responsible: false,
    };

    fn why(reason: &str) -> (Action, Action) {
        (
            Action::Return {
                reason: reason.into(),
            },
            Action::Reopen {
                reason: reason.into(),
            },
        )
    }

    #[test]
    fn the_lifecycle_allows_its_own_steps_only() {
        use Status::*;
        let (ret, reopen) = why("现场仍未通电");
        let (ret_blank, reopen_blank) = why("  ");
        // (from, action, who, Ok(to) or a word of the refusal)
        let cases: Vec<(Status, Action, Standing, Result<Status, &str>)> = vec![
            (Open, Action::Accept, UNIT, Ok(InProgress)),
            (Open, Action::Accept, LEAD, Ok(InProgress)),
            (
                Open,
                Action::Accept,
                RAISER,
                Err("只有责任单位或总牵头单位"),
            ),
            (InProgress, Action::Resolve, UNIT, Ok(Resolved)),
            (InProgress, Action::Resolve, NOBODY, Err("只有责任单位")),
            (Resolved, Action::Confirm, RAISER, Ok(Closed)),
            (Resolved, Action::Confirm, LEAD, Ok(Closed)),
            (
                Resolved,
                Action::Confirm,
                UNIT,
                Err("只有问题提出人或总牵头单位可以销号"),
            ),
            (Resolved, ret.clone(), RAISER, Ok(InProgress)),
            (Resolved, ret_blank, RAISER, Err("退回须写明原因")),
            (Resolved, ret.clone(), UNIT, Err("只有问题提出人")),
            (Closed, reopen.clone(), LEAD, Ok(InProgress)),
            (Closed, reopen_blank, LEAD, Err("重新打开须写明原因")),
            // Steps the lifecycle does not have.
            (
                Open,
                Action::Resolve,
                UNIT,
                Err("问题当前为“待办”，不能办结"),
            ),
            (Open, Action::Confirm, LEAD, Err("不能销号")),
            (
                InProgress,
                Action::Confirm,
                LEAD,
                Err("问题当前为“办理中”，不能销号"),
            ),
            (InProgress, Action::Accept, UNIT, Err("不能受理")),
            (Resolved, Action::Resolve, UNIT, Err("不能办结")),
            (InProgress, ret, LEAD, Err("不能退回")),
            (Open, reopen.clone(), LEAD, Err("不能重新打开")),
            (
                Closed,
                Action::Accept,
                LEAD,
                Err("问题当前为“已销号”，不能受理"),
            ),
            (Closed, Action::Confirm, LEAD, Err("不能销号")),
        ];
        for (from, action, who, expected) in cases {
            let got = transition(from, &action, who);
            match (&got, expected) {
                (Ok(to), Ok(want)) => assert_eq!(*to, want, "{from:?} {action:?}"),
                (Err(e), Err(word)) => {
                    assert!(e.zh.contains(word), "{from:?} {action:?}: {}", e.zh);
                    assert!(!e.en.is_empty());
                }
                _ => panic!("{from:?} {action:?} {who:?}: got {got:?}"),
            }
        }
    }

    #[test]
    fn escalation_counts_started_blocks_of_five_working_days() {
        let rule = Escalation::default();
        for (overdue, steps) in [
            (0, 0),
            (1, 1),
            (4, 1),
            (5, 1),
            (6, 2),
            (10, 2),
            (11, 3),
            (60, 12),
        ] {
            assert_eq!(rule.steps(overdue), steps, "{overdue}");
        }
        assert_eq!(Level::Unit.raised(0), Level::Unit);
        assert_eq!(Level::Unit.raised(3), Level::Leadership);
        assert_eq!(Level::TaskLead.raised(12), Level::Leadership);
        assert_eq!(
            Escalation { step_workdays: 0 }.steps(3),
            3,
            "a zero step counts days"
        );
    }

    /// A deadline on the eve of National Day 2025: 1–8 October are off, Saturday 11 October is
    /// worked (调休).
    #[test]
    fn escalation_runs_on_working_days_across_national_day() {
        let calendar = WorkCalendar::builtin().unwrap();
        let deadline = day(2025, 9, 30);
        let rule = Escalation::default();
        let cases = [
            (day(2025, 9, 29), 0, Level::Unit),
            (day(2025, 9, 30), 0, Level::Unit),
            (day(2025, 10, 8), 0, Level::Unit),
            (day(2025, 10, 9), 1, Level::TaskLead),
            (day(2025, 10, 11), 3, Level::TaskLead),
            (day(2025, 10, 12), 3, Level::TaskLead),
            (day(2025, 10, 14), 5, Level::TaskLead),
            (day(2025, 10, 15), 6, Level::WeeklyMeeting),
            (day(2025, 10, 21), 10, Level::WeeklyMeeting),
            (day(2025, 10, 22), 11, Level::Leadership),
            (day(2025, 12, 31), 61, Level::Leadership),
        ];
        for (as_of, overdue, level) in cases {
            assert_eq!(
                escalate(Level::Unit, deadline, as_of, rule, &calendar).unwrap(),
                (overdue, level),
                "{as_of}"
            );
        }
        // Raised straight to the weekly meeting: one overdue day takes it to the leaders.
        assert_eq!(
            escalate(
                Level::WeeklyMeeting,
                deadline,
                day(2025, 10, 9),
                rule,
                &calendar
            )
            .unwrap(),
            (1, Level::Leadership)
        );
        // A year the calendar does not know is an error, not a guess.
        assert!(escalate(Level::Unit, deadline, day(2061, 1, 5), rule, &calendar).is_err());
        // The days each level was reached are the first of each block of the cases above.
        for (level, reached) in [
            (Level::Unit, None),
            (Level::TaskLead, Some(day(2025, 10, 9))),
            (Level::WeeklyMeeting, Some(day(2025, 10, 15))),
            (Level::Leadership, Some(day(2025, 10, 22))),
        ] {
            assert_eq!(
                escalated_on(Level::Unit, level, deadline, rule, &calendar).unwrap(),
                reached,
                "{level:?}"
            );
            if let Some(on) = reached {
                assert_eq!(
                    escalate(Level::Unit, deadline, on, rule, &calendar)
                        .unwrap()
                        .1,
                    level
                );
                let before = on.pred_opt().unwrap();
                assert!(
                    escalate(Level::Unit, deadline, before, rule, &calendar)
                        .unwrap()
                        .1
                        < level
                );
            }
        }
        assert_eq!(
            escalated_on(
                Level::WeeklyMeeting,
                Level::Leadership,
                deadline,
                rule,
                &calendar
            )
            .unwrap(),
            Some(day(2025, 10, 9))
        );
    }

    #[test]
    fn a_deadline_in_working_days_skips_the_holiday() {
        let calendar = WorkCalendar::builtin().unwrap();
        // Raised Friday 26 September 2025: Sunday 28th is worked, then 29th, 30th, 9th, 10th.
        let raised = day(2025, 9, 26);
        assert_eq!(
            Deadline::Workdays(5).date(raised, &calendar).unwrap(),
            day(2025, 10, 10)
        );
        assert_eq!(
            Deadline::On(day(2025, 10, 1))
                .date(raised, &calendar)
                .unwrap(),
            day(2025, 10, 1)
        );
        assert_eq!(
            Deadline::Workdays(0).date(raised, &calendar).unwrap(),
            raised
        );
    }

    #[test]
    fn the_weekly_meeting_is_on_the_next_working_monday() {
        let calendar = WorkCalendar::builtin().unwrap();
        for (as_of, meeting) in [
            (day(2025, 10, 13), day(2025, 10, 13)),
            (day(2025, 10, 14), day(2025, 10, 20)),
            (day(2025, 10, 19), day(2025, 10, 20)),
            // Monday 6 October is in the National Day holiday: Thursday 9th, the first day back.
            (day(2025, 9, 30), day(2025, 10, 9)),
        ] {
            assert_eq!(
                next_weekly_meeting(as_of, &calendar).unwrap(),
                meeting,
                "{as_of}"
            );
        }
    }

    #[test]
    fn categories_and_statuses_as_offices_write_them() {
        let categories = [
            ("用地", Some(Category::Land)),
            ("土地指标", Some(Category::Land)),
            (" 规划 ", Some(Category::Planning)),
            ("环境影响评价", Some(Category::Environment)),
            ("前期手续", Some(Category::Approval)),
            ("融资难", Some(Category::Funding)),
            ("征地拆迁", Some(Category::Expropriation)),
            ("水电气", Some(Category::Utilities)),
            ("供电线路迁改", Some(Category::Utilities)),
            ("施工", Some(Category::Construction)),
            ("其它", Some(Category::Other)),
            ("other", Some(Category::Other)),
            ("", None),
            ("天气", None),
        ];
        for (text, want) in categories {
            assert_eq!(Category::parse(text), want, "{text}");
        }
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
            assert_eq!(Category::parse(c.label()), Some(c));
        }
        let statuses = [
            ("待办", Some(Status::Open)),
            ("办理中", Some(Status::InProgress)),
            ("正在办理", Some(Status::InProgress)),
            ("已解决", Some(Status::Resolved)),
            ("已办结", Some(Status::Resolved)),
            ("已销号", Some(Status::Closed)),
            ("closed", Some(Status::Closed)),
            ("不清楚", None),
        ];
        for (text, want) in statuses {
            assert_eq!(Status::parse(text), want, "{text}");
        }
        assert!(Status::Open.is_open() && Status::InProgress.is_open());
        assert!(!Status::Resolved.is_open() && !Status::Closed.is_open());
        for l in Level::ALL {
            assert_eq!(Level::from_number(l.number()), Some(l));
        }
        assert_eq!(Level::from_number(5), None);
    }
}
