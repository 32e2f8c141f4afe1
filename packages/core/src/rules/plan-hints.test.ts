import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../findings/finding.js';
import { defaultDropColumnFlag } from '../intents/drop-column-intent.js';
import { defaultDropTableFlag } from '../intents/drop-table-intent.js';
import { changesFromSql } from '../intents/from-sql.js';
import { intents } from '../intents/index.js';
import { defaultRenameFlag } from '../intents/rename-column-intent.js';
import { buildSchema } from '../schema/schema-builder.js';
import { loadSqlParser, parseSql, type SqlFile } from '../sql/parse-sql.js';
import { checkMigration } from './check-migration.js';
import { corpus as statementCorpus } from './corpus/corpus-cases.js';
import { objectCorpus } from './corpus/object-corpus-cases.js';
import { realWorldCorpus } from './corpus/real-world-corpus-cases.js';
import { dropColumnFlag, dropTableFlag, renameColumnFlag } from './plan-hints.js';

/**
 * Error-level rules whose safe sequence is a deploy order rather than a
 * plan: no intent moves code off a view, a function or a type name, and
 * deleted rows or a failing statement have nothing to phase.
 */
const NO_INTENT: Record<string, string> = {
  'drop-view': 'a view has no data: deploy the version that stops reading it, then drop it',
  'view-drops-column': 'keep the column in the view until no running version reads it',
  'drop-function': 'deploy the version that stops calling it, then drop it',
  'rename-type': 'deploy the version that stops naming the type, then rename it',
  'truncate-table': 'archive and delete in batches; nothing to phase',
  'delete-without-where': 'archive and delete in batches; nothing to phase',
  'concurrently-in-transaction': 'the statement fails: move it out of the transaction',
  'drop-default-on-not-null': 'deploy the version that always writes the column, then drop the default',
};

const named = (f: Finding) => [...f.suggestion.matchAll(/plan: ([a-z][a-z-]*[a-z])/g)].map((m) => m[1]!);
const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);

describe('flag names in suggestions', () => {
  it('are the ones the intents plan with', () => {
    fc.assert(
      fc.property(fc.option(identifier, { nil: undefined }), identifier, identifier, (schema, table, column) => {
        const t = schema ? `${schema}.${table}` : table;
        expect(renameColumnFlag(t, column)).toBe(defaultRenameFlag(t, column));
        expect(dropColumnFlag(t, column)).toBe(defaultDropColumnFlag(t, column));
        expect(dropTableFlag(t)).toBe(defaultDropTableFlag(t));
        expect(renameColumnFlag(t, column)).toMatch(/^Read[A-Z][A-Za-z0-9]*$/);
      }),
    );
  });
});

describe('suggestions over the corpus', () => {
  const cases = [...statementCorpus, ...objectCorpus, ...realWorldCorpus].filter((c) => !c.known);
  let runs: { name: string; files: SqlFile[]; schema: ReturnType<typeof buildSchema>; findings: Finding[] }[];
  beforeAll(async () => {
    await loadSqlParser();
    runs = cases.map((c) => {
      const parse = (file: string, text: string) => {
        const r = parseSql(file, text);
        if (!r.ok) throw new Error(`${c.name}: ${r.error.message}`);
        return r.file;
      };
      const schema = buildSchema([parse('schema.sql', c.schema)]);
      const files = [parse('migration.sql', c.migration)];
      return { name: c.name, files, schema, findings: checkMigration(files, { schema }).findings };
    });
  });

  it('name only intents the planner offers', () => {
    const names = runs.flatMap((r) => r.findings.flatMap(named));
    expect(names.length).toBeGreaterThan(50);
    for (const n of names) expect(Object.keys(intents), n).toContain(n);
  });

  it('name an intent for every error-level finding, unless no intent fits', () => {
    for (const r of runs) {
      for (const f of r.findings.filter((x) => x.severity === 'error' && !NO_INTENT[x.rule])) expect(named(f), `${r.name}: ${f.rule}: ${f.suggestion}`).not.toEqual([]);
    }
  });

  it('point at plan --from-sql exactly when it writes the intent they name for that statement', () => {
    let claims = 0;
    for (const r of runs) {
      const proposed = changesFromSql(r.files, r.schema).changes;
      const statements = r.files[0]!.statements;
      for (const f of r.findings) {
        const statement = statements.filter((s) => s.line < f.line || (s.line === f.line && s.column <= f.column)).at(-1);
        const mapped = proposed.some((c) => named(f).includes(c.intent) && c.origins.some((o) => o.line === statement?.line && o.column === statement.column));
        const claimed = f.suggestion.includes('switchback plan --from-sql migration.sql');
        if (claimed) claims++;
        if (claimed || f.severity === 'error') expect(claimed, `${r.name}: ${f.rule} at ${f.line}: ${f.suggestion}`).toBe(mapped);
      }
    }
    expect(claims).toBeGreaterThan(20);
  });
});
