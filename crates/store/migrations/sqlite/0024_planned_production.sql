-- 投产率: the projects planned to be put into production within a year, found by range.
CREATE INDEX projects_planned_production ON projects(planned_production);
