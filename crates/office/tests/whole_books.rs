//! .xls and .ods workbooks, which calamine reads whole when it opens them: a small one reads as
//! any workbook does; one whose sheets would come to millions of cells — a value typed far
//! away, a DIMENSIONS record claiming a huge sheet, repeated rows and columns spelled out — is
//! refused with a clear error by each importer before calamine allocates for it.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers unwrap: a failure is the test failing"
)]

use std::io::{Cursor, Write};

use office::{read_ledger, read_problems, read_reports};

/// One BIFF8 record.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_le_bytes().to_vec();
    out.extend(u16::try_from(data.len()).unwrap().to_le_bytes());
    out.extend(data);
    out
}

fn bof(kind: u16) -> Vec<u8> {
    let mut data = 0x0600u16.to_le_bytes().to_vec();
    data.extend(kind.to_le_bytes());
    data.extend([0u8; 12]);
    record(0x0809, &data)
}

/// A cell of an .xls: text (LABEL, UTF-16) or a number (NUMBER).
enum Value<'a> {
    Text(&'a str),
    Number(f64),
}

/// An .xls with one worksheet holding `cells` (row, column, value) and, when given, a
/// DIMENSIONS record claiming rows `first..last` and columns `first..last`.
fn xls(cells: &[(u16, u16, Value<'_>)], dimensions: Option<(u32, u32, u16, u16)>) -> Vec<u8> {
    let mut sheet = bof(0x0010);
    if let Some((r0, r1, c0, c1)) = dimensions {
        let mut data = r0.to_le_bytes().to_vec();
        data.extend(r1.to_le_bytes());
        data.extend(c0.to_le_bytes());
        data.extend(c1.to_le_bytes());
        data.extend([0u8; 2]);
        sheet.extend(record(0x0200, &data));
    }
    for (row, col, value) in cells {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend(0u16.to_le_bytes());
        match value {
            Value::Number(n) => {
                data.extend(n.to_le_bytes());
                sheet.extend(record(0x0203, &data));
            }
            Value::Text(t) => {
                let units: Vec<u16> = t.encode_utf16().collect();
                data.extend(u16::try_from(units.len()).unwrap().to_le_bytes());
                data.push(1);
                for u in units {
                    data.extend(u.to_le_bytes());
                }
                sheet.extend(record(0x0204, &data));
            }
        }
    }
    sheet.extend(record(0x000A, &[]));
    let name = "Sheet1";
    let boundsheet = |at: u32| {
        let mut data = at.to_le_bytes().to_vec();
        data.extend([0u8, 0u8, u8::try_from(name.len()).unwrap(), 0u8]);
        data.extend(name.as_bytes());
        record(0x0085, &data)
    };
    let globals_len = bof(0x0005).len() + boundsheet(0).len() + record(0x000A, &[]).len();
    let mut stream = bof(0x0005);
    stream.extend(boundsheet(u32::try_from(globals_len).unwrap()));
    stream.extend(record(0x000A, &[]));
    stream.extend(sheet);
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// An .ods whose one table is `rows` of content.xml (`<table:table-row>` elements).
fn ods(rows: &str) -> Vec<u8> {
    ods_package(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    ))
}

/// An .ods package around `content` (its content.xml).
fn ods_package(content: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.finish().unwrap().into_inner()
}

fn text_cell(t: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
    )
}

fn number_cell(n: f64, repeated: Option<u32>) -> String {
    let repeat = repeated
        .map(|r| format!(r#" table:number-columns-repeated="{r}""#))
        .unwrap_or_default();
    format!(
        r#"<table:table-cell{repeat} office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
    )
}

fn row(cells: &[String], repeated: Option<u32>) -> String {
    let repeat = repeated
        .map(|r| format!(r#" table:number-rows-repeated="{r}""#))
        .unwrap_or_default();
    format!(
        "<table:table-row{repeat}>{}</table:table-row>",
        cells.concat()
    )
}

/// The ledger's header and one project, as the cells of an .xls.
fn ledger_cells<'a>() -> Vec<(u16, u16, Value<'a>)> {
    vec![
        (0, 0, Value::Text("项目名称")),
        (0, 1, Value::Text("责任单位")),
        (0, 2, Value::Text("总投资（万元）")),
        (1, 0, Value::Text("龙田物流园")),
        (1, 1, Value::Text("龙田镇")),
        (1, 2, Value::Number(26_900.0)),
    ]
}

/// What each importer says of `bytes`: its errors, all together.
fn said(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(read_ledger(bytes).errors.into_iter().map(|e| e.message_zh));
    out.extend(read_reports(bytes).errors.into_iter().map(|e| e.message_zh));
    out.extend(
        read_problems(bytes)
            .errors
            .into_iter()
            .map(|e| e.message_zh),
    );
    out
}

#[test]
fn a_small_xls_and_ods_read_as_any_workbook() {
    let import = read_ledger(&xls(&ledger_cells(), Some((0, 2, 0, 3))));
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.projects.len(), 1);
    assert_eq!(import.projects[0].fields.name, "龙田物流园");

    let rows = [
        row(
            &[
                text_cell("项目名称"),
                text_cell("责任单位"),
                text_cell("总投资（万元）"),
            ],
            None,
        ),
        row(
            &[
                text_cell("龙田物流园"),
                text_cell("龙田镇"),
                number_cell(26_900.0, None),
            ],
            None,
        ),
        // LibreOffice's own padding: empty rows and columns repeated to the sheet's end.
        row(
            &[r#"<table:table-cell table:number-columns-repeated="16384"/>"#.to_string()],
            Some(1_048_574),
        ),
    ]
    .concat();
    let import = read_ledger(&ods(&rows));
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.projects.len(), 1);
}

#[test]
fn an_xls_that_would_come_to_millions_of_cells_is_refused() {
    let mut far = ledger_cells();
    far.push((65_535, 255, Value::Number(1.0)));
    for (what, bytes) in [
        ("a value in IV65536", xls(&far, None)),
        (
            "DIMENSIONS claiming every row and column",
            xls(&ledger_cells(), Some((0, u32::MAX, 0, 256))),
        ),
    ] {
        let errors = said(&bytes);
        assert_eq!(errors.len(), 3, "{what}: {errors:?}");
        for e in &errors {
            assert!(e.contains("工作簿过大"), "{what}: {e}");
            assert!(e.contains("另存为 .xlsx"), "{what}: {e}");
        }
    }
    assert!(said(&xls(&far, None))[0].contains("IV65536"));
}

#[test]
fn an_ods_that_would_come_to_millions_of_cells_is_refused() {
    let header = row(&[text_cell("项目名称"), text_cell("责任单位")], None);
    let cases = [
        (
            "a value in T1000002",
            format!(
                "{header}{}{}",
                row(&[String::new()], Some(1_000_000)),
                row(
                    &[
                        r#"<table:table-cell table:number-columns-repeated="19"/>"#.to_string(),
                        number_cell(2.0, None)
                    ],
                    None
                )
            ),
        ),
        (
            "a value repeated across every column of many rows",
            format!(
                "{header}{}",
                row(&[number_cell(1.0, Some(16_384))], Some(1_000))
            ),
        ),
    ];
    for (what, rows) in cases {
        let errors = said(&ods(&rows));
        assert_eq!(errors.len(), 3, "{what}: {errors:?}");
        for e in &errors {
            assert!(e.contains("工作簿过大"), "{what}: {e}");
        }
    }
}

/// A mutant of the corpus's .xls whose sector chains loop back on themselves: calamine's own
/// reader followed the loop until an 8 GB allocation failed and the process aborted. The
/// `cfb` crate checks the chains and the file is refused as damaged.
#[test]
fn an_xls_whose_sectors_loop_is_refused_as_damaged() {
    let bytes = include_bytes!("cases/looping_fat.xls");
    let errors = said(bytes);
    assert_eq!(errors.len(), 3, "{errors:?}");
    for e in &errors {
        assert!(e.contains("不是完好的 .xls 文件"), "{e}");
    }
}

/// A mutant whose DIMENSIONS record ends before it starts: calamine's release build reckons
/// the rows in wrapping 32-bit arithmetic and asked for 515 GB (an abort). The measure reckons
/// as calamine does and refuses it.
#[test]
fn an_xls_whose_dimensions_wrap_is_refused() {
    let errors = said(include_bytes!("cases/dimensions_wrap.xls"));
    assert_eq!(errors.len(), 3, "{errors:?}");
    for e in &errors {
        assert!(e.contains("工作簿过大") && e.contains("尺寸记录"), "{e}");
    }
}

/// An .ods whose content.xml is cut off inside its table, or closes an element it did not open:
/// calamine's reader waited for the table's end past the end of the file for ever (found by
/// the mutation harness). It is refused as damaged.
#[test]
fn an_ods_cut_off_is_refused_as_damaged() {
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Sheet1">"#;
    let first = row(&[text_cell("项目名称"), text_cell("存在问题")], None);
    for (what, content) in [
        ("cut off", format!("{head}{first}cument-content>")),
        (
            "an end tag of another name",
            format!(
                "{head}{first}</table:tablX></office:spreadsheet></office:body></office:document-content>"
            ),
        ),
    ] {
        let errors = said(&ods_package(&content));
        assert_eq!(errors.len(), 3, "{what}: {errors:?}");
        for e in &errors {
            assert!(e.contains("不是完好的 .ods 文件"), "{what}: {e}");
        }
    }
}

/// Writes the small .xls and .ods of `a_small_xls_and_ods_read_as_any_workbook` into the
/// mutation corpus (`tests/corpus/`), as they were made: `cargo test -p gongjian-office --test
/// whole_books -- --ignored`.
#[test]
#[ignore = "writes the corpus files once"]
fn write_corpus_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    std::fs::write(
        dir.join("ledger_small.xls"),
        xls(&ledger_cells(), Some((0, 2, 0, 3))),
    )
    .unwrap();
    let rows = [
        row(
            &[
                text_cell("项目名称"),
                text_cell("存在问题"),
                text_cell("本月完成投资"),
            ],
            None,
        ),
        row(
            &[
                text_cell("龙田物流园"),
                text_cell("施工用电未接入"),
                number_cell(100.0, None),
            ],
            None,
        ),
    ]
    .concat();
    std::fs::write(dir.join("mixed_small.ods"), ods(&rows)).unwrap();
}
