//! Reading a ledger workbook as offices keep it.
//!
//! Each sheet is read in one pass, row by row. Rows before the header are searched for the header
//! (the first row with a project-name column) and for a note stating the amount unit; the row
//! after the header may be a second header row under merged group cells. After the header every
//! row is a project, a section heading that sets the stage or category of the rows under it, a
//! subtotal, a note, or blank. Every problem is collected with its sheet, row and column rather
//! than stopping at the first, because the clerk fixes them all in one go.
//!
//! .xlsx sheets are streamed cell by cell with shared strings borrowed, so a large ledger is
//! never held as a dense grid; .xls, .xlsb and .ods come as calamine ranges. Merged cells of an
//! .xlsx are listed at the end of the sheet's XML, so reading them costs a second pass over it:
//! the sheet is first read without them, and read again with them only when a decision turns
//! out to depend on them: a header group whose unit differs from the sheet's, a group row above
//! the header, a blank cell in a column offices merge. A tidy ledger is read once; a sheet that
//! needs merges usually says so in its first rows, so little is read twice.
//!
//! The import reads streamed ([`stream_ledger`]): projects are handed to the writer as they are
//! read, and what was handed on cannot be read again, so there the merged cells are read first
//! (a pass that only looks for them, on a thread whose reading overlaps the database's writes).

use std::collections::HashMap;
use std::io::{Read, Seek};

use calamine::{Data, DataRef, Dimensions, Range, Reader, Sheets, Xlsx};
use domain::phases::PlanPhases;
use domain::project::{CATEGORIES, split_list};
use domain::text::clean_name;
use domain::{AmountUnit, Bilingual, Field, Level, Money, ProjectFields, Stage, bi};

use crate::cells::{
    AsCell, Cell, is_space, parse_amount, parse_cell_date, parse_cell_span, parse_count, parse_year,
};
use crate::headers::{
    Kind, classify, header_key, header_unit, is_note, list_marker, note_unit, plan_phase,
    section_title, subtotal_word,
};
use crate::{
    Gathered, ImportError, ImportedProject, LedgerImport, SheetSummary, SkippedRow, Tally,
    column_letter, open_workbook, read_guarded,
};

/// How many non-blank rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: u32 = 20;

/// Excel's column count (A to XFD).
const MAX_COLUMNS: u32 = 16_384;

/// Errors listed in full; past this a garbage file would only bury the first ones.
const MAX_ERRORS: usize = 1000;

/// Reads a ledger workbook (.xlsx, .xls, .xlsb or .ods, detected from the bytes).
///
/// Never panics: a file that cannot be read at all gives one [`ImportError`] without a row or
/// column.
pub fn read_ledger(bytes: &[u8]) -> LedgerImport {
    read_guarded(bytes, |bytes| read_workbook(bytes, None))
}

/// Reads a ledger workbook as [`read_ledger`] does, handing its projects to `emit` in batches of
/// `batch` as they are read, so the caller can write them while the rest is read. The result
/// holds everything else (its `projects` stay empty).
///
/// What is handed on is never taken back: an .xlsx sheet's merged cells are read before its
/// cells (a quick pass to the end of its XML, where they are listed), so no sheet is read twice.
/// Once a problem is found no more projects are handed on: the import will not be written.
pub fn stream_ledger(
    bytes: &[u8],
    batch: usize,
    emit: &mut dyn FnMut(Vec<ImportedProject>),
) -> LedgerImport {
    let sink = Sink {
        emit,
        batch: batch.max(1),
    };
    read_guarded(bytes, |bytes| read_workbook(bytes, Some(sink)))
}

impl Gathered for LedgerImport {
    fn skipped_rows(&mut self) -> &mut Vec<SkippedRow> {
        &mut self.skipped_rows
    }
    fn errors(&mut self) -> &mut Vec<ImportError> {
        &mut self.errors
    }
}

/// Each sheet by its format: .xlsx streamed with its merged cells, .xlsb streamed without
/// them, .xls read whole with them, .ods read whole without (calamine reads no merged cells
/// from .xlsb and .ods; .xls and .ods are measured before they are opened, see `whole`).
fn read_workbook(bytes: &[u8], sink: Option<Sink<'_>>) -> Result<LedgerImport, Bilingual> {
    let (mut book, sheets) = open_workbook(bytes)?;
    let mut c = Collector {
        sink,
        ..Collector::default()
    };
    for (name, visible) in sheets {
        if !visible {
            c.skip(&name, 0, "隐藏的工作表，已跳过".to_string());
            continue;
        }
        match &mut book {
            Sheets::Xlsx(x) => read_xlsx_sheet(x, &name, &mut c),
            Sheets::Xls(x) => {
                let merges = x
                    .merge_cells_by_sheet_name(&name)
                    .map_or(Merges::Unavailable, Merges::Known);
                let range = x.worksheet_range(&name).map_err(|e| e.to_string());
                read_range(range, SheetParser::new(name.clone(), merges), &mut c);
            }
            // calamine reads no merged cells from these formats: the fallbacks decide alone.
            // .xlsb is streamed cell by cell, as the other importers read it.
            Sheets::Xlsb(x) => {
                let range = match x.worksheet_cells_reader(&name) {
                    Ok(mut cells) => crate::streamed(&name, || {
                        cells
                            .next_cell()
                            .map(|c| c.map(crate::owned))
                            .map_err(|e| e.to_string())
                    })
                    .map_err(|why| why.zh),
                    Err(e) => Err(e.to_string()),
                };
                let range = range.map(|(range, far)| {
                    for row in far {
                        c.skip(&row.sheet, row.row, row.reason);
                    }
                    range
                });
                read_range(
                    range,
                    SheetParser::new(name.clone(), Merges::Unavailable),
                    &mut c,
                );
            }
            Sheets::Ods(x) => {
                let range = x.worksheet_range(&name).map_err(|e| e.to_string());
                read_range(
                    range,
                    SheetParser::new(name.clone(), Merges::Unavailable),
                    &mut c,
                );
            }
        }
    }
    Ok(c.finish())
}

fn sheet_unreadable(c: &mut Collector, sheet: &str, e: &str) {
    c.sheet_error(
        sheet,
        bi(
            format!("工作表无法读取（{e}）"),
            format!("the sheet cannot be read ({e})"),
        ),
    );
}

