-- Every import of a year's holiday arrangements (the State Council notice pasted as text, or a
-- holiday-cn JSON file): who, when, the text as given, the notice's title, and which days
-- changed against the calendar before it (JSON: [{"date", "before", "after", "name"}], before
-- and after "workday" | "off"). calendar_years keeps the year in force, in holiday-cn's shape.
CREATE TABLE calendar_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year BIGINT NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    changes TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    imported_at BIGINT NOT NULL
);
CREATE INDEX calendar_imports_by_year ON calendar_imports(year, id);
