//! Writing the ledger to .xlsx.
//!
//! The sheet has one header row and no title row, with the headers the importer recognises, so
//! an exported ledger can be edited in Excel and imported again unchanged. Amounts are numbers
//! in 万元 shown with two decimals but stored exactly (a fen is 0.000001 万元, which an f64 holds
//! for any amount a county will see); dates are real Excel dates so they sort and filter.

use std::borrow::Cow;

use chrono::NaiveDate;
use domain::dates::format_span;
use domain::phases::{PlanPhases, QUARTERS};
use domain::{Money, ProjectFields};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// One project to export, with its unit, lead department and region already named.
#[derive(Debug, Clone, Copy)]
pub struct ExportRow<'a> {
    pub fields: &'a ProjectFields,
    pub unit_name: Option<&'a str>,
    pub lead_department_name: Option<&'a str>,
    pub region_name: Option<&'a str>,
}

/// Why a ledger could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("写入 Excel 文件失败（writing the Excel file failed）：{0}")]
    Xlsx(#[from] XlsxError),
}

/// The columns of the exported sheet, in order.
#[derive(Debug, Clone, Copy)]
enum Col {
    Code,
    Name,
    Category,
    Stage,
    Level,
    Tags,
    Industry,
    Region,
    Unit,
    Lead,
    LinkedLeader,
    ServiceOfficer,
    Content,
    Total,
    AnnualPlan,
    PlanYear,
    Period,
    PlannedStart,
    PlannedCompletion,
    PlannedProduction,
    ActualStart,
    ActualCompletion,
    ActualProduction,
    Location,
    Funding,
    Output,
    Tax,
    Jobs,
    Owner,
    Remarks,
    /// 分月计划: a month (1–12) or a quarter (1–4), exported when some project has one.
    PlanMonth(u8),
    PlanQuarter(u8),
}

/// Header, column width (characters) and column.
const COLUMNS: &[(&str, f64, Col)] = &[
    ("项目编号", 14.0, Col::Code),
    ("项目名称", 36.0, Col::Name),
    ("项目类别", 12.0, Col::Category),
    ("项目阶段", 10.0, Col::Stage),
    ("项目级别", 10.0, Col::Level),
    ("标签", 18.0, Col::Tags),
    ("所属产业", 14.0, Col::Industry),
    ("所在区域", 14.0, Col::Region),
    ("责任单位", 20.0, Col::Unit),
    ("牵头单位", 16.0, Col::Lead),
    ("包联领导", 10.0, Col::LinkedLeader),
    ("首席服务官", 10.0, Col::ServiceOfficer),
    ("建设内容及规模", 48.0, Col::Content),
    ("总投资（万元）", 16.0, Col::Total),
    ("年度计划投资（万元）", 16.0, Col::AnnualPlan),
    ("计划年度", 9.0, Col::PlanYear),
    ("建设起止年限", 16.0, Col::Period),
    ("计划开工时间", 12.0, Col::PlannedStart),
    ("计划竣工时间", 12.0, Col::PlannedCompletion),
    ("计划投产时间", 12.0, Col::PlannedProduction),
    ("实际开工时间", 12.0, Col::ActualStart),
    ("实际竣工时间", 12.0, Col::ActualCompletion),
    ("实际投产时间", 12.0, Col::ActualProduction),
    ("建设地点", 20.0, Col::Location),
    ("资金来源", 18.0, Col::Funding),
    ("达产后年产值（万元）", 14.0, Col::Output),
    ("达产后年税收（万元）", 14.0, Col::Tax),
    ("新增就业（人）", 10.0, Col::Jobs),
    ("项目业主", 20.0, Col::Owner),
    ("备注", 24.0, Col::Remarks),
];

enum Value<'a> {
    Text(Cow<'a, str>),
    Amount(Money),
    Date(NaiveDate),
    Number(f64),
}

fn text(v: &Option<String>) -> Option<Value<'_>> {
    v.as_deref().map(|s| Value::Text(Cow::Borrowed(s)))
}

fn list(items: &[String]) -> Option<Value<'_>> {
    (!items.is_empty()).then(|| Value::Text(Cow::Owned(items.join("、"))))
}

