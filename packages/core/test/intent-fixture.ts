import { executionSettings, type ChangeSpec, type IntentKind } from '../src/change/change-spec.js';
import { intents } from '../src/intents/index.js';
import type { PlanResult } from '../src/intents/intent.js';
import type { Plan } from '../src/plan/plan.js';
import type { SchemaModel } from '../src/schema/schema-model.js';
import { seedSchema } from './seed-fixture.js';

/** A change of any intent, its params parsed by the intent's own schema (defaults filled in). */
export function changeOf(intent: IntentKind, params: Record<string, unknown>, o: { id?: string; sync?: 'trigger' | 'app'; title?: string } = {}): ChangeSpec {
  const id = o.id ?? `0002-${intent}`;
  return {
    id,
    file: `changes/${id}.yaml`,
    title: o.title ?? `A ${intent} change`,
    intent,
    sync: o.sync ?? 'trigger',
    params: intents[intent].params.parse(params),
    execution: executionSettings.parse(undefined),
  };
}

export function planOf(change: ChangeSpec, schema: SchemaModel = seedSchema()): PlanResult {
  return intents[change.intent].plan(change as never, schema);
}

/** The plan, or a thrown error listing the problems (for tests of valid changes). */
export function mustPlan(change: ChangeSpec, schema: SchemaModel = seedSchema()): Plan {
  const r = planOf(change, schema);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}
