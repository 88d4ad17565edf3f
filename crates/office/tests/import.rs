//! The importer against sheets as offices keep them.
//!
//! Every case is data: a workbook written as text and what the import must say about it.
//!
//! A sheet is written as text (`office::testing`): one string per row with cells separated by
//! `|`, `#1200.5` a number cell, `@2025-03-15` an Excel date cell, `!merge A3:A4 C3:E3` a line of
//! merged ranges.
//!
//! The expectations are lines, each checked against the rendered import:
//! - `P 台账!5 name=…; total_investment_wan=…` — a project at sheet!row with exactly these
//!   fields (keys of `domain::Field`, values as `display_value` shows them, plus `unit=`,
//!   `lead=`, `region=` for the names);
//! - `S 台账!7 合计行` — a skipped row and its reason (row 0: the whole sheet);
//! - `E 台账!5 E: 不能为负数` — an error at sheet!row column whose Chinese message contains the
//!   text (`E 台账: …` for a sheet, `E : …` for the file);
//! - `H 台账 header=3 unit=万元 columns=… ignored=…` — a sheet summary, exactly.
//!
//! Projects, skipped rows and errors must all be expected: a stray one fails the case.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a failure is the test failing"
)]

use domain::Field;
use office::{ImportedProject, LedgerImport, read_ledger, stream_ledger};
use rust_xlsxwriter::Workbook;

fn build(sheets: &[(&str, &[&str])]) -> Vec<u8> {
    office::testing::workbook(sheets)
}

fn render(import: &LedgerImport) -> Vec<String> {
    let mut out = Vec::new();
    for s in &import.sheets {
        out.push(format!(
            "H {} header={} unit={} columns={} ignored={}",
            s.sheet,
            s.header_row,
            s.amount_unit,
            s.columns.join(","),
            s.ignored_columns.join(",")
        ));
    }
    for p in &import.projects {
        let mut tokens: Vec<String> = Field::ALL
            .iter()
            .filter(|f| !matches!(f, Field::Region | Field::Unit | Field::LeadDepartment))
            .filter_map(|f| {
                let v = p.fields.display_value(*f);
                (!v.is_empty()).then(|| format!("{}={v}", f.key()))
            })
            .collect();
        for (key, name) in [
            ("unit", &p.unit_name),
            ("lead", &p.lead_department_name),
            ("region", &p.region_name),
        ] {
            if let Some(name) = name {
                tokens.push(format!("{key}={name}"));
            }
        }
        out.push(format!("P {}!{} {}", p.sheet, p.row, tokens.join("; ")));
    }
    for s in &import.skipped_rows {
        out.push(format!("S {}!{} {}", s.sheet, s.row, s.reason));
    }
    for e in &import.errors {
        assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
        let row = e.row.map(|r| format!("!{r}")).unwrap_or_default();
        let col = e
            .column
            .as_ref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        out.push(format!("E {}{row}{col}: {}", e.sheet, e.message_zh));
    }
    out
}

/// Splits "P 台账!5 a=1; b=2" into its place and its sorted fields.
fn project_line(line: &str) -> (&str, Vec<&str>) {
    let rest = &line[2..];
    let (place, tokens) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut tokens: Vec<&str> = tokens.split("; ").filter(|t| !t.is_empty()).collect();
    tokens.sort_unstable();
    (place, tokens)
}

fn matches(expected: &str, got: &str) -> bool {
    match &expected[..2] {
        "P " => got.starts_with("P ") && project_line(expected) == project_line(got),
        "E " => {
            let (place, text) = expected.split_once(": ").unwrap_or((expected, ""));
            got.strip_prefix(place)
                .and_then(|rest| rest.strip_prefix(": "))
                .is_some_and(|message| message.contains(text))
        }
        _ => expected == got,
    }
}

/// Reads `bytes` streamed in batches of `batch`: what was handed on, and the rest.
fn streamed(bytes: &[u8], batch: usize) -> (Vec<ImportedProject>, LedgerImport) {
    let mut kept: Vec<ImportedProject> = Vec::new();
    let rest = stream_ledger(bytes, batch, &mut |projects| {
        assert!(!projects.is_empty() && projects.len() <= batch);
        kept.extend(projects);
    });
    assert!(rest.projects.is_empty(), "everything is handed on");
    (kept, rest)
}

/// A streamed reading hands on exactly the projects of the whole reading, in order, and
/// reports the same of the rest; once a problem is found it hands on nothing more (the import
/// will not be written).
fn check_streamed(bytes: &[u8], whole: &LedgerImport) {
    for batch in [1, 3, 500] {
        let (kept, rest) = streamed(bytes, batch);
        assert_eq!(rest.tally, whole.tally, "batch {batch}");
        assert_eq!(rest.skipped_rows, whole.skipped_rows, "batch {batch}");
        assert_eq!(rest.errors, whole.errors, "batch {batch}");
        assert_eq!(rest.sheets, whole.sheets, "batch {batch}");
        if whole.errors.is_empty() {
            assert_eq!(kept, whole.projects, "batch {batch}");
        } else {
            assert!(whole.projects.starts_with(&kept), "batch {batch}");
        }
    }
    assert_eq!(whole.tally.projects, whole.projects.len());
}

