import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseChangeFile } from '../change/change-file.js';
import { planChange } from '../plan/plan-change.js';
import { buildSchema } from '../schema/schema-builder.js';
import { loadSqlParser, parseSql } from '../sql/parse-sql.js';

const dir = fileURLToPath(new URL('../../../../examples/intents/', import.meta.url));
const schemaFile = fileURLToPath(new URL('../../../../examples/support-desk/migrations/0001_create_support_tables.sql', import.meta.url));
const examples = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('the example change of every intent', () => {
  beforeAll(loadSqlParser);

  it('exists for every intent that has one', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('%s parses and plans against the support desk schema', (name) => {
    const parsed = parseChangeFile(fs.readFileSync(dir + name, 'utf8'), `examples/intents/${name}`);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`).join('\n'));
    expect(parsed.change.intent).toBe(name.replace(/\.yaml$/, ''));
    // An example may need more than the support desk's tables: <name>.schema.sql, replayed after it.
    const extra = dir + name.replace(/\.yaml$/, '.schema.sql');
    const files = [schemaFile, ...(fs.existsSync(extra) ? [extra] : [])].map((f) => {
      const sql = parseSql(f, fs.readFileSync(f, 'utf8'));
      if (!sql.ok) throw new Error(sql.error.message);
      return sql.file;
    });
    const r = planChange(parsed.change, buildSchema(files));
    if (!r.ok) throw new Error(r.problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
    expect(r.plan.phases.length).toBeGreaterThan(0);
  });
});
