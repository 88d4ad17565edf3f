//! What an .xls or .ods workbook would cost before calamine reads it.
//!
//! calamine reads these two formats whole when it opens them: every sheet of an .xls at once, each
//! as a dense grid from its first to its last cell with a value (and, first, room for as many
//! cells as the sheet's DIMENSIONS record claims), and every sheet of an .ods likewise, its
//! repeated rows and columns spelled out. A value typed in a far cell, or a damaged file that
//! claims a huge sheet, would take gigabytes before the first row is looked at. (.xlsx and
//! .xlsb are streamed cell by cell instead, see `crate::table_of`.)
//!
//! So the file is measured first, the way calamine will read it — the .xls workbook stream's
//! records at each sheet's offset, the .ods `content.xml` as a stream of XML events — and
//! refused with a clear error when its sheets together would hold more than [`MAX_CELLS`]
//! cells. Files this code cannot make sense of are left to calamine, which says why.

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};

use domain::{Bilingual, bi};

/// The cells the sheets of one .xls or .ods may come to in all, empty ones between values
/// included: 30 times the widest 20,000-row county ledger, and 65,536 rows (the most an .xls
/// sheet has) of 60 columns. Past it, calamine's grids would take over 150 MB.
pub(crate) const MAX_CELLS: u64 = 4_000_000;

/// The most of an .ods's `content.xml` read (unpacked): a zip bomb is refused, not parsed.
const MAX_ODS_XML: u64 = 512 << 20;

/// Excel's and calamine's limits of a sheet.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// The box of a sheet's cells with values, as calamine will lay its grid.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Bounds {
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Bounds {
    fn add(&mut self, row: u64, col_first: u64, col_last: u64) {
        let (r0, r1) = self.rows.unwrap_or((row, row));
        self.rows = Some((r0.min(row), r1.max(row)));
        let (c0, c1) = self.cols.unwrap_or((col_first, col_last));
        self.cols = Some((c0.min(col_first), c1.max(col_last)));
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        }
    }

    /// The far corner, as Excel names it (e.g. "IV65536").
    fn corner(&self) -> String {
        match (self.rows, self.cols) {
            (Some((_, r1)), Some((_, c1))) => format!(
                "{}{}",
                crate::column_letter(u32::try_from(c1).unwrap_or(u32::MAX)),
                r1 + 1
            ),
            _ => String::new(),
        }
    }
}

/// The bytes calamine is to open: an .xls re-packed around its workbook stream alone (see
/// [`xls_repacked`]); an .xls or .ods whose sheets would come to more than `cap` cells refused;
/// any other file as it is.
pub(crate) fn prepare(bytes: &[u8], cap: u64) -> Result<Cow<'_, [u8]>, Bilingual> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let stream = xls_stream(bytes)?;
        check_sheets(&xls_sheets(&stream)?, cap)?;
        return xls_repacked(&stream).map(Cow::Owned);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        check_sheets(&ods_sheets(bytes)?, cap)?;
    }
    Ok(Cow::Borrowed(bytes))
}

fn check_sheets(sheets: &[(u64, Bounds)], cap: u64) -> Result<(), Bilingual> {
    let mut total = 0u64;
    for (i, (claimed, bounds)) in sheets.iter().enumerate() {
        total = total
            .saturating_add(*claimed)
            .saturating_add(bounds.cells());
        if total > cap {
            let far = bounds.corner();
            let (at, at_en) = if *claimed > bounds.cells() {
                (
                    format!("（该表的尺寸记录声称有 {claimed} 个单元格）"),
                    format!(" (its dimensions record claims {claimed} cells)"),
                )
            } else if far.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    format!("，最远的单元格在 {far}"),
                    format!("; its farthest cell is {far}"),
                )
            };
            return Err(bi(
                format!(
                    "工作簿过大：.xls 和 .ods 文件须整体读入，到第 {} 个工作表已超过 {} 万个单元格{at}。\
                     请删除表格以外的内容，或另存为 .xlsx 后再导入",
                    i + 1,
                    cap / 10_000
                ),
                format!(
                    "the workbook is too large: .xls and .ods files are read whole, and by sheet {} \
                     they come to more than {cap} cells{at_en}. Delete what lies outside the table, \
                     or save it as .xlsx and import that",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

fn damaged_xls(why: impl std::fmt::Display) -> Bilingual {
    bi(
        format!("不是完好的 .xls 文件（{why}），请用 Excel 或 WPS 打开后另存再导入"),
        format!(
            "not a sound .xls file ({why}); open it in Excel or WPS, save it again and import that"
        ),
    )
}

fn damaged_ods(why: impl std::fmt::Display) -> Bilingual {
    bi(
        format!("不是完好的 .ods 文件（{why}），请用 WPS 或 LibreOffice 打开后另存再导入"),
        format!(
            "not a sound .ods file ({why}); open it in WPS or LibreOffice, save it again and import that"
        ),
    )
}

/// The workbook stream of an .xls, read through the `cfb` crate, which checks the compound
/// file's sector chains (calamine's own reader follows a chain that loops back on itself until
/// memory runs out).
fn xls_stream(bytes: &[u8]) -> Result<Vec<u8>, Bilingual> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(damaged_xls)?;
    let mut stream = file
        .open_stream("Workbook")
        .or_else(|_| file.open_stream("Book"))
        .map_err(damaged_xls)?;
    let mut out = Vec::new();
    // A stream is no longer than the file it lies in.
    stream
        .by_ref()
        .take(bytes.len() as u64)
        .read_to_end(&mut out)
        .map_err(damaged_xls)?;
    Ok(out)
}

/// A new compound file holding the workbook stream alone, written by the `cfb` crate: calamine
/// then reads a container known to be sound, whatever the original's directory held.
fn xls_repacked(stream: &[u8]) -> Result<Vec<u8>, Bilingual> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).map_err(damaged_xls)?;
    file.create_stream("Workbook")
        .and_then(|mut s| s.write_all(stream))
        .map_err(damaged_xls)?;
    file.flush().map_err(damaged_xls)?;
    Ok(file.into_inner().into_inner())
}

fn u16_at(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..at + 2)
        .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..at + 4)
        .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// The records of a BIFF stream from its start: (type, data); CONTINUE records are skipped as
