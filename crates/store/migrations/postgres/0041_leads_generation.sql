-- A unit's 招商 leads count on the ranking (履约率, 签约项目开工率): their changes bump the data
-- generation a status is cached on.
CREATE CONSTRAINT TRIGGER generation_leads AFTER INSERT OR UPDATE OR DELETE ON leads DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
