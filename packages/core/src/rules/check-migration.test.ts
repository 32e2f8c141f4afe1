import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSql, type SqlSource } from './check-sql.js';
import { TEST_BASE_SCHEMA } from './rule-test-kit.js';

const example = (name: string): SqlSource => {
  const file = `examples/support-desk/migrations/${name}`;
  return { file, text: fs.readFileSync(new URL(`../../../../${file}`, import.meta.url), 'utf8') };
};

async function check(sql: string | SqlSource[], applied: SqlSource[] = [{ file: 'base.sql', text: TEST_BASE_SCHEMA }]) {
  const migrations = typeof sql === 'string' ? [{ file: 'm.sql', text: sql }] : sql;
  const r = await checkSql({ migrations, applied });
  if (!r.ok) throw new Error(r.error.message);
  return r.report;
}

/** Every statement here is the safe variant of something a rule flags. */
const SAFE_MIGRATION = `
SET lock_timeout = '2s';
ALTER TABLE support_customer ADD COLUMN tier text;
ALTER TABLE support_customer ADD COLUMN seen_at timestamptz DEFAULT now();
ALTER TABLE support_customer ALTER COLUMN code TYPE varchar(40);
ALTER TABLE support_contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;
ALTER TABLE support_contract VALIDATE CONSTRAINT tier_nn;
ALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL;
CREATE UNIQUE INDEX CONCURRENTLY customer_code ON support_customer (code);
ALTER TABLE support_customer ADD CONSTRAINT customer_code UNIQUE USING INDEX customer_code;
DROP INDEX CONCURRENTLY support_contract_customer_id;
UPDATE support_customer SET tier = 'basic' WHERE id BETWEEN 1 AND 1000;
CREATE TABLE support_note (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, body text);
ALTER TABLE support_note ADD COLUMN author text NOT NULL;
CREATE INDEX support_note_customer ON support_note (customer_id);
ALTER TABLE support_note ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES support_customer (id);
`;

describe('checkMigration', () => {
  it('reports nothing for a safe migration', async () => {
    const report = await check(SAFE_MIGRATION);
    expect(report.findings).toEqual([]);
    expect(report.summary).toEqual({ files: 1, statements: 15, errors: 0, warnings: 0 });
  });

  it('reports the seed example with the move-columns sequence', async () => {
    const report = await check([example('0002_merge_contract_into_customer.sql')], [example('0001_create_support_tables.sql')]);
    expect(report.findings.map((f) => [f.rule, f.line])).toEqual([
      ['require-lock-timeout', 4],
      ['unbatched-backfill', 5],
      ['drop-table', 7],
      ['require-lock-timeout', 7],
    ]);
    for (const f of report.findings) {
      expect(f.suggestion).toContain('expand, dual-write, backfill and read-switch phases behind ReadContractDetailsFromCustomer');
      expect(f.suggestion).toContain('move-columns');
    }
    expect(report.summary).toEqual({ files: 1, statements: 3, errors: 1, warnings: 3 });
  });

  it.each([
    ['an ignore with a reason silences the rule', '-- switchback:ignore drop-table archived last quarter, nothing reads it\nDROP TABLE support_contract;', ['require-lock-timeout']],
    ['several rules in one ignore', '-- switchback:ignore drop-table, require-lock-timeout archived\nDROP TABLE support_contract;', []],
    ['stacked ignore lines', '-- switchback:ignore drop-table archived\n-- switchback:ignore require-lock-timeout nothing else uses it\nDROP TABLE support_contract;', []],
    ['an ignore without a reason silences nothing', '-- switchback:ignore drop-table\nDROP TABLE support_contract;', ['ignore-without-reason', 'drop-table', 'require-lock-timeout']],
    ['an ignore two lines up does not apply', '-- switchback:ignore drop-table archived\n\nDROP TABLE support_contract;', ['drop-table', 'require-lock-timeout']],
    ['an ignore for another rule does not apply', '-- switchback:ignore rename-table archived\nDROP TABLE support_contract;', ['drop-table', 'require-lock-timeout']],
  ])('%s', async (_, sql, expected) => {
    expect((await check(sql)).findings.map((f) => f.rule)).toEqual(expected);
  });

  it('reports the missing reason at the comment line', async () => {
    const [f] = (await check('SELECT 1;\n-- switchback:ignore drop-table\nDROP TABLE support_contract;')).findings;
    expect(f).toMatchObject({ rule: 'ignore-without-reason', line: 2, column: 1, severity: 'warning' });
  });

  it('treats tables created by an earlier checked file as new', async () => {
    const report = await check([
      { file: '1.sql', text: 'CREATE TABLE t (id int);' },
      { file: '2.sql', text: 'ALTER TABLE t ADD COLUMN x int NOT NULL; CREATE INDEX t_x ON t (x); DROP TABLE t;' },
    ]);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ files: 2, statements: 4 });
  });

  it('does not treat CREATE TABLE IF NOT EXISTS on an existing table as new', async () => {
    const report = await check('CREATE TABLE IF NOT EXISTS support_contract (id int);\nDROP TABLE support_contract;');
    expect(report.findings.map((f) => f.rule)).toEqual(['drop-table', 'require-lock-timeout']);
  });

  it('points at the column or constraint at fault inside a multi-line ALTER TABLE', async () => {
    const report = await check("SET lock_timeout = '1s';\nALTER TABLE support_customer\n  ADD COLUMN note text,\n  ADD COLUMN née text NOT NULL,\n  ADD CONSTRAINT pos CHECK (visits > 0);");
    expect(report.findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ['add-not-null-column', 4, 14],
      ['validate-constraint-separately', 5, 7],
    ]);
  });

  it('sees earlier statements of the migration (schema replayed as it goes)', async () => {
    const report = await check('ALTER TABLE support_customer ADD COLUMN n int;\nSET lock_timeout = 1000;\nALTER TABLE support_customer ALTER COLUMN n TYPE bigint;');
    expect(report.findings.map((f) => [f.rule, f.line, f.severity])).toEqual([
      ['require-lock-timeout', 1, 'warning'],
      ['change-column-type', 3, 'warning'],
    ]);
    expect(report.findings[1]?.message).toContain('from integer to bigint');
  });
});
