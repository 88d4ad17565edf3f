//! The approval plan as a Gantt chart, drawn on the server as SVG: calendar days across, one row
//! per node; days off shaded, holidays marked, the critical path and overdue nodes coloured,
//! slack drawn as a thin line, and a line for today.

use std::fmt::Write;

use chrono::{Datelike, Days, NaiveDate};
use domain::calendar::WorkCalendar;
use domain::schedule::Schedule;
use store::ApprovalPlan;

const DAY: i64 = 4;
const ROW: i64 = 24;
const LABEL: i64 = 150;
const HEAD: i64 = 34;

/// Text for SVG, escaped as the templates escape it (askama's HTML escaper).
fn esc(text: &str) -> String {
    match askama::filters::escape(text, askama::filters::Html) {
        Ok(safe) => safe.to_string(),
        Err(never) => match never {},
    }
}

pub struct Labels {
    pub today: &'static str,
    pub critical: &'static str,
    pub overdue: &'static str,
    pub slack: &'static str,
    pub holiday: &'static str,
}

/// Where the chart stands: its first day and how many node rows it has.
struct Frame {
    first: NaiveDate,
    rows: i64,
}

impl Frame {
    /// The left edge of a day's column.
    fn x(&self, d: NaiveDate) -> i64 {
        LABEL + (d - self.first).num_days() * DAY
    }
}

/// Days off shaded (holidays on weekdays and make-up workdays named in a tooltip) and each
/// month's first day marked, over `days` days.
fn days_off(s: &mut String, frame: &Frame, days: i64, calendar: &WorkCalendar, labels: &Labels) {
    for (i, day) in frame.first.iter_days().take(days as usize).enumerate() {
        let dx = LABEL + i as i64 * DAY;
        let working = calendar.is_workday(day).unwrap_or(false);
        let name = calendar.day_name(day);
        if !working {
            let fill = if name.is_some() { "#f6d5d5" } else { "#eeeeee" };
            let _ = write!(
                s,
                r#"<rect x="{dx}" y="{HEAD}" width="{DAY}" height="{}" fill="{fill}">"#,
                frame.rows * ROW
            );
            if let Some(n) = name {
                let _ = write!(s, "<title>{} {} {}</title>", day, esc(n), labels.holiday);
            }
            s.push_str("</rect>");
        }
        if day.day() == 1 || i == 0 {
            let _ = write!(
                s,
                r##"<line x1="{dx}" y1="14" x2="{dx}" y2="{}" stroke="#bbbbbb"/><text x="{}" y="12" fill="#555">{}</text>"##,
                HEAD + frame.rows * ROW,
                dx + 2,
                day.format("%Y-%m")
            );
        }
    }
}

/// A node's row: its name (red when overdue), its slack, its bar from earliest start to finish
/// (critical or overdue in colour, faded once done) and the day it actually finished.
fn node_bar(
    s: &mut String,
    frame: &Frame,
    row: usize,
    node: &store::ApprovalNode,
    t: &domain::schedule::NodeTimes,
    today: NaiveDate,
    labels: &Labels,
) {
    let y = HEAD + row as i64 * ROW;
    let overdue = node.actual_finish.is_none() && node.planned_finish.is_some_and(|f| f < today);
    let _ = write!(
        s,
        r##"<text x="4" y="{}" fill="{}">{}</text>"##,
        y + 16,
        if overdue { "#b3261e" } else { "#222" },
        esc(&node.name)
    );
    // Slack: a thin line from the earliest finish to the latest finish.
    if t.slack > 0 {
        let _ = write!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8aa4c8" stroke-dasharray="3 2"><title>{} {}</title></line>"##,
            frame.x(t.ef) + DAY,
            y + 12,
            frame.x(t.lf) + DAY,
            y + 12,
            labels.slack,
            t.slack
        );
    }
    let (fill, what) = if overdue {
        ("#d93025", labels.overdue)
    } else if t.critical {
        ("#c5671a", labels.critical)
    } else {
        ("#3b73b9", "")
    };
    let bar = (frame.x(t.ef) - frame.x(t.es) + DAY).max(3);
    let done = if node.actual_finish.is_some() {
        r#" opacity="0.55""#
    } else {
        ""
    };
    let _ = write!(
        s,
        r#"<rect x="{}" y="{}" width="{bar}" height="14" rx="2" fill="{fill}"{done}><title>{} {} – {} {}</title></rect>"#,
        frame.x(t.es),
        y + 5,
        esc(&node.name),
        t.es,
        t.ef,
        what
    );
    if let Some(f) = node.actual_finish {
        let _ = write!(
            s,
            r##"<path d="M{} {} l4 7 l-4 7 l-4 -7 z" fill="#1e7d32"><title>{}</title></path>"##,
            frame.x(f) + DAY / 2,
            y + 5,
            f
        );
    }
}

