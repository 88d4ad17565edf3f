//! The real binary: migrate, user add, seed, import (dry run, errors, all or nothing), export.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
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

/// Runs `test` once on each backend, each time on a fresh database, with a runtime for the
/// store calls that check what the binary wrote.
fn each_backend(test: impl Fn(&tokio::runtime::Runtime, &TestDb)) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for dialect in TestDb::backends() {
        let db = rt.block_on(TestDb::new(dialect));
        test(&rt, &db);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A sheet as a county office keeps it: a title row, a unit note, a two-row header with a
/// merged group, a section row, a subtotal and a note.
fn office_sheet(path: &Path, bad_amount: bool) {
    let amount = if bad_amount { "三千" } else { "30,000" };
    let first = format!("#1|  江阴港区7号泊位工程　|江阴港城经济区管委会|#120000|{amount}|#21000");
    let lines = [
        "福清市2025年重点项目台账",
        "单位：万元",
        "序号|项目名称|责任单位|投资情况（万元）",
        "|||总投资|2025年计划投资|1-10月完成投资",
        "一、在建项目（2个）",
        first.as_str(),
        "#2|龙田镇污水处理厂提标改造工程|龙田镇|８０００|#2000.5",
        "|合计||#128000",
        "注：数据截至2025年10月底",
        "!merge A3:A4 B3:B4 C3:C4 D3:F3",
    ];
    std::fs::write(path, office::testing::sheet("在建项目", &lines)).unwrap();
}

#[test]
fn import_export_round_trip_through_the_binary() {
    each_backend(|rt, db| {
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
        let db2 = rt.block_on(TestDb::new(db.dialect));
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
    });
}

/// A ledger of `rows` projects in parts of many statements: every tenth under a unit of its own,
/// `lines_after` appended (merges, a bad row).
fn long_ledger(path: &Path, rows: usize, lines_after: &[&str]) {
    let mut lines = vec!["项目名称|责任单位|总投资".to_string()];
    for i in 1..=rows {
        lines.push(format!("长表项目{i}|单位{}|#{i}", i % 10));
    }
    lines.extend(lines_after.iter().map(|l| l.to_string()));
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    std::fs::write(path, office::testing::sheet("台账", &lines)).unwrap();
}

/// The import writes a ledger while it reads it: a merge that matters only in the last rows
/// still applies, every project is written once; a problem in the last row leaves nothing,
/// units included.
#[test]
fn a_long_ledger_is_written_as_it_is_read() {
    each_backend(|rt, db| {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        assert!(gongjian(&["migrate", "--db", url], None).status.success());
        let store = rt.block_on(db.store());
        let import = |file: &Path, extra: &[&str]| {
            let mut args = vec!["import", "ledger", file.to_str().unwrap(), "--db", url];
            args.extend_from_slice(extra);
            args.push("--json");
            let out = gongjian(&args, None);
            let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
            (out.status.success(), report)
        };

        // The last row's amount is not a number: 1,499 rows read before it, nothing written.
        let bad = dir.path().join("bad.xlsx");
        long_ledger(&bad, 1_499, &["长表项目末行|单位末|三千"]);
        let (ok, report) = import(&bad, &[]);
        assert!(!ok);
        assert_eq!(report["projects"], 1_499);
        assert_eq!(report["errors"][0]["row"], 1_501);
        assert_eq!(
            (report["written"].clone(), report["created"].clone()),
            (json!(false), json!(0))
        );
        assert_eq!(rt.block_on(store.count_projects()).unwrap(), 0);
        assert!(rt.block_on(store.units()).unwrap().is_empty());

        // Row 1,503 leaves its unit blank under a merge found at the end of the sheet: the rows
        // written before it was reached are not written again, and it takes the merged unit.
        let late = dir.path().join("late.xlsx");
        long_ledger(
            &late,
            1_500,
            &[
                "长表项目甲|新区指挥部|#1",
                "长表项目乙||#2",
                "!merge B1502:B1503",
            ],
        );
        let (ok, dry) = import(&late, &["--dry-run"]);
        assert!(ok, "{dry}");
        assert_eq!(
            (dry["created"].clone(), dry["written"].clone()),
            (json!(1_502), json!(false))
        );
        assert_eq!(rt.block_on(store.count_projects()).unwrap(), 0);
        let (ok, report) = import(&late, &[]);
        assert!(ok, "{report}");
        assert_eq!(report["created"], 1_502);
        assert_eq!(
            report["total_investment_wan"],
            1_500.0 * 1_501.0 / 2.0 + 3.0
        );
        let mut units: Vec<String> = serde_json::from_value(report["new_units"].clone()).unwrap();
        units.sort();
        let mut want: Vec<String> = (0..10).map(|i| format!("单位{i}")).collect();
        want.push("新区指挥部".into());
        want.sort();
        assert_eq!(units, want, "each new unit once");
        assert_eq!(rt.block_on(store.count_projects()).unwrap(), 1_502);
        assert_eq!(rt.block_on(store.units()).unwrap().len(), 11);
        let projects = rt.block_on(store.all_projects()).unwrap();
        let second = projects
            .iter()
            .find(|p| p.fields.name == "长表项目乙")
            .unwrap();
        assert_eq!(second.unit_name.as_deref(), Some("新区指挥部"));
        // Found by search: the new projects' search rows are written with them.
        let found = rt
            .block_on(store.list_projects(&store::ProjectFilter {
                q: Some("长表项目乙".into()),
                ..store::ProjectFilter::default()
            }))
            .unwrap();
        assert_eq!(found.total, 1);

        // The same file again changes nothing.
        let (ok, again) = import(&late, &[]);
        assert!(ok);
        assert_eq!(
            (again["created"].clone(), again["unchanged"].clone()),
            (json!(0), json!(1_502))
        );
        rt.block_on(store.close());
    });
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

    // A database with its own users ("wang") is not given the demo's published accounts
    // unless asked for.
    let out = gongjian(
        &["seed", "--db", url, "--projects", "300", "--seed", "9"],
        None,
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("wang") && stderr(&out).contains("--force"));
    let store = rt.block_on(db.store());
    assert_eq!(rt.block_on(store.count_projects()).unwrap(), 0);
    let out = gongjian(
        &[
            "seed",
            "--db",
            url,
            "--projects",
            "300",
            "--seed",
            "9",
            "--force",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Users from the command line: added with their unit or not at all, passwords that may be
/// set, listed, disabled (their sessions end) and enabled, reset to a temporary password that
/// must be changed.
#[test]
fn managing_users() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let add = |username: &str, unit: &str, password: &str| {
            gongjian(
                &[
                    "user",
                    "add",
                    "--db",
                    url,
                    "--username",
                    username,
                    "--unit",
                    unit,
                    "--role",
                    "responsible",
                ],
                Some(&format!("{password}\n")),
            )
        };
        let out = add("lin", "龙田镇", "Longtian-2025-lin");
        assert!(out.status.success(), "{}", stderr(&out));
        // A taken username leaves no new unit behind.
        let out = add("lin", "江阴镇", "Jiangyin-2025-lin");
        assert!(!out.status.success());
        let store = rt.block_on(db.store());
        assert!(rt.block_on(store.unit_by_name("江阴镇")).unwrap().is_none());
        // Passwords: long enough, not the username, not a common one.
        for (password, says) in [
            ("Short-1", "至少 10 位"),
            ("chen-chen", "至少 10 位"),
            ("chenxiaoming", "用户名"),
            ("1234567890", "常见"),
        ] {
            let out = add("chenxiaoming", "龙田镇", password);
            assert!(!out.status.success(), "{password}");
            assert!(stderr(&out).contains(says), "{password}: {}", stderr(&out));
        }

        let user = rt.block_on(store.user_by_username("lin")).unwrap().unwrap();
        let token = rt.block_on(store.create_session(user.id)).unwrap();
        let out = gongjian(&["user", "list", "--db", url, "--json"], None);
        assert!(out.status.success(), "{}", stderr(&out));
        let listed: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(listed[0]["username"], "lin");
        assert_eq!(listed[0]["unit"], "龙田镇");
        assert_eq!(listed[0]["sessions"], 1);
        assert!(listed[0]["last_sign_in"].is_i64());

        let out = gongjian(&["user", "disable", "--db", url, "lin"], None);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(rt.block_on(store.session_user(&token)).unwrap().is_none());
        let out = gongjian(&["user", "disable", "--db", url, "nobody"], None);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("没有用户"));
        let out = gongjian(&["user", "disable", "--db", url, "lin", "--enable"], None);
        assert!(out.status.success());

        let token = rt.block_on(store.create_session(user.id)).unwrap();
        let out = gongjian(
            &["user", "reset", "--db", url, "lin"],
            Some("Temporary-pw-2025\n"),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(rt.block_on(store.session_user(&token)).unwrap().is_none());
        let again = rt.block_on(store.user_by_username("lin")).unwrap().unwrap();
        assert!(store::verify_password(
            "Temporary-pw-2025",
            &again.password_hash
        ));
        let token = rt.block_on(store.create_session(user.id)).unwrap();
        let session = rt.block_on(store.session_user(&token)).unwrap().unwrap();
        assert!(session.must_change_password);
        assert_eq!(session.region, None);

        // A region scope by a region's name or code; an unknown region adds nobody.
        let city = rt
            .block_on(store.create_region("福清市", Some("350181"), None))
            .unwrap();
        let town = rt
            .block_on(store.create_region("龙田镇", None, Some(city)))
            .unwrap();
        let scoped = |username: &str, region: &str| {
            gongjian(
                &[
                    "user",
                    "add",
                    "--db",
                    url,
                    "--username",
                    username,
                    "--unit",
                    "福清市发改局",
                    "--role",
                    "leadership",
                    "--region",
                    region,
                ],
                Some("Fuqing-leader-2025\n"),
            )
        };
        let out = scoped("ghost", "海口镇");
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("没有名称或代码为“海口镇”的区域"),
            "{}",
            stderr(&out)
        );
        assert!(
            rt.block_on(store.user_by_username("ghost"))
                .unwrap()
                .is_none()
        );
        for (username, region, ids) in [
            ("zhen", "龙田镇", vec![town]),
            ("shi", "350181", vec![city, town]),
        ] {
            let out = scoped(username, region);
            assert!(out.status.success(), "{}", stderr(&out));
            let id = rt
                .block_on(store.user_by_username(username))
                .unwrap()
                .unwrap()
                .id;
            let token = rt.block_on(store.create_session(id)).unwrap();
            let session = rt.block_on(store.session_user(&token)).unwrap().unwrap();
            assert_eq!(session.region.map(|r| r.ids), Some(ids), "{username}");
        }
        let out = gongjian(&["user", "list", "--db", url, "--json"], None);
        let listed: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let region_of = |name: &str| {
            listed
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["username"] == name)
                .map(|u| u["region"].clone())
        };
        assert_eq!(region_of("zhen"), Some(json!("龙田镇")));
        assert_eq!(region_of("shi"), Some(json!("福清市")));
        assert_eq!(region_of("lin"), Some(Value::Null));
        rt.block_on(store.close());
    });
}

