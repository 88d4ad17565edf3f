//! Plain tables as a workbook: a title row, one bold header row, text and whole numbers; the
//! lists offices pass around (the half-monthly 要件 bulletin, due lists, the ranking), ready to
//! print.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

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

/// The fill of a cell that names a light.
fn light_fill(text: &str) -> Option<Color> {
    match text {
        "红灯" | "Red" => Some(Color::RGB(0xF4B6B0)),
        "黄灯" | "Yellow" => Some(Color::RGB(0xFFE699)),
        "绿灯" | "Green" => Some(Color::RGB(0xC6E0B4)),
        _ => None,
    }
}

/// The tables as a workbook that prints as offices print them: the title merged and centred
/// over the table, the date line under it, every cell bordered, amounts with thousands
/// separators, a light's cell in its colour, landscape and one page wide, the header row
/// repeated on every page.
pub fn write_tables(sheets: &[TableSheet]) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let subtitle = Format::new().set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let whole = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    let fixed = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    for table in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&table.name))?;
        let last_col = u16::try_from(table.headers.len().max(1) - 1).unwrap_or(u16::MAX);
        if last_col > 0 {
            sheet.merge_range(0, 0, 0, last_col, &table.title, &title)?;
        } else {
            sheet.write_string_with_format(0, 0, &table.title, &title)?;
        }
        sheet.set_row_height(0, 30)?;
        let header_row = if table.subtitle.is_empty() {
            1
        } else {
            if last_col > 0 {
                sheet.merge_range(1, 0, 1, last_col, &table.subtitle, &subtitle)?;
            } else {
                sheet.write_string_with_format(1, 0, &table.subtitle, &subtitle)?;
            }
            2
        };
        for (col, h) in table.headers.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            sheet.write_string_with_format(header_row, col, h, &header)?;
            sheet.set_column_width(col, if col == 1 { 36 } else { 14 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r).map_or(u32::MAX, |r| r + header_row + 1);
            for (col, cell) in row.iter().enumerate() {
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                match cell {
                    TableCell::Text(t) => match light_fill(t) {
                        Some(fill) => sheet.write_string_with_format(
                            r,
                            col,
                            t,
                            &text.clone().set_background_color(fill),
                        )?,
                        None => sheet.write_string_with_format(r, col, t, &text)?,
                    },
                    TableCell::Number(n) => {
                        sheet.write_number_with_format(r, col, *n as f64, &whole)?
                    }
                    TableCell::Fixed(x) => sheet.write_number_with_format(r, col, *x, &fixed)?,
                };
            }
        }
        sheet.set_freeze_panes(header_row + 1, 0)?;
        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(header_row, header_row)?;
        sheet.set_print_center_horizontally(true);
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

    /// The print set-up, read from the package's XML: the title merged over the table,
    /// landscape, one page wide, the header repeated, thousands separators, a light's fill.
    #[test]
    fn tables_print_as_offices_print_them() {
        use std::io::Read;
        let bytes = write_tables(&[TableSheet {
            name: "排名".into(),
            title: "2025年9月亮晒排名".into(),
            subtitle: "福清市发展和改革局　2025年10月8日".into(),
            headers: vec![
                "排名".into(),
                "单位".into(),
                "年度计划（万元）".into(),
                "亮灯".into(),
            ],
            rows: vec![vec![
                TableCell::Number(1),
                TableCell::Text("龙田镇".into()),
                TableCell::Fixed(123_456.5),
                TableCell::Text("红灯".into()),
            ]],
        }])
        .unwrap_or_default();
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let mut part = |name: &str| {
            let mut xml = String::new();
            zip.by_name(name)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .read_to_string(&mut xml)
                .unwrap_or_else(|e| panic!("{e}"));
            xml
        };
        let sheet = part("xl/worksheets/sheet1.xml");
        for expected in [
            "<mergeCell ref=\"A1:D1\"/>",
            "<mergeCell ref=\"A2:D2\"/>",
            "orientation=\"landscape\"",
            "fitToHeight=\"0\"",
            "<pageSetUpPr fitToPage=\"1\"/>",
        ] {
            assert!(sheet.contains(expected), "{expected}\n{sheet}");
        }
        let styles = part("xl/styles.xml");
        assert!(styles.contains("#,##0.00"), "{styles}");
        assert!(
            styles.contains("FFF4B6B0"),
            "the red light's fill: {styles}"
        );
        let book = part("xl/workbook.xml");
        assert!(book.contains("_xlnm.Print_Titles"), "{book}");
    }
}
