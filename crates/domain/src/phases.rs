//! 分月计划: a project's annual plan broken down by month (1月 … 12月) or by quarter (一季度 …
//! 四季度). With a campaign that judges by it, a project's 序时进度 is its planned cumulative to
//! date over its annual plan, instead of time passed: a project that plans most of its money for
//! the autumn is not red in June.
//!
//! Within a quarter, and within a month when reports are ten-daily, the plan is taken as spread
//! evenly: two months into a quarter, two thirds of its plan is due.

use serde::{Deserialize, Serialize};

use crate::progress::{Cadence, Share};
use crate::{AmountUnit, Bilingual, Money, bi};

/// The breakdown of one year's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanPhases {
    Months([Money; 12]),
    Quarters([Money; 4]),
}

/// The quarters as offices name them.
pub const QUARTERS: [&str; 4] = ["一季度", "二季度", "三季度", "四季度"];

impl PlanPhases {
    pub fn amounts(&self) -> &[Money] {
        match self {
            PlanPhases::Months(m) => m,
            PlanPhases::Quarters(q) => q,
        }
    }

    /// The sum of the phases, in fen (no overflow: at most 12 amounts of an i64).
    pub fn total_fen(&self) -> i128 {
        self.amounts().iter().map(|m| i128::from(m.fen())).sum()
    }

    /// The phases from amounts in order: 12 are months, 4 quarters; `None` for any other count.
    pub fn from_amounts(amounts: &[Money]) -> Option<PlanPhases> {
        match amounts.len() {
            12 => <[Money; 12]>::try_from(amounts)
                .ok()
                .map(PlanPhases::Months),
            4 => <[Money; 4]>::try_from(amounts)
                .ok()
                .map(PlanPhases::Quarters),
            _ => None,
        }
    }

    /// The label of phase `i` (0-based): "1月" … "12月", "一季度" … "四季度".
    pub fn label_zh(&self, i: usize) -> String {
        match self {
            PlanPhases::Months(_) => format!("{}月", i + 1),
            PlanPhases::Quarters(_) => QUARTERS.get(i).copied().unwrap_or("").to_string(),
        }
    }

