-- One tamper-evident audit log (audit.rs). Every change to an audited table is appended here by a
-- trigger in the same transaction as the change (the triggers are generated from the schema on
-- every start, so a new table or column is audited without a migration of its own). `who`,
-- `source` and `address` come from the transaction's settings gongjian.actor, gongjian.source
-- and gongjian.address, which the application sets at the start of each write; a change made
-- outside the application has none and is recorded as source 'database'. Sealing gives each
-- entry its place in the chain (`seq`) and the SHA-256 of the previous entry's hash and its own
-- content (`hash`).
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
CREATE INDEX audit_log_unsealed ON audit_log(id) WHERE seq IS NULL;
CREATE INDEX audit_log_object ON audit_log(object, object_id);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX audit_log_at ON audit_log(at);

-- Kept so both backends have the same tables; PostgreSQL keeps the context in settings.
CREATE TABLE audit_context (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    actor TEXT,
    source TEXT,
    address TEXT,
    off BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_context (id) VALUES (1);

-- The chain's head: the last sealed entry, and which generated triggers are installed. Sealing
-- locks this row, so entries are chained one transaction after another.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    triggers TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, triggers)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');

-- One trigger function for every audited table: TG_ARGV[0] names the key columns, TG_ARGV[1]
-- the columns kept out of the log (secrets: an update says only that one changed), TG_ARGV[2]
-- the binary columns, recorded by their size.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
    n jsonb;
    k text;
    changed boolean;
    key text := '';
BEGIN
    IF coalesce(current_setting('gongjian.audit_off', true), '') = '1' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND to_jsonb(OLD) = to_jsonb(NEW) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
    IF TG_ARGV[1] <> '' THEN
        FOREACH k IN ARRAY string_to_array(TG_ARGV[1], ',') LOOP
            changed := TG_OP = 'UPDATE' AND (o -> k) IS DISTINCT FROM (n -> k);
            o := o - k;
            n := n - k;
            IF changed THEN
                n := n || jsonb_build_object(k, 'changed');
            END IF;
        END LOOP;
    END IF;
    IF TG_ARGV[2] <> '' THEN
        FOREACH k IN ARRAY string_to_array(TG_ARGV[2], ',') LOOP
            IF o IS NOT NULL AND o ->> k IS NOT NULL THEN
                o := o || jsonb_build_object(k, (length(o ->> k) - 2) / 2);
            END IF;
            IF n IS NOT NULL AND n ->> k IS NOT NULL THEN
                n := n || jsonb_build_object(k, (length(n ->> k) - 2) / 2);
            END IF;
        END LOOP;
    END IF;
    FOREACH k IN ARRAY string_to_array(TG_ARGV[0], ',') LOOP
        IF key <> '' THEN key := key || ':'; END IF;
        key := key || coalesce(coalesce(n, o) ->> k, '');
    END LOOP;
    INSERT INTO audit_log (at, actor, source, address, object, object_id, action, old, new)
    VALUES (
        extract(epoch FROM clock_timestamp())::bigint,
        nullif(current_setting('gongjian.actor', true), ''),
        coalesce(nullif(current_setting('gongjian.source', true), ''), 'database'),
        nullif(current_setting('gongjian.address', true), ''),
        TG_TABLE_NAME,
        key,
        lower(TG_OP),
        o::text,
        n::text
    );
    RETURN NULL;
END
$$;
