-- Search on name, content and code: character bigrams (see domain::search), indexed by FTS5.
-- Contentless (the project row holds the text); rowid = projects.id; written by the store in
-- the same transaction as the project. The prefix index (4 characters: one encoded character)
-- serves one-character searches.
CREATE VIRTUAL TABLE project_search USING fts5(
    name, content, code,
    content = '', contentless_delete = 1, prefix = '4',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- One row per tag of a project, so the tag filter is an index lookup (projects.tags keeps the
-- list for display).
CREATE TABLE project_tags (
    tag TEXT NOT NULL,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, project_id)
) WITHOUT ROWID;
CREATE INDEX project_tags_project ON project_tags(project_id);

-- Projects whose derived rows (search, tags) are still to be written: the projects that exist
-- when this migration runs. Store::migrate drains it.
CREATE TABLE project_index_backlog (project_id BIGINT PRIMARY KEY);
INSERT INTO project_index_backlog (project_id) SELECT id FROM projects;