pub fn svg(
    plan: &ApprovalPlan,
    timed: &Schedule,
    calendar: &WorkCalendar,
    today: NaiveDate,
    labels: &Labels,
) -> String {
    let first = plan
        .start
        .min(timed.nodes.iter().map(|t| t.es).min().unwrap_or(plan.start));
    let last_planned = timed
        .nodes
        .iter()
        .map(|t| t.lf)
        .max()
        .unwrap_or(timed.finish);
    // While nodes are open, the chart reaches today, so a late node is seen against the date.
    let open = plan.nodes.iter().any(|n| n.actual_finish.is_none());
    let reach = if open {
        today.max(timed.finish)
    } else {
        timed.finish
    };
    let last = last_planned.max(reach) + Days::new(7);
    let days = (last - first).num_days().max(1);
    let width = LABEL + days * DAY + 10;
    let rows = i64::try_from(timed.nodes.len()).unwrap_or(0);
    let height = HEAD + rows * ROW + 30;
    let frame = Frame { first, rows };

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" font-size="12" font-family="sans-serif">"#
    );
    days_off(&mut s, &frame, days, calendar, labels);
    for (row, (node, t)) in plan.nodes.iter().zip(&timed.nodes).enumerate() {
        node_bar(&mut s, &frame, row, node, t, today, labels);
    }
    if today >= first && today <= last {
        let tx = frame.x(today) + DAY / 2;
        let _ = write!(
            s,
            r##"<line x1="{tx}" y1="{}" x2="{tx}" y2="{}" stroke="#d93025" stroke-width="1.5"/><text x="{}" y="{}" fill="#d93025">{} {}</text>"##,
            HEAD - 6,
            HEAD + rows * ROW + 4,
            tx + 3,
            HEAD + rows * ROW + 18,
            labels.today,
            today
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::approval::template;
    use domain::schedule::schedule;

    #[test]
    fn draws_every_node_and_escapes_names() {
        let calendar = WorkCalendar::builtin().unwrap_or_else(|e| panic!("{e}"));
        let start = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
        let mut plan = template("government")
            .map(|t| t.plan(start))
            .unwrap_or_else(|| panic!("template"));
        plan.nodes[0].name = "立项<script>".into();
        let timed = schedule(&plan, &calendar).unwrap_or_else(|e| panic!("{e}"));
        let stored = ApprovalPlan {
            project_id: 1,
            template: "government".into(),
            start,
            version: 1,
            nodes: plan
                .nodes
                .iter()
                .map(|n| store::ApprovalNode {
                    key: n.id.clone(),
                    name: n.name.clone(),
                    duration: n.duration,
                    after: n.after.clone(),
                    department: None,
                    planned_start: None,
                    planned_finish: Some(start),
                    actual_start: None,
                    actual_finish: None,
                    document_no: None,
                })
                .collect(),
        };
        let labels = Labels {
            today: "今天",
            critical: "关键",
            overdue: "逾期",
            slack: "机动",
            holiday: "放假",
        };
        let out = svg(&stored, &timed, &calendar, start + Days::new(20), &labels);
        assert!(out.starts_with("<svg") && out.ends_with("</svg>"));
        assert!(out.contains("立项&#60;script&#62;") && !out.contains("<script>"));
        assert_eq!(out.matches("rx=\"2\"").count(), 15);
        // The National Day holiday is shaded and named.
        assert!(out.contains("国庆节"));
        assert!(out.contains("今天"));
        assert!(out.contains("#d93025"), "overdue nodes are red");
    }
}
