import type { z } from 'zod';
import type { ChangeSpec } from '../change/change-spec.js';
import type { Plan } from '../plan/plan.js';
import type { SchemaModel } from '../schema/schema-model.js';

/**
 * Why a plan cannot be made: the offending names are fields, `field` is the
 * change-file path of the parameter at fault (for line numbers), and the
 * message says what is wrong and how to fix it.
 */
export interface PlanProblem {
  code: 'table-not-found' | 'column-not-found' | 'unsupported-key' | 'column-conflict' | 'invalid-params' | 'type-not-found' | 'already-exists';
  field: string;
  message: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; problems: PlanProblem[] };

/** One kind of change: a parameter schema and a pure planner. */
export interface IntentDef<P> {
  kind: string;
  title: string;
  params: z.ZodType<P>;
  plan(change: ChangeSpec & { params: P }, schema: SchemaModel): PlanResult;
}
