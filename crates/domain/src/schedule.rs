//! Critical path method on working days, and 模拟审批: the same approval nodes done one after
//! another (serial) against the dependency graph (parallel), and the working days saved.
//!
//! Rules (SPEC §3.4): a node of duration d that starts on working day s finishes on the d-th
//! working day counting s as the first; a node without prerequisites starts on the first working
//! day on or after the plan's start; a node with prerequisites starts on the first working day
//! after the latest finish among them. A node of duration 0 (a milestone such as 资金落实
//! confirmed) takes no working day: it is dated the day its last prerequisite finishes (the
//! plan's first working day when it has none), and passes that finish on to its successors.
//!
//! Internally every time is a working-day ordinal of the [`WorkCalendar`] and a node occupies
//! the half-open range `[start, start + d)`, so the arithmetic is integer additions.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkCalendar};
use crate::{Bilingual, bi};

/// A plan as given: a start date and nodes with durations in working days and prerequisites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub start: NaiveDate,
    pub nodes: Vec<PlanNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanNode {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Working days.
    pub duration: u32,
    /// Ids of the nodes that must finish first.
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_finish: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_finish: Option<NaiveDate>,
}

/// Earliest and latest dates of one node, its total slack and whether it is critical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeTimes {
    pub id: String,
    pub es: NaiveDate,
    pub ef: NaiveDate,
    pub ls: NaiveDate,
    pub lf: NaiveDate,
    /// Total slack in working days.
    pub slack: u32,
    pub critical: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// Projected finish with the dependencies as given (parallel where the graph allows).
    pub finish: NaiveDate,
    /// Finish if every node waited for the one before it, in topological order.
    pub serial_finish: NaiveDate,
    pub saved_workdays: u32,
    /// Working days from the first start to the finish, both included.
    pub duration_workdays: u32,
    pub serial_workdays: u32,
    /// Node ids in the order given.
    pub nodes: Vec<NodeTimes>,
    /// One chain of critical nodes from a first node to the finish.
    pub critical_path: Vec<String>,
    /// Some date rests on a provisional calendar year (its notice not yet loaded).
    pub provisional: bool,
}

/// Why a plan cannot be scheduled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{}", .0.message().zh)]
    Calendar(#[from] CalendarError),
    #[error("计划中没有环节")]
    Empty,
    #[error("环节编号为空")]
    EmptyId,
    #[error("环节编号“{0}”重复")]
    DuplicateId(String),
    #[error("环节“{node}”的前置环节“{missing}”不存在")]
    UnknownPrerequisite { node: String, missing: String },
    /// The nodes of one cycle, in order; the first follows the last.
    #[error("环节之间存在循环依赖：{}", .0.join(" → "))]
    Cycle(Vec<String>),
}

impl ScheduleError {
    pub fn message(&self) -> Bilingual {
        match self {
            ScheduleError::Calendar(e) => e.message().clone(),
            ScheduleError::Empty => bi("计划中没有环节", "the plan has no nodes"),
            ScheduleError::EmptyId => bi("环节编号为空", "a node has an empty id"),
            ScheduleError::DuplicateId(id) => bi(
                format!("环节编号“{id}”重复"),
                format!("node id “{id}” is used twice"),
            ),
            ScheduleError::UnknownPrerequisite { node, missing } => bi(
                format!("环节“{node}”的前置环节“{missing}”不存在"),
                format!("node “{node}” waits for “{missing}”, which is not in the plan"),
            ),
            ScheduleError::Cycle(ids) => {
                let mut ring = ids.clone();
                ring.extend(ids.first().cloned());
                bi(
                    format!("环节之间存在循环依赖：{}", ring.join(" → ")),
                    format!(
                        "the nodes depend on each other in a cycle: {}",
                        ring.join(" → ")
                    ),
                )
            }
        }
    }
}

/// The graph of a plan by index: prerequisites of each node and a topological order.
struct Graph {
    preds: Vec<Vec<usize>>,
    succs: Vec<Vec<usize>>,
    order: Vec<usize>,
}