fn check_book(sheets: &[(&str, &[&str])], expect: &[&str]) {
    let bytes = build(sheets);
    let import = read_ledger(&bytes);
    check_streamed(&bytes, &import);
    let got = render(&import);
    let shown = || {
        format!(
            "\n--- got:\n{}\n--- expected:\n{}\n",
            got.join("\n"),
            expect.join("\n")
        )
    };
    for e in expect {
        assert!(got.iter().any(|g| matches(e, g)), "missing: {e}{}", shown());
    }
    for kind in ["P ", "S ", "E "] {
        let n_got = got.iter().filter(|g| g.starts_with(kind)).count();
        let n_expected = expect.iter().filter(|e| e.starts_with(kind)).count();
        assert_eq!(n_got, n_expected, "count of “{kind}” lines{}", shown());
    }
}

fn check(rows: &[&str], expect: &[&str]) {
    check_book(&[("台账", rows)], expect);
}

/// One header column and one value under it: the project named 甲 must have exactly `want`.
fn check_column(header: &str, value: &str, want: &str) {
    let rows = [format!("项目名称|{header}"), format!("甲|{value}")];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let expect = if want.starts_with("E ") {
        vec![want.to_string()]
    } else if want.is_empty() {
        vec!["P 台账!2 name=甲".to_string()]
    } else {
        vec![format!("P 台账!2 name=甲; {want}")]
    };
    let expect: Vec<&str> = expect.iter().map(String::as_str).collect();
    check(&rows, &expect);
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    check(
        &[
            "福清市2025年重点项目台账",
            "填报日期：2025年10月31日",
            "序号|项目名称|总投资",
            "1|福清核电三期|#1200",
        ],
        &[
            "H 台账 header=3 unit=万元 columns=项目名称,总投资 ignored=",
            "P 台账!4 name=福清核电三期; total_investment_wan=1200",
        ],
    );
}

#[test]
fn the_header_is_the_first_row_naming_the_project() {
    for name in ["项目名称", "项目", "名称", "项 目 名 称", "项目名称\n"] {
        let header = format!("序号|{name}|总投资（万元）");
        check(
            &["重点项目表", &header, "1|甲|#5"],
            &[
                &format!(
                    "H 台账 header=2 unit=万元 columns={},总投资（万元） ignored=",
                    name.trim()
                ),
                "P 台账!3 name=甲; total_investment_wan=5",
            ],
        );
    }
}

#[test]
fn a_header_below_the_first_twenty_rows_is_not_found() {
    let mut rows: Vec<String> = (1..=20).map(|i| format!("说明第{i}条")).collect();
    rows.push("项目名称|总投资".into());
    rows.push("甲|#1".into());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    check(
        &rows,
        &[
            "S 台账!0 工作表前20行内没有“项目名称”表头，已跳过",
            "E : 未找到表头",
        ],
    );
}

#[test]
fn two_header_rows_under_merged_groups() {
    let expect = [
        "H 台账 header=3 unit=万元 columns=项目名称,总投资,2025年计划投资 ignored=1-10月完成投资",
        "P 台账!5 name=福清核电三期; total_investment_wan=12000; annual_plan_wan=3000; plan_year=2025",
    ];
    let rows = [
        "福清市2025年重点项目台账",
        "",
        "序号|项目名称|投资情况（万元）||",
        "||总投资|2025年计划投资|1-10月完成投资",
        "1|福清核电三期|#12000|#3000|#2500",
    ];
    let with_merges = [&rows[..], &["!merge A1:E1 A3:A4 B3:B4 C3:E3"]].concat();
    check(&with_merges, &expect);
    // Without merge information the row below still reads as a second header row.
    check(&rows, &expect);
}

#[test]
fn a_group_header_unit_applies_to_its_children() {
    let rows = [
        "序号|项目名称|投资情况（亿元）||年产值",
        "||总投资|年度计划投资|",
        "1|甲|#1.2|#0.3|#800",
    ];
    let expect = [
        "H 台账 header=1 unit=亿元 columns=项目名称,总投资,年度计划投资,年产值 ignored=",
        "P 台账!3 name=甲; total_investment_wan=12000; annual_plan_wan=3000; expected_output_wan=800",
    ];
    check(
        &[&rows[..], &["!merge A1:A2 B1:B2 C1:D1 E1:E2"]].concat(),
        &expect,
    );
    check(&rows, &expect);
}

#[test]
fn only_a_merge_spreads_a_group_that_has_no_headers_under_it() {
    let rows = [
        "项目名称|投资（亿元）||",
        "||总投资|年度计划投资",
        "甲||#1.2|#0.3",
    ];
    check(
        &[&rows[..], &["!merge A1:A2 B1:D1"]].concat(),
        &["P 台账!3 name=甲; total_investment_wan=12000; annual_plan_wan=3000"],
    );
    check(
        &rows,
        &["P 台账!3 name=甲; total_investment_wan=1.2; annual_plan_wan=0.3"],
    );
}