fn read_range(range: Result<Range<Data>, String>, mut parser: SheetParser, c: &mut Collector) {
    let range = match range {
        Ok(range) => range,
        Err(e) => return sheet_unreadable(c, &parser.sheet, &e),
    };
    if let Some((first_row, first_col)) = range.start() {
        for (i, cells) in range.rows().enumerate() {
            let row = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            parser.row(
                c,
                RowRef {
                    row,
                    col0: first_col,
                    cells,
                },
            );
        }
    }
    parser.finish(c);
}

/// Reads an .xlsx sheet, first without its merged cells and, if they turn out to matter, again
/// with them after undoing what the first reading reported. A streamed reading cannot undo what
/// it handed on: it reads the merged cells first.
fn read_xlsx_sheet<RS: Read + Seek>(book: &mut Xlsx<RS>, sheet: &str, c: &mut Collector) {
    // What is streamed on cannot be taken back: the merges first, then the cells once.
    if c.sink.is_some() {
        return read_xlsx_with_merges(book, sheet, c);
    }
    let checkpoint = c.checkpoint();
    let mut parser = SheetParser::new(sheet.to_string(), Merges::Deferred);
    if stream_xlsx_sheet(book, &mut parser, c) {
        parser.finish(c);
    }
    if !parser.need_merges {
        return;
    }
    c.rollback(&checkpoint, sheet);
    read_xlsx_with_merges(book, sheet, c);
}

/// Reads an .xlsx sheet's merged cells (a pass to the end of its XML), then its cells.
fn read_xlsx_with_merges<RS: Read + Seek>(book: &mut Xlsx<RS>, sheet: &str, c: &mut Collector) {
    let merges = match book.merge_cells_by_sheet_name(sheet) {
        Ok(merges) => merges,
        Err(e) => return sheet_unreadable(c, sheet, &e.to_string()),
    };
    let mut parser = SheetParser::new(sheet.to_string(), Merges::Known(merges));
    if stream_xlsx_sheet(book, &mut parser, c) {
        parser.finish(c);
    }
}

/// Streams the cells of an .xlsx sheet into `parser`, gathering each row in one reused buffer.
/// Returns whether the sheet was read to its end (not stopped by an error or for merges).
fn stream_xlsx_sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    parser: &mut SheetParser,
    c: &mut Collector,
) -> bool {
    let mut reader = match book.worksheet_cells_reader(&parser.sheet) {
        Ok(reader) => reader,
        Err(e) => {
            sheet_unreadable(c, &parser.sheet, &e.to_string());
            return false;
        }
    };
    let mut cells: Vec<DataRef<'_>> = Vec::new();
    let mut current: Option<u32> = None;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                sheet_unreadable(c, &parser.sheet, &e.to_string());
                return false;
            }
        };
        let (row, col) = cell.get_position();
        if current != Some(row) {
            if let Some(done) = current {
                parser.row(
                    c,
                    RowRef {
                        row: done,
                        col0: 0,
                        cells: &cells,
                    },
                );
                if parser.need_merges {
                    return false;
                }
            }
            cells.clear();
            current = Some(row);
        }
        let value = cell.get_value();
        if *value == DataRef::Empty {
            continue;
        }
        // Past Excel's last column (XFD) is a damaged file, not data: never size a row by it.
        if col >= MAX_COLUMNS {
            continue;
        }
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, DataRef::Empty);
        }
        cells[col] = value.clone();
    }
    if let Some(done) = current {
        parser.row(
            c,
            RowRef {
                row: done,
                col0: 0,
                cells: &cells,
            },
        );
    }
    !parser.need_merges
}

/// One row: `cells[i]` is at the 0-based column `col0 + i`.
struct RowRef<'r, D> {
    /// 0-based row.
    row: u32,
    col0: u32,
    cells: &'r [D],
}

impl<'r, D: AsCell> RowRef<'r, D> {
    fn get(&self, col: u32) -> Cell<'r> {
        col.checked_sub(self.col0)
            .and_then(|i| self.cells.get(i as usize))
            .map_or(Cell::Empty, AsCell::cell)
    }

    fn data(&self, col: u32) -> Data {
        col.checked_sub(self.col0)
            .and_then(|i| self.cells.get(i as usize))
            .map_or(Data::Empty, AsCell::to_data)
    }

    fn nonblank(&self) -> impl Iterator<Item = (u32, Cell<'r>)> + use<'r, D> {
        let col0 = self.col0;
        self.cells
            .iter()
            .enumerate()
            .map(move |(i, d)| (col0.saturating_add(i as u32), d.cell()))
            .filter(|(_, cell)| !cell.is_blank())
    }

    fn is_blank(&self) -> bool {
        self.nonblank().next().is_none()
    }

    fn owned(&self) -> OwnedRow {
        OwnedRow {
            row: self.row,
            col0: self.col0,
            cells: self.cells.iter().map(AsCell::to_data).collect(),
        }
    }
}

/// A row kept past its turn: the header, and the row above it.
struct OwnedRow {
    row: u32,
    col0: u32,
    cells: Vec<Data>,
}

impl OwnedRow {
    fn view(&self) -> RowRef<'_, Data> {
        RowRef {
            row: self.row,
            col0: self.col0,
            cells: &self.cells,
        }
    }
}

/// Where a streamed reading hands its projects.
struct Sink<'a> {
    emit: &'a mut dyn FnMut(Vec<ImportedProject>),
    batch: usize,
}

/// What is gathered across the sheets of one workbook.
#[derive(Default)]
struct Collector<'a> {
    out: LedgerImport,
    /// Project codes and names seen so far, with their sheet and 1-based row, for duplicates.
    codes: HashMap<String, (String, u32)>,
    names: HashMap<String, (String, u32)>,
    dropped_errors: usize,
    any_header: bool,
    /// When streaming: `out.projects` holds only the batch not handed on yet.
    sink: Option<Sink<'a>>,
}

