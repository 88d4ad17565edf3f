-- What a status needs of each project's reports of a year, kept beside them so a status reads one
-- row per project instead of probing the reports (Store::inputs): the latest counted report
-- (submitted or approved; by period_end, then period), the latest counted by the end of March
-- (开门红), and which periods came in on time as bits (months 1–12 are bits 0–11, ten-days
-- 2025-01-1 … 2025-12-3 are bits 12–47). A project with no counted report in a year has no row.
-- Triggers on `reports` keep it in the same transaction as every change, however it is made
-- (filing, review, correction, import, seed, a project deleted with its reports).
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
) WITHOUT ROWID;

-- Inserting (project_id, any day of the year) into this view recomputes that project's row.
CREATE VIEW report_summary_refresh AS SELECT project_id, latest_end AS day FROM report_summary;
CREATE TRIGGER report_summary_refresh_row INSTEAD OF INSERT ON report_summary_refresh BEGIN
    DELETE FROM report_summary
     WHERE year = CAST(substr(NEW.day, 1, 4) AS INTEGER) AND project_id = NEW.project_id;
    INSERT INTO report_summary (year, project_id, latest_end, latest_period, ytd_fen, started, q1_ytd_fen, on_time_mask)
    SELECT CAST(substr(NEW.day, 1, 4) AS INTEGER), r.project_id, r.period_end, r.period, r.ytd_fen, r.started,
           (SELECT q.ytd_fen FROM reports q
             WHERE q.project_id = NEW.project_id
               AND q.period_end >= substr(NEW.day, 1, 4) || '-01-01' AND q.period_end <= substr(NEW.day, 1, 4) || '-03-31'
               AND q.status IN ('submitted', 'approved')
             ORDER BY q.period_end DESC, q.period DESC LIMIT 1),
           (SELECT COALESCE(SUM(1 << CASE WHEN length(m.period) = 7
                                          THEN CAST(substr(m.period, 6, 2) AS INTEGER) - 1
                                          ELSE 8 + 3 * CAST(substr(m.period, 6, 2) AS INTEGER) + CAST(substr(m.period, 9, 1) AS INTEGER)
                                     END), 0)
              FROM reports m
             WHERE m.project_id = NEW.project_id
               AND m.period_end >= substr(NEW.day, 1, 4) || '-01-01' AND m.period_end <= substr(NEW.day, 1, 4) || '-12-31'
               AND m.status IN ('submitted', 'approved') AND m.late = 0)
      FROM reports r
     WHERE r.project_id = NEW.project_id
       AND r.period_end >= substr(NEW.day, 1, 4) || '-01-01' AND r.period_end <= substr(NEW.day, 1, 4) || '-12-31'
       AND r.status IN ('submitted', 'approved')
     ORDER BY r.period_end DESC, r.period DESC LIMIT 1;
END;

CREATE TRIGGER report_summary_insert AFTER INSERT ON reports BEGIN
    INSERT INTO report_summary_refresh (project_id, day) VALUES (NEW.project_id, NEW.period_end);
END;
CREATE TRIGGER report_summary_update AFTER UPDATE OF project_id, period, period_end, status, ytd_fen, started, late ON reports BEGIN
    INSERT INTO report_summary_refresh (project_id, day) VALUES (OLD.project_id, OLD.period_end);
    INSERT INTO report_summary_refresh (project_id, day)
    SELECT NEW.project_id, NEW.period_end
     WHERE NEW.project_id <> OLD.project_id OR substr(NEW.period_end, 1, 4) <> substr(OLD.period_end, 1, 4);
END;
CREATE TRIGGER report_summary_delete AFTER DELETE ON reports BEGIN
    INSERT INTO report_summary_refresh (project_id, day) VALUES (OLD.project_id, OLD.period_end);
END;

-- The reports already there.
INSERT INTO report_summary_refresh (project_id, day)
SELECT DISTINCT project_id, substr(period_end, 1, 4) || '-01-01' FROM reports;
