//! What the office's Word documents share: 宋体 text, 黑体 headings, tables with a shaded
//! header row, dates as offices write them.

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, Paragraph, Run, RunFonts, Shading, Table, TableCell, TableRow, WidthType,
};

pub(crate) const FONT: &str = "宋体";
pub(crate) const TITLE_FONT: &str = "黑体";

pub(crate) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
}

pub(crate) fn text(t: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(t).fonts(fonts(FONT)).size(24))
}

pub(crate) fn heading(t: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(t)
            .fonts(fonts(TITLE_FONT))
            .size(28)
            .bold(),
    )
}

pub(crate) fn cell(t: &str) -> TableCell {
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(t).fonts(fonts(FONT)).size(21)))
}

pub(crate) fn header_cell(t: &str) -> TableCell {
    TableCell::new()
        .shading(Shading::new().fill("D9E2F3"))
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                Run::new()
                    .add_text(t)
                    .fonts(fonts(TITLE_FONT))
                    .size(21)
                    .bold(),
            ),
        )
}

/// A table with a shaded header row; `widths` in twentieths of a point, one per column.
pub(crate) fn table(headers: &[&str], widths: &[usize], rows: Vec<Vec<String>>) -> Table {
    let mut all = vec![TableRow::new(
        headers.iter().map(|h| header_cell(h)).collect(),
    )];
    all.extend(
        rows.into_iter()
            .map(|r| TableRow::new(r.iter().map(|t| cell(t)).collect())),
    );
    Table::new(all)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
}

/// 2025年6月30日.
pub fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
