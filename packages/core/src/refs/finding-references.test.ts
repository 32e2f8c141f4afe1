import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSql } from '../rules/check-sql.js';
import { loadSqlParser, parseSql } from '../sql/parse-sql.js';
import type { CodeAccess } from './code-accesses.js';
import { addCodeReferences, referencesFor, statementTouches, type Touch } from './finding-references.js';

const read = (p: string) => fs.readFileSync(new URL(`../../../../${p}`, import.meta.url), 'utf8');

beforeAll(() => loadSqlParser());

function touches(sql: string): Touch[] {
  const r = parseSql('m.sql', sql);
  if (!r.ok) throw new Error(r.error.message);
  return r.file.statements.flatMap(statementTouches);
}

describe('statementTouches', () => {
  it.each<[string, Touch[]]>([
    ['DROP TABLE support_contract', [{ table: 'support_contract', columns: [], writes: false }]],
    ['DROP VIEW v, w', [{ table: 'v', columns: [], writes: false }, { table: 'w', columns: [], writes: false }]],
    ['ALTER TABLE support_contract RENAME TO contract', [{ table: 'support_contract', columns: [], writes: false }]],
    ['ALTER TABLE support_contract RENAME COLUMN tier TO plan', [{ table: 'support_contract', columns: ['tier'], writes: false }]],
    ['ALTER TABLE support_contract DROP COLUMN tier', [{ table: 'support_contract', columns: ['tier'], writes: false, subject: 'support_contract.tier' }]],
    ['ALTER TABLE support_contract ALTER COLUMN tier TYPE int USING 1', [{ table: 'support_contract', columns: ['tier'], writes: false, subject: 'support_contract.tier' }]],
    ['ALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL', [{ table: 'support_contract', columns: ['tier'], writes: true, subject: 'support_contract.tier' }]],
    ['ALTER TABLE support_contract ADD COLUMN plan text NOT NULL', [{ table: 'support_contract', columns: [], writes: true, subject: 'support_contract.plan' }]],
    ["UPDATE support_contract SET tier = 'gold'", [{ table: 'support_contract', columns: ['tier'], writes: false }]],
    ['TRUNCATE support_contract', [{ table: 'support_contract', columns: [], writes: false }]],
    ['DELETE FROM support_contract', [{ table: 'support_contract', columns: [], writes: false }]],
  ])('%s', (sql, expected) => {
    expect(touches(sql)).toEqual(expected);
  });
});

describe('referencesFor', () => {
  const at = (line: number, access: 'read' | 'write', column?: string): CodeAccess => ({ table: 'support_contract', ...(column ? { column } : {}), access, file: 'a.ts', line, symbol: 'A' });
  const accesses = [at(1, 'read'), at(2, 'read', 'tier'), at(3, 'write', 'end_date'), at(4, 'write', '*'), at(5, 'write')];

  it.each<[string, Touch, number[]]>([
    ['a whole table: table-level uses', { table: 'support_contract', columns: [], writes: false }, [1, 4, 5]],
    ['a column: its uses and uses of every column', { table: 'support_contract', columns: ['tier'], writes: false }, [2, 4]],
    ['a column by another spelling', { table: 'support_contract', columns: ['Tier'], writes: false }, [2, 4]],
    ['writers only', { table: 'support_contract', columns: ['end_date'], writes: true }, [3, 4]],
    ['another table', { table: 'support_customer', columns: [], writes: false }, []],
  ])('%s', (_, touch, lines) => {
    expect(referencesFor([touch], accesses).map((r) => r.line)).toEqual(lines);
  });
});

describe('addCodeReferences on the seed app', () => {
  const app = ['src/customers/support-customer-reader.ts', 'src/contracts/contract-writer.ts', 'src/sql.ts', 'src/support-desk-app.ts'];

  it('names SupportCustomerReader (read) and ContractWriter (write) on the DROP TABLE, nothing on lock-only findings', async () => {
    const migrations = [{ file: 'migrations/0002_merge_contract_into_customer.sql', text: read('examples/support-desk/migrations/0002_merge_contract_into_customer.sql') }];
    const applied = [{ file: 'migrations/0001_create_support_tables.sql', text: read('examples/support-desk/migrations/0001_create_support_tables.sql') }];
    const r = await checkSql({ migrations, applied });
    if (!r.ok) throw new Error(r.error.message);
    const code = app.map((file) => ({ file, text: read(`examples/support-desk/${file}`) }));
    const report = await addCodeReferences(r.report, { migrations, applied, code });
    const drop = report.findings.find((f) => f.rule === 'drop-table');
    expect(drop?.references).toEqual([
      { file: 'src/contracts/contract-writer.ts', line: 60, symbol: 'ContractWriter', access: 'write' },
      { file: 'src/contracts/contract-writer.ts', line: 61, symbol: 'ContractWriter', access: 'write' },
      { file: 'src/customers/support-customer-reader.ts', line: 23, symbol: 'SupportCustomerReader', access: 'read' },
    ]);
    for (const f of report.findings.filter((f) => !f.impacts.includes('old-code') && !f.impacts.includes('rollback'))) expect(f.references).toEqual([]);
  });

  it('ties each finding of a multi-command ALTER TABLE to its own column', async () => {
    const applied = [{ file: '0001.sql', text: 'CREATE TABLE support_contract (id int PRIMARY KEY, tier text, end_date date);' }];
    const migrations = [{ file: '0002.sql', text: 'ALTER TABLE support_contract DROP COLUMN tier, DROP COLUMN end_date;' }];
    const r = await checkSql({ migrations, applied });
    if (!r.ok) throw new Error(r.error.message);
    const code = [{ file: 'a.ts', text: "db.query('SELECT tier FROM support_contract');\ndb.query('SELECT end_date FROM support_contract');" }];
    const report = await addCodeReferences(r.report, { migrations, applied, code });
    const drops = report.findings.filter((f) => f.rule === 'drop-column');
    expect(drops.map((f) => [f.message.match(/support_contract\.\w+/)?.[0], f.references.map((ref) => ref.line)])).toEqual([
      ['support_contract.tier', [1]],
      ['support_contract.end_date', [2]],
    ]);
  });

  it('leaves a report without code findings alone (nothing scanned)', async () => {
    const r = await checkSql({ migrations: [{ file: 'm.sql', text: 'CREATE TABLE t (id int);' }] });
    if (!r.ok) throw new Error(r.error.message);
    expect(await addCodeReferences(r.report, { migrations: [], code: [{ file: 'x.ts', text: 'not even parsed' }] })).toBe(r.report);
  });

  it('leaves a report alone when there is no code to search', async () => {
    const migrations = [{ file: 'm.sql', text: 'DROP TABLE t;' }];
    const r = await checkSql({ migrations, applied: [{ file: 'a.sql', text: 'CREATE TABLE t (id int);' }] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.report.findings.some((f) => f.impacts.includes('old-code'))).toBe(true);
    expect(await addCodeReferences(r.report, { migrations, code: [] })).toBe(r.report);
  });
});
