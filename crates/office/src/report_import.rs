//! Reading the monthly (or ten-day) progress sheets offices already collect: one row per
//! project with the period's and the year-to-date investment, whether it has started, and the
//! 形象进度.
//!
//! The sheets look like the ledgers they come from: title rows, a unit note ("单位：万元"), one or
//! two header rows ("完成投资" over "本月" and "1-6月累计"), section rows ("一、在建项目"),
//! subtotal and note rows. Columns are found by header synonyms; every problem is collected with
//! its sheet, row and column. Projects stay names and codes here: matching them to the ledger is
//! the caller's job.

use calamine::{Data, Range};
use chrono::NaiveDate;
use domain::text::clean_name;
use domain::{AmountUnit, Bilingual, Money, bi};
use serde::Serialize;

use crate::cells::{AsCell, Cell, parse_amount, parse_cell_date};
use crate::headers::{header_key, header_unit, is_note, list_marker, note_unit, subtotal_word};
use crate::{
    Gathered, ImportError, SheetSummary, SkippedRow, column_letter, read_guarded, read_sheets,
};

/// One project's row of a progress sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportedReport {
    pub sheet: String,
    /// 1-based Excel row.
    pub row: u32,
    pub code: Option<String>,
    pub name: Option<String>,
    /// 本月/本期完成投资.
    pub completed: Option<Money>,
    /// 累计完成投资 (year to date).
    pub year_to_date: Option<Money>,
    /// 年度计划投资 as the sheet states it, to compare with the ledger.
    pub annual_plan: Option<Money>,
    /// 是否开工, when the sheet has the column and the cell says.
    pub started: Option<bool>,
    /// 停工 (`true`) or 在建/复工 (`false`), when the sheet has the column and the cell says.
    pub halted: Option<bool>,
    pub actual_start: Option<NaiveDate>,
    /// 形象进度.
    pub progress: Option<String>,
    /// The letters of the 本期 and 累计 columns, for a problem found later to name its cell.
    pub completed_column: Option<String>,
    pub ytd_column: Option<String>,
}

/// Everything read from a progress workbook; write only when `errors` is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportImport {
    pub reports: Vec<ImportedReport>,
    pub skipped_rows: Vec<SkippedRow>,
    pub errors: Vec<ImportError>,
    pub sheets: Vec<SheetSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Code,
    Completed,
    YearToDate,
    AnnualPlan,
    Started,
    Halted,
    ActualStart,
    Progress,
}

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 20;

/// "1-6月", "1—6月", "1至6月", "1~6月": a span of months from January.
fn months_span(key: &str) -> bool {
    let Some(rest) = key.strip_prefix('1') else {
        return false;
    };
    let rest = rest.trim_start_matches(['-', '—', '–', '~', '～', '至', '到']);
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    digits.len() < rest.len() && digits.starts_with('月') && rest.len() < key.len() - 1
}

/// A single month: "6月", "6月份".
fn one_month(key: &str) -> bool {
    let digits = key.trim_start_matches(|c: char| c.is_ascii_digit());
    digits.len() < key.len() && digits.starts_with('月')
}

/// The column a (combined) header key names.
fn classify(key: &str) -> Option<Col> {
    let col = match key {
        "项目名称" | "项目" | "名称" | "项目名" => Col::Name,
        "项目编号" | "项目代码" | "编号" | "代码" | "统一项目代码" | "项目统一代码" => {
            Col::Code
        }
        "是否开工" | "开工情况" | "是否已开工" | "开工与否" => Col::Started,
        "是否停工" | "停复工" | "停复工情况" | "停工情况" | "停工" => Col::Halted,
        "实际开工时间" | "实际开工日期" | "开工时间" | "开工日期" => {
            Col::ActualStart
        }
        "形象进度" | "工程形象进度" | "项目形象进度" | "形象进度情况" | "项目进展情况"
        | "进展情况" | "项目进展" | "目前进展" => Col::Progress,
        "年度计划投资" | "年度计划" | "年度投资计划" | "本年计划投资" | "年计划投资"
        | "计划投资" => Col::AnnualPlan,
        "本月完成投资" | "本期完成投资" | "当月完成投资" | "本旬完成投资" | "本月完成"
        | "本期完成" | "当月完成" | "本旬完成" | "本月投资" | "当月投资" => {
            Col::Completed
        }
        "累计完成投资"
        | "年度累计"
        | "年度累计完成投资"
        | "本年累计完成投资"
        | "今年累计完成投资"
        | "累计完成"
        | "年初至今完成投资"
        | "本年累计"
        | "累计" => Col::YearToDate,
        _ => return classify_pattern(key),
    };
    Some(col)
}

