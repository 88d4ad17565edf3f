-- Coordination meetings (一周一例会, 专题研究) and their decisions (议定事项). Each decision has an
-- owner unit and a deadline and stays on the next agendas until it is closed off (done). kind:
-- weekly | special. status: open | done. version: the optimistic lock (修改冲突).
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    held_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    minutes TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX meetings_by_day ON meetings(held_on);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    project_id BIGINT REFERENCES projects(id),
    problem_id BIGINT REFERENCES problems(id),
    deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    done_on TEXT,
    done_note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);
CREATE INDEX decisions_open ON decisions(status, deadline);
CREATE INDEX decisions_by_unit ON decisions(unit_id, status);
