//! The three importers fed mutated workbooks: the committed corpus (`tests/corpus/`, real
//! office layouts) with one part of the package changed — bytes flipped, inserted, deleted or
//! repeated inside a sheet's XML, the shared strings, the styles or the package's own index —
//! and packed again, or the file's raw bytes changed. Every run must answer (rows, errors or
//! one error for the file); a panic fails the test, an abort ends it. The ledger is also read
//! streamed, as the import reads it, and must hand on what the whole reading finds.
//!
//! The corpus's .xls is no package: its raw bytes are changed. A run that hangs or takes the
//! memory is as much a failure as a panic (two were found so, both in calamine, see
//! `tests/whole_books.rs`).
//!
//! A few thousand runs are part of every test run; `cargo test -p gongjian-office --release
//! --test mutate -- --ignored` makes a million (the number in BENCHMARKS.md). To find a bad
//! mutant: `MUTATE_RUNS=N` runs N in the quick test, `MUTATE_TRACE=1` names each run and keeps
//! the last mutant in /tmp/mutant.bin, `MUTATE_SLOW=1` names and keeps (/tmp/slow-N.bin) every
//! run over 50 ms, `MUTATE_PANIC=1` keeps the mutant of a panic caught inside an importer in
//! /tmp/panic.bin.

use std::io::{Cursor, Read, Write};

/// A small deterministic generator (xorshift64*): the same runs on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("tests/corpus")
        .filter_map(|e| e.ok())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("corpus file"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "a corpus of workbooks");
    files
}

/// A workbook's parts, in order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    // An .xls is no zip: its bytes are mutated as they are.
    if !bytes.starts_with(b"PK") {
        return Vec::new();
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a corpus file is a zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).expect("part");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("part bytes");
            (f.name().map(|n| n.to_string()).unwrap_or_default(), data)
        })
        .collect()
}

fn pack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        // A mutated name may be refused by the writer: keep the part's old name then.
        if out.start_file(name.as_str(), options).is_err() {
            continue;
        }
        let _ = out.write_all(data);
    }
    out.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// Things offices and tools put into cells and markup, to splice in.
const PIECES: &[&[u8]] = &[
    b"<c r=\"XFD1048576\" t=\"s\"><v>0</v></c>",
    b"<v>99999999999999999999</v>",
    b"<v>-1</v>",
    b"<v>1e308</v>",
    b"<v>NaN</v>",
    b"t=\"s\"",
    b"t=\"inlineStr\"><is><t>\xe5\x90\x88\xe8\xae\xa1</t></is>",
    b"<mergeCell ref=\"A1:XFD1048576\"/>",
    b"<row r=\"0\">",
    b"<row r=\"4294967296\">",
    b"<dimension ref=\"A1:XFD1048576\"/>",
    b"&#0;",
    b"&amp;&lt;",
    b"<![CDATA[",
    b"</",
    b"\xff\xfe",
    b"\xe5\xb9\xb4\xe5\xba\xa6\xe8\xae\xa1\xe5\x88\x92",
    b"2025\xe5\xb9\xb413\xe6\x9c\x8832\xe6\x97\xa5",
];

fn mutate_bytes(data: &mut Vec<u8>, rng: &mut Rng) {
    let len = data.len();
    match rng.below(7) {
        0 if len > 0 => {
            let at = rng.below(len);
            data[at] ^= 1 << rng.below(8);
        }
        1 => {
            let at = rng.below(len + 1);
            let piece = PIECES[rng.below(PIECES.len())];
            data.splice(at..at, piece.iter().copied());
        }
        2 if len > 0 => {
            let at = rng.below(len);
            let n = rng.below((len - at).min(64) + 1);
            data.drain(at..at + n);
        }
        3 if len > 0 => {
            // A stretch repeated, as a row copied many times.
            let at = rng.below(len);
            let n = rng.below((len - at).min(256) + 1);
            let chunk: Vec<u8> = data[at..at + n].to_vec();
            for _ in 0..rng.below(8) + 1 {
                data.splice(at..at, chunk.iter().copied());
            }
        }
        4 if len > 0 => {
            // A digit changed: a number, a row or column reference.
            let digits: Vec<usize> = (0..len).filter(|i| data[*i].is_ascii_digit()).collect();
            if !digits.is_empty() {
                data[digits[rng.below(digits.len())]] = b'0' + rng.below(10) as u8;
            }
        }
        5 => data.truncate(rng.below(len + 1)),
        _ if len > 0 => {
            let at = rng.below(len);
            data[at] = rng.next() as u8;
        }
        _ => {}
    }
}

