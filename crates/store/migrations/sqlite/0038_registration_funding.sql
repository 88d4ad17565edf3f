-- Money in and 入库 (issue 19 §7): each project's funding by source, planned and arrived, and
-- its registration in the statistics database (入库纳统), whose absence a month after the start
-- lights the 入库 lamp. Parcels and registrations are part of a project's light, so their
-- changes bump the data generation a status is cached on.

-- 入库纳统: one row per project once it is registered (or recorded as not yet), with the date.
CREATE TABLE project_registrations (
    project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    registered_on TEXT,
    -- 统计库项目编码, as the 统计局 gives it.
    stats_code TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
CREATE INDEX project_registrations_on ON project_registrations(registered_on);

-- 资金: a project's funding from one source (专项债, 超长期特别国债, 中央预算内 …), planned and
-- arrived (到位), in fen.
CREATE TABLE project_funding (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    planned_fen BIGINT NOT NULL DEFAULT 0,
    arrived_fen BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    UNIQUE (project_id, source)
);
CREATE INDEX project_funding_source ON project_funding(source);

CREATE TRIGGER generation_parcels_insert AFTER INSERT ON parcels BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_parcels_update AFTER UPDATE ON parcels BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_parcels_delete AFTER DELETE ON parcels BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_project_registrations_insert AFTER INSERT ON project_registrations BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_project_registrations_update AFTER UPDATE ON project_registrations BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER generation_project_registrations_delete AFTER DELETE ON project_registrations BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END;
