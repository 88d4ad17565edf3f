//! The exported ledger reads back as the same projects.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a failure is the test failing"
)]

use chrono::NaiveDate;
use domain::phases::PlanPhases;
use domain::{Level, Money, ProjectFields, Stage};
use office::{ExportRow, read_ledger, write_ledger};

fn d(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn full() -> ProjectFields {
    ProjectFields {
        code: Some("FQ-2025-001".into()),
        name: "福清核电配套产业园 一期".into(),
        category: Some("产业项目".into()),
        stage: Some(Stage::UnderConstruction),
        level: Some(Level::Provincial),
        tags: vec!["亿元以上".into(), "省督办".into()],
        industry: Some("新能源".into()),
        region_id: None,
        unit_id: None,
        lead_department_id: None,
        linked_leader: Some("张三".into()),
        service_officer: Some("李四".into()),
        content: Some("新建厂房5万平方米，购置生产线3条".into()),
        total_investment: Some(Money::from_fen(123_456_780_000)),
        annual_plan: Some(Money::from_fen(1)),
        plan_phases: Some(PlanPhases::Months(
            [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(Money::from_fen),
        )),
        plan_year: Some(2025),
        period_start: d("2024-03-01"),
        period_end: d("2026-12-31"),
        planned_start: d("2024-03-15"),
        planned_completion: d("2026-12-20"),
        planned_production: d("2027-01-10"),
        actual_start: d("2024-04-01"),
        actual_completion: d("2026-11-30"),
        actual_production: d("2026-12-28"),
        location: Some("江阴港城经济区".into()),
        funding_sources: vec!["专项债".into(), "银行贷款".into(), "自筹".into()],
        expected_output: Some(Money::from_wan(50_000)),
        expected_tax: Some(Money::from_fen(3_000_500_000)),
        expected_jobs: Some(300),
        owner: Some("福清核电有限公司".into()),
        remarks: Some("2025年新增省重点".into()),
    }
}

fn sparse() -> ProjectFields {
    ProjectFields {
        name: "龙田镇污水管网".into(),
        ..ProjectFields::default()
    }
}

#[test]
fn export_then_import_gives_back_the_same_projects() {
    let (a, b) = (full(), sparse());
    let mut c = sparse();
    c.name = "江阴港区道路".into();
    c.period_start = d("2025-03-15");
    c.period_end = d("2026-01-31");
    c.total_investment = Some(Money::from_wan(5000));
    c.code = Some("00123".into());
    c.annual_plan = Some(Money::from_wan(1000));
    c.plan_phases = Some(PlanPhases::Quarters(
        [100, 200, 300, 400].map(Money::from_wan),
    ));
    let rows = [
        ExportRow {
            fields: &a,
            unit_name: Some("江阴镇人民政府"),
            lead_department_name: Some("市发改局"),
            region_name: Some("江阴镇"),
        },
        ExportRow {
            fields: &b,
            unit_name: None,
            lead_department_name: None,
            region_name: None,
        },
        ExportRow {
            fields: &c,
            unit_name: Some("市城投集团"),
            lead_department_name: None,
            region_name: None,
        },
    ];
    let bytes = write_ledger(&rows, "项目台账").unwrap();
    let import = read_ledger(&bytes);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert!(import.skipped_rows.is_empty(), "{:?}", import.skipped_rows);
    assert_eq!(import.sheets.len(), 1);
    assert_eq!(import.sheets[0].sheet, "项目台账");
    assert!(
        import.sheets[0].ignored_columns.is_empty(),
        "{:?}",
        import.sheets[0].ignored_columns
    );
    assert_eq!(import.projects.len(), rows.len());
    for (row, got) in rows.iter().zip(&import.projects) {
        assert_eq!(&got.fields, row.fields);
        assert_eq!(got.unit_name.as_deref(), row.unit_name);
        assert_eq!(
            got.lead_department_name.as_deref(),
            row.lead_department_name
        );
        assert_eq!(got.region_name.as_deref(), row.region_name);
    }
    assert_eq!(
        import.projects[0]
            .fields
            .total_investment
            .unwrap()
            .wan_string(),
        "123456.78"
    );
    assert_eq!(
        import.projects[0].fields.annual_plan.unwrap().wan_string(),
        "0.000001"
    );
}

#[test]
fn an_empty_ledger_exports_its_header() {
    let bytes = write_ledger(&[], "").unwrap();
    let import = read_ledger(&bytes);
    assert!(import.errors.is_empty() && import.projects.is_empty());
    assert_eq!(import.sheets[0].sheet, "项目台账");
    assert_eq!(import.sheets[0].columns.len(), 30);
}

#[test]
fn a_few_thousand_rows_round_trip() {
    let projects: Vec<ProjectFields> = (0..3000)
        .map(|i| {
            let mut f = full();
            f.code = Some(format!("FQ-{i:06}"));
            f.name = format!("重点项目{i:06}");
            f.total_investment = Some(Money::from_fen(1_000_000 * (i % 5000 + 1000) + i));
            if i % 3 == 0 {
                f.content = None;
                f.tags.clear();
            }
            f
        })
        .collect();
    let rows: Vec<ExportRow<'_>> = projects
        .iter()
        .map(|f| ExportRow {
            fields: f,
            unit_name: Some("江阴镇人民政府"),
            lead_department_name: None,
            region_name: Some("江阴镇"),
        })
        .collect();
    let import = read_ledger(&write_ledger(&rows, "项目台账").unwrap());
    assert!(import.errors.is_empty(), "{:?}", import.errors.first());
    assert_eq!(import.projects.len(), projects.len());
    assert!(
        import
            .projects
            .iter()
            .zip(&projects)
            .all(|(got, want)| &got.fields == want)
    );
}

/// The demo campaign is what a new installation shows; every project of it must survive a trip
/// through Excel, names included.
#[test]
fn the_demo_campaign_round_trips() {
    let campaign = demo::campaign(2000, 7);
    let rows: Vec<ExportRow<'_>> = campaign
        .ledger
        .projects
        .iter()
        .map(|p| ExportRow {
            fields: &p.fields,
            unit_name: Some(campaign.ledger.units[p.unit].name.as_str()),
            lead_department_name: Some(campaign.ledger.units[p.lead_department].name.as_str()),
            region_name: Some(campaign.ledger.regions[p.region].name.as_str()),
        })
        .collect();
    let import = read_ledger(&write_ledger(&rows, "项目台账").unwrap());
    assert!(
        import.errors.is_empty(),
        "{:?}",
        &import.errors[..import.errors.len().min(5)]
    );
    assert!(import.skipped_rows.is_empty(), "{:?}", import.skipped_rows);
    assert_eq!(import.projects.len(), rows.len());
    for (got, want) in import.projects.iter().zip(&rows) {
        assert_eq!(&got.fields, want.fields, "row {}", got.row);
        assert_eq!(got.unit_name.as_deref(), want.unit_name);
        assert_eq!(
            got.lead_department_name.as_deref(),
            want.lead_department_name
        );
        assert_eq!(got.region_name.as_deref(), want.region_name);
    }
}
