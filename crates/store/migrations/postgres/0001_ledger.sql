-- The ledger (台账): regions, units, users and their sessions, projects and the history of every field.
-- Money is BIGINT fen; dates are TEXT 'YYYY-MM-DD'; timestamps are BIGINT unix seconds (UTC);
-- flags are BIGINT 0/1. Lists (tags, funding sources) are TEXT '|a|b|' so one LIKE finds an item.

CREATE TABLE regions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT UNIQUE,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES regions(id),
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX regions_name ON regions(name);

CREATE TABLE units (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    region_id BIGINT REFERENCES regions(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE projects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    code TEXT UNIQUE,
    name TEXT NOT NULL,
    category TEXT,
    stage TEXT,
    -- Natural order of the stage (谋划 = 1 … 投产 = 7) and level (省 = 1 … 县 = 3), kept by the
    -- application beside the code so sorting by them can use an index.
    stage_rank BIGINT,
    level TEXT,
    level_rank BIGINT,
    tags TEXT NOT NULL DEFAULT '',
    industry TEXT,
    region_id BIGINT REFERENCES regions(id),
    unit_id BIGINT REFERENCES units(id),
    lead_department_id BIGINT REFERENCES units(id),
    linked_leader TEXT,
    service_officer TEXT,
    content TEXT,
    total_investment_fen BIGINT,
    annual_plan_fen BIGINT,
    plan_year BIGINT,
    period_start TEXT,
    period_end TEXT,
    planned_start TEXT,
    planned_completion TEXT,
    planned_production TEXT,
    actual_start TEXT,
    actual_completion TEXT,
    actual_production TEXT,
    location TEXT,
    funding_sources TEXT NOT NULL DEFAULT '',
    expected_output_fen BIGINT,
    expected_tax_fen BIGINT,
    expected_jobs BIGINT,
    owner TEXT,
    remarks TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id)
);
-- Sort indexes put empty values first ascending (and last descending), which is SQLite's
-- order; PostgreSQL is told the same explicitly so both backends page alike.
CREATE INDEX projects_stage ON projects(stage, id);
CREATE INDEX projects_level ON projects(level, id);
CREATE INDEX projects_unit ON projects(unit_id, id);
CREATE INDEX projects_lead ON projects(lead_department_id, id);
CREATE INDEX projects_region ON projects(region_id, id);
CREATE INDEX projects_industry ON projects(industry NULLS FIRST, id);
CREATE INDEX projects_total ON projects(total_investment_fen NULLS FIRST, id);
CREATE INDEX projects_plan ON projects(annual_plan_fen NULLS FIRST, id);
CREATE INDEX projects_name ON projects(name, id);
CREATE INDEX projects_code_sort ON projects(code NULLS FIRST, id);
CREATE INDEX projects_stage_rank ON projects(stage_rank NULLS FIRST, id);
CREATE INDEX projects_level_rank ON projects(level_rank NULLS FIRST, id);
CREATE INDEX projects_planned_start ON projects(planned_start NULLS FIRST, id);
CREATE INDEX projects_updated ON projects(updated_at, id);
-- The filters clerks combine most (a unit or a stage with an investment range) count from the
-- index alone instead of reading every matching row.
CREATE INDEX projects_unit_total ON projects(unit_id, total_investment_fen NULLS FIRST);
CREATE INDEX projects_stage_total ON projects(stage, total_investment_fen NULLS FIRST);

-- One row per changed field per save: who, when, old -> new, as text a clerk can read.
CREATE TABLE project_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    source TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX project_changes_project ON project_changes(project_id, id);