impl Collector<'_> {
    fn project(&mut self, project: ImportedProject) {
        self.out.tally.add(&project.fields);
        let Some(sink) = &mut self.sink else {
            self.out.projects.push(project);
            return;
        };
        // A file with a problem is not written: what follows it is only checked.
        if !self.out.errors.is_empty() {
            return;
        }
        self.out.projects.push(project);
        if self.out.projects.len() >= sink.batch {
            self.flush();
        }
    }

    /// Hands on the projects held, unless a problem was found.
    fn flush(&mut self) {
        if let Some(sink) = &mut self.sink
            && !self.out.projects.is_empty()
        {
            let batch = std::mem::take(&mut self.out.projects);
            if self.out.errors.is_empty() {
                (sink.emit)(batch);
            }
        }
    }

    fn error(&mut self, error: ImportError) {
        if self.out.errors.len() < MAX_ERRORS {
            self.out.errors.push(error);
        } else {
            self.dropped_errors += 1;
        }
    }

    fn sheet_error(&mut self, sheet: &str, message: Bilingual) {
        self.error(ImportError {
            sheet: sheet.to_string(),
            row: None,
            column: None,
            message_zh: message.zh,
            message_en: message.en,
        });
    }

    fn skip(&mut self, sheet: &str, row: u32, reason: String) {
        self.out.skipped_rows.push(SkippedRow {
            sheet: sheet.to_string(),
            row,
            reason,
        });
    }

    /// What has been reported so far, to undo a sheet that must be read again (never in a
    /// streamed reading, which reads merged cells first).
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            projects: self.out.projects.len(),
            tally: self.out.tally,
            skipped_rows: self.out.skipped_rows.len(),
            errors: self.out.errors.len(),
            sheets: self.out.sheets.len(),
            dropped_errors: self.dropped_errors,
            any_header: self.any_header,
        }
    }

    fn rollback(&mut self, to: &Checkpoint, sheet: &str) {
        self.out.projects.truncate(to.projects);
        self.out.tally = to.tally;
        self.out.skipped_rows.truncate(to.skipped_rows);
        self.out.errors.truncate(to.errors);
        self.out.sheets.truncate(to.sheets);
        self.dropped_errors = to.dropped_errors;
        self.any_header = to.any_header;
        self.codes.retain(|_, (s, _)| s != sheet);
        self.names.retain(|_, (s, _)| s != sheet);
    }

    fn finish(mut self) -> LedgerImport {
        self.flush();
        if !self.any_header {
            self.error(ImportError {
                sheet: String::new(),
                row: None,
                column: None,
                message_zh: format!(
                    "未找到表头：没有任何工作表在前{HEADER_SEARCH_ROWS}行内含有“项目名称”列"
                ),
                message_en: format!(
                    "no header found: no sheet has a “项目名称” (project name) column in its first {HEADER_SEARCH_ROWS} rows"
                ),
            });
        }
        if self.dropped_errors > 0 {
            let n = self.dropped_errors;
            self.out.errors.push(ImportError {
                sheet: String::new(),
                row: None,
                column: None,
                message_zh: format!("另有{n}个错误未列出"),
                message_en: format!("{n} more errors are not listed"),
            });
        }
        self.out
    }
}

struct Checkpoint {
    projects: usize,
    tally: Tally,
    skipped_rows: usize,
    errors: usize,
    sheets: usize,
    dropped_errors: usize,
    any_header: bool,
}

/// A recognised column of a sheet's table.
struct Column {
    /// 0-based column.
    col: u32,
    kind: Kind,
    /// As written, for messages.
    header: String,
    /// The unit of an amount column.
    unit: AmountUnit,
}

/// An error at one cell. The place is in the fields; the message names the column by its
/// header, since "E列" alone means little to a clerk.
fn cell_error(
    sheet: &str,
    row: u32,
    col: u32,
    header: &str,
    en: &str,
    message: Bilingual,
) -> ImportError {
    ImportError {
        sheet: sheet.to_string(),
        row: Some(row.saturating_add(1)),
        column: Some(column_letter(col)),
        message_zh: format!("“{header}”：{}", message.zh),
        message_en: format!("{en}: {}", message.en),
    }
}

/// What the section heading above a row says about it.
#[derive(Debug, Default, Clone, Copy)]
struct Section {
    stage: Option<Stage>,
    category: Option<&'static str>,
    level: Option<Level>,
}

/// A value merged down over several data rows: it belongs to each of them.
struct Fill {
    col: u32,
    /// The anchor row; the fill applies to the rows after it up to `to`.
    from: u32,
    to: u32,
    value: Data,
}

struct Table {
    columns: Vec<Column>,
    name_col: u32,
    first_col: u32,
    section: Section,
    /// Vertical merges below the header, by first row.
    merges: Vec<Dimensions>,
    next_merge: usize,
    fills: Vec<Fill>,
    /// No row read under the header yet.
    at_top: bool,
}

enum State {
    Searching,
    /// The header row was found; the next row may be its second row.
    AwaitSub,
    Data,
    NoHeader,
}

/// What is known of a sheet's merged cells.
enum Merges {
    /// The sheet's merged ranges (possibly none).
    Known(Vec<Dimensions>),
    /// The format does not tell (.ods, .xlsb in calamine): decide from the cells alone.
    Unavailable,
    /// Not read yet (.xlsx): decide from the cells alone while that gives the answer the merges
    /// would, otherwise ask for them (`SheetParser::need_merges`).
    Deferred,
}

struct SheetParser {
    sheet: String,
    merge_info: Merges,
    /// The merged ranges when known, else empty.
    merges: Vec<Dimensions>,
    need_merges: bool,
    state: State,
    rows_seen: u32,
    note_unit: Option<AmountUnit>,
    /// The last non-blank row before the header, which may hold groups over it.
    above: Option<OwnedRow>,
    header: Option<OwnedRow>,
    table: Option<Table>,
}

/// A horizontal merge (two or more columns wide) covering a cell.
fn horizontal_merge(merges: &[Dimensions], row: u32, col: u32) -> Option<&Dimensions> {
    merges
        .iter()
        .find(|m| m.end.1 > m.start.1 && m.contains(row, col))
}

fn is_header_text(cell: Cell<'_>) -> bool {
    cell.as_text()
        .is_some_and(|t| classify(&header_key(t)).is_some())
}

