//! 异常提示: figures of a report that cannot be right (errors, refused) or that the reviewer
//! should look at before approving (warnings). One check serves the report form, the import and
//! the review page, so a sheet, a form and the reviewer see the same flags.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::Money;
use crate::{Bilingual, bi};

/// What is wrong with a report's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Year to date above the project's total investment (error).
    OverTotal,
    /// Year to date below the previous period's (error).
    CumulativeFall,
    /// Period amount and year to date given and not adding up with the previous period (error).
    Mismatch,
    /// A negative period amount (error).
    Negative,
    /// Neither the period amount nor the year to date (error).
    Missing,
    /// No such project (error).
    Unknown,
    /// The same project twice in one filing (error).
    Duplicate,
    /// A correction of an approved report without a reason (error).
    NeedsReason,
    /// An actual start after today (error).
    FutureStart,
    /// Year to date above the annual plan by more than the campaign's factor (warning).
    OverPlan,
    /// A period amount far above the project's usual (warning).
    Spike,
    /// The same non-zero amount for three or more periods in a row (warning).
    Repeated,
}

impl Kind {
    /// The `kind` of a JSON problem.
    pub fn code(self) -> &'static str {
        match self {
            Kind::OverTotal => "over_total",
            Kind::CumulativeFall => "cumulative_fall",
            Kind::Mismatch => "mismatch",
            Kind::Negative => "negative",
            Kind::Missing => "missing",
            Kind::Unknown => "unknown_project",
            Kind::Duplicate => "duplicate",
            Kind::NeedsReason => "needs_reason",
            Kind::FutureStart => "future_start",
            Kind::OverPlan => "over_plan",
            Kind::Spike => "spike",
            Kind::Repeated => "repeated",
        }
    }

    /// Errors refuse the report; warnings are shown and may be approved.
    pub fn is_error(self) -> bool {
        !matches!(self, Kind::OverPlan | Kind::Spike | Kind::Repeated)
    }
}

/// One flag on a report: its kind and what to tell the person (without the project's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: Kind,
    pub message: Bilingual,
}

/// The campaign's factors for warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Year to date above the annual plan × this (default 1.5).
    pub over_plan: Decimal,
    /// A period amount above the average of the year's earlier periods × this (default 5).
    pub spike: Decimal,
    /// This many periods in a row with the same non-zero amount (default 3).
    pub repeats: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            over_plan: Decimal::new(15, 1),
            spike: Decimal::new(5, 0),
            repeats: 3,
        }
    }
}

impl Limits {
    /// Reads the two factors as a settings form gives them; each must be a number above 1.
    pub fn from_text(over_plan: &str, spike: &str) -> Result<Limits, Bilingual> {
        let read = |text: &str, zh: &str, en: &str, default: Decimal| {
            let t = text.trim();
            if t.is_empty() {
                return Ok(default);
            }
            match t.parse::<Decimal>() {
                Ok(d) if d > Decimal::ONE && d <= Decimal::new(1000, 0) => Ok(d.normalize()),
                _ => Err(bi(
                    format!("{zh}“{t}”无效，应为大于 1 的数"),
                    format!("{en} “{t}” must be a number above 1"),
                )),
            }
        };
        let d = Limits::default();
        Ok(Limits {
            over_plan: read(
                over_plan,
                "超年度计划倍数",
                "the over-plan factor",
                d.over_plan,
            )?,
            spike: read(spike, "单期突增倍数", "the spike factor", d.spike)?,
            repeats: d.repeats,
        })
    }
}

fn wan(m: Money) -> String {
    m.wan_display()
}

/// `amount × factor` compared with `value` exactly: is `value` above it?
fn above(value: Money, amount: i128, factor: Decimal) -> bool {
    let scale = 10i128.pow(factor.scale());
    i128::from(value.fen()) * scale > amount * factor.mantissa()
}

