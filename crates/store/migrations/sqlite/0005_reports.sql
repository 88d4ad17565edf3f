-- Periodic reports (月报 / 旬报): one row per project per period. `period` is the key of
-- domain::progress::Period ("2025-06", "2025-06-1" for 上旬); `period_end` its last day, so
-- "the latest report by a date" is an index range. Amounts in fen: completed in the period and
-- year to date (both always stored; either may have been derived from the other).
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    period_end TEXT NOT NULL,
    completed_fen BIGINT NOT NULL,
    ytd_fen BIGINT NOT NULL,
    started BIGINT NOT NULL DEFAULT 0,
    actual_start TEXT,
    progress TEXT,
    status TEXT NOT NULL DEFAULT 'submitted',
    submitted_at BIGINT,
    submitted_by BIGINT REFERENCES users(id),
    late BIGINT NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (project_id, period)
);
CREATE INDEX reports_by_end ON reports(project_id, period_end);
-- The latest reported period overall (the default "as of" of pages).
CREATE INDEX reports_period_end ON reports(period_end);
