//! The working-day calendar: the compiled-in years, the years imported into the database (each
//! import kept with who, when, the text and what changed), and provisional years from the
//! statutory rules for the rest (see `domain::calendar`).

use chrono::NaiveDate;
use domain::calendar::notice::read_calendar_text;
use domain::calendar::{HolidayYear, WorkCalendar, builtin_years};
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError, now};

/// The imported years' rows (year, source) a calendar was built from.
type ImportedRows = Vec<(i64, String)>;

/// The last calendar built and the imported rows it was built from.
#[derive(Clone, Default)]
pub(crate) struct CalendarCache(
    std::sync::Arc<std::sync::Mutex<Option<(ImportedRows, WorkCalendar)>>>,
);

/// One day whose meaning an import changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayChange {
    pub date: NaiveDate,
    /// "workday" or "off".
    pub before: String,
    pub after: String,
    /// The holiday's name after the import (empty for a plain day).
    pub name: String,
}

/// What an import read and what it changes (or changed).
#[derive(Debug, Clone)]
pub struct CalendarImport {
    pub year: HolidayYear,
    /// "notice" (the text as published) or "json" (holiday-cn's shape).
    pub format: &'static str,
    /// The year was provisional before (or already official, and is replaced).
    pub was_provisional: bool,
    pub changes: Vec<DayChange>,
    /// Problems whose deadline in working days the import dated again (0 in a preview).
    pub moved_deadlines: usize,
}

/// One kept import, newest first in lists.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarImportRecord {
    pub id: i64,
    pub year: i32,
    pub format: String,
    pub title: String,
    pub source: String,
    pub changes: Vec<DayChange>,
    pub user: Option<String>,
    pub imported_at: i64,
}

fn kind(calendar: &WorkCalendar, date: NaiveDate) -> Option<&'static str> {
    calendar
        .is_workday(date)
        .ok()
        .map(|w| if w { "workday" } else { "off" })
}

