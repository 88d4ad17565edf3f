-- What a status needs of each project's reports of a year, kept beside them so a status reads one
-- row per project instead of probing the reports (Store::inputs): the latest counted report
-- (submitted or approved; by period_end, then period), the latest counted by the end of March
-- (开门红), and which periods came in on time as bits (months 1–12 are bits 0–11, ten-days
-- 2025-01-1 … 2025-12-3 are bits 12–47). A project with no counted report in a year has no row.
-- Statement triggers on `reports` keep it in the same transaction as every change, however it is
-- made (filing, review, correction, import, seed, a project deleted with its reports).
CREATE TABLE report_summary (
    year BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    latest_end TEXT NOT NULL,
    latest_period TEXT NOT NULL,
    ytd_fen BIGINT NOT NULL,
    started BIGINT NOT NULL,
    q1_ytd_fen BIGINT,
    on_time_mask BIGINT NOT NULL,
    PRIMARY KEY (year, project_id)
);

-- Recomputes the rows of these (project, any day of the year) pairs. Two transactions changing
-- one project's reports take turns: each locks the projects first (NO KEY UPDATE, which the
-- foreign keys' KEY SHARE locks of report inserts do not wait for), and the statements after
-- the lock see what the other committed.
CREATE FUNCTION gongjian_refresh_report_summary(ids BIGINT[], days TEXT[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM projects WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM report_summary s
     USING (SELECT DISTINCT t.id, CAST(substr(t.day, 1, 4) AS BIGINT) AS y FROM unnest(ids, days) AS t(id, day)) k
     WHERE s.year = k.y AND s.project_id = k.id;
    INSERT INTO report_summary (year, project_id, latest_end, latest_period, ytd_fen, started, q1_ytd_fen, on_time_mask)
    SELECT CAST(k.y AS BIGINT), k.id, l.period_end, l.period, l.ytd_fen, l.started,
           (SELECT q.ytd_fen FROM reports q
             WHERE q.project_id = k.id AND q.period_end >= k.y || '-01-01' AND q.period_end <= k.y || '-03-31'
               AND q.status IN ('submitted', 'approved')
             ORDER BY q.period_end DESC, q.period DESC LIMIT 1),
           (SELECT COALESCE(SUM(CAST(1 AS BIGINT) << CASE WHEN length(m.period) = 7
                                                       THEN CAST(substr(m.period, 6, 2) AS INTEGER) - 1
                                                       ELSE 8 + 3 * CAST(substr(m.period, 6, 2) AS INTEGER) + CAST(substr(m.period, 9, 1) AS INTEGER)
                                                  END), 0)
              FROM reports m
             WHERE m.project_id = k.id AND m.period_end >= k.y || '-01-01' AND m.period_end <= k.y || '-12-31'
               AND m.status IN ('submitted', 'approved') AND m.late = 0)
      FROM (SELECT DISTINCT t.id, substr(t.day, 1, 4) AS y FROM unnest(ids, days) AS t(id, day)) k
      JOIN LATERAL (SELECT r.period_end, r.period, r.ytd_fen, r.started FROM reports r
                     WHERE r.project_id = k.id AND r.period_end >= k.y || '-01-01' AND r.period_end <= k.y || '-12-31'
                       AND r.status IN ('submitted', 'approved')
                     ORDER BY r.period_end DESC, r.period DESC LIMIT 1) l ON true;
END
$$;

CREATE FUNCTION gongjian_report_summary_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gongjian_refresh_report_summary(array_agg(project_id), array_agg(period_end)) FROM new_rows;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_report_summary_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gongjian_refresh_report_summary(array_agg(project_id), array_agg(period_end))
       FROM (SELECT project_id, period_end FROM old_rows UNION SELECT project_id, period_end FROM new_rows) AS changed;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_report_summary_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gongjian_refresh_report_summary(array_agg(project_id), array_agg(period_end)) FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_summary_insert AFTER INSERT ON reports REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_report_summary_inserted();
CREATE TRIGGER report_summary_update AFTER UPDATE ON reports REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_report_summary_updated();
CREATE TRIGGER report_summary_delete AFTER DELETE ON reports REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_report_summary_deleted();

-- The reports already there.
SELECT gongjian_refresh_report_summary(array_agg(project_id), array_agg(day))
  FROM (SELECT DISTINCT project_id, substr(period_end, 1, 4) || '-01-01' AS day FROM reports) AS pairs;
