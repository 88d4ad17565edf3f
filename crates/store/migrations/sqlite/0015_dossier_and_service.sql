-- The 5专 dossier and the monthly service push (一月一提升).
-- 工作专班: the people pushing one project, each with a role (组长, 副组长, 成员, 联络员 …) and
-- where they work; `position` keeps the order the office listed them in.
CREATE TABLE project_team (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    workplace TEXT,
    phone TEXT,
    position BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    added_by BIGINT REFERENCES users(id)
);
CREATE INDEX project_team_by_project ON project_team(project_id, position);
-- A 专题研究 meeting may be held on one project (its dossier lists it).
ALTER TABLE meetings ADD COLUMN project_id BIGINT REFERENCES projects(id);
CREATE INDEX meetings_by_project ON meetings(project_id);
CREATE INDEX decisions_by_project ON decisions(project_id);
-- 一月一提升: the service team a lagging project gets for a month ("2025-06"), and the visits
-- (who went, when, what they found, what was promised).
CREATE TABLE service_teams (
    month TEXT NOT NULL,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    leader TEXT NOT NULL,
    members TEXT,
    assigned_at BIGINT NOT NULL,
    assigned_by BIGINT REFERENCES users(id),
    PRIMARY KEY (month, project_id)
);
CREATE TABLE service_visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    visited_on TEXT NOT NULL,
    visitors TEXT NOT NULL,
    found TEXT NOT NULL,
    promised TEXT,
    recorded_at BIGINT NOT NULL,
    recorded_by BIGINT REFERENCES users(id)
);
CREATE INDEX service_visits_by_day ON service_visits(visited_on, project_id);
CREATE INDEX service_visits_by_project ON service_visits(project_id, visited_on);
