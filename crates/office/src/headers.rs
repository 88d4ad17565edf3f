//! What the words in a ledger sheet mean: column headers and their synonyms, amount units named
//! in headers and note rows, and the list markers of section rows.
//!
//! Every county names its columns a little differently ("总投资（万元）", "计划总投资\n(亿元)",
//! "2025年度计划投资"), so headers are compared after removing spaces, brackets and unit
//! suffixes, against the synonyms offices actually use.

use domain::text::to_half_width;
use domain::{AmountUnit, Field};

use crate::cells::is_space;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A field of the project, as the domain names it (`Field::PlanPhases` is read from the
    /// month and quarter columns below). 项目类别 is a stage when the value names one, else the
    /// category; 项目状态 / 项目阶段 must name a stage.
    Field(Field),
    /// 责任单位 and its look-alikes, ranked: the best-ranked present is the responsible unit
    /// and the next one the owner (项目业主), because sheets often carry both.
    UnitLike(u8),
    /// 年度计划投资 of the year the header names ("2025年计划投资").
    AnnualPlanOf(i32),
    /// 分月计划: the plan of a month (1–12), "3月计划".
    PlanMonth(u8),
    /// 分季计划: the plan of a quarter (1–4), "二季度计划".
    PlanQuarter(u8),
    /// 序号: expected in every sheet and meaning nothing; ignored without a mention.
    Serial,
}

impl Kind {
    /// The domain field, for English labels and for placing the errors of `ProjectFields::check`.
    pub(crate) fn field(self) -> Field {
        match self {
            Kind::Field(field) => field,
            Kind::Serial => Field::Name,
            Kind::UnitLike(_) => Field::Unit,
            Kind::AnnualPlanOf(_) => Field::AnnualPlan,
            Kind::PlanMonth(_) | Kind::PlanQuarter(_) => Field::PlanPhases,
        }
    }

    pub(crate) fn is_amount(self) -> bool {
        matches!(
            self,
            Kind::Field(
                Field::TotalInvestment
                    | Field::AnnualPlan
                    | Field::ExpectedOutput
                    | Field::ExpectedTax
            ) | Kind::AnnualPlanOf(_)
                | Kind::PlanMonth(_)
                | Kind::PlanQuarter(_)
        )
    }

    /// Whether a value merged down over several rows belongs to each of them. These are the
    /// columns offices merge over a group of projects (one unit, one region, one leader for
    /// several rows); amounts are never spread (a merged total is one total), nor names, nor
    /// what belongs to one project alone (its owner, content, dates).
    pub(crate) fn fills_down(self) -> bool {
        matches!(
            self,
            Kind::Field(
                Field::Unit
                    | Field::LeadDepartment
                    | Field::Region
                    | Field::Industry
                    | Field::LinkedLeader
                    | Field::ServiceOfficer
                    | Field::Category
                    | Field::Stage
                    | Field::Level
            ) | Kind::UnitLike(_)
        )
    }

    /// Whether another column of this kind is a second copy of it (ignored): the annual plan
    /// with or without its year is one column, so are the unit's look-alikes; each month and
    /// quarter of a breakdown is its own column.
    pub(crate) fn same_column(self, other: Kind) -> bool {
        let plain = |k: Kind| match k {
            Kind::AnnualPlanOf(_) => Kind::Field(Field::AnnualPlan),
            Kind::UnitLike(_) => Kind::UnitLike(0),
            k => k,
        };
        plain(self) == plain(other)
    }
}

/// The header as compared: half-width, without spaces, line breaks, bracketed parts, required
/// marks and unit suffixes. "总投资\n（万元）" → "总投资".
pub(crate) fn header_key(raw: &str) -> String {
    let half = to_half_width(raw);
    let mut out = String::with_capacity(half.len());
    let mut depth = 0u32;
    for c in half.chars() {
        match c {
            '(' | '[' | '【' | '〔' | '〈' | '《' => depth += 1,
            ')' | ']' | '】' | '〕' | '〉' | '》' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | '★' | '※' | ':' | '：' => {}
            c if is_space(c) => {}
            c => out.push(c),
        }
    }
    for suffix in ["/万元", "/亿元", "/元", "万元", "亿元"] {
        if let Some(rest) = out.strip_suffix(suffix) {
            if !rest.is_empty() {
                out.truncate(rest.len());
            }
            break;
        }
    }
    out
}

