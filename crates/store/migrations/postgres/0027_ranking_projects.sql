-- A published ranking's drill-down as published: every project's figures as they were judged
-- (plan, year to date, its own 序时进度, light and why), and the reports they came from (each
-- counted report of the year as "period:revision:version", comma-separated; revision 1 is the
-- report as first filed, each correction of it adds one; the version counts every write),
-- frozen with the ranking.
CREATE TABLE ranking_projects (
    ranking_id BIGINT NOT NULL REFERENCES rankings(id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT,
    region TEXT,
    plan_fen BIGINT,
    ytd_fen BIGINT NOT NULL,
    expected TEXT,
    light TEXT,
    -- No light yet because no lamp is due (未到考核期), as against no plan (不考核).
    not_due BIGINT NOT NULL DEFAULT 0,
    why_zh TEXT NOT NULL,
    why_en TEXT NOT NULL,
    reports TEXT NOT NULL,
    PRIMARY KEY (ranking_id, project_id)
);
CREATE INDEX ranking_projects_by_unit ON ranking_projects(ranking_id, unit);
