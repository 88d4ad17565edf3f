//! Reading the 招商项目库 offices keep: one row per lead with its investor, source, unit, current
//! stage (当前阶段) and the date of each stage (洽谈时间, 签约时间, 落地时间, 开工时间, 投产时间);
//! amounts in 万元 or 亿元 as the headers or a note say. Units stay names here.

use chrono::NaiveDate;
use domain::leads::{LeadDates, LeadStage};
use domain::{Bilingual, Money, bi};
use serde::Serialize;

use crate::list_import::{ListColumns, ListRow, read_list};
use crate::{Gathered, ImportError, SheetSummary, SkippedRow, read_guarded, read_sheets};

/// One lead row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedLead {
    pub sheet: String,
    pub row: u32,
    pub name: String,
    pub investor: Option<String>,
    pub industry: Option<String>,
    pub chain: Option<String>,
    pub planned_investment: Option<Money>,
    pub source: Option<String>,
    pub unit_name: Option<String>,
    pub team: Option<String>,
    /// 当前阶段; when the sheet leaves it out, the furthest stage with a date, else 策划生成.
    pub stage: LeadStage,
    /// The date of each stage, in [`LeadStage::ALL`]'s order.
    pub dates: [Option<NaiveDate>; 6],
    pub contract_value: Option<Money>,
    pub expected_output: Option<Money>,
    pub expected_tax: Option<Money>,
    pub note: Option<String>,
}

/// Everything read from a lead workbook; write only when `errors` is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeadImport {
    pub leads: Vec<ImportedLead>,
    pub skipped_rows: Vec<SkippedRow>,
    pub errors: Vec<ImportError>,
    pub sheets: Vec<SheetSummary>,
}

impl Gathered for LeadImport {
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
    Investor,
    Industry,
    Chain,
    Planned,
    Source,
    Unit,
    Team,
    Stage,
    Date(LeadStage),
    Contract,
    Output,
    Tax,
    Note,
}

impl ListColumns for Col {
    fn classify(key: &str) -> Option<Col> {
        use LeadStage::*;
        let col = match key {
            "项目名称" | "招商项目名称" | "项目" | "名称" | "项目名" | "签约项目" => {
                Col::Name
            }
            "投资方" | "投资主体" | "投资企业" | "签约企业" | "客商" | "投资商" | "企业名称"
            | "签约主体" => Col::Investor,
            "所属行业" | "行业" | "行业类别" | "产业类别" | "产业类型" => {
                Col::Industry
            }
            "产业链" | "所属产业链" | "重点产业链" => Col::Chain,
            "计划投资" | "计划总投资" | "总投资" | "投资额" | "投资总额" | "协议投资额"
            | "计划投资额" => Col::Planned,
            "招商来源" | "来源" | "项目来源" | "签约活动" | "招商活动" | "签约平台"
            | "招商方式" => Col::Source,
            "责任单位" | "招商单位" | "牵头单位" | "招商责任单位" | "落地乡镇" | "所属单位" => {
                Col::Unit
            }
            "招商小分队" | "小分队" | "招商专班" | "招商小组" => Col::Team,
            "当前阶段" | "项目阶段" | "阶段" | "进展阶段" | "所处阶段" | "推进阶段" => {
                Col::Stage
            }
            "策划时间" | "策划生成时间" | "生成时间" | "谋划时间" | "入库时间" => {
                Col::Date(Planned)
            }
            "洽谈时间" | "接洽时间" | "首次洽谈时间" | "洽谈日期" => {
                Col::Date(Negotiating)
            }
            "签约时间" | "签约日期" => Col::Date(Signed),
            "落地时间" | "落地日期" | "注册时间" | "供地时间" => Col::Date(Landed),
            "开工时间" | "开工日期" | "实际开工时间" => Col::Date(Started),
            "投产时间" | "投产日期" | "实际投产时间" => Col::Date(Producing),
            "合同金额" | "合同投资额" | "签约金额" | "合同额" | "签约投资额" => {
                Col::Contract
            }
            "预计产值" | "预计年产值" | "达产产值" | "达产后年产值" => {
                Col::Output
            }
            "预计税收" | "预计年税收" | "达产税收" | "达产后年税收" => Col::Tax,
            "备注" | "说明" => Col::Note,
            _ => return None,
        };
        Some(col)
    }

