//! 招商 and 征迁交地 as figures (issue 19 §1, §2): the funnel of leads as of a date — each stage's
//! count and amount, conversion and median days from the stage before, by unit, event and
//! industry — and the land as of a date — each parcel delivered or overdue, each town's area
//! delivered and whether it has cleared its overdue parcels (交地清零). The command line
//! (`gongjian funnel`, `gongjian land`) prints these; the pages show them; the exports write the
//! lists in the columns the importers read.

use chrono::NaiveDate;
use domain::Money;
use domain::land::{self, Delivery};
use domain::leads::{self, Lead, LeadStage};
use serde::Serialize;
use store::{LeadRecord, ParcelRecord, Store, StoreError};

/// The group of leads with no responsible unit, event or industry written.
pub const UNSTATED_ZH: &str = "未填写";

/// One stage of the funnel.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelStage {
    /// 策划生成, 洽谈, 签约, 落地, 开工, 投产.
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub stage_en: &'static str,
    pub count: usize,
    /// The planned investment of the leads at or past the stage, in 万元.
    pub amount_wan: f64,
    /// This stage's count of the stage before's (`null` for the first, or when none before).
    pub conversion: Option<f64>,
    /// The median days from the stage before, over leads with both dates by the day.
    pub median_days: Option<f64>,
}

/// One unit's (event's, industry's) leads.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelGroup {
    pub unit: String,
    pub leads: usize,
    pub signed: usize,
    /// Signed for 1 亿元 or more.
    pub signed_over_yi: usize,
    /// Signed for, in 万元 (the contract value, else the planned investment).
    pub signed_amount_wan: f64,
    pub landed: usize,
    pub started: usize,
    pub producing: usize,
    /// 履约率: landed of signed (`null` when none signed).
    pub fulfilment_rate: Option<f64>,
    /// 开工率 and 投产率 of signed leads.
    pub start_rate: Option<f64>,
    pub production_rate: Option<f64>,
}

/// The funnel as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct Funnel {
    pub as_of: String,
    pub leads: usize,
    pub stages: Vec<FunnelStage>,
    pub units: Vec<FunnelGroup>,
    pub events: Vec<FunnelGroup>,
    pub industries: Vec<FunnelGroup>,
}

fn group(g: leads::GroupFigures) -> FunnelGroup {
    FunnelGroup {
        fulfilment_rate: g.fulfilment_rate(),
        start_rate: g.start_rate(),
        production_rate: g.production_rate(),
        unit: g.group,
        leads: g.leads,
        signed: g.signed,
        signed_over_yi: g.signed_over_yi,
        signed_amount_wan: g.signed_amount.wan_f64(),
        landed: g.landed,
        started: g.started,
        producing: g.producing,
    }
}

fn stated(text: &Option<String>) -> String {
    text.clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| UNSTATED_ZH.to_string())
}

/// The funnel of `records` as of `day`.
pub fn funnel_of(records: &[LeadRecord], day: NaiveDate) -> Funnel {
    let zero = Money::from_fen(0);
    let counted: Vec<(Lead, Money)> = records
        .iter()
        .map(|r| {
            let amount = r.fields.planned_investment.or(r.fields.contract_value);
            (r.lead(), amount.unwrap_or(zero))
        })
        .collect();
    let dates: Vec<leads::LeadDates> = counted.iter().map(|(l, _)| l.dates).collect();
    let counts = leads::funnel(&counted, day);
    let stages = counts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let before = i.checked_sub(1).map(|b| counts[b]);
            FunnelStage {
                stage: s.stage.label_zh(),
                stage_code: s.stage.code(),
                stage_en: s.stage.label_en(),
                count: s.count,
                amount_wan: s.amount.wan_f64(),
                conversion: before.and_then(|b| leads::rate(s.count, b.count)),
                median_days: before.and_then(|b| leads::median_days(&dates, b.stage, s.stage, day)),
            }
        })
        .collect();
    let signed_for = |r: &LeadRecord| {
        r.fields
            .contract_value
            .or(r.fields.planned_investment)
            .unwrap_or(zero)
    };
    let by = |key: &dyn Fn(&LeadRecord) -> String| {
        let rows: Vec<(String, Lead, Money)> = records
            .iter()
            .map(|r| (key(r), r.lead(), signed_for(r)))
            .collect();
        leads::by_group(&rows, day)
            .into_iter()
            .map(group)
            .collect::<Vec<_>>()
    };
    Funnel {
        as_of: day.to_string(),
        leads: records.len(),
        stages,
        units: by(&|r| stated(&r.unit)),
        events: by(&|r| stated(&r.fields.source)),
        industries: by(&|r| stated(&r.fields.industry)),
    }
}

/// The funnel of every lead (or one unit's) as of `day`.
pub async fn funnel(
    store: &Store,
    day: NaiveDate,
    unit: Option<i64>,
) -> Result<Funnel, StoreError> {
    Ok(funnel_of(&store.leads(unit).await?, day))
}

