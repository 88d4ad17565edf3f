-- What status figures are computed from changes only with these tables; every change bumps
-- data_generation.n in the same transaction (one bump per statement), so a status computed at
-- generation n is current as long as n is (Store::status caches on it, across instances).
-- The reports index covers the status probes (latest year to date, started, on-time count).
CREATE TABLE data_generation (id BIGINT PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO data_generation (id, n) VALUES (1, 0);
DROP INDEX reports_by_end;
CREATE INDEX reports_by_end ON reports(project_id, period_end, status, ytd_fen, started, late);
CREATE FUNCTION gongjian_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER generation_projects AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects FOR EACH STATEMENT EXECUTE FUNCTION gongjian_bump_generation();
CREATE TRIGGER generation_reports AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reports FOR EACH STATEMENT EXECUTE FUNCTION gongjian_bump_generation();
CREATE TRIGGER generation_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units FOR EACH STATEMENT EXECUTE FUNCTION gongjian_bump_generation();
CREATE TRIGGER generation_approval_plans AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON approval_plans FOR EACH STATEMENT EXECUTE FUNCTION gongjian_bump_generation();
CREATE TRIGGER generation_approval_nodes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON approval_nodes FOR EACH STATEMENT EXECUTE FUNCTION gongjian_bump_generation();
CREATE TRIGGER generation_calendar_years AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_years FOR EACH STATEMENT EXECUTE FUNCTION gongjian_bump_generation();