#[test]
fn a_group_row_above_the_header_gives_its_unit() {
    check(
        &[
            "|基本情况||投资（亿元）|",
            "序号|项目名称|责任单位|总投资|年度计划投资",
            "1|甲|城关街道|#1.5|#0.5",
            "!merge B1:C1 D1:E1",
        ],
        &["P 台账!3 name=甲; unit=城关街道; total_investment_wan=15000; annual_plan_wan=5000"],
    );
}

#[test]
fn header_synonyms() {
    let cases = [
        ("项目编号", "FQ-001", "code=FQ-001"),
        ("项目代码", "#2025001", "code=2025001"),
        ("编号", "A1", "code=A1"),
        ("代码", "A2", "code=A2"),
        ("总投资", "#100", "total_investment_wan=100"),
        ("计划总投资", "#100", "total_investment_wan=100"),
        ("估算总投资", "#100", "total_investment_wan=100"),
        ("总投资额（万元）", "#100", "total_investment_wan=100"),
        ("总投资（亿元）", "#1.5", "total_investment_wan=15000"),
        ("总投资(元)", "#10000", "total_investment_wan=1"),
        ("年度计划投资", "#50", "annual_plan_wan=50"),
        ("本年计划投资", "#50", "annual_plan_wan=50"),
        ("年度投资计划", "#50", "annual_plan_wan=50"),
        (
            "2025年计划投资",
            "#50",
            "annual_plan_wan=50; plan_year=2025",
        ),
        (
            "2026年度计划投资（万元）",
            "#50",
            "annual_plan_wan=50; plan_year=2026",
        ),
        ("计划年度", "#2025", "plan_year=2025"),
        ("计划年度", "2026年", "plan_year=2026"),
        ("责任单位", "城关街道", "unit=城关街道"),
        ("业主单位", "福清城投", "unit=福清城投"),
        ("建设单位", "福清城投", "unit=福清城投"),
        ("实施主体", "福清城投", "unit=福清城投"),
        ("项目业主", "福清城投", "unit=福清城投"),
        ("牵头单位", "发改局", "lead=发改局"),
        ("牵头部门", "发改局", "lead=发改局"),
        ("行业主管部门", "工信局", "lead=工信局"),
        ("主管部门", "工信局", "lead=工信局"),
        ("建设起止年限", "2024-2026", "period=2024.1-2026.12"),
        ("建设年限", "2025.3-2027.12", "period=2025.3-2027.12"),
        ("起止年限", "2025年3月-2026年6月", "period=2025.3-2026.6"),
        ("建设周期", "#2025", "period=2025.1-2025.12"),
        ("计划开工时间", "2025-03", "planned_start=2025-03-01"),
        ("开工时间", "2025-03", "planned_start=2025-03-01"),
        ("计划竣工时间", "2026年6月", "planned_completion=2026-06-01"),
        ("竣工时间", "2026年6月", "planned_completion=2026-06-01"),
        ("计划投产时间", "2026.12", "planned_production=2026-12-01"),
        ("投产时间", "2026.12", "planned_production=2026-12-01"),
        ("实际开工时间", "@2025-03-15", "actual_start=2025-03-15"),
        (
            "实际竣工时间",
            "@2026-05-20",
            "actual_completion=2026-05-20",
        ),
        (
            "实际投产时间",
            "@2026-07-01",
            "actual_production=2026-07-01",
        ),
        ("项目类别", "在建", "stage=在建"),
        ("项目类别", "产业项目", "category=产业项目"),
        ("类别", "续建", "stage=在建"),
        ("类别", "基础设施", "category=基础设施"),
        ("项目状态", "新开工", "stage=计划开工"),
        ("项目阶段", "投产", "stage=投产"),
        ("项目级别", "省重点", "level=省重点"),
        ("级别", "市级重点", "level=市重点"),
        ("建设内容", "新建厂房5万平方米", "content=新建厂房5万平方米"),
        ("建设规模及内容", "新建道路3公里", "content=新建道路3公里"),
        ("主要建设内容", "新建道路3公里", "content=新建道路3公里"),
        ("建设内容及规模", "新建道路3公里", "content=新建道路3公里"),
        ("建设地点", "江阴港城经济区", "location=江阴港城经济区"),
        ("地点", "龙田镇", "location=龙田镇"),
        ("所属区域", "江阴镇", "region=江阴镇"),
        ("所在区域", "江阴镇", "region=江阴镇"),
        ("区域", "江阴镇", "region=江阴镇"),
        ("乡镇", "江阴镇", "region=江阴镇"),
        ("所在地", "江阴镇", "region=江阴镇"),
        ("所属产业", "新能源", "industry=新能源"),
        ("产业", "新能源", "industry=新能源"),
        ("行业", "新能源", "industry=新能源"),
        ("产业链", "新能源", "industry=新能源"),
        ("包联领导", "张三", "linked_leader=张三"),
        ("挂钩领导", "张三", "linked_leader=张三"),
        ("责任领导", "张三", "linked_leader=张三"),
        ("首席服务官", "李四", "service_officer=李四"),
        (
            "资金来源",
            "专项债、银行贷款,自筹",
            "funding_sources=专项债、银行贷款、自筹",
        ),
        ("标签", "亿元以上、省督办", "tags=亿元以上、省督办"),
        ("达产产值", "#5000", "expected_output_wan=5000"),
        ("年产值", "#5000", "expected_output_wan=5000"),
        ("预计年产值", "#5000", "expected_output_wan=5000"),
        ("达产后年产值（万元）", "#5000", "expected_output_wan=5000"),
        ("年税收", "#300", "expected_tax_wan=300"),
        ("预计税收", "#300", "expected_tax_wan=300"),
        ("达产后年税收（万元）", "#300", "expected_tax_wan=300"),
        ("就业", "#200", "expected_jobs=200"),
        ("新增就业（人）", "300人", "expected_jobs=300"),
        ("备注", "续建", "remarks=续建"),
        // Quietly ignored, and ignored with a mention.
        ("序号", "#1", ""),
        ("1-10月完成投资", "#3", ""),
    ];
    for (header, value, want) in cases {
        check_column(header, value, want);
    }
}

