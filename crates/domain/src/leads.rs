//! 招商 leads (issue 19 §1): the stages a lead goes through — 策划生成 → 洽谈 → 签约 → 落地 → 开工
//! → 投产 — each with its date, and the funnel as of a date: a stage counts a lead that had
//! reached it by then (a stage dated after the date is not reached yet; a later stage dated by
//! then means the earlier ones were passed even when their own dates were not written).

use chrono::NaiveDate;

use crate::money::Money;

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

/// One stage of the funnel: the leads that had reached it and their planned investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageCount {
    pub stage: LeadStage,
    pub count: usize,
    pub amount: Money,
}

/// The funnel of `leads` (dates, planned investment) as of `day`, every stage in order.
pub fn funnel(leads: &[(LeadDates, Money)], day: NaiveDate) -> Vec<StageCount> {
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
        let leads = [
            (
                dates(&[(Signed, "2025-05-18"), (Landed, "2025-07-01")]),
                Money::from_wan(50_000),
            ),
            (dates(&[(Signed, "2025-09-08")]), Money::from_wan(20_000)),
            (
                dates(&[(Negotiating, "2025-04-01")]),
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
        let all: Vec<LeadDates> = leads.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            median_days(&all, Signed, Landed, d("2025-12-31")),
            Some(44.0)
        );
        assert_eq!(median_days(&all, Signed, Landed, d("2025-06-30")), None);
    }
}
