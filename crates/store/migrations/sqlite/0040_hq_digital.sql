-- The command HQ and the 智改数转 track (issue 19 §5, §6): the HQ's working groups (指挥部工作组)
-- with their members and the towns and units each is responsible for (分组包干); a 技改 /
-- 智改数转 project's own figures.

CREATE TABLE hq_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    -- 组长, as the HQ names them.
    leader TEXT,
    duty TEXT,
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE hq_group_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BIGINT NOT NULL REFERENCES hq_groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    workplace TEXT,
    phone TEXT
);
CREATE INDEX hq_group_members_group ON hq_group_members(group_id);

-- 分组包干: a unit (town, park, department) is in the care of one group.
CREATE TABLE hq_group_units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BIGINT NOT NULL REFERENCES hq_groups(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL UNIQUE REFERENCES units(id) ON DELETE CASCADE
);
CREATE INDEX hq_group_units_group ON hq_group_units(group_id);

-- 智改数转: a project's equipment investment (fen), its digitalisation items and the level it
-- aims at (数字化车间, 智能工厂, 智能制造示范 …).
CREATE TABLE project_digital (
    project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    equipment_fen BIGINT NOT NULL DEFAULT 0,
    items TEXT,
    level TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);

-- A campaign's targets for a track (智改数转: projects started and equipment investment).
CREATE TABLE track_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    track TEXT NOT NULL,
    projects_target BIGINT,
    equipment_target_fen BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    UNIQUE (campaign_id, track)
);