#[test]
fn responsible_unit_beside_the_owner() {
    for (owner_header, owner) in [("建设单位", "福清城投集团"), ("项目业主", "福耀玻璃")]
    {
        let header = format!("项目名称|{owner_header}|责任单位");
        let row = format!("甲|{owner}|城关街道");
        check(
            &[&header, &row],
            &[&format!("P 台账!2 name=甲; unit=城关街道; owner={owner}")],
        );
    }
}

#[test]
fn ignored_and_recognised_columns_are_summarised() {
    check(
        &[
            "序号|项目名称|1-10月完成投资|形象进度|总投资",
            "1|甲|#2|主体封顶|#10",
        ],
        &[
            "H 台账 header=1 unit=万元 columns=项目名称,总投资 ignored=1-10月完成投资,形象进度",
            "P 台账!2 name=甲; total_investment_wan=10",
        ],
    );
}

#[test]
fn amount_units_from_notes_above_the_header() {
    let cases: &[(&str, &str, &str)] = &[
        ("单位：万元", "#1.5", "total_investment_wan=1.5"),
        ("（亿元）", "#1.5", "total_investment_wan=15000"),
        (
            "金额单位：元",
            "#12345678",
            "total_investment_wan=1234.5678",
        ),
        (
            "福清市重点项目表（单位：亿元）",
            "#2",
            "total_investment_wan=20000",
        ),
        ("", "#1.5", "total_investment_wan=1.5"),
    ];
    for (note, value, want) in cases {
        let row = format!("甲|{value}");
        check(
            &[note, "项目名称|总投资", &row],
            &[&format!("P 台账!3 name=甲; {want}")],
        );
    }
}

#[test]
fn a_header_unit_wins_over_the_note() {
    check(
        &[
            "单位：亿元",
            "项目名称|总投资（万元）|年度计划投资",
            "甲|#500|#0.01",
        ],
        &[
            "H 台账 header=2 unit=亿元 columns=项目名称,总投资（万元）,年度计划投资 ignored=",
            "P 台账!3 name=甲; total_investment_wan=500; annual_plan_wan=100",
        ],
    );
}

#[test]
fn unsupported_currency_units_are_errors() {
    for (note, word) in [
        ("单位：美元", "美元"),
        ("金额单位：千元", "千元"),
        ("（港元）", "港元"),
    ] {
        check(
            &[note, "项目名称|总投资", "甲|#1"],
            &[
                &format!("E 台账!1 A: 金额单位“{word}”无法识别"),
                "P 台账!3 name=甲; total_investment_wan=1",
            ],
        );
    }
    check(
        &["项目名称|总投资（美元）", "甲|#1"],
        &[
            "E 台账!1 B: 金额单位“美元”无法识别",
            "P 台账!2 name=甲; total_investment_wan=1",
        ],
    );
}

#[test]
fn amounts_as_numbers_and_as_text() {
    let cases = [
        ("#1200", "total_investment_wan=1200"),
        ("#0.000001", "total_investment_wan=0.000001"),
        ("1,234.5", "total_investment_wan=1234.5"),
        ("１２３４", "total_investment_wan=1234"),
        ("１，２３４．５", "total_investment_wan=1234.5"),
        ("  12  ", "total_investment_wan=12"),
        ("1.2亿元", "total_investment_wan=12000"),
        ("—", ""),
        ("#-5", "E 台账!2 B: 金额不能为负数"),
        ("-5", "E 台账!2 B: 金额不能为负数"),
        ("约500", "E 台账!2 B: “约500”不是有效的金额数字"),
        ("待定", "E 台账!2 B: 不是有效的金额数字"),
    ];
    for (value, want) in cases {
        check_column("总投资", value, want);
    }
}

