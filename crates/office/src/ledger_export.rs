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
use domain::{Field, Money, ProjectFields};
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

/// A column of the exported sheet: a field of the project (its header is the field's label,
/// so the list of columns is `domain::Field::ALL`), or one month or quarter of 分月计划, which
/// stands in for `Field::PlanPhases` when some project has one.
#[derive(Debug, Clone, Copy)]
enum Col {
    Field(Field),
    PlanMonth(u8),
    PlanQuarter(u8),
}

/// A column's width in characters: wide for names and text, narrow for dates and counts.
fn width(field: Field) -> f64 {
    match field {
        Field::Name => 36.0,
        Field::Content => 48.0,
        Field::Remarks => 24.0,
        Field::Unit | Field::Location | Field::Owner => 20.0,
        Field::Tags | Field::FundingSources => 18.0,
        Field::LeadDepartment | Field::TotalInvestment | Field::AnnualPlan | Field::Period => 16.0,
        Field::Code
        | Field::Industry
        | Field::Region
        | Field::ExpectedOutput
        | Field::ExpectedTax => 14.0,
        Field::Category
        | Field::PlannedStart
        | Field::PlannedCompletion
        | Field::PlannedProduction
        | Field::ActualStart
        | Field::ActualCompletion
        | Field::ActualProduction => 12.0,
        Field::PlanPhases => 11.0,
        Field::Stage
        | Field::Level
        | Field::LinkedLeader
        | Field::ServiceOfficer
        | Field::ExpectedJobs => 10.0,
        Field::PlanYear => 9.0,
    }
}

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
    let field = match col {
        Col::Field(field) => field,
        Col::PlanMonth(n) => {
            return match &f.plan_phases {
                Some(PlanPhases::Months(m)) => {
                    m.get(usize::from(n) - 1).copied().map(Value::Amount)
                }
                _ => None,
            };
        }
        Col::PlanQuarter(n) => {
            return match &f.plan_phases {
                Some(PlanPhases::Quarters(q)) => {
                    q.get(usize::from(n) - 1).copied().map(Value::Amount)
                }
                _ => None,
            };
        }
    };
    match field {
        Field::Code => text(&f.code),
        Field::Name => Some(Value::Text(Cow::Borrowed(&f.name))),
        Field::Category => text(&f.category),
        Field::Stage => f.stage.map(|s| Value::Text(Cow::Borrowed(s.label_zh()))),
        Field::Level => f.level.map(|l| Value::Text(Cow::Borrowed(l.label_zh()))),
        Field::Tags => list(&f.tags),
        Field::Industry => text(&f.industry),
        Field::Region => name(row.region_name),
        Field::Unit => name(row.unit_name),
        Field::LeadDepartment => name(row.lead_department_name),
        Field::LinkedLeader => text(&f.linked_leader),
        Field::ServiceOfficer => text(&f.service_officer),
        Field::Content => text(&f.content),
        Field::TotalInvestment => f.total_investment.map(Value::Amount),
        Field::AnnualPlan => f.annual_plan.map(Value::Amount),
        Field::PlanYear => f.plan_year.map(|y| Value::Number(f64::from(y))),
        Field::Period => match (f.period_start, f.period_end) {
            (Some(s), Some(e)) => Some(Value::Text(Cow::Owned(format_span(s, e)))),
            _ => None,
        },
        Field::PlannedStart => f.planned_start.map(Value::Date),
        Field::PlannedCompletion => f.planned_completion.map(Value::Date),
        Field::PlannedProduction => f.planned_production.map(Value::Date),
        Field::ActualStart => f.actual_start.map(Value::Date),
        Field::ActualCompletion => f.actual_completion.map(Value::Date),
        Field::ActualProduction => f.actual_production.map(Value::Date),
        Field::Location => text(&f.location),
        Field::FundingSources => list(&f.funding_sources),
        Field::ExpectedOutput => f.expected_output.map(Value::Amount),
        Field::ExpectedTax => f.expected_tax.map(Value::Amount),
        // Head counts beyond 2^53 do not exist; the cast keeps every realistic one exact.
        Field::ExpectedJobs => f.expected_jobs.map(|n| Value::Number(n as f64)),
        Field::Owner => text(&f.owner),
        Field::Remarks => text(&f.remarks),
        // Written as its months or quarters (see `columns`).
        Field::PlanPhases => None,
    }
}

/// The sheet's columns: every field of a project in the domain's order, with 分月计划 as the
/// months or quarters some project has (none when no project has a breakdown).
fn columns(rows: &[ExportRow<'_>]) -> Vec<(Cow<'static, str>, f64, Col)> {
    let has = |quarters: bool| {
        rows.iter().any(|r| {
            matches!(
                (&r.fields.plan_phases, quarters),
                (Some(PlanPhases::Months(_)), false) | (Some(PlanPhases::Quarters(_)), true)
            )
        })
    };
    let mut out = Vec::with_capacity(Field::ALL.len() + 16);
    for &field in Field::ALL {
        if field != Field::PlanPhases {
            out.push((
                Cow::Borrowed(field.label_zh()),
                width(field),
                Col::Field(field),
            ));
            continue;
        }
        if has(false) {
            for n in 1..=12u8 {
                out.push((
                    Cow::Owned(format!("{n}月计划（万元）")),
                    width(field),
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

    /// The sheet's headers are the domain's field labels in its order, and the importer reads
    /// each back as that field (责任单位 and 项目业主 as the unit's look-alikes, which resolve to
    /// the unit and the owner when both are present).
    #[test]
    fn columns_follow_the_domain_fields() {
        use crate::headers::{Kind, classify, header_key};
        let columns = columns(&[]);
        let labels: Vec<&str> = columns.iter().map(|(l, _, _)| l.as_ref()).collect();
        let fields: Vec<&str> = Field::ALL
            .iter()
            .filter(|f| **f != Field::PlanPhases)
            .map(|f| f.label_zh())
            .collect();
        assert_eq!(labels, fields);
        for (label, _, col) in &columns {
            let Col::Field(field) = *col else {
                panic!("{label}: no breakdown without one")
            };
            let read = classify(&header_key(label));
            let expected = match field {
                Field::Unit => Kind::UnitLike(0),
                Field::Owner => Kind::UnitLike(4),
                field => Kind::Field(field),
            };
            assert_eq!(read, Some(expected), "{label}");
        }
    }

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name(""), "项目台账");
        assert_eq!(sheet_name("2025/10 台账"), "2025_10 台账");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
