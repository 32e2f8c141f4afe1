import { canonicalJson, planChange, type ChangeSpec, type Plan, type PlanProblem } from '@switchback/core';
import { createHash } from 'node:crypto';
import type { Db } from '../db/db.js';
import { ChangeFileChangedError, SwitchbackError } from '../errors.js';
import { appendEvent, getChange, type ChangeRow } from '../ledger/ledger-store.js';
import { readSchema } from '../schema/read-schema.js';

export class PlanProblemsError extends SwitchbackError {
  constructor(
    readonly change: ChangeSpec,
    readonly problems: PlanProblem[],
  ) {
    super(`${change.file}: the change cannot be planned against the database:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`);
  }
}

export function planHash(plan: Plan): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex').slice(0, 16);
}

/**
 * The change's plan as the ledger knows it. A new change is planned against
 * the live schema and stored (the stored plan is what runs from then on, even
 * though expand alters the schema it was made from). A known change whose
 * file now plans differently is refused while it is in flight.
 */
export async function registerChange(db: Db, spec: ChangeSpec, actor: string, options: { check?: (plan: Plan) => void; transform?: (plan: Plan) => Plan } = {}): Promise<ChangeRow> {
  const existing = await getChange(db, spec.id);
  if (existing && (existing.applied_phase !== null || existing.status !== 'idle')) {
    // The same change read from another path (or cwd) is the same change.
    if (!sameIgnoringFile(existing.spec, spec)) throw new ChangeFileChangedError(spec.id, existing.applied_phase);
    options.check?.(existing.plan);
    return existing;
  }
  const result = planChange(spec, await readSchema(db));
  if (!result.ok) throw new PlanProblemsError(spec, result.problems);
  // A transformed plan (rehearsing a deliberately broken plan) is stored as it will run.
  if (options.transform) result.plan = options.transform(result.plan);
  options.check?.(result.plan);
  const hash = planHash(result.plan);
  if (existing && existing.plan_hash === hash) return existing;
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO switchback.changes (id, intent, title, sync, file, spec, plan, plan_hash)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
       ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, sync = EXCLUDED.sync, file = EXCLUDED.file, spec = EXCLUDED.spec,
         plan = EXCLUDED.plan, plan_hash = EXCLUDED.plan_hash, updated_at = now()`,
      [spec.id, spec.intent, spec.title, spec.sync, spec.file, JSON.stringify(spec), JSON.stringify(result.plan), hash],
    );
    await appendEvent(tx, { change: spec.id, actor, action: existing ? 'change.replanned' : 'change.registered', outcome: 'succeeded', evidence: { file: spec.file, planHash: hash, intent: spec.intent, sync: spec.sync } });
  });
  return (await getChange(db, spec.id))!;
}

function sameIgnoringFile(a: unknown, b: ChangeSpec): boolean {
  return canonicalJson({ ...(a as object), file: null }) === canonicalJson({ ...b, file: null });
}
