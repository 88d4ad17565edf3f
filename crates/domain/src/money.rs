//! Money, kept exactly as integer fen (分).
//!
//! Offices write amounts in 万元 (10⁴ yuan) and speeches in 亿元 (10⁸ yuan); a sheet may also be
//! in 元. Everything is converted to fen at the edge, so sums are exact on every backend and no
//! binary floating point is ever stored.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::{Deserialize, Serialize};

use crate::text::normalize_number_text;
use crate::{Bilingual, bi};

/// An amount of money in fen (分, 0.01 yuan).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// The unit a sheet or a form states its amounts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AmountUnit {
    /// 元
    Yuan,
    /// 万元, the unit of every ledger.
    Wan,
    /// 亿元, the unit of speeches.
    Yi,
}

impl AmountUnit {
    fn fen_per_unit(self) -> i64 {
        match self {
            AmountUnit::Yuan => 100,
            AmountUnit::Wan => 1_000_000,
            AmountUnit::Yi => 10_000_000_000,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AmountUnit::Yuan => "元",
            AmountUnit::Wan => "万元",
            AmountUnit::Yi => "亿元",
        }
    }

    /// Finds the unit named in a header or a note such as "单位：万元", "（亿元）", "总投资(元)".
    /// Other currencies and scales ("美元", "千元", "百万元") are not ours: `None`, so the caller
    /// reports them instead of reading dollars as yuan.
    pub fn detect(text: &str) -> Option<AmountUnit> {
        const FOREIGN: &[&str] = &[
            "美元",
            "港元",
            "欧元",
            "日元",
            "英镑",
            "千元",
            "百元",
            "百万元",
            "千万元",
            "十万元",
        ];
        if FOREIGN.iter().any(|f| text.contains(f)) {
            None
        } else if text.contains("亿元") || text.contains('亿') && !text.contains('万') {
            Some(AmountUnit::Yi)
        } else if text.contains("万元") || text.contains('万') {
            Some(AmountUnit::Wan)
        } else if text.contains('元') {
            Some(AmountUnit::Yuan)
        } else {
            None
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Whole 万元, for tests and generators.
    pub const fn from_wan(wan: i64) -> Money {
        Money(wan * 1_000_000)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Converts an exact decimal amount in `unit` to fen, rounding half away from zero to the fen.
    pub fn from_decimal(amount: Decimal, unit: AmountUnit) -> Option<Money> {
        let fen = amount.checked_mul(Decimal::from(unit.fen_per_unit()))?;
        fen.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .map(Money)
    }

    /// Converts a spreadsheet number. Excel stores binary doubles, so the value is first read back
    /// as the shortest decimal that prints the same (what Excel shows), then converted exactly.
    pub fn from_f64(amount: f64, unit: AmountUnit) -> Option<Money> {
        if !amount.is_finite() {
            return None;
        }
        let shown = Decimal::from_str(&format!("{amount}"))
            .ok()
            .or_else(|| Decimal::from_f64(amount))?;
        Money::from_decimal(shown, unit)
    }

    /// Parses an amount typed by a person: "1,234.5", "１２３４", " 12 ", "-3". Empty text is `None`.
    pub fn parse(text: &str, unit: AmountUnit) -> Result<Option<Money>, Bilingual> {
        let cleaned = normalize_number_text(text);
        if cleaned.is_empty() {
            return Ok(None);
        }
        if !crate::text::commas_group_thousands(&cleaned) {
            return Err(bi(
                format!(
                    "“{}”中的逗号不是千位分隔：小数请用小数点（如 1.2），千位请每三位一逗号（如 1,200）",
                    text.trim()
                ),
                format!(
                    "the comma in “{}” does not group thousands: write decimals with a point (1.2) and thousands in threes (1,200)",
                    text.trim()
                ),
            ));
        }
        let amount = Decimal::from_str(&cleaned).map_err(|_| {
            bi(
                format!("“{}”不是有效的金额数字", text.trim()),
                format!("“{}” is not a valid amount", text.trim()),
            )
        })?;
        Money::from_decimal(amount, unit).map(Some).ok_or_else(|| {
            bi(
                format!("金额“{}”超出范围", text.trim()),
                format!("amount “{}” is out of range", text.trim()),
            )
        })
    }

    /// The amount as an exact decimal in `unit`.
    pub fn in_unit(self, unit: AmountUnit) -> Decimal {
        (Decimal::from(self.0) / Decimal::from(unit.fen_per_unit())).normalize()
    }

    /// 万元 as a plain decimal string without trailing zeros: "12345.6", for forms and exports.
    pub fn wan_string(self) -> String {
        self.in_unit(AmountUnit::Wan).to_string()
    }

    /// 万元 as f64, for JSON summaries and charts only; never stored or summed.
    pub fn wan_f64(self) -> f64 {
        self.in_unit(AmountUnit::Wan).to_f64().unwrap_or(0.0)
    }

    /// 万元 for display: two decimals, thousands separated: "12,345.60".
    pub fn wan_display(self) -> String {
        group_thousands(&format!(
            "{:.2}",
            self.in_unit(AmountUnit::Wan)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        ))
    }

    /// 亿元 for speeches: two decimals: "102.35".
    pub fn yi_display(self) -> String {
        format!(
            "{:.2}",
            self.in_unit(AmountUnit::Yi)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        )
    }
}

impl std::iter::Sum for Money {
    /// Saturates instead of overflowing: a sum beyond ±9.2×10¹⁰ 万元 is nonsense input anyway,
    /// and must not crash the report that points at it.
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.fold(0i64, |acc, m| acc.saturating_add(m.0)))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 万元", self.wan_display())
    }
}

fn group_thousands(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(number.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_clerks_type() {
        let wan = |s| Money::parse(s, AmountUnit::Wan).unwrap().unwrap().fen();
        assert_eq!(wan("1,234.5"), 1_234_500_000);
        assert_eq!(wan("１２３４"), 1_234_000_000);
        assert_eq!(wan("  12  "), 12_000_000);
        assert_eq!(wan("0.0001"), 100);
        assert_eq!(Money::parse("", AmountUnit::Wan).unwrap(), None);
        assert!(Money::parse("abc", AmountUnit::Wan).is_err());
        assert!(Money::parse("1.2.3", AmountUnit::Wan).is_err());
        // A comma is a thousands separator or an error, never a decimal mark nor dropped.
        for bad in ["1,2", "1,5", "1，5", "12,34.5", "1234,567"] {
            let e = Money::parse(bad, AmountUnit::Yi).unwrap_err();
            assert!(
                e.zh.contains("千位分隔") && e.en.contains("thousands"),
                "{bad}"
            );
        }
        assert_eq!(wan("1,200"), 1_200_000_000);
        assert_eq!(wan("１，２００．５"), 1_200_500_000);
        // Chinese numerals are errors, never partly read.
        for bad in ["三千", "1千", "一百二十"] {
            assert!(Money::parse(bad, AmountUnit::Wan).is_err(), "{bad}");
        }
    }

    #[test]
    fn converts_units_exactly() {
        assert_eq!(
            Money::parse("1.5", AmountUnit::Yi).unwrap().unwrap(),
            Money::from_wan(15_000)
        );
        assert_eq!(
            Money::parse("12345678", AmountUnit::Yuan).unwrap().unwrap(),
            Money::from_fen(1_234_567_800)
        );
        assert_eq!(
            Money::from_f64(0.1 + 0.2, AmountUnit::Wan),
            Money::from_f64(0.3, AmountUnit::Wan)
        );
        assert_eq!(Money::from_f64(f64::NAN, AmountUnit::Wan), None);
    }

    #[test]
    fn displays_in_wan_and_yi() {
        let m = Money::from_fen(123_456_789_123);
        assert_eq!(m.wan_display(), "123,456.79");
        assert_eq!(m.wan_string(), "123456.789123");
        assert_eq!(Money::from_wan(1_020_000).yi_display(), "102.00");
        assert_eq!(Money::from_wan(-1500).wan_display(), "-1,500.00");
    }

    #[test]
    fn detects_units_in_headers() {
        assert_eq!(AmountUnit::detect("单位：万元"), Some(AmountUnit::Wan));
        assert_eq!(AmountUnit::detect("（亿元）"), Some(AmountUnit::Yi));
        assert_eq!(AmountUnit::detect("总投资(元)"), Some(AmountUnit::Yuan));
        assert_eq!(AmountUnit::detect("项目名称"), None);
        for foreign in ["单位：美元", "（千元）", "百万元", "港元"] {
            assert_eq!(AmountUnit::detect(foreign), None, "{foreign}");
        }
    }
}
