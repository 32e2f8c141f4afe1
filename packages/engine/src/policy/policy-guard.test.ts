import { describe, expect, it } from 'vitest';
import { transitionName, type Plan } from '@switchback/core';
import type { ChangeRow, PhaseRun } from '../ledger/ledger-store.js';
import { backwardTransitions, forwardTransitions } from './policy-guard.js';

const ids = ['expand', 'dual-write', 'backfill', 'read-switch', 'cut-off', 'contract'] as const;
const plan = { phases: ids.map((id) => ({ id, ...(id === 'read-switch' ? { rollout: { flag: 'F', steps: [1, 10, 50, 100] } } : {}) })) } as unknown as Plan;
const change = (applied: string | null, step: number | null = null) => ({ id: 'c', plan, applied_phase: applied, rollout_step: step }) as ChangeRow;
const run = (phase: string, direction: 'forward' | 'backward') => ({ phase, direction }) as PhaseRun;
const names = (l: ReturnType<typeof forwardTransitions>) => l.map(transitionName);

describe('forwardTransitions mirrors what advance takes', () => {
  it.each([
    ['nothing applied, one step', change(null), undefined, undefined, ['expand']],
    ['to read-switch', change(null), undefined, 'read-switch', ['expand', 'dual-write', 'backfill', 'read-switch']],
    ['a rollout step next', change('read-switch', 1), undefined, undefined, ['read-switch@50%']],
    ['through the rollout to cut-off', change('read-switch', 0), undefined, 'cut-off', ['read-switch@10%', 'read-switch@50%', 'read-switch@100%', 'cut-off']],
    ['finishing a half-done phase is not a new transition', change('backfill', null), run('read-switch', 'forward'), undefined, []],
    ['after finishing, on to cut-off', change('backfill', null), run('read-switch', 'forward'), 'cut-off', ['read-switch@10%', 'read-switch@50%', 'read-switch@100%', 'cut-off']],
    ['complete', change('contract'), undefined, undefined, []],
  ] as const)('%s', (_n, c, active, to, expected) => {
    expect(names(forwardTransitions(c, active, to))).toEqual(expected);
  });
});

describe('backwardTransitions mirrors what rollback undoes', () => {
  it.each([
    ['one phase', change('cut-off'), undefined, undefined, ['rollback:cut-off']],
    ['to backfill', change('cut-off'), undefined, 'backfill', ['rollback:cut-off', 'rollback:read-switch']],
    ['to the start', change('dual-write'), undefined, 'start', ['rollback:dual-write', 'rollback:expand']],
    ['a half-done phase only', change('backfill'), run('read-switch', 'forward'), undefined, ['rollback:read-switch']],
  ] as const)('%s', (_n, c, active, to, expected) => {
    expect(names(backwardTransitions(c, active, to))).toEqual(expected);
  });
});
