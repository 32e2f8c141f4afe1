import { describe, expect, it } from 'vitest';
import { bucket } from './bucket.js';
import { evaluate, type EvalContext, type FlagDefinition } from './evaluate.js';

const flag = (over: Partial<FlagDefinition> = {}): FlagDefinition => ({
  name: 'ReadContractDetailsFromCustomer',
  enabled: true,
  rolloutBps: 0,
  allowTenants: [],
  version: 1,
  ...over,
});

const key = 'customer-42';
const b = bucket('ReadContractDetailsFromCustomer', key);

const cases: Array<[name: string, def: FlagDefinition | undefined, ctx: EvalContext, value: boolean, reason: string]> = [
  ['unknown flag is off', undefined, { key }, false, 'unknown-flag'],
  ['disabled is off even at 100%', flag({ enabled: false, rolloutBps: 10_000 }), { key }, false, 'disabled'],
  ['disabled beats the allow list', flag({ enabled: false, allowTenants: ['acme'] }), { key, tenant: 'acme' }, false, 'disabled'],
  ['allow-listed tenant is on at 0%', flag({ allowTenants: ['acme'] }), { key, tenant: 'acme' }, true, 'allow-list'],
  ['other tenant falls through to rollout', flag({ allowTenants: ['acme'] }), { key, tenant: 'globex' }, false, 'outside-rollout'],
  ['100% is on', flag({ rolloutBps: 10_000 }), { key }, true, 'rollout'],
  ['0% is off', flag({ rolloutBps: 0 }), { key }, false, 'outside-rollout'],
  ['on when bucket < rollout', flag({ rolloutBps: b + 1 }), { key }, true, 'rollout'],
  ['off when bucket = rollout', flag({ rolloutBps: b }), { key }, false, 'outside-rollout'],
];

describe('evaluate', () => {
  it.each(cases)('%s', (_name, def, ctx, value, reason) => {
    const result = evaluate(def, ctx);
    expect(result.value).toBe(value);
    expect(result.reason).toBe(reason);
  });

  it('reports the bucket for rollout decisions only', () => {
    expect(evaluate(flag({ rolloutBps: 10_000 }), { key }).bucket).toBe(b);
    expect(evaluate(flag({ rolloutBps: 0 }), { key }).bucket).toBe(b);
    expect(evaluate(flag({ allowTenants: ['acme'] }), { key, tenant: 'acme' }).bucket).toBeUndefined();
    expect(evaluate(undefined, { key }).bucket).toBeUndefined();
  });
});
