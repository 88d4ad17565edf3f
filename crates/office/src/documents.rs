//! The documents a 发改局 forwards upward, written from the figures the system already has, in
//! the register of its own documents and editable in Word and WPS: the ten-day or monthly
//! analysis (旬分析/月度分析), the ranking bulletin (亮晒通报), the weekly bulletin (一周一通报)
//! and a project's progress report (进展专报).
//!
//! Each is composed here from plain facts into a [`Document`] — a title block and numbered
//! parts of paragraphs and tables — and written as .docx by [`write_document`]; the same
//! document's text ([`Document::text`]) is what tests read the numbers back from.

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, Shading, Table, TableCell, TableRow, WidthType,
};

use crate::docx::{FONT, TITLE_FONT, cell, chinese_date, fonts, header_cell, heading, text};

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// Headers, rows, and the column whose 红灯/黄灯/绿灯 cells are coloured.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        light_column: Option<usize>,
    },
}

/// A document as a 发改局 writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The campaign or office above the title.
    pub heading: String,
    pub title: String,
    /// 文号 placeholder line, e.g. "福发改〔2025〕  号"; empty for none.
    pub number: String,
    /// Date line under the title.
    pub dateline: String,
    pub blocks: Vec<Block>,
}

impl Document {
    /// Every paragraph's and cell's text, one per line, in order.
    pub fn text(&self) -> String {
        let mut out = vec![self.heading.clone(), self.title.clone()];
        if !self.number.is_empty() {
            out.push(self.number.clone());
        }
        out.push(self.dateline.clone());
        for b in &self.blocks {
            match b {
                Block::Heading(t) | Block::Paragraph(t) => out.push(t.clone()),
                Block::Table { headers, rows, .. } => {
                    out.push(headers.join("\t"));
                    out.extend(rows.iter().map(|r| r.join("\t")));
                }
            }
        }
        out.join("\n")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("无法生成文档 / cannot write the document: {0}")]
pub struct DocumentError(String);

fn light_fill(t: &str) -> Option<&'static str> {
    match t {
        "红灯" => Some("F4B6B0"),
        "黄灯" => Some("FFE699"),
        "绿灯" => Some("C6E0B4"),
        _ => None,
    }
}

fn doc_table(headers: &[String], rows: &[Vec<String>], light_column: Option<usize>) -> Table {
    // A4 portrait's text width is about 9000 twentieths of a point: a number column narrow, an
    // amount wide enough for 9 digits, the name (the second column) what is left.
    let n = headers.len().max(1);
    let width_of = |i: usize, h: &str| -> Option<usize> {
        match h {
            _ if n == 2 => Some(if i == 0 { 2200 } else { 6800 }),
            "排名" | "序号" => Some(600),
            _ if h.contains("万元") => Some(1250),
            _ if i == 1 && n > 2 => None,
            _ => Some(if n > 5 { 850 } else { 9000 / n }),
        }
    };
    let fixed: usize = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| width_of(i, h))
        .sum();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| width_of(i, h).unwrap_or_else(|| 9000usize.saturating_sub(fixed).max(1600)))
        .collect();
    let mut all = vec![TableRow::new(
        headers.iter().map(|h| header_cell(h)).collect(),
    )];
    all.extend(rows.iter().map(|r| {
        TableRow::new(
            r.iter()
                .enumerate()
                .map(
                    |(i, t)| match light_column.filter(|c| *c == i).and(light_fill(t)) {
                        Some(fill) => cell(t).shading(Shading::new().fill(fill)),
                        None => cell(t),
                    },
                )
                .collect::<Vec<TableCell>>(),
        )
    }));
    Table::new(all)
        .set_grid(widths.clone())
        .width(widths.iter().sum(), WidthType::Dxa)
}

