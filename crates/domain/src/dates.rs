//! Dates as offices write them: Excel serials, "2025-03", "2025.3", "2025年3月", full dates, and
//! spans such as "2024-2026", "2025.3-2027.12" or "2025年3月-2026年6月".
//!
//! A month without a day means its first day when it starts something and its last day when it
//! ends a span; a bare year likewise means 1 January or 31 December.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::text::to_half_width;
use crate::{Bilingual, bi};

/// Whether a partial date is read as the start or the end of the month or year it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// China Standard Time's offset from UTC: eight hours all year (no daylight saving).
pub const CHINA_OFFSET_SECONDS: i64 = 8 * 3600;

/// The Unix time at which `day` begins in China.
pub fn china_day_start(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp() - CHINA_OFFSET_SECONDS)
}

/// A Unix time as China's date and time of day.
pub fn china_datetime(unix: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(unix.checked_add(CHINA_OFFSET_SECONDS)?, 0)
        .map(|t| t.naive_utc())
}

/// Converts an Excel 1900-system serial day number to a date (25569 = 1970-01-01).
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

fn invalid(text: &str) -> Bilingual {
    bi(
        format!(
            "“{}”不是有效日期（可写作 2025-03-15、2025-03、2025.3 或 2025年3月）",
            text.trim()
        ),
        format!(
            "“{}” is not a valid date (write 2025-03-15, 2025-03, 2025.3 or 2025年3月)",
            text.trim()
        ),
    )
}

/// Parses one date, full or partial. Empty text is `Ok(None)`.
pub fn parse_date(text: &str, edge: Edge) -> Result<Option<NaiveDate>, Bilingual> {
    let t = to_half_width(text);
    let t = t.trim();
    if t.is_empty() {
        return Ok(None);
    }
    // A bare number of five digits from 20000 (1954) on is an Excel serial that arrived as text.
    if t.len() == 5
        && t.chars().all(|c| c.is_ascii_digit())
        && let Some(d) = t
            .parse::<f64>()
            .ok()
            .filter(|n| *n >= 20_000.0)
            .and_then(from_excel_serial)
    {
        return Ok(Some(d));
    }
    // Compact "20250315".
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d")
            .map(Some)
            .map_err(|_| invalid(text));
    }
    let parts: Vec<&str> = t
        .split(['-', '.', '/', '年', '月', '日', '号'])
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse::<u32>().ok()).collect();
    let nums = nums.ok_or_else(|| invalid(text))?;
    let year = |y: u32| -> Result<i32, Bilingual> {
        if (1900..=2200).contains(&y) {
            Ok(y as i32)
        } else {
            Err(invalid(text))
        }
    };
    let date = match nums.as_slice() {
        [y] => {
            let y = year(*y)?;
            match edge {
                Edge::Start => NaiveDate::from_ymd_opt(y, 1, 1),
                Edge::End => NaiveDate::from_ymd_opt(y, 12, 31),
            }
        }
        [y, m] => {
            let y = year(*y)?;
            match edge {
                Edge::Start => NaiveDate::from_ymd_opt(y, *m, 1),
                Edge::End if (1..=12).contains(m) => last_day_of_month(y, *m),
                Edge::End => None,
            }
        }
        [y, m, d] => NaiveDate::from_ymd_opt(year(*y)?, *m, *d),
        _ => None,
    };
    date.map(Some).ok_or_else(|| invalid(text))
}

/// Parses a span "2024-2026", "2025.3-2027.12", "2025年3月-2026年6月", "2025-03-01至2026-12-31".
pub fn parse_span(text: &str) -> Result<Option<(NaiveDate, NaiveDate)>, Bilingual> {
    let t = to_half_width(text);
    let t = t.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        bi(
            format!(
                "“{}”不是有效的起止年限（可写作 2024-2026、2025.3-2027.12 或 2025年3月-2026年6月）",
                text.trim()
            ),
            format!(
                "“{}” is not a valid period (write 2024-2026, 2025.3-2027.12 or 2025年3月-2026年6月)",
                text.trim()
            ),
        )
    };
    let check = |a: &str, b: &str| -> Option<(NaiveDate, NaiveDate)> {
        let start = parse_date(a, Edge::Start).ok()??;
        let end = parse_date(b, Edge::End).ok()??;
        Some((start, end))
    };
    for sep in ["至", "到", "~", "—", "–", "--"] {
        if let Some((a, b)) = t.split_once(sep) {
            let (s, e) = check(a, b).ok_or_else(bad)?;
            return ordered(s, e, text);
        }
    }
    // '-' both separates the span and may sit inside each date: try every split point.
    for (i, _) in t.match_indices('-') {
        if let Some((s, e)) = check(&t[..i], &t[i + 1..]) {
            return ordered(s, e, text);
        }
    }
    // A single year or month names a span of itself ("2025" = all of 2025).
    if let (Ok(Some(s)), Ok(Some(e))) = (parse_date(t, Edge::Start), parse_date(t, Edge::End)) {
        return ordered(s, e, text);
    }
    Err(bad())
}