/// Headers with a year or months in them: "2025年计划投资", "1-6月累计完成投资", "6月完成投资".
fn classify_pattern(key: &str) -> Option<Col> {
    let after_year = key
        .split_once('年')
        .filter(|(y, _)| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, rest)| rest);
    if let Some(rest) = after_year
        && matches!(
            rest,
            "计划投资" | "计划完成投资" | "投资计划" | "年度计划投资" | "计划"
        )
    {
        return Some(Col::AnnualPlan);
    }
    if months_span(key) && (key.contains("完成") || key.contains("累计")) {
        return Some(Col::YearToDate);
    }
    if one_month(key) && key.contains("完成") {
        return Some(Col::Completed);
    }
    None
}

/// The column under a two-row header: the lower cell alone ("本月完成投资"), or as the period
/// word of its group ("本月" under "完成投资" → 本月完成投资, "1-6月累计" → a year to date).
fn classify_lower(lower: &str, group: &str) -> Option<Col> {
    classify(lower).or_else(|| {
        let invested = group.contains("完成") || group.contains("投资");
        if !invested {
            return None;
        }
        classify(&format!("{lower}完成投资")).or_else(|| classify(&format!("{lower}投资")))
    })
}

struct Column {
    col: Col,
    index: usize,
    /// The amount unit the header names, if any.
    unit: Option<AmountUnit>,
}

/// Reads a progress workbook (.xlsx, .xls, .xlsb or .ods). Never panics.
pub fn read_reports(bytes: &[u8]) -> ReportImport {
    read_guarded(bytes, read_workbook)
}

impl Gathered for ReportImport {
    fn skipped_rows(&mut self) -> &mut Vec<SkippedRow> {
        &mut self.skipped_rows
    }
    fn errors(&mut self) -> &mut Vec<ImportError> {
        &mut self.errors
    }
}

fn read_workbook(bytes: &[u8]) -> Result<ReportImport, Bilingual> {
    let mut out: ReportImport = read_sheets(bytes, read_sheet)?;
    if out.reports.is_empty() && out.errors.is_empty() {
        out.errors.push(ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            message_zh: "没有找到含“项目名称”和“本月完成投资”或“累计完成投资”表头的工作表".into(),
            message_en: "no sheet has a header with 项目名称 and 本月完成投资 or 累计完成投资"
                .into(),
        });
    }
    Ok(out)
}

fn text_of(cell: &Data) -> String {
    cell.cell().as_text().map(header_key).unwrap_or_default()
}

/// The header: the first row naming a project column and an investment column, read alone or
/// (when it names at least one column itself) with the row under it completing it. Returns where
/// it is, how many rows it takes and its columns.
fn find_header(rows: &[&[Data]]) -> Option<(usize, usize, Vec<Column>)> {
    for at in 0..rows.len().min(HEADER_SEARCH_ROWS) {
        let one = read_header(rows, at, false);
        if complete(&one) {
            return Some((at, 1, one));
        }
        if !one.is_empty() {
            let two = read_header(rows, at, true);
            if complete(&two) {
                return Some((at, 2, two));
            }
        }
    }
    None
}

fn complete(columns: &[Column]) -> bool {
    let has = |c: Col| columns.iter().any(|x| x.col == c);
    (has(Col::Name) || has(Col::Code)) && (has(Col::Completed) || has(Col::YearToDate))
}

/// The columns of the header at `at`; with `two_rows`, a cell of the row below under an
/// unrecognised upper cell is read as the period word of its group ("本月" under "完成投资").
fn read_header(rows: &[&[Data]], at: usize, two_rows: bool) -> Vec<Column> {
    let keys = |r: usize| -> Vec<String> {
        rows.get(r)
            .map(|row| row.iter().map(text_of).collect())
            .unwrap_or_default()
    };
    let raw = |r: usize, i: usize| -> String {
        rows.get(r)
            .and_then(|row| row.get(i))
            .and_then(|c| c.cell().as_text().map(str::to_string))
            .unwrap_or_default()
    };
    let upper = keys(at);
    let lower = if two_rows { keys(at + 1) } else { Vec::new() };
    let mut columns: Vec<Column> = Vec::new();
    let mut group = String::new();
    let mut group_raw = String::new();
    for i in 0..upper.len().max(lower.len()) {
        let up = upper.get(i).cloned().unwrap_or_default();
        if !up.is_empty() {
            group.clone_from(&up);
            group_raw = raw(at, i);
        }
        let low = lower.get(i).cloned().unwrap_or_default();
        let (col, unit_text) = match classify(&up) {
            Some(c) => (Some(c), raw(at, i)),
            None if !low.is_empty() && !group.is_empty() => (
                classify_lower(&low, &group),
                format!("{}{}", raw(at, i), raw(at + 1, i)),
            ),
            None => (None, String::new()),
        };
        if let Some(col) = col
            && !columns.iter().any(|c| c.col == col)
        {
            // A group header names the unit for the columns under it.
            let unit = header_unit(&unit_text)
                .and_then(Result::ok)
                .or_else(|| header_unit(&group_raw).and_then(Result::ok));
            columns.push(Column {
                col,
                index: i,
                unit,
            });
        }
    }
    columns
}