/// One parcel as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct LandParcel {
    pub id: i64,
    pub name: String,
    pub project: Option<String>,
    pub project_id: Option<i64>,
    pub town: String,
    pub area_mu: f64,
    pub households_total: i64,
    pub households_signed: i64,
    pub households_demolished: i64,
    pub graves_total: i64,
    pub graves_moved: i64,
    pub planned_delivery: Option<String>,
    pub actual_delivery: Option<String>,
    pub delivered: bool,
    pub overdue: bool,
    pub days_overdue: Option<i64>,
}

/// One town's parcels as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct LandTown {
    pub town: String,
    pub parcels: usize,
    pub area_mu: f64,
    pub delivered_mu: f64,
    pub overdue: usize,
    /// 交地清零: none of its parcels overdue.
    pub cleared: bool,
}

/// One project's parcels as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct LandProject {
    pub project: String,
    pub project_id: i64,
    pub parcels: usize,
    pub area_mu: f64,
    pub delivered_mu: f64,
    pub overdue: usize,
    pub households_total: i64,
    pub households_signed: i64,
}

/// The land as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct Land {
    pub as_of: String,
    pub parcels: Vec<LandParcel>,
    pub towns: Vec<LandTown>,
    /// By project, for the parcels linked to one.
    pub projects: Vec<LandProject>,
}

/// The land of `records` as of `day`.
pub fn land_of(records: &[ParcelRecord], day: NaiveDate) -> Land {
    let town = |r: &ParcelRecord| stated(&r.town);
    let parcels = records
        .iter()
        .map(|r| {
            let f = &r.fields;
            let d: Delivery = f.delivery();
            LandParcel {
                id: r.id,
                name: f.name.clone(),
                project: r.project.clone(),
                project_id: f.project_id,
                town: town(r),
                area_mu: land::mu(f.area_milli_mu),
                households_total: f.households_total,
                households_signed: f.households_signed,
                households_demolished: f.households_demolished,
                graves_total: f.graves_total,
                graves_moved: f.graves_moved,
                planned_delivery: f.planned_delivery.map(|d| d.to_string()),
                actual_delivery: f.actual_delivery.map(|d| d.to_string()),
                delivered: d.delivered(day),
                overdue: d.overdue(day),
                days_overdue: d.days_overdue(day),
            }
        })
        .collect();
    let by_town: Vec<(String, i64, Delivery)> = records
        .iter()
        .map(|r| (town(r), r.fields.area_milli_mu, r.fields.delivery()))
        .collect();
    let towns = land::towns(&by_town, day)
        .into_iter()
        .map(|t| LandTown {
            town: t.town,
            parcels: t.parcels,
            area_mu: land::mu(t.area_milli_mu),
            delivered_mu: land::mu(t.delivered_milli_mu),
            overdue: t.overdue,
            cleared: t.cleared,
        })
        .collect();
    let mut projects: Vec<LandProject> = Vec::new();
    let mut milli: Vec<(i64, i64)> = Vec::new();
    for r in records {
        let (Some(id), Some(name)) = (r.fields.project_id, &r.project) else {
            continue;
        };
        let at = match projects.iter().position(|p| p.project_id == id) {
            Some(at) => at,
            None => {
                projects.push(LandProject {
                    project: name.clone(),
                    project_id: id,
                    parcels: 0,
                    area_mu: 0.0,
                    delivered_mu: 0.0,
                    overdue: 0,
                    households_total: 0,
                    households_signed: 0,
                });
                milli.push((0, 0));
                projects.len() - 1
            }
        };
        let (p, m) = (&mut projects[at], &mut milli[at]);
        let d = r.fields.delivery();
        p.parcels += 1;
        m.0 = m.0.saturating_add(r.fields.area_milli_mu);
        if d.delivered(day) {
            m.1 = m.1.saturating_add(r.fields.area_milli_mu);
        }
        p.overdue += usize::from(d.overdue(day));
        p.households_total += r.fields.households_total;
        p.households_signed += r.fields.households_signed;
    }
    for (p, (area, delivered)) in projects.iter_mut().zip(milli) {
        p.area_mu = land::mu(area);
        p.delivered_mu = land::mu(delivered);
    }
    projects.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.project.cmp(&b.project)));
    Land {
        as_of: day.to_string(),
        parcels,
        towns,
        projects,
    }
}

/// The land of every parcel (or one unit's: its town's and its projects') as of `day`.
pub async fn land(store: &Store, day: NaiveDate, unit: Option<i64>) -> Result<Land, StoreError> {
    Ok(land_of(&store.parcels(unit).await?, day))
}

fn opt_text(t: &Option<String>) -> office::TableCell {
    office::TableCell::Text(t.clone().unwrap_or_default())
}

fn opt_wan(m: Option<Money>) -> office::TableCell {
    match m {
        Some(m) => office::TableCell::Fixed(m.wan_f64()),
        None => office::TableCell::Text(String::new()),
    }
}

