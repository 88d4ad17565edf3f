//! Workbooks written as text, for tests of the importers and of what reads their files (the
//! CLI, the upload pages). Behind the `testing` feature: not in the binary.
//!
//! A sheet is one string per row with cells separated by `|`: `#1200.5` is a number cell,
//! `@2025-03-15` an Excel date cell, an empty string an empty cell, anything else text. A line
//! `!merge A3:A4 C3:E3` merges ranges, keeping the text of their first cell; a line
//! `!cell XFD1048576 x` writes one cell anywhere (a value far outside the table).

#![allow(
    clippy::expect_used,
    reason = "a test's workbook that cannot be written is a bug"
)]

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

/// A cell reference ("C3", "AB12") as 0-based row and column.
fn cell_ref(text: &str) -> (u32, u16) {
    let letters: String = text.chars().take_while(char::is_ascii_alphabetic).collect();
    let row: u32 = text[letters.len()..].parse().expect("a row number");
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    (
        row - 1,
        u16::try_from(col).expect("a column within Excel's"),
    )
}

/// An .xlsx of named sheets, each written as lines (see the module).
pub fn workbook(sheets: &[(&str, &[&str])]) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, lines) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("a valid sheet name");
        let mut rows: Vec<Vec<&str>> = Vec::new();
        let mut merges = Vec::new();
        let mut placed = Vec::new();
        for line in *lines {
            if let Some(ranges) = line.strip_prefix("!merge ") {
                merges.extend(ranges.split_whitespace());
            } else if let Some(cell) = line.strip_prefix("!cell ") {
                placed.push(cell.split_once(' ').expect("!cell REF TEXT"));
            } else {
                rows.push(line.split('|').collect());
            }
        }
        for (r, cells) in rows.iter().enumerate() {
            for (c, text) in cells.iter().enumerate() {
                let r = u32::try_from(r).expect("a row within Excel's");
                let c = u16::try_from(c).expect("a column within Excel's");
                if text.is_empty() {
                    continue;
                }
                if let Some(n) = text.strip_prefix('#') {
                    let n: f64 = n.parse().expect("a number after #");
                    sheet.write_number(r, c, n).expect("a number cell");
                } else if let Some(d) = text.strip_prefix('@') {
                    let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date after @");
                    sheet
                        .write_date_with_format(r, c, d, &date)
                        .expect("a date cell");
                } else {
                    sheet.write_string(r, c, *text).expect("a text cell");
                }
            }
        }
        for (at, text) in placed {
            let (r, c) = cell_ref(at);
            sheet.write_string(r, c, text).expect("a placed cell");
        }
        for range in merges {
            let (a, b) = range.split_once(':').expect("a range A1:B2");
            let ((r1, c1), (r2, c2)) = (cell_ref(a), cell_ref(b));
            let text = rows
                .get(r1 as usize)
                .and_then(|r| r.get(usize::from(c1)))
                .copied()
                .unwrap_or("");
            sheet
                .merge_range(r1, c1, r2, c2, text, &Format::new())
                .expect("a merge");
        }
    }
    book.save_to_buffer().expect("the workbook written")
}

/// An .xlsx of one sheet named `name`.
pub fn sheet(name: &str, lines: &[&str]) -> Vec<u8> {
    workbook(&[(name, lines)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref("A1"), (0, 0));
        assert_eq!(cell_ref("C3"), (2, 2));
        assert_eq!(cell_ref("AB12"), (11, 27));
        assert_eq!(cell_ref("XFD1048576"), (1_048_575, 16_383));
    }
}
