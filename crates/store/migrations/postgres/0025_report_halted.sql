-- 复工率: a report says whether the project is halted (停工, 1) or at work (在建/复工, 0); NULL:
-- not said.
ALTER TABLE reports ADD COLUMN halted BIGINT;
-- The halted reports of a year, found without reading the others.
CREATE INDEX reports_halted ON reports(period_end, project_id) WHERE halted = 1;