/// A header column before its meaning is decided.
struct RawColumn {
    col: u32,
    /// The 0-based row its text is in.
    row: u32,
    header: String,
    group: Option<String>,
    /// Under a blank header cell: the nearest header text to its left when it has no headers
    /// under it, so it is a group over this column only if merged across it.
    beside: Option<String>,
    upper: Option<String>,
}

impl SheetParser {
    fn new(sheet: String, merge_info: Merges) -> SheetParser {
        let merges = match &merge_info {
            Merges::Known(merges) => merges.clone(),
            Merges::Unavailable | Merges::Deferred => Vec::new(),
        };
        SheetParser {
            sheet,
            merge_info,
            merges,
            need_merges: false,
            state: State::Searching,
            rows_seen: 0,
            note_unit: None,
            above: None,
            header: None,
            table: None,
        }
    }

    fn row<D: AsCell>(&mut self, c: &mut Collector, row: RowRef<'_, D>) {
        if self.need_merges {
            return;
        }
        match self.state {
            State::Searching => self.search(c, &row),
            State::AwaitSub => {
                let Some(header) = self.header.take() else {
                    return;
                };
                let sub =
                    header.row.checked_add(1) == Some(row.row) && self.is_sub_header(&header, &row);
                self.state = State::Data;
                self.start_table(c, &header, sub.then_some(&row));
                if self.need_merges {
                    return;
                }
                if !sub {
                    self.data_row(c, &row);
                }
            }
            State::Data => self.data_row(c, &row),
            State::NoHeader => {}
        }
    }

    fn finish(&mut self, c: &mut Collector) {
        match self.state {
            State::AwaitSub => {
                if let Some(header) = self.header.take() {
                    self.start_table::<Data>(c, &header, None);
                }
            }
            State::Searching | State::NoHeader => c.skip(
                &self.sheet,
                0,
                format!("工作表前{HEADER_SEARCH_ROWS}行内没有“项目名称”表头，已跳过"),
            ),
            State::Data => {}
        }
    }

    /// Before the header: look for it, and for a note stating the amount unit.
    fn search<D: AsCell>(&mut self, c: &mut Collector, row: &RowRef<'_, D>) {
        if row.is_blank() {
            return;
        }
        self.rows_seen += 1;
        if self.rows_seen > HEADER_SEARCH_ROWS {
            self.state = State::NoHeader;
            return;
        }
        let is_header = row.nonblank().any(|(_, cell)| {
            cell.as_text()
                .is_some_and(|t| classify(&header_key(t)) == Some(Kind::Field(Field::Name)))
        });
        if is_header {
            self.header = Some(row.owned());
            self.state = State::AwaitSub;
            return;
        }
        for (col, cell) in row.nonblank() {
            match cell.as_text().and_then(note_unit) {
                Some(Ok(unit)) => self.note_unit = Some(unit),
                Some(Err(word)) => c.error(cell_error(
                    &self.sheet,
                    row.row,
                    col,
                    &clean_name(cell.as_text().unwrap_or_default()),
                    "unit note",
                    unsupported_unit(&word),
                )),
                None => {}
            }
        }
        self.above = Some(row.owned());
    }

    /// Whether merged cells could change the unit of an amount column: a unit named by a cell
    /// that is a group over the column only if merged across it, or by a row above the header
    /// that holds groups only if merged. Otherwise the cells alone decide as the merges would.
    fn units_depend_on_merges(
        &self,
        header: &OwnedRow,
        columns: &[(Kind, RawColumn)],
        sheet_unit: AmountUnit,
    ) -> bool {
        let differs = |text: &str| header_unit(text).is_some_and(|u| u != Ok(sheet_unit));
        let mut amounts = columns
            .iter()
            .filter(|(kind, rc)| kind.is_amount() && header_unit(&rc.header).is_none());
        let beside = amounts
            .clone()
            .any(|(_, rc)| rc.beside.as_deref().is_some_and(differs));
        let above = self
            .above
            .as_ref()
            .filter(|a| a.row.checked_add(1) == Some(header.row))
            .is_some_and(|a| {
                let view = a.view();
                view.nonblank().nth(1).is_some()
                    && view.nonblank().any(|(_, cell)| differs(&cell.display()))
            });
        beside || (above && amounts.next().is_some())
    }

    /// Whether the row under the header is a second header row: it has a recognised header
    /// under a group cell (merged across columns, or not a header itself) or under an empty cell.
    fn is_sub_header<D: AsCell>(&self, header: &OwnedRow, row: &RowRef<'_, D>) -> bool {
        let top = header.view();
        row.nonblank().any(|(col, cell)| {
            // A bare "3月" under a 分月计划 group is a header too.
            let phase_under_plan = || {
                cell.as_text()
                    .is_some_and(|t| plan_phase(&header_key(t), true).is_some())
                    && (0..=col)
                        .rev()
                        .map(|c| top.get(c))
                        .find(|c| !c.is_blank())
                        .and_then(|c| c.as_text().map(|t| header_key(t).contains("计划")))
                        .unwrap_or(false)
            };
            if !is_header_text(cell) && !phase_under_plan() {
                return false;
            }
            let above = top.get(col);
            above.is_blank()
                || horizontal_merge(&self.merges, header.row, col).is_some()
                || !is_header_text(above)
        })
    }

