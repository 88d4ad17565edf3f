//! 招商 leads (issue 19 §1): the stages a lead goes through — 策划生成 → 洽谈 → 签约 → 落地 → 开工
//! → 投产 — each with its date, and the funnel as of a date: a stage counts a lead that had
//! reached it by then (a stage dated after the date is not reached yet; a later stage dated by
//! then means the earlier ones were passed even when their own dates were not written).

use chrono::NaiveDate;

use crate::money::Money;
use crate::{Bilingual, bi};

coded_enum! {
    /// A lead's stage (招商阶段).
    LeadStage {
        /// 策划生成: identified and planned.
        Planned = ("planned", "策划生成", "Planned", "谋划", "策划"),
        /// 洽谈: in negotiation.
        Negotiating = ("negotiating", "洽谈", "Negotiating", "在谈", "洽谈中"),
        /// 签约: contract signed.
        Signed = ("signed", "签约", "Signed", "已签约"),
        /// 落地: registered and given land (注册、供地).
        Landed = ("landed", "落地", "Landed", "已落地"),
        /// 开工: construction started.
        Started = ("started", "开工", "Started", "已开工"),
        /// 投产: in production.
        Producing = ("producing", "投产", "In production", "已投产"),
    }
}

/// When a lead reached each stage, in [`LeadStage::ALL`]'s order (`None`: not written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeadDates(pub [Option<NaiveDate>; 6]);

impl LeadDates {
    /// The date written for `stage`.
    pub fn of(&self, stage: LeadStage) -> Option<NaiveDate> {
        self.0[stage.rank() as usize - 1]
    }

    /// Whether the lead had reached `stage` by `day`: that stage, or a later one, dated on or
    /// before it.
    pub fn reached(&self, stage: LeadStage, day: NaiveDate) -> bool {
        LeadStage::ALL
            .iter()
            .filter(|s| **s >= stage)
            .any(|s| self.of(*s).is_some_and(|d| d <= day))
    }

    /// The furthest stage reached by `day`.
    pub fn stage_on(&self, day: NaiveDate) -> Option<LeadStage> {
        LeadStage::ALL
            .iter()
            .rev()
            .find(|s| self.reached(**s, day))
            .copied()
    }
}

/// A lead as the funnel counts it: the dates written for its stages, the stage it is said to be
/// at (当前阶段), and the day that was first recorded. A stage counts as reached by a day when it,
/// or a later stage, is dated on or before that day; a stage up to the current one with no date
/// written anywhere from it to the current stage counts from the day it was recorded, since
/// that is when the office knew of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lead {
    pub dates: LeadDates,
    pub current: LeadStage,
    pub recorded_on: NaiveDate,
}

impl Lead {
    /// Whether the lead had reached `stage` by `day`.
    pub fn reached(&self, stage: LeadStage, day: NaiveDate) -> bool {
        if self.dates.reached(stage, day) {
            return true;
        }
        stage <= self.current
            && self.recorded_on <= day
            && LeadStage::ALL
                .iter()
                .filter(|s| **s >= stage && **s <= self.current)
                .all(|s| self.dates.of(*s).is_none())
    }

    /// The furthest stage reached by `day`.
    pub fn stage_on(&self, day: NaiveDate) -> Option<LeadStage> {
        LeadStage::ALL
            .iter()
            .rev()
            .find(|s| self.reached(**s, day))
            .copied()
    }
}

impl LeadDates {
    /// Sets the date of `stage`.
    pub fn set(&mut self, stage: LeadStage, day: Option<NaiveDate>) {
        self.0[stage.rank() as usize - 1] = day;
    }

    /// The furthest stage with a date written.
    pub fn furthest(&self) -> Option<LeadStage> {
        LeadStage::ALL
            .iter()
            .rev()
            .find(|s| self.of(**s).is_some())
            .copied()
    }

