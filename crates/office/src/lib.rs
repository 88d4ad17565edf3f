//! The office's own documents: the ledger (台账) spreadsheet in and out, the monthly progress
//! sheets and problem lists in, plain titled tables and the weekly meeting's pack (.docx) out.
//!
//! Offices keep their project ledgers in Excel sheets that were never designed for machines:
//! title rows, two-row headers with merged group cells, amounts in 万元 or 亿元, dates typed as
//! text, section rows ("一、在建项目") and subtotal rows ("合计"). [`read_ledger`] reads such a
//! sheet tolerantly into domain values and reports every problem with its sheet, row and column,
//! so a dry run can show the clerk what to fix before anything is written. [`write_ledger`]
//! writes the ledger back as a plain one-header sheet that the importer reads again unchanged.
//!
//! Architecture Invariant: bytes in, domain values out. No database and no HTTP here; names of
//! units and regions stay names, because resolving them to ids is the store's job.

mod cells;
pub mod documents;
mod docx;
mod headers;
mod lead_import;
mod ledger_export;
mod ledger_import;
mod list_import;
mod meeting_pack;
mod parcel_import;
mod problem_import;
mod report_import;
mod tables;
#[cfg(feature = "testing")]
pub mod testing;
mod text_file;
mod whole;

use serde::Serialize;

pub use docx::chinese_date;
pub use lead_import::{ImportedLead, LeadImport, read_leads};
pub use ledger_export::{ExportError, ExportRow, write_ledger};
pub use ledger_import::{read_ledger, stream_ledger};
pub use meeting_pack::{
    MeetingPack, PackDecision, PackError, PackProblem, PackProject, write_meeting_pack,
};
pub use parcel_import::{ImportedParcel, ParcelImport, read_parcels};
pub use problem_import::{ImportedProblem, ProblemImport, read_problems};
pub use report_import::{ImportedReport, ReportImport, read_reports};
pub use tables::{TableCell, TableSheet, write_tables};
pub use text_file::read_text;

/// One project row of an imported sheet. The ids in `fields` (unit, lead department, region)
/// are left `None`: the sheet names them, and the caller resolves the names to ids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedProject {
    pub sheet: String,
    /// The 1-based Excel row, counting title rows, as the clerk sees it in Excel.
    pub row: u32,
    pub fields: domain::ProjectFields,
    /// 责任单位 as written.
    pub unit_name: Option<String>,
    /// 牵头单位 as written.
    pub lead_department_name: Option<String>,
    /// 所在区域 as written.
    pub region_name: Option<String>,
}

/// A row that was read but is not a project: a subtotal, a note, a section heading. Listed so
/// the clerk can see that nothing was dropped silently. Blank rows are not listed.
///
/// `row` is 0 when the whole sheet was skipped: a hidden sheet, or one without a recognisable
/// header (an instructions sheet, an empty sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub sheet: String,
    pub row: u32,
    /// Why, in Chinese: "合计行", "小计行", "说明行：注：…", "分组行：一、在建项目".
    pub reason: String,
}

/// A problem that stops the import, with where it is.
///
/// `sheet` is empty for problems with the whole file; `row` and `column` are `None` for problems
/// with a whole file or sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    pub sheet: String,
    /// 1-based Excel row.
    pub row: Option<u32>,
    /// Excel column letter, e.g. "E".
    pub column: Option<String>,
    pub message_zh: String,
    pub message_en: String,
}

/// How one sheet was understood, for the dry-run page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetSummary {
    pub sheet: String,
    /// 1-based Excel row of the (first) header row.
    pub header_row: u32,
    /// The sheet's amount unit ("万元", "亿元", "元"): from a note row, else from the amount
    /// headers, else the 万元 every ledger uses. A column naming its own unit still uses that.
    pub amount_unit: String,
    /// Headers that were recognised, as written.
    pub columns: Vec<String>,
    /// Headers that mean nothing to the ledger (e.g. "1-10月完成投资": reports come later).
    pub ignored_columns: Vec<String>,
}

/// Everything read from one workbook. The import may be written only when `errors` is empty;
/// rows with errors are not in `projects`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LedgerImport {
    /// The projects read, in sheet order; empty when they were handed on as they were read
    /// ([`stream_ledger`]).
    pub projects: Vec<ImportedProject>,
    /// Every project read, handed on or not.
    pub tally: Tally,
    pub skipped_rows: Vec<SkippedRow>,
    pub errors: Vec<ImportError>,
    pub sheets: Vec<SheetSummary>,
}

