-- What status figures are computed from changes only with these tables; every change bumps
-- data_generation.n in the same transaction, so a status computed at generation n is current as
-- long as n is (Store::status caches on it, across instances sharing one database).
-- The bump is a deferred constraint trigger: it runs at commit, after the transaction holds every
-- other lock it needs, so the one counter row never takes part in a deadlock; a transaction-local
-- setting makes it bump once per transaction however many rows changed.
-- The reports index covers the status probes (latest year to date, started, on-time count).
CREATE TABLE data_generation (id BIGINT PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO data_generation (id, n) VALUES (1, 0);
DROP INDEX reports_by_end;
CREATE INDEX reports_by_end ON reports(project_id, period_end, status, ytd_fen, started, late);
CREATE FUNCTION gongjian_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('gongjian.generation_bumped', true) IS DISTINCT FROM 'yes' THEN
        UPDATE data_generation SET n = n + 1 WHERE id = 1;
        PERFORM set_config('gongjian.generation_bumped', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER generation_projects AFTER INSERT OR UPDATE OR DELETE ON projects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
CREATE CONSTRAINT TRIGGER generation_reports AFTER INSERT OR UPDATE OR DELETE ON reports DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
CREATE CONSTRAINT TRIGGER generation_units AFTER INSERT OR UPDATE OR DELETE ON units DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
CREATE CONSTRAINT TRIGGER generation_approval_plans AFTER INSERT OR UPDATE OR DELETE ON approval_plans DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
CREATE CONSTRAINT TRIGGER generation_approval_nodes AFTER INSERT OR UPDATE OR DELETE ON approval_nodes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
CREATE CONSTRAINT TRIGGER generation_calendar_years AFTER INSERT OR UPDATE OR DELETE ON calendar_years DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