#[test]
fn errors_give_the_place_and_name_the_column() {
    let import = read_ledger(&build(&[("台账", &["项目名称|总投资（万元）", "甲|abc"])]));
    assert_eq!(import.errors.len(), 1);
    let e = &import.errors[0];
    assert_eq!(
        (e.sheet.as_str(), e.row, e.column.as_deref()),
        ("台账", Some(2), Some("B"))
    );
    assert_eq!(e.message_zh, "“总投资（万元）”：“abc”不是有效的金额数字");
    assert_eq!(
        e.message_en,
        "Total investment (10k yuan): “abc” is not a valid amount"
    );
}

#[test]
fn dates_as_written() {
    let cases = [
        ("@2025-03-15", "planned_start=2025-03-15"),
        ("2025-03", "planned_start=2025-03-01"),
        ("2025.3", "planned_start=2025-03-01"),
        ("2025年3月", "planned_start=2025-03-01"),
        ("2025年3月15日", "planned_start=2025-03-15"),
        ("2025-03-15", "planned_start=2025-03-15"),
        ("2025/3/15", "planned_start=2025-03-15"),
        ("#2025.3", "planned_start=2025-03-01"),
        ("#2025.12", "planned_start=2025-12-01"),
        ("#2025", "planned_start=2025-01-01"),
        ("#45731", "planned_start=2025-03-15"),
        ("45731", "planned_start=2025-03-15"),
        ("/", ""),
        ("2025-13", "E 台账!2 B: 不是有效日期"),
        ("2025-02-30", "E 台账!2 B: 不是有效日期"),
        ("#2025.13", "E 台账!2 B: 不是有效日期"),
        ("#300", "E 台账!2 B: 不是有效日期"),
        ("明年三月", "E 台账!2 B: 不是有效日期"),
    ];
    for (value, want) in cases {
        check_column("计划开工时间", value, want);
    }
}

#[test]
fn periods_as_written() {
    let cases = [
        ("2024-2026", "period=2024.1-2026.12"),
        ("2025.3-2027.12", "period=2025.3-2027.12"),
        ("2025年3月-2026年6月", "period=2025.3-2026.6"),
        ("2025-03-15至2026-12-31", "period=2025-03-15至2026-12-31"),
        ("2026-2024", "E 台账!2 B: 结束早于开始"),
        ("两年", "E 台账!2 B: 不是有效的起止年限"),
    ];
    for (value, want) in cases {
        check_column("建设起止年限", value, want);
    }
}

#[test]
fn sections_set_stage_and_category() {
    check(
        &[
            "序号|项目名称|项目类别|总投资",
            "一、在建项目（48个）",
            "1|甲||#100",
            "（二）新开工项目",
            "2|乙||#100",
            "二、计划竣工项目",
            "3|丙|投产|#100",
            "三、产业项目",
            "4|丁||#100",
            "（一）续建项目",
            "5|戊||#100",
        ],
        &[
            "S 台账!2 分组行：一、在建项目（48个）",
            "P 台账!3 name=甲; stage=在建; total_investment_wan=100",
            "S 台账!4 分组行：（二）新开工项目",
            "P 台账!5 name=乙; stage=计划开工; total_investment_wan=100",
            "S 台账!6 分组行：二、计划竣工项目",
            "P 台账!7 name=丙; stage=投产; total_investment_wan=100",
            "S 台账!8 分组行：三、产业项目",
            "P 台账!9 name=丁; category=产业项目; total_investment_wan=100",
            "S 台账!10 分组行：（一）续建项目",
            "P 台账!11 name=戊; category=产业项目; stage=在建; total_investment_wan=100",
        ],
    );
}

#[test]
fn section_rows_in_other_shapes() {
    check(
        &[
            "序号|项目名称|总投资",
            // The marker in 序号 and the title in the name column.
            "一|在建项目（2个）|",
            "1|甲|#1",
            // A known section may carry its subtotal.
            "二、竣工项目（1个）||#5",
            "1|乙|#5",
            // An unknown section with no data resets what the sections said.
            "三、其他",
            "1|丙|#2",
        ],
        &[
            "S 台账!2 分组行：一 在建项目（2个）",
            "P 台账!3 name=甲; stage=在建; total_investment_wan=1",
            "S 台账!4 分组行：二、竣工项目（1个）",
            "P 台账!5 name=乙; stage=竣工; total_investment_wan=5",
            "S 台账!6 分组行：三、其他",
            "P 台账!7 name=丙; total_investment_wan=2",
        ],
    );
}

