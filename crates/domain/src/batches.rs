//! Batches (issue 19 §3): the 集中开工, 集中签约 and 集中竣工投产 events a campaign holds, and 五个一批 —
//! in a period, a batch each of projects signed, started, completed, put into production and
//! newly planned (签约、开工、竣工、投产、谋划), counted with their investment.

use chrono::NaiveDate;

use crate::money::Money;

coded_enum! {
    /// What a batch event gathers.
    BatchKind {
        /// 集中开工: projects starting together.
        Start = ("start", "集中开工", "Joint groundbreaking", "开工"),
        /// 集中签约: leads signed together.
        Sign = ("sign", "集中签约", "Joint signing", "签约"),
        /// 集中竣工投产: projects completed or put into production together.
        Complete = ("complete", "集中竣工投产", "Joint completion", "竣工投产", "竣工"),
    }
}

coded_enum! {
    /// One of 五个一批.
    FiveKind {
        /// 签约一批: leads signed.
        Signed = ("signed", "签约一批", "Signed"),
        /// 开工一批: projects started.
        Started = ("started", "开工一批", "Started"),
        /// 竣工一批: projects completed.
        Completed = ("completed", "竣工一批", "Completed"),
        /// 投产一批: projects (and leads) put into production.
        Producing = ("producing", "投产一批", "In production"),
        /// 谋划一批: projects and leads newly planned.
        Planned = ("planned", "谋划一批", "Planned"),
    }
}

/// One thing that happened: which of 五个一批 it counts in, when, and the investment it brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Happened {
    pub kind: FiveKind,
    pub on: NaiveDate,
    pub investment: Money,
}

/// One of 五个一批 in a span: how many and their investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiveCount {
    pub kind: FiveKind,
    pub count: usize,
    pub investment: Money,
}

/// 五个一批 from `from` to `to` (both included), every kind in order.
pub fn five_batches(events: &[Happened], from: NaiveDate, to: NaiveDate) -> Vec<FiveCount> {
    FiveKind::ALL
        .iter()
        .map(|&kind| {
            let within = events
                .iter()
                .filter(|e| e.kind == kind && e.on >= from && e.on <= to);
            let (count, fen) = within.fold((0usize, 0i64), |(n, sum), e| {
                (n + 1, sum.saturating_add(e.investment.fen()))
            });
            FiveCount {
                kind,
                count,
                investment: Money::from_fen(fen),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn kinds_read_as_offices_write_them() {
        assert_eq!(BatchKind::parse("集中开工"), Some(BatchKind::Start));
        assert_eq!(BatchKind::parse("竣工投产"), Some(BatchKind::Complete));
        assert_eq!(FiveKind::parse("谋划一批"), Some(FiveKind::Planned));
    }

    /// Each case: the span, then the counts and investment (万元) of the five kinds in order.
    #[test]
    fn five_batches_count_what_happened_in_the_span() {
        use FiveKind::*;
        let e = |kind, on: &str, wan| Happened {
            kind,
            on: d(on),
            investment: Money::from_wan(wan),
        };
        let events = [
            e(Signed, "2025-05-18", 50_000),
            e(Signed, "2025-06-02", 8_000),
            e(Started, "2025-06-30", 12_000),
            e(Started, "2025-07-01", 3_000),
            e(Completed, "2025-06-15", 2_000),
            e(Producing, "2025-04-30", 6_000),
            e(Planned, "2025-06-01", 900),
        ];
        let cases = [
            (
                "2025-06-01",
                "2025-06-30",
                [(1, 8_000), (1, 12_000), (1, 2_000), (0, 0), (1, 900)],
            ),
            (
                "2025-04-01",
                "2025-06-30",
                [(2, 58_000), (1, 12_000), (1, 2_000), (1, 6_000), (1, 900)],
            ),
            (
                "2025-07-01",
                "2025-07-31",
                [(0, 0), (1, 3_000), (0, 0), (0, 0), (0, 0)],
            ),
        ];
        for (from, to, want) in cases {
            let got: Vec<(usize, i64)> = five_batches(&events, d(from), d(to))
                .iter()
                .map(|c| (c.count, c.investment.fen() / 1_000_000))
                .collect();
            assert_eq!(got, want.to_vec(), "{from}..{to}");
        }
    }
}
