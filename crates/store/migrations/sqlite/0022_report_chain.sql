-- One chain of figures: a correction of an earlier period recomputes the later periods' year to
-- date; a later report already approved is marked 上期已更正 (prior_corrected = 1) until the
-- lead office confirms it.
ALTER TABLE reports ADD COLUMN prior_corrected BIGINT NOT NULL DEFAULT 0;