/// calamine folds them into the record before. Stops at the first record that does not fit.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        loop {
            let typ = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
            let len = usize::from(u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]));
            let data = rest.get(4..4 + len)?;
            rest = &rest[4 + len..];
            if typ != 0x003C {
                return Some((typ, data));
            }
        }
    })
}

/// Each sheet of an .xls's workbook stream as calamine will read it: the cells its DIMENSIONS
/// record makes it reserve, and the box of its cells with values.
/// A BoundSheet8 record too short for what calamine reads of it, or a sheet said to start past
/// the stream's end, is refused as damaged (calamine indexes both without a check).
fn xls_sheets(stream: &[u8]) -> Result<Vec<(u64, Bounds)>, Bilingual> {
    // The globals: each sheet's offset (BoundSheet8), up to their EOF.
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x0085 => {
                let sheet = u32_at(data, 0)
                    .filter(|_| data.len() >= 8)
                    .and_then(|at| stream.get(usize::try_from(at).ok()?..))
                    .ok_or_else(|| damaged_xls("a sheet's entry points outside the workbook"))?;
                sheets.push(xls_sheet(sheet)?);
            }
            0x000A => break,
            // Records calamine reads fields of without checking their length.
            0x002F | 0x0042 | 0x0022 | 0x0809 | 0x0017 if data.len() < 2 => {
                return Err(damaged_xls("a record of the workbook is cut short"));
            }
            0x0018 if data.len() < 14 || u16_at(data, 4).unwrap_or(0) > data.len() as u64 => {
                return Err(damaged_xls("a defined name is cut short"));
            }
            _ => {}
        }
    }
    Ok(sheets)
}

/// One sheet's substream: nested substreams (an embedded chart) are skipped as calamine skips
/// them; the sheet ends at its EOF.
fn xls_sheet(stream: &[u8]) -> Result<(u64, Bounds), Bilingual> {
    let mut claimed = 0u64;
    let mut bounds = Bounds::default();
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, data) in records(stream) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let cell = || Some((u16_at(data, 0)?, u16_at(data, 2)?));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            // DIMENSIONS: calamine reserves room for the rows × columns it claims.
            0x0200 => {
                let (first, last, col_first, col_last) = match data.len() {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    _ => (None, None, None, None),
                };
                if let (Some(first), Some(last), Some(col_first), Some(col_last)) =
                    (first, last, col_first, col_last)
                {
                    claimed = claimed.max(dimensions_reserve(first, last, col_first, col_last));
                }
            }
            // Number, Label, RString, BoolErr, RK, LabelSst, Formula: one cell each.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let Some((row, col)) = cell() {
                    bounds.add(row, col, col);
                }
            }
            // MergeCells: calamine reads as many ranges as the count says.
            0x00E5 => {
                let count = u16_at(data, 0).unwrap_or(u64::MAX);
                if data.len() as u64 <= count.saturating_mul(8).saturating_add(1) {
                    return Err(damaged_xls("a list of merged cells is cut short"));
                }
            }
            // MulRk: a run of cells in one row.
            0x00BD => {
                if let (Some((row, first)), Some(last)) = (
                    cell(),
                    data.len().checked_sub(2).and_then(|at| u16_at(data, at)),
                ) {
                    bounds.add(row, first, last.max(first));
                }
            }
            _ => {}
        }
    }
    Ok((claimed, bounds))
}