/// The column a header names, if any.
pub(crate) fn classify(key: &str) -> Option<Kind> {
    let kind = match key {
        "项目名称" | "项目" | "名称" | "项目名" => Kind::Field(Field::Name),
        "项目编号" | "项目代码" | "编号" | "代码" | "项目统一代码" | "统一项目代码" => {
            Kind::Field(Field::Code)
        }
        "项目类别" | "类别" | "项目类型" => Kind::Field(Field::Category),
        "项目状态" | "项目阶段" => Kind::Field(Field::Stage),
        "项目级别" | "级别" => Kind::Field(Field::Level),
        "标签" | "项目标签" => Kind::Field(Field::Tags),
        "所属产业" | "产业" | "行业" | "产业链" | "所属行业" | "所属产业链" => {
            Kind::Field(Field::Industry)
        }
        "所属区域" | "所在区域" | "区域" | "乡镇" | "所在地" | "所属乡镇" | "所在乡镇"
        | "乡镇街道" => Kind::Field(Field::Region),
        "责任单位" => Kind::UnitLike(0),
        "实施主体" => Kind::UnitLike(1),
        "业主单位" => Kind::UnitLike(2),
        "建设单位" => Kind::UnitLike(3),
        "项目业主" => Kind::UnitLike(4),
        "牵头单位" | "牵头部门" | "行业主管部门" | "主管部门" => {
            Kind::Field(Field::LeadDepartment)
        }
        "包联领导" | "挂钩领导" | "责任领导" => Kind::Field(Field::LinkedLeader),
        "首席服务官" => Kind::Field(Field::ServiceOfficer),
        "建设内容"
        | "建设规模及内容"
        | "主要建设内容"
        | "建设内容及规模"
        | "主要建设内容及规模" => Kind::Field(Field::Content),
        "总投资" | "计划总投资" | "估算总投资" | "总投资额" | "项目总投资" => {
            Kind::Field(Field::TotalInvestment)
        }
        "年度计划投资" | "本年计划投资" | "年度投资计划" | "本年度计划投资" | "年度计划投资额" => {
            Kind::Field(Field::AnnualPlan)
        }
        "计划年度" | "计划年份" => Kind::Field(Field::PlanYear),
        "建设起止年限" | "建设年限" | "起止年限" | "建设周期" | "建设期限" => {
            Kind::Field(Field::Period)
        }
        "计划开工时间" | "开工时间" | "计划开工日期" | "开工日期" => {
            Kind::Field(Field::PlannedStart)
        }
        "计划竣工时间" | "竣工时间" | "计划竣工日期" | "竣工日期" => {
            Kind::Field(Field::PlannedCompletion)
        }
        "计划投产时间" | "投产时间" | "计划投产日期" | "投产日期" => {
            Kind::Field(Field::PlannedProduction)
        }
        "实际开工时间" | "实际开工日期" => Kind::Field(Field::ActualStart),
        "实际竣工时间" | "实际竣工日期" => Kind::Field(Field::ActualCompletion),
        "实际投产时间" | "实际投产日期" => Kind::Field(Field::ActualProduction),
        "建设地点" | "地点" | "项目地点" => Kind::Field(Field::Location),
        "资金来源" => Kind::Field(Field::FundingSources),
        "达产产值" | "年产值" | "预计年产值" | "达产后年产值" => {
            Kind::Field(Field::ExpectedOutput)
        }
        "年税收" | "预计税收" | "预计年税收" | "达产后年税收" => {
            Kind::Field(Field::ExpectedTax)
        }
        "就业" | "新增就业" | "新增就业人数" => Kind::Field(Field::ExpectedJobs),
        "备注" => Kind::Field(Field::Remarks),
        "序号" | "序" | "排序" => Kind::Serial,
        // A field's own label ("项目业主", above, is a look-alike of the unit).
        _ => {
            return Field::ALL
                .iter()
                .find(|f| **f != Field::PlanPhases && header_key(f.label_zh()) == key)
                .map(|f| Kind::Field(*f))
                .or_else(|| annual_plan_of_year(key))
                .or_else(|| plan_phase(key, false));
        }
    };
    Some(kind)
}

