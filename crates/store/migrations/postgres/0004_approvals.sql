-- A project's approval plan (审批要件): one row per project, the nodes below it. The plan's
-- version guards every node edit, so two editors never overwrite each other.
CREATE TABLE approval_plans (
    project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    template TEXT NOT NULL,
    start_date TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);

-- `node_key` names the node within its plan (a template's node type code, or a key of the
-- clerk's own); `after` lists the keys it waits for, stored `|a|b|`. Durations are working days.
CREATE TABLE approval_nodes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES approval_plans(project_id) ON DELETE CASCADE,
    node_key TEXT NOT NULL,
    name TEXT NOT NULL,
    duration BIGINT NOT NULL,
    after TEXT NOT NULL DEFAULT '',
    department TEXT,
    planned_start TEXT,
    planned_finish TEXT,
    actual_start TEXT,
    actual_finish TEXT,
    document_no TEXT,
    position BIGINT NOT NULL,
    UNIQUE (project_id, node_key)
);
-- What is due: open nodes by planned finish.
CREATE INDEX approval_nodes_due ON approval_nodes(planned_finish) WHERE actual_finish IS NULL;
