//! The real binary: migrate, user add, seed, import (dry run, errors, all or nothing), export.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use rust_xlsxwriter::Workbook;
use serde_json::Value;
use store::testing::TestDb;

fn gongjian(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongjian"))
        .args(args)
        .env_remove("GONGJIAN_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A sheet as a county office keeps it: a title row, a unit note, a two-row header with a
/// merged group, a section row, a subtotal and a note.
fn office_sheet(path: &Path, bad_amount: bool) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("在建项目").unwrap();
    ws.write(0, 0, "福清市2025年重点项目台账").unwrap();
    ws.write(1, 0, "单位：万元").unwrap();
    ws.merge_range(2, 0, 3, 0, "序号", &rust_xlsxwriter::Format::new())
        .unwrap();
    ws.merge_range(2, 1, 3, 1, "项目名称", &rust_xlsxwriter::Format::new())
        .unwrap();
    ws.merge_range(2, 2, 3, 2, "责任单位", &rust_xlsxwriter::Format::new())
        .unwrap();
    ws.merge_range(
        2,
        3,
        2,
        5,
        "投资情况（万元）",
        &rust_xlsxwriter::Format::new(),
    )
    .unwrap();
    ws.write(3, 3, "总投资").unwrap();
    ws.write(3, 4, "2025年计划投资").unwrap();
    ws.write(3, 5, "1-10月完成投资").unwrap();
    ws.write(4, 0, "一、在建项目（2个）").unwrap();
    ws.write(5, 0, 1).unwrap();
    ws.write(5, 1, "  江阴港区7号泊位工程　").unwrap();
    ws.write(5, 2, "江阴港城经济区管委会").unwrap();
    ws.write(5, 3, 120000).unwrap();
    if bad_amount {
        ws.write(5, 4, "三千").unwrap();
    } else {
        ws.write(5, 4, "30,000").unwrap();
    }
    ws.write(5, 5, 21000).unwrap();
    ws.write(6, 0, 2).unwrap();
    ws.write(6, 1, "龙田镇污水处理厂提标改造工程").unwrap();
    ws.write(6, 2, "龙田镇").unwrap();
    ws.write(6, 3, "８０００").unwrap();
    ws.write(6, 4, 2000.5).unwrap();
    ws.write(7, 1, "合计").unwrap();
    ws.write(7, 3, 128000).unwrap();
    ws.write(8, 0, "注：数据截至2025年10月底").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn import_export_round_trip_through_the_binary() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for dialect in TestDb::backends() {
        let db = rt.block_on(TestDb::new(dialect));
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();

        let out = gongjian(&["migrate", "--db", url], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        // A file with an error writes nothing and says where the error is.
        let bad = dir.path().join("bad.xlsx");
        office_sheet(&bad, true);
        let out = gongjian(
            &[
                "import",
                "ledger",
                bad.to_str().unwrap(),
                "--db",
                url,
                "--json",
            ],
            None,
        );
        assert!(!out.status.success());
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let err = &report["errors"][0];
        assert_eq!(
            (
                err["sheet"].as_str(),
                err["row"].as_u64(),
                err["column"].as_str()
            ),
            (Some("在建项目"), Some(6), Some("E"))
        );
        assert!(err["message_zh"].as_str().unwrap().contains("三千"));
        assert!(!err["message_en"].as_str().unwrap().is_empty());

        // A dry run of a clean file reports and writes nothing.
        let good = dir.path().join("good.xlsx");
        office_sheet(&good, false);
        let out = gongjian(
            &[
                "import",
                "ledger",
                good.to_str().unwrap(),
                "--db",
                url,
                "--dry-run",
                "--json",
            ],
            None,
        );
        assert!(
            out.status.success(),
            "{}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(report["projects"], 2);
        assert_eq!(report["total_investment_wan"], 128000.0);
        assert_eq!(report["annual_plan_wan"], 32000.5);
        assert_eq!(report["written"], false);
        assert_eq!(
            report["new_units"],
            serde_json::json!(["江阴港城经济区管委会", "龙田镇"])
        );
        let skipped: Vec<u64> = report["skipped_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["row"].as_u64().unwrap())
            .collect();
        assert_eq!(
            skipped,
            vec![5, 8, 9],
            "section, subtotal and note rows are accounted for"
        );

        let store = rt.block_on(db.store());
        assert_eq!(rt.block_on(store.count_projects()).unwrap(), 0);

        let out = gongjian(
            &["import", "ledger", good.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(out.status.success(), "{}", stdout(&out));
        assert!(stdout(&out).contains("导入完成"));
        assert_eq!(rt.block_on(store.count_projects()).unwrap(), 2);
        let projects = rt.block_on(store.all_projects()).unwrap();
        assert_eq!(projects[0].fields.name, "江阴港区7号泊位工程");
        assert_eq!(
            projects[0].fields.stage,
            Some(domain::Stage::UnderConstruction)
        );
        assert_eq!(projects[0].fields.plan_year, Some(2025));

        // Export, then import the export into a fresh database: the same ledger.
        let exported = dir.path().join("export.xlsx");
        let out = gongjian(
            &[
                "export",
                "ledger",
                "--db",
                url,
                "--out",
                exported.to_str().unwrap(),
            ],
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let db2 = rt.block_on(TestDb::new(dialect));
        let out = gongjian(
            &[
                "import",
                "ledger",
                exported.to_str().unwrap(),
                "--db",
                &db2.url,
                "--json",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stdout(&out));
        let store2 = rt.block_on(db2.store());
        let again = rt.block_on(store2.all_projects()).unwrap();
        assert_eq!(again.len(), 2);
        for (a, b) in projects.iter().zip(&again) {
            let mut fa = a.fields.clone();
            let mut fb = b.fields.clone();
            (fa.unit_id, fa.lead_department_id, fa.region_id) = (None, None, None);
            (fb.unit_id, fb.lead_department_id, fb.region_id) = (None, None, None);
            assert_eq!(fa, fb);
            assert_eq!(a.unit_name, b.unit_name);
        }
        rt.block_on(store.close());
        rt.block_on(store2.close());
    }
}

#[test]
fn users_seed_and_bad_input() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new(store::Dialect::Sqlite));
    let url = db.url.as_str();

    let out = gongjian(
        &[
            "user",
            "add",
            "--db",
            url,
            "--username",
            "wang",
            "--unit",
            "福清市发展和改革局",
            "--role",
            "lead_office",
        ],
        Some("a-long-password\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gongjian(
        &[
            "user",
            "add",
            "--db",
            url,
            "--username",
            "wang",
            "--unit",
            "福清市发展和改革局",
            "--role",
            "lead_office",
        ],
        Some("a-long-password\n"),
    );
    assert!(!out.status.success(), "duplicate username refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("已被使用"));
    let out = gongjian(
        &[
            "user",
            "add",
            "--db",
            url,
            "--username",
            "li",
            "--unit",
            "x",
            "--role",
            "mayor",
        ],
        Some("a-long-password\n"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("未知角色"));
    let out = gongjian(
        &[
            "user",
            "add",
            "--db",
            url,
            "--username",
            "li",
            "--unit",
            "x",
            "--role",
            "admin",
        ],
        Some("short\n"),
    );
    assert!(!out.status.success());

    let out = gongjian(
        &["seed", "--db", url, "--projects", "300", "--seed", "9"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = rt.block_on(db.store());
    assert_eq!(rt.block_on(store.count_projects()).unwrap(), 300);

    let out = gongjian(
        &["import", "ledger", "/nonexistent.xlsx", "--db", url],
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取文件"));
    let out = gongjian(&["migrate"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GONGJIAN_DATABASE_URL"));
    rt.block_on(store.close());
}
