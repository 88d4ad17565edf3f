//! Reading the problem lists offices keep (问题清单, 问题台账): one row per problem with its
//! project, what is in the way, the unit that must act and by when.
//!
//! The sheets have title rows, a one-row header, section rows ("一、用地问题") and note rows like
//! the ledgers. Columns are found by header synonyms; every problem is collected with its sheet,
//! row and column. Projects and units stay names here: the store matches them.

use calamine::{Data, Range};
use chrono::NaiveDate;
use domain::problem::{Category, Deadline, Status};
use domain::text::{clean_name, to_half_width};
use domain::{Bilingual, bi};
use serde::Serialize;

use crate::cells::{AsCell, Cell, parse_cell_date};
use crate::headers::{header_key, is_note, list_marker, subtotal_word};
use crate::{
    Gathered, ImportError, SheetSummary, SkippedRow, column_letter, read_guarded, read_sheets,
};

/// One problem row of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedProblem {
    pub sheet: String,
    /// 1-based Excel row.
    pub row: u32,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    /// 存在问题.
    pub title: String,
    /// 问题描述, when the sheet has its own column for it.
    pub description: Option<String>,
    /// 问题类别; 其他 when the sheet says nothing.
    pub category: Category,
    /// 责任单位 as written.
    pub unit_name: Option<String>,
    /// 协办单位 as written, split on 、，, and spaces.
    pub co_unit_names: Vec<String>,
    /// 提出时间; `None` when the sheet leaves it out (the importer uses the day of import).
    pub raised_on: Option<NaiveDate>,
    /// 办理时限: a date, or "5个工作日".
    pub deadline: Deadline,
    /// 办理状态; 待办 when the sheet says nothing.
    pub status: Status,
}

/// Everything read from a problem workbook; write only when `errors` is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProblemImport {
    pub problems: Vec<ImportedProblem>,
    pub skipped_rows: Vec<SkippedRow>,
    pub errors: Vec<ImportError>,
    pub sheets: Vec<SheetSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Code,
    Title,
    Description,
    Category,
    Unit,
    CoUnits,
    Raised,
    Deadline,
    Status,
}

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 20;

fn classify(key: &str) -> Option<Col> {
    let col = match key {
        "项目名称" | "项目" | "名称" | "项目名" => Col::Name,
        "项目编号" | "项目代码" | "编号" | "代码" | "统一项目代码" => Col::Code,
        "存在问题"
        | "存在的问题"
        | "问题"
        | "问题名称"
        | "主要问题"
        | "问题事项"
        | "困难问题"
        | "存在困难和问题"
        | "存在问题及困难"
        | "问题标题" => Col::Title,
        "问题描述" | "问题详情" | "具体问题" | "问题具体情况" | "情况说明" | "问题情况" => {
            Col::Description
        }
        "问题类别" | "问题类型" | "类别" | "类型" | "问题分类" => Col::Category,
        "责任单位" | "牵头责任单位" | "办理单位" | "承办单位" | "责任部门" | "主办单位" => {
            Col::Unit
        }
        "协办单位" | "配合单位" | "协助单位" | "配合部门" => Col::CoUnits,
        "提出时间" | "提出日期" | "反映时间" | "交办时间" | "登记时间" => {
            Col::Raised
        }
        "办理时限" | "完成时限" | "解决时限" | "时限" | "办结时限" | "计划完成时间" => {
            Col::Deadline
        }
        "办理状态" | "状态" | "进展状态" | "是否解决" | "是否办结" => Col::Status,
        _ => return None,
    };
    Some(col)
}

struct Column {
    col: Col,
    index: usize,
}

/// Reads a problem workbook (.xlsx, .xls, .xlsb or .ods). Never panics.
pub fn read_problems(bytes: &[u8]) -> ProblemImport {
    read_guarded(bytes, read_workbook)
}

impl Gathered for ProblemImport {
    fn skipped_rows(&mut self) -> &mut Vec<SkippedRow> {
        &mut self.skipped_rows
    }
    fn errors(&mut self) -> &mut Vec<ImportError> {
        &mut self.errors
    }
}

fn read_workbook(bytes: &[u8]) -> Result<ProblemImport, Bilingual> {
    let mut out: ProblemImport = read_sheets(bytes, read_sheet)?;
    if out.problems.is_empty() && out.errors.is_empty() {
        out.errors.push(ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            message_zh: "没有找到含“项目名称”和“存在问题”表头的工作表".into(),
            message_en: "no sheet has a header with 项目名称 and 存在问题".into(),
        });
    }
    Ok(out)
}