/// The document as .docx bytes.
pub fn write_document(d: &Document) -> Result<Vec<u8>, DocumentError> {
    let centred = |t: &str, font: &str, size: usize, bold: bool| {
        let mut run = Run::new().add_text(t).fonts(fonts(font)).size(size);
        if bold {
            run = run.bold();
        }
        Paragraph::new().align(AlignmentType::Center).add_run(run)
    };
    let mut doc = Docx::new()
        .default_fonts(fonts(FONT))
        .add_paragraph(centred(&d.heading, FONT, 28, false))
        .add_paragraph(centred(&d.title, TITLE_FONT, 40, true));
    if !d.number.is_empty() {
        doc = doc.add_paragraph(centred(&d.number, FONT, 28, false));
    }
    doc = doc.add_paragraph(centred(&d.dateline, FONT, 24, false));
    for b in &d.blocks {
        doc = match b {
            Block::Heading(t) => doc.add_paragraph(heading(t)),
            Block::Paragraph(t) => doc.add_paragraph(text(t)),
            Block::Table {
                headers,
                rows,
                light_column,
            } => doc.add_table(doc_table(headers, rows, *light_column)),
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| DocumentError(e.to_string()))?;
    Ok(out.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Figures as the documents write them

/// 亿元 with two places from fen, rounded half up.
pub fn yi(fen: i64) -> String {
    let hundredths = (i128::from(fen) * 2 + 100_000_000 * i128::from(fen.signum())) / 200_000_000;
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.abs();
    format!("{sign}{}.{:02}", h / 100, h % 100)
}

/// 万元 with two places from fen.
pub fn wan(fen: i64) -> String {
    let hundredths = (i128::from(fen) * 2 + 10_000 * i128::from(fen.signum())) / 20_000;
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.abs();
    format!("{sign}{}.{:02}", h / 100, h % 100)
}

/// A share (0–1) as a percentage with one place: "48.3".
pub fn pct(share: f64) -> String {
    format!("{:.1}", share * 100.0)
}

/// A group's figures: a unit, a region, an industry, a stage, or the whole campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub name: String,
    pub projects: usize,
    pub plan_fen: i64,
    pub done_fen: i64,
    /// Σ year to date / Σ plan.
    pub rate: Option<f64>,
    /// The group's 序时进度.
    pub expected: Option<f64>,
    /// 红灯 / 黄灯 / 绿灯.
    pub light: Option<String>,
    /// Its place in the ranking, for a ranked group (equal scores share a place).
    pub rank: Option<usize>,
}

impl Figures {
    /// "快2.1个百分点" / "慢3.4个百分点" / "持平" against its 序时进度.
    pub fn against_schedule(&self) -> Option<String> {
        let (rate, expected) = (self.rate?, self.expected?);
        let pp = (rate - expected) * 100.0;
        Some(if pp.abs() < 0.05 {
            "与序时进度持平".into()
        } else if pp > 0.0 {
            format!("快于序时进度{:.1}个百分点", pp)
        } else {
            format!("慢于序时进度{:.1}个百分点", -pp)
        })
    }

    fn row(&self, ranked: bool) -> Vec<String> {
        let mut r = vec![];
        if ranked {
            r.push(self.rank.map_or_else(|| "—".into(), |n| n.to_string()));
        }
        r.extend([
            self.name.clone(),
            self.projects.to_string(),
            wan(self.plan_fen),
            wan(self.done_fen),
            self.rate.map(pct).unwrap_or_else(|| "—".into()),
            self.expected.map(pct).unwrap_or_else(|| "—".into()),
            self.light.clone().unwrap_or_else(|| "—".into()),
        ]);
        r
    }
}

fn figure_table(first: &str, groups: &[Figures]) -> Block {
    let ranked = groups.iter().any(|g| g.rank.is_some());
    let mut headers = vec![];
    if ranked {
        headers.push("排名".to_string());
    }
    headers.extend(
        [
            first,
            "项目数",
            "年度计划（万元）",
            "累计完成（万元）",
            "完成率（%）",
            "序时进度（%）",
            "亮灯",
        ]
        .map(String::from),
    );
    let light_column = Some(headers.len() - 1);
    Block::Table {
        headers,
        rows: groups.iter().map(|g| g.row(ranked)).collect(),
        light_column,
    }
}

/// A table whose first column, 序号, numbers the rows; `headers` name the other columns.
fn numbered(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    light_column: Option<usize>,
) -> Block {
    Block::Table {
        headers: std::iter::once("序号")
            .chain(headers.iter().copied())
            .map(String::from)
            .collect(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r.insert(0, (i + 1).to_string());
                r
            })
            .collect(),
        light_column,
    }
}

/// A project with a light that is not green, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LitProject {
    pub name: String,
    pub unit: String,
    pub why: String,
}

/// An approval node past its planned finish.
#[derive(Debug, Clone, PartialEq)]
pub struct LateNode {
    pub project: String,
    pub node: String,
    pub department: String,
    pub planned_finish: NaiveDate,
}

/// Problems in a span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProblemCounts {
    pub raised: usize,
    pub solved: usize,
    pub escalated: usize,
    /// Open on the last day.
    pub open: usize,
}

/// What the analysis is written from.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisFacts {
    pub heading: String,
    /// "2025年6月下旬" or "2025年6月".
    pub period_label: String,
    /// "旬" or "月度".
    pub kind: String,
    pub as_of: NaiveDate,
    pub city: Figures,
    /// The campaign's time passed (months / 12).
    pub time_share: f64,
    pub double_half: Option<bool>,
    pub strong_start: Option<bool>,
    pub red: Vec<LitProject>,
    pub yellow: Vec<LitProject>,
    pub green: usize,
    /// Not yet in their investment period.
    pub pending: usize,
    pub units: Vec<Figures>,
    pub regions: Vec<Figures>,
    pub industries: Vec<Figures>,
    pub stages: Vec<Figures>,
    pub started: Vec<String>,
    pub completed: Vec<String>,
    pub problems: ProblemCounts,
    pub late_nodes: Vec<LateNode>,
    /// The provisional-calendar note, when working days rest on a year not yet published.
    pub note: Option<String>,
}

