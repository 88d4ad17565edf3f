-- A workbook uploaded to the import page, kept between its check (a dry run, which writes
-- nothing of it) and the confirmation that imports it, so the clerk does not choose the file
-- twice and every instance finds it. Each belongs to the user who uploaded it; kept a day.
CREATE TABLE kept_uploads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    period TEXT,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX kept_uploads_created ON kept_uploads(created_at);