/// How many projects a ledger holds and what they add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub projects: usize,
    /// 总投资 of the projects that state it.
    pub total_investment: domain::Money,
    /// 年度计划投资 of the projects that state it.
    pub annual_plan: domain::Money,
}

impl Tally {
    fn add(&mut self, fields: &domain::ProjectFields) {
        self.projects += 1;
        // Money adds up saturating, as `Sum` does.
        let add = |sum: domain::Money, m: Option<domain::Money>| m.into_iter().chain([sum]).sum();
        self.total_investment = add(self.total_investment, fields.total_investment);
        self.annual_plan = add(self.annual_plan, fields.annual_plan);
    }
}

/// A workbook opened from a file's bytes (the format detected from them), with its worksheets
/// as (name, visible), or why it cannot be opened.
pub(crate) type OpenedWorkbook<'a> = (
    calamine::Sheets<std::io::Cursor<std::borrow::Cow<'a, [u8]>>>,
    Vec<(String, bool)>,
);

/// What an importer gathers besides its rows: the rows and sheets it skipped and its errors.
/// The three importers (ledger, progress, problems) read a workbook through [`read_guarded`],
/// and those that take a sheet at once through [`read_sheets`].
pub(crate) trait Gathered: Default {
    fn skipped_rows(&mut self) -> &mut Vec<SkippedRow>;
    fn errors(&mut self) -> &mut Vec<ImportError>;
}

/// Reads a file's bytes with `read`. A file that cannot be opened gives one error without a
/// sheet, row or column ("无法读取文件：…"); a panic deep inside calamine, which parses untrusted
/// bytes, is caught and reported the same way, so it never takes the server down.
pub(crate) fn read_guarded<T: Gathered>(
    bytes: &[u8],
    read: impl FnOnce(&[u8]) -> Result<T, domain::Bilingual>,
) -> T {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(bytes)))
        .unwrap_or_else(|_| {
            Err(domain::bi(
                "文件已损坏，无法解析",
                "the file is damaged and cannot be parsed",
            ))
        });
    read.unwrap_or_else(|why| {
        let mut out = T::default();
        out.errors().push(ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            message_zh: format!("无法读取文件：{}", why.zh),
            message_en: format!("cannot read the file: {}", why.en),
        });
        out
    })
}

/// Every visible worksheet, in order, read whole by `read_sheet`; a hidden one is listed as
/// skipped, one that cannot be read as an error of its own. Or why the file cannot be opened.
/// .xlsx and .xlsb sheets are streamed cell by cell and held as their table only ([`table_of`]),
/// so a stray value in a far cell or a sheet that claims a huge size costs no memory.
pub(crate) fn read_sheets<T: Gathered>(
    bytes: &[u8],
    mut read_sheet: impl FnMut(&str, &calamine::Range<calamine::Data>, &mut T),
) -> Result<T, domain::Bilingual> {
    use calamine::{Reader, Sheets};
    let (mut book, sheets) = open_workbook(bytes)?;
    let mut out = T::default();
    for (name, visible) in sheets {
        if !visible {
            out.skipped_rows().push(SkippedRow {
                sheet: name,
                row: 0,
                reason: "隐藏的工作表，已跳过".into(),
            });
            continue;
        }
        let read = match &mut book {
            Sheets::Xlsx(x) => match x.worksheet_cells_reader(&name) {
                Ok(mut cells) => streamed(&name, || {
                    cells
                        .next_cell()
                        .map(|c| c.map(owned))
                        .map_err(|e| e.to_string())
                }),
                Err(e) => Err(domain::bi(e.to_string(), e.to_string())),
            },
            Sheets::Xlsb(x) => match x.worksheet_cells_reader(&name) {
                Ok(mut cells) => streamed(&name, || {
                    cells
                        .next_cell()
                        .map(|c| c.map(owned))
                        .map_err(|e| e.to_string())
                }),
                Err(e) => Err(domain::bi(e.to_string(), e.to_string())),
            },
            book => book
                .worksheet_range(&name)
                .map(|range| (range, Vec::new()))
                .map_err(|e| domain::bi(e.to_string(), e.to_string())),
        };
        match read {
            Ok((range, far)) => {
                read_sheet(&name, &range, &mut out);
                out.skipped_rows().extend(far);
            }
            Err(why) => out.errors().push(ImportError {
                sheet: name,
                row: None,
                column: None,
                message_zh: format!("工作表无法读取（{}）", why.zh),
                message_en: format!("the sheet cannot be read ({})", why.en),
            }),
        }
    }
    Ok(out)
}

