//! Packed columns read in place: stored days as `yyyymmdd` numbers, stages, texts.

use chrono::{Datelike, NaiveDate};

/// A stored `YYYY-MM-DD` (or NULL) read from a packed column as the number `yyyymmdd`, in
/// place: no string is allocated. Text that is not such a day reads as none.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Day(pub(crate) Option<i64>);

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        text_in_place(deserializer, |text| Day(text.and_then(ymd_text_number)))
    }
}

/// A text or null of a packed column, read in place by `read` (serde_json borrows a string
/// without escapes from the input).
pub(crate) fn text_in_place<'de, D, T>(
    deserializer: D,
    read: fn(Option<&str>) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visit<T>(fn(Option<&str>) -> T);
    impl<'de, T> serde::de::Visitor<'de> for Visit<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a text, or null")
        }
        fn visit_none<E>(self) -> Result<T, E> {
            Ok((self.0)(None))
        }
        fn visit_unit<E>(self) -> Result<T, E> {
            Ok((self.0)(None))
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E>(self, text: &str) -> Result<T, E> {
            Ok((self.0)(Some(text)))
        }
    }
    deserializer.deserialize_option(Visit(read))
}

/// `YYYY-MM-DD` as `yyyymmdd`, checked to be a day of the calendar.
pub(crate) fn ymd_text_number(text: &str) -> Option<i64> {
    ymd_bytes_number(text.as_bytes())
}

/// [`ymd_text_number`] of bytes: digits and the ranges checked here, the calendar only for
/// the 29th–31st (a million projects' four days each add up).
pub(crate) fn ymd_bytes_number(b: &[u8]) -> Option<i64> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *b else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
    let year = digit(y1)? * 1000 + digit(y2)? * 100 + digit(y3)? * 10 + digit(y4)?;
    let month = digit(m1)? * 10 + digit(m2)?;
    let day = digit(d1)? * 10 + digit(d2)?;
    let n = year * 10_000 + month * 100 + day;
    match (month, day) {
        (1..=12, 1..=28) => Some(n),
        (1..=12, 29..=31) => number_date(n).map(|_| n),
        _ => None,
    }
}

/// A stored stage read from a packed column as whether it is 计划开工 (`to_start`), in place.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ToStart(pub(crate) bool);

impl<'de> serde::Deserialize<'de> for ToStart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ToStart, D::Error> {
        text_in_place(deserializer, |text| ToStart(text == Some("to_start")))
    }
}

/// A day as the number `yyyymmdd`.
pub(crate) fn ymd_number(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day())
}

/// The day of a `yyyymmdd` number (none if it is not a day).
pub(crate) fn number_date(n: i64) -> Option<NaiveDate> {
    let year = i32::try_from(n / 10_000).ok()?;
    let month = u32::try_from(n / 100 % 100).ok()?;
    let day = u32::try_from(n % 100).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}
