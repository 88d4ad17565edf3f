//! What the lists of issue 19 share (招商项目库, 地块征迁台账): a header found in the first rows by
//! synonyms, title and note rows above it (a note may state the amount unit), subtotal, note
//! and section rows skipped, every value read with its sheet, row and column. Each list says
//! which headers it knows and reads its own rows.

use calamine::{Data, Range};
use domain::text::clean_name;
use domain::{AmountUnit, Bilingual, Money};

use crate::cells::{AsCell, Cell, parse_amount, parse_cell_date, parse_count};
use crate::headers::{header_key, header_unit, is_note, list_marker, note_unit, subtotal_word};
use crate::{Gathered, ImportError, SheetSummary, SkippedRow, column_letter};

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 20;

/// A list's columns: what each header means, which must be there.
pub(crate) trait ListColumns: Copy + Eq + Sized + 'static {
    /// The column a normalised header names.
    fn classify(key: &str) -> Option<Self>;
    /// The header is the first row with every column of one of these sets.
    fn required() -> &'static [&'static [Self]];
    /// The column whose text labels the row (its name), for subtotal and note rows.
    fn label() -> Self;
    /// Why a sheet with no header was skipped.
    fn no_header() -> &'static str;
}

struct Column<C> {
    col: C,
    index: usize,
    unit: Option<AmountUnit>,
}

/// One data row of a list, with what it reads and the errors found in it.
pub(crate) struct ListRow<'r, C> {
    pub sheet: &'r str,
    /// 1-based Excel row.
    pub row: u32,
    cells: &'r [Data],
    columns: &'r [Column<C>],
    sheet_unit: AmountUnit,
    start_col: u32,
    pub errors: Vec<ImportError>,
}

impl<C: ListColumns> ListRow<'_, C> {
    fn column(&self, col: C) -> Option<&Column<C>> {
        self.columns.iter().find(|c| c.col == col)
    }

    fn cell(&self, col: C) -> Option<(usize, Cell<'_>)> {
        let c = self.column(col)?;
        Some((
            c.index,
            self.cells.get(c.index).map_or(Cell::Empty, |d| d.cell()),
        ))
    }

    /// Records an error in `col` (or the row's first column).
    pub fn error(&mut self, col: Option<C>, m: Bilingual) {
        let index = col.and_then(|c| self.column(c)).map_or(0, |c| c.index);
        self.errors.push(ImportError {
            sheet: self.sheet.to_string(),
            row: Some(self.row),
            column: Some(column_letter(
                self.start_col + u32::try_from(index).unwrap_or(0),
            )),
            message_zh: m.zh,
            message_en: m.en,
        });
    }

    /// The column's text, trimmed, `None` when blank.
    pub fn text(&self, col: C) -> Option<String> {
        self.cell(col).and_then(|(_, c)| c.text_value())
    }

    /// The column's text as a name (spaces and full-width forms cleaned).
    pub fn name(&self, col: C) -> Option<String> {
        self.text(col)
            .map(|t| clean_name(&t))
            .filter(|t| !t.is_empty())
    }

    /// An amount in the column's unit (its header's, else the sheet's).
    pub fn amount(&mut self, col: C) -> Option<Money> {
        let (_, cell) = self.cell(col)?;
        let unit = self
            .column(col)
            .and_then(|c| c.unit)
            .unwrap_or(self.sheet_unit);
        match parse_amount(cell, unit) {
            Ok(m) => m,
            Err(m) => {
                self.error(Some(col), m);
                None
            }
        }
    }

    pub fn date(&mut self, col: C) -> Option<chrono::NaiveDate> {
        let (_, cell) = self.cell(col)?;
        match parse_cell_date(cell) {
            Ok(d) => d,
            Err(m) => {
                self.error(Some(col), m);
                None
            }
        }
    }

    /// A whole number (户数, 坟数): 12, "12户", "1,200".
    pub fn count(&mut self, col: C, what_zh: &str, what_en: &str) -> Option<i64> {
        let (_, cell) = self.cell(col)?;
        let cell = match cell {
            Cell::Text(t) => {
                let trimmed = t.trim().trim_end_matches(['户', '座', '个', '穴', '处']);
                return match parse_count(Cell::Text(trimmed)) {
                    Ok(n) => n,
                    Err(_) => {
                        self.error(
                            Some(col),
                            domain::bi(
                                format!("{what_zh}“{}”不是有效数字", t.trim()),
                                format!("{what_en} “{}” is not a whole number", t.trim()),
                            ),
                        );
                        None
                    }
                };
            }
            other => other,
        };
        match parse_count(cell) {
            Ok(n) => n,
            Err(_) => {
                self.error(
                    Some(col),
                    domain::bi(
                        format!("{what_zh}“{}”不是有效数字", cell.display()),
                        format!("{what_en} “{}” is not a whole number", cell.display()),
                    ),
                );
                None
            }
        }
    }

    /// A decimal number (面积 in 亩) in thousandths: 12.5, "12.5亩".
    pub fn thousandths(&mut self, col: C, what_zh: &str, what_en: &str) -> Option<i64> {
        let (_, cell) = self.cell(col)?;
        let value = match cell {
            Cell::Empty => return None,
            Cell::Int(i) => Some(i as f64),
            Cell::Float(f) => Some(f),
            Cell::Text(t) => {
                let t = domain::text::to_half_width(t);
                let t = t.trim().trim_end_matches('亩').replace(',', "");
                if t.is_empty() {
                    return None;
                }
                t.trim().parse::<f64>().ok()
            }
            _ => None,
        };
        match value {
            Some(v) if (0.0..1e12).contains(&v) => Some((v * 1000.0).round() as i64),
            Some(v) if v < 0.0 => {
                self.error(
                    Some(col),
                    domain::bi(
                        format!("{what_zh}不能为负数"),
                        format!("{what_en} cannot be negative"),
                    ),
                );
                None
            }
            _ => {
                self.error(
                    Some(col),
                    domain::bi(
                        format!("{what_zh}“{}”不是有效数字", cell.display()),
                        format!("{what_en} “{}” is not a number", cell.display()),
                    ),
                );
                None
            }
        }
    }
}