fn read_sheet<'a>(sheet: &str, range: &'a Range<Data>, out: &mut ReportImport) {
    let start_row = range.start().map_or(0, |(r, _)| r);
    let start_col = range.start().map_or(0, |(_, c)| c);
    let rows: Vec<&[Data]> = range.rows().collect();
    let excel_row = |i: usize| start_row + u32::try_from(i).unwrap_or(u32::MAX) + 1;
    let Some((header_at, header_rows, columns)) = find_header(&rows) else {
        out.skipped_rows.push(SkippedRow {
            sheet: sheet.into(),
            row: 0,
            reason: "没有找到项目名称和完成投资表头，已跳过".into(),
        });
        return;
    };
    // The sheet's unit: a note above the header, else 万元.
    let sheet_unit = rows[..header_at]
        .iter()
        .flat_map(|r| r.iter())
        .filter_map(|c| c.cell().as_text())
        .find_map(|t| note_unit(t).and_then(Result::ok))
        .unwrap_or(AmountUnit::Wan);
    let letter = |index: usize| column_letter(start_col + u32::try_from(index).unwrap_or(0));
    out.sheets.push(SheetSummary {
        sheet: sheet.into(),
        header_row: excel_row(header_at),
        amount_unit: sheet_unit.label_zh().into(),
        columns: columns
            .iter()
            .map(|c| {
                let shown = |r: usize| {
                    rows.get(r)
                        .and_then(|row| row.get(c.index))
                        .map(|d| clean_name(&d.cell().display()))
                        .unwrap_or_default()
                };
                let upper = shown(header_at);
                if header_rows == 2 && (upper.is_empty() || classify(&header_key(&upper)).is_none())
                {
                    shown(header_at + 1)
                } else {
                    upper
                }
            })
            .collect(),
        ignored_columns: Vec::new(),
    });
    fn get<'r>(
        columns: &[Column],
        row: &'r [Data],
        col: Col,
    ) -> Option<(usize, Cell<'r>, Option<AmountUnit>)> {
        let c = columns.iter().find(|c| c.col == col)?;
        Some((
            c.index,
            row.get(c.index).map_or(Cell::Empty, |d| d.cell()),
            c.unit,
        ))
    }
    let get = |row: &'a [Data], col: Col| get(&columns, row, col);
    for (i, row) in rows.iter().enumerate().skip(header_at + header_rows) {
        let at = excel_row(i);
        if row.iter().all(|c| c.cell().is_blank()) {
            continue;
        }
        let name = get(row, Col::Name).and_then(|(_, c, _)| c.text_value());
        let code = get(row, Col::Code).and_then(|(_, c, _)| c.text_value());
        let first_text = row.iter().find_map(|c| c.cell().text_value());
        let label = name.clone().or(first_text.clone()).unwrap_or_default();
        if let Some(word) = subtotal_word(&label) {
            out.skipped_rows.push(SkippedRow {
                sheet: sheet.into(),
                row: at,
                reason: format!("{word}行"),
            });
            continue;
        }
        if is_note(&label) {
            out.skipped_rows.push(SkippedRow {
                sheet: sheet.into(),
                row: at,
                reason: format!("说明行：{}", label.chars().take(20).collect::<String>()),
            });
            continue;
        }
        let amounts_blank = [Col::Completed, Col::YearToDate]
            .iter()
            .all(|c| get(row, *c).is_none_or(|(_, cell, _)| cell.is_blank()));
        if amounts_blank
            && code.is_none()
            && list_marker(&label).is_some_and(|(_, rest)| !rest.is_empty())
        {
            out.skipped_rows.push(SkippedRow {
                sheet: sheet.into(),
                row: at,
                reason: format!("分组行：{label}"),
            });
            continue;
        }
        let column_of = |col: Col| {
            columns
                .iter()
                .find(|c| c.col == col)
                .map(|c| letter(c.index))
        };
        let mut report = ImportedReport {
            sheet: sheet.into(),
            row: at,
            code,
            name,
            completed_column: column_of(Col::Completed),
            ytd_column: column_of(Col::YearToDate),
            ..ImportedReport::default()
        };
        let mut error = |index: usize, m: Bilingual| {
            out.errors.push(ImportError {
                sheet: sheet.into(),
                row: Some(at),
                column: Some(letter(index)),
                message_zh: m.zh,
                message_en: m.en,
            });
        };
        if report.name.is_none() && report.code.is_none() {
            let index = columns
                .iter()
                .find(|c| c.col == Col::Name)
                .map_or(0, |c| c.index);
            error(
                index,
                bi(
                    "缺少项目名称或项目编号",
                    "the row names no project (项目名称 or 项目编号)",
                ),
            );
            continue;
        }
        for (col, slot) in [
            (Col::Completed, &mut report.completed),
            (Col::YearToDate, &mut report.year_to_date),
            (Col::AnnualPlan, &mut report.annual_plan),
        ] {
            if let Some((index, cell, unit)) = get(row, col) {
                match parse_amount(cell, unit.unwrap_or(sheet_unit)) {
                    Ok(v) => *slot = v,
                    Err(m) => error(index, m),
                }
            }
        }
        if let Some((index, cell, _)) = get(row, Col::Started) {
            match started(cell) {
                Ok(v) => report.started = v,
                Err(m) => error(index, m),
            }
        }
        if let Some((index, cell, _)) = get(row, Col::Halted) {
            match halted(cell) {
                Ok(v) => report.halted = v,
                Err(m) => error(index, m),
            }
        }
        if let Some((index, cell, _)) = get(row, Col::ActualStart) {
            match parse_cell_date(cell) {
                Ok(v) => report.actual_start = v,
                Err(m) => error(index, m),
            }
        }
        report.progress = get(row, Col::Progress).and_then(|(_, c, _)| {
            let t = c.display().trim().to_string();
            (!t.is_empty()).then_some(t)
        });
        out.reports.push(report);
    }
}

