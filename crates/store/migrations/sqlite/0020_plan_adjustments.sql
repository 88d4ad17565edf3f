-- 计划调整: a responsible unit asks, with a reason, to change figures it is judged on (annual
-- plan, total investment, planned start and completion, stage); the lead office approves (the
-- change is written then, source plan_adjustment) or returns it. changes: JSON {"field key":
-- "new value as a form gives it"}. status: pending | approved | returned. The request and the
-- decision are also rows of the project's history (field _adjustment).
CREATE TABLE plan_adjustments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    changes TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX plan_adjustments_by_status ON plan_adjustments(status, id);
CREATE INDEX plan_adjustments_by_project ON plan_adjustments(project_id, id);
-- One pending request per project, however many are filed at once.
CREATE UNIQUE INDEX plan_adjustments_one_pending ON plan_adjustments(project_id) WHERE status = 'pending';
