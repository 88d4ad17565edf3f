-- 招商 targets by unit on a campaign (issue 19 §1): leads to sign, of them 亿元以上, and the
-- investment to sign for.
ALTER TABLE campaign_targets ADD COLUMN leads_signed BIGINT;
ALTER TABLE campaign_targets ADD COLUMN leads_over_yi BIGINT;
ALTER TABLE campaign_targets ADD COLUMN signed_investment_fen BIGINT;