/// A month's or a quarter's plan: "3月计划", "3月份计划投资", "三月计划", "第二季度计划",
/// "二季度投资计划". A bare "3月" or "二季度" is one only under a group header that says 计划
/// (`under_plan`): under 完成投资 it is what was done.
pub(crate) fn plan_phase(key: &str, under_plan: bool) -> Option<Kind> {
    let (base, stated) = ["计划完成投资", "计划投资", "投资计划", "计划"]
        .iter()
        .find_map(|s| key.strip_suffix(s))
        .map_or((key, false), |b| (b, true));
    if !stated && !under_plan {
        return None;
    }
    let number = |t: &str| -> Option<u8> {
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return t.parse().ok();
        }
        const DIGITS: [&str; 12] = [
            "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
        ];
        DIGITS
            .iter()
            .position(|d| *d == t)
            .and_then(|i| u8::try_from(i + 1).ok())
    };
    if let Some(q) = base.strip_suffix("季度") {
        let q = q.strip_prefix('第').unwrap_or(q);
        return number(q)
            .filter(|n| (1..=4).contains(n))
            .map(Kind::PlanQuarter);
    }
    let m = base
        .strip_suffix("月份")
        .or_else(|| base.strip_suffix('月'))?;
    number(m)
        .filter(|n| (1..=12).contains(n))
        .map(Kind::PlanMonth)
}

/// "2025年计划投资", "2025年度计划投资", "2025年投资计划": the annual plan of a named year.
fn annual_plan_of_year(key: &str) -> Option<Kind> {
    let digits = key.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let rest = &key[4..];
    let rest = rest
        .strip_prefix("年度")
        .or_else(|| rest.strip_prefix('年'))
        .unwrap_or(rest);
    matches!(
        rest,
        "计划投资" | "投资计划" | "计划投资额" | "计划完成投资"
    )
    .then_some(Kind::AnnualPlanOf(year))
}

/// What a word naming a unit means: a unit we read, an unsupported currency unit (the word), or
/// not a unit at all.
fn unit_word(word: &str) -> Option<Result<AmountUnit, String>> {
    let w = word.trim_matches(is_space);
    let w = w.strip_prefix("人民币").unwrap_or(w);
    for unit in [AmountUnit::Yuan, AmountUnit::Wan, AmountUnit::Yi] {
        if w == unit.label_zh() {
            return Some(Ok(unit));
        }
    }
    match w {
        "万" => Some(Ok(AmountUnit::Wan)),
        "亿" => Some(Ok(AmountUnit::Yi)),
        _ if w.ends_with('元') && w.chars().count() <= 4 => Some(Err(w.to_string())),
        _ => None,
    }
}

/// The unit after "单位：" in a text, up to the next separator.
fn unit_after_label(text: &str) -> Option<Result<AmountUnit, String>> {
    let (_, after) = text.rsplit_once("单位:")?;
    let word: String = after
        .chars()
        .skip_while(|c| is_space(*c))
        .take_while(|c| {
            !is_space(*c) && !matches!(c, ',' | ';' | '、' | ')' | ']' | '】' | '.' | '。')
        })
        .collect();
    unit_word(&word)
}

/// The bracketed parts of a text, innermost-agnostic: "总投资(亿元)" → ["亿元"].
fn bracketed(text: &str) -> impl Iterator<Item = &str> {
    text.split(['(', '[', '【'])
        .skip(1)
        .filter_map(|part| part.split([')', ']', '】']).next())
}

/// The amount unit a header names: "总投资（亿元）", "投资情况(单位：万元)", "总投资/万元".
pub(crate) fn header_unit(raw: &str) -> Option<Result<AmountUnit, String>> {
    let t: String = to_half_width(raw)
        .chars()
        .filter(|c| !is_space(*c))
        .collect();
    if let Some(found) = unit_after_label(&t) {
        return Some(found);
    }
    if let Some(found) = bracketed(&t).find_map(unit_word) {
        return Some(found);
    }
    if let Some(found) = t.rsplit_once('/').and_then(|(_, after)| unit_word(after)) {
        return Some(found);
    }
    if t.ends_with("万元") {
        Some(Ok(AmountUnit::Wan))
    } else if t.ends_with("亿元") {
        Some(Ok(AmountUnit::Yi))
    } else {
        None
    }
}