/// The days from the first listed day (a December before the year, for 元旦) to the year's end
/// whose meaning differs between the two calendars.
fn changes(before: &WorkCalendar, after: &WorkCalendar, year: &HolidayYear) -> Vec<DayChange> {
    let Some(end) = NaiveDate::from_ymd_opt(year.year, 12, 31) else {
        return Vec::new();
    };
    let first = year
        .days
        .iter()
        .map(|d| d.date)
        .min()
        .into_iter()
        .chain(NaiveDate::from_ymd_opt(year.year, 1, 1))
        .min();
    let Some(first) = first else {
        return Vec::new();
    };
    first
        .iter_days()
        .take_while(|d| *d <= end)
        .filter_map(|date| {
            let after_kind = kind(after, date)?;
            let before_kind = kind(before, date).unwrap_or("unknown");
            (before_kind != after_kind).then(|| DayChange {
                date,
                before: before_kind.to_string(),
                after: after_kind.to_string(),
                name: after.day_name(date).unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// Reads a year's text and builds the calendars before and after it over the stored `rows`:
/// what the import changes, and the calendar it leaves.
fn plan_import(source: &str, rows: &ImportedRows) -> Result<(CalendarImport, WorkCalendar)> {
    let year = read_calendar_text(source).map_err(StoreError::Calendar)?;
    let format = if source
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        "json"
    } else {
        "notice"
    };
    let mut years = builtin_years().map_err(StoreError::Calendar)?;
    for (_, stored) in rows {
        years.push(HolidayYear::from_json(stored).map_err(StoreError::Calendar)?);
    }
    let before = WorkCalendar::new(years.clone()).map_err(StoreError::Calendar)?;
    years.push(year.clone());
    let after = WorkCalendar::new(years).map_err(StoreError::Calendar)?;
    let import = CalendarImport {
        was_provisional: before.is_provisional(year.year) || !before.years().contains(&year.year),
        changes: changes(&before, &after, &year),
        year,
        format,
        moved_deadlines: 0,
    };
    Ok((import, after))
}

impl Store {
    async fn imported_rows(&self) -> Result<ImportedRows> {
        Ok(
            sqlx::query_as("SELECT year, source FROM calendar_years ORDER BY year")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Years imported with `gongjian calendar import` or the calendar page, as parsed files.
    pub async fn imported_calendar_years(&self) -> Result<Vec<HolidayYear>> {
        self.imported_rows()
            .await?
            .into_iter()
            .map(|(_, source)| HolidayYear::from_json(&source).map_err(StoreError::Calendar))
            .collect()
    }

    /// The calendar every working-day rule uses: built-in years, replaced or extended by the
    /// imported ones, and provisional years from the statutory rules for the rest. Built once
    /// per set of imported years (pages ask for it on every request; building takes about
    /// 0.4 ms, a copy of the last one a few µs).
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let rows = self.imported_rows().await?;
        if let Ok(cache) = self.calendar_cache.0.lock()
            && let Some((built_from, calendar)) = cache.as_ref()
            && *built_from == rows
        {
            return Ok(calendar.clone());
        }
        let mut years = builtin_years().map_err(StoreError::Calendar)?;
        for (_, source) in &rows {
            years.push(HolidayYear::from_json(source).map_err(StoreError::Calendar)?);
        }
        let calendar = WorkCalendar::new(years).map_err(StoreError::Calendar)?;
        if let Ok(mut cache) = self.calendar_cache.0.lock() {
            *cache = Some((rows, calendar.clone()));
        }
        Ok(calendar)
    }

    /// Reads a year (the notice's text or holiday-cn JSON) and works out what it would change,
    /// without writing anything.
    pub async fn preview_calendar_import(&self, source: &str) -> Result<CalendarImport> {
        let rows = self.imported_rows().await?;
        let (import, _) = plan_import(source, &rows)?;
        Ok(import)
    }

    /// Adds or replaces one year, read from the notice's text or a holiday-cn JSON file. The
    /// text is checked whole first (and the calendar rebuilt with it); a bad text changes
    /// nothing. In the same transaction: the year in force, the import kept (who, when, the
    /// text, what changed), and every problem whose deadline was given in working days and
    /// reaches into the year dated again on the new calendar, the move recorded as a step.
    /// Imports take turns (the writer's lock on SQLite, a table lock on PostgreSQL), and each
    /// builds its calendar from the years stored when it holds the turn, so two at once never
    /// re-date deadlines without each other's year.
    pub async fn import_calendar_year(
        &self,
        source: &str,
        user: Option<i64>,
    ) -> Result<CalendarImport> {
        // Checked before any lock is taken; checked again, against the stored years, inside.
        self.preview_calendar_import(source).await?;
        let mut tx = self.begin_write().await?;
        if self.dialect() == crate::Dialect::Postgres {
            sqlx::query("LOCK TABLE calendar_years IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let rows: ImportedRows =
            sqlx::query_as("SELECT year, source FROM calendar_years ORDER BY year")
                .fetch_all(&mut *tx)
                .await?;
        let (mut import, calendar) = plan_import(source, &rows)?;
        let year = &import.year;
        // What is stored must read back, or every later calendar would fail.
        HolidayYear::from_json(&year.to_json()).map_err(StoreError::Calendar)?;
        let changes = serde_json::to_string(&import.changes).unwrap_or_else(|_| "[]".into());
        // One statement, so two imports of a year at once end with the later one, not a
        // key conflict.
        sqlx::query(
            "INSERT INTO calendar_years (year, source, imported_at) VALUES ($1, $2, $3) \
             ON CONFLICT (year) DO UPDATE SET source = excluded.source, imported_at = excluded.imported_at",
        )
        .bind(i64::from(year.year))
        .bind(year.to_json())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO calendar_imports (year, format, title, source, changes, user_id, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(i64::from(year.year))
        .bind(import.format)
        .bind(year.papers.first().cloned().unwrap_or_default())
        .bind(source)
        .bind(changes)
        .bind(user)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let moved =
            crate::problems::redate_workday_deadlines(&mut tx, &calendar, year.year, user).await?;
        self.commit(tx).await?;
        import.moved_deadlines = moved;
        Ok(import)
    }

    /// The imports kept, newest first.
    pub async fn calendar_imports(&self) -> Result<Vec<CalendarImportRecord>> {
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.id, c.year, c.format, c.title, c.source, c.changes, u.display_name, c.imported_at \
             FROM calendar_imports c LEFT JOIN users u ON u.id = c.user_id ORDER BY c.id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, year, format, title, source, changes, user, imported_at)| {
                    CalendarImportRecord {
                        id,
                        year: i32::try_from(year).unwrap_or_default(),
                        format,
                        title,
                        source,
                        // A damaged list of changes hides the list, not the import.
                        changes: serde_json::from_str(&changes).unwrap_or_default(),
                        user,
                        imported_at,
                    }
                },
            )
            .collect())
    }
}