/// The period amount and year to date from what a report gives and the previous period's year
/// to date (see [`crate::progress::reconcile`]), each refusal with its kind.
pub fn reconcile(
    previous: Money,
    completed: Option<Money>,
    year_to_date: Option<Money>,
) -> Result<(Money, Money), Flag> {
    let kind = match (completed, year_to_date) {
        (None, None) => Kind::Missing,
        // A year to date below the previous one is a fall, whatever else the row says.
        (_, Some(y)) if y < previous => Kind::CumulativeFall,
        (Some(_), Some(_)) => Kind::Mismatch,
        (None, Some(_)) => Kind::CumulativeFall,
        (Some(_), None) => Kind::Mismatch,
    };
    let (c, y) = crate::progress::reconcile(previous, completed, year_to_date)
        .map_err(|message| Flag { kind, message })?;
    if c.is_negative() {
        let kind = if completed.is_some() && year_to_date.is_none() {
            Kind::Negative
        } else {
            Kind::CumulativeFall
        };
        return Err(Flag {
            kind,
            message: bi(
                "本期完成投资不能为负数",
                "the period's investment cannot be negative",
            ),
        });
    }
    Ok((c, y))
}

/// What a report's figures are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Against<'a> {
    pub total_investment: Option<Money>,
    pub annual_plan: Option<Money>,
    /// The period amounts of the year's earlier counted periods, oldest first.
    pub earlier: &'a [Money],
}