/// Names as a sentence lists them: "甲、乙、丙等5个".
fn listed(names: &[String], most: usize) -> String {
    let shown: Vec<&str> = names.iter().take(most).map(String::as_str).collect();
    if names.len() > most {
        format!("{}等{}个", shown.join("、"), names.len())
    } else {
        shown.join("、")
    }
}

/// The ten-day or monthly analysis (旬分析/月度分析).
pub fn analysis(f: &AnalysisFacts) -> Document {
    let mut b = vec![];
    let c = &f.city;
    b.push(Block::Heading("一、总体情况".into()));
    let mut overall = format!(
        "截至{}，全市纳入攻坚行动的重点项目{}个，年度计划投资{}亿元，累计完成投资{}亿元",
        chinese_date(f.as_of),
        c.projects,
        yi(c.plan_fen),
        yi(c.done_fen)
    );
    if let Some(rate) = c.rate {
        overall.push_str(&format!("，完成年度计划的{}%", pct(rate)));
    }
    if let Some(expected) = c.expected {
        overall.push_str(&format!("，序时进度{}%", pct(expected)));
    }
    if let Some(against) = c.against_schedule() {
        overall.push_str(&format!("，{against}"));
    }
    overall.push('。');
    b.push(Block::Paragraph(overall));
    let mut lights = format!(
        "亮灯情况：红灯项目{}个、黄灯项目{}个、绿灯项目{}个",
        f.red.len(),
        f.yellow.len(),
        f.green
    );
    if f.pending > 0 {
        lights.push_str(&format!("，未到投资考核期{}个", f.pending));
    }
    lights.push('。');
    b.push(Block::Paragraph(lights));
    if let Some(dh) = f.double_half {
        b.push(Block::Paragraph(if dh {
            "时间过半、投资过半，实现“双过半”目标。".into()
        } else {
            format!(
                "时间已过半（{}%），投资尚未过半，“双过半”目标未实现。",
                pct(f.time_share)
            )
        }));
    }
    if let Some(ss) = f.strong_start {
        b.push(Block::Paragraph(if ss {
            "一季度完成年度计划的四分之一以上，实现“开门红”。".into()
        } else {
            "一季度完成投资未达年度计划的四分之一，“开门红”目标未实现。".into()
        }));
    }

    b.push(Block::Heading("二、各单位推进情况".into()));
    let rated: Vec<&Figures> = f.units.iter().filter(|u| u.rate.is_some()).collect();
    if rated.is_empty() {
        b.push(Block::Paragraph("各单位尚无可考核的投资数据。".into()));
    } else {
        let top: Vec<String> = rated
            .iter()
            .take(3)
            .map(|u| {
                format!(
                    "{}（完成率{}%）",
                    u.name,
                    u.rate.map(pct).unwrap_or_default()
                )
            })
            .collect();
        let behind: Vec<String> = rated
            .iter()
            .filter(|u| matches!((u.rate, u.expected), (Some(r), Some(e)) if r < e))
            .map(|u| u.name.clone())
            .collect();
        let mut t = format!("综合排名居前的单位：{}。", top.join("、"));
        if behind.is_empty() {
            t.push_str("各单位均达到序时进度。");
        } else {
            t.push_str(&format!(
                "低于序时进度的单位{}个：{}。",
                behind.len(),
                listed(&behind, 10)
            ));
        }
        b.push(Block::Paragraph(t));
        b.push(figure_table("单位", &f.units));
    }
    for (title, first, groups) in [
        ("（一）分区域", "区域", &f.regions),
        ("（二）分产业", "产业", &f.industries),
        ("（三）分建设阶段", "建设阶段", &f.stages),
    ] {
        if !groups.is_empty() {
            b.push(Block::Paragraph(title.into()));
            b.push(figure_table(first, groups));
        }
    }

    b.push(Block::Heading("三、红黄灯项目".into()));
    if f.red.is_empty() && f.yellow.is_empty() {
        b.push(Block::Paragraph("本期无红灯、黄灯项目。".into()));
    } else {
        let rows = f
            .red
            .iter()
            .map(|p| ("红灯", p))
            .chain(f.yellow.iter().map(|p| ("黄灯", p)))
            .map(|(l, p)| vec![p.name.clone(), p.unit.clone(), l.to_string(), p.why.clone()]);
        b.push(numbered(
            &["项目名称", "责任单位", "亮灯", "原因"],
            rows,
            Some(3),
        ));
    }

    b.push(Block::Heading("四、开工竣工情况".into()));
    b.push(Block::Paragraph(format!(
        "本期新开工项目{}个{}；新竣工项目{}个{}。",
        f.started.len(),
        if f.started.is_empty() {
            String::new()
        } else {
            format!("（{}）", listed(&f.started, 10))
        },
        f.completed.len(),
        if f.completed.is_empty() {
            String::new()
        } else {
            format!("（{}）", listed(&f.completed, 10))
        }
    )));

    b.push(Block::Heading("五、问题协调情况".into()));
    let p = f.problems;
    b.push(Block::Paragraph(format!(
        "本期新增问题{}个，解决{}个，升级协调{}个；截至目前尚未解决问题{}个。",
        p.raised, p.solved, p.escalated, p.open
    )));

    b.push(Block::Heading("六、审批要件办理情况".into()));
    if f.late_nodes.is_empty() {
        b.push(Block::Paragraph("无逾期未办结的审批节点。".into()));
    } else {
        b.push(Block::Paragraph(format!(
            "逾期未办结审批节点{}个，请相关部门加快办理。",
            f.late_nodes.len()
        )));
        b.push(numbered(
            &["项目名称", "审批节点", "办理部门", "计划完成"],
            f.late_nodes.iter().map(|n| {
                vec![
                    n.project.clone(),
                    n.node.clone(),
                    n.department.clone(),
                    n.planned_finish.to_string(),
                ]
            }),
            None,
        ));
    }
    if let Some(note) = &f.note {
        b.push(Block::Paragraph(format!("注：{note}")));
    }
    Document {
        heading: f.heading.clone(),
        title: format!("{}重点项目推进情况{}分析", f.period_label, f.kind),
        number: String::new(),
        dateline: format!("（数据截至{}）", chinese_date(f.as_of)),
        blocks: b,
    }
}