#[test]
fn subtotals_notes_and_blank_rows() {
    check(
        &[
            "序号|项目名称|总投资",
            "合计||#300",
            "1|\u{3000}甲  项目\u{3000}|#100",
            "",
            "||",
            "2|乙|#200",
            "|小计|#300",
            "总　计||#300",
            "其中：续建项目||#100",
            "注：本表金额单位为万元。",
            "说明：数据截至10月底",
            "填报人：王五",
            "3|小计划生育服务中心|#1",
        ],
        &[
            "S 台账!2 合计行",
            "P 台账!3 name=甲 项目; total_investment_wan=100",
            "P 台账!6 name=乙; total_investment_wan=200",
            "S 台账!7 小计行",
            "S 台账!8 总计行",
            "S 台账!9 小计行",
            "S 台账!10 说明行：注：本表金额单位为万元。",
            "S 台账!11 说明行：说明：数据截至10月底",
            "S 台账!12 说明行：填报人：王五",
            "P 台账!13 name=小计划生育服务中心; total_investment_wan=1",
        ],
    );
}

#[test]
fn a_repeated_header_and_a_serial_without_data_are_skipped() {
    check(
        &[
            "序号|项目名称|总投资",
            "1|甲|#1",
            "序号|项目名称|总投资",
            "2||",
        ],
        &[
            "P 台账!2 name=甲; total_investment_wan=1",
            "S 台账!3 重复的表头行",
            "S 台账!4 无项目数据的行：2",
        ],
    );
}

#[test]
fn a_column_numbering_row_under_the_header_is_skipped() {
    check(
        &[
            "序号|项目名称|总投资|年度计划投资",
            "甲|乙|1|2",
            "1|甲|#10|#5",
        ],
        &[
            "S 台账!2 栏次行",
            "P 台账!3 name=甲; total_investment_wan=10; annual_plan_wan=5",
        ],
    );
    check(
        &[
            "序号|项目名称|总投资|年度计划投资",
            "#1|#2|#3|#4",
            "1|甲|#10|#5",
        ],
        &[
            "S 台账!2 栏次行",
            "P 台账!3 name=甲; total_investment_wan=10; annual_plan_wan=5",
        ],
    );
    // Not a numbering: a first project without its name.
    check(
        &["序号|项目名称|总投资|年度计划投资", "#1||#30|#5"],
        &["E 台账!2 B: 项目名称为空"],
    );
}

#[test]
fn merges_found_late_in_a_long_sheet_are_applied_once() {
    let mut rows: Vec<String> = vec!["项目名称|责任单位|总投资".into()];
    let mut expect: Vec<String> = Vec::new();
    for i in 2..=300 {
        rows.push(format!("项目{i}|城关街道|#{i}"));
        expect.push(format!(
            "P 台账!{i} name=项目{i}; unit=城关街道; total_investment_wan={i}"
        ));
    }
    rows.push("项目301|音西街道|#1".into());
    rows.push("项目302||#2".into());
    rows.push("!merge B301:B302".into());
    expect.push("P 台账!301 name=项目301; unit=音西街道; total_investment_wan=1".into());
    expect.push("P 台账!302 name=项目302; unit=音西街道; total_investment_wan=2".into());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let expect: Vec<&str> = expect.iter().map(String::as_str).collect();
    check(&rows, &expect);
}

#[test]
fn merged_cells_in_data_rows_belong_to_each_row() {
    check(
        &[
            "项目名称|责任单位|总投资",
            "甲|城关街道|#100",
            "乙||#200",
            "丙|音西街道|#300",
            "!merge B2:B3",
        ],
        &[
            "P 台账!2 name=甲; unit=城关街道; total_investment_wan=100",
            "P 台账!3 name=乙; unit=城关街道; total_investment_wan=200",
            "P 台账!4 name=丙; unit=音西街道; total_investment_wan=300",
        ],
    );
    // A name merged over two rows makes the second a continuation, not a nameless project.
    check(
        &[
            "项目名称|责任单位|备注",
            "甲|城关街道|一期",
            "|城关街道|二期",
            "!merge A2:A3",
        ],
        &[
            "P 台账!2 name=甲; unit=城关街道; remarks=一期",
            "S 台账!3 续行（项目名称与上一行合并）",
        ],
    );
}

#[test]
fn a_table_that_does_not_start_at_a1_keeps_real_rows_and_columns() {
    check(
        &[
            "",
            "",
            "",
            "",
            "||序号|项目名称|总投资",
            "||1|甲|#-1",
            "||2|乙|#2",
        ],
        &[
            "E 台账!6 E: 金额不能为负数",
            "P 台账!7 name=乙; total_investment_wan=2",
        ],
    );
}

#[test]
fn several_sheets_each_with_its_own_layout() {
    check_book(
        &[
            (
                "填表说明",
                &["填表说明", "1. 金额单位为万元", "2. 日期写作 2025-03"],
            ),
            (
                "产业项目",
                &[
                    "单位：亿元",
                    "序号|项目名称|总投资|责任单位",
                    "1|甲|#1.2|江阴镇",
                ],
            ),
            (
                "基础设施",
                &["项目名称|计划总投资（万元）|项目编号", "乙|#800|JC-1"],
            ),
            ("Sheet4", &[]),
        ],
        &[
            "S 填表说明!0 工作表前20行内没有“项目名称”表头，已跳过",
            "H 产业项目 header=2 unit=亿元 columns=项目名称,总投资,责任单位 ignored=",
            "P 产业项目!3 name=甲; total_investment_wan=12000; unit=江阴镇",
            "H 基础设施 header=1 unit=万元 columns=项目名称,计划总投资（万元）,项目编号 ignored=",
            "P 基础设施!2 name=乙; total_investment_wan=800; code=JC-1",
            "S Sheet4!0 工作表前20行内没有“项目名称”表头，已跳过",
        ],
    );
}

