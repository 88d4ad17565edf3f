//! The progress-sheet importer against sheets as offices collect them: title and unit rows, one-
//! and two-row headers, header synonyms, section, subtotal and note rows, and every error with
//! its place. A sheet is written as text (`office::testing`): one string per row, cells split
//! by `|`; `#12.5` is a number cell, `@2025-03-15` a date cell, `!merge C3:D3` merges a range.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a failure is the test failing"
)]

use chrono::NaiveDate;
use domain::Money;
use office::{ReportImport, read_reports};

fn build(name: &str, lines: &[&str]) -> Vec<u8> {
    office::testing::sheet(name, lines)
}

fn wan(text: &str) -> Option<Money> {
    Money::parse(text, domain::AmountUnit::Wan).unwrap()
}

fn errors(import: &ReportImport) -> Vec<String> {
    import
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}!{} {}: {}",
                e.sheet,
                e.row.unwrap_or(0),
                e.column.clone().unwrap_or_default(),
                e.message_zh
            )
        })
        .collect()
}

#[test]
fn a_two_row_header_under_a_title_with_sections_and_subtotals() {
    // "本月" and "1-6月累计" under the merged "完成投资".
    let bytes = build(
        "6月",
        &[
            "福清市2025年重点项目6月份进展情况表",
            "单位：万元",
            "序号|项目名称|年度计划投资|完成投资||是否开工|实际开工时间|形象进度",
            "|||本月|1-6月累计|||",
            "!merge D3:E3",
            "一、在建项目||||||",
            "1|龙田物流园|#1000|#120.5|#600|是|@2025-01-10|主体封顶",
            "2|江阴港区码头（二期）|#800||#300|已开工||桩基施工",
            "二、新开工项目||||||",
            "3|融侨智能装备产业园|#500|#0|#0|否||土地报批",
            "合计||#2300|#120.5|#900|||",
            "注：累计数据来源于统计部门",
        ],
    );
    let import = read_reports(&bytes);
    assert!(import.errors.is_empty(), "{:?}", errors(&import));
    type Seen<'a> = (u32, &'a str, Option<Money>, Option<Money>, Option<bool>);
    let got: Vec<Seen> = import
        .reports
        .iter()
        .map(|r| {
            (
                r.row,
                r.name.as_deref().unwrap(),
                r.completed,
                r.year_to_date,
                r.started,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (6, "龙田物流园", wan("120.5"), wan("600"), Some(true)),
            (7, "江阴港区码头（二期）", None, wan("300"), Some(true)),
            (9, "融侨智能装备产业园", wan("0"), wan("0"), Some(false)),
        ]
    );
    assert_eq!(import.reports[0].annual_plan, wan("1000"));
    assert_eq!(
        import.reports[0].actual_start,
        NaiveDate::from_ymd_opt(2025, 1, 10)
    );
    assert_eq!(import.reports[1].progress.as_deref(), Some("桩基施工"));
    let skipped: Vec<(u32, &str)> = import
        .skipped_rows
        .iter()
        .map(|s| (s.row, s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (5, "分组行：一、在建项目"),
            (8, "分组行：二、新开工项目"),
            (10, "合计行"),
            (11, "说明行：注：累计数据来源于统计部门"),
        ]
    );
    let sheet = &import.sheets[0];
    assert_eq!((sheet.header_row, sheet.amount_unit.as_str()), (3, "万元"));
    assert!(
        sheet.columns.contains(&"本月".to_string()),
        "{:?}",
        sheet.columns
    );
}

#[test]
fn header_synonyms_codes_and_amount_units() {
    let import = read_reports(&build(
        "Sheet1",
        &[
            "（单位：亿元）",
            "项目编号|项目名称|本期完成投资|累计完成投资（万元）|开工情况",
            "FQ2025-0001|龙田物流园|#0.012|#600|√",
            "FQ2025-0002||#0.5||",
        ],
    ));
    assert!(import.errors.is_empty(), "{:?}", errors(&import));
    assert_eq!(import.sheets[0].amount_unit, "亿元");
    let r = &import.reports[0];
    assert_eq!(r.code.as_deref(), Some("FQ2025-0001"));
    assert_eq!(r.completed, wan("120"), "亿元 from the note");
    assert_eq!(r.year_to_date, wan("600"), "the column's own 万元");
    assert_eq!(r.started, Some(true));
    assert_eq!(import.reports[1].name, None);
    assert_eq!(import.reports[1].completed, wan("5000"));
}

#[test]
fn errors_name_the_row_and_column() {
    let import = read_reports(&build(
        "进度",
        &[
            "项目名称|本月完成投资|1-6月完成投资|是否开工|实际开工时间",
            "龙田物流园|一百万|#600|是|",
            "江阴港区码头|#-3|#300|也许|2025年13月",
            "|#5|#5||",
        ],
    ));
    let want = [
        "进度!2 B: “一百",
        "进度!3 B: ",
        "进度!3 D: “也许”不是“是”或“否”",
        "进度!3 E: ",
        "进度!4 A: 缺少项目名称或项目编号",
    ];
    let got = errors(&import);
    for (want, got) in want.iter().zip(&got) {
        assert!(got.starts_with(want), "{got} should start with {want}");
    }
    assert_eq!(import.errors.len(), 5, "{:?}", errors(&import));
}

#[test]
fn files_that_are_not_progress_sheets() {
    let import = read_reports(b"not a workbook");
    assert!(import.errors[0].message_zh.contains("不是可识别的"));
    let import = read_reports(&build("台账", &["项目名称|总投资", "龙田物流园|#100"]));
    assert!(import.reports.is_empty());
    assert!(import.errors[0].message_zh.contains("本月完成投资"));
    assert_eq!(import.skipped_rows[0].row, 0);
    assert!(read_reports(&[]).errors[0].message_zh.contains("空"));
}