/// 是否开工: 是/否, 已开工/未开工, √/×, Y/N, 1/0; blank says nothing.
fn started(cell: Cell<'_>) -> Result<Option<bool>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    if let Cell::Bool(b) = cell {
        return Ok(Some(b));
    }
    let t = clean_name(&cell.display());
    match t.as_str() {
        "是" | "已开工" | "开工" | "√" | "✓" | "Y" | "y" | "YES" | "Yes" | "yes" | "1" => {
            Ok(Some(true))
        }
        "否" | "未开工" | "×" | "✗" | "N" | "n" | "NO" | "No" | "no" | "0" => {
            Ok(Some(false))
        }
        _ => Err(bi(
            format!("“{t}”不是“是”或“否”"),
            format!("“{t}” is not 是 (yes) or 否 (no)"),
        )),
    }
}

/// 是否停工 / 停复工: 是/停工/停建 → halted; 否/复工/在建/正常 → not; blank says nothing.
fn halted(cell: Cell<'_>) -> Result<Option<bool>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    if let Cell::Bool(b) = cell {
        return Ok(Some(b));
    }
    let t = clean_name(&cell.display());
    match t.as_str() {
        "是" | "停工" | "已停工" | "停建" | "√" | "✓" | "Y" | "y" | "1" => {
            Ok(Some(true))
        }
        "否" | "复工" | "已复工" | "在建" | "正常" | "正常施工" | "×" | "✗" | "N" | "n" | "0" => {
            Ok(Some(false))
        }
        _ => Err(bi(
            format!("“{t}”不是“停工”或“复工”"),
            format!("“{t}” is not 停工 (halted) or 复工 (resumed)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_synonyms() {
        for (key, want) in [
            ("本月完成投资", Col::Completed),
            ("6月完成投资", Col::Completed),
            ("1-6月累计完成投资", Col::YearToDate),
            ("1-6月完成投资", Col::YearToDate),
            ("1至6月累计", Col::YearToDate),
            ("年度累计", Col::YearToDate),
            ("2025年计划投资", Col::AnnualPlan),
            ("年度计划投资", Col::AnnualPlan),
            ("是否开工", Col::Started),
            ("停复工情况", Col::Halted),
            ("形象进度", Col::Progress),
        ] {
            assert_eq!(classify(key), Some(want), "{key}");
        }
        assert_eq!(classify("总投资"), None);
        assert_eq!(classify("16月"), None);
        assert_eq!(classify_lower("本月", "完成投资"), Some(Col::Completed));
        assert_eq!(
            classify_lower("1-6月累计", "投资完成情况"),
            Some(Col::YearToDate)
        );
        assert_eq!(classify_lower("本月", "开工情况"), None);
    }
}
