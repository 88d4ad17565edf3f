-- Packed copies of what a status reads (Store::summarised, status_blocks.rs), by blocks of 1024
-- project ids: part 'ledger' (year 0) holds the ledger columns of a status, part 'summary' a
-- year's report_summary rows. A status reads a block from here unless a change has marked it
-- stale, and reads stale or missing blocks from the tables, then writes them back.
-- Every change of projects or report_summary inserts its blocks' marks in its own transaction,
-- by statement triggers (one row per block and statement, never updating a mark: writers take
-- no locks here). A status deletes marks only while it holds data_generation's row, after
-- checking that nothing committed since its snapshot; so no mark of a change it has not seen is
-- ever deleted, and a block without a mark is the block of the tables.
CREATE TABLE status_blocks (
    part TEXT NOT NULL,
    year BIGINT NOT NULL,
    block BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (part, year, block)
);
-- Stored uncompressed: reading them is the point, and they hardly compress.
ALTER TABLE status_blocks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE status_blocks_stale (
    part TEXT NOT NULL,
    year BIGINT NOT NULL,
    block BIGINT NOT NULL
);
CREATE INDEX status_blocks_stale_by_block ON status_blocks_stale (part, year, block);

CREATE FUNCTION gongjian_stale_ledger_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_blocks_stale (part, year, block)
    SELECT DISTINCT 'ledger', 0, id / 1024 FROM new_rows;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_stale_ledger_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_blocks_stale (part, year, block)
    SELECT DISTINCT 'ledger', 0, id / 1024 FROM old_rows;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_stale_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_blocks_stale (part, year, block)
    SELECT 'ledger', 0, id / 1024 FROM new_rows UNION SELECT 'ledger', 0, id / 1024 FROM old_rows;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_stale_summary_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_blocks_stale (part, year, block)
    SELECT DISTINCT 'summary', year, project_id / 1024 FROM new_rows;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_stale_summary_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_blocks_stale (part, year, block)
    SELECT DISTINCT 'summary', year, project_id / 1024 FROM old_rows;
    RETURN NULL;
END
$$;
CREATE FUNCTION gongjian_stale_summary_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_blocks_stale (part, year, block)
    SELECT 'summary', year, project_id / 1024 FROM new_rows
     UNION SELECT 'summary', year, project_id / 1024 FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER status_stale_projects_insert AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_stale_ledger_new();
CREATE TRIGGER status_stale_projects_update AFTER UPDATE ON projects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_stale_ledger_changed();
CREATE TRIGGER status_stale_projects_delete AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_stale_ledger_old();
CREATE TRIGGER status_stale_summary_insert AFTER INSERT ON report_summary REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_stale_summary_new();
CREATE TRIGGER status_stale_summary_update AFTER UPDATE ON report_summary REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_stale_summary_changed();
CREATE TRIGGER status_stale_summary_delete AFTER DELETE ON report_summary REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gongjian_stale_summary_old();
