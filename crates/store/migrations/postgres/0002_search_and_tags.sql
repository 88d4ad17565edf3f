-- Search on name, content and code: character bigrams (see domain::search) as a tsvector the
-- store writes in the same transaction as the project; the GIN index answers phrase queries.
CREATE TABLE project_search (
    project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    terms TSVECTOR NOT NULL
);
CREATE INDEX project_search_terms ON project_search USING GIN (terms);

-- One row per tag of a project, so the tag filter is an index lookup (projects.tags keeps the
-- list for display).
CREATE TABLE project_tags (
    tag TEXT NOT NULL,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, project_id)
);
CREATE INDEX project_tags_project ON project_tags(project_id);

-- Projects whose derived rows (search, tags) are still to be written: the projects that exist
-- when this migration runs. Store::migrate drains it.
CREATE TABLE project_index_backlog (project_id BIGINT PRIMARY KEY);
INSERT INTO project_index_backlog (project_id) SELECT id FROM projects;
