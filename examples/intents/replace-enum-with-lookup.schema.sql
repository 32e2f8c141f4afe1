-- The support desk with its tier as an enum, the starting point of replace-enum-with-lookup.yaml.
CREATE TYPE tier_level AS ENUM ('bronze', 'silver', 'gold', 'platinum');
ALTER TABLE support_contract ALTER COLUMN tier TYPE tier_level USING tier::tier_level;