fn opt_day(d: Option<NaiveDate>) -> office::TableCell {
    office::TableCell::Text(d.map(|d| d.to_string()).unwrap_or_default())
}

/// The 招商项目库 as a workbook in the columns the lead importer reads.
pub fn leads_workbook(records: &[LeadRecord], today: NaiveDate) -> Result<Vec<u8>, StoreError> {
    use office::TableCell::Text;
    let mut headers: Vec<String> = [
        "项目名称",
        "投资方",
        "所属行业",
        "产业链",
        "计划投资（万元）",
        "招商来源",
        "责任单位",
        "招商小分队",
        "当前阶段",
    ]
    .map(String::from)
    .to_vec();
    headers.extend(LeadStage::ALL.iter().map(|s| match s {
        LeadStage::Planned => "策划生成时间".to_string(),
        s => format!("{}时间", s.label_zh()),
    }));
    headers.extend(
        [
            "合同金额（万元）",
            "预计产值（万元）",
            "预计税收（万元）",
            "关联项目",
            "备注",
        ]
        .map(String::from),
    );
    let rows = records
        .iter()
        .map(|r| {
            let f = &r.fields;
            let lead = r.lead();
            let mut row = vec![
                Text(f.name.clone()),
                opt_text(&f.investor),
                opt_text(&f.industry),
                opt_text(&f.chain),
                opt_wan(f.planned_investment),
                opt_text(&f.source),
                opt_text(&r.unit),
                opt_text(&f.team),
                Text(lead.current.label_zh().to_string()),
            ];
            row.extend(LeadStage::ALL.iter().map(|s| opt_day(lead.dates.of(*s))));
            row.extend([
                opt_wan(f.contract_value),
                opt_wan(f.expected_output),
                opt_wan(f.expected_tax),
                opt_text(&r.project_name),
                opt_text(&f.note),
            ]);
            row
        })
        .collect();
    let sheet = office::TableSheet {
        name: "招商项目库".into(),
        title: "招商项目库".into(),
        subtitle: format!("导出日期：{today}　金额单位：万元"),
        headers,
        rows,
    };
    office::write_tables(&[sheet])
        .map_err(|e| StoreError::Rule(domain::bi(e.to_string(), e.to_string())))
}

/// The parcels as a workbook in the columns the parcel importer reads, with their state on `day`.
pub fn parcels_workbook(records: &[ParcelRecord], day: NaiveDate) -> Result<Vec<u8>, StoreError> {
    use office::TableCell::{Fixed, Number, Text};
    let headers = [
        "地块名称",
        "关联项目",
        "所在乡镇",
        "面积（亩）",
        "应签约户数",
        "已签约户数",
        "已拆除户数",
        "应迁坟数",
        "已迁坟数",
        "计划交地时间",
        "实际交地时间",
        "交地状态",
        "备注",
    ]
    .map(String::from)
    .to_vec();
    let rows = records
        .iter()
        .map(|r| {
            let f = &r.fields;
            let d = f.delivery();
            let state = if d.delivered(day) {
                "已交地".to_string()
            } else if let Some(n) = d.days_overdue(day) {
                format!("逾期 {n} 天")
            } else {
                "未到期".to_string()
            };
            vec![
                Text(f.name.clone()),
                opt_text(&r.project),
                opt_text(&r.town),
                Fixed(land::mu(f.area_milli_mu)),
                Number(f.households_total),
                Number(f.households_signed),
                Number(f.households_demolished),
                Number(f.graves_total),
                Number(f.graves_moved),
                opt_day(f.planned_delivery),
                opt_day(f.actual_delivery),
                Text(state),
                opt_text(&f.note),
            ]
        })
        .collect();
    let sheet = office::TableSheet {
        name: "征迁交地".into(),
        title: "重点项目征迁交地情况表".into(),
        subtitle: format!("截至 {day}"),
        headers,
        rows,
    };
    office::write_tables(&[sheet])
        .map_err(|e| StoreError::Rule(domain::bi(e.to_string(), e.to_string())))
}

/// A share as a page shows it: "62.5%", or "—" when there is none.
pub fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0))
}

impl FunnelStage {
    pub fn conversion_text(&self) -> String {
        pct(self.conversion)
    }
    pub fn median_text(&self) -> String {
        self.median_days
            .map_or_else(|| "—".to_string(), |d| format!("{d:.0}"))
    }
    pub fn amount_yi(&self) -> String {
        format!("{:.2}", self.amount_wan / 10_000.0)
    }
}

impl FunnelGroup {
    pub fn fulfilment_text(&self) -> String {
        pct(self.fulfilment_rate)
    }
    pub fn start_text(&self) -> String {
        pct(self.start_rate)
    }
    pub fn production_text(&self) -> String {
        pct(self.production_rate)
    }
    pub fn amount_yi(&self) -> String {
        format!("{:.2}", self.signed_amount_wan / 10_000.0)
    }
}