fn ordered(
    s: NaiveDate,
    e: NaiveDate,
    text: &str,
) -> Result<Option<(NaiveDate, NaiveDate)>, Bilingual> {
    if e < s {
        return Err(bi(
            format!("起止年限“{}”的结束早于开始", text.trim()),
            format!("period “{}” ends before it starts", text.trim()),
        ));
    }
    Ok(Some((s, e)))
}

/// Writes a span back in the form the importer reads: months when the span covers whole months.
pub fn format_span(start: NaiveDate, end: NaiveDate) -> String {
    let whole_months = start.day() == 1 && end.succ_opt().is_some_and(|n| n.day() == 1);
    if whole_months {
        format!(
            "{}.{}-{}.{}",
            start.year(),
            start.month(),
            end.year(),
            end.month()
        )
    } else {
        format!("{start}至{end}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_days_begin_at_utc_four_in_the_afternoon_before() {
        let day = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        // 2025-09-30T16:00:00Z.
        assert_eq!(china_day_start(day), 1_759_248_000);
        let t = china_datetime(1_759_248_000).unwrap();
        assert_eq!(
            (t.date(), t.format("%H:%M").to_string()),
            (day, "00:00".into())
        );
        assert_eq!(
            china_datetime(1_759_247_999).unwrap().date(),
            day.pred_opt().unwrap()
        );
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reads_every_written_form() {
        let cases = [
            ("2025-03", "2025-03-01"),
            ("2025.3", "2025-03-01"),
            ("2025年3月", "2025-03-01"),
            ("2025年3月15日", "2025-03-15"),
            ("2025/3/15", "2025-03-15"),
            ("２０２５．３", "2025-03-01"),
            ("2025", "2025-01-01"),
            ("45731", "2025-03-15"),
            ("20250315", "2025-03-15"),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_date(text, Edge::Start).unwrap(),
                Some(d(want)),
                "{text}"
            );
        }
        assert_eq!(
            parse_date("2025-02", Edge::End).unwrap(),
            Some(d("2025-02-28"))
        );
        assert_eq!(parse_date(" ", Edge::Start).unwrap(), None);
    }

    #[test]
    fn refuses_impossible_dates() {
        for text in [
            "2025-13",
            "2025-02-30",
            "明年",
            "3月",
            "2025-3-4-5",
            "0025-01",
            "12345",
        ] {
            assert!(parse_date(text, Edge::Start).is_err(), "{text}");
        }
    }

    #[test]
    fn reads_spans() {
        let cases = [
            ("2024-2026", "2024-01-01", "2026-12-31"),
            ("2025.3-2027.12", "2025-03-01", "2027-12-31"),
            ("2025年3月-2026年6月", "2025-03-01", "2026-06-30"),
            ("2025-03-2026-06", "2025-03-01", "2026-06-30"),
            ("2025-03-15至2026-12-31", "2025-03-15", "2026-12-31"),
            ("2024～2026", "2024-01-01", "2026-12-31"),
            ("2025", "2025-01-01", "2025-12-31"),
        ];
        for (text, s, e) in cases {
            assert_eq!(parse_span(text).unwrap(), Some((d(s), d(e))), "{text}");
        }
        assert!(parse_span("2026-2024").is_err());
        assert!(parse_span("两年").is_err());
    }

    #[test]
    fn spans_round_trip_through_their_text() {
        for (s, e) in [("2025-03-01", "2027-12-31"), ("2025-03-15", "2026-01-31")] {
            let text = format_span(d(s), d(e));
            assert_eq!(parse_span(&text).unwrap(), Some((d(s), d(e))), "{text}");
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(25569.0), Some(d("1970-01-01")));
        assert_eq!(from_excel_serial(-3.0), None);
    }
}
