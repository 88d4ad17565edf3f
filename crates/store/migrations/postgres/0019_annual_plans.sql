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
CREATE FUNCTION gongjian_keep_annual_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annual_plans (project_id, year, plan_fen) VALUES (OLD.id, OLD.plan_year, OLD.annual_plan_fen)
    ON CONFLICT (project_id, year) DO UPDATE SET plan_fen = excluded.plan_fen;
    RETURN NULL;
END
$$;
CREATE TRIGGER annual_plans_keep AFTER UPDATE OF plan_year ON projects FOR EACH ROW
WHEN (OLD.plan_year IS NOT NULL AND OLD.plan_year IS DISTINCT FROM NEW.plan_year)
EXECUTE FUNCTION gongjian_keep_annual_plan();
CREATE CONSTRAINT TRIGGER generation_annual_plans AFTER INSERT OR UPDATE OR DELETE ON annual_plans DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