/// The amount unit a note above the header states: "单位：万元", "（亿元）", "金额单位：元", or a
/// title ending in "（单位：万元）". A bare "投资情况（亿元）" is a header group, not a note.
pub(crate) fn note_unit(raw: &str) -> Option<Result<AmountUnit, String>> {
    let t: String = to_half_width(raw)
        .chars()
        .filter(|c| !is_space(*c))
        .collect();
    if let Some(found) = unit_after_label(&t) {
        return Some(found);
    }
    let inner = t.strip_prefix('(')?.strip_suffix(')')?;
    unit_word(inner)
}

/// Chinese numerals as list markers use them.
fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '零'
            | '〇'
            | '两'
    )
}

/// A list marker at the start of a text: "一、在建项目" → (1, "在建项目"), "（二）新开工项目" →
/// (2, "新开工项目"), and a marker alone ("一", "（一）", as a 序号 cell holds it) → (level, "").
pub(crate) fn list_marker(text: &str) -> Option<(u8, &str)> {
    let t = text.trim_start_matches(is_space);
    let (level, rest) = if let Some(inner) = t.strip_prefix(['(', '（']) {
        let digits = inner.trim_start_matches(is_cn_numeral);
        if digits.len() == inner.len() {
            return None;
        }
        (2, digits.strip_prefix([')', '）'])?)
    } else {
        let rest = t.trim_start_matches(is_cn_numeral);
        if rest.len() == t.len() {
            return None;
        }
        match rest.strip_prefix(['、', '.', '．', '，', ',']) {
            Some(after) => (1, after),
            None if rest.trim_matches(is_space).is_empty() => (1, ""),
            None => return None,
        }
    };
    Some((level, rest.trim_matches(is_space)))
}

/// A section title without its count and 项目 suffix: "在建项目（48个）" → ("在建项目", "在建").
pub(crate) fn section_title(rest: &str) -> (String, String) {
    let mut t: String = to_half_width(rest)
        .chars()
        .filter(|c| !is_space(*c))
        .collect();
    // A trailing count: "(48个)", "(共48项)", "48个".
    let count_at = t.strip_suffix(')').and_then(|body| {
        let open = body.rfind('(')?;
        let inner = &body[open + 1..];
        inner
            .chars()
            .any(|c| c.is_ascii_digit() || is_cn_numeral(c))
            .then_some(open)
    });
    if let Some(open) = count_at {
        t.truncate(open);
    }
    let counted = t.trim_end_matches(['个', '项']);
    if counted.len() < t.len() {
        let number = counted.trim_end_matches(|c: char| c.is_ascii_digit());
        if number.len() < counted.len() {
            let keep = number.trim_end_matches('共').len();
            t.truncate(keep);
        }
    }
    let keep = t.trim_end_matches(':').len();
    t.truncate(keep);
    let base = t.strip_suffix("项目").unwrap_or(&t).to_string();
    (t, base)
}

/// Whether a text opens a subtotal row: "合计", "小计：", "总计(48个)", "其中：续建" — and not a
/// project that happens to start with those characters ("小计划…" is not a subtotal).
pub(crate) fn subtotal_word(text: &str) -> Option<&'static str> {
    // Checked on several cells of every row: look at the first character before allocating.
    if !text
        .trim_start_matches(is_space)
        .starts_with(['合', '小', '总', '其'])
    {
        return None;
    }
    let t: String = text.chars().filter(|c| !is_space(*c)).collect();
    for word in ["合计", "小计", "总计", "其中"] {
        if let Some(rest) = t.strip_prefix(word) {
            let next = rest.chars().next();
            let ends_word = next.is_none_or(|c| !('\u{4e00}'..='\u{9fff}').contains(&c));
            if ends_word {
                return Some(if word == "其中" { "小计" } else { word });
            }
        }
    }
    None
}

