-- Photos of a report (形象进度照片), kept in the database so a backup of the file is a backup of
-- everything. Size and type are checked before they get here (see web::reports).
CREATE TABLE report_photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    uploaded_at BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES users(id)
);
CREATE INDEX report_photos_by_report ON report_photos(report_id);
-- Monthly investment sums (the overview's chart) read this index alone.
CREATE INDEX reports_by_month ON reports(period_end, status, period, completed_fen);
