-- 分月计划: a project's annual plan by month or by quarter ("M:" and 12 amounts in fen, or "Q:"
-- and 4), kept per year like the plan itself; and the campaign's switch to judge 序时进度 by
-- it (on unless the office turns it off: a ledger without a breakdown is judged by time
-- either way).
ALTER TABLE projects ADD COLUMN plan_phases TEXT;
ALTER TABLE annual_plans ADD COLUMN plan_phases TEXT;
-- A status reads the breakdowns through this: the few projects that have one, not the ledger.
CREATE INDEX projects_with_phases ON projects(id) WHERE plan_phases IS NOT NULL;
ALTER TABLE campaigns ADD COLUMN phased_plan BIGINT NOT NULL DEFAULT 1;
DROP TRIGGER annual_plans_keep;
CREATE TRIGGER annual_plans_keep AFTER UPDATE OF plan_year ON projects
WHEN OLD.plan_year IS NOT NULL AND (NEW.plan_year IS NULL OR NEW.plan_year <> OLD.plan_year)
BEGIN
    INSERT INTO annual_plans (project_id, year, plan_fen, plan_phases)
    VALUES (OLD.id, OLD.plan_year, OLD.annual_plan_fen, OLD.plan_phases)
    ON CONFLICT (project_id, year) DO UPDATE SET plan_fen = excluded.plan_fen, plan_phases = excluded.plan_phases;
END;
