//! One cell as the importer sees it, whatever the file format, and its conversion to amounts,
//! dates, years and counts.
//!
//! calamine hands out owned [`Data`] for .xls/.ods and borrowed [`DataRef`] for streamed .xlsx;
//! [`Cell`] is a cheap borrowed view of either, so the row logic is written once and no cell is
//! copied just to be looked at.

use std::borrow::Cow;

use calamine::{CellErrorType, Data, DataRef, ExcelDateTime};
use chrono::NaiveDate;
use domain::dates::{Edge, from_excel_serial, parse_date, parse_span};
use domain::text::{clean_name, normalize_number_text, to_half_width};
use domain::{AmountUnit, Bilingual, Money, bi};

/// A borrowed view of a cell.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Empty,
    Int(i64),
    Float(f64),
    Text(&'a str),
    /// A number formatted as a date or time in the workbook.
    Date(ExcelDateTime),
    /// An ISO 8601 date or time, as .ods stores them.
    Iso(&'a str),
    Bool(bool),
    Error(&'a CellErrorType),
}

/// Anything a row can be made of.
pub(crate) trait AsCell {
    fn cell(&self) -> Cell<'_>;
    /// An owned copy, for the few rows (headers, merged anchors) kept past their row.
    fn to_data(&self) -> Data;
}

impl AsCell for Data {
    fn cell(&self) -> Cell<'_> {
        match self {
            Data::Int(i) => Cell::Int(*i),
            Data::Float(f) => Cell::Float(*f),
            Data::String(s) => Cell::Text(s),
            Data::Bool(b) => Cell::Bool(*b),
            Data::DateTime(d) => Cell::Date(*d),
            Data::DateTimeIso(s) => Cell::Iso(s),
            Data::DurationIso(s) => Cell::Text(s),
            Data::Error(e) => Cell::Error(e),
            Data::Empty => Cell::Empty,
        }
    }

    fn to_data(&self) -> Data {
        self.clone()
    }
}

impl AsCell for DataRef<'_> {
    fn cell(&self) -> Cell<'_> {
        match self {
            DataRef::Int(i) => Cell::Int(*i),
            DataRef::Float(f) => Cell::Float(*f),
            DataRef::String(s) => Cell::Text(s),
            DataRef::SharedString(s) => Cell::Text(s),
            DataRef::Bool(b) => Cell::Bool(*b),
            DataRef::DateTime(d) => Cell::Date(*d),
            DataRef::DateTimeIso(s) => Cell::Iso(s),
            DataRef::DurationIso(s) => Cell::Text(s),
            DataRef::Error(e) => Cell::Error(e),
            DataRef::Empty => Cell::Empty,
        }
    }

    fn to_data(&self) -> Data {
        self.clone().into()
    }
}

/// Whitespace as sheets have it: ASCII, the ideographic space and the no-break space.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

/// What clerks type into a cell to say "nothing here": read as empty in number and date columns.
fn is_placeholder(text: &str) -> bool {
    matches!(
        text.trim_matches(is_space),
        "-" | "--" | "—" | "——" | "－" | "–" | "/" | "／" | "无" | "暂无" | "\\"
    )
}

impl<'a> Cell<'a> {
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) | Cell::Iso(s) => s.chars().all(is_space),
            _ => false,
        }
    }

    /// The text of a text cell, or `None` for any other kind; for matching headers and markers.
    pub(crate) fn as_text(&self) -> Option<&'a str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The cell as text, as Excel would show it, for text fields such as names and codes.
    pub(crate) fn display(&self) -> Cow<'a, str> {
        match *self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) | Cell::Iso(s) => Cow::Borrowed(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(format!("{f}")),
            Cell::Date(d) => Cow::Owned(match excel_date(&d) {
                Some(date) => date.to_string(),
                None => format!("{}", d.as_f64()),
            }),
            Cell::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
            Cell::Error(e) => Cow::Owned(e.to_string()),
        }
    }

    /// The cell as a cleaned text value; `None` when it is blank.
    pub(crate) fn text_value(&self) -> Option<String> {
        let text = clean_name(&self.display());
        (!text.is_empty()).then_some(text)
    }
}

fn excel_date(d: &ExcelDateTime) -> Option<NaiveDate> {
    d.as_datetime().map(|dt| dt.date())
}

fn error_cell(e: &CellErrorType) -> Bilingual {
    bi(
        format!("单元格是错误值 {e}"),
        format!("the cell holds the error value {e}"),
    )
}

fn not_an_amount(shown: &str) -> Bilingual {
    bi(
        format!("“{shown}”不是有效的金额数字"),
        format!("“{shown}” is not a valid amount"),
    )
}

fn negative() -> Bilingual {
    bi("金额不能为负数", "the amount cannot be negative")
}

