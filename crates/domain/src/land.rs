//! 征迁交地 and 入库纳统 (issue 19 §2, §7): when a parcel (地块) counts as delivered or overdue
//! on a date, when a town has cleared its overdue parcels (交地清零), and the lamps a project
//! gets from its land and from its registration in the statistics database (入库).

use chrono::{Months, NaiveDate};

use crate::progress::Light;

/// A parcel's delivery dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Delivery {
    /// 计划交地时间.
    pub planned: Option<NaiveDate>,
    /// 实际交地时间.
    pub actual: Option<NaiveDate>,
}

impl Delivery {
    /// Delivered by `day`: its actual date is on or before it.
    pub fn delivered(&self, day: NaiveDate) -> bool {
        self.actual.is_some_and(|a| a <= day)
    }

    /// Overdue on `day`: not delivered by then and past its planned date.
    pub fn overdue(&self, day: NaiveDate) -> bool {
        !self.delivered(day) && self.planned.is_some_and(|p| p < day)
    }

    /// Days past the planned date on `day`, when overdue.
    pub fn days_overdue(&self, day: NaiveDate) -> Option<i64> {
        if self.overdue(day) {
            self.planned.map(|p| (day - p).num_days())
        } else {
            None
        }
    }
}

/// 交地清零: a town has cleared its land when none of its parcels is overdue.
pub fn cleared(parcels: &[Delivery], day: NaiveDate) -> bool {
    !parcels.iter().any(|p| p.overdue(day))
}

/// A town's land as of a day: its parcels, their area and what of it was delivered, how many
/// are overdue, and whether it has cleared them (交地清零).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownLand {
    pub town: String,
    pub parcels: usize,
    /// Thousandths of a 亩.
    pub area_milli_mu: i64,
    pub delivered_milli_mu: i64,
    pub overdue: usize,
    pub cleared: bool,
}

/// The towns of `parcels` (town, area in thousandths of a 亩, delivery) as of `day`, by name.
pub fn towns(parcels: &[(String, i64, Delivery)], day: NaiveDate) -> Vec<TownLand> {
    let mut by_town: std::collections::BTreeMap<&str, TownLand> = Default::default();
    for (town, area, delivery) in parcels {
        let t = by_town.entry(town).or_insert_with(|| TownLand {
            town: town.clone(),
            parcels: 0,
            area_milli_mu: 0,
            delivered_milli_mu: 0,
            overdue: 0,
            cleared: true,
        });
        t.parcels += 1;
        t.area_milli_mu = t.area_milli_mu.saturating_add(*area);
        if delivery.delivered(day) {
            t.delivered_milli_mu = t.delivered_milli_mu.saturating_add(*area);
        }
        if delivery.overdue(day) {
            t.overdue += 1;
            t.cleared = false;
        }
    }
    by_town.into_values().collect()
}