fn value<'a>(col: Col, row: &ExportRow<'a>) -> Option<Value<'a>> {
    let f = row.fields;
    let name = |n: Option<&'a str>| n.map(|s| Value::Text(Cow::Borrowed(s)));
    match col {
        Col::Code => text(&f.code),
        Col::Name => Some(Value::Text(Cow::Borrowed(&f.name))),
        Col::Category => text(&f.category),
        Col::Stage => f.stage.map(|s| Value::Text(Cow::Borrowed(s.label_zh()))),
        Col::Level => f.level.map(|l| Value::Text(Cow::Borrowed(l.label_zh()))),
        Col::Tags => list(&f.tags),
        Col::Industry => text(&f.industry),
        Col::Region => name(row.region_name),
        Col::Unit => name(row.unit_name),
        Col::Lead => name(row.lead_department_name),
        Col::LinkedLeader => text(&f.linked_leader),
        Col::ServiceOfficer => text(&f.service_officer),
        Col::Content => text(&f.content),
        Col::Total => f.total_investment.map(Value::Amount),
        Col::AnnualPlan => f.annual_plan.map(Value::Amount),
        Col::PlanYear => f.plan_year.map(|y| Value::Number(f64::from(y))),
        Col::Period => match (f.period_start, f.period_end) {
            (Some(s), Some(e)) => Some(Value::Text(Cow::Owned(format_span(s, e)))),
            _ => None,
        },
        Col::PlannedStart => f.planned_start.map(Value::Date),
        Col::PlannedCompletion => f.planned_completion.map(Value::Date),
        Col::PlannedProduction => f.planned_production.map(Value::Date),
        Col::ActualStart => f.actual_start.map(Value::Date),
        Col::ActualCompletion => f.actual_completion.map(Value::Date),
        Col::ActualProduction => f.actual_production.map(Value::Date),
        Col::Location => text(&f.location),
        Col::Funding => list(&f.funding_sources),
        Col::Output => f.expected_output.map(Value::Amount),
        Col::Tax => f.expected_tax.map(Value::Amount),
        // Head counts beyond 2^53 do not exist; the cast keeps every realistic one exact.
        Col::Jobs => f.expected_jobs.map(|n| Value::Number(n as f64)),
        Col::Owner => text(&f.owner),
        Col::Remarks => text(&f.remarks),
        Col::PlanMonth(n) => match &f.plan_phases {
            Some(PlanPhases::Months(m)) => m.get(usize::from(n) - 1).copied().map(Value::Amount),
            _ => None,
        },
        Col::PlanQuarter(n) => match &f.plan_phases {
            Some(PlanPhases::Quarters(q)) => q.get(usize::from(n) - 1).copied().map(Value::Amount),
            _ => None,
        },
    }
}

/// The sheet's columns: the fixed ones, with the months and quarters of 分月计划 after the
/// annual plan when some project has them.
fn columns(rows: &[ExportRow<'_>]) -> Vec<(Cow<'static, str>, f64, Col)> {
    let has = |quarters: bool| {
        rows.iter().any(|r| {
            matches!(
                (&r.fields.plan_phases, quarters),
                (Some(PlanPhases::Months(_)), false) | (Some(PlanPhases::Quarters(_)), true)
            )
        })
    };
    let mut out = Vec::with_capacity(COLUMNS.len() + 16);
    for (label, width, col) in COLUMNS {
        out.push((Cow::Borrowed(*label), *width, *col));
        if matches!(col, Col::AnnualPlan) {
            if has(false) {
                for n in 1..=12u8 {
                    out.push((
                        Cow::Owned(format!("{n}月计划（万元）")),
                        11.0,
                        Col::PlanMonth(n),
                    ));
                }
            }
            if has(true) {
                for (n, q) in (1..=4u8).zip(QUARTERS) {
                    out.push((
                        Cow::Owned(format!("{q}计划（万元）")),
                        12.0,
                        Col::PlanQuarter(n),
                    ));
                }
            }
        }
    }
    out
}

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`, not empty.
pub(crate) fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_string();
    if cleaned.is_empty() {
        "项目台账".to_string()
    } else {
        cleaned
    }
}

/// The first date Excel's 1900 system shows correctly (before it lies the fictitious 1900-02-29).
fn excel_safe(d: NaiveDate) -> bool {
    NaiveDate::from_ymd_opt(1900, 3, 1).is_some_and(|first| d >= first)
        && NaiveDate::from_ymd_opt(9999, 12, 31).is_some_and(|last| d <= last)
}

/// Writes the ledger as one sheet named `sheet_title` (项目台账 when empty).
pub fn write_ledger(rows: &[ExportRow<'_>], sheet_title: &str) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    // Level 3 writes a large ledger about a quarter faster than the default 6 for a file about
    // a seventh larger: a fair trade for a download.
    book.set_zip_compression_level(3);
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(sheet_title))?;
    write_sheet(sheet, rows)?;
    Ok(book.save_to_buffer()?)
}

fn write_sheet(sheet: &mut Worksheet, rows: &[ExportRow<'_>]) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let amount = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let whole = Format::new().set_num_format("0");

    let columns = columns(rows);
    for (col, (label, width, _)) in columns.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, label.as_ref(), &header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_row_height(0, 30)?;
    sheet.set_freeze_panes(1, 0)?;

    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, (_, _, kind)) in columns.iter().enumerate() {
            let col = col as u16;
            match value(*kind, row) {
                None => {}
                Some(Value::Text(s)) => {
                    sheet.write_string(r, col, s)?;
                }
                Some(Value::Amount(m)) => {
                    sheet.write_number_with_format(r, col, m.wan_f64(), &amount)?;
                }
                Some(Value::Number(n)) => {
                    sheet.write_number_with_format(r, col, n, &whole)?;
                }
                Some(Value::Date(d)) if excel_safe(d) => {
                    sheet.write_date_with_format(r, col, d, &date)?;
                }
                Some(Value::Date(d)) => {
                    sheet.write_string(r, col, d.to_string())?;
                }
            }
        }
    }
    if !rows.is_empty() {
        let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.autofilter(0, 0, last_row, (columns.len() - 1) as u16)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name(""), "项目台账");
        assert_eq!(sheet_name("2025/10 台账"), "2025_10 台账");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
