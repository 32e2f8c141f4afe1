import fs from 'node:fs';
import { expect } from 'vitest';
import { parseChangeFile } from '../src/change/change-file.js';
import type { ChangeSpec } from '../src/change/change-spec.js';
import type { IntentDef } from '../src/intents/intent.js';
import { allSteps, type Plan } from '../src/plan/plan.js';
import type { SchemaModel } from '../src/schema/schema-model.js';

/** A change of `intent` with these params, read through the change-file parser (so defaults apply). */
export function changeOf(intent: string, params: Record<string, unknown>, extra = ''): ChangeSpec {
  const yaml = `version: 1\nid: 0009-test\ntitle: Test\nintent: ${intent}\n${extra}params: ${JSON.stringify(params)}\n`;
  const r = parseChangeFile(yaml, 'changes/0009-test.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.change;
}

/** An example change file of the repository, parsed. */
export function exampleChange(relative: string): ChangeSpec {
  const url = new URL(`../../../${relative}`, import.meta.url);
  const r = parseChangeFile(fs.readFileSync(url, 'utf8'), relative);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.change;
}

export function planOf(def: IntentDef<any>, change: ChangeSpec, schema: SchemaModel): Plan {
  const r = def.plan(change as never, schema);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

/** The first problem planning reports, which must exist. */
export function firstProblem(def: IntentDef<any>, change: ChangeSpec, schema: SchemaModel) {
  const r = def.plan(change as never, schema);
  expect(r.ok, 'planning must fail').toBe(false);
  return r.ok ? undefined : r.problems[0];
}

/** A step's SQL, whatever its kind ('' when it has none). */
export function stepSql(plan: Plan, id: string): string {
  const s = allSteps(plan).find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}; steps: ${allSteps(plan).map((x) => x.id).join(', ')}`);
  return s.kind === 'sql' ? s.sql : s.kind === 'concurrent' ? s.statements.join('\n') : '';
}

/** Every step id is unique, and the plan survives JSON as it is stored in the ledger. */
export function expectWellFormed(plan: Plan): void {
  const ids = allSteps(plan).map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  for (const phase of plan.phases) expect(phase.backout.length).toBeGreaterThan(10);
}
