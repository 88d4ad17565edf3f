//! Regions (行政区划) identified by GB/T 2260 six-digit codes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Bilingual, bi};

/// A GB/T 2260 administrative division code: six digits, province (2) + city (2) + county (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(u32);

impl RegionCode {
    pub fn parse(text: &str) -> Result<RegionCode, Bilingual> {
        let t = crate::text::to_half_width(text);
        let t = t.trim();
        let province = t.get(..2).and_then(|p| p.parse::<u32>().ok());
        match (t.len(), t.chars().all(|c| c.is_ascii_digit()), province) {
            (6, true, Some(p)) if (11..=82).contains(&p) => {
                t.parse().map(RegionCode).map_err(|_| unreachable_digits(t))
            }
            _ => Err(bi(
                format!("“{t}”不是有效的行政区划代码（应为6位数字，如 350181）"),
                format!("“{t}” is not a valid GB/T 2260 region code (six digits, e.g. 350181)"),
            )),
        }
    }

    /// The code of the province (省) this region belongs to.
    pub fn province(self) -> RegionCode {
        RegionCode(self.0 / 10_000 * 10_000)
    }

    /// The code of the prefecture-level city (地级市) this region belongs to.
    pub fn city(self) -> RegionCode {
        RegionCode(self.0 / 100 * 100)
    }
}

fn unreachable_digits(t: &str) -> Bilingual {
    bi(
        format!("“{t}”不是有效的行政区划代码"),
        format!("“{t}” is not a valid region code"),
    )
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value).map_err(|e| e.en)
    }
}

impl From<RegionCode> for String {
    fn from(value: RegionCode) -> String {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gbt2260_codes() {
        let fuqing = RegionCode::parse("350181").unwrap();
        assert_eq!(fuqing.to_string(), "350181");
        assert_eq!(fuqing.city().to_string(), "350100");
        assert_eq!(fuqing.province().to_string(), "350000");
        for bad in ["35018", "3501811", "99xxxx", "990000", ""] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
