-- What status figures are computed from changes only with these tables; every change bumps
-- data_generation.n in the same transaction, so a status computed at generation n is current as
-- long as n is (Store::status caches on it, across instances sharing one database).
-- The reports index covers the status probes (latest year to date, started, on-time count).
CREATE TABLE data_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO data_generation (id, n) VALUES (1, 0);
DROP INDEX reports_by_end;
CREATE INDEX reports_by_end ON reports(project_id, period_end, status, ytd_fen, started, late);
CREATE TRIGGER generation_projects_insert AFTER INSERT ON projects BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_projects_update AFTER UPDATE ON projects BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_projects_delete AFTER DELETE ON projects BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_reports_insert AFTER INSERT ON reports BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_reports_update AFTER UPDATE ON reports BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_reports_delete AFTER DELETE ON reports BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_units_insert AFTER INSERT ON units BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_units_update AFTER UPDATE ON units BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_units_delete AFTER DELETE ON units BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_approval_plans_insert AFTER INSERT ON approval_plans BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_approval_plans_update AFTER UPDATE ON approval_plans BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_approval_plans_delete AFTER DELETE ON approval_plans BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_approval_nodes_insert AFTER INSERT ON approval_nodes BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_approval_nodes_update AFTER UPDATE ON approval_nodes BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_approval_nodes_delete AFTER DELETE ON approval_nodes BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_calendar_years_insert AFTER INSERT ON calendar_years BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_calendar_years_update AFTER UPDATE ON calendar_years BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_calendar_years_delete AFTER DELETE ON calendar_years BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