/// Reads an amount stated in `unit`. Text may carry its own unit ("1.2亿元").
pub(crate) fn parse_amount(cell: Cell<'_>, unit: AmountUnit) -> Result<Option<Money>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    let money = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => Money::from_f64(i as f64, unit),
        Cell::Float(f) => Money::from_f64(f, unit),
        Cell::Text(s) => {
            if is_placeholder(s) {
                return Ok(None);
            }
            let half = to_half_width(s);
            let mut text = half.trim_matches(is_space);
            let mut unit = unit;
            for suffix in ["亿元", "万元", "亿", "万", "元"] {
                if let Some(rest) = text.strip_suffix(suffix) {
                    unit = AmountUnit::detect(suffix).unwrap_or(unit);
                    text = rest;
                    break;
                }
            }
            match Money::parse(text, unit)? {
                Some(m) => Some(m),
                None => return Err(not_an_amount(s.trim_matches(is_space))),
            }
        }
        Cell::Bool(_) | Cell::Date(_) | Cell::Iso(_) => {
            return Err(not_an_amount(&cell.display()));
        }
        Cell::Error(e) => return Err(error_cell(e)),
    };
    match money {
        Some(m) if m.is_negative() => Err(negative()),
        Some(m) => Ok(Some(m)),
        None => Err(bi(
            format!("金额“{}”超出范围", cell.display()),
            format!("amount “{}” is out of range", cell.display()),
        )),
    }
}

fn not_a_date(shown: &str) -> Bilingual {
    bi(
        format!("“{shown}”不是有效日期（可写作 2025-03-15、2025-03、2025.3 或 2025年3月）"),
        format!("“{shown}” is not a valid date (write 2025-03-15, 2025-03, 2025.3 or 2025年3月)"),
    )
}

/// Reads a date. A number typed as 2025.3 means March 2025 (its fraction, as printed, is the
/// month); a whole number 1900–2200 is a year; a whole number of 20000 or more is an Excel
/// serial that lost its date format.
pub(crate) fn parse_cell_date(cell: Cell<'_>) -> Result<Option<NaiveDate>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) if d.is_datetime() => excel_date(&d)
            .map(Some)
            .ok_or_else(|| not_a_date(&cell.display())),
        Cell::Date(d) => number_date(d.as_f64()),
        Cell::Int(i) => number_date(i as f64),
        Cell::Float(f) => number_date(f),
        Cell::Iso(s) => parse_date(s.get(..10).unwrap_or(s), Edge::Start),
        Cell::Text(s) => {
            if is_placeholder(s) {
                return Ok(None);
            }
            // "2025-03-15 00:00:00": a date exported with its time.
            let t = s.trim_matches(is_space);
            let t = match t.split_once([' ', 'T']) {
                Some((date, time)) if time.contains(':') => date,
                _ => t,
            };
            parse_date(t, Edge::Start)
        }
        Cell::Bool(_) => Err(not_a_date(&cell.display())),
        Cell::Error(e) => Err(error_cell(e)),
    }
}

fn number_date(f: f64) -> Result<Option<NaiveDate>, Bilingual> {
    let shown = format!("{f}");
    let whole = f.trunc();
    if (1900.0..=2200.0).contains(&whole) {
        // Year, or year.month as printed: parse_date checks the month.
        return parse_date(&shown, Edge::Start).map_err(|_| not_a_date(&shown));
    }
    match from_excel_serial(f) {
        Some(d) if f >= 20_000.0 => Ok(Some(d)),
        _ => Err(not_a_date(&shown)),
    }
}

/// Reads a construction period (建设起止年限).
pub(crate) fn parse_cell_span(cell: Cell<'_>) -> Result<Option<(NaiveDate, NaiveDate)>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(s) | Cell::Iso(s) => {
            if is_placeholder(s) {
                Ok(None)
            } else {
                parse_span(s)
            }
        }
        Cell::Int(_) | Cell::Float(_) => parse_span(&cell.display()),
        Cell::Error(e) => Err(error_cell(e)),
        Cell::Date(_) | Cell::Bool(_) => {
            let shown = cell.display();
            Err(bi(
                format!(
                    "“{shown}”不是有效的起止年限（可写作 2024-2026、2025.3-2027.12 或 2025年3月-2026年6月）"
                ),
                format!(
                    "“{shown}” is not a valid period (write 2024-2026, 2025.3-2027.12 or 2025年3月-2026年6月)"
                ),
            ))
        }
    }
}

