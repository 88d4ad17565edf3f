-- 更正申请: a responsible unit's correction of an approved report is a request; the approved
-- figures stay in force until the lead office approves it (then written as the lead office's
-- correction, the old values kept as a revision) or returns it. status: pending | approved |
-- returned.
CREATE TABLE report_corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    completed_fen BIGINT NOT NULL,
    ytd_fen BIGINT NOT NULL,
    started BIGINT NOT NULL,
    actual_start TEXT,
    stage TEXT,
    progress TEXT,
    problems TEXT,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX report_corrections_by_status ON report_corrections(status, id);
CREATE UNIQUE INDEX report_corrections_one_pending ON report_corrections(report_id) WHERE status = 'pending';
