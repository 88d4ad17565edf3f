-- The audit chain's head when a ranking was published (audit.rs): printed in its bulletin, so a
-- third party can later check with `gongjian audit verify --expect SEQ:HASH` that nothing
-- recorded before the publication was rewritten.
ALTER TABLE rankings ADD COLUMN audit_seq BIGINT;
ALTER TABLE rankings ADD COLUMN audit_hash TEXT;
