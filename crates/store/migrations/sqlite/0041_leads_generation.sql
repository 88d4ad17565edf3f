-- A unit's 招商 leads count on the ranking (履约率, 签约项目开工率): their changes bump the data
-- generation a status is cached on.
CREATE TRIGGER generation_leads_insert AFTER INSERT ON leads BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_leads_update AFTER UPDATE ON leads BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_leads_delete AFTER DELETE ON leads BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