fn graph(plan: &Plan) -> Result<Graph, ScheduleError> {
    let n = plan.nodes.len();
    if n == 0 {
        return Err(ScheduleError::Empty);
    }
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, node) in plan.nodes.iter().enumerate() {
        if node.id.trim().is_empty() {
            return Err(ScheduleError::EmptyId);
        }
        if index.insert(node.id.as_str(), i).is_some() {
            return Err(ScheduleError::DuplicateId(node.id.clone()));
        }
    }
    let mut preds = vec![Vec::new(); n];
    let mut succs = vec![Vec::new(); n];
    for (i, node) in plan.nodes.iter().enumerate() {
        for p in &node.after {
            let &j = index
                .get(p.as_str())
                .ok_or_else(|| ScheduleError::UnknownPrerequisite {
                    node: node.id.clone(),
                    missing: p.clone(),
                })?;
            if !preds[i].contains(&j) {
                preds[i].push(j);
                succs[j].push(i);
            }
        }
    }
    // Kahn's algorithm, taking ready nodes in the order given so the serial order is stable.
    let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &s in &succs[i] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.insert(s);
            }
        }
    }
    if order.len() < n {
        return Err(ScheduleError::Cycle(find_cycle(plan, &preds, &waiting)));
    }
    Ok(Graph {
        preds,
        succs,
        order,
    })
}

/// Among the nodes Kahn's algorithm could not order (each still waits for one of them), walk
/// prerequisites until a node repeats: the walk from its first visit is a cycle.
fn find_cycle(plan: &Plan, preds: &[Vec<usize>], waiting: &[usize]) -> Vec<String> {
    let stuck = |i: usize| waiting[i] > 0;
    let Some(mut at) = (0..preds.len()).find(|&i| stuck(i)) else {
        return Vec::new();
    };
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut path = Vec::new();
    loop {
        if let Some(&from) = seen.get(&at) {
            let mut cycle: Vec<String> = path[from..]
                .iter()
                .map(|&i: &usize| plan.nodes[i].id.clone())
                .collect();
            // Walked against the arrows: say it in the order work flows.
            cycle.reverse();
            return cycle;
        }
        seen.insert(at, path.len());
        path.push(at);
        match preds[at].iter().copied().find(|&p| stuck(p)) {
            Some(p) => at = p,
            None => return Vec::new(),
        }
    }
}

/// Schedules a plan on the calendar.
pub fn schedule(plan: &Plan, calendar: &WorkCalendar) -> Result<Schedule, ScheduleError> {
    let g = graph(plan)?;
    let n = plan.nodes.len();
    let d: Vec<u32> = plan.nodes.iter().map(|node| node.duration).collect();
    let first = calendar.ordinal_on_or_after(plan.start)?;

    let mut es = vec![first; n];
    let mut ef = vec![first; n];
    for &i in &g.order {
        let start = g.preds[i].iter().map(|&p| ef[p]).max().unwrap_or(first);
        es[i] = start;
        ef[i] = start.saturating_add(d[i]);
    }
    let end = ef.iter().copied().max().unwrap_or(first);
    let mut ls = vec![end; n];
    let mut lf = vec![end; n];
    for &i in g.order.iter().rev() {
        let finish = g.succs[i].iter().map(|&s| ls[s]).min().unwrap_or(end);
        lf[i] = finish;
        ls[i] = finish - d[i];
    }

    // Dates: a node runs from its first to its last working day; a milestone is dated the day
    // its prerequisites finish (the working day before its start boundary), or the plan's first
    // working day when it has none.
    let last_day = |start: u32, end: u32| if end > start { end - 1 } else { start };
    let milestone_day = |at: u32| if at > first { at - 1 } else { at };
    let mut nodes = Vec::with_capacity(n);
    for (i, node) in plan.nodes.iter().enumerate() {
        let slack = ls[i] - es[i];
        let (es_day, ef_day, ls_day, lf_day) = if d[i] == 0 {
            let (e, l) = (milestone_day(es[i]), milestone_day(ls[i]));
            (e, e, l, l)
        } else {
            (es[i], ef[i] - 1, ls[i], lf[i] - 1)
        };
        nodes.push(NodeTimes {
            id: node.id.clone(),
            es: calendar.workday(es_day)?,
            ef: calendar.workday(ef_day)?,
            ls: calendar.workday(ls_day)?,
            lf: calendar.workday(lf_day)?,
            slack,
            critical: slack == 0,
        });
    }
    let finish = nodes.iter().map(|t| t.ef).max().unwrap_or(plan.start);
    let serial: u32 = d.iter().fold(0u32, |a, &b| a.saturating_add(b));
    let serial_finish = calendar.workday(last_day(first, first.saturating_add(serial)))?;
    let parallel = end - first;

    // Walk back from the last finishing node through critical prerequisites that end exactly
    // where it starts.
    let mut path = Vec::new();
    let mut at = g
        .order
        .iter()
        .rev()
        .copied()
        .find(|&i| ef[i] == end && ls[i] == es[i]);
    while let Some(i) = at {
        path.push(plan.nodes[i].id.clone());
        at = g.preds[i]
            .iter()
            .copied()
            .find(|&p| ef[p] == es[i] && ls[p] == es[p]);
    }
    path.reverse();

    let provisional = calendar.provisional_between(plan.start, finish.max(serial_finish));
    Ok(Schedule {
        finish,
        serial_finish,
        provisional,
        saved_workdays: serial - parallel,
        duration_workdays: parallel,
        serial_workdays: serial,
        nodes,
        critical_path: path,
    })
}

