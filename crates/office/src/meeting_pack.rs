//! The weekly meeting's pack (周例会会议材料) as a Word document a clerk can edit and forward:
//! a title, the meeting's date, then three numbered parts, each a table — the problems on the
//! agenda with their level and working days overdue, the red projects and why, and the earlier
//! meetings' decisions with how far each has got.

use chrono::NaiveDate;
use docx_rs::{AlignmentType, Docx, Paragraph, Run};

use crate::docx::{FONT, TITLE_FONT, chinese_date, fonts, heading, table, text};

/// A problem on the agenda.
#[derive(Debug, Clone, PartialEq)]
pub struct PackProblem {
    pub project: String,
    pub title: String,
    pub unit: String,
    /// "3级·周例会".
    pub level: String,
    pub overdue_workdays: u32,
    pub deadline: NaiveDate,
}

/// A red project and why.
#[derive(Debug, Clone, PartialEq)]
pub struct PackProject {
    pub name: String,
    pub unit: String,
    pub why: String,
}

/// A decision of an earlier meeting and how far it has got.
#[derive(Debug, Clone, PartialEq)]
pub struct PackDecision {
    pub text: String,
    pub unit: String,
    pub meeting_date: NaiveDate,
    pub deadline: NaiveDate,
    /// "已落实（2025-06-25）", "未到期", "逾期 3 个工作日".
    pub state: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingPack {
    /// The campaign or office, above the title ("福清市2025年项目攻坚行动").
    pub heading: String,
    pub meeting_date: NaiveDate,
    /// The date the figures are as of.
    pub as_of: NaiveDate,
    pub problems: Vec<PackProblem>,
    pub red_projects: Vec<PackProject>,
    pub decisions: Vec<PackDecision>,
    /// A note under the dates, e.g. that working days rest on a provisional calendar.
    pub note: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("无法生成会议材料 / cannot write the meeting pack: {0}")]
pub struct PackError(String);

/// The pack as .docx bytes. Each part says so when it has nothing ("本周无…").
pub fn write_meeting_pack(pack: &MeetingPack) -> Result<Vec<u8>, PackError> {
    let mut doc = Docx::new()
        .default_fonts(fonts(FONT))
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                Run::new()
                    .add_text(&pack.heading)
                    .fonts(fonts(FONT))
                    .size(28),
            ),
        )
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                Run::new()
                    .add_text("重点项目攻坚周例会会议材料")
                    .fonts(fonts(TITLE_FONT))
                    .size(40)
                    .bold(),
            ),
        )
        .add_paragraph(text(&format!(
            "会议时间：{}　　数据截至：{}",
            chinese_date(pack.meeting_date),
            chinese_date(pack.as_of)
        )));
    if let Some(note) = &pack.note {
        doc = doc.add_paragraph(text(&format!("注：{note}")));
    }

    doc = doc.add_paragraph(heading(&format!(
        "一、上会问题（{}个）",
        pack.problems.len()
    )));
    if pack.problems.is_empty() {
        doc = doc.add_paragraph(text("本周无需上会研究的问题。"));
    } else {
        let rows = pack
            .problems
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    (i + 1).to_string(),
                    p.project.clone(),
                    p.title.clone(),
                    p.unit.clone(),
                    p.level.clone(),
                    p.deadline.to_string(),
                    p.overdue_workdays.to_string(),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[
                "序号",
                "项目名称",
                "存在问题",
                "责任单位",
                "层级",
                "办理时限",
                "逾期工作日",
            ],
            &[600, 2200, 2200, 1600, 1300, 1200, 900],
            rows,
        ));
    }

    doc = doc.add_paragraph(heading(&format!(
        "二、红灯项目（{}个）",
        pack.red_projects.len()
    )));
    if pack.red_projects.is_empty() {
        doc = doc.add_paragraph(text("本周无红灯项目。"));
    } else {
        let rows = pack
            .red_projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    (i + 1).to_string(),
                    p.name.clone(),
                    p.unit.clone(),
                    p.why.clone(),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &["序号", "项目名称", "责任单位", "亮灯原因"],
            &[600, 3000, 2200, 4200],
            rows,
        ));
    }

    doc = doc.add_paragraph(heading(&format!(
        "三、前次会议议定事项落实情况（{}项）",
        pack.decisions.len()
    )));
    if pack.decisions.is_empty() {
        doc = doc.add_paragraph(text("无待落实的议定事项。"));
    } else {
        let rows = pack
            .decisions
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.text.clone(),
                    d.unit.clone(),
                    d.meeting_date.to_string(),
                    d.deadline.to_string(),
                    d.state.clone(),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[
                "序号",
                "议定事项",
                "责任单位",
                "会议日期",
                "完成时限",
                "落实情况",
            ],
            &[600, 3400, 1800, 1200, 1200, 1800],
            rows,
        ));
    }

    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out).map_err(|e| PackError(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Read;

    use super::*;

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn the_pack_holds_every_part_as_an_editable_table() {
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        let pack = MeetingPack {
            heading: "福清市2025年项目攻坚行动".into(),
            meeting_date: day(6, 30),
            as_of: day(6, 27),
            note: None,
            problems: vec![PackProblem {
                project: "城头镇天然气高压管网工程".into(),
                title: "施工用电未接入".into(),
                unit: "国网福清供电公司".into(),
                level: "3级·周例会".into(),
                overdue_workdays: 7,
                deadline: day(6, 17),
            }],
            red_projects: vec![PackProject {
                name: "江阴港区18号泊位工程".into(),
                unit: "江阴港城经济区管委会".into(),
                why: "滞后序时进度 50.0 个百分点 <需协调>".into(),
            }],
            decisions: Vec::new(),
        };
        let bytes = write_meeting_pack(&pack).unwrap();
        assert_eq!(&bytes[..2], b"PK", "a zip package");
        let xml = document_xml(&bytes);
        for expected in [
            "重点项目攻坚周例会会议材料",
            "会议时间：2025年6月30日",
            "一、上会问题（1个）",
            "施工用电未接入",
            "逾期工作日",
            "二、红灯项目（1个）",
            "滞后序时进度 50.0 个百分点 &lt;需协调&gt;",
            "三、前次会议议定事项落实情况（0项）",
            "无待落实的议定事项。",
            "宋体",
        ] {
            assert!(xml.contains(expected), "{expected}");
        }
        assert_eq!(xml.matches("<w:tbl>").count(), 2);
    }
}
