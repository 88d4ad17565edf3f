//! The working-day calendar: the compiled-in years plus the years imported into the database.

use domain::calendar::{HolidayYear, WorkCalendar, builtin_years};

use crate::{Result, Store, StoreError, now};

impl Store {
    /// Years imported with `gongjian calendar import`, as parsed files.
    pub async fn imported_calendar_years(&self) -> Result<Vec<HolidayYear>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT year, source FROM calendar_years ORDER BY year")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|(_, source)| HolidayYear::from_json(&source).map_err(StoreError::Calendar))
            .collect()
    }

    /// The calendar every working-day rule uses: built-in years, replaced or extended by the
    /// imported ones.
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let mut years = builtin_years().map_err(StoreError::Calendar)?;
        years.extend(self.imported_calendar_years().await?);
        WorkCalendar::new(years).map_err(StoreError::Calendar)
    }

    /// Adds or replaces one year from a holiday-cn JSON file. The file is checked whole first
    /// (and the calendar rebuilt with it); a bad file changes nothing.
    pub async fn import_calendar_year(&self, source: &str) -> Result<HolidayYear> {
        let year = HolidayYear::from_json(source).map_err(StoreError::Calendar)?;
        let mut years = builtin_years().map_err(StoreError::Calendar)?;
        years.extend(self.imported_calendar_years().await?);
        years.push(year.clone());
        WorkCalendar::new(years).map_err(StoreError::Calendar)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM calendar_years WHERE year = $1")
            .bind(i64::from(year.year))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO calendar_years (year, source, imported_at) VALUES ($1, $2, $3)")
            .bind(i64::from(year.year))
            .bind(source)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(year)
    }
}