    /// As the history and the form show it: "1月 100、2月 150 …", amounts in 万元.
    pub fn display(&self) -> String {
        self.amounts()
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{} {}", self.label_zh(i), m.wan_string()))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// As stored in one column: "M:" or "Q:" and the amounts in fen.
    pub fn to_stored(&self) -> String {
        let tag = match self {
            PlanPhases::Months(_) => "M:",
            PlanPhases::Quarters(_) => "Q:",
        };
        let amounts: Vec<String> = self.amounts().iter().map(|m| m.fen().to_string()).collect();
        format!("{tag}{}", amounts.join(","))
    }

    /// What [`PlanPhases::to_stored`] wrote; `None` for anything else.
    pub fn from_stored(text: &str) -> Option<PlanPhases> {
        let (tag, rest) = text.split_once(':')?;
        let amounts: Vec<Money> = rest
            .split(',')
            .map(|a| a.parse::<i64>().ok().map(Money::from_fen))
            .collect::<Option<_>>()?;
        match (tag, amounts.len()) {
            ("M", 12) | ("Q", 4) => PlanPhases::from_amounts(&amounts),
            _ => None,
        }
    }

    /// Reads a breakdown typed in a form or sent by the API: 12 amounts (months) or 4
    /// (quarters) in 万元, separated by "、", "；", "/" or spaces, each optionally labelled
    /// ("1月 100", "一季度 500", "Q1 500"). Empty text is no breakdown.
    pub fn parse(text: &str) -> Result<Option<PlanPhases>, Bilingual> {
        let items: Vec<&str> = text
            .split(['、', '；', ';', '/', '|', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        // "1月 100 2月 150" without separators: split on spaces instead, pairing labels.
        let items: Vec<String> = if items.len() == 1 {
            pair_labels(items[0].split_whitespace())
        } else {
            items.iter().map(|s| s.to_string()).collect()
        };
        if items.is_empty() {
            return Ok(None);
        }
        let mut amounts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let (label, amount) = split_label(item);
            if let Some(label) = label {
                let expected_month = format!("{}月", i + 1);
                let ok = label == expected_month
                    || QUARTERS.get(i).is_some_and(|q| label == *q)
                    || label.eq_ignore_ascii_case(&format!("Q{}", i + 1));
                if !ok {
                    return Err(bi(
                        format!(
                            "分月计划第{}项标为“{label}”，应按 1月…12月 或 一季度…四季度 顺序填写",
                            i + 1
                        ),
                        format!(
                            "item {} of the monthly plan is labelled “{label}”: give 1月…12月 or 一季度…四季度 in order",
                            i + 1
                        ),
                    ));
                }
            }
            match Money::parse(amount, AmountUnit::Wan) {
                Ok(m) => amounts.push(m.unwrap_or(Money::ZERO)),
                Err(e) => {
                    return Err(bi(
                        format!("分月计划第{}项：{}", i + 1, e.zh),
                        format!("item {} of the monthly plan: {}", i + 1, e.en),
                    ));
                }
            }
        }
        PlanPhases::from_amounts(&amounts).map(Some).ok_or_else(|| {
            bi(
                format!("分月计划应为12个月或4个季度的金额，收到{}项", amounts.len()),
                format!(
                    "a plan breakdown has 12 months or 4 quarters, not {} items",
                    amounts.len()
                ),
            )
        })
    }

    /// Problems of the breakdown against the annual plan it breaks down: no negative phase,
    /// and the phases add up to the plan exactly.
    pub fn check(&self, annual_plan: Option<Money>) -> Option<Bilingual> {
        if self.amounts().iter().any(|m| m.is_negative()) {
            return Some(bi(
                "分月计划金额不能为负数",
                "a phase of the plan cannot be negative",
            ));
        }
        let total = Money::from_fen(i64::try_from(self.total_fen()).unwrap_or(i64::MAX));
        match annual_plan {
            None => Some(bi(
                format!(
                    "有分月计划（合计 {} 万元）但没有年度计划投资",
                    total.wan_display()
                ),
                format!(
                    "a plan breakdown (total {}) without an annual plan",
                    total.wan_display()
                ),
            )),
            Some(plan) if i128::from(plan.fen()) != self.total_fen() => Some(bi(
                format!(
                    "分月计划合计 {} 万元，与年度计划投资 {} 万元不符",
                    total.wan_display(),
                    plan.wan_display()
                ),
                format!(
                    "the plan breakdown adds up to {}, not the annual plan {} (10k yuan)",
                    total.wan_display(),
                    plan.wan_display()
                ),
            )),
            Some(_) => None,
        }
    }

    /// The plan due by the end of the periods completed: `thirds` is the count of completed
    /// thirds of a month since 1 January (3 per month; a ten-day period is a third). Returned
    /// as an exact fraction of fen (numerator, denominator).
    fn planned_thirds(&self, thirds: u32) -> (i128, i128) {
        let thirds = thirds.min(36);
        let (len, amounts) = match self {
            PlanPhases::Months(m) => (3u32, &m[..]),
            PlanPhases::Quarters(q) => (9u32, &q[..]),
        };
        let full = (thirds / len) as usize;
        let part = i128::from(thirds % len);
        let len = i128::from(len);
        let before: i128 = amounts[..full].iter().map(|m| i128::from(m.fen())).sum();
        let current = amounts.get(full).map_or(0, |m| i128::from(m.fen()));
        (before * len + current * part, len)
    }

    /// The project's 序时进度 by its breakdown: planned cumulative to date over the annual plan,
    /// with `done` periods of the year completed (months, or ten-day periods for ten-daily
    /// reports). `None` while nothing is planned to date (no investment lamp is due yet), or
    /// without a plan.
    pub fn share(&self, annual_plan: Money, cadence: Cadence, done: u32) -> Option<Share> {
        let thirds = match cadence {
            Cadence::Monthly => done.saturating_mul(3),
            Cadence::TenDaily => done,
        };
        let (num, den) = self.planned_thirds(thirds);
        let plan = i128::from(annual_plan.fen());
        if num <= 0 || plan <= 0 {
            return None;
        }
        Some(Share {
            num: num.min(plan * den),
            den: plan * den,
        })
    }

    /// The first month with a planned amount (1–12), for saying why no lamp is due yet.
    pub fn first_month(&self) -> Option<u32> {
        let i = self.amounts().iter().position(|m| m.fen() > 0)?;
        let i = u32::try_from(i).ok()?;
        Some(match self {
            PlanPhases::Months(_) => i + 1,
            PlanPhases::Quarters(_) => i * 3 + 1,
        })
    }
}

/// "1月 100 2月 150" → ["1月 100", "2月 150"]; plain "100 150" stays as it is.
fn pair_labels<'a>(words: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<&str> = None;
    for w in words {
        if let Some(label) = pending.take() {
            out.push(format!("{label} {w}"));
        } else if split_label(w).1.is_empty() {
            pending = Some(w);
        } else {
            out.push(w.to_string());
        }
    }
    if let Some(label) = pending {
        out.push(label.to_string());
    }
    out
}

/// An item's label and amount: "1月 100" → (Some("1月"), "100"), "一季度500" → (Some("一季度"),
/// "500"), "100" → (None, "100").
fn split_label(item: &str) -> (Option<&str>, &str) {
    let item = item.trim();
    for q in QUARTERS {
        if let Some(rest) = item.strip_prefix(q) {
            return (Some(q), rest.trim_start_matches([':', '：']).trim());
        }
    }
    if (item.starts_with('Q') || item.starts_with('q'))
        && item[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        let end = 1 + item[1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(item.len() - 1);
        return (
            Some(&item[..end]),
            item[end..].trim_start_matches([':', '：']).trim(),
        );
    }
    if let Some(pos) = item.find('月') {
        let digits = &item[..pos];
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let end = pos + '月'.len_utf8();
            return (
                Some(&item[..end]),
                item[end..].trim_start_matches([':', '：']).trim(),
            );
        }
    }
    (None, item)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(n: i64) -> Money {
        Money::from_wan(n)
    }

    fn months(m: [i64; 12]) -> PlanPhases {
        PlanPhases::Months(m.map(wan))
    }

    #[test]
    fn parses_what_a_clerk_types() {
        let m = months([0, 0, 100, 100, 100, 100, 200, 200, 200, 200, 100, 0]);
        for text in [
            "0 0 100 100 100 100 200 200 200 200 100 0",
            "0、0、100、100、100、100、200、200、200、200、100、0",
            "1月 0、2月 0、3月 100、4月 100、5月 100、6月 100、7月 200、8月 200、9月 200、10月 200、11月 100、12月 0",
            "1月0；2月0；3月100；4月100；5月100；6月100；7月200；8月200；9月200；10月200；11月100；12月0",
            "1月 0 2月 0 3月 100 4月 100 5月 100 6月 100 7月 200 8月 200 9月 200 10月 200 11月 100 12月 0",
        ] {
            assert_eq!(PlanPhases::parse(text), Ok(Some(m.clone())), "{text}");
        }
        let q = PlanPhases::Quarters([wan(100), wan(200), wan(300), wan(400)]);
        for text in [
            "100 200 300 400",
            "一季度 100、二季度 200、三季度 300、四季度 400",
            "Q1 100 Q2 200 Q3 300 Q4 400",
        ] {
            assert_eq!(PlanPhases::parse(text), Ok(Some(q.clone())), "{text}");
        }
        assert_eq!(PlanPhases::parse(""), Ok(None));
        assert_eq!(PlanPhases::parse("  "), Ok(None));
        // The display reads back.
        assert_eq!(PlanPhases::parse(&m.display()), Ok(Some(m.clone())));
        assert_eq!(PlanPhases::parse(&q.display()), Ok(Some(q.clone())));
        // Stored form round-trips.
        assert_eq!(PlanPhases::from_stored(&m.to_stored()), Some(m));
        assert_eq!(PlanPhases::from_stored(&q.to_stored()), Some(q));
        assert_eq!(PlanPhases::from_stored("M:1,2"), None);
        assert_eq!(PlanPhases::from_stored("junk"), None);
    }

    #[test]
    fn refuses_what_is_not_a_breakdown() {
        for (text, says) in [
            ("100 200 300", "收到3项"),
            ("1月 100、3月 200、3月 0、4月 0", "第2项标为“3月”"),
            ("100 2百 300 400", "第2项"),
            ("100 1,2 300 400", "第2项"),
        ] {
            let e = PlanPhases::parse(text).expect_err(text);
            assert!(e.zh.contains(says), "{text}: {}", e.zh);
            assert!(!e.en.is_empty());
        }
    }

    #[test]
    fn checks_against_the_annual_plan() {
        let q = PlanPhases::Quarters([wan(100), wan(200), wan(300), wan(400)]);
        assert_eq!(q.check(Some(wan(1000))), None);
        assert!(
            q.check(Some(wan(999)))
                .is_some_and(|e| e.zh.contains("不符"))
        );
        assert!(q.check(None).is_some());
        let neg = PlanPhases::Quarters([wan(-100), wan(200), wan(300), wan(600)]);
        assert!(
            neg.check(Some(wan(1000)))
                .is_some_and(|e| e.zh.contains("负数"))
        );
    }

    #[test]
    fn share_is_planned_cumulative_over_the_plan() {
        let m = months([0, 0, 100, 100, 100, 100, 200, 200, 200, 200, 100, 200]);
        let plan = wan(1500);
        let q = PlanPhases::Quarters([wan(0), wan(300), wan(600), wan(600)]);
        // (breakdown, cadence, periods done, expected share or None)
        type Case<'a> = (&'a PlanPhases, Cadence, u32, Option<(i128, i128)>);
        let cases: [Case<'_>; 12] = [
            (&m, Cadence::Monthly, 0, None),
            (&m, Cadence::Monthly, 2, None),
            (&m, Cadence::Monthly, 3, Some((100, 1500))),
            (&m, Cadence::Monthly, 6, Some((400, 1500))),
            (&m, Cadence::Monthly, 12, Some((1500, 1500))),
            (&m, Cadence::Monthly, 40, Some((1500, 1500))),
            // Ten-daily: two thirds of March.
            (&m, Cadence::TenDaily, 8, Some((200, 4500))),
            (&q, Cadence::Monthly, 3, None),
            // Two months into the second quarter: two thirds of it.
            (&q, Cadence::Monthly, 5, Some((200, 1500))),
            (&q, Cadence::Monthly, 6, Some((300, 1500))),
            (&q, Cadence::Monthly, 7, Some((500, 1500))),
            (&q, Cadence::TenDaily, 13, Some((400, 4500))),
        ];
        for (phases, cadence, done, want) in cases {
            let got = phases.share(plan, cadence, done);
            match (got, want) {
                (None, None) => {}
                (Some(s), Some((n, d))) => assert_eq!(
                    s.num * d,
                    n * s.den,
                    "{phases:?} {cadence:?} {done}: {}/{}",
                    s.num,
                    s.den
                ),
                _ => panic!("{phases:?} {cadence:?} {done}: {got:?} vs {want:?}"),
            }
        }
        assert_eq!(m.first_month(), Some(3));
        assert_eq!(q.first_month(), Some(4));
    }
}
