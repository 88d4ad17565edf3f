//! Timings, ignored by default because they only mean something in release on a quiet machine:
//!
//! `cargo test -p gongjian-office --release --test throughput -- --ignored --nocapture`
//!
//! The import target is 50,000 rows/s end to end on a ledger as counties keep it (about sixteen
//! columns, a title row, a two-row header); export must handle 200,000 rows.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a failure is the test failing"
)]

use std::time::Instant;

use chrono::NaiveDate;
use domain::{Level, Money, ProjectFields, Stage};
use office::{ExportRow, read_ledger, write_ledger};
use rust_xlsxwriter::{Format, Workbook};

/// A county ledger of `n` projects: title, unit note, two header rows under merged groups.
fn county_ledger(n: u32) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let plain = Format::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .merge_range(0, 0, 0, 15, "福清市2025年重点项目台账", &plain)
        .unwrap();
    sheet.write_string(1, 15, "单位：万元").unwrap();
    let top = [
        "序号",
        "项目编号",
        "项目名称",
        "项目类别",
        "责任单位",
        "牵头单位",
        "建设内容及规模",
        "投资情况",
        "",
        "",
        "建设起止年限",
        "计划开工时间",
        "计划竣工时间",
        "所在区域",
        "项目级别",
        "备注",
    ];
    for (col, text) in top.iter().enumerate() {
        if col != 7 && !text.is_empty() {
            sheet
                .merge_range(2, col as u16, 3, col as u16, text, &plain)
                .unwrap();
        }
    }
    sheet.merge_range(2, 7, 2, 9, "投资情况", &plain).unwrap();
    for (col, text) in [(7, "总投资"), (8, "2025年计划投资"), (9, "1-10月完成投资")] {
        sheet.write_string(3, col, text).unwrap();
    }
    let units = [
        "江阴镇人民政府",
        "龙田镇人民政府",
        "元洪投资区管委会",
        "融侨经济技术开发区管委会",
        "市城投集团",
    ];
    let towns = ["江阴镇", "龙田镇", "城头镇", "音西街道", "玉屏街道"];
    let categories = ["产业项目", "基础设施", "社会民生", "城市建设"];
    for i in 0..n {
        let r = i + 4;
        let k = i as usize;
        sheet.write_number(r, 0, f64::from(i + 1)).unwrap();
        sheet.write_string(r, 1, format!("FQ2025-{i:06}")).unwrap();
        sheet
            .write_string(r, 2, format!("福清市重点项目第{i}号"))
            .unwrap();
        sheet.write_string(r, 3, categories[k % 4]).unwrap();
        sheet.write_string(r, 4, units[k % 5]).unwrap();
        sheet.write_string(r, 5, "市发改局").unwrap();
        if i % 2 == 0 {
            sheet
                .write_string(r, 6, "新建厂房及配套设施，购置生产设备")
                .unwrap();
        }
        sheet
            .write_number(r, 7, f64::from(i % 9000 + 1000) + 0.5)
            .unwrap();
        sheet.write_number(r, 8, f64::from(i % 900 + 100)).unwrap();
        sheet.write_number(r, 9, f64::from(i % 500)).unwrap();
        sheet.write_string(r, 10, "2024-2026").unwrap();
        let start = NaiveDate::from_ymd_opt(2025, 1 + i % 12, 1).unwrap();
        sheet.write_date_with_format(r, 11, start, &date).unwrap();
        sheet.write_string(r, 12, "2026年12月").unwrap();
        sheet.write_string(r, 13, towns[k % 5]).unwrap();
        sheet
            .write_string(r, 14, ["省重点", "市重点", "县重点"][k % 3])
            .unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
#[ignore = "timing; run in release"]
fn import_a_county_ledger() {
    let n = 50_000;
    let bytes = county_ledger(n);
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let import = read_ledger(&bytes);
        best = best.min(started.elapsed().as_secs_f64());
        assert!(import.errors.is_empty(), "{:?}", import.errors.first());
        assert_eq!(import.projects.len(), n as usize);
    }
    let rate = f64::from(n) / best;
    println!("import: {n} rows in {best:.3}s = {rate:.0} rows/s");
    if !cfg!(debug_assertions) {
        assert!(rate >= 50_000.0, "import slower than 50,000 rows/s");
    }
}

#[test]
#[ignore = "timing; run in release"]
fn export_and_import_200k_full_rows() {
    let d = |m| NaiveDate::from_ymd_opt(2025, m, 1);
    let projects: Vec<ProjectFields> = (0..200_000)
        .map(|i: i64| ProjectFields {
            code: Some(format!("FQ-{i:06}")),
            name: format!("重点项目{i:06}"),
            category: Some("产业项目".into()),
            stage: Some(Stage::UnderConstruction),
            level: Some(Level::City),
            tags: vec!["亿元以上".into()],
            industry: Some("新能源".into()),
            linked_leader: Some("张三".into()),
            content: Some("新建厂房5万平方米，购置生产线3条".into()),
            total_investment: Some(Money::from_fen(1_000_000 * (i % 5000 + 1000) + i)),
            annual_plan: Some(Money::from_wan(500)),
            plan_year: Some(2025),
            period_start: d(1),
            period_end: NaiveDate::from_ymd_opt(2026, 12, 31),
            planned_start: d(3),
            planned_completion: d(12),
            location: Some("江阴港城经济区".into()),
            funding_sources: vec!["专项债".into(), "自筹".into()],
            expected_jobs: Some(300),
            ..ProjectFields::default()
        })
        .collect();
    let rows: Vec<ExportRow<'_>> = projects
        .iter()
        .map(|f| ExportRow {
            fields: f,
            unit_name: Some("江阴镇人民政府"),
            lead_department_name: Some("市发改局"),
            region_name: Some("江阴镇"),
        })
        .collect();
    let started = Instant::now();
    let bytes = write_ledger(&rows, "项目台账").unwrap();
    let write = started.elapsed().as_secs_f64();
    println!(
        "export: {} rows in {write:.2}s = {:.0} rows/s, {} bytes",
        rows.len(),
        rows.len() as f64 / write,
        bytes.len()
    );
    let started = Instant::now();
    let import = read_ledger(&bytes);
    let read = started.elapsed().as_secs_f64();
    println!(
        "import of the export: {} rows in {read:.2}s = {:.0} rows/s",
        rows.len(),
        rows.len() as f64 / read
    );
    assert!(import.errors.is_empty(), "{:?}", import.errors.first());
    assert!(
        import
            .projects
            .iter()
            .zip(&projects)
            .all(|(got, want)| &got.fields == want)
    );
}