/// The analysis's companion workbook: its tables as sheets (units ranked, regions,
/// industries, stages, the red and yellow projects) with native charts — 完成率 against 序时进度
/// by unit, the lights — which Excel and WPS draw with the reader's own fonts, so the Chinese
/// labels render as they do in the tables.
pub fn write_analysis_workbook(f: &AnalysisFacts) -> Result<Vec<u8>, crate::ExportError> {
    use rust_xlsxwriter::{Chart, ChartType, Color, Format, FormatAlign, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let text = Format::new().set_border(FormatBorder::Thin);
    let amount = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    let share = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0");
    let whole = Format::new().set_border(FormatBorder::Thin);
    let doc_title = format!("{}重点项目推进情况{}分析", f.period_label, f.kind);
    let heads = [
        "排名",
        "名称",
        "项目数",
        "年度计划（万元）",
        "累计完成（万元）",
        "完成率（%）",
        "序时进度（%）",
        "亮灯",
    ];
    // (sheet, groups): each a table from row 3, its title above.
    let groups: [(&str, &[Figures]); 4] = [
        ("分单位", &f.units),
        ("分区域", &f.regions),
        ("分产业", &f.industries),
        ("分阶段", &f.stages),
    ];
    for (name, list) in groups {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        sheet.merge_range(0, 0, 0, 7, &format!("{doc_title}（{name}）"), &title)?;
        sheet.write_string(1, 0, format!("数据截至{}", chinese_date(f.as_of)))?;
        for (c, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &header)?;
            sheet.set_column_width(c as u16, if c == 1 { 30 } else { 13 })?;
        }
        for (i, g) in list.iter().enumerate() {
            let r = 3 + i as u32;
            match g.rank {
                Some(n) => sheet.write_number_with_format(r, 0, n as f64, &whole)?,
                None => sheet.write_number_with_format(r, 0, (i + 1) as f64, &whole)?,
            };
            sheet.write_string_with_format(r, 1, &g.name, &text)?;
            sheet.write_number_with_format(r, 2, g.projects as f64, &whole)?;
            sheet.write_number_with_format(r, 3, g.plan_fen as f64 / 1_000_000.0, &amount)?;
            sheet.write_number_with_format(r, 4, g.done_fen as f64 / 1_000_000.0, &amount)?;
            for (c, v) in [(5u16, g.rate), (6, g.expected)] {
                match v {
                    Some(x) => {
                        sheet.write_number_with_format(r, c, (x * 1000.0).round() / 10.0, &share)?
                    }
                    None => sheet.write_string_with_format(r, c, "—", &text)?,
                };
            }
            let light = g.light.clone().unwrap_or_else(|| "—".into());
            match light_fill(&light) {
                Some(fill) => sheet.write_string_with_format(
                    r,
                    7,
                    &light,
                    &text.clone().set_background_color(Color::RGB(
                        u32::from_str_radix(fill, 16).unwrap_or(0xFFFFFF),
                    )),
                )?,
                None => sheet.write_string_with_format(r, 7, &light, &text)?,
            };
        }
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        if list.is_empty() {
            continue;
        }
        let last = 2 + list.len() as u32;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(&format!("{name}完成率与序时进度（%）"));
        chart
            .add_series()
            .set_name("完成率")
            .set_categories((name, 3, 1, last, 1))
            .set_values((name, 3, 5, last, 5));
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_name("序时进度")
            .set_categories((name, 3, 1, last, 1))
            .set_values((name, 3, 6, last, 6));
        chart.combine(&line);
        chart.set_width(900).set_height(420);
        sheet.insert_chart(last + 2, 1, &chart)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("亮灯")?;
    sheet.merge_range(0, 0, 0, 4, &format!("{doc_title}（亮灯）"), &title)?;
    for (c, h) in ["亮灯", "项目数"].iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &header)?;
    }
    let counts = [
        ("红灯", f.red.len()),
        ("黄灯", f.yellow.len()),
        ("绿灯", f.green),
        ("未到考核期", f.pending),
    ];
    for (i, (l, n)) in counts.iter().enumerate() {
        sheet.write_string_with_format(3 + i as u32, 0, *l, &text)?;
        sheet.write_number_with_format(3 + i as u32, 1, *n as f64, &whole)?;
    }
    let mut bars = Chart::new(ChartType::Column);
    bars.title().set_name("项目亮灯情况");
    bars.add_series()
        .set_name("项目数")
        .set_categories(("亮灯", 3, 0, 6, 0))
        .set_values(("亮灯", 3, 1, 6, 1));
    sheet.insert_chart(8, 0, &bars)?;
    let lit = book.add_worksheet();
    lit.set_name("红黄灯项目")?;
    for (c, h) in ["序号", "项目名称", "责任单位", "亮灯", "原因"]
        .iter()
        .enumerate()
    {
        lit.write_string_with_format(0, c as u16, *h, &header)?;
        lit.set_column_width(c as u16, [6, 36, 24, 8, 48][c])?;
    }
    for (i, (l, p)) in f
        .red
        .iter()
        .map(|p| ("红灯", p))
        .chain(f.yellow.iter().map(|p| ("黄灯", p)))
        .enumerate()
    {
        let r = 1 + i as u32;
        lit.write_number_with_format(r, 0, (i + 1) as f64, &whole)?;
        lit.write_string_with_format(r, 1, &p.name, &text)?;
        lit.write_string_with_format(r, 2, &p.unit, &text)?;
        lit.write_string_with_format(r, 3, l, &text)?;
        lit.write_string_with_format(r, 4, &p.why, &text)?;
    }
    lit.set_landscape();
    lit.set_print_fit_to_pages(1, 0);
    Ok(book.save_to_buffer()?)
}