    /// Checks the dates against the stage a lead is said to be at: no stage beyond it is dated,
    /// and no stage is dated before an earlier one.
    pub fn check(&self, current: LeadStage) -> Result<(), Bilingual> {
        if let Some(beyond) = self.furthest().filter(|f| *f > current) {
            return Err(bi(
                format!(
                    "当前阶段为“{}”，却已填写{}时间",
                    current.label_zh(),
                    beyond.label_zh()
                ),
                format!(
                    "the lead is said to be at {} but has a date for {}",
                    current.label_en(),
                    beyond.label_en()
                ),
            ));
        }
        let dated: Vec<(LeadStage, NaiveDate)> = LeadStage::ALL
            .iter()
            .filter_map(|s| self.of(*s).map(|d| (*s, d)))
            .collect();
        for pair in dated.windows(2) {
            let ((a, da), (b, db)) = (pair[0], pair[1]);
            if db < da {
                return Err(bi(
                    format!("{}时间 {db} 早于{}时间 {da}", b.label_zh(), a.label_zh()),
                    format!(
                        "{} on {db} is before {} on {da}",
                        b.label_en(),
                        a.label_en()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// One stage of the funnel: the leads that had reached it and their planned investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageCount {
    pub stage: LeadStage,
    pub count: usize,
    pub amount: Money,
}

/// The funnel of `leads` (the lead, its planned investment) as of `day`, every stage in order.
pub fn funnel(leads: &[(Lead, Money)], day: NaiveDate) -> Vec<StageCount> {
    LeadStage::ALL
        .iter()
        .map(|&stage| {
            let reached = leads.iter().filter(|(d, _)| d.reached(stage, day));
            let (count, amount) = reached.fold((0, Money::from_fen(0)), |(n, sum), (_, m)| {
                (n + 1, Money::from_fen(sum.fen().saturating_add(m.fen())))
            });
            StageCount {
                stage,
                count,
                amount,
            }
        })
        .collect()
}

/// One unit's (or event's, or industry's) leads as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFigures {
    pub group: String,
    pub leads: usize,
    pub signed: usize,
    /// Signed leads of 1 亿元 or more (by contract value, else planned investment).
    pub signed_over_yi: usize,
    /// The contract value (else planned investment) of the signed leads.
    pub signed_amount: Money,
    pub landed: usize,
    pub started: usize,
    pub producing: usize,
}

impl GroupFigures {
    /// 履约率: landed of signed.
    pub fn fulfilment_rate(&self) -> Option<f64> {
        rate(self.landed, self.signed)
    }
    /// 开工率: started of signed.
    pub fn start_rate(&self) -> Option<f64> {
        rate(self.started, self.signed)
    }
    /// 投产率: in production of signed.
    pub fn production_rate(&self) -> Option<f64> {
        rate(self.producing, self.signed)
    }
}

/// The figures of `leads` (group, lead, amount signed for) as of `day`, by group name.
pub fn by_group(leads: &[(String, Lead, Money)], day: NaiveDate) -> Vec<GroupFigures> {
    let yi = Money::from_wan(10_000);
    let mut groups: std::collections::BTreeMap<&str, GroupFigures> = Default::default();
    for (group, lead, amount) in leads {
        let g = groups.entry(group).or_insert_with(|| GroupFigures {
            group: group.clone(),
            leads: 0,
            signed: 0,
            signed_over_yi: 0,
            signed_amount: Money::from_fen(0),
            landed: 0,
            started: 0,
            producing: 0,
        });
        g.leads += 1;
        if lead.reached(LeadStage::Signed, day) {
            g.signed += 1;
            if amount.fen() >= yi.fen() {
                g.signed_over_yi += 1;
            }
            g.signed_amount = Money::from_fen(g.signed_amount.fen().saturating_add(amount.fen()));
            g.landed += usize::from(lead.reached(LeadStage::Landed, day));
            g.started += usize::from(lead.reached(LeadStage::Started, day));
            g.producing += usize::from(lead.reached(LeadStage::Producing, day));
        }
    }
    groups.into_values().collect()
}

/// 履约率 and its kin: `part` of `whole` (landed of signed), `None` when none is in `whole`.
pub fn rate(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The median of the days leads took from `from` to `to`, over those with both dates by `day`.
pub fn median_days(
    leads: &[LeadDates],
    from: LeadStage,
    to: LeadStage,
    day: NaiveDate,
) -> Option<f64> {
    let mut days: Vec<i64> = leads
        .iter()
        .filter_map(|l| {
            let (a, b) = (l.of(from)?, l.of(to)?);
            (b <= day && b >= a).then(|| (b - a).num_days())
        })
        .collect();
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn dates(items: &[(LeadStage, &str)]) -> LeadDates {
        let mut l = LeadDates::default();
        for (stage, day) in items {
            l.0[stage.rank() as usize - 1] = Some(d(day));
        }
        l
    }

    #[test]
    fn stages_read_as_offices_write_them() {
        for (text, stage) in [
            ("签约", LeadStage::Signed),
            ("已落地", LeadStage::Landed),
            ("在谈", LeadStage::Negotiating),
            ("策划生成", LeadStage::Planned),
            ("producing", LeadStage::Producing),
        ] {
            assert_eq!(LeadStage::parse(text), Some(stage), "{text}");
        }
    }

    /// Each case: the lead's dates, the day, the stage it had reached.
    #[test]
    fn a_stage_is_reached_by_its_date_or_a_later_ones() {
        use LeadStage::*;
        let cases = [
            (vec![(Negotiating, "2025-03-01")], "2025-02-28", None),
            (
                vec![(Negotiating, "2025-03-01")],
                "2025-03-01",
                Some(Negotiating),
            ),
            // Signed at 5·18 海交会, landed later: on the day between, signed.
            (
                vec![(Signed, "2025-05-18"), (Landed, "2025-08-01")],
                "2025-07-31",
                Some(Signed),
            ),
            (
                vec![(Signed, "2025-05-18"), (Landed, "2025-08-01")],
                "2025-08-01",
                Some(Landed),
            ),
            // Started with no 落地 date written: it had landed too.
            (vec![(Started, "2025-06-01")], "2025-06-30", Some(Started)),
        ];
        for (items, day, expect) in cases {
            let l = dates(&items);
            assert_eq!(l.stage_on(d(day)), expect, "{items:?} on {day}");
        }
        let l = dates(&[(Started, "2025-06-01")]);
        assert!(l.reached(Landed, d("2025-06-01")));
        assert!(l.reached(Planned, d("2025-06-01")));
        assert!(!l.reached(Producing, d("2025-12-31")));
    }

    #[test]
    fn the_funnel_counts_what_had_been_reached_by_the_date() {
        use LeadStage::*;
        let lead = |dates: LeadDates| Lead {
            current: dates.furthest().unwrap_or(Planned),
            dates,
            recorded_on: d("2025-12-01"),
        };
        let leads = [
            (
                lead(dates(&[(Signed, "2025-05-18"), (Landed, "2025-07-01")])),
                Money::from_wan(50_000),
            ),
            (
                lead(dates(&[(Signed, "2025-09-08")])),
                Money::from_wan(20_000),
            ),
            (
                lead(dates(&[(Negotiating, "2025-04-01")])),
                Money::from_wan(8_000),
            ),
        ];
        let f = funnel(&leads, d("2025-08-31"));
        let counts: Vec<(LeadStage, usize, i64)> = f
            .iter()
            .map(|s| (s.stage, s.count, s.amount.fen() / 1_000_000))
            .collect();
        assert_eq!(
            counts,
            [
                (Planned, 2, 58_000),
                (Negotiating, 2, 58_000),
                (Signed, 1, 50_000),
                (Landed, 1, 50_000),
                (Started, 0, 0),
                (Producing, 0, 0),
            ]
        );
        // 履约率: landed of signed.
        assert_eq!(rate(f[3].count, f[2].count), Some(1.0));
        assert_eq!(rate(0, 0), None);
        let all: Vec<LeadDates> = leads.iter().map(|(l, _)| l.dates).collect();
        assert_eq!(
            median_days(&all, Signed, Landed, d("2025-12-31")),
            Some(44.0)
        );
        assert_eq!(median_days(&all, Signed, Landed, d("2025-06-30")), None);
    }

    /// Each case: the dates written, the current stage, the day, the stage reached by then.
    #[test]
    fn an_undated_stage_counts_from_the_day_it_was_recorded() {
        use LeadStage::*;
        let recorded = "2025-10-01";
        let cases = [
            // 当前阶段 签约, no date at all: signed from the day it was recorded.
            (vec![], Signed, "2025-09-30", None),
            (vec![], Signed, "2025-10-01", Some(Signed)),
            // Signed on a date, landed with none: signed by its date, landed once recorded.
            (
                vec![(Signed, "2025-05-18")],
                Landed,
                "2025-06-01",
                Some(Signed),
            ),
            (
                vec![(Signed, "2025-05-18")],
                Landed,
                "2025-10-01",
                Some(Landed),
            ),
            // A dated current stage is not reached before its date, whenever it was recorded.
            (vec![(Started, "2025-11-01")], Started, "2025-10-15", None),
            (
                vec![(Started, "2025-11-01")],
                Started,
                "2025-11-01",
                Some(Started),
            ),
        ];
        for (items, current, day, expect) in cases {
            let l = Lead {
                dates: dates(&items),
                current,
                recorded_on: d(recorded),
            };
            assert_eq!(
                l.stage_on(d(day)),
                expect,
                "{items:?} at {current:?} on {day}"
            );
        }
    }

    #[test]
    fn dates_must_fit_the_current_stage_and_run_forward() {
        use LeadStage::*;
        assert!(dates(&[(Signed, "2025-05-18")]).check(Signed).is_ok());
        assert!(dates(&[(Signed, "2025-05-18")]).check(Producing).is_ok());
        let beyond = dates(&[(Started, "2025-05-18")]).check(Signed).unwrap_err();
        assert!(beyond.zh.contains("开工"), "{}", beyond.zh);
        let backwards = dates(&[(Signed, "2025-05-18"), (Landed, "2025-05-01")])
            .check(Landed)
            .unwrap_err();
        assert!(backwards.zh.contains("早于"), "{}", backwards.zh);
    }

    #[test]
    fn groups_count_signed_leads_and_their_fulfilment() {
        use LeadStage::*;
        let lead = |items: &[(LeadStage, &str)]| {
            let dates = dates(items);
            Lead {
                current: dates.furthest().unwrap_or(Planned),
                dates,
                recorded_on: d("2025-01-01"),
            }
        };
        let leads = [
            (
                "龙田镇".to_string(),
                lead(&[
                    (Signed, "2025-05-18"),
                    (Landed, "2025-07-01"),
                    (Started, "2025-08-01"),
                ]),
                Money::from_wan(50_000),
            ),
            (
                "龙田镇".to_string(),
                lead(&[(Signed, "2025-09-08")]),
                Money::from_wan(5_000),
            ),
            (
                "龙田镇".to_string(),
                lead(&[(Negotiating, "2025-04-01")]),
                Money::from_wan(1),
            ),
            (
                "江镜镇".to_string(),
                lead(&[(Negotiating, "2025-04-01")]),
                Money::from_wan(1),
            ),
        ];
        let groups = by_group(&leads, d("2025-10-01"));
        let longtian = &groups[1];
        assert_eq!(longtian.group, "龙田镇");
        assert_eq!(
            (
                longtian.leads,
                longtian.signed,
                longtian.signed_over_yi,
                longtian.landed,
                longtian.started
            ),
            (3, 2, 1, 1, 1)
        );
        assert_eq!(longtian.signed_amount, Money::from_wan(55_000));
        assert_eq!(longtian.fulfilment_rate(), Some(0.5));
        assert_eq!(groups[0].fulfilment_rate(), None);
        // Before the second signing, one of one had landed.
        let early = by_group(&leads, d("2025-08-31"));
        assert_eq!(early[1].fulfilment_rate(), Some(1.0));
    }
}
