-- The obvious greenfield move, in one step. It breaks every instance of the
-- previous version still running (support_contract is gone), rewrites every
-- customer row under a lock, and has no way back.
ALTER TABLE support_customer ADD COLUMN tier text, ADD COLUMN end_date date;
UPDATE support_customer c SET tier = k.tier, end_date = k.end_date
  FROM support_contract k WHERE k.customer_id = c.id;
DROP TABLE support_contract;
