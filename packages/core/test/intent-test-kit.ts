import fs from 'node:fs';
import { expect } from 'vitest';
import { parseChangeFile } from '../src/change/change-file.js';
import type { ChangeSpec, IntentKind } from '../src/change/change-spec.js';
import { intents } from '../src/intents/index.js';
import type { PlanProblem, PlanResult } from '../src/intents/intent.js';
import { allSteps, type Plan } from '../src/plan/plan.js';
import type { SchemaModel } from '../src/schema/schema-model.js';
import { seedSchema } from './seed-fixture.js';

/** What a test may set of a change besides its params. */
export interface ChangeOptions {
  id?: string;
  title?: string;
  sync?: 'trigger' | 'app';
}

/**
 * A change of `intent` with these params, read through the change-file
 * parser (so the intent's defaults and validation apply); `0002-<intent>`
 * unless `o.id` names another.
 */
export function changeOf(intent: IntentKind, params: Record<string, unknown>, o: ChangeOptions = {}): ChangeSpec {
  const id = o.id ?? `0002-${intent}`;
  const title = o.title ?? `A ${intent} change`;
  const yaml = `version: 1\nid: ${id}\ntitle: ${JSON.stringify(title)}\nintent: ${intent}\n${o.sync ? `sync: ${o.sync}\n` : ''}params: ${JSON.stringify(params)}\n`;
  const r = parseChangeFile(yaml, `changes/${id}.yaml`);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.change;
}

/** An example change file of the repository (path from its root), parsed. */
export function exampleChange(relative: string): ChangeSpec {
  const url = new URL(`../../../${relative}`, import.meta.url);
  const r = parseChangeFile(fs.readFileSync(url, 'utf8'), relative);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.change;
}

/** The change planned by its intent from the catalogue, against the seed schema unless told. */
export function planOf(change: ChangeSpec, schema: SchemaModel = seedSchema()): PlanResult {
  return intents[change.intent].plan(change as never, schema);
}

/** The plan, or a thrown error listing the problems (for tests of valid changes). */
export function mustPlan(change: ChangeSpec, schema: SchemaModel = seedSchema()): Plan {
  const r = planOf(change, schema);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

/** The first problem planning reports, which must exist. */
export function firstProblem(change: ChangeSpec, schema: SchemaModel = seedSchema()): PlanProblem | undefined {
  const r = planOf(change, schema);
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
