//! Reading the 征迁交地 lists offices keep: one row per parcel (地块) with its project, town,
//! area in 亩, households and graves to clear and cleared, and its planned and actual delivery.
//! Projects and towns stay names here: the store matches them.

use chrono::NaiveDate;
use domain::{Bilingual, bi};
use serde::Serialize;

use crate::list_import::{ListColumns, ListRow, read_list};
use crate::{Gathered, ImportError, SheetSummary, SkippedRow, read_guarded, read_sheets};

/// One parcel row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedParcel {
    pub sheet: String,
    pub row: u32,
    pub name: String,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub town_name: Option<String>,
    /// Thousandths of a 亩.
    pub area_milli_mu: i64,
    pub households_total: i64,
    pub households_signed: i64,
    pub households_demolished: i64,
    pub graves_total: i64,
    pub graves_moved: i64,
    pub planned_delivery: Option<NaiveDate>,
    pub actual_delivery: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Everything read from a parcel workbook; write only when `errors` is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParcelImport {
    pub parcels: Vec<ImportedParcel>,
    pub skipped_rows: Vec<SkippedRow>,
    pub errors: Vec<ImportError>,
    pub sheets: Vec<SheetSummary>,
}

impl Gathered for ParcelImport {
    fn skipped_rows(&mut self) -> &mut Vec<SkippedRow> {
        &mut self.skipped_rows
    }
    fn errors(&mut self) -> &mut Vec<ImportError> {
        &mut self.errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Project,
    Code,
    Town,
    Area,
    Households,
    Signed,
    Demolished,
    Graves,
    Moved,
    Planned,
    Actual,
    Note,
}

impl ListColumns for Col {
    fn classify(key: &str) -> Option<Col> {
        let col = match key {
            "地块名称" | "地块" | "地块编号" | "宗地名称" | "地块名" => Col::Name,
            "关联项目" | "项目名称" | "所属项目" | "项目" | "涉及项目" | "用地项目" => {
                Col::Project
            }
            "项目编号" | "项目代码" | "统一项目代码" => Col::Code,
            "所在乡镇" | "乡镇" | "责任乡镇" | "所属乡镇" | "乡镇(街道)" | "镇街" | "责任单位" => {
                Col::Town
            }
            "面积" | "用地面积" | "地块面积" | "征地面积" | "面积亩" => Col::Area,
            "应签约户数" | "涉及户数" | "总户数" | "应签户数" | "征迁户数" => {
                Col::Households
            }
            "已签约户数" | "已签户数" | "签约户数" => Col::Signed,
            "已拆除户数" | "已拆户数" | "拆除户数" | "已腾空户数" => {
                Col::Demolished
            }
            "应迁坟数" | "涉及坟墓" | "坟墓数" | "应迁坟墓" | "涉及坟数" => {
                Col::Graves
            }
            "已迁坟数" | "已迁坟墓" | "迁坟数" => Col::Moved,
            "计划交地时间" | "计划交地日期" | "交地时限" | "计划交地" => {
                Col::Planned
            }
            "实际交地时间" | "实际交地日期" | "交地时间" | "实际交地" => {
                Col::Actual
            }
            "备注" | "说明" | "存在问题" => Col::Note,
            _ => return None,
        };
        Some(col)
    }

    fn required() -> &'static [&'static [Col]] {
        &[&[Col::Name, Col::Planned], &[Col::Name, Col::Area]]
    }

    fn label() -> Col {
        Col::Name
    }

    fn no_header() -> &'static str {
        "没有找到地块名称和计划交地时间（或面积）表头，已跳过"
    }
}

/// Reads a parcel workbook (.xlsx, .xls, .xlsb or .ods). Never panics.
pub fn read_parcels(bytes: &[u8]) -> ParcelImport {
    read_guarded(bytes, read_workbook)
}

fn read_workbook(bytes: &[u8]) -> Result<ParcelImport, Bilingual> {
    let mut out: ParcelImport = read_sheets(bytes, |sheet, range, out: &mut ParcelImport| {
        read_list(
            sheet,
            range,
            out,
            |o| &mut o.parcels,
            |o| &mut o.sheets,
            read_row,
        )
    })?;
    if out.parcels.is_empty() && out.errors.is_empty() {
        out.errors.push(ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            message_zh: "没有找到含“地块名称”和“计划交地时间”表头的工作表".into(),
            message_en: "no sheet has a header with 地块名称 and 计划交地时间".into(),
        });
    }
    Ok(out)
}

fn read_row(row: &mut ListRow<'_, Col>) -> Option<ImportedParcel> {
    let name = row.name(Col::Name);
    if name.is_none() {
        row.error(
            Some(Col::Name),
            bi("缺少地块名称", "the row names no parcel (地块名称)"),
        );
    }
    let area = row.thousandths(Col::Area, "面积", "the area").unwrap_or(0);
    let households_total = row.count(Col::Households, "应签约户数", "households to sign");
    let households_signed = row.count(Col::Signed, "已签约户数", "households signed");
    let households_demolished = row.count(Col::Demolished, "已拆除户数", "households demolished");
    let graves_total = row.count(Col::Graves, "应迁坟数", "graves to move");
    let graves_moved = row.count(Col::Moved, "已迁坟数", "graves moved");
    let planned_delivery = row.date(Col::Planned);
    let actual_delivery = row.date(Col::Actual);
    for (done, of, col, zh, en) in [
        (
            households_signed,
            households_total,
            Col::Signed,
            "已签约户数超过应签约户数",
            "more households signed than there are to sign",
        ),
        (
            households_demolished,
            households_total,
            Col::Demolished,
            "已拆除户数超过应签约户数",
            "more households demolished than there are",
        ),
        (
            graves_moved,
            graves_total,
            Col::Moved,
            "已迁坟数超过应迁坟数",
            "more graves moved than there are to move",
        ),
    ] {
        if let (Some(done), Some(of)) = (done, of)
            && done > of
        {
            row.error(
                Some(col),
                bi(
                    format!("{zh}（{done} > {of}）"),
                    format!("{en} ({done} > {of})"),
                ),
            );
        }
    }
    let project_name = row.name(Col::Project);
    let project_code = row.text(Col::Code);
    Some(ImportedParcel {
        sheet: row.sheet.to_string(),
        row: row.row,
        name: name?,
        project_code,
        project_name,
        town_name: row.name(Col::Town),
        area_milli_mu: area,
        households_total: households_total.unwrap_or(0),
        households_signed: households_signed.unwrap_or(0),
        households_demolished: households_demolished.unwrap_or(0),
        graves_total: graves_total.unwrap_or(0),
        graves_moved: graves_moved.unwrap_or(0),
        planned_delivery,
        actual_delivery,
        note: row.text(Col::Note),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_synonyms() {
        for (key, want) in [
            ("地块名称", Col::Name),
            ("关联项目", Col::Project),
            ("所在乡镇", Col::Town),
            ("面积", Col::Area),
            ("应签约户数", Col::Households),
            ("已签约户数", Col::Signed),
            ("应迁坟数", Col::Graves),
            ("已迁坟数", Col::Moved),
            ("计划交地时间", Col::Planned),
            ("实际交地时间", Col::Actual),
        ] {
            assert_eq!(Col::classify(key), Some(want), "{key}");
        }
    }
}
