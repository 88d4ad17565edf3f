-- Files attached to a problem (批复、函件、现场照片): kept in the database like report photos, so a
-- backup of the database is a backup of everything. Type and size are checked before they get
-- here (see web::problems); who may read them is who may read the problem.
CREATE TABLE problem_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem_id BIGINT NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    uploaded_at BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES users(id)
);
CREATE INDEX problem_attachments_by_problem ON problem_attachments(problem_id);
