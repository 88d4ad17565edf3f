//! Plain tables as a workbook: a title row, one bold header row, text and whole numbers; the
//! lists offices pass around (the half-monthly 要件 bulletin, due lists).

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};

use crate::ledger_export::{ExportError, sheet_name};

/// A cell of a plain table.
#[derive(Debug, Clone, PartialEq)]
pub enum TableCell {
    Text(String),
    Number(i64),
    /// A decimal shown with two places (a rate in percent, a score, 万元).
    Fixed(f64),
}

/// One sheet: its name, a title written above the table, the headers and the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSheet {
    pub name: String,
    pub title: String,
    /// A line under the title (the date, the unit that publishes), or empty.
    pub subtitle: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<TableCell>>,
}

pub fn write_tables(sheets: &[TableSheet]) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let fixed = Format::new().set_num_format("0.00");
    for table in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&table.name))?;
        sheet.write_string_with_format(0, 0, &table.title, &title)?;
        let header_row = if table.subtitle.is_empty() {
            1
        } else {
            sheet.write_string(1, 0, &table.subtitle)?;
            2
        };
        for (col, h) in table.headers.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            sheet.write_string_with_format(header_row, col, h, &header)?;
            sheet.set_column_width(col, if col == 1 { 36 } else { 16 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r).map_or(u32::MAX, |r| r + header_row + 1);
            for (col, cell) in row.iter().enumerate() {
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                match cell {
                    TableCell::Text(t) => sheet.write_string(r, col, t)?,
                    TableCell::Number(n) => sheet.write_number(r, col, *n as f64)?,
                    TableCell::Fixed(x) => sheet.write_number_with_format(r, col, *x, &fixed)?,
                };
            }
        }
        sheet.set_freeze_panes(header_row + 1, 0)?;
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn writes_readable_sheets() {
        let bytes = write_tables(&[TableSheet {
            name: "本期完成要件".into(),
            title: "2025年10月上半月要件办理通报".into(),
            subtitle: String::new(),
            headers: vec!["序号".into(), "项目名称".into(), "逾期工作日".into()],
            rows: vec![vec![
                TableCell::Number(1),
                TableCell::Text("江阴港区污水处理厂".into()),
                TableCell::Number(3),
            ]],
        }])
        .unwrap_or_default();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .unwrap_or_else(|e| panic!("{e}"));
        let range = book
            .worksheet_range("本期完成要件")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            range.get_value((2, 1)).map(|c| c.to_string()),
            Some("江阴港区污水处理厂".into())
        );
        assert_eq!(
            range.get_value((2, 2)).map(|c| c.to_string()),
            Some("3".into())
        );
    }
}