/// Flags on a reconciled report (period amount `completed`, year to date `ytd`).
pub fn check(completed: Money, ytd: Money, against: &Against<'_>, limits: &Limits) -> Vec<Flag> {
    let mut flags = Vec::new();
    if let Some(total) = against.total_investment.filter(|t| t.fen() > 0)
        && ytd > total
    {
        flags.push(Flag {
            kind: Kind::OverTotal,
            message: bi(
                format!(
                    "累计完成投资 {} 万元超过总投资 {} 万元",
                    wan(ytd),
                    wan(total)
                ),
                format!(
                    "year to date {} (10k yuan) is above the total investment {}",
                    wan(ytd),
                    wan(total)
                ),
            ),
        });
    }
    if let Some(plan) = against.annual_plan.filter(|p| p.fen() > 0)
        && above(ytd, i128::from(plan.fen()), limits.over_plan)
    {
        flags.push(Flag {
            kind: Kind::OverPlan,
            message: bi(
                format!(
                    "累计完成投资 {} 万元超过年度计划 {} 万元的 {} 倍",
                    wan(ytd),
                    wan(plan),
                    limits.over_plan
                ),
                format!(
                    "year to date {} (10k yuan) is above {} × the annual plan {}",
                    wan(ytd),
                    limits.over_plan,
                    wan(plan)
                ),
            ),
        });
    }
    let earlier = against.earlier;
    if !earlier.is_empty() {
        let sum: i128 = earlier.iter().map(|m| i128::from(m.fen())).sum();
        let n = earlier.len() as i128;
        // completed > average × factor  ⇔  completed × n > sum × factor
        if sum > 0 {
            let scale = 10i128.pow(limits.spike.scale());
            if i128::from(completed.fen()) * n * scale > sum * limits.spike.mantissa() {
                let average = Money::from_fen(i64::try_from(sum / n).unwrap_or(i64::MAX));
                flags.push(Flag {
                    kind: Kind::Spike,
                    message: bi(
                        format!(
                            "本期完成投资 {} 万元超过本年此前各期平均 {} 万元的 {} 倍",
                            wan(completed),
                            wan(average),
                            limits.spike
                        ),
                        format!(
                            "this period's {} (10k yuan) is above {} × the average {} of the year's earlier periods",
                            wan(completed),
                            limits.spike,
                            wan(average)
                        ),
                    ),
                });
            }
        }
    }
    let before = limits.repeats.saturating_sub(1);
    if completed.fen() != 0
        && before > 0
        && earlier.len() >= before
        && earlier[earlier.len() - before..]
            .iter()
            .all(|m| *m == completed)
    {
        flags.push(Flag {
            kind: Kind::Repeated,
            message: bi(
                format!(
                    "连续 {} 期完成投资均为 {} 万元",
                    limits.repeats,
                    wan(completed)
                ),
                format!(
                    "the same {} (10k yuan) for {} periods in a row",
                    wan(completed),
                    limits.repeats
                ),
            ),
        });
    }
    flags
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn w(wan: i64) -> Money {
        Money::from_wan(wan)
    }

    /// Each flag from the figures that raise it, and none from the figures just under.
    #[test]
    fn flags_as_a_table() {
        let limits = Limits::default();
        let usual = [w(100), w(120), w(80)];
        type Case = (
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            &'static [Money],
            &'static [Kind],
        );
        let cases: &[Case] = &[
            // completed, ytd, total, plan, earlier, flags
            (100, 400, Some(26_900), Some(1000), &[], &[]),
            (
                80_000,
                80_400,
                Some(26_900),
                Some(1000),
                &[],
                &[Kind::OverTotal, Kind::OverPlan],
            ),
            (100, 26_900, Some(26_900), None, &[], &[]),
            (100, 1500, None, Some(1000), &[], &[]),
            (100, 1501, None, Some(1000), &[], &[Kind::OverPlan]),
            (500, 800, None, None, &[], &[]),
        ];
        for (completed, ytd, total, plan, earlier, want) in cases {
            let against = Against {
                total_investment: total.map(w),
                annual_plan: plan.map(w),
                earlier,
            };
            let got: Vec<Kind> = check(w(*completed), w(*ytd), &against, &limits)
                .into_iter()
                .map(|f| f.kind)
                .collect();
            assert_eq!(&got, want, "{completed} {ytd} {total:?} {plan:?}");
        }
        // A spike: five times the usual (100) is not above it; a fen more is.
        let against = Against {
            earlier: &usual,
            ..Against::default()
        };
        assert!(check(w(500), w(800), &against, &limits).is_empty());
        let spike = check(Money::from_fen(w(500).fen() + 1), w(800), &against, &limits);
        assert_eq!(spike[0].kind, Kind::Spike);
        assert!(
            spike[0].message.zh.contains("平均 100.00 万元"),
            "{:?}",
            spike[0]
        );
        // Repeated: the third period of 120 in a row; two are not.
        let repeat = [w(50), w(120), w(120)];
        let against = Against {
            earlier: &repeat,
            ..Against::default()
        };
        let kinds = |c: Money| -> Vec<Kind> {
            check(c, w(1000), &against, &limits)
                .into_iter()
                .map(|f| f.kind)
                .collect()
        };
        assert_eq!(kinds(w(120)), [Kind::Repeated]);
        assert_eq!(kinds(w(121)), []);
        let zeros = [Money::ZERO, Money::ZERO];
        let against = Against {
            earlier: &zeros,
            ..Against::default()
        };
        assert!(check(Money::ZERO, w(0), &against, &limits).is_empty());
    }

    #[test]
    fn refusals_have_kinds() {
        let kind = |c: Option<i64>, y: Option<i64>| {
            reconcile(w(100), c.map(w), y.map(w)).map_err(|f| f.kind)
        };
        assert_eq!(kind(Some(50), None), Ok((w(50), w(150))));
        assert_eq!(kind(None, Some(90)), Err(Kind::CumulativeFall));
        assert_eq!(kind(Some(50), Some(180)), Err(Kind::Mismatch));
        assert_eq!(kind(Some(5), Some(90)), Err(Kind::CumulativeFall));
        assert_eq!(kind(None, None), Err(Kind::Missing));
        assert_eq!(kind(Some(-5), None), Err(Kind::Negative));
    }

    #[test]
    fn factors_from_a_form() {
        let l = Limits::from_text("2", "").unwrap();
        assert_eq!(
            (l.over_plan, l.spike),
            (Decimal::new(2, 0), Decimal::new(5, 0))
        );
        for bad in ["1", "0.5", "x", "-3"] {
            assert!(Limits::from_text(bad, "").is_err(), "{bad}");
            assert!(Limits::from_text("", bad).is_err(), "{bad}");
        }
    }
}
