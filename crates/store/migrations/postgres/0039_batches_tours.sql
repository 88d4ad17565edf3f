-- Batches and tours (issue 19 §3, §4): the 集中开工 / 集中签约 / 集中竣工投产 events with the
-- projects or leads they gather, and the inspection tours (项目拉练) whose committee scores the
-- projects it visits.

-- A batch event: start | sign | complete (domain::batches::BatchKind).
CREATE TABLE batches (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT,
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX batches_held_on ON batches(held_on);

-- What a batch gathers: a ledger project or a 招商 lead, once each.
CREATE TABLE batch_items (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    project_id BIGINT REFERENCES projects(id) ON DELETE CASCADE,
    lead_id BIGINT REFERENCES leads(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX batch_items_project ON batch_items(batch_id, project_id) WHERE project_id IS NOT NULL;
CREATE UNIQUE INDEX batch_items_lead ON batch_items(batch_id, lead_id) WHERE lead_id IS NOT NULL;

-- A tour: its day, route, committee (members |a|b|) and criteria ("看块头 40、看效益 30、看前景 30").
CREATE TABLE tours (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    route TEXT,
    members TEXT NOT NULL,
    criteria TEXT NOT NULL,
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);

-- The projects a tour visits, in its order.
CREATE TABLE tour_projects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position BIGINT NOT NULL
);
CREATE UNIQUE INDEX tour_projects_once ON tour_projects(tour_id, project_id);

-- One member's score of one project on one criterion (its index), in hundredths (0–10000).
CREATE TABLE tour_scores (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    member TEXT NOT NULL,
    criterion BIGINT NOT NULL,
    score_centi BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
CREATE UNIQUE INDEX tour_scores_once ON tour_scores(tour_id, project_id, member, criterion);