#[test]
fn the_working_day_calendar() {
    // Built in: 2025's National Day and the make-up Saturday after it.
    let out = gongjian(&["calendar", "add", "2025-09-30", "1"], None);
    assert_eq!(stdout(&out).trim(), "2025-10-09", "{}", stderr(&out));
    let out = gongjian(&["calendar", "workdays", "2025-10-01", "2025-10-31"], None);
    assert_eq!(stdout(&out).trim(), "18");
    // Output into a pipe whose reader has gone (as `| head` does) ends quietly, no panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongjian"))
        .args(["calendar", "workdays", "2025-01-01", "2025-12-31"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let closed = child.wait_with_output().unwrap();
    assert!(closed.status.success(), "{}", stderr(&closed));
    assert!(!stderr(&closed).contains("panicked"));
    // A year whose notice is not loaded is provisional: computed from the statutory rules,
    // said on stderr and in the JSON.
    let out = gongjian(&["calendar", "add", "2027-02-04", "1"], None);
    assert_eq!(stdout(&out).trim(), "2027-02-11", "{}", stderr(&out));
    assert!(stderr(&out).contains("暂定日历") && stderr(&out).contains("provisional calendar"));
    let out = gongjian(&["calendar", "add", "2027-09-30", "1", "--json"], None);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v, json!({"date": "2027-10-06", "provisional": true}));
    let out = gongjian(
        &["calendar", "workdays", "2027-01-01", "2027-12-31", "--json"],
        None,
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v, json!({"workdays": 248, "provisional": true}));
    let out = gongjian(
        &["calendar", "workdays", "2025-10-01", "2025-10-31", "--json"],
        None,
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v, json!({"workdays": 18, "provisional": false}));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // Past the rules' lunar table, and before the first built-in year: errors naming the year.
    let out = gongjian(&["calendar", "add", "2061-03-01", "3"], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("2061") && stderr(&out).contains("calendar import"));
    let out = gongjian(&["calendar", "workdays", "2019-12-01", "2020-01-10"], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("2019"), "{}", stderr(&out));
    // A notice read without a database: --dry-run --json prints the year in holiday-cn's shape.
    let dir = tempfile::tempdir().unwrap();
    let notice = dir.path().join("2027.txt");
    std::fs::write(&notice, NOTICE_2027).unwrap();
    let out = gongjian(
        &[
            "calendar",
            "import",
            notice.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["year"], 2027);
    let days = v["days"].as_array().unwrap();
    assert_eq!(
        days[0],
        json!({"date": "2027-01-01", "name": "元旦", "isOffDay": true})
    );
    assert!(days.contains(&json!({"date": "2027-02-20", "name": "春节", "isOffDay": false})));
    assert_eq!(days.len(), 34);
    for bad in [
        vec!["calendar", "add", "2025-02-30", "1"],
        vec!["calendar", "add", "2025-03-03", "-2"],
        vec!["calendar", "workdays", "2025-03-05", "2025-03-01"],
    ] {
        let out = gongjian(&bad, None);
        assert!(!out.status.success(), "{bad:?}");
        assert!(stderr(&out).contains(" / "), "{bad:?}: {}", stderr(&out));
    }

    each_backend(|rt, db| {
        let url = db.url.as_str();
        assert!(gongjian(&["migrate", "--db", url], None).status.success());

        // A bad file is refused and the stored calendar is unchanged.
        let bad = dir.path().join("bad.json");
        std::fs::write(
            &bad,
            r#"{"year": 2027, "days": [{"date": "2027-02-30", "isOffDay": true}]}"#,
        )
        .unwrap();
        let out = gongjian(
            &["calendar", "import", bad.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("2027-02-30"), "{}", stderr(&out));
        let out = gongjian(
            &["calendar", "add", "2026-12-31", "1", "--db", url, "--json"],
            None,
        );
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v, json!({"date": "2027-01-04", "provisional": true}));

        // A JSON "2027" with a day of 2028 is refused, naming it; nothing is stored.
        let stray = dir.path().join("stray.json");
        std::fs::write(
            &stray,
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "元旦", "date": "2028-01-01", "isOffDay": true}]}"#,
        )
        .unwrap();
        let out = gongjian(
            &["calendar", "import", stray.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("2028-01-01"), "{}", stderr(&out));

        // A text that is not the notice is refused.
        let other = dir.path().join("other.txt");
        std::fs::write(
            &other,
            "关于做好2027年重点项目谋划的通知\n请各单位于1月10日前报送。",
        )
        .unwrap();
        let out = gongjian(
            &["calendar", "import", other.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("节假日安排"), "{}", stderr(&out));

        // A dry run against the database says what would change and stores nothing.
        let out = gongjian(
            &[
                "calendar",
                "import",
                notice.to_str().unwrap(),
                "--db",
                url,
                "--dry-run",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("暂定"), "{}", stdout(&out));
        let out = gongjian(
            &["calendar", "add", "2027-02-04", "1", "--db", url, "--json"],
            None,
        );
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v, json!({"date": "2027-02-11", "provisional": true}));

        // The notice imported: 2027 is official, the make-up Saturday 20 February is worked.
        let out = gongjian(
            &["calendar", "import", notice.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("已导入2027年"), "{}", stdout(&out));
        let out = gongjian(
            &["calendar", "add", "2027-02-04", "1", "--db", url, "--json"],
            None,
        );
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        // 5–12 February off, Sunday 14 February worked.
        assert_eq!(v, json!({"date": "2027-02-14", "provisional": false}));
        assert!(!stderr(&out).contains("暂定"));
        let out = gongjian(&["calendar", "add", "2027-02-19", "1", "--db", url], None);
        assert_eq!(stdout(&out).trim(), "2027-02-20");

        // A holiday-cn JSON file replaces it: 元旦 Friday 1 January off, nothing else listed.
        let next = dir.path().join("2027.json");
        std::fs::write(
            &next,
            r#"{"year": 2027, "papers": [], "days": [
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
        )
        .unwrap();
        let out = gongjian(
            &["calendar", "import", next.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("2027"));
        // Thursday 31 December 2026 + 1 working day skips 元旦 and the weekend.
        let out = gongjian(
            &["calendar", "add", "2026-12-31", "1", "--db", url, "--json"],
            None,
        );
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v, json!({"date": "2027-01-04", "provisional": false}));
        // Both imports are kept.
        let store = rt.block_on(store::Store::open(url)).unwrap();
        let kept = rt.block_on(store.calendar_imports()).unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(
            (kept[0].format.as_str(), kept[1].format.as_str()),
            ("json", "notice")
        );
        assert!(kept[1].title.contains("2027年部分节假日安排"));
        assert!(
            kept[1]
                .changes
                .iter()
                .any(|c| c.date.to_string() == "2027-02-20"
                    && c.before == "off"
                    && c.after == "workday")
        );
    });
}

/// The 2027 notice as an office would paste it (its dates as the rules and the weekdays give
/// them; the make-up days an assumption of the test).
const NOTICE_2027: &str = "国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕9号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
　　四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
　　五、端午节：6月9日（周三）放假1天，不调休。
　　六、中秋节：9月15日（周三）放假1天，不调休。
　　七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。";

#[test]
fn scheduling_an_approval_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"start": "2025-09-25", "nodes": [
            {"id": "lx", "name": "立项", "duration": 5},
            {"id": "xz", "name": "规划选址", "duration": 3, "after": ["lx"]},
            {"id": "yd", "name": "用地预审", "duration": 6, "after": ["lx"]},
            {"id": "ky", "name": "可研批复", "duration": 2, "after": ["xz", "yd"]}
        ]}"#,
    )
    .unwrap();
    let out = gongjian(&["schedule", plan.to_str().unwrap(), "--json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // 立项 25–30 September (28th a make-up Sunday); the National Day holiday; 用地预审 from
    // 9 October: 9, 10, 11 (make-up Saturday), 13, 14, 15; 可研 16–17 October.
    assert_eq!(report["finish"], "2025-10-17");
    assert_eq!(report["saved_workdays"], 3);
    let node = |id: &str| {
        report["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(node("yd")["es"], "2025-10-09");
    assert_eq!(node("yd")["ef"], "2025-10-15");
    assert_eq!(node("xz")["slack"], 3);
    assert_eq!(node("xz")["critical"], false);
    assert_eq!(node("ky")["critical"], true);
    assert_eq!(report["serial_finish"], "2025-10-22");

    let cyclic = dir.path().join("cycle.json");
    std::fs::write(
        &cyclic,
        r#"{"start": "2025-03-03", "nodes": [
            {"id": "a", "duration": 1, "after": ["c"]},
            {"id": "b", "duration": 1, "after": ["a"]},
            {"id": "c", "duration": 1, "after": ["b"]}]}"#,
    )
    .unwrap();
    let out = gongjian(&["schedule", cyclic.to_str().unwrap()], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("循环依赖") && stderr(&out).contains("cycle"));
    std::fs::write(
        &cyclic,
        r#"{"start": "2025-03-03", "nodes": [{"id": "a", "duration": -1}]}"#,
    )
    .unwrap();
    let out = gongjian(&["schedule", cyclic.to_str().unwrap()], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("计划文件无效"));
}

#[test]
fn status_from_seeded_reports() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let out = gongjian(
            &[
                "seed",
                "--db",
                url,
                "--projects",
                "120",
                "--reports-through",
                "2025-06",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("月报"));

        let out = gongjian(
            &["status", "--db", url, "--as-of", "2025-06-30", "--json"],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let status: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(status["as_of"], "2025-06-30");
        let regions = status["regions"].as_array().unwrap();
        assert!(
            !regions.is_empty() && regions[0]["region"].is_string(),
            "{regions:?}"
        );
        assert_eq!(regions[0]["rank"], 1);
        assert_eq!(status["expected_share"], 0.5);
        let projects = status["projects"].as_array().unwrap();
        assert_eq!(projects.len(), 120);
        for light in ["green", "yellow", "red"] {
            assert!(projects.iter().any(|p| p["light"] == light), "{light}");
        }
        // A project planned to start after June has no light yet, and says why.
        let not_due: Vec<&Value> = projects
            .iter()
            .filter(|p| p["expected_share"].is_null() && p["plan_wan"].is_number())
            .collect();
        assert!(!not_due.is_empty());
        for p in not_due {
            assert!(p["light"].is_null(), "{p}");
            assert!(
                p["why"][0]
                    .as_str()
                    .unwrap()
                    .ends_with("开工，未到投资考核期"),
                "{p}"
            );
        }
        for p in projects.iter().filter(|p| p["light"] != Value::Null) {
            let rate = p["rate"].as_f64().unwrap();
            let expected = p["expected_share"].as_f64().unwrap();
            assert!(expected <= 0.5, "{p}");
            let lag = p["lag_pp"].as_f64().unwrap();
            assert!((lag - (expected - rate) * 100.0).abs() < 0.02, "{p}");
            let light = match lag {
                l if l < 10.0 => "green",
                l if l <= 30.0 => "yellow",
                _ => "red",
            };
            // The light is the investment lamp, or worse when a late start adds its lamp.
            let order = |l: &Value| ["green", "yellow", "red"].iter().position(|x| l == x);
            let late_start = p["why"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w.as_str().unwrap().contains("开工"));
            if late_start {
                assert!(order(&p["light"]) >= order(&json!(light)), "{p}");
            } else {
                assert_eq!(p["light"], light, "{p}");
            }
            if p["light"] != "green" {
                assert!(!p["why"].as_array().unwrap().is_empty(), "{p}");
            }
        }
        let units = status["units"].as_array().unwrap();
        assert!(units.len() > 5);
        let ranks: Vec<u64> = units.iter().map(|u| u["rank"].as_u64().unwrap()).collect();
        assert_eq!(ranks[0], 1);
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
        let scores: Vec<f64> = units.iter().map(|u| u["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert!(units[0]["indicators"]["investment_progress"].is_number());

        // A project waiting to start whose approval plan ends after its planned start gets a
        // warning on its light.
        let waiting = projects
            .iter()
            .find(|p| {
                p["why"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|w| w.as_str().unwrap().contains("开工") && p["light"].is_string())
            })
            .expect("a late start in the seeded campaign");
        let id = waiting["id"].as_i64().unwrap();
        rt.block_on(async {
            let store = db.store().await;
            let calendar = store.work_calendar().await.unwrap();
            let start = chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
            store
                .create_approval_plan(id, "government", start, None, &calendar)
                .await
                .unwrap();
            store.close().await;
        });
        let out = gongjian(
            &["status", "--db", url, "--as-of", "2025-06-30", "--json"],
            None,
        );
        let again: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let warned = again["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap();
        assert!(
            warned["why"].to_string().contains("审批计划预计施工许可"),
            "{warned}"
        );
        assert_eq!(warned["light"], waiting["light"], "a warning, not a colour");

        // The text report names the lights; a scoring scheme file changes the scores.
        let out = gongjian(&["status", "--db", url, "--as-of", "2025-06-30"], None);
        assert!(stdout(&out).contains("序时进度 50.0%") && stdout(&out).contains("红灯"));
        let dir = tempfile::tempdir().unwrap();
        let scheme = dir.path().join("scheme.toml");
        std::fs::write(
            &scheme,
            "[[indicator]]\nkey = \"investment_progress\"\nweight = 1\n",
        )
        .unwrap();
        let out = gongjian(
            &[
                "status",
                "--db",
                url,
                "--as-of",
                "2025-06-30",
                "--json",
                "--scheme",
                scheme.to_str().unwrap(),
            ],
            None,
        );
        let only: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let first = &only["units"][0];
        let progress = first["indicators"]["investment_progress"].as_f64().unwrap();
        assert!((first["score"].as_f64().unwrap() - 100.0 * progress).abs() < 0.01);
        std::fs::write(&scheme, "[[indicator]]\nkey = \"beauty\"\nweight = 1\n").unwrap();
        let out = gongjian(
            &[
                "status",
                "--db",
                url,
                "--as-of",
                "2025-06-30",
                "--scheme",
                scheme.to_str().unwrap(),
            ],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("未知指标") && stderr(&out).contains("unknown indicator"));
        let out = gongjian(&["status", "--db", url, "--as-of", "2025-06-31"], None);
        assert!(!out.status.success());
    });
}

/// A monthly progress sheet: title, unit note, header, one row per project (cells split by `|`,
/// `#` a number).
fn progress_sheet(path: &Path, rows: &[&str]) {
    let mut lines = vec![
        "2025年重点项目进展情况表",
        "单位：万元",
        "项目编号|项目名称|年度计划投资|本月完成投资|1-6月累计完成投资|是否开工|形象进度",
    ];
    lines.extend(rows);
    std::fs::write(path, office::testing::sheet("Sheet1", &lines)).unwrap();
}

#[test]
fn import_reports_through_the_binary() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let dir = tempfile::tempdir().unwrap();
        let store = rt.block_on(db.store());
        let town = rt
            .block_on(store.create_unit("龙田镇", domain::UnitKind::Town, None))
            .unwrap();
        let mut ids = Vec::new();
        for (code, name) in [("FQ-1", "龙田物流园"), ("FQ-2", "龙田污水厂")] {
            let fields = domain::ProjectFields {
                code: Some(code.into()),
                name: name.into(),
                unit_id: Some(town),
                annual_plan: Some(domain::Money::from_wan(1_000)),
                ..domain::ProjectFields::default()
            };
            ids.push(
                rt.block_on(store.create_project(&fields, None, "test"))
                    .unwrap()
                    .id,
            );
        }
        let import = |file: &Path, period: &str, extra: &[&str]| {
            let mut args = vec![
                "import",
                "reports",
                file.to_str().unwrap(),
                "--db",
                url,
                "--period",
                period,
                "--json",
            ];
            args.extend_from_slice(extra);
            let out = gongjian(&args, None);
            let json: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
            (out.status.code(), json, stderr(&out))
        };

        // May: by code, and by name with an annual plan that differs from the ledger (a warning).
        let may = dir.path().join("may.xlsx");
        progress_sheet(
            &may,
            &["FQ-1||#1000|#100||是|基础施工", "|龙田污水厂|#900||#50|否|"],
        );
        let (code, json, err) = import(&may, "2025-05", &["--dry-run"]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(
            (json["filed"].as_u64(), json["written"].as_bool()),
            (Some(2), Some(false))
        );
        // A stray value at XFD1048576 (a damaged or careless file) is left out, not sized for:
        // the import used to abort on it.
        let far = dir.path().join("far.xlsx");
        progress_sheet(
            &far,
            &[
                "FQ-1||#1000|#100||是|基础施工",
                "|龙田污水厂|#900||#50|否|",
                "!cell XFD1048576 x",
            ],
        );
        let (code, json, err) = import(&far, "2025-05", &["--dry-run"]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(json["filed"].as_u64(), Some(2), "{json}");
        assert!(
            rt.block_on(store.project_reports(ids[0]))
                .unwrap()
                .is_empty()
        );
        let (code, json, _) = import(&may, "2025-05", &[]);
        assert_eq!(code, Some(0), "{json}");
        assert_eq!(json["written"], true);
        let warning = json["warnings"][0]["message_zh"].as_str().unwrap();
        assert!(
            warning.contains("龙田污水厂") && warning.contains("900.00"),
            "{warning}"
        );
        let may_reports = rt.block_on(store.project_reports(ids[0])).unwrap();
        assert_eq!(
            may_reports[0].report.year_to_date,
            domain::Money::from_wan(100)
        );
        assert_eq!(may_reports[0].report.state, store::ReportState::Submitted);

        // June: an unknown project names its row; amounts that disagree with May name both
        // numbers; nothing of either file is written.
        let june = dir.path().join("june.xlsx");
        progress_sheet(
            &june,
            &["FQ-1||#1000|#50|#150|是|", "|江阴港区码头|#10|#5|#5||"],
        );
        let (code, json, _) = import(&june, "2025-06", &[]);
        assert_eq!(code, Some(1));
        assert_eq!(json["errors"][0]["row"], 5);
        assert!(
            json["errors"][0]["message_zh"]
                .as_str()
                .unwrap()
                .contains("江阴港区码头")
        );
        progress_sheet(&june, &["FQ-1||#1000|#60|#150|是|", "FQ-2||#1000||#80||"]);
        let (code, json, _) = import(&june, "2025-06", &[]);
        assert_eq!(code, Some(1), "{json}");
        let message = json["errors"][0]["message_zh"].as_str().unwrap();
        assert!(
            message.contains("龙田物流园")
                && message.contains("150.00")
                && message.contains("100.00"),
            "{message}"
        );
        assert_eq!(rt.block_on(store.project_reports(ids[1])).unwrap().len(), 1);

        // A clean June; the second row derives its period amount and keeps "not started".
        progress_sheet(&june, &["FQ-1||#1000|#50|#150|是|", "FQ-2||#1000||#80||"]);
        let (code, json, _) = import(&june, "2025-06", &[]);
        assert_eq!(code, Some(0), "{json}");
        let second = rt.block_on(store.project_reports(ids[1])).unwrap();
        assert_eq!(second[0].report.completed, domain::Money::from_wan(30));
        assert!(!second[0].report.started);

        // After approval a re-import corrects the locked report as a revision.
        let first = rt.block_on(store.project_reports(ids[0])).unwrap();
        let june_report = &first[0].report;
        rt.block_on(store.review_reports(
            &[(june_report.id, june_report.version)],
            &store::Review::Approve,
            &store::Actor::SYSTEM,
        ))
        .unwrap();
        progress_sheet(&june, &["FQ-1||#1000|#55|#155|是|"]);
        // Its dry run says so and writes nothing.
        let (code, json, _) = import(&june, "2025-06", &["--dry-run"]);
        assert_eq!(code, Some(0), "{json}");
        assert_eq!(
            (json["filed"].as_u64(), json["revised"].as_u64()),
            (Some(1), Some(1)),
            "{json}"
        );
        assert_eq!(json["written"], false);
        let first = rt.block_on(store.project_reports(ids[0])).unwrap();
        assert!(first[0].revisions.is_empty(), "a dry run wrote a revision");
        let (code, json, _) = import(&june, "2025-06", &[]);
        assert_eq!(code, Some(0), "{json}");
        assert_eq!(json["revised"], 1);
        let first = rt.block_on(store.project_reports(ids[0])).unwrap();
        assert_eq!(first[0].revisions[0].reason, "导入 june.xlsx");
        assert_eq!(
            first[0].revisions[0].year_to_date,
            domain::Money::from_wan(150)
        );

        // A bad period and a file that is not a progress sheet are refused plainly.
        let (code, _, _) = import(&june, "2025-13", &[]);
        assert_eq!(code, Some(2));
        let (code, json, _) = import(&may, "2025-05", &["--dry-run"]);
        assert_eq!(
            (code, json["revised"].as_u64()),
            (Some(0), Some(0)),
            "the same May again: {json}"
        );
        let (code, json, _) = import(&may, "2025-05", &[]);
        assert_eq!(code, Some(0), "re-importing the same May is fine: {json}");
        assert_eq!(json["revised"], 0);
        rt.block_on(store.close());
    });
}

/// 异常提示 through `import reports --json`: errors (refused, with kind, sheet, row, column and
/// project) and warnings (listed, filed) of the whole file in one pass, the same on a dry run.
#[test]
fn import_reports_flags_implausible_figures() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let dir = tempfile::tempdir().unwrap();
        let store = rt.block_on(db.store());
        for (code, name, total) in [
            ("FQ-1", "龙田物流园", 26_900),
            ("FQ-2", "龙田污水厂", 5_000),
        ] {
            let fields = domain::ProjectFields {
                code: Some(code.into()),
                name: name.into(),
                total_investment: Some(domain::Money::from_wan(total)),
                annual_plan: Some(domain::Money::from_wan(1_000)),
                ..domain::ProjectFields::default()
            };
            rt.block_on(store.create_project(&fields, None, "test"))
                .unwrap();
        }
        let import = |rows: &[&str], period: &str, extra: &[&str]| {
            let file = dir.path().join(format!("{period}.xlsx"));
            progress_sheet(&file, rows);
            let mut args = vec![
                "import",
                "reports",
                file.to_str().unwrap(),
                "--db",
                url,
                "--period",
                period,
                "--json",
            ];
            args.extend_from_slice(extra);
            let out = gongjian(&args, None);
            let json: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
            (out.status.code(), json)
        };
        let kinds = |json: &Value, list: &str| -> Vec<String> {
            json[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["kind"].as_str().unwrap().to_string())
                .collect()
        };
        // January to March: 100 a month on the first, 200 on the second.
        for (month, ytd) in [("2025-01", 100), ("2025-02", 200)] {
            let a = format!("FQ-1|||#100|#{ytd}||");
            let b = format!("FQ-2|||#200|#{}||", ytd * 2);
            let (code, json) = import(&[a.as_str(), b.as_str()], month, &[]);
            assert_eq!(code, Some(0), "{json}");
            assert!(json["warnings"].as_array().unwrap().is_empty(), "{json}");
        }
        // March: the third 100 in a row is a warning, filed all the same.
        let (code, json) = import(
            &["FQ-1|||#100|#300||", "FQ-2|||#200|#600||"],
            "2025-03",
            &[],
        );
        assert_eq!(code, Some(0), "{json}");
        assert_eq!(kinds(&json, "warnings"), ["repeated", "repeated"]);
        let w = &json["warnings"][0];
        assert_eq!(
            (w["sheet"].as_str(), w["row"].as_u64()),
            (Some("Sheet1"), Some(4))
        );
        assert_eq!(w["project"], "龙田物流园");
        assert!(
            w["message_en"].as_str().unwrap().contains("3 periods"),
            "{w}"
        );
        assert_eq!(json["written"], true);

        // April: 80,000 on a project of 26,900 is refused (over the total), and is also far
        // above its plan and its usual month; the second row falls below March; a third names
        // no project. All of them at once, nothing written, the same on a dry run.
        let april = [
            "FQ-1|||#80000|#80300||",
            "FQ-2||||#500||",
            "|江阴港区码头|||#5||",
        ];
        for extra in [&["--dry-run"][..], &[]] {
            let (code, json) = import(&april, "2025-04", extra);
            assert_eq!(code, Some(1), "{json}");
            assert_eq!(
                kinds(&json, "errors"),
                ["over_total", "cumulative_fall", "unknown_project"],
                "{json}"
            );
            assert_eq!(kinds(&json, "warnings"), ["over_plan", "spike"], "{json}");
            let e = &json["errors"][0];
            assert_eq!(e["row"], 4);
            assert_eq!(e["column"], "E", "{e}");
            assert_eq!(e["project"], "龙田物流园");
            assert!(
                e["message_zh"].as_str().unwrap().contains("26,900.00"),
                "{e}"
            );
            assert_eq!(json["errors"][1]["row"], 5);
            assert_eq!(json["errors"][2]["row"], 6);
            assert_eq!(json["written"], false);
        }
        let reports = rt.block_on(store.project_reports(1)).unwrap_or_default();
        assert!(reports.iter().all(|r| r.report.period != "2025-04"));
        rt.block_on(store.close());
    });
}