/// 环节时间倒挂: a node planned to start before a prerequisite is planned to finish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inversion {
    pub node: String,
    pub planned_start: NaiveDate,
    pub prerequisite: String,
    pub prerequisite_finish: NaiveDate,
}

/// Every inversion among the planned dates of a plan, in node order.
pub fn inversions(plan: &Plan) -> Vec<Inversion> {
    let by_id: HashMap<&str, &PlanNode> = plan.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut found = Vec::new();
    for node in &plan.nodes {
        let Some(start) = node.planned_start else {
            continue;
        };
        for p in &node.after {
            if let Some(finish) = by_id.get(p.as_str()).and_then(|p| p.planned_finish)
                && start < finish
            {
                found.push(Inversion {
                    node: node.id.clone(),
                    planned_start: start,
                    prerequisite: p.clone(),
                    prerequisite_finish: finish,
                });
            }
        }
    }
    found
}

/// A node past its planned finish without an actual finish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    pub node: String,
    pub planned_finish: NaiveDate,
    /// Working days after the planned finish up to and including the as-of date.
    pub overdue_workdays: u32,
}

pub fn overdue(
    plan: &Plan,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Result<Vec<Overdue>, CalendarError> {
    let mut found = Vec::new();
    for node in &plan.nodes {
        if let (Some(planned), None) = (node.planned_finish, node.actual_finish)
            && planned < as_of
        {
            let after = planned.succ_opt().unwrap_or(planned);
            found.push(Overdue {
                node: node.id.clone(),
                planned_finish: planned,
                overdue_workdays: calendar.workdays_between(after, as_of)?,
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn node(id: &str, duration: u32, after: &[&str]) -> PlanNode {
        PlanNode {
            id: id.into(),
            name: String::new(),
            duration,
            after: after.iter().map(|s| s.to_string()).collect(),
            planned_start: None,
            planned_finish: None,
            actual_finish: None,
        }
    }

    fn plan(start: &str, nodes: Vec<PlanNode>) -> Plan {
        Plan {
            start: d(start),
            nodes,
        }
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin().unwrap()
    }

    fn times<'a>(s: &'a Schedule, id: &str) -> &'a NodeTimes {
        s.nodes.iter().find(|t| t.id == id).unwrap()
    }

    #[test]
    fn a_chain_across_the_national_day() {
        // Thursday 25 September 2025: five days are 25, 26, Sunday 28 (a make-up workday), 29
        // and 30; Saturday 27 is off…
        let s = schedule(
            &plan("2025-09-25", vec![node("a", 5, &[]), node("b", 2, &["a"])]),
            &cal(),
        )
        .unwrap();
        let a = times(&s, "a");
        assert_eq!((a.es, a.ef), (d("2025-09-25"), d("2025-09-30")));
        let b = times(&s, "b");
        // …then 1–8 October off: b runs 9–10 October.
        assert_eq!((b.es, b.ef), (d("2025-10-09"), d("2025-10-10")));
        assert_eq!(s.finish, d("2025-10-10"));
        assert_eq!(s.saved_workdays, 0);
        assert_eq!(s.critical_path, ["a", "b"]);
    }

    #[test]
    fn a_start_on_a_holiday_waits_for_the_next_working_day() {
        let s = schedule(&plan("2025-10-01", vec![node("a", 1, &[])]), &cal()).unwrap();
        assert_eq!(times(&s, "a").es, d("2025-10-09"));
        // A make-up Saturday is a working day like any other.
        let s = schedule(&plan("2025-10-11", vec![node("a", 1, &[])]), &cal()).unwrap();
        assert_eq!(
            (times(&s, "a").es, times(&s, "a").ef),
            (d("2025-10-11"), d("2025-10-11"))
        );
    }

    #[test]
    fn a_diamond_has_slack_on_its_short_branch() {
        // Monday 3 March 2025, no holidays nearby.
        let s = schedule(
            &plan(
                "2025-03-03",
                vec![
                    node("立项", 2, &[]),
                    node("用地预审", 10, &["立项"]),
                    node("环评", 4, &["立项"]),
                    node("可研", 3, &["用地预审", "环评"]),
                ],
            ),
            &cal(),
        )
        .unwrap();
        assert_eq!(times(&s, "环评").slack, 6);
        assert!(!times(&s, "环评").critical);
        assert_eq!(times(&s, "环评").ls, d("2025-03-13"));
        assert_eq!(s.critical_path, ["立项", "用地预审", "可研"]);
        assert_eq!(s.duration_workdays, 15);
        assert_eq!(s.serial_workdays, 19);
        assert_eq!(s.saved_workdays, 4);
        assert_eq!(s.finish, d("2025-03-21"));
        assert_eq!(s.serial_finish, d("2025-03-27"));
    }

    #[test]
    fn milestones_take_no_day() {
        let s = schedule(
            &plan(
                "2025-03-03",
                vec![
                    node("资金落实", 0, &[]),
                    node("a", 3, &["资金落实"]),
                    node("b", 0, &["a"]),
                    node("c", 2, &["b"]),
                ],
            ),
            &cal(),
        )
        .unwrap();
        assert_eq!(times(&s, "资金落实").es, d("2025-03-03"));
        assert_eq!(times(&s, "a").es, d("2025-03-03"));
        // b is reached when a finishes on Wednesday 5 March; c starts the next working day.
        let b = times(&s, "b");
        assert_eq!((b.es, b.ef), (d("2025-03-05"), d("2025-03-05")));
        assert_eq!(times(&s, "c").es, d("2025-03-06"));
        assert_eq!(s.finish, d("2025-03-07"));
        assert_eq!(s.duration_workdays, 5);
    }

    #[test]
    fn bad_plans_are_named() {
        let c = cal();
        let cycle = schedule(
            &plan(
                "2025-03-03",
                vec![
                    node("a", 1, &[]),
                    node("b", 1, &["a", "d"]),
                    node("c", 1, &["b"]),
                    node("d", 1, &["c"]),
                ],
            ),
            &c,
        )
        .unwrap_err();
        match &cycle {
            ScheduleError::Cycle(ids) => {
                let mut sorted = ids.clone();
                sorted.sort();
                assert_eq!(sorted, ["b", "c", "d"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(cycle.message().zh.contains("循环"));
        let self_loop = schedule(&plan("2025-03-03", vec![node("a", 1, &["a"])]), &c).unwrap_err();
        assert_eq!(self_loop, ScheduleError::Cycle(vec!["a".into()]));
        assert!(matches!(
            schedule(&plan("2025-03-03", vec![node("a", 1, &["x"])]), &c),
            Err(ScheduleError::UnknownPrerequisite { .. })
        ));
        assert!(matches!(
            schedule(
                &plan("2025-03-03", vec![node("a", 1, &[]), node("a", 1, &[])]),
                &c
            ),
            Err(ScheduleError::DuplicateId(_))
        ));
        assert_eq!(
            schedule(&plan("2025-03-03", vec![]), &c),
            Err(ScheduleError::Empty)
        );
        // Past the calendar's last year.
        assert!(matches!(
            schedule(&plan("2060-12-01", vec![node("a", 60, &[])]), &c),
            Err(ScheduleError::Calendar(_))
        ));
    }

    #[test]
    fn inversions_and_overdue_nodes() {
        let mut a = node("规划选址", 5, &[]);
        a.planned_finish = Some(d("2025-04-10"));
        let mut b = node("用地预审", 5, &["规划选址"]);
        b.planned_start = Some(d("2025-04-08"));
        b.planned_finish = Some(d("2025-04-18"));
        b.actual_finish = Some(d("2025-04-17"));
        let p = plan("2025-04-01", vec![a, b]);
        let found = inversions(&p);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].node.as_str(), found[0].prerequisite.as_str()),
            ("用地预审", "规划选址")
        );
        // As of Monday 14 April 2025: 规划选址 is 2 working days late (11th, 14th).
        let late = overdue(&p, d("2025-04-14"), &cal()).unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].overdue_workdays, 2);
    }
}
