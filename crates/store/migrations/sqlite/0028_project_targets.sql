-- A fixed window's target per project (攻坚120天: each project's investment to complete within
-- the window), set by the lead office; a project without one is judged against its annual plan
-- × window days / days in the year. Written with the campaign's version bumped, which bumps the
-- data generation the status cache follows.
CREATE TABLE campaign_project_targets (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    investment_fen BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, project_id)
);
