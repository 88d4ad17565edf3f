-- One tamper-evident audit log (audit.rs). Every change to an audited table is appended here by a
-- trigger in the same transaction as the change (the triggers are generated from the schema on
-- every start, so a new table or column is audited without a migration of its own). `who`,
-- `source` and `address` come from `audit_context`, which the application sets at the start of
-- each write and clears when it seals; a change made outside the application finds it empty
-- and is recorded as source 'database'. Sealing gives each entry its place in the chain (`seq`)
-- and the SHA-256 of the previous entry's hash and its own content (`hash`).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq BIGINT UNIQUE,
    at BIGINT NOT NULL,
    actor TEXT,
    source TEXT NOT NULL,
    address TEXT,
    object TEXT NOT NULL,
    object_id TEXT,
    action TEXT NOT NULL,
    old TEXT,
    new TEXT,
    prev_hash TEXT,
    hash TEXT
);
CREATE INDEX audit_log_unsealed ON audit_log(seq, id);
CREATE INDEX audit_log_object ON audit_log(object, object_id);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX audit_log_at ON audit_log(at);

-- SQLite has no session variables; it has one writer, so one row holds the writing
-- transaction's context. `off` = 1 while a restore copies rows that are already audited.
CREATE TABLE audit_context (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    actor TEXT,
    source TEXT,
    address TEXT,
    off BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_context (id) VALUES (1);

-- The chain's head: the last sealed entry, and which generated triggers are installed.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    triggers TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, triggers)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');
