-- One-time links to set a new password (an administrator's reset): only the token's hash is
-- kept, valid a day, used once. Issuing and using one are entries of the audit log.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
