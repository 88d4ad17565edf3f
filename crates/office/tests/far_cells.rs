//! Workbooks that claim a huge size: a value typed far outside the table, or a damaged file's
//! cell at XFD1048576. Each importer reads the table, names the stray cells, and never sizes its
//! memory by them.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a failure is the test failing"
)]

use office::{read_ledger, read_problems, read_reports};

/// A sheet of `rows` (written as text, see `office::testing`) with one more value at each of
/// `far` (row, column, 0-based).
fn with_far_cells(rows: &[&str], far: &[(u32, u16)]) -> Vec<u8> {
    let placed: Vec<String> = far
        .iter()
        .map(|&(r, c)| format!("!cell {}{} x", column_letter(c), r + 1))
        .collect();
    let mut lines: Vec<&str> = rows.to_vec();
    lines.extend(placed.iter().map(String::as_str));
    office::testing::sheet("Sheet1", &lines)
}

fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

const LAST_ROW: u32 = 1_048_575;
const LAST_COL: u16 = 16_383;

#[test]
fn a_progress_sheet_with_a_value_in_xfd1048576() {
    let rows = [
        "项目名称|本月完成投资|1-6月累计完成投资",
        "龙田物流园|#100|#600",
    ];
    for far in [
        vec![(LAST_ROW, LAST_COL)],
        vec![(0, LAST_COL)],
        vec![(LAST_ROW, 0)],
        vec![(LAST_ROW, LAST_COL), (40_000, 3), (2, 5_000)],
    ] {
        let import = read_reports(&with_far_cells(&rows, &far));
        assert!(import.errors.is_empty(), "{far:?}: {:?}", import.errors);
        assert_eq!(import.reports.len(), 1, "{far:?}");
        let note = import
            .skipped_rows
            .iter()
            .find(|s| s.reason.contains("表格以外"))
            .unwrap_or_else(|| panic!("{far:?}: {:?}", import.skipped_rows));
        assert!(
            note.reason.contains(&format!("{} 个单元格", far.len())),
            "{note:?}"
        );
    }
}

#[test]
fn a_problem_list_with_a_value_in_xfd1048576() {
    let rows = [
        "项目名称|存在问题|责任单位|办理时限",
        "龙田物流园|施工用电未接入|龙田镇|5个工作日",
    ];
    let import = read_problems(&with_far_cells(&rows, &[(LAST_ROW, LAST_COL)]));
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.problems.len(), 1);
    assert!(
        import
            .skipped_rows
            .iter()
            .any(|s| s.reason.contains("XFD1048576")),
        "{:?}",
        import.skipped_rows
    );
}

#[test]
fn a_ledger_with_a_value_in_xfd1048576() {
    let rows = ["项目名称|总投资", "龙田物流园|#100"];
    let import = read_ledger(&with_far_cells(&rows, &[(LAST_ROW, LAST_COL)]));
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.projects.len(), 1);
}

/// Values close to the table are part of it: a column ten columns to the right, a row a
/// thousand rows below, are read (and here make errors of their own rows or go unnoticed),
/// never dropped as stray.
#[test]
fn near_cells_belong_to_the_table() {
    let rows = [
        "项目名称|本月完成投资|1-6月累计完成投资",
        "龙田物流园|#100|#600",
    ];
    let import = read_reports(&with_far_cells(&rows, &[(1_000, 1), (1, 12)]));
    assert!(
        import
            .skipped_rows
            .iter()
            .all(|s| !s.reason.contains("表格以外")),
        "{:?}",
        import.skipped_rows
    );
}