/// Each sheet of an .ods as calamine will read it: the box of its cells with a value or a
/// formula, repeated rows and columns counted out (at most Excel's rows and columns).
fn ods_sheets(bytes: &[u8]) -> Result<Vec<(u64, Bounds)>, Bilingual> {
    use quick_xml::events::Event;
    let Ok(mut package) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Vec::new());
    };
    if package.by_name("xl/workbook.xml").is_ok() {
        return Ok(Vec::new());
    }
    let Ok(content) = package.by_name("content.xml") else {
        return Ok(Vec::new());
    };
    let mut xml =
        quick_xml::Reader::from_reader(std::io::BufReader::new(content.take(MAX_ODS_XML + 1)));
    let mut buf = Vec::new();
    let mut sheets = Vec::new();
    let mut bounds = Bounds::default();
    // Where the reader is: the row (counting repeats), its repeats, the next column, and the
    // cell being read (its first column, repeats, and whether it holds anything).
    let (mut row, mut row_repeats, mut col) = (0u64, 1u64, 0u64);
    let mut cell: Option<(u64, u64, bool)> = None;
    let repeats = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let holds_value = |e: &quick_xml::events::BytesStart<'_>| {
        e.try_get_attribute("office:value-type")
            .ok()
            .flatten()
            .is_some()
            || e.try_get_attribute("table:formula")
                .ok()
                .flatten()
                .is_some()
    };
    // calamine's .ods reader waits for the end of the element it is in and reads on past the
    // end of the file (a cut-off `content.xml` kept it busy for ever): only well-formed XML,
    // every element closed, is handed on.
    let mut depth = 0usize;
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) if depth == 0 => break,
            Ok(Event::Eof) => return Err(damaged_ods("the content ends inside an element")),
            Ok(event) => event,
            Err(e) => return Err(damaged_ods(e)),
        };
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if xml.buffer_position() > MAX_ODS_XML {
            return Err(bi(
                format!(
                    "文件内容解压后超过 {} MB，不是正常的表格文件",
                    MAX_ODS_XML >> 20
                ),
                format!(
                    "the file's content unpacks to more than {} MB: not a normal spreadsheet",
                    MAX_ODS_XML >> 20
                ),
            ));
        }
        let (e, closed) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = e {
            match e.name().as_ref() {
                "table:table" => {
                    bounds = Bounds::default();
                    row = 0;
                    if closed {
                        sheets.push((0, bounds));
                    }
                }
                "table:table-row" => {
                    row_repeats = repeats(e, "table:number-rows-repeated")
                        .min(MAX_ROWS.saturating_sub(row).max(1));
                    col = 0;
                    if closed {
                        row = row.saturating_add(row_repeats).min(MAX_ROWS);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let n = repeats(e, "table:number-columns-repeated")
                        .min(MAX_COLUMNS.saturating_sub(col).max(1));
                    let full = holds_value(e);
                    if closed {
                        if full {
                            add_cells(&mut bounds, row, row_repeats, col, n);
                        }
                        col = col.saturating_add(n).min(MAX_COLUMNS);
                    } else {
                        cell = Some((col, n, full));
                    }
                }
                _ => {}
            }
        }
        match &event {
            Event::Text(t) => {
                if let Some((_, _, full)) = cell.as_mut() {
                    *full |= !t.trim().is_empty();
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table" => sheets.push((0, bounds)),
                "table:table-row" => row = row.saturating_add(row_repeats).min(MAX_ROWS),
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some((first, n, full)) = cell.take() {
                        if full {
                            add_cells(&mut bounds, row, row_repeats, first, n);
                        }
                        col = first.saturating_add(n).min(MAX_COLUMNS);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(sheets)
}

/// The cells calamine reserves for a DIMENSIONS record of rows `first..last` and columns
/// `col_first..col_last` (the last ones past the end), reckoned as its release build does: in
/// 32-bit arithmetic that wraps, so a record whose last row lies before its first claims four
/// billion rows.
fn dimensions_reserve(first: u64, last: u64, col_first: u64, col_last: u64) -> u64 {
    let (rf, rl, cl) = (first as u32, last as u32, col_last as u32);
    let cf = if col_first > 0xFF || col_last < col_first {
        0
    } else {
        col_first as u32
    };
    let (start, end) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    rows.saturating_mul(cols)
}

fn add_cells(bounds: &mut Bounds, row: u64, row_repeats: u64, col: u64, n: u64) {
    let last_row = row.saturating_add(row_repeats - 1).min(MAX_ROWS - 1);
    let last_col = col.saturating_add(n - 1).min(MAX_COLUMNS - 1);
    bounds.add(row.min(MAX_ROWS - 1), col, last_col);
    bounds.add(last_row, col, last_col);
}
