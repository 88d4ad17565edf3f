-- The report workflow: a responsible unit saves (draft) and submits; the lead office approves
-- (which locks the report) or returns it with a reason. A correction of a locked report is a
-- new revision: the values it replaces are kept in report_revisions with who, when and why.
-- Every step is a row of report_events. status: draft | submitted | returned | approved.
ALTER TABLE reports ADD COLUMN stage TEXT;
ALTER TABLE reports ADD COLUMN problems TEXT;
ALTER TABLE reports ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE reports ADD COLUMN reviewed_at BIGINT;
ALTER TABLE reports ADD COLUMN reviewed_by BIGINT REFERENCES users(id);
ALTER TABLE reports ADD COLUMN review_note TEXT;
-- One period's reports (the unit form, the review overview).
CREATE INDEX reports_by_period ON reports(period, project_id);

CREATE TABLE report_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    completed_fen BIGINT NOT NULL,
    ytd_fen BIGINT NOT NULL,
    started BIGINT NOT NULL,
    actual_start TEXT,
    stage TEXT,
    progress TEXT,
    problems TEXT,
    replaced_at BIGINT NOT NULL,
    replaced_by BIGINT REFERENCES users(id),
    reason TEXT NOT NULL,
    UNIQUE (report_id, revision)
);

CREATE TABLE report_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    note TEXT
);
CREATE INDEX report_events_by_report ON report_events(report_id, id);
