-- The other half of the campaign (issue 19): 招商 leads from 策划生成 to 投产, and the parcels
-- (地块) whose 征迁 and delivery (交地) a project waits on.

-- A lead of the 招商项目库. Amounts in fen. The date of each stage as written (NULL: not written);
-- `stage` is the stage it is said to be at (当前阶段) and `stage_recorded_on` the day that was
-- first recorded, from which an undated stage counts. Once landed it may become a ledger project
-- (`project_id`), whose reports then give its 开工 and 投产.
CREATE TABLE leads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    investor TEXT,
    industry TEXT,
    chain TEXT,
    planned_investment_fen BIGINT,
    source TEXT,
    unit_id BIGINT REFERENCES units(id),
    team TEXT,
    stage TEXT NOT NULL,
    stage_recorded_on TEXT NOT NULL,
    planned_on TEXT,
    negotiating_on TEXT,
    signed_on TEXT,
    landed_on TEXT,
    started_on TEXT,
    producing_on TEXT,
    contract_value_fen BIGINT,
    expected_output_fen BIGINT,
    expected_tax_fen BIGINT,
    note TEXT,
    project_id BIGINT UNIQUE REFERENCES projects(id) ON DELETE SET NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX leads_unit ON leads(unit_id);

-- Every change of a lead's stage or dates, and its becoming a project: who, when, what.
CREATE TABLE lead_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    -- create | import | stage | edit | project
    action TEXT NOT NULL,
    from_stage TEXT,
    to_stage TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lead_events_lead ON lead_events(lead_id, id);

-- A parcel to be cleared and delivered: area in thousandths of a 亩, households and graves, the
-- planned and actual delivery (交地) and the town responsible.
CREATE TABLE parcels (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    project_id BIGINT REFERENCES projects(id) ON DELETE SET NULL,
    town_unit_id BIGINT REFERENCES units(id),
    area_milli_mu BIGINT NOT NULL DEFAULT 0,
    households_total BIGINT NOT NULL DEFAULT 0,
    households_signed BIGINT NOT NULL DEFAULT 0,
    households_demolished BIGINT NOT NULL DEFAULT 0,
    graves_total BIGINT NOT NULL DEFAULT 0,
    graves_moved BIGINT NOT NULL DEFAULT 0,
    planned_delivery TEXT,
    actual_delivery TEXT,
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
CREATE UNIQUE INDEX parcels_name ON parcels(project_id, name);
CREATE INDEX parcels_town ON parcels(town_unit_id);
