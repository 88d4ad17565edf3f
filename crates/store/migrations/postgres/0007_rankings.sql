-- Published rankings (亮晒): a frozen copy of the units' figures as they were published. A later
-- publication of the same period is a new revision beside the old one, never an edit of it.
-- `rows` (units) and `regions` are JSON of store::RankingRow in rank order; `expected` the 序时进度 as a decimal.
CREATE TABLE rankings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    revision BIGINT NOT NULL,
    expected TEXT NOT NULL,
    scheme TEXT NOT NULL,
    rows TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '[]',
    note TEXT,
    published_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES users(id),
    UNIQUE (period, revision)
);
