-- A user's region scope (SPEC §3.10, issue 17): a user with a region reads and acts on the
-- projects of that region and the regions under it only; NULL is no region scope.
ALTER TABLE users ADD COLUMN region_id BIGINT REFERENCES regions(id);