/// The header: the first row naming a project column and a problem column.
fn find_header(rows: &[&[Data]]) -> Option<(usize, Vec<Column>)> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(at, row)| {
            let mut columns: Vec<Column> = Vec::new();
            for (index, cell) in row.iter().enumerate() {
                let key = cell.cell().as_text().map(header_key).unwrap_or_default();
                if let Some(col) = classify(&key)
                    && !columns.iter().any(|c| c.col == col)
                {
                    columns.push(Column { col, index });
                }
            }
            let has = |c: Col| columns.iter().any(|x| x.col == c);
            ((has(Col::Name) || has(Col::Code)) && has(Col::Title)).then_some((at, columns))
        })
}

fn text(cell: Cell<'_>) -> Option<String> {
    let t = cell.display().trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// 办理时限: a date in any office form, or a number of working days ("5个工作日", "5工作日").
fn deadline(cell: Cell<'_>) -> Result<Option<Deadline>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    if let Some(t) = cell.as_text() {
        let t: String = to_half_width(t)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let days = t
            .strip_suffix("个工作日")
            .or_else(|| t.strip_suffix("工作日"))
            .or_else(|| t.strip_prefix("T+"));
        if let Some(days) = days {
            return days
                .parse::<u32>()
                .map(|n| Some(Deadline::Workdays(n)))
                .map_err(|_| {
                    bi(
                        format!("办理时限“{t}”中的工作日数无法识别"),
                        format!("the number of working days in “{t}” cannot be read"),
                    )
                });
        }
    }
    parse_cell_date(cell)
        .map(|d| d.map(Deadline::On))
        .map_err(|m| {
            bi(
                format!("{}（办理时限应为日期或“N个工作日”）", m.zh),
                format!("{} (a deadline is a date or “N个工作日”)", m.en),
            )
        })
}