/// Whether a text opens a note row: "注：…", "备注:…", "说明：…", "填报人：…".
pub(crate) fn is_note(text: &str) -> bool {
    let t = text.trim_start_matches(is_space);
    [
        "注",
        "备注",
        "说明",
        "填报人",
        "审核人",
        "联系人",
        "制表人",
        "填表人",
        "负责人",
        "填报单位",
        "填报日期",
        "制表日期",
    ]
    .iter()
    .any(|w| {
        t.strip_prefix(w)
            .is_some_and(|rest| rest.starts_with([':', '：']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys() {
        for (raw, key) in [
            ("总投资（万元）", "总投资"),
            ("计划总投资\n(亿元)", "计划总投资"),
            ("＊项目名称", "项目名称"),
            ("项 目 名 称", "项目名称"),
            ("总投资/万元", "总投资"),
            ("2025年度计划投资（万元）", "2025年度计划投资"),
            ("新增就业（人）", "新增就业"),
        ] {
            assert_eq!(header_key(raw), key, "{raw}");
        }
    }

    #[test]
    fn annual_plans_name_their_year() {
        assert_eq!(classify("2025年计划投资"), Some(Kind::AnnualPlanOf(2025)));
        assert_eq!(classify("2026年度计划投资"), Some(Kind::AnnualPlanOf(2026)));
        assert_eq!(
            classify("年度计划投资"),
            Some(Kind::Field(Field::AnnualPlan))
        );
        assert_eq!(classify("2025年完成投资"), None);
        assert_eq!(classify("1-10月完成投资"), None);
    }

    #[test]
    fn units_in_headers_and_notes() {
        let ok = |u| Some(Ok(u));
        assert_eq!(header_unit("总投资（亿元）"), ok(AmountUnit::Yi));
        assert_eq!(header_unit("投资情况(单位：万元)"), ok(AmountUnit::Wan));
        assert_eq!(header_unit("总投资/元"), ok(AmountUnit::Yuan));
        assert_eq!(header_unit("总投资（美元）"), Some(Err("美元".into())));
        assert_eq!(header_unit("总投资"), None);
        assert_eq!(note_unit("单位：万元"), ok(AmountUnit::Wan));
        assert_eq!(note_unit("金额单位：元"), ok(AmountUnit::Yuan));
        assert_eq!(note_unit("（亿元）"), ok(AmountUnit::Yi));
        assert_eq!(
            note_unit("福清市重点项目台账（单位：亿元）"),
            ok(AmountUnit::Yi)
        );
        assert_eq!(note_unit("单位：千元"), Some(Err("千元".into())));
        assert_eq!(note_unit("填报单位：福清市发改局"), None);
        assert_eq!(note_unit("投资情况（亿元）"), None);
    }

    #[test]
    fn markers_and_sections() {
        assert_eq!(
            list_marker("一、在建项目（48个）"),
            Some((1, "在建项目（48个）"))
        );
        assert_eq!(list_marker("（二）新开工项目"), Some((2, "新开工项目")));
        assert_eq!(list_marker("十二、其他"), Some((1, "其他")));
        assert_eq!(list_marker("一"), Some((1, "")));
        assert_eq!(list_marker("(三)"), Some((2, "")));
        assert_eq!(list_marker("一期厂房"), None);
        assert_eq!(list_marker("福清核电"), None);
        assert_eq!(
            section_title("在建项目（48个）"),
            ("在建项目".into(), "在建".into())
        );
        assert_eq!(
            section_title("产业项目 36个"),
            ("产业项目".into(), "产业".into())
        );
        assert_eq!(
            section_title("计划竣工项目"),
            ("计划竣工项目".into(), "计划竣工".into())
        );
    }

    #[test]
    fn subtotals_and_notes() {
        assert_eq!(subtotal_word("合  计"), Some("合计"));
        assert_eq!(subtotal_word("小计（12个）"), Some("小计"));
        assert_eq!(subtotal_word("其中：续建"), Some("小计"));
        assert_eq!(subtotal_word("小计划生育服务中心"), None);
        assert!(is_note("注：本表金额单位为万元"));
        assert!(is_note("说明: 见附件"));
        assert!(!is_note("注塑件生产线"));
    }
}