/// Excel's last column (XFD) and row: a cell past them is a damaged file, not data.
const MAX_COLUMNS: u32 = 16_384;
const MAX_ROWS: u32 = 1_048_576;
/// The text one sheet's cells may hold in all.
const MAX_TEXT_BYTES: usize = 64 << 20;
/// Non-empty cells one sheet may hold (a zip bomb expands to more).
const MAX_CELLS: usize = 5_000_000;
/// The cells of the table read whole (rows × columns between its first and last cell).
const MAX_AREA: usize = 12_000_000;
/// A run of this many empty rows (columns) ends the table: what lies beyond is stray.
const FAR_ROWS: u32 = 10_000;
const FAR_COLUMNS: u32 = 1_000;

/// One streamed cell, owned.
pub(crate) fn owned(cell: calamine::Cell<calamine::DataRef<'_>>) -> calamine::Cell<calamine::Data> {
    calamine::Cell::new(
        cell.get_position(),
        calamine::Data::from(cell.get_value().clone()),
    )
}

/// A sheet streamed by `next`: its non-empty cells, at most [`MAX_CELLS`] of them, made into its
/// table ([`table_of`]), with the stray cells it left out as skipped rows.
pub(crate) fn streamed(
    sheet: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::Data>>, String>,
) -> Result<(calamine::Range<calamine::Data>, Vec<SkippedRow>), domain::Bilingual> {
    let mut cells = Vec::new();
    let mut text_bytes = 0usize;
    while let Some(cell) = next().map_err(|e| domain::bi(e.clone(), e))? {
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS || col >= MAX_COLUMNS || *cell.get_value() == calamine::Data::Empty {
            continue;
        }
        // One long shared string in many cells is copied into each: count the copies.
        if let calamine::Data::String(text) = cell.get_value() {
            text_bytes = text_bytes.saturating_add(text.len());
        }
        if cells.len() == MAX_CELLS || text_bytes > MAX_TEXT_BYTES {
            return Err(domain::bi(
                format!(
                    "内容过多（单元格超过 {} 万个或文字超过 {} MB）",
                    MAX_CELLS / 10_000,
                    MAX_TEXT_BYTES >> 20
                ),
                format!(
                    "too much content (more than {MAX_CELLS} cells or {} MB of text)",
                    MAX_TEXT_BYTES >> 20
                ),
            ));
        }
        cells.push(cell);
    }
    table_of(sheet, cells)
}

/// The table among a sheet's non-empty cells: from the first cell to where a run of
/// [`FAR_ROWS`] empty rows or [`FAR_COLUMNS`] empty columns begins. What lies beyond (a value
/// typed far away, a damaged file's cell at XFD1048576) is left out and named, so a sheet
/// costs the memory of its table, never of its claimed size; a table larger than
/// [`MAX_AREA`] cells is an error.
pub(crate) fn table_of(
    sheet: &str,
    mut cells: Vec<calamine::Cell<calamine::Data>>,
) -> Result<(calamine::Range<calamine::Data>, Vec<SkippedRow>), domain::Bilingual> {
    let end = |mut used: Vec<u32>, far: u32| -> Option<u32> {
        used.sort_unstable();
        used.dedup();
        used.windows(2).find(|w| w[1] - w[0] > far).map(|w| w[1])
    };
    let mut skipped = Vec::new();
    let rows_end = end(cells.iter().map(|c| c.get_position().0).collect(), FAR_ROWS);
    let cols_end = end(
        cells.iter().map(|c| c.get_position().1).collect(),
        FAR_COLUMNS,
    );
    if rows_end.is_some() || cols_end.is_some() {
        let beyond = |(r, c): (u32, u32)| {
            rows_end.is_some_and(|e| r >= e) || cols_end.is_some_and(|e| c >= e)
        };
        let mut far: Vec<(u32, u32)> = cells
            .iter()
            .map(|c| c.get_position())
            .filter(|p| beyond(*p))
            .collect();
        far.sort_unstable();
        cells.retain(|c| !beyond(c.get_position()));
        if let Some(&(row, col)) = far.first() {
            skipped.push(SkippedRow {
                sheet: sheet.to_string(),
                row: row + 1,
                reason: format!(
                    "表格以外的 {} 个单元格（{}{} 等），已忽略",
                    far.len(),
                    column_letter(col),
                    row + 1
                ),
            });
        }
    }
    let (mut rows, mut cols) = ((u32::MAX, 0), (u32::MAX, 0));
    for c in &cells {
        let (r, k) = c.get_position();
        rows = (rows.0.min(r), rows.1.max(r));
        cols = (cols.0.min(k), cols.1.max(k));
    }
    let area = (rows.1.saturating_sub(rows.0) as usize + 1)
        .saturating_mul(cols.1.saturating_sub(cols.0) as usize + 1);
    if !cells.is_empty() && area > MAX_AREA {
        return Err(domain::bi(
            format!("表格超过 {} 万个单元格", MAX_AREA / 10_000),
            format!("the table has more than {MAX_AREA} cells"),
        ));
    }
    Ok((calamine::Range::from_sparse(cells), skipped))
}

