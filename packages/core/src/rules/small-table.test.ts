import { describe, expect, it } from 'vitest';
import type { SchemaModel } from '../schema/schema-model.js';
import { checkSql } from './check-sql.js';
import { SMALL_TABLE_LIMITS, smallTablesNote } from './small-table.js';

const table = (rows?: number, bytes?: number): SchemaModel['tables'][string] => ({
  name: 'account',
  schema: 'public',
  columns: [{ name: 'id', type: 'integer', nullable: false, default: null }, { name: 'email', type: 'text', nullable: true, default: null }],
  primaryKey: ['id'],
  ...(rows === undefined ? {} : { rows }),
  ...(bytes === undefined ? {} : { bytes }),
});

async function findings(sql: string, rows?: number, bytes?: number) {
  const r = await checkSql({ schema: { tables: { account: table(rows, bytes) } }, migrations: [{ file: 'm.sql', text: sql }] });
  if (!r.ok) throw new Error(r.error.message);
  return r.report;
}

describe('lock findings on small tables', () => {
  it.each([
    ['a small table: info, with its size', 120, 49_152, 'info'],
    ['too many rows', SMALL_TABLE_LIMITS.rows, 49_152, 'warning'],
    ['too many bytes', 10, SMALL_TABLE_LIMITS.bytes, 'warning'],
    ['size unknown (replayed DDL)', undefined, undefined, 'warning'],
  ])('CREATE INDEX on %s', async (_, rows, bytes, severity) => {
    const report = await findings('CREATE INDEX account_email ON account (email);', rows, bytes);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['require-concurrent-index', severity]]);
    if (severity === 'info') {
      expect(report.findings[0]?.message).toContain('But account has ~120 rows (48 kB), so this takes milliseconds.');
      expect(report.summary.warnings).toBe(0);
    }
  });

  it('keeps findings that break old code, and the lock_timeout warning, at their severity', async () => {
    const report = await findings('ALTER TABLE account DROP COLUMN email;', 5, 8192);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['drop-column', 'error'], ['require-lock-timeout', 'warning']]);
  });

  it('needs every table of the statement to be small', () => {
    const schema: SchemaModel = { tables: { a: { ...table(1, 1), name: 'a' }, b: { ...table(), name: 'b' } } };
    expect(smallTablesNote(schema, ['a'])).toBe('a has ~1 rows (1 B)');
    expect(smallTablesNote(schema, ['a', 'b'])).toBeUndefined();
    expect(smallTablesNote(schema, [])).toBeUndefined();
  });
});