/// Reads the year of an annual plan (计划年度): 2025, "2025", "2025年".
pub(crate) fn parse_year(cell: Cell<'_>) -> Result<Option<i32>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    let shown = cell.display();
    let year = match cell {
        Cell::Int(i) => i32::try_from(i).ok(),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e6 => Some(f as i32),
        Cell::Text(s) => normalize_number_text(s)
            .trim_end_matches('年')
            .trim_end_matches("年度")
            .parse::<i32>()
            .ok(),
        _ => None,
    };
    match year {
        Some(y) if (2000..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(bi(
            format!("“{shown}”不是有效年份"),
            format!("“{shown}” is not a valid year"),
        )),
    }
}

/// Reads a head count (新增就业): 300, "300人", "1,200".
pub(crate) fn parse_count(cell: Cell<'_>) -> Result<Option<i64>, Bilingual> {
    if cell.is_blank() {
        return Ok(None);
    }
    let shown = cell.display();
    let count = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => Some(i),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Some(f as i64),
        Cell::Text(s) if is_placeholder(s) => return Ok(None),
        Cell::Text(s) => normalize_number_text(s)
            .trim_end_matches('人')
            .parse::<i64>()
            .ok(),
        _ => None,
    };
    match count {
        Some(n) if n < 0 => Err(bi("新增就业不能为负数", "new jobs cannot be negative")),
        Some(n) => Ok(Some(n)),
        None => Err(bi(
            format!("“{shown}”不是有效人数"),
            format!("“{shown}” is not a whole number of people"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fen(cell: Cell<'_>, unit: AmountUnit) -> Result<Option<i64>, String> {
        parse_amount(cell, unit)
            .map(|m| m.map(Money::fen))
            .map_err(|e| e.zh)
    }

    #[test]
    fn amounts() {
        use AmountUnit::*;
        type Case<'a> = (Cell<'a>, AmountUnit, Result<Option<i64>, &'a str>);
        let cases: &[Case<'_>] = &[
            (Cell::Float(1200.5), Wan, Ok(Some(1_200_500_000))),
            (Cell::Int(3), Yi, Ok(Some(30_000_000_000))),
            (Cell::Text("1,234.5"), Wan, Ok(Some(1_234_500_000))),
            (Cell::Text("１２３４"), Wan, Ok(Some(1_234_000_000))),
            (Cell::Text("  12 "), Yuan, Ok(Some(1200))),
            (Cell::Text("1.2亿元"), Wan, Ok(Some(12_000_000_000))),
            (Cell::Text("500万"), Yi, Ok(Some(500_000_000))),
            (Cell::Text("-"), Wan, Ok(None)),
            (Cell::Text("　"), Wan, Ok(None)),
            (Cell::Empty, Wan, Ok(None)),
            (Cell::Float(-0.0), Wan, Ok(Some(0))),
            (Cell::Float(-5.0), Wan, Err("金额不能为负数")),
            (Cell::Text("-5"), Wan, Err("金额不能为负数")),
            (Cell::Text("约500"), Wan, Err("“约500”不是有效的金额数字")),
            (Cell::Text("万元"), Wan, Err("“万元”不是有效的金额数字")),
            (Cell::Bool(true), Wan, Err("“TRUE”不是有效的金额数字")),
            (Cell::Float(f64::INFINITY), Wan, Err("金额“inf”超出范围")),
        ];
        for (cell, unit, want) in cases {
            assert_eq!(fen(*cell, *unit), want.map_err(str::to_string), "{cell:?}");
        }
    }

    #[test]
    fn dates() {
        let serial = ExcelDateTime::new(45731.0, ExcelDateTimeType::DateTime, false);
        let serial_1904 = ExcelDateTime::new(44269.0, ExcelDateTimeType::DateTime, true);
        let cases: &[(Cell<'_>, Option<&str>)] = &[
            (Cell::Date(serial), Some("2025-03-15")),
            (Cell::Date(serial_1904), Some("2025-03-15")),
            (Cell::Iso("2025-03-15T00:00:00"), Some("2025-03-15")),
            (Cell::Float(2025.3), Some("2025-03-01")),
            (Cell::Float(2025.12), Some("2025-12-01")),
            (Cell::Float(2025.0), Some("2025-01-01")),
            (Cell::Int(45731), Some("2025-03-15")),
            (Cell::Text("2025-03"), Some("2025-03-01")),
            (Cell::Text("2025年3月"), Some("2025-03-01")),
            (Cell::Text("2025-03-15 00:00:00"), Some("2025-03-15")),
            (Cell::Text("/"), None),
        ];
        for (cell, want) in cases {
            assert_eq!(parse_cell_date(*cell).unwrap(), want.map(d), "{cell:?}");
        }
        for bad in [
            Cell::Float(2025.13),
            Cell::Int(300),
            Cell::Float(12345.0),
            Cell::Text("2025-02-30"),
            Cell::Bool(false),
        ] {
            assert!(parse_cell_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn years_and_counts() {
        assert_eq!(parse_year(Cell::Float(2025.0)).unwrap(), Some(2025));
        assert_eq!(parse_year(Cell::Text("2026年")).unwrap(), Some(2026));
        assert!(parse_year(Cell::Text("明年")).is_err());
        assert_eq!(parse_count(Cell::Text("1,200人")).unwrap(), Some(1200));
        assert_eq!(parse_count(Cell::Float(30.0)).unwrap(), Some(30));
        assert!(parse_count(Cell::Float(3.5)).is_err());
        assert!(parse_count(Cell::Int(-3)).is_err());
    }
}