/// A unit's line of a published ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedUnit {
    pub rank: usize,
    pub figures: Figures,
    pub score: f64,
    /// Places up since last month's ranking (negative: down); `None` when it was not ranked.
    pub change: Option<i64>,
}

/// What the ranking bulletin is written from.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingFacts {
    pub heading: String,
    pub office: String,
    /// "2025年9月".
    pub period_label: String,
    /// The bulletin's date.
    pub dated: NaiveDate,
    /// When the ranking it reports was published.
    pub published_on: NaiveDate,
    pub revision: i64,
    pub units: Vec<RankedUnit>,
    /// The audit chain's head when it was published.
    pub chain_head: Option<String>,
}

/// The ranking bulletin (亮晒通报).
pub fn ranking_bulletin(f: &RankingFacts) -> Document {
    let mut b = vec![];
    let names = |it: &mut dyn Iterator<Item = &RankedUnit>| -> Vec<String> {
        it.map(|u| u.figures.name.clone()).collect()
    };
    let top = names(&mut f.units.iter().take(3));
    let bottom = names(
        &mut f
            .units
            .iter()
            .rev()
            .take(3)
            .collect::<Vec<_>>()
            .into_iter()
            .rev(),
    );
    let mut summary = format!(
        "根据各单位报送并经审核的项目进度，现将{}重点项目攻坚亮晒排名通报如下。共{}个单位参加排名",
        f.period_label,
        f.units.len()
    );
    if !top.is_empty() {
        summary.push_str(&format!("，{}位列前三", top.join("、")));
    }
    if f.units.len() > 3 {
        summary.push_str(&format!("，{}排名靠后", bottom.join("、")));
    }
    summary.push('。');
    b.push(Block::Paragraph(summary));
    let up: Vec<String> = f
        .units
        .iter()
        .filter(|u| u.change.is_some_and(|c| c > 0))
        .map(|u| format!("{}（上升{}位）", u.figures.name, u.change.unwrap_or(0)))
        .collect();
    let down: Vec<String> = f
        .units
        .iter()
        .filter(|u| u.change.is_some_and(|c| c < 0))
        .map(|u| format!("{}（下降{}位）", u.figures.name, -u.change.unwrap_or(0)))
        .collect();
    if f.units.iter().all(|u| u.change.is_none()) {
        b.push(Block::Paragraph(
            "上月未发布排名，本期不作排名变化比较。".into(),
        ));
    } else if up.is_empty() && down.is_empty() {
        b.push(Block::Paragraph("与上月相比，各单位排名未变化。".into()));
    } else {
        let mut t = "与上月相比，".to_string();
        if !up.is_empty() {
            t.push_str(&format!("排名上升的有{}", up.join("、")));
        }
        if !down.is_empty() {
            if !up.is_empty() {
                t.push('；');
            }
            t.push_str(&format!("排名下降的有{}", down.join("、")));
        }
        t.push('。');
        b.push(Block::Paragraph(t));
    }
    b.push(Block::Paragraph(
        "请排名靠后、亮红灯的单位认真分析原因，制定赶超措施，加快项目推进。".into(),
    ));
    b.push(Block::Table {
        headers: [
            "排名",
            "单位",
            "项目数",
            "年度计划（万元）",
            "累计完成（万元）",
            "完成率（%）",
            "序时进度（%）",
            "亮灯",
            "得分",
            "较上月",
        ]
        .map(String::from)
        .to_vec(),
        rows: f
            .units
            .iter()
            .map(|u| {
                let mut r = u.figures.row(false);
                r.insert(0, u.rank.to_string());
                r.push(format!("{:.2}", u.score));
                r.push(match u.change {
                    Some(c) if c > 0 => format!("↑{c}"),
                    Some(c) if c < 0 => format!("↓{}", -c),
                    Some(_) => "—".into(),
                    None => "新".into(),
                });
                r
            })
            .collect(),
        light_column: Some(7),
    });
    if let Some(head) = &f.chain_head {
        b.push(Block::Paragraph(format!(
            "本通报数据以{}发布的第{}版排名为准，发布时审计链校验值：{head}。",
            chinese_date(f.published_on),
            f.revision
        )));
    }
    Document {
        heading: f.heading.clone(),
        title: format!("关于{}重点项目攻坚亮晒排名情况的通报", f.period_label),
        number: format!("{}〔{}〕  号", f.office, chrono::Datelike::year(&f.dated)),
        dateline: chinese_date(f.dated),
        blocks: b,
    }
}

