-- 异常提示: the campaign's factors for a report's warnings (year to date above the annual plan
-- × over_plan_factor; a period amount above the year's earlier average × spike_factor). NULL:
-- the defaults (1.5 and 5).
ALTER TABLE campaigns ADD COLUMN over_plan_factor TEXT;
ALTER TABLE campaigns ADD COLUMN spike_factor TEXT;
