-- Failed sign-ins, by the username tried and the client's address, so further attempts wait
-- (domain::signin). Kept a day. A successful sign-in marks its username's as cleared: they no
-- longer count against the username, but still against the address they came from.
CREATE TABLE sign_in_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT,
    at BIGINT NOT NULL,
    cleared BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_failures_username ON sign_in_failures(username, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures(address, at);

-- When each user last signed in, and whether their password was set by someone else (a reset:
-- a temporary password) and must be changed before anything else.
ALTER TABLE users ADD COLUMN last_sign_in BIGINT;
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;

-- A session also ends after idle time: when it was last used.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;