/// A problem line of a bulletin.
#[derive(Debug, Clone, PartialEq)]
pub struct BulletinProblem {
    pub project: String,
    pub title: String,
    pub unit: String,
    /// "已解决", "升级至周例会"…
    pub what: String,
}

/// A meeting decision due.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDecision {
    pub text: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub overdue: bool,
}

/// A unit with reports missing.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingReports {
    pub unit: String,
    pub missing: usize,
    pub due: usize,
}

/// What the weekly bulletin is written from.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekFacts {
    pub heading: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub raised: Vec<BulletinProblem>,
    pub closed: Vec<BulletinProblem>,
    pub escalated: Vec<BulletinProblem>,
    pub decisions: Vec<DueDecision>,
    /// "2025年9月".
    pub period_label: String,
    pub missing: Vec<MissingReports>,
}

fn problem_table(rows: &[BulletinProblem]) -> Block {
    numbered(
        &["项目名称", "存在问题", "责任单位", "情况"],
        rows.iter().map(|p| {
            vec![
                p.project.clone(),
                p.title.clone(),
                p.unit.clone(),
                p.what.clone(),
            ]
        }),
        None,
    )
}

/// The weekly bulletin (一周一通报).
pub fn weekly_bulletin(f: &WeekFacts) -> Document {
    let mut b = vec![Block::Paragraph(format!(
        "{}至{}，新增问题{}个，解决销号{}个，升级协调{}个；到期及逾期议定事项{}项；{}进度尚有{}个单位未报齐。",
        chinese_date(f.from),
        chinese_date(f.to),
        f.raised.len(),
        f.closed.len(),
        f.escalated.len(),
        f.decisions.len(),
        f.period_label,
        f.missing.len()
    ))];
    for (title, rows, none) in [
        ("一、本周新增问题", &f.raised, "本周无新增问题。"),
        ("二、本周解决销号问题", &f.closed, "本周无解决销号的问题。"),
        ("三、本周升级问题", &f.escalated, "本周无升级的问题。"),
    ] {
        b.push(Block::Heading(format!("{title}（{}个）", rows.len())));
        b.push(if rows.is_empty() {
            Block::Paragraph(none.into())
        } else {
            problem_table(rows)
        });
    }
    b.push(Block::Heading(format!(
        "四、到期及逾期议定事项（{}项）",
        f.decisions.len()
    )));
    b.push(if f.decisions.is_empty() {
        Block::Paragraph("无到期的议定事项。".into())
    } else {
        numbered(
            &["议定事项", "责任单位", "完成时限", "状态"],
            f.decisions.iter().map(|d| {
                vec![
                    d.text.clone(),
                    d.unit.clone(),
                    d.deadline.to_string(),
                    if d.overdue { "逾期" } else { "本周到期" }.to_string(),
                ]
            }),
            None,
        )
    });
    b.push(Block::Heading(format!(
        "五、{}进度未报齐单位（{}个）",
        f.period_label,
        f.missing.len()
    )));
    b.push(if f.missing.is_empty() {
        Block::Paragraph("各单位均已报齐。".into())
    } else {
        numbered(
            &["单位", "应报项目", "未提交项目"],
            f.missing
                .iter()
                .map(|m| vec![m.unit.clone(), m.due.to_string(), m.missing.to_string()]),
            None,
        )
    });
    Document {
        heading: f.heading.clone(),
        title: "重点项目攻坚一周通报".into(),
        number: String::new(),
        dateline: format!("（{}—{}）", chinese_date(f.from), chinese_date(f.to)),
        blocks: b,
    }
}