#[test]
fn no_header_in_any_sheet_is_one_error() {
    check_book(
        &[
            ("说明", &["本表用于填报重点项目", "请勿修改格式"]),
            ("Sheet2", &[]),
        ],
        &[
            "S 说明!0 工作表前20行内没有“项目名称”表头，已跳过",
            "S Sheet2!0 工作表前20行内没有“项目名称”表头，已跳过",
            "E : 未找到表头",
        ],
    );
}

#[test]
fn row_errors() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["序号|项目名称|总投资", "1||#100"],
            &["E 台账!2 B: 项目名称为空"],
        ),
        (
            &["项目名称|项目状态", "甲|开挖"],
            &["E 台账!2 B: 未知的项目阶段“开挖”"],
        ),
        (
            &["项目名称|项目级别", "甲|国家级"],
            &["E 台账!2 B: 未知的项目级别“国家级”"],
        ),
        (
            &["项目名称|新增就业", "甲|很多"],
            &["E 台账!2 B: 不是有效人数"],
        ),
        (
            &["项目名称|计划年度", "甲|明年"],
            &["E 台账!2 B: 不是有效年份"],
        ),
        // A comma groups thousands or is an error naming the cell; never 12 亿元 for "1,2".
        (
            &["项目名称|总投资（亿元）|年度计划投资（亿元）", "甲|1,2|1,5"],
            &[
                "E 台账!2 B: 中的逗号不是千位分隔",
                "E 台账!2 C: 中的逗号不是千位分隔",
            ],
        ),
        (
            &["项目名称|总投资（亿元）", "甲|1,200"],
            &["P 台账!2 name=甲; total_investment_wan=12000000"],
        ),
        (
            &["项目名称|总投资", "甲|三千万"],
            &["E 台账!2 B: 不是有效的金额数字"],
        ),
        (
            &["项目名称|总投资|年度计划投资", "甲|#100|#200"],
            &["E 台账!2 C: 年度计划投资 200.00 万元大于总投资 100.00 万元"],
        ),
        (
            &["项目编号|项目名称", "FQ-1|甲", "FQ-1|乙"],
            &[
                "P 台账!2 name=甲; code=FQ-1",
                "E 台账!3 A: 项目编号“FQ-1”与第2行重复",
            ],
        ),
        (
            &["项目名称|总投资", "甲|#1", "　甲 |#2"],
            &[
                "P 台账!2 name=甲; total_investment_wan=1",
                "E 台账!3 A: 项目名称“甲”与第2行重复",
            ],
        ),
    ];
    for (rows, expect) in cases {
        check(rows, expect);
    }
}

#[test]
fn duplicates_across_sheets_name_the_other_sheet() {
    check_book(
        &[("一", &["项目名称", "甲"]), ("二", &["项目名称", "甲"])],
        &[
            "P 一!2 name=甲",
            "E 二!2 A: 项目名称“甲”与工作表“一”第2行重复",
        ],
    );
}

#[test]
fn every_error_is_collected() {
    check(
        &[
            "项目编号|项目名称|总投资|计划开工时间|项目级别",
            "A|甲|#-1|2025-13|国家级",
            "B||#5||",
            "C|丙|abc||",
            "D|丁|#1|2025-03|省重点",
        ],
        &[
            "E 台账!2 C: 金额不能为负数",
            "E 台账!2 D: 不是有效日期",
            "E 台账!2 E: 未知的项目级别",
            "E 台账!3 B: 项目名称为空",
            "E 台账!4 C: 不是有效的金额数字",
            "P 台账!5 name=丁; code=D; total_investment_wan=1; planned_start=2025-03-01; level=省重点",
        ],
    );
}

#[test]
fn unreadable_files_give_one_error() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect()
    };
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"not a spreadsheet".to_vec(),
        // An empty zip archive, and a zip holding one text file: zips, but not workbooks.
        [b"PK\x05\x06".as_slice(), &[0; 18]].concat(),
        zip_with_one_file(b"hello.txt", b"hello"),
        // The start of an OLE compound file (.xls) and nothing after.
        vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
    ];
    for n in [1, 10, 100, 1000, 10_000] {
        inputs.push(random(n));
    }
    for bytes in inputs {
        let import = read_ledger(&bytes);
        assert!(import.projects.is_empty());
        assert_eq!(import.errors.len(), 1, "{:?}", import.errors);
        let e = &import.errors[0];
        assert!(e.row.is_none() && e.column.is_none());
        assert!(e.message_zh.starts_with("无法读取文件"), "{}", e.message_zh);
    }
}