    fn required() -> &'static [&'static [Col]] {
        &[&[Col::Name, Col::Stage], &[Col::Name, Col::Investor]]
    }

    fn label() -> Col {
        Col::Name
    }

    fn no_header() -> &'static str {
        "没有找到项目名称和当前阶段（或投资方）表头，已跳过"
    }
}

/// Reads a lead workbook (.xlsx, .xls, .xlsb or .ods). Never panics.
pub fn read_leads(bytes: &[u8]) -> LeadImport {
    read_guarded(bytes, read_workbook)
}

fn read_workbook(bytes: &[u8]) -> Result<LeadImport, Bilingual> {
    let mut out: LeadImport = read_sheets(bytes, |sheet, range, out: &mut LeadImport| {
        read_list(
            sheet,
            range,
            out,
            |o| &mut o.leads,
            |o| &mut o.sheets,
            read_row,
        )
    })?;
    if out.leads.is_empty() && out.errors.is_empty() {
        out.errors.push(ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            message_zh: "没有找到含“项目名称”和“当前阶段”表头的工作表".into(),
            message_en: "no sheet has a header with 项目名称 and 当前阶段".into(),
        });
    }
    Ok(out)
}

fn read_row(row: &mut ListRow<'_, Col>) -> Option<ImportedLead> {
    let name = row.name(Col::Name);
    if name.is_none() {
        row.error(
            Some(Col::Name),
            bi("缺少项目名称", "the row names no lead (项目名称)"),
        );
    }
    let mut dates = LeadDates::default();
    for stage in LeadStage::ALL {
        let day = row.date(Col::Date(*stage));
        dates.set(*stage, day);
    }
    let stage = match row.text(Col::Stage) {
        None => dates.furthest().unwrap_or(LeadStage::Planned),
        Some(t) => match LeadStage::parse(&t) {
            Some(s) => s,
            None => {
                let known: Vec<&str> = LeadStage::ALL.iter().map(|s| s.label_zh()).collect();
                row.error(
                    Some(Col::Stage),
                    bi(
                        format!("当前阶段“{t}”无法识别，应为：{}", known.join("、")),
                        format!(
                            "the stage “{t}” is not one of: {}",
                            LeadStage::ALL
                                .iter()
                                .map(|s| s.label_en())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                );
                LeadStage::Planned
            }
        },
    };
    if row.errors.is_empty()
        && let Err(m) = dates.check(stage)
    {
        row.error(Some(Col::Stage), m);
    }
    let planned_investment = row.amount(Col::Planned);
    let contract_value = row.amount(Col::Contract);
    let expected_output = row.amount(Col::Output);
    let expected_tax = row.amount(Col::Tax);
    Some(ImportedLead {
        sheet: row.sheet.to_string(),
        row: row.row,
        name: name?,
        investor: row.name(Col::Investor),
        industry: row.name(Col::Industry),
        chain: row.name(Col::Chain),
        planned_investment,
        source: row.name(Col::Source),
        unit_name: row.name(Col::Unit),
        team: row.name(Col::Team),
        stage,
        dates: dates.0,
        contract_value,
        expected_output,
        expected_tax,
        note: row.text(Col::Note),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn header_synonyms() {
        for (key, want) in [
            ("项目名称", Col::Name),
            ("投资方", Col::Investor),
            ("当前阶段", Col::Stage),
            ("洽谈时间", Col::Date(LeadStage::Negotiating)),
            ("签约时间", Col::Date(LeadStage::Signed)),
            ("落地时间", Col::Date(LeadStage::Landed)),
            ("开工时间", Col::Date(LeadStage::Started)),
            ("投产时间", Col::Date(LeadStage::Producing)),
            ("计划投资", Col::Planned),
            ("招商来源", Col::Source),
            ("招商小分队", Col::Team),
        ] {
            assert_eq!(Col::classify(key), Some(want), "{key}");
        }
        assert_eq!(Col::classify("存在问题"), None);
    }
}
