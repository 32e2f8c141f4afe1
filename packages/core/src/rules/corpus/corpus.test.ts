import { describe, expect, it } from 'vitest';
import { checkSql } from '../check-sql.js';
import { IGNORE_WITHOUT_REASON, rules } from '../index.js';
import { corpus as statementCorpus, type CorpusCase } from './corpus-cases.js';
import { objectCorpus } from './object-corpus-cases.js';
import { realWorldCorpus } from './real-world-corpus-cases.js';

const corpus = [...statementCorpus, ...objectCorpus, ...realWorldCorpus];

const key = (x: { rule: string; line: number }) => `${x.rule}@${x.line}`;
const sorted = (xs: { rule: string; line: number }[]) => xs.map(key).sort();

async function actual(c: CorpusCase): Promise<string[]> {
  const r = await checkSql({ applied: [{ file: 'schema.sql', text: c.schema }], migrations: [{ file: 'migration.sql', text: c.migration }] });
  if (!r.ok) throw new Error(`${c.name}: ${r.error.file}:${r.error.line}:${r.error.column} ${r.error.message}`);
  return sorted(r.report.findings);
}

describe('check corpus', () => {
  it('has at least 150 cases with unique names', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  it('has a positive case for every rule id', () => {
    const positive = new Set(corpus.filter((c) => !c.known).flatMap((c) => c.expect.map((e) => e.rule)));
    for (const id of [...rules.map((r) => r.id), IGNORE_WITHOUT_REASON]) expect(positive, id).toContain(id);
  });

  it('has a safe case for every rule id', () => {
    const safe = corpus.filter((c) => !c.known && c.expect.length === 0).length;
    expect(safe).toBeGreaterThanOrEqual(rules.length);
  });

  it('gives every known gap a reason', () => {
    for (const c of corpus.filter((c) => c.known)) expect(c.reason?.length, c.name).toBeGreaterThan(0);
  });

  for (const c of corpus) {
    const run = async () => expect(await actual(c)).toEqual(sorted(c.expect));
    if (c.known) it.fails(`${c.name} [known ${c.known}]`, run);
    else it(c.name, run);
  }
});
