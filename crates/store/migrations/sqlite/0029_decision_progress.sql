-- 落实情况: what the owner unit reports of carrying a decision out, before the lead office
-- closes it off (销号). The latest report is kept on the decision, with who wrote it and when.
ALTER TABLE decisions ADD COLUMN progress TEXT;
ALTER TABLE decisions ADD COLUMN progress_at BIGINT;
ALTER TABLE decisions ADD COLUMN progress_by BIGINT REFERENCES users(id);