/// An area in thousandths of a 亩 as a number of 亩.
pub fn mu(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

/// A lamp that turns yellow once a date has passed by a month and red by two: whole calendar
/// months from `since` (the 31st counting to the month's last day), how many have passed.
fn months_lamp(since: NaiveDate, day: NaiveDate) -> Option<(Light, u32)> {
    let passed = (1..)
        .take_while(|m| {
            since
                .checked_add_months(Months::new(*m))
                .is_some_and(|d| d <= day)
        })
        .last()
        .unwrap_or(0);
    match passed {
        0 => None,
        1 => Some((Light::Yellow, 1)),
        n => Some((Light::Red, n)),
    }
}

/// The land lamp of a project on `day`: none while no parcel is overdue; yellow when one is,
/// red once one is a month or more past its planned delivery. With the earliest overdue date.
pub fn land_lamp(parcels: &[Delivery], day: NaiveDate) -> Option<(Light, NaiveDate)> {
    let earliest = parcels
        .iter()
        .filter(|p| p.overdue(day))
        .filter_map(|p| p.planned)
        .min()?;
    let light = match months_lamp(earliest, day) {
        Some(_) => Light::Red,
        None => Light::Yellow,
    };
    Some((light, earliest))
}

/// The 入库 lamp (the 银川 rule): a project started but not registered in the statistics
/// database is yellow one month after its start and red after two; none once registered by
/// `day` or not started by then. With the whole months since the start.
pub fn registration_lamp(
    started: Option<NaiveDate>,
    registered: Option<NaiveDate>,
    day: NaiveDate,
) -> Option<(Light, u32)> {
    let started = started.filter(|s| *s <= day)?;
    if registered.is_some_and(|r| r <= day) {
        return None;
    }
    months_lamp(started, day)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn parcel(planned: Option<&str>, actual: Option<&str>) -> Delivery {
        Delivery {
            planned: planned.map(d),
            actual: actual.map(d),
        }
    }

    /// Each case: planned, actual, the day, delivered, overdue.
    #[test]
    fn a_parcel_is_delivered_or_overdue_on_a_date() {
        let cases = [
            (Some("2025-06-30"), None, "2025-06-30", false, false),
            (Some("2025-06-30"), None, "2025-07-01", false, true),
            (
                Some("2025-06-30"),
                Some("2025-07-10"),
                "2025-07-05",
                false,
                true,
            ),
            (
                Some("2025-06-30"),
                Some("2025-07-10"),
                "2025-07-10",
                true,
                false,
            ),
            (
                Some("2025-06-30"),
                Some("2025-06-01"),
                "2025-05-31",
                false,
                false,
            ),
            (None, None, "2025-12-31", false, false),
        ];
        for (planned, actual, day, delivered, overdue) in cases {
            let p = parcel(planned, actual);
            assert_eq!(p.delivered(d(day)), delivered, "{p:?} {day}");
            assert_eq!(p.overdue(d(day)), overdue, "{p:?} {day}");
        }
        assert_eq!(
            parcel(Some("2025-06-30"), None).days_overdue(d("2025-07-10")),
            Some(10)
        );
    }

    #[test]
    fn a_town_is_cleared_when_nothing_is_overdue_and_the_land_lamp_follows() {
        let town = [
            parcel(Some("2025-06-30"), Some("2025-06-20")),
            parcel(Some("2025-08-15"), None),
        ];
        assert!(cleared(&town, d("2025-08-15")));
        assert!(!cleared(&town, d("2025-08-16")));
        assert_eq!(land_lamp(&town, d("2025-08-15")), None);
        assert_eq!(
            land_lamp(&town, d("2025-08-16")),
            Some((Light::Yellow, d("2025-08-15")))
        );
        assert_eq!(
            land_lamp(&town, d("2025-09-15")),
            Some((Light::Red, d("2025-08-15")))
        );
    }

    /// Each case: started, registered, the day, the lamp.
    #[test]
    fn the_registration_lamp_follows_the_yinchuan_rule() {
        let cases = [
            (Some("2025-03-10"), None, "2025-04-09", None),
            (
                Some("2025-03-10"),
                None,
                "2025-04-10",
                Some((Light::Yellow, 1)),
            ),
            (
                Some("2025-03-10"),
                None,
                "2025-05-10",
                Some((Light::Red, 2)),
            ),
            (Some("2025-03-10"), Some("2025-05-01"), "2025-05-10", None),
            (
                Some("2025-03-10"),
                Some("2025-06-01"),
                "2025-05-10",
                Some((Light::Red, 2)),
            ),
            // Started on the 31st: a month later is the last day of the next month.
            (
                Some("2025-01-31"),
                None,
                "2025-02-28",
                Some((Light::Yellow, 1)),
            ),
            (None, None, "2025-12-31", None),
            (Some("2025-09-01"), None, "2025-08-31", None),
        ];
        for (started, registered, day, expect) in cases {
            assert_eq!(
                registration_lamp(started.map(d), registered.map(d), d(day)),
                expect,
                "{started:?} {registered:?} {day}"
            );
        }
    }

    #[test]
    fn towns_add_up_their_parcels() {
        let p = |planned: &str, actual: Option<&str>| Delivery {
            planned: Some(d(planned)),
            actual: actual.map(d),
        };
        let parcels = [
            (
                "龙田镇".to_string(),
                12_500,
                p("2025-06-30", Some("2025-06-20")),
            ),
            ("龙田镇".to_string(), 7_250, p("2025-08-15", None)),
            ("江镜镇".to_string(), 30_000, p("2025-12-31", None)),
        ];
        let towns = towns(&parcels, d("2025-09-01"));
        assert_eq!(towns.len(), 2);
        let longtian = towns.iter().find(|t| t.town == "龙田镇").unwrap();
        assert_eq!(
            (
                longtian.parcels,
                longtian.area_milli_mu,
                longtian.delivered_milli_mu
            ),
            (2, 19_750, 12_500)
        );
        assert_eq!((longtian.overdue, longtian.cleared), (1, false));
        let jiangjing = towns.iter().find(|t| t.town == "江镜镇").unwrap();
        assert!(jiangjing.cleared);
        assert_eq!(mu(19_750), 19.75);
    }
}