fn read_sheet(sheet: &str, range: &Range<Data>, out: &mut ProblemImport) {
    let start_row = range.start().map_or(0, |(r, _)| r);
    let start_col = range.start().map_or(0, |(_, c)| c);
    let rows: Vec<&[Data]> = range.rows().collect();
    let excel_row = |i: usize| start_row + u32::try_from(i).unwrap_or(u32::MAX) + 1;
    let Some((header_at, columns)) = find_header(&rows) else {
        out.skipped_rows.push(SkippedRow {
            sheet: sheet.into(),
            row: 0,
            reason: "没有找到项目名称和存在问题表头，已跳过".into(),
        });
        return;
    };
    let letter = |index: usize| column_letter(start_col + u32::try_from(index).unwrap_or(0));
    out.sheets.push(SheetSummary {
        sheet: sheet.into(),
        header_row: excel_row(header_at),
        amount_unit: String::new(),
        columns: columns
            .iter()
            .map(|c| {
                rows[header_at]
                    .get(c.index)
                    .map(|d| clean_name(&d.cell().display()))
                    .unwrap_or_default()
            })
            .collect(),
        ignored_columns: Vec::new(),
    });
    let index_of = |col: Col| columns.iter().find(|c| c.col == col).map(|c| c.index);
    for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
        let at = excel_row(i);
        if row.iter().all(|c| c.cell().is_blank()) {
            continue;
        }
        let get = |col: Col| -> Option<(usize, Cell<'_>)> {
            let index = index_of(col)?;
            Some((index, row.get(index).map_or(Cell::Empty, |d| d.cell())))
        };
        let value = |col: Col| get(col).and_then(|(_, c)| c.text_value());
        let name = value(Col::Name);
        let code = value(Col::Code);
        let title = get(Col::Title).and_then(|(_, c)| text(c));
        let label = name
            .clone()
            .or_else(|| row.iter().find_map(|c| c.cell().text_value()))
            .unwrap_or_default();
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
        if title.is_none()
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
        let mut errors: Vec<(usize, Bilingual)> = Vec::new();
        if name.is_none() && code.is_none() {
            errors.push((
                index_of(Col::Name).or(index_of(Col::Code)).unwrap_or(0),
                bi(
                    "缺少项目名称或项目编号",
                    "the row names no project (项目名称 or 项目编号)",
                ),
            ));
        }
        if title.is_none() {
            errors.push((
                index_of(Col::Title).unwrap_or(0),
                bi("缺少存在问题", "the row says no problem (存在问题)"),
            ));
        }
        let category = match get(Col::Category).and_then(|(i, c)| text(c).map(|t| (i, t))) {
            None => Category::Other,
            Some((index, t)) => Category::parse(&t).unwrap_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.label()).collect();
                errors.push((
                    index,
                    bi(
                        format!("问题类别“{t}”无法识别，应为：{}", known.join("、")),
                        format!(
                            "the category “{t}” is not one of: {}",
                            Category::ALL.map(Category::label_en).join(", ")
                        ),
                    ),
                ));
                Category::Other
            }),
        };
        let status = match get(Col::Status).and_then(|(i, c)| text(c).map(|t| (i, t))) {
            None => Status::Open,
            // "是否解决": 是 / 否.
            Some((_, t)) if t == "是" => Status::Resolved,
            Some((_, t)) if t == "否" => Status::Open,
            Some((index, t)) => Status::parse(&t).unwrap_or_else(|| {
                errors.push((
                    index,
                    bi(
                        format!("办理状态“{t}”无法识别，应为：待办、办理中、已解决、已销号"),
                        format!(
                            "the status “{t}” is not one of 待办, 办理中, 已解决, 已销号 \
                             (open, in progress, resolved, closed off)"
                        ),
                    ),
                ));
                Status::Open
            }),
        };
        let raised_on = match get(Col::Raised) {
            Some((index, cell)) => parse_cell_date(cell).unwrap_or_else(|m| {
                errors.push((index, m));
                None
            }),
            None => None,
        };
        let due = match get(Col::Deadline) {
            Some((index, cell)) => deadline(cell).unwrap_or_else(|m| {
                errors.push((index, m));
                None
            }),
            None => None,
        };
        if let (Some(raised), Some(Deadline::On(day))) = (raised_on, due)
            && day < raised
        {
            errors.push((
                index_of(Col::Deadline).unwrap_or(0),
                bi(
                    format!("办理时限 {day} 早于提出时间 {raised}"),
                    format!("the deadline {day} is before the day it was raised, {raised}"),
                ),
            ));
        }
        if due.is_none() && title.is_some() {
            errors.push((
                index_of(Col::Deadline).unwrap_or(0),
                bi(
                    "缺少办理时限（填写日期或“N个工作日”）",
                    "the row has no deadline (办理时限: a date or “N个工作日”)",
                ),
            ));
        }
        let (Some(due), true) = (due, errors.is_empty()) else {
            for (index, m) in errors {
                out.errors.push(ImportError {
                    sheet: sheet.into(),
                    row: Some(at),
                    column: Some(letter(index)),
                    message_zh: m.zh,
                    message_en: m.en,
                });
            }
            continue;
        };
        let co_unit_names = value(Col::CoUnits)
            .map(|t| {
                t.split(['、', '，', ',', '；', ';', ' ', '\u{3000}', '\n'])
                    .map(clean_name)
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        out.problems.push(ImportedProblem {
            sheet: sheet.into(),
            row: at,
            project_code: code,
            project_name: name,
            title: title.unwrap_or_default(),
            description: get(Col::Description).and_then(|(_, c)| text(c)),
            category,
            unit_name: value(Col::Unit),
            co_unit_names,
            raised_on,
            deadline: due,
            status,
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn header_synonyms() {
        for (key, want) in [
            ("项目名称", Col::Name),
            ("存在问题", Col::Title),
            ("存在困难和问题", Col::Title),
            ("问题描述", Col::Description),
            ("问题类别", Col::Category),
            ("责任单位", Col::Unit),
            ("配合单位", Col::CoUnits),
            ("提出时间", Col::Raised),
            ("办理时限", Col::Deadline),
            ("办理状态", Col::Status),
        ] {
            assert_eq!(classify(key), Some(want), "{key}");
        }
        assert_eq!(classify("总投资"), None);
    }

    #[test]
    fn deadlines_as_dates_or_working_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (text, want) in [
            ("5个工作日", Some(Deadline::Workdays(5))),
            ("１０ 工作日", Some(Deadline::Workdays(10))),
            ("2025-10-10", Some(Deadline::On(day(2025, 10, 10)))),
            ("2025年10月10日", Some(Deadline::On(day(2025, 10, 10)))),
            ("", None),
        ] {
            let cell = if text.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(text)
            };
            assert_eq!(deadline(cell).unwrap(), want, "{text}");
        }
        for bad in ["长期", "五个工作日", "2025-13-01"] {
            assert!(deadline(Cell::Text(bad)).is_err(), "{bad}");
        }
    }
}