/// One mutated workbook from `base`.
fn mutant(base: &[u8], base_parts: &[(String, Vec<u8>)], rng: &mut Rng) -> Vec<u8> {
    if rng.below(10) == 0 || base_parts.is_empty() {
        let mut raw = base.to_vec();
        for _ in 0..rng.below(4) + 1 {
            mutate_bytes(&mut raw, rng);
        }
        return raw;
    }
    let mut parts = base_parts.to_vec();
    // Mostly the sheets and shared strings, where the importers read most.
    for _ in 0..rng.below(3) + 1 {
        let weighted: Vec<usize> = (0..parts.len())
            .flat_map(|i| {
                let name = &parts[i].0;
                let weight = if name.contains("worksheets/") || name.contains("sharedStrings") {
                    6
                } else {
                    1
                };
                std::iter::repeat_n(i, weight)
            })
            .collect();
        let i = weighted[rng.below(weighted.len())];
        mutate_bytes(&mut parts[i].1, rng);
    }
    if rng.below(20) == 0 {
        // A part dropped or its name changed.
        let i = rng.below(parts.len());
        if rng.below(2) == 0 {
            parts.remove(i);
        } else {
            parts[i].0.push('x');
        }
    }
    pack(&parts)
}

/// Runs the three importers on `runs` mutants; returns how many answered with rows.
fn run(runs: usize, seed: u64) -> usize {
    let corpus = corpus();
    let unpacked: Vec<Vec<(String, Vec<u8>)>> = corpus.iter().map(|(_, b)| parts(b)).collect();
    let mut rng = Rng(seed | 1);
    let mut with_rows = 0;
    for i in 0..runs {
        let which = rng.below(corpus.len());
        let bytes = mutant(&corpus[which].1, &unpacked[which], &mut rng);
        if std::env::var_os("MUTATE_PANIC").is_some() {
            // A panic caught inside an importer still runs the hook: keep the mutant it met.
            let kept = bytes.clone();
            std::panic::set_hook(Box::new(move |info| {
                eprintln!("{info}");
                let _ = std::fs::write("/tmp/panic.bin", &kept);
            }));
        }
        if std::env::var_os("MUTATE_TRACE").is_some() {
            eprintln!("run {i}: {}", corpus[which].0);
            let _ = std::fs::write("/tmp/mutant.bin", &bytes);
        }
        let started = std::time::Instant::now();
        let (ledger, reports, problems) = (
            office::read_ledger(&bytes),
            office::read_reports(&bytes),
            office::read_problems(&bytes),
        );
        // The import reads streamed (merged cells first): it hands on what the whole reading
        // finds whenever both read the file cleanly.
        let mut streamed = Vec::new();
        let rest = office::stream_ledger(&bytes, 64, &mut |p| streamed.extend(p));
        if ledger.errors.is_empty() && rest.errors.is_empty() {
            assert_eq!(streamed, ledger.projects, "run {i}: {}", corpus[which].0);
        }
        if std::env::var_os("MUTATE_SLOW").is_some() && started.elapsed().as_millis() > 50 {
            eprintln!("run {i}: {} took {:?}", corpus[which].0, started.elapsed());
            let _ = std::fs::write(format!("/tmp/slow-{i}.bin"), &bytes);
        }
        if !ledger.projects.is_empty()
            || !reports.reports.is_empty()
            || !problems.problems.is_empty()
        {
            with_rows += 1;
        }
        if i % 100_000 == 99_999 {
            eprintln!("{} runs, {with_rows} with rows", i + 1);
        }
    }
    with_rows
}

#[test]
fn mutated_workbooks_are_answered_never_a_panic() {
    let env = |name: &str| std::env::var(name).ok().and_then(|n| n.parse().ok());
    let with_rows = run(
        env("MUTATE_RUNS").map_or(1_500, |n: u64| n as usize),
        env("MUTATE_SEED").unwrap_or(20251204),
    );
    // The mutants still reach the rows often: the harness tests the readers, not only unzip.
    assert!(with_rows > 300, "{with_rows} of 1500 mutants gave rows");
}

