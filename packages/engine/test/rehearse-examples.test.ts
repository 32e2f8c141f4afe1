import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { intents, parseChangeFile } from '@switchback/core';
import { createScratchDatabase, rehearse } from '@switchback/engine';

/**
 * Every example change file, rehearsed forward and backward through every
 * phase with both app versions running: one row per example, so each intent
 * of the catalogue is proven on PGlite and, with DATABASE_URL, on the server.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const desk = 'examples/support-desk/migrations/0001_create_support_tables.sql';
const tickets = 'examples/changes/schema.sql';

const examples: { file: string; intent: string; schema: string[] }[] = [
  { file: 'examples/support-desk/changes/0001-contract-into-customer.yaml', intent: 'move-columns', schema: [desk] },
  { file: 'examples/support-desk/changes/0002-rename-company-name.yaml', intent: 'rename-column', schema: [desk] },
  { file: 'examples/support-desk/changes/0003-rename-contract-table.yaml', intent: 'rename-table', schema: [desk] },
  { file: 'examples/changes/0004-widen-ticket-id.yaml', intent: 'change-column-type', schema: [tickets] },
  { file: 'examples/changes/0005-require-ticket-customer.yaml', intent: 'add-not-null', schema: [tickets] },
  { file: 'examples/changes/0006-ticket-customer-fkey.yaml', intent: 'add-foreign-key', schema: [tickets] },
  { file: 'examples/changes/0007-unique-customer-email.yaml', intent: 'add-unique', schema: [tickets] },
  { file: 'examples/changes/0008-index-ticket-customer.yaml', intent: 'add-index', schema: [tickets] },
  { file: 'examples/changes/0009-ticket-status-escalated.yaml', intent: 'add-enum-value', schema: [tickets] },
  { file: 'examples/intents/merge-tables.yaml', intent: 'merge-tables', schema: [desk] },
  { file: 'examples/intents/extract-columns.yaml', intent: 'extract-columns', schema: [desk] },
  { file: 'examples/intents/split-table.yaml', intent: 'split-table', schema: [desk] },
  { file: 'examples/intents/drop-column.yaml', intent: 'drop-column', schema: [desk] },
  { file: 'examples/intents/drop-table.yaml', intent: 'drop-table', schema: [desk] },
  { file: 'examples/intents/replace-enum-with-lookup.yaml', intent: 'replace-enum-with-lookup', schema: [desk, 'examples/intents/replace-enum-with-lookup.schema.sql'] },
];

const serverUrl = process.env.DATABASE_URL;
const where = [{ name: 'pglite', url: undefined as string | undefined }, ...(serverUrl ? [{ name: 'postgres', url: serverUrl }] : [])];

describe.each(where)('every example change rehearses clean on $name', ({ url }) => {
  it.each(examples)('$intent: $file', async ({ file, schema }) => {
    const parsed = parseChangeFile(fs.readFileSync(`${root}${file}`, 'utf8'), file);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    const scratch = await createScratchDatabase(url ? { url } : {});
    try {
      const r = await rehearse({
        db: scratch.db,
        schema: schema.map((f) => ({ file: f, sql: fs.readFileSync(`${root}${f}`, 'utf8') })),
        change: parsed.change,
        rows: 200,
        seed: 1,
        actor: 'test',
      });
      expect(r.failures.slice(0, 3)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.edges).toHaveLength(3 * r.phases.length);
      expect(r.cells.filter((c) => c.status !== 'n/a').every((c) => c.status === 'pass')).toBe(true);
      expect(r.writes.lost).toBe(0);
    } finally {
      await scratch.dispose();
    }
  });
});

it('the table lists every intent of the catalogue', () => {
  expect(new Set(examples.map((e) => e.intent))).toEqual(new Set(Object.keys(intents)));
});