    /// The text of a merge's first cell, if it is in one of the rows at hand.
    fn anchor_text(rows: &[&RowRef<'_, Data>], merge: &Dimensions) -> Option<String> {
        let row = rows.iter().find(|r| r.row == merge.start.0)?;
        let text = clean_name(&row.get(merge.start.1).display());
        (!text.is_empty()).then_some(text)
    }

    fn raw_columns<D: AsCell>(
        &self,
        header: &OwnedRow,
        sub: Option<&RowRef<'_, D>>,
    ) -> Vec<RawColumn> {
        let top = header.view();
        let hr = header.row;
        let above = self
            .above
            .as_ref()
            .filter(|a| a.row.checked_add(1) == Some(hr))
            .map(OwnedRow::view);
        let cols: Vec<u32> = top
            .nonblank()
            .map(|(col, _)| col)
            .chain(sub.iter().flat_map(|s| s.nonblank().map(|(col, _)| col)))
            .collect();
        let (Some(&min), Some(&max)) = (cols.iter().min(), cols.iter().max()) else {
            return Vec::new();
        };
        let mut anchor_rows: Vec<&RowRef<'_, Data>> = vec![&top];
        if let Some(a) = above.as_ref() {
            anchor_rows.push(a);
        }
        let text = |cell: Cell<'_>| clean_name(&cell.display());
        let mut raw = Vec::new();
        for col in min..=max {
            let top_text = text(top.get(col));
            let sub_text = sub.map(|s| text(s.get(col))).unwrap_or_default();
            let mut beside = None;
            let (row, header, group) = if !sub_text.is_empty() {
                let group = match horizontal_merge(&self.merges, hr, col) {
                    Some(merge) => Self::anchor_text(&anchor_rows, merge),
                    None if !top_text.is_empty() => Some(top_text),
                    // A blank above a header: the group is the nearest cell to the left that
                    // has headers under it, merged across or centred across the selection
                    // (which leaves no merge). Only a merge tells that a cell without headers
                    // under it spans this column, so that case is noted for the merges.
                    None => {
                        let left = (min..col).rev().find(|&left| !top.get(left).is_blank());
                        let is_group = |left: &u32| {
                            sub.is_some_and(|s| !s.get(*left).is_blank())
                                && !is_header_text(top.get(*left))
                        };
                        beside = left.filter(|l| !is_group(l)).map(|l| text(top.get(l)));
                        left.filter(is_group).map(|left| text(top.get(left)))
                    }
                };
                (hr.saturating_add(1), sub_text, group)
            } else if !top_text.is_empty() {
                (hr, top_text, None)
            } else {
                continue;
            };
            // A group row above the header: a merge over some, not all, of the columns.
            let upper = above.as_ref().and_then(|a| {
                let merge = horizontal_merge(&self.merges, a.row, col)?;
                (merge.end.1 - merge.start.1 < max - min)
                    .then(|| Self::anchor_text(&anchor_rows, merge))
                    .flatten()
            });
            raw.push(RawColumn {
                col,
                row,
                header,
                group,
                beside,
                upper,
            });
        }
        raw
    }

    /// Decides what each header column means and starts reading data.
    fn start_table<D: AsCell>(
        &mut self,
        c: &mut Collector,
        header: &OwnedRow,
        sub: Option<&RowRef<'_, D>>,
    ) {
        let raw = self.raw_columns(header, sub);
        let first_col = raw.iter().map(|r| r.col).min().unwrap_or(0);
        let mut columns: Vec<(Kind, RawColumn)> = Vec::new();
        let mut unit_likes: Vec<(u8, RawColumn)> = Vec::new();
        let mut ignored = Vec::new();
        for rc in raw {
            let under_plan = [&rc.group, &rc.upper]
                .iter()
                .any(|g| g.as_deref().is_some_and(|g| header_key(g).contains("计划")));
            let key = header_key(&rc.header);
            let kind = classify(&key).or_else(|| plan_phase(&key, under_plan));
            match kind {
                None => ignored.push(rc.header),
                Some(Kind::Serial) => {}
                Some(Kind::UnitLike(rank)) => unit_likes.push((rank, rc)),
                Some(kind) => {
                    let taken = columns.iter().any(|(k, _)| k.same_column(kind));
                    if taken {
                        ignored.push(rc.header);
                    } else {
                        columns.push((kind, rc));
                    }
                }
            }
        }
        // 责任单位 is the unit when present; 建设单位 / 项目业主 beside it is the owner.
        unit_likes.sort_by_key(|(rank, rc)| (*rank, rc.col));
        for (i, (_, rc)) in unit_likes.into_iter().enumerate() {
            match i {
                0 => columns.push((Kind::Field(Field::Unit), rc)),
                1 => columns.push((Kind::Field(Field::Owner), rc)),
                _ => ignored.push(rc.header),
            }
        }
        columns.sort_by_key(|(_, rc)| rc.col);

        let sheet_unit = self.note_unit.unwrap_or(AmountUnit::Wan);
        if matches!(self.merge_info, Merges::Deferred)
            && self.units_depend_on_merges(header, &columns, sheet_unit)
        {
            self.need_merges = true;
            return;
        }
        let mut explicit_unit = None;
        let mut table_columns = Vec::with_capacity(columns.len());
        let mut recognised = Vec::with_capacity(columns.len());
        for (kind, rc) in columns {
            let mut unit = sheet_unit;
            if kind.is_amount() {
                let named = header_unit(&rc.header)
                    .or_else(|| rc.group.as_deref().and_then(header_unit))
                    .or_else(|| rc.upper.as_deref().and_then(header_unit));
                match named {
                    Some(Ok(u)) => {
                        unit = u;
                        explicit_unit.get_or_insert(u);
                    }
                    Some(Err(word)) => c.error(cell_error(
                        &self.sheet,
                        rc.row,
                        rc.col,
                        &rc.header,
                        kind.field().label_en(),
                        unsupported_unit(&word),
                    )),
                    None => {}
                }
            }
            recognised.push(rc.header.clone());
            table_columns.push(Column {
                col: rc.col,
                kind,
                header: rc.header,
                unit,
            });
        }
        let Some(name_col) = table_columns
            .iter()
            .find(|col| col.kind == Kind::Field(Field::Name))
            .map(|col| col.col)
        else {
            c.sheet_error(
                &self.sheet,
                bi(
                    "表头中没有“项目名称”列",
                    "the header has no “项目名称” (project name) column",
                ),
            );
            self.state = State::NoHeader;
            return;
        };
        c.any_header = true;
        let last_header_row = header.row.saturating_add(u32::from(sub.is_some()));
        let mut merges: Vec<Dimensions> = self
            .merges
            .iter()
            .filter(|m| m.start.0 > last_header_row && m.end.0 > m.start.0)
            .copied()
            .collect();
        merges.sort_by_key(|m| m.start);
        c.out.sheets.push(SheetSummary {
            sheet: self.sheet.clone(),
            header_row: header.row.saturating_add(1),
            amount_unit: self
                .note_unit
                .or(explicit_unit)
                .unwrap_or(sheet_unit)
                .label_zh()
                .to_string(),
            columns: recognised,
            ignored_columns: ignored,
        });
        self.table = Some(Table {
            columns: table_columns,
            name_col,
            first_col,
            section: Section::default(),
            merges,
            next_merge: 0,
            fills: Vec::new(),
            at_top: true,
        });
        self.state = State::Data;
    }

    fn data_row<D: AsCell>(&mut self, c: &mut Collector, row: &RowRef<'_, D>) {
        let Some(t) = self.table.as_mut() else { return };
        let r = row.row;
        // Values merged down from rows above, and the merges that start here.
        t.fills.retain(|f| f.to >= r);
        while let Some(m) = t.merges.get(t.next_merge) {
            if m.start.0 > r {
                break;
            }
            if m.start.0 == r {
                t.fills.push(Fill {
                    col: m.start.1,
                    from: r,
                    to: m.end.0,
                    value: row.data(m.start.1),
                });
            }
            t.next_merge += 1;
        }
        let Some((first_col, first)) = row.nonblank().next() else {
            return;
        };
        let sheet = self.sheet.as_str();
        let excel_row = r.saturating_add(1);
        let name_cell = row.get(t.name_col);

        if std::mem::take(&mut t.at_top) && is_column_numbering(row) {
            c.skip(sheet, excel_row, "栏次行".to_string());
            return;
        }
        let repeated_header = name_cell.as_text().is_some_and(|s| {
            // Cheap test first: this runs on every row, and header names start with 项 or 名.
            s.trim_start_matches(is_space)
                .starts_with(['项', '名', '*', '＊'])
                && classify(&header_key(s)) == Some(Kind::Field(Field::Name))
        });
        if repeated_header {
            c.skip(sheet, excel_row, "重复的表头行".to_string());
            return;
        }
        let subtotal = [
            t.first_col,
            t.first_col.saturating_add(1),
            t.first_col.saturating_add(2),
            t.name_col,
            first_col,
        ]
        .into_iter()
        .find_map(|col| row.get(col).as_text().and_then(subtotal_word));
        if let Some(word) = subtotal {
            c.skip(sheet, excel_row, format!("{word}行"));
            return;
        }
        let first_text = first.display();
        if is_note(&first_text) {
            c.skip(
                sheet,
                excel_row,
                format!("说明行：{}", shorten(&clean_name(&first_text), 40)),
            );
            return;
        }
        let has_data = t
            .columns
            .iter()
            .any(|col| col.kind != Kind::Field(Field::Name) && !row.get(col.col).is_blank());
        if let Some((level, title, shown)) = section_heading(row, first_col, first, t.name_col) {
            let found = section_of(&title);
            let known = found.stage.is_some() || found.category.is_some() || found.level.is_some();
            if known || !has_data {
                if level == 1 {
                    t.section = Section::default();
                }
                t.section.stage = found
                    .stage
                    .or(if level == 1 { None } else { t.section.stage });
                t.section.category = found.category.or(t.section.category);
                t.section.level = found.level.or(t.section.level);
                c.skip(
                    sheet,
                    excel_row,
                    format!("分组行：{}", shorten(&clean_name(&shown), 40)),
                );
                return;
            }
        }
        // A blank where offices merge cells may be a merged cell: decide with the merges.
        if matches!(self.merge_info, Merges::Deferred)
            && (name_cell.is_blank()
                || t.columns
                    .iter()
                    .any(|col| col.kind.fills_down() && row.get(col.col).is_blank()))
        {
            self.need_merges = true;
            return;
        }
        if name_cell.is_blank() {
            let merged_name = t.fills.iter().any(|f| f.col == t.name_col && f.from < r);
            if merged_name {
                c.skip(sheet, excel_row, "续行（项目名称与上一行合并）".to_string());
                return;
            }
            if !has_data {
                c.skip(
                    sheet,
                    excel_row,
                    format!("无项目数据的行：{}", shorten(&clean_name(&first_text), 40)),
                );
                return;
            }
        }
        let project = parse_project(c, sheet, t, row);
        if let Some(project) = project {
            c.project(project);
        }
    }
}

/// The row some forms put under the header to number its columns: "甲 | 乙 | 1 | 2 | 3 …",
/// numbered from 1 without gaps, so a first project missing its name is not mistaken for it.
fn is_column_numbering<D: AsCell>(row: &RowRef<'_, D>) -> bool {
    let mut last = 0.0;
    let mut count = 0;
    for (_, cell) in row.nonblank() {
        let number = match cell {
            Cell::Int(i) => i as f64,
            Cell::Float(f) => f,
            Cell::Text(t) => match t.trim_matches(is_space) {
                "甲" | "乙" | "丙" | "丁" | "戊" | "己" | "庚" | "辛" if last == 0.0 => {
                    count += 1;
                    continue;
                }
                t => match t.parse::<f64>() {
                    Ok(f) => f,
                    Err(_) => return false,
                },
            },
            _ => return false,
        };
        let consecutive = if last == 0.0 {
            number == 1.0
        } else {
            number == last + 1.0
        };
        if !consecutive {
            return false;
        }
        last = number;
        count += 1;
    }
    count >= 3
}

fn unsupported_unit(word: &str) -> Bilingual {
    bi(
        format!("金额单位“{word}”无法识别，只支持元、万元、亿元"),
        format!("the amount unit “{word}” is not supported; use 元, 万元 or 亿元"),
    )
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A section heading: a list marker in the name cell or the first cell ("一、在建项目"), or a
/// marker alone in the first cell ("一" in 序号) with the title in the next cell. Gives the
/// marker's level, the title and the heading as shown.
fn section_heading<D: AsCell>(
    row: &RowRef<'_, D>,
    first_col: u32,
    first: Cell<'_>,
    name_col: u32,
) -> Option<(u8, String, String)> {
    let name = row.get(name_col).as_text();
    if let Some((level, rest)) = name
        .and_then(list_marker)
        .filter(|(_, rest)| !rest.is_empty())
    {
        return Some((
            level,
            rest.to_string(),
            name.unwrap_or_default().to_string(),
        ));
    }
    let shown = first.as_text()?;
    let (level, rest) = list_marker(shown)?;
    if !rest.is_empty() {
        return Some((level, rest.to_string(), shown.to_string()));
    }
    let title = row
        .nonblank()
        .find(|(col, _)| *col > first_col)
        .map(|(_, cell)| cell.display().into_owned())?;
    let shown = format!("{shown} {title}");
    Some((level, title, shown))
}

/// The stage, category or level a section title names.
fn section_of(title: &str) -> Section {
    let (full, base) = section_title(title);
    Section {
        stage: Stage::parse(&full).or_else(|| Stage::parse(&base)),
        category: CATEGORIES
            .iter()
            .copied()
            .find(|c| *c == full || *c == base || c.strip_suffix("项目") == Some(base.as_str())),
        level: Level::parse(&full).or_else(|| Level::parse(&base)),
    }
}

/// Assigns a parsed value to its slot, for the arms of the field match.
macro_rules! set {
    ($slot:expr, $value:expr) => {{
        $slot = $value;
        Ok(())
    }};
}

/// Reads one project row; `None` when it has errors (they are reported to `c`).
fn parse_project<D: AsCell>(
    c: &mut Collector,
    sheet: &str,
    t: &Table,
    row: &RowRef<'_, D>,
) -> Option<ImportedProject> {
    let r = row.row;
    let mut fields = ProjectFields::default();
    let (mut unit_name, mut lead_name, mut region_name) = (None, None, None);
    let (mut stage, mut cat_stage, mut category, mut level) = (None, None, None, None);
    let (mut header_year, mut plan_year) = (None, None);
    let mut failed: Vec<&'static str> = Vec::new();
    let mut months: [Option<Money>; 12] = [None; 12];
    let mut quarters: [Option<Money>; 4] = [None; 4];

    for col in &t.columns {
        let own = row.get(col.col);
        let cell = if own.is_blank() && col.kind.fills_down() {
            t.fills
                .iter()
                .find(|f| f.col == col.col && f.from < r)
                .map_or(own, |f| f.value.cell())
        } else {
            own
        };
        if cell.is_blank() {
            continue;
        }
        let text = || cell.text_value();
        let result: Result<(), Bilingual> = match col.kind {
            Kind::Field(Field::Name) => {
                fields.name = text().unwrap_or_default();
                Ok(())
            }
            Kind::Field(Field::Code) => set!(fields.code, text()),
            Kind::Field(Field::Category) => {
                let value = text().unwrap_or_default();
                match Stage::parse(&value) {
                    Some(s) => cat_stage = Some(s),
                    None => category = Some(value),
                }
                Ok(())
            }
            Kind::Field(Field::Stage) => {
                let value = text().unwrap_or_default();
                match Stage::parse(&value) {
                    Some(s) => set!(stage, Some(s)),
                    None => Err(bi(
                        format!("未知的项目阶段“{value}”"),
                        format!("unknown stage “{value}”"),
                    )),
                }
            }
            Kind::Field(Field::Level) => {
                let value = text().unwrap_or_default();
                match Level::parse(&value) {
                    Some(l) => set!(level, Some(l)),
                    None => Err(bi(
                        format!("未知的项目级别“{value}”"),
                        format!("unknown level “{value}”"),
                    )),
                }
            }
            Kind::Field(Field::Tags) => set!(fields.tags, split_list(&cell.display())),
            Kind::Field(Field::FundingSources) => {
                set!(fields.funding_sources, split_list(&cell.display()))
            }
            Kind::Field(Field::Industry) => set!(fields.industry, text()),
            Kind::Field(Field::Region) => set!(region_name, text()),
            Kind::Field(Field::Unit) | Kind::UnitLike(_) => set!(unit_name, text()),
            Kind::Field(Field::Owner) => set!(fields.owner, text()),
            Kind::Field(Field::LeadDepartment) => set!(lead_name, text()),
            Kind::Field(Field::LinkedLeader) => set!(fields.linked_leader, text()),
            Kind::Field(Field::ServiceOfficer) => set!(fields.service_officer, text()),
            Kind::Field(Field::Content) => set!(fields.content, text()),
            Kind::Field(Field::Location) => set!(fields.location, text()),
            Kind::Field(Field::Remarks) => set!(fields.remarks, text()),
            Kind::Field(Field::TotalInvestment) => {
                parse_amount(cell, col.unit).map(|m| fields.total_investment = m)
            }
            Kind::Field(Field::AnnualPlan) => {
                parse_amount(cell, col.unit).map(|m| fields.annual_plan = m)
            }
            Kind::AnnualPlanOf(year) => parse_amount(cell, col.unit).map(|m| {
                fields.annual_plan = m;
                header_year = m.is_some().then_some(year);
            }),
            // Read from the months and quarters.
            Kind::Field(Field::PlanPhases) => Ok(()),
            Kind::Field(Field::ExpectedOutput) => {
                parse_amount(cell, col.unit).map(|m| fields.expected_output = m)
            }
            Kind::Field(Field::ExpectedTax) => {
                parse_amount(cell, col.unit).map(|m| fields.expected_tax = m)
            }
            Kind::Field(Field::ExpectedJobs) => parse_count(cell).map(|n| fields.expected_jobs = n),
            Kind::Field(Field::PlanYear) => parse_year(cell).map(|y| plan_year = y),
            Kind::Field(Field::Period) => parse_cell_span(cell).map(|span| {
                fields.period_start = span.map(|s| s.0);
                fields.period_end = span.map(|s| s.1);
            }),
            Kind::Field(Field::PlannedStart) => {
                parse_cell_date(cell).map(|d| fields.planned_start = d)
            }
            Kind::Field(Field::PlannedCompletion) => {
                parse_cell_date(cell).map(|d| fields.planned_completion = d)
            }
            Kind::Field(Field::PlannedProduction) => {
                parse_cell_date(cell).map(|d| fields.planned_production = d)
            }
            Kind::Field(Field::ActualStart) => {
                parse_cell_date(cell).map(|d| fields.actual_start = d)
            }
            Kind::Field(Field::ActualCompletion) => {
                parse_cell_date(cell).map(|d| fields.actual_completion = d)
            }
            Kind::Field(Field::ActualProduction) => {
                parse_cell_date(cell).map(|d| fields.actual_production = d)
            }
            Kind::PlanMonth(n) => parse_amount(cell, col.unit).map(|m| {
                months[usize::from(n.clamp(1, 12) - 1)] = m;
            }),
            Kind::PlanQuarter(n) => parse_amount(cell, col.unit).map(|m| {
                quarters[usize::from(n.clamp(1, 4) - 1)] = m;
            }),
            Kind::Serial => Ok(()),
        };
        if let Err(message) = result {
            failed.push(col.kind.field().key());
            c.error(cell_error(
                sheet,
                r,
                col.col,
                &col.header,
                col.kind.field().label_en(),
                message,
            ));
        }
    }

    fields.stage = stage.or(cat_stage).or(t.section.stage);
    fields.category = category.or(t.section.category.map(str::to_string));
    fields.level = level.or(t.section.level);
    fields.plan_year = plan_year.or(header_year);
    // 分月计划: the months when any is given, else the quarters; a blank phase plans nothing.
    let phase = |m: &Option<Money>| m.unwrap_or(Money::ZERO);
    fields.plan_phases = if months.iter().any(Option::is_some) {
        Some(PlanPhases::Months(months.map(|m| phase(&m))))
    } else if quarters.iter().any(Option::is_some) {
        Some(PlanPhases::Quarters(quarters.map(|m| phase(&m))))
    } else {
        None
    };
    fields.plan_from_phases();

    let name_column = t
        .columns
        .iter()
        .find(|col| col.kind == Kind::Field(Field::Name));
    let locate = |kind_key: &str| {
        t.columns
            .iter()
            .find(|col| col.kind.field().key() == kind_key)
    };
    if fields.name.is_empty() {
        if let Some(col) = name_column {
            c.error(cell_error(
                sheet,
                r,
                col.col,
                &col.header,
                "name",
                bi(
                    "项目名称为空，但这一行有其他数据",
                    "the project name is empty but the row has other data",
                ),
            ));
        }
        return None;
    }

    // The same project twice in one file is almost always a copy-paste slip.
    let here = (sheet.to_string(), r.saturating_add(1));
    let mut duplicate = false;
    if let Some(code) = fields.code.clone() {
        match c.codes.get(&code).cloned() {
            Some(other) => {
                let (zh, en) = other_place(&other, sheet);
                let e = bi(
                    format!("项目编号“{code}”与{zh}重复"),
                    format!("the project code “{code}” is also used in {en}"),
                );
                if let Some(col) = locate("code") {
                    c.error(cell_error(sheet, r, col.col, &col.header, "code", e));
                }
                duplicate = true;
            }
            None => {
                c.codes.insert(code, here.clone());
            }
        }
    }
    match c.names.get(&fields.name).cloned() {
        Some(other) => {
            let (zh, en) = other_place(&other, sheet);
            let name = &fields.name;
            let e = bi(
                format!("项目名称“{name}”与{zh}重复"),
                format!("the project name “{name}” is also used in {en}"),
            );
            if let Some(col) = name_column {
                c.error(cell_error(sheet, r, col.col, &col.header, "name", e));
            }
            duplicate = true;
        }
        None => {
            c.names.insert(fields.name.clone(), here);
        }
    }

    // Rules between fields (annual plan within the total, completion after start…).
    let mut rule_failed = false;
    for e in fields.check() {
        if failed.contains(&e.field) {
            continue;
        }
        rule_failed = true;
        let message = bi(e.message_zh, e.message_en);
        match locate(e.field) {
            Some(col) => c.error(cell_error(
                sheet,
                r,
                col.col,
                &col.header,
                col.kind.field().label_en(),
                message,
            )),
            None => c.error(ImportError {
                sheet: sheet.to_string(),
                row: Some(r.saturating_add(1)),
                column: None,
                message_zh: message.zh,
                message_en: message.en,
            }),
        }
    }

    if !failed.is_empty() || duplicate || rule_failed {
        return None;
    }
    Some(ImportedProject {
        sheet: sheet.to_string(),
        row: r.saturating_add(1),
        fields,
        unit_name,
        lead_department_name: lead_name,
        region_name,
    })
}

/// Where the first of two duplicates is, in both languages.
fn other_place(other: &(String, u32), sheet: &str) -> (String, String) {
    let (other_sheet, row) = other;
    if other_sheet == sheet {
        (format!("第{row}行"), format!("row {row}"))
    } else {
        (
            format!("工作表“{other_sheet}”第{row}行"),
            format!("sheet “{other_sheet}” row {row}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The .xls/.ods path: a calamine range that starts at C5, as a sheet with its table moved
    /// down and right gives it. Rows and columns must be the sheet's, not the range's.
    #[test]
    fn ranges_keep_the_sheet_positions() {
        let mut range = Range::new((4, 2), (6, 4));
        let text = |s: &str| Data::String(s.to_string());
        for (pos, value) in [
            ((4, 2), text("序号")),
            ((4, 3), text("项目名称")),
            ((4, 4), text("总投资（亿元）")),
            ((5, 2), Data::Float(1.0)),
            ((5, 3), text("甲")),
            ((5, 4), Data::Float(-1.0)),
            ((6, 2), Data::Float(2.0)),
            ((6, 3), text("乙")),
            ((6, 4), Data::Int(2)),
        ] {
            range.set_value(pos, value);
        }
        let mut c = Collector::default();
        read_range(
            Ok(range),
            SheetParser::new("台账".into(), Merges::Unavailable),
            &mut c,
        );
        let out = c.finish();
        assert_eq!(out.sheets[0].header_row, 5);
        assert_eq!(out.sheets[0].amount_unit, "亿元");
        let e = &out.errors[0];
        assert_eq!((e.row, e.column.as_deref()), (Some(6), Some("E")));
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.projects.len(), 1);
        assert_eq!(out.projects[0].row, 7);
        assert_eq!(
            out.projects[0].fields.total_investment,
            Some(domain::Money::from_wan(20_000))
        );
    }

    #[test]
    fn unreadable_sheets_are_errors_of_their_sheet() {
        let mut c = Collector::default();
        read_range(
            Err("bad record".into()),
            SheetParser::new("台账".into(), Merges::Unavailable),
            &mut c,
        );
        let out = c.finish();
        assert_eq!(out.errors[0].sheet, "台账");
        assert!(out.errors[0].message_zh.contains("bad record"));
    }
}
