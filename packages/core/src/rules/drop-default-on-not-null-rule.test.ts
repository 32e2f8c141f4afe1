import { describe, expect, it } from 'vitest';
import { dropDefaultOnNotNullRule as rule } from './drop-default-on-not-null-rule.js';
import { runRule } from './rule-test-kit.js';

describe('drop-default-on-not-null', () => {
  const cases: [string, string, number][] = [
    ['DROP DEFAULT on a NOT NULL column with a default', 'ALTER TABLE support_customer ALTER COLUMN tenant DROP DEFAULT;', 1],
    ['SET DEFAULT NULL is the same', 'ALTER TABLE support_customer ALTER COLUMN tenant SET DEFAULT NULL;', 1],
    ['a column added NOT NULL DEFAULT by the same migration (Django)', "BEGIN;\nALTER TABLE support_contract ADD COLUMN code varchar(13) DEFAULT '' NOT NULL;\nALTER TABLE support_contract ALTER COLUMN code DROP DEFAULT;\nCOMMIT;", 1],
    ['safe: a nullable column', 'ALTER TABLE support_contract ALTER COLUMN tier DROP DEFAULT;', 0],
    ['safe: a NOT NULL column without a default', 'ALTER TABLE support_customer ALTER COLUMN contact_name DROP DEFAULT;', 0],
    ['safe: another default set later in the file', "ALTER TABLE support_customer ALTER COLUMN tenant DROP DEFAULT;\nALTER TABLE support_customer ALTER COLUMN tenant SET DEFAULT 'main';", 0],
    ['safe: changing the default', "ALTER TABLE support_customer ALTER COLUMN tenant SET DEFAULT 'main';", 0],
    ['safe: a table created in the same file', "CREATE TABLE t (id int NOT NULL DEFAULT 0); ALTER TABLE t ALTER COLUMN id DROP DEFAULT;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
