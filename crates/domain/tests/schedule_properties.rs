//! Properties of the critical-path schedule on random plans over the real calendar.
#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use domain::calendar::WorkCalendar;
use domain::schedule::{Plan, PlanNode, schedule};
use proptest::prelude::*;

/// A random DAG: node i may wait for any earlier node (edge bits), durations 0–40 working days,
/// a start anywhere in 2020–2024 (so plans stay inside the known years).
fn plans() -> impl Strategy<Value = Plan> {
    (1usize..16)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(0u32..40, n),
                proptest::collection::vec(proptest::bool::weighted(0.3), n * n),
                0u64..(5 * 365),
            )
        })
        .prop_map(|(durations, edges, offset)| {
            let n = durations.len();
            let nodes = (0..n)
                .map(|i| PlanNode {
                    id: format!("n{i}"),
                    name: String::new(),
                    duration: durations[i],
                    after: (0..i)
                        .filter(|&j| edges[i * n + j])
                        .map(|j| format!("n{j}"))
                        .collect(),
                    planned_start: None,
                    planned_finish: None,
                    actual_finish: None,
                })
                .collect();
            Plan {
                start: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(offset),
                nodes,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn schedules_keep_their_promises(plan in plans()) {
        let calendar = WorkCalendar::builtin().unwrap();
        let s = schedule(&plan, &calendar).unwrap();
        for (node, t) in plan.nodes.iter().zip(&s.nodes) {
            prop_assert!(t.ef >= t.es && t.lf >= t.ls && t.ls >= t.es);
            prop_assert!(calendar.is_workday(t.es).unwrap() && calendar.is_workday(t.ef).unwrap());
            prop_assert!(t.es >= plan.start);
            if node.duration > 0 {
                prop_assert_eq!(calendar.workdays_between(t.es, t.ef).unwrap(), node.duration);
                prop_assert_eq!(calendar.workdays_between(t.ls, t.lf).unwrap(), node.duration);
            } else {
                prop_assert_eq!(t.es, t.ef);
            }
            prop_assert_eq!(t.critical, t.slack == 0);
            prop_assert!(t.ef <= s.finish);
            for p in &node.after {
                let (pi, pt) = plan.nodes.iter().zip(&s.nodes).find(|(n, _)| &n.id == p).unwrap();
                // Work starts after its prerequisites finish; a milestone is dated their finish.
                if pi.duration > 0 && node.duration > 0 {
                    prop_assert!(t.es > pt.ef, "{} starts after {} finishes", node.id, p);
                } else {
                    prop_assert!(t.es >= pt.ef);
                }
                prop_assert!(t.ls >= pt.lf);
            }
        }
        prop_assert_eq!(s.nodes.iter().map(|t| t.ef).max(), Some(s.finish));
        // The critical path is a chain whose working days add up to the projected duration.
        let total: u32 = s
            .critical_path
            .iter()
            .map(|id| plan.nodes.iter().find(|n| &n.id == id).unwrap().duration)
            .sum();
        prop_assert_eq!(total, s.duration_workdays);
        for pair in s.critical_path.windows(2) {
            let next = plan.nodes.iter().find(|n| n.id == pair[1]).unwrap();
            prop_assert!(next.after.contains(&pair[0]));
        }
        // Serial is never faster than parallel.
        prop_assert!(s.serial_workdays >= s.duration_workdays);
        prop_assert!(s.serial_finish >= s.finish);
        prop_assert_eq!(s.saved_workdays, s.serial_workdays - s.duration_workdays);
    }
}