/// Reads one sheet of a list: finds its header, skips what is not data, and hands each data
/// row to `read_row`, which returns what it read, or nothing when the row has errors.
pub(crate) fn read_list<C: ListColumns, T, O: Gathered>(
    sheet: &str,
    range: &Range<Data>,
    out: &mut O,
    items: impl Fn(&mut O) -> &mut Vec<T>,
    sheets: impl Fn(&mut O) -> &mut Vec<SheetSummary>,
    mut read_row: impl FnMut(&mut ListRow<'_, C>) -> Option<T>,
) {
    let start_row = range.start().map_or(0, |(r, _)| r);
    let start_col = range.start().map_or(0, |(_, c)| c);
    let rows: Vec<&[Data]> = range.rows().collect();
    let excel_row = |i: usize| start_row + u32::try_from(i).unwrap_or(u32::MAX) + 1;
    let found = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(at, row)| {
            let mut columns: Vec<Column<C>> = Vec::new();
            for (index, cell) in row.iter().enumerate() {
                let raw = cell.cell().as_text().unwrap_or_default().to_string();
                if let Some(col) = C::classify(&header_key(&raw))
                    && !columns.iter().any(|c| c.col == col)
                {
                    let unit = header_unit(&raw).and_then(Result::ok);
                    columns.push(Column { col, index, unit });
                }
            }
            let has = |c: &C| columns.iter().any(|x| x.col == *c);
            C::required()
                .iter()
                .any(|set| set.iter().all(has))
                .then_some((at, columns))
        });
    let Some((header_at, columns)) = found else {
        out.skipped_rows().push(SkippedRow {
            sheet: sheet.into(),
            row: 0,
            reason: C::no_header().into(),
        });
        return;
    };
    // A note above the header may state the unit: "单位：万元", "（亿元）".
    let mut sheet_unit = AmountUnit::Wan;
    for row in rows.iter().take(header_at) {
        for cell in row.iter() {
            if let Some(t) = cell.cell().as_text() {
                match note_unit(t) {
                    Some(Ok(u)) => sheet_unit = u,
                    Some(Err(other)) => out.errors().push(ImportError {
                        sheet: sheet.into(),
                        row: None,
                        column: None,
                        message_zh: format!("金额单位“{other}”无法识别，应为元、万元或亿元"),
                        message_en: format!(
                            "the amount unit “{other}” is not 元, 万元 or 亿元 (yuan, 10k, 100m)"
                        ),
                    }),
                    None => {}
                }
            }
        }
    }
    sheets(out).push(SheetSummary {
        sheet: sheet.into(),
        header_row: excel_row(header_at),
        amount_unit: sheet_unit.label_zh().into(),
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
    let label_index = columns
        .iter()
        .find(|c| c.col == C::label())
        .map(|c| c.index);
    for (i, cells) in rows.iter().enumerate().skip(header_at + 1) {
        let at = excel_row(i);
        if cells.iter().all(|c| c.cell().is_blank()) {
            continue;
        }
        let label = label_index
            .and_then(|i| cells.get(i))
            .and_then(|c| c.cell().text_value())
            .or_else(|| cells.iter().find_map(|c| c.cell().text_value()))
            .unwrap_or_default();
        let skip = if let Some(word) = subtotal_word(&label) {
            Some(format!("{word}行"))
        } else if is_note(&label) {
            Some(format!(
                "说明行：{}",
                label.chars().take(20).collect::<String>()
            ))
        } else if list_marker(&label).is_some_and(|(_, rest)| !rest.is_empty())
            && cells.iter().filter(|c| !c.cell().is_blank()).count() <= 2
        {
            Some(format!("分组行：{label}"))
        } else {
            None
        };
        if let Some(reason) = skip {
            out.skipped_rows().push(SkippedRow {
                sheet: sheet.into(),
                row: at,
                reason,
            });
            continue;
        }
        let mut row = ListRow {
            sheet,
            row: at,
            cells,
            columns: &columns,
            sheet_unit,
            start_col,
            errors: Vec::new(),
        };
        let read = read_row(&mut row);
        if row.errors.is_empty() {
            if let Some(item) = read {
                items(out).push(item);
            }
        } else {
            out.errors().extend(row.errors);
        }
    }
}
