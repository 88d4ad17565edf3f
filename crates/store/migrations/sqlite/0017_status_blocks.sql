-- Packed copies of what a status reads (Store::summarised, status_blocks.rs), by blocks of 1024
-- project ids: part 'ledger' (year 0) holds the ledger columns of a status, part 'summary' a
-- year's report_summary rows. A status reads a block from here unless a change has marked it
-- stale, and reads stale or missing blocks from the tables, then writes them back.
-- Every change of projects or report_summary marks its blocks in its own transaction, by
-- triggers (not by OR IGNORE: in a trigger, the conflict policy of the statement that fired it
-- would win). A status deletes marks only in a write transaction (SQLite's one writer) after
-- checking that nothing committed since its snapshot; so no mark of a change it has not seen is
-- ever deleted, and a block without a mark is the block of the tables.
CREATE TABLE status_blocks (
    part TEXT NOT NULL,
    year INTEGER NOT NULL,
    block INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (part, year, block)
);
CREATE TABLE status_blocks_stale (
    part TEXT NOT NULL,
    year INTEGER NOT NULL,
    block INTEGER NOT NULL,
    PRIMARY KEY (part, year, block)
) WITHOUT ROWID;

CREATE TRIGGER status_stale_projects_insert AFTER INSERT ON projects BEGIN
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'ledger', 0, NEW.id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'ledger' AND year = 0 AND block = NEW.id / 1024);
END;
CREATE TRIGGER status_stale_projects_update AFTER UPDATE ON projects BEGIN
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'ledger', 0, OLD.id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'ledger' AND year = 0 AND block = OLD.id / 1024);
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'ledger', 0, NEW.id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'ledger' AND year = 0 AND block = NEW.id / 1024);
END;
CREATE TRIGGER status_stale_projects_delete AFTER DELETE ON projects BEGIN
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'ledger', 0, OLD.id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'ledger' AND year = 0 AND block = OLD.id / 1024);
END;
CREATE TRIGGER status_stale_summary_insert AFTER INSERT ON report_summary BEGIN
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'summary', NEW.year, NEW.project_id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'summary' AND year = NEW.year AND block = NEW.project_id / 1024);
END;
CREATE TRIGGER status_stale_summary_update AFTER UPDATE ON report_summary BEGIN
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'summary', OLD.year, OLD.project_id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'summary' AND year = OLD.year AND block = OLD.project_id / 1024);
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'summary', NEW.year, NEW.project_id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'summary' AND year = NEW.year AND block = NEW.project_id / 1024);
END;
CREATE TRIGGER status_stale_summary_delete AFTER DELETE ON report_summary BEGIN
    INSERT INTO status_blocks_stale (part, year, block) SELECT 'summary', OLD.year, OLD.project_id / 1024
     WHERE NOT EXISTS (SELECT 1 FROM status_blocks_stale WHERE part = 'summary' AND year = OLD.year AND block = OLD.project_id / 1024);
END;
