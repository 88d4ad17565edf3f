-- Each year keeps its own annual plan per project. A project's row holds the plan of its
-- plan_year (计划年度); when plan_year moves on (a new year's ledger sheet, or the campaign
-- carried over to the next year), the plan it had is kept here for its year, by any path, in
-- the same statement. A status as of a date in another year than a project's plan_year reads
-- that year's plan from here (none: the project is not rated that year).
CREATE TABLE annual_plans (
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    plan_fen BIGINT,
    PRIMARY KEY (project_id, year)
);
CREATE INDEX annual_plans_by_year ON annual_plans(year, project_id);
CREATE INDEX projects_by_plan_year ON projects(plan_year);
CREATE TRIGGER annual_plans_keep AFTER UPDATE OF plan_year ON projects
WHEN OLD.plan_year IS NOT NULL AND (NEW.plan_year IS NULL OR NEW.plan_year <> OLD.plan_year)
BEGIN
    INSERT INTO annual_plans (project_id, year, plan_fen) VALUES (OLD.id, OLD.plan_year, OLD.annual_plan_fen)
    ON CONFLICT (project_id, year) DO UPDATE SET plan_fen = excluded.plan_fen;
END;
CREATE TRIGGER generation_annual_plans_insert AFTER INSERT ON annual_plans BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_annual_plans_update AFTER UPDATE ON annual_plans BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_annual_plans_delete AFTER DELETE ON annual_plans BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
