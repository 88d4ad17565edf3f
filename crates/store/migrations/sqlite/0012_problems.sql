-- Problems (问题专单) raised for projects (see domain::problem). The deadline is kept as the
-- date it falls on (computed on the working-day calendar when it was given as working days,
-- which deadline_workdays remembers). raised_level is where the problem started; level is the
-- level it had reached when it last changed status (an open problem's level on a date is
-- computed from raised_level and its working days overdue). status: open | in_progress |
-- resolved | closed. version: the optimistic lock (修改冲突).
CREATE TABLE problems (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    title TEXT NOT NULL,
    description TEXT,
    category TEXT NOT NULL,
    raised_by BIGINT REFERENCES users(id),
    raised_on TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    deadline TEXT NOT NULL,
    deadline_workdays BIGINT,
    raised_level BIGINT NOT NULL,
    level BIGINT NOT NULL,
    status TEXT NOT NULL,
    resolution TEXT,
    source TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX problems_by_project ON problems(project_id, id);
CREATE INDEX problems_by_unit ON problems(unit_id, status);
CREATE INDEX problems_by_status ON problems(status, deadline);

-- Units that co-handle a problem (协办单位).
CREATE TABLE problem_co_units (
    problem_id BIGINT NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (problem_id, unit_id)
);
CREATE INDEX problem_co_units_by_unit ON problem_co_units(unit_id);

-- Every step of a problem: raise, accept, resolve, confirm, return, reopen, and progress notes
-- (note), with who, when, the status before and after and the words they wrote.
CREATE TABLE problem_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem_id BIGINT NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    level BIGINT NOT NULL,
    note TEXT
);
CREATE INDEX problem_events_by_problem ON problem_events(problem_id, id);