/// The largest shared-strings part read, unpacked: calamine holds every shared string at once
/// before the first cell is read. The widest 20,000-row ledger needs about 5 MB.
const MAX_SHARED_STRINGS: u64 = 128 * 1024 * 1024;

/// Refuses a package whose shared strings unpack to more than `cap` bytes (a zip bomb, or a
/// file no office writes), counting what the part really unpacks to, not what it claims.
fn check_shared_strings(bytes: &[u8], cap: u64) -> Result<(), domain::Bilingual> {
    use std::io::Read;
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(());
    }
    // A package zip cannot read is left to calamine, which says why.
    let Ok(mut package) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    for i in 0..package.len() {
        let Ok(part) = package.by_index(i) else {
            continue;
        };
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if !(name.ends_with("sharedstrings.xml") || name.ends_with("sharedstrings.bin")) {
            continue;
        }
        let unpacked = std::io::copy(&mut part.take(cap + 1), &mut std::io::sink()).unwrap_or(0);
        if unpacked > cap {
            return Err(domain::bi(
                format!(
                    "文件中的共享文本解压后超过 {} MB，不是正常的 Excel 文件",
                    cap / (1024 * 1024)
                ),
                format!(
                    "the file's shared strings unpack to more than {} MB: not a normal Excel file",
                    cap / (1024 * 1024)
                ),
            ));
        }
    }
    Ok(())
}

pub(crate) fn open_workbook(bytes: &[u8]) -> Result<OpenedWorkbook<'_>, domain::Bilingual> {
    use calamine::{Reader, SheetType, SheetVisible};
    if bytes.is_empty() {
        return Err(domain::bi("文件是空的", "the file is empty"));
    }
    check_shared_strings(bytes, MAX_SHARED_STRINGS)?;
    // .xls and .ods are read whole as calamine opens them: measured first (an .xls re-packed).
    let bytes = whole::prepare(bytes, whole::MAX_CELLS)?;
    let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
        domain::bi(
            format!("不是可识别的 Excel（.xlsx、.xls）或 ODS 文件（{e}）"),
            format!("not a readable Excel (.xlsx, .xls) or ODS file ({e})"),
        )
    })?;
    let sheets = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    Ok((book, sheets))
}

/// Turns a 0-based column index into its Excel letters: 0 → "A", 26 → "AA".
pub(crate) fn column_letter(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::{check_shared_strings, column_letter};

    /// A workbook whose shared strings hold one text of `len` bytes, packed small.
    fn with_shared_strings(len: usize) -> Vec<u8> {
        use std::io::Write;
        let base = crate::testing::sheet("Sheet1", &["项目名称|总投资", "甲|#1"]);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base.as_slice())).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).unwrap();
            let name = part.name().unwrap().to_string();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut data).unwrap();
            if name.ends_with("sharedStrings.xml") {
                data = format!("<sst><si><t>{}</t></si></sst>", "字".repeat(len / 3)).into_bytes();
            }
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(&data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn shared_strings_past_the_cap_are_refused() {
        let small = with_shared_strings(3_000);
        assert!(check_shared_strings(&small, 64 * 1024).is_ok());
        let large = with_shared_strings(300_000);
        let why = check_shared_strings(&large, 64 * 1024).unwrap_err();
        assert!(why.zh.contains("共享文本"), "{}", why.zh);
        // Not a package: left to the reader.
        assert!(check_shared_strings(b"not a zip", 10).is_ok());
    }

    #[test]
    fn column_letters() {
        for (col, want) in [
            (0, "A"),
            (4, "E"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
            (16383, "XFD"),
        ] {
            assert_eq!(column_letter(col), want);
        }
    }
}