#[test]
fn an_empty_workbook_has_no_header() {
    let mut book = Workbook::new();
    book.add_worksheet();
    let import = read_ledger(&book.save_to_buffer().unwrap());
    assert_eq!(import.errors.len(), 1);
    assert!(import.errors[0].message_zh.starts_with("未找到表头"));
}

#[test]
fn damaged_workbooks_never_panic() {
    let good = build(&[(
        "台账",
        &[
            "福清市重点项目",
            "序号|项目名称|投资（万元）|",
            "||总投资|年度计划投资",
            "1|甲|#100|#50",
            "!merge A2:A3 B2:B3 C2:D2",
        ],
    )]);
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for i in 0..300 {
        let mut bytes = good.clone();
        for _ in 0..(1 + i % 8) {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let at = (seed >> 33) as usize % bytes.len();
            bytes[at] = (seed >> 13) as u8;
        }
        let cut = if i % 5 == 0 {
            bytes.len() / 2
        } else {
            bytes.len()
        };
        let import = read_ledger(&bytes[..cut]);
        assert!(!import.errors.is_empty() || !import.projects.is_empty());
    }
}

/// A zip archive with one stored (uncompressed) file.
fn zip_with_one_file(name: &[u8], data: &[u8]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let crc = crc32(data).to_le_bytes();
    let size = (data.len() as u32).to_le_bytes();
    let name_len = (name.len() as u16).to_le_bytes();
    let mut out = Vec::new();
    out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc);
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(name);
    out.extend_from_slice(data);
    let central = out.len() as u32;
    out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc);
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len);
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(name);
    let central_len = out.len() as u32 - central;
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// 分月计划: a month's or a quarter's plan in its own column, under a 计划 group or named so;
/// blanks plan nothing; the breakdown adds up to the annual plan (stating it when absent).
#[test]
fn plan_by_month_and_by_quarter() {
    let months = "plan_phases=1月 0、2月 0、3月 100、4月 100、5月 100、6月 100、7月 200、8月 200、9月 200、10月 200、11月 100、12月 200";
    // Named columns; the amount unit of the sheet applies.
    check(
        &[
            "项目名称|年度计划投资（万元）|1月计划|2月计划|3月计划|4月计划|5月计划|6月计划|7月计划|8月计划|9月计划|10月计划|11月计划|12月计划",
            "甲|#1500||#0|#100|#100|#100|#100|#200|#200|#200|#200|#100|#200",
            "乙|#1000|||||||||||",
        ],
        &[
            &format!("P 台账!2 name=甲; annual_plan_wan=1500; {months}"),
            "P 台账!3 name=乙; annual_plan_wan=1000",
        ],
    );
    // Bare months under a merged 分月计划 group; no annual plan column: the breakdown states it.
    check(
        &[
            "序号|项目名称|2025年分月计划（万元）|||||||||||",
            "||1月|2月|3月|4月|5月|6月|7月|8月|9月|10月|11月|12月",
            "1|甲|||#100|#100|#100|#100|#200|#200|#200|#200|#100|#200",
            "!merge A1:A2 B1:B2 C1:N1",
        ],
        &[&format!("P 台账!3 name=甲; annual_plan_wan=1500; {months}")],
    );
    // Quarters, in 亿元 by the header's group.
    check(
        &[
            "项目名称|年度计划投资|第一季度计划|二季度计划|三季度计划投资|四季度投资计划",
            "甲|#1000|#100|#200|#300|#400",
        ],
        &[
            "P 台账!2 name=甲; annual_plan_wan=1000; plan_phases=一季度 100、二季度 200、三季度 300、四季度 400",
        ],
    );
    // Not adding up: an error on the row, at the first phase column.
    check(
        &[
            "项目名称|年度计划投资|一季度计划|二季度计划|三季度计划|四季度计划",
            "甲|#1000|#100|#200|#300|#300",
        ],
        &["E 台账!2 C: 分月计划合计 900.00 万元，与年度计划投资 1,000.00 万元不符"],
    );
    // A bad cell names its cell.
    check(
        &[
            "项目名称|年度计划投资|一季度计划|二季度计划|三季度计划|四季度计划",
            "甲|#1000|#100|1,2|#300|#400",
        ],
        &["E 台账!2 D: 二季度计划"],
    );
    // Bare months under 完成投资 are what was done, not a plan: ignored.
    check(
        &[
            "项目名称|2025年完成投资|",
            "|1月|2月",
            "甲|#10|#20",
            "!merge A1:A2 B1:C1",
        ],
        &["P 台账!3 name=甲", "S 台账!2 无项目数据的行：1月"],
    );
}

#[test]
fn the_corpus_ledgers_read_the_same_streamed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut read = 0;
    for name in [
        "ledger_office.xlsx",
        "two_sheets.xlsx",
        "ledger_small.xls",
        "mixed_small.ods",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let whole = read_ledger(&bytes);
        read += whole.projects.len();
        check_streamed(&bytes, &whole);
    }
    assert!(read > 0);
}
