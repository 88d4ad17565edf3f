-- The campaign (攻坚行动): its year or fixed window, theme, reporting cadence, light thresholds
-- and scoring scheme; its key tasks with lead departments; its targets decomposed to units
-- (目标责任分解). The latest active campaign is the one the figures follow.
CREATE TABLE campaigns (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    theme TEXT,
    year BIGINT,
    window_start TEXT,
    window_end TEXT,
    cadence TEXT NOT NULL DEFAULT 'monthly',
    yellow_from_pp TEXT NOT NULL DEFAULT '10',
    red_above_pp TEXT NOT NULL DEFAULT '30',
    start_red_months BIGINT NOT NULL DEFAULT 3,
    scheme TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE campaign_tasks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    lead_unit_id BIGINT REFERENCES units(id)
);

-- Targets in counts of projects (to start, to complete, to put into production) and investment
-- to complete (fen); NULL when the unit has no such target.
CREATE TABLE campaign_targets (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    starts BIGINT,
    completions BIGINT,
    productions BIGINT,
    investment_fen BIGINT,
    PRIMARY KEY (campaign_id, unit_id)
);
CREATE CONSTRAINT TRIGGER generation_campaigns AFTER INSERT OR UPDATE OR DELETE ON campaigns DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gongjian_bump_generation();