/// A problem list as offices keep it: a title row, a header, a section row, one row per problem
/// (cells split by `|`), a note.
fn problem_list(path: &Path, rows: &[&str]) {
    let mut lines = vec![
        "2025年重点项目问题清单",
        "序号|项目名称|存在问题|问题类别|责任单位|配合单位|提出时间|办理时限|办理状态",
        "一、要素保障问题",
    ];
    lines.extend(rows);
    lines.push("注：办理时限可填日期或“N个工作日”");
    std::fs::write(path, office::testing::sheet("Sheet1", &lines)).unwrap();
}

#[test]
fn problems_imported_and_listed_through_the_binary() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let dir = tempfile::tempdir().unwrap();
        let store = rt.block_on(db.store());
        let town = rt
            .block_on(store.create_unit("江阴镇", domain::UnitKind::Town, None))
            .unwrap();
        for name in ["江阴港区污水处理厂二期", "江阴物流园"] {
            let fields = domain::ProjectFields {
                name: name.into(),
                unit_id: Some(town),
                ..domain::ProjectFields::default()
            };
            rt.block_on(store.create_project(&fields, None, "test"))
                .unwrap();
        }
        let run = |args: &[&str]| {
            let out = gongjian(args, None);
            let json: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
            (out.status.code(), json, stderr(&out))
        };

        let good = dir.path().join("problems.xlsx");
        problem_list(
            &good,
            &[
                "1|江阴港区污水处理厂二期|施工用电未接入|水电气|国网福清供电公司|市发改局、江阴镇|2025-09-26|2025-09-30|办理中",
                "2|江阴物流园|用地指标未落实|土地|市自然资源局||2025-09-26|5个工作日|",
                "3|江阴物流园|环评批复待出具|环评|||2025-08-01|2025-08-15|已销号",
            ],
        );
        let file = good.to_str().unwrap();
        let (code, json, err) = run(&[
            "import",
            "problems",
            file,
            "--db",
            url,
            "--dry-run",
            "--json",
        ]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(
            (json["created"].as_u64(), json["written"].as_bool()),
            (Some(3), Some(false))
        );
        assert_eq!(
            json["new_units"],
            json!(["国网福清供电公司", "市发改局", "市自然资源局"])
        );
        assert_eq!(
            json["skipped_rows"][0]["reason"],
            "分组行：一、要素保障问题"
        );
        assert!(
            rt.block_on(store.problems_as_of(day(2025, 12, 31)))
                .unwrap()
                .is_empty()
        );
        let (code, json, _) = run(&["import", "problems", file, "--db", url, "--json"]);
        assert_eq!((code, json["written"].as_bool()), (Some(0), Some(true)));

        // As of 15 October: the first is six working days past 30 September (National Day in
        // between): at the weekly meeting; the second's five working days ran to 10 October,
        // and four more (Saturday 11th was worked) have passed since.
        let (code, json, _) = run(&["problems", "--db", url, "--as-of", "2025-10-15", "--json"]);
        assert_eq!(code, Some(0));
        let problems = json["problems"].as_array().unwrap();
        let brief: Vec<(&str, &str, u64, u64, &str)> = problems
            .iter()
            .map(|p| {
                (
                    p["title"].as_str().unwrap(),
                    p["status"].as_str().unwrap(),
                    p["level"].as_u64().unwrap(),
                    p["overdue_workdays"].as_u64().unwrap(),
                    p["deadline"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            brief,
            [
                ("施工用电未接入", "in_progress", 3, 6, "2025-09-30"),
                ("用地指标未落实", "open", 2, 4, "2025-10-10"),
                ("环评批复待出具", "closed", 1, 0, "2025-08-15"),
            ]
        );
        assert_eq!(problems[0]["unit"], "国网福清供电公司");
        assert_eq!(problems[0]["project"], "江阴港区污水处理厂二期");
        assert_eq!(problems[2]["unit"], "江阴镇", "the project's own unit");
        // The next weekly meeting takes the problem that reached level 3.
        let (code, json, _) = run(&["agenda", "--db", url, "--as-of", "2025-10-15", "--json"]);
        assert_eq!(code, Some(0), "{json}");
        assert_eq!(json["meeting_date"], "2025-10-20");
        assert_eq!(json["items"].as_array().map(Vec::len), Some(1), "{json}");
        assert_eq!(json["items"][0]["kind"], "problem");
        assert_eq!(json["items"][0]["title"], "施工用电未接入");
        let out = gongjian(&["agenda", "--db", url, "--as-of", "2025-10-15"], None);
        assert!(stdout(&out).contains("【问题·3级】江阴港区污水处理厂二期：施工用电未接入"));
        // The meeting pack as Word: the problem in its table.
        let pack = dir.path().join("pack.docx");
        let out = gongjian(
            &[
                "agenda",
                "--db",
                url,
                "--as-of",
                "2025-10-15",
                "--docx",
                pack.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let xml = docx_text(&std::fs::read(&pack).unwrap());
        assert!(
            xml.contains("2025年10月20日") && xml.contains("施工用电未接入"),
            "{xml}"
        );

        // A list with an unknown project and an unknown category: both named by row (and
        // column), nothing written.
        let bad = dir.path().join("bad.xlsx");
        problem_list(
            &bad,
            &[
                "1|江阴物流园|道路未通|天气|江阴镇||2025-10-01|2025-10-20|",
                "2|江阴港区码头|岸线审批|审批|江阴镇||2025-10-01|2025-10-20|",
            ],
        );
        let (code, json, _) = run(&[
            "import",
            "problems",
            bad.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(1), "{json}");
        assert_eq!(json["errors"][0]["row"], 4);
        assert_eq!(json["errors"][0]["column"], "D");
        assert!(
            json["errors"][0]["message_zh"]
                .as_str()
                .unwrap()
                .contains("天气")
        );
        let (code, json, _) = {
            problem_list(
                &bad,
                &["2|江阴港区码头|岸线审批|审批|江阴镇||2025-10-01|2025-10-20|"],
            );
            run(&[
                "import",
                "problems",
                bad.to_str().unwrap(),
                "--db",
                url,
                "--json",
            ])
        };
        assert_eq!(code, Some(1), "{json}");
        assert_eq!(json["errors"][0]["row"], 4);
        assert!(
            json["errors"][0]["message_zh"]
                .as_str()
                .unwrap()
                .contains("江阴港区码头")
        );
        assert_eq!(json["written"], false);
        assert_eq!(
            rt.block_on(store.problems_as_of(day(2025, 12, 31)))
                .unwrap()
                .len(),
            3
        );
        rt.block_on(store.close());
    });
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The body of a .docx package.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// 分月计划 through the binary: a ledger with 1月计划 … 12月计划 and one with quarters, June's
/// reports, and `status --json` judging each project on its planned cumulative to date; the
/// export carries the breakdown back out.
#[test]
fn status_by_the_plan_breakdown() {
    each_backend(|_, db| {
        let url = db.url.as_str();
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger.xlsx");
        let mut header = vec![
            "项目编号".to_string(),
            "项目名称".to_string(),
            "责任单位".to_string(),
            "年度计划投资（万元）".to_string(),
        ];
        header.extend((1..=12).map(|m| format!("{m}月计划")));
        header.extend(["一季度计划", "二季度计划", "三季度计划", "四季度计划"].map(String::from));
        let mut lines = vec![header.join("|")];
        // Back-loaded by month; nothing before September; by quarter; no breakdown.
        // code, name, plan, months and quarters (negative: blank).
        type Row<'a> = (&'a str, &'a str, f64, [f64; 12], [f64; 4]);
        let rows: [Row<'_>; 4] = [
            (
                "FQ-1",
                "龙田物流园",
                2400.0,
                [
                    100., 100., 100., 100., 100., 100., 300., 300., 300., 300., 300., 300.,
                ],
                [-1.; 4],
            ),
            (
                "FQ-2",
                "龙田污水厂",
                1200.0,
                [0., 0., 0., 0., 0., 0., 0., 0., 400., 400., 400., 0.],
                [-1.; 4],
            ),
            (
                "FQ-3",
                "龙田学校",
                1200.0,
                [-1.; 12],
                [0., 600., 300., 300.],
            ),
            ("FQ-4", "龙田安置房", 1000.0, [-1.; 12], [-1.; 4]),
        ];
        for (code, name, plan, months, quarters) in &rows {
            let mut cells = vec![code.to_string(), name.to_string(), "龙田镇".into()];
            cells.push(format!("#{plan}"));
            cells.extend(months.iter().chain(quarters).map(|v| {
                if *v >= 0.0 {
                    format!("#{v}")
                } else {
                    String::new()
                }
            }));
            lines.push(cells.join("|"));
        }
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        std::fs::write(&ledger, office::testing::sheet("台账", &lines)).unwrap();
        let out = gongjian(
            &["import", "ledger", ledger.to_str().unwrap(), "--db", url],
            None,
        );
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        let june = dir.path().join("june.xlsx");
        progress_sheet(
            &june,
            &[
                "FQ-1|龙田物流园|#2400||#420|是|",
                "FQ-3|龙田学校|#1200||#200|是|",
                "FQ-4|龙田安置房|#1000||#500|是|",
            ],
        );
        let out = gongjian(
            &[
                "import",
                "reports",
                june.to_str().unwrap(),
                "--db",
                url,
                "--period",
                "2025-06",
            ],
            None,
        );
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        let out = gongjian(
            &["status", "--db", url, "--as-of", "2025-06-30", "--json"],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let status: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let project = |name: &str| -> Value {
            status["projects"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .cloned()
                .unwrap()
        };
        // (project, expected share, light)
        for (name, share, light) in [
            ("龙田物流园", Some(0.25), Some("green")),
            ("龙田污水厂", None, None),
            ("龙田学校", Some(0.5), Some("red")),
            ("龙田安置房", Some(0.5), Some("green")),
        ] {
            let p = project(name);
            assert_eq!(p["expected_share"].as_f64(), share, "{:?} {p}", db.dialect);
            assert_eq!(p["light"].as_str(), light, "{:?} {p}", db.dialect);
        }
        assert_eq!(
            project("龙田污水厂")["why"][0],
            "分月计划自9月起，未到投资考核期"
        );
        // 600 + 0 + 600 + 500 expected of 5800.
        let weighted = status["weighted_expected_share"].as_f64().unwrap();
        assert!((weighted - 1700.0 / 5800.0).abs() < 1e-4, "{weighted}");

        // The export has the months and the quarters after the annual plan.
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
        assert!(out.status.success(), "{}", stderr(&out));
        let again = office::read_ledger(&std::fs::read(&exported).unwrap());
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        let phases: Vec<String> = again
            .projects
            .iter()
            .map(|p| p.fields.display_value(domain::Field::PlanPhases))
            .collect();
        assert!(phases[0].starts_with("1月 100、2月 100"), "{phases:?}");
        assert_eq!(phases[2], "一季度 0、二季度 600、三季度 300、四季度 300");
        assert_eq!(phases[3], "");
    });
}

/// `serve` on a database without users prints a one-time link that opens the first-start page;
/// with a user, it prints none.
#[test]
fn serve_prints_the_first_start_link() {
    use std::io::BufRead;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new(store::Dialect::Sqlite));
    let serve = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongjian"))
            .args(["serve", "--db", &db.url, "--addr", "127.0.0.1:0"])
            .env_remove("GONGJIAN_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut said = Vec::new();
        // "listening on …", then the link (when there is one) right after it.
        while let Some(Ok(line)) = lines.next() {
            let done = line.contains("/setup?token=") || said.len() > 3;
            said.push(line);
            if done {
                break;
            }
            // A database with users: nothing follows the first line.
            let has_users =
                rt.block_on(async { !db.store().await.usernames().await.unwrap().is_empty() });
            if said.len() == 1 && has_users {
                break;
            }
        }
        child.kill().unwrap();
        let _ = child.wait();
        said
    };
    let said = serve();
    let link = said
        .iter()
        .find_map(|l| {
            l.trim()
                .strip_prefix("http://")
                .map(|l| format!("http://{l}"))
        })
        .unwrap_or_else(|| panic!("{said:?}"));
    assert!(link.contains("/setup?token="), "{link}");
    let store = rt.block_on(db.store());
    rt.block_on(store.create_unit("发展和改革局", domain::UnitKind::Department, None))
        .unwrap();
    let unit = rt
        .block_on(store.unit_by_name("发展和改革局"))
        .unwrap()
        .unwrap();
    rt.block_on(store.create_user(store::NewUser {
        username: "chen",
        display_name: "陈",
        password: "Fuqing-fgj-2025",
        role: domain::Role::Admin,
        unit_id: unit.id,
    }))
    .unwrap();
    let said = serve();
    assert!(!said.iter().any(|l| l.contains("/setup")), "{said:?}");
    rt.block_on(store.close());
}

/// `backup` while the data is there, `restore` into an empty database of each backend (the
/// same status, the same rows), a second restore refused; `audit verify` passes, names an
/// entry edited by hand (exit 1), and checks a head published earlier.
#[test]
fn backup_restore_and_audit_through_the_binary() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for from in TestDb::backends() {
        let source = rt.block_on(TestDb::new(from));
        let url = source.url.as_str();
        let out = gongjian(
            &[
                "seed",
                "--db",
                url,
                "--projects",
                "80",
                "--reports-through",
                "2025-05",
                "--problems",
                "20",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let status = |url: &str| {
            let out = gongjian(
                &["status", "--db", url, "--as-of", "2025-05-31", "--json"],
                None,
            );
            assert!(out.status.success(), "{}", stderr(&out));
            stdout(&out)
        };
        let before = status(url);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("office.jsonl.gz");
        let file = file.to_str().unwrap();
        let out = gongjian(&["backup", "--db", url, "--out", file, "--json"], None);
        assert!(out.status.success(), "{}", stderr(&out));
        let written: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(written["tables"]["projects"], 80);
        let head = format!(
            "{}:{}",
            written["audit_seq"],
            written["audit_hash"].as_str().unwrap()
        );

        for to in TestDb::backends() {
            let target = rt.block_on(TestDb::new(to));
            let out = gongjian(&["restore", file, "--db", &target.url, "--json"], None);
            assert!(out.status.success(), "{from:?} → {to:?}: {}", stderr(&out));
            let read: Value = serde_json::from_str(&stdout(&out)).unwrap();
            assert_eq!(read["tables"], written["tables"], "{from:?} → {to:?}");
            assert_eq!(status(&target.url), before, "{from:?} → {to:?}");
            let out = gongjian(
                &["audit", "verify", "--db", &target.url, "--expect", &head],
                None,
            );
            assert!(out.status.success(), "{from:?} → {to:?}: {}", stdout(&out));
            let out = gongjian(&["restore", file, "--db", &target.url], None);
            assert_eq!(out.status.code(), Some(2));
            assert!(stderr(&out).contains("空数据库"), "{}", stderr(&out));
        }

        // An entry edited by hand: verify names it and fails.
        let store = rt.block_on(source.store());
        rt.block_on(
            sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 7")
                .execute(store.pool()),
        )
        .unwrap();
        let out = gongjian(&["audit", "verify", "--db", url, "--json"], None);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let check: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(check["ok"], false);
        assert_eq!(check["broken"]["seq"], 7);
        let out = gongjian(&["audit", "verify", "--db", url], None);
        assert!(stdout(&out).contains("第 7 条"), "{}", stdout(&out));
        // A head that was never published does not check out.
        let out = gongjian(&["audit", "verify", "--db", url, "--expect", "3:abc"], None);
        assert_eq!(out.status.code(), Some(1));
        let out = gongjian(
            &[
                "audit",
                "list",
                "--db",
                url,
                "--object",
                "projects:1",
                "--json",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let entries: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(entries[0]["source"], "cli");
        // A file that is not a backup restores nothing.
        let junk = dir.path().join("junk.jsonl.gz");
        std::fs::write(&junk, b"not a backup").unwrap();
        let empty = rt.block_on(TestDb::new(from));
        let out = gongjian(
            &["restore", junk.to_str().unwrap(), "--db", &empty.url],
            None,
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            rt.block_on(rt.block_on(empty.store()).holds_no_data())
                .unwrap()
        );
        rt.block_on(store.close());
    }
}

/// Runs `gongjian args` and kills it (SIGKILL) after `after`, unless it ended first.
fn killed_after(args: &[&str], after: std::time::Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongjian"))
        .args(args)
        .env_remove("GONGJIAN_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let ended = child.try_wait().unwrap().is_some();
    if !ended {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    !ended
}

/// `kill -9` while an import or a filing is under way, at several moments: the database holds
/// all of it or none of it, opens again, and its audit chain verifies.
#[test]
fn killed_imports_and_filings_leave_nothing_partial() {
    const PROJECTS: usize = 3000;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A ledger workbook of PROJECTS rows, and a progress sheet for all of them.
    let source = rt.block_on(TestDb::new(store::Dialect::Sqlite));
    let out = gongjian(
        &[
            "seed",
            "--db",
            &source.url,
            "--projects",
            &PROJECTS.to_string(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let ledger = dir.path().join("ledger.xlsx");
    let ledger = ledger.to_str().unwrap();
    let out = gongjian(
        &["export", "ledger", "--db", &source.url, "--out", ledger],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let store = rt.block_on(source.store());
    let keys = rt.block_on(store.project_keys()).unwrap();
    let mut lines = vec!["项目编号|项目名称|本月完成投资|1-1月累计完成投资|是否开工".to_string()];
    lines.extend(
        keys.iter()
            .map(|k| format!("{}||#10|#10|是", k.code.clone().unwrap_or_default())),
    );
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let progress = dir.path().join("progress.xlsx");
    std::fs::write(&progress, office::testing::sheet("Sheet1", &lines)).unwrap();
    let progress = progress.to_str().unwrap();
    rt.block_on(store.close());

    for dialect in TestDb::backends() {
        let mut outcomes = Vec::new();
        for ms in [300, 700, 1000, 1500] {
            let after = std::time::Duration::from_millis(ms);
            // The ledger import.
            let db = rt.block_on(TestDb::new(dialect));
            let killed = killed_after(&["import", "ledger", ledger, "--db", &db.url], after);
            let store = rt.block_on(db.store());
            let count = rt.block_on(store.count_projects()).unwrap();
            assert!(
                count == 0 || count == PROJECTS as i64,
                "{dialect:?}: import killed at {ms} ms left {count} projects"
            );
            assert!(
                rt.block_on(store.audit_verify()).unwrap().ok(),
                "{dialect:?} {ms} ms"
            );
            outcomes.push(("ledger", ms, killed, count));
            // A filing of every project's report into the full ledger.
            if count == 0 {
                let out = gongjian(&["import", "ledger", ledger, "--db", &db.url], None);
                assert!(out.status.success(), "{}", stderr(&out));
            }
            let killed = killed_after(
                &[
                    "import", "reports", progress, "--period", "2025-01", "--db", &db.url,
                ],
                after,
            );
            let filed: usize = rt
                .block_on(store.project_keys())
                .unwrap()
                .iter()
                .take(1)
                .map(|k| rt.block_on(store.project_reports(k.id)).unwrap().len())
                .sum();
            let (all,): (i64,) = rt
                .block_on(sqlx::query_as("SELECT COUNT(*) FROM reports").fetch_one(store.pool()))
                .unwrap();
            assert!(
                all == 0 || all == PROJECTS as i64,
                "{dialect:?}: filing killed at {ms} ms left {all} reports"
            );
            assert_eq!(filed as i64 * PROJECTS as i64, all);
            assert!(
                rt.block_on(store.audit_verify()).unwrap().ok(),
                "{dialect:?} {ms} ms"
            );
            outcomes.push(("reports", ms, killed, all));
            rt.block_on(store.close());
        }
        println!("{dialect:?}: (what, killed at ms, killed before it ended, rows) {outcomes:?}");
    }
}

/// A group robot's stand-in: answers every POST as WeCom does and keeps the bodies.
fn robot_stand_in(
    rt: &tokio::runtime::Runtime,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = bodies.clone();
    rt.spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // Read the head, then the body its Content-Length announces.
                loop {
                    let Ok(n) = socket.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            let body = String::from_utf8_lossy(&seen[end + 4..]).to_string();
                            kept.lock().unwrap().push(body);
                            break;
                        }
                    }
                }
                let reply = r#"{"errcode":0,"errmsg":"ok"}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/cgi-bin/webhook/send?key=k"), bodies)
}

#[test]
fn a_days_reminders_by_hand() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let out = gongjian(
            &[
                "user",
                "add",
                "--db",
                url,
                "--username",
                "longtian",
                "--unit",
                "龙田镇",
                "--role",
                "responsible",
            ],
            Some("Longtian-2025-clerk\n"),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        // Contact details are checked.
        let out = gongjian(
            &[
                "user", "contact", "--db", url, "longtian", "--mobile", "12345",
            ],
            None,
        );
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("手机号“12345”无效"),
            "{}",
            stderr(&out)
        );
        let out = gongjian(
            &[
                "user",
                "contact",
                "--db",
                url,
                "longtian",
                "--mobile",
                "13800000001",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));

        let store = rt.block_on(db.store());
        let town = rt
            .block_on(store.unit_by_name("龙田镇"))
            .unwrap()
            .unwrap()
            .id;
        let project = rt
            .block_on(store.create_project(
                &domain::ProjectFields {
                    name: "龙田镇污水管网工程".into(),
                    unit_id: Some(town),
                    ..domain::ProjectFields::default()
                },
                None,
                "test",
            ))
            .unwrap()
            .id;
        rt.block_on(store.raise_problem(
            &store::NewProblem {
                project_id: project,
                title: "施工用电未接入".into(),
                description: None,
                category: domain::problem::Category::Utilities,
                unit_id: None,
                co_units: vec![],
                raised_on: day(2025, 9, 20),
                deadline: domain::problem::Deadline::On(day(2025, 10, 9)),
                level: domain::problem::Level::Unit,
            },
            None,
            "test",
        ))
        .unwrap();
        let (robot, bodies) = robot_stand_in(rt);
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("gongjian.toml");
        std::fs::write(
            &config,
            format!(
                "[notify]\nremind_at = \"08:30\"\n\n[[notify.robot]]\nkind = \"wecom\"\nurl = \"{robot}\"\nunit = \"龙田镇\"\n"
            ),
        )
        .unwrap();
        let config = config.to_str().unwrap();
        let notify = |as_of: &str, dry_run: bool| {
            let mut args = vec![
                "--config", config, "notify", "--db", url, "--as-of", as_of, "--json",
            ];
            if dry_run {
                args.push("--dry-run");
            }
            let out = gongjian(&args, None);
            assert!(out.status.success(), "{}", stderr(&out));
            serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
        };

        // A dry run of the last working day before National Day: what would go, nothing sent.
        let dry = notify("2025-09-30", true);
        assert_eq!(dry["as_of"], "2025-09-30");
        let lines = |v: &serde_json::Value| -> Vec<(String, String, String, String)> {
            let mut l: Vec<_> = v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    (
                        m["channel"].as_str().unwrap().to_string(),
                        m["to"].as_str().unwrap().to_string(),
                        m["kind"].as_str().unwrap().to_string(),
                        m["state"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            l.sort();
            l
        };
        assert_eq!(
            lines(&dry),
            [
                (
                    "inbox".into(),
                    "longtian".into(),
                    "problem_due".into(),
                    "would_send".into()
                ),
                (
                    "wecom".into(),
                    "wecom:龙田镇".into(),
                    "problem_due".into(),
                    "would_send".into()
                ),
            ]
        );
        assert!(bodies.lock().unwrap().is_empty());
        // Sent: the robot got one text @-ing the clerk.
        let sent = notify("2025-09-30", false);
        assert_eq!(
            lines(&sent)
                .iter()
                .map(|l| l.3.as_str())
                .collect::<Vec<_>>(),
            ["sent", "sent"]
        );
        assert!(
            sent["messages"][0]["subject"]
                .as_str()
                .unwrap()
                .contains("施工用电未接入")
        );
        let posted = bodies.lock().unwrap().clone();
        assert_eq!(posted.len(), 1);
        assert!(posted[0].contains("13800000001"), "{}", posted[0]);
        // Twice: nothing new.
        assert_eq!(
            notify("2025-09-30", false)["messages"],
            serde_json::json!([])
        );
        assert_eq!(bodies.lock().unwrap().len(), 1);

        // A date that is not one is refused in both languages.
        let out = gongjian(&["notify", "--db", url, "--as-of", "2025-13-01"], None);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("错误 / error"), "{}", stderr(&out));
    });
}

/// The text of each paragraph of a .docx outside tables, and each table row's cells.
fn docx_parts(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let xml = docx_text(bytes);
    let texts = |part: &str| -> String {
        part.split("<w:t")
            .skip(1)
            .filter_map(|t| {
                let t = &t[t.find('>')? + 1..];
                Some(t[..t.find("</w:t>")?].to_string())
            })
            .collect()
    };
    let mut paragraphs = vec![];
    let mut rows = vec![];
    let mut rest = xml.as_str();
    while let Some(start) = rest.find("<w:tbl>") {
        for p in rest[..start].split("</w:p>") {
            let t = texts(p);
            if !t.is_empty() {
                paragraphs.push(t);
            }
        }
        let end = rest[start..]
            .find("</w:tbl>")
            .map_or(rest.len(), |e| start + e);
        for row in rest[start..end].split("</w:tr>") {
            let cells: Vec<String> = row.split("</w:tc>").map(texts).collect();
            let cells: Vec<String> = cells.into_iter().filter(|c| !c.is_empty()).collect();
            if !cells.is_empty() {
                rows.push(cells);
            }
        }
        rest = &rest[end..];
    }
    for p in rest.split("</w:p>") {
        let t = texts(p);
        if !t.is_empty() {
            paragraphs.push(t);
        }
    }
    (paragraphs, rows)
}

/// The number written between `before` and `after` in `text`.
fn number_between(text: &str, before: &str, after: &str) -> f64 {
    let start = text
        .find(before)
        .unwrap_or_else(|| panic!("{before} in {text}"))
        + before.len();
    let end = text[start..]
        .find(after)
        .unwrap_or_else(|| panic!("{after} in {text}"))
        + start;
    text[start..end]
        .parse()
        .unwrap_or_else(|_| panic!("a number at {before}…{after} in {text}"))
}

/// Every number of the analysis's summary, and every unit's row, is the status's own for the
/// same date, read back from the .docx the command wrote.
#[test]
fn the_analysis_says_the_status_figures() {
    each_backend(|_rt, db| {
        let url = db.url.as_str();
        let out = gongjian(
            &[
                "seed",
                "--db",
                url,
                "--projects",
                "90",
                "--reports-through",
                "2025-06",
                "--problems",
                "30",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("分析.docx");
        let out = gongjian(
            &[
                "document",
                "analysis",
                "--db",
                url,
                "--as-of",
                "2025-06-30",
                "--out",
                file.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("2025年6月重点项目推进情况月度分析"),
            "{}",
            stdout(&out)
        );
        let (paragraphs, rows) = docx_parts(&std::fs::read(&file).unwrap());

        let out = gongjian(
            &["status", "--db", url, "--as-of", "2025-06-30", "--json"],
            None,
        );
        let status: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let projects = status["projects"].as_array().unwrap();
        let planned: Vec<&Value> = projects
            .iter()
            .filter(|p| p["plan_wan"].as_f64().is_some_and(|w| w > 0.0))
            .collect();
        let plan: f64 = planned
            .iter()
            .map(|p| p["plan_wan"].as_f64().unwrap())
            .sum();
        let done: f64 = planned.iter().map(|p| p["ytd_wan"].as_f64().unwrap()).sum();
        let rate = done / plan * 100.0;
        let expected = status["weighted_expected_share"].as_f64().unwrap() * 100.0;
        let round = |x: f64, places: i32| (x * 10f64.powi(places)).round() / 10f64.powi(places);

        let summary = paragraphs
            .iter()
            .find(|p| p.starts_with("截至2025年6月30日"))
            .unwrap();
        assert_eq!(
            number_between(summary, "重点项目", "个"),
            projects.len() as f64,
            "{summary}"
        );
        assert_eq!(
            number_between(summary, "年度计划投资", "亿元"),
            round(plan / 10_000.0, 2)
        );
        assert_eq!(
            number_between(summary, "累计完成投资", "亿元"),
            round(done / 10_000.0, 2)
        );
        assert_eq!(
            number_between(summary, "完成年度计划的", "%"),
            round(rate, 1)
        );
        assert_eq!(number_between(summary, "序时进度", "%"), round(expected, 1));
        let side = if rate >= expected {
            "快于序时进度"
        } else {
            "慢于序时进度"
        };
        assert_eq!(
            number_between(summary, side, "个百分点"),
            round((rate - expected).abs(), 1)
        );

        let lights = paragraphs
            .iter()
            .find(|p| p.starts_with("亮灯情况"))
            .unwrap();
        let count = |l: &str| projects.iter().filter(|p| p["light"] == l).count() as f64;
        assert_eq!(
            number_between(lights, "红灯项目", "个"),
            count("red"),
            "{lights}"
        );
        assert_eq!(number_between(lights, "黄灯项目", "个"), count("yellow"));
        assert_eq!(number_between(lights, "绿灯项目", "个"), count("green"));

        // The units' table: every unit in rank order with the status's rate, 序时进度 and light.
        let header = rows.iter().position(|r| r[0] == "排名").unwrap();
        let units = status["units"].as_array().unwrap();
        for (i, u) in units.iter().enumerate() {
            let row = &rows[header + 1 + i];
            assert_eq!(row[0], u["rank"].to_string());
            assert_eq!(row[1], u["unit"].as_str().unwrap());
            assert_eq!(row[2], u["projects"].to_string());
            let pct = |v: &Value| {
                v.as_f64()
                    .map_or("—".to_string(), |x| format!("{:.1}", x * 100.0))
            };
            assert_eq!(row[5], pct(&u["rate"]), "{row:?}");
            assert_eq!(row[6], pct(&u["expected_share"]), "{row:?}");
            let light = match u["light"].as_str() {
                Some("red") => "红灯",
                Some("yellow") => "黄灯",
                Some("green") => "绿灯",
                _ => "—",
            };
            assert_eq!(row[7], light, "{row:?}");
        }

        // The companion workbook with its charts.
        let book = dir.path().join("分析.xlsx");
        let out = gongjian(
            &[
                "document",
                "analysis",
                "--db",
                url,
                "--as-of",
                "2025-06-30",
                "--out",
                book.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let mut xlsx: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
        assert!(calamine::Reader::sheet_names(&xlsx).contains(&"分单位".to_string()));
        let units_sheet = calamine::Reader::worksheet_range(&mut xlsx, "分单位").unwrap();
        assert_eq!(
            units_sheet
                .get_value((3, 1))
                .map(|c| c.to_string())
                .as_deref(),
            units[0]["unit"].as_str()
        );

        // The other documents from the same data; a ranking bulletin needs a published ranking.
        for kind in ["weekly-bulletin", "ranking-bulletin"] {
            let out = gongjian(
                &[
                    "document",
                    kind,
                    "--db",
                    url,
                    "--as-of",
                    "2025-06-30",
                    "--out",
                    dir.path().join("x.docx").to_str().unwrap(),
                ],
                None,
            );
            if kind == "ranking-bulletin" {
                assert!(!out.status.success());
                assert!(
                    stderr(&out).contains("尚无已发布的排名"),
                    "{}",
                    stderr(&out)
                );
            } else {
                assert!(out.status.success(), "{}", stderr(&out));
            }
        }
        let out = gongjian(
            &[
                "document",
                "project-report",
                "--db",
                url,
                "--as-of",
                "2025-06-30",
                "--out",
                "x.docx",
            ],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("--project"), "{}", stderr(&out));
        let out = gongjian(
            &[
                "document",
                "memo",
                "--db",
                url,
                "--as-of",
                "2025-06-30",
                "--out",
                "x.docx",
            ],
            None,
        );
        assert!(stderr(&out).contains("未知文档类型"), "{}", stderr(&out));
    });
}

/// A 招商项目库 as a county keeps it: a title, the amount unit in a note, a 序号 column, dates
/// in several forms, and a total row.
fn lead_sheet(path: &Path, rows: &[&str]) {
    let mut lines = vec![
        "2025年福清市招商项目库",
        "单位：亿元",
        "序号|项目名称|投资方|所属行业|计划投资|招商来源|责任单位|当前阶段|洽谈时间|签约时间|落地时间|开工时间|投产时间",
    ];
    lines.extend(rows);
    lines.push("|合计||||#65.5");
    std::fs::write(path, office::testing::sheet("招商项目", &lines)).unwrap();
}

#[test]
fn leads_imported_and_counted_through_the_binary() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let dir = tempfile::tempdir().unwrap();
        let store = rt.block_on(db.store());
        let run = |args: &[&str]| {
            let out = gongjian(args, None);
            let json: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
            (out.status.code(), json, stderr(&out))
        };
        let rows = [
            "1|年产10GW光伏组件项目|某新能源公司|新能源|#50|5·18海交会|龙田镇|落地|2025-03-01|@2025-05-18|2025年7月1日||",
            "2|高端纺织项目|某纺织集团|纺织|#12|9·8投洽会|江镜镇|签约||2025-09-08|||",
            "3|冷链物流园|某物流公司|物流|#3.5|以商招商|龙田镇|洽谈|2025-04-01||||",
            "4|生物医药产业园|某药业|生物医药|#8|5·18海交会|龙田镇|开工||2025-05-18|2025-06-10|2025-08-01|",
        ];
        let good = dir.path().join("leads.xlsx");
        lead_sheet(&good, &rows);
        let file = good.to_str().unwrap();

        // A dry run names what it would do and writes nothing.
        let (code, json, err) = run(&["import", "leads", file, "--db", url, "--dry-run", "--json"]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(
            (json["created"].as_u64(), json["written"].as_bool()),
            (Some(4), Some(false))
        );
        assert_eq!(json["new_units"], json!(["龙田镇", "江镜镇"]));
        assert!(rt.block_on(store.leads(None)).unwrap().is_empty());

        // Errors are named by row and column, and nothing is written.
        let bad = dir.path().join("bad.xlsx");
        lead_sheet(
            &bad,
            &[
                rows[0],
                "2|高端纺织项目|某纺织集团|纺织|#12|9·8投洽会|江镜镇|已谈妥||2025-09-08|||",
                "3|冷链物流园|某物流公司|物流|#3.5|以商招商|龙田镇|落地||2025-09-08|2025-08-01||",
                "4|生物医药产业园|某药业|生物医药|三亿|5·18海交会|龙田镇|签约||2025-05-18||2025-08-01|",
                "5||某公司|物流|#1|以商招商|龙田镇|洽谈|2025-04-01||||",
            ],
        );
        let (code, json, _) = run(&[
            "import",
            "leads",
            bad.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(1), "{json}");
        let errors: Vec<(u64, String, String)> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["row"].as_u64().unwrap_or(0),
                    e["column"].as_str().unwrap_or("").to_string(),
                    e["message_zh"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let has = |row: u64, column: &str, words: &str| {
            errors
                .iter()
                .any(|(r, c, m)| *r == row && c == column && m.contains(words))
        };
        assert!(has(5, "H", "已谈妥"), "{errors:?}");
        assert!(has(6, "H", "早于"), "{errors:?}");
        assert!(has(7, "E", "不是有效的金额"), "{errors:?}");
        assert!(has(7, "H", "开工"), "{errors:?}");
        assert!(has(8, "B", "缺少项目名称"), "{errors:?}");
        assert_eq!(json["written"], json!(false));
        assert!(rt.block_on(store.leads(None)).unwrap().is_empty());

        let (code, json, err) = run(&["import", "leads", file, "--db", url, "--json"]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(json["created"], json!(4));

        // As of 31 August: three leads signed by then, two landed, one started.
        let (code, f, err) = run(&["funnel", "--db", url, "--as-of", "2025-08-31", "--json"]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(f["as_of"], "2025-08-31");
        let stages: Vec<(String, u64, f64)> = f["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["stage"].as_str().unwrap().to_string(),
                    s["count"].as_u64().unwrap(),
                    s["amount_wan"].as_f64().unwrap(),
                )
            })
            .collect();
        let want = [
            ("策划生成", 3, 615_000.0),
            ("洽谈", 3, 615_000.0),
            ("签约", 2, 580_000.0),
            ("落地", 2, 580_000.0),
            ("开工", 1, 80_000.0),
            ("投产", 0, 0.0),
        ];
        assert_eq!(stages, want.map(|(s, n, a)| (s.to_string(), n, a)).to_vec());
        let unit = |f: &Value, name: &str| {
            f["units"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["unit"] == name)
                .cloned()
                .unwrap()
        };
        let longtian = unit(&f, "龙田镇");
        assert_eq!(
            (
                longtian["signed"].as_u64(),
                longtian["landed"].as_u64(),
                longtian["started"].as_u64()
            ),
            (Some(2), Some(2), Some(1))
        );
        assert_eq!(longtian["fulfilment_rate"].as_f64(), Some(1.0));
        // 江镜镇 signs on 8 September: nothing signed yet, no rate.
        assert_eq!(unit(&f, "江镜镇")["fulfilment_rate"], Value::Null);
        let (_, later, _) = run(&["funnel", "--db", url, "--as-of", "2025-12-31", "--json"]);
        assert_eq!(later["stages"][2]["count"], json!(3));
        assert_eq!(
            unit(&later, "江镜镇")["fulfilment_rate"].as_f64(),
            Some(0.0)
        );

        // The export reads back unchanged; a changed stage updates that lead, recorded.
        let exported = dir.path().join("export.xlsx");
        let (code, _, err) = run(&[
            "export",
            "leads",
            "--db",
            url,
            "--out",
            exported.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{err}");
        let (code, json, err) = run(&[
            "import",
            "leads",
            exported.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(
            (
                json["created"].as_u64(),
                json["updated"].as_u64(),
                json["unchanged"].as_u64()
            ),
            (Some(0), Some(0), Some(4))
        );
        let mut moved = rows;
        moved[1] =
            "2|高端纺织项目|某纺织集团|纺织|#12|9·8投洽会|江镜镇|落地||2025-09-08|2025-11-20||";
        lead_sheet(&good, &moved);
        let (_, json, _) = run(&["import", "leads", file, "--db", url, "--json"]);
        assert_eq!(
            (
                json["created"].as_u64(),
                json["updated"].as_u64(),
                json["unchanged"].as_u64()
            ),
            (Some(0), Some(1), Some(3))
        );
        let leads = rt.block_on(store.leads(None)).unwrap();
        let textile = leads
            .iter()
            .find(|l| l.fields.name == "高端纺织项目")
            .unwrap();
        let events = rt.block_on(store.lead_events(textile.id)).unwrap();
        let last = events.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.from_stage, last.to_stage),
            (
                "stage",
                Some(domain::leads::LeadStage::Signed),
                Some(domain::leads::LeadStage::Landed)
            )
        );
        assert_eq!(last.detail, "landed|-|2025-11-20");

        // A landed lead becomes a ledger project; its start then follows the project.
        let office = store::Actor {
            user_id: None,
            unit: None,
            reviewer: true,
        };
        let solar = leads
            .iter()
            .find(|l| l.fields.name == "年产10GW光伏组件项目")
            .unwrap();
        let unit_only = store::Actor {
            user_id: None,
            unit: solar.fields.unit_id,
            reviewer: false,
        };
        assert!(matches!(
            rt.block_on(store.lead_to_project(
                solar.id,
                solar.version,
                &unit_only,
                day(2025, 9, 1)
            )),
            Err(store::StoreError::Forbidden(_))
        ));
        let cold = leads
            .iter()
            .find(|l| l.fields.name == "冷链物流园")
            .unwrap();
        assert!(matches!(
            rt.block_on(store.lead_to_project(cold.id, cold.version, &office, day(2025, 9, 1))),
            Err(store::StoreError::Rule(_))
        ));
        let project = rt
            .block_on(store.lead_to_project(solar.id, solar.version, &office, day(2025, 9, 1)))
            .unwrap();
        let p = rt.block_on(store.project(project)).unwrap().unwrap();
        assert_eq!(p.fields.name, "年产10GW光伏组件项目");
        assert_eq!(p.fields.unit_id, solar.fields.unit_id);
        assert_eq!(
            p.fields.total_investment,
            Some(domain::Money::from_wan(500_000))
        );
        let mut started = p.fields.clone();
        started.actual_start = Some(day(2025, 10, 15));
        rt.block_on(store.update_project(project, p.version, &started, None, "test"))
            .unwrap();
        let (_, f, _) = run(&["funnel", "--db", url, "--as-of", "2025-10-31", "--json"]);
        assert_eq!(unit(&f, "龙田镇")["started"], json!(2));
        let (_, f, _) = run(&["funnel", "--db", url, "--as-of", "2025-10-14", "--json"]);
        assert_eq!(unit(&f, "龙田镇")["started"], json!(1));
    });
}

fn parcel_sheet(path: &Path, rows: &[&str]) {
    let mut lines = vec![
        "重点项目征迁交地情况表",
        "序号|地块名称|关联项目|所在乡镇|面积（亩）|应签约户数|已签约户数|应迁坟数|已迁坟数|计划交地时间|实际交地时间",
    ];
    lines.extend(rows);
    std::fs::write(path, office::testing::sheet("征迁", &lines)).unwrap();
}

#[test]
fn parcels_imported_and_land_judged_through_the_binary() {
    each_backend(|rt, db| {
        let url = db.url.as_str();
        let dir = tempfile::tempdir().unwrap();
        let store = rt.block_on(db.store());
        for name in ["福清至长乐铁路", "江阴港区物流园"] {
            let fields = domain::ProjectFields {
                name: name.into(),
                ..domain::ProjectFields::default()
            };
            rt.block_on(store.create_project(&fields, None, "test"))
                .unwrap();
        }
        let run = |args: &[&str]| {
            let out = gongjian(args, None);
            let json: Value = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
            (out.status.code(), json, stderr(&out))
        };
        let rows = [
            "1|A-1|福清至长乐铁路|龙田镇|#120.5|#30|#30|#12|#12|2025-06-30|2025-06-20",
            "2|A-2|福清至长乐铁路|龙田镇|80|20户|15|5|3|2025-08-15|",
            "3|B-1|江阴港区物流园|江阴镇|#200.25|10|4|0|0|2025-12-31|",
        ];
        let good = dir.path().join("parcels.xlsx");
        parcel_sheet(&good, &rows);

        let bad = dir.path().join("bad.xlsx");
        parcel_sheet(
            &bad,
            &[
                rows[0],
                "2|A-2|不存在的项目|龙田镇|80|20|15|5|3|2025-08-15|",
                "3|B-1|江阴港区物流园|江阴镇|-3|10|14|0|0|2025-13-31|",
            ],
        );
        let (code, json, _) = run(&[
            "import",
            "parcels",
            bad.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(1), "{json}");
        let messages: Vec<String> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}{}:{}",
                    e["row"],
                    e["column"].as_str().unwrap_or(""),
                    e["message_zh"]
                )
            })
            .collect();
        let joined = messages.join("\n");
        for want in ["5E:", "负数", "5G:", "已签约户数超过", "5J:", "2025-13-31"] {
            assert!(joined.contains(want), "{want} in {joined}");
        }
        // The unknown project is found once the sheet itself reads.
        parcel_sheet(
            &bad,
            &[
                rows[0],
                "2|A-2|不存在的项目|龙田镇|80|20|15|5|3|2025-08-15|",
            ],
        );
        let (code, json, _) = run(&[
            "import",
            "parcels",
            bad.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(1));
        assert!(
            json["errors"][0]["message_zh"]
                .as_str()
                .unwrap()
                .contains("不存在的项目"),
            "{json}"
        );
        assert!(rt.block_on(store.parcels(None)).unwrap().is_empty());

        let (code, json, err) = run(&[
            "import",
            "parcels",
            good.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(json["created"], json!(3));

        // Each case: the day, A-2 delivered / overdue, 龙田镇 delivered 亩, cleared.
        for (as_of, overdue, delivered_mu, cleared) in [
            ("2025-06-19", false, 0.0, true),
            ("2025-08-15", false, 120.5, true),
            ("2025-08-16", true, 120.5, false),
        ] {
            let (code, land, err) = run(&["land", "--db", url, "--as-of", as_of, "--json"]);
            assert_eq!(code, Some(0), "{err}");
            assert_eq!(land["as_of"], as_of);
            let a2 = land["parcels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "A-2")
                .cloned()
                .unwrap();
            assert_eq!(
                (
                    a2["project"].as_str(),
                    a2["town"].as_str(),
                    a2["area_mu"].as_f64()
                ),
                (Some("福清至长乐铁路"), Some("龙田镇"), Some(80.0))
            );
            assert_eq!(
                (a2["delivered"].as_bool(), a2["overdue"].as_bool()),
                (Some(false), Some(overdue)),
                "{as_of}"
            );
            let town = land["towns"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["town"] == "龙田镇")
                .cloned()
                .unwrap();
            assert_eq!(town["parcels"], json!(2));
            assert_eq!(town["area_mu"].as_f64(), Some(200.5));
            assert_eq!(town["delivered_mu"].as_f64(), Some(delivered_mu), "{as_of}");
            assert_eq!(town["cleared"].as_bool(), Some(cleared), "{as_of}");
            assert_eq!(town["overdue"], json!(usize::from(overdue)));
        }

        // A town fills in its own parcels' progress, not their plan, and not another town's.
        let parcels = rt.block_on(store.parcels(None)).unwrap();
        let a2 = parcels.iter().find(|p| p.fields.name == "A-2").unwrap();
        let b1 = parcels.iter().find(|p| p.fields.name == "B-1").unwrap();
        let town = store::Actor {
            user_id: None,
            unit: a2.fields.town_unit_id,
            reviewer: false,
        };
        let mut progress = a2.fields.clone();
        progress.households_signed = 20;
        progress.actual_delivery = Some(day(2025, 8, 20));
        let mut replanned = progress.clone();
        replanned.planned_delivery = Some(day(2025, 9, 30));
        assert!(matches!(
            rt.block_on(store.save_parcel(Some(a2.id), a2.version, &replanned, &town)),
            Err(store::StoreError::Forbidden(_))
        ));
        assert!(matches!(
            rt.block_on(store.save_parcel(Some(b1.id), b1.version, &b1.fields, &town)),
            Err(store::StoreError::Forbidden(_))
        ));
        assert!(matches!(
            rt.block_on(store.save_parcel(None, 0, &progress, &town)),
            Err(store::StoreError::Forbidden(_))
        ));
        rt.block_on(store.save_parcel(Some(a2.id), a2.version, &progress, &town))
            .unwrap();
        assert!(matches!(
            rt.block_on(store.save_parcel(Some(a2.id), a2.version, &progress, &town)),
            Err(store::StoreError::Conflict { .. })
        ));
        let (_, land, _) = run(&["land", "--db", url, "--as-of", "2025-08-20", "--json"]);
        let longtian = land["towns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["town"] == "龙田镇")
            .cloned()
            .unwrap();
        assert_eq!(
            (
                longtian["delivered_mu"].as_f64(),
                longtian["cleared"].as_bool()
            ),
            (Some(200.5), Some(true))
        );

        // The export reads back as it is.
        let exported = dir.path().join("export.xlsx");
        let (code, _, err) = run(&[
            "export",
            "parcels",
            "--db",
            url,
            "--out",
            exported.to_str().unwrap(),
            "--as-of",
            "2025-09-01",
        ]);
        assert_eq!(code, Some(0), "{err}");
        let (code, json, err) = run(&[
            "import",
            "parcels",
            exported.to_str().unwrap(),
            "--db",
            url,
            "--json",
        ]);
        assert_eq!(code, Some(0), "{json} {err}");
        assert_eq!(
            (json["created"].as_u64(), json["unchanged"].as_u64()),
            (Some(0), Some(3)),
            "{json}"
        );
    });
}