/// What a project's progress report is written from (its 5专 dossier).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFacts {
    pub heading: String,
    pub as_of: NaiveDate,
    pub name: String,
    /// (label, value) of the ledger's fields: 责任单位, 总投资, 建设内容…
    pub basics: Vec<(String, String)>,
    pub plan_fen: Option<i64>,
    pub done_fen: i64,
    pub rate: Option<f64>,
    pub expected: Option<f64>,
    pub light: Option<String>,
    pub why: String,
    /// (period, amount in fen, progress text) of its latest reports, newest first.
    pub reports: Vec<(String, i64, String)>,
    /// 工作专班: (role, name, unit).
    pub team: Vec<(String, String, String)>,
    /// Open problems: (title, unit, level, deadline).
    pub problems: Vec<(String, String, String, String)>,
    /// Approval nodes not finished: (node, department, planned finish, state).
    pub approvals: Vec<(String, String, String, String)>,
    /// Meetings on it: (date, kind, decision).
    pub meetings: Vec<(String, String, String)>,
}

/// A project's progress report (进展专报).
pub fn project_report(f: &ProjectFacts) -> Document {
    let mut b = vec![Block::Heading("一、项目基本情况".into())];
    b.push(Block::Table {
        headers: vec!["项目".into(), "内容".into()],
        rows: f
            .basics
            .iter()
            .map(|(k, v)| vec![k.clone(), v.clone()])
            .collect(),
        light_column: None,
    });
    b.push(Block::Heading("二、投资完成情况".into()));
    let mut t = match f.plan_fen {
        Some(plan) => format!(
            "年度计划投资{}万元，截至{}累计完成{}万元",
            wan(plan),
            chinese_date(f.as_of),
            wan(f.done_fen)
        ),
        None => format!(
            "未列年度计划投资，截至{}累计完成{}万元",
            chinese_date(f.as_of),
            wan(f.done_fen)
        ),
    };
    if let Some(rate) = f.rate {
        t.push_str(&format!("，完成率{}%", pct(rate)));
    }
    if let Some(expected) = f.expected {
        t.push_str(&format!("，序时进度{}%", pct(expected)));
    }
    if let Some(light) = &f.light {
        t.push_str(&format!("，亮{light}"));
    }
    if !f.why.is_empty() {
        t.push_str(&format!("（{}）", f.why));
    }
    t.push('。');
    b.push(Block::Paragraph(t));
    if !f.reports.is_empty() {
        b.push(Block::Table {
            headers: ["填报期", "当期完成（万元）", "形象进度"]
                .map(String::from)
                .to_vec(),
            rows: f
                .reports
                .iter()
                .map(|(p, amount, progress)| vec![p.clone(), wan(*amount), progress.clone()])
                .collect(),
            light_column: None,
        });
    }
    let list = |title: &str, headers: &[&str], rows: Vec<Vec<String>>, none: &str| {
        let mut out = vec![Block::Heading(title.into())];
        out.push(if rows.is_empty() {
            Block::Paragraph(none.into())
        } else {
            Block::Table {
                headers: headers.iter().map(|h| h.to_string()).collect(),
                rows,
                light_column: None,
            }
        });
        out
    };
    b.extend(list(
        "三、工作专班",
        &["职责", "姓名", "单位"],
        f.team
            .iter()
            .map(|(a, c, d)| vec![a.clone(), c.clone(), d.clone()])
            .collect(),
        "尚未组建工作专班。",
    ));
    b.extend(list(
        "四、存在问题",
        &["问题", "责任单位", "层级", "办理时限"],
        f.problems
            .iter()
            .map(|(a, c, d, e)| vec![a.clone(), c.clone(), d.clone(), e.clone()])
            .collect(),
        "暂无未解决的问题。",
    ));
    b.extend(list(
        "五、审批要件",
        &["审批节点", "办理部门", "计划完成", "状态"],
        f.approvals
            .iter()
            .map(|(a, c, d, e)| vec![a.clone(), c.clone(), d.clone(), e.clone()])
            .collect(),
        "审批节点均已办结或未编制审批计划。",
    ));
    b.extend(list(
        "六、专题研究",
        &["日期", "会议", "议定事项"],
        f.meetings
            .iter()
            .map(|(a, c, d)| vec![a.clone(), c.clone(), d.clone()])
            .collect(),
        "暂无专题研究。",
    ));
    Document {
        heading: f.heading.clone(),
        title: format!("{}进展专报", f.name),
        number: String::new(),
        dateline: format!("（截至{}）", chinese_date(f.as_of)),
        blocks: b,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn amounts_are_rounded_half_up() {
        let cases = [
            (0, "0.00"),
            (1_234_500_000_000, "123.45"),
            (1_234_550_000_000, "123.46"),
            (1_234_549_999_999, "123.45"),
            (-50_000_000, "-0.01"),
        ];
        for (fen, expect) in cases {
            assert_eq!(yi(fen), expect, "{fen}");
        }
        assert_eq!(wan(123_456_789), "123.46");
        assert_eq!(wan(100_000_000), "100.00");
    }

    fn figures(name: &str, rate: f64, expected: f64) -> Figures {
        Figures {
            name: name.into(),
            projects: 3,
            plan_fen: 300_000_000_000,
            done_fen: (300_000_000_000.0 * rate) as i64,
            rate: Some(rate),
            expected: Some(expected),
            light: Some(if rate < expected { "黄灯" } else { "绿灯" }.into()),
            rank: None,
        }
    }

    #[test]
    fn the_analysis_says_the_figures_in_words_and_tables() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 10).unwrap();
        let facts = AnalysisFacts {
            heading: "福清市2025年项目攻坚行动".into(),
            period_label: "2025年7月上旬".into(),
            kind: "旬".into(),
            as_of: day,
            city: figures("全市", 0.523, 0.5),
            time_share: 0.5,
            double_half: Some(true),
            strong_start: Some(false),
            red: vec![LitProject {
                name: "江阴港区18号泊位".into(),
                unit: "江阴镇".into(),
                why: "滞后序时进度32.0个百分点".into(),
            }],
            yellow: vec![],
            green: 40,
            pending: 2,
            units: vec![figures("龙田镇", 0.6, 0.5), figures("江阴镇", 0.4, 0.5)],
            regions: vec![],
            industries: vec![figures("先进制造", 0.55, 0.5)],
            stages: vec![],
            started: vec!["甲项目".into()],
            completed: vec![],
            problems: ProblemCounts {
                raised: 4,
                solved: 2,
                escalated: 1,
                open: 7,
            },
            late_nodes: vec![],
            note: Some("2027年工作日暂按法定节假日规则推算".into()),
        };
        let doc = analysis(&facts);
        let text = doc.text();
        for expected in [
            "2025年7月上旬重点项目推进情况旬分析",
            "截至2025年7月10日，全市纳入攻坚行动的重点项目3个，年度计划投资30.00亿元，累计完成投资15.69亿元，完成年度计划的52.3%，序时进度50.0%，快于序时进度2.3个百分点。",
            "红灯项目1个、黄灯项目0个、绿灯项目40个，未到投资考核期2个",
            "实现“双过半”目标",
            "“开门红”目标未实现",
            "低于序时进度的单位1个：江阴镇",
            "（二）分产业",
            "本期新开工项目1个（甲项目）；新竣工项目0个。",
            "本期新增问题4个，解决2个，升级协调1个；截至目前尚未解决问题7个。",
            "注：2027年工作日暂按法定节假日规则推算",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
        let bytes = write_document(&doc).unwrap();
        assert_eq!(&bytes[..2], b"PK");

        // The companion workbook: the tables read back, a native chart on the units' sheet.
        use calamine::Reader;
        let book = write_analysis_workbook(&facts).unwrap();
        let mut xlsx: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(book.clone())).unwrap();
        let units = xlsx.worksheet_range("分单位").unwrap();
        assert_eq!(
            units.get_value((3, 1)).map(|c| c.to_string()),
            Some("龙田镇".into())
        );
        assert_eq!(
            units.get_value((3, 5)).map(|c| c.to_string()),
            Some("60".into())
        );
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut chart = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/charts/chart1.xml").unwrap(),
            &mut chart,
        )
        .unwrap();
        assert!(
            chart.contains("完成率") && chart.contains("序时进度"),
            "{chart}"
        );
    }

    #[test]
    fn the_ranking_bulletin_names_the_top_and_bottom_and_the_changes() {
        let units: Vec<RankedUnit> = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇"]
            .iter()
            .enumerate()
            .map(|(i, n)| RankedUnit {
                rank: i + 1,
                figures: figures(n, 0.5, 0.5),
                score: 90.0 - i as f64,
                change: match i {
                    0 => Some(2),
                    4 => Some(-1),
                    3 => None,
                    _ => Some(0),
                },
            })
            .collect();
        let doc = ranking_bulletin(&RankingFacts {
            heading: "福清市2025年项目攻坚行动".into(),
            office: "福发改".into(),
            period_label: "2025年9月".into(),
            dated: NaiveDate::from_ymd_opt(2025, 10, 9).unwrap(),
            published_on: NaiveDate::from_ymd_opt(2025, 10, 8).unwrap(),
            revision: 1,
            units,
            chain_head: Some("ab12".into()),
        });
        let text = doc.text();
        for expected in [
            "关于2025年9月重点项目攻坚亮晒排名情况的通报",
            "福发改〔2025〕  号",
            "甲镇、乙镇、丙镇位列前三",
            "丙镇、丁镇、戊镇排名靠后",
            "排名上升的有甲镇（上升2位）；排名下降的有戊镇（下降1位）",
            "↑2",
            "新",
            "本通报数据以2025年10月8日发布的第1版排名为准",
            "审计链校验值：ab12",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
    }
}
