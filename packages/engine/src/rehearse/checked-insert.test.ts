import { describe, expect, it } from 'vitest';
import { checkedInsertSql, rowNumber } from './checked-insert.js';
import { valueSql } from './generate-data.js';
import { readCatalog } from './rehearsal-catalog.js';
import { createScratchDatabase } from './scratch-database.js';

const serverUrl = process.env.DATABASE_URL;
const where = [{ name: 'pglite', url: undefined as string | undefined }, ...(serverUrl ? [{ name: 'postgres', url: serverUrl }] : [])];

describe.each(where)('a workload insert under CHECKs on $name', ({ url }) => {
  /** Insert row `i` of `ticket` the way a workload does; what the database returned, if a row was inserted. */
  async function insertUnder(check: string, i: number) {
    const scratch = await createScratchDatabase(url ? { url } : {});
    try {
      await scratch.db.exec(`CREATE TABLE ticket (id bigint PRIMARY KEY, score integer NOT NULL, due date, kind text CHECK (kind IN ('a', 'b')), ${check});`);
      const t = (await readCatalog(scratch.db)).get('ticket')!;
      const checks = t.checks ?? [];
      const cols = t.columns.map((c) => c.name);
      const exprs = t.columns.map((c) => valueSql(t, c, rowNumber(t, checks, c.name), 1)!);
      const sql = checkedInsertSql(t.sql, cols, exprs, checks, 'id::text AS id, score::text AS score, due::text AS due, kind');
      const { rows } = await scratch.db.query<Record<string, string | null>>(sql, [i]);
      return { checks, row: rows[0] };
    } finally {
      await scratch.dispose();
    }
  }

  it('keeps the first generated row that holds a CHECK the values do not meet by construction; a simple list stays a list', async () => {
    const { checks, row } = await insertUnder('CHECK (score % 5 = 0 AND (due IS NULL OR due > DATE \'2024-06-01\'))', 7);
    expect(checks.map((k) => k.columns.sort())).toEqual([['due', 'score']]);
    expect(row).toBeDefined();
    expect(Number(row!.score) % 5).toBe(0);
    expect(row!.id).toBe('7');
    expect(['a', 'b', null]).toContain(row!.kind);
  });

  it('inserts nothing when no generated row holds the CHECK (the caller reports it)', async () => {
    const { row } = await insertUnder('CHECK (score * 0 = 1)', 7);
    expect(row).toBeUndefined();
  });
});