#[test]
#[ignore = "a million runs: minutes in release mode"]
fn a_million_mutated_workbooks() {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per = 1_000_000usize.div_ceil(threads);
    let handles: Vec<_> = (0..threads)
        .map(|t| std::thread::spawn(move || run(per, 7_919 * (t as u64 + 1))))
        .collect();
    let with_rows: usize = handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .sum();
    eprintln!(
        "{} runs in {threads} threads, {with_rows} with rows",
        per * threads
    );
}

/// Writes the corpus again (`GONGJIAN_WRITE_CORPUS=1 cargo test -p gongjian-office --test mutate
/// -- --ignored write_the_corpus`): layouts as offices send them.
#[test]
#[ignore = "writes tests/corpus"]
fn write_the_corpus() {
    if std::env::var("GONGJIAN_WRITE_CORPUS").is_err() {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    std::fs::create_dir_all(&dir).expect("corpus folder");
    let ledger: &[&str] = &[
        "福清市2025年重点项目台账",
        "单位：万元",
        "序号|项目编号|项目名称|责任单位|投资情况（万元）|||建设内容|计划开工|计划竣工|包联领导",
        "||||总投资|2025年计划投资|1-10月完成投资||||",
        "一、在建项目（3个）",
        "#1|FQ-1|江阴港区7号泊位工程|江阴港城经济区管委会|#120000|30,000|#21000|5万吨级泊位1个|2025年3月|2027.12|林副市长",
        "#2|FQ-2|龙田镇污水处理厂提标改造工程|龙田镇|８０００|#2000.5||提标改造|@2025-04-01|2026年底|",
        "#3|FQ-3|元洪国际食品产业园冷链物流中心|元洪投资区|3.5亿元|#9000|#4500|冷库10万吨|2025年一季度|2026-06|陈常委",
        "二、新开工项目（1个）",
        "#4|FQ-4|海口镇渔港升级改造|海口镇|#5600|#1200||码头改造|2025年5月|2026年12月|",
        "|合计||#128000",
        "注：数据截至2025年10月底",
        "!merge A3:A4 B3:B4 C3:C4 D3:D4 E3:G3 H3:H4 I3:I4 J3:J4 K3:K4",
    ];
    let progress: &[&str] = &[
        "2025年6月重点项目进展情况表",
        "填报单位：龙田镇　单位：万元",
        "项目编号|项目名称|年度计划投资|本月完成投资|1-6月累计完成投资|是否开工|形象进度|存在问题",
        "FQ-1|江阴港区7号泊位工程|#30000|#2500|#15000|是|主体施工|用海审批",
        "FQ-2|龙田镇污水处理厂提标改造工程|#2000.5|０|#800|否||",
        "|合计||#2500|#15800",
        "注：累计含本月",
    ];
    let problems: &[&str] = &[
        "2025年重点项目问题清单",
        "序号|项目名称|存在问题|问题类别|责任单位|配合单位|提出时间|办理时限|办理状态",
        "一、要素保障问题",
        "#1|江阴港区7号泊位工程|用海预审未批复|用地|江阴港城经济区管委会|自然资源局、海洋渔业局|2025-06-03|10个工作日|办理中",
        "#2|龙田镇污水处理厂提标改造工程|电力接入滞后|水电气|龙田镇|供电公司|@2025-07-01|2025年8月31日|待办",
        "二、资金问题",
        "#3|元洪国际食品产业园冷链物流中心|专项债未到位|资金|元洪投资区||2025.7.15|15个工作日|已解决",
    ];
    let files: [(&str, Vec<u8>); 4] = [
        (
            "ledger_office.xlsx",
            office::testing::sheet("在建项目", ledger),
        ),
        (
            "progress_june.xlsx",
            office::testing::sheet("6月进度", progress),
        ),
        (
            "problem_list.xlsx",
            office::testing::sheet("问题清单", problems),
        ),
        (
            "two_sheets.xlsx",
            office::testing::workbook(&[("在建", ledger), ("问题", problems)]),
        ),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("corpus file");
    }
}
